/**
 * The order in which bpftool 7.5 and later visit types for `format c`
 * (`sort_btf_c` in bpftool's btf.c, the default since 7.5; `unsorted` turns
 * it off): a header that lists types by kind rank and name instead of by id,
 * so that vmlinux.h of two kernel builds diff well.
 *
 * Every id from 0 (void) to n-1 gets a key, compared field by field:
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
 * bpftool fills an array of structs with two string pointers and a hash per
 * type and hands it to qsort with a comparator that calls strcmp. Here the
 * keys are typed arrays, and no name becomes a JS string:
 *
 *  0. roots: the dump (`sortedDumpRoots`) sorts only the types whose turn as
 *     a root can change the header: a FUNC, VAR or DATASEC that no ordering
 *     edge reaches is only marked ORDERED, and that mark is never read.
 *     They are half of vmlinux's types and most of its names. They are left
 *     out in the pass of step 1. The C dump marks what ordering edges reach
 *     in its own pass over the records (`btf_dump_mark_referenced`,
 *     lib/dump/c.ts), which also finds whether every kind is known and every
 *     reference names a type, and hands the marks over
 *     (`sortedDumpRootsOf`): the sort makes no pass of its own for them;
 *  1. chains: one pass follows each typedef/modifier/array chain to its end,
 *     memoised per type (`end`), which gives the rank and both name offsets
 *     (and, in passing, the DECL_TAGs for the kfunc block: lib/dump/kfuncs.ts
 *     then makes no pass of its own);
 *  2. names: the distinct name offsets (found through a small hash table
 *     of offsets) are sorted by the engine's typed-array sort with a
 *     comparator that compares their bytes in place (strcmp's order; no JS
 *     string is made), and each is replaced by its place among the distinct
 *     strings (equal strings at two offsets share a place);
 *  3. order: three stable counting sorts of the ids (own name, sort name,
 *     rank: least significant first) give the order of the first three keys
 *     with ties left in id order (the engine's typed-array sort is fast on
 *     32-bit numbers only, and not stable);
 *  4. ties: a run of equal keys is sorted by hash, stably (insertion sort,
 *     or for a long run zero hashes first and the engine's sort of the rest
 *     by (hash, id)), so equal hashes stay in id order. The 64-bit hash is
 *     two int32 halves, worked on in 16-bit pieces (no heap numbers).
 *     Hashes are computed only for types in such runs, memoised; a run of
 *     anonymous pointer and modifier chains to one type hashes alike and is
 *     left as it is, and an anonymous prototype (most of the longest run)
 *     hashes to 0 unwalked. The C dump (`sortedDumpRootsOf`) orders a run
 *     only when its turn comes, and only its roots the dump has not ordered
 *     yet: the others print nothing wherever they stand (`LazyRoots`).
 *
 *   strs:      \0 i n t \0 t a s k \0 a b c \0 ...
 *   names:     [ offsets of distinct names ] -> "int" "task" "abc" -> sorted
 *   table:     offset -> index in names; placeOf: [ per index: place ]
 *   rank/sort/own: [ per id: 0..10 | place | place ]
 *   ids:       [ 0..n-1 ] -> by own -> by sort -> by rank -> runs by hash
 */
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
  NR_BTF_KINDS,
  infoVlen16,
} from '../kinds.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { firstIdReferencingPast, idFieldCount, idFieldPos } from '../fields.js';
import type { TypeQuery } from '../query.js';

const MAX_RANK = 10;
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
  checkTypes(q);
  return sortIds(q, null, 0, false).ids;
}

/**
 * Returns the roots of bpftool 7.5+'s sorted `format c` in the order it
 * dumps them: {@link sortedTypeIds} without its first entry (bpftool dumps
 * entries 1 .. n-1) and without the types whose turn as a root cannot change
 * the header, so that they are neither ranked nor sorted: void, and every
 * FUNC, VAR and DATASEC that no ordering edge reaches (see
 * {@link dumpCandidates}). Throws as {@link sortedTypeIds}.
 */
export function sortedDumpRoots(q: TypeQuery): Uint32Array {
  checkTypes(q);
  return dumpRoots(q, dumpCandidates(q), 1).roots;
}

/**
 * {@link sortedDumpRoots} from marks made by the caller's own pass over the
 * records (the C dump's `btf_dump_mark_referenced`, lib/dump/c.ts):
 * `marks[t] & bit` is set for every type `t` an ordering edge leads to (see
 * {@link dumpCandidates}); `checked` says that pass found every kind known
 * and every reference naming a type, so that the checks of
 * {@link sortedTypeIds} need no pass (otherwise they run, and throw).
 * Also returns the ids of every DECL_TAG, ascending, which the sort's pass
 * over the records finds anyway: the kfunc block (lib/dump/kfuncs.ts
 * `collectKfuncs`) takes them instead of making a pass of its own.
 */
export function sortedDumpRootsOf(q: TypeQuery, marks: Uint8Array, bit: number, checked: boolean): LazyRoots {
  if (!checked) checkTypes(q);
  const { ids, rank, tags, runs } = sortIds(q, marks, bit, true);
  const roots = firstLeftOut(ids, rank);
  const shift = ids.length - roots.length;
  const order = runs!.order;
  const lazy = runs!.kept;
  // The runs in the roots' places; one that holds the order's first entry
  // was sorted already (see sortIds).
  for (let i = 0; i < lazy.length; i++) lazy[i]! -= shift;
  return {
    roots,
    tags,
    runs: lazy,
    orderRun: (s, e, state, done) => order(s + shift, e + shift, state, done),
  };
}

/** The roots in dump order, and the DECL_TAGs' ids. */
interface SortedRoots {
  roots: Uint32Array;
  tags: Uint32Array;
}

/**
 * What {@link sortedDumpRootsOf} returns: the roots in dump order, except
 * that the runs of equal (rank, sort name, own name) are not yet ordered by
 * hash. `runs` holds their starts and ends in `roots` (pairs, ascending),
 * and the dump calls `orderRun(start, end, state, done)` for each when its
 * turn comes, before dumping its first root. `state[id] === done` says the
 * dump's walks have ordered `id` already: its turn as a root does nothing,
 * wherever it comes. The others, the run's pending roots, move to the
 * front of the run in bpftool's order (hash, then id); the rest follow.
 * Only pending roots are hashed: on vmlinux about 8,000 types, where the
 * whole order hashes 20,000 (most members of runs are ordered by then:
 * pointers and modifiers, members of structs, what typedefs name).
 */
export interface LazyRoots {
  roots: Uint32Array;
  tags: Uint32Array;
  runs: Int32Array;
  orderRun(start: number, end: number, state: Uint8Array, done: number): void;
}

/** The body of {@link sortedDumpRoots}, the ordering edges' targets marked with `bit` in `reached`. */
function dumpRoots(q: TypeQuery, reached: Uint8Array, bit: number): SortedRoots {
  const { ids, rank, tags } = sortIds(q, reached, bit, false);
  return { roots: firstLeftOut(ids, rank), tags };
}

/**
 * The whole order `ids` without its first entry, which bpftool does not
 * dump. Every type left out ranks last (10); at rank 10 void (sort name "",
 * own name "", hash 0, id 0) comes first. So the first entry is this order's
 * first if that ranks below 10, and void otherwise.
 */
function firstLeftOut(ids: Uint32Array, rank: Uint32Array): Uint32Array {
  return ids.length !== 0 && rank[ids[0]!]! < MAX_RANK ? ids.subarray(1) : ids;
}

/**
 * Throws for a type of a kind this version does not know and for a
 * reference past the last type: level 1 reads them, as libbpf does; the
 * ranking walks assume every reference names a type.
 */
function checkTypes(q: TypeQuery): void {
  const { words: w, offs: off, typeCount: count } = q;
  // One loop per function: V8 compiles a hot loop on its own (OSR), and
  // code after it in the same function would run without type feedback.
  checkKinds(q);
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
}

/**
 * The ids sorted, and the rank per id (of the ids sorted): every id from 0
 * when `reached` is null, else the roots of {@link dumpCandidates}, whose
 * `reached` marks are given. And the ids of the DECL_TAGs, ascending.
 */
function sortIds(
  q: TypeQuery,
  reached: Uint8Array | null,
  bit: number,
  lazy: boolean,
): { ids: Uint32Array; rank: Uint32Array; tags: Uint32Array; runs: RunOrder | null } {
  const { words: w, offs: off, typeCount: count, strs } = q;
  const rank = new Uint32Array(count);
  const sortName = new Uint32Array(count);
  const ownName = new Uint32Array(count);
  const end = new Int32Array(count);
  const pure = new Uint8Array(count);
  const ids = new Uint32Array(count);
  const tags = new Uint32Array(count);
  const counts = new Uint32Array(2);
  sortKeys(w, off, reached, bit, rank, sortName, ownName, end, pure, ids, tags, counts);
  const subset = ids.subarray(0, counts[0]);
  const places = nameOrdinals(strs, subset, sortName, ownName);
  const sorted = orderByKeys(subset, rank, sortName, ownName, places);
  const runs = hashRuns(q, sorted, rank, sortName, ownName, end, pure, lazy);
  return { ids: sorted, rank, tags: tags.subarray(0, counts[1]), runs };
}

/**
 * The ids a sorted dump visits as roots to some effect, ascending. A root's
 * turn is `btf_dump__dump_type`: it orders the type and emits what that
 * queued. For a FUNC, VAR or DATASEC (and DECL_TAG) the order walk only
 * marks the type ORDERED and queues nothing, and that mark is read again
 * only when an ordering edge (a pointer's, array element's, member's,
 * typedef's, modifier's, prototype's return or parameter type) reaches the
 * type: a FUNC that none reaches prints the same wherever it sorts. Those
 * (FUNCs are half of vmlinux, and most of its names) and void (always
 * ORDERED) are left out. DECL_TAGs stay: they are few, and they alone of
 * these can rank below 10, which {@link sortedDumpRoots} counts on.
 */
function dumpCandidates(q: TypeQuery): Uint8Array {
  const { words: w, offs: off, typeCount: count } = q;
  const reached = new Uint8Array(count);
  markOrderTargets(w, off, reached);
  return reached;
}

/** Sets `reached[t]` for every type `t` an ordering edge of another type leads to (see {@link dumpCandidates}). */
function markOrderTargets(w: Uint32Array, off: Uint32Array, reached: Uint8Array): void {
  const count = reached.length;
  for (let id = 1; id < count; id++) {
    const o = off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
      for (let i = 0, vlen = infoVlen16(info), m = o + 4; i < vlen; i++, m += 3) reached[w[m]!] = 1;
    } else if (kind === BTF_KIND_FUNC_PROTO) {
      reached[w[o + 2]!] = 1;
      for (let i = 0, vlen = infoVlen16(info), p = o + 4; i < vlen; i++, p += 2) reached[w[p]!] = 1;
    } else if (kind === BTF_KIND_ARRAY) reached[w[o + 3]!] = 1;
    else if (isRefKind(kind) && kind !== BTF_KIND_DECL_TAG) reached[w[o + 2]!] = 1;
  }
}

/** Throws the ELOOP error of a reference loop met at `id`: bpftool recurses without bound (a PTR to an array of that PTR, which the kernel accepts, never ends); every walk here is a loop or memoised. */
function loopError(id: number): never {
  throw new BtfError(BtfErrorCode.Loop, `type [${id}]: reference loop, the sorted dump cannot rank it`, {
    typeId: id,
  });
}

/** Throws for the first type of a kind this version does not know (`TypeQuery.checkKnown`). */
function checkKinds(q: TypeQuery): void {
  const { words: w, offs: off, typeCount: count } = q;
  for (let id = 1; id < count; id++) if (infoKind(w[off[id]! + 1]!) >= NR_BTF_KINDS) q.checkKnown(id);
}

/** Per kind: 1 for the links of a chain that hashes as what it leads to when anonymous (pointer, const, volatile, restrict). */
const PURE_LINK = new Uint8Array(32);
PURE_LINK[BTF_KIND_PTR] = PURE_LINK[BTF_KIND_CONST] = PURE_LINK[BTF_KIND_VOLATILE] = PURE_LINK[BTF_KIND_RESTRICT] = 1;

/**
 * Per kind (all 32 values of the info word's kind bits): the word of a
 * record that holds the type a typedef, modifier, array or decl tag leads
 * to; 0 for any other kind. A table, not a function: the chain walk of
 * {@link sortKeys} reads it once per link.
 */
const NEXT_AT = new Uint8Array(32);
for (let k = 0; k < 32; k++) NEXT_AT[k] = k === BTF_KIND_ARRAY ? 3 : isRefKind(k) ? 2 : 0;

/** `btf_type_rank` of the type a named chain ends in (kind `kind`; void is kind 0). */
function namedRank(kind: number): number {
  switch (kind) {
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
      return 4;
    default:
      return MAX_RANK;
  }
}

/**
 * Writes the ids to sort to `ids`, ascending: every id from 0 when
 * `reached` is null, else the ids 1 .. count-1 but the FUNCs, VARs and
 * DATASECs not `reached` (see {@link dumpCandidates}: chosen in this pass,
 * which reads each record anyway), and the DECL_TAGs' ids to `tags`; their
 * numbers to `counts[0]` and `counts[1]`. Fills, per id to sort, the rank,
 * the sort name and own name (string offsets) and `end`, the type its
 * typedef/modifier/array/decl tag chain ends in (memoised for every type on
 * the way, so that the whole graph costs one pass however long its chains),
 * and `pure`: 1 where that chain is anonymous pointers and cv-modifiers only
 * (or the type ends it), 0 where not (see {@link hashRuns}).
 */
function sortKeys(
  w: Uint32Array,
  off: Uint32Array,
  reached: Uint8Array | null,
  bit: number,
  rank: Uint32Array,
  sortName: Uint32Array,
  ownName: Uint32Array,
  end: Int32Array,
  pure: Uint8Array,
  ids: Uint32Array,
  tags: Uint32Array,
  counts: Uint32Array,
): void {
  const count = rank.length;
  // -1: not known yet; void ends its own chain.
  end.fill(-1);
  end[0] = 0;
  pure[0] = 1;
  rank[0] = MAX_RANK;
  let nIds = 0;
  let nTags = 0;
  // Void is sorted with the rest when every id is.
  if (reached === null && count > 0) ids[nIds++] = 0;
  let path = new Int32Array(64);
  for (let id = 1; id < count; id++) {
    const o = off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    // Without a branch: the first DECL_TAG comes late (vmlinux), after V8
    // optimised this loop.
    tags[nTags] = id;
    nTags += kind === BTF_KIND_DECL_TAG ? 1 : 0;
    if (
      reached !== null &&
      (reached[id]! & bit) === 0 &&
      (kind === BTF_KIND_FUNC || kind === BTF_KIND_VAR || kind === BTF_KIND_DATASEC)
    )
      continue;
    ids[nIds++] = id;
    let top = 0;
    let t = id;
    let last: number;
    for (;;) {
      if (end[t]! >= 0) {
        last = end[t]!;
        break;
      }
      const ot = off[t]!;
      const at = NEXT_AT[infoKind(w[ot + 1]!)]!;
      if (at === 0) {
        last = t;
        break;
      }
      const n = w[ot + at]!;
      // A chain holds a type once: longer than there are types is a loop.
      if (top > count) loopError(id);
      if (top === path.length) {
        const g = new Int32Array(top * 2);
        g.set(path);
        path = g;
      }
      path[top++] = t;
      t = n;
    }
    end[t] = last;
    // Purity from the chain's end (pure) or the memoised type back to `id`.
    let r = t === last ? 1 : pure[t]!;
    pure[t] = r;
    for (let i = top - 1; i >= 0; i--) {
      const p = path[i]!;
      end[p] = last;
      const op = off[p]!;
      r &= w[op] === 0 ? PURE_LINK[infoKind(w[op + 1]!)]! : 0;
      pure[p] = r;
    }
    const nameOff = w[o]!;
    ownName[id] = nameOff;
    // `btf_type_rank`: once a name has been seen on the way, the rank of the
    // chain's end; before that, an anonymous reference ranks last.
    if (nameOff !== 0) rank[id] = last ? namedRank(infoKind(w[off[last]! + 1]!)) : MAX_RANK;
    else if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) rank[id] = 0;
    else if (kind === BTF_KIND_INT || kind === BTF_KIND_FLOAT) rank[id] = 2;
    else rank[id] = MAX_RANK;
    // `btf_type_sort_name`: an anonymous enum sorts by its first enumerator.
    if ((kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) && nameOff === 0 && infoVlen16(info) !== 0)
      sortName[id] = w[o + 3]!;
    else sortName[id] = last ? w[off[last]!]! : 0;
  }
  counts[0] = nIds;
  counts[1] = nTags;
}

/** The runs {@link hashRuns} left to be ordered, and the function that orders one (see {@link LazyRoots}). */
interface RunOrder {
  kept: Int32Array;
  order(start: number, end: number, state: Uint8Array, done: number): void;
}

/**
 * Sorts the runs of `ids` with equal (rank, sort name, own name) by
 * `btf_type_disambig_hash`, stably: equal hashes stay in id order. When
 * `lazy`, sorts only a run that holds the first entry (which decides what
 * the dump leaves out) and returns the others with a function that orders
 * one when the dump reaches it ({@link LazyRoots}).
 */
function hashRuns(
  q: TypeQuery,
  ids: Uint32Array,
  rank: Uint32Array,
  sortName: Uint32Array,
  ownName: Uint32Array,
  end: Int32Array,
  pure: Uint8Array,
  lazy: boolean,
): RunOrder | null {
  const { words: w, offs: off, typeCount: count, strs } = q;
  const kindOf = (id: number): number => (id ? infoKind(w[off[id]! + 1]!) : 0);
  // 64-bit hashes, computed on demand and kept, with and without members
  // (index 0 and 1): high and low halves, and done flags (bit 1 << index).
  const hashHi = [new Uint32Array(count), new Uint32Array(count)] as const;
  const hashLo = [new Uint32Array(count), new Uint32Array(count)] as const;
  const hashDone = new Uint8Array(count);
  // The running hash of the functions below: two 32-bit halves, as int32s
  // (the hash arrays hold the same bits unsigned). The arithmetic is on
  // 16-bit pieces, so that every value is a small integer: a uint32 past
  // 2^31, or x * 31 of one, is a heap number wherever V8 has not compiled
  // the code (the interpreter, a closure variable, an argument of a call
  // not inlined), and the hash of a cold run made millions of them.
  let H = 0;
  let L = 0;
  /** `hasher(hash, val)`: hash * 31 + val, modulo 2^64, on (H, L); the halves of val as int32 (or uint32). */
  const mix = (vHi: number, vLo: number): void => {
    const b = (L & 0xffff) * 31 + (vLo & 0xffff);
    const a = (L >>> 16) * 31 + (vLo >>> 16) + (b >>> 16);
    L = (a << 16) | (b & 0xffff);
    H = (Math.imul(H, 31) + vHi + (a >>> 16)) | 0;
  };
  /** Mixes in libbpf's `str_hash` of the name at `n` (chars are signed on the hosts bpftool is built for); none for 0. */
  const strsLen = strs.length;
  const mixName = (n: number): void => {
    if (!n) return;
    // h * 31 + c as mix does, written out: this loop runs for every byte
    // of every name hashed, cold code included. A char above 0x7f is
    // negative (c - 256): the shifts below are signed, so its borrow
    // reaches the high half.
    let hi = 0;
    let lo = 0;
    for (let i = n; i < strsLen; i++) {
      const c = strs[i]!;
      if (c === 0) break;
      const b = (lo & 0xffff) * 31 + (c < 0x80 ? c : c - 256);
      const a = (lo >>> 16) * 31 + (b >> 16);
      lo = (a << 16) | (b & 0xffff);
      hi = (Math.imul(hi, 31) + (a >> 16)) | 0;
    }
    mix(hi, lo);
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
        if (top > 4 * count + 4) loopError(id);
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
    H = hashHi[mode][id]! | 0;
    L = hashLo[mode][id]! | 0;
  };
  /**
   * The hash of `id` from its name and the hashes of what it refers to
   * (computed already). One loop over the record's items, with one place
   * that mixes a name and one that mixes a hash, whatever the kind: V8
   * compiles this function early, and each inlined copy of {@link mixName}
   * made that compile several times longer.
   */
  const disambigOf = (id: number, members: boolean): void => {
    H = 0;
    L = 0;
    if (id === 0) return;
    const o = off[id]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    mixName(w[o]!);
    // Items from word `p`, `step` words apart: a name at +0 when `named`,
    // and a type at +`at` (hashed in mode `cm`) when `at` >= 0.
    let n = 0;
    let p = o + 3;
    let step = 3;
    let named = true;
    let at = -1;
    let cm = members ? 0 : 1;
    if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) {
      n = infoVlen16(info);
      step = kind === BTF_KIND_ENUM ? 2 : 3;
    } else if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
      n = members ? infoVlen16(info) : 0;
      at = 1;
      cm = 1;
    } else if (isRefKind(kind)) {
      n = 1;
      p = o + 2;
      named = false;
      at = 0;
    } else if (kind === BTF_KIND_ARRAY) {
      mix(0, w[o + 5]! | 0);
      n = 1;
      named = false;
      at = 0;
    }
    const hi = hashHi[cm as 0 | 1];
    const lo = hashLo[cm as 0 | 1];
    for (let i = 0; i < n; i++, p += step) {
      if (named) mixName(w[p]!);
      if (at >= 0) {
        const c = w[p + at]!;
        mix(hi[c]! | 0, lo[c]! | 0);
      }
    }
  };
  /**
   * Whether the types at `ids[s .. e)` all hash alike without computing it:
   * each an anonymous pointer or cv-modifier chain to the same type (or that
   * type), whose hash is that type's (`hasher(0, x)` is x). Pointers to
   * one struct make most runs.
   */
  const sameHashes = (s: number, e: number): boolean => {
    const last = end[ids[s]!]!;
    for (let i = s; i < e; i++) {
      const t = ids[i]!;
      if (end[t] !== last || pure[t] === 0) return false;
    }
    return true;
  };
  /**
   * Computes the hash of each id of the runs `ids[runs[2k] .. runs[2k + 1])`,
   * `n / 2` of them (memoised): one loop for every run, called once, so that
   * V8 compiles it once (on the stack, in the longest run), where a call per
   * run compiled it a second time.
   */
  const hashAll = (runs: Int32Array, n: number): void => {
    // One loop, not a loop per run inside a loop over the runs: Maglev
    // (Node 22+) compiles the inner loop on the stack (OSR) and leaves that
    // code at every exit from it, once per run (170 deopts on vmlinux).
    let k = 0;
    let i = n > 0 ? runs[0]! : 0;
    let e = n > 0 ? runs[1]! : 0;
    while (k < n) {
      if (i < e) {
        // Void and an anonymous prototype hash to 0 (no name, no item:
        // bpftool mixes in neither parameters nor return type), which the
        // hash arrays hold already: two thirds of vmlinux's ids in runs.
        const id = ids[i++]!;
        const o = off[id]!;
        if (id !== 0 && (w[o] !== 0 || infoKind(w[o + 1]!) !== BTF_KIND_FUNC_PROTO)) disambig(id, true, 0);
      } else {
        k += 2;
        if (k < n) {
          i = runs[k]!;
          e = runs[k + 1]!;
        }
      }
    }
  };
  // The runs whose hashes can differ; hashed in one go, then sorted.
  const runs = findRuns(ids, rank, sortName, ownName);
  const kept = new Int32Array(runs.length);
  let nKept = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const s = runs[r]!;
    const e = runs[r + 1]!;
    if (sameHashes(s, e)) continue;
    kept[nKept++] = s;
    kept[nKept++] = e;
  }
  if (!lazy) {
    hashAll(kept, nKept);
    sortRuns(ids, kept, nKept, hashHi[0], hashLo[0]);
    return null;
  }
  let from = 0;
  let longest = 0;
  if (nKept > 0 && kept[0] === 0 && rank[ids[0]!]! < MAX_RANK) {
    hashAll(kept, 2);
    sortRuns(ids, kept, 2, hashHi[0], hashLo[0]);
    from = 2;
  }
  for (let r = from; r < nKept; r += 2) longest = Math.max(longest, kept[r + 1]! - kept[r]!);
  // The roots a run's walks ordered already, out of the way of the others.
  const done = new Uint32Array(longest);
  const one = new Int32Array(2);
  const order = (s: number, e: number, state: Uint8Array, ordered: number): void => {
    const k = pendingFirst(ids, s, e, state, ordered, done);
    if (k - s < 2) return;
    one[0] = s;
    one[1] = k;
    hashAll(one, 2);
    sortRuns(ids, one, 2, hashHi[0], hashLo[0]);
  };
  return { kept: kept.slice(from, nKept), order };
}

/**
 * Moves the ids of `ids[s .. e)` whose `state` is not `ordered` to the
 * front of that range, in order, and the others after them (through
 * `spare`); returns where the others start.
 */
function pendingFirst(
  ids: Uint32Array,
  s: number,
  e: number,
  state: Uint8Array,
  ordered: number,
  spare: Uint32Array,
): number {
  let k = s;
  let m = 0;
  for (let i = s; i < e; i++) {
    const id = ids[i]!;
    if (state[id] !== ordered) ids[k++] = id;
    else spare[m++] = id;
  }
  ids.set(spare.subarray(0, m), k);
  return k;
}

/**
 * Sorts the runs `ids[runs[2k] .. runs[2k + 1])`, `n / 2` of them, by the
 * hashes in `hi` and `lo` (per id), stably. Short runs are sorted here;
 * long ones (a few, one very long: the anonymous types) after this loop,
 * each in one go, so that this loop never meets the long path after V8
 * optimised it for the short one.
 */
function sortRuns(ids: Uint32Array, runs: Int32Array, n: number, hi: Uint32Array, lo: Uint32Array): void {
  const long = new Int32Array(n);
  let nLong = 0;
  for (let r = 0; r < n; r += 2) {
    const s = runs[r]!;
    const e = runs[r + 1]!;
    if (e - s <= SMALL_RUN) sortShortRun(ids, s, e, hi, lo);
    else {
      long[nLong++] = s;
      long[nLong++] = e;
    }
  }
  sortLongRuns(ids, long, nLong, hi, lo);
}

/**
 * Returns the runs of `ids` with equal (rank, sort name, own name) and more
 * than one id, as start and end pairs: a loop of its own, over every id,
 * which V8 optimises alone.
 */
function findRuns(ids: Uint32Array, rank: Uint32Array, sortName: Uint32Array, ownName: Uint32Array): Int32Array {
  const n = ids.length;
  const runs = new Int32Array(n + 1);
  let k = 0;
  for (let s = 0; s < n; ) {
    const a = ids[s]!;
    let e = s + 1;
    while (e < n) {
      const b = ids[e]!;
      if (rank[b] !== rank[a] || sortName[b] !== sortName[a] || ownName[b] !== ownName[a]) break;
      e++;
    }
    if (e - s > 1) {
      runs[k++] = s;
      runs[k++] = e;
    }
    s = e;
  }
  return runs.subarray(0, k);
}

/**
 * Replaces the string offsets in `a` and `b` at the ids of `ids` with their
 * places among the distinct strings they name, in strcmp order (equal
 * strings at different offsets share a place; an offset past the section
 * reads as the empty string, as {@link textPlaces} reads it); returns the number of
 * places.
 *
 * The distinct offsets are found with a small hash table (offset -> index
 * among them), not an array indexed by offset: that array was four bytes
 * per byte of the string section (9 MB for vmlinux), and the first touch
 * of each of its pages (a read, then a write) cost more than the sort.
 */
function nameOrdinals(strs: Uint8Array, ids: Uint32Array, a: Uint32Array, b: Uint32Array): number {
  const len = strs.length;
  let bits = 11;
  while (bits < 30 && 1 << bits < ids.length) bits++;
  let table = new NameTable(bits);
  const names = new Uint32Array(Math.min(2 * ids.length, len + 1));
  // [the next step (two per id: a, then b), the names found so far]
  const at = new Uint32Array(2);
  for (;;) {
    collectNames(ids, a, b, table, names, len, at);
    if (at[0] === 2 * ids.length) break;
    table = table.grown(names, at[1]!);
  }
  const m = at[1]!;
  const placeOf = new Uint32Array(m);
  const places = textPlaces(strs, names, m, table, placeOf);
  toPlaces(ids, a, b, placeOf);
  return places;
}

/** The multiplier that spreads string offsets over {@link NameTable}'s slots (Fibonacci hashing: the top bits of the product). */
const OFFSET_MIX = 0x9e3779b1;

/**
 * Open addressing over string offsets: `keys` holds an offset or -1 (free),
 * `vals` the offset's index among the distinct names. At most half full.
 */
class NameTable {
  readonly keys: Int32Array;
  readonly vals: Uint32Array;
  readonly shift: number;
  readonly mask: number;
  constructor(bits: number) {
    // Every key word written before any is read (a native fill): a page's
    // first touch is then one fault, not a read of the zero page and a
    // copy on the write after it.
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.vals = new Uint32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  /** A table twice as large holding the first `m` offsets of `names` (whose indices they are). */
  grown(names: Uint32Array, m: number): NameTable {
    const t = new NameTable(32 - this.shift + 1);
    for (let i = 0; i < m; i++) {
      const o = names[i]!;
      let h = Math.imul(o, OFFSET_MIX) >>> t.shift;
      while (t.keys[h]! >= 0) h = (h + 1) & t.mask;
      t.keys[h] = o;
      t.vals[h] = i;
    }
    return t;
  }
}

/**
 * Puts the offsets `a[id]` and `b[id]` (ids of `ids`, from step `at[0]`:
 * two steps per id, `a` then `b`) not seen yet in `names` (from `at[1]`)
 * and in `table`, an offset past the section as 0, and replaces each by its
 * index in `names`. Stops at the end of `ids`, or when the table is half
 * full (the caller grows it); leaves where it stopped and the new count in
 * `at`. One loop for both arrays: V8 compiles it once (on the stack), where
 * a call per array compiled it twice.
 */
function collectNames(
  ids: Uint32Array,
  a: Uint32Array,
  b: Uint32Array,
  table: NameTable,
  names: Uint32Array,
  len: number,
  at: Uint32Array,
): void {
  const { keys, vals, shift, mask } = table;
  const full = (mask + 1) >>> 1;
  // Step `i` is key array `a` (even) or `b` (odd) of `ids[i >> 1]`.
  const steps = 2 * ids.length;
  let i = at[0]!;
  let m = at[1]!;
  for (; i < steps && m < full; i++) {
    const arr = i & 1 ? b : a;
    const id = ids[i >> 1]!;
    let o = arr[id]!;
    if (o >= len) o = 0;
    let h = Math.imul(o, OFFSET_MIX) >>> shift;
    for (;;) {
      const k = keys[h]!;
      if (k === o) break;
      if (k < 0) {
        keys[h] = o;
        vals[h] = m;
        names[m++] = o;
        break;
      }
      h = (h + 1) & mask;
    }
    arr[id] = vals[h]!;
  }
  at[0] = i;
  at[1] = m;
}

/**
 * Sets `placeOf[i]` to the place of the `i`th offset of `names` (of `m`)
 * among the distinct strings, ordered as strcmp orders them; returns the
 * number of places. The offsets are sorted by the engine's typed-array sort
 * with a comparator that compares the bytes in place (strcmp's order): no
 * string is made (a JS string per name, a `Map` of them and a sort of
 * strings cost about three times as much on vmlinux, cold), and the
 * engine's sort is native code that calls one small function. `table`
 * gives each sorted offset's index back.
 */
function textPlaces(strs: Uint8Array, names: Uint32Array, m: number, table: NameTable, placeOf: Uint32Array): number {
  const len = strs.length;
  // strcmp (unsigned bytes; the end of the section ends a string), one
  // function for the sort and the scan below.
  const cmp = (a: number, b: number): number => {
    for (;;) {
      const x = a < len ? strs[a]! : 0;
      const y = b < len ? strs[b]! : 0;
      if (x !== y) return x - y;
      if (x === 0) return 0;
      a++;
      b++;
    }
  };
  const sorted = names.slice(0, m).sort(cmp);
  const { keys, vals, shift, mask } = table;
  let places = 0;
  for (let i = 0; i < m; i++) {
    const o = sorted[i]!;
    // Equal strings at two offsets are neighbours and share a place.
    if (i === 0 || cmp(sorted[i - 1]!, o) !== 0) places++;
    let h = Math.imul(o, OFFSET_MIX) >>> shift;
    while (keys[h] !== o) h = (h + 1) & mask;
    placeOf[vals[h]!] = places - 1;
  }
  return places;
}

/** Replaces the indices `a[id]` and `b[id]` of each id of `ids` by their places (one loop, as {@link collectNames}). */
function toPlaces(ids: Uint32Array, a: Uint32Array, b: Uint32Array, placeOf: Uint32Array): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    a[id] = placeOf[a[id]!]!;
    b[id] = placeOf[b[id]!]!;
  }
}

/**
 * Returns the ids of `subset` ordered by (rank, sort name place, own name
 * place), ties in the order of `subset`: stable counting sorts, least
 * significant key first.
 */
function orderByKeys(
  subset: Uint32Array,
  rank: Uint32Array,
  sortName: Uint32Array,
  ownName: Uint32Array,
  places: number,
): Uint32Array {
  // Counting sorts, not the engine's typed-array sort: on 64-bit keys (or
  // doubles) that sort is several times slower than on 32-bit ones, and it
  // is not stable.
  const n = subset.length;
  const counts = new Uint32Array(Math.max(places, MAX_RANK + 1) + 1);
  const a = new Uint32Array(n);
  const b = new Uint32Array(n);
  countingPass(subset, b, ownName, places, counts);
  countingPass(b, a, sortName, places, counts);
  countingPass(a, b, rank, MAX_RANK + 1, counts);
  return b;
}

/**
 * One stable counting sort: `src`'s ids into `dst` by `key[id]` (below
 * `range`). One loop per function: each is optimised on its own, and none
 * meets code after its loop that V8 has not seen run.
 */
function countingPass(src: Uint32Array, dst: Uint32Array, key: Uint32Array, range: number, counts: Uint32Array): void {
  counts.fill(0, 0, range + 1);
  countKeys(src, key, counts);
  prefixSums(counts, range);
  scatter(src, dst, key, counts);
}

/** Counts the key of each id of `ids` in `counts`, at the key + 1. */
function countKeys(ids: Uint32Array, key: Uint32Array, counts: Uint32Array): void {
  const n = ids.length;
  for (let i = 0; i < n; i++) counts[key[ids[i]!]! + 1]!++;
}

/** Turns the counts in `counts[1 .. range]` into start positions. */
function prefixSums(counts: Uint32Array, range: number): void {
  for (let k = 1; k <= range; k++) counts[k]! += counts[k - 1]!;
}

/** Moves the ids of `src` into `dst` at their key's next position. */
function scatter(src: Uint32Array, dst: Uint32Array, key: Uint32Array, counts: Uint32Array): void {
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const id = src[i]!;
    dst[counts[key[id]!]!++] = id;
  }
}

/** Runs this short are insertion-sorted by hash. */
const SMALL_RUN = 24;

/**
 * Sorts `ids[s .. e)` by the unsigned 64-bit hash of each id in `hi` and
 * `lo` (per id), stably: insertion sort, for short runs.
 */
function sortShortRun(ids: Uint32Array, s: number, e: number, hi: Uint32Array, lo: Uint32Array): void {
  for (let i = s + 1; i < e; i++) {
    const id = ids[i]!;
    const h = hi[id]!;
    const l = lo[id]!;
    let j = i;
    while (j > s) {
      const p = ids[j - 1]!;
      if (!(hi[p]! > h || (hi[p] === h && lo[p]! > l))) break;
      ids[j] = p;
      j--;
    }
    ids[j] = id;
  }
}

/** Sorts the long runs `ids[runs[2k] .. runs[2k + 1])`, `n / 2` of them, as {@link sortShortRun} does. */
function sortLongRuns(ids: Uint32Array, runs: Int32Array, n: number, hi: Uint32Array, lo: Uint32Array): void {
  for (let k = 0; k < n; k += 2) sortLongRun(ids, runs[k]!, runs[k + 1]!, hi, lo);
}

/**
 * {@link sortShortRun} for a long run: hash 0 (prototypes, pointers to them:
 * most of the longest run) sorts first, in id order; the rest by the
 * engine's typed-array sort with a comparator of (hash, id), a total order,
 * so that the sort need not be stable (a run's ids ascend, and equal hashes
 * stay in id order). One small function to compile, where an LSD radix sort
 * in JS compiled three times.
 */
function sortLongRun(ids: Uint32Array, s: number, e: number, hi: Uint32Array, lo: Uint32Array): void {
  const rest = new Uint32Array(e - s);
  const m = splitZeroHashes(ids, s, e, hi, lo, rest);
  const r = rest.subarray(0, m);
  r.sort((a, b) => (hi[a] !== hi[b] ? hi[a]! - hi[b]! : lo[a] !== lo[b] ? lo[a]! - lo[b]! : a - b));
  ids.set(r, e - m);
}

/**
 * Moves the ids of `ids[s .. e)` whose hash is 0 to the front of that
 * range, in order, and the others into `rest`; returns how many went there.
 * A loop of its own (see {@link countingPass}).
 */
function splitZeroHashes(
  ids: Uint32Array,
  s: number,
  e: number,
  hi: Uint32Array,
  lo: Uint32Array,
  rest: Uint32Array,
): number {
  let z = s;
  let m = 0;
  for (let i = s; i < e; i++) {
    const id = ids[i]!;
    if (hi[id] === 0 && lo[id] === 0) ids[z++] = id;
    else rest[m++] = id;
  }
  return m;
}
