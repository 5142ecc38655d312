/** `btfkit convert IN -o OUT`: re-encode raw BTF (byte order, layout section); from an object, extract its `.BTF`. */
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
        if (opts.layout !== undefined && (opts.layout || btf.hasLayout())) btf.setLayout(opts.layout);
        await writeOutput(io, opts.output, btf.rawData());
        void io;
      },
    );
}
