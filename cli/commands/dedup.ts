/**
 * `btfkit dedup IN -o OUT`: libbpf's `btf__dedup` on raw BTF or an object's
 * `.BTF`; with `--elf`, the object rewritten with its `.BTF` and `.BTF.ext`
 * deduplicated together. `--stats` prints counts per kind, string bytes and
 * the time of each pass (`-j` for JSON). `dedup -O DIR IN...` (or a
 * directory) deduplicates many files in one process (cli/batch.ts), each
 * written as raw BTF to `DIR/NAME.btf`.
 */
import type { Command } from 'commander';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { STDIO_PATH } from '../../lib/io.js';
import { writeObject } from '../../lib/object/open.js';
import { batchInputs, batchOptions, isBatch, jobsCount, runBatch } from '../batch.js';
import { loadBtf, loadObject, runDedup, usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';

/** Deduplicates the `.BTF` (and `.BTF.ext`) of an object and returns the rewritten object. */
async function dedupElf(
  io: CliIo,
  input: string,
  basePath: string | undefined,
  opts: { stats?: boolean; json?: boolean; pretty?: boolean },
): Promise<Uint8Array> {
  const obj = await loadObject(input, { base: basePath, notElf: '--elf needs an ELF object (this is not one)' });
  if (!obj.btf) throw new BtfError(BtfErrorCode.Format, 'no .BTF section in the ELF object', { file: input });
  runDedup(io, obj.btf, { ...opts, file: input, ...(obj.ext ? { ext: obj.ext } : {}) });
  return writeObject(obj);
}

/** Adds `btfkit dedup` to the program. */
export function register(program: Command, io: CliIo): void {
  const cmd = program
    .command('dedup')
    .description("deduplicate types and strings as libbpf's btf__dedup does (byte-identical output)")
    .argument('<in...>', 'raw BTF or an ELF object with a .BTF section (several, or directories, with -O DIR)')
    .option('-o, --output <file>', 'output: raw BTF, or with --elf the object (one IN; required without -O)')
    .option('-B, --base <file>', 'base BTF, for split BTF (the base is not changed)')
    .option('--elf', 'write the object with its .BTF and .BTF.ext deduplicated together (as btf__dedup with btf_ext)')
    .option('--stats', 'print types per kind, string bytes and the time of each pass')
    .option('-j, --json', 'with --stats: one JSON object')
    .option('-p, --pretty', 'pretty JSON output (implies -j)');
  for (const o of batchOptions()) cmd.addOption(o);
  cmd.action(
    async (
      inputs: string[],
      opts: {
        output?: string;
        base?: string;
        elf?: boolean;
        stats?: boolean;
        json?: boolean;
        pretty?: boolean;
        outputDir?: string;
        jobs?: string;
      },
    ) => {
      if (opts.outputDir !== undefined || inputs.length > 1 || isBatch(inputs, opts)) {
        if (opts.outputDir === undefined) throw usageError('dedup', 'many inputs need -O DIR');
        if (opts.output !== undefined || opts.elf || opts.stats)
          throw usageError('dedup', '-o, --elf and --stats take one IN (not -O DIR)');
        const items = batchInputs('dedup', inputs, { base: opts.base, outDir: opts.outputDir, suffix: '.btf' });
        await runBatch(io, { command: 'dedup' }, items, { jobs: jobsCount('dedup', opts), outDir: opts.outputDir });
        return;
      }
      const input = inputs[0]!;
      if (opts.output === undefined) throw usageError('dedup', "required option '-o, --output <file>' not specified");
      if (opts.json && !opts.stats) throw usageError('dedup', '--json goes with --stats');
      if (opts.stats && opts.output === STDIO_PATH)
        throw usageError('dedup', '--stats prints to standard output: give -o a file');
      if (opts.elf) {
        await writeOutput(io, opts.output, await dedupElf(io, input, opts.base, opts));
        return;
      }
      const btf = await loadBtf(input, opts.base);
      runDedup(io, btf, { ...opts, file: input });
      await writeOutput(io, opts.output, btf.rawParts());
    },
  );
}
