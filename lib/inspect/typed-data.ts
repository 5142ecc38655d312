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
 * - A signed enum's (kind_flag set) value that no enumerator matches prints
 *   without its comma, and without its newline under `--pretty`
 *   (`.a = (enum e)7.b = ...`): libbpf's `btf_dump_type_values` macro appends
 *   the delimiter to its format by string-literal concatenation, and the
 *   format `is_signed ? "%d" : "%u"` gets it on "%u" only (1.1.2, and
 *   still so in 1.7 and libbpf's master).
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
 *
 * Nesting. libbpf recurses, value inside value, with no limit of its own:
 * it prints some 10,000 nested structs and overflows its stack before
 * 100,000. Here the structs, arrays, variables and sections under way are
 * frames of one stack of numbers (`vs`), stepped by one loop
 * ({@link TypedDataDumper.dumpTypeData}), so any depth costs heap, not call
 * stack; the zero check (`btf_dump_type_data_check_zero`, first member of a
 * struct, elements of an array) is a loop with a stack of its own. An
 * error unwinds the frames up to the nearest array, which goes on with its
 * next element as libbpf's does (leaving `depth` raised, as libbpf's early
 * returns do). A type met again inside its own value contains itself (only
 * malformed BTF: libbpf overflows its stack): ELOOP.
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

// Frames of the value stack (see the module comment), V_FRAME numbers each, the kind first.
/** An array: [1] type, [2] element type, [3] element size, [4] next element, [5] elements, [6] address, [7] was an array member, [8] was terminated. */
const V_ARRAY = 1;
/** A struct or union: [1] type, [2] next member, [6] address. */
const V_STRUCT = 2;
/** A variable: [1] type, [2] its value is under way, [6] address. */
const V_VAR = 3;
/** A section: [1] type, [2] next variable, [3] a variable is under way, [6] address. */
const V_DATASEC = 4;
const V_FRAME = 9;
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
  /** The values under way (see the module comment). */
  private vs = new Float64Array(V_FRAME * 16);
  private vTop = 0;
  /** Per type: its value is under way (a frame on `vs`). */
  private readonly onPath: Uint8Array;
  /** The zero check's arrays under way: element type, size, next element, elements, address, bit offset, level. */
  private zs = new Float64Array(7 * 16);
  /**
   * A value known not to be zero: the first member of the struct last found
   * not zero (its check is the struct's, one step down), so that the checks
   * down a chain of nested structs cost one step each instead of the rest of
   * the chain (libbpf's are quadratic). -1: none.
   */
  private nzId = -1;
  private nzAt = 0;
  private nzBits = 0;

  constructor(
    btf: Btf,
    private readonly opts: TypedDataOptions = {},
  ) {
    this.btf = btf;
    this.q = typeQuery(btf);
    this.ptrSz = this.q.ptrSize;
    // libbpf 1.1.2 prints a prototype without parameters as `()`.
    this.decl = new CDeclWriter(btf, null, { voidProto: false, firstChunk: 1024 });
    this.onPath = new Uint8Array(this.q.typeCount);
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
    this.nzId = -1;
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
      // libbpf: `btf_dump_type_values(d, is_signed ? "%d" : "%u", value)`, a macro that appends
      // `"%s%s"` (delimiter, newline) to its format by string-literal concatenation, which
      // binds to "%u" alone: a signed enum's unmatched value prints without its comma
      if (signed) this.print(String(Number(BigInt.asIntN(32, value))));
      else this.value(String(Number(BigInt.asUintN(32, value))));
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
    // the same macro, `is_signed ? "%lldLL" : "%lluULL"`: no delimiter after a signed value
    if (signed) this.print(`${BigInt.asIntN(64, value)}LL`);
    else this.value(`${BigInt.asUintN(64, value)}ULL`);
  }

  /** Pushes a frame of `kind` for type `t` at address `at` on the value stack, or throws ELOOP when `t` is under way. */
  private pushValue(kind: number, t: number, at: number): number {
    if (this.onPath[t]) throw new DumpError('ELOOP', `type [${t}] contains itself`);
    this.onPath[t] = 1;
    if (this.vTop + V_FRAME > this.vs.length) {
      const g = new Float64Array(this.vs.length * 2);
      g.set(this.vs);
      this.vs = g;
    }
    const f = this.vTop;
    this.vs[f] = kind;
    this.vs[f + 1] = t;
    this.vs[f + 2] = 0;
    this.vs[f + 3] = 0;
    this.vs[f + 6] = at;
    this.vTop = f + V_FRAME;
    return f;
  }

  /** Pops the frames above `base`, as an error leaves them. */
  private unwind(base: number): void {
    while (this.vTop > base) {
      this.vTop -= V_FRAME;
      this.onPath[this.vs[this.vTop + 1]!] = 0;
    }
  }

  /** `btf_dump_array_data` up to the elements: checks the element type and pushes the array's frame. */
  private arrayStart(id: number, t: number, at: number): void {
    const elemId = this.btf.wordOf(t, 3);
    const nelems = this.btf.wordOf(t, 5);
    const elemT = this.skipModsAndTypedefs(elemId);
    this.checkKnown(elemT);
    const elemSize = this.resolveSize(elemId);
    if (elemSize <= 0) throw new DumpError('EINVAL', `unexpected elem size ${elemSize} for array type [${id}]`);
    if (this.kind(elemT) === BTF_KIND_INT && elemSize === 1) this.isArrayChar = true;
    const f = this.pushValue(V_ARRAY, t, at);
    const vs = this.vs;
    vs[f + 2] = elemId;
    vs[f + 3] = elemSize;
    vs[f + 4] = 0;
    vs[f + 5] = nelems;
    vs[f + 7] = this.isArrayMember ? 1 : 0;
    vs[f + 8] = this.isArrayTerminated ? 1 : 0;
    this.depth++;
    this.print(`[${this.newline()}`);
    this.isArrayMember = true;
    if (!this.legacy) this.isArrayTerminated = false;
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

  /**
   * `btf_dump_type_data_check_zero`: whether the value is zero and not shown.
   * libbpf recurses into the first member of a struct and the elements of an
   * array; here a struct is a step down and the arrays wait on `zs`.
   */
  private isZeroValue(id: number, at: number, bitsOffset: number, bitSz: number): boolean {
    if (this.emitZeroes || this.depth === 0 || (this.isArrayMember && !this.isArrayChar)) return false;
    if (id === this.nzId && at === this.nzAt && bitsOffset * 256 + bitSz === this.nzBits) {
      this.nzId = -1;
      this.firstMemberNotZero(id, at);
      return false;
    }
    this.nzId = -1;
    let top = 0;
    // Levels of the current path: more than there are types is a loop.
    let levels = 0;
    const first = id;
    const firstAt = at;
    for (;;) {
      if (++levels > this.q.typeCount) throw new DumpError('ELOOP', `type [${id}] contains itself`);
      const t = this.skipModsAndTypedefs(id);
      let zero: boolean;
      switch (this.kind(t)) {
        case BTF_KIND_INT:
          zero = bitSz
            ? this.bitfieldValue(t, at, bitsOffset, bitSz) === 0n
            : this.baseZero(t, at, this.btf.wordOf(t, 2));
          break;
        case BTF_KIND_FLOAT:
          zero = this.baseZero(t, at, this.btf.wordOf(t, 2));
          break;
        case BTF_KIND_PTR:
          zero = this.baseZero(t, at, this.ptrSz);
          break;
        case BTF_KIND_ARRAY: {
          const elemId = this.btf.wordOf(t, 3);
          const nelems = this.btf.wordOf(t, 5);
          const elemSize = this.resolveSize(elemId);
          const elemT = this.skipModsAndTypedefs(elemId);
          const ischar = this.kind(elemT) === BTF_KIND_INT && elemSize === 1;
          // A char array that starts with NUL is zero; so is one of no elements.
          if (nelems === 0 || (ischar && this.u8(at) === 0)) {
            zero = true;
            break;
          }
          if (top + 7 > this.zs.length) {
            const g = new Float64Array(this.zs.length * 2);
            g.set(this.zs);
            this.zs = g;
          }
          const z = this.zs;
          z[top] = elemId;
          z[top + 1] = elemSize;
          z[top + 2] = 1;
          z[top + 3] = nelems;
          z[top + 4] = at;
          z[top + 5] = bitsOffset;
          z[top + 6] = levels;
          top += 7;
          id = elemId;
          bitSz = 0;
          continue;
        }
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
          const [w, o] = this.btf.recordOf(t);
          const info = w[o + 1]!;
          const kflag = infoKflag(info);
          // libbpf compares with ENODATA, not -ENODATA, so the first member
          // decides: its loop never reaches the second.
          if (infoVlen16(info) === 0) {
            zero = true;
            break;
          }
          const raw = w[o + 5]!;
          const moffset = memberBitOffset(raw, kflag);
          id = w[o + 4]!;
          at += Math.floor(moffset / 8);
          bitsOffset = moffset % 8;
          bitSz = memberBitfieldSize(raw, kflag);
          continue;
        }
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
          zero = this.enumValue(t, id, at) === 0n;
          break;
        default:
          zero = false;
      }
      // An array is zero when every element is; the first one that is not decides.
      for (;;) {
        if (top === 0) {
          if (!zero && levels > 1) this.firstMemberNotZero(first, firstAt);
          return zero;
        }
        const z = this.zs;
        const e = top - 7;
        if (!zero || z[e + 2]! >= z[e + 3]!) {
          top = e;
          continue;
        }
        const i = z[e + 2]!;
        z[e + 2] = i + 1;
        id = z[e]!;
        at = z[e + 4]! + i * z[e + 1]!;
        bitsOffset = z[e + 5]!;
        bitSz = 0;
        levels = z[e + 6]!;
        break;
      }
    }
  }

  /** Records that the first member of `id` (when a struct or union) at `at` is not zero (see `nzId`). */
  private firstMemberNotZero(id: number, at: number): void {
    const t = this.skipModsAndTypedefs(id);
    const k = this.kind(t);
    if (k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) return;
    const [w, o] = this.btf.recordOf(t);
    const info = w[o + 1]!;
    if (infoVlen16(info) === 0) return;
    const kflag = infoKflag(info);
    const raw = w[o + 5]!;
    const moffset = memberBitOffset(raw, kflag);
    this.nzId = w[o + 4]!;
    this.nzAt = at + Math.floor(moffset / 8);
    this.nzBits = (moffset % 8) * 256 + memberBitfieldSize(raw, kflag);
  }

  /** Whether the `n` bytes of a base type at `at` are zero (EINVAL for an odd size). */
  private baseZero(id: number, at: number, n: number): boolean {
    if (n < 1 || n > 16) throw new DumpError('EINVAL', `unexpected size ${n} for id [${id}]`);
    return this.isZero(at, n);
  }

  /**
   * `btf_dump_dump_type_data`: prints one value, and the values inside it,
   * stepping the value stack (see the module comment) until it is done.
   */
  private dumpTypeData(fname: string, id: number, at: number, bitsOffset: number, bitSz: number): void {
    const base = this.vTop;
    try {
      this.startValue(fname, id, at, bitsOffset, bitSz);
    } catch (e) {
      this.unwind(base);
      throw e;
    }
    while (this.vTop > base) {
      try {
        this.stepValue();
      } catch (e) {
        // The nearest array above takes its element's error, unless it is a
        // loop (an array of a type that contains itself would retry it for
        // every element at every level).
        let f = this.vTop - V_FRAME;
        if (e instanceof DumpError && e.code !== 'ELOOP') {
          while (f >= base && this.vs[f] !== V_ARRAY) f -= V_FRAME;
        } else {
          f = base - V_FRAME;
        }
        this.unwind(f + V_FRAME);
        if (f < base) throw e;
      }
    }
  }

  /** Steps the frame on top of the value stack: starts its next value, or closes it. */
  private stepValue(): void {
    const f = this.vTop - V_FRAME;
    const vs = this.vs;
    const t = vs[f + 1]!;
    const at = vs[f + 6]!;
    switch (vs[f]) {
      case V_ARRAY: {
        const i = vs[f + 4]!;
        if (i < vs[f + 5]! && !this.isArrayTerminated) {
          vs[f + 4] = i + 1;
          this.startValue('', vs[f + 2]!, at + i * vs[f + 3]!, 0, 0);
          return;
        }
        this.vTop = f;
        this.onPath[t] = 0;
        this.isArrayMember = vs[f + 7] !== 0;
        if (!this.legacy) this.isArrayTerminated = vs[f + 8] !== 0;
        this.depth--;
        this.pfx();
        this.value(']');
        return;
      }
      case V_STRUCT: {
        const [w, o] = this.btf.recordOf(t);
        const info = w[o + 1]!;
        const i = vs[f + 2]!;
        if (i < infoVlen16(info)) {
          vs[f + 2] = i + 1;
          const kflag = infoKflag(info);
          const m = o + 3 + i * 3;
          const raw = w[m + 2]!;
          const moffset = memberBitOffset(raw, kflag);
          this.startValue(
            this.btf.str(w[m]!),
            w[m + 1]!,
            at + Math.floor(moffset / 8),
            moffset % 8,
            memberBitfieldSize(raw, kflag),
          );
          return;
        }
        this.vTop = f;
        this.onPath[t] = 0;
        this.depth--;
        this.pfx();
        this.value('}');
        return;
      }
      case V_VAR:
        if (vs[f + 2] === 0) {
          vs[f + 2] = 1;
          this.startValue('', this.btf.wordOf(t, 2), at, 0, 0);
          return;
        }
        this.vTop = f;
        this.onPath[t] = 0;
        return;
      default: {
        // A section: `;` after each variable that printed without error.
        if (vs[f + 3]) this.print(';');
        const [w, o] = this.btf.recordOf(t);
        const i = vs[f + 2]!;
        if (i < infoVlen(w[o + 1]!)) {
          vs[f + 2] = i + 1;
          vs[f + 3] = 1;
          const e = o + 3 + i * 3;
          this.startValue('', w[e]!, at + w[e + 1]!, 0, 0);
          return;
        }
        this.vTop = f;
        this.onPath[t] = 0;
      }
    }
  }

  /**
   * The start of `btf_dump_dump_type_data`: checks the value, prints its
   * name and cast, and either the whole value (a base type) or the start of
   * one that holds others, whose frame it pushes.
   */
  private startValue(fname: string, id: number, at: number, bitsOffset: number, bitSz: number): void {
    this.checkKnown(this.skipModsAndTypedefs(id));
    this.checkOverflow(id, at, bitsOffset, bitSz);
    if (this.isZeroValue(id, at, bitsOffset, bitSz)) return;
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
        this.arrayStart(id, t, at);
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        this.pushValue(V_STRUCT, t, at);
        this.depth++;
        this.print(`{${this.newline()}`);
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
        this.emitTypeCast(this.btf.wordOf(t, 2), false);
        this.print(` ${this.btf.nameOf(t)} = `);
        this.pushValue(V_VAR, t, at);
        break;
      }
      case BTF_KIND_DATASEC:
        this.value(`SEC("${this.btf.nameOf(t)}") `);
        this.pushValue(V_DATASEC, t, at);
        break;
      default:
        throw new DumpError('EINVAL', `unexpected kind [${k}] for id [${id}]`);
    }
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
