/**
 * `btfkit core OBJ... [--target FILE]... [--base FILE] [-j] [--log] [--strict] [--jobs N]`:
 * would libbpf accept the objects' CO-RE relocations on that kernel? Each
 * relocation resolved as libbpf 1.1.2 resolves it at load time (lib/core/),
 * offline. One kernel: one line per relocation and a summary. Several
 * kernels (several `--target` without `--base`, or a directory of BTF
 * files): a matrix, object x kernel, with the relocations that fail, run
 * in worker threads on a machine with several cores (cli/core-matrix.ts).
 * Exit status 0 when libbpf would accept every relocation (resolved, or
 * poisoned as libbpf poisons guarded ones), 3 when one would fail the load
 * (with `--strict`, also when one is poisoned), 1 for bad input.
 */
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { jobsCount } from '../batch.js';
import { kernels, runCells, workerCount } from '../core-matrix.js';
import type { CliIo } from '../io.js';

/** The exit status for relocations libbpf would refuse. */
const EXIT_REFUSED = 3;

export function register(program: Command, io: CliIo): void {
  program
    .command('core')
    .description(
      'resolve CO-RE relocations as libbpf would at load time, offline (exit status 3 when libbpf would fail the load)',
    )
    .argument('<objects...>', 'BPF objects with CO-RE relocations (.BTF.ext)')
    .option(
      '-t, --target <file>',
      'kernel BTF (repeatable; a directory means every file in it); default: the running kernel and its modules',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('-B, --base <file>', "vmlinux BTF; the targets are then its modules' split BTF, searched after it")
    .option('-j, --json', 'one JSON object per relocation')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .option('--log', "libbpf's debug-log lines for each relocation")
    .option('--strict', 'exit status 3 also when a relocation is poisoned')
    .option('--jobs <n>', 'worker threads for a matrix (default: one per core from 4 kernels on)')
    .action(
      async (
        objects: string[],
        opts: {
          target: string[];
          base?: string;
          json?: boolean;
          pretty?: boolean;
          log?: boolean;
          strict?: boolean;
          jobs?: string;
        },
      ) => {
        const jobs = jobsCount('core', opts);
        const ks = kernels(opts.target, opts.base);
        const matrix = ks.length > 1;
        const r = await runCells(
          io,
          objects,
          ks,
          { json: opts.json, pretty: opts.pretty, log: opts.log, strict: opts.strict, matrix },
          matrix ? workerCount(ks.length, jobs) : 1,
        );
        if (r.problem) throw r.problem;
        if (r.refused) throw new CommanderError(EXIT_REFUSED, 'btfkit.exitStatus', '');
      },
    );
}
