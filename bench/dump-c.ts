/**
 * `node dist/bench/dump-c.js`: vmlinux.h generation, btfkit against bpftool
 * on the same machine in the same run (issue 6's target: `btfkit dump -f c`
 * at most 1.0x bpftool's wall time, output to a file).
 *
 * Prints, for the kernel's BTF (BENCH_BTF to change it):
 *  - the C dump in process on a parsed BTF: the first call in a fresh
 *    process (what the CLI pays, JIT warm-up included) and after warm-up;
 *  - `btfkit dump -f c FILE > file` and `bpftool btf dump file FILE format c
 *    > file`, interleaved, BENCH_RUNS times each (default 10), and the ratio;
 *  - `btfkit dump -f c --sort` for reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Btf } from '../lib/btf.js';
import { writeCDump } from '../lib/dump/c.js';
import { cli, fmt, has, nodeFloor, ratio, timeCommands, timeFn, type Timing } from './common.js';

const VMLINUX = process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);
const OUT = join(tmpdir(), `btfkit-bench-c-${process.pid}.h`);

/** Times the first C dump of a fresh process (parse excluded), `runs` times; the JIT is cold each time. */
function coldDump(runs: number): Timing {
  const code = `
    const { readFileSync } = await import('node:fs');
    const { Btf } = await import(${JSON.stringify(new URL('../lib/btf.js', import.meta.url).href)});
    const { writeCDump } = await import(${JSON.stringify(new URL('../lib/dump/c.js', import.meta.url).href)});
    const btf = Btf.parse(new Uint8Array(readFileSync(${JSON.stringify(VMLINUX)})));
    const t = performance.now();
    writeCDump(btf, () => undefined);
    console.log(performance.now() - t);`;
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold dump failed: ${r.stderr}`);
    xs.push(Number(r.stdout.trim()));
  }
  xs.sort((a, b) => a - b);
  return {
    label: 'btfkit C dump (in process, first call)',
    median: xs[Math.floor(xs.length / 2)]!,
    min: xs[0]!,
    runs: xs.length,
  };
}

/** Runs the C dump benchmark and prints its lines; `npm run bench` calls it. */
export function benchDumpC(): void {
  if (!existsSync(VMLINUX)) {
    console.log(`bench: ${VMLINUX} is missing; nothing to measure`);
    return;
  }
  const bytes = new Uint8Array(readFileSync(VMLINUX));
  console.log(`input: ${VMLINUX} (${bytes.length} bytes)`);
  const btf = Btf.parse(bytes);
  console.log(fmt(coldDump(Math.max(3, Math.min(RUNS, 10)))));
  console.log(
    fmt(
      timeFn(
        'btfkit C dump (in process, after warm-up)',
        () => {
          writeCDump(btf, () => undefined);
        },
        5,
        10,
      ),
    ),
  );
  console.log(
    fmt(
      timeFn(
        'btfkit C dump --sort (in process, warm)',
        () => {
          writeCDump(btf, () => undefined, { sort: true });
        },
        3,
        5,
      ),
    ),
  );

  if (!has('bpftool')) {
    console.log('bpftool: not installed; skipping the comparison (apt-get install bpftool)');
    return;
  }
  let size = 0;
  writeCDump(btf, (c) => {
    size += c.length;
  });
  const [ours, sorted, theirs, floor] = timeCommands(
    [
      { label: 'btfkit dump -f c > file', ...cli(['dump', '-f', 'c', VMLINUX]) },
      { label: 'btfkit dump -f c --sort > file', ...cli(['dump', '-f', 'c', '--sort', VMLINUX]) },
      {
        label: 'bpftool btf dump format c > file',
        cmd: 'bpftool',
        args: ['btf', 'dump', 'file', VMLINUX, 'format', 'c'],
      },
      nodeFloor(VMLINUX, size),
    ],
    RUNS,
    OUT,
  );
  console.log(fmt(ours!));
  console.log(fmt(sorted!));
  console.log(fmt(theirs!));
  console.log(fmt(floor!));
  console.log(ratio('ratio node floor/bpftool (format c)', floor!, theirs!));
  console.log(
    ratio('ratio btfkit/bpftool (format c)', ours!, theirs!),
    ours!.median <= theirs!.median ? '  [target <= 1.0x: ok]' : '  [target <= 1.0x: MISSED]',
  );
  spawnSync('rm', ['-f', OUT]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) benchDumpC();
