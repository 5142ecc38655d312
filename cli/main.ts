#!/usr/bin/env node
/**
 * The btfkit binary: runs the program, maps errors to exit codes. The only
 * place that ends the process: 0 success, 1 a bad input or failed operation
 * (one line `btfkit: FILE: what is wrong (offset 0x…)`), 2 a usage error.
 * Set BTFKIT_DEBUG=1 for stack traces.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { CommanderError } from 'commander';
import { isInputError } from '../lib/errors.js';
import { errnoText } from '../lib/io.js';
import { USAGE_ERROR } from './common.js';
import { processIo } from './io.js';
import { createProgram } from './program.js';

/** Returns `s` on one line: line breaks (a file name may hold one) shown as `\n`. */
function oneLine(s: string): string {
  return s.replace(/\r?\n/g, '\\n');
}

/** Returns the one-line message for an error. */
function errorLine(e: unknown): string {
  if (isInputError(e)) return `btfkit: ${oneLine(e.message)}`;
  return `btfkit: ${oneLine(e instanceof Error ? e.message : String(e))}`;
}

async function main(): Promise<number> {
  const io = processIo();
  // A closed pipe (`btfkit dump | head`) ends output quietly.
  // Any other failure to write standard output (a full disk, an I/O error)
  // is one line and status 1, like any failed operation.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`btfkit: <stdout>: ${errnoText(e)}\n`);
    process.exit(1);
  });
  const program = await createProgram(io, process.argv.slice(2));
  try {
    await program.parseAsync(process.argv);
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

// In the bundle, a worker thread of `btfkit core`'s matrix starts here too: it runs the worker, not the program.
if (!isMainThread && (workerData as { btfkit?: string } | null)?.btfkit === 'core-matrix')
  await import('./core-matrix.js');
else process.exitCode = await main();
