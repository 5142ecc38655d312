/**
 * Shared benchmark plumbing: timing external commands (btfkit's CLI against
 * bpftool or the libbpf harness) in the same run, interleaved so that machine
 * noise hits both alike, and printing medians, minimums and ratios.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BIN } from '../test/helpers/golden.js';

/** A command to time: a program, its arguments, and the environment's changes. */
export interface Command {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * btfkit's command line run as users run it: the bin itself (`bin` or
 * BIN, package.json's `bin.btfkit`), as a program, with `node`'s directory
 * first on PATH so that its launcher (cli/bin.ts) starts that Node.
 */
export function cli(args: string[], node: string = process.execPath, bin: string = BIN): Command {
  return { cmd: bin, args, env: { ...process.env, PATH: `${dirname(node)}:${process.env['PATH'] ?? ''}` } };
}

export interface Timing {
  label: string;
  median: number;
  min: number;
  runs: number;
}

/** Returns whether a command is on PATH. */
export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function once(c: Command, out: string, okStatus: readonly number[] = [0]): number {
  const { cmd, args } = c;
  const fd = openSync(out, 'w');
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', fd, 'pipe'], ...(c.env ? { env: c.env } : {}) });
  const dt = performance.now() - t;
  closeSync(fd);
  if (!okStatus.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return dt;
}

/** One timed run of a command: wall and CPU (user + sys) in ms, peak RSS in KiB. */
export interface RunTimes {
  wall: number;
  cpu: number;
  rss: number;
}

/**
 * Runs `c` once under GNU time (`/usr/bin/time`, which reports CPU time and
 * peak RSS of the whole process tree); its standard output goes to `file`
 * (`out` 'file'), through a pipe the bench drains ('pipe') or nowhere
 * ('ignore'). A status outside `okStatus` throws with the command's stderr.
 */
export function timeRun(
  c: Command,
  out: 'file' | 'pipe' | 'ignore',
  file = '',
  okStatus: readonly number[] = [0],
): RunTimes {
  const fd = out === 'file' ? openSync(file, 'w') : out;
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '@@ %U %S %M', c.cmd, ...c.args], {
    stdio: ['ignore', fd, 'pipe'],
    maxBuffer: 1 << 30,
    ...(c.env ? { env: c.env } : {}),
  });
  const wall = performance.now() - t;
  if (typeof fd === 'number') closeSync(fd);
  const err = String(r.stderr);
  const m = /@@ ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(err);
  if (!okStatus.includes(r.status ?? -1) || !m)
    throw new Error(`${c.cmd} ${c.args.join(' ')} failed: ${err.slice(-400)}`);
  return { wall, cpu: (Number(m[1]) + Number(m[2])) * 1000, rss: Number(m[3]) };
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function stats(label: string, xs: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { label, median: s[Math.floor(s.length / 2)]!, min: s[0]!, runs: s.length };
}

/** Times several commands, each writing stdout to `out`, interleaved, after one warm-up each. */
export function timeCommands(
  cmds: Array<Command & { label: string; okStatus?: readonly number[] }>,
  runs: number,
  out: string,
): Timing[] {
  const times = cmds.map(() => [] as number[]);
  cmds.forEach((c) => once(c, out, c.okStatus));
  for (let r = 0; r < runs; r++) cmds.forEach((c, i) => times[i]!.push(once(c, out, c.okStatus)));
  return cmds.map((c, i) => stats(c.label, times[i]!));
}

/**
 * The floor of any Node CLI on this machine: a command that starts Node,
 * reads `input` and writes `outBytes` bytes to stdout, doing no BTF work at
 * all. Timed beside btfkit and bpftool, it shows how much of a ratio is
 * Node's start-up and I/O rather than btfkit's code. It runs in the
 * environment btfkit's launcher gives Node ({@link launcherEnv}).
 */
export function nodeFloor(input: string, outBytes: number): Command & { label: string } {
  const code = `const fs = require('node:fs'); fs.readFileSync(${JSON.stringify(input)});
    const b = Buffer.alloc(1 << 16, 65); let n = ${outBytes};
    while (n > 0) { const k = Math.min(n, b.length); fs.writeSync(1, b, 0, k); n -= k; }`;
  return {
    label: `node floor: start, read, write ${(outBytes / 1e6).toFixed(1)} MB`,
    cmd: process.execPath,
    args: ['-e', code],
    env: launcherEnv(),
  };
}

/**
 * The environment btfkit's launcher gives Node (cli/bin.ts): this one
 * without NODE_EXTRA_CA_CERTS, with the launcher's malloc tunables first in
 * GLIBC_TUNABLES, read from the bin's own shell line (cli/bundle.mjs).
 */
export function launcherEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  const line = readFileSync(BIN, 'latin1').split('\n', 2)[1] ?? '';
  const tunables = /\bexport GLIBC_TUNABLES="([^"$]*)/.exec(line)?.[1];
  const own = env['GLIBC_TUNABLES'];
  if (tunables) env['GLIBC_TUNABLES'] = own ? `${tunables}:${own}` : tunables;
  return env;
}

/** Times an in-process function: `warm` warm-ups, then `runs` runs. */
export function timeFn(label: string, fn: () => void, warm: number, runs: number): Timing {
  for (let i = 0; i < warm; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return stats(label, xs);
}

/** Returns the peak RSS in KiB of a command (GNU time's %M), or null when /usr/bin/time is absent. */
export function peakRss(cmd: string, args: string[]): number | null {
  if (!has('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /(\d+)\s*$/.exec(String(r.stderr));
  return m ? Number(m[1]) : null;
}

export function fmt(t: Timing): string {
  return `${t.label.padEnd(44)} median ${t.median.toFixed(1).padStart(8)} ms   min ${t.min.toFixed(1).padStart(8)} ms   (${t.runs} runs)`;
}

export function ratio(label: string, a: Timing, b: Timing): string {
  return `${label.padEnd(44)} ${(a.median / b.median).toFixed(2)}x (median)   ${(a.min / b.min).toFixed(2)}x (min)`;
}
