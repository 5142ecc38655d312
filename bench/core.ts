/**
 * CO-RE (issue 14), against bpftool 7.1 in the same run, medians:
 * - `gen min-core-btf` of one object against vmlinux, beside bpftool's
 *   `gen min_core_btf` and Node's bare start-up (most of a short command);
 * - one `btfkit core` run over every CO-RE object against three kernels
 *   (6.1 and 6.12 from golden/.cache/kernels, and the running kernel's),
 *   against the bpftool `gen min_core_btf` runs covering the same objects
 *   and kernels (one per kernel). Target: at most 1.0x;
 * - the matrix: 100 distinct kernels (bench/core-kernels.ts: variants of
 *   the three above with permuted ids and moved, renamed or dropped members,
 *   made once into bench/.cache) x 10 distinct objects, with the default
 *   worker threads and with one thread. Target: under 10 s.
 * Run alone with `node dist/bench/core.js` (after `npm run build`).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openObject } from '../lib/object/open.js';
import { cachedKernels } from '../test/helpers/kernels.js';
import { allObjectPaths } from '../test/helpers/objects.js';
import { cli, fmt, launcherEnv, has, ratio, timeCommands } from './common.js';
import { coreKernels } from './core-kernels.js';

/** The little-endian golden objects with CO-RE relocations that bpftool's min_core_btf takes (core_cands.o is ambiguous on purpose). */
function coreObjects(): string[] {
  return allObjectPaths().filter((p) => {
    if (p.endsWith('.bpfeb.o') || p.endsWith('core_cands.o')) return false;
    try {
      return (openObject(readFileSync(p)).ext?.coreRelo ?? null) !== null;
    } catch {
      return false;
    }
  });
}

/** Times the CO-RE commands against bpftool (`runs` runs each) and the 100 x 10 matrix. */
export function benchCore(vmlinux: string, runs: number): void {
  if (!has('bpftool')) {
    console.log('bpftool: not installed; skipping the CO-RE comparisons (apt-get install bpftool)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-bench-core-'));
  try {
    const objs = coreObjects();
    const out = join(dir, 'out');
    const min = join(dir, 'min.btf');
    const one = objs.find((p) => p.endsWith('core_task.o')) ?? objs[0]!;
    const [ours, theirs, node] = timeCommands(
      [
        {
          label: 'btfkit gen min-core-btf (1 object)',
          ...cli(['gen', 'min-core-btf', vmlinux, min, one]),
        },
        {
          label: 'bpftool gen min_core_btf (1 object)',
          cmd: 'bpftool',
          args: ['gen', 'min_core_btf', vmlinux, min, one],
        },
        { label: 'node floor: start, exit', cmd: process.execPath, args: ['-e', ''], env: launcherEnv() },
      ],
      runs,
      out,
    );
    for (const t of [ours!, theirs!, node!]) console.log(fmt(t));
    console.log(ratio('ratio node floor/bpftool', node!, theirs!));
    console.log(ratio('ratio btfkit/bpftool (gen min-core-btf)', ours!, theirs!));

    const kernels = [...cachedKernels().map((k) => k.vmlinux), ...(existsSync(vmlinux) ? [vmlinux] : [])].slice(0, 3);
    const sh = kernels.map((k) => ['bpftool', 'gen', 'min_core_btf', k, min, ...objs].map((a) => `'${a}'`).join(' '));
    const what = `${objs.length} objects x ${kernels.length} kernels`;
    const [core, gen] = timeCommands(
      [
        {
          label: `btfkit core (${what})`,
          ...cli(['core', ...objs, ...kernels.flatMap((k) => ['-t', k])]),
        },
        { label: `bpftool gen min_core_btf x ${kernels.length}`, cmd: 'sh', args: ['-c', sh.join(' && ')] },
      ],
      runs,
      out,
    );
    console.log(fmt(core!));
    console.log(fmt(gen!));
    console.log(
      ratio('ratio btfkit core/bpftool min_core_btf', core!, gen!),
      core!.median <= gen!.median ? '  [target <= 1.0x: ok]' : '  [target <= 1.0x: MISSED]',
    );

    // 100 distinct kernels made from the three (bench/core-kernels.ts, cached), 10 distinct objects
    const all = coreObjects().concat(allObjectPaths().filter((p) => p.endsWith('core_cands.o')));
    const ten = all.slice(0, 10);
    const kdir = coreKernels(kernels, all, 100);
    const matrix = timeCommands(
      [
        {
          label: 'btfkit core: 100 distinct kernels x 10 objects',
          ...cli(['core', ...ten, '-t', kdir]),
          okStatus: [0, 3], // some variants lose fields the objects read
        },
        {
          label: 'the same, --jobs 1',
          ...cli(['core', ...ten, '-t', kdir, '--jobs', '1']),
          okStatus: [0, 3],
        },
      ],
      Math.min(runs, 3),
      out,
    );
    for (const t of matrix)
      console.log(fmt(t), t.median < 10_000 ? '  [target < 10 s: ok]' : '  [target < 10 s: MISSED]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  benchCore(process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux', Number(process.env['BENCH_RUNS'] ?? 10));
