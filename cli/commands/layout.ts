/**
 * `btfkit layout [FILE...]`: struct and union layouts as `pahole -F btf`
 * prints them (lib/layout). Several files, a directory or `-O DIR` make a
 * batch (cli/batch.ts).
 */
import { type Command, Option } from 'commander';
import { collectBytes } from '../../lib/dump/bytes.js';
import { BtfError, BtfErrorCode, isInputError } from '../../lib/errors.js';
import { LayoutPrinter, listedIds } from '../../lib/layout/index.js';
import { layoutSvg } from '../../lib/layout/svg.js';
import { batchInputs, batchOptions, isBatch, jobsCount, runBatch } from '../batch.js';
import { VMLINUX, loadBtf, usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';
import { type LayoutJob, missingNote, outputSuffix, runLayout } from '../jobs.js';

interface LayoutOpts {
  class_name?: string[];
  sizes?: boolean;
  holes?: string;
  expand_types?: boolean;
  suppress_aligned_attribute?: boolean;
  reorganize?: boolean;
  exclude?: string;
  cacheline_size?: string;
  json?: boolean;
  svg?: string;
  format?: 'pahole' | 'json' | 'svg';
  output?: string;
  pretty?: boolean;
  base?: string;
  btf_base?: string;
  outputDir?: string;
  jobs?: string;
}

// pahole keeps the last -C it is given (each replaces the one before), then splits it at commas.
const lastList = (v: string): string[] => v.split(',').filter((s) => s !== '');

export function register(program: Command, io: CliIo): void {
  const cmd = program
    .command('layout')
    .description('print struct and union layouts as pahole does (offsets, holes, cachelines)')
    .argument('[files...]', "raw BTF or ELF objects, or directories of them (the running kernel's when omitted)")
    .option(
      '-C, --class_name <names>',
      'only these structs or unions (comma-separated; the last -C wins, as in pahole)',
      lastList,
    )
    .option('--sizes', 'print name, size and number of holes')
    .option('-H, --holes <n>', 'only structs with at least N holes')
    .option('-E, --expand_types', 'expand the types of members')
    .option('-R, --reorganize', 'with -C: the member order that fills the holes, as pahole computes it')
    .option('--suppress_aligned_attribute', 'leave out the __aligned__ attributes pahole infers')
    .option('-x, --exclude <prefix>', 'leave out structs whose name starts with PREFIX')
    .option('--cacheline_size <n>', 'cacheline size in bytes (default 64)')
    .option(
      '--svg <file>',
      "write a picture of the -C type's layout as SVG to FILE ('-': standard output); = -f svg -o FILE",
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        "output format: 'pahole' (the listing, default), 'json' (= -j) or 'svg' (a picture of the one -C type's layout)",
      ).choices(['pahole', 'json', 'svg']),
    )
    .option('-o, --output <file>', "write the output to FILE instead of standard output ('-': standard output)")
    .option('-j, --json', 'JSON output: per struct, its members with offsets, sizes, holes and cachelines')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .option('-B, --base <file>', 'base BTF, for split BTF')
    .option('--btf_base <file>', 'base BTF, for split BTF (pahole spelling)');
  for (const o of batchOptions()) cmd.addOption(o);
  cmd.action(async (files: string[], opts: LayoutOpts) => {
    const base = opts.base ?? opts.btf_base;
    // pahole: atoi(), and a cacheline size of 0 means the machine's (64 here).
    if (opts.svg !== undefined && opts.format !== undefined && opts.format !== 'svg')
      throw usageError('layout', `--svg and -f ${opts.format} exclude each other`);
    if (opts.svg !== undefined && opts.output !== undefined)
      throw usageError('layout', '--svg FILE and -o FILE exclude each other (use -f svg -o FILE)');
    if (opts.format === 'svg' && (opts.json || opts.pretty))
      throw usageError('layout', '-f svg and -j/-p exclude each other');
    if (opts.format === 'pahole' && (opts.json || opts.pretty))
      throw usageError('layout', '-f pahole and -j/-p exclude each other');
    // -f svg is --svg to -o FILE, or to standard output.
    const svgTo = opts.svg ?? (opts.format === 'svg' ? (opts.output ?? '-') : undefined);
    const cls = opts.cacheline_size !== undefined ? Number.parseInt(opts.cacheline_size, 10) || 0 : 0;
    const job: LayoutJob = {
      command: 'layout',
      json: Boolean(opts.json) || opts.format === 'json',
      pretty: Boolean(opts.pretty),
      listing: {
        cachelineSize: cls > 0 ? cls : 64,
        expand: opts.expand_types ?? false,
        suppressAligned: opts.suppress_aligned_attribute ?? false,
        reorganize: opts.reorganize ?? false,
        sizes: opts.sizes ?? false,
        holes: opts.holes !== undefined ? Number.parseInt(opts.holes, 10) || 0 : 0,
        ...(opts.exclude !== undefined ? { exclude: opts.exclude } : {}),
        ...(opts.class_name ? { classNames: opts.class_name } : {}),
      },
    };
    if (isBatch(files, opts)) {
      if (svgTo !== undefined) throw usageError('layout', '--svg and -f svg take one FILE');
      if (opts.output !== undefined) throw usageError('layout', '-o takes one FILE (-O DIR for several)');
      const inputs = batchInputs('layout', files, { base, outDir: opts.outputDir, suffix: outputSuffix(job) });
      await runBatch(io, job, inputs, { jobs: jobsCount('layout', opts), outDir: opts.outputDir });
      return;
    }
    const file = files[0];
    const btf = await loadBtf(file, base);
    if (svgTo !== undefined) {
      const name = opts.class_name?.[0];
      if (name === undefined || opts.class_name!.length !== 1)
        throw usageError('layout', '--svg draws one struct or union: give its name with -C NAME');
      const lo = {
        ...job.listing,
        onMissing: (n: string) => io.err(missingNote(file ?? VMLINUX, n)),
      };
      let svg: string;
      try {
        const p = new LayoutPrinter(btf, lo);
        const id = [...listedIds(p, btf.typeCount, { ...lo, classNames: [name] })][0];
        if (id === undefined) return;
        const agg = p.aggregateOf(id);
        if (!agg) throw new BtfError(BtfErrorCode.InvalidArgument, `'${name}' is not a struct or union`);
        svg = layoutSvg(p.layout(agg), { cachelineSize: lo.cachelineSize ?? 64 });
      } catch (e) {
        // as below: errors found while laying out name the file
        if (isInputError(e) && !e.file) e.withFile(file ?? VMLINUX);
        throw e;
      }
      await writeOutput(io, svgTo, new TextEncoder().encode(svg));
      return;
    }
    // To a file: the whole output, then one atomic write.
    const toFile = opts.output !== undefined && opts.output !== '-';
    const chunks: Uint8Array[] = [];
    try {
      await runLayout(job, btf, file ?? VMLINUX, toFile ? (c) => chunks.push(c) : (c) => io.out(c), (s) => io.err(s));
    } catch (e) {
      // Errors found while printing name the file like errors found on load.
      if (isInputError(e) && !e.file) e.withFile(file ?? VMLINUX);
      throw e;
    }
    if (toFile)
      await writeOutput(
        io,
        opts.output!,
        collectBytes((sink) => chunks.forEach(sink)),
      );
  });
}
