/**
 * `btfkit layout` of the running kernel's BTF against `pahole -F btf` (issue
 * 15): wall time to a file, medians, in the same run, on Node 20 and Node 24
 * (bench/node24.ts). Target: at most 1.5x pahole's on Node 20, 1.0x on Node
 * 24. Each Node's floor (bench/floor.ts) is printed beside it: what the
 * listing would cost if V8 started with optimised code.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fmt, has, ratio, timeCommands } from './common.js';
import { floorLine, measureFloor } from './floor.js';
import { node24, nodeVersion } from './node24.js';

/** Times `btfkit layout FILE` and `pahole -F btf FILE` (`runs` runs each) and prints the ratios and floors. */
export function benchLayout(file: string, runs: number): void {
  if (!has('pahole')) {
    console.log('pahole: not installed; skipping the layout comparison (apt-get install pahole)');
    return;
  }
  const out = join(tmpdir(), `btfkit-bench-layout-${process.pid}.out`);
  const n24 = node24((l) => console.log(l));
  const nodes = [process.execPath, ...(n24 ? [n24] : [])];
  const timings = timeCommands(
    [
      ...nodes.map((n) => ({ label: `btfkit layout > file, node ${nodeVersion(n)}`, ...cli(['layout', file], n) })),
      { label: 'pahole -F btf > file', cmd: 'pahole', args: ['-F', 'btf', file] },
    ],
    runs,
    out,
  );
  spawnSync('rm', ['-f', out]);
  const theirs = timings[timings.length - 1]!;
  for (const t of timings) console.log(fmt(t));
  nodes.forEach((n, i) => {
    const major = Number(nodeVersion(n).replace(/^v/, '').split('.')[0]);
    const target = major >= 24 ? 1.0 : 1.5;
    const ours = timings[i]!;
    console.log(
      ratio(`ratio btfkit/pahole (layout), node ${major}`, ours, theirs),
      ours.median <= target * theirs.median ? `  [target <= ${target}x: ok]` : `  [target <= ${target}x: MISSED]`,
    );
    console.log(floorLine(`floor, node ${major}`, measureFloor('layout', file, n, runs), ours, theirs, 'pahole'));
  });
}
