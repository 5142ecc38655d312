/**
 * Pass 3, structs and unions (libbpf's `btf_dedup_struct_types`,
 * `btf_dedup_is_equiv`, `btf_dedup_merge_hypot_map`).
 *
 * A struct's signature leaves out its member types: they may point back at
 * the struct (through pointers), so they cannot be settled first. Instead,
 * for each candidate with the same signature, walk both type graphs side by
 * side, depth first, from the struct (candidate side) and the canonical
 * candidate (canonical side), and record the hypothesis "canonical type X
 * is candidate type Y" in `hypotMap` for each pair of types met:
 *
 *   cand  [10] struct list { next: [11] }     canon  [1] struct list { next: [2] }
 *         [11] PTR -> [10]                           [2] PTR -> [1]
 *
 *   (10, 1): shallow equal, hypot[1] = 10, visit members
 *   (11, 2): both PTR,      hypot[2] = 11, visit target
 *   (10, 1): hypot[1] is already 10: a cycle, consistent -> equivalent
 *
 * A pair is inconsistent when the canonical type was already paired with a
 * different candidate type (unless both candidate types are identical
 * ARRAYs or STRUCTs, down to referenced ids: compilers emit such twins
 * inside one unit). A FWD may pair with a STRUCT/UNION of its name and
 * kind; on the canonical side FWDs already resolved are followed first.
 * Pairs whose types already share a canonical type need no walk.
 * An anonymous struct's candidates are only those of its shape signature
 * (shape.ts): the walk would fail on the others.
 *
 * On success the hypotheses are kept where safe: FWDs get the struct they
 * resolve to, and structs of the candidate graph not yet mapped get the
 * canonical struct (a shortcut for later structs). For split BTF, a walk
 * that would resolve a base FWD is not a match (the base is fixed), though
 * it still points base FWDs at the struct they name.
 *
 * libbpf's walk is recursive; ours runs the same pre-order walk on an
 * explicit stack (children pushed in reverse), because type graphs like the
 * kernel's are deep enough to exhaust a JavaScript stack. Any failing pair
 * fails the whole check, so no per-frame state is needed.
 */
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
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
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_UNION,
  BTF_KIND_VOLATILE,
  infoKflag,
  infoKind,
  infoVlen,
} from '../kinds.js';
import {
  compatArray,
  compatEnum,
  compatFnProto,
  equalArray,
  equalCommon,
  equalIntTag,
  hashStructDeep,
  shallowEqualStruct,
} from './hash.js';
import { ShapeSigs, shapeKey } from './shape.js';
import { MAX_NR_TYPES, PROGRESS_STEP, type DedupState } from './state.js';
import { CandTable } from './table.js';

/** Returns whether `id1` and `id2` are ARRAYs equal down to referenced ids (`btf_dedup_identical_arrays`). */
function identicalArrays(d: DedupState, id1: number, id2: number): boolean {
  if (d.kind(id1) !== BTF_KIND_ARRAY || d.kind(id2) !== BTF_KIND_ARRAY) return false;
  return equalArray(d.w, d.off[id1]!, d.off[id2]!);
}

/**
 * Returns whether `id1` and `id2` are STRUCTs/UNIONs equal down to referenced
 * ids (`btf_dedup_identical_structs`, which recurses into member structs).
 * Member structs nest on an explicit stack (struct pairs and the next member
 * to compare), so any depth costs no call stack; a path longer than there
 * are types is a loop (level 1 reads them): not identical.
 */
function identicalStructs(d: DedupState, id1: number, id2: number): boolean {
  const w = d.w;
  // Frames of three: word offsets of the two structs, next member word.
  const st: number[] = [];
  const open = (x: number, y: number): boolean => {
    const k = d.kind(x);
    if ((k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) || k !== d.kind(y)) return false;
    const a = d.off[x]!;
    const b = d.off[y]!;
    if (!shallowEqualStruct(w, a, b)) return false;
    if (st.length / 3 >= d.typeCnt) return false;
    st.push(a, b, 4);
    return true;
  };
  if (!open(id1, id2)) return false;
  while (st.length) {
    const f = st.length - 3;
    const a = st[f]!;
    const b = st[f + 1]!;
    const i = st[f + 2]!;
    if (i >= 3 + infoVlen(w[a + 1]!) * 3) {
      st.length = f;
      continue;
    }
    st[f + 2] = i + 3;
    const t1 = w[a + i]!;
    const t2 = w[b + i]!;
    if (t1 !== t2 && !identicalArrays(d, t1, t2) && !open(t1, t2)) return false;
  }
  return true;
}

/** Pending (candidate, canonical) pairs of the current walk. */
let stack: Uint32Array = new Uint32Array(1024);

/** Returns the stack, grown to hold at least `n` entries. */
function growStack(n: number): Uint32Array {
  let cap = stack.length;
  while (cap < n) cap *= 2;
  const g = new Uint32Array(cap);
  g.set(stack);
  stack = g;
  return g;
}

/**
 * Returns whether the type graphs of `candId` and `canonId` are equivalent
 * (`btf_dedup_is_equiv`), leaving the hypotheses in `hypotMap`/`hypotList`.
 * A failed check changes nothing else, which the caller relies on. This is
 * the hot loop of the whole dedup (the kernel's BTF has 1,601 anonymous
 * `union { event; handler; }` of one shape, each compared with the
 * others), hence `resolve_type_id` and `resolve_fwd_id` written inline.
 */
function isEquiv(d: DedupState, candId: number, canonId: number): boolean {
  const { w, off, map, hypotMap } = d;
  const startId = d.startId;
  let st = stack;
  st[0] = candId;
  st[1] = canonId;
  let sp = 2;
  while (sp > 0) {
    sp -= 2;
    const cand = st[sp]!;
    let canon = st[sp + 1]!;

    // resolve_type_id() of both sides
    let rc = cand;
    for (let m = map[rc]!; m <= MAX_NR_TYPES && m !== rc; m = map[rc]!) rc = m;
    let rn = canon;
    for (let m = map[rn]!; m <= MAX_NR_TYPES && m !== rn; m = map[rn]!) rn = m;
    if (rc === rn) continue;

    // resolve_fwd_id(canon): rn is where canon resolves to
    let no = off[canon]!;
    if (infoKind(w[no + 1]!) === BTF_KIND_FWD && rn !== canon) {
      const ro = off[rn]!;
      if (infoKind(w[ro + 1]!) !== BTF_KIND_FWD) {
        canon = rn;
        no = ro;
      }
    }

    const hyp = hypotMap[canon]!;
    if (hyp <= MAX_NR_TYPES) {
      if (hyp === cand || identicalArrays(d, hyp, cand) || identicalStructs(d, hyp, cand)) continue;
      return false;
    }
    d.hypotAdd(canon, cand);

    const co = off[cand]!;
    if (w[co] !== w[no]) return false;
    const cInfo = w[co + 1]!;
    const nInfo = w[no + 1]!;
    const candKind = infoKind(cInfo);
    const canonKind = infoKind(nInfo);

    // FWD <-> STRUCT/UNION of the same name
    if ((candKind === BTF_KIND_FWD || canonKind === BTF_KIND_FWD) && candKind !== canonKind) {
      let realKind: number;
      let fwdKind: number;
      if (candKind === BTF_KIND_FWD) {
        realKind = canonKind;
        fwdKind = infoKflag(cInfo) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
      } else {
        realKind = candKind;
        fwdKind = infoKflag(nInfo) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
        // the match would resolve a FWD of the (fixed) base
        if (fwdKind === realKind && canon < startId) d.hypotAdjustCanon = true;
      }
      if (fwdKind !== realKind) return false;
      continue;
    }
    if (candKind !== canonKind) return false;

    switch (candKind) {
      case BTF_KIND_INT:
        if (!equalIntTag(w, co, no)) return false;
        break;
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        if (!compatEnum(w, co, no)) return false;
        break;
      case BTF_KIND_FWD:
      case BTF_KIND_FLOAT:
        if (!equalCommon(w, co, no)) return false;
        break;
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_PTR:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_FUNC:
      case BTF_KIND_TYPE_TAG:
        if (cInfo !== nInfo) return false;
        if (sp + 2 > st.length) st = growStack(sp + 2);
        st[sp] = w[co + 2]!;
        st[sp + 1] = w[no + 2]!;
        sp += 2;
        break;
      case BTF_KIND_ARRAY:
        if (!compatArray(w, co, no)) return false;
        if (sp + 4 > st.length) st = growStack(sp + 4);
        // index type first, then element type: push them the other way round
        st[sp] = w[co + 3]!;
        st[sp + 1] = w[no + 3]!;
        st[sp + 2] = w[co + 4]!;
        st[sp + 3] = w[no + 4]!;
        sp += 4;
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        if (!shallowEqualStruct(w, co, no)) return false;
        const vlen = infoVlen(cInfo);
        if (sp + 2 * vlen > st.length) st = growStack(sp + 2 * vlen);
        for (let i = vlen - 1; i >= 0; i--) {
          st[sp] = w[co + 4 + i * 3]!;
          st[sp + 1] = w[no + 4 + i * 3]!;
          sp += 2;
        }
        break;
      }
      case BTF_KIND_FUNC_PROTO: {
        if (!compatFnProto(w, co, no)) return false;
        const vlen = infoVlen(cInfo);
        if (sp + 2 * vlen + 2 > st.length) st = growStack(sp + 2 * vlen + 2);
        for (let i = vlen - 1; i >= 0; i--) {
          st[sp] = w[co + 4 + i * 2]!;
          st[sp + 1] = w[no + 4 + i * 2]!;
          sp += 2;
        }
        st[sp] = w[co + 2]!;
        st[sp + 1] = w[no + 2]!;
        sp += 2;
        break;
      }
      default:
        throw d.badKind(cand, `cannot be compared (met through type [${candId}])`);
    }
  }
  return true;
}

/** Keeps the safe part of a successful walk's hypotheses (`btf_dedup_merge_hypot_map`). */
function mergeHypot(d: DedupState): void {
  const { map, hypotMap, hypotList } = d;
  for (let i = 0; i < d.hypotCnt; i++) {
    const canonId = hypotList[i]!;
    const targId = hypotMap[canonId]!;
    const t = d.resolve(targId);
    const c = d.resolve(canonId);
    const tk = d.kind(t);
    const ck = d.kind(c);
    // A FWD resolves to the STRUCT/UNION it met, on either side. For split
    // BTF this also points base FWDs at split structs, so that split FWDs
    // resolved against them end up at the struct too.
    if (tk !== BTF_KIND_FWD && ck === BTF_KIND_FWD) map[c] = t;
    if (d.hypotAdjustCanon) continue;
    if (tk === BTF_KIND_FWD && ck !== BTF_KIND_FWD) map[t] = c;
    // A struct of the candidate graph joins a canonical struct, but only one
    // that already has its canonical type (member types may not yet).
    if (
      (tk === BTF_KIND_STRUCT || tk === BTF_KIND_UNION) &&
      ck !== BTF_KIND_FWD &&
      map[c]! <= MAX_NR_TYPES &&
      map[t]! > MAX_NR_TYPES
    ) {
      map[t] = c;
    }
  }
}

function resolveIn(map: Uint32Array, id: number): number {
  for (let m = map[id]!; m <= MAX_NR_TYPES && m !== id; m = map[id]!) id = m;
  return id;
}

/**
 * Returns true when `isEquiv(d, t, c)` would surely fail, for a struct `t`
 * not mapped yet and a shallow-equal canonical candidate `c`; false when
 * unsure. A failed walk has no effect (the next candidate clears the
 * hypotheses anyway), so skipping it is exact.
 *
 * The walk's first step pairs `c` with `t`, then visits member pairs in
 * order; pairs that already resolve to the same type are passed over. The
 * first pair that does not is looked at with only `c -> t` hypothesised, so
 * its own record test (names, kinds, sizes...) decides whether the walk
 * fails there. That test alone rejects nearly all the candidates of the
 * large groups of same-shape structs (1,601 in the kernel's BTF) without
 * touching the hypothesis map.
 */
function surelyNotEquiv(d: DedupState, t: number, c: number): boolean {
  const { w, off, map } = d;
  const to = off[t]!;
  const co = off[c]!;
  const end = 3 + infoVlen(w[to + 1]!) * 3;
  let a = 0;
  let b = 0;
  let rb = 0;
  let i = 4;
  for (; i < end; i += 3) {
    a = w[to + i]!;
    b = w[co + i]!;
    rb = resolveIn(map, b);
    if (resolveIn(map, a) !== rb) break;
  }
  if (i >= end) return false;
  // resolve_fwd_id(b)
  let bo = off[b]!;
  if (infoKind(w[bo + 1]!) === BTF_KIND_FWD && rb !== b) {
    const ro = off[rb]!;
    if (infoKind(w[ro + 1]!) !== BTF_KIND_FWD) {
      b = rb;
      bo = ro;
    }
  }
  if (b === c) return false;
  const ao = off[a]!;
  if (w[ao] !== w[bo]) return true;
  const ak = infoKind(w[ao + 1]!);
  const bk = infoKind(w[bo + 1]!);
  if ((ak === BTF_KIND_FWD || bk === BTF_KIND_FWD) && ak !== bk) {
    const fwdInfo = ak === BTF_KIND_FWD ? w[ao + 1]! : w[bo + 1]!;
    const realKind = ak === BTF_KIND_FWD ? bk : ak;
    return (infoKflag(fwdInfo) ? BTF_KIND_UNION : BTF_KIND_STRUCT) !== realKind;
  }
  if (ak !== bk) return true;
  switch (ak) {
    case BTF_KIND_INT:
      return !equalIntTag(w, ao, bo);
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return !compatEnum(w, ao, bo);
    case BTF_KIND_FWD:
    case BTF_KIND_FLOAT:
      return !equalCommon(w, ao, bo);
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_FUNC:
    case BTF_KIND_TYPE_TAG:
      return w[ao + 1] !== w[bo + 1];
    case BTF_KIND_ARRAY:
      return !compatArray(w, ao, bo);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return !shallowEqualStruct(w, ao, bo);
    case BTF_KIND_FUNC_PROTO:
      return !compatFnProto(w, ao, bo);
    default:
      return false;
  }
}

/**
 * Shape signatures (shape.ts) of the current pass: undefined until first
 * needed, null when the BTF has none.
 */
let shapes: ShapeSigs | null | undefined;

/** Returns the current pass's shape signatures (null: none). */
function shapesOf(d: DedupState): ShapeSigs | null {
  if (shapes === undefined) shapes = ShapeSigs.of(d);
  return shapes;
}

/**
 * The anonymous structs' candidates by shape (shape.ts `shapeKey`), for the
 * primary keys in `byShapeKeys` only: those an anonymous struct looked up
 * while they had candidates (and the BTF has signatures). Made when first
 * needed.
 */
let byShape: CandTable | null = null;
const byShapeKeys = new Set<number>();

/** Candidates a key may have before an anonymous struct looks it up by shape. */
const SHORT_LIST = 8;

/** Returns whether `key` has more than {@link SHORT_LIST} entries in `table`. */
function longList(table: CandTable, key: number): boolean {
  let n = 0;
  for (let e = table.first(key); e >= 0; e = table.nextOf(e, key)) if (++n > SHORT_LIST) return true;
  return false;
}

/**
 * Lists primary key `h`'s anonymous STRUCT/UNION candidates in `byShape`,
 * as if each had been listed there when it became a candidate: in the
 * order they were added, each with the grows' parity it saw.
 */
function listByShape(d: DedupState, sigs: ShapeSigs, sub: CandTable, h: number): void {
  const { w, off, table } = d;
  byShapeKeys.add(h);
  for (const e of table.entriesOf(h)) {
    const c = table.types[e]!;
    const o = off[c]!;
    const kind = infoKind(w[o + 1]!);
    if (w[o] !== 0 || (kind !== BTF_KIND_STRUCT && kind !== BTF_KIND_UNION)) continue;
    sub.atParity(table.parityOf(e));
    sub.addAlias(shapeKey(h, sigs.sigOf(c)), c);
  }
}

/**
 * Deduplicates one STRUCT/UNION (`btf_dedup_struct_type`).
 *
 * An anonymous one is looked up among the candidates of its shape only
 * (`byShape`): the sub-list of its key's candidates, in the same order. The
 * others would fail their walk (shape.ts), so the first match is libbpf's.
 * Without that, every level of a chain of nested anonymous structs (one
 * key) would look at every earlier level: quadratic in the chain's depth. A
 * key's sub-lists are made when an anonymous struct first finds the key
 * has more than {@link SHORT_LIST} candidates, so most anonymous structs
 * need no signature; on a shorter list, candidates of another shape are
 * left out from the second walk on (a first walk usually succeeds). A
 * named struct has its name in the key and in its signature (shape.ts: a
 * stop), so all its shallow-equal candidates share its shape. Without
 * signatures (an anonymous FWD), the key's whole list is walked.
 */
function dedupStruct(d: DedupState, id: number): void {
  const { w, off, map, table } = d;
  if (map[id]! <= MAX_NR_TYPES) return;
  const kind = d.kind(id);
  if (kind !== BTF_KIND_STRUCT && kind !== BTF_KIND_UNION) return;
  const o = off[id]!;
  const h = hashStructDeep(w, off, o);
  let newId = id;
  let list: CandTable = table;
  let key = h;
  let sig = 0;
  let walks = 0;
  const sigs = w[o] === 0 && (byShapeKeys.has(h) || longList(table, h)) ? shapesOf(d) : null;
  if (sigs !== null) {
    if (byShape === null) byShape = new CandTable(d.structIds.length);
    const sub = byShape;
    if (!byShapeKeys.has(h)) listByShape(d, sigs, sub, h);
    sig = sigs.sigOf(id);
    key = shapeKey(h, sig);
    sub.atParity(table.parity());
    list = sub;
  }
  for (let e = list.first(key); e >= 0; e = list.nextOf(e, key)) {
    const c = list.types[e]!;
    // Also keeps a FWD that shares the hash from becoming a candidate (FWD
    // and STRUCT count as equivalent in the walk, which could make a loop).
    if (!shallowEqualStruct(w, o, off[c]!)) continue;
    if (surelyNotEquiv(d, id, c)) continue;
    // On a short list, signatures from the second walk on: a first walk
    // usually succeeds (vmlinux merged with itself), and costs less.
    if (sigs === null && walks++ > 0) {
      const s = shapesOf(d);
      if (s !== null && s.sigOf(id) !== s.sigOf(c)) continue;
    }
    // By shape: entries of another shape or key whose shape key is the
    // same 32 bits (libbpf would not look at them).
    if (sigs !== null && (sigs.sigOf(c) !== sig || hashStructDeep(w, off, off[c]!) !== h)) continue;
    d.clearHypot();
    if (!isEquiv(d, id, c)) continue;
    mergeHypot(d);
    if (d.hypotAdjustCanon) continue;
    newId = c;
    break;
  }
  map[id] = newId;
  if (newId !== id) return;
  table.add(h, id);
  if (w[o] === 0 && byShape !== null && byShapeKeys.has(h)) {
    const s = shapesOf(d)!;
    byShape.atParity(table.parity());
    byShape.addAlias(shapeKey(h, s.sigOf(id)), id);
  }
}

/** Deduplicates every STRUCT and UNION (`btf_dedup_struct_types`), in id order. */
export function dedupStructTypes(d: DedupState): void {
  const ids = d.structIds;
  const n = ids.length;
  shapes = undefined;
  byShape = null;
  byShapeKeys.clear();
  try {
    for (let i = 0; i < n; i++) {
      if (d.progress && (i & (PROGRESS_STEP - 1)) === 0) d.progress('struct', i, n);
      dedupStruct(d, ids[i]!);
    }
  } finally {
    shapes = undefined;
    byShape = null;
    byShapeKeys.clear();
  }
}
