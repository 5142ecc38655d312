/**
 * `.BTF.ext`: the per-instruction records clang emits beside `.BTF`.
 *
 *   +--------+-----------------------------------------------------------+
 *   | header | func_info | line_info | core_relo (optional, hdr_len >= 32)|
 *   +--------+-----------------------------------------------------------+
 *   each sub-section: u32 record_size, then per ELF section
 *     { u32 sec_name_off; u32 num_info; num_info records of record_size }
 *
 *   func_info  { insn_off, type_id }                      (min 8 bytes)
 *   line_info  { insn_off, file_name_off, line_off, line_col } (min 16)
 *   core_relo  { insn_off, type_id, access_str_off, kind } (min 16)
 *
 * String offsets point into the `.BTF` string section; type ids into `.BTF`.
 * A reader must accept records larger than it knows (libbpf skips the tail),
 * so records are addressed by byte offset and only the known leading words
 * are read or rewritten. The structure never changes after parsing: dedup and
 * remapping only rewrite 32-bit values in place, so writing back an
 * unchanged `.BTF.ext` gives identical bytes. Both byte orders are read
 * (libbpf 1.1.2 refuses big-endian `.BTF.ext`); values are read and written in
 * the input's order.
 */
import { inputBytes } from './input.js';
import { BtfError, BtfErrorCode } from './errors.js';
import { BTF_EXT_ELF_SEC } from './kinds.js';
import type { BtfContainer } from './container.js';

const EXT_MAGIC = 0xeb9f;
const HDR_MIN = 24;
const HDR_CORE = 32;

/** One sub-section of `.BTF.ext`. */
export type ExtKind = 'func_info' | 'line_info' | 'core_relo';

/** The records of one ELF section within a sub-section. */
export interface ExtSec {
  /** Byte offset (in the `.BTF.ext` data) of `sec_name_off`. */
  at: number;
  secNameOff: number;
  numInfo: number;
  /** Byte offset of the first record. */
  recs: number;
}

/** A parsed sub-section. */
export interface ExtInfo {
  kind: ExtKind;
  /** Record size in bytes (at least the minimum for the kind). */
  recSize: number;
  secs: ExtSec[];
}

const MIN_REC: Record<ExtKind, number> = { func_info: 8, line_info: 16, core_relo: 16 };

/** The CO-RE relocation kinds (`enum bpf_core_relo_kind`), by number. */
export const CORE_RELO_KINDS: readonly string[] = [
  'byte_off',
  'byte_sz',
  'field_exists',
  'signed',
  'lshift_u64',
  'rshift_u64',
  'local_type_id',
  'target_type_id',
  'type_exists',
  'type_size',
  'enumval_exists',
  'enumval_value',
  'type_matches',
];

/** Where a core_relo sub-section read with `partialCoreRelo` was cut short ({@link BtfExt.coreReloCut}). */
export interface CoreReloCut {
  /** The string offset of the program section's name whose records were cut, or -1 when a section header was. */
  readonly secNameOff: number;
  /** The index of that section's first missing record (-1 with a cut section header). */
  readonly index: number;
  /** What a strict parse throws. */
  readonly error: BtfError;
}

/** A `.BTF.ext` section (libbpf's `struct btf_ext`). */
export class BtfExt {
  /** The section bytes (a private copy; rewritten in place by remapping). */
  readonly data: Uint8Array;
  readonly bigEndian: boolean;
  readonly hdrLen: number;
  readonly funcInfo: ExtInfo | null;
  readonly lineInfo: ExtInfo | null;
  readonly coreRelo: ExtInfo | null;
  /**
   * With `partialCoreRelo`, where a cut-short core_relo sub-section ends: the
   * section (its name's string offset) whose record `index` is the first
   * missing, and the error a strict parse throws. Null otherwise.
   */
  readonly coreReloCut: CoreReloCut | null;
  private readonly dv: DataView;
  private readonly le: boolean;

  private constructor(
    data: Uint8Array,
    le: boolean,
    hdrLen: number,
    infos: Array<ExtInfo | null>,
    cut: CoreReloCut | null,
  ) {
    this.coreReloCut = cut;
    this.data = data;
    this.le = le;
    this.bigEndian = !le;
    this.hdrLen = hdrLen;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.funcInfo = infos[0] ?? null;
    this.lineInfo = infos[1] ?? null;
    this.coreRelo = infos[2] ?? null;
  }

  /**
   * Returns the parsed `.BTF.ext` (`btf_ext__new`). Checks the header, each
   * sub-section's bounds and alignment, the record sizes and every section
   * header and record count; throws a BtfError naming the offset otherwise.
   * With `partialCoreRelo`, a core_relo sub-section cut short by the end of
   * the data keeps its complete records, and {@link coreReloCut} says where
   * it was cut (CO-RE reports then name the missing record and go on).
   */
  static parse(bytes: Uint8Array, opts: { file?: string; partialCoreRelo?: boolean } = {}): BtfExt {
    const ctx = (offset: number) => ({ offset, section: BTF_EXT_ELF_SEC, ...(opts.file ? { file: opts.file } : {}) });
    const fail = (code: BtfErrorCode, msg: string, offset: number): never => {
      throw new BtfError(code, `.BTF.ext: ${msg}`, ctx(offset));
    };
    if (bytes.length < 8) fail(BtfErrorCode.Truncated, `header needs at least 8 bytes, have ${bytes.length}`, 0);
    const data = inputBytes(bytes, 'BtfExt.parse').slice();
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let le: boolean;
    if (dv.getUint16(0, true) === EXT_MAGIC) le = true;
    else if (dv.getUint16(0, false) === EXT_MAGIC) le = false;
    else return fail(BtfErrorCode.BadHeader, `bad magic 0x${dv.getUint16(0, true).toString(16)}`, 0);
    if (data[2] !== 1) fail(BtfErrorCode.BadHeader, `unsupported version ${data[2]}`, 2);
    if (data[3] !== 0) fail(BtfErrorCode.BadHeader, `unsupported flags 0x${data[3]!.toString(16)}`, 3);
    const hdrLen = dv.getUint32(4, le);
    if (hdrLen < HDR_MIN) fail(BtfErrorCode.BadHeader, `header length ${hdrLen} is below ${HDR_MIN}`, 4);
    if (hdrLen > data.length)
      fail(BtfErrorCode.Truncated, `header length ${hdrLen} is past the end of the section (${data.length} bytes)`, 4);
    // libbpf's btf_ext_parse_hdr: a header alone is no .BTF.ext.
    if (hdrLen === data.length) fail(BtfErrorCode.Truncated, `has no data after the ${hdrLen}-byte header`, 4);
    const parts: Array<[ExtKind, number]> = [
      ['func_info', 8],
      ['line_info', 16],
    ];
    if (hdrLen >= HDR_CORE) parts.push(['core_relo', 24]);
    const infos: Array<ExtInfo | null> = [null, null, null];
    let cut: CoreReloCut | null = null;
    parts.forEach(([kind, at], idx) => {
      const off = dv.getUint32(at, le);
      let len = dv.getUint32(at + 4, le);
      if (len === 0) return;
      if (off % 4) fail(BtfErrorCode.BadSection, `${kind} offset ${off} is not 4-byte aligned`, at);
      const beg = hdrLen + off;
      // the one failure a partial core_relo reads on from: the data ends before the records do
      const partial = kind === 'core_relo' && opts.partialCoreRelo === true;
      const cutShort = (msg: string, offset: number): BtfError => {
        if (!partial) fail(BtfErrorCode.Truncated, msg, offset);
        return new BtfError(BtfErrorCode.Truncated, `.BTF.ext: ${msg}`, ctx(offset));
      };
      let cutBy: BtfError | null = null;
      if (beg + len > data.length) {
        cutBy = cutShort(
          `${kind} (offset ${off}, length ${len}) is past the end of the section (${data.length} bytes)`,
          at,
        );
        if (beg >= data.length) {
          cut = { secNameOff: -1, index: -1, error: cutBy };
          return;
        }
        len = data.length - beg;
      }
      if (len < 4) fail(BtfErrorCode.Truncated, `${kind} has no record size`, beg);
      const recSize = dv.getUint32(beg, le);
      if (recSize < MIN_REC[kind] || recSize % 4)
        fail(BtfErrorCode.BadSection, `${kind} has invalid record size ${recSize}`, beg);
      let p = beg + 4;
      const end = beg + len;
      if (p === end) fail(BtfErrorCode.BadSection, `${kind} has no records`, beg);
      const secs: ExtSec[] = [];
      while (p < end) {
        if (end - p < 8) {
          cutBy ??= cutShort(`${kind} section header is cut short`, p);
          break;
        }
        const numInfo = dv.getUint32(p + 4, le);
        if (numInfo === 0) fail(BtfErrorCode.BadSection, `${kind} section has no records (num_info 0)`, p + 4);
        const total = 8 + numInfo * recSize;
        if (end - p < total) {
          const e = cutShort(
            `${kind} section of ${numInfo} records of ${recSize} bytes is past the end of ${kind}`,
            p + 4,
          );
          // the complete records stay; the first missing one is named
          const whole = Math.floor((end - p - 8) / recSize);
          if (whole > 0) secs.push({ at: p, secNameOff: dv.getUint32(p, le), numInfo: whole, recs: p + 8 });
          cut = { secNameOff: dv.getUint32(p, le), index: whole, error: cutBy ?? e };
          cutBy = null;
          break;
        }
        secs.push({ at: p, secNameOff: dv.getUint32(p, le), numInfo, recs: p + 8 });
        p += total;
      }
      if (cutBy && !cut) cut = { secNameOff: -1, index: -1, error: cutBy };
      if (secs.length) infos[idx] = { kind, recSize, secs };
    });
    return new BtfExt(data, le, hdrLen, infos, cut);
  }

  /** Returns the `.BTF.ext` bytes (the input's, with any remapping applied). */
  rawData(): Uint8Array {
    return this.data;
  }

  private u32(off: number): number {
    return this.dv.getUint32(off, this.le);
  }

  private set32(off: number, v: number): void {
    this.dv.setUint32(off, v >>> 0, this.le);
  }

  /** The sub-sections present, in file order of their kinds. */
  infos(): ExtInfo[] {
    return [this.funcInfo, this.lineInfo, this.coreRelo].filter((x): x is ExtInfo => x !== null);
  }

  /**
   * Rewrites every type id the records hold: func_info's and core_relo's
   * `type_id` (libbpf's `btf_ext_visit_type_ids`, same order).
   */
  visitTypeIds(fn: (typeId: number) => number): void {
    for (const info of [this.funcInfo, this.coreRelo]) {
      if (!info) continue;
      for (const s of info.secs) {
        for (let r = 0, p = s.recs; r < s.numInfo; r++, p += info.recSize) this.set32(p + 4, fn(this.u32(p + 4)));
      }
    }
  }

  /**
   * Rewrites every string offset: each section's name, line_info's file and
   * line text, core_relo's access string (libbpf's `btf_ext_visit_str_offs`,
   * same order).
   */
  visitStrOffs(fn: (strOff: number) => number): void {
    if (this.funcInfo) for (const s of this.funcInfo.secs) this.set32(s.at, fn(this.u32(s.at)));
    if (this.lineInfo) {
      const li = this.lineInfo;
      for (const s of li.secs) {
        this.set32(s.at, fn(this.u32(s.at)));
        for (let r = 0, p = s.recs; r < s.numInfo; r++, p += li.recSize) {
          this.set32(p + 4, fn(this.u32(p + 4)));
          this.set32(p + 8, fn(this.u32(p + 8)));
        }
      }
    }
    if (this.coreRelo) {
      const cr = this.coreRelo;
      for (const s of cr.secs) {
        this.set32(s.at, fn(this.u32(s.at)));
        for (let r = 0, p = s.recs; r < s.numInfo; r++, p += cr.recSize) this.set32(p + 8, fn(this.u32(p + 8)));
      }
    }
  }

  /** Returns every func_info record with names resolved through `btf`. */
  funcInfos(btf: BtfContainer): Array<{ section: string; insnOff: number; typeId: number; name: string }> {
    const out: Array<{ section: string; insnOff: number; typeId: number; name: string }> = [];
    const fi = this.funcInfo;
    if (!fi) return out;
    for (const s of fi.secs) {
      const section = strOr(btf, s.secNameOff);
      for (let r = 0, p = s.recs; r < s.numInfo; r++, p += fi.recSize) {
        const typeId = this.u32(p + 4);
        let name = '';
        try {
          name = btf.nameOf(typeId);
        } catch {
          name = `<invalid type ${typeId}>`;
        }
        out.push({ section, insnOff: this.u32(p), typeId, name });
      }
    }
    return out;
  }

  /** Returns every line_info record with file and source text resolved through `btf`. */
  lineInfos(
    btf: BtfContainer,
  ): Array<{ section: string; insnOff: number; file: string; line: number; col: number; text: string }> {
    const out: Array<{ section: string; insnOff: number; file: string; line: number; col: number; text: string }> = [];
    const li = this.lineInfo;
    if (!li) return out;
    for (const s of li.secs) {
      const section = strOr(btf, s.secNameOff);
      for (let r = 0, p = s.recs; r < s.numInfo; r++, p += li.recSize) {
        const lc = this.u32(p + 12);
        out.push({
          section,
          insnOff: this.u32(p),
          file: strOr(btf, this.u32(p + 4)),
          line: lc >>> 10,
          col: lc & 0x3ff,
          text: strOr(btf, this.u32(p + 8)),
        });
      }
    }
    return out;
  }

  /** Returns every CO-RE relocation with its type, access string and kind name. */
  coreRelos(
    btf: BtfContainer,
  ): Array<{ section: string; insnOff: number; typeId: number; typeName: string; access: string; kind: string }> {
    const out: Array<{
      section: string;
      insnOff: number;
      typeId: number;
      typeName: string;
      access: string;
      kind: string;
    }> = [];
    const cr = this.coreRelo;
    if (!cr) return out;
    for (const s of cr.secs) {
      const section = strOr(btf, s.secNameOff);
      for (let r = 0, p = s.recs; r < s.numInfo; r++, p += cr.recSize) {
        const typeId = this.u32(p + 4);
        const k = this.u32(p + 12);
        let typeName = '';
        try {
          typeName = btf.nameOf(typeId);
        } catch {
          typeName = `<invalid type ${typeId}>`;
        }
        out.push({
          section,
          insnOff: this.u32(p),
          typeId,
          typeName,
          access: strOr(btf, this.u32(p + 8)),
          kind: CORE_RELO_KINDS[k] ?? `kind ${k}`,
        });
      }
    }
    return out;
  }
}

function strOr(btf: BtfContainer, off: number): string {
  try {
    return btf.str(off);
  } catch {
    return `<invalid string ${off}>`;
  }
}
