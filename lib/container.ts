/**
 * The BTF container: header, type records, string section, base/split.
 *
 * Mirrors libbpf's `struct btf`. A parsed BTF is read-only until the first
 * modification and reads straight from the input bytes; the first change
 * (`ensureModifiable`, libbpf's `btf_ensure_modifiable`) splits it into
 * growable regions and indexes the strings. Any later change drops the cached
 * raw data.
 *
 *   parsed, read-only                     modifiable
 *   +--------+-------+--------+--------+  +--------+ +-----------------+ +----------------+
 *   | header | types | layout | strings|  | header | | words (growable)| | StrSet (bytes  |
 *   +--------+-------+--------+--------+  +--------+ +-----------------+ |  + hash index) |
 *   ^input    ^words (view or swapped copy)                             +----------------+
 *
 * Type ids: local type `i` (0-based) has id `startId + i`; `offs[i]` is its
 * word offset in `words`. Ids below `startId` belong to the base. String
 * offsets below `startStrOff` belong to the base as well.
 *
 * Byte order: records are kept in host (little-endian) order; big-endian
 * input is swapped word by word once on load (every field of every record is
 * a 32-bit word), and `bigEndian` remembers the order to write back.
 *
 * Like libbpf's `struct btf`, which is private to btf.c, the fields are this
 * module's: the builder (a subclass) appends through `reserveWords` and
 * `commitType`, everything else edits through methods (`setWord`,
 * `insertItem`, dedup's `prepareRewrite`/`replaceContents`) and reads
 * through `wordOf`, `recordOf`, `headerLength` and the like. The fields
 * marked `@internal` are readable for the hot loops (dedup, dumps,
 * validation) but assigned only here.
 */
import { BtfError, BtfErrorCode } from './errors.js';
import {
  BTF_ELF_SEC,
  BTF_MAGIC,
  BTF_VERSION,
  ELEM_WORDS,
  INFO_WORDS,
  NR_BTF_KINDS,
  TYPE_HDR_WORDS,
  infoKflag,
  infoKind,
  infoVlen,
  kindName,
  packInfo,
} from './kinds.js';
import { StrSet, StringReader, decodeStrAt, encodeStr } from './strings.js';

/** `struct btf_header`, with the optional layout fields of newer BTF. */
export interface BtfHeader {
  magic: number;
  version: number;
  flags: number;
  hdrLen: number;
  typeOff: number;
  typeLen: number;
  strOff: number;
  strLen: number;
  /** 0 when the header has no layout fields. */
  layoutOff: number;
  layoutLen: number;
}

/** Bytes of the header fields this version knows. */
const HDR_BASE = 24;
const HDR_LAYOUT = 32;
/** libbpf's BTF_MAX_NR_TYPES: the most types one btf__new or builder holds (level 1; the kernel's limit is level 2's). */
const LIBBPF_MAX_NR_TYPES = 0x7fffffff;
/** libbpf's BTF_MAX_STR_OFFSET: the largest string offset btf__new reads. */
const LIBBPF_MAX_STR_OFFSET = 0x7fffffff;
const IS_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Swaps every 32-bit word of `w` in place. */
function swapWords(w: Uint32Array): void {
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    w[i] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  }
}

/**
 * Swaps the 16-bit `flags` of every `struct btf_layout` entry (u8 info_sz,
 * u8 elem_sz, u16 flags) in `l[from, to)`, in place: the one conversion
 * between the host order the container keeps and the other byte order, on
 * read and on write.
 */
function swapLayoutFlags(l: Uint8Array, from = 0, to = l.length): void {
  for (let i = from; i + 3 < to; i += 4) {
    const a = l[i + 2]!;
    l[i + 2] = l[i + 3]!;
    l[i + 3] = a;
  }
}

/** Options for parsing. */
interface ParseOptions {
  /** The base BTF, for split BTF (module BTF on top of vmlinux). */
  base?: BtfContainer;
  /** Named in error messages. */
  file?: string;
}

/** The BTF container. Use {@link Btf} (lib/btf.ts), which adds the builder and queries. */
export class BtfContainer {
  /** @internal the base BTF of split BTF, or null. */
  base: BtfContainer | null = null;
  /**
   * Id of the first type of this BTF (1 for base BTF).
   * @internal
   */
  startId = 1;
  /**
   * String offset where this BTF's strings start (0 for base BTF).
   * @internal
   */
  startStrOff = 0;

  /**
   * @internal type section words, host order; `[0, typeWords)` used.
   * @internal
   */
  words: Uint32Array = new Uint32Array(0);
  /**
   * @internal used words of `words`.
   * @internal
   */
  typeWords = 0;
  /**
   * @internal word offset of each local type.
   * @internal
   */
  offs: Uint32Array = new Uint32Array(16);
  /**
   * @internal number of local types.
   * @internal
   */
  nrTypes = 0;

  /**
   * @internal read-only string bytes (null once modifiable).
   * @internal
   */
  strs: Uint8Array | null = new Uint8Array(1);
  /**
   * @internal the intern set (null while read-only).
   * @internal
   */
  strset: StrSet | null = null;
  /**
   * @internal whether strings are known unique (libbpf's `strs_deduped`).
   * @internal
   */
  strsDeduped = false;

  /**
   * @internal the header as read (or as created).
   * @internal
   */
  hdr: BtfHeader = {
    magic: BTF_MAGIC,
    version: BTF_VERSION,
    flags: 0,
    hdrLen: HDR_BASE,
    typeOff: 0,
    typeLen: 0,
    strOff: 0,
    strLen: 1,
    layoutOff: 0,
    layoutLen: 0,
  };
  /**
   * @internal header bytes past the known fields, kept verbatim.
   * @internal
   */
  hdrExtra: Uint8Array = new Uint8Array(0);
  /**
   * @internal layout section (host order), or null.
   * @internal
   */
  layout: Uint8Array | null = null;
  /**
   * @internal whether output carries a layout section.
   * @internal
   */
  emitLayout = false;

  /**
   * Byte order of the input, and of `rawData()` output.
   * @internal
   */
  bigEndian = false;
  /**
   * @internal the original bytes of a parsed BTF while it is pristine, else null (so
   * that they can be freed once no view of them is left).
   * @internal
   */
  input: Uint8Array | null = null;
  /**
   * @internal what {@link firstLayoutOnlyKind} returns for this BTF's own
   * types, found by the parser's pass (valid while `pristine`).
   * @internal
   */
  private indexedLayoutOnly = 0;
  /**
   * @internal byte order of `input`.
   * @internal
   */
  inputBigEndian = false;
  /**
   * @internal whether `input` is still what rawData() would produce.
   * @internal
   */
  pristine = false;
  private rawCache: Uint8Array | null = null;
  private rawCacheBig = false;
  /**
   * @internal whether the container has been split into growable regions.
   * @internal
   */
  modifiable = false;
  /**
   * @internal changes so far (every change calls ensureModifiable); lib/query.ts rebuilds its view when it moves.
   * @internal
   */
  modCount = 0;

  /** Number of type ids (`btf__type_cnt`): last id + 1, void and base included. */
  get typeCount(): number {
    return this.startId + this.nrTypes;
  }

  /** Length of this BTF's own string section in bytes. */
  get strLen(): number {
    return this.strset ? this.strset.len : this.strs!.length;
  }

  // ---------------------------------------------------------------- parsing

  /**
   * @internal fills this container from raw BTF bytes.
   * @internal
   */
  loadRaw(data: Uint8Array, opts: ParseOptions): void {
    const ctx = (offset: number) => ({ offset, section: BTF_ELF_SEC, ...(opts.file ? { file: opts.file } : {}) });
    const fail = (code: BtfErrorCode, msg: string, offset: number): never => {
      throw new BtfError(code, msg, ctx(offset));
    };
    if (data.length < HDR_BASE)
      fail(BtfErrorCode.Truncated, `btf header needs ${HDR_BASE} bytes, have ${data.length}`, 0);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let le: boolean;
    if (dv.getUint16(0, true) === BTF_MAGIC) le = true;
    else if (dv.getUint16(0, false) === BTF_MAGIC) le = false;
    else le = fail(BtfErrorCode.BadHeader, `bad btf magic 0x${dv.getUint16(0, true).toString(16)}`, 0);
    const h: BtfHeader = {
      magic: BTF_MAGIC,
      version: dv.getUint8(2),
      flags: dv.getUint8(3),
      hdrLen: dv.getUint32(4, le),
      typeOff: dv.getUint32(8, le),
      typeLen: dv.getUint32(12, le),
      strOff: dv.getUint32(16, le),
      strLen: dv.getUint32(20, le),
      layoutOff: 0,
      layoutLen: 0,
    };
    // Level 1 is libbpf 1.1.2's btf_parse_hdr: version and flags are not
    // looked at, the header may be any length the data holds (even shorter
    // than its 24 known bytes), and sections may leave gaps and trailing
    // bytes, as long as the types come before the strings and the strings
    // end inside the data. The kernel's stricter rules are level 2
    // (lib/check/header.ts).
    if (h.hdrLen > data.length)
      fail(
        BtfErrorCode.Truncated,
        `btf header length ${h.hdrLen} is past the end of the data (${data.length} bytes)`,
        4,
      );
    if (!le && h.hdrLen !== HDR_BASE && h.hdrLen < HDR_LAYOUT)
      fail(BtfErrorCode.BadHeader, `unsupported big-endian btf header length ${h.hdrLen}`, 4);
    if (h.hdrLen >= HDR_LAYOUT) {
      h.layoutOff = dv.getUint32(24, le);
      h.layoutLen = dv.getUint32(28, le);
    }
    const known = h.hdrLen >= HDR_LAYOUT ? HDR_LAYOUT : Math.min(h.hdrLen, HDR_BASE);
    const body = data.length - h.hdrLen;
    if (h.strOff + h.strLen > body) {
      fail(
        BtfErrorCode.Truncated,
        `btf string section ${h.strOff}+${h.strLen} is past the end of the data (${body} bytes after the header)`,
        16,
      );
    }
    if (h.typeOff + h.typeLen > h.strOff)
      fail(
        BtfErrorCode.BadSection,
        `btf type section ${h.typeOff}+${h.typeLen} runs into the string section at ${h.strOff}`,
        8,
      );
    if (h.typeOff % 4) fail(BtfErrorCode.BadSection, `btf type section offset ${h.typeOff} is not 4-byte aligned`, 8);
    // Records are whole words: libbpf's walk cannot end exactly on such a section.
    if (h.typeLen % 4) fail(BtfErrorCode.BadSection, `btf type section length ${h.typeLen} is not a multiple of 4`, 12);
    if (h.layoutLen) {
      // The layout section (newer BTF, which libbpf 1.1.2 does not know):
      // between the types and the strings, aligned.
      if (h.layoutOff % 4)
        fail(BtfErrorCode.BadSection, `btf layout section offset ${h.layoutOff} is not 4-byte aligned`, 24);
      if (h.layoutLen % 4)
        fail(BtfErrorCode.BadSection, `btf layout section length ${h.layoutLen} is not a multiple of 4`, 28);
      if (h.layoutOff < h.typeOff + h.typeLen || h.layoutOff + h.layoutLen > h.strOff)
        fail(
          BtfErrorCode.BadSection,
          `btf layout section ${h.layoutOff}+${h.layoutLen} is not between the type section and the string section`,
          24,
        );
    }
    // Strings.
    const sBeg = h.hdrLen + h.strOff;
    const strs = data.subarray(sBeg, sBeg + h.strLen);
    // libbpf's btf_parse_str_sec: split BTF may have no strings of its own.
    if (!(this.base && h.strLen === 0)) {
      if (!h.strLen)
        fail(BtfErrorCode.BadString, 'btf string section is empty (it must hold at least the empty string)', 20);
      if (h.strLen - 1 > LIBBPF_MAX_STR_OFFSET)
        fail(BtfErrorCode.TooBig, `btf string section of ${h.strLen} bytes is larger than libbpf allows`, 20);
      if (strs[h.strLen - 1] !== 0)
        fail(BtfErrorCode.BadString, 'btf string section does not end with a NUL', sBeg + h.strLen - 1);
      if (!this.base && strs[0] !== 0)
        fail(
          BtfErrorCode.BadString,
          'btf string section does not start with the empty string (split BTF? it is read over its base BTF, which this input lacks)',
          sBeg,
        );
    }
    // Layout.
    if (h.layoutLen) {
      const lBeg = h.hdrLen + h.layoutOff;
      const l = data.slice(lBeg, lBeg + h.layoutLen);
      if (!le) swapLayoutFlags(l);
      this.layout = l;
      this.emitLayout = true;
    }
    // Types: view in place when aligned and host order, else copy.
    const tBeg = h.hdrLen + h.typeOff;
    let words: Uint32Array;
    if (le === IS_LE && (data.byteOffset + tBeg) % 4 === 0) {
      words = new Uint32Array(data.buffer, data.byteOffset + tBeg, h.typeLen / 4);
    } else {
      words = new Uint32Array(h.typeLen / 4);
      new Uint8Array(words.buffer).set(data.subarray(tBeg, tBeg + h.typeLen));
      if (le !== IS_LE) swapWords(words);
    }
    this.hdr = h;
    this.hdrExtra = data.slice(known, Math.max(known, h.hdrLen));
    this.words = words;
    this.typeWords = words.length;
    this.strs = strs;
    this.bigEndian = !le;
    this.inputBigEndian = !le;
    this.input = data;
    this.pristine = true;
    this.indexTypes(tBeg, opts);
  }

  /** Walks the type section once, recording each record's word offset. */
  private indexTypes(byteBase: number, opts: ParseOptions): void {
    this.offs = new Uint32Array(Math.max(16, (this.typeWords / 5) | 0));
    this.indexedLayoutOnly = 0;
    this.nrTypes = this.indexRecords(byteBase, opts);
  }

  /**
   * {@link indexTypes}' loop: fills `offs` (grown in place, rarely) and
   * `indexedLayoutOnly`, returns the number of records. Nothing but the
   * return follows the loop: V8 optimises it on the stack (OSR) during its
   * one call, and code after the loop, never run before, had no type
   * feedback and deoptimised it.
   */
  private indexRecords(byteBase: number, opts: ParseOptions): number {
    const w = this.words;
    const n = this.typeWords;
    let offs = this.offs;
    let cnt = 0;
    let o = 0;
    let layoutOnly = 0;
    const infoWords = INFO_WORDS;
    const elemWords = ELEM_WORDS;
    while (o < n) {
      if (o + TYPE_HDR_WORDS > n) {
        throw new BtfError(
          BtfErrorCode.Truncated,
          `type [${this.startId + cnt}]: record header runs past the end of the type section`,
          {
            offset: byteBase + o * 4,
            typeId: this.startId + cnt,
            section: BTF_ELF_SEC,
            ...(opts.file ? { file: opts.file } : {}),
          },
        );
      }
      const info = w[o + 1]!;
      // Known kinds inline (one call less per record on a cold path); the rest through recordSize.
      const kind = infoKind(info);
      const sz =
        kind > 0 && kind < NR_BTF_KINDS
          ? TYPE_HDR_WORDS + infoWords[kind]! + infoVlen(info) * elemWords[kind]!
          : this.recordSize(info, this.startId + cnt, byteBase + o * 4, opts);
      if (o + sz > n) {
        throw new BtfError(
          BtfErrorCode.Truncated,
          `type [${this.startId + cnt}] ${kindName(infoKind(info))}: record of ${sz * 4} bytes (vlen ${infoVlen(info)}) runs past the end of the type section`,
          {
            offset: byteBase + o * 4,
            typeId: this.startId + cnt,
            section: BTF_ELF_SEC,
            ...(opts.file ? { file: opts.file } : {}),
          },
        );
      }
      if (cnt === offs.length) {
        const g = new Uint32Array(offs.length * 2);
        g.set(offs);
        offs = g;
        this.offs = g;
      }
      if (layoutOnly === 0 && kind >= NR_BTF_KINDS) {
        layoutOnly = this.startId + cnt;
        this.indexedLayoutOnly = layoutOnly;
      }
      offs[cnt++] = o;
      o += sz;
      if (cnt > LIBBPF_MAX_NR_TYPES) {
        throw new BtfError(BtfErrorCode.TooBig, `more than ${LIBBPF_MAX_NR_TYPES} types`, {
          offset: byteBase + o * 4,
          section: BTF_ELF_SEC,
        });
      }
    }
    return cnt;
  }

  /**
   * Returns the record size in words of a record with this `info`, consulting the layout section for unknown kinds.
   * @internal
   */
  recordSize(info: number, typeId: number, offset: number, opts: ParseOptions = {}): number {
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    if (kind > 0 && kind < NR_BTF_KINDS) return TYPE_HDR_WORDS + INFO_WORDS[kind]! + vlen * ELEM_WORDS[kind]!;
    let layout = this.layout;
    for (let b = this.base; !layout && b; b = b.base) layout = b.layout;
    if (kind !== 0 && layout && kind * 4 + 1 < layout.length) {
      const infoSz = layout[kind * 4]!;
      const elemSz = layout[kind * 4 + 1]!;
      if (infoSz % 4 === 0 && elemSz % 4 === 0) return TYPE_HDR_WORDS + infoSz / 4 + vlen * (elemSz / 4);
    }
    throw new BtfError(BtfErrorCode.BadType, `type [${typeId}]: unknown kind ${kind}`, {
      offset,
      typeId,
      section: BTF_ELF_SEC,
      ...(opts.file ? { file: opts.file } : {}),
    });
  }

  // ------------------------------------------------------------ type access

  /**
   * @internal returns the container holding `typeId` (this or a base), or null for void.
   * @internal
   */
  owner(typeId: number): BtfContainer | null {
    let c: BtfContainer | null = this;
    while (c && typeId < c.startId) c = c.base;
    return c && typeId < c.startId + c.nrTypes ? c : null;
  }

  /**
   * @internal throws unless `typeId` names a type (void excluded).
   * @internal
   */
  checkId(typeId: number): BtfContainer {
    const c = Number.isInteger(typeId) ? this.owner(typeId) : null;
    if (!c)
      throw new BtfError(BtfErrorCode.NotFound, `type id ${typeId} is out of range (1..${this.typeCount - 1})`, {
        typeId,
      });
    return c;
  }

  /**
   * Returns the `info` word of a type (0 for void).
   * @internal
   */
  infoOf(typeId: number): number {
    if (typeId === 0) return 0;
    const c = this.checkId(typeId);
    return c.words[c.offs[typeId - c.startId]! + 1]!;
  }

  /** Returns the kind of a type (0 for void). */
  kindOf(typeId: number): number {
    return infoKind(this.infoOf(typeId));
  }

  /**
   * Returns the id of the first type of this BTF (base included) whose kind
   * this version knows only from a layout section, or 0 when there is none.
   * @internal
   */
  firstLayoutOnlyKind(): number {
    if (this.base) {
      const b = this.base.firstLayoutOnlyKind();
      if (b) return b;
    }
    // A pristine parsed BTF was looked at by the parser's one pass.
    if (this.pristine) return this.indexedLayoutOnly;
    for (let i = 0; i < this.nrTypes; i++) {
      if (infoKind(this.words[this.offs[i]! + 1]!) >= NR_BTF_KINDS) return this.startId + i;
    }
    return 0;
  }

  /** Returns the vlen of a type. */
  vlenOf(typeId: number): number {
    return infoVlen(this.infoOf(typeId));
  }

  /**
   * Returns word `i` of a type's record (0 = name_off, 1 = info, 2 = size/type, ...).
   * @internal
   */
  wordOf(typeId: number, i: number): number {
    if (typeId === 0) return 0;
    const c = this.checkId(typeId);
    return c.words[c.offs[typeId - c.startId]! + i]!;
  }

  /**
   * @internal returns the words array and record offset of a type as a pair.
   * @internal
   */
  recordOf(typeId: number): [Uint32Array, number] {
    const c = this.checkId(typeId);
    return [c.words, c.offs[typeId - c.startId]!];
  }

  // --------------------------------------------------------------- strings

  /** Returns the string at `off` (`btf__str_by_offset`); throws for an offset past the section. */
  str(off: number): string {
    let c: BtfContainer = this;
    while (off < c.startStrOff && c.base) c = c.base;
    const local = off - c.startStrOff;
    const bytes = c.strset ? c.strset.data : c.strs!;
    const len = c.strLen;
    if (local < 0 || local >= len) {
      throw new BtfError(
        BtfErrorCode.BadString,
        `string offset ${off} is past the string section (${c.startStrOff + len} bytes)`,
      );
    }
    return decodeStrAt(bytes, local, len);
  }

  /** Returns the name of a type (`''` when anonymous, and for void). */
  nameOf(typeId: number): string {
    return typeId === 0 ? '' : this.str(this.wordOf(typeId, 0));
  }

  /**
   * Returns a function mapping string offsets (of this BTF and its bases) to
   * strings, fast for many lookups; valid until the next modification.
   * @internal
   */
  nameReader(): (off: number) => string {
    const chain: Array<{ start: number; r: StringReader }> = [];
    for (let c: BtfContainer | null = this; c; c = c.base)
      chain.push({ start: c.startStrOff, r: new StringReader(c.stringSection()) });
    const top = chain[0]!;
    if (chain.length === 1) return (off) => top.r.at(off);
    return (off) => {
      for (const l of chain) if (off >= l.start) return l.r.at(off - l.start);
      return '';
    };
  }

  /**
   * @internal the bytes and local offset of a string (no decoding).
   * @internal
   */
  strBytes(off: number): Uint8Array {
    let c: BtfContainer = this;
    while (off < c.startStrOff && c.base) c = c.base;
    const local = off - c.startStrOff;
    const bytes = c.strset ? c.strset.data : c.strs!;
    const len = c.strLen;
    let e = bytes.indexOf(0, local);
    if (e < 0 || e > len) e = len;
    return bytes.subarray(local, e);
  }

  /**
   * Returns the string bytes of this BTF's own section (a view).
   * @internal
   */
  stringSection(): Uint8Array {
    return this.strset ? this.strset.bytes() : this.strs!;
  }

  /**
   * Returns the offset of string `s` in this BTF or its base, or -1
   * (`btf__find_str`; like libbpf, this makes the BTF modifiable).
   */
  findStr(s: string): number {
    return this.findStrBytes(encodeStr(s));
  }

  /**
   * Returns the offset of `s`, adding it when new (`btf__add_str`). Strings
   * already in the base are referenced at the base's offset.
   */
  addStr(s: string): number {
    if (typeof s !== 'string') throw new BtfError(BtfErrorCode.InvalidArgument, 'string expected');
    const bytes = encodeStr(s);
    if (bytes.includes(0)) throw new BtfError(BtfErrorCode.InvalidArgument, 'string contains a NUL byte');
    return this.addStrBytes(bytes);
  }

  /**
   * @internal addStr for raw bytes.
   * @internal
   */
  addStrBytes(bytes: Uint8Array): number {
    if (this.base) {
      const off = this.base.findStrBytes(bytes);
      if (off >= 0) return off;
    }
    this.ensureModifiable();
    const off = this.strset!.add(bytes);
    if (this.startStrOff + this.strset!.len - 1 > 0x7fffffff)
      throw new BtfError(BtfErrorCode.TooBig, 'string section too large');
    return this.startStrOff + off;
  }

  /**
   * @internal addStrBytes for the `n` bytes at `src[p]` whose hash32 is `h`
   * (lib/hash.ts `hashStringStarts`): no view, no copy of a string already
   * present. The BTF must be modifiable (`ensureModifiable` once before a
   * run of these calls).
   * @internal
   */
  addStrHashed(src: Uint8Array, p: number, n: number, h: number): number {
    if (this.base) return this.addStrBytes(src.subarray(p, p + n));
    const set = this.strset!;
    const off = set.addHashed(src, p, n, h);
    if (this.startStrOff + set.len - 1 > 0x7fffffff)
      throw new BtfError(BtfErrorCode.TooBig, 'string section too large');
    return this.startStrOff + off;
  }

  /**
   * @internal makes room in the (modifiable) string section for `bytes` more bytes in `strings` more strings.
   * @internal
   */
  reserveStrings(bytes: number, strings: number): void {
    this.strset!.reserve(bytes, strings);
  }

  /**
   * @internal findStr for raw bytes.
   * @internal
   */
  findStrBytes(bytes: Uint8Array): number {
    if (this.base) {
      const off = this.base.findStrBytes(bytes);
      if (off >= 0) return off;
    }
    this.ensureModifiable();
    const off = this.strset!.find(bytes);
    return off < 0 ? -1 : this.startStrOff + off;
  }

  // ---------------------------------------------------------- modification

  /**
   * Splits a parsed BTF into growable regions and indexes its strings
   * (libbpf's `btf_ensure_modifiable`); on an already modifiable BTF, drops
   * the cached raw data. Called by every modifying method.
   * @internal
   */
  ensureModifiable(): void {
    this.modCount++;
    this.rawCache = null;
    this.pristine = false;
    this.input = null;
    if (this.modifiable) return;
    const words = new Uint32Array(Math.max(64, this.typeWords + (this.typeWords >> 2)));
    words.set(this.words.subarray(0, this.typeWords));
    this.words = words;
    const strs = this.strs!;
    this.strset = new StrSet(strs);
    this.strs = null;
    // Created from scratch: all strings are known unique.
    if (strs.length === 0 || (!this.base && strs.length === 1)) this.strsDeduped = true;
    this.modifiable = true;
  }

  /**
   * @internal reserves `n` words at the end of the type section; returns their offset.
   * @internal
   */
  reserveWords(n: number): number {
    const need = this.typeWords + n;
    if (need > this.words.length) {
      let cap = this.words.length;
      while (cap < need) cap += Math.max(cap >> 2, 16);
      const g = new Uint32Array(cap);
      g.set(this.words.subarray(0, this.typeWords));
      this.words = g;
    }
    return this.typeWords;
  }

  /**
   * @internal commits a record of `n` words written at the end; returns the new type id.
   * @internal
   */
  commitType(n: number): number {
    if (this.nrTypes === this.offs.length) {
      const g = new Uint32Array(Math.max(16, this.offs.length + (this.offs.length >> 2)));
      g.set(this.offs);
      this.offs = g;
    }
    this.offs[this.nrTypes++] = this.typeWords;
    this.typeWords += n;
    return this.startId + this.nrTypes - 1;
  }

  /** @internal returns the word offset of local type `typeId`; throws EINVAL for a base type or an id out of range. */
  private localOff(typeId: number): number {
    const i = typeId - this.startId;
    if (!Number.isInteger(i) || i < 0 || i >= this.nrTypes) {
      throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}] is not a type of this BTF`, { typeId });
    }
    return this.offs[i]!;
  }

  /**
   * Sets word `i` of this BTF's own type `typeId` (the counterpart of
   * {@link wordOf}: 2 is a PTR's type or a STRUCT's size, 4 an ARRAY's index
   * type ...), making the BTF modifiable first. For records added with a
   * placeholder and for fixups; the caller keeps the record valid.
   * @throws BtfError `EINVAL` when `typeId` is not one of this BTF's own types.
   * @internal
   */
  setWord(typeId: number, i: number, value: number): void {
    const o = this.localOff(typeId);
    this.ensureModifiable();
    this.words[o + i] = value >>> 0;
  }

  /**
   * Inserts one vlen item (its words, as many as the kind's items have) at
   * position `index` of this BTF's own type `typeId` and increments its
   * vlen; the records after it move up. Used to add a variable to a DATASEC
   * that is not the last type.
   * @throws BtfError `EINVAL` when `typeId` is not one of this BTF's own
   *   types, `item` does not fit its kind, or `index` is past the end.
   * @internal
   */
  insertItem(typeId: number, index: number, item: ArrayLike<number>): void {
    let o = this.localOff(typeId);
    const info = this.words[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    if (kind >= NR_BTF_KINDS || ELEM_WORDS[kind] !== item.length || item.length === 0) {
      throw new BtfError(
        BtfErrorCode.InvalidArgument,
        `type [${typeId}] ${kindName(kind)}: no items of ${item.length} words`,
        { typeId },
      );
    }
    if (!Number.isInteger(index) || index < 0 || index > vlen) {
      throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}] ${kindName(kind)}: no item slot ${index}`, {
        typeId,
      });
    }
    this.ensureModifiable();
    const n = item.length;
    this.reserveWords(n);
    o = this.offs[typeId - this.startId]!;
    const w = this.words;
    const at = o + TYPE_HDR_WORDS + INFO_WORDS[kind]! + index * n;
    w.copyWithin(at + n, at, this.typeWords);
    for (let j = 0; j < n; j++) w[at + j] = item[j]! >>> 0;
    this.typeWords += n;
    for (let j = typeId - this.startId + 1; j < this.nrTypes; j++) this.offs[j] = this.offs[j]! + n;
    w[o + 1] = packInfo(kind, infoKflag(info), vlen + 1);
  }

  /**
   * Prepares the type words for a pass that rewrites them in place and then
   * replaces the whole type and string sections ({@link replaceContents}):
   * dedup. Like {@link ensureModifiable}, except that a pristine parsed BTF
   * whose strings are not known unique only gets its records copied (with a
   * little spare room): its strings are about to be replaced, so indexing
   * them would be wasted work.
   * @internal
   */
  prepareRewrite(): void {
    if (!this.modifiable && !this.strsDeduped && this.pristine && this.bigEndian === this.inputBigEndian) {
      const words = new Uint32Array(this.typeWords + 3 + (this.typeWords >> 4));
      words.set(this.words.subarray(0, this.typeWords));
      this.words = words;
      this.pristine = false;
      this.input = null;
      this.rawCache = null;
      return;
    }
    this.ensureModifiable();
  }

  /**
   * Replaces this BTF's own records with `nrTypes` records in
   * `words[0, typeWords)` (`offs` their word offsets; both arrays are taken,
   * not copied), and with `strings` its string section, which is then known
   * unique (null: strings unchanged). The string index is built again on the
   * next modification, as for a freshly parsed BTF. Dedup's last step.
   * @internal
   */
  replaceContents(
    words: Uint32Array,
    typeWords: number,
    offs: Uint32Array,
    nrTypes: number,
    strings: Uint8Array | null,
  ): void {
    this.words = words;
    this.typeWords = typeWords;
    this.offs = offs;
    this.nrTypes = nrTypes;
    this.pristine = false;
    this.input = null;
    this.rawCache = null;
    if (strings) {
      this.strs = strings;
      this.strset = null;
      this.modifiable = false;
      this.strsDeduped = true;
    }
  }

  /**
   * Sets up a new container: over `base` when given (split BTF: ids and
   * string offsets continue the base's), and with `empty`, as an empty BTF
   * whose strings are known unique (`btf__new_empty[_split]`); without it the
   * parser reads the rest.
   * @internal
   */
  protected init(base: BtfContainer | null, empty: boolean): void {
    if (base) {
      this.base = base;
      this.startId = base.typeCount;
      this.startStrOff = base.startStrOff + base.strLen;
      if (empty) {
        this.strs = new Uint8Array(0);
        this.hdr.strLen = 0;
        this.bigEndian = base.bigEndian;
      }
    }
    if (empty) this.strsDeduped = true;
  }

  // --------------------------------------------------------------- output

  /** Sets the byte order of `rawData()` output (`btf__set_endianness`). */
  setEndianness(endian: 'little' | 'big'): void {
    if (endian !== 'little' && endian !== 'big')
      throw new BtfError(BtfErrorCode.InvalidArgument, `bad endianness ${String(endian)}`);
    this.bigEndian = endian === 'big';
  }

  /** Returns the header length `rawData()` writes: 24, or 32 and more with a layout section or a longer input header. */
  headerLength(): number {
    const len = Math.max(this.hdr.hdrLen, HDR_BASE);
    return this.emitLayout && len < HDR_LAYOUT ? HDR_LAYOUT : len;
  }

  /** Returns whether `rawData()` carries a layout section (see {@link setLayout}). */
  hasLayout(): boolean {
    return this.emitLayout;
  }

  /** Returns the byte order `rawData()` writes. */
  endianness(): 'little' | 'big' {
    return this.bigEndian ? 'big' : 'little';
  }

  /**
   * Chooses whether `rawData()` carries a layout section (the table of
   * record sizes per kind newer BTF has, which lets a reader skip kinds it
   * does not know). Turning it on makes the header 32 bytes long.
   */
  setLayout(on: boolean): void {
    if (on === this.emitLayout) return;
    this.emitLayout = on;
    this.pristine = false;
    this.input = null;
    this.rawCache = null;
  }

  /**
   * Returns the BTF as one contiguous buffer (`btf__raw_data`): header,
   * types, optional layout, strings, in the chosen byte order. An unmodified
   * parsed BTF gives back its input bytes. Cached until the next change.
   */
  rawData(): Uint8Array {
    if (this.pristine && this.input && this.bigEndian === this.inputBigEndian) return this.input;
    if (this.rawCache && this.rawCacheBig === this.bigEndian) return this.rawCache;
    const out = this.buildRaw(this.bigEndian);
    this.rawCache = out;
    this.rawCacheBig = this.bigEndian;
    return out;
  }

  /**
   * Returns the bytes {@link rawData} returns as consecutive parts, so that a
   * writer need not join them into one more buffer: in host byte order, the
   * header followed by views of this BTF's own types, layout and strings
   * (valid until the next change); else `[rawData()]`.
   */
  rawParts(): Uint8Array[] {
    if (this.pristine && this.input && this.bigEndian === this.inputBigEndian) return [this.input];
    if (this.rawCache && this.rawCacheBig === this.bigEndian) return [this.rawCache];
    if (this.bigEndian === IS_LE) return [this.rawData()];
    const parts = [this.buildRaw(this.bigEndian, true)];
    const w = this.words;
    if (this.typeWords) parts.push(new Uint8Array(w.buffer, w.byteOffset, this.typeWords * 4));
    if (this.emitLayout) parts.push(this.layoutBytes());
    parts.push(this.stringSection());
    return parts;
  }

  /** Returns the raw BTF in byte order `big`, or with `headerOnly` its header alone. */
  private buildRaw(big: boolean, headerOnly = false): Uint8Array {
    const typeLen = this.typeWords * 4;
    const strs = this.stringSection();
    const layout = this.emitLayout ? this.layoutBytes() : null;
    const layoutLen = layout ? layout.length : 0;
    let hdrLen = Math.max(this.hdr.hdrLen, HDR_BASE);
    if (layout && hdrLen < HDR_LAYOUT) hdrLen = HDR_LAYOUT;
    const total = headerOnly ? hdrLen : hdrLen + typeLen + layoutLen + strs.length;
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    const le = !big;
    dv.setUint16(0, BTF_MAGIC, le);
    dv.setUint8(2, BTF_VERSION);
    dv.setUint8(3, 0);
    dv.setUint32(4, hdrLen, le);
    dv.setUint32(8, 0, le);
    dv.setUint32(12, typeLen, le);
    dv.setUint32(16, typeLen + layoutLen, le);
    dv.setUint32(20, strs.length, le);
    if (hdrLen >= HDR_LAYOUT) {
      dv.setUint32(24, layout ? typeLen : 0, le);
      dv.setUint32(28, layoutLen, le);
      const extra = this.hdr.hdrLen >= HDR_LAYOUT ? this.hdrExtra : this.hdrExtra.subarray(HDR_LAYOUT - HDR_BASE);
      out.set(extra.subarray(0, hdrLen - HDR_LAYOUT), HDR_LAYOUT);
    } else {
      out.set(this.hdrExtra.subarray(0, hdrLen - HDR_BASE), HDR_BASE);
    }
    if (headerOnly) return out;
    // A header length that is not a multiple of 4 (legal, if odd) leaves the
    // type section unaligned: build the words aside and copy the bytes.
    const aligned = hdrLen % 4 === 0;
    const tw = aligned ? new Uint32Array(out.buffer, hdrLen, this.typeWords) : new Uint32Array(this.typeWords);
    tw.set(this.words.subarray(0, this.typeWords));
    if (big === IS_LE) swapWords(tw);
    if (!aligned) out.set(new Uint8Array(tw.buffer), hdrLen);
    if (layout) {
      out.set(layout, hdrLen + typeLen);
      if (big === IS_LE) swapLayoutFlags(out, hdrLen + typeLen, hdrLen + typeLen + layoutLen);
    }
    out.set(strs, hdrLen + typeLen + layoutLen);
    return out;
  }

  /**
   * Returns the layout table this BTF writes: the input's, or one generated for the kinds this version knows.
   * @internal
   */
  layoutBytes(): Uint8Array {
    if (this.layout) return this.layout;
    const l = new Uint8Array(NR_BTF_KINDS * 4);
    for (let k = 0; k < NR_BTF_KINDS; k++) {
      l[k * 4] = INFO_WORDS[k]! * 4;
      l[k * 4 + 1] = ELEM_WORDS[k]! * 4;
    }
    return l;
  }
}
