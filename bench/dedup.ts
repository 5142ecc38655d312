/**
 * Dedup benchmark: btfkit against libbpf 1.1.2 (through the project's C
 * harness, `btfh bench-dedup`) on the kernel's BTF appended to itself
 * COPIES times (253k types in, 127k out for 2), in the same run.
 *
 *   node dist/bench/dedup.js [FILE] [--copies N] [--runs N] [--rounds N]
 *
 * Each side is measured the same way, in a fresh process per round: parse
 * FILE, then RUNS times merge COPIES copies into a new BTF (COPIES 0: dedup
 * the parsed BTF in place) and dedup it; the median dedup time of a round
 * is reported. btfkit also reports its first (cold, not yet compiled) run,
 * which is what a one-shot `btfkit merge` pays. Rounds alternate between
 * the two so that machine noise hits both alike. Peak RSS is the peak of a
 * separate single-run process (getrusage's ru_maxrss on both sides, so the
 * Node.js runtime itself, about 40 MB, is part of btfkit's figure).
 *
 * Targets (issue 4): dedup time at most 1.5x libbpf's, peak memory at most
 * 3x libbpf's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, peakRss } from './common.js';
import { harnessPath } from '../test/helpers/harness.js';
import { Btf } from '../lib/btf.js';
import { parseBtf } from '../lib/object/open.js';
import { dedup as dedupBtf } from '../lib/dedup/index.js';

interface Round {
  parse_ms: number;
  merge_ms: number;
  dedup_ms: number;
  first_dedup_ms?: number;
  types_in: number;
  types_out: number;
  bytes_out: number;
  maxrss_kb: number;
}

/** One round in this process: what `btfh bench-dedup FILE COPIES RUNS` measures, in btfkit. */
function child(file: string, copies: number, runs: number): Round {
  const bytes = new Uint8Array(readFileSync(file));
  const parse: number[] = [];
  const merge: number[] = [];
  const dedup: number[] = [];
  let typesIn = 0;
  let out: Btf | null = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const src = parseBtf(bytes);
    const t1 = performance.now();
    let dst = src;
    if (copies > 0) {
      dst = Btf.empty();
      for (let c = 0; c < copies; c++) dst.addBtf(src);
    }
    const t2 = performance.now();
    typesIn = dst.nrTypes;
    dedupBtf(dst);
    const t3 = performance.now();
    parse.push(t1 - t0);
    merge.push(t2 - t1);
    dedup.push(t3 - t2);
    out = dst;
  }
  return {
    parse_ms: median(parse),
    merge_ms: median(merge),
    dedup_ms: median(dedup),
    first_dedup_ms: dedup[0]!,
    types_in: typesIn,
    types_out: out!.nrTypes,
    bytes_out: out!.rawData().length,
    maxrss_kb: process.resourceUsage().maxRSS,
  };
}

function runJson(cmd: string, args: string[]): Round {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Round;
}

/** Options for {@link benchDedup}. */
export interface DedupBenchOptions {
  /** Raw BTF or object. Defaults to /sys/kernel/btf/vmlinux. */
  file?: string;
  /** Copies merged before dedup (0: dedup the parsed BTF in place). Defaults to 2. */
  copies?: number;
  /** Dedups per process (the median is kept). Defaults to 5. */
  runs?: number;
  /** Processes per side, alternating. Defaults to 3. */
  rounds?: number;
  /** Where lines go. Defaults to console.log. */
  print?: (line: string) => void;
}

/** Runs the benchmark (see the module comment) and prints its lines; `npm run bench` can call it. */
export function benchDedup(opts: DedupBenchOptions = {}): void {
  const copies = opts.copies ?? 2;
  const runs = opts.runs ?? 5;
  const rounds = opts.rounds ?? 3;
  const file = opts.file ?? '/sys/kernel/btf/vmlinux';
  const print = opts.print ?? ((l: string) => console.log(l));
  if (!existsSync(file)) {
    print(`bench: ${file} is missing; nothing to measure`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const h = harnessPath();
  if (!h) print('bench: the libbpf harness is unavailable (cc + libbpf-dev); btfkit alone');
  const ours: Round[] = [];
  const theirs: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(runJson(process.execPath, [self, '--child', file, String(copies), String(runs)]));
    if (h) theirs.push(runJson(h, ['bench-dedup', file, String(copies), String(runs)]));
  }
  // Peak RSS through /usr/bin/time when present: a process spawned straight
  // from Node inherits Node's ru_maxrss across exec (Linux keeps the signal
  // struct's maxrss), which would inflate the harness's own figure.
  const peak = (cmd: string, args: string[]): number => peakRss(cmd, args) ?? runJson(cmd, args).maxrss_kb;
  const memOurs = peak(process.execPath, [self, '--child', file, String(copies), '1']);
  const memTheirs = h ? peak(h, ['bench-dedup', file, String(copies), '1']) : 0;
  const o = ours[0]!;
  print(
    `input: ${file} x${copies} (${copies ? 'merged with btf__add_btf / addBtf' : 'parsed, deduplicated in place'}): ${o.types_in} types -> ${o.types_out}, ${o.bytes_out} bytes`,
  );
  const line = (label: string, xs: number[]) =>
    `${label.padEnd(34)} median ${median(xs).toFixed(1).padStart(7)} ms   min ${Math.min(...xs)
      .toFixed(1)
      .padStart(7)} ms`;
  print(
    line(
      'btfkit dedup (warm, median/round)',
      ours.map((x) => x.dedup_ms),
    ),
  );
  print(
    line(
      'btfkit dedup (first run, cold)',
      ours.map((x) => x.first_dedup_ms!),
    ),
  );
  if (copies)
    print(
      line(
        'btfkit merge (addBtf)',
        ours.map((x) => x.merge_ms),
      ),
    );
  if (h) {
    if (theirs.some((t) => t.types_out !== o.types_out || t.bytes_out !== o.bytes_out))
      print('WARNING: outputs differ in size from libbpf');
    print(
      line(
        'libbpf dedup',
        theirs.map((x) => x.dedup_ms),
      ),
    );
    if (copies)
      print(
        line(
          'libbpf merge (btf__add_btf)',
          theirs.map((x) => x.merge_ms),
        ),
      );
    const ratio = median(ours.map((x) => x.dedup_ms)) / median(theirs.map((x) => x.dedup_ms));
    const cold = median(ours.map((x) => x.first_dedup_ms!)) / median(theirs.map((x) => x.dedup_ms));
    print(
      `dedup time ratio btfkit/libbpf       ${ratio.toFixed(2)}x warm, ${cold.toFixed(2)}x cold   [target <= 1.5x: ${ratio <= 1.5 ? 'ok' : 'MISSED'}]`,
    );
    print(
      `peak RSS (one run)                   btfkit ${(memOurs / 1024).toFixed(1)} MB, libbpf ${(memTheirs / 1024).toFixed(1)} MB = ${(memOurs / memTheirs).toFixed(2)}x   [target <= 3x: ${memOurs <= 3 * memTheirs ? 'ok' : 'MISSED'}]`,
    );
  } else {
    print(`peak RSS (one run)                   btfkit ${(memOurs / 1024).toFixed(1)} MB`);
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    console.log(JSON.stringify(child(argv[1]!, Number(argv[2]), Number(argv[3]))));
    return;
  }
  const opt = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : Number(argv.splice(i, 2)[1]);
  };
  const copies = opt('--copies');
  const runs = opt('--runs');
  const rounds = opt('--rounds');
  benchDedup({
    ...(argv[0] ? { file: argv[0] } : {}),
    ...(copies !== undefined ? { copies } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(rounds !== undefined ? { rounds } : {}),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
