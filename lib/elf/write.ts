/**
 * ELF writer: replace, add or remove sections of an existing object, and build
 * a minimal object that holds only BTF.
 *
 * The problem: change the bytes of one section (`.BTF` after dedup, say) and
 * leave everything else exactly as it was — other sections' bytes, their
 * order, their alignment, the program headers of an executable — while the
 * offsets in the section header table, `e_shoff`, the section count and
 * `e_shstrndx` follow the change.
 *
 * The layout keeps the original order of everything in the file (headers,
 * section data, the section header table) and moves each piece by the growth
 * of what lies before it, rounded up so that its offset keeps its original
 * remainder modulo its alignment:
 *
 * ```
 *  before:  | Ehdr | .text | .BTF (0x965) | .BTF.ext | .symtab | Shdrs |
 *  after:   | Ehdr | .text | .BTF (0xa00)     | .BTF.ext | .symtab | Shdrs |
 *                                            ^ delta = +0x9b, rounded up per
 *                                              section to its sh_addralign
 * ```
 *
 * With nothing changed the delta stays 0 and the output equals the input byte
 * for byte. New sections get the next indices (so every `sh_link`, `sh_info`
 * and `st_shndx` stays valid) and their data goes just before the section
 * header table when it ends the file (as clang and ld put it), else at the end.
 * Their names are found in, or appended to, the section-name string table; in
 * clang objects that table is `.strtab`, shared with `.symtab`, whose existing
 * offsets stay valid because names are only appended.
 *
 * Sections inside a program segment (executables, shared objects) cannot move
 * or change size: the segment would no longer describe them. Such a request
 * fails instead of producing a broken file.
 *
 * @module
 */
import { concatBytes } from '../dump/bytes.js';
import { inputBytes } from '../input.js';
import { BtfErrorCode, ElfError } from '../errors.js';
import { BTF_ELF_SEC, BTF_EXT_ELF_SEC } from '../kinds.js';
import {
  ELF_LAYOUT,
  type ElfFile,
  type ElfLayout,
  type ElfSection,
  EM,
  ET,
  hasFileData,
  SHF,
  SHN,
  SHT,
} from './read.js';

/** Header fields for a section that {@link replaceSections} adds. */
export interface NewSectionOptions {
  /** `sh_type`. Defaults to SHT_PROGBITS. */
  type?: number;
  /** `sh_flags`. Defaults to 0. */
  flags?: number;
  /** `sh_addralign`, 0 or a power of two. Defaults to 4 for `.BTF` and `.BTF.ext`, else 1. */
  addralign?: number;
  /** `sh_entsize`. Defaults to 0. */
  entsize?: number;
  /** `sh_link` (a section index). Defaults to 0. */
  link?: number;
  /** `sh_info`. Defaults to 0. */
  info?: number;
}

/** Options for {@link replaceSections}. */
export interface ReplaceSectionsOptions {
  /** Header fields for added sections, by name. Ignored for sections that already exist. */
  newSections?: Readonly<Record<string, NewSectionOptions>>;
}

/** Options for {@link newBtfObject}. */
export interface NewBtfObjectOptions {
  /** Write a big-endian object (ELFDATA2MSB). Defaults to false. */
  bigEndian?: boolean;
  /** `e_machine`. Defaults to EM_BPF (247). */
  machine?: number;
}

/** Largest padding one alignment may add; more means a lying sh_addralign. */
const MAX_PAD = 1 << 24;

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function invalid(detail: string, section?: string): ElfError {
  return new ElfError(BtfErrorCode.InvalidArgument, detail, section !== undefined ? { section } : {});
}

function alignUp(n: number, a: number): number {
  return a > 1 ? Math.ceil(n / a) * a : n;
}

/** The smallest multiple of `a` that is >= `d` (d may be negative). */
function ceilMultiple(d: number, a: number): number {
  return a > 1 ? Math.ceil(d / a) * a + 0 : d;
}

function isPowerOfTwoOrZero(a: number): boolean {
  return Number.isSafeInteger(a) && a >= 0 && a <= 0x1_0000_0000 && (a & (a - 1)) === 0;
}

const encoder = new TextEncoder();

/** Writes fixed-size fields in the object's byte order. */
class FieldWriter {
  readonly #dv: DataView;
  readonly #le: boolean;
  readonly #is64: boolean;

  constructor(bytes: Uint8Array, le: boolean, is64: boolean) {
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#le = le;
    this.#is64 = is64;
  }
  u16(off: number, v: number): void {
    this.#dv.setUint16(off, v, this.#le);
  }
  u32(off: number, v: number): void {
    this.#dv.setUint32(off, v >>> 0, this.#le);
  }
  /** A class-sized unsigned field from a non-negative safe integer. */
  word(off: number, v: number): void {
    if (!this.#is64) {
      this.#dv.setUint32(off, v, this.#le);
      return;
    }
    const hi = Math.floor(v / 0x1_0000_0000);
    const lo = v >>> 0;
    this.#dv.setUint32(off + (this.#le ? 0 : 4), lo, this.#le);
    this.#dv.setUint32(off + (this.#le ? 4 : 0), hi, this.#le);
  }
}

/** A section of the output, by new index. */
interface OutSection {
  /** The input section, or undefined for an added one. */
  readonly old: ElfSection | undefined;
  readonly name: string;
  nameOff: number;
  readonly type: number;
  /** New data; undefined keeps the input bytes. */
  data: Uint8Array | undefined;
  /** sh_size in the output. */
  size: number;
  /** sh_offset in the output. */
  offset: number;
  readonly opts: NewSectionOptions;
}

/** One piece of the file that is laid out in order. */
interface Chunk {
  readonly kind: 'ehdr' | 'phdr' | 'shdr' | 'section' | 'end';
  readonly origOff: number;
  readonly origSize: number;
  readonly newSize: number;
  readonly align: number;
  /** Occupies no bytes (SHT_NOBITS, or empty before and after): gets an offset, moves nothing. */
  readonly zero: boolean;
  readonly sec: OutSection | undefined;
  readonly what: string;
  newOff: number;
}

/** A byte range copied from the input to the output. */
interface Copy {
  from: number;
  to: number;
  size: number;
}

/**
 * Returns a new object file: `elf` with the data of the named sections
 * replaced, new sections added, or sections removed. Every section not named
 * keeps its bytes; offsets, the section header table, `e_shoff`, `e_shnum`,
 * `e_shstrndx` and (after removal) `sh_link`/`sh_info`/`st_shndx` are
 * rewritten. Mirrors what `llvm-objcopy --update-section`/`--add-section`/
 * `--remove-section` do, without moving anything that did not need to move.
 *
 * - `Uint8Array` for an existing name: replaces its data (`sh_size` follows;
 *   type, flags, alignment stay).
 * - `Uint8Array` for a new name: appends a section, by default SHT_PROGBITS
 *   with alignment 4 for `.BTF`/`.BTF.ext` and 1 otherwise (see
 *   {@link ReplaceSectionsOptions.newSections}); added in the map's order. The
 *   name is appended to the section-name table unless it is already there.
 * - `null`: removes the section, along with the SHT_REL/SHT_RELA sections that
 *   apply to it; a missing section is ignored. Later sections are renumbered
 *   and every index to them updated.
 *
 * @throws ElfError `EINVAL` when a name is empty, contains NUL or matches
 *   several sections; when asked to replace a SHT_NOBITS section or the
 *   section-name table; when a removed section is still referenced (by a
 *   symbol or an `sh_link`); when a section inside a program segment would move
 *   or change size. `E2BIG` when an alignment would need absurd padding.
 */
export function replaceSections(
  elf: ElfFile,
  changes: ReadonlyMap<string, Uint8Array | null>,
  opts: ReplaceSectionsOptions = {},
): Uint8Array {
  try {
    const plain = new Map<string, Uint8Array | null>();
    for (const [name, data] of changes)
      plain.set(name, data === null ? null : inputBytes(data, `replaceSections: section ${name}`));
    return rewrite(elf, plain, opts);
  } catch (e) {
    if (e instanceof ElfError && elf.file !== undefined) e.withFile(elf.file);
    throw e;
  }
}

function rewrite(
  elf: ElfFile,
  changes: ReadonlyMap<string, Uint8Array | null>,
  opts: ReplaceSectionsOptions,
): Uint8Array {
  const lay: ElfLayout = ELF_LAYOUT[elf.elfClass];
  const sections = elf.sections;
  const n = sections.length;
  if (n === 0) throw invalid('object has no section header table');

  const byName = new Map<string, ElfSection[]>();
  for (const s of sections) {
    if (s.index === 0) continue;
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }

  // 1. Sort the requests into replacements, removals and additions.
  const replaced = new Map<number, Uint8Array>();
  const removed = new Set<number>();
  const added: { name: string; data: Uint8Array }[] = [];
  for (const [name, data] of changes) {
    if (name === '' || name.includes('\0')) throw invalid(`invalid section name ${JSON.stringify(name)}`);
    const hits = byName.get(name) ?? [];
    if (hits.length > 1) throw invalid(`section ${name}: ${hits.length} sections have this name`, name);
    const hit = hits[0];
    if (hit !== undefined && hit.index === elf.shstrndx) {
      throw invalid(`section ${name}: holds the section names and cannot be replaced or removed`, name);
    }
    if (data === null) {
      if (hit !== undefined) removed.add(hit.index);
    } else if (hit !== undefined) {
      if (!hasFileData(hit))
        throw invalid(`section ${name}: cannot replace the data of a section of type ${hex(hit.type)}`, name);
      replaced.set(hit.index, data);
    } else {
      if (elf.shstrndx === 0)
        throw invalid(`section ${name}: cannot add a section to an object without a section-name table`, name);
      added.push({ name, data });
    }
  }

  const indexMap = planRemoval(elf, removed, replaced);
  const newShstrndx = indexMap[elf.shstrndx] ?? elf.shstrndx;

  // 2. Names of added sections: reuse an existing string, else append.
  const shstrSec = sections[elf.shstrndx] as ElfSection;
  const nameOffs: number[] = [];
  if (added.length) {
    const tab = elf.sectionData(shstrSec);
    const known = stringOffsets(tab);
    const tail: Uint8Array[] = [];
    let size = tab.length;
    // A name that is the tail of another (".BTF" in ".rel.BTF") is found by a
    // byte search, done only for a few names to stay linear in the table size.
    const searchTails = added.length <= 32;
    for (const a of added) {
      let off = known.get(a.name);
      if (off === undefined && searchTails) {
        const at = findTail(tab, encoder.encode(a.name));
        if (at >= 0) off = at;
      }
      if (off === undefined) {
        const b = encoder.encode(`${a.name}\0`);
        off = size;
        size += b.length;
        tail.push(b);
        known.set(a.name, off);
      }
      nameOffs.push(off);
    }
    if (tail.length) replaced.set(elf.shstrndx, concatBytes([tab, ...tail]));
  }

  // 3. The output sections, by new index.
  const out: OutSection[] = [];
  for (const s of sections) {
    if (removed.has(s.index)) continue;
    const data = replaced.get(s.index);
    out.push({
      old: s,
      name: s.name,
      nameOff: s.nameOff,
      type: s.type,
      data,
      size: data ? data.length : s.size,
      offset: s.offset,
      opts: {},
    });
  }
  for (const [i, a] of added.entries()) {
    const o = opts.newSections?.[a.name] ?? {};
    const align = o.addralign ?? (a.name === BTF_ELF_SEC || a.name === BTF_EXT_ELF_SEC ? 4 : 1);
    if (!isPowerOfTwoOrZero(align))
      throw invalid(`section ${a.name}: alignment ${align} is not a power of two`, a.name);
    out.push({
      old: undefined,
      name: a.name,
      nameOff: nameOffs[i] ?? 0,
      type: o.type ?? SHT.PROGBITS,
      data: a.data,
      size: a.data.length,
      offset: 0,
      opts: { ...o, addralign: align },
    });
  }
  const newCount = out.length;

  // 4. Layout.
  const { chunks, appended, end } = planChunks(elf, lay, out, removed, newCount);
  const copies = layout(elf, chunks, appended);
  const newLen = end.newOff;
  const addedBytes = out.reduce((sum, s) => sum + (s.data?.length ?? 0), 0);
  if (newLen > elf.bytes.length + addedBytes + 4 * MAX_PAD) {
    throw new ElfError(
      BtfErrorCode.TooBig,
      `the new layout would take ${hex(newLen)} bytes; check the sections' alignment`,
    );
  }

  // 5. Emit.
  const bytes = new Uint8Array(newLen);
  const w = new FieldWriter(bytes, elf.littleEndian, elf.elfClass === 64);
  for (const c of copies) bytes.set(elf.bytes.subarray(c.from, c.from + c.size), c.to);
  let newShoff = 0;
  for (const ch of chunks) {
    if (ch.zero || ch.newSize === 0) continue;
    if (ch.kind === 'ehdr' || ch.kind === 'phdr')
      bytes.set(elf.bytes.subarray(ch.origOff, ch.origOff + ch.origSize), ch.newOff);
    else if (ch.kind === 'shdr') newShoff = ch.newOff;
    else if (ch.kind === 'section' && ch.sec !== undefined) writeSectionData(elf, bytes, ch.sec);
  }
  for (const s of appended) writeSectionData(elf, bytes, s);

  const phdr = chunks.find((ch) => ch.kind === 'phdr');
  if (phdr !== undefined) w.word(lay.e.phoff, phdr.newOff);
  w.word(lay.e.shoff, newShoff);
  writeSectionHeaders(elf, lay, w, bytes, out, newShoff, indexMap);

  // Extended numbering (gABI): a count or index that does not fit below
  // SHN_LORESERVE goes in section 0 (sh_size, sh_link) instead of the header.
  const sh0 = newShoff;
  const origShnum = readU16(elf.bytes, lay.e.shnum, elf.littleEndian);
  const origShstrndx = readU16(elf.bytes, lay.e.shstrndx, elf.littleEndian);
  if (newCount >= SHN.LORESERVE) {
    w.u16(lay.e.shnum, 0);
    w.word(sh0 + lay.sh.size, newCount);
  } else {
    w.u16(lay.e.shnum, newCount);
    if (origShnum === 0) w.word(sh0 + lay.sh.size, 0);
  }
  if (newShstrndx >= SHN.LORESERVE) {
    w.u16(lay.e.shstrndx, SHN.XINDEX);
    w.u32(sh0 + lay.sh.link, newShstrndx);
  } else {
    w.u16(lay.e.shstrndx, newShstrndx);
    if (origShstrndx === SHN.XINDEX) w.u32(sh0 + lay.sh.link, 0);
  }
  return bytes;
}

/**
 * Completes the removal set with the relocation sections of removed sections,
 * checks that nothing left refers to a removed section, and schedules the
 * rewrites of `.symtab`, `.symtab_shndx` and section groups. Returns the map
 * from old to new section index (-1 for removed).
 */
function planRemoval(elf: ElfFile, removed: Set<number>, replaced: Map<number, Uint8Array>): Int32Array {
  const sections = elf.sections;
  const n = sections.length;
  const map = new Int32Array(n);
  if (removed.size === 0) {
    for (let i = 0; i < n; i++) map[i] = i;
    return map;
  }
  for (const s of sections) {
    if ((s.type === SHT.REL || s.type === SHT.RELA) && s.info !== 0 && removed.has(s.info)) {
      removed.add(s.index);
      replaced.delete(s.index);
    }
  }
  if (sections.some((s) => s.type === SHT.DYNSYM)) {
    throw invalid('removing sections from an object with dynamic symbols is not supported');
  }
  let next = 0;
  for (let i = 0; i < n; i++) map[i] = removed.has(i) ? -1 : next++;
  const nameOf = (i: number): string => sections[i]?.name || `[${i}]`;

  for (const s of sections) {
    if (removed.has(s.index)) continue;
    if (s.link !== 0 && removed.has(s.link))
      throw invalid(`section ${nameOf(s.index)}: sh_link refers to removed section ${nameOf(s.link)}`, s.name);
    if (s.flags & SHF.INFO_LINK && s.info !== 0 && removed.has(s.info)) {
      throw invalid(`section ${nameOf(s.index)}: sh_info refers to removed section ${nameOf(s.info)}`, s.name);
    }
  }

  const lay = ELF_LAYOUT[elf.elfClass];
  const le = elf.littleEndian;
  const symtab = elf.symtab;
  if (symtab !== undefined && !removed.has(symtab.index)) {
    const xsec = sections.find((s) => s.type === SHT.SYMTAB_SHNDX && s.link === symtab.index);
    const orig = elf.sectionData(symtab);
    let symData: Uint8Array | undefined;
    let xData: Uint8Array | undefined;
    for (const sym of elf.symbols) {
      const shndx = sym.shndx;
      const h = sym.index * lay.symSize;
      const raw = readU16(orig, h + lay.st.shndx, le);
      const viaX = raw === SHN.XINDEX;
      if (shndx === SHN.UNDEF || (!viaX && shndx >= SHN.LORESERVE)) continue;
      if (removed.has(shndx))
        throw invalid(`symbol ${sym.name || sym.index}: defined in removed section ${nameOf(shndx)}`, symtab.name);
      const to = map[shndx] ?? shndx;
      if (to === shndx) continue;
      if (viaX && xsec !== undefined) {
        if (replaced.has(xsec.index) && xData === undefined)
          throw invalid(`section ${xsec.name}: cannot be replaced while sections are removed`, xsec.name);
        xData ??= elf.sectionData(xsec).slice();
        writeU32(xData, sym.index * 4, to, le);
      } else {
        if (replaced.has(symtab.index) && symData === undefined)
          throw invalid(`section ${symtab.name}: cannot be replaced while sections are removed`, symtab.name);
        symData ??= elf.sectionData(symtab).slice();
        writeU16(symData, h + lay.st.shndx, to, le);
      }
    }
    if (symData) replaced.set(symtab.index, symData);
    if (xData && xsec) replaced.set(xsec.index, xData);
  }

  for (const g of sections) {
    if (g.type !== SHT.GROUP || removed.has(g.index)) continue;
    const src = elf.sectionData(g);
    const words: number[] = [];
    for (let off = 0; off + 4 <= src.length; off += 4) words.push(readU32(src, off, le));
    const members = words
      .slice(1)
      .filter((m) => !removed.has(m))
      .map((m) => map[m] ?? m);
    const changed = members.length !== words.length - 1 || members.some((m, i) => m !== words[i + 1]);
    if (!changed) continue;
    if (replaced.has(g.index))
      throw invalid(`section ${g.name}: cannot be replaced while sections are removed`, g.name);
    const data = new Uint8Array(4 * (members.length + 1));
    writeU32(data, 0, words[0] ?? 0, le);
    members.forEach((m, i) => writeU32(data, 4 * (i + 1), m, le));
    replaced.set(g.index, data);
  }
  return map;
}

/** The chunks of the file in their original order, the added data, and the end-of-file marker. */
function planChunks(
  elf: ElfFile,
  lay: ElfLayout,
  out: OutSection[],
  removed: Set<number>,
  newCount: number,
): { chunks: Chunk[]; appended: OutSection[]; end: Chunk } {
  const chunks: Chunk[] = [];
  const appended: OutSection[] = [];
  const mk = (c: Omit<Chunk, 'newOff'>): Chunk => ({ ...c, newOff: c.origOff });
  chunks.push(
    mk({
      kind: 'ehdr',
      origOff: 0,
      origSize: lay.ehdrSize,
      newSize: lay.ehdrSize,
      align: 1,
      zero: false,
      sec: undefined,
      what: 'the elf header',
    }),
  );
  if (elf.segments.length) {
    const size = elf.segments.length * lay.phdrSize;
    chunks.push(
      mk({
        kind: 'phdr',
        origOff: elf.phoff,
        origSize: size,
        newSize: size,
        align: lay.wordSize,
        zero: false,
        sec: undefined,
        what: 'the program header table',
      }),
    );
  }
  chunks.push(
    mk({
      kind: 'shdr',
      origOff: elf.shoff,
      origSize: elf.sections.length * lay.shdrSize,
      newSize: newCount * lay.shdrSize,
      align: lay.wordSize,
      zero: false,
      sec: undefined,
      what: 'the section header table',
    }),
  );
  const outByOld = new Map<number, OutSection>();
  for (const s of out) if (s.old) outByOld.set(s.old.index, s);
  for (const s of elf.sections) {
    if (s.type === SHT.NULL) continue;
    const o = outByOld.get(s.index);
    const align = Math.max(s.addralign, 1);
    const what = `section ${s.name || `[${s.index}]`}`;
    if (hasFileData(s) && s.size > 0) {
      chunks.push(
        mk({
          kind: 'section',
          origOff: s.offset,
          origSize: s.size,
          newSize: o ? o.size : 0,
          align,
          zero: false,
          sec: o,
          what,
        }),
      );
    } else if (o !== undefined && hasFileData(s) && o.size > 0) {
      appended.push(o);
    } else if (!removed.has(s.index)) {
      chunks.push(mk({ kind: 'section', origOff: s.offset, origSize: 0, newSize: 0, align, zero: true, sec: o, what }));
    }
  }
  for (const s of out) if (s.old === undefined) appended.push(s);
  chunks.sort(
    (a, b) =>
      a.origOff - b.origOff || Number(b.zero) - Number(a.zero) || a.origOff + a.origSize - (b.origOff + b.origSize),
  );
  const end = mk({
    kind: 'end',
    origOff: elf.bytes.length,
    origSize: 0,
    newSize: 0,
    align: 1,
    zero: false,
    sec: undefined,
    what: 'the end of the file',
  });
  chunks.push(end);
  return { chunks, appended, end };
}

/**
 * Gives every chunk its new offset (see the module comment) and returns the
 * input ranges between chunks that keep their size, to be copied as they were.
 */
function layout(elf: ElfFile, chunks: Chunk[], appended: OutSection[]): Copy[] {
  // Added data goes before the section header table when it ends the file, else at the end.
  let lastReal: Chunk | undefined;
  for (const ch of chunks) if (!ch.zero && ch.kind !== 'end' && ch.origSize > 0) lastReal = ch;
  const appendBefore = lastReal?.kind === 'shdr' ? lastReal : chunks[chunks.length - 1];

  const pinned: [number, number][] = [];
  for (const seg of elf.segments)
    if (seg.type !== 0 && seg.filesz > 0) pinned.push([seg.offset, seg.offset + seg.filesz]);
  const isPinned = (ch: Chunk): boolean =>
    ch.kind !== 'end' &&
    pinned.some(([a, b]) =>
      ch.origSize > 0 ? ch.origOff < b && ch.origOff + ch.origSize > a : ch.origOff >= a && ch.origOff < b,
    );

  const copies: Copy[] = [];
  let origPrevEnd = 0;
  let newPrevEnd = 0;
  let delta = 0;
  for (const ch of chunks) {
    if (ch === appendBefore && appended.length) {
      for (const s of appended) {
        const a = sectionAlign(s);
        s.offset = alignUp(newPrevEnd, a);
        if (hasFileData(s)) newPrevEnd = s.offset + s.size;
      }
      delta = newPrevEnd - origPrevEnd;
    }
    const c = ceilMultiple(delta, ch.align);
    const newOff = Math.max(0, ch.origOff + c);
    if (isPinned(ch) && (newOff !== ch.origOff || ch.newSize !== ch.origSize)) {
      throw invalid(
        `${ch.what}: lies inside a program segment and cannot ${newOff !== ch.origOff ? 'move' : 'change size'}`,
        ch.sec?.name,
      );
    }
    ch.newOff = newOff;
    if (ch.sec !== undefined) ch.sec.offset = newOff;
    if (ch.zero) continue;
    const origGap = ch.origOff - origPrevEnd;
    const newGap = newOff - newPrevEnd;
    if (newGap - origGap > MAX_PAD) {
      throw new ElfError(
        BtfErrorCode.TooBig,
        `${ch.what}: alignment ${hex(ch.align)} would add ${hex(newGap - origGap)} bytes of padding`,
        ch.sec ? { section: ch.sec.name } : {},
      );
    }
    if (origGap > 0 && newGap === origGap) copies.push({ from: origPrevEnd, to: newPrevEnd, size: origGap });
    newPrevEnd = newOff + ch.newSize;
    origPrevEnd = ch.origOff + ch.origSize;
    delta = newPrevEnd - origPrevEnd;
  }
  return copies;
}

function sectionAlign(s: OutSection): number {
  const a = s.old ? s.old.addralign : (s.opts.addralign ?? 1);
  return Math.max(a, 1);
}

function writeSectionData(elf: ElfFile, bytes: Uint8Array, s: OutSection): void {
  if (!hasFileData(s) || s.size === 0) return;
  if (s.data !== undefined) bytes.set(s.data, s.offset);
  else if (s.old !== undefined) bytes.set(elf.sectionData(s.old), s.offset);
}

function writeSectionHeaders(
  elf: ElfFile,
  lay: ElfLayout,
  w: FieldWriter,
  bytes: Uint8Array,
  out: OutSection[],
  shoff: number,
  indexMap: Int32Array,
): void {
  const sh = lay.sh;
  const remap = (i: number): number => (i > 0 && i < indexMap.length ? (indexMap[i] ?? i) : i);
  for (const [i, s] of out.entries()) {
    const h = shoff + i * lay.shdrSize;
    if (s.old !== undefined) {
      const o = s.old;
      bytes.set(elf.bytes.subarray(o.headerOffset, o.headerOffset + lay.shdrSize), h);
      if (o.type === SHT.NULL) continue;
      w.word(h + sh.offset, s.offset);
      w.word(h + sh.size, s.size);
      if (o.link !== 0) w.u32(h + sh.link, remap(o.link));
      if ((o.type === SHT.REL || o.type === SHT.RELA || o.flags & SHF.INFO_LINK) && o.info !== 0)
        w.u32(h + sh.info, remap(o.info));
    } else {
      const p = s.opts;
      w.u32(h + sh.name, s.nameOff);
      w.u32(h + sh.type, s.type);
      w.word(h + sh.flags, p.flags ?? 0);
      w.word(h + sh.offset, s.offset);
      w.word(h + sh.size, s.size);
      w.u32(h + sh.link, p.link ?? 0);
      w.u32(h + sh.info, p.info ?? 0);
      w.word(h + sh.addralign, p.addralign ?? 1);
      w.word(h + sh.entsize, p.entsize ?? 0);
    }
  }
}

const decoder = new TextDecoder('utf-8');

/** Returns each string of a string table with the offset of its first occurrence. */
function stringOffsets(tab: Uint8Array): Map<string, number> {
  const out = new Map<string, number>();
  for (let start = 0; start < tab.length; ) {
    let end = tab.indexOf(0, start);
    if (end < 0) end = tab.length;
    else {
      const str = decoder.decode(tab.subarray(start, end));
      if (!out.has(str)) out.set(str, start);
    }
    start = end + 1;
  }
  return out;
}

/** Returns the offset of `needle` followed by NUL in `tab`, or -1. */
function findTail(tab: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 0) return -1;
  // Look for the NULs that could end a match; compare backwards from there.
  for (let end = tab.indexOf(0, n); end >= 0; end = tab.indexOf(0, end + 1)) {
    let j = 1;
    while (j <= n && tab[end - j] === needle[n - j]) j++;
    if (j > n) return end - n;
  }
  return -1;
}

function readU16(b: Uint8Array, off: number, le: boolean): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint16(off, le);
}
function readU32(b: Uint8Array, off: number, le: boolean): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, le);
}
function writeU16(b: Uint8Array, off: number, v: number, le: boolean): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint16(off, v, le);
}
function writeU32(b: Uint8Array, off: number, v: number, le: boolean): void {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(off, v, le);
}

/**
 * Returns a minimal ELF64 relocatable object holding `btf` as `.BTF` and, when
 * given, `ext` as `.BTF.ext` — like pahole's detached BTF, but as an object
 * for tools that want one (`bpftool btf dump file`, `llvm-objcopy`). Sections:
 * the null section, `.BTF`, `.BTF.ext` and `.shstrtab` (no symbol table:
 * `readelf -a` and `llvm-readelf -a` accept the object without warnings). The
 * BTF bytes are taken as given: their byte order should match `bigEndian`.
 *
 * @throws ElfError `EINVAL` when `machine` is not a 16-bit number.
 */
export function newBtfObject(btfBytes: Uint8Array, extBytes?: Uint8Array, opts: NewBtfObjectOptions = {}): Uint8Array {
  const btf = inputBytes(btfBytes, 'newBtfObject');
  const ext = extBytes === undefined ? undefined : inputBytes(extBytes, 'newBtfObject');
  const machine = opts.machine ?? EM.BPF;
  if (!Number.isInteger(machine) || machine < 0 || machine > 0xffff) throw invalid(`invalid machine ${machine}`);
  const le = opts.bigEndian !== true;
  const lay = ELF_LAYOUT[64];

  // Section i + 1 of the output; all PROGBITS but the last, the name table.
  const names = [BTF_ELF_SEC, ...(ext !== undefined ? [BTF_EXT_ELF_SEC] : []), '.shstrtab'];
  const nameOffs: number[] = [];
  const shstrtab: number[] = [0];
  for (const name of names) {
    nameOffs.push(shstrtab.length);
    for (const b of encoder.encode(name)) shstrtab.push(b);
    shstrtab.push(0);
  }
  const datas = [btf, ...(ext !== undefined ? [ext] : []), Uint8Array.from(shstrtab)];

  let off: number = lay.ehdrSize;
  const offs: number[] = [];
  for (const [i, d] of datas.entries()) {
    off = alignUp(off, i < datas.length - 1 ? 4 : 1);
    offs.push(off);
    off += d.length;
  }
  const shoff = alignUp(off, 8);
  const count = datas.length + 1;
  const bytes = new Uint8Array(shoff + count * lay.shdrSize);
  const w = new FieldWriter(bytes, le, true);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, le ? 1 : 2, 1], 0); // ELFCLASS64, EV_CURRENT
  const e = lay.e;
  w.u16(e.type, ET.REL);
  w.u16(e.machine, machine);
  w.u32(e.version, 1);
  w.word(e.shoff, shoff);
  w.u16(e.ehsize, lay.ehdrSize);
  w.u16(e.shentsize, lay.shdrSize);
  w.u16(e.shnum, count);
  w.u16(e.shstrndx, count - 1);
  const sh = lay.sh;
  for (const [i, d] of datas.entries()) {
    const o = offs[i] ?? 0;
    const last = i === datas.length - 1;
    bytes.set(d, o);
    const h = shoff + (i + 1) * lay.shdrSize;
    w.u32(h + sh.name, nameOffs[i] ?? 0);
    w.u32(h + sh.type, last ? SHT.STRTAB : SHT.PROGBITS);
    w.word(h + sh.offset, o);
    w.word(h + sh.size, d.length);
    w.word(h + sh.addralign, last ? 1 : 4);
  }
  return bytes;
}
