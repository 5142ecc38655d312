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

/** Returns the string at `off` in `data` (up to the next NUL or the end). */
export function decodeStrAt(data: Uint8Array, off: number, end: number = data.length): string {
  let e = data.indexOf(0, off);
  if (e < 0 || e > end) e = end;
  // Short ASCII names dominate; String.fromCharCode avoids TextDecoder's
  // per-call overhead for them.
  if (e - off <= 64) {
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

const EMPTY = 0xffffffff;

/** The bits of a hash the index keeps (lib/hash.ts `hashStringStarts` sets the top one). */
const HASH_BITS = 0x7fffffff;

/**
 * The intern set of a modifiable string section: bytes plus a hash index.
 * Offsets returned are local to this section. Each slot keeps the string's
 * hash beside its offset, so that growing the index hashes nothing again and
 * a probe compares bytes only when the hashes agree.
 */
export class StrSet {
  /** The section bytes; only `[0, len)` is meaningful. */
  data: Uint8Array;
  len: number;
  private slots: Uint32Array;
  private hashes: Uint32Array;
  private mask: number;
  private count = 0;

  /** Returns a set over a copy of `init` (the empty set when absent). */
  constructor(init?: Uint8Array, extraCapacity = 0) {
    const n = init ? init.length : 0;
    this.data = new Uint8Array(Math.max(64, n + extraCapacity + (n >> 2)));
    if (init) this.data.set(init);
    this.len = n;
    let cap = 64;
    let strings = 0;
    if (init) for (let i = 0; i < n; i++) if (init[i] === 0) strings++;
    while (cap < strings * 2) cap *= 2;
    this.slots = new Uint32Array(cap).fill(EMPTY);
    this.hashes = new Uint32Array(cap);
    this.mask = cap - 1;
    for (let off = 0; off < n; ) {
      let end = this.data.indexOf(0, off);
      if (end < 0 || end >= n) end = n;
      this.insertIfAbsent(off, end - off);
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

  private grow(): void {
    this.resize(this.slots.length * 2);
  }

  private resize(cap: number): void {
    const old = this.slots;
    const oldHashes = this.hashes;
    const slots = new Uint32Array(cap).fill(EMPTY);
    const hashes = new Uint32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j++) {
      const off = old[j]!;
      if (off === EMPTY) continue;
      const h = oldHashes[j]!;
      let i = h & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = off;
      hashes[i] = h;
    }
    this.slots = slots;
    this.hashes = hashes;
    this.mask = mask;
  }

  /** Probes for the string at `[off, off+n)` of data; returns the existing offset, or inserts `off` and returns -1. */
  private insertIfAbsent(off: number, n: number): number {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const d = this.data;
    const h = hash32(d.subarray(off, off + n)) & HASH_BITS;
    let i = h & this.mask;
    for (;;) {
      const cur = this.slots[i]!;
      if (cur === EMPTY) {
        this.slots[i] = off;
        this.hashes[i] = h;
        this.count++;
        return -1;
      }
      if (this.hashes[i] === h && d[cur + n] === 0 && sameBytes(d, cur, off, n)) return cur;
      i = (i + 1) & this.mask;
    }
  }

  private lookup(off: number, n: number): number {
    const d = this.data;
    const h = hash32(d.subarray(off, off + n)) & HASH_BITS;
    let i = h & this.mask;
    for (;;) {
      const cur = this.slots[i]!;
      if (cur === EMPTY) return -1;
      if (this.hashes[i] === h && d[cur + n] === 0 && sameBytes(d, cur, off, n)) return cur;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Returns the offset of `bytes` (no NUL inside), appending it when new
   * (libbpf's `strset__add_str`: write at the end, then probe).
   */
  add(bytes: Uint8Array): number {
    const n = bytes.length;
    this.ensureData(n + 1);
    const off = this.len;
    this.data.set(bytes, off);
    this.data[off + n] = 0;
    const old = this.insertIfAbsent(off, n);
    if (old >= 0) return old;
    this.len += n + 1;
    return off;
  }

  /** Makes room for `bytes` more bytes in `strings` more strings, so that adding them copies and resizes nothing. */
  reserve(bytes: number, strings: number): void {
    this.ensureData(bytes);
    let cap = this.slots.length;
    while (cap < (this.count + strings) * 2) cap *= 2;
    if (cap !== this.slots.length) this.resize(cap);
  }

  /**
   * Returns the offset of the `n` bytes at `src[p]` (no NUL inside), whose
   * hash32 is `h` (the low 31 bits are used), appending them when new:
   * {@link add} for a string of another section hashed in bulk (lib/hash.ts
   * `hashStringStarts`), with no copy unless the string is new.
   */
  addHashed(src: Uint8Array, p: number, n: number, h: number): number {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    h &= HASH_BITS;
    let d = this.data;
    const mask = this.mask;
    const slots = this.slots;
    const hashes = this.hashes;
    let i = h & mask;
    for (;;) {
      const cur = slots[i]!;
      if (cur === EMPTY) break;
      if (hashes[i] === h && d[cur + n] === 0 && sameBytesOf(d, cur, src, p, n)) return cur;
      i = (i + 1) & mask;
    }
    this.ensureData(n + 1);
    d = this.data;
    const off = this.len;
    if (n > 16) d.set(src.subarray(p, p + n), off);
    else for (let j = 0; j < n; j++) d[off + j] = src[p + j]!;
    d[off + n] = 0;
    this.len += n + 1;
    slots[i] = off;
    hashes[i] = h;
    this.count++;
    return off;
  }

  /** Returns the offset of `bytes`, or -1 when absent (libbpf's `strset__find_str`). */
  find(bytes: Uint8Array): number {
    const n = bytes.length;
    this.ensureData(n + 1);
    this.data.set(bytes, this.len);
    this.data[this.len + n] = 0;
    return this.lookup(this.len, n);
  }

  /** Returns the used bytes (a view, valid until the next add). */
  bytes(): Uint8Array {
    return this.data.subarray(0, this.len);
  }
}

function sameBytes(d: Uint8Array, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[a + i] !== d[b + i]) return false;
  return true;
}

function sameBytesOf(d: Uint8Array, a: number, s: Uint8Array, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[a + i] !== s[b + i]) return false;
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
    // One path for a new name and a repeated one, so that the first repeat
    // (rare: it comes late) meets no code the optimiser was never shown.
    let i = h & mask;
    let k = keys[i]!;
    while (k >= 0 && k !== off && !(sameBytes(s, k, off, len) && (s[k + len] ?? 0) === 0)) {
      i = (i + 1) & mask;
      k = keys[i]!;
    }
    if (k < 0) {
      keys[i] = off;
      this.used++;
    }
    const n = ++this.counts[i]!;
    if (this.used * 2 > keys.length) this.grow();
    return n;
  }

  /** Takes the counts of `other` (a counter over a section whose first bytes are this one's, such as a base's). */
  copyFrom(other: NameCounts): void {
    this.keys = other.keys.slice();
    this.counts = other.counts.slice();
    this.used = other.used;
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
