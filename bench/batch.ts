/**
 * Many files in one process (issue 17, "Beyond the C tools"): `btfkit dump
 * -O DIR MODULES_DIR` (one process, vmlinux parsed once per worker thread)
 * against a shell loop running `bpftool btf dump file M -B vmlinux` once per
 * module, over every module of a Debian kernel in golden/kernels.sh's cache.
 * Interleaved, medians; wall and CPU time (user + sys, the steadier figure
 * on a loaded machine) and the load average. Target: at most 0.2x the
 * loop's wall time, outputs identical (checked after the first run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../test/helpers/golden.js';
import { cachedKernels } from '../test/helpers/kernels.js';
import { has } from './common.js';

interface Run {
  wall: number;
  cpu: number;
}

/** Runs `sh -c script` under GNU time; returns wall and CPU (children included) seconds. */
function timed(script: string): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '@@ %e %U %S', 'sh', '-c', script], { encoding: 'utf8' });
  const m = /@@ ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${script}: failed: ${r.stderr}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** Times both over the first cached kernel's modules (`runs` runs each, interleaved) and prints the ratios. */
export function benchBatch(runs: number, format: 'raw' | 'c' = 'raw'): void {
  const k = cachedKernels()[0];
  if (k === undefined || !has('bpftool') || !has('/usr/bin/time')) {
    console.log("batch: needs golden/kernels.sh's cache, bpftool and /usr/bin/time; skipped");
    return;
  }
  const mods = join(k.dir, 'modules');
  const n = readdirSync(mods).length;
  const work = mkdtempSync(join(tmpdir(), 'btfkit-bench-batch-'));
  const [ours, theirs] = [join(work, 'btfkit'), join(work, 'bpftool')];
  const fmtArgs = format === 'c' ? ' format c' : '';
  const loop = `mkdir -p ${q(theirs)} && for f in ${q(mods)}/*.btf; do n=$(basename "$f" .btf); bpftool btf dump file "$f" -B ${q(k.vmlinux)}${fmtArgs} > ${q(theirs)}/$n.${format === 'c' ? 'h' : 'txt'}; done`;
  const batch = `PATH=${q(dirname(process.execPath))}:"$PATH" ${q(BIN)} dump${format === 'c' ? ' -f c' : ''} -O ${q(ours)} ${q(mods)}`;
  const a: Run[] = [];
  const b: Run[] = [];
  const load0 = loadavg()[0]!;
  try {
    for (let r = 0; r < runs; r++) {
      a.push(timed(batch));
      b.push(timed(loop));
      if (r === 0) {
        const diff = readdirSync(theirs).filter(
          (f) => !readFileSync(join(ours, f)).equals(readFileSync(join(theirs, f))),
        );
        console.log(
          `${k.release}: ${n} modules, format ${format}: ${diff.length === 0 ? 'every output identical' : `${diff.length} outputs DIFFER (${diff.slice(0, 3).join(', ')})`}`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const row = (label: string, xs: Run[]): string =>
    `${label.padEnd(44)} wall ${median(xs.map((x) => x.wall))
      .toFixed(2)
      .padStart(7)} s   cpu ${median(xs.map((x) => x.cpu))
      .toFixed(2)
      .padStart(7)} s   (${xs.length} runs)`;
  console.log(row(`btfkit dump -O DIR modules/ (${format})`, a));
  console.log(row(`sh loop: bpftool once per module (${format})`, b));
  const wall = median(a.map((x) => x.wall)) / median(b.map((x) => x.wall));
  const cpu = median(a.map((x) => x.cpu)) / median(b.map((x) => x.cpu));
  console.log(
    `${'ratio btfkit/bpftool loop'.padEnd(44)} wall ${wall.toFixed(3)}x   cpu ${cpu.toFixed(3)}x   (load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)})`,
    wall <= 0.2 ? '  [target <= 0.2x: ok]' : '  [target <= 0.2x: MISSED]',
  );
}
