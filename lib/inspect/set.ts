/**
 * Editing the initial values of an object's global variables (`btfkit set`),
 * written through their BTF types, so that an object can be configured
 * without recompiling for loaders that have no skeleton (`ip link ... xdp
 * obj`, `tc`).
 *
 * ```
 *   btfkit set prog.o .rodata.cfg.limit=5 .rodata.debug=true .data.name='"eth0"' -o out.o
 * ```
 *
 * An assignment is `SECTION.VAR[.member|[index]]...=VALUE`. Section and
 * variable names may hold dots themselves (`.rodata.limits`, a static
 * `func.var`): the longest DATASEC name, then the longest variable name of
 * it, that the target starts with wins. The path walks struct and union
 * members (anonymous members are looked through, as C does) and array
 * indexes; the value is parsed for the type it reaches:
 *
 * - integers: decimal, `0x`, `0o`, `0b`, negative where signed, `'c'` (or, for
 *   1-byte integers, one ASCII character that is not a digit); bitfields likewise, in their bits;
 * - `_Bool`: `true`, `false`, `1`, `0`;
 * - enums: an enumerator's name or a number of the enum's range;
 * - floats (4 and 8 bytes): a decimal number, `inf`, `-inf`, `nan`;
 * - arrays of 1-byte integers (char arrays): a string, C-quoted (`"a\tb"`)
 *   or as is, NUL-padded, at most the array's length.
 *
 * Refused, with the assignment named: a value that does not fit the type
 * (range, length, syntax), an unknown section, variable, member or index,
 * sections without bytes in the file (`.bss*`), the extern sections
 * (`.kconfig`, `.ksyms`), a variable lying outside its section, and types
 * that take no single value (a struct, a pointer, an array that is not of
 * chars: give a member or an index).
 *
 * The result is the input file with only the bytes of the values written
 * changed: the section's offset in the file is where they go, so no other
 * byte (headers, other sections, padding) moves.
 * @module
 */
import type { Btf } from '../btf.js';
import { SHT } from '../elf/read.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_INT_BOOL,
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_INT,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  infoKflag,
  infoVlen,
  intEncoding,
  kindName,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import { KCONFIG_SEC, KSYMS_SEC, type DatasecLayout, type LayoutEntry } from '../object/fixup.js';
import type { BpfObject } from '../object/open.js';
import { typeQuery, type TypeQuery } from '../query.js';
import { TypedDataDumper } from './typed-data.js';

/** One value written by {@link setInitialValues}. */
export interface SetChange {
  /** The assignment's target, as given (`.rodata.cfg.limit`). */
  target: string;
  section: string;
  variable: string;
  /** Where the value lies in the section: byte offset, and bit offset and size for a bitfield (0 otherwise). */
  offset: number;
  bitOffset: number;
  bitSize: number;
  /** Bytes of the value (the bytes covering a bitfield). */
  size: number;
}

/** What {@link setInitialValues} returns: the new file and what changed. */
export interface SetResult {
  bytes: Uint8Array;
  changes: SetChange[];
}

/** A place in a section: the type found there and where. */
interface Place {
  typeId: number;
  /** Bit offset in the section. */
  bit: number;
  /** Bitfield size, 0 when not a bitfield. */
  bitSize: number;
}

/** The sections libbpf makes an internal map of, initial value from the file (`.bss*` is refused apart: no bytes). */
const DATA_SEC = /^\.(data|rodata|percpu|bss)(\..*)?$/;

const BOOLS: Readonly<Record<string, bigint>> = { true: 1n, false: 0n, '1': 1n, '0': 0n };

class Setter {
  private readonly q: TypeQuery;
  private readonly names: TypedDataDumper;
  private readonly le: boolean;
  private readonly out: Uint8Array;

  constructor(
    private readonly obj: BpfObject,
    private readonly btf: Btf,
  ) {
    this.q = typeQuery(btf);
    this.names = new TypedDataDumper(btf);
    this.le = obj.elf.littleEndian;
    this.out = obj.elf.bytes.slice();
  }

  get bytes(): Uint8Array {
    return this.out;
  }

  private fail(target: string, message: string, section?: string): never {
    throw new BtfError(BtfErrorCode.InvalidArgument, `${target}: ${message}`, {
      ...(this.obj.file !== undefined ? { file: this.obj.file } : {}),
      ...(section !== undefined ? { section } : {}),
    });
  }

  private typeText(id: number): string {
    try {
      return this.names.typeName(id, true);
    } catch {
      return kindName(this.q.kind(id)) ?? `type [${id}]`;
    }
  }

  apply(assignment: string): SetChange {
    const eq = assignment.indexOf('=');
    if (eq <= 0) this.fail(assignment, 'expected SECTION.VAR=VALUE');
    const target = assignment.slice(0, eq);
    const valueText = assignment.slice(eq + 1);
    const lay = this.sectionOf(target);
    const [entry, rest] = this.variableOf(target, lay);
    const sec = lay.section!;
    const secSize = Math.min(sec.size, lay.size || sec.size);
    if (entry.offset + entry.size > secSize)
      this.fail(
        target,
        `variable '${entry.name}' at ${entry.offset} + ${entry.size} lies outside section ${lay.name} (${secSize} bytes)`,
        lay.name,
      );
    const place = this.walk(target, this.q.word(entry.typeId, 2), entry.offset * 8, rest);
    return this.write(target, place, valueText, sec.offset, secSize, lay.name, entry.name);
  }

  /** Refuses a value of `size` bytes at `offset` that does not lie inside the section's `room` bytes. */
  private room(target: string, offset: number, size: number, room: number): void {
    if (offset + size > room) this.fail(target, `${offset} + ${size} lies outside the section (${room} bytes)`);
  }

  /** Returns the DATASEC the target names (the longest name that is a prefix followed by a dot). */
  private sectionOf(target: string): DatasecLayout {
    let best: DatasecLayout | undefined;
    for (const lay of this.obj.layouts.values())
      if (target.startsWith(`${lay.name}.`) && (!best || lay.name.length > best.name.length)) best = lay;
    if (!best) {
      const known = [...this.obj.layouts.values()]
        .filter((l) => l.section && l.section.type !== SHT.NOBITS && DATA_SEC.test(l.name))
        .map((l) => l.name);
      this.fail(
        target,
        `no such data section (the object has ${known.length ? known.join(', ') : 'none with initial values'})`,
      );
    }
    if (best.name === KCONFIG_SEC || best.name === KSYMS_SEC)
      this.fail(
        target,
        `${best.name} holds externs, which libbpf fills in at load time: nothing to set in the file`,
        best.name,
      );
    if (!DATA_SEC.test(best.name))
      this.fail(target, `section ${best.name} is not a global-data section (.data*, .rodata*, .percpu*)`, best.name);
    if (!best.section) this.fail(target, `section ${best.name} is not in the file`, best.name);
    if (best.section.type === SHT.NOBITS)
      this.fail(
        target,
        `section ${best.name} has no bytes in the file (zero-initialised at load, like .bss)`,
        best.name,
      );
    return best;
  }

  /** Returns the variable the target names after its section, and the path after the variable. */
  private variableOf(target: string, lay: DatasecLayout): [LayoutEntry, string] {
    const after = target.slice(lay.name.length + 1);
    let best: LayoutEntry | undefined;
    for (const e of lay.entries) {
      if (e.kind !== 'VAR') continue;
      const next = after.charAt(e.name.length);
      if (
        after.startsWith(e.name) &&
        (next === '' || next === '.' || next === '[') &&
        (!best || e.name.length > best.name.length)
      )
        best = e;
    }
    if (!best) this.fail(target, `section ${lay.name} has no variable '${after.split(/[.[]/)[0]}'`, lay.name);
    return [best, after.slice(best.name.length)];
  }

  /** Follows `.member` and `[index]` steps from type `id` at bit `bit`. */
  private walk(target: string, id: number, bit: number, path: string): Place {
    let place: Place = { typeId: id, bit, bitSize: 0 };
    let p = path;
    while (p !== '') {
      const m = /^\.([A-Za-z_$][\w$]*)|^\[\s*(\d+)\s*\]/.exec(p);
      if (!m) this.fail(target, `cannot read '${p}': expected .MEMBER or [INDEX]`);
      p = p.slice(m[0].length);
      if (place.bitSize) this.fail(target, 'a bitfield has no members or elements');
      const t = this.q.skipModsAndTypedefs(place.typeId);
      const k = this.q.kind(t);
      if (m[1] !== undefined) {
        if (k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION)
          this.fail(target, `'${m[1]}': ${this.typeText(place.typeId)} has no members`);
        const found = this.member(t, m[1]);
        if (!found) this.fail(target, `${this.typeText(place.typeId)} has no member '${m[1]}'`);
        place = { typeId: found.typeId, bit: place.bit + found.bit, bitSize: found.bitSize };
      } else {
        if (k !== BTF_KIND_ARRAY) this.fail(target, `[${m[2]}]: ${this.typeText(place.typeId)} is not an array`);
        const n = this.q.word(t, 5);
        const i = Number(m[2]);
        if (i >= n) this.fail(target, `index ${m[2]} is past the ${n} elements of ${this.typeText(place.typeId)}`);
        const elem = this.q.word(t, 3);
        const es = this.q.sizeOf(elem);
        if (es < 0) this.fail(target, `${this.typeText(elem)} has no size`);
        place = { typeId: elem, bit: place.bit + i * es * 8, bitSize: 0 };
      }
    }
    return place;
  }

  /**
   * Returns the member named `name` of struct/union `t` (looking into
   * anonymous members, first match in member order, depth first, as C
   * finds it), with its bit offset in `t`. The anonymous members under way
   * wait on an explicit stack (struct, next member, bit offset of the
   * struct), so any nesting costs heap; a struct met twice is searched
   * once (the second search finds nothing the first did not, and a struct
   * inside itself ends).
   */
  private member(t: number, name: string): Place | null {
    const st: number[] = [t, 0, 0];
    const seen = new Set<number>([t]);
    while (st.length) {
      const f = st.length - 3;
      const s = st[f]!;
      const i = st[f + 1]!;
      const [w, o] = this.btf.recordOf(s);
      if (i >= infoVlen(w[o + 1]!)) {
        st.length = f;
        continue;
      }
      st[f + 1] = i + 1;
      const kflag = infoKflag(w[o + 1]!);
      const m = o + 3 + i * 3;
      const bit = st[f + 2]! + memberBitOffset(w[m + 2]!, kflag);
      const mname = this.btf.str(w[m]!);
      if (mname === name) return { typeId: w[m + 1]!, bit, bitSize: memberBitfieldSize(w[m + 2]!, kflag) };
      if (mname === '') {
        const mt = this.q.skipModsAndTypedefs(w[m + 1]!);
        const mk = this.q.kind(mt);
        if ((mk === BTF_KIND_STRUCT || mk === BTF_KIND_UNION) && !seen.has(mt)) {
          seen.add(mt);
          st.push(mt, 0, bit);
        }
      }
    }
    return null;
  }

  /** Parses `text` for the type at `place` and writes it; returns the change. */
  private write(
    target: string,
    place: Place,
    text: string,
    fileOff: number,
    room: number,
    section: string,
    variable: string,
  ): SetChange {
    const id = place.typeId;
    const t = this.q.skipModsAndTypedefs(id);
    const k = this.q.kind(t);
    const tn = this.typeText(id);
    const change: SetChange = {
      target,
      section,
      variable,
      offset: Math.floor(place.bit / 8),
      bitOffset: 0,
      bitSize: 0,
      size: 0,
    };
    if (place.bitSize) {
      if (k !== BTF_KIND_INT && k !== BTF_KIND_ENUM && k !== BTF_KIND_ENUM64)
        this.fail(target, `a bitfield of ${tn} cannot be set`);
      const signed =
        k === BTF_KIND_INT ? (intEncoding(this.q.word(t, 3)) & BTF_INT_SIGNED) !== 0 : infoKflag(this.q.info(t));
      const v = k === BTF_KIND_INT ? this.integer(target, text, tn) : this.enumValue(target, t, text, tn);
      this.checkRange(target, v, place.bitSize, signed, `${tn}:${place.bitSize}`);
      const inByte = place.bit % 8;
      const n = Math.ceil((inByte + place.bitSize) / 8);
      this.room(target, change.offset, n, room);
      this.setBits(fileOff + change.offset, n, inByte, place.bitSize, v);
      return { ...change, bitOffset: inByte, bitSize: place.bitSize, size: n };
    }
    if (place.bit % 8) this.fail(target, `${tn} starts inside a byte`);
    const at = fileOff + change.offset;
    const size = this.q.sizeOf(id);
    switch (k) {
      case BTF_KIND_INT: {
        const enc = intEncoding(this.q.word(t, 3));
        const isz = this.q.word(t, 2);
        if (![1, 2, 4, 8, 16].includes(isz)) this.fail(target, `${tn} (${isz} bytes) cannot be set`);
        this.room(target, change.offset, isz, room);
        let v: bigint;
        if (enc & BTF_INT_BOOL) {
          const b = BOOLS[text.trim()];
          if (b === undefined) this.fail(target, `'${text}' is not a bool (true, false, 1 or 0) for ${tn}`);
          v = b;
        } else if (isz === 1 && text.length === 1 && !/[0-9]/.test(text) && text.charCodeAt(0) < 0x80) {
          // a char given as itself: `.data.sep=,`
          v = BigInt(text.charCodeAt(0));
        } else {
          v = this.integer(target, text, tn);
          this.checkRange(target, v, isz * 8, (enc & BTF_INT_SIGNED) !== 0, tn);
        }
        this.putInt(at, isz, v);
        return { ...change, size: isz };
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        const esz = this.q.word(t, 2);
        if (![1, 2, 4, 8].includes(esz)) this.fail(target, `${tn} (${esz} bytes) cannot be set`);
        this.room(target, change.offset, esz, room);
        const v = this.enumValue(target, t, text, tn);
        this.checkRange(target, v, esz * 8, infoKflag(this.q.info(t)), tn);
        this.putInt(at, esz, v);
        return { ...change, size: esz };
      }
      case BTF_KIND_FLOAT: {
        const fsz = this.q.word(t, 2);
        if (fsz !== 4 && fsz !== 8) this.fail(target, `${tn} (${fsz} bytes) cannot be set: only 4- and 8-byte floats`);
        this.room(target, change.offset, fsz, room);
        const s = text.trim().toLowerCase();
        const x =
          s === 'nan' || s === '-nan'
            ? Number.NaN
            : s === 'inf' || s === '+inf' || s === 'infinity'
              ? Number.POSITIVE_INFINITY
              : s === '-inf' || s === '-infinity'
                ? Number.NEGATIVE_INFINITY
                : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)
                  ? Number(s)
                  : undefined;
        if (x === undefined) this.fail(target, `'${text}' is not a number for ${tn}`);
        if (Number.isFinite(x) && !Number.isFinite(fsz === 4 ? Math.fround(x) : x))
          this.fail(target, `${text} does not fit in ${tn}`);
        const dv = new DataView(this.out.buffer, this.out.byteOffset + at, fsz);
        if (fsz === 4) dv.setFloat32(0, x, this.le);
        else dv.setFloat64(0, x, this.le);
        return { ...change, size: fsz };
      }
      case BTF_KIND_ARRAY: {
        const elem = this.q.word(t, 3);
        const et = this.q.skipModsAndTypedefs(elem);
        if (this.q.kind(et) !== BTF_KIND_INT || this.q.sizeOf(elem) !== 1)
          this.fail(target, `${tn} is an array: give an index (${target}[0]=...)`);
        const n = this.q.word(t, 5);
        const bytes = this.stringBytes(target, text);
        if (bytes.length > n) this.fail(target, `the string's ${bytes.length} bytes do not fit in ${tn}`);
        this.room(target, change.offset, n, room);
        this.out.fill(0, at, at + n);
        this.out.set(bytes, at);
        return { ...change, size: n };
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        return this.fail(target, `${tn} takes no single value: give a member (${target}.MEMBER=...)`);
      default:
        return this.fail(target, `${tn} (${kindName(k) ?? k}, ${size} bytes) cannot be set`);
    }
  }

  /** Parses an integer: decimal, 0x/0o/0b, a sign, or a C character `'c'`. */
  private integer(target: string, text: string, tn: string): bigint {
    const s = text.trim();
    const ch = /^'(.|\\.)'$/u.exec(s);
    if (ch) {
      const b = this.stringBytes(target, `"${ch[1]}"`);
      if (b.length !== 1) this.fail(target, `${s} is not a 1-byte character for ${tn}`);
      return BigInt(b[0]!);
    }
    const m = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i.exec(s);
    if (!m) this.fail(target, `'${text}' is not an integer for ${tn}`);
    const v = BigInt(m[2]!.toLowerCase());
    return m[1] === '-' ? -v : v;
  }

  private enumValue(target: string, t: number, text: string, tn: string): bigint {
    const s = text.trim();
    const [w, o] = this.btf.recordOf(t);
    const n = infoVlen(w[o + 1]!);
    const is64 = this.q.kind(t) === BTF_KIND_ENUM64;
    const signed = infoKflag(w[o + 1]!);
    for (let i = 0; i < n; i++) {
      const e = o + 3 + i * (is64 ? 3 : 2);
      if (this.btf.str(w[e]!) !== s) continue;
      if (!is64) return signed ? BigInt(w[e + 1]! | 0) : BigInt(w[e + 1]! >>> 0);
      const raw = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
      return signed ? BigInt.asIntN(64, raw) : raw;
    }
    if (/^[+-]?(0x|0o|0b)?[0-9a-f]+$/i.test(s)) return this.integer(target, s, tn);
    const names: string[] = [];
    for (let i = 0; i < n && i < 8; i++) names.push(this.btf.str(w[o + 3 + i * (is64 ? 3 : 2)]!));
    return this.fail(
      target,
      `'${text}' is not an enumerator of ${tn} (${names.join(', ')}${n > 8 ? ', ...' : ''}) nor a number`,
    );
  }

  private checkRange(target: string, v: bigint, bits: number, signed: boolean, tn: string): void {
    const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
    const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    if (v < lo || v > hi) this.fail(target, `${v} does not fit in ${tn} (${lo}..${hi})`);
  }

  /** Returns a string's bytes: C-quoted (`"..."` with escapes) or taken as is, as UTF-8. */
  private stringBytes(target: string, text: string): Uint8Array {
    if (!(text.length >= 2 && text.startsWith('"') && text.endsWith('"'))) return new TextEncoder().encode(text);
    const out: number[] = [];
    const body = text.slice(1, -1);
    const simple: Record<string, number> = {
      n: 10,
      t: 9,
      r: 13,
      '0': 0,
      '\\': 92,
      '"': 34,
      "'": 39,
      a: 7,
      b: 8,
      f: 12,
      v: 11,
    };
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c !== '\\') {
        out.push(...new TextEncoder().encode(String.fromCodePoint(body.codePointAt(i)!)));
        if (body.codePointAt(i)! > 0xffff) i++;
        continue;
      }
      const e = body[++i];
      if (e === 'x') {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1));
        if (!hex) this.fail(target, `bad escape in ${text}`);
        out.push(Number.parseInt(hex[0], 16));
        i += hex[0].length;
      } else if (e !== undefined && simple[e] !== undefined) out.push(simple[e]);
      else this.fail(target, `bad escape \\${e ?? ''} in ${text}`);
    }
    return Uint8Array.from(out);
  }

  /** Writes `v` as an integer of `size` bytes at file offset `at` in the object's byte order. */
  private putInt(at: number, size: number, v: bigint): void {
    let x = BigInt.asUintN(size * 8, v);
    for (let i = 0; i < size; i++) {
      this.out[at + (this.le ? i : size - 1 - i)] = Number(x & 0xffn);
      x >>= 8n;
    }
  }

  /** Writes `nbits` of `v` at bit `bit` of the `n` bytes at `at` (libbpf's bitfield layout for the byte order). */
  private setBits(at: number, n: number, bit: number, nbits: number, v: bigint): void {
    let x = 0n;
    for (let i = 0; i < n; i++) x = (x << 8n) | BigInt(this.out[at + (this.le ? n - 1 - i : i)]!);
    const shift = BigInt(this.le ? bit : n * 8 - bit - nbits);
    const mask = ((1n << BigInt(nbits)) - 1n) << shift;
    x = (x & ~mask) | ((BigInt.asUintN(nbits, v) << shift) & mask);
    this.putInt(at, n, x);
  }
}

/**
 * Returns `obj`'s file with the initial values of the assignments
 * (`SECTION.VAR[.member|[i]]...=VALUE`, see the module comment) written,
 * in order, and what each changed; every other byte is the input's.
 *
 * @throws BtfError EINVAL naming the assignment for every refusal (see the
 *   module comment), and when the object has no `.BTF`.
 */
export function setInitialValues(obj: BpfObject, assignments: readonly string[]): SetResult {
  if (!obj.btf)
    throw new BtfError(BtfErrorCode.InvalidArgument, obj.btfProblem ?? 'no .BTF section: the variables have no types', {
      ...(obj.file !== undefined ? { file: obj.file } : {}),
    });
  const s = new Setter(obj, obj.btf);
  const changes = assignments.map((a) => s.apply(a));
  return { bytes: s.bytes, changes };
}
