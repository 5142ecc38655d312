/** `btfkit dump [FILE]`: bpftool's `btf dump file FILE [format raw|c]`, `-j`/`-p` for JSON. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { type BpftoolVersion, writeJsonDump, writeRawDump } from '../../lib/dump/raw.js';
import { isInputError } from '../../lib/errors.js';
import type { CliIo } from '../io.js';
import { selectTypeIds } from '../../lib/dump/select.js';
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
import { bpftoolOption, bpftoolVersion, fixupFlag, fixupMode, fixupModeOption } from '../options.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('dump')
    .description("print BTF as 'bpftool btf dump file' does (the running kernel's when FILE is omitted)")
    .argument(
      '[files...]',
      'raw BTF or an ELF object with a .BTF section; several are merged over the base and deduplicated, as bpftool 7.8 does',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['raw', 'c']).default('raw'))
    .option('-j, --json', 'JSON output, as bpftool -j')
    .option('-p, --pretty', 'pretty JSON output, as bpftool -p')
    .option('-B, --base <file>', 'base BTF, for split BTF (as bpftool -B)')
    .option(
      '--type <name>',
      "only this type ('struct NAME', 'union NAME', 'enum NAME', a name or an id; repeatable); format c adds what it needs",
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
    .addOption(fixupModeOption())
    .action(
      async (
        files: string[],
        opts: {
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
        const kinds = kindsOption('dump', opts.kind);
        const ids = idsOption('dump', opts.id);
        const bpftool: BpftoolVersion | undefined = bpftoolVersion(opts, io.env);
        if (!bpftool) throw usageError('dump', `BTFKIT_BPFTOOL=${io.env['BTFKIT_BPFTOOL']}: expected 7.1 or 7.8`);
        const v78 = bpftool === '7.8';
        const mode = fixupMode(opts);
        if (mode && files.length > 1) throw usageError('dump', '--fixup takes one file');
        const file = files.length > 1 ? files.join(', ') : files[0];
        // The C emitter is loaded only when asked for: startup time is a large
        // share of a dump's wall time.
        const btf = mode
          ? await loadFixedBtf(file, mode, opts.base)
          : files.length > 1
            ? await loadMergedBtf(files, opts.base)
            : await loadBtf(file, opts.base);
        const write = (s: string | Uint8Array) => io.out(s);
        try {
          if (opts.format === 'c') {
            const { writeCDump } = await import('../../lib/dump/c.js');
            // --type alone keeps the C dump's own reading (roots in the order given,
            // base types included); with --kind or --id the chosen ids are the roots.
            const typeNames =
              kinds.length || ids.length
                ? selectTypeIds(btf, { types: opts.type, kinds, ids })!.map(String)
                : opts.type.length
                  ? opts.type
                  : undefined;
            writeCDump(btf, write, {
              ...(typeNames ? { typeNames } : {}),
              sort: opts.sort ?? v78,
              pragma: opts.pragma,
              bpftool,
            });
          } else {
            const typeIds = selectTypeIds(btf, { types: opts.type, kinds, ids });
            const sel = typeIds ? { typeIds } : {};
            if (opts.json || opts.pretty) writeJsonDump(btf, write, { pretty: Boolean(opts.pretty), bpftool, ...sel });
            else writeRawDump(btf, write, sel);
          }
        } catch (e) {
          // Errors found while printing name the file like errors found on load.
          if (isInputError(e)) e.withFile(file ?? VMLINUX);
          throw e;
        }
      },
    );
}
