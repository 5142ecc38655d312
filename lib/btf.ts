/**
 * `Btf`: the public class. The container and the builder live in
 * container.ts and builder.ts; this module adds construction (parse, empty,
 * fromFile), views and libbpf's queries (find by name, resolve size and type,
 * alignment).
 *
 * It knows raw BTF only: BTF inside an ELF object is read by the object
 * layer above it (lib/object/open.ts `parseBtf`, `openObject`), and dedup
 * (lib/dedup/) is a function over a Btf, so this module imports neither
 * lib/elf/ nor lib/dedup/.
 */
import { inputBytes } from './input.js';
import { BtfBuilder } from './builder.js';
import type { BtfContainer } from './container.js';
import { BtfError, BtfErrorCode, isInputError } from './errors.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_VAR, BTF_KIND_VOLATILE, BTF_MAGIC, infoKflag, infoKind, infoVlen,
  memberBitfieldSize, memberBitOffset,
} from './kinds.js';
import { encodeStr } from './strings.js';
import { validateTypes } from './validate.js';
import { TypeView, inflateView, type InflatedType } from './view.js';

/** Options for {@link Btf.parse} and {@link Btf.fromFile}. */
export interface BtfOptions {
  /** Base BTF for split BTF (module BTF over vmlinux). */
  base?: Btf;
  /** File name for error messages. */
  file?: string;
}

/** The names libbpf's `determine_ptr_size` takes for `long`. */
const LONG_ALIASES = new Set(['long', 'long int', 'int long', 'unsigned long', 'long unsigned', 'unsigned long int',
  'unsigned int long', 'long unsigned int', 'long int unsigned', 'int unsigned long', 'int long unsigned']);

/** libbpf's MAX_RESOLVE_DEPTH. */
const MAX_RESOLVE_DEPTH = 32;

/** Returns true when `bytes` starts with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Returns true when `bytes` starts with the BTF magic in either byte order. */
export function isRawBtf(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f));
}

/**
 * BTF: types and strings, read-only until first modified, with libbpf's
 * builder (`addInt`, `addStruct`, ...) and queries. Mirrors libbpf's
 * `struct btf`.
 */
export class Btf extends BtfBuilder {
  declare base: Btf | null;
  private ptrSz = 0;

  /** Returns a new empty BTF (`btf__new_empty`), or an empty split BTF over `base` (`btf__new_empty_split`). */
  static empty(opts: { base?: Btf } = {}): Btf {
    const b = new Btf();
    b.init(opts.base ?? null, true);
    return b;
  }

  /**
   * Returns the BTF parsed from raw BTF `bytes` in either byte order
   * (`btf__parse_raw`; `parseBtf` also reads an ELF object's `.BTF`, as
   * `btf__parse` does). Validates the header, the sections and every type
   * record; throws a BtfError naming the offset and type id of the first
   * problem.
   *
   * @throws BtfError `EFORMAT` for anything but raw BTF (an ELF object
   *   included: the message points to `parseBtf`).
   */
  static parse(input: Uint8Array, opts: BtfOptions = {}): Btf {
    const bytes = inputBytes(input, 'Btf.parse');
    const fileOpt = opts.file ? { file: opts.file } : {};
    if (isElf(bytes)) {
      throw new BtfError(BtfErrorCode.Format, 'an ELF object, not raw BTF (read it with parseBtf or openObject)', { offset: 0, ...fileOpt });
    }
    if (!isRawBtf(bytes)) {
      throw new BtfError(BtfErrorCode.Format, 'neither raw BTF nor an ELF object (bad magic)', { offset: 0, ...fileOpt });
    }
    const b = new Btf();
    b.init(opts.base ?? null, false);
    b.loadRaw(bytes, opts);
    validateTypes(b, b.hdr.hdrLen + b.hdr.typeOff, opts.file);
    return b;
  }

  /** Returns the raw BTF read from a file (`readBtfFile` also reads an object's `.BTF`). Node only. */
  static async fromFile(path: string, opts: { base?: Btf } = {}): Promise<Btf> {
    const { readInput } = await import('./io.js');
    const bytes = await readInput(path);
    try {
      return Btf.parse(bytes, { ...opts, file: path });
    } catch (e) {
      if (isInputError(e)) e.withFile(path);
      throw e;
    }
  }

  // ------------------------------------------------------------------ views

  /** Returns a view of type `typeId` (`btf__type_by_id`); throws ENOENT when out of range. Void has no view. */
  type(typeId: number): TypeView {
    const c = this.checkId(typeId);
    return new TypeView(c, typeId, c.words, c.offs[typeId - c.startId]!);
  }

  /** Returns type `typeId` as a plain object (`{ kind: 'VOID' }` for 0). */
  inflate(typeId: number): InflatedType {
    if (typeId === 0) return { kind: 'VOID', id: 0, name: '' };
    return inflateView(this.type(typeId));
  }

  /** Iterates over the ids of this BTF's own types (base types excluded). */
  *ids(): IterableIterator<number> {
    for (let i = 0; i < this.nrTypes; i++) yield this.startId + i;
  }

  // ---------------------------------------------------------------- queries

  /**
   * Returns the id of the first type named `name` (of `kind`, when given),
   * searching the base first, or -1 (`btf__find_by_name[_kind]`). `void` is
   * id 0.
   */
  findByName(name: string, kind?: number): number {
    if (name === 'void' || kind === 0) return 0;
    const needle = encodeStr(name);
    const n = needle.length;
    const chain: BtfContainer[] = [];
    for (let x: BtfContainer | null = this; x; x = x.base) chain.unshift(x);
    for (const x of chain) {
      const w = x.words;
      for (let i = 0; i < x.nrTypes; i++) {
        const o = x.offs[i]!;
        if (kind !== undefined && infoKind(w[o + 1]!) !== kind) continue;
        const s = x.strBytes(w[o]!);
        if (s.length !== n) continue;
        let eq = true;
        for (let j = 0; j < n; j++) if (s[j] !== needle[j]) { eq = false; break; }
        if (eq) return x.startId + i;
      }
    }
    return -1;
  }

  /**
   * Pointer size in bytes (`btf__pointer_size`): the size of the first INT,
   * by id, named like `long` with size 4 or 8 (libbpf's
   * `determine_ptr_size`), the base's when it already knows it; defaults to 8.
   */
  pointerSize(): number {
    if (this.ptrSz) return this.ptrSz;
    let sz = this.base && this.base.ptrSz > 0 ? this.base.ptrSz : 0;
    for (let id = 1; !sz && id < this.typeCount; id++) {
      const [w, o] = this.recordOf(id);
      if (infoKind(w[o + 1]!) !== BTF_KIND_INT) continue;
      const s = w[o + 2]!;
      if ((s === 4 || s === 8) && LONG_ALIASES.has(this.str(w[o]!))) sz = s;
    }
    this.ptrSz = sz || 8;
    return this.ptrSz;
  }

  /**
   * Returns the size in bytes of a type, following typedefs, modifiers,
   * VARs, DECL_TAGs and arrays (`btf__resolve_size`). Throws EINVAL for a
   * type without size (void, FUNC, FWD, a chain deeper than 32) and E2BIG
   * when the size overflows 32 bits.
   */
  resolveSize(typeId: number): number {
    let nelems = 1;
    let id = typeId;
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH && id !== 0; depth++) {
      const info = this.infoOf(id);
      switch (infoKind(info)) {
        case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64: case BTF_KIND_DATASEC: case BTF_KIND_FLOAT:
          return this.scaled(this.wordOf(id, 2), nelems, typeId);
        case BTF_KIND_PTR:
          return this.scaled(this.pointerSize(), nelems, typeId);
        case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
        case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
          id = this.wordOf(id, 2);
          break;
        case BTF_KIND_ARRAY: {
          const n = this.wordOf(id, 5);
          if (nelems && n > Math.floor(0xffffffff / nelems)) throw new BtfError(BtfErrorCode.TooBig, `type [${typeId}]: array size overflows`, { typeId });
          nelems *= n;
          id = this.wordOf(id, 3);
          break;
        }
        default:
          throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}]: ${this.type(id).kindName} has no size`, { typeId });
      }
    }
    throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}]: no size (void, or deeper than ${MAX_RESOLVE_DEPTH} references)`, { typeId });
  }

  private scaled(size: number, nelems: number, typeId: number): number {
    if (nelems && size > Math.floor(0xffffffff / nelems)) throw new BtfError(BtfErrorCode.TooBig, `type [${typeId}]: size overflows`, { typeId });
    return nelems * size;
  }

  /**
   * Returns the id reached by skipping typedefs, modifiers and VARs
   * (`btf__resolve_type`); throws EINVAL on void or a chain of 32 or more.
   */
  resolveType(typeId: number): number {
    let id = typeId;
    let depth = 0;
    while (depth < MAX_RESOLVE_DEPTH && id !== 0) {
      const k = this.kindOf(id);
      if (k !== BTF_KIND_TYPEDEF && k !== BTF_KIND_VOLATILE && k !== BTF_KIND_CONST && k !== BTF_KIND_RESTRICT &&
        k !== BTF_KIND_TYPE_TAG && k !== BTF_KIND_VAR) break;
      id = this.wordOf(id, 2);
      depth++;
    }
    if (depth === MAX_RESOLVE_DEPTH || id === 0) {
      throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}]: resolves to void or loops`, { typeId });
    }
    return id;
  }

  /** Returns the alignment in bytes of a type (`btf__align_of`): 1 for a packed struct; throws EINVAL for kinds without one. */
  alignOf(typeId: number, depth = 0): number {
    if (depth > MAX_RESOLVE_DEPTH) throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}]: reference chain too deep`, { typeId });
    const info = this.infoOf(typeId);
    switch (infoKind(info)) {
      case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
        return Math.min(this.pointerSize(), this.wordOf(typeId, 2));
      case BTF_KIND_PTR:
        return this.pointerSize();
      case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
        return this.alignOf(this.wordOf(typeId, 2), depth + 1);
      case BTF_KIND_ARRAY:
        return this.alignOf(this.wordOf(typeId, 3), depth + 1);
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        const [w, o] = this.recordOf(typeId);
        const vlen = infoVlen(info);
        const kflag = infoKflag(info);
        let maxAlign = 1;
        for (let i = 0; i < vlen; i++) {
          const m = o + 3 + i * 3;
          const align = this.alignOf(w[m + 1]!, depth + 1);
          maxAlign = Math.max(maxAlign, align);
          const off = w[m + 2]!;
          const bitSize = memberBitfieldSize(off, kflag);
          const bitOff = memberBitOffset(off, kflag);
          if (bitSize === 0 && bitOff % (8 * align) !== 0) return 1;
        }
        if (w[o + 2]! % maxAlign !== 0) return 1;
        return maxAlign;
      }
      default:
        throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}]: ${typeId === 0 ? 'void' : this.type(typeId).kindName} has no alignment`, { typeId });
    }
  }

  /** Returns the magic every BTF starts with. */
  static readonly MAGIC = BTF_MAGIC;
}
