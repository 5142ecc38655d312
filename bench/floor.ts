/**
 * The floor of a one-shot run: what a job would cost if V8 started with the
 * code it ends with. Two parts, each measured:
 *
 * - Node's start and btfkit's bundle: `btfkit --version` run as users run it
 *   (the bin as a program, its code cache warm);
 * - the job done warm: in one process that has already done it ten times,
 *   the fastest of the last runs of read, parse, the job and the write to a
 *   file, with the optimised code V8 made for the earlier runs.
 *
 * Their sum is the least a cold command can cost on that Node: the rest of a
 * cold run is V8 warming up (the interpreter and baseline code that run
 * before TurboFan's code is ready, TurboFan compiling, deoptimisations), and
 * no Node lets a process start with optimised code (the code cache holds
 * bytecode only). A target under the floor cannot be met by changing
 * btfkit's code on that Node; one just above it needs almost no warm-up.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Timing, cli, launcherEnv, timeCommands } from './common.js';

/** Jobs the floor knows: `layout` (pahole's listing) and `c78` (`dump -f c --bpftool 7.8`). */
export type FloorJob = 'layout' | 'c78';

export interface Floor {
  /** `btfkit --version`, median wall ms. */
  startLoad: number;
  /** The job warm in process (read, parse, job, write), fastest of the last runs, ms. */
  warm: number;
}

/** The child's code: runs `job` on `file` 15 times, printing the fastest of the last 7 in ms. */
function childCode(job: FloorJob, file: string, out: string): string {
  const lib = (p: string): string => JSON.stringify(new URL(`../lib/${p}`, import.meta.url).href);
  const run =
    job === 'layout'
      ? `const { writeLayoutListing } = await import(${lib('layout/index.js')});
         const work = (btf, sink) => writeLayoutListing(btf, sink);`
      : `const { writeCDump } = await import(${lib('dump/c.js')});
         const work = (btf, sink) => writeCDump(btf, sink, { sort: true, bpftool: '7.8' });`;
  return `
    const { closeSync, openSync, readFileSync, writeSync } = await import('node:fs');
    const { Btf } = await import(${lib('btf.js')});
    ${run}
    const times = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const buf = readFileSync(${JSON.stringify(file)});
      const btf = Btf.parse(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
      const fd = openSync(${JSON.stringify(out)}, 'w');
      work(btf, (c) => writeSync(fd, c));
      closeSync(fd);
      times.push(performance.now() - t);
    }
    console.log(Math.min(...times.slice(8)));`;
}

/** Measures the floor of `job` on `file` with `node` (`runs` timed `--version` runs). */
export function measureFloor(job: FloorJob, file: string, node: string, runs: number): Floor {
  const out = join(tmpdir(), `btfkit-bench-floor-${process.pid}.out`);
  const [startLoad] = timeCommands([{ label: 'btfkit --version', ...cli(['--version'], node) }], runs, out);
  const r = spawnSync(node, ['--input-type=module', '-e', childCode(job, file, out)], {
    encoding: 'utf8',
    env: launcherEnv(),
  });
  rmSync(out, { force: true });
  if (r.status !== 0) throw new Error(`floor of ${job}: ${r.stderr.slice(-400)}`);
  return { startLoad: startLoad!.median, warm: Number(r.stdout.trim()) };
}

/** The floor's line: its parts, its sum, its ratio to the reference `ref`, and what the cold run spends above it. */
export function floorLine(label: string, f: Floor, cold: Timing, ref: Timing, refName: string): string {
  const sum = f.startLoad + f.warm;
  return (
    `${label.padEnd(44)} ${sum.toFixed(1).padStart(6)} ms = ${(sum / ref.median).toFixed(2)}x ${refName} ` +
    `(start + bundle ${f.startLoad.toFixed(1)} ms, job warm ${f.warm.toFixed(1)} ms; ` +
    `the cold run's other ${Math.max(0, cold.median - sum).toFixed(0)} ms is V8 warming up)`
  );
}
