/**
 * The work of `btfkit core` (cli/commands/core.ts): one object relocated
 * against one kernel is a *cell*, printed as lines per relocation (one
 * kernel) or as one matrix line (several kernels). The matrix, objects x
 * kernels, runs its kernels in worker threads (node:worker_threads) when
 * there are several cores and enough kernels to pay for starting them.
 *
 * Each kernel is read when its turn comes and dropped after its cells, so
 * a hundred kernels never sit in memory at once; its candidate index
 * (lib/core/cands.ts) is built once and shared by every object. A worker
 * reads the objects once, then asks for kernels one at a time (the pool
 * hands out the next kernel to whichever worker is free) and sends back
 * each kernel's cells as text; the main thread prints them in kernel order,
 * so the output is the same bytes whatever the number of workers, and
 * shows `core: N/M kernels` on a terminal meanwhile.
 *
 * The worker's entry is this module: the bundle (dist/bin/btfkit.cjs) is
 * one file, so a worker started on it runs cli/main.ts, which hands over
 * to {@link startWorker} instead of running the program.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Btf } from '../lib/btf.js';
import { coreCell } from '../lib/core/format.js';
import { CoreTarget } from '../lib/core/index.js';
import { BtfError, type BtfErrorCode, ElfError, isInputError } from '../lib/errors.js';
import type { BpfObject } from '../lib/object/open.js';
import { osPath } from '../lib/io.js';
import { dirFiles, loadObject, prettyJson, readBtfSync, runningModuleFiles, VMLINUX } from './common.js';
import type { CliIo } from './io.js';
import { WORKER_ARG } from './thread.js';

/** What a cell prints: `json` one object per relocation, `log` libbpf's lines, `matrix` one line per cell. */
export interface CellOptions {
  json?: boolean | undefined;
  pretty?: boolean | undefined;
  log?: boolean | undefined;
  strict?: boolean | undefined;
  matrix: boolean;
}

/** One object against one kernel: the text to print, whether libbpf would refuse it, the first malformed record. */
export interface Cell {
  text: string;
  refused: boolean;
  problem: BtfError | null;
}

/** A kernel to resolve against: its name in the output, and how to load it. */
export interface Kernel {
  name: string;
  load(): CoreTarget;
  /** The raw BTF file of a plain vmlinux target (what a worker is told to read); undefined for vmlinux + modules. */
  path?: string;
}

/** The buffer a kernel read by {@link readScratch} lands in: kept from one kernel to the next. */
let scratch = new Uint8Array(0);

/**
 * The scratch buffer's first size: room for today's kernels (4 to 6 MB of
 * BTF), so that it is made once in a run; pages never written cost nothing.
 * Not much more: V8 counts it as external memory, and some tens of MB more
 * of that start extra collections ("external memory pressure").
 */
const SCRATCH_MIN = 8 << 20;

/**
 * Reads a file into the scratch buffer (grown to fit, by fstat or as the
 * reads go) and returns a view of its bytes, valid until the next call.
 * A kernel's BTF is dropped after its cells, so the next kernel can land
 * in the same pages: fresh memory costs a page fault per 4 KB, which is
 * most of the time of reading a vmlinux (sysfs hands out 4 KB per read
 * whatever is asked, so /sys/kernel/btf/vmlinux is some 1,400 reads).
 */
function readScratch(path: string): Uint8Array {
  const fd = openSync(osPath(path), 'r');
  try {
    const size = fstatSync(fd).size;
    if (scratch.length < size + 1) scratch = new Uint8Array(Math.max(size + 1, SCRATCH_MIN, scratch.length * 2));
    let n = 0;
    for (;;) {
      if (n === scratch.length) {
        const grown = new Uint8Array(scratch.length * 2);
        grown.set(scratch);
        scratch = grown;
      }
      const k = readSync(fd, scratch, n, scratch.length - n, null);
      if (k === 0) break;
      n += k;
    }
    return scratch.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Reads a kernel's BTF (raw or an object's .BTF) through the scratch buffer, naming the file in errors. */
function readKernel(path: string): Btf {
  return readBtfSync(path, undefined, readScratch);
}

/**
 * The kernels of a run: `--base` with its modules as `--target` (one
 * kernel), each `--target` a vmlinux (a directory: its files, cli/common.ts
 * `dirFiles`), or the running kernel with its modules, in the kernel's
 * order as libbpf loads them (cli/common.ts `runningModuleFiles`: CO-RE
 * candidates come in that order). Nothing is read yet.
 */
export function kernels(targets: string[], basePath: string | undefined): Kernel[] {
  if (basePath !== undefined) {
    const base = readBtfSync(basePath);
    const mods = targets.map((t) => ({ name: basename(t).replace(/\.btf$/, ''), btf: () => readBtfSync(t, base) }));
    return [{ name: basePath, load: () => new CoreTarget(base, mods) }];
  }
  if (targets.length === 0) {
    const base = readBtfSync(VMLINUX);
    const mods = runningModuleFiles().map((f) => ({ name: basename(f), btf: () => readBtfSync(f, base) }));
    return [{ name: VMLINUX, load: () => new CoreTarget(base, mods) }];
  }
  const files: string[] = [];
  for (const t of targets) {
    if (statSync(osPath(t)).isDirectory()) files.push(...dirFiles(t));
    else files.push(t);
  }
  return files.map((f) => ({ name: f, path: f, load: () => new CoreTarget(readKernel(f)) }));
}

/** Relocates `obj` against `target` and renders what the command prints for it (lib/core/format.ts). */
export function cell(file: string, obj: BpfObject, kernel: string, target: CoreTarget, opts: CellOptions): Cell {
  const c = coreCell(file, obj, kernel, target, { ...opts, jsonLayout: opts.pretty ? prettyJson : undefined });
  return { text: c.text, refused: c.refused, problem: c.problem };
}

/** Kernels from which a matrix is worth worker threads (a worker starts in about the time of one kernel's cells). */
const WORKERS_FROM = 4;

/** The worker count for `n` kernels: `jobs` when given, else one per core from {@link WORKERS_FROM} kernels. */
export function workerCount(n: number, jobs: number | undefined): number {
  const want = jobs ?? (n >= WORKERS_FROM ? availableParallelism() : 1);
  return Math.max(1, Math.min(want, n));
}

/** The result of a run: whether libbpf would refuse something, and the first problem (in output order). */
export interface RunResult {
  refused: boolean;
  problem: BtfError | null;
}

/**
 * Runs every object against every kernel, printing the cells in kernel
 * order: in this thread (`workers` 1), or in a pool of worker threads.
 * A kernel that cannot be read fails the run after the kernels before it
 * were printed.
 */
export async function runCells(
  io: CliIo,
  files: string[],
  ks: Kernel[],
  opts: CellOptions,
  workers: number,
): Promise<RunResult> {
  const result: RunResult = { refused: false, problem: null };
  const progress = progressLine(io, ks.length);
  const take = (cells: Cell[]): void => {
    for (const c of cells) {
      io.out(c.text);
      result.refused ||= c.refused;
      result.problem ??= c.problem;
    }
  };
  try {
    if (workers <= 1 || files.includes('-') || ks.some((k) => k.path === undefined)) {
      const objs: BpfObject[] = [];
      for (const f of files) objs.push(await loadObject(f, { ext: true, partialCoreRelo: true }));
      for (const [i, k] of ks.entries()) {
        const target = k.load();
        take(objs.map((o, j) => cell(files[j]!, o, k.name, target, opts)));
        progress(i + 1);
      }
      return result;
    }
    await pool(files, ks, opts, workers, (cells) => take(cells), progress);
    return result;
  } finally {
    progress(-1);
  }
}

/** `core: N/M kernels` in place on a terminal (n < 0 clears it). */
function progressLine(io: CliIo, total: number): (n: number) => void {
  if (total < 2 || !io.stderrIsTTY) return () => undefined;
  let shown = false;
  return (n) => {
    if (n < 0) {
      if (shown) io.err('\r\x1b[K');
      return;
    }
    shown = true;
    io.err(`\rcore: ${n}/${total} kernels`);
  };
}

/** What a worker is started with. */
interface WorkerSetup {
  btfkit: 'core-matrix';
  files: string[];
  opts: CellOptions;
}

/** Messages from a worker: ready for a kernel, a kernel's cells, or why it failed. */
type FromWorker =
  | { type: 'next' }
  | { type: 'cells'; k: number; cells: Array<{ text: string; refused: boolean; problem: SentError | null }> }
  | { type: 'error'; k: number; error: SentError };

/** An error as it crosses threads: enough to print the same line. */
interface SentError {
  name: string;
  message: string;
  code?: string | undefined;
  detail?: string | undefined;
  offset?: number | undefined;
  typeId?: number | undefined;
  section?: string | undefined;
  file?: string | undefined;
}

function sendError(e: unknown): SentError {
  if (isInputError(e))
    return {
      name: e.name,
      message: e.message,
      code: e.code,
      detail: e.detail,
      offset: e.offset,
      typeId: e.typeId,
      section: e.section,
      file: e.file,
    };
  const x = e instanceof Error ? e : new Error(String(e));
  return { name: x.name, message: x.message, code: (x as NodeJS.ErrnoException).code };
}

function receiveError(s: SentError): Error {
  const ctx = {
    ...(s.offset !== undefined ? { offset: s.offset } : {}),
    ...(s.typeId !== undefined ? { typeId: s.typeId } : {}),
    ...(s.section !== undefined ? { section: s.section } : {}),
    ...(s.file !== undefined ? { file: s.file } : {}),
  };
  let e: Error;
  if (s.name === 'BtfError') e = new BtfError(s.code as BtfErrorCode, s.detail ?? s.message, ctx);
  else if (s.name === 'ElfError') e = new ElfError(s.code as BtfErrorCode, s.detail ?? s.message, ctx);
  else e = Object.assign(new Error(s.message), s.code !== undefined ? { code: s.code } : {});
  e.message = s.message;
  return e;
}

/** Runs the kernels in `workers` worker threads, handing each kernel's cells to `take` in kernel order. */
function pool(
  files: string[],
  ks: Kernel[],
  opts: CellOptions,
  workers: number,
  take: (cells: Cell[]) => void,
  progress: (n: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const setup: WorkerSetup = { btfkit: 'core-matrix', files, opts };
    const done = new Map<number, Cell[] | Error>();
    let printed = 0;
    let handed = 0;
    let settled = false;
    const threads: Worker[] = [];
    const finish = (e?: unknown): void => {
      if (settled || (e === undefined && printed < ks.length)) return;
      settled = true;
      for (const t of threads) void t.terminate();
      if (e === undefined) resolve();
      else reject(e);
    };
    const flush = (): void => {
      while (done.has(printed)) {
        const c = done.get(printed)!;
        done.delete(printed);
        if (c instanceof Error) {
          finish(c);
          return;
        }
        take(c);
        printed++;
        progress(printed);
      }
      finish();
    };
    for (let w = 0; w < workers; w++) {
      const t = new Worker(new URL(import.meta.url), { workerData: setup, argv: [WORKER_ARG] });
      threads.push(t);
      t.on('message', (m: FromWorker) => {
        if (m.type === 'cells')
          done.set(
            m.k,
            m.cells.map((c) => ({
              text: c.text,
              refused: c.refused,
              problem: c.problem ? (receiveError(c.problem) as BtfError) : null,
            })),
          );
        else if (m.type === 'error') done.set(m.k, receiveError(m.error));
        if (m.type !== 'next') flush();
        if (settled) return;
        if (handed < ks.length) {
          const k = ks[handed]!;
          t.postMessage({ k: handed++, name: k.name, path: k.path });
        } else t.postMessage(null);
      });
      t.on('error', (e) => finish(e));
      // a worker that dies without an error event (out of memory) must not leave the run waiting
      t.on('exit', (code) => {
        if (code !== 0) finish(new Error(`core: a worker thread exited with status ${code}`));
      });
    }
  });
}

/** A worker: reads the objects, then relocates them against each kernel it is sent, until sent null. */
function startWorker(setup: WorkerSetup): void {
  const port = parentPort!;
  const objs: Promise<BpfObject[]> = Promise.all(
    setup.files.map((f) => loadObject(f, { ext: true, partialCoreRelo: true })),
  );
  port.on('message', (m: { k: number; name: string; path: string } | null) => {
    if (m === null) {
      port.close();
      return;
    }
    objs.then(
      (os) => {
        try {
          const target = new CoreTarget(readKernel(m.path));
          const cells = os.map((o, j) => {
            const c = cell(setup.files[j]!, o, m.name, target, setup.opts);
            return { text: c.text, refused: c.refused, problem: c.problem ? sendError(c.problem) : null };
          });
          port.postMessage({ type: 'cells', k: m.k, cells } satisfies FromWorker);
        } catch (e) {
          port.postMessage({ type: 'error', k: m.k, error: sendError(e) } satisfies FromWorker);
        }
      },
      (e: unknown) => port.postMessage({ type: 'error', k: m.k, error: sendError(e) } satisfies FromWorker),
    );
  });
  port.postMessage({ type: 'next' } satisfies FromWorker);
}

if (!isMainThread && (workerData as Partial<WorkerSetup> | null)?.btfkit === 'core-matrix')
  startWorker(workerData as WorkerSetup);
