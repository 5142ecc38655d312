/**
 * A/B of one in-process job between two builds of btfkit, for proving that a
 * change pays (or that a regression is gone) on a machine shared with others:
 *
 *   node dist/bench/ab.js JOB DIST_A DIST_B [--rounds N] [--runs N] [--warm N] [--ir]
 *
 * DIST_A/DIST_B are `dist/` directories (for example /work/wt-before/dist and
 * dist). Rounds alternate between A and B, one fresh process per side per
 * round, so that machine noise hits both alike; each process parses the input,
 * runs the job `warm` times, then `runs` times measured. Printed per side: the
 * median and minimum wall time per run and the median CPU time (user + sys,
 * which GC threads add to) per run. `--ir` also counts instructions per run
 * under valgrind (cachegrind without its cache model), a figure the machine's
 * load does not move: Ir(warm + runs) - Ir(warm + the runs' set-up alone), divided by runs.
 *
 * Jobs: `csort` (C dump --sort), `c` (C dump), `dedup2` (vmlinux x2: addBtf
 * twice, then dedup; dedup timed), `merge2` (the two addBtf calls timed),
 * `raw`, `json` (the raw and JSON dumps to memory), `layout` (pahole's listing, `writeLayoutListing`, to memory), `check` (`checkRawBtf`, level 2, of the raw
 * bytes), `dstrings` (dedup's strings pass alone over the parsed input, whose strings are not
 * unique yet; split over BENCH_BASE when set, which times the index of the base's strings too).
 * BENCH_BTF names the input.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './common.js';

const FILE = process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux';

interface Sample {
  wall: number[];
  cpu: number[];
}

// biome-ignore lint/suspicious/noExplicitAny: two builds' modules, typed by neither
type Mod = any;

async function job(dist: string, name: string): Promise<() => void> {
  const imp = (p: string): Promise<Mod> => import(pathToFileURL(resolve(dist, p)).href);
  const { Btf } = await imp('lib/btf.js');
  const bytes = new Uint8Array(readFileSync(FILE));
  // split BTF (BENCH_BASE) parses over its base only
  const btf = process.env['BENCH_BASE'] ? null : Btf.parse(bytes);
  const noop = (): void => undefined;
  switch (name) {
    case 'csort':
    case 'c': {
      const { writeCDump } = await imp('lib/dump/c.js');
      const opts = name === 'csort' ? { sort: true } : {};
      return () => writeCDump(btf, noop, opts);
    }
    case 'raw':
    case 'json': {
      const raw = await imp('lib/dump/raw.js');
      const fn = name === 'raw' ? raw.writeRawDump : raw.writeJsonDump;
      return () => fn(btf, noop);
    }
    case 'layout': {
      const { writeLayoutListing } = await imp('lib/layout/index.js');
      return () => writeLayoutListing(btf, noop);
    }
    case 'merge2':
      return () => {
        const dst = Btf.empty();
        dst.addBtf(btf);
        dst.addBtf(btf);
      };
    case 'check': {
      const { checkRawBtf } = await imp('lib/check/index.js');
      return () => {
        if (!checkRawBtf(bytes).ok) throw new Error(`${FILE}: refused by btfkit check`);
      };
    }
    case 'dedup2': {
      const { dedup } = await imp('lib/dedup/index.js');
      // The merge is set-up, outside the timed part: `dedupPrep` builds it.
      let dst: Mod = null;
      const fn = (): void => {
        dedup(dst);
      };
      fn.prep = (): void => {
        dst = Btf.empty();
        dst.addBtf(btf);
        dst.addBtf(btf);
      };
      return fn;
    }
    case 'dstrings': {
      const { DedupState } = await imp('lib/dedup/state.js');
      const { dedupStrings } = await imp('lib/dedup/strings.js');
      const baseFile = process.env['BENCH_BASE'];
      const base = baseFile ? Btf.parse(new Uint8Array(readFileSync(baseFile))) : undefined;
      // A fresh parse and state per run (set-up, outside the timed part): the pass rewrites the words.
      let d: Mod = null;
      const fn = (): void => {
        dedupStrings(d, undefined);
      };
      fn.prep = (): void => {
        const b = Btf.parse(bytes, base ? { base } : {});
        b.prepareRewrite();
        d = new DedupState(b, null);
      };
      return fn;
    }
    default:
      throw new Error(`unknown job ${name}`);
  }
}

/** One side's process: `warm` + `runs` runs; with `skip`, the measured runs do the set-up only (for instruction counts). */
async function child(dist: string, name: string, warm: number, runs: number, skip: boolean): Promise<Sample> {
  const fn = (await job(dist, name)) as (() => void) & { prep?: () => void };
  const out: Sample = { wall: [], cpu: [] };
  for (let i = 0; i < warm + runs; i++) {
    fn.prep?.();
    if (skip && i >= warm) continue;
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    const dt = performance.now() - t;
    const dc = process.cpuUsage(c);
    if (i >= warm) {
      out.wall.push(dt);
      out.cpu.push((dc.user + dc.system) / 1000);
    }
  }
  return out;
}

function instructions(dist: string, name: string, warm: number, runs: number): number {
  const self = fileURLToPath(import.meta.url);
  const ir = (skip: boolean): number => {
    const r = spawnSync(
      'valgrind',
      [
        '--tool=cachegrind',
        '--cache-sim=no',
        '--cachegrind-out-file=/dev/null',
        '--smc-check=all',
        process.execPath,
        self,
        '--child',
        name,
        dist,
        String(warm),
        String(runs),
        skip ? 'skip' : 'run',
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
    if (!m) throw new Error(`valgrind: ${r.stderr.slice(-500)}`);
    return Number(m[1]!.replaceAll(',', ''));
  };
  return (ir(false) - ir(true)) / runs;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    console.log(JSON.stringify(await child(argv[2]!, argv[1]!, Number(argv[3]), Number(argv[4]), argv[5] === 'skip')));
    return;
  }
  const opt = (flag: string, def: number): number => {
    const i = argv.indexOf(flag);
    return i < 0 ? def : Number(argv.splice(i, 2)[1]);
  };
  const rounds = opt('--rounds', 6);
  const runs = opt('--runs', 7);
  const warm = opt('--warm', 5);
  const wantIr = argv.includes('--ir');
  const [name, a, b] = argv.filter((x) => x !== '--ir');
  if (!name || !a || !b) throw new Error('usage: ab.js JOB DIST_A DIST_B [--rounds N] [--runs N] [--warm N] [--ir]');
  const self = fileURLToPath(import.meta.url);
  const sides = [a, b];
  const all = sides.map(() => ({ wall: [] as number[], cpu: [] as number[], med: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (let s = 0; s < 2; s++) {
      const p = spawnSync(process.execPath, [self, '--child', name, sides[s]!, String(warm), String(runs)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (p.status !== 0) throw new Error(p.stderr);
      const x = JSON.parse(p.stdout.trim().split('\n').pop()!) as Sample;
      all[s]!.wall.push(...x.wall);
      all[s]!.cpu.push(...x.cpu);
      all[s]!.med.push(median(x.wall));
    }
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`${name}: ${rounds} rounds x ${runs} runs after ${warm} warm-ups, ${FILE}, load ${load}`);
  sides.forEach((d, s) => {
    const x = all[s]!;
    const f = (v: number): string => v.toFixed(1).padStart(7);
    console.log(
      `${'AB'[s]} ${d.padEnd(28)} wall median ${f(median(x.wall))} ms  min ${f(Math.min(...x.wall))} ms  ` +
        `cpu median ${f(median(x.cpu))} ms  round medians ${x.med.map((v) => v.toFixed(0)).join(' ')}`,
    );
  });
  console.log(
    `B/A wall ${(median(all[1]!.wall) / median(all[0]!.wall)).toFixed(3)}  cpu ${(median(all[1]!.cpu) / median(all[0]!.cpu)).toFixed(3)}`,
  );
  if (wantIr) {
    const irs = sides.map((d) => instructions(d, name, warm, 3));
    irs.forEach((v, s) => console.log(`${'AB'[s]} instructions per run ${(v / 1e6).toFixed(1)} M`));
    console.log(`B/A instructions ${(irs[1]! / irs[0]!).toFixed(3)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
