/**
 * The flat query layer: one read-only view of a BTF and its bases in which a
 * type id and a string offset each index one array, and the questions every
 * consumer asks (what kind, how big, how aligned, what is under the typedefs,
 * how wide is a pointer) have one answer, computed once.
 *
 * The problem. A split BTF (a module over vmlinux) keeps its records in
 * several containers: ids below `startId` and string offsets below
 * `startStrOff` belong to a base. A dump, the typed-data printer or the DATASEC
 * fixup that walked the chain for every lookup would pay for it on every
 * member of every struct; each used to flatten the chain itself, and to carry
 * its own copy of libbpf's `btf__resolve_size`, `btf__align_of`,
 * `determine_ptr_size` and `skip_mods_and_typedefs`. They live here once.
 *
 *   words: [ base records ........ | split records ....... ]   one Uint32Array
 *   offs:  [ -, o1, o2, ... oN-1   | oN, ...               ]   word offset per id
 *             ^ slot 0 is void (reads as kind 0, no record)
 *   strs:  [ \0 base strings ..... | split strings ....... ]   one offset space
 *   sizes: [ size + 2 per id, 0 = not computed yet (-1 + 2 = none) ]
 *   aligns:[ align + 1 per id, 0 = not computed yet ]
 *
 * A BTF without a base is not copied: `words` is its own type section. The
 * layer of a BTF is built on first use ({@link typeQuery}) and kept until the
 * BTF or one of its bases changes (`ensureModifiable`, which every change
 * calls, bumps the container's modification count). Kind, vlen and kflag are
 * decoded with lib/kinds.ts' `infoKind`, `infoVlen` and `infoKflag` only.
 *
 * Kinds btfkit does not know (a layout section lets such records parse) are
 * not guessed at: {@link TypeQuery.checkKnown} names them in a BtfError, and
 * every dump that reaches one calls it.
 */
import type { BtfContainer } from './container.js';
import { BtfError, BtfErrorCode } from './errors.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  NR_BTF_KINDS,
  infoKflag,
  infoKind,
  infoVlen,
  isModifierKind,
  memberBitOffset,
  memberBitfieldSize,
} from './kinds.js';
import { decodeStrAt } from './strings.js';

/** libbpf's MAX_RESOLVE_DEPTH: how far `btf__resolve_size`/`btf__resolve_type` follow references. */
export const MAX_RESOLVE_DEPTH = 32;

/** The names libbpf's `determine_ptr_size` takes for `long`. */
const LONG_ALIASES = new Set([
  'long',
  'long int',
  'int long',
  'unsigned long',
  'long unsigned',
  'unsigned long int',
  'unsigned int long',
  'long unsigned int',
  'long int unsigned',
  'int unsigned long',
  'int long unsigned',
]);

/** {@link TypeQuery.resolveSize} results below zero: why there is no size. */
export const SizeFailure = {
  /** A kind without size (void, FUNC, FWD, FUNC_PROTO ...) at {@link TypeQuery.failId}. */
  NoSize: -1,
  /** A chain of references deeper than {@link MAX_RESOLVE_DEPTH}, or one ending in void. */
  TooDeep: -2,
  /** The element count of the arrays on the way overflows 32 bits. */
  ArrayOverflow: -3,
  /** Element count times element size overflows 32 bits. */
  SizeOverflow: -4,
} as const;

/** libbpf's `ptr_sz` per BTF: remembered across changes, as libbpf never resets it (-1: no `long`, 8 is used). */
const ptrSizes = new WeakMap<BtfContainer, number>();
const cache = new WeakMap<BtfContainer, TypeQuery>();

/**
 * Sets the pointer size of `btf` (libbpf's `btf__set_pointer_size`), as
 * libbpf's `btf__parse_elf` does from the ELF class (8 for ELF64, 4 for
 * ELF32) before anything asks: it then wins over the `long` search.
 */
export function setPointerSize(btf: BtfContainer, size: 4 | 8): void {
  ptrSizes.set(btf, size);
  cache.delete(btf);
}

/**
 * Returns the flat query layer of `btf` (and its bases), building it on first
 * use and again after `btf` or a base changed.
 */
export function typeQuery(btf: BtfContainer): TypeQuery {
  const q = cache.get(btf);
  if (q?.isCurrent()) return q;
  const n = new TypeQuery(btf);
  cache.set(btf, n);
  return n;
}

/**
 * Returns the records of `btf` and its bases in one word array, and the word
 * offset of every id in it (slot 0, void, left 0), with at least `spare`
 * unused words past the records. Without a base, `btf`'s own array is
 * returned when it has the room; else a copy with `spare + slack` words past
 * the records. Dedup flattens its working copy with it too.
 */
export function flattenTypes(
  btf: BtfContainer,
  spare = 0,
  slack = 0,
): { words: Uint32Array; offs: Uint32Array; localStart: number } {
  const offs = new Uint32Array(btf.startId + btf.nrTypes);
  const chain: BtfContainer[] = [];
  for (let b = btf.base; b; b = b.base) chain.unshift(b);
  let baseWords = 0;
  for (const b of chain) baseWords += b.typeWords;
  const total = baseWords + btf.typeWords;
  let words: Uint32Array;
  if (chain.length === 0 && btf.words.length >= total + spare) {
    words = btf.words;
  } else {
    words = new Uint32Array(total + spare + slack);
    let at = 0;
    for (const b of chain) {
      words.set(b.words.subarray(0, b.typeWords), at);
      const bo = b.offs;
      for (let i = 0, id = b.startId; i < b.nrTypes; i++, id++) offs[id] = at + bo[i]!;
      at += b.typeWords;
    }
    words.set(btf.words.subarray(0, btf.typeWords), at);
  }
  const lo = btf.offs;
  // Without a base the offsets are the container's own, shifted by nothing:
  // one copy instead of a loop (dedup flattens vmlinux-sized BTF per run).
  if (baseWords === 0) offs.set(lo.subarray(0, btf.nrTypes), btf.startId);
  else for (let i = 0, id = btf.startId; i < btf.nrTypes; i++, id++) offs[id] = baseWords + lo[i]!;
  return { words, offs, localStart: baseWords };
}

/** Returns the string sections of `btf` and its bases as one byte array (the top section itself when there is no base). */
function flattenStrings(btf: BtfContainer): Uint8Array {
  if (!btf.base) return btf.stringSection();
  const top = btf.stringSection();
  const strs = new Uint8Array(btf.startStrOff + top.length);
  // A split BTF's string offsets continue where its base's section ends.
  for (let c: BtfContainer | null = btf; c; c = c.base) strs.set(c.stringSection(), c.startStrOff);
  return strs;
}

/**
 * A flat, read-only view of one BTF and its bases (see the module comment),
 * with libbpf's type queries, memoised per id.
 */
export class TypeQuery {
  /** Every type record, base first, host order. */
  readonly words: Uint32Array;
  /** Word offset of each type id's record in {@link words}; slot 0 (void) unused. */
  readonly offs: Uint32Array;
  /** Type ids in all, void and base included (`btf__type_cnt`). */
  readonly typeCount: number;
  /** Every string section, base first, in one offset space. */
  readonly strs: Uint8Array;
  /** The id whose kind made the last {@link resolveSize} or {@link alignOf} fail. */
  failId = 0;
  /** The frames of the alignment walk: type, member index, largest alignment so far. */
  private alignStack: Int32Array = new Int32Array(96);

  private readonly btf: BtfContainer;
  /** The containers and their modification counts when this layer was built. */
  private readonly stamps: Array<[BtfContainer, number]> = [];
  private ptrSz = 0;
  /** @internal size + 2 per id, 0 until computed (1: none); read directly by the C writer's hot path. */
  readonly sizes: Float64Array;
  /** @internal alignment + 1 per id, 0 until computed, -(failing id + 1) where there is none; read as `sizes`. */
  readonly aligns: Int32Array;

  /** Returns the layer of `btf`; prefer {@link typeQuery}, which caches it. */
  constructor(btf: BtfContainer) {
    this.btf = btf;
    const { words, offs } = flattenTypes(btf);
    this.words = words;
    this.offs = offs;
    this.typeCount = btf.typeCount;
    this.strs = flattenStrings(btf);
    for (let c: BtfContainer | null = btf; c; c = c.base) this.stamps.push([c, c.modCount]);
    this.sizes = new Float64Array(this.typeCount);
    this.aligns = new Int32Array(this.typeCount);
    // Void has neither size nor alignment.
    this.aligns[0] = -1;
  }

  /** Whether no container under this layer has changed since it was built. */
  isCurrent(): boolean {
    for (const [c, n] of this.stamps) if (c.modCount !== n) return false;
    return this.btf.typeCount === this.typeCount;
  }

  // ------------------------------------------------------------- records

  /** Returns the `info` word of type `id` (0 for void). */
  info(id: number): number {
    return id === 0 ? 0 : this.words[this.offs[id]! + 1]!;
  }

  /** Returns the kind of type `id` (0 for void). */
  kind(id: number): number {
    return id === 0 ? 0 : infoKind(this.words[this.offs[id]! + 1]!);
  }

  /** Returns the vlen of type `id`. */
  vlen(id: number): number {
    return id === 0 ? 0 : infoVlen(this.words[this.offs[id]! + 1]!);
  }

  /** Returns the kflag of type `id`. */
  kflag(id: number): boolean {
    return id === 0 ? false : infoKflag(this.words[this.offs[id]! + 1]!);
  }

  /** Returns the name offset of type `id` (0 for void). */
  nameOff(id: number): number {
    return id === 0 ? 0 : this.words[this.offs[id]!]!;
  }

  /** Returns word `i` of type `id`'s record (0 = name_off, 1 = info, 2 = size/type, ...); 0 for void. */
  word(id: number, i: number): number {
    return id === 0 ? 0 : this.words[this.offs[id]! + i]!;
  }

  /**
   * Returns the kind of type `id`; throws BtfError EINVAL (`type [5]: unknown
   * kind 33`) for a kind this version does not know, which a layout section
   * lets parse but nothing can print as something else.
   */
  checkKnown(id: number): number {
    const k = this.kind(id);
    if (k >= NR_BTF_KINDS) {
      throw new BtfError(BtfErrorCode.BadType, `type [${id}]: unknown kind ${k}`, { typeId: id });
    }
    return k;
  }

  // ------------------------------------------------------------- strings

  /** Returns the string at offset `off` (base offsets included). */
  str(off: number): string {
    return decodeStrAt(this.strs, off);
  }

  /** Whether the string at offset `off` is `name` (ASCII text, or UTF-8 bytes), compared byte by byte. */
  strIs(off: number, name: string | Uint8Array): boolean {
    const s = this.strs;
    if (typeof name === 'string') {
      for (let i = 0; i < name.length; i++) if (s[off + i] !== name.charCodeAt(i)) return false;
    } else {
      for (let i = 0; i < name.length; i++) if (s[off + i] !== name[i]) return false;
    }
    return s[off + name.length] === 0;
  }

  // ------------------------------------------------------------- queries

  /**
   * Returns the pointer size in bytes (`btf_ptr_sz`): the size of the first
   * INT, by id, named like `long` with size 4 or 8 (libbpf's
   * `determine_ptr_size`), the base's when it already found one; 8 when there
   * is none. Determined once per BTF, like libbpf's `ptr_sz`.
   */
  get ptrSize(): number {
    if (this.ptrSz) return this.ptrSz;
    let sz = ptrSizes.get(this.btf);
    if (sz === undefined) {
      const base = this.btf.base ? ptrSizes.get(this.btf.base) : undefined;
      sz = base !== undefined && base > 0 ? base : this.determinePtrSize();
      ptrSizes.set(this.btf, sz);
    }
    this.ptrSz = sz > 0 ? sz : 8;
    return this.ptrSz;
  }

  /**
   * libbpf's `btf__pointer_size`: {@link ptrSize} as determined, but 0 when
   * nothing said it (raw BTF without a `long` of size 4 or 8, and no base
   * that found one); pahole takes it as its pointer size (`cu->addr_size`).
   */
  get btfPointerSize(): number {
    const sz = this.ptrSize;
    return (ptrSizes.get(this.btf) ?? sz) > 0 ? sz : 0;
  }

  private determinePtrSize(): number {
    const { words, offs } = this;
    for (let id = 1; id < this.typeCount; id++) {
      const o = offs[id]!;
      if (infoKind(words[o + 1]!) !== BTF_KIND_INT) continue;
      const size = words[o + 2]!;
      if ((size === 4 || size === 8) && LONG_ALIASES.has(this.str(words[o]!))) return size;
    }
    return -1;
  }

  /**
   * Returns the id under the typedefs and modifiers (const, volatile,
   * restrict, type tags) starting at `id` (libbpf's `skip_mods_and_typedefs`);
   * an id out of range is returned as it is.
   */
  skipModsAndTypedefs(id: number): number {
    const { words, offs } = this;
    // A chain longer than the number of types is a loop (unvalidated BTF).
    for (let n = 0; n < this.typeCount && id > 0 && id < this.typeCount; n++) {
      const o = offs[id]!;
      const k = infoKind(words[o + 1]!);
      if (k !== BTF_KIND_TYPEDEF && !isModifierKind(k)) return id;
      id = words[o + 2]!;
    }
    return id;
  }

  /**
   * Returns the size in bytes of type `id`, following typedefs, modifiers,
   * VARs, DECL_TAGs and arrays (libbpf's `btf__resolve_size`), or a
   * {@link SizeFailure} below zero. Not memoised: see {@link sizeOf}.
   */
  resolveSize(typeId: number): number {
    const { words, offs } = this;
    let nelems = 1;
    let id = typeId;
    let size = -1;
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH && id !== 0 && size < 0; depth++) {
      const o = offs[id]!;
      switch (infoKind(words[o + 1]!)) {
        case BTF_KIND_INT:
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
        case BTF_KIND_DATASEC:
        case BTF_KIND_FLOAT:
          size = words[o + 2]!;
          break;
        case BTF_KIND_PTR:
          size = this.ptrSize;
          break;
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_VAR:
        case BTF_KIND_DECL_TAG:
        case BTF_KIND_TYPE_TAG:
          id = words[o + 2]!;
          break;
        case BTF_KIND_ARRAY: {
          const n = words[o + 5]!;
          if (nelems && n > Math.floor(0xffffffff / nelems)) return SizeFailure.ArrayOverflow;
          nelems *= n;
          id = words[o + 3]!;
          break;
        }
        default:
          this.failId = id;
          return SizeFailure.NoSize;
      }
    }
    if (size < 0) return SizeFailure.TooDeep;
    if (nelems && size > Math.floor(0xffffffff / nelems)) return SizeFailure.SizeOverflow;
    return nelems * size;
  }

  /** Returns {@link resolveSize} of `id`, or -1 where it fails; memoised. */
  sizeOf(id: number): number {
    const c = this.sizes[id]!;
    if (c) return c - 2;
    let size = this.resolveSize(id);
    if (size < 0) size = -1;
    this.sizes[id] = size + 2;
    return size;
  }

  /**
   * Returns the id reached by skipping typedefs, modifiers and VARs
   * (libbpf's `btf__resolve_type`), or -1 on void or a chain of
   * {@link MAX_RESOLVE_DEPTH} or more.
   */
  resolveType(typeId: number): number {
    const { words, offs } = this;
    let id = typeId;
    let depth = 0;
    while (depth < MAX_RESOLVE_DEPTH && id !== 0) {
      const o = offs[id]!;
      const k = infoKind(words[o + 1]!);
      if (k !== BTF_KIND_TYPEDEF && !isModifierKind(k) && k !== BTF_KIND_VAR) break;
      id = words[o + 2]!;
      depth++;
    }
    return depth === MAX_RESOLVE_DEPTH || id === 0 ? -1 : id;
  }

  /**
   * Returns the alignment in bytes of type `id` (libbpf's `btf__align_of`):
   * 1 for a packed struct, 0 where libbpf computes 0 (an INT of size 0), -1
   * for a kind without one (void, FUNC, FWD ...; the id in {@link failId}),
   * memoised. Throws BtfError EINVAL for a reference loop (only unvalidated,
   * built BTF has one).
   */
  alignOf(id: number): number {
    // The memoised answer first: the C dump asks for every member.
    const c = this.aligns[id]!;
    return c > 0 ? c - 1 : c < 0 ? this.memoAlign(c) : this.align(id);
  }

  /**
   * The walk behind {@link alignOf}: libbpf recurses into referenced types and
   * members; this keeps the types under way on an explicit stack (each with
   * the member it is at and the largest alignment so far) and memoises each
   * answer as it completes, so a chain of any depth costs no call stack.
   */
  /** Throws unless `t`, referenced by `id`, names a type: level 1 reads references past the last type, as libbpf does. */
  private checkRef(id: number, t: number): void {
    if (t >= this.typeCount)
      throw new BtfError(
        BtfErrorCode.BadTypeId,
        `type [${id}]: type id ${t} is out of range (the last is ${this.typeCount - 1})`,
        {
          typeId: id,
        },
      );
  }

  private align(root: number): number {
    const { words, offs, aligns } = this;
    let st = this.alignStack;
    let top = 0;
    st[top++] = root;
    st[top++] = 0;
    st[top++] = 1;
    while (top > 0) {
      const id = st[top - 3]!;
      const o = offs[id]!;
      const info = words[o + 1]!;
      let a = -2; // not done yet
      let child = -1;
      switch (infoKind(info)) {
        case BTF_KIND_INT:
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
        case BTF_KIND_FLOAT:
          a = Math.min(this.ptrSize, words[o + 2]!);
          break;
        case BTF_KIND_PTR:
          a = this.ptrSize;
          break;
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
        case BTF_KIND_ARRAY: {
          const t = words[o + (infoKind(info) === BTF_KIND_ARRAY ? 3 : 2)]!;
          this.checkRef(id, t);
          const c = aligns[t]!;
          if (c === 0) child = t;
          else a = this.memoAlign(c);
          break;
        }
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
          const vlen = infoVlen(info);
          let i = st[top - 2]!;
          let max = st[top - 1]!;
          for (; i < vlen; i++) {
            const m = o + 3 + i * 3;
            this.checkRef(id, words[m + 1]!);
            const c = aligns[words[m + 1]!]!;
            if (c === 0) {
              child = words[m + 1]!;
              break;
            }
            const ma = this.memoAlign(c);
            // libbpf returns a member's failure (or its 0) as the struct's.
            if (ma <= 0) {
              a = ma;
              break;
            }
            if (ma > max) max = ma;
            // A field off its natural alignment: the struct must be packed.
            if (
              memberBitfieldSize(words[m + 2]!, infoKflag(info)) === 0 &&
              memberBitOffset(words[m + 2]!, infoKflag(info)) % (8 * ma) !== 0
            ) {
              a = 1;
              break;
            }
          }
          st[top - 2] = i;
          st[top - 1] = max;
          if (a === -2 && child < 0) a = words[o + 2]! % max !== 0 ? 1 : max;
          break;
        }
        default:
          this.failId = id;
          a = -1;
      }
      if (child >= 0) {
        // A loop-free chain holds each type once: deeper than there are types is a loop.
        if (top / 3 > this.typeCount)
          throw new BtfError(BtfErrorCode.InvalidArgument, `type [${child}]: reference loop`, { typeId: child });
        if (top + 3 > st.length) {
          const g = new Int32Array(st.length * 2);
          g.set(st);
          this.alignStack = st = g;
        }
        st[top++] = child;
        st[top++] = 0;
        st[top++] = 1;
        continue;
      }
      aligns[id] = a < 0 ? -(this.failId + 1) : a + 1;
      top -= 3;
    }
    return this.memoAlign(aligns[root]!);
  }

  /** The alignment a memo entry `c` (not 0) stands for; sets {@link failId} for a failure. */
  private memoAlign(c: number): number {
    if (c > 0) return c - 1;
    this.failId = -c - 1;
    return -1;
  }
}
