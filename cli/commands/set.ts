/**
 * `btfkit set OBJ SECTION.VAR=VALUE... (-o OUT | -i)`: the object with the
 * initial values of global variables changed, written through their BTF
 * types (lib/inspect/set.ts); every other byte stays.
 */
import type { Command } from 'commander';
import { readInput } from '../../lib/io.js';
import { setInitialValues } from '../../lib/inspect/set.js';
import { openObject } from '../../lib/object/open.js';
import { usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('set')
    .description("write initial values of an object's global variables through their BTF types")
    .argument('<obj>', 'a BPF ELF object')
    .argument('<assignments...>', 'SECTION.VAR[.MEMBER|[INDEX]]...=VALUE, e.g. .rodata.cfg.limit=5')
    .option('-o, --output <file>', 'write the new object to FILE (- for stdout)')
    .option('-i, --in-place', 'replace OBJ (atomically)')
    .action(async (file: string, assignments: string[], opts: { output?: string; inPlace?: boolean }) => {
      if ((opts.output === undefined) === !opts.inPlace) throw usageError('set', 'give one of -o FILE and -i');
      const obj = openObject(await readInput(file), { file, ext: false });
      const { bytes } = setInitialValues(obj, assignments);
      await writeOutput(io, opts.inPlace ? file : opts.output!, bytes);
    });
}
