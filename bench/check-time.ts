/**
 * `node dist/bench/check-time.js [FILE]`: checkRawBtf of the running kernel's
 * BTF in process (after warm-up) against the kernel's own BPF_BTF_LOAD of it
 * through the harness (`btfh kload-time`), and the CLI's cold wall time.
 * Medians in ms. Not part of `npm run bench` (the kernel load needs root).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { checkRawBtf } from '../lib/check/index.js';
import { harnessPath, harnessSkipReason } from '../test/helpers/harness.js';
import { BIN } from '../test/helpers/golden.js';

const file = process.argv[2] ?? '/sys/kernel/btf/vmlinux';
const bytes = new Uint8Array(readFileSync(file));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

for (let i = 0; i < 10; i++) checkRawBtf(bytes);
const inProc: number[] = [];
for (let i = 0; i < 31; i++) {
  const t = performance.now();
  const r = checkRawBtf(bytes);
  inProc.push(performance.now() - t);
  if (!r.ok) throw new Error(`refused: ${r.violations[0]?.line}`);
}
const cold: number[] = [];
for (let i = 0; i < 7; i++) {
  const t = performance.now();
  spawnSync(process.execPath, [BIN, 'check', file], { stdio: 'ignore' });
  cold.push(performance.now() - t);
}
let kernel: unknown = harnessSkipReason();
const h = harnessPath();
if (h) {
  const r = spawnSync(h, ['kload-time', file, '31'], { encoding: 'utf8' });
  kernel = r.status === 0 ? JSON.parse(r.stdout) : r.stderr.trim();
}
const k = typeof kernel === 'object' && kernel ? (kernel as { median_ms: number }).median_ms : NaN;
console.log(
  JSON.stringify({
    file,
    checkRawBtf_median_ms: +median(inProc).toFixed(2),
    checkRawBtf_min_ms: +Math.min(...inProc).toFixed(2),
    kernel,
    ratio: +(median(inProc) / k).toFixed(2),
    cli_cold_median_ms: +median(cold).toFixed(1),
  }),
);
