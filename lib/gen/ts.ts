/**
 * TypeScript bindings for a BPF object (`btfkit gen ts`): types and codecs
 * for its global data and its maps' keys and values, written from the
 * object's BTF.
 *
 * The problem: user space reads and writes a BPF object's memory as bytes
 * (an mmap of `.bss`, the initial image of `.rodata`, a map lookup), and the
 * BTF says what the bytes are. For
 *
 * ```
 *   struct config { char name[12]; bool on; enum color c; unsigned lvl:5; __u64 limit; };
 *   struct config cfg SEC(".data");  const volatile bool debug;  // .rodata
 * ```
 *
 * we write, in one module with no run-time dependency,
 *
 * ```
 *   export const Color = { RED: 0, GREEN: 1 } as const; export type Color = ...;
 *   export interface Config { $bytes?: Uint8Array; name: Uint8Array; on: boolean; c: Color; lvl: number; limit: bigint }
 *   export interface Data { $bytes?: Uint8Array; cfg: Config }
 *   export function decodeData(bytes: Uint8Array, offset?: number): Data
 *   export function encodeData(value: Data, out?: Uint8Array, offset?: number): Uint8Array
 * ```
 *
 * The passes: (1) name every section, map and reachable struct, union and
 * enum (PascalCase of the C name; a name that collides, or that is not an
 * identifier, gets a suffix and a comment saying so); (2) for each named
 * type, an interface (or a `const` object and a union type) and a reader and
 * a writer over `DataView`; (3) the tables (`sections`, `maps`) and the
 * public codecs. Scalars map as: integers of 1-4 bytes to `number`, 8 and 16
 * to `bigint`, `_Bool` to `boolean`, floats of 4 and 8 bytes to `number`,
 * pointers to `bigint`, arrays of 1-byte integers to `Uint8Array` (with
 * `cString`/`cBytes` for text), other arrays to JS arrays (nested for more
 * dimensions), bitfields to `number` (`bigint` over a 64-bit type), and
 * anything else (a `long double`, a forward declaration) to its raw bytes.
 *
 * Round trips: every struct, union and section value carries its original
 * bytes in `$bytes`; encoding writes them first and the members over them,
 * so padding, a union's tail and the bits no bitfield covers survive
 * `encode(decode(b))`. A `_Bool` or a float is rewritten only when its value
 * changed, so a non-canonical true byte or a NaN payload survives too. A
 * union decodes every arm and encodes the arms present, in order.
 *
 * Byte order is the object's (`LE` in the module). Per-CPU maps get
 * `decodeXValues`/`encodeXValues` over a buffer of N copies, each at a
 * multiple of 8 bytes, as libbpf lays a per-CPU lookup out.
 *
 * The module is written once with type annotations between markers; the
 * `.ts` keeps them, the `.js` drops them and the `.d.ts` is the interfaces
 * plus one declaration per export.
 * @module
 */
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_INT_BOOL,
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_DATASEC,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_CONST,
  BTF_KIND_VOLATILE,
  BTF_KIND_RESTRICT,
  BTF_KIND_TYPE_TAG,
  infoKflag,
  infoVlen,
  intEncoding,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import { mapTypeName } from '../emit/maps.js';
import { type MapInfo, listMaps } from '../inspect/maps.js';
import type { BpfObject } from '../object/open.js';
import { typeQuery, type TypeQuery } from '../query.js';
import type { Btf } from '../btf.js';

/** The three files `gen ts` can write: the module, or the same code as JavaScript plus its declarations. */
export interface TsBindings {
  ts: string;
  js: string;
  dts: string;
}

/** Options for {@link genTs}. */
export interface GenTsOptions {
  /** The object's file name, for the header comment and errors. */
  file?: string;
}

// Type annotations are written between these markers: kept (markers
// dropped) in the .ts, dropped with their text in the .js.
const TA = '\u0001';
const TZ = '\u0002';
const ty = (s: string): string => `${TA}${s}${TZ}`;

/** TypeScript's reserved words and the global names the generated code uses: never a generated type name. */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield any boolean number string symbol ' +
    'bigint object never unknown undefined type declare module namespace require keyof readonly infer is asserts ' +
    'Array Uint8Array DataView BigInt Number Object String Math JSON RangeError Error globalThis NaN Infinity ' +
    'LE BpfMapSpec BpfSectionSpec BpfVariableSpec cString cBytes maps sections'
  ).split(' '),
);

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Returns `s` made an identifier: other characters become `_`, a leading digit (or nothing) gets a `_` in front. */
function identifier(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(t) ? t : `_${t}`;
}

/** Returns the PascalCase identifier for a C name (`event_stats` -> `EventStats`, `.data.cfg` -> `DataCfg`). */
function pascal(s: string): string {
  const parts = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const t = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
  return t === '' ? '_' : /^[0-9]/.test(t) ? `_${t}` : t;
}

/**
 * Returns the property names the bindings give a struct's or union's members,
 * in member order: the C name when it is an identifier, else the name made
 * one (`_anonN` for an anonymous member, N its index), with `_2`, `_3` after
 * a name already taken. The generated interfaces use them; so can readers of
 * decoded values that walk the BTF.
 */
export function tsMemberKeys(btf: Btf, typeId: number): string[] {
  const q = typeQuery(btf);
  const [w, o] = btf.recordOf(typeId);
  const n = infoVlen(w[o + 1]!);
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(q.str(w[o + 3 + i * 3]!));
  return uniqueKeys(names.map((s, i) => (s === '' ? `_anon${i}` : s)));
}

/** Returns the names made identifiers and unique (`$bytes` holds the original bytes, `__proto__` would set the prototype). */
function uniqueKeys(names: readonly string[]): string[] {
  const seen = new Set<string>(['$bytes', '__proto__']);
  return names.map((s) => {
    let k = IDENT.test(s) ? s : identifier(s);
    if (seen.has(k)) {
      let i = 2;
      while (seen.has(`${k}_${i}`)) i++;
      k = `${k}_${i}`;
    }
    seen.add(k);
    return k;
  });
}

/** Returns `s` as a single-quoted JS string literal. */
function lit(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029)
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** Returns `s` safe inside a block comment. */
function commentSafe(s: string): string {
  return JSON.stringify(s).replace(/\*\//g, '*\\/');
}

/** A value shape: how a BTF type is decoded. */
type Shape =
  | { k: 'int'; size: number; signed: boolean }
  | { k: 'bool' }
  | { k: 'float'; size: number }
  | { k: 'ptr'; size: number }
  | { k: 'enum'; name: string; size: number; signed: boolean; big: boolean }
  | { k: 'bytes'; size: number }
  | { k: 'array'; elem: Shape; elemSize: number; n: number }
  | { k: 'struct'; name: string };

type ArrayShape = Extract<Shape, { k: 'array' }>;
type LeafShape = Exclude<Shape, { k: 'array' }>;

/**
 * Values nesting deeper than this (structs, unions and array dimensions,
 * one inside the other) are refused with E2BIG: the generated reader of a
 * struct calls its members' readers and an array's is an `Array.from` per
 * dimension, so the codecs recurse as deep as the value nests, and a
 * thousand levels keep them well inside V8's stack (some 10,000 frames)
 * while no real program's data comes near.
 */
const MAX_TS_NEST = 1000;

interface Named {
  name: string;
  typeId: number;
}

/** The generator's state for one object. */
class Gen {
  private readonly q: TypeQuery;
  private readonly taken = new Set<string>(RESERVED);
  private readonly typeNames = new Map<number, string>();
  /** Type id per name given by {@link named}. */
  private readonly idOf = new Map<string, number>();
  /** Per declared struct or union: the structs its members hold, with the array dimensions around each (pairs). */
  private readonly inner = new Map<number, number[]>();
  /** Named types waiting for their declarations, in discovery order. */
  private readonly pending: Named[] = [];
  readonly types: string[] = [];
  readonly code: string[] = [];
  readonly dts: string[] = [];

  constructor(
    private readonly btf: Btf,
    private readonly obj: BpfObject,
  ) {
    this.q = typeQuery(btf);
  }

  private fail(message: string, typeId?: number, code: BtfErrorCode = BtfErrorCode.InvalidArgument): never {
    throw new BtfError(code, message, {
      ...(typeId !== undefined ? { typeId } : {}),
      ...(this.obj.file !== undefined ? { file: this.obj.file } : {}),
    });
  }

  /**
   * Returns a fresh top-level name from `want` (PascalCase), with a comment
   * line when it had to change. `suffixes` are names derived from it that
   * must be free too (a map's `Key` and `Value` codecs, a per-CPU section's
   * `Values`): they are claimed with it.
   */
  claim(want: string, cName: string, suffixes: readonly string[] = []): { name: string; note: string } {
    const free = (n: string): boolean => !this.taken.has(n) && suffixes.every((x) => !this.taken.has(`${n}${x}`));
    let name = want;
    let note = '';
    if (!free(name)) {
      let i = 2;
      while (!free(`${want}_${i}`)) i++;
      name = `${want}_${i}`;
      note = `/* ${commentSafe(cName)}: named ${name}, ${want} being taken */\n`;
    }
    this.taken.add(name);
    for (const x of suffixes) this.taken.add(`${name}${x}`);
    return { name, note };
  }

  private size(id: number): number {
    const s = this.q.sizeOf(id);
    if (s < 0) this.fail(`type [${id}] has no size`, id);
    return s;
  }

  /** Returns the name a struct, union or enum gets, registering it for declaration. */
  private named(t: number, hint: string): string {
    let n = this.typeNames.get(t);
    if (n !== undefined) return n;
    const cName = this.q.str(this.q.nameOff(t));
    const { name, note } = this.claim(pascal(cName || hint || `anon_${t}`), cName || hint || `anon_${t}`);
    if (note) this.types.push(note);
    this.typeNames.set(t, name);
    this.idOf.set(name, t);
    this.pending.push({ name, typeId: t });
    n = name;
    return n;
  }

  /** Returns the type under `id`'s typedefs and modifiers, and `hint` updated by the typedefs' names. */
  private skip(id: number, hint: string): [number, string] {
    let t = id;
    // A chain longer than the number of types is a loop.
    for (let n = 0; ; n++) {
      if (n > this.q.typeCount) this.fail(`type [${id}]: modifier chain loops`, id, BtfErrorCode.Loop);
      const k = t === 0 ? 0 : this.q.kind(t);
      if (k === BTF_KIND_TYPEDEF) hint = this.q.str(this.q.nameOff(t)) || hint;
      if (
        k === BTF_KIND_TYPEDEF ||
        k === BTF_KIND_CONST ||
        k === BTF_KIND_VOLATILE ||
        k === BTF_KIND_RESTRICT ||
        k === BTF_KIND_TYPE_TAG
      ) {
        t = this.q.word(t, 2);
        continue;
      }
      return [t, hint];
    }
  }

  /**
   * Returns the shape of type `id`; `hint` names an anonymous struct, union
   * or enum (a typedef's or member's name). Arrays of arrays are followed in
   * a loop, their shapes built innermost first; more than
   * {@link MAX_TS_NEST} dimensions are E2BIG.
   */
  shape(id: number, hint: string): Shape {
    // The arrays down to the element that is not one: (array, element type).
    const arrays: number[] = [];
    let [t, h] = this.skip(id, hint);
    while (t !== 0 && this.q.kind(t) === BTF_KIND_ARRAY) {
      if (arrays.length >= 2 * MAX_TS_NEST)
        this.fail(
          `type [${id}]: arrays nest more than ${MAX_TS_NEST} deep: the generated codecs would too`,
          id,
          BtfErrorCode.TooBig,
        );
      const elemId = this.q.word(t, 3);
      arrays.push(t, elemId);
      [t, h] = this.skip(elemId, h);
    }
    let s = this.leafShape(t, h);
    for (let i = arrays.length - 2; i >= 0; i -= 2) {
      const n = this.q.word(arrays[i]!, 5);
      const elemSize = this.size(arrays[i + 1]!);
      const elem = s;
      if (elem.k === 'int' && elem.size === 1) s = { k: 'bytes', size: n };
      else if (elem.k === 'bytes' && elemSize === 0) s = { k: 'bytes', size: 0 };
      else s = { k: 'array', elem, elemSize, n };
    }
    return s;
  }

  /** The shape of type `t` (no typedef, modifier or array). */
  private leafShape(t: number, hint: string): Shape {
    const k = t === 0 ? 0 : this.q.kind(t);
    switch (k) {
      case BTF_KIND_INT: {
        const size = this.q.word(t, 2);
        const enc = intEncoding(this.q.word(t, 3));
        if (enc & BTF_INT_BOOL && size === 1) return { k: 'bool' };
        if (size === 1 || size === 2 || size === 4 || size === 8 || size === 16)
          return { k: 'int', size, signed: (enc & BTF_INT_SIGNED) !== 0 };
        return { k: 'bytes', size: this.size(t) };
      }
      case BTF_KIND_FLOAT: {
        const size = this.q.word(t, 2);
        return size === 4 || size === 8 ? { k: 'float', size } : { k: 'bytes', size };
      }
      case BTF_KIND_PTR:
        return { k: 'ptr', size: this.q.ptrSize };
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        const size = this.q.word(t, 2);
        if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return { k: 'bytes', size: this.size(t) };
        const big = k === BTF_KIND_ENUM64 || size === 8;
        return { k: 'enum', name: this.named(t, hint), size, signed: infoKflag(this.q.info(t)), big };
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        return { k: 'struct', name: this.named(t, hint) };
      default:
        return { k: 'bytes', size: t === 0 ? 0 : this.size(t) };
    }
  }

  /** Returns the TypeScript type of a shape (arrays of arrays in a loop). */
  tsType(s: Shape): string {
    const [arrays, leaf] = this.dims(s);
    let t = this.leafType(leaf);
    for (let i = 0; i < arrays.length; i++) t = /^\w+$/.test(t) ? `${t}[]` : `Array<${t}>`;
    return t;
  }

  /** The TypeScript type of a shape that is not an array. */
  private leafType(s: LeafShape): string {
    switch (s.k) {
      case 'int':
        return s.size <= 4 ? 'number' : 'bigint';
      case 'bool':
        return 'boolean';
      case 'float':
        return 'number';
      case 'ptr':
        return s.size === 8 ? 'bigint' : 'number';
      case 'enum':
        return s.name;
      case 'bytes':
        return 'Uint8Array';
      case 'struct':
        return s.name;
    }
  }

  /** The array shapes from `s` down (`s` first) and the shape under them. */
  private dims(s: Shape): [ArrayShape[], LeafShape] {
    const arrays: ArrayShape[] = [];
    let leaf = s;
    while (leaf.k === 'array') {
      arrays.push(leaf);
      leaf = leaf.elem;
    }
    return [arrays, leaf];
  }

  private dvGet(size: number, signed: boolean): string {
    if (size === 1) return signed ? 'getInt8' : 'getUint8';
    if (size === 8) return signed ? 'getBigInt64' : 'getBigUint64';
    return `get${signed ? 'Int' : 'Uint'}${size * 8}`;
  }

  private dvArgsLe(size: number): string {
    return size === 1 ? '' : ', LE';
  }

  /**
   * Returns the expression reading shape `s` at byte offset expression
   * `at`: an `Array.from` per array dimension, outermost first, around the
   * element's read (built innermost first, in a loop).
   */
  read(s: Shape, at: string, depth: number): string {
    const [arrays, leaf] = this.dims(s);
    if (arrays.length === 0) return this.readLeaf(leaf, at);
    // The element types per level (the innermost's first), and each level's offset expression.
    const types: string[] = [this.tsType(leaf)];
    for (let j = arrays.length - 1; j > 0; j--) {
      const t = types[types.length - 1]!;
      types.push(/^\w+$/.test(t) ? `${t}[]` : `Array<${t}>`);
    }
    const ats: string[] = [at];
    for (let j = 0; j < arrays.length; j++) ats.push(`${ats[j]} + i${depth + j} * ${arrays[j]!.elemSize}`);
    let e = this.readLeaf(leaf, ats[arrays.length]!);
    for (let j = arrays.length - 1; j >= 0; j--) {
      const d = depth + j;
      const elemType = types[arrays.length - 1 - j]!;
      e = `Array.from({ length: ${arrays[j]!.n} }, (_${d}${ty(': unknown')}, i${d}${ty(': number')})${ty(`: ${elemType}`)} => ${e})`;
    }
    return e;
  }

  /** The read of a shape that is not an array. */
  private readLeaf(s: LeafShape, at: string): string {
    switch (s.k) {
      case 'int':
        if (s.size === 16) return `$get128(dv, ${at}, ${s.signed})`;
        return `dv.${this.dvGet(s.size, s.signed)}(${at}${this.dvArgsLe(s.size)})`;
      case 'bool':
        return `dv.getUint8(${at}) !== 0`;
      case 'float':
        return `dv.getFloat${s.size * 8}(${at}, LE)`;
      case 'ptr':
        return `dv.${this.dvGet(s.size, false)}(${at}, LE)`;
      case 'enum': {
        const raw = `dv.${this.dvGet(s.size, s.signed)}(${at}${this.dvArgsLe(s.size)})`;
        return `(${s.big && s.size < 8 ? `BigInt(${raw})` : raw}${ty(` as ${s.name}`)})`;
      }
      case 'bytes':
        return `$bytes(dv, ${at}, ${s.size})`;
      case 'struct':
        return `$r${s.name}(dv, ${at})`;
    }
  }

  /**
   * Returns the statements writing value expression `v` of shape `s` at
   * `at`, indented by `ind`: a `for` loop per array dimension around the
   * element's write (the loops' heads and tails built in a loop).
   */
  write(s: Shape, at: string, v: string, depth: number, ind: string): string {
    const [arrays, leaf] = this.dims(s);
    let head = '';
    let tail = '';
    let a = at;
    let val = v;
    let indent = ind;
    for (let j = 0; j < arrays.length; j++) {
      const i = `i${depth + j}`;
      head += `${indent}for (let ${i} = 0; ${i} < ${arrays[j]!.n}; ${i}++) {\n`;
      tail = `${indent}}\n${tail}`;
      a = `${a} + ${i} * ${arrays[j]!.elemSize}`;
      val = `${val}[${i}]${ty('!')}`;
      indent = `${indent}  `;
    }
    return head + this.writeLeaf(leaf, a, val, indent) + tail;
  }

  /** The statements writing a shape that is not an array. */
  private writeLeaf(s: LeafShape, at: string, v: string, ind: string): string {
    switch (s.k) {
      case 'int':
        if (s.size === 16) return `${ind}$set128(dv, ${at}, ${v});\n`;
        return `${ind}dv.${this.dvGet(s.size, s.signed).replace('get', 'set')}(${at}, ${v}${this.dvArgsLe(s.size)});\n`;
      case 'bool':
        return `${ind}if (${v} !== (dv.getUint8(${at}) !== 0)) dv.setUint8(${at}, ${v} ? 1 : 0);\n`;
      case 'float':
        return `${ind}if (!Object.is(${v}, dv.getFloat${s.size * 8}(${at}, LE))) dv.setFloat${s.size * 8}(${at}, ${v}, LE);\n`;
      case 'ptr':
        return `${ind}dv.${this.dvGet(s.size, false).replace('get', 'set')}(${at}, ${v}, LE);\n`;
      case 'enum': {
        const set = this.dvGet(s.size, s.signed).replace('get', 'set');
        const val = s.big && s.size < 8 ? `Number(${v})` : v;
        return `${ind}dv.${set}(${at}, ${val}${this.dvArgsLe(s.size)});\n`;
      }
      case 'bytes':
        return `${ind}$put(dv, ${at}, ${s.size}, ${v});\n`;
      case 'struct':
        return `${ind}$w${s.name}(dv, ${at}, ${v});\n`;
    }
  }

  /**
   * Throws E2BIG when a declared struct's values nest deeper than
   * {@link MAX_TS_NEST} levels (structs and array dimensions), ELOOP when
   * one holds itself (its codec would never end). The longest nesting per
   * struct is found on an explicit stack (struct, next member), memoised.
   */
  checkNesting(): void {
    const depth = new Map<number, number>();
    const onPath = new Set<number>();
    for (const root of this.inner.keys()) {
      if (depth.has(root)) continue;
      const st: number[] = [root, 0, 1];
      onPath.add(root);
      while (st.length) {
        const f = st.length - 3;
        const t = st[f]!;
        const i = st[f + 1]!;
        const edges = this.inner.get(t) ?? [];
        if (i >= edges.length) {
          const d = st[f + 2]!;
          if (d > MAX_TS_NEST)
            this.fail(
              `type [${t}]: values nest ${d} levels deep (structs and arrays), more than the ${MAX_TS_NEST} the generated codecs allow`,
              t,
              BtfErrorCode.TooBig,
            );
          depth.set(t, d);
          onPath.delete(t);
          st.length = f;
          if (st.length) {
            const p = st.length - 3;
            const pe = this.inner.get(st[p]!)!;
            st[p + 2] = Math.max(st[p + 2]!, 1 + pe[st[p + 1]! - 1]! + d);
          }
          continue;
        }
        st[f + 1] = i + 2;
        const c = edges[i]!;
        const known = depth.get(c);
        if (known !== undefined) {
          st[f + 2] = Math.max(st[f + 2]!, 1 + edges[i + 1]! + known);
          continue;
        }
        if (onPath.has(c))
          this.fail(`type [${c}]: a struct or union holds itself: its codec would never end`, c, BtfErrorCode.Loop);
        onPath.add(c);
        st.push(c, 0, 1);
      }
    }
  }

  /** Declares every pending named type. */
  flush(): void {
    while (this.pending.length) {
      const { name, typeId } = this.pending.shift()!;
      const k = this.q.kind(typeId);
      if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) this.declareEnum(name, typeId);
      else this.declareStruct(name, typeId);
    }
  }

  private declareEnum(name: string, t: number): void {
    const k = this.q.kind(t);
    const n = this.q.vlen(t);
    const signed = infoKflag(this.q.info(t));
    const size = this.q.word(t, 2);
    const big = k === BTF_KIND_ENUM64 || size === 8;
    const [w, o] = this.btf.recordOf(t);
    const cName = this.q.str(this.q.nameOff(t));
    const entries: string[] = [];
    const keys = uniqueKeys(
      Array.from({ length: n }, (_, i) => this.q.str(w[o + 3 + i * (k === BTF_KIND_ENUM64 ? 3 : 2)]!)),
    );
    for (let i = 0; i < n; i++) {
      let v: string;
      if (k === BTF_KIND_ENUM64) {
        const e = o + 3 + i * 3;
        const raw = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
        v = `${signed ? BigInt.asIntN(64, raw) : raw}n`;
      } else {
        const raw = w[o + 3 + i * 2 + 1]!;
        const num = signed ? raw | 0 : raw >>> 0;
        v = big ? `${num}n` : String(num);
      }
      entries.push(`${keys[i]!}: ${v}`);
    }
    const doc = `/** C \`enum ${cName || '(anonymous)'}\` (${size} bytes${signed ? ', signed' : ''}); a decoded value may be a number no enumerator has. */\n`;
    const body = `{ ${entries.join(', ')} }`;
    this.code.push(`${doc}export const ${name} = ${body}${ty(' as const')};\n`);
    const union = n ? `(typeof ${name})[keyof typeof ${name}]` : big ? 'bigint' : 'number';
    this.types.push(`${doc}export type ${name} = ${union};\n`);
    const dtsBody = n ? `{ ${entries.map((e) => `readonly ${e}`).join('; ')} }` : '{}';
    this.dts.push(`${doc}export declare const ${name}: ${dtsBody};\n`);
  }

  private declareStruct(name: string, t: number): void {
    const isUnion = this.q.kind(t) === BTF_KIND_UNION;
    const cName = this.q.str(this.q.nameOff(t));
    const size = this.size(t);
    const n = this.q.vlen(t);
    const kflag = this.q.kflag(t);
    const keys = tsMemberKeys(this.btf, t);
    const [w, o] = this.btf.recordOf(t);
    const fields: string[] = [];
    const reads: string[] = [];
    let writes = '';
    const inner: number[] = [];
    this.inner.set(t, inner);
    for (let i = 0; i < n; i++) {
      const m = o + 3 + i * 3;
      const mName = this.q.str(w[m]!);
      const mType = w[m + 1]!;
      const bitOff = memberBitOffset(w[m + 2]!, kflag);
      const bitSz = memberBitfieldSize(w[m + 2]!, kflag);
      const key = keys[i]!;
      const opt = isUnion ? '?' : '';
      const note = mName === key ? '' : ` /** C member ${commentSafe(mName)} (renamed: not an identifier or taken) */`;
      const byteAt = `o + ${Math.floor(bitOff / 8)}`;
      let s: Shape;
      if (bitSz) {
        s = this.shape(mType, `${cName || name}_${mName}`);
        const base = this.q.sizeOf(mType);
        const bigField = base > 4;
        const signed = s.k === 'int' ? s.signed : s.k === 'enum' ? s.signed : false;
        const tsT = bigField ? 'bigint' : 'number';
        fields.push(`  ${key}${opt}: ${tsT};${note} // bitfield: ${bitSz} bits at bit ${bitOff}`);
        const get = `$getBits(dv, ${byteAt}, ${bitOff % 8}, ${bitSz}, ${signed})`;
        reads.push(`    ${key}: ${bigField ? get : `Number(${get})`},`);
        const set = `$setBits(dv, ${byteAt}, ${bitOff % 8}, ${bitSz}, ${bigField ? `v.${key}` : `BigInt(v.${key})`});`;
        writes += isUnion ? `  if (v.${key} !== undefined) ${set}\n` : `  ${set}\n`;
        continue;
      }
      if (bitOff % 8) this.fail(`type [${t}] '${cName}': member '${mName}' starts at bit ${bitOff}, inside a byte`, t);
      s = this.shape(mType, `${cName || name}_${mName}`);
      const [arrays, leaf] = this.dims(s);
      if (leaf.k === 'struct') inner.push(this.idOf.get(leaf.name)!, arrays.length);
      fields.push(`  ${key}${opt}: ${this.tsType(s)};${note}`);
      reads.push(`    ${key}: ${this.read(s, byteAt, 0)},`);
      if (isUnion) {
        const inner = this.write(s, byteAt, `v.${key}`, 0, '    ');
        writes += `  if (v.${key} !== undefined) {\n${inner}  }\n`;
      } else {
        writes += this.write(s, byteAt, `v.${key}`, 0, '  ');
      }
    }
    const kw = isUnion ? 'union' : 'struct';
    this.emitRecord(
      name,
      `C \`${kw} ${cName || '(anonymous)'}\`, ${size} bytes${isUnion ? ': every arm is decoded; encoding writes the arms present, in order' : ''}.`,
      size,
      fields,
      reads,
      writes,
    );
  }

  /** Writes an interface with `$bytes`, its reader and writer, and its public codec. */
  emitRecord(name: string, doc: string, size: number, fields: string[], reads: string[], writes: string): void {
    this.types.push(
      `/** ${doc} */\nexport interface ${name} {\n` +
        '  /** The bytes this value was decoded from: encoding writes them before the members (padding survives). */\n' +
        `  $bytes?: Uint8Array;\n${fields.map((f) => `${f}\n`).join('')}}\n`,
    );
    this.code.push(
      `function $r${name}(dv${ty(': DataView')}, o${ty(': number')})${ty(`: ${name}`)} {\n` +
        `  return {\n    $bytes: $bytes(dv, o, ${size}),\n${reads.map((r) => `${r}\n`).join('')}  };\n}\n` +
        `function $w${name}(dv${ty(': DataView')}, o${ty(': number')}, v${ty(`: ${name}`)})${ty(': void')} {\n` +
        `  if (v.$bytes !== undefined) $put(dv, o, ${size}, v.$bytes);\n${writes}}\n`,
    );
    this.publicCodec(name, name, size);
  }

  /** Writes `sizeofX`, `decodeX` and `encodeX` for a record type. */
  publicCodec(fn: string, tsName: string, size: number): void {
    this.code.push(
      `/** The size of a {@link ${tsName}} in bytes. */\nexport const sizeof${fn} = ${size};\n` +
        `/** Returns the {@link ${tsName}} in \`bytes\` at \`offset\`. */\n` +
        `export function decode${fn}(bytes${ty(': Uint8Array')}, offset = 0)${ty(`: ${tsName}`)} {\n` +
        `  return $r${tsName}($view(bytes, offset, ${size}), 0);\n}\n` +
        `/** Returns \`out\` (by default ${size} new zero bytes) with \`value\` written at \`offset\`. */\n` +
        `export function encode${fn}(value${ty(`: ${tsName}`)}, out${ty(': Uint8Array')} = new Uint8Array(${size}), offset = 0)${ty(': Uint8Array')} {\n` +
        `  $w${tsName}($view(out, offset, ${size}), 0, value);\n  return out;\n}\n`,
    );
    this.dts.push(
      `/** The size of a {@link ${tsName}} in bytes. */\nexport declare const sizeof${fn}: number;\n` +
        `/** Returns the {@link ${tsName}} in \`bytes\` at \`offset\`. */\n` +
        `export declare function decode${fn}(bytes: Uint8Array, offset?: number): ${tsName};\n` +
        `/** Returns \`out\` (by default ${size} new zero bytes) with \`value\` written at \`offset\`. */\n` +
        `export declare function encode${fn}(value: ${tsName}, out?: Uint8Array, offset?: number): Uint8Array;\n`,
    );
  }

  /** Writes a codec for a map key or value of shape `s` (not a record: wrapped in a function of its own). */
  valueCodec(fn: string, s: Shape, size: number, what: string): string {
    const tsT = this.tsType(s);
    if (s.k === 'struct') {
      this.code.push(
        `/** ${what}: a {@link ${s.name}}. */\nexport const decode${fn} = decode${s.name};\n` +
          `/** ${what}: a {@link ${s.name}}. */\nexport const encode${fn} = encode${s.name};\n`,
      );
      this.dts.push(
        `/** ${what}: a {@link ${s.name}}. */\nexport declare const decode${fn}: typeof decode${s.name};\n` +
          `/** ${what}: a {@link ${s.name}}. */\nexport declare const encode${fn}: typeof encode${s.name};\n`,
      );
      return tsT;
    }
    this.code.push(
      `/** ${what} (${size} bytes): returns it decoded from \`bytes\` at \`offset\`. */\n` +
        `export function decode${fn}(bytes${ty(': Uint8Array')}, offset = 0)${ty(`: ${tsT}`)} {\n` +
        `  const dv = $view(bytes, offset, ${size});\n  return ${this.read(s, '0', 0)};\n}\n` +
        `/** ${what}: returns \`out\` (by default ${size} new zero bytes) with \`value\` written at \`offset\`. */\n` +
        `export function encode${fn}(value${ty(`: ${tsT}`)}, out${ty(': Uint8Array')} = new Uint8Array(${size}), offset = 0)${ty(': Uint8Array')} {\n` +
        `  const dv = $view(out, offset, ${size});\n${this.write(s, '0', 'value', 0, '  ')}  return out;\n}\n`,
    );
    this.dts.push(
      `/** ${what} (${size} bytes): returns it decoded from \`bytes\` at \`offset\`. */\n` +
        `export declare function decode${fn}(bytes: Uint8Array, offset?: number): ${tsT};\n` +
        `/** ${what}: returns \`out\` (by default ${size} new zero bytes) with \`value\` written at \`offset\`. */\n` +
        `export declare function encode${fn}(value: ${tsT}, out?: Uint8Array, offset?: number): Uint8Array;\n`,
    );
    return tsT;
  }

  /** Writes `decodeXValues`/`encodeXValues` for a per-CPU value of `size` bytes at a `stride`. */
  percpuCodec(fn: string, tsT: string, size: number, stride: number, what: string): void {
    this.code.push(
      `/** ${what}, per CPU: each CPU's copy of ${size} bytes at a multiple of ${stride} (libbpf's per-CPU layout). */\n` +
        `export function decode${fn}Values(bytes${ty(': Uint8Array')}, nrCpus = Math.floor(bytes.length / ${stride}))${ty(`: ${/^\w+$/.test(tsT) ? `${tsT}[]` : `Array<${tsT}>`}`)} {\n` +
        `  if (nrCpus * ${stride} > bytes.length) throw new RangeError(\`\${nrCpus} CPUs need \${nrCpus * ${stride}} bytes, not \${bytes.length}\`);\n` +
        `  return Array.from({ length: nrCpus }, (_${ty(': unknown')}, cpu${ty(': number')}) => decode${fn}(bytes, cpu * ${stride}));\n}\n` +
        `/** ${what}, per CPU: returns the values at a multiple of ${stride} bytes each (the gaps zero), as a per-CPU update takes them. */\n` +
        `export function encode${fn}Values(values${ty(`: readonly ${tsT}[]`)})${ty(': Uint8Array')} {\n` +
        `  const out = new Uint8Array(values.length * ${stride});\n` +
        `  values.forEach((v, cpu) => encode${fn}(v, out, cpu * ${stride}));\n  return out;\n}\n`,
    );
    this.dts.push(
      `/** ${what}, per CPU: each CPU's copy of ${size} bytes at a multiple of ${stride}. */\n` +
        `export declare function decode${fn}Values(bytes: Uint8Array, nrCpus?: number): ${tsT}[];\n` +
        `/** ${what}, per CPU: the values at a multiple of ${stride} bytes each. */\n` +
        `export declare function encode${fn}Values(values: readonly ${tsT}[]): Uint8Array;\n`,
    );
  }
}

/** The helpers the codecs use, by name: a module gets those it calls (and the exported string helpers). */
const HELPERS: ReadonlyArray<readonly [string, string]> = [
  [
    '$view',
    `function $view(b${ty(': Uint8Array')}, o${ty(': number')}, n${ty(': number')})${ty(': DataView')} {
  if (o < 0 || o + n > b.length) throw new RangeError(\`\${n} bytes at \${o} do not fit in \${b.length}\`);
  return new DataView(b.buffer, b.byteOffset + o, n);
}
`,
  ],
  [
    '$bytes',
    `function $bytes(dv${ty(': DataView')}, o${ty(': number')}, n${ty(': number')})${ty(': Uint8Array')} {
  return new Uint8Array(dv.buffer, dv.byteOffset + o, n).slice();
}
`,
  ],
  [
    '$put',
    `function $put(dv${ty(': DataView')}, o${ty(': number')}, n${ty(': number')}, v${ty(': Uint8Array')})${ty(': void')} {
  if (v.length > n) throw new RangeError(\`\${v.length} bytes do not fit in \${n}\`);
  const d = new Uint8Array(dv.buffer, dv.byteOffset + o, n);
  d.set(v);
  d.fill(0, v.length);
}
`,
  ],
  [
    '$getBits',
    `function $getBits(dv${ty(': DataView')}, o${ty(': number')}, bit${ty(': number')}, nbits${ty(': number')}, signed${ty(': boolean')})${ty(': bigint')} {
  const n = (bit + nbits + 7) >> 3;
  let x = 0n;
  for (let i = 0; i < n; i++) x = (x << 8n) | BigInt(dv.getUint8(o + (LE ? n - 1 - i : i)));
  const shift = LE ? bit : n * 8 - bit - nbits;
  const v = BigInt.asUintN(nbits, x >> BigInt(shift));
  return signed ? BigInt.asIntN(nbits, v) : v;
}
`,
  ],
  [
    '$setBits',
    `function $setBits(dv${ty(': DataView')}, o${ty(': number')}, bit${ty(': number')}, nbits${ty(': number')}, value${ty(': bigint')})${ty(': void')} {
  const n = (bit + nbits + 7) >> 3;
  let x = 0n;
  for (let i = 0; i < n; i++) x = (x << 8n) | BigInt(dv.getUint8(o + (LE ? n - 1 - i : i)));
  const shift = BigInt(LE ? bit : n * 8 - bit - nbits);
  const mask = ((1n << BigInt(nbits)) - 1n) << shift;
  x = (x & ~mask) | ((BigInt.asUintN(nbits, value) << shift) & mask);
  for (let i = 0; i < n; i++) {
    dv.setUint8(o + (LE ? i : n - 1 - i), Number(x & 0xffn));
    x >>= 8n;
  }
}
`,
  ],
  [
    '$get128',
    `function $get128(dv${ty(': DataView')}, o${ty(': number')}, signed${ty(': boolean')})${ty(': bigint')} {
  const lo = dv.getBigUint64(o + (LE ? 0 : 8), LE);
  const hi = dv.getBigUint64(o + (LE ? 8 : 0), LE);
  const v = (hi << 64n) | lo;
  return signed ? BigInt.asIntN(128, v) : v;
}
`,
  ],
  [
    '$set128',
    `function $set128(dv${ty(': DataView')}, o${ty(': number')}, value${ty(': bigint')})${ty(': void')} {
  const v = BigInt.asUintN(128, value);
  dv.setBigUint64(o + (LE ? 0 : 8), BigInt.asUintN(64, v), LE);
  dv.setBigUint64(o + (LE ? 8 : 0), v >> 64n, LE);
}
`,
  ],
  [
    'cString',
    `/** Returns the text of a C string: \`bytes\` up to the first NUL, as UTF-8 (a bad sequence gives U+FFFD). */
%export function cString(bytes${ty(': Uint8Array')})${ty(': string')} {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  let s = '';
  for (let i = 0; i < end; ) {
    const b = bytes[i]${ty('!')};
    const n = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    let c = n === 1 ? b : n === 2 ? b & 0x1f : n === 3 ? b & 0x0f : b & 0x07;
    let ok = n > 0 && i + n <= end;
    for (let j = 1; ok && j < n; j++) {
      const x = bytes[i + j]${ty('!')};
      if ((x & 0xc0) !== 0x80) ok = false;
      c = (c << 6) | (x & 0x3f);
    }
    if (ok && ((n === 3 && (c < 0x800 || (c >= 0xd800 && c < 0xe000))) || (n === 4 && (c < 0x10000 || c > 0x10ffff)))) ok = false;
    s += ok ? String.fromCodePoint(c) : '\\ufffd';
    i += ok ? n : 1;
  }
  return s;
}
`,
  ],
  [
    'cBytes',
    `/** Returns \`s\` as UTF-8 in \`size\` bytes, NUL-padded; throws a RangeError when it does not fit. */
%export function cBytes(s${ty(': string')}, size${ty(': number')})${ty(': Uint8Array')} {
  const out = new Uint8Array(size);
  let n = 0;
  const put = (b${ty(': number')})${ty(': void')} => {
    if (n >= size) throw new RangeError(\`\${JSON.stringify(s)} does not fit in \${size} bytes\`);
    out[n++] = b;
  };
  for (const ch of s) {
    const c = ch.codePointAt(0)${ty('!')};
    if (c < 0x80) put(c);
    else if (c < 0x800) { put(0xc0 | (c >> 6)); put(0x80 | (c & 0x3f)); }
    else if (c < 0x10000) { put(0xe0 | (c >> 12)); put(0x80 | ((c >> 6) & 0x3f)); put(0x80 | (c & 0x3f)); }
    else { put(0xf0 | (c >> 18)); put(0x80 | ((c >> 12) & 0x3f)); put(0x80 | ((c >> 6) & 0x3f)); put(0x80 | (c & 0x3f)); }
  }
  return out;
}
`,
  ],
];

const TABLE_TYPES = `/** One map of the object, as libbpf has it after open. */
%export interface BpfMapSpec {
  readonly name: string;
  /** \`enum bpf_map_type\` as bpftool names it (\`percpu_array\`), and its number. */
  readonly type: string;
  readonly typeNumber: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  /** Internal maps (global data): the ELF section. */
  readonly section: string | null;
}
/** One global variable of a section. */
%export interface BpfVariableSpec {
  /** The C name. */
  readonly name: string;
  /** The property of the section's interface that holds it. */
  readonly key: string;
  readonly offset: number;
  readonly size: number;
}
/** One global-data section (an internal map's value). */
%export interface BpfSectionSpec {
  readonly name: string;
  readonly map: string;
  /** The value's size, the map's value size. */
  readonly size: number;
  readonly variables: readonly BpfVariableSpec[];
}
`;

/**
 * Returns TypeScript bindings for the maps and global data of `obj` (see the
 * module comment): the `.ts` module, and the same as `.js` plus `.d.ts`.
 *
 * @throws BtfError EINVAL when the object has no `.BTF`, when a variable
 *   lies outside its section, or when a member starts inside a byte
 *   without being a bitfield.
 */
export function genTs(obj: BpfObject, opts: GenTsOptions = {}): TsBindings {
  const btf = obj.btf;
  const fileCtx = obj.file !== undefined ? { file: obj.file } : {};
  if (!btf)
    throw new BtfError(
      BtfErrorCode.InvalidArgument,
      obj.btfProblem ?? 'no .BTF section: nothing to generate from',
      fileCtx,
    );
  const g = new Gen(btf, obj);
  const maps = listMaps(obj).maps;
  const sectionTable: string[] = [];
  const sectionDone = new Map<number, string>();
  const mapRows: string[] = [];

  // Section names first: `Data`, `Rodata`, `Bss` are the names users look for.
  const secMaps = maps.filter(
    (m) =>
      m.internal &&
      m.btfValueTypeId &&
      btf.kindOf(m.btfValueTypeId) === BTF_KIND_DATASEC &&
      obj.layouts.has(m.btfValueTypeId),
  );
  const secNames = new Map<MapInfo, string>();
  for (const m of secMaps) {
    const lay = obj.layouts.get(m.btfValueTypeId)!;
    const { name, note } = g.claim(pascal(lay.name), lay.name, m.cpuValueSize !== null ? ['Values'] : []);
    if (note) g.types.push(note);
    secNames.set(m, name);
  }
  for (const m of secMaps) {
    const lay = obj.layouts.get(m.btfValueTypeId)!;
    const name = secNames.get(m)!;
    const size = m.valueSize;
    const vars = lay.entries.filter((e) => e.kind === 'VAR');
    const keys = uniqueKeys(vars.map((e) => e.name));
    const fields: string[] = [];
    const reads: string[] = [];
    let writes = '';
    const varRows: string[] = [];
    vars.forEach((e, i) => {
      if (e.offset + e.size > size || e.offset < 0)
        throw new BtfError(
          BtfErrorCode.InvalidArgument,
          `section ${lay.name}: variable '${e.name}' at ${e.offset} + ${e.size} lies outside the section's ${size} bytes`,
          { ...fileCtx, typeId: e.typeId, section: lay.name },
        );
      const key = keys[i]!;
      const vt = btf.wordOf(e.typeId, 2);
      const s = g.shape(vt, e.name);
      const overlap = vars.find((o, j) => j !== i && o.offset < e.offset + e.size && e.offset < o.offset + o.size);
      const notes = [
        e.name === key ? '' : `C name ${commentSafe(e.name)} (not an identifier, or taken)`,
        overlap ? `overlaps ${commentSafe(overlap.name)}` : '',
        e.linkage === 0 ? 'static' : '',
      ].filter(Boolean);
      fields.push(`  ${key}: ${g.tsType(s)};${notes.length ? ` /** ${notes.join('; ')} */` : ''}`);
      reads.push(`    ${key}: ${g.read(s, `o + ${e.offset}`, 0)},`);
      writes += g.write(s, `o + ${e.offset}`, `v.${key}`, 0, '  ');
      varRows.push(`    { name: ${lit(e.name)}, key: ${lit(key)}, offset: ${e.offset}, size: ${e.size} },`);
    });
    g.emitRecord(name, `Section \`${lay.name}\` (map \`${m.name}\`), ${size} bytes.`, size, fields, reads, writes);
    sectionDone.set(m.btfValueTypeId, name);
    sectionTable.push(
      `  {\n    name: ${lit(lay.name)},\n    map: ${lit(m.name)},\n    size: ${size},\n    variables: [\n${varRows.map((r) => `  ${r}\n`).join('')}    ],\n  },`,
    );
    if (m.cpuValueSize !== null) g.percpuCodec(name, name, size, m.cpuValueSize, `Section \`${lay.name}\``);
  }

  for (const m of maps) {
    const tn = mapTypeName(m.type) ?? String(m.type);
    mapRows.push(
      `  { name: ${lit(m.name)}, type: ${lit(tn)}, typeNumber: ${m.type}, keySize: ${m.keySize}, valueSize: ${m.valueSize}, maxEntries: ${m.maxEntries}, flags: ${m.mapFlags}, section: ${m.internal ? lit(m.section) : 'null'} },`,
    );
    if (m.internal) continue;
    const { name: fn, note } = g.claim(pascal(m.name), m.name, ['Key', 'Value', 'ValueValues']);
    if (note) g.code.push(note);
    for (const [part, typeId, size] of [
      ['Key', m.btfKeyTypeId, m.keySize],
      ['Value', m.btfValueTypeId, m.valueSize],
    ] as const) {
      if (size === 0) continue;
      const s: Shape = typeId ? g.shape(typeId, `${m.name}_${part.toLowerCase()}`) : { k: 'bytes', size };
      const tsT = g.valueCodec(`${fn}${part}`, s, size, `Map \`${m.name}\`: its ${part.toLowerCase()}`);
      if (part === 'Value' && m.cpuValueSize !== null)
        g.percpuCodec(`${fn}${part}`, tsT, size, m.cpuValueSize, `Map \`${m.name}\`: its value`);
    }
  }
  g.flush();
  g.checkNesting();

  const from = opts.file ?? obj.file;
  const head =
    `// Generated by btfkit gen ts${from !== undefined ? ` from ${JSON.stringify(from).replace(/\n/g, ' ')}` : ''}: do not edit.\n` +
    '// Codecs over DataView for the global data and the maps of a BPF object; no run-time dependency.\n' +
    '// Names not valid as identifiers, or taken, are changed and a comment gives the C name.\n';
  const le = `/** The object's byte order: every codec reads and writes it. */\nexport const LE = ${obj.elf.littleEndian};\n`;
  const tables =
    `/** The object's maps, as libbpf has them after open (in its order). */\n` +
    `export const maps${ty(': readonly BpfMapSpec[]')} = [\n${mapRows.map((r) => `${r}\n`).join('')}];\n` +
    `/** The object's global-data sections and their variables. */\n` +
    `export const sections${ty(': readonly BpfSectionSpec[]')} = [\n${sectionTable.map((r) => `${r}\n`).join('')}];\n`;
  const body = g.code.join('');
  const helpers = HELPERS.filter(([n]) => n === 'cString' || n === 'cBytes' || body.includes(`${n}(`)).map(
    ([, t]) => t,
  );
  const code = [le, ...helpers, body, tables].join('');
  const types = [TABLE_TYPES, ...g.types].join('');
  const strip = (s: string): string => s.replace(new RegExp(`${TA}[^${TZ}]*${TZ}`, 'g'), '');
  const keep = (s: string): string => s.replace(new RegExp(`[${TA}${TZ}]`, 'g'), '');
  const dts =
    `${head}/** The object's byte order. */\nexport declare const LE: boolean;\n${types}` +
    '/** Returns the text of a C string: `bytes` up to the first NUL, as UTF-8. */\n' +
    'export declare function cString(bytes: Uint8Array): string;\n' +
    '/** Returns `s` as UTF-8 in `size` bytes, NUL-padded; throws a RangeError when it does not fit. */\n' +
    'export declare function cBytes(s: string, size: number): Uint8Array;\n' +
    `${g.dts.join('')}/** The object's maps. */\nexport declare const maps: readonly BpfMapSpec[];\n` +
    '/** The global-data sections. */\nexport declare const sections: readonly BpfSectionSpec[];\n';
  // The templates write `%export` at the start of a line: an `export` there would read as this module's own.
  const ex = (s: string): string => s.replace(/^%export /gm, 'export ');
  return { ts: ex(`${head}${keep(types)}${keep(code)}`), js: ex(`${head}${strip(code)}`), dts: ex(dts) };
}
