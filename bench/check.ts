/**
 * `btfkit check` of the running kernel's BTF against the kernel's own
 * BPF_BTF_LOAD of it (issue 11), in the same run: `checkRawBtf` in process
 * after warm-up, the kernel's load through the harness (`btfh kload-time`,
 * no log, the fd closed each time), and the CLI's cold wall time beside
 * them. Target: the in-process check at most 1.0x the kernel's load. The
 * kernel's figure needs the harness and permission to call bpf() (root).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRawBtf } from '../lib/check/index.js';
import { harnessPath, harnessSkipReason } from '../test/helpers/harness.js';
import { BIN } from '../test/helpers/golden.js';
import { fmt, ratio, type Timing, timeCommands, timeFn } from './common.js';

/** Times `checkRawBtf(file)` in process, the kernel's load of `file` and `btfkit check file`, and prints the ratios. */
export function benchCheck(file: string, runs: number): void {
  const bytes = new Uint8Array(readFileSync(file));
  const n = Math.max(21, runs);
  const ours = timeFn(
    'btfkit check (in process, after warm-up)',
    () => {
      const r = checkRawBtf(bytes);
      if (!r.ok) throw new Error(`${file}: refused: ${r.violations[0]?.line}`);
    },
    10,
    n,
  );
  console.log(fmt(ours));
  const kernel = kernelLoadTime(file, n);
  if (typeof kernel === 'string') console.log(`kernel BPF_BTF_LOAD: not measured (${kernel})`);
  else {
    console.log(fmt(kernel));
    console.log(
      ratio('ratio btfkit check/kernel load', ours, kernel),
      ours.median <= kernel.median ? '  [target <= 1.0x: ok]' : '  [target <= 1.0x: MISSED]',
    );
  }
  const out = join(tmpdir(), `btfkit-bench-check-${process.pid}.out`);
  const [cold] = timeCommands(
    [{ label: 'btfkit check FILE (CLI, cold)', cmd: process.execPath, args: [BIN, 'check', file] }],
    runs,
    out,
  );
  console.log(fmt(cold!));
  spawnSync('rm', ['-f', out]);
}

/** The kernel's load of `file`, `runs` times (`btfh kload-time`), or why it could not be timed. */
function kernelLoadTime(file: string, runs: number): Timing | string {
  const h = harnessPath();
  if (!h) return harnessSkipReason();
  const r = spawnSync(h, ['kload-time', file, String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) return r.stderr.trim() || `btfh kload-time exited with ${r.status}`;
  const j = JSON.parse(r.stdout) as { median_ms: number; min_ms: number; repeats: number };
  return { label: 'kernel BPF_BTF_LOAD (btfh kload-time)', median: j.median_ms, min: j.min_ms, runs: j.repeats };
}
