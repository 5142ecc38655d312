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
 * Names compare as bytes, as strcmp does (keys of one UTF-16 unit per
 * byte, lib/strings.ts `byteKeyAt`), so that non-ASCII and invalid UTF-8
 * names sort as in bpftool; each distinct name is replaced by its
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
import { firstIdReferencingPast, idFieldCount, idFieldPos } from '../fields.js';
import type { TypeQuery } from '../query.js';
import { StringReader, byteKeyAt } from '../strings.js';

const MAX_RANK = 10;
const TWO32 = 0x100000000;
/** How deep {@link sortedTypeIds}'s hash walk recurses before it goes on with an explicit stack. */
const REC_DEPTH = 200;

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
  // Level 1 reads references past the last type, as libbpf does; the
  // ranking walks below assume every reference names a type.
  const bad = firstIdReferencingPast(w, off, 1, count, count);
  if (bad) {
    const o = off[bad]!;
    let t = 0;
    for (let i = 0, n = idFieldCount(w, o); i < n && t < count; i++) t = w[idFieldPos(w, o, i)]!;
    throw new BtfError(
      BtfErrorCode.BadTypeId,
      `type [${bad}]: type id ${t} is out of range (the last is ${count - 1}), the sorted dump cannot rank it`,
      { typeId: bad },
    );
  }
  // bpftool recurses without bound; a loop through a pointer (a PTR to an
  // array of that PTR, which the kernel accepts) would never end. Every walk
  // here is a loop or memoised.
  const loop = (id: number): never => {
    throw new BtfError(BtfErrorCode.Loop, `type [${id}]: reference loop, the sorted dump cannot rank it`, {
      typeId: id,
    });
  };
  // Void reads as three zero words.
  const kindOf = (id: number): number => (id ? infoKind(w[off[id]! + 1]!) : 0);

  /**
   * Follows the chain of typedefs, modifiers, arrays and decl tags from
   * `start` and returns the value at its end (`which` 0: the rank of the
   * type it names, 1: that type's name offset), memoised in `memo` (-1: not
   * known) for every type on the way, so that the whole graph costs one pass
   * however long its chains. `path` holds the types walked (no allocation).
   */
  let path = new Int32Array(64);
  const chain = (memo: Int32Array, start: number, which: number): number => {
    let top = 0;
    let id = start;
    let v: number;
    for (;;) {
      if (memo[id]! >= 0) {
        v = memo[id]!;
        break;
      }
      const n = refNext(id);
      if (n < 0) {
        v = which === 0 ? namedRank(id) : id ? w[off[id]!]! : 0;
        break;
      }
      // A chain holds a type once: longer than there are types is a loop.
      if (top > count) loop(start);
      if (top === path.length) {
        const g = new Int32Array(top * 2);
        g.set(path);
        path = g;
      }
      path[top++] = id;
      id = n;
    }
    memo[id] = v;
    for (let i = 0; i < top; i++) memo[path[i]!] = v;
    return v;
  };
  /** The type a typedef, modifier, array or decl tag leads to; -1 for any other kind (and void). */
  const refNext = (id: number): number => {
    if (id === 0) return -1;
    const o = off[id]!;
    const kind = infoKind(w[o + 1]!);
    return kind === BTF_KIND_ARRAY ? w[o + 3]! : isRefKind(kind) ? w[o + 2]! : -1;
  };
  /** The rank of the type a named chain ends in. */
  const namedRank = (id: number): number => {
    switch (kindOf(id)) {
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return 1;
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
        return 2;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        return 3;
      case BTF_KIND_FUNC_PROTO:
        return id ? 4 : MAX_RANK;
      default:
        return MAX_RANK;
    }
  };
  const rankMemo = new Int32Array(count).fill(-1);
  /**
   * `btf_type_rank`: once a name has been seen on the way, the rank is the
   * one of the chain's end (memoised); before that, an anonymous reference
   * ranks last.
   */
  const rankOf = (id: number): number => {
    if (id === 0) return MAX_RANK;
    const o = off[id]!;
    if (w[o] !== 0) return chain(rankMemo, id, 0);
    switch (kindOf(id)) {
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return 0;
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
        return 2;
      default:
        return MAX_RANK;
    }
  };

  const nameMemo = new Int32Array(count).fill(-1);
  /** `btf_type_sort_name`, as a string offset. */
  const sortNameOff = (id: number): number => {
    if (id === 0) return 0;
    const o = off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    // An anonymous enum sorts by its first enumerator.
    if ((kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) && w[o] === 0 && infoVlen16(info) !== 0) return w[o + 3]!;
    return chain(nameMemo, id, 1);
  };

  // Names become their place in the sorted list of distinct names, so that
  // the sort compares numbers: `slot` interns string offsets.
  const rank = new Uint8Array(count);
  const sortIdx = new Uint32Array(count);
  const ownIdx = new Uint32Array(count);
  const slot = new Int32Array(strs.length + 1).fill(-1);
  const strings: string[] = [];
  // Keys compare as bytes (byteKeyAt). An ASCII section is decoded once and
  // names sliced out of it, the same keys (a decode per name costs 10 ms on vmlinux).
  const reader = new StringReader(strs);
  const ascii = reader.ascii;
  const intern = (n: number): number => {
    let i = slot[n]!;
    if (i < 0) {
      i = strings.length;
      strings.push(n ? (ascii ? reader.at(n) : byteKeyAt(strs, n)) : '');
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
  /** The member index where {@link hashChild} found a struct's member. */
  let childAt = 0;
  /** The type whose hash the hash of `id` (with members or not) needs first, or -1; members from index `from`. */
  const hashChild = (id: number, mode: number, from: number): number => {
    if (id === 0) return -1;
    const o = off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
      if (mode !== 0) return -1;
      const vlen = infoVlen16(info);
      for (let i = from; i < vlen; i++) {
        if (!(hashDone[w[o + 4 + i * 3]!]! & 2)) {
          childAt = i;
          return w[o + 4 + i * 3]!;
        }
      }
      return -1;
    }
    const c = kind === BTF_KIND_ARRAY ? w[o + 3]! : isRefKind(kind) ? w[o + 2]! : -1;
    return c >= 0 && !(hashDone[c]! & (1 << mode)) ? c : -1;
  };
  /**
   * `btf_type_disambig_hash`, memoised: leaves the hash of `id` in (H, L).
   * Recurses as bpftool does while `depth` is small (the fast path: kernel
   * types nest a few levels), and hands a deeper walk to {@link disambigDeep}.
   */
  const disambig = (id: number, members: boolean, depth: number): void => {
    const mode = members ? 0 : 1;
    if (hashDone[id]! & (1 << mode)) {
      hashOf(id, members);
      return;
    }
    if (depth > REC_DEPTH) {
      disambigDeep(id, members);
      return;
    }
    // Hash what `id` refers to first, then `id` from those hashes.
    if (id !== 0) {
      const o = off[id]!;
      const info = w[o + 1]!;
      const kind = infoKind(info);
      if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
        if (members)
          for (let i = 0, vlen = infoVlen16(info), m = o + 4; i < vlen; i++, m += 3)
            if (!(hashDone[w[m]!]! & 2)) disambig(w[m]!, false, depth + 1);
      } else {
        const c = kind === BTF_KIND_ARRAY ? w[o + 3]! : isRefKind(kind) ? w[o + 2]! : -1;
        if (c >= 0 && !(hashDone[c]! & (1 << mode))) disambig(c, members, depth + 1);
      }
    }
    disambigOf(id, members);
    hashHi[mode][id] = H;
    hashLo[mode][id] = L;
    hashDone[id]! |= 1 << mode;
  };
  // The walk's stack: type, and mode | (member to look at next) << 1, per frame.
  let hstack = new Int32Array(64);
  /**
   * {@link disambig} for deep walks: leaves the hash of `root` in (H, L).
   * bpftool recurses into referenced types; this walks an explicit stack,
   * hashing each type once what it refers to is hashed.
   */
  const disambigDeep = (root: number, members: boolean): void => {
    const rootMode = members ? 0 : 1;
    if (hashDone[root]! & (1 << rootMode)) {
      hashOf(root, members);
      return;
    }
    let top = 0;
    hstack[top++] = root;
    hstack[top++] = rootMode;
    while (top > 0) {
      const id = hstack[top - 2]!;
      const mode = hstack[top - 1]! & 1;
      if (hashDone[id]! & (1 << mode)) {
        top -= 2;
        continue;
      }
      const c = hashChild(id, mode, hstack[top - 1]! >>> 1);
      if (c >= 0) {
        // Back here, the scan goes on from that member.
        hstack[top - 1] = mode | (childAt << 1);
        // Members are hashed without theirs; references keep the mode.
        const k = kindOf(id);
        const cm = k === BTF_KIND_STRUCT || k === BTF_KIND_UNION ? 1 : mode;
        // Each (type, mode) is on the stack once unless there is a loop.
        if (top > 4 * count + 4) loop(id);
        if (top + 2 > hstack.length) {
          const g = new Int32Array(hstack.length * 2);
          g.set(hstack);
          hstack = g;
        }
        hstack[top++] = c;
        hstack[top++] = cm;
        continue;
      }
      disambigOf(id, mode === 0);
      hashHi[mode as 0 | 1][id] = H;
      hashLo[mode as 0 | 1][id] = L;
      hashDone[id]! |= 1 << mode;
      top -= 2;
    }
    hashOf(root, members);
  };
  /** Leaves the (already computed) hash of `id` in (H, L). */
  const hashOf = (id: number, members: boolean): void => {
    const mode = members ? 0 : 1;
    H = hashHi[mode][id]!;
    L = hashLo[mode][id]!;
  };
  /** The hash of `id` from its name and the hashes of what it refers to. */
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
        hashOf(w[m + 1]!, false);
        const cH = H,
          cL = L;
        H = sH;
        L = sL;
        mix(cH, cL);
      }
    } else if (isRefKind(kind)) {
      const sH = H,
        sL = L;
      hashOf(w[o + 2]!, members);
      const cH = H,
        cL = L;
      H = sH;
      L = sL;
      mix(cH, cL);
    } else if (kind === BTF_KIND_ARRAY) {
      mix(0, w[o + 5]!);
      const sH = H,
        sL = L;
      hashOf(w[o + 3]!, members);
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
    disambig(a, true, 0);
    const aH = H,
      aL = L;
    disambig(b, true, 0);
    if (aH !== H) return aH < H ? -1 : 1;
    if (aL !== L) return aL < L ? -1 : 1;
    return a - b;
  });
  return Uint32Array.from(ids);
}
