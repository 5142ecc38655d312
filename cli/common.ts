/**
 * The helpers the commands share, in one module so that no command imports
 * another: loading inputs (the default kernel BTF, `--base` for split BTF,
 * objects with `--fixup`), writing outputs, counting types per kind, and
 * running dedup with progress and `--stats` (`dedup` and `merge`).
 * Command modules import this and cli/options.ts, never each other.
 */
import { Btf, isElf } from '../lib/btf.js';
import { dedup, type DedupPass, type DedupReport } from '../lib/dedup/index.js';
import { SHF, parseElf } from '../lib/elf/read.js';
import { BtfError, BtfErrorCode, isInputError } from '../lib/errors.js';
import type { BtfExt } from '../lib/ext.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STDIO_PATH, fromOsBytes, osPath, readable, readInput, writeFileAtomic } from '../lib/io.js';
import { parseIdRange, parseKind } from '../lib/dump/select.js';
import { KIND_NAMES, NR_BTF_KINDS, infoKind, kindName } from '../lib/kinds.js';
import type { FixupOptions } from '../lib/object/fixup.js';
import { openObject, parseBtf, readBtfFile, type BpfObject } from '../lib/object/open.js';
import type { CliIo } from './io.js';
import { usageError, type FixupMode } from './options.js';

// ------------------------------------------------------------------ usage

export { usageError } from './options.js';

/** Returns the values of a repeatable option, each also split at commas (`--kind struct,union`). */
function listValues(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(',')).filter((v) => v.trim() !== '');
}

/** Returns the kind numbers of `--kind` values; a name that is no kind is a usage error of `command`. */
export function kindsOption(command: string, values: readonly string[]): number[] {
  return listValues(values).map((v) => {
    try {
      return parseKind(v);
    } catch {
      throw usageError(command, `--kind: unknown kind '${v}' (${KIND_NAMES.slice(1).join(', ').toLowerCase()})`);
    }
  });
}

/** Returns the ranges of `--id N[-M]` values; anything else is a usage error of `command`. */
export function idsOption(command: string, values: readonly string[]): Array<[number, number]> {
  return listValues(values).map((v) => {
    try {
      return parseIdRange(v);
    } catch (e) {
      throw usageError(command, `--id: ${(e as Error).message}`);
    }
  });
}

/** Adds an option to `values` (the collector of a repeatable option). */
export function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

// ------------------------------------------------------------------ inputs

/** Where the running kernel's BTF lives. */
export const VMLINUX = '/sys/kernel/btf/vmlinux';

/**
 * Returns the directory of the kernel's BTF objects: /sys/kernel/btf, or
 * `BTFKIT_SYSFS_BTF` when set (tests point it at a copy).
 */
export function sysfsBtfDir(): string {
  return process.env['BTFKIT_SYSFS_BTF'] || '/sys/kernel/btf';
}

/**
 * Returns the files a directory argument stands for: the entries of `dir`
 * that are not directories (links followed; an entry that cannot be stat'ed
 * is kept, so that reading it names it in its error), sorted by name, names
 * that start with a dot left out. Names that are not UTF-8 come back escaped
 * (lib/io.ts `fromOsBytes`). Batch inputs, `core --target DIR` and
 * `check --module DIR` all take a directory so.
 */
export function dirFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(osPath(dir), { encoding: 'buffer' })
    .map((b) => fromOsBytes(b))
    .sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(osPath(p)).isDirectory();
    } catch {
      // kept: reading it reports the error
    }
    if (!isDir) out.push(p);
  }
  return out;
}

/**
 * Returns the module names of a kernel's BTF directory (`names`, vmlinux
 * left out) in the order the kernel searches them, as libbpf does when it
 * loads the modules' BTF for CO-RE candidates (`load_module_btfs`: by BTF
 * object id, given out as modules load) and as `bpf_find_btf_id` walks them.
 * `procModules` is the text of /proc/modules, which lists the newest module
 * first, so its reverse is the load order; modules it does not list come
 * first, by name; with no text (undefined), all are by name.
 */
export function kernelModuleOrder(names: readonly string[], procModules: string | undefined): string[] {
  const loaded = (procModules ?? '')
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean)
    .reverse();
  const rank = new Map(loaded.map((m, i) => [m, i]));
  return names
    .filter((n) => n !== 'vmlinux')
    .sort((a, b) => (rank.get(a) ?? -1) - (rank.get(b) ?? -1) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Returns the running kernel's module BTF files (`dir`, /sys/kernel/btf by
 * default) in the kernel's order ({@link kernelModuleOrder} over
 * `procModules`, /proc/modules by default); none when `dir` cannot be read.
 * `check` searches kptr targets in them in this order, `core` its CO-RE
 * candidates.
 */
export function runningModuleFiles(dir = '/sys/kernel/btf', procModules = '/proc/modules'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  let text: string | undefined;
  try {
    text = readFileSync(procModules, 'utf8');
  } catch {
    // no /proc/modules: by name
  }
  return kernelModuleOrder(names, text).map((n) => join(dir, n));
}

/**
 * Reads raw BTF or an object's `.BTF` at once (split over `base` when
 * given), naming the file in errors; `read` gets the bytes (default: the
 * whole file).
 */
export function readBtfSync(
  path: string,
  base?: Btf,
  read: (path: string) => Uint8Array = (p) => readFileSync(osPath(p)),
): Btf {
  try {
    return parseBtf(read(path), base ? { base } : {});
  } catch (e) {
    if (isInputError(e) && !e.file) e.withFile(path);
    throw e;
  }
}

/** The prefix of a kernel module's BTF given by name: `module:NAME`. */
const MODULE_PREFIX = 'module:';

/**
 * Returns the path an input argument names: `module:NAME` is the module's
 * BTF, `/sys/kernel/btf/NAME` (split over vmlinux, see {@link basePathFor});
 * anything else is a path as it is.
 */
export function inputPath(file: string): string {
  if (!file.startsWith(MODULE_PREFIX)) return file;
  const name = file.slice(MODULE_PREFIX.length);
  if (name === '' || name.includes('/') || name === '.' || name === '..')
    throw new BtfError(BtfErrorCode.InvalidArgument, "module:NAME takes a module's name (as 'btfkit list' shows it)", {
      file,
    });
  return `${sysfsBtfDir()}/${name}`;
}

/**
 * Returns the base BTF's path for `file`: `basePath` when given; like
 * bpftool, the kernel's for a module's BTF under /sys/kernel/btf/ (split BTF
 * over vmlinux); else undefined.
 */
export function basePathFor(file: string, basePath: string | undefined): string | undefined {
  if (basePath !== undefined) return basePath;
  for (const dir of new Set(['/sys/kernel/btf', sysfsBtfDir()])) {
    const vmlinux = `${dir}/vmlinux`;
    if (file.startsWith(`${dir}/`) && file !== vmlinux) return vmlinux;
  }
  return undefined;
}

/** Returns the BTF of `file` (the kernel's when absent; raw BTF or an object's `.BTF`), over `base` when given. */
export async function loadBtf(file: string | undefined, basePath?: string): Promise<Btf> {
  const path = file === undefined ? VMLINUX : inputPath(file);
  if (file === undefined && !(await readable(VMLINUX))) {
    throw new BtfError(
      BtfErrorCode.Io,
      'no FILE given and the running kernel has no BTF (CONFIG_DEBUG_INFO_BTF is off, or it is not readable)',
      { file: VMLINUX },
    );
  }
  const baseFile = basePathFor(path, basePath);
  const base = baseFile ? await readBtfFile(baseFile) : undefined;
  return readBtfFile(path, base ? { base } : {});
}

/**
 * Returns the BTF of several files merged as bpftool 7.8's `btf dump file A
 * file B ...` merges them: each file is read as split BTF over the base
 * (`basePath`, or the kernel's when a file lies under /sys/kernel/btf/;
 * the kernel's own file is left out, as it is the base), appended to one
 * split BTF over that base, and the whole deduplicated. One file left:
 * {@link loadBtf}. Throws a usage error when there is no base.
 */
export async function loadMergedBtf(files: readonly string[], basePath: string | undefined): Promise<Btf> {
  const mods = files.map(inputPath).filter((f) => f !== VMLINUX);
  let baseFile = basePath;
  for (const f of mods) baseFile ??= basePathFor(f, undefined);
  if (mods.length <= 1) return loadBtf(mods[0] ?? VMLINUX, baseFile);
  if (baseFile === undefined)
    throw usageError('dump', 'several files are merged over a base: give -B BASE or files under /sys/kernel/btf/');
  const base = await readBtfFile(baseFile);
  const merged = Btf.empty({ base });
  for (const f of mods) merged.addBtf(await readBtfFile(f, { base }));
  dedup(merged);
  return merged;
}

/** Returns the library options for a fixup mode (undefined: no fixup). */
export function fixupLibOptions(mode: FixupMode | undefined): FixupOptions | undefined {
  if (mode === undefined) return undefined;
  return { externs: mode === 'open' };
}

/**
 * Returns the object in `file`, with its BTF fixed up when `mode` is given.
 * @throws BtfError `EINVAL` when `file` is not an ELF object (`notElf`
 *   replaces the message).
 */
export async function loadObject(
  file: string,
  opts: {
    fixup?: FixupMode | undefined;
    base?: string | undefined;
    ext?: boolean;
    partialCoreRelo?: boolean;
    notElf?: string;
  } = {},
): Promise<BpfObject> {
  const bytes = await readInput(file);
  if (!isElf(bytes)) throw new BtfError(BtfErrorCode.InvalidArgument, opts.notElf ?? 'not an ELF object', { file });
  const base = opts.base !== undefined ? await readBtfFile(opts.base) : undefined;
  const fixup = fixupLibOptions(opts.fixup);
  return openObject(bytes, {
    file,
    ...(base ? { base } : {}),
    ...(fixup ? { fixup } : {}),
    ext: opts.ext !== false,
    ...(opts.partialCoreRelo ? { partialCoreRelo: true } : {}),
  });
}

/**
 * Returns the BTF of `file` after the DATASEC fixup (`dump --fixup`).
 * @throws BtfError `EINVAL` when `file` is not an ELF object (raw BTF has no
 *   sections or symbols to fix up from) or has no `.BTF`.
 */
export async function loadFixedBtf(file: string | undefined, mode: FixupMode, base?: string): Promise<Btf> {
  if (file === undefined) throw usageError('dump', '--fixup needs an ELF object (FILE)');
  const obj = await loadObject(file, { fixup: mode, base, ext: false });
  return obj.btf!;
}

/**
 * Returns the bytes of section `name` (`.BTF`, `.BTF.ext`) when `file` is an
 * ELF object, else the whole file (raw BTF or raw `.BTF.ext`), unparsed: for
 * commands that hand the bytes on as they are (`attach`, `check`).
 * @throws BtfError (`code`, `ENOENT` unless given) when the object has no
 *   such section; ElfError for a malformed object.
 */
export async function sectionOrRaw(
  file: string,
  name: string,
  code: BtfErrorCode = BtfErrorCode.NotFound,
): Promise<Uint8Array> {
  const bytes = await readInput(file);
  if (!isElf(bytes)) return bytes;
  const elf = parseElf(bytes, { file });
  const sec = elf.section(name);
  if (sec === undefined) throw new BtfError(code, `no ${name} section in the ELF object`, { file });
  return elf.sectionData(sec);
}

/**
 * Writes the one-line note `maps` and `vars` give for an object whose code
 * uses a `.percpu` variable: btfkit lists such sections as the proposed
 * libbpf extension for per-CPU global variables would, but no released
 * libbpf supports it, and libbpf 1.1.2 refuses to open the object ("bad map
 * relo against ... in section '.percpu'"). A `.percpu` section no code
 * refers to is ignored by libbpf, and gets no note.
 */
export function percpuNote(io: CliIo, obj: BpfObject): void {
  const { elf } = obj;
  const percpu = new Set(
    elf.sections.filter((s) => s.name === '.percpu' || s.name.startsWith('.percpu.')).map((s) => s.index),
  );
  if (percpu.size === 0) return;
  const used = elf.relocations.some(
    (r) =>
      r.target !== undefined &&
      (r.target.flags & SHF.EXECINSTR) !== 0 &&
      r.relocations.some((x) => percpu.has(elf.symbols[x.symbol]?.shndx ?? -1)),
  );
  if (!used) return;
  io.err(
    `btfkit: ${obj.file ?? '<object>'}: note: its code uses .percpu (per-CPU global variables), a proposed libbpf extension: btfkit lists it, but released libbpf (1.1.2 included) refuses to open this object\n`,
  );
}

// ----------------------------------------------------------------- outputs

/**
 * Writes `data` to `path`: `-` is standard output; anything else through
 * lib/io.ts's writeFileAtomic (a device or FIFO is written in place). Every
 * command that writes a file writes it through here. `data` may come in
 * parts (a BTF's `rawParts()`), written one after the other.
 */
export async function writeOutput(io: CliIo, path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  if (path === STDIO_PATH) {
    if (data instanceof Uint8Array) io.out(data);
    else for (const part of data) io.out(part);
    return;
  }
  await writeFileAtomic(path, data);
}

// -------------------------------------------------------------------- json

/**
 * Returns compact JSON text (one line, as `JSON.stringify` writes it) laid
 * out as bpftool's `-p` does: one member or element per line, four spaces
 * per level, `"key": value`, empty objects and arrays kept as `{}` and `[]`.
 * It works on the text, so numbers written past 2^53 (bigints) stay exact.
 */
export function prettyJson(text: string): string {
  let out = '';
  let depth = 0;
  const nl = (): string => `\n${'    '.repeat(depth)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
        continue;
      }
      depth++;
      out += c + nl();
    } else if (c === '}' || c === ']') {
      depth--;
      out += nl() + c;
    } else if (c === ',') out += `,${nl()}`;
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}

/** Nesting past which a `RangeError` of `JSON.stringify` is its recursion overflowing (it copes with some thousands of levels). */
const DEEP_JSON = 1000;

/** Whether `value` nests objects and arrays more than `limit` deep (an explicit stack of what is left to look at, with its depth). */
function nestsDeeper(value: unknown, limit: number): boolean {
  const todo: unknown[] = [value];
  const depths: number[] = [0];
  while (todo.length) {
    const v = todo.pop();
    const d = depths.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      if (x !== null && typeof x === 'object') {
        todo.push(x);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

/**
 * Returns `value` as `JSON.stringify` writes it (plain data: objects,
 * arrays, strings, numbers, booleans, null, `toJSON`), the objects and
 * arrays under way on an explicit stack, so any depth costs heap.
 */
export function deepJson(value: unknown): string {
  const parts: string[] = [];
  // Frames: the keys still to write (an array's indexes as numbers), the container, whether one was written.
  interface Frame {
    keys: (string | number)[];
    i: number;
    of: Record<string | number, unknown>;
    array: boolean;
    first: boolean;
  }
  const st: Frame[] = [];
  const prep = (v: unknown, key: string): unknown =>
    v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function'
      ? (v as { toJSON: (k: string) => unknown }).toJSON(key)
      : v;
  /** Writes a scalar, or opens a container and pushes its frame. */
  const put = (v: unknown): void => {
    if (v !== null && typeof v === 'object') {
      const array = Array.isArray(v);
      parts.push(array ? '[' : '{');
      const of = v as Record<string | number, unknown>;
      st.push({ keys: array ? Array.from(v as unknown[], (_, i) => i) : Object.keys(v), i: 0, of, array, first: true });
      return;
    }
    const text = JSON.stringify(v);
    parts.push(text === undefined ? 'null' : text);
  };
  const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  const top = prep(value, '');
  if (skipped(top)) return JSON.stringify(top);
  put(top);
  while (st.length) {
    const f = st[st.length - 1]!;
    if (f.i >= f.keys.length) {
      parts.push(f.array ? ']' : '}');
      st.pop();
      continue;
    }
    const k = f.keys[f.i++]!;
    const v = prep(f.of[k], String(k));
    if (!f.array && skipped(v)) continue;
    if (!f.first) parts.push(',');
    f.first = false;
    if (!f.array) parts.push(`${JSON.stringify(k)}:`);
    put(v);
  }
  return parts.join('');
}

/** Returns `value` as one line of JSON, or laid out as bpftool's `-p` with `pretty`; a newline ends it. */
export function jsonText(value: unknown, pretty: boolean | undefined): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    // V8's JSON.stringify recurses: a value deeper than its stack (vars -j
    // of a 200,000-deep struct) is written on an explicit stack instead.
    if (!(e instanceof RangeError) || !nestsDeeper(value, DEEP_JSON)) throw e;
    text = deepJson(value);
  }
  return `${pretty ? prettyJson(text) : text}\n`;
}

// ------------------------------------------------------------------ counts

/** Returns the number of types per kind (index = kind; unknown kinds at NR_BTF_KINDS). */
export function kindCounts(btf: Btf): number[] {
  const counts = new Array<number>(NR_BTF_KINDS + 1).fill(0);
  for (let i = 0; i < btf.nrTypes; i++) {
    const k = infoKind(btf.infoOf(btf.startId + i));
    counts[Math.min(k, NR_BTF_KINDS)]!++;
  }
  return counts;
}

/** Returns the bpftool name of `kindCounts` slot `k` (`UNKNOWN` for the last). */
export function countedKindName(k: number): string {
  return k < NR_BTF_KINDS ? kindName(k) : 'UNKNOWN';
}

// ------------------------------------------------------------------- dedup

/** Inputs with at least this many types show progress (on a terminal): dedup of them takes about a second. */
export const PROGRESS_MIN_TYPES = 400_000;

/** What `--stats` reports. */
interface DedupStats {
  /** Per kind name: types before and after. */
  kinds: Record<string, { before: number; after: number }>;
  types: { before: number; after: number };
  stringBytes: { before: number; after: number };
  /** Milliseconds per pass, then in all. */
  passes: Array<{ pass: DedupPass; ms: number }>;
  totalMs: number;
}

/** Returns the `--stats` record for a BTF counted before (`before`) and deduplicated since (`report`). */
function dedupStats(btf: Btf, before: number[], report: DedupReport): DedupStats {
  const after = kindCounts(btf);
  const kinds: Record<string, { before: number; after: number }> = {};
  for (let k = 1; k <= NR_BTF_KINDS; k++) {
    if (before[k] || after[k]) kinds[countedKindName(k)] = { before: before[k]!, after: after[k]! };
  }
  return {
    kinds,
    types: { before: report.typesBefore, after: report.typesAfter },
    stringBytes: { before: report.strBytesBefore, after: report.strBytesAfter },
    passes: report.passes,
    totalMs: report.passes.reduce((a, p) => a + p.ms, 0),
  };
}

/** Prints `--stats` as a table, or as one JSON object with `json`. */
function printStats(
  io: CliIo,
  s: DedupStats,
  json: boolean,
  pretty: boolean,
  extra: Record<string, unknown> = {},
): void {
  if (json) {
    io.out(jsonText({ ...extra, ...s }, pretty));
    return;
  }
  const lines = [`${'kind'.padEnd(12)}${'before'.padStart(10)}${'after'.padStart(10)}`];
  for (const [k, v] of Object.entries(s.kinds))
    lines.push(`${k.padEnd(12)}${String(v.before).padStart(10)}${String(v.after).padStart(10)}`);
  lines.push(`${'types'.padEnd(12)}${String(s.types.before).padStart(10)}${String(s.types.after).padStart(10)}`);
  lines.push(
    `${'string bytes'.padEnd(12)}${String(s.stringBytes.before).padStart(10)}${String(s.stringBytes.after).padStart(10)}`,
  );
  lines.push(
    `passes (ms)  ${s.passes.map((p) => `${p.pass} ${p.ms.toFixed(1)}`).join(', ')}; total ${s.totalMs.toFixed(1)}`,
  );
  io.out(`${lines.join('\n')}\n`);
}

/**
 * Returns a dedup progress callback that shows `dedup: PASS NN%` in place on
 * stderr, or undefined when stderr is not a terminal or the input is small.
 * Call the returned `done` to clear the line.
 */
export function progressFor(
  io: CliIo,
  types: number,
  label = 'dedup',
): { onProgress?: (phase: DedupPass, done: number, total: number) => void; done: () => void } {
  if (types < PROGRESS_MIN_TYPES || !io.stderrIsTTY) return { done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    onProgress: (phase, done, total) => {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      io.err(`\r${label}: ${phase.padEnd(8)} ${String(Math.floor((100 * done) / Math.max(1, total))).padStart(3)}%`);
    },
    done: () => {
      if (shown) io.err('\r\x1b[K');
    },
  };
}

/** Deduplicates `btf` with progress, and prints `--stats` when asked. */
export function runDedup(
  io: CliIo,
  btf: Btf,
  opts: { stats?: boolean; json?: boolean; pretty?: boolean; ext?: BtfExt; file: string },
  extra: Record<string, unknown> = {},
): void {
  const before = opts.stats ? kindCounts(btf) : [];
  const progress = progressFor(io, btf.nrTypes);
  let report: DedupReport;
  try {
    report = dedup(btf, {
      ...(opts.ext ? { ext: opts.ext } : {}),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
  } catch (e) {
    // Dedup knows no files: its errors (a loop, a bad .BTF.ext) are about the input's.
    if (isInputError(e)) e.withFile(opts.file);
    throw e;
  } finally {
    progress.done();
  }
  if (opts.stats) printStats(io, dedupStats(btf, before, report), Boolean(opts.json), Boolean(opts.pretty), extra);
}
