/**
 * Many inputs in one process: `btfkit dump FILE... | DIR` (and any command
 * with a job in cli/jobs.ts). bpftool and pahole take one file per run, so a
 * shell loop over a kernel's 1,100 modules pays start-up and the parse of
 * vmlinux 1,100 times; here each base is parsed once per thread and the
 * files are spread over worker threads.
 *
 * Inputs: every FILE as given; a directory stands for its regular files,
 * sorted by name (`/sys/kernel/btf/` gives vmlinux and every module). Base:
 * `-B BASE` for every input but BASE itself; without it, an input named
 * `vmlinux` or `vmlinux.btf` is read alone and any other raw BTF is split
 * BTF over the `vmlinux` or `vmlinux.btf` found beside it or in its parent
 * directory (the layout of /sys/kernel/btf/ and of golden/kernels.sh's
 * cache), else read alone; ELF objects are read alone unless `-B` is given.
 *
 * Output: with `-O DIR`, one file per input named after it (its base name
 * less its last extension, plus the job's suffix: `ext4.btf` -> `ext4.h`);
 * else standard output, each file's output after a header line
 * `==> FILE <==` (as head(1) prints), a blank line between files. A file's
 * output is exactly what the one-file command prints for it. Files that
 * fail print their one-line error on stderr, in input order; the others
 * still complete, and the run ends with status 1.
 *
 * Threads: `--jobs N` (default: the machine's available parallelism) worker
 * threads, each started from the CLI's own entry script (`CliIo.workerEntry`;
 * without one, as in tests that run the program in-process, or with one
 * thread, the files are done in this thread). Files go to whichever worker
 * is free; results come back in any order and are written in input order.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Btf, isElf } from '../lib/btf.js';
import { concatBytes } from '../lib/dump/bytes.js';
import { errorLine, isInputError } from '../lib/errors.js';
import { osPath, readInput, writeFileAtomic } from '../lib/io.js';
import { parseBtf, readBtfFile } from '../lib/object/open.js';
import { CommanderError, Option } from 'commander';
import { dirFiles, VMLINUX, usageError } from './common.js';
import type { CliIo } from './io.js';
import type { Job } from './jobs.js';
import { runJob } from './jobs.js';
import { WORKER_ARG } from './thread.js';
import { longRun } from './tiers.js';

/** One input of a batch. */
interface BatchInput {
  file: string;
  /** The base BTF's path, for split BTF. */
  base: string | undefined;
  /** Whether `base` was found beside the file (then it applies to raw BTF only, not to ELF objects). */
  found: boolean;
  /** Where `-O DIR` writes its output. */
  out: string | undefined;
}

/** What a worker thread is told per file (structured clone). */
export interface WorkItem extends BatchInput {
  index: number;
}

/** What a worker thread answers per file: the output bytes (unless written to `out`), or the error line. */
export interface WorkResult {
  index: number;
  bytes?: Uint8Array;
  error?: string;
  /** What the job wrote to stderr besides an error (layout's unknown `-C` names). */
  notes?: string;
}

/** What each worker thread is started with. */
export interface WorkerSetup {
  job: Job;
}

/** The options of commands that take many inputs (cli/batch.ts): `-O DIR`, `--jobs N`. */
export function batchOptions(): Option[] {
  return [
    new Option(
      '-O, --output-dir <dir>',
      "many inputs: write each input's output to DIR/NAME.EXT (else stdout, each after a line '==> FILE <==')",
    ),
    new Option('--jobs <n>', 'many inputs: worker threads (default: the number of CPUs)'),
  ];
}

/** Returns whether a command's inputs make a batch: several files, a directory, or `-O DIR`. */
export function isBatch(files: readonly string[], opts: { outputDir?: string | undefined }): boolean {
  if (files.length > 1 || opts.outputDir !== undefined) return true;
  if (files.length === 0) return false;
  try {
    return statSync(osPath(files[0]!)).isDirectory();
  } catch {
    return false;
  }
}

/** Returns `--jobs` as a number, or undefined when not given. */
export function jobsCount(command: string, opts: { jobs?: string | undefined }): number | undefined {
  if (opts.jobs === undefined) return undefined;
  const n = Number(opts.jobs);
  if (!Number.isInteger(n) || n < 1) throw usageError(command, `--jobs: not a positive integer: '${opts.jobs}'`);
  return n;
}

const BASE_NAMES = ['vmlinux', 'vmlinux.btf'];

/** Returns whether `path` is a directory (false when it does not exist: reading it reports that). */
function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Returns the vmlinux beside `file` or in its parent directory, or undefined. */
function baseBeside(file: string): string | undefined {
  const dir = dirname(file);
  for (const d of [dir, dirname(resolve(dir))]) {
    for (const n of BASE_NAMES) {
      const p = join(d, n);
      if (existsSync(p) && !isDir(p)) return d === dir ? p : join(dir, '..', n);
    }
  }
  return undefined;
}

/**
 * Returns the inputs `args` name (directories expanded), each with its base
 * and, with `outDir`, its output path.
 * @throws usage error when two inputs would write the same output file.
 */
export function batchInputs(
  command: string,
  args: readonly string[],
  opts: { base?: string | undefined; outDir?: string | undefined; suffix: string },
): BatchInput[] {
  const files: string[] = [];
  // No FILE: the running kernel's BTF, as the one-file commands read.
  for (const a of args.length ? args : [VMLINUX]) {
    if (!isDir(a)) {
      files.push(a);
      continue;
    }
    files.push(...dirFiles(a));
  }
  const baseReal = opts.base !== undefined ? resolve(opts.base) : undefined;
  const seen = new Map<string, string>();
  return files.map((file) => {
    let base: string | undefined;
    if (baseReal !== undefined) base = resolve(file) === baseReal ? undefined : opts.base;
    else if (!BASE_NAMES.includes(basename(file))) base = baseBeside(file);
    const found = baseReal === undefined && base !== undefined;
    let out: string | undefined;
    if (opts.outDir !== undefined) {
      const name = basename(file);
      const stem = extname(name) && extname(name) !== name ? name.slice(0, -extname(name).length) : name;
      out = join(opts.outDir, stem + opts.suffix);
      if (resolve(out) === resolve(file)) throw usageError(command, `-O: ${out} would replace its input`);
      const other = seen.get(out);
      if (other !== undefined) throw usageError(command, `-O: '${other}' and '${file}' would both write ${out}`);
      seen.set(out, file);
    }
    return { file, base, found, out };
  });
}

/**
 * Loads and runs one file's job; returns its output bytes (none when written
 * to `item.out`) or its one-line error. `bases` caches each base BTF by path
 * (a base that fails to load fails every file over it).
 */
export async function runItem(job: Job, item: BatchInput, bases: Map<string, Promise<Btf>>): Promise<WorkResult> {
  try {
    const bytes = await readInput(item.file);
    let base: Btf | undefined;
    // A base found beside the file is for split BTF (raw, as modules' is); an ELF object's BTF stands alone.
    if (item.base !== undefined && !(item.found && isElf(bytes))) {
      let p = bases.get(item.base);
      if (p === undefined) {
        p = readBtfFile(item.base);
        p.catch(() => undefined); // awaited below, per file
        bases.set(item.base, p);
      }
      base = await p;
    }
    let btf: Btf;
    try {
      btf = parseBtf(bytes, { file: item.file, ...(base ? { base } : {}) });
    } catch (e) {
      if (isInputError(e)) e.withFile(item.file);
      throw e;
    }
    const parts: Uint8Array[] = [];
    let n = 0;
    let notes = '';
    try {
      await runJob(
        job,
        btf,
        item.file,
        (c) => {
          parts.push(c);
          n += c.length;
        },
        (s) => {
          notes += s;
        },
      );
    } catch (e) {
      // Errors found while printing name the file like errors found on load;
      // on stdout, what came before the error is printed, as the one-file command prints it.
      if (isInputError(e)) e.withFile(item.file);
      if (item.out !== undefined || n === 0) throw e;
      return { index: -1, bytes: concatBytes(parts), error: errorLine(e) };
    }
    const output = concatBytes(parts);
    const noted = notes ? { notes } : {};
    if (item.out !== undefined) {
      await writeFileAtomic(item.out, output);
      return { index: -1, ...noted };
    }
    return { index: -1, bytes: output, ...noted };
  } catch (e) {
    return { index: -1, error: errorLine(e) };
  }
}

/** Returns the number of worker threads to use for `n` files (`jobs` from `--jobs`). */
function threadCount(io: CliIo, n: number, jobs: number | undefined): number {
  if (io.workerEntry === undefined) return 1;
  return Math.max(1, Math.min(n, jobs ?? availableParallelism()));
}

/** Shows `[done/total]` on stderr in place while a batch runs, on a terminal only. */
function progress(io: CliIo, total: number): { tick(done: number): void; clear(): void } {
  if (!io.stderrIsTTY) return { tick: () => undefined, clear: () => undefined };
  let last = 0;
  let shown = false;
  return {
    tick(done) {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      io.err(`\r[${done}/${total}]`);
    },
    clear() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * Runs `job` over `inputs`: outputs in input order (to stdout with headers,
 * or to each input's `out`), errors on stderr.
 * @throws CommanderError `btfkit.exitStatus` 1 when any file failed.
 */
export async function runBatch(
  io: CliIo,
  job: Job,
  inputs: readonly BatchInput[],
  opts: { jobs?: number | undefined; outDir?: string | undefined },
): Promise<void> {
  // A batch runs long enough for TurboFan's code to pay (cli/tiers.ts).
  longRun(setFlagsFromString);
  if (opts.outDir !== undefined) mkdirSync(opts.outDir, { recursive: true });
  const results: (WorkResult | undefined)[] = new Array(inputs.length);
  let next = 0;
  let failed = 0;
  const bar = progress(io, inputs.length);
  // Writes every result that is next in input order.
  const drain = (): void => {
    for (let r = results[next]; r !== undefined; r = results[next]) {
      results[next] = undefined;
      if (r.notes !== undefined) {
        bar.clear();
        io.err(r.notes);
      }
      if (r.bytes !== undefined) {
        io.out(`${next > 0 ? '\n' : ''}==> ${inputs[next]!.file} <==\n`);
        io.out(r.bytes);
      }
      if (r.error !== undefined) {
        bar.clear();
        io.err(`${r.error}\n`);
        failed++;
      }
      next++;
      bar.tick(next);
    }
  };
  const threads = threadCount(io, inputs.length, opts.jobs);
  if (threads <= 1) {
    const bases = new Map<string, Promise<Btf>>();
    for (let i = 0; i < inputs.length; i++) {
      results[i] = { ...(await runItem(job, inputs[i]!, bases)), index: i };
      drain();
    }
  } else {
    await inWorkers(io.workerEntry!, threads, job, inputs, (r) => {
      results[r.index] = r;
      drain();
    });
  }
  bar.clear();
  if (failed > 0) throw new CommanderError(1, 'btfkit.exitStatus', '');
}

/** Runs the items on `threads` workers started from `entry`, calling `onResult` as each file completes. */
function inWorkers(
  entry: URL,
  threads: number,
  job: Job,
  inputs: readonly BatchInput[],
  onResult: (r: WorkResult) => void,
): Promise<void> {
  return new Promise((done, fail) => {
    let sent = 0;
    let received = 0;
    let live = threads;
    const setup: WorkerSetup = { job };
    const feed = (w: Worker): void => {
      if (sent < inputs.length) {
        const item: WorkItem = { ...inputs[sent]!, index: sent };
        sent++;
        w.postMessage(item);
      } else w.postMessage(null);
    };
    for (let t = 0; t < threads; t++) {
      const w = new Worker(entry, { workerData: setup, argv: [WORKER_ARG] });
      w.on('message', (r: WorkResult) => {
        received++;
        try {
          onResult(r);
        } catch (e) {
          fail(e);
        }
        feed(w);
      });
      w.on('error', fail);
      w.on('exit', () => {
        if (--live === 0) {
          if (received === inputs.length) done();
          else fail(new Error(`worker threads ended with ${inputs.length - received} files not done`));
        }
      });
      // Two files in flight per worker, so none waits on the main thread between files.
      feed(w);
      feed(w);
    }
  });
}
