/**
 * `btfkit layout` of the running kernel's BTF against `pahole -F btf` (issue
 * 15): wall time to a file, medians, in the same run. Target: at most 1.5x
 * pahole's on Node 20, 1.0x on Node 24.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fmt, has, ratio, timeCommands } from './common.js';

/** Times `btfkit layout FILE` and `pahole -F btf FILE` (`runs` runs each) and prints the ratio. */
export function benchLayout(file: string, runs: number): void {
  if (!has('pahole')) {
    console.log('pahole: not installed; skipping the layout comparison (apt-get install pahole)');
    return;
  }
  const out = join(tmpdir(), `btfkit-bench-layout-${process.pid}.out`);
  const [ours, theirs] = timeCommands(
    [
      { label: 'btfkit layout > file', ...cli(['layout', file]) },
      { label: 'pahole -F btf > file', cmd: 'pahole', args: ['-F', 'btf', file] },
    ],
    runs,
    out,
  );
  console.log(fmt(ours!));
  console.log(fmt(theirs!));
  const target = Number(process.versions.node.split('.')[0]) >= 24 ? 1.0 : 1.5;
  console.log(
    ratio('ratio btfkit/pahole (layout)', ours!, theirs!),
    ours!.median <= target * theirs!.median ? `  [target <= ${target}x: ok]` : `  [target <= ${target}x: MISSED]`,
  );
  spawnSync('rm', ['-f', out]);
}
