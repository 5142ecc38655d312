/**
 * ELF reader: the part of an object file btfkit needs to find, replace and fix
 * up BTF — the header, the section header table and its names, section data,
 * the symbol table and the relocation sections.
 *
 * The problem is trust. An object is a header that points at a table that
 * points at data, and every pointer can lie: `e_shoff` past the end, an
 * `e_shnum` of 60000 in a 1 KiB file, `sh_offset + sh_size` beyond the data, a
 * name that runs off the string table. The reader therefore checks each pointer
 * before it follows it, and allocates only in proportion to the bytes it was
 * given (a count is believed only after `count * entry size` fits in the file).
 * Anything wrong ends in an {@link ElfError} naming the section and the file
 * offset of the record that lied; never a RangeError, never a hang.
 *
 * ```
 *  0        e_ehsize      sh_offset[i]            e_shoff
 *  +--------+----------...+---------------+-----...+----------------------+
 *  | Ehdr   |  (Phdrs)    | section data  |        | Shdr[0] ... Shdr[n-1]|
 *  +--------+----------...+---------------+-----...+----------------------+
 *     e_shstrndx ---> Shdr[k] ---> ".shstrtab" data, indexed by sh_name
 *     .symtab (sh_link -> .strtab), .rel<x>/.rela<x> (sh_link -> .symtab,
 *     sh_info -> <x>)
 * ```
 *
 * Both classes (ELF32, ELF64) and byte orders are read through one DataView;
 * extended numbering (`e_shnum == 0`, `e_shstrndx == SHN_XINDEX`,
 * `e_phnum == PN_XNUM`, `st_shndx == SHN_XINDEX` with `.symtab_shndx`) is
 * handled. Section data is never copied: {@link ElfFile.sectionData} returns a
 * subarray of the input.
 *
 * File offsets, sizes, indices and counts are numbers (they are checked against
 * the file length, so they are exact); addresses, symbol values and sizes and
 * relocation addends are bigints, since kernel addresses do not fit in 53 bits.
 *
 * @module
 */
import { inputBytes } from '../input.js';
import { BtfErrorCode, ElfError } from '../errors.js';

/** Section types (`sh_type`), as in `<elf.h>`. */
export const SHT = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  HASH: 5,
  DYNAMIC: 6,
  NOTE: 7,
  NOBITS: 8,
  REL: 9,
  SHLIB: 10,
  DYNSYM: 11,
  INIT_ARRAY: 14,
  FINI_ARRAY: 15,
  PREINIT_ARRAY: 16,
  GROUP: 17,
  SYMTAB_SHNDX: 18,
  LLVM_ADDRSIG: 0x6fff4c03,
  GNU_HASH: 0x6ffffff6,
  GNU_VERDEF: 0x6ffffffd,
  GNU_VERNEED: 0x6ffffffe,
  GNU_VERSYM: 0x6fffffff,
} as const;

/** Section flags (`sh_flags`), as in `<elf.h>`. */
export const SHF = {
  WRITE: 0x1,
  ALLOC: 0x2,
  EXECINSTR: 0x4,
  MERGE: 0x10,
  STRINGS: 0x20,
  INFO_LINK: 0x40,
  LINK_ORDER: 0x80,
  OS_NONCONFORMING: 0x100,
  GROUP: 0x200,
  TLS: 0x400,
  COMPRESSED: 0x800,
  GNU_RETAIN: 0x200000,
  EXCLUDE: 0x80000000,
} as const;

/** Special section indices (`st_shndx`, `e_shstrndx`), as in `<elf.h>`. */
export const SHN = {
  UNDEF: 0,
  LORESERVE: 0xff00,
  ABS: 0xfff1,
  COMMON: 0xfff2,
  XINDEX: 0xffff,
} as const;

/** Object file types (`e_type`). */
export const ET = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;

/** A few machine numbers (`e_machine`) btfkit meets. */
export const EM = {
  NONE: 0,
  I386: 3,
  MIPS: 8,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  BPF: 247,
  LOONGARCH: 258,
} as const;

/** Program header types (`p_type`). */
export const PT = { NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, PHDR: 6, TLS: 7 } as const;

/** Symbol bindings (`ELF64_ST_BIND`). */
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;

/** Symbol types (`ELF64_ST_TYPE`). */
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4, COMMON: 5, TLS: 6 } as const;

/** Symbol visibilities (`ELF64_ST_VISIBILITY`). */
export const STV = { DEFAULT: 0, INTERNAL: 1, HIDDEN: 2, PROTECTED: 3 } as const;

/**
 * Field offsets and record sizes per ELF class (`Elf32_*` / `Elf64_*` in
 * `<elf.h>`). Shared with the writer, which patches headers in place.
 * @internal
 */
export const ELF_LAYOUT = {
  32: {
    ehdrSize: 52,
    e: {
      type: 16,
      machine: 18,
      version: 20,
      entry: 24,
      phoff: 28,
      shoff: 32,
      flags: 36,
      ehsize: 40,
      phentsize: 42,
      phnum: 44,
      shentsize: 46,
      shnum: 48,
      shstrndx: 50,
    },
    shdrSize: 40,
    sh: { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36 },
    phdrSize: 32,
    ph: { type: 0, offset: 4, vaddr: 8, paddr: 12, filesz: 16, memsz: 20, flags: 24, align: 28 },
    symSize: 16,
    st: { name: 0, value: 4, size: 8, info: 12, other: 13, shndx: 14 },
    relSize: 8,
    relaSize: 12,
    wordSize: 4,
  },
  64: {
    ehdrSize: 64,
    e: {
      type: 16,
      machine: 18,
      version: 20,
      entry: 24,
      phoff: 32,
      shoff: 40,
      flags: 48,
      ehsize: 52,
      phentsize: 54,
      phnum: 56,
      shentsize: 58,
      shnum: 60,
      shstrndx: 62,
    },
    shdrSize: 64,
    sh: { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44, addralign: 48, entsize: 56 },
    phdrSize: 56,
    ph: { type: 0, flags: 4, offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40, align: 48 },
    symSize: 24,
    st: { name: 0, info: 4, other: 5, shndx: 6, value: 8, size: 16 },
    relSize: 16,
    relaSize: 24,
    wordSize: 8,
  },
} as const;

/** The record layout of one ELF class. @internal */
export type ElfLayout = (typeof ELF_LAYOUT)[32 | 64];

/** One entry of the section header table (`Elf64_Shdr`), with its name resolved. */
export interface ElfSection {
  /** Index in the section header table. */
  readonly index: number;
  /** The name from the section-name string table (`''` for section 0). */
  readonly name: string;
  /** `sh_name`: offset of the name in the section-name string table. */
  readonly nameOff: number;
  /** `sh_type`, one of {@link SHT} or a processor/OS value. */
  readonly type: number;
  /** `sh_flags`, a mask of {@link SHF}. */
  readonly flags: number;
  /** `sh_addr`. */
  readonly addr: bigint;
  /** `sh_offset`: where the data starts in the file. */
  readonly offset: number;
  /** `sh_size`: bytes of data (for SHT_NOBITS, bytes in memory only). */
  readonly size: number;
  /** `sh_link`. */
  readonly link: number;
  /** `sh_info`. */
  readonly info: number;
  /** `sh_addralign` (0 and 1 both mean unaligned). */
  readonly addralign: number;
  /** `sh_entsize`. */
  readonly entsize: number;
  /** File offset of this section's header entry. */
  readonly headerOffset: number;
}

/** One program header (`Elf64_Phdr`). */
export interface ElfSegment {
  /** Index in the program header table. */
  readonly index: number;
  /** `p_type`, one of {@link PT} or an OS/processor value. */
  readonly type: number;
  /** `p_flags`. */
  readonly flags: number;
  /** `p_offset`. */
  readonly offset: number;
  /** `p_vaddr`. */
  readonly vaddr: bigint;
  /** `p_paddr`. */
  readonly paddr: bigint;
  /** `p_filesz`. */
  readonly filesz: number;
  /** `p_memsz`. */
  readonly memsz: bigint;
  /** `p_align`. */
  readonly align: bigint;
}

/** One symbol of `.symtab` (`Elf64_Sym`). */
export interface ElfSymbol {
  /** Index in the symbol table (0 is the null symbol). */
  readonly index: number;
  /** The name from the linked string table. */
  readonly name: string;
  /** `st_name`. */
  readonly nameOff: number;
  /** `st_value`. */
  readonly value: bigint;
  /** `st_size`. */
  readonly size: bigint;
  /**
   * The section index: `st_shndx`, or the `.symtab_shndx` entry when
   * `st_shndx` is SHN_XINDEX. Special values are {@link SHN}.
   */
  readonly shndx: number;
  /** Binding, one of {@link STB} (`st_info >> 4`). */
  readonly bind: number;
  /** Type, one of {@link STT} (`st_info & 0xf`). */
  readonly type: number;
  /** Visibility, one of {@link STV} (`st_other & 3`). */
  readonly visibility: number;
}

/** One relocation (`Elf64_Rel` / `Elf64_Rela`). */
export interface ElfRelocation {
  /** `r_offset`: in a relocatable object, the byte offset in the target section. */
  readonly offset: bigint;
  /** Symbol index (`ELF64_R_SYM(r_info)`) in the linked symbol table. */
  readonly symbol: number;
  /** Relocation type (`ELF64_R_TYPE(r_info)`), machine specific. */
  readonly type: number;
  /** `r_addend`; 0 for SHT_REL. */
  readonly addend: bigint;
}

/** A SHT_REL or SHT_RELA section and what it applies to. */
export interface ElfRelocationSection {
  /** The relocation section itself. */
  readonly section: ElfSection;
  /** True for SHT_RELA (explicit addends). */
  readonly rela: boolean;
  /** The section the relocations apply to (`sh_info`), if any. */
  readonly target: ElfSection | undefined;
  /** The symbol table the relocations index (`sh_link`), if any. */
  readonly symtab: ElfSection | undefined;
  /** The relocations, in file order. */
  readonly relocations: readonly ElfRelocation[];
}

/** Options for {@link parseElf}. */
export interface ParseElfOptions {
  /** The file name, recorded in errors. */
  file?: string;
}

/** What {@link parseElf} found; constructed by it only. */
interface ElfFileInit {
  bytes: Uint8Array;
  file: string | undefined;
  elfClass: 32 | 64;
  littleEndian: boolean;
  osabi: number;
  abiVersion: number;
  type: number;
  machine: number;
  version: number;
  entry: bigint;
  flags: number;
  phoff: number;
  shoff: number;
  shentsize: number;
  shstrndx: number;
  sections: ElfSection[];
  segments: ElfSegment[];
  symtab: ElfSection | undefined;
  symbols: ElfSymbol[];
  relocations: ElfRelocationSection[];
}

/**
 * A parsed ELF object: header fields, sections, symbols and relocations, all
 * validated, over the original bytes (which must not be modified while in use).
 */
export class ElfFile {
  /** The whole file, as given to {@link parseElf}. */
  readonly bytes: Uint8Array;
  /** The file name given to {@link parseElf}, for messages. */
  readonly file: string | undefined;
  /** ELF class: 32 or 64 (`EI_CLASS`). */
  readonly elfClass: 32 | 64;
  /** True for ELFDATA2LSB. */
  readonly littleEndian: boolean;
  /** `'little'` or `'big'` (`EI_DATA`). */
  readonly endianness: 'little' | 'big';
  /** `EI_OSABI`. */
  readonly osabi: number;
  /** `EI_ABIVERSION`. */
  readonly abiVersion: number;
  /** `e_type`, one of {@link ET}. */
  readonly type: number;
  /** `e_machine`, e.g. {@link EM}.BPF. */
  readonly machine: number;
  /** `e_version`. */
  readonly version: number;
  /** `e_entry`. */
  readonly entry: bigint;
  /** `e_flags`. */
  readonly flags: number;
  /** `e_phoff` (0 without program headers). */
  readonly phoff: number;
  /** `e_shoff` (0 without section headers). */
  readonly shoff: number;
  /** `e_shentsize`. */
  readonly shentsize: number;
  /** Index of the section-name string table (resolved through SHN_XINDEX); 0 if none. */
  readonly shstrndx: number;
  /** Every section header, by index; section 0 is the null section. */
  readonly sections: readonly ElfSection[];
  /** Every program header (empty for relocatable objects). */
  readonly segments: readonly ElfSegment[];
  /** The SHT_SYMTAB section, if any. */
  readonly symtab: ElfSection | undefined;
  /** The symbols of {@link symtab}, by index (empty without one). */
  readonly symbols: readonly ElfSymbol[];
  /** Every SHT_REL and SHT_RELA section, in section order. */
  readonly relocations: readonly ElfRelocationSection[];
  readonly #byName: Map<string, ElfSection>;

  /** @internal Use {@link parseElf}. */
  constructor(init: ElfFileInit) {
    this.bytes = init.bytes;
    this.file = init.file;
    this.elfClass = init.elfClass;
    this.littleEndian = init.littleEndian;
    this.endianness = init.littleEndian ? 'little' : 'big';
    this.osabi = init.osabi;
    this.abiVersion = init.abiVersion;
    this.type = init.type;
    this.machine = init.machine;
    this.version = init.version;
    this.entry = init.entry;
    this.flags = init.flags;
    this.phoff = init.phoff;
    this.shoff = init.shoff;
    this.shentsize = init.shentsize;
    this.shstrndx = init.shstrndx;
    this.sections = init.sections;
    this.segments = init.segments;
    this.symtab = init.symtab;
    this.symbols = init.symbols;
    this.relocations = init.relocations;
    this.#byName = new Map();
    for (const s of init.sections) {
      if (s.index !== 0 && !this.#byName.has(s.name)) this.#byName.set(s.name, s);
    }
  }

  /** Returns the first section called `name`, or undefined. */
  section(name: string): ElfSection | undefined {
    return this.#byName.get(name);
  }

  /**
   * Returns the data of `sec` as a subarray of {@link bytes} (no copy). For
   * SHT_NOBITS and SHT_NULL sections the result is empty; `sec.size` still
   * holds the size in memory.
   * @throws ElfError `EINVAL` when `sec` is not a section of this file.
   */
  sectionData(sec: ElfSection): Uint8Array {
    const own = this.sections[sec.index];
    if (own === undefined || own.offset !== sec.offset || own.size !== sec.size || own.type !== sec.type) {
      throw new ElfError(
        BtfErrorCode.InvalidArgument,
        `section ${sec.name || `[${sec.index}]`} is not a section of this file`,
        {
          section: sec.name,
          ...(this.file !== undefined ? { file: this.file } : {}),
        },
      );
    }
    if (!hasFileData(own)) return this.bytes.subarray(0, 0);
    return this.bytes.subarray(own.offset, own.offset + own.size);
  }

  /** Returns the relocation sections that apply to `sec` (usually zero or one). */
  relocationsFor(sec: ElfSection): ElfRelocationSection[] {
    return this.relocations.filter((r) => r.target?.index === sec.index);
  }
}

/** True when a section occupies bytes of the file (not NULL, not NOBITS). @internal */
export function hasFileData(s: { type: number }): boolean {
  return s.type !== SHT.NULL && s.type !== SHT.NOBITS;
}

/** `0x1c0` */
function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/** Reads fixed-size fields in the file's byte order; offsets are checked by the caller. */
class FieldReader {
  readonly #dv: DataView;
  readonly #le: boolean;
  readonly is64: boolean;

  constructor(bytes: Uint8Array, le: boolean, is64: boolean) {
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#le = le;
    this.is64 = is64;
  }

  u8(off: number): number {
    return this.#dv.getUint8(off);
  }
  u16(off: number): number {
    return this.#dv.getUint16(off, this.#le);
  }
  u32(off: number): number {
    return this.#dv.getUint32(off, this.#le);
  }
  /** An unsigned 64-bit field as a number: exact below 2^53, which every value checked against the file length is. */
  u64(off: number): number {
    return this.high32(off) * 0x1_0000_0000 + this.low32(off);
  }
  /** The upper half of a 64-bit field. */
  high32(off: number): number {
    return this.#dv.getUint32(off + (this.#le ? 4 : 0), this.#le);
  }
  /** The lower half of a 64-bit field. */
  low32(off: number): number {
    return this.#dv.getUint32(off + (this.#le ? 0 : 4), this.#le);
  }
  /** A class-sized unsigned field (Elf32_Word/Off or Elf64_Xword/Off) as a number. */
  word(off: number): number {
    return this.is64 ? this.u64(off) : this.u32(off);
  }
  /** A class-sized unsigned field as a bigint. */
  bigWord(off: number): bigint {
    return this.is64 ? this.#dv.getBigUint64(off, this.#le) : BigInt(this.#dv.getUint32(off, this.#le));
  }
  /**
   * Returns the index of the first of `count` relocation records (`entsize`
   * bytes each, from `start`) whose symbol index (ELF64_R_SYM: `r_info >>
   * 32`, ELF32_R_SYM: `r_info >> 8`) is `limit` or more; -1 when none is.
   * One tight loop: an object built with `-g` has tens of thousands.
   */
  firstSymbolAtLeast(start: number, count: number, entsize: number, limit: number): number {
    const dv = this.#dv;
    const le = this.#le;
    if (this.is64 && le && HOST_LE && entsize % 4 === 0 && (dv.byteOffset + start) % 4 === 0) {
      // the usual case read as words in place: no DataView call per record
      const u32 = new Uint32Array(dv.buffer, dv.byteOffset + start, (count * entsize) / 4);
      const step = entsize / 4;
      for (let i = 0, w = 3; i < count; i++, w += step) if (u32[w]! >= limit) return i;
      return -1;
    }
    if (this.is64) {
      const at = start + 8 + (le ? 4 : 0);
      for (let i = 0; i < count; i++) if (dv.getUint32(at + i * entsize, le) >= limit) return i;
    } else {
      const at = start + 4;
      for (let i = 0; i < count; i++) if (dv.getUint32(at + i * entsize, le) >>> 8 >= limit) return i;
    }
    return -1;
  }
  /** A class-sized signed field (r_addend) as a bigint. */
  bigSword(off: number): bigint {
    return this.is64 ? this.#dv.getBigInt64(off, this.#le) : BigInt(this.#dv.getInt32(off, this.#le));
  }
}

const decoder = new TextDecoder('utf-8');

/** Whether this machine is little-endian (a Uint32Array then reads a little-endian file's words as they are). */
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Shared state of one parse. */
interface Ctx {
  readonly bytes: Uint8Array;
  readonly r: FieldReader;
  readonly lay: ElfLayout;
}

function label(s: { index: number; name?: string }): string {
  return s.name ? s.name : `[${s.index}]`;
}

function sectionError(
  code: BtfErrorCode,
  s: { index: number; name?: string },
  detail: string,
  offset: number,
): ElfError {
  return new ElfError(code, `section ${label(s)}: ${detail}`, { section: label(s), offset });
}

/**
 * Returns the NUL-terminated string at `off` of string table `tab`.
 * @throws ElfError `ESTRING` when `off` is outside the table or the string has no NUL.
 */
function readString(tab: Uint8Array, off: number, what: () => string, tabSec: ElfSection, recordOff: number): string {
  if (off >= tab.length) {
    throw new ElfError(
      BtfErrorCode.BadString,
      `${what()}: name offset ${hex(off)} is outside ${label(tabSec)} (size ${hex(tab.length)})`,
      {
        section: label(tabSec),
        offset: recordOff,
      },
    );
  }
  const end = tab.indexOf(0, off);
  if (end < 0) {
    throw new ElfError(
      BtfErrorCode.BadString,
      `${what()}: name at ${label(tabSec)}+${hex(off)} is not NUL-terminated`,
      {
        section: label(tabSec),
        offset: recordOff,
      },
    );
  }
  return decoder.decode(tab.subarray(off, end));
}

/**
 * Returns the parsed and validated ELF object in `bytes`.
 *
 * Checks: magic, class, byte order; the section header table and every
 * section's data lie inside the file; no two sections (nor the headers)
 * overlap; section names and symbol names are inside their string tables and
 * NUL-terminated; symbol and relocation tables have the standard entry size and
 * a whole number of entries; every section index (`e_shstrndx`, `sh_link` of
 * symbol and relocation tables, `sh_info` of relocation tables, `st_shndx`) is
 * in range; program headers lie inside the file. `r_offset` is not checked
 * against the target section: `.rel.BTF` legitimately goes stale once `.BTF`
 * is replaced, and libbpf ignores it.
 *
 * @param bytes The whole file. Not copied: keep it unchanged while the result is used.
 * @throws ElfError `EFORMAT` (not ELF), `EHEADER` (bad header field), `ETRUNC`
 *   (header tables past the end), `ESECTION` (bad section bounds, overlap,
 *   entry size or index), `ESTRING` (bad name).
 */
export function parseElf(bytes: Uint8Array, opts: ParseElfOptions = {}): ElfFile {
  try {
    return parse(inputBytes(bytes, 'parseElf'), opts.file);
  } catch (e) {
    if (e instanceof ElfError && opts.file !== undefined) e.withFile(opts.file);
    throw e;
  }
}

function parse(bytes: Uint8Array, file: string | undefined): ElfFile {
  const len = bytes.length;
  if (len < 16) {
    throw new ElfError(BtfErrorCode.Truncated, `elf header: file is ${len} bytes, too short for e_ident (16)`, {
      offset: 0,
    });
  }
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ElfError(BtfErrorCode.Format, `not an elf file: bad magic ${magic}`, { offset: 0 });
  }
  const cls = bytes[4];
  if (cls !== 1 && cls !== 2)
    throw new ElfError(BtfErrorCode.BadHeader, `elf header: invalid class ${cls ?? 0} (EI_CLASS)`, { offset: 4 });
  const data = bytes[5];
  if (data !== 1 && data !== 2)
    throw new ElfError(BtfErrorCode.BadHeader, `elf header: invalid byte order ${data ?? 0} (EI_DATA)`, { offset: 5 });
  const elfClass = cls === 2 ? 64 : 32;
  const lay: ElfLayout = ELF_LAYOUT[elfClass];
  const le = data === 1;
  if (len < lay.ehdrSize) {
    throw new ElfError(
      BtfErrorCode.Truncated,
      `elf header: file is ${len} bytes, too short for the ELF${elfClass} header (${lay.ehdrSize})`,
      {
        offset: 0,
      },
    );
  }
  const r = new FieldReader(bytes, le, elfClass === 64);
  const c: Ctx = { bytes, r, lay };
  const e = lay.e;

  const sections = readSectionHeaders(c);
  const shstrndx = resolveShstrndx(c, sections);
  nameSections(c, sections, shstrndx);
  checkSectionBounds(c, sections);
  const segments = readSegments(c, sections);
  checkOverlaps(c, sections, segments);
  const { symtab, symbols } = readSymbols(c, sections);
  const relocations = readRelocations(c, sections);

  return new ElfFile({
    bytes,
    file,
    elfClass,
    littleEndian: le,
    osabi: r.u8(7),
    abiVersion: r.u8(8),
    type: r.u16(e.type),
    machine: r.u16(e.machine),
    version: r.u32(e.version),
    entry: r.bigWord(e.entry),
    flags: r.u32(e.flags),
    phoff: segments.length ? r.word(e.phoff) : 0,
    shoff: sections.length ? r.word(e.shoff) : 0,
    shentsize: r.u16(e.shentsize),
    shstrndx,
    sections,
    segments,
    symtab,
    symbols,
    relocations,
  });
}

type MutableSection = { -readonly [K in keyof ElfSection]: ElfSection[K] };

/** Reads the section header table, with its count resolved through section 0 when `e_shnum` is 0. */
function readSectionHeaders(c: Ctx): MutableSection[] {
  const { r, lay, bytes } = c;
  const len = bytes.length;
  const shoff = r.word(lay.e.shoff);
  const eShnum = r.u16(lay.e.shnum);
  const shentsize = r.u16(lay.e.shentsize);
  if (shoff === 0) {
    if (eShnum !== 0) {
      throw new ElfError(BtfErrorCode.BadHeader, `elf header: e_shnum is ${eShnum} but e_shoff is 0`, {
        offset: lay.e.shnum,
      });
    }
    return [];
  }
  if (shentsize !== lay.shdrSize) {
    throw new ElfError(BtfErrorCode.BadHeader, `elf header: e_shentsize is ${shentsize}, expected ${lay.shdrSize}`, {
      offset: lay.e.shentsize,
    });
  }
  if (shoff > len || len - shoff < shentsize) {
    throw new ElfError(
      BtfErrorCode.Truncated,
      `section header table: offset ${hex(shoff)} + entry size ${hex(shentsize)} is past the end of the file (${hex(len)})`,
      { offset: lay.e.shoff },
    );
  }
  let shnum = eShnum;
  if (shnum === 0) {
    // Extended numbering: the real count is in section 0's sh_size.
    shnum = r.word(shoff + lay.sh.size);
    if (shnum === 0) return [];
  }
  if ((len - shoff) / shentsize < shnum) {
    throw new ElfError(
      BtfErrorCode.Truncated,
      `section header table: offset ${hex(shoff)} + ${shnum} entries of ${hex(shentsize)} bytes is past the end of the file (${hex(len)})`,
      { offset: eShnum === 0 ? shoff + lay.sh.size : lay.e.shnum },
    );
  }
  const sh = lay.sh;
  const out: MutableSection[] = new Array<MutableSection>(shnum);
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * shentsize;
    out[i] = {
      index: i,
      name: '',
      nameOff: r.u32(h + sh.name),
      type: r.u32(h + sh.type),
      flags: r.word(h + sh.flags),
      addr: r.bigWord(h + sh.addr),
      offset: r.word(h + sh.offset),
      size: r.word(h + sh.size),
      link: r.u32(h + sh.link),
      info: r.u32(h + sh.info),
      addralign: r.word(h + sh.addralign),
      entsize: r.word(h + sh.entsize),
      headerOffset: h,
    };
  }
  return out;
}

function resolveShstrndx(c: Ctx, sections: MutableSection[]): number {
  const { r, lay } = c;
  let idx = r.u16(lay.e.shstrndx);
  let where = lay.e.shstrndx;
  if (sections.length === 0) return 0;
  const s0 = sections[0] as MutableSection;
  if (idx === SHN.XINDEX) {
    idx = s0.link;
    where = s0.headerOffset + lay.sh.link;
  } else if (idx >= SHN.LORESERVE) {
    throw new ElfError(BtfErrorCode.BadHeader, `elf header: e_shstrndx ${hex(idx)} is a reserved index`, {
      offset: where,
    });
  }
  if (idx === SHN.UNDEF) return 0;
  const s = sections[idx];
  if (s === undefined) {
    throw new ElfError(
      BtfErrorCode.BadHeader,
      `elf header: e_shstrndx ${idx} is out of range (${sections.length} sections)`,
      {
        offset: where,
      },
    );
  }
  if (s.type !== SHT.STRTAB) {
    throw sectionError(
      BtfErrorCode.BadSection,
      s,
      `section-name table has type ${hex(s.type)}, expected SHT_STRTAB`,
      s.headerOffset + lay.sh.type,
    );
  }
  checkDataBounds(c, s);
  return idx;
}

function nameSections(c: Ctx, sections: MutableSection[], shstrndx: number): void {
  if (shstrndx === 0) return;
  const tabSec = sections[shstrndx] as MutableSection;
  const tab = c.bytes.subarray(tabSec.offset, tabSec.offset + tabSec.size);
  for (const s of sections) {
    if (s.index === 0 && s.nameOff === 0) continue;
    s.name = readString(tab, s.nameOff, () => `section [${s.index}]`, tabSec, s.headerOffset + c.lay.sh.name);
  }
}

function checkDataBounds(c: Ctx, s: MutableSection): void {
  if (!hasFileData(s)) return;
  const len = c.bytes.length;
  if (s.offset > len || s.size > len - s.offset) {
    throw sectionError(
      BtfErrorCode.BadSection,
      s,
      `offset ${hex(s.offset)} + size ${hex(s.size)} is past the end of the file (${hex(len)})`,
      s.headerOffset + c.lay.sh.offset,
    );
  }
}

function checkSectionBounds(c: Ctx, sections: MutableSection[]): void {
  for (const s of sections) {
    checkDataBounds(c, s);
    if (s.type === SHT.NOBITS && !Number.isSafeInteger(s.size)) {
      throw sectionError(
        BtfErrorCode.BadSection,
        s,
        `size ${hex(s.size)} is too large`,
        s.headerOffset + c.lay.sh.size,
      );
    }
  }
}

/** Reads the program headers (count through section 0's sh_info for PN_XNUM). */
function readSegments(c: Ctx, sections: MutableSection[]): ElfSegment[] {
  const { r, lay, bytes } = c;
  const len = bytes.length;
  let phnum = r.u16(lay.e.phnum);
  const phoff = r.word(lay.e.phoff);
  const phentsize = r.u16(lay.e.phentsize);
  if (phnum === 0) return [];
  let where: number = lay.e.phnum;
  if (phnum === 0xffff) {
    const s0 = sections[0];
    if (s0 === undefined) {
      throw new ElfError(BtfErrorCode.BadHeader, 'elf header: e_phnum is PN_XNUM but there is no section 0', {
        offset: lay.e.phnum,
      });
    }
    phnum = s0.info;
    where = s0.headerOffset + lay.sh.info;
    if (phnum === 0) return [];
  }
  if (phentsize !== lay.phdrSize) {
    throw new ElfError(BtfErrorCode.BadHeader, `elf header: e_phentsize is ${phentsize}, expected ${lay.phdrSize}`, {
      offset: lay.e.phentsize,
    });
  }
  if (phoff === 0 || phoff > len || (len - phoff) / phentsize < phnum) {
    throw new ElfError(
      BtfErrorCode.Truncated,
      `program header table: offset ${hex(phoff)} + ${phnum} entries of ${hex(phentsize)} bytes is past the end of the file (${hex(len)})`,
      { offset: phoff === 0 ? lay.e.phoff : where },
    );
  }
  const ph = lay.ph;
  const out: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const h = phoff + i * phentsize;
    const seg: ElfSegment = {
      index: i,
      type: r.u32(h + ph.type),
      flags: r.u32(h + ph.flags),
      offset: r.word(h + ph.offset),
      vaddr: r.bigWord(h + ph.vaddr),
      paddr: r.bigWord(h + ph.paddr),
      filesz: r.word(h + ph.filesz),
      memsz: r.bigWord(h + ph.memsz),
      align: r.bigWord(h + ph.align),
    };
    if (seg.type !== PT.NULL && (seg.offset > len || seg.filesz > len - seg.offset)) {
      throw new ElfError(
        BtfErrorCode.BadSection,
        `program header ${i}: offset ${hex(seg.offset)} + size ${hex(seg.filesz)} is past the end of the file (${hex(len)})`,
        { offset: h + ph.offset },
      );
    }
    out.push(seg);
  }
  return out;
}

/** Fails when two sections, or a section and a header table, share bytes of the file. */
function checkOverlaps(c: Ctx, sections: MutableSection[], segments: ElfSegment[]): void {
  const { r, lay } = c;
  interface Span {
    start: number;
    end: number;
    what: string;
    sec: MutableSection | undefined;
  }
  const spans: Span[] = [{ start: 0, end: lay.ehdrSize, what: 'the elf header', sec: undefined }];
  if (sections.length) {
    const shoff = r.word(lay.e.shoff);
    spans.push({
      start: shoff,
      end: shoff + sections.length * lay.shdrSize,
      what: 'the section header table',
      sec: undefined,
    });
  }
  if (segments.length) {
    const phoff = r.word(lay.e.phoff);
    spans.push({
      start: phoff,
      end: phoff + segments.length * lay.phdrSize,
      what: 'the program header table',
      sec: undefined,
    });
  }
  for (const s of sections) {
    if (hasFileData(s) && s.size > 0)
      spans.push({ start: s.offset, end: s.offset + s.size, what: `section ${label(s)}`, sec: s });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  let prev: Span | undefined;
  for (const sp of spans) {
    if (prev !== undefined && sp.start < prev.end) {
      // Blame a section rather than a header table; the later one if both are sections.
      const [culprit, other] = sp.sec !== undefined || prev.sec === undefined ? [sp, prev] : [prev, sp];
      const range = (x: Span): string => `${hex(x.start)}-${hex(x.end)}`;
      const detail = `${range(culprit)} overlaps ${other.what} (${range(other)})`;
      if (culprit.sec !== undefined)
        throw sectionError(BtfErrorCode.BadSection, culprit.sec, detail, culprit.sec.headerOffset + lay.sh.offset);
      throw new ElfError(BtfErrorCode.BadSection, `${culprit.what}: ${detail}`, { offset: culprit.start });
    }
    if (prev === undefined || sp.end > prev.end) prev = sp;
  }
}

/** Returns the section `idx` links to, failing unless it exists and has one of `types`. */
function linkedSection(
  c: Ctx,
  sections: MutableSection[],
  from: MutableSection,
  idx: number,
  types: readonly number[],
  what: string,
): MutableSection {
  const s = idx === 0 ? undefined : sections[idx];
  if (s === undefined) {
    throw sectionError(
      BtfErrorCode.BadSection,
      from,
      `sh_link ${idx} is not a valid ${what} section index (${sections.length} sections)`,
      from.headerOffset + c.lay.sh.link,
    );
  }
  if (!types.includes(s.type)) {
    throw sectionError(
      BtfErrorCode.BadSection,
      from,
      `sh_link ${idx} points to ${label(s)} of type ${hex(s.type)}, not a ${what}`,
      from.headerOffset + c.lay.sh.link,
    );
  }
  return s;
}

/** Checks a table section's entry size and returns its entry count. */
function entryCount(c: Ctx, s: MutableSection, want: number): number {
  if (s.entsize !== want) {
    throw sectionError(
      BtfErrorCode.BadSection,
      s,
      `entry size ${s.entsize}, expected ${want}`,
      s.headerOffset + c.lay.sh.entsize,
    );
  }
  if (s.size % want !== 0) {
    throw sectionError(
      BtfErrorCode.BadSection,
      s,
      `size ${hex(s.size)} is not a multiple of the entry size ${want}`,
      s.headerOffset + c.lay.sh.size,
    );
  }
  return s.size / want;
}

function readSymbols(c: Ctx, sections: MutableSection[]): { symtab: ElfSection | undefined; symbols: ElfSymbol[] } {
  const { r, lay, bytes } = c;
  const symtab = sections.find((s) => s.type === SHT.SYMTAB);
  if (symtab === undefined) return { symtab: undefined, symbols: [] };
  const count = entryCount(c, symtab, lay.symSize);
  const strSec = linkedSection(c, sections, symtab, symtab.link, [SHT.STRTAB], 'string table');
  const strtab = bytes.subarray(strSec.offset, strSec.offset + strSec.size);

  // SHT_SYMTAB_SHNDX holds the real section index of symbols whose st_shndx is SHN_XINDEX.
  let xindex: { sec: MutableSection; count: number } | undefined;
  const xsec = sections.find((s) => s.type === SHT.SYMTAB_SHNDX && s.link === symtab.index);
  if (xsec !== undefined) xindex = { sec: xsec, count: entryCount(c, xsec, 4) };

  const st = lay.st;
  const symbols: ElfSymbol[] = new Array<ElfSymbol>(count);
  for (let i = 0; i < count; i++) {
    const h = symtab.offset + i * lay.symSize;
    const nameOff = r.u32(h + st.name);
    const info = r.u8(h + st.info);
    const other = r.u8(h + st.other);
    let shndx = r.u16(h + st.shndx);
    let fromTable = false;
    if (shndx === SHN.XINDEX) {
      if (xindex === undefined || i >= xindex.count) {
        throw sectionError(
          BtfErrorCode.BadSection,
          symtab,
          `symbol ${i}: st_shndx is SHN_XINDEX but there is no SHT_SYMTAB_SHNDX entry for it`,
          h + st.shndx,
        );
      }
      shndx = r.u32(xindex.sec.offset + i * 4);
      fromTable = true;
    }
    if (shndx !== SHN.UNDEF && (fromTable || shndx < SHN.LORESERVE) && shndx >= sections.length) {
      throw sectionError(
        BtfErrorCode.BadSection,
        symtab,
        `symbol ${i}: section index ${shndx} is out of range (${sections.length} sections)`,
        h + st.shndx,
      );
    }
    const name =
      nameOff === 0
        ? ''
        : readString(strtab, nameOff, () => `section ${label(symtab)}: symbol ${i}`, strSec, h + st.name);
    symbols[i] = {
      index: i,
      name,
      nameOff,
      value: r.bigWord(h + st.value),
      size: r.bigWord(h + st.size),
      shndx,
      bind: info >> 4,
      type: info & 0xf,
      visibility: other & 3,
    };
  }
  return { symtab, symbols };
}

function readRelocations(c: Ctx, sections: MutableSection[]): ElfRelocationSection[] {
  const { r, lay } = c;
  const out: ElfRelocationSection[] = [];
  const is64 = r.is64;
  for (const s of sections) {
    if (s.type !== SHT.REL && s.type !== SHT.RELA) continue;
    const rela = s.type === SHT.RELA;
    const entsize = rela ? lay.relaSize : lay.relSize;
    const count = entryCount(c, s, entsize);
    let symtab: MutableSection | undefined;
    let nsyms = 0;
    if (s.link !== 0) {
      symtab = linkedSection(c, sections, s, s.link, [SHT.SYMTAB, SHT.DYNSYM], 'symbol table');
      nsyms = Math.floor(symtab.size / lay.symSize);
    }
    let target: MutableSection | undefined;
    if (s.info !== 0) {
      target = sections[s.info];
      if (target === undefined) {
        throw sectionError(
          BtfErrorCode.BadSection,
          s,
          `sh_info ${s.info} is not a valid section index (${sections.length} sections)`,
          s.headerOffset + lay.sh.info,
        );
      }
    }
    const w = lay.wordSize;
    // every symbol index checked now (the file's errors are the parse's); the records are made on first use
    const i = r.firstSymbolAtLeast(s.offset, count, entsize, symtab !== undefined ? nsyms : 1);
    if (i >= 0) {
      const h = s.offset + i * entsize;
      const symbol = is64 ? r.high32(h + w) : r.u32(h + w) >>> 8;
      throw sectionError(
        BtfErrorCode.BadSection,
        s,
        `relocation ${i}: symbol index ${symbol} is out of range (${nsyms} symbols)`,
        h + w,
      );
    }
    out.push(new LazyRelocationSection(r, s, rela, target, symtab, count, entsize));
  }
  return out;
}

/**
 * A relocation section whose records are read on first use: an object
 * compiled with `-g` carries tens of thousands of DWARF relocations that
 * BTF work never reads (their symbol indices are checked at parse time).
 */
class LazyRelocationSection implements ElfRelocationSection {
  readonly section: ElfSection;
  readonly rela: boolean;
  readonly target: ElfSection | undefined;
  readonly symtab: ElfSection | undefined;
  #r: FieldReader | null;
  readonly #count: number;
  readonly #entsize: number;
  #relocations: ElfRelocation[] | null = null;

  constructor(
    r: FieldReader,
    section: ElfSection,
    rela: boolean,
    target: ElfSection | undefined,
    symtab: ElfSection | undefined,
    count: number,
    entsize: number,
  ) {
    this.#r = r;
    this.#entsize = entsize;
    this.section = section;
    this.rela = rela;
    this.target = target;
    this.symtab = symtab;
    this.#count = count;
  }

  get relocations(): readonly ElfRelocation[] {
    if (this.#relocations) return this.#relocations;
    const r = this.#r!;
    const count = this.#count;
    const rela = this.rela;
    const is64 = r.is64;
    const w = is64 ? 8 : 4;
    const entsize = this.#entsize;
    const start = this.section.offset;
    const relocations = new Array<ElfRelocation>(count);
    for (let i = 0; i < count; i++) {
      const h = start + i * entsize;
      let symbol: number;
      let type: number;
      if (is64) {
        // ELF64_R_SYM / ELF64_R_TYPE: r_info = sym << 32 | type.
        symbol = r.high32(h + w);
        type = r.low32(h + w);
      } else {
        const info = r.u32(h + w);
        symbol = info >>> 8;
        type = info & 0xff;
      }
      relocations[i] = {
        offset: r.bigWord(h),
        symbol,
        type,
        addend: rela ? r.bigSword(h + 2 * w) : 0n,
      };
    }
    this.#relocations = relocations;
    this.#r = null;
    return relocations;
  }
}
