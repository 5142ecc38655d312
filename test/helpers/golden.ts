/**
 * The golden corpus (golden/): the clang-19 objects and what bpftool v7.1.0
 * printed for them, plus the running kernel's BTF. Suites load everything
 * they need through these helpers at module top level; tests never write to
 * golden/.
 */
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseElf } from '../../lib/elf/read.js';

/** The repository root: the first ancestor of this module holding golden/ and package.json. */
export const ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'golden', 'obj')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (golden/obj) not found');
    dir = up;
  }
})();

/** Returns the absolute path of a repository-relative path. */
export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

/** The installed binary: package.json's `bin.btfkit` (the bundled CLI), as users run it. */
export const BIN: string = repoPath(
  (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { bin: { btfkit: string } }).bin.btfkit,
);

/** Returns the bytes of a file as a Uint8Array (a fresh, 0-offset buffer). */
export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Returns a file's text (UTF-8). */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** One golden object and its expected bpftool outputs. */
export interface GoldenObject {
  /** Name used in test titles: `xdp_pkt_counter`, `merge/merge_core`, `merge/linked`. */
  name: string;
  /** Absolute path of the object. */
  obj: string;
  /** Absolute path of `bpftool btf dump file OBJ`. */
  raw: string;
  /** Absolute path of `bpftool -j btf dump file OBJ`. */
  json: string;
  /** Whether the object is big-endian (`*.bpfeb.o`). */
  bigEndian: boolean;
}

function entry(name: string, obj: string, expectedBase: string): GoldenObject {
  return {
    name,
    obj,
    raw: `${expectedBase}.raw.txt`,
    json: `${expectedBase}.json`,
    bigEndian: obj.endsWith('.bpfeb.o'),
  };
}

/** Returns every golden object: golden/obj/*.o, golden/obj/merge/*.o and golden/expected/merge/linked.o. */
export function goldenObjects(): GoldenObject[] {
  const out: GoldenObject[] = [];
  const objDir = repoPath('golden', 'obj');
  for (const f of readdirSync(objDir).sort()) {
    if (!f.endsWith('.o')) continue;
    const base = f.slice(0, -2);
    out.push(entry(base, join(objDir, f), repoPath('golden', 'expected', base)));
  }
  const mergeDir = join(objDir, 'merge');
  for (const f of readdirSync(mergeDir).sort()) {
    if (!f.endsWith('.o')) continue;
    const base = f.slice(0, -2);
    out.push(entry(`merge/${base}`, join(mergeDir, f), repoPath('golden', 'expected', 'merge', base)));
  }
  out.push(
    entry(
      'merge/linked',
      repoPath('golden', 'expected', 'merge', 'linked.o'),
      repoPath('golden', 'expected', 'merge', 'linked'),
    ),
  );
  return out;
}

/** Returns the golden object called `name` (as in {@link GoldenObject.name}); throws when absent. */
export function goldenObject(name: string): GoldenObject {
  const g = goldenObjects().find((o) => o.name === name);
  if (!g) throw new Error(`no golden object ${name}`);
  return g;
}

/**
 * Returns a copy of the `.BTF` section of an ELF object (a fresh buffer, so
 * its type words are 4-byte aligned and it can be modified freely).
 */
export function btfSection(objBytes: Uint8Array): Uint8Array {
  const elf = parseElf(objBytes);
  const sec = elf.section('.BTF');
  if (!sec) throw new Error('no .BTF section');
  return elf.sectionData(sec).slice();
}

/** Where the running kernel keeps its BTF. */
export const VMLINUX = '/sys/kernel/btf/vmlinux';

/** Returns true when the kernel's BTF can be read here. */
export function hasVmlinux(): boolean {
  try {
    accessSync(VMLINUX, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the kernel's BTF bytes, or null when it is not readable. */
export function vmlinuxBytes(): Uint8Array | null {
  return hasVmlinux() ? readBytes(VMLINUX) : null;
}

/** Returns a short repository-relative path for messages. */
export function rel(path: string): string {
  return relative(ROOT, path);
}

/** Returns the text of `bytes` (UTF-8). */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Returns true when two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Returns the index of the first differing byte, or -1. */
export function firstDiff(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Returns whether `e` is the usage error a command throws (`usageError` in
 * cli/common.ts: exit status 2, one line with a hint to `--help`).
 */
export function isUsageError(e: unknown): e is Error & { exitCode: number; code: string } {
  const c = e as { code?: unknown; exitCode?: unknown } | null;
  return c !== null && typeof c === 'object' && c.code === 'btfkit.usage' && c.exitCode === 2;
}

/** What {@link runCli} returns. */
export interface CliRun {
  stdout: Uint8Array;
  stderr: string;
  /** The error thrown by the program (a CommanderError, BtfError ...), or undefined. */
  error: unknown;
}

/**
 * Runs `btfkit ARGS` in-process through `createProgram(memoryIo())` (with
 * commander's exitOverride, so nothing exits) and returns what it wrote and
 * threw.
 */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const { createProgram } = await import('../../cli/program.js');
  const { memoryIo } = await import('../../cli/io.js');
  const io = memoryIo(env);
  const program = await createProgram(io);
  let error: unknown;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { stdout: io.stdoutBytes(), stderr: io.stderr(), error };
}

/** One type as bpftool's raw dump prints it. */
export interface DumpedType {
  id: number;
  kind: string;
  /** The name, `''` for `(anon)`. */
  name: string;
  /** `key=value` pairs of the type line (`size`, `type_id`, `vlen` ...). */
  attrs: Record<string, string>;
  /** One entry per item line (members, params, values, datasec vars), with `name` when quoted. */
  items: Array<Record<string, string>>;
}

/** Returns the types of a bpftool raw dump (`bpftool btf dump file X`), indexed by id. */
export function parseRawDump(dump: string): Map<number, DumpedType> {
  const out = new Map<number, DumpedType>();
  let cur: DumpedType | null = null;
  const attrs = (s: string): Record<string, string> => {
    const a: Record<string, string> = {};
    for (const m of s.matchAll(/(\w+)=([^\s,]+)/g)) a[m[1]!] = m[2]!;
    return a;
  };
  for (const line of dump.split('\n')) {
    if (!line) continue;
    if (line.startsWith('\t')) {
      const m = /^\t'(.*?)'(.*)$/.exec(line);
      cur!.items.push(m ? { name: m[1] === '(anon)' ? '' : m[1]!, ...attrs(m[2]!) } : attrs(line));
      continue;
    }
    const m = /^\[(\d+)\] (\S+) '(.*?)'(.*)$/.exec(line);
    if (!m) throw new Error(`unparsable dump line: ${line}`);
    cur = { id: Number(m[1]), kind: m[2]!, name: m[3] === '(anon)' ? '' : m[3]!, attrs: attrs(m[4]!), items: [] };
    out.set(cur.id, cur);
  }
  return out;
}
