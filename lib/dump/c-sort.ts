/**
 * The order in which bpftool 7.5 and later visit types for `format c`
 * (`sort_btf_c` in bpftool's btf.c, the default since 7.5; `unsorted` turns
 * it off): a header that lists types by kind rank and name instead of by id,
 * so that vmlinux.h of two kernel builds diff well.
 *
 * Every id from 0 (void) to n-1 gets a key:
 *
 *   rank       0 anonymous enum, 1 named enum, 2 int/float, 3 named
 *              struct/union, 4 named prototype; a typedef, modifier, array or
 *              decl tag takes the rank of what it names, with "has a name"
 *              carried down; everything else (and anything anonymous) 10
 *   sort name  the name of the type a typedef/modifier/array/decl tag leads
 *              to; for an anonymous enum, its first enumerator's name
 *   own name   the type's own name
 *   hash       `h = h * 31 + x` over names (libbpf's `str_hash`, signed
 *              chars) and member types, in 64 bits: tells apart same-named
 *              types of different shape
 *   id         the last tie-break
 *
 * Names compare as JS strings (UTF-16 code units), which is strcmp's byte
 * order for the ASCII names BTF holds; each distinct name is replaced by its
 * place in the sorted list of names first, so the sort compares numbers. The
 * hash is only computed for keys that tie on the rest, and kept per type.
 */
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VOLATILE,
  infoKind,
  infoVlen16,
} from '../kinds.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import type { TypeQuery } from '../query.js';

const MAX_RANK = 10;
/** Deepest recursion of the disambiguation hash (real types nest a few dozen levels). */
const MAX_HASH_DEPTH = 2000;
const TWO32 = 0x100000000;

function isRefKind(kind: number): boolean {
  return (
    kind === BTF_KIND_TYPE_TAG ||
    kind === BTF_KIND_CONST ||
    kind === BTF_KIND_PTR ||
    kind === BTF_KIND_VOLATILE ||
    kind === BTF_KIND_RESTRICT ||
    kind === BTF_KIND_TYPEDEF ||
    kind === BTF_KIND_DECL_TAG
  );
}

/**
 * Returns the ids 0 .. count-1 of the BTF under `q` (lib/query.ts) in
 * bpftool's sorted order. Void is not read: it is all zeroes, as libbpf's
 * `btf_void`. Throws BtfError EINVAL for a type of a kind this version does
 * not know (every type is a root of the sorted dump).
 */
export function sortedTypeIds(q: TypeQuery): Uint32Array {
  const { words: w, offs: off, typeCount: count, strs } = q;
  for (let id = 1; id < count; id++) q.checkKnown(id);
  // bpftool recurses without bound; a loop through a pointer (a PTR to an
  // array of that PTR, which the kernel accepts) would never end.
  const loop = (id: number): never => {
    throw new BtfError(BtfErrorCode.Loop, `type [${id}]: reference loop, the sorted dump cannot rank it`, {
      typeId: id,
    });
  };
  // Void reads as three zero words.
  const kindOf = (id: number): number => (id ? infoKind(w[off[id]! + 1]!) : 0);

  /** `btf_type_rank`. */
  const rankOf = (start: number): number => {
    let id = start;
    let hasName = false;
    for (let n = 0; ; n++) {
      if (n > count) loop(start);
      if (id === 0) return MAX_RANK;
      const o = off[id]!;
      if (w[o] !== 0) hasName = true;
      switch (kindOf(id)) {
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
          return hasName ? 1 : 0;
        case BTF_KIND_INT:
        case BTF_KIND_FLOAT:
          return 2;
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
          return hasName ? 3 : MAX_RANK;
        case BTF_KIND_FUNC_PROTO:
          return hasName ? 4 : MAX_RANK;
        case BTF_KIND_ARRAY:
          if (!hasName) return MAX_RANK;
          id = w[o + 3]!;
          break;
        case BTF_KIND_TYPE_TAG:
        case BTF_KIND_CONST:
        case BTF_KIND_PTR:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_DECL_TAG:
          if (!hasName) return MAX_RANK;
          id = w[o + 2]!;
          break;
        default:
          return MAX_RANK;
      }
    }
  };

  /** `btf_type_sort_name`, as a string offset. */
  const sortNameOff = (start: number): number => {
    let id = start;
    let fromRef = false;
    for (let n = 0; ; n++) {
      if (n > count) loop(start);
      if (id === 0) return 0;
      const o = off[id]!;
      const info = w[o + 1]!;
      const kind = infoKind(info);
      if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) {
        // An anonymous enum sorts by its first enumerator.
        if (!fromRef && w[o] === 0 && infoVlen16(info) !== 0) return w[o + 3]!;
        return w[o]!;
      }
      if (kind === BTF_KIND_ARRAY) id = w[o + 3]!;
      else if (isRefKind(kind)) id = w[o + 2]!;
      else return w[o]!;
      fromRef = true;
    }
  };

  // Names become their place in the sorted list of distinct names, so that
  // the sort compares numbers: `slot` interns string offsets.
  const rank = new Uint8Array(count);
  const sortIdx = new Uint32Array(count);
  const ownIdx = new Uint32Array(count);
  const slot = new Int32Array(strs.length + 1).fill(-1);
  const strings: string[] = [];
  const intern = (n: number): number => {
    let i = slot[n]!;
    if (i < 0) {
      i = strings.length;
      strings.push(n ? q.str(n) : '');
      slot[n] = i;
    }
    return i;
  };
  for (let id = 0; id < count; id++) {
    rank[id] = rankOf(id);
    sortIdx[id] = intern(sortNameOff(id));
    ownIdx[id] = intern(id ? w[off[id]!]! : 0);
  }
  // Equal strings at different offsets share a place.
  const sorted = strings.slice().sort();
  const place = new Map<string, number>();
  for (let i = 0, at = 0; i < sorted.length; i++) {
    if (i && sorted[i] !== sorted[i - 1]) at = i;
    place.set(sorted[i]!, at);
  }
  const ord = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) ord[i] = place.get(strings[i]!)!;
  const sortOrd = new Uint32Array(count);
  const ownOrd = new Uint32Array(count);
  for (let id = 0; id < count; id++) {
    sortOrd[id] = ord[sortIdx[id]!]!;
    ownOrd[id] = ord[ownIdx[id]!]!;
  }

  // 64-bit hashes, computed on demand and kept, with and without members
  // (index 0 and 1): high and low halves, and done flags (bit 1 << index).
  const hashHi = [new Uint32Array(count), new Uint32Array(count)] as const;
  const hashLo = [new Uint32Array(count), new Uint32Array(count)] as const;
  const hashDone = new Uint8Array(count);
  // The running hash of the functions below (two 32-bit halves).
  let H = 0;
  let L = 0;
  /** `hasher(hash, val)`: hash * 31 + val, modulo 2^64, on (H, L). */
  const mix = (vHi: number, vLo: number): void => {
    const lo31 = L * 31;
    const carry = Math.floor(lo31 / TWO32);
    const lo = (lo31 >>> 0) + vLo;
    L = lo >>> 0;
    H = (Math.imul(H, 31) + carry + vHi + (lo >= TWO32 ? 1 : 0)) >>> 0;
  };
  /** Mixes in libbpf's `str_hash` of the name at `n` (chars are signed on the hosts bpftool is built for); none for 0. */
  const mixName = (n: number): void => {
    if (!n) return;
    const sH = H,
      sL = L;
    H = 0;
    L = 0;
    for (let i = n, c = strs[i]; c !== 0 && c !== undefined; c = strs[++i]) {
      if (c < 0x80) mix(0, c);
      else mix(0xffffffff, (c - 256) >>> 0);
    }
    const nH = H,
      nL = L;
    H = sH;
    L = sL;
    mix(nH, nL);
  };
  /** `btf_type_disambig_hash`, memoised: leaves the hash of `id` in (H, L). */
  let depth = 0;
  const disambig = (id: number, members: boolean): void => {
    const mode = members ? 0 : 1;
    if (hashDone[id]! & (1 << mode)) {
      H = hashHi[mode][id]!;
      L = hashLo[mode][id]!;
      return;
    }
    if (++depth > MAX_HASH_DEPTH) loop(id);
    disambigOf(id, members);
    depth--;
    hashHi[mode][id] = H;
    hashLo[mode][id] = L;
    hashDone[id]! |= 1 << mode;
  };
  const disambigOf = (id: number, members: boolean): void => {
    H = 0;
    L = 0;
    if (id === 0) return;
    const o = off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen16(info);
    mixName(w[o]!);
    if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) {
      const step = kind === BTF_KIND_ENUM ? 2 : 3;
      for (let i = 0, e = o + 3; i < vlen; i++, e += step) mixName(w[e]!);
    } else if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
      if (!members) return;
      for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
        mixName(w[m]!);
        const sH = H,
          sL = L;
        disambig(w[m + 1]!, false);
        const cH = H,
          cL = L;
        H = sH;
        L = sL;
        mix(cH, cL);
      }
    } else if (isRefKind(kind)) {
      const sH = H,
        sL = L;
      disambig(w[o + 2]!, members);
      const cH = H,
        cL = L;
      H = sH;
      L = sL;
      mix(cH, cL);
    } else if (kind === BTF_KIND_ARRAY) {
      mix(0, w[o + 5]!);
      const sH = H,
        sL = L;
      disambig(w[o + 3]!, members);
      const cH = H,
        cL = L;
      H = sH;
      L = sL;
      mix(cH, cL);
    }
  };
  const ids: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) ids[i] = i;
  ids.sort((a, b) => {
    const r = rank[a]! - rank[b]!;
    if (r) return r;
    const sn = sortOrd[a]! - sortOrd[b]!;
    if (sn) return sn;
    const on = ownOrd[a]! - ownOrd[b]!;
    if (on) return on;
    disambig(a, true);
    const aH = H,
      aL = L;
    disambig(b, true);
    if (aH !== H) return aH < H ? -1 : 1;
    if (aL !== L) return aL < L ? -1 : 1;
    return a - b;
  });
  return Uint32Array.from(ids);
}
