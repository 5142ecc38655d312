/**
 * `btfkit dedup IN -o OUT`: libbpf's `btf__dedup` on raw BTF or an object's
 * `.BTF`; with `--elf`, the object rewritten with its `.BTF` and `.BTF.ext`
 * deduplicated together. `--stats` prints counts per kind, string bytes and
 * the time of each pass (`-j` for JSON). Also the shared pieces of `merge`.
 */
import type { Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { Btf as BtfClass, isElf } from '../../lib/btf.js';
import type { DedupPass, DedupReport } from '../../lib/dedup/index.js';
import { replaceSections } from '../../lib/elf/write.js';
import { parseElf } from '../../lib/elf/read.js';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { BtfExt } from '../../lib/ext.js';
import { readInput, writeFileAtomic } from '../../lib/io.js';
import { NR_BTF_KINDS, infoKind, kindName } from '../../lib/kinds.js';
import type { CliIo } from '../io.js';
import { loadBtf } from '../load.js';

/** Inputs with at least this many types show progress (on a terminal): dedup of them takes about a second. */
export const PROGRESS_MIN_TYPES = 400_000;

/** Returns the number of types per kind (index = kind; unknown kinds at NR_BTF_KINDS). */
export function kindCounts(btf: Btf): number[] {
  const counts = new Array<number>(NR_BTF_KINDS + 1).fill(0);
  for (let i = 0; i < btf.nrTypes; i++) {
    const k = infoKind(btf.words[btf.offs[i]! + 1]!);
    counts[k < NR_BTF_KINDS ? k : NR_BTF_KINDS]!++;
  }
  return counts;
}

/** What `--stats` reports. */
export interface DedupStats {
  /** Per kind name: types before and after. */
  kinds: Record<string, { before: number; after: number }>;
  types: { before: number; after: number };
  stringBytes: { before: number; after: number };
  /** Milliseconds per pass, then in all. */
  passes: Array<{ pass: DedupPass; ms: number }>;
  totalMs: number;
}

/** Returns the `--stats` record for a BTF counted before (`before`) and deduplicated since (`report`). */
export function dedupStats(btf: Btf, before: number[], report: DedupReport): DedupStats {
  const after = kindCounts(btf);
  const kinds: Record<string, { before: number; after: number }> = {};
  for (let k = 1; k <= NR_BTF_KINDS; k++) {
    if (before[k] || after[k]) kinds[k < NR_BTF_KINDS ? kindName(k) : 'UNKNOWN'] = { before: before[k]!, after: after[k]! };
  }
  return {
    kinds,
    types: { before: report.typesBefore, after: report.typesAfter },
    stringBytes: { before: report.strBytesBefore, after: report.strBytesAfter },
    passes: report.passes,
    totalMs: report.passes.reduce((a, p) => a + p.ms, 0),
  };
}

/** Prints `--stats` as a table, or as one JSON object with `json`. */
export function printStats(io: CliIo, s: DedupStats, json: boolean, extra: Record<string, unknown> = {}): void {
  if (json) {
    io.out(JSON.stringify({ ...extra, ...s }) + '\n');
    return;
  }
  const lines = [`${'kind'.padEnd(12)}${'before'.padStart(10)}${'after'.padStart(10)}`];
  for (const [k, v] of Object.entries(s.kinds)) lines.push(`${k.padEnd(12)}${String(v.before).padStart(10)}${String(v.after).padStart(10)}`);
  lines.push(`${'types'.padEnd(12)}${String(s.types.before).padStart(10)}${String(s.types.after).padStart(10)}`);
  lines.push(`${'string bytes'.padEnd(12)}${String(s.stringBytes.before).padStart(10)}${String(s.stringBytes.after).padStart(10)}`);
  lines.push(`passes (ms)  ${s.passes.map((p) => `${p.pass} ${p.ms.toFixed(1)}`).join(', ')}; total ${s.totalMs.toFixed(1)}`);
  io.out(lines.join('\n') + '\n');
}

/**
 * Returns a dedup progress callback that shows `dedup: PASS NN%` in place on
 * stderr, or undefined when stderr is not a terminal or the input is small.
 * Call the returned `done` to clear the line.
 */
export function progressFor(io: CliIo, types: number, label = 'dedup'): { onProgress?: (phase: DedupPass, done: number, total: number) => void; done: () => void } {
  if (!io.stderrIsTTY || types < PROGRESS_MIN_TYPES) return { done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    onProgress: (phase, done, total) => {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      io.err(`\r${label}: ${phase.padEnd(8)} ${String(Math.floor((100 * done) / Math.max(1, total))).padStart(3)}%`);
    },
    done: () => { if (shown) io.err('\r\x1b[K'); },
  };
}

/** Deduplicates `btf` with progress, and prints `--stats` when asked. */
export function runDedup(io: CliIo, btf: Btf, opts: { stats?: boolean; json?: boolean; ext?: BtfExt }, extra: Record<string, unknown> = {}): void {
  const before = opts.stats ? kindCounts(btf) : [];
  const progress = progressFor(io, btf.nrTypes);
  let report: DedupReport;
  try {
    report = btf.dedup({ ...(opts.ext ? { ext: opts.ext } : {}), ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
  } finally {
    progress.done();
  }
  if (opts.stats) printStats(io, dedupStats(btf, before, report), Boolean(opts.json), extra);
}

/** Deduplicates the `.BTF` (and `.BTF.ext`) of an object and returns the rewritten object. */
async function dedupElf(io: CliIo, input: string, basePath: string | undefined, opts: { stats?: boolean; json?: boolean }): Promise<Uint8Array> {
  const bytes = await readInput(input);
  if (!isElf(bytes)) throw new BtfError(BtfErrorCode.InvalidArgument, '--elf needs an ELF object (this is not one)', { file: input });
  const elf = parseElf(bytes, { file: input });
  const sec = elf.section('.BTF');
  if (!sec) throw new BtfError(BtfErrorCode.Format, 'no .BTF section in the ELF object', { file: input });
  const base = basePath ? await BtfClass.fromFile(basePath) : undefined;
  const btf = BtfClass.parse(elf.sectionData(sec).slice(), { file: input, ...(base ? { base } : {}) });
  const extSec = elf.section('.BTF.ext');
  const ext = extSec ? BtfExt.parse(elf.sectionData(extSec), { file: input }) : undefined;
  runDedup(io, btf, { ...opts, ...(ext ? { ext } : {}) });
  const changes = new Map<string, Uint8Array>([['.BTF', btf.rawData()]]);
  if (ext) changes.set('.BTF.ext', ext.rawData());
  return replaceSections(elf, changes);
}

/** Adds `btfkit dedup` to the program. */
export function register(program: Command, io: CliIo): void {
  program
    .command('dedup')
    .description("deduplicate types and strings as libbpf's btf__dedup does (byte-identical output)")
    .argument('<in>', 'raw BTF or an ELF object with a .BTF section')
    .requiredOption('-o, --output <file>', 'output: raw BTF, or with --elf the object')
    .option('-B, --base <file>', 'base BTF, for split BTF (the base is not changed)')
    .option('--elf', "write the object with its .BTF and .BTF.ext deduplicated together (as btf__dedup with btf_ext)")
    .option('--stats', 'print types per kind, string bytes and the time of each pass')
    .option('-j, --json', 'with --stats: one JSON object')
    .action(async (input: string, opts: { output: string; base?: string; elf?: boolean; stats?: boolean; json?: boolean }) => {
      if (opts.json && !opts.stats) throw new BtfError(BtfErrorCode.InvalidArgument, '--json goes with --stats');
      if (opts.elf) {
        await writeFileAtomic(opts.output, await dedupElf(io, input, opts.base, opts));
        return;
      }
      const btf = await loadBtf(input, opts.base);
      runDedup(io, btf, opts);
      await writeFileAtomic(opts.output, btf.rawData());
    });
}
