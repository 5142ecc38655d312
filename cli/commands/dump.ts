/**
 * `btfkit dump [FILE...]`: bpftool's `btf dump file FILE [format raw|c]`,
 * `-j`/`-p` for JSON. Several files, a directory or `-O DIR` make a batch
 * (cli/batch.ts): one process, each base parsed once, worker threads; with
 * `--bpftool 7.8`, several files are merged into one dump, as bpftool 7.8 does.
 */
import type { Command } from 'commander';
import { CommanderError, Option } from 'commander';
import { isInputError } from '../../lib/errors.js';
import type { CliIo } from '../io.js';
import {
  VMLINUX,
  collect,
  idsOption,
  kindsOption,
  loadBtf,
  loadFixedBtf,
  loadMergedBtf,
  usageError,
} from '../common.js';
import { type DumpJob, outputSuffix, runDump } from '../jobs.js';
import { batchInputs, batchOptions, isBatch, jobsCount, runBatch } from '../batch.js';
import { bpftoolOption, bpftoolVersion, fixupFlag, fixupMode, fixupModeOption } from '../options.js';
import { parseTypeIdSpec } from '../../lib/dump/select.js';

/** bpftool 7.8's MAX_ROOT_IDS. */
const MAX_ROOT_IDS = 16;

/**
 * Refuses what bpftool 7.8 refuses among `root_id` arguments, as it does: a
 * 17th id (`only 16 root_id are supported`, exit status 249: -E2BIG) and an
 * id given twice (`duplicate root_id N supplied`, 234: -EINVAL). Names
 * (`--type 'struct x'`) are btfkit's own and not counted.
 */
function checkRootIds(io: CliIo, specs: readonly string[]): void {
  const ids: number[] = [];
  const refuse = (status: number, message: string): never => {
    io.err(`btfkit: ${message}\n`);
    throw new CommanderError(status, 'btfkit.exitStatus', '');
  };
  for (const spec of specs) {
    const id = parseTypeIdSpec(spec);
    if (id === null) continue;
    if (ids.length === MAX_ROOT_IDS) refuse(249, `only ${MAX_ROOT_IDS} root_id are supported`);
    if (ids.includes(id)) refuse(234, `duplicate root_id ${id} supplied`);
    ids.push(id);
  }
}

export function register(program: Command, io: CliIo): void {
  const cmd = program
    .command('dump')
    .description("print BTF as 'bpftool btf dump file' does (the running kernel's when FILE is omitted)")
    .argument(
      '[files...]',
      'raw BTF or ELF objects with a .BTF section, or directories of them (/sys/kernel/btf/: every module over vmlinux); with --bpftool 7.8, several are merged over the base and deduplicated, as bpftool 7.8 does',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['raw', 'c']).default('raw'))
    .option('-j, --json', 'JSON output, as bpftool -j')
    .option('-p, --pretty', 'pretty JSON output, as bpftool -p')
    .option('-B, --base <file>', 'base BTF, for split BTF (as bpftool -B)')
    .option(
      '--type <name>',
      "only this type ('struct NAME', 'union NAME', 'enum NAME', a name or an id: decimal, 0x hex or 0 octal, as bpftool 7.8's root_id; repeatable); format c adds what it needs",
      collect,
      [] as string[],
    )
    .option(
      '--kind <kind>',
      'only types of this kind (struct, func_proto, ...; repeatable, or a comma list)',
      collect,
      [],
    )
    .option('--id <n[-m]>', 'only type ids N, or N to M (repeatable, or a comma list)', collect, [])
    .option(
      '--sort',
      'format c: visit types in the sorted order of bpftool 7.5 and later (the default with --bpftool 7.8)',
    )
    .option(
      '--no-sort',
      "format c: visit types by id (bpftool 7.8's 'format c unsorted'; the default with --bpftool 7.1)",
    )
    .addOption(bpftoolOption())
    .option('--no-pragma', "format c: leave out the '#pragma clang attribute' preserve_access_index block")
    .addOption(fixupFlag())
    .addOption(fixupModeOption());
  for (const o of batchOptions()) cmd.addOption(o);
  cmd.action(
    async (
      files: string[],
      opts: {
        outputDir?: string;
        jobs?: string;
        format: string;
        json?: boolean;
        pretty?: boolean;
        base?: string;
        type: string[];
        kind: string[];
        id: string[];
        sort?: boolean;
        bpftool?: string;
        pragma: boolean;
        fixup?: boolean;
        fixupMode?: string;
      },
    ) => {
      if (opts.format === 'c' && (opts.json || opts.pretty)) {
        throw usageError('dump', 'JSON output for C-syntax dump is not supported');
      }
      if (opts.format !== 'c' && (opts.sort !== undefined || !opts.pragma)) {
        throw usageError('dump', '--sort, --no-sort and --no-pragma need --format c');
      }
      const bpftool = bpftoolVersion(opts, io.env);
      if (!bpftool) throw usageError('dump', `BTFKIT_BPFTOOL=${io.env['BTFKIT_BPFTOOL']}: expected 7.1 or 7.8`);
      if (bpftool === '7.8') checkRootIds(io, opts.type);
      const mode = fixupMode(opts);
      const job: DumpJob = {
        command: 'dump',
        format: opts.format === 'c' ? 'c' : opts.json || opts.pretty ? 'json' : 'raw',
        pretty: Boolean(opts.pretty),
        typeNames: opts.type,
        kinds: kindsOption('dump', opts.kind),
        ids: idsOption('dump', opts.id),
        sort: opts.sort ?? bpftool === '7.8',
        pragma: opts.pragma,
        bpftool,
      };
      // bpftool 7.8 merges several files over the base into one dump.
      if (bpftool === '7.8' && files.length > 1 && opts.outputDir === undefined) {
        if (mode) throw usageError('dump', '--fixup takes one FILE');
        const btf = await loadMergedBtf(files, opts.base);
        try {
          await runDump(job, btf, (c) => io.out(c));
        } catch (e) {
          if (isInputError(e)) e.withFile(files.join(', '));
          throw e;
        }
        return;
      }
      if (isBatch(files, opts)) {
        if (mode) throw usageError('dump', '--fixup takes one FILE');
        const inputs = batchInputs('dump', files, {
          base: opts.base,
          outDir: opts.outputDir,
          suffix: outputSuffix(job),
        });
        await runBatch(io, job, inputs, { jobs: jobsCount('dump', opts), outDir: opts.outputDir });
        return;
      }
      const file = files[0];
      const btf = mode ? await loadFixedBtf(file, mode, opts.base) : await loadBtf(file, opts.base);
      try {
        await runDump(job, btf, (c) => io.out(c));
      } catch (e) {
        // Errors found while printing name the file like errors found on load.
        if (isInputError(e)) e.withFile(file ?? VMLINUX);
        throw e;
      }
    },
  );
}
