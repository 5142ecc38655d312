/**
 * String sections.
 *
 * A BTF string section is a run of NUL-terminated strings; offset 0 is the
 * empty string (split BTF continues the base's offsets and has no leading
 * NUL of its own). Read-only BTF reads names straight from the input bytes.
 * The first modification turns the section into a {@link StrSet}: a growable
 * copy of the bytes plus an open-addressing index from string content to
 * offset (libbpf's `strset.c`). Seeding the index keeps the *first* offset of
 * every distinct string and leaves later duplicates where they are, so every
 * offset already handed out stays valid ("imperfect" dedup).
 *
 *   data:  \0 i n t \0 c h a r \0 i n t \0 f o o \0 [free capacity ...]
 *          ^0 ^1        ^5        ^10(dup) ^14
 *   index: hash("int") -> 1, hash("char") -> 5, hash("foo") -> 14
 */
import { hash32 } from './hash.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Returns the UTF-8 bytes of `s`. */
export function encodeStr(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Compares two strings by their UTF-8 bytes, as C's `strcmp` and
 * `std::string` order them (code point order, which JS's UTF-16 comparison
 * is not); returns a negative number, 0 or a positive number.
 */
export function compareUtf8(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Strings up to this many bytes are decoded as ASCII when they are (String.fromCharCode: one argument per byte). */
const ASCII_MAX = 4096;

/** Returns the string at `off` in `data` (up to the next NUL or the end). */
export function decodeStrAt(data: Uint8Array, off: number, end: number = data.length): string {
  let e = data.indexOf(0, off);
  if (e < 0 || e > end) e = end;
  // ASCII names dominate; String.fromCharCode avoids TextDecoder's per-call
  // overhead for them. The bound is wide (a kernel's longest names are some
  // 100 bytes): TextDecoder, first met after V8 optimised this function and
  // every function that inlined it, would deoptimise them all.
  if (e - off <= ASCII_MAX) {
    let ascii = true;
    for (let i = off; i < e; i++)
      if (data[i]! >= 0x80) {
        ascii = false;
        break;
      }
    if (ascii) return String.fromCharCode.apply(null, data.subarray(off, e) as unknown as number[]);
  }
  return decoder.decode(data.subarray(off, e));
}

/** An empty slot (offsets and the hashes kept are below 2^31). */
const EMPTY = -1;

/** The bits of a hash the index keeps (lib/hash.ts `hashStringStarts` sets the top one). */
const HASH_BITS = 0x7fffffff;

/**
 * The hash of a {@link StrSet}: of the `n` bytes at `d[p]`. Every hash a set
 * is given (`addHashed`, `findHashed`) must be its own function's.
 */
type StrHash = (d: Uint8Array, p: number, n: number) => number;

/** The default hash: hash32 (xxhash), as lib/hash.ts `hashStringStarts` hashes a whole section. */
const xxhashAt: StrHash = (d, p, n) => hash32(d.subarray(p, p + n));

/**
 * FNV-1a over the `n` bytes at `d[p]`, folded (`h ^ h >>> 16`) so that its
 * low bits index a table: a hash in JavaScript, for a set whose strings come
 * one at a time from a section not hashed in bulk (dedup's new section).
 */
export const fnvAt: StrHash = (d, p, n) => {
  let h = 0x811c9dc5;
  for (let e = p + n; p < e; p++) h = Math.imul(h ^ d[p]!, 0x01000193);
  return h ^ (h >>> 16);
};

/** The length of the string {@link fnvStr} hashed last. */
let fnvLength = 0;

/**
 * Returns {@link fnvAt} of the NUL-terminated string at `d[p]` (`d` must hold
 * its NUL), finding its end as it hashes: see {@link lastFnvLength}.
 */
export function fnvStr(d: Uint8Array, p: number): number {
  let h = 0x811c9dc5;
  const s = p;
  for (let c = d[p]!; c !== 0; c = d[++p]!) h = Math.imul(h ^ c, 0x01000193);
  fnvLength = p - s;
  return h ^ (h >>> 16);
}

/** Returns the length of the string {@link fnvStr} hashed last. */
export function lastFnvLength(): number {
  return fnvLength;
}

/**
 * The intern set of a modifiable string section: bytes plus a hash index.
 * Offsets returned are local to this section. Each slot keeps the string's
 * hash beside its offset, so that growing the index hashes nothing again and
 * a probe compares bytes only when the hashes agree. The hash is xxhash
 * unless another {@link StrHash} is given.
 */
export class StrSet {
  /** The section bytes; only `[0, len)` is meaningful. */
  data: Uint8Array;
  len: number;
  /** The index: per slot, the string's offset (EMPTY: none) then its hash, side by side (one cache line). */
  private table: Int32Array;
  /** Slots - 1 (a power of two). */
  private mask: number;
  private count = 0;

  /**
   * Returns a set over a copy of `init` (the empty set when absent), with
   * room for `extraCapacity` more bytes, each of its strings indexed at its
   * first offset (later duplicates stay where they are, unindexed).
   */
  constructor(
    init?: Uint8Array,
    extraCapacity = 0,
    private readonly hash: StrHash = xxhashAt,
  ) {
    const n = init ? init.length : 0;
    this.data = new Uint8Array(Math.max(64, n + extraCapacity + (n >> 2)));
    if (init) this.data.set(init);
    this.len = n;
    let cap = 64;
    let strings = 0;
    if (init) for (let i = 0; i < n; i++) if (init[i] === 0) strings++;
    while (cap < strings * 2) cap *= 2;
    this.table = newTable(cap);
    this.mask = cap - 1;
    const d = this.data;
    for (let off = 0; off < n; ) {
      let end = d.indexOf(0, off);
      if (end < 0 || end >= n) end = n;
      const h = hash(d, off, end - off) & HASH_BITS;
      const i = this.probe(d, off, end - off, h);
      if (this.table[i] === EMPTY) this.place(i, off, h);
      off = end + 1;
    }
  }

  /** Number of distinct strings indexed. */
  get size(): number {
    return this.count;
  }

  private ensureData(extra: number): void {
    if (this.len + extra <= this.data.length) return;
    let cap = this.data.length;
    while (cap < this.len + extra) cap += Math.max(cap >> 2, 64);
    const d = new Uint8Array(cap);
    d.set(this.data.subarray(0, this.len));
    this.data = d;
  }

  private resize(cap: number): void {
    const old = this.table;
    const table = newTable(cap);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      const off = old[j]!;
      if (off === EMPTY) continue;
      const h = old[j + 1]!;
      let i = h & mask;
      while (table[i << 1] !== EMPTY) i = (i + 1) & mask;
      table[i << 1] = off;
      table[(i << 1) + 1] = h;
    }
    this.table = table;
    this.mask = mask;
  }

  /**
   * Returns the slot of the `n` bytes at `src[p]` (hash `h`, top bit clear),
   * as its position in the table: the one that indexes them, else the empty
   * slot where they would go.
   */
  private probe(src: Uint8Array, p: number, n: number, h: number): number {
    const d = this.data;
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const t = i << 1;
      const cur = table[t]!;
      if (cur === EMPTY || (table[t + 1] === h && d[cur + n] === 0 && sameBytes(d, cur, src, p, n))) return t;
      i = (i + 1) & mask;
    }
  }

  /** Indexes the string at `off` in the slot at `t` (from {@link probe}); grows the index when half full. */
  private place(t: number, off: number, h: number): void {
    this.table[t] = off;
    this.table[t + 1] = h;
    if (++this.count * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
  }

  /**
   * Returns the offset of `bytes` (no NUL inside), appending it when new
   * (libbpf's `strset__add_str`).
   */
  add(bytes: Uint8Array): number {
    return this.addHashed(bytes, 0, bytes.length, this.hash(bytes, 0, bytes.length));
  }

  /** Makes room for `bytes` more bytes in `strings` more strings, so that adding them copies and resizes nothing. */
  reserve(bytes: number, strings: number): void {
    this.ensureData(bytes);
    let cap = this.mask + 1;
    while (cap < (this.count + strings) * 2) cap *= 2;
    if (cap !== this.mask + 1) this.resize(cap);
  }

  /**
   * Returns the offset of the `n` bytes at `src[p]` (no NUL inside), whose
   * hash by this set's function is `h` (the low 31 bits are used), appending
   * them when new: {@link add} for a string of another section hashed
   * already (in bulk: lib/hash.ts `hashStringStarts`), with no copy unless
   * the string is new.
   */
  addHashed(src: Uint8Array, p: number, n: number, h: number): number {
    h &= HASH_BITS;
    const t = this.probe(src, p, n, h);
    const cur = this.table[t]!;
    if (cur !== EMPTY) return cur;
    this.ensureData(n + 1);
    const d = this.data;
    const off = this.len;
    for (let j = 0; j < n; j++) d[off + j] = src[p + j]!;
    d[off + n] = 0;
    this.len += n + 1;
    this.place(t, off, h);
    return off;
  }

  /** Returns the offset of `bytes`, or -1 when absent (libbpf's `strset__find_str`). */
  find(bytes: Uint8Array): number {
    return this.findHashed(bytes, 0, bytes.length, this.hash(bytes, 0, bytes.length));
  }

  /** {@link find} for the `n` bytes at `src[p]`, whose hash by this set's function is `h`. */
  findHashed(src: Uint8Array, p: number, n: number, h: number): number {
    const cur = this.table[this.probe(src, p, n, h & HASH_BITS)]!;
    return cur; // EMPTY is -1
  }

  /** Returns the used bytes (a view, valid until the next add). */
  bytes(): Uint8Array {
    return this.data.subarray(0, this.len);
  }
}

/** Returns an empty index of `cap` slots (an empty slot's hash word is never read). */
function newTable(cap: number): Int32Array {
  return new Int32Array(cap * 2).fill(EMPTY);
}

/** Whether the `n` bytes at `a[pa]` and `b[pb]` are the same. */
function sameBytes(a: Uint8Array, pa: number, b: Uint8Array, pb: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[pa + i] !== b[pb + i]) return false;
  return true;
}

/**
 * Fast repeated lookups of names in one string section, for dumps: an ASCII
 * section is decoded once and names are sliced out of it; otherwise each
 * offset is decoded once and cached.
 */
export class StringReader {
  private whole: string | null = null;
  private cache: Map<number, string> | null = null;
  constructor(private readonly bytes: Uint8Array) {
    // The UTF-8 decoder's ASCII path is native and fast (a JS scan plus a
    // latin1 decode costs ten times more on vmlinux). The section was ASCII
    // exactly when nothing shrank and nothing was replaced: any other byte
    // either joins a multi-byte sequence (fewer code units than bytes) or
    // decodes as U+FFFD.
    const s = decoder.decode(bytes);
    if (s.length === bytes.length && s.indexOf('\uFFFD') < 0) this.whole = s;
    else this.cache = new Map();
  }

  /** Whether the section is ASCII (each string's text is then its bytes, one unit per byte). */
  get ascii(): boolean {
    return this.whole !== null;
  }

  /** Returns the string at local offset `off`. */
  at(off: number): string {
    const w = this.whole;
    if (w !== null) {
      const e = w.indexOf('\0', off);
      return w.slice(off, e < 0 ? w.length : e);
    }
    let s = this.cache!.get(off);
    if (s === undefined) {
      s = decodeStrAt(this.bytes, off);
      this.cache!.set(off, s);
    }
    return s;
  }
}

/**
 * Returns the NUL-terminated string at `off` with one UTF-16 unit per byte
 * (a "binary string"), so that comparing two such keys as JS strings orders
 * them as C's `strcmp` orders the bytes. ASCII names come out as their text.
 */
export function byteKeyAt(data: Uint8Array, off: number): string {
  let e = data.indexOf(0, off);
  if (e < 0) e = data.length;
  if (e - off <= 4096) return String.fromCharCode.apply(null, data.subarray(off, e) as unknown as number[]);
  let key = '';
  for (let i = off; i < e; i += 4096)
    key += String.fromCharCode.apply(null, data.subarray(i, Math.min(e, i + 4096)) as unknown as number[]);
  return key;
}

/**
 * Occurrences of names, keyed by their bytes in a string section (one of
 * libbpf's `btf_dump` `type_names`/`ident_names` hashmaps), so that counting
 * a name makes no string: open addressing over the offset of the first copy
 * met. Unlike {@link StrSet} it indexes a section it does not own, and only
 * the names asked about, hashing FNV-1a as it finds the name's end. A `Map`
 * keyed by decoded names made the vmlinux C dump about 20 ms slower.
 */
export class NameCounts {
  private keys: Int32Array;
  /** The FNV-1a hash of each slot's name: a probe passes another name without comparing bytes. */
  private hashes: Int32Array;
  private counts: Uint32Array;
  private used = 0;

  /** Returns a counter for names of `strs`, sized for about `expected` names. */
  constructor(
    private readonly strs: Uint8Array,
    expected: number,
  ) {
    let cap = 1024;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.hashes = new Int32Array(cap);
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
    const hashes = this.hashes;
    const mask = keys.length - 1;
    // One path for a new name and a repeated one, so that the first repeat
    // or the first occupied slot (rare: they come late) meets no code the
    // optimiser was never shown: every test runs on every turn, a slot of
    // another hash is passed by the loop's back edge, and only a slot of the
    // same hash at another offset (a copy of the name elsewhere in the
    // section, or a true collision) compares bytes.
    let i = (h - 1) & mask;
    let k: number;
    for (;;) {
      i = (i + 1) & mask;
      k = keys[i]!;
      const empty = k < 0;
      const same = k === off;
      const other = hashes[i] !== h;
      if (empty || same) break;
      if (other) continue;
      if (sameBytes(s, k, s, off, len) && (s[k + len] ?? 0) === 0) break;
    }
    if (k < 0) {
      keys[i] = off;
      hashes[i] = h;
      this.used++;
    }
    const n = ++this.counts[i]!;
    if (this.used * 2 > keys.length) this.grow();
    return n;
  }

  /** Takes the counts of `other` (a counter over a section whose first bytes are this one's, such as a base's). */
  copyFrom(other: NameCounts): void {
    this.keys = other.keys.slice();
    this.hashes = other.hashes.slice();
    this.counts = other.counts.slice();
    this.used = other.used;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const oldCounts = this.counts;
    const n = oldKeys.length * 2;
    this.keys = new Int32Array(n).fill(-1);
    this.hashes = new Int32Array(n);
    this.counts = new Uint32Array(n);
    for (let j = 0; j < oldKeys.length; j++) {
      const off = oldKeys[j]!;
      if (off < 0) continue;
      const h = oldHashes[j]!;
      let i = h & (n - 1);
      while (this.keys[i]! >= 0) i = (i + 1) & (n - 1);
      this.keys[i] = off;
      this.hashes[i] = h;
      this.counts[i] = oldCounts[j]!;
    }
  }
}
