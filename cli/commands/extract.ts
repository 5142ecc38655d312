/**
 * `btfkit extract OBJ -o OUT.btf [--ext OUT.ext] [--fixup[=MODE]] [--object]`:
 * the raw `.BTF` and `.BTF.ext` sections of an object, as they are or after
 * the DATASEC fixup.
 */
import type { Command } from 'commander';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { newBtfObject } from '../../lib/elf/write.js';
import { BTF_ELF_SEC, BTF_EXT_ELF_SEC } from '../../lib/kinds.js';
import { loadObject, usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';
import { fixupFlag, fixupMode, fixupModeOption } from '../options.js';

/** Adds `btfkit extract` to the program. */
export function register(program: Command, io: CliIo): void {
  program
    .command('extract')
    .description('write the raw .BTF (and .BTF.ext) sections of an object to files')
    .argument('<obj>', 'an ELF object')
    .requiredOption('-o, --output <file>', "output file for .BTF ('-' for standard output)")
    .option('--ext <file>', 'output file for .BTF.ext')
    .addOption(fixupFlag())
    .addOption(fixupModeOption())
    .option('--object', 'write a minimal ELF object holding .BTF (and .BTF.ext) to --output instead of raw BTF')
    .action(
      async (
        file: string,
        o: { output: string; ext?: string; fixup?: boolean; fixupMode?: string; object?: boolean },
      ) => {
        const opts = { ...o, fixup: fixupMode(o) };
        const obj = await loadObject(file, { fixup: opts.fixup });
        if (obj.btf === null) throw new BtfError(BtfErrorCode.NotFound, 'no .BTF section in the ELF object', { file });
        if (opts.ext !== undefined && obj.ext === null)
          throw new BtfError(BtfErrorCode.NotFound, 'no .BTF.ext section in the ELF object', { file });
        if (opts.ext !== undefined && opts.ext === opts.output)
          throw usageError('extract', '--ext and --output name the same file');
        // Without --fixup the sections are copied byte for byte.
        const sec = (name: string): Uint8Array => obj.elf.sectionData(obj.elf.section(name)!);
        const btf = opts.fixup !== undefined ? obj.btf.rawData() : sec(BTF_ELF_SEC);
        const ext = obj.ext !== null ? sec(BTF_EXT_ELF_SEC) : undefined;
        if (opts.object) {
          // The object takes the byte order of the BTF it holds, as readers expect.
          await writeOutput(io, opts.output, newBtfObject(btf, ext, { bigEndian: obj.btf.bigEndian }));
        } else {
          await writeOutput(io, opts.output, btf);
        }
        if (opts.ext !== undefined && ext !== undefined) await writeOutput(io, opts.ext, ext);
      },
    );
}
