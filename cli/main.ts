#!/usr/bin/env node
/**
 * The btfkit binary: runs the program, maps errors to exit codes. The only
 * place that ends the process: 0 success, 1 a bad input or failed operation
 * (one line `btfkit: FILE: what is wrong (offset 0x…)`), 2 a usage error.
 * Set BTFKIT_DEBUG=1 for stack traces.
 */
import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { CommanderError } from 'commander';
import { errnoText, fromOsBytes } from '../lib/io.js';
import { errorLine, oneLine } from '../lib/errors.js';
import { USAGE_ERROR } from './options.js';
import { type CliIo, processIo } from './io.js';
import { createProgram } from './program.js';
import { isWorkerThread } from './thread.js';

/**
 * Returns `argv` with each argument Node could not decode as UTF-8 (a file
 * name in Latin-1, say: Node gives U+FFFD for its bytes) rebuilt from the
 * bytes the kernel holds (/proc/self/cmdline), each invalid byte escaped as
 * lib/io.ts `fromOsBytes` does, so that the name opens and prints as given.
 * Elsewhere, or when the two disagree, `argv` as it is.
 */
function rawArgv(argv: string[]): string[] {
  if (!argv.some((a) => a.includes('\ufffd'))) return argv;
  let raw: Buffer;
  try {
    raw = readFileSync('/proc/self/cmdline');
  } catch {
    return argv;
  }
  const parts: Buffer[] = [];
  for (let at = 0; at < raw.length; ) {
    const end = raw.indexOf(0, at);
    parts.push(raw.subarray(at, end < 0 ? raw.length : end));
    at = end < 0 ? raw.length : end + 1;
  }
  const user = argv.slice(2);
  if (parts.length < user.length) return argv;
  const mine = parts.slice(parts.length - user.length).map((p) => fromOsBytes(p));
  // the same arguments where Node could decode them, or the bytes are not ours
  if (mine.some((m, i) => !user[i]!.includes('\ufffd') && m !== user[i])) return argv;
  return [...argv.slice(0, 2), ...user.map((a, i) => (a.includes('\ufffd') ? mine[i]! : a))];
}

/**
 * The process's io. A closed pipe (`btfkit dump | head`) ends output
 * quietly; any other failure to write standard output (a full disk, an I/O
 * error) is one line and status 1, like any failed operation.
 */
function mainIo(): ReturnType<typeof processIo> {
  return processIo(new URL(import.meta.url), (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`btfkit: <stdout>: ${errnoText(e)}\n`);
    process.exit(1);
  });
}

async function main(io: CliIo): Promise<number> {
  const argv = rawArgv(process.argv);
  const program = await createProgram(io, argv.slice(2));
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'btfkit.exitStatus') return e.exitCode; // a command's verdict (check: 3 = refused)
      if (e.code === USAGE_ERROR) {
        io.err(`btfkit: ${oneLine(e.message)}\n`);
        return 2;
      }
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    io.err(`${errorLine(e)}\n`);
    if (process.env['BTFKIT_DEBUG'] === '1' && e instanceof Error) io.err(`${String(e.stack)}\n`);
    return 1;
  }
}

// In the bundle, worker threads start here too: `btfkit core`'s matrix
// (cli/core-matrix.ts) and batch work items (cli/batch.ts starts this same
// script); they serve their work instead of running the program.
if (!isWorkerThread()) {
  const io = mainIo();
  process.exitCode = await main(io);
  // Done, with nothing left to run (no server, no child, no output on its
  // way; the only handle left, if any, standard error's): exit now. Left to
  // end by itself, Node first waits for every background compile V8 has
  // queued, useless by now: 3-4 ms of a kernel's C dump on two cores (a
  // backlog of them). And on Node 22+ that wait can deadlock (nodejs/node#54918: a
  // Maglev compile waits for a GC that the main thread, waiting for the
  // compile, never runs): 25 of 400 runs of one kernel dump hung here
  // (Node 24.22, inlining budget on node's command line), none of 700 that
  // exit here. Exiting on a later tick hung more often than either.
  const left = process.getActiveResourcesInfo();
  const stdio = io.stdioHandles();
  if (!io.pendingOutput() && left.length <= stdio && left.every((t) => t === 'TTYWrap' || t === 'PipeWrap'))
    process.exit();
} else if ((workerData as { btfkit?: string } | null)?.btfkit === 'core-matrix') await import('./core-matrix.js');
else (await import('./worker.js')).serveWorker();
