/**
 * `btfkit check` of the running kernel's BTF against the kernel's own
 * BPF_BTF_LOAD of it (issue 11), in the same run: `checkRawBtf` in process
 * after warm-up, the kernel's load through the harness (`btfh kload-time`,
 * no log, the fd closed each time), and the CLI's cold wall time beside
 * them. Target: the in-process check at most 1.0x the kernel's load. The
 * kernel's figure needs the harness and permission to call bpf() (root).
 * On a shared machine wall times mostly measure the wait for a core, so the
 * CPU times are compared too: btfkit's (`process.cpuUsage`) against the
 * harness process's system time per load (`/usr/bin/time`: the kernel
 * verifies in the caller's context).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRawBtf } from '../lib/check/index.js';
import { harnessPath, harnessSkipReason } from '../test/helpers/harness.js';
import { cli, fmt, ratio, type Timing, timeCommands, timeFn } from './common.js';

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
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    checkRawBtf(bytes);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const oursCpu = median(cpu);
  console.log(`${'btfkit check CPU time (in process)'.padEnd(44)} median ${oursCpu.toFixed(1).padStart(8)} ms`);
  const kernelCpu = kernelLoadCpu(file, n);
  if (typeof kernelCpu === 'string') console.log(`kernel BPF_BTF_LOAD CPU time: not measured (${kernelCpu})`);
  else {
    console.log(`${'kernel BPF_BTF_LOAD CPU (system) time'.padEnd(44)} mean   ${kernelCpu.toFixed(1).padStart(8)} ms`);
    console.log(
      `${'ratio btfkit/kernel (CPU time)'.padEnd(44)} ${(oursCpu / kernelCpu).toFixed(2)}x`,
      oursCpu <= kernelCpu ? '  [target <= 1.0x: ok]' : '  [target <= 1.0x: MISSED]',
    );
  }
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
  const [cold] = timeCommands([{ label: 'btfkit check FILE (CLI, cold)', ...cli(['check', file]) }], runs, out);
  console.log(fmt(cold!));
  spawnSync('rm', ['-f', out]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** The kernel's CPU time per load of `file` (system time of `btfh kload-time` / runs), or why not. */
function kernelLoadCpu(file: string, runs: number): number | string {
  const h = harnessPath();
  if (!h) return harnessSkipReason();
  if (!existsSync('/usr/bin/time')) return '/usr/bin/time is not installed';
  const r = spawnSync('/usr/bin/time', ['-f', '%S %U', h, 'kload-time', file, String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) return r.stderr.trim() || `btfh kload-time exited with ${r.status}`;
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (!m) return `no times from /usr/bin/time: ${r.stderr.trim()}`;
  return (Number(m[1]) * 1000) / runs;
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
