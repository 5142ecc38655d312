/**
 * The per-file work of the commands that take many inputs (cli/batch.ts):
 * what one input's output is, given its loaded BTF. The one-file commands
 * print through the same functions, so a file's output in a batch is, by
 * construction, what the one-file command prints for it.
 *
 * A job is plain data (it crosses to worker threads by structured clone):
 * the command's name and the options that shape its output.
 */
import type { Btf } from '../lib/btf.js';
import { type BpftoolVersion, writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import { rootTypeIds, selectTypeIds } from '../lib/dump/select.js';
import type { ByteSink } from '../lib/dump/bytes.js';
import { NR_BTF_KINDS } from '../lib/kinds.js';
import type { ListingOptions } from '../lib/layout/index.js';
import { countedKindName, jsonText, kindCounts } from './common.js';

/** `dump`'s options that shape one file's output. */
export interface DumpJob {
  command: 'dump';
  format: 'raw' | 'c' | 'json';
  /** JSON: bpftool -p. */
  pretty: boolean;
  /** `--type` names (empty: every type; format c adds what they need). */
  typeNames: string[];
  /** `--kind`: kind numbers (empty: every kind). */
  kinds: number[];
  /** `--id`: inclusive id ranges (empty: every id). */
  ids: Array<[number, number]>;
  sort: boolean;
  pragma: boolean;
  /** Whose output: Debian's bpftool 7.1 (the default) or bpftool 7.8 / libbpf 1.8. */
  bpftool: BpftoolVersion;
}

/** `stats`'s options. */
export interface StatsJob {
  command: 'stats';
  json: boolean;
  /** JSON laid out as bpftool -p. */
  pretty: boolean;
}

/** `layout`'s options (pahole's listing; `onMissing` is the job's note). */
export interface LayoutJob {
  command: 'layout';
  json: boolean;
  /** JSON laid out as bpftool -p. */
  pretty: boolean;
  listing: Omit<ListingOptions, 'onMissing'>;
}

/** `dedup`'s options (raw BTF out; `--elf` and `--stats` take one file). */
interface DedupJob {
  command: 'dedup';
}

/** What a batch runs per file. */
export type Job = DumpJob | StatsJob | LayoutJob | DedupJob;

/** Returns the file name suffix of a job's output in `-O DIR` (`ext4.btf` -> `ext4.h` for `dump -f c`). */
export function outputSuffix(job: Job): string {
  if (job.command === 'dump') return job.format === 'c' ? '.h' : job.format === 'json' ? '.json' : '.txt';
  if (job.command === 'dedup') return '.btf';
  return job.json ? '.json' : '.txt';
}

const enc = new TextEncoder();

/** Returns the statistics of a BTF as a plain object (`btfkit stats`). */
function btfStats(btf: Btf): {
  types: number;
  firstId: number;
  kinds: Record<string, number>;
  strings: number;
  stringBytes: number;
  typeBytes: number;
  headerBytes: number;
  totalBytes: number;
  endian: string;
  layout: boolean;
} {
  const counts = kindCounts(btf);
  const kinds: Record<string, number> = {};
  for (let k = 1; k <= NR_BTF_KINDS; k++) if (counts[k]) kinds[countedKindName(k)] = counts[k]!;
  const strs = btf.stringSection();
  let n = 0;
  for (let i = 0; i < strs.length; i++) if (strs[i] === 0) n++;
  return {
    types: btf.nrTypes,
    firstId: btf.startId,
    kinds,
    strings: n,
    stringBytes: strs.length,
    typeBytes: btf.typeWords * 4,
    headerBytes: btf.headerLength(),
    totalBytes: btf.rawData().length,
    endian: btf.endianness(),
    layout: btf.hasLayout(),
  };
}

/** Writes `stats`'s output for `btf` to `sink`. */
export function runStats(job: StatsJob, btf: Btf, sink: ByteSink): void {
  const s = btfStats(btf);
  if (job.json) {
    sink(enc.encode(jsonText(s, job.pretty)));
    return;
  }
  const lines = [
    `types        ${s.types} (ids ${s.firstId}..${s.firstId + s.types - 1})`,
    ...Object.entries(s.kinds).map(([k, v]) => `  ${k.padEnd(11)}${String(v).padStart(8)}`),
    `strings      ${s.strings} (${s.stringBytes} bytes)`,
    `type bytes   ${s.typeBytes}`,
    `header bytes ${s.headerBytes}${s.layout ? ' (with layout section)' : ''}`,
    `total bytes  ${s.totalBytes} (${s.endian}-endian)`,
  ];
  sink(enc.encode(`${lines.join('\n')}\n`));
}

/**
 * Writes `layout`'s output for `btf` (read from `file`) to `sink`; a `-C`
 * name that names nothing goes to `note` (stderr), with the file's name.
 */
export async function runLayout(
  job: LayoutJob,
  btf: Btf,
  file: string,
  sink: ByteSink,
  note: (s: string) => void,
): Promise<void> {
  const { LayoutPrinter, listedIds, writeLayoutListing } = await import('../lib/layout/index.js');
  const lo: ListingOptions = {
    ...job.listing,
    // pahole prints nothing for a name it does not know and exits 0; btfkit says so on stderr.
    onMissing: (name) => note(missingNote(file, name)),
  };
  if (job.json) {
    const p = new LayoutPrinter(btf, lo);
    const out = [];
    for (const id of listedIds(p, btf.typeCount, lo)) if (p.isNamedAggregate(id)) out.push(p.layout(id));
    sink(enc.encode(jsonText(out, job.pretty)));
    return;
  }
  writeLayoutListing(btf, sink, lo);
}

/**
 * Writes `dump`'s output for `btf` to `sink`. The C emitter is loaded only
 * when asked for: start-up time is a large share of a small dump's wall time.
 */
export async function runDump(job: DumpJob, btf: Btf, sink: ByteSink): Promise<void> {
  const sel = { types: job.typeNames, kinds: job.kinds, ids: job.ids };
  if (job.format === 'c') {
    const { writeCDump } = await import('../lib/dump/c.js');
    // --type alone keeps the C dump's own reading (roots in the order given,
    // base types included); with --kind or --id the chosen ids are the roots.
    const typeNames =
      job.kinds.length || job.ids.length
        ? selectTypeIds(btf, sel)!.map(String)
        : job.typeNames.length
          ? job.typeNames
          : undefined;
    writeCDump(btf, sink, {
      ...(typeNames ? { typeNames } : {}),
      sort: job.sort,
      pragma: job.pragma,
      bpftool: job.bpftool,
    });
    return;
  }
  // bpftool 7.8's root_id (--type alone): the roots in the order given, a module's base types included.
  const typeIds =
    job.bpftool === '7.8' && job.typeNames.length && !job.kinds.length && !job.ids.length
      ? rootTypeIds(btf, job.typeNames)
      : selectTypeIds(btf, sel);
  const only = typeIds ? { typeIds } : {};
  if (job.format === 'json') writeJsonDump(btf, sink, { pretty: job.pretty, bpftool: job.bpftool, ...only });
  else writeRawDump(btf, sink, only);
}

/** Deduplicates `btf` (libbpf's `btf__dedup`) and writes it as raw BTF to `sink`, as `btfkit dedup IN -o OUT` writes OUT. */
async function runDedupJob(btf: Btf, sink: ByteSink): Promise<void> {
  const { dedup } = await import('../lib/dedup/index.js');
  dedup(btf);
  sink(btf.rawData());
}

/** The stderr line for a `layout -C` name that names no struct or union in `file` (pahole says nothing). */
export function missingNote(file: string, name: string): string {
  return `btfkit layout: ${file}: no struct or union named '${name}'\n`;
}

/** Writes a job's output for `btf` (read from `file`) to `sink`, and its notes (stderr lines) to `note`. */
export async function runJob(
  job: Job,
  btf: Btf,
  file: string,
  sink: ByteSink,
  note: (s: string) => void,
): Promise<void> {
  if (job.command === 'dump') await runDump(job, btf, sink);
  else if (job.command === 'stats') runStats(job, btf, sink);
  else if (job.command === 'dedup') await runDedupJob(btf, sink);
  else await runLayout(job, btf, file, sink, note);
}
