/** `btfkit sections OBJ [-j]`: the ELF sections of an object, and which BTF sections it carries. */
import type { Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { isInputError, messageWithoutFile } from '../../lib/errors.js';
import { BtfExt } from '../../lib/ext.js';
import { EM, ET, parseElf, SHT, type ElfFile, type ElfSection } from '../../lib/elf/index.js';
import { readInput } from '../../lib/io.js';
import { BTF_ELF_SEC, BTF_EXT_ELF_SEC, readObjectBtf } from '../../lib/object/open.js';
import { jsonText } from '../common.js';
import type { CliIo } from '../io.js';

const SHT_NAMES = new Map<number, string>(Object.entries(SHT).map(([k, v]) => [v, k]));
const ET_NAMES = new Map<number, string>(Object.entries(ET).map(([k, v]) => [v, k]));
const EM_NAMES = new Map<number, string>(Object.entries(EM).map(([k, v]) => [v, k]));

/** Returns the section type as readelf names it (`PROGBITS`, `LLVM_ADDRSIG`), or its number in hex. */
export function sectionTypeName(type: number): string {
  return SHT_NAMES.get(type) ?? `0x${type.toString(16)}`;
}

/**
 * Returns `sh_flags` as the letters of `readelf -S` (W A X M S I L O G T C,
 * then R for SHF_GNU_RETAIN and E for SHF_EXCLUDE; o, p and x for OS,
 * processor and unknown bits), in bit order as readelf prints them.
 */
export function sectionFlagLetters(flags: number): string {
  const letters: Record<number, string> = {
    0: 'W',
    1: 'A',
    2: 'X',
    4: 'M',
    5: 'S',
    6: 'I',
    7: 'L',
    8: 'O',
    9: 'G',
    10: 'T',
    11: 'C',
    21: 'R',
    31: 'E',
  };
  let out = '';
  for (let bit = 0; bit < 32; bit++) {
    if (Math.floor(flags / 2 ** bit) % 2 === 0) continue;
    const ch = letters[bit];
    if (ch !== undefined) out += ch;
    else if (bit >= 20 && bit < 28)
      out += 'o'; // SHF_MASKOS
    else if (bit >= 28)
      out += 'p'; // SHF_MASKPROC
    else out += 'x';
  }
  return out;
}

/** What `sections -j` prints for one section. */
interface SectionJson {
  index: number;
  name: string;
  type: string;
  flags: string;
  addr: string;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

/** Returns the report `sections` prints, as a plain object. */
export function sectionsReport(
  elf: ElfFile,
  file: string,
): {
  file: string;
  class: number;
  endian: string;
  type: string;
  machine: string;
  sections: SectionJson[];
  btf: null | {
    index: number;
    size: number;
    endian?: string;
    types?: number;
    first_id?: number;
    string_bytes?: number;
    error?: string;
  };
  btf_ext: null | {
    index: number;
    size: number;
    endian?: string;
    func_info?: number;
    line_info?: number;
    core_relo?: number;
    error?: string;
  };
} {
  const sections = elf.sections.map((s) => ({
    index: s.index,
    name: s.name,
    type: sectionTypeName(s.type),
    flags: sectionFlagLetters(s.flags),
    addr: `0x${s.addr.toString(16)}`,
    offset: s.offset,
    size: s.size,
    link: s.link,
    info: s.info,
    addralign: s.addralign,
    entsize: s.entsize,
  }));
  const btfSec = elf.section(BTF_ELF_SEC);
  const extSec = elf.section(BTF_EXT_ELF_SEC);
  let btf: Btf | null = null;
  let btfInfo: ReturnType<typeof sectionsReport>['btf'] = null;
  if (btfSec) {
    try {
      btf = readObjectBtf(elf, { file })!;
      btfInfo = {
        index: btfSec.index,
        size: btfSec.size,
        endian: btf.endianness(),
        types: btf.nrTypes,
        first_id: btf.startId,
        string_bytes: btf.strLen,
      };
    } catch (e) {
      if (!isInputError(e)) throw e;
      btfInfo = { index: btfSec.index, size: btfSec.size, error: messageWithoutFile(e) };
    }
  }
  let extInfo: ReturnType<typeof sectionsReport>['btf_ext'] = null;
  if (extSec) {
    try {
      const ext = BtfExt.parse(elf.sectionData(extSec), { file });
      const count = (i: typeof ext.funcInfo): number => i?.secs.reduce((n, s) => n + s.numInfo, 0) ?? 0;
      extInfo = {
        index: extSec.index,
        size: extSec.size,
        endian: ext.bigEndian ? 'big' : 'little',
        func_info: count(ext.funcInfo),
        line_info: count(ext.lineInfo),
        core_relo: count(ext.coreRelo),
      };
    } catch (e) {
      if (!isInputError(e)) throw e;
      extInfo = { index: extSec.index, size: extSec.size, error: messageWithoutFile(e) };
    }
  }
  return {
    file,
    class: elf.elfClass,
    endian: elf.endianness,
    type: ET_NAMES.get(elf.type) ?? `0x${elf.type.toString(16)}`,
    machine: EM_NAMES.get(elf.machine) ?? String(elf.machine),
    sections,
    btf: btfInfo,
    btf_ext: extInfo,
  };
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('sections')
    .description('list the ELF sections of an object (sizes, types, flags) and the BTF sections it carries')
    .argument('<obj>', 'an ELF object')
    .option('-j, --json', 'JSON output')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .action(async (file: string, opts: { json?: boolean; pretty?: boolean }) => {
      const bytes = await readInput(file);
      const elf = parseElf(bytes, { file });
      const rep = sectionsReport(elf, file);
      if (opts.json) {
        io.out(jsonText(rep, opts.pretty));
        return;
      }
      const w = elf.elfClass === 64 ? 16 : 8;
      const rows: string[][] = [['[Nr]', 'Name', 'Type', 'Address', 'Off', 'Size', 'ES', 'Flg', 'Lk', 'Inf', 'Al']];
      for (const s of elf.sections as readonly ElfSection[]) {
        rows.push([
          `[${String(s.index).padStart(2)}]`,
          s.name,
          sectionTypeName(s.type),
          hex(Number(s.addr & 0xffff_ffff_ffffn), w).slice(-w),
          hex(s.offset, 6),
          hex(s.size, 6),
          hex(s.entsize, 2),
          sectionFlagLetters(s.flags),
          String(s.link),
          String(s.info),
          String(s.addralign),
        ]);
      }
      let out = `${file}: ELF${rep.class} ${rep.endian}-endian ${rep.type}, machine ${rep.machine}, ${elf.sections.length} sections\n`;
      out += table(rows);
      const b = rep.btf;
      out +=
        b === null
          ? 'BTF:     none\n'
          : b.error !== undefined
            ? `BTF:     ${BTF_ELF_SEC} [${b.index}] ${b.size} bytes: invalid: ${b.error}\n`
            : `BTF:     ${BTF_ELF_SEC} [${b.index}] ${b.size} bytes, ${b.endian}-endian, ${b.types} types, ${b.string_bytes} string bytes\n`;
      const x = rep.btf_ext;
      out +=
        x === null
          ? 'BTF.ext: none\n'
          : x.error !== undefined
            ? `BTF.ext: ${BTF_EXT_ELF_SEC} [${x.index}] ${x.size} bytes: invalid: ${x.error}\n`
            : `BTF.ext: ${BTF_EXT_ELF_SEC} [${x.index}] ${x.size} bytes, ${x.endian}-endian, ${x.func_info} func_info, ${x.line_info} line_info, ${x.core_relo} core_relo records\n`;
      io.out(out);
    });
}
