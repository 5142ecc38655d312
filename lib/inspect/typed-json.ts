/**
 * Typed data as JSON values: the structured twin of the typed-data text
 * (inspect/typed-data.ts), for `btfkit vars -j` and for programs that want
 * a global's initial value rather than libbpf's rendering of it.
 *
 * ```
 *   struct config { char name[12]; bool enabled; struct point origin; __u64 limit; }
 *   {"name":"demo","enabled":true,"origin":{"x":-3,"y":4},"limit":1099511627776}
 * ```
 *
 * The mapping, type by type (typedefs and modifiers skipped):
 *
 * - INT: a number (signed as its encoding says; bitfields too); a BOOL
 *   encoding gives `true`/`false`; a value JSON numbers cannot hold exactly
 *   (beyond 2^53) is a string of its decimal digits; 128-bit integers are
 *   strings in hex, `"0x…"`, as the text prints them.
 * - A char array (of an INT named `char`, or with the CHAR encoding, under
 *   its typedefs) whose bytes up to the first NUL are all printable ASCII is
 *   a string, as bpftool's `btf_dumper` prints char arrays; any other array
 *   (`__u8[8]`, an `unsigned char` buffer, a char array holding binary
 *   data) is an array of its elements.
 * - ENUM/ENUM64: the enumerator's name, or the number when none matches.
 * - FLOAT: a number (4 and 8 bytes); `long double` a string, as the text.
 * - PTR: the address as a number (a string past 2^53).
 * - STRUCT/UNION: an object of the members by name; an anonymous struct or
 *   union member is merged into its parent, as C reads `outer.inner_field`.
 * - VAR: its type's value. Anything else (void, FUNC_PROTO, FWD, a kind this
 *   version does not know, bytes past the data) is `null`.
 *
 * Data is read in the byte order given. Nesting has no limit: the structs
 * and arrays under way are frames of one explicit stack (a struct's member
 * index, an array's element index, the object or array being filled), each
 * new container is put in its parent when it is made and filled when its
 * frame comes up, so a 200,000-deep chain costs heap, not call stack (the
 * values are as deep: write them with a serializer that does not recurse
 * either, such as the CLI's `jsonText`). A struct or array met again inside
 * its own value contains itself (only malformed BTF): a BtfError ELOOP.
 * @module
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_INT_BOOL,
  BTF_INT_CHAR,
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  intBits,
  intEncoding,
  intOffset,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';
import { formatLongDouble } from './typed-data.js';

/** A JSON value as {@link typedJson} returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A struct or union whose members are being read into `out` (an anonymous member's frame shares its parent's `out`). */
interface StructFrame {
  array: false;
  t: number;
  at: number;
  i: number;
  out: { [key: string]: JsonValue };
}
/** An array whose elements are being read into `out`. */
interface ArrayFrame {
  array: true;
  t: number;
  at: number;
  i: number;
  out: JsonValue[];
  elem: number;
  esz: number;
  n: number;
}
type Frame = StructFrame | ArrayFrame;

/** Returns `v` as a JSON number when it is exact, else its decimal digits as a string. */
function jsonInt(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

class Reader {
  private readonly q: TypeQuery;
  constructor(
    btf: Btf,
    private readonly data: Uint8Array,
    private readonly end: number,
    private readonly le: boolean,
  ) {
    this.q = typeQuery(btf);
  }

  /** Unsigned read of `n` bytes at `at` (zeroes past the data, as libbpf's initial values). */
  private readU(at: number, n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i++) {
      const b = BigInt(this.data[this.le ? at + n - 1 - i : at + i] ?? 0);
      v = (v << 8n) | b;
    }
    return v;
  }

  /** Frames under way, innermost last. */
  private readonly stack: Frame[] = [];
  /** Structs and arrays under way (a type met again contains itself). */
  private readonly onPath = new Set<number>();

  /** Returns the value of type `id` at `at`, its containers filled on the explicit stack. */
  value(id: number, at: number): JsonValue {
    const root = this.start(id, at, 0, 0);
    const st = this.stack;
    const q = this.q;
    while (st.length) {
      const f = st[st.length - 1]!;
      if (f.array) {
        if (f.i >= f.n || f.at + f.i * f.esz >= this.end) {
          this.pop(f);
          continue;
        }
        const i = f.i++;
        f.out.push(this.start(f.elem, f.at + i * f.esz, 0, 0));
        continue;
      }
      const t = f.t;
      if (f.i >= q.vlen(t)) {
        this.pop(f);
        continue;
      }
      const i = f.i++;
      const nameOff = q.word(t, 3 + 3 * i);
      const type = q.word(t, 3 + 3 * i + 1);
      const raw = q.word(t, 3 + 3 * i + 2);
      const kflag = q.kflag(t);
      const off = memberBitOffset(raw, kflag);
      const bitSz = memberBitfieldSize(raw, kflag);
      const mat = f.at + Math.floor(off / 8);
      const mt = q.skipModsAndTypedefs(type);
      if (nameOff === 0 && mt > 0 && mt < q.typeCount) {
        const k = q.kind(mt);
        if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
          // An anonymous struct or union: its members go into this object.
          this.push({ array: false, t: mt, at: mat, i: 0, out: f.out });
          continue;
        }
      }
      f.out[q.str(nameOff)] = this.start(type, mat, off % 8, bitSz);
    }
    return root;
  }

  private push(f: Frame): void {
    if (this.onPath.has(f.t)) {
      this.stack.length = 0;
      this.onPath.clear();
      throw new BtfError(BtfErrorCode.Loop, `type [${f.t}] contains itself`, { typeId: f.t });
    }
    this.onPath.add(f.t);
    this.stack.push(f);
  }

  private pop(f: Frame): void {
    this.onPath.delete(f.t);
    this.stack.pop();
  }

  /**
   * Returns the value of type `id` at `at`: a scalar whole, a struct or
   * array empty, with a frame pushed to fill it.
   */
  private start(id: number, at: number, bitOff: number, bitSz: number): JsonValue {
    const q = this.q;
    let t = q.skipModsAndTypedefs(id);
    // A VAR is its type's value (a VAR of a VAR ... at most once per type).
    for (let n = 0; t > 0 && t < q.typeCount && q.kind(t) === BTF_KIND_VAR; n++) {
      if (n >= q.typeCount) throw new BtfError(BtfErrorCode.Loop, `type [${t}] contains itself`, { typeId: t });
      t = q.skipModsAndTypedefs(q.word(t, 2));
      bitOff = 0;
      bitSz = 0;
    }
    if (t <= 0 || t >= q.typeCount) return null;
    const size = q.sizeOf(t);
    if (size < 0 || (size > 0 && at + size > this.end && !bitSz)) return null;
    switch (q.kind(t)) {
      case BTF_KIND_INT:
        return this.int(t, at, bitOff, bitSz);
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return this.enumValue(t, at, bitOff, bitSz);
      case BTF_KIND_FLOAT: {
        // copied into 16 bytes: the data may end early (the rest reads as zeroes)
        const b = new Uint8Array(16);
        b.set(this.data.subarray(at, at + Math.min(size, 16)));
        if (size === 16) return formatLongDouble(b, this.le);
        const dv = new DataView(b.buffer);
        return size === 8 ? dv.getFloat64(0, this.le) : size === 4 ? dv.getFloat32(0, this.le) : null;
      }
      case BTF_KIND_PTR:
        return jsonInt(this.readU(at, q.ptrSize));
      case BTF_KIND_ARRAY:
        return this.array(t, at);
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        const out: { [key: string]: JsonValue } = {};
        this.push({ array: false, t, at, i: 0, out });
        return out;
      }
      default:
        return null;
    }
  }

  /** The bits of a bitfield (`bitSz` > 0) or the whole `size` bytes at `at`, unsigned. */
  private bits(at: number, size: number, bitOff: number, bitSz: number): bigint {
    if (!bitSz) return this.readU(at, size);
    const bytes = Math.ceil((bitOff + bitSz) / 8);
    const all = this.readU(at, bytes);
    const shift = this.le ? bitOff : bytes * 8 - bitOff - bitSz;
    return (all >> BigInt(shift)) & ((1n << BigInt(bitSz)) - 1n);
  }

  private int(t: number, at: number, bitOff: number, bitSz: number): JsonValue {
    const q = this.q;
    const size = q.word(t, 2);
    const w = q.word(t, 3);
    const enc = intEncoding(w);
    // an INT's own bit offset and width, as the member's would be
    const off = bitOff + intOffset(w);
    const nbits = bitSz || (intOffset(w) ? intBits(w) : 0);
    if (size === 16 && !nbits) {
      const v = this.readU(at, 16);
      return `0x${v.toString(16)}`;
    }
    if (size > 8) return null;
    let v = this.bits(at, size, off, nbits);
    const width = nbits || size * 8;
    if (enc & BTF_INT_BOOL) return v !== 0n;
    if (enc & BTF_INT_SIGNED) v = BigInt.asIntN(width, v);
    return jsonInt(v);
  }

  private enumValue(t: number, at: number, bitOff: number, bitSz: number): JsonValue {
    const q = this.q;
    const size = q.word(t, 2);
    if (size > 8 || size === 0) return null;
    const u = this.bits(at, size, bitOff, bitSz);
    const width = bitSz || size * 8;
    const v = q.kflag(t) ? BigInt.asIntN(width, u) : u;
    const n = q.vlen(t);
    const is64 = q.kind(t) === BTF_KIND_ENUM64;
    for (let i = 0; i < n; i++) {
      const e = is64
        ? BigInt.asUintN(64, (BigInt(q.word(t, 3 + 3 * i + 2)) << 32n) | BigInt(q.word(t, 3 + 3 * i + 1)))
        : BigInt(q.word(t, 3 + 2 * i + 1));
      if (BigInt.asUintN(width, e) === BigInt.asUintN(width, v)) return q.str(q.word(t, is64 ? 3 + 3 * i : 3 + 2 * i));
    }
    return jsonInt(v);
  }

  private array(t: number, at: number): JsonValue {
    const q = this.q;
    const elem = q.word(t, 3);
    const n = q.word(t, 5);
    const esz = q.sizeOf(elem);
    if (esz <= 0) return [];
    const et = q.skipModsAndTypedefs(elem);
    if (
      esz === 1 &&
      et > 0 &&
      et < q.typeCount &&
      q.kind(et) === BTF_KIND_INT &&
      (intEncoding(q.word(et, 3)) & BTF_INT_CHAR || q.strIs(q.nameOff(et), 'char'))
    ) {
      const s = this.charString(at, n);
      if (s !== undefined) return s;
    }
    const out: JsonValue[] = [];
    this.push({ array: true, t, at, i: 0, out, elem, esz, n });
    return out;
  }

  /** The bytes up to the first NUL as a string when they are printable ASCII (bpftool's `is_str_array`). */
  private charString(at: number, n: number): string | undefined {
    let s = '';
    for (let i = 0; i < n; i++) {
      const b = this.data[at + i] ?? 0;
      if (b === 0) return s;
      if (b < 0x20 || b > 0x7e) return undefined;
      s += String.fromCharCode(b);
    }
    return s;
  }
}

/**
 * Returns `size` bytes at `offset` in `data` as a JSON value of type
 * `typeId` (see the module comment), read little-endian unless
 * `littleEndian` is false.
 * @throws BtfError `ELOOP` for a struct or array inside its own value (malformed BTF).
 */
export function typedJson(
  btf: Btf,
  typeId: number,
  data: Uint8Array,
  offset = 0,
  size = data.length - offset,
  littleEndian = true,
): JsonValue {
  return new Reader(btf, data, offset + size, littleEndian).value(typeId, offset);
}
