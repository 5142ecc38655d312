/**
 * `npm run bench`, bpftool 7.8's part (issue 18's target): `btfkit dump -f c
 * --bpftool 7.8` against bpftool 7.8.0's sorted `format c`, both to a file,
 * interleaved, on the kernel BTF the 7.8 goldens were made from
 * (golden/bpftool-7.8/vmlinux.btf.br, so that runs on any machine compare
 * the same input), on Node 20 and Node 24 (bench/node24.ts). Target: at most
 * 1.0x bpftool 7.8's wall time on Node 24 and later, 1.15x on Node 20; each
 * Node's floor (bench/floor.ts) beside it. Needs a bpftool 7.8 binary in
 * BTFKIT_BPFTOOL78; reported as skipped without one (Debian ships 7.1).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { cli, fmt, ratio, timeCommands } from './common.js';
import { repoPath } from '../test/helpers/golden.js';
import { floorLine, measureFloor } from './floor.js';
import { node24, nodeVersion } from './node24.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);

/** Runs the bpftool 7.8 comparison and prints its lines, or says why it is skipped. */
export function benchBpftool78(): void {
  const tool = process.env['BTFKIT_BPFTOOL78'];
  if (!tool) {
    console.log('skipped: set BTFKIT_BPFTOOL78 to a bpftool 7.8.0 binary to compare with it');
    return;
  }
  const input = join(tmpdir(), `btfkit-bench-78-${process.pid}.btf`);
  const out = join(tmpdir(), `btfkit-bench-78-${process.pid}.h`);
  writeFileSync(input, brotliDecompressSync(readFileSync(repoPath('golden', 'bpftool-7.8', 'vmlinux.btf.br'))));
  try {
    console.log(`input: golden/bpftool-7.8/vmlinux.btf.br (the goldens' kernel BTF); bpftool: ${tool}`);
    const n24 = node24((l) => console.log(l));
    const nodes = [process.execPath, ...(n24 ? [n24] : [])];
    const timings = timeCommands(
      [
        ...nodes.map((n) => ({
          label: `btfkit -f c --bpftool 7.8, node ${nodeVersion(n)}`,
          ...cli(['dump', '-f', 'c', '--bpftool', '7.8', input], n),
        })),
        {
          label: 'bpftool 7.8 format c (sorted) > file',
          cmd: tool,
          args: ['btf', 'dump', 'file', input, 'format', 'c'],
        },
      ],
      RUNS,
      out,
    );
    const theirs = timings[timings.length - 1]!;
    for (const t of timings) console.log(fmt(t));
    nodes.forEach((n, i) => {
      const major = Number(nodeVersion(n).replace(/^v/, '').split('.')[0]);
      const target = major >= 24 ? 1.0 : 1.15;
      const r = timings[i]!.median / theirs.median;
      console.log(
        ratio(`ratio btfkit/bpftool 7.8, node ${major}`, timings[i]!, theirs),
        `  [target <= ${target.toFixed(2)}x on Node ${major}: ${r <= target ? 'ok' : 'MISSED'}]`,
      );
      console.log(
        floorLine(`floor, node ${major}`, measureFloor('c78', input, n, RUNS), timings[i]!, theirs, 'bpftool 7.8'),
      );
    });
  } finally {
    rmSync(input, { force: true });
    rmSync(out, { force: true });
  }
}
