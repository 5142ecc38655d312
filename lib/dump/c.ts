/**
 * The C header dump: what `bpftool btf dump file FILE format c` prints
 * (bpftool v7.1.0 over libbpf 1.1.2's `btf_dump.c`), byte for byte.
 *
 * The problem. BTF is a graph of types; C needs every type defined before it
 * is embedded, accepts a forward declaration where only a pointer is taken,
 * inlines anonymous structs, unions and enums where they are used, and has
 * one namespace for tags (`struct x`, `union x`, `enum x`) and another for
 * ordinary identifiers (typedef names and enumerators). BTF from several
 * compilation units (vmlinux) can hold two different `struct x`: the second
 * one met becomes `struct x___2`.
 *
 *   struct A;                      <- forward declaration, the cycle needs it
 *   struct B { struct A *a; };     <- B only points at A: a weak link
 *   struct A { struct B b; };      <- A embeds B: a strong link, B first
 *
 * The passes, for each root type in turn (every id from 1, or the roots the
 * caller asks for), as libbpf's `btf_dump__dump_type` does:
 *
 *  1. order: a depth-first walk (`btf_dump_order_type`) that queues, after
 *     their strong dependencies, the types that C defines at top level: named
 *     structs, unions and enums, typedefs, FWDs and enums nobody references
 *     (top-level anonymous enums of constants). A pointer to a named struct
 *     is a weak link and is not followed; a struct met again while its walk is
 *     still under way is a loop, fine through a pointer to a named struct and
 *     fatal otherwise (ELOOP).
 *  2. emit: each queued type is printed (`btf_dump_emit_type`). Before a
 *     definition, the types its members mention are visited: a named struct
 *     not yet defined gets a forward declaration, a typedef under way is
 *     printed early. Declarations (`btf_dump_emit_type_decl`) push the chain
 *     of pointers, arrays, modifiers and prototypes on a stack down to a
 *     terminal type and print it back inside out, so that arrays of function
 *     pointers come out as `int (*f[4])(void *)`.
 *
 * Names are made unique lazily, in the order they are first printed, which is
 * why the `___N` suffixes depend on the emission order and not on type ids.
 *
 * Data: the records of the BTF (and of its bases, for split BTF) are copied
 * once into one word array indexed through `off[typeId]`, with three zero
 * words at offset 0 for void. Per-type state lives in byte arrays, names in a
 * sparse array; output text is gathered per queued type and handed to the
 * {@link Chunker}.
 *
 *   w:    [0 0 0 | name info size | m m m | m m m | name info type | ...]
 *   off:   0       3                                21
 *          ^void   ^id 1 (a struct with two members) ^id 2
 *
 * Where libbpf 1.1.2 differs from later libbpf (no-argument prototypes print
 * as `(*f)()`, type tags always as `btf_type_tag`, no `aligned(N)` ever), we
 * follow 1.1.2, as bpftool 7.1 does.
 */
import type { Btf } from '../btf.js';
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG, BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
} from '../kinds.js';
import { sortedTypeIds } from './c-sort.js';
import { Chunker, collect, type Write } from './out.js';

/** Options for {@link writeCDump} and {@link cDump}. */
export interface CDumpOptions {
  /**
   * Dump only these types and what they need, in this order (bpftool's root
   * types). A name is `struct NAME`, `union NAME`, `enum NAME`, a plain name
   * (every struct, union, enum, typedef, FWD, INT or FLOAT so named; failing
   * those, the prototype of a function or the type of a variable so named),
   * or a decimal type id. Defaults to every type.
   */
  typeNames?: readonly string[];
  /**
   * Visit the types in the sorted order of bpftool 7.5 and later (by kind
   * rank, then name) instead of by id, so that headers of two kernel builds
   * diff well. Ignored with `typeNames`. Defaults to false.
   */
  sort?: boolean;
  /**
   * Wrap the types in bpftool's `#pragma clang attribute push
   * (preserve_access_index)` block. Defaults to true.
   */
  pragma?: boolean;
}

const PREAMBLE_GUARD = '#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n';
const PREAMBLE_PRAGMA = '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n' +
  '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n' +
  '#endif\n\n';
const EPILOGUE_PRAGMA = '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n';
const EPILOGUE_GUARD = '#endif /* __VMLINUX_H__ */\n';

/**
 * Writes the C header bpftool prints for `btf` (`bpftool btf dump file FILE
 * format c`) to `write`. For split BTF the base types are dumped too, as
 * bpftool does. Throws BtfError ENOENT for a name in `typeNames` that no type
 * has, and ELOOP (after writing what came before, without the epilogue, as
 * bpftool stops) for a type cycle C cannot express.
 */
export function writeCDump(btf: Btf, write: Write, opts: CDumpOptions = {}): void {
  const out = new Chunker(write);
  const pragma = opts.pragma ?? true;
  const d = new CEmitter(btf);
  let roots: ArrayLike<number>;
  let first = 1;
  if (opts.typeNames) {
    roots = resolveTypeNames(btf, d, opts.typeNames);
    first = 0;
  } else if (opts.sort) {
    // bpftool sorts ids 0 .. n-1, void included, and then dumps entries 1 ..
    // n-1 of the sorted array: whatever sorts first is only printed when
    // another type needs it. We keep that, to stay identical.
    roots = sortedTypeIds(d.w, d.off, d.count, d.str);
  } else {
    const all = new Uint32Array(d.count);
    for (let i = 0; i < all.length; i++) all[i] = i;
    roots = all;
  }
  out.add(pragma ? PREAMBLE_GUARD + PREAMBLE_PRAGMA : PREAMBLE_GUARD);
  try {
    for (let i = first; i < roots.length; i++) {
      d.dumpType(roots[i]!);
      if (d.o.length) {
        out.add(d.o);
        d.o = '';
      }
    }
  } finally {
    out.flush();
  }
  out.add(pragma ? EPILOGUE_PRAGMA + EPILOGUE_GUARD : EPILOGUE_GUARD);
  out.flush();
}

/** Returns the C header bpftool prints for `btf` as one string (see {@link writeCDump}). */
export function cDump(btf: Btf, opts: CDumpOptions = {}): string {
  return collect((w) => writeCDump(btf, w, opts));
}

// Kinds that name a type C code can refer to by that name.
const NAMED_KINDS = new Set<number>([
  BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_TYPEDEF, BTF_KIND_FWD,
  BTF_KIND_INT, BTF_KIND_FLOAT,
]);

/** Returns the root ids for `names` (see {@link CDumpOptions.typeNames}); throws ENOENT for an unknown one. */
function resolveTypeNames(btf: Btf, d: CEmitter, names: readonly string[]): number[] {
  const { w, off, count, str } = d;
  const roots: number[] = [];
  for (const spec of names) {
    const s = spec.trim();
    if (/^\d+$/.test(s)) {
      const id = Number(s);
      if (id < 1 || id >= count) throw new BtfError(BtfErrorCode.NotFound, `no type with id ${s} (ids go from 1 to ${count - 1})`);
      roots.push(id);
      continue;
    }
    const m = /^(struct|union|enum)\s+(\S+)$/.exec(s);
    const tag = m ? m[1]! : '';
    const name = m ? m[2]! : s;
    const found: number[] = [];
    const refs: number[] = [];
    for (let id = 1; id < count; id++) {
      const o = off[id]!;
      const nameOff = w[o]!;
      if (nameOff === 0) continue;
      const kind = (w[o + 1]! >>> 24) & 0x1f;
      const ok = tag === 'struct' ? kind === BTF_KIND_STRUCT || (kind === BTF_KIND_FWD && w[o + 1]! >>> 31 === 0)
        : tag === 'union' ? kind === BTF_KIND_UNION || (kind === BTF_KIND_FWD && w[o + 1]! >>> 31 === 1)
          : tag === 'enum' ? kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64
            : NAMED_KINDS.has(kind) || kind === BTF_KIND_FUNC || kind === BTF_KIND_VAR;
      if (!ok || str(nameOff) !== name) continue;
      if (kind === BTF_KIND_FUNC || kind === BTF_KIND_VAR) refs.push(w[o + 2]!);
      else found.push(id);
    }
    if (found.length === 0 && refs.length === 0) {
      throw new BtfError(BtfErrorCode.NotFound, `no type named '${s}'`);
    }
    roots.push(...(found.length ? found : refs));
  }
  void btf;
  return roots;
}

// Order and emit states (libbpf's btf_dump_type_order_state / emit_state).
const NOT_ORDERED = 0;
const ORDERING = 1;
const ORDERED = 2;
const NOT_EMITTED = 0;
const EMITTING = 1;
const EMITTED = 2;
// Per-type flags.
const FWD_EMITTED = 1;
const NAME_RESOLVED = 2;
const REFERENCED = 4;

/** libbpf's `pfx()`: tabs, at most 13 of them. */
const PFX: readonly string[] = Array.from({ length: 14 }, (_, i) => '\t'.repeat(i));
function pfx(lvl: number): string {
  return PFX[lvl > 13 ? 13 : lvl]!;
}

/** libbpf's `roundup()`. */
function roundup(x: number, y: number): number {
  return Math.ceil(x / y) * y;
}

/** The aliases libbpf emits for GCC's ARM SIMD base types (`missing_base_types`). */
const MISSING_BASE_TYPES = new Map<string, string>([
  ['__Poly8_t', 'unsigned char'],
  ['__Poly16_t', 'unsigned short'],
  ['__Poly64_t', 'unsigned long long'],
  ['__Poly128_t', 'unsigned __int128'],
]);

/** The names `determine_ptr_size` (libbpf btf.c) accepts for `long`. */
const LONG_ALIASES = new Set([
  'long', 'long int', 'int long', 'unsigned long', 'long unsigned', 'unsigned long int',
  'unsigned int long', 'long unsigned int', 'long int unsigned', 'int unsigned long', 'int long unsigned',
]);

/** Returns every record of `btf` and its bases in one array, void at offset 0, and the offset of each id. */
function flatten(btf: Btf): { w: Uint32Array; off: Uint32Array } {
  const chain: BtfContainer[] = [];
  for (let c: BtfContainer | null = btf; c; c = c.base) chain.unshift(c);
  let total = 3;
  for (const c of chain) total += c.typeWords;
  const w = new Uint32Array(total);
  const off = new Uint32Array(btf.typeCount);
  let at = 3;
  for (const c of chain) {
    w.set(c.words.subarray(0, c.typeWords), at);
    const offs = c.offs;
    for (let i = 0, id = c.startId; i < c.nrTypes; i++, id++) off[id] = offs[i]! + at;
    at += c.typeWords;
  }
  return { w, off };
}

/**
 * libbpf's `struct btf_dump` with its C emitter. One instance per dump: the
 * order, emit and name state carries over from one root type to the next.
 */
class CEmitter {
  readonly w: Uint32Array;
  readonly off: Uint32Array;
  readonly count: number;
  readonly str: (off: number) => string;
  readonly ptrSz: number;
  /** Output gathered since the caller last took it. */
  o = '';

  private readonly orderState: Uint8Array;
  private readonly emitState: Uint8Array;
  private readonly flags: Uint8Array;
  /** Unique names assigned to types whose name clashed (libbpf's `cached_names`). */
  private readonly cachedNames: (string | undefined)[] = [];
  /** Occurrences of struct/union/enum names (and INT names, as libbpf counts them). */
  private readonly typeNames = new Map<string, number>();
  /** Occurrences of typedef names and enumerators. */
  private readonly identNames = new Map<string, number>();
  /** Alignment + 1 per type, 0 until computed. */
  private readonly alignCache: Int32Array;
  private readonly queue: number[] = [];
  private stack = new Uint32Array(64);
  private top = 0;
  private loopId = 0;

  constructor(btf: Btf) {
    const { w, off } = flatten(btf);
    this.w = w;
    this.off = off;
    this.count = btf.typeCount;
    this.str = btf.nameReader();
    this.orderState = new Uint8Array(this.count);
    this.emitState = new Uint8Array(this.count);
    this.flags = new Uint8Array(this.count);
    this.alignCache = new Int32Array(this.count);
    this.ptrSz = this.determinePtrSize();
    // VOID is special (btf_dump_resize).
    this.orderState[0] = ORDERED;
    this.emitState[0] = EMITTED;
    this.markReferenced();
  }

  // ------------------------------------------------------------ type words

  private kind(id: number): number {
    return (this.w[this.off[id]! + 1]! >>> 24) & 0x1f;
  }

  private name(id: number): string {
    const n = this.w[this.off[id]!]!;
    return n ? this.str(n) : '';
  }

  /** libbpf's `determine_ptr_size`: the size of the first INT named like `long`, else 8 (`sizeof(void *)`). */
  private determinePtrSize(): number {
    const { w, off } = this;
    for (let id = 1; id < this.count; id++) {
      const o = off[id]!;
      if (((w[o + 1]! >>> 24) & 0x1f) !== BTF_KIND_INT) continue;
      const size = w[o + 2]!;
      if (size !== 4 && size !== 8) continue;
      if (LONG_ALIASES.has(this.str(w[o]!))) return size;
    }
    return 8;
  }

  /** libbpf's `btf__align_of`, memoised; 0 for kinds without alignment. */
  private alignOf(id: number): number {
    const c = this.alignCache[id]!;
    if (c) return c - 1;
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    let a = 0;
    switch ((info >>> 24) & 0x1f) {
      case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
        a = Math.min(this.ptrSz, w[o + 2]!);
        break;
      case BTF_KIND_PTR:
        a = this.ptrSz;
        break;
      case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
        a = this.alignOf(w[o + 2]!);
        break;
      case BTF_KIND_ARRAY:
        a = this.alignOf(w[o + 3]!);
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        const vlen = info & 0xffff;
        const kflag = info >>> 31;
        let max = 1;
        a = -1;
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          const ma = this.alignOf(w[m + 1]!);
          if (ma <= 0) { a = 0; break; }
          if (ma > max) max = ma;
          const moff = w[m + 2]!;
          // A field off its natural alignment: the struct must be packed.
          if ((kflag ? moff >>> 24 : 0) === 0 && moff % (8 * ma) !== 0) { a = 1; break; }
        }
        if (a < 0) a = w[o + 2]! % max !== 0 ? 1 : max;
        break;
      }
      default:
        a = 0;
    }
    this.alignCache[id] = a + 1;
    return a;
  }

  /** libbpf's `btf__resolve_size`, or -1 where it fails. */
  private resolveSize(typeId: number): number {
    const { w } = this;
    let nelems = 1;
    let id = typeId;
    for (let depth = 0; depth < 32 && id !== 0; depth++) {
      const o = this.off[id]!;
      switch ((w[o + 1]! >>> 24) & 0x1f) {
        case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64: case BTF_KIND_DATASEC: case BTF_KIND_FLOAT: {
          const size = w[o + 2]!;
          if (nelems && size > Math.floor(0xffffffff / nelems)) return -1;
          return nelems * size;
        }
        case BTF_KIND_PTR:
          return nelems * this.ptrSz;
        case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
        case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
          id = w[o + 2]!;
          break;
        case BTF_KIND_ARRAY: {
          const n = w[o + 5]!;
          if (nelems && n > Math.floor(0xffffffff / nelems)) return -1;
          nelems *= n;
          id = w[o + 3]!;
          break;
        }
        default:
          return -1;
      }
    }
    return -1;
  }

  /**
   * Marks every type another type refers to (`btf_dump_mark_referenced`): an
   * anonymous enum nobody refers to is a top-level block of constants.
   */
  private markReferenced(): void {
    const { w, off, flags } = this;
    for (let id = 1; id < this.count; id++) {
      const o = off[id]!;
      const info = w[o + 1]!;
      const vlen = info & 0xffff;
      switch ((info >>> 24) & 0x1f) {
        case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_PTR:
        case BTF_KIND_TYPEDEF: case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
        case BTF_KIND_TYPE_TAG:
          flags[w[o + 2]!]! |= REFERENCED;
          break;
        case BTF_KIND_ARRAY:
          flags[w[o + 4]!]! |= REFERENCED;
          flags[w[o + 3]!]! |= REFERENCED;
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION:
          for (let i = 0, m = o + 4; i < vlen; i++, m += 3) flags[w[m]!]! |= REFERENCED;
          break;
        case BTF_KIND_FUNC_PROTO:
          for (let i = 0, p = o + 4; i < vlen; i++, p += 2) flags[w[p]!]! |= REFERENCED;
          break;
        case BTF_KIND_DATASEC:
          for (let i = 0, v = o + 3; i < vlen; i++, v += 3) flags[w[v]!]! |= REFERENCED;
          break;
        default:
          break;
      }
    }
  }

  // ---------------------------------------------------------------- order

  /** `btf_dump__dump_type`: orders `id` and what it needs, then emits the queue. */
  dumpType(id: number): void {
    this.queue.length = 0;
    if (this.orderType(id, false) < 0) {
      const loop = this.loopId;
      throw new BtfError(BtfErrorCode.Loop, `type [${loop}]: unsatisfiable type cycle, C cannot declare it`, { typeId: loop });
    }
    const q = this.queue;
    for (let i = 0; i < q.length; i++) this.emitType(q[i]!, 0);
  }

  /**
   * `btf_dump_order_type`: queues the definitions `id` needs; returns 1 when
   * `id` is a strong link (its definition must come first), 0 when a forward
   * declaration will do, -1 on a loop C cannot express.
   */
  private orderType(id: number, throughPtr: boolean): number {
    const st = this.orderState[id]!;
    if (st === ORDERED) return 1;
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const kind = (info >>> 24) & 0x1f;
    if (st === ORDERING) {
      // A loop, resolvable through a forward declaration.
      if ((kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) && throughPtr && w[o] !== 0) return 0;
      this.loopId = id;
      return -1;
    }
    switch (kind) {
      case BTF_KIND_INT: case BTF_KIND_FLOAT:
        this.orderState[id] = ORDERED;
        return 0;
      case BTF_KIND_PTR: {
        const err = this.orderType(w[o + 2]!, true);
        this.orderState[id] = ORDERED;
        return err;
      }
      case BTF_KIND_ARRAY:
        return this.orderType(w[o + 3]!, false);
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        // Part of a strong link only when embedded (no pointer on the way)
        // or anonymous (defined inline even behind a pointer).
        if (throughPtr && w[o] !== 0) return 0;
        this.orderState[id] = ORDERING;
        const vlen = info & 0xffff;
        for (let i = 0, m = o + 4; i < vlen; i++, m += 3) {
          if (this.orderType(w[m]!, false) < 0) return -1;
        }
        if (w[o] !== 0) this.queue.push(id);
        this.orderState[id] = ORDERED;
        return 1;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FWD:
        // Named or unreferenced enums are top-level declarations; FWDs too.
        if (w[o] !== 0 || !(this.flags[id]! & REFERENCED)) this.queue.push(id);
        this.orderState[id] = ORDERED;
        return 1;
      case BTF_KIND_TYPEDEF: {
        const strong = this.orderType(w[o + 2]!, throughPtr);
        if (strong < 0) return strong;
        // Like a struct with respect to forward declarations.
        if (throughPtr && !strong) return 0;
        this.queue.push(id);
        this.orderState[id] = ORDERED;
        return 1;
      }
      case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
        return this.orderType(w[o + 2]!, throughPtr);
      case BTF_KIND_FUNC_PROTO: {
        let r = this.orderType(w[o + 2]!, throughPtr);
        if (r < 0) return r;
        let strong = r > 0;
        const vlen = info & 0xffff;
        for (let i = 0, p = o + 4; i < vlen; i++, p += 2) {
          r = this.orderType(w[p]!, throughPtr);
          if (r < 0) return r;
          if (r > 0) strong = true;
        }
        return strong ? 1 : 0;
      }
      case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DATASEC: case BTF_KIND_DECL_TAG:
        this.orderState[id] = ORDERED;
        return 0;
      default:
        this.loopId = id;
        return -1;
    }
  }

  // ----------------------------------------------------------------- emit

  private isBlacklisted(id: number): boolean {
    // __builtin_va_list is the compiler's own; redefining it breaks builds.
    const n = this.w[this.off[id]!]!;
    return n !== 0 && this.str(n) === '__builtin_va_list';
  }

  /**
   * `btf_dump_emit_type`: prints `id` if it is a top-level definition, after
   * the forward declarations its members need. `contId` is the struct being
   * defined (0 at top level), which needs no forward declaration of itself.
   */
  private emitType(id: number, contId: number): void {
    const es = this.emitState[id]!;
    if (es === EMITTED) return;
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const kind = (info >>> 24) & 0x1f;

    if (es === EMITTING) {
      if (this.flags[id]! & FWD_EMITTED) return;
      if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
        // A struct referring to itself needs no forward declaration.
        if (id === contId) return;
        if (w[o] === 0) return; // an anonymous struct/union loop; libbpf warns and goes on
        this.o += this.structFwd(id, info) + ';\n\n';
        this.flags[id]! |= FWD_EMITTED;
      } else if (kind === BTF_KIND_TYPEDEF) {
        // The typedef is printed now, for use through pointers only.
        if (!this.isBlacklisted(id)) {
          this.emitTypedefDef(id, 0);
          this.o += ';\n\n';
        }
        this.flags[id]! |= FWD_EMITTED;
      }
      return;
    }

    switch (kind) {
      case BTF_KIND_INT: {
        // libbpf resolves (and so counts) every INT name here.
        const name = this.typeName(id);
        const alias = MISSING_BASE_TYPES.get(name);
        if (alias) this.o += `typedef ${alias} ${name};\n\n`;
        this.emitState[id] = EMITTED;
        break;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
        if (contId === 0) {
          this.emitEnumDef(id, 0);
          this.o += ';\n\n';
        }
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_PTR: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
        this.emitType(w[o + 2]!, contId);
        break;
      case BTF_KIND_ARRAY:
        this.emitType(w[o + 3]!, contId);
        break;
      case BTF_KIND_FWD:
        this.o += this.fwdDef(id, info) + ';\n\n';
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_TYPEDEF:
        this.emitState[id] = EMITTING;
        this.emitType(w[o + 2]!, id);
        if (!(this.flags[id]! & FWD_EMITTED) && !this.isBlacklisted(id)) {
          this.emitTypedefDef(id, 0);
          this.o += ';\n\n';
        }
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        this.emitState[id] = EMITTING;
        const named = w[o] !== 0;
        // Top-level or anonymous: the members are printed in full, so the
        // types they mention need their forward declarations first.
        if (contId === 0 || !named) {
          const vlen = info & 0xffff;
          const cont = named ? id : contId;
          for (let i = 0, m = o + 4; i < vlen; i++, m += 3) this.emitType(w[m]!, cont);
        } else if (!(this.flags[id]! & FWD_EMITTED) && id !== contId) {
          this.o += this.structFwd(id, info) + ';\n\n';
          this.flags[id]! |= FWD_EMITTED;
        }
        if (contId === 0) {
          this.emitStructDef(id, 0);
          this.o += ';\n\n';
          this.emitState[id] = EMITTED;
        } else {
          this.emitState[id] = NOT_EMITTED;
        }
        break;
      }
      case BTF_KIND_FUNC_PROTO: {
        this.emitType(w[o + 2]!, contId);
        const vlen = info & 0xffff;
        for (let i = 0, p = o + 4; i < vlen; i++, p += 2) this.emitType(w[p]!, contId);
        break;
      }
      default:
        break;
    }
  }

  /** libbpf's `btf_is_struct_packed`. */
  private isStructPacked(o: number): boolean {
    const { w } = this;
    const info = w[o + 1]!;
    const vlen = info & 0xffff;
    const kflag = info >>> 31;
    let max = 1;
    for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
      const align = this.alignOf(w[m + 1]!);
      const moff = w[m + 2]!;
      if (align && (kflag ? moff >>> 24 : 0) === 0 && moff % (8 * align) !== 0) return true;
      if (align > max) max = align;
    }
    return w[o + 2]! % max !== 0;
  }

  /**
   * `btf_dump_emit_bit_padding`: fills the gap from bit `cur` to bit `next`
   * with anonymous bitfields, relying on natural alignment where it gives the
   * right offset.
   */
  private emitBitPadding(cur: number, next: number, nextAlign: number, inBitfield: boolean, lvl: number): void {
    if (cur >= next) return;
    const p = pfx(lvl);
    const longBits = this.ptrSz * 8;
    let padBits = longBits;
    let padType = 'long';
    let newOff = roundup(cur, padBits);
    if (newOff > next) {
      padBits = 32; padType = 'int'; newOff = roundup(cur, 32);
      if (newOff > next) {
        padBits = 16; padType = 'short'; newOff = roundup(cur, 16);
        if (newOff > next) { padBits = 8; padType = 'char'; newOff = roundup(cur, 8); }
      }
    }
    if (newOff > cur && newOff <= next) {
      // An explicit `type: 0` when the next field sits right on the boundary
      // but its own alignment would not take it there, or when `type: X`
      // would fit in the hole and be ignored; bitfields take an explicit
      // bit count.
      if (inBitfield ||
        (newOff === next && roundup(cur, nextAlign * 8) !== newOff) ||
        (newOff !== next && next - newOff <= newOff - cur)) {
        this.o += `\n${p}${padType}: ${inBitfield ? newOff - cur : 0};`;
      }
      cur = newOff;
    }
    // Whole `type: bits` markers, then the smallest type for the rest.
    while (cur !== next) {
      const bits = Math.min(next - cur, padBits);
      if (bits === padBits) {
        this.o += `\n${p}${padType}: ${padBits};`;
        cur += bits;
        continue;
      }
      const t = bits <= 8 ? 'char' : bits <= 16 ? 'short' : bits <= 32 ? 'int' : 'long';
      padType = t;
      padBits = t === 'char' ? 8 : t === 'short' ? 16 : t === 'int' ? 32 : longBits;
      this.o += `\n${p}${t}: ${bits};`;
      cur += bits;
    }
  }

  private structFwd(id: number, info: number): string {
    const kw = ((info >>> 24) & 0x1f) === BTF_KIND_STRUCT ? 'struct' : 'union';
    return this.w[this.off[id]!] ? kw + ' ' + this.typeName(id) : kw;
  }

  /** `btf_dump_emit_struct_def`. */
  private emitStructDef(id: number, lvl: number): void {
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const isStruct = ((info >>> 24) & 0x1f) === BTF_KIND_STRUCT;
    const vlen = info & 0xffff;
    const kflag = info >>> 31;
    const size = w[o + 2]!;
    const align = this.alignOf(id);
    const packed = isStruct && this.isStructPacked(o);
    this.o += this.structFwd(id, info) + ' {';
    const mp = pfx(lvl + 1);
    let off = 0;
    let prevBitfield = false;
    for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
      const mtype = w[m + 1]!;
      const raw = w[m + 2]!;
      let msz = kflag ? raw >>> 24 : 0;
      const moff = kflag ? raw & 0xffffff : raw;
      const malign = packed ? 1 : this.alignOf(mtype);
      this.emitBitPadding(off, moff, malign, prevBitfield && msz !== 0, lvl + 1);
      this.o += '\n' + mp;
      const n = w[m]!;
      this.emitTypeDecl(mtype, n ? this.str(n) : '', lvl + 1);
      if (msz) {
        this.o += `: ${msz};`;
        off = moff + msz;
        prevBitfield = true;
      } else {
        msz = Math.max(0, this.resolveSize(mtype));
        off = moff + msz * 8;
        prevBitfield = false;
        this.o += ';';
      }
    }
    if (isStruct) this.emitBitPadding(off, size * 8, align, false, lvl + 1);
    // `struct empty {}` stays on one line.
    this.o += vlen || size ? '\n' + pfx(lvl) + '}' : '}';
    if (packed) this.o += ' __attribute__((packed))';
  }

  /** `btf_dump_emit_enum_def`. */
  private emitEnumDef(id: number, lvl: number): void {
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const vlen = info & 0xffff;
    this.o += w[o] ? 'enum ' + this.typeName(id) : 'enum';
    if (!vlen) return;
    this.o += ' {';
    const signed = info >>> 31 === 1;
    const is64 = ((info >>> 24) & 0x1f) === BTF_KIND_ENUM64;
    const vp = pfx(lvl + 1);
    let s = '';
    let anyHi = false;
    if (!is64) {
      for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
        const vname = this.str(w[e]!);
        // Enumerators share the namespace of typedef names.
        const dups = this.nameDups(this.identNames, vname);
        const v = signed ? w[e + 1]! | 0 : w[e + 1]!;
        s += dups > 1 ? `\n${vp}${vname}___${dups} = ${v},` : `\n${vp}${vname} = ${v},`;
      }
    } else {
      for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
        const vname = this.str(w[e]!);
        const dups = this.nameDups(this.identNames, vname);
        const lo = w[e + 1]!;
        const hi = w[e + 2]!;
        if (hi) anyHi = true;
        let v: string;
        if (signed) v = (hi === 0 && lo < 0x80000000 ? String(lo) : String(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)))) + 'LL';
        else v = (hi === 0 ? String(lo) : String((BigInt(hi) << 32n) | BigInt(lo))) + 'ULL';
        s += dups > 1 ? `\n${vp}${vname}___${dups} = ${v},` : `\n${vp}${vname} = ${v},`;
      }
    }
    this.o += s + '\n' + pfx(lvl) + '}';
    const size = w[o + 2]!;
    if (size === 1) {
      this.o += ' __attribute__((mode(byte)))';
    } else if (size === 8 && this.ptrSz === 8) {
      // An enum whose values all fit in 32 bits needs mode(word) to be 8 bytes.
      if (!is64 || !anyHi) this.o += ' __attribute__((mode(word)))';
    }
  }

  private fwdDef(id: number, info: number): string {
    return (info >>> 31 ? 'union ' : 'struct ') + this.typeName(id);
  }

  /** `btf_dump_emit_typedef_def`. */
  private emitTypedefDef(id: number, lvl: number): void {
    const name = this.identName(id);
    const target = this.w[this.off[id]! + 2]!;
    // Old GCC emits __gnuc_va_list as a typedef of void.
    if (target === 0 && name === '__gnuc_va_list') {
      this.o += 'typedef __builtin_va_list __gnuc_va_list';
      return;
    }
    this.o += 'typedef ';
    this.emitTypeDecl(target, name, lvl);
  }

  // ---------------------------------------------------------- declarations

  private push(id: number): void {
    if (this.top === this.stack.length) {
      const s = new Uint32Array(this.stack.length * 2);
      s.set(this.stack);
      this.stack = s;
    }
    this.stack[this.top++] = id;
  }

  /**
   * `btf_dump_emit_type_decl`: prints the declaration of `fname` as type
   * `id`. The chain down to the terminal type goes on the shared stack as
   * this call's own frame, and is printed back from the terminal type.
   */
  private emitTypeDecl(id: number, fname: string, lvl: number): void {
    const start = this.top;
    const { w } = this;
    for (;;) {
      this.push(id);
      if (id === 0) break;
      const o = this.off[id]!;
      const kind = (w[o + 1]! >>> 24) & 0x1f;
      if (kind === BTF_KIND_PTR || kind === BTF_KIND_VOLATILE || kind === BTF_KIND_CONST ||
        kind === BTF_KIND_RESTRICT || kind === BTF_KIND_FUNC_PROTO || kind === BTF_KIND_TYPE_TAG) {
        id = w[o + 2]!;
      } else if (kind === BTF_KIND_ARRAY) {
        id = w[o + 3]!;
      } else {
        // A terminal type, or one libbpf does not expect in a chain.
        break;
      }
    }
    this.emitTypeChain(start, fname, lvl);
    this.top = start;
  }

  /** `btf_dump_emit_mods`: prints the cv-qualifiers on top of the frame, left of the type. */
  private emitMods(start: number): void {
    while (this.top > start) {
      const k = this.kind(this.stack[this.top - 1]!);
      if (k === BTF_KIND_VOLATILE) this.o += 'volatile ';
      else if (k === BTF_KIND_CONST) this.o += 'const ';
      else if (k === BTF_KIND_RESTRICT) this.o += 'restrict ';
      else return;
      this.top--;
    }
  }

  /** `btf_dump_drop_mods`: drops the modifiers (type tags included) on top of the frame. */
  private dropMods(start: number): void {
    while (this.top > start) {
      const k = this.kind(this.stack[this.top - 1]!);
      if (k !== BTF_KIND_VOLATILE && k !== BTF_KIND_CONST && k !== BTF_KIND_RESTRICT && k !== BTF_KIND_TYPE_TAG) return;
      this.top--;
    }
  }

  /** `btf_dump_emit_type_chain`: pops the frame above `start` and prints it. */
  private emitTypeChain(start: number, fname: string, lvl: number): void {
    const { w } = this;
    // Whether the last thing printed was `*`: then no space before a name
    // or another `*` (`int ***p`), which is also right for the lone pointer
    // of `(*f)` in a function pointer.
    let lastWasPtr = true;
    while (this.top > start) {
      const id = this.stack[--this.top]!;
      if (id === 0) {
        this.emitMods(start);
        this.o += 'void';
        lastWasPtr = false;
        continue;
      }
      const o = this.off[id]!;
      const info = w[o + 1]!;
      const kind = (info >>> 24) & 0x1f;
      switch (kind) {
        case BTF_KIND_INT: case BTF_KIND_FLOAT:
          this.emitMods(start);
          this.o += this.str(w[o]!);
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION:
          this.emitMods(start);
          // Anonymous structs and unions are defined inline.
          if (w[o] === 0) this.emitStructDef(id, lvl);
          else this.o += this.structFwd(id, info);
          break;
        case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
          this.emitMods(start);
          if (w[o] === 0) this.emitEnumDef(id, lvl);
          else this.o += 'enum ' + this.typeName(id);
          break;
        case BTF_KIND_FWD:
          this.emitMods(start);
          this.o += this.fwdDef(id, info);
          break;
        case BTF_KIND_TYPEDEF:
          this.emitMods(start);
          this.o += this.identName(id);
          break;
        case BTF_KIND_PTR:
          this.o += lastWasPtr ? '*' : ' *';
          break;
        case BTF_KIND_VOLATILE:
          this.o += ' volatile';
          break;
        case BTF_KIND_CONST:
          this.o += ' const';
          break;
        case BTF_KIND_RESTRICT:
          this.o += ' restrict';
          break;
        case BTF_KIND_TYPE_TAG:
          this.emitMods(start);
          this.o += ` __attribute__((btf_type_tag("${this.str(w[o]!)}")))`;
          break;
        case BTF_KIND_ARRAY: {
          // GCC puts the element's cv-qualifiers on the array too; drop them.
          this.dropMods(start);
          const nelems = w[o + 5]!;
          if (this.top === start) {
            this.emitName(fname, lastWasPtr);
            this.o += `[${nelems}]`;
            return;
          }
          const multidim = this.kind(this.stack[this.top - 1]!) === BTF_KIND_ARRAY;
          if (fname && !lastWasPtr) this.o += ' ';
          // No parentheses for a multi-dimensional array.
          if (!multidim) this.o += '(';
          this.emitTypeChain(start, fname, lvl);
          if (!multidim) this.o += ')';
          this.o += `[${nelems}]`;
          return;
        }
        case BTF_KIND_FUNC_PROTO: {
          // GCC marks noreturn function pointers volatile; drop that too.
          this.dropMods(start);
          if (this.top > start) {
            this.o += ' (';
            this.emitTypeChain(start, fname, lvl);
            this.o += ')';
          } else {
            this.emitName(fname, lastWasPtr);
          }
          this.o += '(';
          const vlen = info & 0xffff;
          // Clang gives a prototype without arguments one void argument.
          if (vlen === 1 && w[o + 4] === 0) {
            this.o += ')';
            return;
          }
          for (let i = 0, p = o + 3; i < vlen; i++, p += 2) {
            if (i > 0) this.o += ', ';
            // A last argument of type void is the ellipsis.
            if (i === vlen - 1 && w[p + 1] === 0) {
              this.o += '...';
              break;
            }
            const n = w[p]!;
            this.emitTypeDecl(w[p + 1]!, n ? this.str(n) : '', lvl);
          }
          this.o += ')';
          return;
        }
        default:
          // libbpf warns about an unexpected kind and prints nothing more.
          return;
      }
      lastWasPtr = kind === BTF_KIND_PTR;
    }
    this.emitName(fname, lastWasPtr);
  }

  private emitName(name: string, lastWasPtr: boolean): void {
    if (name) this.o += lastWasPtr ? name : ' ' + name;
  }

  // ---------------------------------------------------------------- names

  /** `btf_dump_name_dups`: counts one more use of `name`; returns the count. */
  private nameDups(map: Map<string, number>, name: string): number {
    const n = (map.get(name) ?? 0) + 1;
    map.set(name, n);
    return n;
  }

  /** `btf_dump_resolve_name`: the unique name of `id`, `NAME___N` from its N-th distinct use on. */
  private resolveName(id: number, map: Map<string, number>): string {
    const { w } = this;
    const o = this.off[id]!;
    const n = w[o]!;
    if (n === 0) return '';
    const orig = this.str(n);
    if (this.flags[id]! & NAME_RESOLVED) return this.cachedNames[id] ?? orig;
    this.flags[id]! |= NAME_RESOLVED;
    const info = w[o + 1]!;
    const kind = (info >>> 24) & 0x1f;
    // FWDs and enum forward declarations never clash with their definitions.
    if (kind === BTF_KIND_FWD || (kind === BTF_KIND_ENUM && (info & 0xffff) === 0)) return orig;
    const dups = this.nameDups(map, orig);
    if (dups > 1) {
      // libbpf formats into a 256-byte buffer.
      let unique = `${orig}___${dups}`;
      if (unique.length > 255) unique = unique.slice(0, 255);
      this.cachedNames[id] = unique;
      return unique;
    }
    return orig;
  }

  /** Struct, union and enum names (the tag namespace). */
  private typeName(id: number): string {
    return this.resolveName(id, this.typeNames);
  }

  /** Typedef names (the identifier namespace, shared with enumerators). */
  private identName(id: number): string {
    return this.resolveName(id, this.identNames);
  }
}
