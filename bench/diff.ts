/**
 * `btfkit diff A B` of two real kernels (issue 15: "diffing two kernels
 * (120k+ types each) in under 2 s on this machine"): the oldest and newest
 * kernel in golden/kernels.sh's cache (Debian 6.1 and 6.12), and the newest
 * against the running kernel, each as a whole CLI run (the bin as users run
 * it) on every Node the bench has, interleaved; wall and CPU medians, peak
 * RSS. Exit status 3 ("different") is the expected status. No C tool diffs
 * BTF by meaning, so the target is absolute.
 */
import { existsSync } from 'node:fs';
import { cachedKernels } from '../test/helpers/kernels.js';
import { type RunTimes, cli, has, median, timeRun } from './common.js';
import { node24, nodeVersion } from './node24.js';

const TARGET_MS = 2000;
/** `diff`'s statuses: 0 equal, 3 different. */
const OK = [0, 3];

/** Times `btfkit diff` over the kernel pairs on Node 20 and Node 24 (when there) and prints verdicts. */
export function benchDiff(runs: number, running: string): void {
  const ks = cachedKernels();
  if (ks.length < 2 || !has('/usr/bin/time')) {
    console.log("diff: needs two kernels in golden/kernels.sh's cache and /usr/bin/time; skipped");
    return;
  }
  const nodes = [process.execPath];
  const n24 = node24((l) => console.log(l));
  if (n24) nodes.push(n24);
  const oldest = ks[0]!;
  const newest = ks[ks.length - 1]!;
  const pairs: Array<[string, string, string]> = [
    [`${oldest.release} -> ${newest.release}`, oldest.vmlinux, newest.vmlinux],
  ];
  if (existsSync(running)) pairs.push([`${newest.release} -> running kernel`, newest.vmlinux, running]);
  for (const [label, a, b] of pairs) {
    const cmds = nodes.map((n) => cli(['diff', a, b], n));
    for (const c of cmds) timeRun(c, 'ignore', '', OK);
    const samples: RunTimes[][] = cmds.map(() => []);
    for (let r = 0; r < runs; r++) cmds.forEach((c, i) => samples[i]!.push(timeRun(c, 'ignore', '', OK)));
    console.log(`\ndiff ${label}`);
    cmds.forEach((_, i) => {
      const s = samples[i]!;
      const w = median(s.map((x) => x.wall));
      const line =
        `  btfkit, node ${nodeVersion(nodes[i]!)}`.padEnd(28) +
        ` wall ${w.toFixed(0).padStart(5)} ms   cpu ${median(s.map((x) => x.cpu))
          .toFixed(0)
          .padStart(5)} ms` +
        `   peak RSS ${(median(s.map((x) => x.rss)) / 1024).toFixed(0)} MB   [wall < ${TARGET_MS} ms: ${w < TARGET_MS ? 'ok' : 'MISSED'}]`;
      console.log(line);
    });
  }
}
