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
 * The new section is a StrSet (lib/strings.ts) hashed with FNV-1a in
 * JavaScript (`fnvAt`) rather than the container's xxhash, whose bulk path
 * wants a whole section; a small cache of old offset -> new offset catches
 * most repeats. The container builds its own index of the result only if
 * the BTF is modified again.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { ELEM_BASE, ELEM_SIZE, STR_ELEM_POS } from '../fields.js';
import { BTF_ELF_SEC, infoKind, infoVlen } from '../kinds.js';
import { fnvAt, fnvStr, lastFnvLength, StrSet } from '../strings.js';
import type { DedupExt, DedupState } from './state.js';

const CACHE_BITS = 15;
const CACHE_SLOTS = 1 << CACHE_BITS;

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
  private readonly levels: Array<{ start: number; index: StrSet }> = [];

  constructor(base: BtfContainer) {
    const chain: BtfContainer[] = [];
    for (let b: BtfContainer | null = base; b; b = b.base) chain.unshift(b);
    for (const b of chain) this.levels.push({ start: b.startStrOff, index: new StrSet(b.stringSection(), 0, fnvAt) });
  }

  /** Returns the base offset of the `n` bytes at `src[p]` (FNV hash `h`), or -1. */
  find(src: Uint8Array, p: number, n: number, h: number): number {
    for (const l of this.levels) {
      const o = l.index.findHashed(src, p, n, h);
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
  const set = new StrSet(undefined, old.length, fnvAt);
  // Room for one string per 32 bytes, a slot (offset and hash) of 8 bytes
  // per 16 bytes of section: vmlinux has one string per 19 bytes, so its
  // index stays just under half full and no larger than it must (the
  // probes' cache misses are most of this pass); a section of shorter
  // strings grows the index, which rehashes no string.
  set.reserve(0, old.length >> 5);
  // strset__add_str(""): base BTF always starts with the empty string.
  if (!split) set.add(old.subarray(0, 0));
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
    const h = fnvStr(old, local);
    const len = lastFnvLength();
    let r = -1;
    if (split) {
      base ??= new BaseStrings(btf.base!);
      r = base.find(old, local, len, h);
    }
    if (r < 0) r = start + set.addHashed(old, local, len, h);
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
  return set.bytes();
}
