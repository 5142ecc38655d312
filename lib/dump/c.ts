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
 * Data: the emitter reads the type words in place through the flat query
 * layer (lib/query.ts: one word array and one offset table `off[typeId]`,
 * one string offset space, split BTF included, with its cached sizes and
 * alignments). Per-type state lives in byte arrays; a name that clashed is
 * remembered as its occurrence count, not as a string. Declarations, names
 * and definitions are written by the declaration renderer (c-decl.ts), which
 * typed data shares; output is bytes (bytes.ts): names copied straight from
 * the string section, numbers written as digits, into 64 KiB chunks for the
 * sink.
 *
 *   w:    [... | name info size | m m m | m m m | name info type | ...]
 *   off:  [-, o1, o2, ...]   ^o1 (id 1, a struct with 2 members)  ^o2 (id 2)
 *   strs: \0 i n t \0 t a s k _ s t r u c t \0 ...
 *
 * The reference is what Debian's bpftool 7.1.0 prints. It is built from the
 * 6.1.192 kernel tree, whose `tools/lib/bpf/btf_dump.c` is libbpf 1.1.2's
 * with two differences that show in the output: enums of unusual size get no
 * `__attribute__((mode(byte|word)))`, and prototypes without arguments print
 * as `(void)` (a stable backport). Like every libbpf, it never prints
 * `aligned(N)` (explicit padding reproduces the layout instead), prints type
 * tags as `btf_type_tag` whatever their kflag, and prints no decl tags.
 */
import type { Btf } from '../btf.js';
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
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
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  infoKind,
  infoVlen,
  infoVlen16,
  NR_BTF_KINDS,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';
import { bytesToText, collectBytes, type ByteSink } from './bytes.js';
import { CDeclWriter, type DeclState } from './c-decl.js';
import { type LazyRoots, sortedDumpRootsOf } from './c-sort.js';
import { resolveTypeNames } from './select.js';
import type { BpftoolVersion } from './raw.js';
import { collectKfuncs, KFUNC_BLOCK_END, KFUNC_BLOCK_START, KFUNC_MACROS, type Kfuncs } from './kfuncs.js';

/** Options for {@link writeCDump} and {@link cDump}. */
export interface CDumpOptions {
  /**
   * Dump only these types and what they need, in this order (bpftool's root
   * types). A name is `struct NAME`, `union NAME`, `enum NAME`, a plain name
   * (every struct, union, enum, typedef, FWD, INT or FLOAT so named), or a
   * decimal type id. Defaults to every type.
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
  /**
   * Whose output to match: `'7.1'` (Debian 12's bpftool 7.1.0, the default)
   * or `'7.8'` (bpftool 7.8.0 with libbpf 1.8: the `__ksym`, `__weak` and
   * `__bpf_fastcall` macros after the pragma, the kfunc prototypes after the
   * types when every type is dumped (lib/dump/kfuncs.ts),
   * `__attribute__((mode(...)))` on enums of unusual size, and type tags
   * with kflag as plain attributes). The order is still chosen by `sort`.
   */
  bpftool?: BpftoolVersion;
}

const PREAMBLE_GUARD = '#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n';
const PREAMBLE_PRAGMA =
  '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n' +
  '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n' +
  '#endif\n\n';
const EPILOGUE_PRAGMA = '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n';
const EPILOGUE_GUARD = '#endif /* __VMLINUX_H__ */\n';

/**
 * Writes the C header bpftool prints for `btf` (`bpftool btf dump file FILE
 * format c`) to `sink`, as bytes in chunks of about 64 KiB. For split BTF the
 * base types are dumped too, as bpftool does. Throws BtfError ENOENT for a
 * name in `typeNames` that no type has, and ELOOP for a type cycle C cannot
 * express (after handing the sink what came before, without the epilogue:
 * bpftool stops there too).
 */
export function writeCDump(btf: Btf, sink: ByteSink, opts: CDumpOptions = {}): void {
  const pragma = opts.pragma ?? true;
  const v78 = opts.bpftool === '7.8';
  const sorted = !opts.typeNames && opts.sort === true;
  const d = new CEmitter(btf, sink, v78, sorted);
  const q = typeQuery(btf);
  let roots: ArrayLike<number> | null = null;
  let sortedRoots: LazyRoots | null = null;
  // The DECL_TAGs, when the sort found them (the kfunc block reads them).
  let tags: Uint32Array | undefined;
  let first = 1;
  if (opts.typeNames) {
    roots = resolveTypeNames(q, opts.typeNames);
    first = 0;
  } else if (sorted) {
    // bpftool sorts ids 0 .. n-1, void included, and then dumps entries 1 ..
    // n-1 of the sorted array: whatever sorts first is only printed when
    // another type needs it. We keep that, to stay identical (the roots
    // come without that entry, and without the types a root visit leaves
    // as they are: lib/dump/c-sort.ts).
    sortedRoots = d.sortedRoots(q);
    ({ roots, tags } = sortedRoots);
    first = 0;
  }
  d.ascii(pragma ? PREAMBLE_GUARD + PREAMBLE_PRAGMA : PREAMBLE_GUARD);
  if (v78) d.ascii(KFUNC_MACROS);
  // Split BTF in id order: the base's part of the header is the base's own
  // dump, made once per base and reused (see {@link BaseDump}).
  let from = 1;
  if (!roots && btf.base) {
    const shared = baseDump(btf.base, v78);
    if (shared && d.continueFrom(shared)) from = shared.count;
  }
  try {
    if (sortedRoots) d.dumpSorted(sortedRoots, first);
    else if (roots) for (let i = first; i < roots.length; i++) d.dumpType(roots[i]!);
    else d.dumpRange(from);
    // bpftool 7.8 lists kfuncs only in a dump of every type.
    if (v78 && !opts.typeNames) d.dumpKfuncs(collectKfuncs(q, tags));
  } catch (e) {
    d.flush();
    throw e;
  }
  d.ascii(pragma ? EPILOGUE_PRAGMA + EPILOGUE_GUARD : EPILOGUE_GUARD);
  d.flush();
}

/**
 * The C dump of a base BTF's types, kept for the split BTFs over it. In id
 * order, a split BTF's header starts with the base's types, printed exactly
 * as the base alone prints them: base types refer to base types only, and no
 * split type's name is counted before them. Only one thing a split type
 * does reaches back: a reference to one of the base's anonymous enums makes
 * it no longer a top-level block of constants, which {@link
 * CEmitter.continueFrom} checks. So the bytes after the preamble and the
 * emitter's state after the last base type (orders, emits, flags, name
 * counts, cached declarations) are made once per base and version, and
 * every split BTF over that base starts from them: a directory of a
 * kernel's modules prints vmlinux's part once per thread instead of once
 * per module.
 */
interface BaseDump {
  /** The base's type count: the first id the split dump prints. */
  count: number;
  bytes: Uint8Array;
  orderState: Uint8Array;
  emitState: Uint8Array;
  decl: DeclState;
  /** The pointer size the base alone has (libbpf's `determine_ptr_size`: a split BTF may tell another). */
  ptrSz: number;
}

/** Base dumps by the base's query layer (replaced when the base changes) and version; null where the base alone fails. */
const baseDumps = new WeakMap<TypeQuery, Map<boolean, BaseDump | null>>();

/** Returns the {@link BaseDump} of `base` (made on first use), or null when dumping it alone fails. */
function baseDump(base: BtfContainer, v78: boolean): BaseDump | null {
  const q = typeQuery(base);
  let byVersion = baseDumps.get(q);
  if (!byVersion) {
    byVersion = new Map();
    baseDumps.set(q, byVersion);
  }
  let b = byVersion.get(v78);
  if (b === undefined) {
    try {
      let e!: CEmitter;
      const bytes = collectBytes((sink) => {
        e = new CEmitter(base, sink, v78, false);
        e.dumpRange(1);
        e.flush();
      });
      b = { count: e.count, bytes, ...e.saveState() };
    } catch {
      // The split dump meets the same error where the base alone does (a
      // base dump past collectBytes' 512 MiB is not kept: the split dump
      // then prints the base's types itself).
      b = null;
    }
    byVersion.set(v78, b);
  }
  return b;
}

/** Returns the C header bpftool prints for `btf` as one string (see {@link writeCDump}). */
export function cDump(btf: Btf, opts: CDumpOptions = {}): string {
  return bytesToText(collectBytes((sink) => writeCDump(btf, sink, opts)));
}

// Order and emit states (libbpf's btf_dump_type_order_state / emit_state);
// NOT_ORDERED is 0, the initial value.
const ORDERING = 1;
const ORDERED = 2;
const NOT_EMITTED = 0;
const EMITTING = 1;
const EMITTED = 2;
/** How deep the fast paths recurse before the explicit stacks take over. */
const REC_DEPTH = 200;
/** A prototype frame's step bit: a strong link among what was ordered so far. */
const STRONG = 0x40000000;
// Per-type flags of the header dump, above the declaration writer's own.
const FWD_EMITTED = 4;
const REFERENCED = 8;
/** An ordering edge of another type leads here (the sorted dump's candidates). */
const ORDER_TARGET = 16;
/** The marks of a reference kind's target in {@link CEmitter.markForSort}, per kind: FUNC, VAR and DECL_TAG's are no ordering edges. */
const REF_MARKS = new Uint8Array(32);
for (const k of [
  BTF_KIND_VOLATILE,
  BTF_KIND_CONST,
  BTF_KIND_RESTRICT,
  BTF_KIND_PTR,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
])
  REF_MARKS[k] = REFERENCED | ORDER_TARGET;
for (const k of [BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_DECL_TAG]) REF_MARKS[k] = REFERENCED;

/** The aliases libbpf emits for GCC's ARM SIMD base types (`missing_base_types`). */
const MISSING_BASE_TYPES = new Map<string, string>([
  ['__Poly8_t', 'unsigned char'],
  ['__Poly16_t', 'unsigned short'],
  ['__Poly64_t', 'unsigned long long'],
  ['__Poly128_t', 'unsigned __int128'],
]);

/**
 * libbpf's `struct btf_dump` with its C emitter: the declaration writer
 * (c-decl.ts) plus the order and emit passes. One instance per dump: the
 * order, emit and name state carries over from one root type to the next.
 */
class CEmitter extends CDeclWriter {
  private readonly orderState: Uint8Array;
  private readonly emitState: Uint8Array;
  /**
   * The types the order walk queued for the current root: the first `qlen`
   * (libbpf's `emit_queue`). Reused from root to root, never shortened
   * (setting an array's length is a call into the runtime, and a shorter
   * array grows again).
   */
  private readonly queue: number[] = [];
  private qlen = 0;
  private loopId = 0;
  // The stack of the order and emit walks: type, argument, step per frame.
  private fid: Int32Array = new Int32Array(256);
  private farg: Int32Array = new Int32Array(256);
  private fstep: Int32Array = new Int32Array(256);
  private ftop = 0;
  /** Every kind known, every reference in range ({@link markForSort}; the sorted dump only). */
  private wellFormed = false;

  constructor(btf: BtfContainer, sink: ByteSink, libbpf18: boolean, sorted: boolean) {
    // The first chunk is small, so that the path that hands a full chunk
    // over runs before V8 optimises the writers (it would otherwise
    // deoptimise them).
    super(btf, sink, { firstChunk: 1024, libbpf18 });
    this.orderState = new Uint8Array(this.count);
    this.emitState = new Uint8Array(this.count);
    // VOID is special (btf_dump_resize).
    this.orderState[0] = ORDERED;
    this.emitState[0] = EMITTED;
    if (sorted) this.markForSort();
    else this.markReferenced();
  }

  /** Returns the order and emit states and the declaration writer's state, for a {@link BaseDump}. */
  saveState(): Pick<BaseDump, 'orderState' | 'emitState' | 'decl' | 'ptrSz'> {
    return {
      orderState: this.orderState.slice(),
      emitState: this.emitState.slice(),
      decl: this.saveDeclState(),
      ptrSz: this.ptrSz,
    };
  }

  /**
   * Takes the state of `b`, the dump of this BTF's base, and writes its
   * bytes, unless a type of this BTF refers to an anonymous enum of the base
   * that nothing in the base refers to (the base alone prints it as a
   * top-level block, this dump inside the type that uses it) or the two
   * pointer sizes differ (padding is written in longs); returns whether it
   * did.
   */
  continueFrom(b: BaseDump): boolean {
    const { w, off, flags } = this;
    if (b.ptrSz !== this.ptrSz) return false;
    const was = b.decl.flags;
    for (let id = 1; id < b.count; id++) {
      if (!(flags[id]! & REFERENCED) || was[id]! & REFERENCED) continue;
      const o = off[id]!;
      const kind = infoKind(w[o + 1]!);
      if ((kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) && w[o] === 0) return false;
    }
    this.orderState.set(b.orderState);
    this.emitState.set(b.emitState);
    this.restoreDeclState(b.decl, REFERENCED);
    this.bytes(b.bytes);
    return true;
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
      const vlen = infoVlen16(info);
      let at = 0;
      let stride = 3;
      switch (infoKind(info)) {
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_PTR:
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_FUNC:
        case BTF_KIND_VAR:
        case BTF_KIND_DECL_TAG:
        case BTF_KIND_TYPE_TAG:
          flags[w[o + 2]!]! |= REFERENCED;
          break;
        case BTF_KIND_ARRAY:
          flags[w[o + 4]!]! |= REFERENCED;
          flags[w[o + 3]!]! |= REFERENCED;
          break;
        // The lists: where they start and their stride, set by constants
        // only and walked by one loop, so that the one DATASEC (the last
        // type) meets nothing V8 has not seen: an arm with work of its own
        // deoptimised this function there.
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
          at = 4;
          break;
        case BTF_KIND_FUNC_PROTO:
          // Parameters only: libbpf does not mark the return type.
          at = 4;
          stride = 2;
          break;
        case BTF_KIND_DATASEC:
          at = 3;
          break;
        default:
          break;
      }
      if (at !== 0) for (let i = 0, m = o + at; i < vlen; i++, m += stride) flags[w[m]!]! |= REFERENCED;
    }
  }
  /**
   * {@link markReferenced} for the sorted dump (lib/dump/c-sort.ts,
   * `sortedDumpRootsOf`), in the same pass: every type an ordering edge
   * leads to also gets ORDER_TARGET, and {@link wellFormed} tells whether
   * every kind is known and every reference names a type (no vlen above 16
   * bits either), so that the sort needs no pass of its own over the
   * records. A function of its own: the id-order dump would pay for the
   * extra work (about 1% of its instructions, cold).
   */
  private markForSort(): void {
    const { w, off, flags, count } = this;
    const RO = REFERENCED | ORDER_TARGET;
    // The highest id referenced, and every info word or'ed (unknown vlen bits).
    let top = 0;
    let infos = 0;
    let known = true;
    for (let id = 1; id < count; id++) {
      const o = off[id]!;
      const info = w[o + 1]!;
      const vlen = infoVlen16(info);
      infos |= info;
      const kind = infoKind(info);
      switch (kind) {
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_PTR:
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_FUNC:
        case BTF_KIND_VAR:
        case BTF_KIND_DECL_TAG:
        case BTF_KIND_TYPE_TAG: {
          // One body for all of them (pahole puts the FUNCs last: a body
          // of their own would first run after V8 optimised this loop).
          const t = w[o + 2]!;
          flags[t]! |= REF_MARKS[kind]!;
          if (t > top) top = t;
          break;
        }
        case BTF_KIND_ARRAY: {
          const x = w[o + 4]!;
          const t = w[o + 3]!;
          flags[x]! |= REFERENCED;
          flags[t]! |= RO;
          if (x > top) top = x;
          if (t > top) top = t;
          break;
        }
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
          for (let i = 0, m = o + 4; i < vlen; i++, m += 3) {
            const t = w[m]!;
            flags[t]! |= RO;
            if (t > top) top = t;
          }
          break;
        case BTF_KIND_FUNC_PROTO: {
          // Parameters only: libbpf does not mark the return type (an
          // ordering edge all the same).
          const r = w[o + 2]!;
          flags[r]! |= ORDER_TARGET;
          if (r > top) top = r;
          for (let i = 0, p = o + 4; i < vlen; i++, p += 2) {
            const t = w[p]!;
            flags[t]! |= RO;
            if (t > top) top = t;
          }
          break;
        }
        case BTF_KIND_DATASEC:
          for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
            const t = w[v]!;
            flags[t]! |= REFERENCED;
            if (t > top) top = t;
          }
          break;
        default:
          if (kind >= NR_BTF_KINDS) known = false;
          break;
      }
    }
    // No record's vlen needs more than 16 bits (what the sort reads).
    this.wellFormed = known && top < count && infoVlen(infos) === infoVlen16(infos);
  }

  /**
   * bpftool 7.5+'s sorted roots (lib/dump/c-sort.ts) from the marks of
   * {@link markForSort} (the emitter made for a sorted dump), and the
   * DECL_TAGs the sort found.
   */
  sortedRoots(q: TypeQuery): LazyRoots {
    return sortedDumpRootsOf(q, this.flags, ORDER_TARGET, this.wellFormed);
  }

  /**
   * Dumps `roots[first ..]` ({@link sortedRoots}), ordering each of the
   * sort's runs when its turn comes, from what the dump has ordered by
   * then.
   */
  dumpSorted(sorted: LazyRoots, first: number): void {
    const { roots, runs } = sorted;
    let r = 0;
    let next = runs.length > 0 ? runs[0]! : -1;
    for (let i = first; i < roots.length; i++) {
      if (i === next) {
        sorted.orderRun(i, runs[r + 1]!, this.orderState, ORDERED);
        r += 2;
        next = r < runs.length ? runs[r]! : -1;
      }
      this.dumpType(roots[i]!);
    }
  }

  // ---------------------------------------------------------------- order

  /**
   * bpftool 7.8's kfunc block: `extern [__bpf_fastcall ]DECL __weak __ksym;`
   * per kfunc, each prototype declared as `btf_dump__emit_type_decl` does,
   * with this dump's name state.
   */
  dumpKfuncs(k: Kfuncs): void {
    this.ascii(KFUNC_BLOCK_START);
    for (let i = 0; i < k.ids.length; i++) {
      const o = this.off[k.ids[i]!]!;
      this.ascii(k.fastcall[i] ? 'extern __bpf_fastcall ' : 'extern ');
      this.emitTypeDecl(this.w[o + 2]!, this.w[o]!, 0);
      this.ascii(' __weak __ksym;\n');
    }
    this.ascii(KFUNC_BLOCK_END);
  }

  /**
   * {@link dumpType} for every id from `from` to the last: one loop, and
   * no call for the ids an earlier root has ordered already.
   */
  dumpRange(from: number): void {
    const os = this.orderState;
    for (let id = from; id < os.length; id++) if (os[id] !== ORDERED) this.dumpType(id);
  }

  /** `btf_dump__dump_type`: orders `id` and what it needs, then emits the queue. */
  dumpType(id: number): void {
    this.qlen = 0;
    if (this.orderRec(id, false, 0) < 0) {
      const loop = this.loopId;
      throw new BtfError(BtfErrorCode.Loop, `type [${loop}]: unsatisfiable type cycle, C cannot declare it`, {
        typeId: loop,
      });
    }
    const q = this.queue;
    const n = this.qlen;
    for (let i = 0; i < n; i++) this.emitRec(q[i]!, 0, 0);
  }

  /** Pushes a frame of the order or emit walk: type `id`, its argument `arg`, at step 0. */
  private pushFrame(id: number, arg: number): void {
    if (this.ftop === this.fid.length) {
      const n = this.fid.length * 2;
      const grow = (a: Int32Array): Int32Array => {
        const g = new Int32Array(n);
        g.set(a);
        return g;
      };
      this.fid = grow(this.fid);
      this.farg = grow(this.farg);
      this.fstep = grow(this.fstep);
    }
    // No walk of a loop-free graph holds a type twice on its stack: deeper
    // than there are types is a loop the states do not catch (a prototype
    // returning a pointer to itself, `typedef T *T`).
    if (this.ftop > this.count) this.loopError(this.ftop);
    this.fid[this.ftop] = id;
    this.farg[this.ftop] = arg;
    this.fstep[this.ftop++] = 0;
  }

  /** Throws the ELOOP error for a walk whose stack of `depth` frames repeats a type. */
  private loopError(depth: number): never {
    const fid = this.fid;
    const seen = new Map<number, number>();
    let ids: number[] = [];
    for (let i = 0; i < depth; i++) {
      const at = seen.get(fid[i]!);
      if (at !== undefined) {
        ids = Array.from(fid.subarray(at, i));
        break;
      }
      seen.set(fid[i]!, i);
    }
    const loop = ids.length ? ids : [fid[depth - 1]!];
    throw new BtfError(
      BtfErrorCode.Loop,
      `type [${loop[0]}]: reference loop through types ${loop.map((t) => `[${t}]`).join(' -> ')}, C cannot declare it`,
      { typeId: loop[0]! },
    );
  }

  /**
   * The fast path of {@link orderType}: the same walk on the call stack,
   * which V8 optimises sooner, for the few dozen levels real types nest;
   * deeper, the rest of the walk takes the explicit stack.
   */
  private orderRec(id: number, throughPtr: boolean, depth: number): number {
    const os = this.orderState;
    if (id >= os.length) this.checkInRange(id);
    const st = os[id]!;
    if (st === ORDERED) return 1;
    if (depth > REC_DEPTH || st === ORDERING) return this.orderType(id, throughPtr);
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    switch (kind) {
      // Leaves as the explicit walk does them, without its frames: every
      // FUNC is a root of the dump and lands here.
      case BTF_KIND_FUNC:
      case BTF_KIND_VAR:
      case BTF_KIND_DATASEC:
      case BTF_KIND_DECL_TAG:
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
        os[id] = ORDERED;
        return 0;
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
      case BTF_KIND_FWD:
        // Named or unreferenced enums are top-level declarations; FWDs too.
        if (w[o] !== 0 || !(this.flags[id]! & REFERENCED)) this.queue[this.qlen++] = id;
        os[id] = ORDERED;
        return 1;
      case BTF_KIND_PTR: {
        const r = this.orderRec(w[o + 2]!, true, depth + 1);
        this.orderState[id] = ORDERED;
        return r;
      }
      case BTF_KIND_ARRAY:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG: {
        const child = w[o + (kind === BTF_KIND_ARRAY ? 3 : 2)]!;
        const r = this.orderRec(child, kind === BTF_KIND_ARRAY ? false : throughPtr, depth + 1);
        if (r === 1 && this.orderState[child] === ORDERED) this.orderState[id] = ORDERED;
        return r;
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        if (throughPtr && w[o] !== 0) return 0;
        this.orderState[id] = ORDERING;
        const vlen = infoVlen16(info);
        // A member already ordered is a strong link and changes nothing:
        // no call for it (most members are).
        for (let i = 0, m = o + 4; i < vlen; i++, m += 3) {
          const t = w[m]!;
          if (os[t] !== ORDERED && this.orderRec(t, false, depth + 1) < 0) return -1;
        }
        if (w[o] !== 0) this.queue[this.qlen++] = id;
        this.orderState[id] = ORDERED;
        return 1;
      }
      case BTF_KIND_TYPEDEF: {
        const strong = this.orderRec(w[o + 2]!, throughPtr, depth + 1);
        if (strong < 0) return strong;
        if (throughPtr && !strong) return 0;
        this.queue[this.qlen++] = id;
        this.orderState[id] = ORDERED;
        return 1;
      }
      case BTF_KIND_FUNC_PROTO: {
        // The return type, then the parameters: words o + 2, o + 4, ...; one
        // already ordered is a strong link, without a call.
        let strong = false;
        const vlen = infoVlen16(info);
        for (let i = 0, p = o + 2; i <= vlen; i++, p += 2) {
          const t = w[p]!;
          const r = os[t] === ORDERED ? 1 : this.orderRec(t, throughPtr, depth + 1);
          if (r < 0) return r;
          if (r > 0) strong = true;
        }
        return strong ? 1 : 0;
      }
      default:
        // Kinds this version does not know, as the explicit walk does them.
        return this.orderType(id, throughPtr);
    }
  }

  /**
   * The fast path of {@link emitType}, as {@link orderRec} is of the order
   * walk: pointers, modifiers, arrays and prototypes on the call stack, the
   * rest (and anything deeper than a few dozen levels) on the explicit one.
   */
  private emitRec(id: number, contId: number, depth: number): void {
    const es = this.emitState[id]!;
    if (es === EMITTED) return;
    if (depth > REC_DEPTH || es === EMITTING) {
      this.emitType(id, contId);
      return;
    }
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    switch (kind) {
      case BTF_KIND_PTR:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
      case BTF_KIND_ARRAY: {
        const child = w[o + (kind === BTF_KIND_ARRAY ? 3 : 2)]!;
        this.emitRec(child, contId, depth + 1);
        if (this.emitState[child] === EMITTED) this.emitState[id] = EMITTED;
        return;
      }
      case BTF_KIND_TYPEDEF:
        this.emitState[id] = EMITTING;
        this.emitRec(w[o + 2]!, id, depth + 1);
        if (!(this.flags[id]! & FWD_EMITTED)) this.typedefLine(id);
        this.emitState[id] = EMITTED;
        return;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        this.emitState[id] = EMITTING;
        const named = w[o] !== 0;
        if (contId === 0 || !named) {
          const vlen = infoVlen16(info);
          const cont = named ? id : contId;
          // No call for a member whose type is emitted already (most are).
          const es = this.emitState;
          for (let i = 0, m = o + 4; i < vlen; i++, m += 3)
            if (es[w[m]!] !== EMITTED) this.emitRec(w[m]!, cont, depth + 1);
        } else if (!(this.flags[id]! & FWD_EMITTED) && id !== contId) {
          this.structFwd(id, info);
          this.ascii(';\n\n');
          this.flags[id]! |= FWD_EMITTED;
        }
        this.structDone(id, contId);
        return;
      }
      case BTF_KIND_FUNC_PROTO: {
        // The return type, then the parameters: words o + 2, o + 4, ...
        const es = this.emitState;
        const vlen = infoVlen16(info);
        for (let i = 0, p = o + 2; i <= vlen; i++, p += 2)
          if (es[w[p]!] !== EMITTED) this.emitRec(w[p]!, contId, depth + 1);
        return;
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        if (contId === 0) {
          this.emitEnumDef(id, 0);
          this.ascii(';\n\n');
        }
        this.emitState[id] = EMITTED;
        return;
      default:
        this.emitType(id, contId);
    }
  }

  /**
   * `btf_dump_order_type`: queues the definitions `root` needs; returns 1
   * when it is a strong link (its definition must come first), 0 when a
   * forward declaration will do, -1 on a loop C cannot express. libbpf
   * recurses; this walks an explicit stack of frames (type, whether a
   * pointer is on the way, step), passing each frame's result down in `r`.
   */
  /** Throws unless `id` names a type: level 1 reads references past the last type, as libbpf does. */
  private checkInRange(id: number): void {
    if (id >= this.orderState.length) {
      throw new BtfError(
        BtfErrorCode.BadTypeId,
        `type id ${id} is out of range (the last is ${this.orderState.length - 1}), C cannot declare it`,
        { typeId: id },
      );
    }
  }

  private orderType(root: number, rootThroughPtr: boolean): number {
    const { w, off, orderState } = this;
    const base = this.ftop;
    this.pushFrame(root, rootThroughPtr ? 1 : 0);
    let r = 0;
    while (this.ftop > base) {
      const f = this.ftop - 1;
      const id = this.fid[f]!;
      const throughPtr = this.farg[f] !== 0;
      const step = this.fstep[f]!;
      const o = off[id]!;
      const info = w[o + 1]!;
      const kind = infoKind(info);
      if (step === 0) {
        // Entering `id`.
        this.checkInRange(id);
        const st = orderState[id]!;
        if (st === ORDERED) {
          r = 1;
          this.ftop--;
          continue;
        }
        if (st === ORDERING) {
          // A loop, resolvable through a forward declaration.
          if ((kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) && throughPtr && w[o] !== 0) r = 0;
          else {
            this.loopId = id;
            r = -1;
          }
          this.ftop--;
          continue;
        }
        this.fstep[f] = 1;
        switch (kind) {
          case BTF_KIND_INT:
          case BTF_KIND_FLOAT:
            orderState[id] = ORDERED;
            r = 0;
            this.ftop--;
            break;
          case BTF_KIND_PTR:
            this.pushFrame(w[o + 2]!, 1);
            break;
          case BTF_KIND_ARRAY:
            this.pushFrame(w[o + 3]!, 0);
            break;
          case BTF_KIND_STRUCT:
          case BTF_KIND_UNION:
            // Part of a strong link only when embedded (no pointer on the way)
            // or anonymous (defined inline even behind a pointer).
            if (throughPtr && w[o] !== 0) {
              r = 0;
              this.ftop--;
              break;
            }
            orderState[id] = ORDERING;
            if (infoVlen16(info) > 0) this.pushFrame(w[o + 4]!, 0);
            else {
              if (w[o] !== 0) this.queue[this.qlen++] = id;
              orderState[id] = ORDERED;
              r = 1;
              this.ftop--;
            }
            break;
          case BTF_KIND_ENUM:
          case BTF_KIND_ENUM64:
          case BTF_KIND_FWD:
            // Named or unreferenced enums are top-level declarations; FWDs too.
            if (w[o] !== 0 || !(this.flags[id]! & REFERENCED)) this.queue[this.qlen++] = id;
            orderState[id] = ORDERED;
            r = 1;
            this.ftop--;
            break;
          case BTF_KIND_TYPEDEF:
          case BTF_KIND_VOLATILE:
          case BTF_KIND_CONST:
          case BTF_KIND_RESTRICT:
          case BTF_KIND_TYPE_TAG:
          case BTF_KIND_FUNC_PROTO:
            this.pushFrame(w[o + 2]!, throughPtr ? 1 : 0);
            break;
          case BTF_KIND_FUNC:
          case BTF_KIND_VAR:
          case BTF_KIND_DATASEC:
          case BTF_KIND_DECL_TAG:
            orderState[id] = ORDERED;
            r = 0;
            this.ftop--;
            break;
          default:
            // A kind this version does not know is never printed as another.
            this.q.checkKnown(id);
            this.loopId = id;
            r = -1;
            this.ftop--;
            break;
        }
        continue;
      }
      // Back in `id` with the result `r` of its child.
      switch (kind) {
        case BTF_KIND_PTR:
          orderState[id] = ORDERED;
          this.ftop--;
          break;
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
          if (r < 0) {
            this.ftop--;
            break;
          }
          // step - 1 is the member just ordered.
          if (step < infoVlen16(info)) {
            this.fstep[f] = step + 1;
            this.pushFrame(w[o + 4 + step * 3]!, 0);
            break;
          }
          if (w[o] !== 0) this.queue[this.qlen++] = id;
          orderState[id] = ORDERED;
          r = 1;
          this.ftop--;
          break;
        }
        case BTF_KIND_TYPEDEF:
          this.ftop--;
          if (r < 0) break;
          // Like a struct with respect to forward declarations.
          if (throughPtr && !r) break;
          this.queue[this.qlen++] = id;
          orderState[id] = ORDERED;
          r = 1;
          break;
        case BTF_KIND_FUNC_PROTO: {
          // step 1: the return type done; step 1 + i: parameter i - 1 done.
          if (r < 0) {
            this.ftop--;
            break;
          }
          if (r > 0) this.fstep[f] = step | STRONG;
          const i = step & ~STRONG;
          if (i - 1 < infoVlen16(info)) {
            this.fstep[f] = (this.fstep[f]! & STRONG) | (i + 1);
            this.pushFrame(w[o + 4 + (i - 1) * 2]!, throughPtr ? 1 : 0);
            break;
          }
          r = this.fstep[f]! & STRONG ? 1 : 0;
          this.ftop--;
          break;
        }
        default: {
          // ARRAY and modifiers: the child's result is theirs. libbpf keeps
          // no state for them and walks a chain again from every root (n^2
          // on a long chain); once what they lead to is ordered, walking
          // again returns 1 and changes nothing, so say so at once.
          this.ftop--;
          const child = w[o + (kind === BTF_KIND_ARRAY ? 3 : 2)]!;
          if (r === 1 && orderState[child] === ORDERED) orderState[id] = ORDERED;
          break;
        }
      }
    }
    return r;
  }
  // ----------------------------------------------------------------- emit

  /**
   * Prints the definition of typedef `id` at top level, unless it is named
   * `__builtin_va_list`, the compiler's own type, which must not be
   * redefined (its first bytes tested here: no call for the others).
   */
  private typedefLine(id: number): void {
    const n = this.w[this.off[id]!]!;
    const s = this.strs;
    if (n !== 0 && s[n] === 95 && s[n + 1] === 95 && s[n + 2] === 98 && this.q.strIs(n, '__builtin_va_list')) return;
    this.emitTypedefDef(id, 0);
    this.ascii(';\n\n');
  }

  /**
   * `btf_dump_emit_type`: prints `id` if it is a top-level definition, after
   * the forward declarations its members need. `contId` is the struct being
   * defined (0 at top level), which needs no forward declaration of itself.
   */
  private emitType(root: number, rootCont: number): void {
    const { w, off, emitState } = this;
    const base = this.ftop;
    this.pushFrame(root, rootCont);
    while (this.ftop > base) {
      const f = this.ftop - 1;
      const id = this.fid[f]!;
      const contId = this.farg[f]!;
      const step = this.fstep[f]!;
      const o = off[id]!;
      const info = w[o + 1]!;
      const kind = infoKind(info);
      if (step !== 0) {
        // Back in `id` after a child.
        if (kind === BTF_KIND_TYPEDEF) {
          this.ftop--;
          if (!(this.flags[id]! & FWD_EMITTED)) this.typedefLine(id);
          emitState[id] = EMITTED;
        } else if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
          // step - 1 is the member just visited.
          if (step < infoVlen16(info)) {
            this.fstep[f] = step + 1;
            this.pushFrame(w[o + 4 + step * 3]!, w[o] !== 0 ? id : contId);
          } else {
            this.ftop--;
            this.structDone(id, contId);
          }
        } else if (kind === BTF_KIND_FUNC_PROTO) {
          // step 1: the return type visited; 1 + i: parameter i - 1.
          if (step - 1 < infoVlen16(info)) {
            this.fstep[f] = step + 1;
            this.pushFrame(w[o + 4 + (step - 1) * 2]!, contId);
          } else {
            this.ftop--;
          }
        } else {
          // Pointers, arrays and modifiers have nothing more to do; once
          // what they lead to is emitted, walking them again would print
          // nothing (libbpf walks them again).
          this.ftop--;
          if (emitState[w[o + (kind === BTF_KIND_ARRAY ? 3 : 2)]!] === EMITTED) emitState[id] = EMITTED;
        }
        continue;
      }
      const es = emitState[id]!;
      if (es === EMITTED) {
        this.ftop--;
        continue;
      }
      if (es === EMITTING) {
        this.ftop--;
        if (this.flags[id]! & FWD_EMITTED) continue;
        if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
          // A struct referring to itself needs no forward declaration; an
          // anonymous struct/union loop: libbpf warns and goes on.
          if (id === contId || w[o] === 0) continue;
          this.structFwd(id, info);
          this.ascii(';\n\n');
          this.flags[id]! |= FWD_EMITTED;
        } else if (kind === BTF_KIND_TYPEDEF) {
          // The typedef is printed now, for use through pointers only.
          this.typedefLine(id);
          this.flags[id]! |= FWD_EMITTED;
        }
        continue;
      }
      this.fstep[f] = 1;
      switch (kind) {
        case BTF_KIND_INT: {
          this.ftop--;
          // libbpf resolves (and so counts) every INT name here.
          const dup = this.resolveName(id, this.typeNames);
          const alias = dup === 1 && MISSING_BASE_TYPES.get(this.q.str(w[o]!));
          if (alias) {
            this.ascii(`typedef ${alias} `);
            this.uniqueName(id, this.typeNames);
            this.ascii(';\n\n');
          }
          emitState[id] = EMITTED;
          break;
        }
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
          this.ftop--;
          if (contId === 0) {
            this.emitEnumDef(id, 0);
            this.ascii(';\n\n');
          }
          emitState[id] = EMITTED;
          break;
        case BTF_KIND_PTR:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
        case BTF_KIND_FUNC_PROTO:
          this.pushFrame(w[o + 2]!, contId);
          break;
        case BTF_KIND_ARRAY:
          this.pushFrame(w[o + 3]!, contId);
          break;
        case BTF_KIND_FWD:
          this.ftop--;
          this.fwdDef(id, info);
          this.ascii(';\n\n');
          emitState[id] = EMITTED;
          break;
        case BTF_KIND_TYPEDEF:
          emitState[id] = EMITTING;
          this.pushFrame(w[o + 2]!, id);
          break;
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
          emitState[id] = EMITTING;
          const named = w[o] !== 0;
          // Top-level or anonymous: the members are printed in full, so the
          // types they mention need their forward declarations first.
          if (contId === 0 || !named) {
            if (infoVlen16(info) > 0) {
              this.pushFrame(w[o + 4]!, named ? id : contId);
              break;
            }
          } else if (!(this.flags[id]! & FWD_EMITTED) && id !== contId) {
            this.structFwd(id, info);
            this.ascii(';\n\n');
            this.flags[id]! |= FWD_EMITTED;
          }
          this.ftop--;
          this.structDone(id, contId);
          break;
        }
        default:
          // FLOAT needs nothing; FUNC, VAR, DATASEC and DECL_TAG print nothing.
          this.ftop--;
          break;
      }
    }
  }

  /** The end of a struct's visit: its definition at top level, else back to not emitted. */
  private structDone(id: number, contId: number): void {
    if (contId === 0) {
      this.emitStructDef(id, 0);
      this.ascii(';\n\n');
      this.emitState[id] = EMITTED;
    } else {
      this.emitState[id] = NOT_EMITTED;
    }
  }
}
