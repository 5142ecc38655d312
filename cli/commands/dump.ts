/** `btfkit dump [FILE]`: bpftool's `btf dump file FILE [format raw|c]`, `-j`/`-p` for JSON. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { writeJsonDump, writeRawDump } from '../../lib/dump/raw.js';
import type { CliIo } from '../io.js';
import { loadBtf } from '../load.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('dump')
    .description("print BTF as 'bpftool btf dump file' does (the running kernel's when FILE is omitted)")
    .argument('[file]', 'raw BTF or an ELF object with a .BTF section')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['raw']).default('raw'))
    .option('-j, --json', 'JSON output, as bpftool -j')
    .option('-p, --pretty', 'pretty JSON output, as bpftool -p')
    .option('-B, --base <file>', 'base BTF, for split BTF (as bpftool -B)')
    .action(async (file: string | undefined, opts: { format: string; json?: boolean; pretty?: boolean; base?: string }) => {
      const btf = await loadBtf(file, opts.base);
      const write = (s: string | Uint8Array) => io.out(s);
      if (opts.json || opts.pretty) {
        writeJsonDump(btf, write, { pretty: Boolean(opts.pretty) });
      } else {
        writeRawDump(btf, write);
      }
    });
}
