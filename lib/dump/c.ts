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
 * Data: the emitter reads the type words in place (split BTF and its bases
 * are first copied into one array, and their string sections into one byte
 * array, so that one offset table `off[typeId]` and one string offset space
 * serve every id). Per-type state lives in byte arrays; a name that clashed
 * is remembered as its occurrence count, not as a string. Output is bytes:
 * names are copied straight from the string section, numbers written as
 * digits, into 64 KiB chunks for the sink; JS strings are made only for the
 * names whose clashes are counted.
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
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG, BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
} from '../kinds.js';
import { bytesToText, collectBytes, type ByteSink } from './bytes.js';
import { sortedTypeIds } from './c-sort.js';

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
}

/** Largest padding gap printed: 1 MiB (kernel types stay far below). */
const MAX_PAD_BITS = 8 * (1 << 20);

const PREAMBLE_GUARD = '#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n';
const PREAMBLE_PRAGMA = '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n' +
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
  const d = new CEmitter(btf, sink);
  let roots: ArrayLike<number> | null = null;
  let first = 1;
  if (opts.typeNames) {
    roots = resolveTypeNames(d, opts.typeNames);
    first = 0;
  } else if (opts.sort) {
    // bpftool sorts ids 0 .. n-1, void included, and then dumps entries 1 ..
    // n-1 of the sorted array: whatever sorts first is only printed when
    // another type needs it. We keep that, to stay identical.
    roots = sortedTypeIds(d.w, d.off, d.count, d.strs, btf.nameReader());
  }
  d.lit(pragma ? PREAMBLE_GUARD + PREAMBLE_PRAGMA : PREAMBLE_GUARD);
  try {
    if (roots) for (let i = first; i < roots.length; i++) d.dumpType(roots[i]!);
    else for (let id = 1; id < d.count; id++) d.dumpType(id);
  } catch (e) {
    d.flush();
    throw e;
  }
  d.lit(pragma ? EPILOGUE_PRAGMA + EPILOGUE_GUARD : EPILOGUE_GUARD);
  d.flush();
}

/** Returns the C header bpftool prints for `btf` as one string (see {@link writeCDump}). */
export function cDump(btf: Btf, opts: CDumpOptions = {}): string {
  return bytesToText(collectBytes((sink) => writeCDump(btf, sink, opts)));
}

// Kinds that name a type C code can refer to by that name.
const NAMED_KINDS = new Set<number>([
  BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_TYPEDEF, BTF_KIND_FWD,
  BTF_KIND_INT, BTF_KIND_FLOAT,
]);

/** Returns the root ids for `names` (see {@link CDumpOptions.typeNames}); throws ENOENT for an unknown one. */
function resolveTypeNames(d: CEmitter, names: readonly string[]): number[] {
  const { w, off, count } = d;
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
    const name = new TextEncoder().encode(m ? m[2]! : s);
    const found: number[] = [];
    for (let id = 1; id < count; id++) {
      const o = off[id]!;
      const nameOff = w[o]!;
      if (nameOff === 0) continue;
      const info = w[o + 1]!;
      const kind = (info >>> 24) & 0x1f;
      const ok = tag === 'struct' ? kind === BTF_KIND_STRUCT || (kind === BTF_KIND_FWD && info >>> 31 === 0)
        : tag === 'union' ? kind === BTF_KIND_UNION || (kind === BTF_KIND_FWD && info >>> 31 === 1)
          : tag === 'enum' ? kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64
            : NAMED_KINDS.has(kind);
      if (ok && d.nameIs(nameOff, name)) found.push(id);
    }
    if (found.length === 0) throw new BtfError(BtfErrorCode.NotFound, `no type named '${s}'`);
    roots.push(...found);
  }
  return roots;
}

// Order and emit states (libbpf's btf_dump_type_order_state / emit_state);
// NOT_ORDERED is 0, the initial value.
const ORDERING = 1;
const ORDERED = 2;
const NOT_EMITTED = 0;
const EMITTING = 1;
const EMITTED = 2;
// Per-type flags.
const FWD_EMITTED = 1;
const NAME_RESOLVED = 2;
const REFERENCED = 4;
/** A cached declaration of the type puts a space before the name. */
const DECL_SEP = 8;

const CHUNK = 1 << 16;
const TAB = 9;
const NL = 10;
const SPACE = 32;

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

const utf8 = new TextDecoder();

/** Returns the string at offset `n` of a string section (for the few names compared as strings). */
function decodeName(strs: Uint8Array, n: number): string {
  let e = n;
  while (e < strs.length && strs[e] !== 0) e++;
  return utf8.decode(strs.subarray(n, e));
}

/**
 * Returns the type words, the word offset of every id (base ids included;
 * entry 0, void, unused) and the string bytes of `btf`. Split BTF is copied
 * into one array of each, so that ids and string offsets index them directly.
 */
function flatten(btf: Btf): { w: Uint32Array; off: Uint32Array; strs: Uint8Array } {
  const off = new Uint32Array(btf.typeCount);
  if (!btf.base) {
    const offs = btf.offs;
    for (let i = 0, n = btf.nrTypes; i < n; i++) off[i + 1] = offs[i]!;
    return { w: btf.words, off, strs: btf.stringSection() };
  }
  const chain: BtfContainer[] = [];
  for (let c: BtfContainer | null = btf; c; c = c.base) chain.unshift(c);
  let words = 0;
  let bytes = 0;
  for (const c of chain) {
    words += c.typeWords;
    bytes += c.stringSection().length;
  }
  const w = new Uint32Array(words);
  const strs = new Uint8Array(bytes);
  let at = 0;
  for (const c of chain) {
    w.set(c.words.subarray(0, c.typeWords), at);
    const offs = c.offs;
    for (let i = 0, id = c.startId; i < c.nrTypes; i++, id++) off[id] = offs[i]! + at;
    at += c.typeWords;
    // A split BTF's string offsets continue where its base's section ends.
    strs.set(c.stringSection(), c.startStrOff);
  }
  return { w, off, strs };
}

/**
 * Occurrences of names, keyed by their bytes in the string section (one of
 * libbpf's `type_names`/`ident_names` hashmaps), so that counting a name
 * makes no string: open addressing over the offset of the first copy met.
 */
class NameCounter {
  private keys: Int32Array;
  private counts: Uint32Array;
  private used = 0;

  /** Returns a counter for names of `strs`, sized for about `expected` names. */
  constructor(private readonly strs: Uint8Array, expected: number) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.counts = new Uint32Array(cap);
  }

  /** Counts one more use of the name at string offset `off`; returns how many uses it has had. */
  add(off: number): number {
    const s = this.strs;
    let h = 0x811c9dc5;
    let e = off;
    for (let c = s[e]; c !== 0 && c !== undefined; c = s[++e]) h = Math.imul(h ^ c, 0x01000193);
    const len = e - off;
    const keys = this.keys;
    const mask = keys.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k < 0) {
        keys[i] = off;
        this.counts[i] = 1;
        if (++this.used * 2 > keys.length) this.grow();
        return 1;
      }
      if (k === off || sameName(s, k, off, len)) return ++this.counts[i]!;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    const n = oldKeys.length * 2;
    this.keys = new Int32Array(n).fill(-1);
    this.counts = new Uint32Array(n);
    const s = this.strs;
    for (let j = 0; j < oldKeys.length; j++) {
      const off = oldKeys[j]!;
      if (off < 0) continue;
      let h = 0x811c9dc5;
      for (let e = off, c = s[e]; c !== 0 && c !== undefined; c = s[++e]) h = Math.imul(h ^ c, 0x01000193);
      let i = h & (n - 1);
      while (this.keys[i]! >= 0) i = (i + 1) & (n - 1);
      this.keys[i] = off;
      this.counts[i] = oldCounts[j]!;
    }
  }
}

/** Whether the NUL-terminated names at `a` and `b` (`len` bytes at `b`) are equal. */
function sameName(s: Uint8Array, a: number, b: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (s[a + i] !== s[b + i]) return false;
  return (s[a + len] ?? 0) === 0;
}

/**
 * libbpf's `struct btf_dump` with its C emitter. One instance per dump: the
 * order, emit and name state carries over from one root type to the next.
 */
class CEmitter {
  readonly w: Uint32Array;
  readonly off: Uint32Array;
  readonly count: number;
  private readonly str: (off: number) => string;
  readonly strs: Uint8Array;
  private readonly ptrSz: number;

  private readonly orderState: Uint8Array;
  private readonly emitState: Uint8Array;
  private readonly flags: Uint8Array;
  /** How many types had this type's name when it was first printed (libbpf's `cached_names`, `NAME___N` when above 1). */
  private readonly dups: Uint32Array;
  /** Occurrences of struct/union/enum names (and INT names, as libbpf counts them). */
  private readonly typeNames: NameCounter;
  /** Occurrences of typedef names and enumerators. */
  private readonly identNames: NameCounter;
  /** Alignment + 1 per type, 0 until computed. */
  private readonly alignCache: Int32Array;
  /** Size + 2 per type (-1 + 2 where it has none), 0 until computed. */
  private readonly sizeCache: Float64Array;
  private readonly queue: number[] = [];
  private stack = new Uint32Array(64);
  private top = 0;
  private loopId = 0;

  // Output buffer, and how many times it was handed to the sink. The first
  // chunk is small, so that the path that hands a full chunk over runs
  // before V8 optimises the writers (it would otherwise deoptimise them).
  private b = new Uint8Array(1024);
  private p = 0;
  private flushes = 0;

  // The declaration cache: the text of a declaration of a type, before and
  // after the declared name (`int (*` and `)[4]`), in one byte arena; for
  // type `id`, `declAt[id] - 1` is where its text starts (0: not cached).
  private arena: Uint8Array;
  private arenaLen = 0;
  private readonly declAt: Uint32Array;
  private readonly declPreLen: Uint32Array;
  private readonly declPostLen: Uint32Array;
  // The declaration being recorded: its frame, and where its name went.
  private capFrame = -1;
  private capNameAt = -1;
  private capNameEnd = 0;
  private capSep = false;
  /** Anonymous types defined inline so far (their declarations are not cached). */
  private inlineDefs = 0;

  constructor(btf: Btf, private readonly sink: ByteSink) {
    const { w, off, strs } = flatten(btf);
    this.w = w;
    this.off = off;
    this.strs = strs;
    this.count = btf.typeCount;
    this.str = (n) => decodeName(strs, n);
    // A quarter of the types is about what vmlinux names in each namespace.
    this.typeNames = new NameCounter(strs, this.count >> 2);
    this.identNames = new NameCounter(strs, this.count >> 2);
    this.orderState = new Uint8Array(this.count);
    this.emitState = new Uint8Array(this.count);
    this.flags = new Uint8Array(this.count);
    this.dups = new Uint32Array(this.count);
    this.alignCache = new Int32Array(this.count);
    this.sizeCache = new Float64Array(this.count);
    // vmlinux caches about 2.6 bytes per type; growing the arena later costs
    // a deoptimisation of its readers.
    this.arena = new Uint8Array(Math.max(CHUNK, this.count * 4));
    this.declAt = new Uint32Array(this.count);
    this.declPreLen = new Uint32Array(this.count);
    this.declPostLen = new Uint32Array(this.count);
    this.ptrSz = this.determinePtrSize();
    // VOID is special (btf_dump_resize); it has no alignment either.
    this.orderState[0] = ORDERED;
    this.emitState[0] = EMITTED;
    this.alignCache[0] = 1;
    this.markReferenced();
  }

  // ---------------------------------------------------------------- output

  private room(n: number): void {
    if (this.p + n <= this.b.length) return;
    this.flush();
    if (n > this.b.length) this.b = new Uint8Array(n);
  }

  /** Hands what is buffered to the sink. */
  flush(): void {
    this.flushes++;
    if (this.p) this.sink(this.b.subarray(0, this.p));
    this.b = new Uint8Array(CHUNK);
    this.p = 0;
  }

  /** Writes ASCII text. */
  lit(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.b;
    let p = this.p;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.p = p;
  }

  private ch(c: number): void {
    if (this.p === this.b.length) this.flush();
    this.b[this.p++] = c;
  }

  /** Writes a newline and `lvl` tabs (libbpf's `pfx()` stops at 13). */
  private nlTabs(lvl: number): void {
    if (lvl > 13) lvl = 13;
    this.room(lvl + 1);
    const b = this.b;
    let p = this.p;
    b[p++] = NL;
    for (let i = 0; i < lvl; i++) b[p++] = TAB;
    this.p = p;
  }

  /** Writes an integer below 2^53 in decimal. */
  private num(v: number): void {
    this.room(21);
    const b = this.b;
    if (v < 0) {
      b[this.p++] = 45;
      v = -v;
    }
    if (v < 10) {
      b[this.p++] = 48 + v;
      return;
    }
    let n = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) n++;
    let p = this.p + n;
    this.p = p;
    for (let x = v; ; x = Math.floor(x / 10)) {
      b[--p] = 48 + (x % 10);
      if (x < 10) break;
    }
  }

  /** Writes the string at offset `n` of the string section. */
  private name(n: number): void {
    const s = this.strs;
    let e = n;
    while (s[e] !== 0 && e < s.length) e++;
    const len = e - n;
    this.room(len);
    const b = this.b;
    let p = this.p;
    for (let i = n; i < e; i++) b[p++] = s[i]!;
    this.p = p;
  }

  /** Whether the string at offset `n` is `name` (ASCII text, or UTF-8 bytes). */
  nameIs(n: number, name: string | Uint8Array): boolean {
    const s = this.strs;
    if (typeof name === 'string') {
      for (let i = 0; i < name.length; i++) if (s[n + i] !== name.charCodeAt(i)) return false;
    } else {
      for (let i = 0; i < name.length; i++) if (s[n + i] !== name[i]) return false;
    }
    return s[n + name.length] === 0;
  }

  /** Writes the unique name of type `id`: its name, then `___N` when it is the N-th of that name. */
  private uniqueName(id: number, map: NameCounter): void {
    const n = this.w[this.off[id]!]!;
    if (n === 0) return;
    const dup = this.resolveName(id, map);
    if (dup <= 1) {
      this.name(n);
      return;
    }
    // libbpf formats the new name into a 256-byte buffer: at most 255 bytes.
    // Room for all of it first, so that the cut happens within this chunk.
    let len = 0;
    while (this.strs[n + len] !== 0 && n + len < this.strs.length) len++;
    this.room(len + 24);
    const p0 = this.p;
    this.name(n);
    this.lit('___');
    this.num(dup);
    if (this.p - p0 > 255) this.p = p0 + 255;
  }

  // ------------------------------------------------------------ type words

  private kind(id: number): number {
    return id === 0 ? 0 : (this.w[this.off[id]! + 1]! >>> 24) & 0x1f;
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
    let a: number;
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

  /** libbpf's `btf__resolve_size`, or -1 where it fails; memoised. */
  private sizeOf(id: number): number {
    const c = this.sizeCache[id]!;
    if (c) return c - 2;
    const size = this.resolveSize(id);
    this.sizeCache[id] = size + 2;
    return size;
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
          // Parameters only: libbpf does not mark the return type.
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
        const r = this.orderType(w[o + 2]!, true);
        this.orderState[id] = ORDERED;
        return r;
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

  /** Whether `id` is named `__builtin_va_list`, the compiler's own type, which must not be redefined. */
  private isBlacklisted(id: number): boolean {
    const n = this.w[this.off[id]!]!;
    return n !== 0 && this.nameIs(n, '__builtin_va_list');
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
        if (w[o] === 0) return; // an anonymous struct/union loop: libbpf warns and goes on
        this.structFwd(id, info);
        this.lit(';\n\n');
        this.flags[id]! |= FWD_EMITTED;
      } else if (kind === BTF_KIND_TYPEDEF) {
        // The typedef is printed now, for use through pointers only.
        if (!this.isBlacklisted(id)) {
          this.emitTypedefDef(id, 0);
          this.lit(';\n\n');
        }
        this.flags[id]! |= FWD_EMITTED;
      }
      return;
    }

    switch (kind) {
      case BTF_KIND_INT: {
        // libbpf resolves (and so counts) every INT name here.
        const dup = this.resolveName(id, this.typeNames);
        const alias = dup === 1 && MISSING_BASE_TYPES.get(this.str(w[o]!));
        if (alias) {
          this.lit(`typedef ${alias} `);
          this.uniqueName(id, this.typeNames);
          this.lit(';\n\n');
        }
        this.emitState[id] = EMITTED;
        break;
      }
      case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
        if (contId === 0) {
          this.emitEnumDef(id, 0);
          this.lit(';\n\n');
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
        this.fwdDef(id, info);
        this.lit(';\n\n');
        this.emitState[id] = EMITTED;
        break;
      case BTF_KIND_TYPEDEF:
        this.emitState[id] = EMITTING;
        this.emitType(w[o + 2]!, id);
        if (!(this.flags[id]! & FWD_EMITTED) && !this.isBlacklisted(id)) {
          this.emitTypedefDef(id, 0);
          this.lit(';\n\n');
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
          this.structFwd(id, info);
          this.lit(';\n\n');
          this.flags[id]! |= FWD_EMITTED;
        }
        if (contId === 0) {
          this.emitStructDef(id, 0);
          this.lit(';\n\n');
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
        // FLOAT needs nothing; FUNC, VAR, DATASEC and DECL_TAG print nothing.
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

  /** The struct whose padding is being written (for error messages). */
  private padFor = 0;

  /** Writes one padding field: newline, tabs, `type: bits;`. */
  private pad(lvl: number, type: string, bits: number): void {
    this.nlTabs(lvl);
    this.lit(type);
    this.lit(': ');
    this.num(bits);
    this.ch(59); // ;
  }

  /**
   * `btf_dump_emit_bit_padding`: fills the gap from bit `cur` to bit `next`
   * with anonymous bitfields, relying on natural alignment where it gives the
   * right offset.
   */
  private emitBitPadding(cur: number, next: number, nextAlign: number, inBitfield: boolean, lvl: number): void {
    if (cur >= next) return;
    // bpftool would print one line per 8 bytes of a gap however large; a gap
    // no real type has (a corrupt size) is an error instead of gigabytes.
    if (next - cur > MAX_PAD_BITS) {
      throw new BtfError(BtfErrorCode.TooBig,
        `type [${this.padFor}]: a gap of ${Math.floor((next - cur) / 8)} bytes before bit ${next} is too large to print as C padding`,
        { typeId: this.padFor });
    }
    const longBits = this.ptrSz * 8;
    // The largest of long, int, short and char whose alignment boundary
    // after `cur` is not past `next`.
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
        this.pad(lvl, padType, inBitfield ? newOff - cur : 0);
      }
      cur = newOff;
    }
    // Whole `type: bits` markers, then the smallest type that holds the rest.
    while (cur !== next) {
      const bits = Math.min(next - cur, padBits);
      if (bits === padBits) {
        this.pad(lvl, padType, padBits);
        cur += bits;
        continue;
      }
      if (bits <= 8) { padType = 'char'; padBits = 8; }
      else if (bits <= 16) { padType = 'short'; padBits = 16; }
      else if (bits <= 32) { padType = 'int'; padBits = 32; }
      else { padType = 'long'; padBits = longBits; }
      this.pad(lvl, padType, bits);
      cur += bits;
    }
  }

  /** `btf_dump_emit_struct_fwd`: `struct NAME`, `union NAME`, or the bare keyword. */
  private structFwd(id: number, info: number): void {
    const isStruct = ((info >>> 24) & 0x1f) === BTF_KIND_STRUCT;
    if (this.w[this.off[id]!] === 0) {
      this.lit(isStruct ? 'struct' : 'union');
      return;
    }
    this.lit(isStruct ? 'struct ' : 'union ');
    this.uniqueName(id, this.typeNames);
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
    this.padFor = id;
    this.structFwd(id, info);
    this.lit(' {');
    let off = 0;
    let prevBitfield = false;
    for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
      const mtype = w[m + 1]!;
      const raw = w[m + 2]!;
      let msz = kflag ? raw >>> 24 : 0;
      const moff = kflag ? raw & 0xffffff : raw;
      if (off < moff) this.emitBitPadding(off, moff, packed ? 1 : this.alignOf(mtype), prevBitfield && msz !== 0, lvl + 1);
      this.nlTabs(lvl + 1);
      this.emitTypeDecl(mtype, w[m]!, lvl + 1);
      if (msz) {
        this.lit(': ');
        this.num(msz);
        off = moff + msz;
        prevBitfield = true;
      } else {
        msz = Math.max(0, this.sizeOf(mtype));
        off = moff + msz * 8;
        prevBitfield = false;
      }
      this.ch(59); // ;
    }
    if (isStruct) this.emitBitPadding(off, size * 8, align, false, lvl + 1);
    // `struct empty {}` stays on one line.
    if (vlen || size) this.nlTabs(lvl);
    this.ch(125); // }
    if (packed) this.lit(' __attribute__((packed))');
  }

  /** `btf_dump_emit_enum_def`. */
  private emitEnumDef(id: number, lvl: number): void {
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const vlen = info & 0xffff;
    if (w[o] === 0) {
      this.lit('enum');
    } else {
      this.lit('enum ');
      this.uniqueName(id, this.typeNames);
    }
    if (!vlen) return;
    this.lit(' {');
    const signed = info >>> 31 === 1;
    if (((info >>> 24) & 0x1f) === BTF_KIND_ENUM) {
      for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
        this.enumerator(w[e]!, lvl);
        this.num(signed ? w[e + 1]! | 0 : w[e + 1]!);
        this.ch(44); // ,
      }
    } else {
      for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
        this.enumerator(w[e]!, lvl);
        const lo = w[e + 1]!;
        const hi = w[e + 2]!;
        if (hi === 0 || (signed && hi === 0xffffffff && lo >= 0x80000000)) {
          this.num(hi === 0 ? lo : lo - 0x100000000);
        } else {
          const u = (BigInt(hi) << 32n) | BigInt(lo);
          this.lit(String(signed ? BigInt.asIntN(64, u) : u));
        }
        this.lit(signed ? 'LL,' : 'ULL,');
      }
    }
    // No `mode(byte)`/`mode(word)` for enums of unusual size: that came with
    // libbpf 1.1 and is not in the 6.1 kernel's libbpf bpftool is built from.
    this.nlTabs(lvl);
    this.ch(125); // }
  }

  /** Writes the start of an enumerator line, `\n\tNAME = ` or `\n\tNAME___N = `. */
  private enumerator(nameOff: number, lvl: number): void {
    // Enumerators share the namespace of typedef names.
    const dups = this.identNames.add(nameOff);
    this.nlTabs(lvl + 1);
    this.name(nameOff);
    if (dups > 1) {
      this.lit('___');
      this.num(dups);
    }
    this.lit(' = ');
  }

  /** `btf_dump_emit_fwd_def`. */
  private fwdDef(id: number, info: number): void {
    this.lit(info >>> 31 ? 'union ' : 'struct ');
    this.uniqueName(id, this.typeNames);
  }

  /** `btf_dump_emit_typedef_def`. */
  private emitTypedefDef(id: number, lvl: number): void {
    const o = this.off[id]!;
    const target = this.w[o + 2]!;
    this.resolveName(id, this.identNames);
    // Old GCC emits __gnuc_va_list as a typedef of void.
    if (target === 0 && this.w[o] !== 0 && this.nameIs(this.w[o]!, '__gnuc_va_list') && this.dups[id]! <= 1) {
      this.lit('typedef __builtin_va_list __gnuc_va_list');
      return;
    }
    this.lit('typedef ');
    this.emitTypeDecl(target, -id, lvl);
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
   * `btf_dump_emit_type_decl`: prints the declaration of a name as type
   * `id`. The chain down to the terminal type goes on the shared stack as
   * this call's own frame, and is printed back from the terminal type.
   *
   * The declared name is `fname`: a string offset when positive or zero (0
   * is no name), or minus the id of a typedef whose unique name it is.
   */
  private emitTypeDecl(id: number, fname: number, lvl: number): void {
    // Most declarations repeat a type already printed (`u32 x`, `struct
    // list_head y`): those come from the cache, with the new name put in.
    const named = this.hasName(fname);
    if (named) {
      const at = this.declAt[id]!;
      if (at !== 0) {
        this.copyDecl(at - 1, this.declPreLen[id]!);
        if (this.flags[id]! & DECL_SEP) this.ch(SPACE);
        this.declName(fname);
        this.copyDecl(at - 1 + this.declPreLen[id]!, this.declPostLen[id]!);
        return;
      }
    }
    const start = this.top;
    // Record this declaration if it has a name, unless something below
    // records one already (a parameter of a prototype in this chain).
    const saved = this.capFrame;
    const record = named && saved < 0;
    let p0 = 0, flushes = 0, inline = 0;
    if (record) {
      this.capFrame = start;
      this.capNameAt = -1;
      p0 = this.p;
      flushes = this.flushes;
      inline = this.inlineDefs;
    }
    this.emitDecl(id, fname, lvl, start);
    if (record) {
      this.capFrame = saved;
      // Not cacheable: text that spans a flushed chunk, or anonymous types
      // defined inline (their text depends on the indent and counts enumerators).
      if (this.capNameAt >= 0 && this.flushes === flushes && this.inlineDefs === inline) {
        this.saveDecl(id, p0, this.capNameAt, this.capNameEnd, this.capSep);
      }
    }
  }

  /** Copies `len` bytes of the declaration cache from `at` to the output. */
  private copyDecl(at: number, len: number): void {
    this.room(len);
    const b = this.b, a = this.arena;
    let p = this.p;
    for (let i = at, e = at + len; i < e; i++) b[p++] = a[i]!;
    this.p = p;
  }

  /** Caches the text of a declaration of `id`: output `[p0, nameAt)` before the name, `[nameEnd, p)` after it. */
  private saveDecl(id: number, p0: number, nameAt: number, nameEnd: number, sep: boolean): void {
    const pre = nameAt - p0;
    const post = this.p - nameEnd;
    if (this.arenaLen + pre + post > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + pre + post));
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
    }
    const a = this.arena, b = this.b;
    let q = this.arenaLen;
    for (let i = p0; i < nameAt; i++) a[q++] = b[i]!;
    for (let i = nameEnd, e = this.p; i < e; i++) a[q++] = b[i]!;
    this.declAt[id] = this.arenaLen + 1;
    this.declPreLen[id] = pre;
    this.declPostLen[id] = post;
    if (sep) this.flags[id]! |= DECL_SEP;
    this.arenaLen = q;
  }

  /** The body of {@link emitTypeDecl}: pushes the chain as the frame at `start` and prints it. */
  private emitDecl(id: number, fname: number, lvl: number, start: number): void {
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
      if (k === BTF_KIND_VOLATILE) this.lit('volatile ');
      else if (k === BTF_KIND_CONST) this.lit('const ');
      else if (k === BTF_KIND_RESTRICT) this.lit('restrict ');
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
  private emitTypeChain(start: number, fname: number, lvl: number): void {
    const { w } = this;
    // Whether the last thing printed was `*`: then no space before a name
    // or another `*` (`int ***p`), which is also right for the lone pointer
    // of `(*f)` in a function pointer.
    let lastWasPtr = true;
    while (this.top > start) {
      const id = this.stack[--this.top]!;
      if (id === 0) {
        this.emitMods(start);
        this.lit('void');
        lastWasPtr = false;
        continue;
      }
      const o = this.off[id]!;
      const info = w[o + 1]!;
      const kind = (info >>> 24) & 0x1f;
      switch (kind) {
        case BTF_KIND_INT: case BTF_KIND_FLOAT:
          this.emitMods(start);
          this.name(w[o]!);
          break;
        case BTF_KIND_STRUCT: case BTF_KIND_UNION:
          this.emitMods(start);
          // Anonymous structs and unions are defined inline.
          if (w[o] === 0) {
            this.inlineDefs++;
            this.emitStructDef(id, lvl);
          } else {
            this.structFwd(id, info);
          }
          break;
        case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
          this.emitMods(start);
          if (w[o] === 0) {
            this.inlineDefs++;
            this.emitEnumDef(id, lvl);
          } else {
            this.lit('enum ');
            this.uniqueName(id, this.typeNames);
          }
          break;
        case BTF_KIND_FWD:
          this.emitMods(start);
          this.fwdDef(id, info);
          break;
        case BTF_KIND_TYPEDEF:
          this.emitMods(start);
          this.uniqueName(id, this.identNames);
          break;
        case BTF_KIND_PTR:
          if (lastWasPtr) this.ch(42); // *
          else this.lit(' *');
          break;
        case BTF_KIND_VOLATILE:
          this.lit(' volatile');
          break;
        case BTF_KIND_CONST:
          this.lit(' const');
          break;
        case BTF_KIND_RESTRICT:
          this.lit(' restrict');
          break;
        case BTF_KIND_TYPE_TAG:
          this.emitMods(start);
          this.lit(' __attribute__((btf_type_tag("');
          this.name(w[o]!);
          this.lit('")))');
          break;
        case BTF_KIND_ARRAY: {
          // GCC puts the element's cv-qualifiers on the array too; drop them.
          this.dropMods(start);
          const nelems = w[o + 5]!;
          if (this.top === start) {
            this.emitName(fname, lastWasPtr, start);
          } else {
            const multidim = this.kind(this.stack[this.top - 1]!) === BTF_KIND_ARRAY;
            if (!lastWasPtr && this.hasName(fname)) this.ch(SPACE);
            // No parentheses for a multi-dimensional array.
            if (!multidim) this.ch(40); // (
            this.emitTypeChain(start, fname, lvl);
            if (!multidim) this.ch(41); // )
          }
          this.ch(91); // [
          this.num(nelems);
          this.ch(93); // ]
          return;
        }
        case BTF_KIND_FUNC_PROTO: {
          // GCC marks noreturn function pointers volatile; drop that too.
          this.dropMods(start);
          if (this.top > start) {
            this.lit(' (');
            this.emitTypeChain(start, fname, lvl);
            this.ch(41); // )
          } else {
            this.emitName(fname, lastWasPtr, start);
          }
          this.ch(40); // (
          const vlen = info & 0xffff;
          // Clang gives a prototype without arguments one void argument;
          // both that and no arguments at all print as `(void)` (the 6.1
          // stable backport of libbpf's "fix no-args func prototype").
          if (vlen === 0 || (vlen === 1 && w[o + 4] === 0)) {
            this.lit('void)');
            return;
          }
          for (let i = 0, p = o + 3; i < vlen; i++, p += 2) {
            if (i > 0) this.lit(', ');
            // A last argument of type void is the ellipsis.
            if (i === vlen - 1 && w[p + 1] === 0) {
              this.lit('...');
              break;
            }
            this.emitTypeDecl(w[p + 1]!, w[p]!, lvl);
          }
          this.ch(41); // )
          return;
        }
        default:
          // libbpf warns about an unexpected kind and prints nothing more.
          return;
      }
      lastWasPtr = kind === BTF_KIND_PTR;
    }
    this.emitName(fname, lastWasPtr, start);
  }

  /** Whether the declared name `fname` (see {@link emitTypeDecl}) is not empty. */
  private hasName(fname: number): boolean {
    return fname > 0 ? this.strs[fname] !== 0 : fname < 0 && this.w[this.off[-fname]!] !== 0;
  }

  /** `btf_dump_emit_name`: the declared name, after a space unless it follows `*`. */
  private emitName(fname: number, lastWasPtr: boolean, frame: number): void {
    if (!this.hasName(fname)) return;
    if (frame === this.capFrame) {
      // The name of the declaration being recorded for the cache.
      this.capNameAt = this.p;
      this.capSep = !lastWasPtr;
    }
    if (!lastWasPtr) this.ch(SPACE);
    this.declName(fname);
    if (frame === this.capFrame) this.capNameEnd = this.p;
  }

  /** Writes a declared name: a string, or a typedef's own name, which may carry a ___N suffix. */
  private declName(fname: number): void {
    if (fname > 0) this.name(fname);
    else this.uniqueName(-fname, this.identNames);
  }

  // ---------------------------------------------------------------- names

  /**
   * `btf_dump_resolve_name`: on first use, counts the name of `id` in `map`;
   * returns how many types had it then (0 for an anonymous type), so that
   * the type prints as `NAME___N` when that is above 1.
   */
  private resolveName(id: number, map: NameCounter): number {
    const { w } = this;
    const o = this.off[id]!;
    const n = w[o]!;
    if (n === 0) return 0;
    if (this.flags[id]! & NAME_RESOLVED) return this.dups[id]!;
    this.flags[id]! |= NAME_RESOLVED;
    const info = w[o + 1]!;
    const kind = (info >>> 24) & 0x1f;
    // FWDs and enum forward declarations never clash with their definitions.
    const dups = kind === BTF_KIND_FWD || (kind === BTF_KIND_ENUM && (info & 0xffff) === 0)
      ? 1 : map.add(n);
    this.dups[id] = dups;
    return dups;
  }
}
