/**
 * Real kernels: the BTF of Debian's 6.1 and 6.12 cloud kernels and of every
 * one of their modules (split BTF over that kernel's), as golden/kernels.sh
 * extracts them into its cache (test/helpers/kernels.ts). Per kernel:
 * - vmlinux: raw, `-j` and `format c` dumps equal bpftool v7.1.0's;
 * - every module: raw and `-j` dumps over the kernel equal `bpftool -B`'s
 *   (bpftool runs once per kernel and format, in `batch` mode, so that two
 *   thousand modules cost about a second);
 * - a sample of modules: `format c` over the kernel, and `dedup -B` against
 *   libbpf's btf__dedup through the C harness (`btfh dedup-split`);
 * - the CLI itself (`btfkit dump -B`, `-j`, `-f c`) on one module.
 * BTFKIT_KERNEL_SAMPLE=all (or a number) widens the samples.
 * Without the cache, bpftool or the harness, the parts that need them say
 * they skipped.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { dedup } from '../lib/dedup/index.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { writeCDump } from '../lib/dump/c.js';
import { writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import { BIN, firstDiff, readBytes, sameBytes } from './helpers/golden.js';
import { harnessPath, harnessSkipReason } from './helpers/harness.js';
import type { AsyncRun, CachedKernel, KernelModule } from './helpers/kernels.js';
import {
  cachedKernels,
  cleanupSpawns,
  kernelModules,
  missingKernels,
  sampleModules,
  spawnAsync,
} from './helpers/kernels.js';
import { skip } from './helpers/skip.js';
import { hasTool } from './helpers/tools.js';

const kernels = cachedKernels();
// What cannot run is a test that skips, so the runner counts it (and
// BTFKIT_REQUIRE_TOOLS=1, as in CI, makes it fail: .ci/run fetches the kernels).
for (const why of missingKernels(kernels)) test(`kernel cache: ${why}`, () => skip(why));
const bpftool = hasTool('bpftool');
const harness = harnessPath();
type Body = () => Promise<void> | void;
const dumpTest = (name: string, fn: Body): void =>
  test(name, () => (bpftool ? fn() : skip('bpftool not installed: dump comparisons of real kernels not run')));
const dedupTest = (name: string, fn: Body): void =>
  test(name, () =>
    harness ? fn() : skip(`split dedup of real kernels' modules against libbpf not run: ${harnessSkipReason()}`),
  );

// Samples: format c of a module prints the whole kernel too (4 MB), and a
// split dedup hashes the whole base, so those run on a few modules.
const wide = process.env['BTFKIT_KERNEL_SAMPLE'];
const everything = wide === 'all';
const widened = wide !== undefined && /^\d+$/.test(wide) ? Number(wide) : undefined;
const C_SPREAD = everything ? Infinity : (widened ?? 2);
const C_LARGEST = 1;
const DEDUP_SPREAD = everything ? Infinity : (widened ?? 8);
const DEDUP_LARGEST = 3;

interface Loaded {
  k: CachedKernel;
  bytes: Uint8Array;
  base: Btf;
  mods: KernelModule[];
}
const loaded: Loaded[] = kernels.map((k) => {
  const bytes = readBytes(k.vmlinux);
  return { k, bytes, base: Btf.parse(bytes.slice()), mods: kernelModules(k) };
});

const tmp = mkdtempSync(join(tmpdir(), 'btfkit-kernels-'));
const td = new TextDecoder();

/** Returns up to `max` characters of `s`, with `...` when cut. */
function cut(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

/**
 * Describes where two dumps first differ: the line (for raw and C dumps) or
 * the bytes around it (JSON), and the type it belongs to (the last `[ID]`
 * line or `"id":ID` before the difference).
 */
function describeDiff(got: Uint8Array, want: Uint8Array): string {
  const at = firstDiff(got, want);
  const head = td.decode(want.subarray(0, at));
  const lineNo = head.split('\n').length;
  const lineStart = head.lastIndexOf('\n') + 1;
  const ids = [...head.matchAll(/(?:^|\n)\[(\d+)\] |"id":(\d+)/g)];
  const last = ids[ids.length - 1];
  const type = last ? ` in type [${last[1] ?? last[2]}]` : '';
  const lineOf = (b: Uint8Array): string => {
    const t = td.decode(b.subarray(lineStart, Math.min(b.length, at + 2000)));
    const line = t.split('\n')[0] ?? '';
    // JSON is one line: show the neighbourhood of the difference
    return line.length > 160 ? cut(line.slice(Math.max(0, at - lineStart - 60)), 200) : line;
  };
  return (
    `${got.length} vs ${want.length} bytes, first difference at byte ${at} (line ${lineNo}${type})\n` +
    `  btfkit:  ${JSON.stringify(lineOf(got))}\n  bpftool: ${JSON.stringify(lineOf(want))}`
  );
}

/** Fails with {@link describeDiff} when `got` is not `want`. */
function sameDump(got: Uint8Array, want: Uint8Array, what: string): void {
  if (!sameBytes(got, want)) assert.unreachable(`${what}: ${describeDiff(got, want)}`);
}

/** Fails unless bpftool ran cleanly; returns its stdout. */
function ok(r: AsyncRun, what: string): Buffer {
  assert.is(r.status, 0, `${what}: status ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function bpftoolDump(
  k: CachedKernel,
  file: string,
  opts: { json?: boolean; c?: boolean; base?: boolean } = {},
): Promise<AsyncRun> {
  return spawnAsync(
    'bpftool',
    [
      ...(opts.json ? ['-j'] : []),
      ...(opts.base ? ['-B', k.vmlinux] : []),
      'btf',
      'dump',
      'file',
      file,
      ...(opts.c ? ['format', 'c'] : []),
    ],
    { cwd: k.dir },
  );
}

const raw = (btf: Btf): Uint8Array => collectBytes((s) => writeRawDump(btf, s));
const json = (btf: Btf): Uint8Array => collectBytes((s) => writeJsonDump(btf, s));
const cHeader = (btf: Btf): Uint8Array => collectBytes((s) => writeCDump(btf, s));

/** Returns a module's split BTF over `base` (throws btfkit's error with the module's name). */
function parseModule(m: KernelModule, base: Btf): Btf {
  return Btf.parse(readBytes(m.path), { base });
}

// bpftool 7.1's `batch` reads the next line after each command and then
// tests errno, which `btf dump` leaves at EBADF (it closes fd -1): after the
// last command it reports "reading batch file failed: Bad file descriptor"
// (status 255; a JSON error object as the last array element with -j) instead
// of "processed N commands". Every command has run by then.
const BATCH_EBADF = 'reading batch file failed: Bad file descriptor';

/** Checks how a raw batch ended; returns stdout without the closing `processed N commands` line. */
function rawBatchOutput(r: AsyncRun, n: number): Buffer {
  if (r.status === 255 && r.stderr === `Error: ${BATCH_EBADF}\n`) return r.stdout;
  assert.is(r.status, 0, `bpftool batch: status ${r.status}: ${r.stderr}`);
  const tail = Buffer.from(`processed ${n} commands\n`);
  assert.ok(r.stdout.subarray(-tail.length).equals(tail), 'bpftool batch: no "processed N commands" line');
  return r.stdout.subarray(0, r.stdout.length - tail.length);
}

/**
 * Splits bpftool's raw batch output into one dump per module: each split
 * dump starts at the line of the first split type id, `[START] `.
 */
function splitRawBatch(out: Buffer, startId: number): Buffer[] {
  const mark = Buffer.from(`[${startId}] `);
  const starts: number[] = [];
  for (let at = out.indexOf(mark); at >= 0; at = out.indexOf(mark, at + 1)) {
    if (at === 0 || out[at - 1] === 10) starts.push(at);
  }
  if (starts[0] !== 0 && out.length > 0) starts.unshift(0);
  return starts.map((s, i) => out.subarray(s, starts[i + 1] ?? out.length));
}

/**
 * Splits bpftool's `-j batch` output (`[{"command":[...],"output":DUMP},...]`)
 * into the DUMP of each module, in order; null where a module's command is
 * not found.
 */
function splitJsonBatch(out: Buffer, mods: readonly KernelModule[]): Array<Buffer | null> {
  const marks = mods.map((m) => Buffer.from(`{"command":["btf","dump","file",${JSON.stringify(m.rel)}],"output":`));
  const found: Array<{ start: number; end: number } | null> = [];
  let from = 0;
  for (const mark of marks) {
    const at = out.indexOf(mark, from);
    found.push(at < 0 ? null : { start: at, end: at + mark.length });
    if (at >= 0) from = at + mark.length;
  }
  const ending = Buffer.from(`},{"error":"${BATCH_EBADF}"}]\n`);
  const endAlt = Buffer.from('}]\n');
  const stop = out.subarray(-ending.length).equals(ending)
    ? out.length - ending.length
    : out.subarray(-endAlt.length).equals(endAlt)
      ? out.length - endAlt.length
      : out.length;
  return found.map((f, i) => {
    if (!f) return null;
    const next = found.slice(i + 1).find((x) => x !== null);
    // elements are separated by `},`: the element's closing brace and the comma
    return out.subarray(f.end, next ? next.start - 2 : stop);
  });
}

const sampleSize = (spread: number, largest: number): string =>
  spread === Infinity ? 'all' : `${spread} + ${largest} largest`;

for (const { k, bytes, base, mods } of loaded) {
  const tag = `${k.release} (${k.manifest.package} ${k.manifest.version})`;
  const startId = base.typeCount;

  test(`${tag}: the cache holds what the manifest says`, () => {
    assert.is(createHash('sha256').update(bytes).digest('hex'), k.manifest.vmlinuxSha256, 'vmlinux.btf checksum');
    assert.is(mods.length, k.manifest.modules, 'module count');
  });

  dumpTest(`${tag}: vmlinux raw, -j and format c equal bpftool`, async () => {
    const want = [
      bpftoolDump(k, 'vmlinux.btf'),
      bpftoolDump(k, 'vmlinux.btf', { json: true }),
      bpftoolDump(k, 'vmlinux.btf', { c: true }),
    ];
    const got = [raw(base), json(base), cHeader(base)];
    const names = ['raw', '-j', 'format c'];
    for (let i = 0; i < 3; i++) sameDump(got[i]!, ok(await want[i]!, `bpftool ${names[i]}`), `vmlinux ${names[i]}`);
  });

  dumpTest(`${tag}: every module's raw and -j dump equals bpftool -B (${mods.length} modules)`, async () => {
    const list = join(tmp, `${k.release}.batch`);
    writeFileSync(list, mods.map((m) => `btf dump file ${m.rel}\n`).join(''));
    const rawRun = spawnAsync('bpftool', ['-B', k.vmlinux, 'batch', 'file', list], { cwd: k.dir });
    const jsonRun = spawnAsync('bpftool', ['-j', '-B', k.vmlinux, 'batch', 'file', list], { cwd: k.dir });
    const mine = mods.map((m) => {
      try {
        const split = parseModule(m, base);
        const j = json(split);
        assert.is(j[j.length - 1], 10, `${m.name}: -j output ends with a newline`);
        return { raw: raw(split), json: j.subarray(0, j.length - 1), error: '' };
      } catch (e) {
        return { raw: new Uint8Array(0), json: new Uint8Array(0), error: String(e) };
      }
    });
    const failures: string[] = [];
    const rawParts = splitRawBatch(rawBatchOutput(await rawRun, mods.length), startId);
    const nonEmpty = mods.map((_, i) => i).filter((i) => mine[i]!.raw.length > 0 || mine[i]!.error !== '');
    if (rawParts.length !== nonEmpty.length)
      failures.push(`raw: bpftool printed ${rawParts.length} module dumps, btfkit ${nonEmpty.length}`);
    else {
      nonEmpty.forEach((i, n) => {
        const m = mods[i]!;
        if (mine[i]!.error) failures.push(`${m.rel}: ${mine[i]!.error}`);
        else if (!sameBytes(mine[i]!.raw, rawParts[n]!))
          failures.push(`${m.rel} raw: ${describeDiff(mine[i]!.raw, rawParts[n]!)}`);
      });
    }
    const jr = await jsonRun;
    assert.ok(
      jr.status === 0 || (jr.status === 255 && jr.stderr === ''),
      `bpftool -j batch: status ${jr.status}: ${jr.stderr}`,
    );
    splitJsonBatch(jr.stdout, mods).forEach((want, i) => {
      const m = mods[i]!;
      if (want === null) failures.push(`${m.rel} -j: not in bpftool's batch output`);
      else if (!mine[i]!.error && !sameBytes(mine[i]!.json, want))
        failures.push(`${m.rel} -j: ${describeDiff(mine[i]!.json, want)}`);
    });
    if (failures.length) assert.unreachable(`${failures.length} differences:\n${failures.slice(0, 8).join('\n')}`);
  });

  const cSample = sampleModules(mods, C_SPREAD, C_LARGEST);
  dumpTest(
    `${tag}: format c of modules over the kernel equals bpftool -B (${cSample.length}: ${sampleSize(C_SPREAD, C_LARGEST)})`,
    async () => {
      for (const m of cSample) {
        const want = bpftoolDump(k, m.rel, { base: true, c: true });
        const got = cHeader(parseModule(m, base));
        sameDump(got, ok(await want, `bpftool format c ${m.rel}`), `${m.rel} format c`);
      }
    },
  );

  dumpTest(`${tag}: the CLI on a module: dump -B, -j -B and -f c -B equal bpftool`, async () => {
    // the median module by size: neither trivial nor slow
    const m = [...mods].sort((a, b) => a.size - b.size || a.name.localeCompare(b.name))[mods.length >> 1]!;
    for (const [flags, opts] of [
      [[], {}],
      [['-j'], { json: true }],
      [['-f', 'c'], { c: true }],
    ] as const) {
      const want = bpftoolDump(k, m.rel, { ...opts, base: true });
      const got = await spawnAsync(process.execPath, [BIN, 'dump', ...flags, '-B', k.vmlinux, m.path]);
      assert.is(got.status, 0, `btfkit dump ${flags.join(' ')} -B: ${got.stderr}`);
      sameDump(
        got.stdout,
        ok(await want, `bpftool ${flags.join(' ')}`),
        `btfkit dump ${flags.join(' ')} -B vmlinux.btf ${m.rel}`,
      );
    }
  });

  const dedupSample = sampleModules(mods, DEDUP_SPREAD, DEDUP_LARGEST);
  dedupTest(
    `${tag}: dedup -B of modules equals libbpf's btf__dedup (${dedupSample.length}: ${sampleSize(DEDUP_SPREAD, DEDUP_LARGEST)})`,
    async () => {
      const failures: string[] = [];
      for (const m of dedupSample) {
        const out = join(tmp, `${k.release}.${m.name}.dedup.btf`);
        const theirs = spawnAsync(harness!, ['dedup-split', k.vmlinux, m.path, out]);
        const split = parseModule(m, base);
        dedup(split);
        const got = split.rawData();
        const r = await theirs;
        assert.is(r.status, 0, `btfh dedup-split ${m.rel}: ${r.stderr}`);
        const want = readBytes(out);
        rmSync(out, { force: true });
        if (!sameBytes(got, want)) {
          // say which type differs: compare the two results' raw dumps
          const gotDump = raw(Btf.parse(got, { base }));
          const wantDump = raw(Btf.parse(want, { base }));
          failures.push(
            `${m.rel}: ${got.length} vs libbpf's ${want.length} bytes, first at byte ${firstDiff(got, want)}; raw dumps: ${describeDiff(gotDump, wantDump)}`,
          );
        }
      }
      assert.ok(sameBytes(base.rawData(), bytes), 'the base changed');
      if (failures.length) assert.unreachable(`${failures.length} differences:\n${failures.join('\n')}`);
    },
  );
}

test.after(() => {
  rmSync(tmp, { recursive: true, force: true });
  cleanupSpawns();
});

test.run();
