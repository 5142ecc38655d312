/**
 * `npm run bench`: btfkit against bpftool (and libbpf through the project's
 * harness) on the running kernel's BTF, in the same run, with ratios.
 * Targets (issue 2): parse < 30 ms after warm-up; `dump` of vmlinux to a file
 * at most 1.0x bpftool's wall time; a parse's peak memory at most 3x the
 * file size; dedup of vmlinux x2 at most 1.5x libbpf's time and 3x its peak
 * memory; `check` of vmlinux in process at most 1.0x the kernel's own
 * BPF_BTF_LOAD of it; CO-RE (bench/core.ts): `btfkit core` over the CO-RE
 * objects and three kernels at most 1.0x bpftool's `gen min_core_btf` runs,
 * the 100 x 10 matrix under 10 s; the explorer (bench/web.ts): vmlinux
 * picked -> type list under 1.5 s, struct task_struct's page under 200 ms. Set BENCH_RUNS to change the number of runs (default 10).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Btf } from '../lib/btf.js';
import { writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import { fmt, has, nodeFloor, ratio, timeCommands, timeFn } from './common.js';
import { BIN } from '../test/helpers/golden.js';
import { benchCore } from './core.js';
import { benchDedup } from './dedup.js';
import { benchDumpC } from './dump-c.js';
import { benchCheck } from './check.js';
import { benchLayout } from './layout.js';
import { benchWeb } from './web.js';

const VMLINUX = process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const CLI = BIN; // the installed binary, as the tests run it
const OUT = join(tmpdir(), `btfkit-bench-${process.pid}.out`);

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

  if (!has('bpftool')) {
    console.log('bpftool: not installed; skipping the dump comparisons (apt-get install bpftool)');
  } else {
    dumpVsBpftool(btf);
  }
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
  console.log('\n# the explorer in headless Chromium: pick vmlinux -> list, struct task_struct page (bench/web.ts)');
  await benchWeb(VMLINUX, Math.min(RUNS, 5));
}

function dumpVsBpftool(btf: Btf): void {
  for (const [what, extra] of [
    ['raw', []],
    ['json', ['-j']],
  ] as const) {
    let size = 0;
    (what === 'raw' ? writeRawDump : writeJsonDump)(btf, (c) => {
      size += c.length;
    });
    const [ours, theirs, floor] = timeCommands(
      [
        { label: `btfkit dump ${what} > file`, cmd: process.execPath, args: [CLI, 'dump', ...extra, VMLINUX] },
        { label: `bpftool btf dump ${what} > file`, cmd: 'bpftool', args: [...extra, 'btf', 'dump', 'file', VMLINUX] },
        nodeFloor(VMLINUX, size),
      ],
      RUNS,
      OUT,
    );
    console.log(fmt(ours!));
    console.log(fmt(theirs!));
    console.log(fmt(floor!));
    console.log(ratio(`ratio node floor/bpftool (${what})`, floor!, theirs!));
    console.log(
      ratio(`ratio btfkit/bpftool (${what})`, ours!, theirs!),
      what === 'raw' ? (ours!.median <= theirs!.median ? '  [target <= 1.0x: ok]' : '  [target <= 1.0x: MISSED]') : '',
    );
  }
  spawnSync('rm', ['-f', OUT]);
}

await main();
