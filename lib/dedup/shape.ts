/**
 * Shape signatures for the struct pass: a hash of everything the graph walk
 * (struct.ts `isEquiv`) compares below a type, at any depth, so that a
 * candidate whose signature differs is known to fail without walking it.
 *
 * ## Why
 *
 * The candidate table keys a struct by its own record and a signature of
 * its member types two references deep (hash.ts `hashStructDeep`), which
 * stops at every struct. Chains of nested anonymous structs defeat that:
 *
 *   struct s { union { struct { union { ... int a; } a; } a; } a; };
 *
 * Every level of the same kind has the same key, so when a second copy of
 * the chain is deduplicated, level k is walked against every level of the
 * first copy, each walk going down min(j, k) levels before one side reaches
 * `int`: N^3/6 steps for N levels (166 million for 1,000), as in libbpf,
 * where 3,000 levels take over a minute.
 *
 * ## The signature
 *
 *   void, INT, FLOAT           the record (INT: with its encoding word)
 *   ENUM, ENUM64               the name only (a forward enum of the name,
 *                              or the other kind, may stand for it)
 *   FWD, named STRUCT/UNION    the name and struct-or-union only: a "stop"
 *   anonymous STRUCT/UNION,    the words the walk compares, then the
 *   PTR, TYPEDEF, modifiers,   signatures of the referenced types, in
 *   FUNC, TYPE_TAG, ARRAY,     fields.ts order
 *   FUNC_PROTO
 *
 * Claim: when `isEquiv(cand, canon)` succeeds, both have the same
 * signature. By induction on the height of cand's signature tree (finite:
 * see below). A pair of the walk is passed over in three ways, each of which
 * keeps signatures equal: (a) both sides resolve to one canonical type, and
 * every link of `map` joins types of equal signature (prim pass: equal or
 * compatible records; struct pass: successful walks, by this claim, and
 * FWD <-> struct of the same name); (b) the canonical side was already
 * paired in this walk with the same (or an identical, hence equally
 * signed) candidate, whose first visit compared the records and queued
 * the children; (c) FWD against a struct of its name and kind: both stops,
 * equal. Otherwise the records are compared (exactly the words hashed here,
 * or more) and the children are paired and, since the walk succeeded, all
 * visited. A canonical FWD the walk follows to its struct has the struct's
 * signature (a stop of the same name).
 *
 * So a differing signature means a failing walk, and a failing walk
 * changes nothing (the next candidate clears the hypotheses): skipping it
 * is exact, whatever the walk would have assumed on the way. Signatures
 * are a function of the records alone, which the struct pass does not
 * change, so they are computed once.
 *
 * ## Loops, odd kinds, anonymous FWDs
 *
 * A type on or above a reference loop that passes through no stop (level
 * 1 reads them; compilers emit none) has no finite signature: all such
 * types share one (`WILD_SIG`). A successful walk pairs such types only
 * with such types (the same induction, on the side whose tree is finite),
 * so the rule "differing signatures: skip" still holds. A kind the walk
 * cannot compare (VAR, DATASEC, DECL_TAG, kind 0) or an id past the last
 * type gets a signature of its own id: only that id pairs with it. An
 * anonymous FWD pairs with any anonymous struct of its kind, which would
 * let `map` join anonymous structs of different shapes, so a BTF with one
 * (base included) gets no signatures at all (`ShapeSigs.of` returns null).
 * As with the table's finer keys (hash.ts), a skipped walk that would have
 * thrown on a kind it cannot compare (libbpf: -EINVAL) no longer throws.
 *
 * The struct pass (struct.ts `dedupStruct`) looks an anonymous struct up
 * among the candidates of its signature only (`shapeKey`) once its key has
 * a few candidates, and skips walks on a signature otherwise. Signatures
 * are computed on demand, for the types a walk is about to start from or
 * that are listed by shape, and what they reach through no stop (a few
 * per struct in the kernel's BTF), on an explicit stack (post-order: a type's signature once
 * all its referenced types have theirs), so chains of any depth cost no
 * call stack.
 */
import { idFieldCount, idFieldPos } from '../fields.js';
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
  NR_BTF_KINDS,
  infoKflag,
  infoKind,
  infoVlen,
} from '../kinds.js';
import { mix } from './hash.js';
import type { DedupState } from './state.js';

const NEW = 0;
const OPEN = 1;
const DONE = 2;
/** Done, and on or above a loop through no stop. */
const WILD = 3;

const VOID_SIG = 0x3b9a73c9;
const WILD_SIG = 0x5e1f0b3d;

/** Which kinds the walk compares (its other kinds throw there). */
const WALKED: Uint8Array = (() => {
  const k = new Uint8Array(NR_BTF_KINDS);
  for (const x of [
    BTF_KIND_INT,
    BTF_KIND_FLOAT,
    BTF_KIND_ENUM,
    BTF_KIND_ENUM64,
    BTF_KIND_FWD,
    BTF_KIND_STRUCT,
    BTF_KIND_UNION,
    BTF_KIND_PTR,
    BTF_KIND_CONST,
    BTF_KIND_VOLATILE,
    BTF_KIND_RESTRICT,
    BTF_KIND_TYPEDEF,
    BTF_KIND_FUNC,
    BTF_KIND_TYPE_TAG,
    BTF_KIND_ARRAY,
    BTF_KIND_FUNC_PROTO,
  ])
    k[x] = 1;
  return k;
})();

/** Returns whether the walk compares records of `kind`. */
function walked(kind: number): boolean {
  return kind < NR_BTF_KINDS && WALKED[kind] === 1;
}

/** Returns whether the record at `o` is a stop: a FWD or a named STRUCT/UNION (its members are not hashed). */
function isStop(w: Uint32Array, o: number): boolean {
  const kind = infoKind(w[o + 1]!);
  return kind === BTF_KIND_FWD || ((kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) && w[o] !== 0);
}

/** Returns the signature of the record at `o` (of a {@link walked} kind) before its referenced types are mixed in. */
function recordSig(w: Uint32Array, o: number): number {
  const info = w[o + 1]!;
  const kind = infoKind(info);
  switch (kind) {
    case BTF_KIND_INT:
      return mix(mix(mix(mix(0x0a1b2c3d, w[o]!), info), w[o + 2]!), w[o + 3]!);
    case BTF_KIND_FLOAT:
      return mix(mix(mix(0x1b2c3d4e, w[o]!), info), w[o + 2]!);
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return mix(0x6e3f0a97, w[o]!);
    case BTF_KIND_FWD:
      return mix(mix(0x51a3c2d1, w[o]!), infoKflag(info) ? 1 : 0);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      if (w[o] !== 0) return mix(mix(0x51a3c2d1, w[o]!), kind === BTF_KIND_UNION ? 1 : 0);
      let h = mix(mix(0x2c3d4e5f, info), w[o + 2]!);
      const end = o + 3 + infoVlen(info) * 3;
      for (let m = o + 3; m < end; m += 3) h = mix(mix(h, w[m]!), w[m + 2]!);
      return h;
    }
    case BTF_KIND_ARRAY:
      return mix(mix(mix(mix(0x7c159e37, w[o]!), info), w[o + 2]!), w[o + 5]!);
    case BTF_KIND_FUNC_PROTO: {
      let h = mix(mix(0x2545f491, w[o]!), info);
      const end = o + 3 + infoVlen(info) * 2;
      for (let p = o + 3; p < end; p += 2) h = mix(h, w[p]!);
      return h;
    }
    default:
      // PTR, TYPEDEF, the modifiers, FUNC, TYPE_TAG: name and info
      return mix(mix(0x1f83d9ab, w[o]!), info);
  }
}

/** Returns whether any type of `d` (base included) is a FWD without a name. */
function hasAnonFwd(d: DedupState): boolean {
  const { w, off } = d;
  const anonFwd = (id: number): boolean => {
    const o = off[id]!;
    return w[o] === 0 && infoKind(w[o + 1]!) === BTF_KIND_FWD;
  };
  // This BTF's FWDs are among its primitive types; a base's may be anywhere.
  const prims = d.primIds;
  for (let i = 0; i < prims.length; i++) if (anonFwd(prims[i]!)) return true;
  for (let id = 1; id < d.startId; id++) if (anonFwd(id)) return true;
  return false;
}

/**
 * Shape signatures of one dedup run's types, computed on demand and kept
 * (the struct pass does not change records).
 */
export class ShapeSigs {
  private readonly d: DedupState;
  private readonly sig: Uint32Array;
  private readonly state: Uint8Array;
  /** Frames of three: type id, next field to look at, whether it reaches a loop. */
  private readonly st: number[] = [];

  private constructor(d: DedupState) {
    this.d = d;
    this.sig = new Uint32Array(d.typeCnt);
    this.state = new Uint8Array(d.typeCnt);
    this.sig[0] = VOID_SIG;
    this.state[0] = DONE;
  }

  /** Returns the signatures of `d`'s types, or null when it has an anonymous FWD (no candidate may be skipped). */
  static of(d: DedupState): ShapeSigs | null {
    return hasAnonFwd(d) ? null : new ShapeSigs(d);
  }

  /** Returns the shape signature of type `typeId` (< the type count). */
  sigOf(typeId: number): number {
    if (this.state[typeId] === NEW) this.fill(typeId);
    return this.sig[typeId]!;
  }

  /** Gives `root` and every type it reaches through no stop a signature, post-order on an explicit stack. */
  private fill(root: number): void {
    const { w, off, typeCnt } = this.d;
    const { sig, state, st } = this;
    if (!walked(infoKind(w[off[root]! + 1]!))) {
      sig[root] = mix(0x4d5e6f70, root);
      state[root] = DONE;
      return;
    }
    state[root] = OPEN;
    st.push(root, 0, 0);
    while (st.length) {
      const f = st.length - 3;
      const id = st[f]!;
      const o = off[id]!;
      const i = st[f + 1]!;
      const n = isStop(w, o) ? 0 : idFieldCount(w, o);
      if (i < n) {
        st[f + 1] = i + 1;
        const ref = w[idFieldPos(w, o, i)]!;
        // No type, or a kind the walk cannot compare: only the same id pairs with it.
        if (ref >= typeCnt) continue;
        const s = state[ref]!;
        if (s === OPEN || s === WILD) {
          st[f + 2] = 1;
        } else if (s === NEW) {
          if (walked(infoKind(w[off[ref]! + 1]!))) {
            state[ref] = OPEN;
            st.push(ref, 0, 0);
          } else {
            sig[ref] = mix(0x4d5e6f70, ref);
            state[ref] = DONE;
          }
        }
        continue;
      }
      const wild = st[f + 2] === 1;
      st.length = f;
      if (wild) {
        sig[id] = WILD_SIG;
        state[id] = WILD;
        if (f > 0) st[f - 1] = 1;
        continue;
      }
      let h = recordSig(w, o);
      for (let j = 0; j < n; j++) {
        const ref = w[idFieldPos(w, o, j)]!;
        h = mix(h, ref < typeCnt ? sig[ref]! : mix(0x4d5e6f70, ref));
      }
      sig[id] = h;
      state[id] = DONE;
    }
  }
}

/**
 * Returns the table's secondary key of an anonymous STRUCT/UNION whose
 * primary key is `h` and shape signature `sig` (table.ts `addAlias`): only
 * candidates of its shape are listed under it. Never equal to `h` itself,
 * so no entry is listed twice under one key.
 */
export function shapeKey(h: number, sig: number): number {
  const k = mix(mix(0x3c6ef372, h), sig);
  return k === h ? k ^ 1 : k;
}
