/**
 * `btfkit merge IN... -o OUT`: the BTF of every input appended into a new
 * BTF (libbpf's `btf__new_empty` + `btf__add_btf` per input, so strings are
 * unique and in first-use order), then deduplicated unless `--no-dedup`.
 * The output is little-endian whatever the inputs' byte order, as libbpf's.
 */
import type { Command } from 'commander';
import { Btf } from '../../lib/btf.js';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { STDIO_PATH } from '../../lib/io.js';
import { readBtfFile } from '../../lib/object/open.js';
import { PROGRESS_MIN_TYPES, runDedup, usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';

/** Adds `btfkit merge` to the program. */
export function register(program: Command, io: CliIo): void {
  program
    .command('merge')
    .description('append the BTF of every input (as btf__add_btf) and deduplicate the result')
    .argument('<in...>', 'raw BTF files or ELF objects with a .BTF section')
    .requiredOption('-o, --output <file>', 'output raw BTF file')
    .option('--no-dedup', 'only append, do not deduplicate')
    .option('--stats', 'print types per kind, string bytes and the time of each dedup pass')
    .option('-j, --json', 'with --stats: one JSON object')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .action(
      async (
        inputs: string[],
        opts: { output: string; dedup: boolean; stats?: boolean; json?: boolean; pretty?: boolean },
      ) => {
        if (opts.json && !opts.stats) throw usageError('merge', '--json goes with --stats');
        if (opts.stats && opts.output === STDIO_PATH)
          throw usageError('merge', '--stats prints to standard output: give -o a file');
        if (opts.stats && !opts.dedup) throw usageError('merge', '--stats needs dedup (drop --no-dedup)');
        const merged = Btf.empty();
        let total = 0;
        const tty = io.stderrIsTTY;
        for (const [i, file] of inputs.entries()) {
          const src = await readBtfFile(file);
          const unknown = src.firstLayoutOnlyKind();
          if (unknown) {
            throw new BtfError(
              BtfErrorCode.BadType,
              `type [${unknown}] kind ${src.kindOf(unknown)}: merge does not know this kind (the layout section gives only its size)`,
              { typeId: unknown, file },
            );
          }
          try {
            merged.addBtf(src);
          } catch (e) {
            if (e instanceof BtfError) e.withFile(file);
            throw e;
          }
          total += src.nrTypes;
          if (tty && total >= PROGRESS_MIN_TYPES) io.err(`\rmerge: ${i + 1}/${inputs.length} inputs`);
        }
        if (tty && total >= PROGRESS_MIN_TYPES) io.err('\r\x1b[K');
        // The merged BTF is no one input's: an error names them all.
        if (opts.dedup) runDedup(io, merged, { ...opts, file: inputs.join(' + ') }, { inputs: inputs.length });
        await writeOutput(io, opts.output, merged.rawParts());
      },
    );
}
