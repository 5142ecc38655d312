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
 * the 100 x 10 matrix under 10 s; the explorer (bench/web.ts): vmlinux
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
import { benchDumpC } from './dump-c.js';
import { benchCheck } from './check.js';
import { benchCore } from './core.js';
import { benchLayout } from './layout.js';
import { benchBatch } from './batch.js';
import { benchWeb } from './web.js';

const VMLINUX = process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);

function parseMemory(): { file: number; delta: number } {
  // A fresh process: peak RSS growth caused by the parse alone.
  const code = `
    const { readFileSync } = await import('node:fs');
    const { Btf } = await import(${JSON.stringify(new URL('../lib/btf.js', import.meta.url).href)});
    const b = new Uint8Array(readFileSync(${JSON.stringify(VMLINUX)}));
    globalThis.gc?.();
    const before = process.resourceUsage().maxRSS;
    const rss0 = process.memoryUsage().rss / 1024;
    const btf = Btf.parse(b);
    const after = process.resourceUsage().maxRSS;
    console.log(JSON.stringify({ delta: Math.max(after - Math.max(before, rss0), process.memoryUsage().rss / 1024 - rss0), n: btf.nrTypes }));`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as { delta: number };
  return { file: statSync(VMLINUX).size, delta: j.delta * 1024 };
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

  console.log('\n# command line against the C tools, Node 20 and Node 24 (issue 17)');
  benchCli({ file: VMLINUX, runs: RUNS });
  console.log('\n# C header (vmlinux.h): btfkit dump -f c against bpftool format c');
  benchDumpC();
  console.log('\n# dedup: vmlinux merged with itself twice, btfkit against libbpf (test/harness)');
  benchDedup({ file: VMLINUX, copies: 2 });
  console.log('\n# struct layouts: btfkit layout against pahole -F btf');
  benchLayout(VMLINUX, RUNS);
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
