/**
 * `btfkit extract OBJ -o OUT.btf [--ext OUT.ext] [--fixup[=MODE]] [--object]`:
 * the raw `.BTF` and `.BTF.ext` sections of an object, as they are or after
 * the DATASEC fixup. Also the shared helpers of the object commands: the
 * `--fixup` option, loading an object's BTF with it, and writing outputs.
 */
import type { Command } from 'commander';
import { Btf, isElf } from '../../lib/btf.js';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { newBtfObject } from '../../lib/elf/write.js';
import { readInput, writeFileAtomic } from '../../lib/io.js';
import { openObject, type BtfObject } from '../../lib/object.js';
import type { FixupOptions } from '../../lib/elf/fixup.js';
import type { CliIo } from '../io.js';
import { fixupFlag, fixupMode, fixupModeOption, type FixupMode } from '../options.js';

export { fixupFlag, fixupMode, fixupModeOption, type FixupMode };

/** Returns the library options for a fixup mode (undefined: no fixup). */
export function fixupLibOptions(mode: FixupMode | undefined): FixupOptions | undefined {
  if (mode === undefined) return undefined;
  return { externs: mode === 'open' };
}

/**
 * Returns the object in `file`, with its BTF fixed up when `mode` is given.
 * @throws BtfError `EINVAL` when `file` is not an ELF object.
 */
export async function loadObject(file: string, opts: { fixup?: FixupMode | undefined; base?: string | undefined; ext?: boolean } = {}): Promise<BtfObject> {
  const bytes = await readInput(file);
  if (!isElf(bytes)) throw new BtfError(BtfErrorCode.InvalidArgument, 'not an ELF object', { file });
  const base = opts.base !== undefined ? await Btf.fromFile(opts.base) : undefined;
  const fixup = fixupLibOptions(opts.fixup);
  return openObject(bytes, { file, ...(base ? { base } : {}), ...(fixup ? { fixup } : {}), ext: opts.ext !== false });
}

/**
 * Returns the BTF of `file` after the DATASEC fixup (`dump --fixup`).
 * @throws BtfError `EINVAL` when `file` is not an ELF object (raw BTF has no
 *   sections or symbols to fix up from) or has no `.BTF`.
 */
export async function loadFixedBtf(file: string | undefined, mode: FixupMode, base?: string): Promise<Btf> {
  if (file === undefined) throw new BtfError(BtfErrorCode.InvalidArgument, '--fixup needs an ELF object');
  const obj = await loadObject(file, { fixup: mode, base, ext: false });
  return obj.btf!;
}

/**
 * Writes `data` to `path`: `-` is standard output; anything else through
 * lib/io.ts's writeFileAtomic (a device or FIFO is written in place).
 */
export async function writeOutput(io: CliIo, path: string, data: Uint8Array): Promise<void> {
  if (path === '-') {
    io.out(data);
    return;
  }
  await writeFileAtomic(path, data);
}

export function register(program: Command, io: CliIo): void {
  program
    .command('extract')
    .description('write the raw .BTF (and .BTF.ext) sections of an object to files')
    .argument('<obj>', 'an ELF object')
    .requiredOption('-o, --output <file>', "output file for .BTF ('-' for standard output)")
    .option('--ext <file>', 'output file for .BTF.ext')
    .addOption(fixupFlag('open'))
    .addOption(fixupModeOption())
    .option('--object', 'write a minimal ELF object holding .BTF (and .BTF.ext) to --output instead of raw BTF')
    .action(async (file: string, o: { output: string; ext?: string; fixup?: boolean; fixupMode?: string; object?: boolean }) => {
      const opts = { ...o, fixup: fixupMode(o, 'open') };
      const obj = await loadObject(file, { fixup: opts.fixup });
      if (obj.btf === null) throw new BtfError(BtfErrorCode.NotFound, 'no .BTF section in the ELF object', { file });
      if (opts.ext !== undefined && obj.ext === null) throw new BtfError(BtfErrorCode.NotFound, 'no .BTF.ext section in the ELF object', { file });
      if (opts.ext !== undefined && opts.ext === opts.output) throw new BtfError(BtfErrorCode.InvalidArgument, '--ext and --output name the same file');
      // Without --fixup the sections are copied byte for byte.
      const sec = (name: string): Uint8Array => obj.elf.sectionData(obj.elf.section(name)!);
      const btf = opts.fixup !== undefined ? obj.btf.rawData() : sec('.BTF');
      const ext = obj.ext !== null ? sec('.BTF.ext') : undefined;
      if (opts.object) {
        // The object takes the byte order of the BTF it holds, as readers expect.
        await writeOutput(io, opts.output, newBtfObject(btf, ext, { bigEndian: obj.btf.bigEndian }));
      } else {
        await writeOutput(io, opts.output, btf);
      }
      if (opts.ext !== undefined && ext !== undefined) await writeOutput(io, opts.ext, ext);
    });
}
