/**
 * `btfkit attach OBJ [--btf FILE] [--ext FILE] (-o OUT | -i) [--fixup[=MODE]]`:
 * put BTF into an object, replacing or adding `.BTF` and `.BTF.ext`; every
 * other section keeps its bytes (lib/elf/write.ts). In place only with `-i`,
 * through a temporary file and rename, so an error never destroys the input.
 */
import type { Command } from 'commander';
import { Btf, isElf } from '../../lib/btf.js';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { BtfExt } from '../../lib/ext.js';
import { parseElf, type ElfFile } from '../../lib/elf/read.js';
import { readInput } from '../../lib/io.js';
import { fixupDatasecs } from '../../lib/object/fixup.js';
import { BTF_ELF_SEC, BTF_EXT_ELF_SEC, writeObject } from '../../lib/object/open.js';
import { fixupLibOptions, sectionOrRaw, usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';
import { fixupFlag, fixupMode, fixupModeOption } from '../options.js';

/**
 * Fails unless every type id and string offset `ext` holds is valid in
 * `btf`: a `.BTF.ext` written for other BTF would make libbpf misread it.
 */
export function checkExtAgainstBtf(ext: BtfExt, btf: Btf, file: string): void {
  const n = btf.typeCount;
  const strEnd = btf.startStrOff + btf.strLen;
  // visit* write back what fn returns; returning the value unchanged keeps the bytes.
  ext.visitTypeIds((id) => {
    if (id >= n)
      throw new BtfError(
        BtfErrorCode.BadTypeId,
        `.BTF.ext refers to type id ${id}, but the BTF has only ${n - 1} types (give the matching --ext, or --no-check)`,
        { file, section: BTF_EXT_ELF_SEC },
      );
    return id;
  });
  ext.visitStrOffs((off) => {
    if (off >= strEnd)
      throw new BtfError(
        BtfErrorCode.BadString,
        `.BTF.ext refers to string offset ${off}, past the BTF's strings (${strEnd} bytes) (give the matching --ext, or --no-check)`,
        { file, section: BTF_EXT_ELF_SEC },
      );
    return off;
  });
}

export function register(program: Command, io: CliIo): void {
  program
    .command('attach')
    .description(
      'put BTF into an object: replace or add its .BTF and .BTF.ext sections, keeping every other section byte for byte',
    )
    .argument('<obj>', 'the ELF object to write into')
    .option('--btf <file>', "the new .BTF: raw BTF, or an object whose .BTF is taken (default: the object's own)")
    .option(
      '--ext <file>',
      "the new .BTF.ext: raw .BTF.ext, or an object whose .BTF.ext is taken (default: the object's own)",
    )
    .option('-o, --output <file>', 'the output object')
    .option('-i, --in-place', 'rewrite OBJ itself (through a temporary file and rename)')
    .addOption(fixupFlag())
    .addOption(fixupModeOption())
    .option('--no-check', 'do not check that .BTF.ext refers only to types and strings the BTF has')
    .action(
      async (
        file: string,
        o: {
          btf?: string;
          ext?: string;
          output?: string;
          inPlace?: boolean;
          fixup?: boolean;
          fixupMode?: string;
          check: boolean;
        },
      ) => {
        const opts = { ...o, fixup: fixupMode(o) };
        if (opts.output === undefined && !opts.inPlace)
          throw usageError('attach', 'give -o OUT, or -i to rewrite the object in place');
        if (opts.output !== undefined && opts.inPlace) throw usageError('attach', '-o and -i exclude each other');
        if (opts.btf === undefined && opts.ext === undefined && opts.fixup === undefined) {
          throw usageError('attach', 'nothing to attach: give --btf, --ext or --fixup');
        }
        const bytes = await readInput(file);
        if (!isElf(bytes)) throw new BtfError(BtfErrorCode.InvalidArgument, 'not an ELF object', { file });
        const elf: ElfFile = parseElf(bytes, { file });
        const own = (name: string): Uint8Array | undefined => {
          const s = elf.section(name);
          return s ? elf.sectionData(s) : undefined;
        };

        // The BTF: given, or the object's own; parsed to validate it (and to fix it up).
        const btfFile = opts.btf ?? file;
        const btfBytes = opts.btf !== undefined ? await sectionOrRaw(opts.btf, BTF_ELF_SEC) : own(BTF_ELF_SEC);
        if (btfBytes === undefined)
          throw new BtfError(BtfErrorCode.NotFound, 'no .BTF section in the ELF object (give --btf)', { file });
        const btf = Btf.parse(btfBytes.slice(), { file: btfFile });
        let btfOut: Uint8Array | undefined = opts.btf !== undefined ? btfBytes : undefined;
        const fix = fixupLibOptions(opts.fixup);
        if (fix !== undefined) {
          const r = fixupDatasecs(btf, elf, fix);
          if (r.changed || btfOut !== undefined) btfOut = btf.rawData();
          if (r.externs.length > 0 && o.fixupMode === undefined) {
            // The one place where the modes give different objects: make the user choose.
            throw usageError(
              'attach',
              `${file}: --fixup: the object has ${r.externs.length} externs (.kconfig/.ksyms), where the modes differ: give --fixup-mode open (what libbpf loads; libbpf cannot open the result) or datasec (externs kept)`,
            );
          }
          if (r.externs.length > 0) {
            // libbpf's open looks for extern VARs and FUNCs; after this pass they are allocated/global.
            io.err(
              `btfkit: ${file}: warning: ${r.externs.length} externs resolved as libbpf's loader does; libbpf cannot open the result (--fixup-mode datasec keeps them)\n`,
            );
          }
        }

        const extFile = opts.ext ?? file;
        const extBytes = opts.ext !== undefined ? await sectionOrRaw(opts.ext, BTF_EXT_ELF_SEC) : own(BTF_EXT_ELF_SEC);
        const ext = extBytes !== undefined ? BtfExt.parse(extBytes, { file: extFile }) : undefined;
        if (ext !== undefined && opts.check) checkExtAgainstBtf(ext, btf, extFile);

        if (btf.bigEndian !== (elf.endianness === 'big')) {
          io.err(
            `btfkit: ${file}: warning: the BTF${btfFile === file ? '' : ` (${btfFile})`} is ${btf.endianness()}-endian, the object ${elf.endianness}-endian\n`,
          );
        }
        const out = writeObject(
          { elf, btf: null, ext: null },
          {
            ...(btfOut !== undefined ? { btf: btfOut } : {}),
            ...(opts.ext !== undefined && extBytes !== undefined ? { ext: extBytes } : {}),
          },
        );
        await writeOutput(io, opts.inPlace ? file : opts.output!, out);
      },
    );
}
