/**
 * The commander program. Built in a function so that tests can run it with
 * `exitOverride()` and a memory io; only `cli/main.ts` exits the process.
 */
import { Command } from 'commander';
import type { CliIo } from './io.js';
import { register as registerDump } from './commands/dump.js';
import { register as registerConvert } from './commands/convert.js';
import { register as registerStats } from './commands/stats.js';
import { register as registerMaps } from './commands/maps.js';
import { register as registerVars } from './commands/vars.js';
import { register as registerDedup } from './commands/dedup.js';
import { register as registerMerge } from './commands/merge.js';
import { register as registerSections } from './commands/sections.js';
import { register as registerExtract } from './commands/extract.js';
import { register as registerAttach } from './commands/attach.js';
import { register as registerExt } from './commands/ext.js';

/** The package version (kept in step with package.json by a test). */
export const VERSION = '0.1.0';

/** Returns the btfkit program wired to `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('btfkit')
    .description('read, build, deduplicate and print BTF (BPF Type Format)')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
    })
    .showHelpAfterError(false)
    .exitOverride();
  for (const register of [registerDump, registerConvert, registerStats, registerMaps, registerVars, registerDedup, registerMerge, registerSections, registerExtract, registerAttach, registerExt]) register(program, io);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}
