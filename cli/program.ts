/**
 * The commander program. Built in a function so that tests can run it with
 * `exitOverride()` and a memory io; only `cli/main.ts` exits the process.
 */
import { Command } from 'commander';
import type { CliIo } from './io.js';
import { usageError } from './options.js';
type Register = (program: Command, io: CliIo) => void;

/**
 * The commands, in help order, each loaded on demand: a run loads only the
 * module of the command it runs (module loading is a large share of a small
 * command's time); help and unknown commands load them all.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<{ register: Register }>]> = [
  ['dump', () => import('./commands/dump.js')],
  ['convert', () => import('./commands/convert.js')],
  ['stats', () => import('./commands/stats.js')],
  ['maps', () => import('./commands/maps.js')],
  ['vars', () => import('./commands/vars.js')],
  ['dedup', () => import('./commands/dedup.js')],
  ['merge', () => import('./commands/merge.js')],
  ['sections', () => import('./commands/sections.js')],
  ['extract', () => import('./commands/extract.js')],
  ['attach', () => import('./commands/attach.js')],
  ['ext', () => import('./commands/ext.js')],
  ['check', () => import('./commands/check.js')],
  ['core', () => import('./commands/core.js')],
  ['gen', () => import('./commands/gen.js')],
  ['layout', () => import('./commands/layout.js')],
  ['set', () => import('./commands/set.js')],
  ['diff', () => import('./commands/diff.js')],
  ['find', () => import('./commands/find.js')],
  ['list', () => import('./commands/list.js')],
  ['web', () => import('./commands/web.js')],
  ['completion', () => import('./commands/completion.js')],
];

/** The command names, in help order. */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([name]) => name);

/** The package version (kept in step with package.json by a test). */
export const VERSION = '0.1.0';

/**
 * Returns the btfkit program wired to `io`. With `args` (the user's
 * arguments, without node and the script), only the command they name is
 * loaded when they name one.
 */
export async function createProgram(io: CliIo, args?: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('btfkit')
    .description('read, build, deduplicate and print BTF (BPF Type Format)')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(usageLine(s, 'btfkit')),
    })
    .showHelpAfterError(false)
    .option('-j, --json', "JSON output, for every command that prints a table (before or after the command's name)")
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .hook('preAction', globalJson)
    // -j/-p are the program's only before the command's name: after it they
    // are the command's own (`vars --pretty` is vars' multi-line values)
    .enablePositionalOptions()
    .exitOverride();
  const first = args?.find((a) => !a.startsWith('-'));
  // `completion` describes every command: it loads them all. `--version`
  // alone prints the version before any command is looked at: it loads none.
  const wanted = first === 'completion' ? [] : COMMANDS.filter(([name]) => name === first);
  const versionOnly = args?.length === 1 && (args[0] === '--version' || args[0] === '-V');
  if (!versionOnly) for (const [, load] of wanted.length ? wanted : COMMANDS) (await load()).register(program, io);
  for (const c of program.commands)
    c.exitOverride().configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(usageLine(s, `btfkit ${c.name()}`)),
    });
  return program;
}

/**
 * Hands `btfkit -j CMD` and `btfkit -p CMD` to the command as its own `-j`
 * and `-p`, as bpftool takes them before or after the object, and makes `-p`
 * imply `-j` everywhere. A command that prints no JSON refuses them.
 */
function globalJson(root: Command, cmd: Command): void {
  const g = root.opts<{ json?: boolean; pretty?: boolean }>();
  const j = cmd.options.find((o) => o.short === '-j');
  const p = cmd.options.find((o) => o.short === '-p');
  const name = cmd.parent && cmd.parent !== root ? `${cmd.parent.name()} ${cmd.name()}` : cmd.name();
  if ((g.json && !j) || (g.pretty && !p)) throw usageError(name, `${g.pretty ? '-p' : '-j'}: '${name}' prints no JSON`);
  if (g.json) cmd.setOptionValue(j!.attributeName(), true);
  if (g.pretty) cmd.setOptionValue(p!.attributeName(), true);
  if (j && p && cmd.getOptionValue(p.attributeName())) cmd.setOptionValue(j.attributeName(), true);
}

/**
 * Returns an argument-parser error as btfkit prints every error: one line,
 * `btfkit: ...`, with a hint to the help of the command it is about
 * (commander writes `error: unknown option '--x'`, sometimes with a
 * suggestion on a second line).
 */
function usageLine(message: string, command: string): string {
  const text = message
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
  return `btfkit: ${text} (see '${command} --help')\n`;
}
