/** `btfkit convert IN -o OUT`: re-encode raw BTF (byte order, layout section); from an object, extract its `.BTF`. */
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIo } from '../io.js';
import { loadBtf, writeOutput } from '../common.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('convert')
    .description(
      're-encode BTF as raw BTF: change byte order, add or drop the layout section, or extract .BTF from an object',
    )
    .argument('<in>', 'raw BTF or an ELF object')
    .requiredOption('-o, --output <file>', 'output raw BTF file')
    .addOption(
      new Option('--endian <order>', 'byte order of the output (default: that of the input)').choices([
        'little',
        'big',
      ]),
    )
    .option('--layout', 'add the layout section (32-byte header) that lets readers skip unknown kinds')
    .option('--no-layout', 'drop the layout section')
    .option('-B, --base <file>', 'base BTF, for split BTF')
    .action(
      async (input: string, opts: { output: string; endian?: 'little' | 'big'; layout?: boolean; base?: string }) => {
        const btf = await loadBtf(input, opts.base);
        if (opts.endian) btf.setEndianness(opts.endian);
        const unknown = opts.layout === false ? btf.firstLayoutOnlyKind() : 0;
        if (unknown) {
          // Without the layout section no reader could size this record again.
          throw new BtfError(
            BtfErrorCode.BadType,
            `type [${unknown}] kind ${btf.kindOf(unknown)}: --no-layout would drop the only record of this kind's size`,
            { typeId: unknown, file: input },
          );
        }
        if (opts.layout !== undefined && (opts.layout || btf.hasLayout())) btf.setLayout(opts.layout);
        await writeOutput(io, opts.output, btf.rawData());
        void io;
      },
    );
}
