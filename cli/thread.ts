/**
 * Which thread runs: the program's main thread, or one of btfkit's worker
 * threads (cli/batch.ts, cli/core-matrix.ts), which start on the same bin
 * and the same bundle. node:worker_threads' `isMainThread` says so too, but
 * loading that module costs 1-2 ms of every run; btfkit starts its workers
 * with {@link WORKER_ARG} in their `argv` instead. The mark holds a NUL,
 * which no argument of a real command line can hold (the kernel passes
 * arguments as C strings), so no user can pass it by hand.
 */

/** The argument a btfkit worker thread is started with (Worker's `argv` option). */
export const WORKER_ARG = '\0btfkit-worker';

/** Returns whether this thread is a btfkit worker thread. */
export function isWorkerThread(): boolean {
  return process.argv.includes(WORKER_ARG);
}
