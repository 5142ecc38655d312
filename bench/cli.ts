/**
 * The command line against the C tools (issue 17's table): every everyday
 * job run as a whole process, btfkit on Node 20 (the Node running the bench)
 * and on Node 24 (bench/node24.ts) beside the reference, interleaved, BENCH_RUNS
 * times each (default 10) after one warm-up, on the kernel's BTF.
 *
 *   node dist/bench/cli.js [FILE]
 *
 * Each run goes through GNU time (`/usr/bin/time`), which gives the CPU time
 * (user + sys, 10 ms steps) and the peak RSS of that process alone; wall
 * time is taken around it. Medians are printed, with the ratio to the
 * reference on wall time (the targets' measure) and on CPU time (steadier on
 * a loaded machine), and the verdict of each target.
 *
 * btfkit runs as users run it: its bin as a program (bench/common.ts `cli`),
 * whose launcher drops NODE_EXTRA_CA_CERTS (see cli/bin.ts); the header says
 * when the variable is set, and what it costs Node 20's start.
 *
 * Jobs and references: `dump` raw to a file and to a pipe (bpftool), `dump
 * -j` (bpftool -j), `dump -f c` (bpftool format c), `layout` (pahole 1.24's
 * `pahole -F btf`, issue 15), `dedup` in place and
 * `merge FILE FILE` (libbpf 1.1.2 through the C harness's `dedup` and
 * `merge`, whole process: read, dedup, write). BENCH_BIN runs another build's
 * bin (another worktree's dist/bin/btfkit.cjs); BENCH_JOBS keeps the jobs
 * whose label contains one of its comma-separated words (`merge,dedup`).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessPath } from '../test/helpers/harness.js';
import { type Command as Cmd, cli, has, launcherEnv, median, timeRun } from './common.js';
import { node24, nodeVersion } from './node24.js';

interface Job {
  label: string;
  /** Where stdout goes: a file, or a pipe the bench drains. */
  out: 'file' | 'pipe';
  btfkit: string[];
  ref: Cmd | null;
  refName: string;
  /** Wall-time targets against the reference, Node 20 and Node 24. */
  target: [number, number];
}

interface Sample {
  wall: number[];
  cpu: number[];
  rss: number[];
}

const RSS_TARGET = 2.5;

/**
 * What NODE_EXTRA_CA_CERTS costs each Node's start here (`node -e 0` with
 * and without it, interleaved): the share of a plain `node FILE` run that
 * btfkit's launcher saves.
 */
function caCertsLine(nodes: Array<{ name: string; bin: string }>, runs: number): string {
  const parts = nodes.map((n) => {
    const withIt: Cmd = { cmd: n.bin, args: ['-e', '0'] };
    const without: Cmd = { cmd: n.bin, args: ['-e', '0'], env: launcherEnv() };
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < runs; r++) {
      a.push(timeRun(withIt, 'pipe').wall);
      b.push(timeRun(without, 'pipe').wall);
    }
    return `node ${n.name} -e 0: ${median(a).toFixed(0)} ms with it, ${median(b).toFixed(0)} ms without`;
  });
  return `NODE_EXTRA_CA_CERTS is set (btfkit's launcher drops it, see cli/bin.ts): ${parts.join('; ')}`;
}

/** Options for {@link benchCli}. */
export interface CliBenchOptions {
  /** Input BTF. Defaults to /sys/kernel/btf/vmlinux. */
  file?: string;
  /** Runs per command. Defaults to BENCH_RUNS or 10. */
  runs?: number;
  /** Where lines go. Defaults to console.log. */
  print?: (line: string) => void;
}

/** Runs the table (see the module comment) and prints it; `npm run bench` calls it. */
export function benchCli(opts: CliBenchOptions = {}): void {
  const file = opts.file ?? process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux';
  const runs = opts.runs ?? Number(process.env['BENCH_RUNS'] ?? 10);
  const print = opts.print ?? ((l: string) => console.log(l));
  if (!existsSync(file)) {
    print(`bench: ${file} is missing; nothing to measure`);
    return;
  }
  if (!has('/usr/bin/time')) {
    print('bench: GNU time (/usr/bin/time) is missing (apt-get install time); no command-line table');
    return;
  }
  const n24 = node24(print);
  const nodes: Array<{ name: string; bin: string }> = [{ name: nodeVersion(process.execPath), bin: process.execPath }];
  if (n24) nodes.push({ name: nodeVersion(n24), bin: n24 });
  const h = harnessPath();
  const bpftool = has('bpftool');
  const tmp = join(tmpdir(), `btfkit-bench-cli-${process.pid}`);
  const outFile = `${tmp}.out`;
  const btfOut = `${tmp}.btf`;
  const bt = (...args: string[]): Cmd | null => (bpftool ? { cmd: 'bpftool', args } : null);
  const jobs: Job[] = [
    {
      label: 'dump raw > file',
      out: 'file',
      btfkit: ['dump', file],
      ref: bt('btf', 'dump', 'file', file),
      refName: 'bpftool',
      target: [1.0, 1.0],
    },
    {
      label: 'dump raw | pipe',
      out: 'pipe',
      btfkit: ['dump', file],
      ref: bt('btf', 'dump', 'file', file),
      refName: 'bpftool',
      target: [1.0, 1.0],
    },
    {
      label: 'dump -j > file',
      out: 'file',
      btfkit: ['dump', '-j', file],
      ref: bt('-j', 'btf', 'dump', 'file', file),
      refName: 'bpftool -j',
      target: [1.0, 0.8],
    },
    {
      label: 'dump -f c > file',
      out: 'file',
      btfkit: ['dump', '-f', 'c', file],
      ref: bt('btf', 'dump', 'file', file, 'format', 'c'),
      refName: 'bpftool format c',
      target: [1.15, 1.0],
    },
    {
      label: 'layout > file',
      out: 'file',
      btfkit: ['layout', file],
      ref: has('pahole') ? { cmd: 'pahole', args: ['-F', 'btf', file] } : null,
      refName: 'pahole -F btf',
      target: [1.5, 1.0],
    },
    {
      label: 'dedup (in place, -o)',
      out: 'file',
      btfkit: ['dedup', file, '-o', btfOut],
      ref: h ? { cmd: h, args: ['dedup', file, btfOut] } : null,
      refName: 'libbpf (btfh dedup)',
      target: [1.2, 1.0],
    },
    {
      label: 'merge FILE FILE (+dedup)',
      out: 'file',
      btfkit: ['merge', file, file, '-o', btfOut],
      ref: h ? { cmd: h, args: ['merge', btfOut, file, file] } : null,
      refName: 'libbpf (btfh merge)',
      target: [1.3, 1.0],
    },
  ];
  print(
    `input: ${file}; ${runs} runs each, interleaved, after one warm-up; medians; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  if (process.env['NODE_EXTRA_CA_CERTS']) print(caCertsLine(nodes, runs));
  if (!bpftool) print('bpftool: not installed; dumps without their reference (apt-get install bpftool)');
  if (!h) print('libbpf harness: unavailable (cc + libbpf-dev); dedup and merge without their reference');
  const f = (v: number, w = 7): string => v.toFixed(0).padStart(w);
  for (const job of jobs) {
    const only = process.env['BENCH_JOBS'];
    if (only && !only.split(',').some((w) => job.label.includes(w))) continue;
    const cmds: Cmd[] = nodes.map((n) => cli(job.btfkit, n.bin, process.env['BENCH_BIN']));
    if (job.ref) cmds.push(job.ref);
    const samples: Sample[] = cmds.map(() => ({ wall: [], cpu: [], rss: [] }));
    for (const c of cmds) timeRun(c, job.out, outFile);
    for (let r = 0; r < runs; r++) {
      cmds.forEach((c, i) => {
        const x = timeRun(c, job.out, outFile);
        samples[i]!.wall.push(x.wall);
        samples[i]!.cpu.push(x.cpu);
        samples[i]!.rss.push(x.rss);
      });
    }
    print(`\n${job.label}`);
    const ref = job.ref ? samples[samples.length - 1]! : null;
    cmds.forEach((_, i) => {
      const s = samples[i]!;
      const name = i < nodes.length ? `btfkit, node ${nodes[i]!.name}` : job.refName;
      let line = `  ${name.padEnd(26)} wall ${f(median(s.wall))} ms   cpu ${f(median(s.cpu))} ms   peak RSS ${f(median(s.rss) / 1024, 5)} MB`;
      if (ref && i < nodes.length) {
        const wr = median(s.wall) / median(ref.wall);
        const cr = median(s.cpu) / median(ref.cpu);
        const mr = median(s.rss) / median(ref.rss);
        const major = Number(nodes[i]!.name.replace(/^v/, '').split('.')[0]);
        const t = major >= 24 ? job.target[1] : job.target[0];
        line +=
          `   = ${wr.toFixed(2)}x wall, ${cr.toFixed(2)}x cpu, ${mr.toFixed(2)}x RSS` +
          `   [wall <= ${t.toFixed(2)}x: ${wr <= t ? 'ok' : 'MISSED'}; RSS <= ${RSS_TARGET}x: ${mr <= RSS_TARGET ? 'ok' : 'MISSED'}]`;
      }
      print(line);
    });
  }
  rmSync(outFile, { force: true });
  rmSync(btfOut, { force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  benchCli(file ? { file } : {});
}
