#!/usr/bin/env node
/**
 * The btfkit binary: runs the program, maps errors to exit codes. The only
 * place that ends the process: 0 success, 1 a bad input or failed operation
 * (one line `btfkit: FILE: what is wrong (offset 0x…)`), 2 a usage error.
 * Set BTFKIT_DEBUG=1 for stack traces.
 */
import { isMainThread } from 'node:worker_threads';
import { CommanderError } from 'commander';
import { errnoText } from '../lib/io.js';
import { USAGE_ERROR, errorLine, oneLine } from './common.js';
import { processIo } from './io.js';
import { createProgram } from './program.js';

async function main(): Promise<number> {
  const io = processIo(new URL(import.meta.url));
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

// Started as a worker thread (cli/batch.ts starts this same script), serve
// batch work items instead of running the program.
if (isMainThread) process.exitCode = await main();
else (await import('./worker.js')).serveWorker();
