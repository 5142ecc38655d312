/**
 * Pass 1, strings (libbpf's `btf_dedup_strings` and
 * `strs_dedup_remap_str_off`): rebuild the string section from what the
 * types (then .BTF.ext) refer to, in the order they refer to it.
 *
 * Walk every string offset of this BTF's types in id order (name, then
 * member / enum value / param names in vlen order, the fields table's
 * order), then those of .BTF.ext. Offset 0 and offsets into the base stay.
 * Any other string goes to the base's offset when the base has it (split
 * BTF), else to its offset in the new section, appended the first time its
 * content is seen. Unreferenced strings disappear; duplicates merge. A BTF
 * whose strings are already unique (built with the builder or `addBtf`,
 * libbpf's `strs_deduped`) is left alone.
 *
 *   old section   \0 int \0 foo \0 unused \0 int \0 bar \0
 *                     ^1      ^5              ^16    ^20
 *   references    5, 1, 20, 16
 *   new section   \0 foo \0 int \0 bar \0      5->1  1->5  20->9  16->5
 *
 * Strings are hashed here with a small JS hash (a small cache of old offset
 * -> new offset catches most repeats) instead of the container's StrSet,
 * whose index the caller builds only if the BTF is modified again.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { ELEM_BASE, ELEM_SIZE, STR_ELEM_POS } from '../fields.js';
import { BTF_ELF_SEC, infoKind, infoVlen } from '../kinds.js';
import type { DedupExt, DedupState } from './state.js';

const EMPTY = -1;
const CACHE_BITS = 15;
const CACHE_SLOTS = 1 << CACHE_BITS;

/** Length of the string last hashed by {@link hashAt}. */
let hashedLen = 0;

/** Returns the FNV-1a hash of the NUL-terminated string at `d[p]` (and sets `hashedLen`). */
function hashAt(d: Uint8Array, p: number): number {
  let h = 0x811c9dc5;
  const s = p;
  for (let c = d[p]!; c !== 0; c = d[++p]!) h = Math.imul(h ^ c, 0x01000193);
  hashedLen = p - s;
  return h ^ (h >>> 16);
}

function sameAt(a: Uint8Array, pa: number, b: Uint8Array, pb: number): boolean {
  for (;;) {
    const c = a[pa++]!;
    if (c !== b[pb++]) return false;
    if (c === 0) return true;
  }
}

/**
 * An append-only set of NUL-terminated strings, by content: the new string
 * section under construction (libbpf's `strset`), or an index of the
 * base's strings.
 */
class StrIndex {
  data: Uint8Array;
  len = 0;
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(bytes: number, strings: number) {
    this.data = new Uint8Array(Math.max(16, bytes));
    let cap = 64;
    while (cap < strings * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
  }

  /** Returns the offset of the string at `src[p]`, or -1. */
  find(src: Uint8Array, p: number, h: number): number {
    const d = this.data;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const o = this.slots[i]!;
      if (o === EMPTY) return -1;
      if (sameAt(d, o, src, p)) return o;
    }
  }

  /**
   * Returns the offset of the string at `src[p]`, of `len` bytes, appending
   * it when new (`strset__add_str`).
   */
  add(src: Uint8Array, p: number, h: number, len: number): number {
    let d = this.data;
    let i = h & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      const o = this.slots[i]!;
      if (o === EMPTY) break;
      if (sameAt(d, o, src, p)) return o;
    }
    const n = len + 1;
    if (this.len + n > d.length) {
      const g = new Uint8Array(Math.max(d.length * 2, this.len + n));
      g.set(d.subarray(0, this.len));
      this.data = d = g;
    }
    const off = this.len;
    for (let j = 0; j < n; j++) d[off + j] = src[p + j]!;
    this.len += n;
    this.slots[i] = off;
    if (++this.count * 2 > this.slots.length) this.grow();
    return off;
  }

  /** Indexes a string already in `data` at `off`, keeping the first of duplicates. */
  seed(off: number): void {
    const d = this.data;
    let i = hashAt(d, off) & this.mask;
    for (; ; i = (i + 1) & this.mask) {
      const o = this.slots[i]!;
      if (o === EMPTY) break;
      if (sameAt(d, o, d, off)) return;
    }
    this.slots[i] = off;
    if (++this.count * 2 > this.slots.length) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    this.mask = this.slots.length - 1;
    for (let j = 0; j < old.length; j++) {
      const o = old[j]!;
      if (o === EMPTY) continue;
      let i = hashAt(this.data, o) & this.mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & this.mask;
      this.slots[i] = o;
    }
  }
}

/** Returns the section itself when it ends with a NUL (valid input always does), else a terminated copy. */
function terminated(s: Uint8Array): Uint8Array {
  if (s.length && s[s.length - 1] === 0) return s;
  const c = new Uint8Array(s.length + 1);
  c.set(s);
  return c;
}

/**
 * The base's strings as `btf__find_str` on the base finds them: the
 * innermost base first, the first of duplicates within a section.
 */
class BaseStrings {
  private readonly levels: Array<{ start: number; index: StrIndex }> = [];

  constructor(base: BtfContainer) {
    const chain: BtfContainer[] = [];
    for (let b: BtfContainer | null = base; b; b = b.base) chain.unshift(b);
    for (const b of chain) {
      const s = terminated(b.stringSection());
      const index = new StrIndex(0, s.length >> 4);
      index.data = s;
      index.len = s.length;
      for (let off = 0; off < s.length; ) {
        index.seed(off);
        off = s.indexOf(0, off) + 1;
      }
      this.levels.push({ start: b.startStrOff, index });
    }
  }

  /** Returns the base offset of the string at `src[p]`, or -1. */
  find(src: Uint8Array, p: number, h: number): number {
    for (const l of this.levels) {
      const o = l.index.find(src, p, h);
      if (o >= 0) return l.start + o;
    }
    return -1;
  }
}

/**
 * Rewrites every string offset of the BTF's types (and of `ext`) to the
 * deduplicated section; returns the new section, or null when the strings
 * were already unique and nothing changed.
 */
export function dedupStrings(d: DedupState, ext: DedupExt | undefined): Uint8Array | null {
  const btf = d.btf;
  if (btf.strsDeduped) return null;
  const old = terminated(btf.stringSection());
  const start = btf.startStrOff;
  const split = btf.base !== null;
  // about one string per 16 bytes in practice; the index grows if not
  const set = new StrIndex(old.length, old.length >> 4);
  // strset__add_str(""): base BTF always starts with the empty string.
  if (!split) set.add(old, old.length - 1, hashAt(old, old.length - 1), 0);
  let base: BaseStrings | null = null;
  // A direct-mapped cache of old offset -> new offset: names like `next` or
  // `flags` are referenced thousands of times; a full table (one slot per
  // old byte) would cost 4 bytes per byte of the section.
  const cacheKey = new Int32Array(CACHE_SLOTS).fill(-1);
  const cacheVal = new Uint32Array(CACHE_SLOTS);

  const remap = (off: number): number => {
    if (off === 0 || off < start) return off;
    const local = off - start;
    if (local >= old.length) {
      throw new BtfError(BtfErrorCode.BadString, `string offset ${off} is past the string section`, {
        section: BTF_ELF_SEC,
      });
    }
    const slot = Math.imul(local, 0x9e3779b1) >>> (32 - CACHE_BITS);
    if (cacheKey[slot] === local) return cacheVal[slot]!;
    const h = hashAt(old, local);
    const len = hashedLen;
    let r = -1;
    if (split) {
      base ??= new BaseStrings(btf.base!);
      r = base.find(old, local, h);
    }
    if (r < 0) r = start + set.add(old, local, h, len);
    cacheKey[slot] = local;
    cacheVal[slot] = r;
    return r;
  };

  const w = d.w;
  const off = d.off;
  for (let id = d.startId; id < d.typeCnt; id++) {
    const o = off[id]!;
    const nameOff = w[o]!;
    if (nameOff) w[o] = remap(nameOff);
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const sp = kind < STR_ELEM_POS.length ? STR_ELEM_POS[kind]! : -1;
    if (sp < 0) continue;
    const esz = ELEM_SIZE[kind]!;
    for (let e = o + ELEM_BASE[kind]! + sp, n = infoVlen(info); n > 0; n--, e += esz) {
      const s = w[e]!;
      if (s) w[e] = remap(s);
    }
  }
  if (ext) ext.visitStrOffs(remap);
  // a view: the section was sized for the old strings, so little is wasted
  return set.data.subarray(0, set.len);
}
