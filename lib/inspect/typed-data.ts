/**
 * Typed data: bytes printed through their BTF type, exactly as libbpf's
 * `btf_dump__dump_type_data` prints them.
 *
 * ```
 *   struct config { char name[12]; bool enabled; struct point origin; __u64 limit; }
 *   (struct config){.name = (char[12])['d','e','m','o','\0',],.enabled = (_Bool)1,
 *                   .origin = (struct point){.x = (int)-3,.y = (int)4,},.limit = (__u64)1099511627776,}
 * ```
 *
 * A value starts with its C type as a cast (modifiers stripped, anonymous
 * types as bare `struct`/`union`/`enum `), then: integers in decimal (128-bit
 * ones and bitfields in hex), enums by enumerator name (a number when none
 * matches; ENUM64 numbers get `ULL`/`LL`), floats with `%f`, pointers with
 * `%p` (`(nil)`, `0x1000`), structs and unions as `{.member = value,...}`
 * and arrays as `[v,v,...]` without casts on the elements. Every member and
 * element is followed by a comma. This module follows libbpf 1.1.2 line by
 * line (`btf_dump.c`), quirks included:
 *
 * - Arrays of 1-byte integers print printable bytes as characters (`'d'`),
 *   others as numbers, and stop at the first NUL. The "char array" state is
 *   never reset, so every later 1-byte integer of the same value is treated
 *   as a character too.
 * - A NUL ends the array. libbpf 1.1.2 prints nothing for it and also never
 *   clears the "terminated" state, so every later 1-byte integer of the value
 *   prints nothing at all, not even its comma (`.enabled = (_Bool).color =`).
 *   libbpf >= 1.5 prints the NUL as `'\0'` and clears the state after each
 *   array; we print as libbpf >= 1.5 does, unless `libbpf11` asks for 1.1.2's
 *   output (the differential tests use it).
 * - libbpf 1.1.2 checks that a bitfield fits in the data by the size of its
 *   base type, so a bitfield near the end of a struct can fail with E2BIG;
 *   libbpf >= 1.5 checks the bytes the bitfield covers, and so do we, unless
 *   `libbpf11` is set.
 * - An enum at an unaligned address (a packed struct) reads as 0: libbpf
 *   reads it through its bitfield helper with a bit size of 0, a 64-bit shift
 *   that the compiler folds to 0.
 * - Names that several types share get libbpf's `___2`, `___3` suffixes, in
 *   the order they are first printed; one dumper keeps that state across
 *   calls, as one `struct btf_dump` does.
 *
 * The casts are printed by the C header dump's own declaration renderer
 * (dump/c-decl.ts `CDeclWriter.castText`, libbpf's `btf_dump_emit_type_decl`
 * with `strip_mods` and `skip_anon_defs`), which holds the name state; sizes,
 * alignments and what lies under typedefs come from the flat query layer
 * (lib/query.ts). A type of a kind this version does not know is a BtfError
 * naming it, not a value.
 *
 * Data is read in the byte order given (the object's); alignment is judged
 * on the offset into the buffer, whose start is taken as aligned (libbpf's
 * buffers are page-aligned).
 * @module
 */
import type { Btf } from '../btf.js';
import { CDeclWriter } from '../dump/c-decl.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  NR_BTF_KINDS,
  infoKflag,
  infoKind,
  infoVlen,
  infoVlen16,
  intEncoding,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';

/** Options for {@link TypedDataDumper}, libbpf's `btf_dump_type_data_opts` plus btfkit's own. */
export interface TypedDataOptions {
  /** One line, no indentation. Defaults to true (libbpf's default is false). */
  compact?: boolean;
  /** Leave out member names and casts. */
  skipNames?: boolean;
  /** Print zero members and elements too. Defaults to true (libbpf's default is false). */
  emitZeroes?: boolean;
  /** Base indentation level (pretty output). */
  indentLevel?: number;
  /** One level of indentation (pretty output); a tab by default. */
  indentStr?: string;
  /**
   * Print exactly as libbpf 1.1.2 does: its char-array output and its
   * bitfield overflow check (see the module comment). By default both follow
   * libbpf >= 1.5.
   */
  libbpf11?: boolean;
  /** Byte order of the data; little-endian by default. */
  littleEndian?: boolean;
}

/** What {@link TypedDataDumper.dump} printed, and the error that stopped it, as libbpf prints then fails. */
export interface TypedDataResult {
  text: string;
  /** libbpf's error (`-E2BIG`, `-EINVAL`, `-ENOTSUP` ...) as a message, when the dump failed part-way. */
  error?: string;
}

const ENODATA = 'ENODATA';
/** Nesting beyond which a value is refused (only malformed BTF gets there). */
const MAX_DEPTH = 128;
class DumpError {
  constructor(
    readonly code: string,
    readonly message: string,
  ) {}
}

/**
 * Prints typed data as libbpf's `btf_dump__dump_type_data` does. One dumper
 * holds the name-disambiguation state of one `struct btf_dump`.
 */
export class TypedDataDumper {
  private readonly btf: Btf;
  /** The flat view of the BTF (lib/query.ts). */
  private readonly q: TypeQuery;
  private readonly ptrSz: number;
  /** The C declaration renderer the casts are printed with, and its name state (dump/c-decl.ts). */
  private readonly decl: CDeclWriter;

  // per-call state (libbpf's struct btf_dump_data)
  private out: string[] = [];
  private data: Uint8Array = new Uint8Array(0);
  private dataEnd = 0;
  private le = true;
  private compact = true;
  private skipNames = false;
  private emitZeroes = true;
  private legacy = false;
  private indentLvl = 0;
  private indentStr = '\t';
  private depth = 0;
  private isArrayMember = false;
  private isArrayTerminated = false;
  private isArrayChar = false;

  constructor(
    btf: Btf,
    private readonly opts: TypedDataOptions = {},
  ) {
    this.btf = btf;
    this.q = typeQuery(btf);
    this.ptrSz = this.q.ptrSize;
    // libbpf 1.1.2 prints a prototype without parameters as `()`.
    this.decl = new CDeclWriter(btf, null, { voidProto: false, firstChunk: 1024 });
  }

  /**
   * Returns the text of `size` bytes at `offset` in `buf` printed as type
   * `typeId` (`btf_dump__dump_type_data(d, id, buf + offset, size, opts)`),
   * and the error when libbpf would have failed part-way.
   */
  dump(
    typeId: number,
    buf: Uint8Array,
    offset = 0,
    size = buf.length - offset,
    opts: TypedDataOptions = {},
  ): TypedDataResult {
    const o = { ...this.opts, ...opts };
    this.out = [];
    this.data = buf;
    this.dataEnd = offset + size;
    this.le = o.littleEndian ?? true;
    this.compact = o.compact ?? true;
    this.skipNames = o.skipNames ?? false;
    this.emitZeroes = o.emitZeroes ?? true;
    this.legacy = o.libbpf11 ?? false;
    this.indentLvl = o.indentLevel ?? 0;
    this.indentStr = (o.indentStr ?? '\t').slice(0, 31);
    this.depth = 0;
    this.isArrayMember = false;
    this.isArrayTerminated = false;
    this.isArrayChar = false;
    let error: string | undefined;
    if (!Number.isInteger(typeId) || typeId <= 0 || typeId >= this.btf.typeCount) {
      error = `ENOENT: no type [${typeId}]`;
    } else {
      try {
        this.dumpTypeData('', typeId, offset, 0, 0);
      } catch (e) {
        if (!(e instanceof DumpError)) throw e;
        error = `${e.code}: ${e.message}`;
      }
    }
    const text = this.out.join('');
    this.out = [];
    this.data = new Uint8Array(0);
    return error === undefined ? { text } : { text, error };
  }

  /**
   * Returns a type as C names it in a cast (`btf_dump__emit_type_decl` with
   * modifiers stripped, unless `stripMods` is false, and anonymous types not
   * expanded), using and updating this dumper's name state. Throws BtfError
   * EINVAL for a type of a kind this version does not know.
   */
  typeName(typeId: number, stripMods = true): string {
    return this.decl.castText(typeId, stripMods);
  }

  // ------------------------------------------------------------- printing

  private print(s: string): void {
    this.out.push(s);
  }

  /** `btf_dump_type_values`: the value, then the delimiter and newline of the current depth. */
  private value(s: string): void {
    this.out.push(s, this.depth === 0 ? '' : ',', this.compact || this.depth === 0 ? '' : '\n');
  }

  private newline(): string {
    return this.compact || this.depth === 0 ? '' : '\n';
  }

  private pfx(): void {
    if (this.compact) return;
    const lvl = this.indentLvl + this.depth;
    for (let i = 0; i < lvl; i++) this.out.push(this.indentStr);
  }

  // ---------------------------------------------------------------- types

  private kind(id: number): number {
    return this.q.kind(id);
  }

  private skipModsAndTypedefs(id: number): number {
    return this.q.skipModsAndTypedefs(id);
  }

  /** `btf__resolve_size`, or -1 where it fails. */
  private resolveSize(id: number): number {
    return this.q.sizeOf(id);
  }

  /** Throws BtfError EINVAL when `id` is of a kind this version does not know (libbpf would print it as nothing it knows). */
  private checkKnown(id: number): void {
    if (this.q.kind(id) >= NR_BTF_KINDS) this.q.checkKnown(id);
  }

  private ptrIsAligned(id: number, at: number): boolean {
    // libbpf: `(uintptr_t)data % alignment`; a failed btf__align_of (< 0) never divides an address
    const a = this.q.alignOf(id);
    return a > 0 && at % a === 0;
  }

  /** `btf_dump_emit_type_cast`: the type in parentheses (`topLevel`) or bare, by the shared declaration renderer. */
  private emitTypeCast(id: number, topLevel: boolean): void {
    if (this.isArrayMember) return;
    const k = this.kind(id);
    if (k === BTF_KIND_VAR || k === BTF_KIND_DATASEC) return;
    const s = this.decl.castText(id, true);
    this.print(topLevel ? `(${s})` : s);
  }

  // ------------------------------------------------------------ raw reads

  private u8(at: number): number {
    return this.data[at] ?? 0;
  }

  /** Unsigned little/big-endian read of `n` bytes (n <= 16) as a bigint. */
  private readU(at: number, n: number): bigint {
    let v = 0n;
    if (this.le) for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.u8(at + i));
    else for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.u8(at + i));
    return v;
  }

  // --------------------------------------------------------------- values

  /** `btf_dump_get_bitfield_value`. */
  private bitfieldValue(t: number, at: number, bitsOffset: number, bitSz: number): bigint {
    const size = this.btf.wordOf(t, 2);
    if (size > 8) throw new DumpError('EINVAL', `unexpected bitfield size ${size}`);
    let num = 0n;
    let nrCopyBits: number;
    if (this.le) {
      for (let i = size - 1; i >= 0; i--) num = num * 256n + BigInt(this.u8(at + i));
      nrCopyBits = bitSz + bitsOffset;
    } else {
      for (let i = 0; i < size; i++) num = num * 256n + BigInt(this.u8(at + i));
      nrCopyBits = size * 8 - bitsOffset;
    }
    const left = 64 - nrCopyBits;
    const right = 64 - bitSz;
    // A shift by 64 is undefined in C; with constant arguments the compiler folds it to 0.
    if (left >= 64 || right >= 64 || left < 0) return 0n;
    return BigInt.asUintN(64, BigInt.asUintN(64, num << BigInt(left)) >> BigInt(right));
  }

  private intData(t: number, at: number): void {
    const size = this.btf.wordOf(t, 2);
    const sign = (intEncoding(this.btf.wordOf(t, 3)) & BTF_INT_SIGNED) !== 0;
    if (size === 0 || size > 16) throw new DumpError('EINVAL', `unexpected size ${size} for id [${t}]`);
    switch (size) {
      case 16: {
        const lo = this.le ? this.readU(at, 8) : this.readU(at + 8, 8);
        const hi = this.le ? this.readU(at + 8, 8) : this.readU(at, 8);
        this.value(hi === 0n ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(16, '0')}`);
        return;
      }
      case 8:
      case 4:
      case 2: {
        const u = this.readU(at, size);
        this.value((sign ? BigInt.asIntN(size * 8, u) : u).toString());
        return;
      }
      case 1: {
        const b = this.u8(at);
        if (this.isArrayChar) {
          if (this.isArrayTerminated) return;
          if (b === 0) {
            if (!this.legacy) this.value("'\\0'");
            this.isArrayTerminated = true;
            return;
          }
          if (b >= 0x20 && b <= 0x7e) {
            this.value(`'${String.fromCharCode(b)}'`);
            return;
          }
        }
        this.value(String(sign ? (b << 24) >> 24 : b));
        return;
      }
      default:
        throw new DumpError('EINVAL', `unexpected sz ${size} for id [${t}]`);
    }
  }

  private floatData(t: number, at: number): void {
    const size = this.btf.wordOf(t, 2);
    const bytes = new Uint8Array(16);
    for (let i = 0; i < size && i < 16; i++) bytes[i] = this.u8(at + i);
    const dv = new DataView(bytes.buffer);
    switch (size) {
      case 16:
        this.value(formatLongDouble(bytes, this.le));
        return;
      case 8:
        this.value(formatF(dv.getFloat64(0, this.le)));
        return;
      case 4:
        this.value(formatF(dv.getFloat32(0, this.le)));
        return;
      default:
        throw new DumpError('EINVAL', `unexpected size ${size} for id [${t}]`);
    }
  }

  private ptrData(id: number, at: number): void {
    if (this.ptrIsAligned(id, at) && this.ptrSz === 8) {
      const v = this.readU(at, 8);
      this.value(v === 0n ? '(nil)' : `0x${v.toString(16)}`);
    } else {
      this.value(`0x${this.readU(at, this.ptrSz).toString(16)}`);
    }
  }

  /** `btf_dump_get_enum_value` */
  private enumValue(t: number, id: number, at: number): bigint {
    const info = this.btf.infoOf(t);
    const signed = infoKflag(info);
    if (!this.ptrIsAligned(id, at)) return this.bitfieldValue(t, at, 0, 0);
    const size = this.btf.wordOf(t, 2);
    switch (size) {
      case 8:
        return BigInt.asIntN(64, this.readU(at, 8));
      case 4:
      case 2:
      case 1: {
        const u = this.readU(at, size);
        return signed ? BigInt.asIntN(size * 8, u) : u;
      }
      default:
        throw new DumpError('EINVAL', `unexpected size ${size} for enum, id:[${id}]`);
    }
  }

  private enumData(t: number, value: bigint): void {
    const info = this.btf.infoOf(t);
    const signed = infoKflag(info);
    const vlen = infoVlen(info);
    const [w, o] = this.btf.recordOf(t);
    if (infoKind(info) === BTF_KIND_ENUM) {
      for (let i = 0; i < vlen; i++) {
        // libbpf compares the s64 value with the s32 `val` widened
        if (value === BigInt(w[o + 3 + i * 2 + 1]! | 0)) {
          this.value(this.btf.str(w[o + 3 + i * 2]!));
          return;
        }
      }
      this.value(signed ? String(Number(BigInt.asIntN(32, value))) : String(Number(BigInt.asUintN(32, value))));
      return;
    }
    for (let i = 0; i < vlen; i++) {
      const e = o + 3 + i * 3;
      const v = BigInt.asIntN(64, (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!));
      if (value === v) {
        this.value(this.btf.str(w[e]!));
        return;
      }
    }
    this.value(signed ? `${BigInt.asIntN(64, value)}LL` : `${BigInt.asUintN(64, value)}ULL`);
  }

  private arrayData(id: number, t: number, at: number): void {
    const elemId = this.btf.wordOf(t, 3);
    const nelems = this.btf.wordOf(t, 5);
    const elemT = this.skipModsAndTypedefs(elemId);
    this.checkKnown(elemT);
    const elemSize = this.resolveSize(elemId);
    if (elemSize <= 0) throw new DumpError('EINVAL', `unexpected elem size ${elemSize} for array type [${id}]`);
    if (this.kind(elemT) === BTF_KIND_INT && elemSize === 1) this.isArrayChar = true;
    if (this.depth >= MAX_DEPTH) throw new DumpError('ELOOP', `type [${id}] nests deeper than ${MAX_DEPTH} levels`);
    this.depth++;
    this.print(`[${this.newline()}`);
    const wasMember = this.isArrayMember;
    this.isArrayMember = true;
    const wasTerminated = this.isArrayTerminated;
    if (!this.legacy) this.isArrayTerminated = false;
    for (let i = 0; i < nelems; i++, at += elemSize) {
      if (this.isArrayTerminated) break;
      try {
        this.dumpTypeData('', elemId, at, 0, 0);
      } catch (e) {
        // libbpf ignores the elements' errors, but not our depth limit: a
        // type that contains itself through an array would otherwise be
        // retried for every element at every level (2^depth).
        if (!(e instanceof DumpError) || e.code === 'ELOOP') throw e;
      }
    }
    this.isArrayMember = wasMember;
    if (!this.legacy) this.isArrayTerminated = wasTerminated;
    this.depth--;
    this.pfx();
    this.value(']');
  }

  private structData(t: number, at: number): void {
    const [w, o] = this.btf.recordOf(t);
    const info = w[o + 1]!;
    const n = infoVlen16(info);
    const kflag = infoKflag(info);
    if (this.depth >= MAX_DEPTH) throw new DumpError('ELOOP', `type [${t}] nests deeper than ${MAX_DEPTH} levels`);
    this.depth++;
    this.print(`{${this.newline()}`);
    for (let i = 0; i < n; i++) {
      const [mw, mo] = this.btf.recordOf(t);
      const m = mo + 3 + i * 3;
      const mtype = mw[m + 1]!;
      const mname = this.btf.str(mw[m]!);
      const raw = mw[m + 2]!;
      const moffset = memberBitOffset(raw, kflag);
      const bitSz = memberBitfieldSize(raw, kflag);
      this.dumpTypeData(mname, mtype, at + Math.floor(moffset / 8), moffset % 8, bitSz);
    }
    this.depth--;
    this.pfx();
    this.value('}');
  }

  /** `btf_dump_type_data_check_overflow`: the type's size, or E2BIG when a base type runs past the data. */
  private checkOverflow(id: number, at: number, bitsOffset: number, bitSz: number): number {
    if (bitSz && !this.legacy) {
      // libbpf >= 1.5: a bitfield needs only the bytes it covers
      const nrBytes = Math.floor((bitsOffset + bitSz + 7) / 8);
      if (at + nrBytes > this.dataEnd) throw new DumpError('E2BIG', 'data overruns the buffer');
      return nrBytes;
    }
    const size = this.resolveSize(id);
    if (size < 0 || size >= 0x7fffffff) throw new DumpError('EINVAL', `unexpected size [${size}] for id [${id}]`);
    const t = this.skipModsAndTypedefs(id);
    switch (this.kind(t)) {
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
      case BTF_KIND_PTR:
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        if (at + Math.floor(bitsOffset / 8) + size > this.dataEnd)
          throw new DumpError('E2BIG', 'data overruns the buffer');
        break;
      default:
        break;
    }
    return size;
  }

  private isZero(at: number, n: number): boolean {
    for (let i = 0; i < n; i++) if (this.u8(at + i) !== 0) return false;
    return true;
  }

  /** `btf_dump_type_data_check_zero`: throws ENODATA for a zero value that is not shown. */
  private checkZero(id: number, at: number, bitsOffset: number, bitSz: number): void {
    if (this.emitZeroes || this.depth === 0 || (this.isArrayMember && !this.isArrayChar)) return;
    const t = this.skipModsAndTypedefs(id);
    const k = this.kind(t);
    switch (k) {
      case BTF_KIND_INT:
        if (bitSz) {
          if (this.bitfieldValue(t, at, bitsOffset, bitSz) === 0n) throw new DumpError(ENODATA, '');
          return;
        }
        this.baseZero(t, at, this.btf.wordOf(t, 2));
        return;
      case BTF_KIND_FLOAT:
        this.baseZero(t, at, this.btf.wordOf(t, 2));
        return;
      case BTF_KIND_PTR:
        this.baseZero(t, at, this.ptrSz);
        return;
      case BTF_KIND_ARRAY: {
        const elemId = this.btf.wordOf(t, 3);
        const nelems = this.btf.wordOf(t, 5);
        const elemSize = this.resolveSize(elemId);
        const elemT = this.skipModsAndTypedefs(elemId);
        const ischar = this.kind(elemT) === BTF_KIND_INT && elemSize === 1;
        for (let i = 0; i < nelems; i++) {
          if (i === 0 && ischar && this.u8(at) === 0) throw new DumpError(ENODATA, '');
          try {
            this.checkZero(elemId, at + i * elemSize, bitsOffset, 0);
            return;
          } catch (e) {
            if (!(e instanceof DumpError) || e.code !== ENODATA) throw e;
          }
        }
        throw new DumpError(ENODATA, '');
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        const [w, o] = this.btf.recordOf(t);
        const info = w[o + 1]!;
        const kflag = infoKflag(info);
        // libbpf compares with ENODATA, not -ENODATA, so the first member
        // decides: its loop never reaches the second.
        if (infoVlen16(info) === 0) throw new DumpError(ENODATA, '');
        const m = o + 3;
        const raw = w[m + 2]!;
        const moffset = memberBitOffset(raw, kflag);
        this.checkZero(w[m + 1]!, at + Math.floor(moffset / 8), moffset % 8, memberBitfieldSize(raw, kflag));
        return;
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        if (this.enumValue(t, id, at) === 0n) throw new DumpError(ENODATA, '');
        return;
      default:
        return;
    }
  }

  private baseZero(id: number, at: number, n: number): void {
    if (n < 1 || n > 16) throw new DumpError('EINVAL', `unexpected size ${n} for id [${id}]`);
    if (this.isZero(at, n)) throw new DumpError(ENODATA, '');
  }

  /** `btf_dump_dump_type_data`: prints one value; returns its size. */
  private dumpTypeData(fname: string, id: number, at: number, bitsOffset: number, bitSz: number): number {
    this.checkKnown(this.skipModsAndTypedefs(id));
    const size = this.checkOverflow(id, at, bitsOffset, bitSz);
    try {
      this.checkZero(id, at, bitsOffset, bitSz);
    } catch (e) {
      if (e instanceof DumpError && e.code === ENODATA) return size;
      throw e;
    }
    this.pfx();
    if (!this.skipNames) {
      if (fname) this.print(`.${fname} = `);
      this.emitTypeCast(id, true);
    }
    const t = this.skipModsAndTypedefs(id);
    const k = this.kind(t);
    switch (k) {
      case 0:
      case BTF_KIND_FWD:
      case BTF_KIND_FUNC:
      case BTF_KIND_FUNC_PROTO:
      case BTF_KIND_DECL_TAG:
        this.print(`<unsupported kind:${k}>`);
        throw new DumpError('ENOTSUP', `unsupported kind ${k}`);
      case BTF_KIND_INT:
        if (bitSz) this.value(`0x${this.bitfieldValue(t, at, bitsOffset, bitSz).toString(16)}`);
        else this.intData(t, at);
        break;
      case BTF_KIND_FLOAT:
        this.floatData(t, at);
        break;
      case BTF_KIND_PTR:
        this.ptrData(id, at);
        break;
      case BTF_KIND_ARRAY:
        this.arrayData(id, t, at);
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        this.structData(t, at);
        break;
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        let v: bigint;
        if (bitSz) {
          const raw = this.bitfieldValue(t, at, bitsOffset, bitSz);
          // libbpf stores the bitfield in an s64 and reads it back with the enum's size
          const esize = this.btf.wordOf(t, 2);
          const signed = infoKflag(this.btf.infoOf(t));
          v =
            esize >= 8
              ? BigInt.asIntN(64, raw)
              : signed
                ? BigInt.asIntN(esize * 8, raw)
                : BigInt.asUintN(esize * 8, raw);
        } else {
          v = this.enumValue(t, id, at);
        }
        this.enumData(t, v);
        break;
      }
      case BTF_KIND_VAR: {
        const linkage = this.btf.wordOf(t, 3);
        this.print(linkage === 0 ? 'static ' : linkage === 2 ? 'extern ' : '');
        const vt = this.btf.wordOf(t, 2);
        this.emitTypeCast(vt, false);
        this.print(` ${this.btf.nameOf(t)} = `);
        this.dumpTypeData('', vt, at, 0, 0);
        break;
      }
      case BTF_KIND_DATASEC: {
        this.value(`SEC("${this.btf.nameOf(t)}") `);
        const [w, o] = this.btf.recordOf(t);
        const n = infoVlen(w[o + 1]!);
        for (let i = 0; i < n; i++) {
          const [sw, so] = this.btf.recordOf(t);
          const e = so + 3 + i * 3;
          this.dumpTypeData('', sw[e]!, at + sw[e + 1]!, 0, 0);
          this.print(';');
        }
        break;
      }
      default:
        throw new DumpError('EINVAL', `unexpected kind [${k}] for id [${id}]`);
    }
    return size;
  }
}

// ------------------------------------------------------------------- floats

const TEN6 = 1000000n;

/** Formats `mant * 2^exp` (mant >= 0) with six decimals, rounding half to even like glibc's printf. */
function fixed6(negative: boolean, mant: bigint, exp: number): string {
  let q: bigint;
  if (exp >= 0) {
    q = (mant << BigInt(exp)) * TEN6;
  } else {
    const k = BigInt(-exp);
    const scaled = mant * TEN6;
    q = scaled >> k;
    const r = scaled - (q << k);
    const half = 1n << (k - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
  }
  const ip = q / TEN6;
  const fp = (q % TEN6).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${ip}.${fp}`;
}

/** Returns a double as C's `printf("%f")` prints it (glibc: `nan`, `-nan`, `inf`, `-inf`). */
export function formatF(x: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const negative = hi >>> 31 === 1;
  const e = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0x7ff) return frac === 0n ? (negative ? '-inf' : 'inf') : negative ? '-nan' : 'nan';
  if (e === 0) return fixed6(negative, frac, -1074);
  return fixed6(negative, frac | (1n << 52n), e - 1075);
}

/** Returns an x86 80-bit long double (the first 10 of 16 bytes) as `printf("%Lf")` prints it. */
export function formatLongDouble(bytes: Uint8Array, le: boolean): string {
  const b = le ? bytes : bytes.slice(0, 16).reverse();
  let mant = 0n;
  for (let i = 7; i >= 0; i--) mant = (mant << 8n) | BigInt(b[i]!);
  const se = b[8]! | (b[9]! << 8);
  const negative = (se & 0x8000) !== 0;
  const e = se & 0x7fff;
  if (e === 0x7fff) return (mant & ((1n << 63n) - 1n)) === 0n ? (negative ? '-inf' : 'inf') : negative ? '-nan' : 'nan';
  return fixed6(negative, mant, (e === 0 ? 1 : e) - 16383 - 63);
}
