/**
 * `npm run bench`: btfkit against bpftool (and libbpf through the project's
 * harness) on the running kernel's BTF, in the same run, with ratios.
 * Targets (issue 2): parse < 30 ms after warm-up; a parse's peak memory at
 * most 3x the file size; dedup of vmlinux x2 at most 1.5x libbpf's time and
 * 3x its peak memory. Issue 17's command-line table (bench/cli.ts): every
 * everyday job as a whole process on Node 20 and Node 24 beside bpftool or
 * libbpf, wall and CPU time, peak RSS, with its targets as verdicts;
 * `check` of vmlinux in process at most 1.0x the kernel's own
 * BPF_BTF_LOAD of it; CO-RE (bench/core.ts): `btfkit core` over the CO-RE
 * objects and three kernels at most 1.0x bpftool's `gen min_core_btf` runs,
 * the 100 x 10 matrix under 10 s; `diff` of two kernels under 2 s (bench/diff.ts); the explorer (bench/web.ts): vmlinux
 * picked -> type list under 1.5 s, struct task_struct's page under 200 ms. Set
 * BENCH_RUNS to change the number of runs (default 10).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Btf } from '../lib/btf.js';
import { writeRawDump } from '../lib/dump/raw.js';
import { fmt, timeFn } from './common.js';
import { benchCli } from './cli.js';
import { benchBpftool78 } from './bpftool78.js';
import { benchDedup } from './dedup.js';
import { benchDiff } from './diff.js';
import { benchDumpC } from './dump-c.js';
import { benchCheck } from './check.js';
import { benchCore } from './core.js';
import { benchLayout } from './layout.js';
import { benchBatch } from './batch.js';
import { benchWeb } from './web.js';

const VMLINUX = process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);

/** What a parse of VMLINUX adds to a fresh process, in bytes (see {@link parseMemory}). */
interface ParseMemory {
  file: number;
  /** Peak RSS growth across the parse: the larger of the peak's growth and the resident set's. */
  delta: number;
  /** What the parsed BTF keeps after a full GC: JS heap plus array buffers (the type words, offsets, strings). */
  retained: number;
  /** Of `retained`, the array buffers alone. */
  arrayBuffers: number;
}

/**
 * Measures a parse in a fresh process. The file is read first (without a
 * second copy) and the library loaded, then a full GC; the baseline is taken
 * after that, so the parse's growth is not hidden under the peak that
 * loading Node and the modules left behind (maxRSS only grows: a delta of
 * two peaks is 0 whenever the parse stays below the earlier peak, which is
 * what this line printed before).
 */
function parseMemory(): ParseMemory {
  const code = `
    const { readFileSync } = await import('node:fs');
    const { Btf } = await import(${JSON.stringify(new URL('../lib/btf.js', import.meta.url).href)});
    const buf = readFileSync(${JSON.stringify(VMLINUX)});
    const b = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    globalThis.gc();
    const m0 = process.memoryUsage();
    const peak0 = process.resourceUsage().maxRSS * 1024;
    const btf = Btf.parse(b);
    const m1 = process.memoryUsage();
    const peak1 = process.resourceUsage().maxRSS * 1024;
    globalThis.gc();
    const m2 = process.memoryUsage();
    const base = Math.max(peak0, m0.rss);
    console.log(JSON.stringify({
      delta: Math.max(peak1 - base, m1.rss - m0.rss, 0),
      retained: m2.heapUsed + m2.arrayBuffers - m0.heapUsed - m0.arrayBuffers,
      arrayBuffers: m2.arrayBuffers - m0.arrayBuffers,
      n: btf.nrTypes,
    }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as Omit<ParseMemory, 'file'>;
  return { file: statSync(VMLINUX).size, delta: j.delta, retained: j.retained, arrayBuffers: j.arrayBuffers };
}

async function main(): Promise<void> {
  if (!existsSync(VMLINUX)) {
    console.log(`bench: ${VMLINUX} is missing; nothing to measure`);
    return;
  }
  const bytes = new Uint8Array(readFileSync(VMLINUX));
  console.log(`input: ${VMLINUX} (${bytes.length} bytes)`);
  const parse = timeFn(
    'btfkit parse (in process, after warm-up)',
    () => {
      Btf.parse(bytes);
    },
    10,
    30,
  );
  console.log(fmt(parse), parse.median < 30 ? '  [target < 30 ms: ok]' : '  [target < 30 ms: MISSED]');
  const btf = Btf.parse(bytes);
  const dumpIn = timeFn(
    'btfkit raw dump (in process, to memory)',
    () => {
      writeRawDump(btf, () => undefined);
    },
    3,
    10,
  );
  console.log(fmt(dumpIn));
  const mem = parseMemory();
  console.log(
    `${'btfkit parse peak memory growth'.padEnd(44)} ${(mem.delta / 1e6).toFixed(1)} MB = ${(mem.delta / mem.file).toFixed(2)}x the file`,
    mem.delta <= 3 * mem.file ? '  [target <= 3x: ok]' : '  [target <= 3x: MISSED]',
  );
  console.log(
    `${'btfkit parse retained after GC'.padEnd(44)} ${(mem.retained / 1e6).toFixed(1)} MB (array buffers ${(mem.arrayBuffers / 1e6).toFixed(1)} MB)`,
  );

  console.log('\n# command line against the C tools, Node 20 and Node 24 (issue 17)');
  benchCli({ file: VMLINUX, runs: RUNS });
  console.log('\n# C header (vmlinux.h): btfkit dump -f c against bpftool format c');
  benchDumpC();
  console.log('\n# dedup: vmlinux merged with itself twice, btfkit against libbpf (test/harness)');
  benchDedup({ file: VMLINUX, copies: 2 });
  console.log('\n# struct layouts: btfkit layout against pahole -F btf');
  benchLayout(VMLINUX, RUNS);
  console.log('\n# diff of two kernels by meaning (issue 15: under 2 s)');
  benchDiff(Math.min(RUNS, 5), VMLINUX);
  console.log("\n# check: the kernel's BTF verifier in btfkit against the kernel's own BPF_BTF_LOAD (btfh kload-time)");
  benchCheck(VMLINUX, RUNS);
  console.log('\n# CO-RE: btfkit core and gen min-core-btf against bpftool gen min_core_btf');
  benchCore(VMLINUX, RUNS);
  console.log('\n# many files in one process: btfkit dump -O DIR over every module, against a bpftool loop');
  benchBatch(Math.min(RUNS, 3));
  console.log('\n# vmlinux.h as bpftool 7.8 prints it: btfkit dump -f c --bpftool 7.8 against bpftool 7.8');
  benchBpftool78();
  console.log(
    '\n# the explorer in headless Chromium and Firefox: pick vmlinux -> list, struct task_struct page (bench/web.ts)',
  );
  await benchWeb(VMLINUX, Math.min(RUNS, 5));
}

await main();
