/**
 * CO-RE matching (libbpf 1.1.2's relo_core.c): does a target candidate
 * satisfy the local spec? Field specs are matched accessor by accessor
 * (`bpf_core_spec_match`, `bpf_core_match_member` descending through
 * anonymous members, `bpf_core_fields_are_compat`); type relocations use
 * `bpf_core_types_are_compat` (or `bpf_core_types_match` for
 * `type_matches`, with its `behind_ptr` rules); enumerator relocations look
 * the enumerator up by essential name. Results follow libbpf's
 * convention: 1 match, 0 no match, a negative errno for an error.
 * @module
 */
import type { Btf } from '../btf.js';
import { type CoreAccessor, type CoreSpec, ENUMVAL_BASED, FIELD_BASED, KIND_STR, TYPE_BASED } from '../core-spec.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  intEncoding,
  intOffset,
  memberBitOffset,
} from '../kinds.js';
import { type TypeQuery, typeQuery } from '../query.js';
import { essentialNameLen, kindCoreCompat } from './cands.js';

/** libbpf's BPF_CORE_SPEC_MAX_LEN. */
const SPEC_MAX_LEN = 64;
export const EINVAL = -22;
export const E2BIG = -7;

/** A spec being built or matched: libbpf's `struct bpf_core_spec` (its `btf` included). */
export interface MatchSpec extends Omit<CoreSpec, 'text'> {
  btf: Btf;
}

const isEnumKind = (k: number): boolean => k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64;
const isComposite = (k: number): boolean => k === BTF_KIND_STRUCT || k === BTF_KIND_UNION;

/** `skip_mods_and_typedefs` with libbpf's NULL for an id past the end (-1). */
function skip(q: TypeQuery, id: number): number {
  if (id < 0 || id >= q.typeCount) return -1;
  const r = q.skipModsAndTypedefs(id);
  return r >= q.typeCount ? -1 : r;
}

function nameAt(q: TypeQuery, off: number): string {
  return q.str(off);
}

/**
 * Whether the string at `off` in `q` is the string at `wantOff` in `w`,
 * compared on the bytes: a member search reads every member's name, and
 * decodes none. An offset past the strings is decoded, to throw as
 * {@link nameAt} does.
 */
function sameStr(q: TypeQuery, off: number, w: TypeQuery, wantOff: number): boolean {
  const strs = q.strs;
  const want = w.strs;
  if (off >= strs.length) nameAt(q, off);
  for (let i = 0; ; i++) {
    const c = want[wantOff + i];
    if (strs[off + i] !== c) return false;
    if (c === 0 || c === undefined) return true;
  }
}

/** `bpf_core_fields_are_compat`. */
function fieldsAreCompat(lq: TypeQuery, localId: number, tq: TypeQuery, targId: number): number {
  for (;;) {
    const l = skip(lq, localId);
    const t = skip(tq, targId);
    if (l < 0 || t < 0) return EINVAL;
    const lk = lq.kind(l);
    const tk = tq.kind(t);
    if (isComposite(lk) && isComposite(tk)) return 1;
    if (!kindCoreCompat(lk, tk)) return 0;
    switch (lk) {
      case BTF_KIND_PTR:
      case BTF_KIND_FLOAT:
        return 1;
      case BTF_KIND_FWD:
      case BTF_KIND_ENUM64:
      case BTF_KIND_ENUM: {
        const ln = nameAt(lq, lq.nameOff(l));
        const tn = nameAt(tq, tq.nameOff(t));
        const ll = essentialNameLen(ln);
        const tl = essentialNameLen(tn);
        return ll === 0 || tl === 0 || (ll === tl && ln.slice(0, ll) === tn.slice(0, tl)) ? 1 : 0;
      }
      case BTF_KIND_INT:
        return intOffset(lq.word(l, 3)) === 0 && intOffset(tq.word(t, 3)) === 0 ? 1 : 0;
      case BTF_KIND_ARRAY:
        localId = lq.word(l, 4);
        targId = tq.word(t, 4);
        continue;
      default:
        return 0;
    }
  }
}

/**
 * `__bpf_core_types_are_compat` (`bpf_core_types_are_compat` starts at level
 * INT_MAX). libbpf recurses into each parameter of a prototype, with no
 * limit from INT_MAX; here a prototype whose parameters are being compared
 * is a frame of an explicit stack (its ids, next parameter, chain steps
 * left, level), so nested prototypes cost no call stack. Results and their
 * order are libbpf's: the first parameter that is not compatible (or an
 * error) decides, then the return type.
 */
function typesAreCompat(
  lq: TypeQuery,
  localId: number,
  tq: TypeQuery,
  targId: number,
  log: string[] | null,
  level = 0x7fffffff,
): number {
  const st: number[] = [];
  let l = localId;
  let t = targId;
  let lvl = level;
  let depth = 0;
  // A new comparison starts (libbpf's entry checks) unless a prototype's return type goes on.
  let fresh = true;
  for (;;) {
    let res = Number.NaN;
    if (fresh) {
      fresh = false;
      depth = 32;
      if (l < 0 || l >= lq.typeCount || t < 0 || t >= tq.typeCount) res = EINVAL;
      else if (!kindCoreCompat(lq.kind(l), tq.kind(t))) res = 0;
    }
    while (Number.isNaN(res)) {
      depth--;
      if (depth < 0) {
        res = EINVAL;
        break;
      }
      const a = skip(lq, l);
      const b = skip(tq, t);
      if (a < 0 || b < 0) {
        res = EINVAL;
        break;
      }
      l = a;
      t = b;
      const lk = lq.kind(l);
      if (!kindCoreCompat(lk, tq.kind(t))) {
        res = 0;
        break;
      }
      switch (lk) {
        case 0:
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
        case BTF_KIND_ENUM:
        case BTF_KIND_FWD:
        case BTF_KIND_ENUM64:
          res = 1;
          break;
        case BTF_KIND_INT:
          res = intOffset(lq.word(l, 3)) === 0 && intOffset(tq.word(t, 3)) === 0 ? 1 : 0;
          break;
        case BTF_KIND_PTR:
          l = lq.word(l, 2);
          t = tq.word(t, 2);
          continue;
        case BTF_KIND_ARRAY:
          l = lq.word(l, 4);
          t = tq.word(t, 4);
          continue;
        case BTF_KIND_FUNC_PROTO:
          if (lq.vlen(l) !== tq.vlen(t)) {
            res = 0;
            break;
          }
          // Its parameters first (the frame takes them), then its return type.
          st.push(l, t, 0, depth, lvl);
          res = 1;
          break;
        default:
          log?.push(`libbpf: unexpected kind ${KIND_STR[lk]} relocated, local [${l}], target [${t}]`);
          res = 0;
      }
    }
    // Hand `res` to the prototypes waiting for it, innermost first.
    for (;;) {
      if (st.length === 0) return res;
      const f = st.length - 5;
      if (res <= 0) {
        // The prototype's comparison returns it to the one below.
        st.length = f;
        continue;
      }
      const pl = st[f]!;
      const pt = st[f + 1]!;
      const i = st[f + 2]!;
      if (i < lq.vlen(pl)) {
        if (st[f + 4]! <= 0) {
          res = EINVAL;
          continue;
        }
        st[f + 2] = i + 1;
        l = skip(lq, lq.word(pl, 3 + i * 2 + 1));
        t = skip(tq, tq.word(pt, 3 + i * 2 + 1));
        lvl = st[f + 4]! - 1;
        fresh = true;
        break;
      }
      // Every parameter is compatible: the return type goes on in the prototype's own chain.
      l = skip(lq, lq.word(pl, 2));
      t = skip(tq, tq.word(pt, 2));
      depth = st[f + 3]!;
      lvl = st[f + 4]!;
      st.length = f;
      break;
    }
  }
}

function namesMatch(lq: TypeQuery, lOff: number, tq: TypeQuery, tOff: number): boolean {
  const ln = nameAt(lq, lOff);
  const tn = nameAt(tq, tOff);
  if (tn === '') return ln === '';
  const tl = essentialNameLen(tn);
  const ll = essentialNameLen(ln);
  return tl === ll && ln.slice(0, ll) === tn.slice(0, tl);
}

function enumsMatch(lq: TypeQuery, l: number, tq: TypeQuery, t: number): number {
  if (lq.word(l, 2) !== tq.word(t, 2)) return 0;
  const ln = lq.vlen(l);
  const tn = tq.vlen(t);
  if (ln > tn) return 0;
  const lw = lq.kind(l) === BTF_KIND_ENUM ? 2 : 3;
  const tw = tq.kind(t) === BTF_KIND_ENUM ? 2 : 3;
  for (let i = 0; i < ln; i++) {
    const name = nameAt(lq, lq.word(l, 3 + i * lw));
    const len = essentialNameLen(name);
    let matched = false;
    for (let j = 0; j < tn; j++) {
      const tname = nameAt(tq, tq.word(t, 3 + j * tw));
      if (tname === '') continue;
      const tl = essentialNameLen(tname);
      if (len === tl && name.slice(0, len) === tname.slice(0, tl)) {
        matched = true;
        break;
      }
    }
    if (!matched) return 0;
  }
  return 1;
}

function compositesMatch(
  lq: TypeQuery,
  l: number,
  tq: TypeQuery,
  t: number,
  behindPtr: boolean,
  level: number,
  log: string[] | null,
): number {
  const ln = lq.vlen(l);
  const tn = tq.vlen(t);
  if (ln > tn) return 0;
  for (let i = 0; i < ln; i++) {
    let matched = false;
    for (let j = 0; j < tn; j++) {
      if (!namesMatch(lq, lq.word(l, 3 + i * 3), tq, tq.word(t, 3 + j * 3))) continue;
      const err = typesMatch(lq, lq.word(l, 3 + i * 3 + 1), tq, tq.word(t, 3 + j * 3 + 1), behindPtr, level - 1, log);
      if (err < 0) return err;
      if (err > 0) {
        matched = true;
        break;
      }
    }
    if (!matched) return 0;
  }
  return 1;
}

/** `__bpf_core_types_match` (`bpf_core_types_match` starts with `behind_ptr` false, level 32). */
function typesMatch(
  lq: TypeQuery,
  localId: number,
  tq: TypeQuery,
  targId: number,
  behindPtr: boolean,
  level: number,
  log: string[] | null,
): number {
  if (level <= 0) return EINVAL;
  let depth = 32;
  for (;;) {
    depth--;
    if (depth < 0) return EINVAL;
    const l = skip(lq, localId);
    const t = skip(tq, targId);
    if (l < 0 || t < 0) return EINVAL;
    localId = l;
    targId = t;
    if (!namesMatch(lq, lq.nameOff(l), tq, tq.nameOff(t))) return 0;
    const lk = lq.kind(l);
    const tk = tq.kind(t);
    switch (lk) {
      case 0:
        return lk === tk ? 1 : 0;
      case BTF_KIND_FWD: {
        const lf = lq.kflag(l);
        if (behindPtr) {
          if (lk === tk) return lf === tq.kflag(t) ? 1 : 0;
          return (tk === BTF_KIND_STRUCT && !lf) || (tk === BTF_KIND_UNION && lf) ? 1 : 0;
        }
        if (lk !== tk) return 0;
        return lf === tq.kflag(t) ? 1 : 0;
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        if (!isEnumKind(tk)) return 0;
        return enumsMatch(lq, l, tq, t);
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        if (behindPtr) {
          if (lk === tk) return 1;
          if (tk !== BTF_KIND_FWD) return 0;
          return (lk === BTF_KIND_UNION) === tq.kflag(t) ? 1 : 0;
        }
        if (lk !== tk) return 0;
        return compositesMatch(lq, l, tq, t, behindPtr, level, log);
      case BTF_KIND_INT: {
        if (lk !== tk) return 0;
        const ls = intEncoding(lq.word(l, 3)) & BTF_INT_SIGNED;
        const ts = intEncoding(tq.word(t, 3)) & BTF_INT_SIGNED;
        return lq.word(l, 2) === tq.word(t, 2) && ls === ts ? 1 : 0;
      }
      case BTF_KIND_PTR:
        if (lk !== tk) return 0;
        behindPtr = true;
        localId = lq.word(l, 2);
        targId = tq.word(t, 2);
        continue;
      case BTF_KIND_ARRAY:
        if (lk !== tk) return 0;
        if (lq.word(l, 5) !== tq.word(t, 5)) return 0;
        localId = lq.word(l, 3);
        targId = tq.word(t, 3);
        continue;
      case BTF_KIND_FUNC_PROTO: {
        if (lk !== tk) return 0;
        const n = lq.vlen(l);
        if (n !== tq.vlen(t)) return 0;
        for (let i = 0; i < n; i++) {
          const err = typesMatch(
            lq,
            lq.word(l, 3 + i * 2 + 1),
            tq,
            tq.word(t, 3 + i * 2 + 1),
            behindPtr,
            level - 1,
            log,
          );
          if (err <= 0) return err;
        }
        localId = lq.word(l, 2);
        targId = tq.word(t, 2);
        continue;
      }
      default:
        log?.push(`libbpf: unexpected kind ${KIND_STR[lk]} relocated, local [${l}], target [${t}]`);
        return 0;
    }
  }
}

/** libbpf's `is_flex_arr`: an array of 0 elements that is the last member of its struct. */
function isFlexArr(q: TypeQuery, acc: CoreAccessor | undefined, nelems: number): boolean {
  if (!acc || acc.name === undefined || nelems > 0) return false;
  return acc.idx === q.vlen(acc.typeId) - 1;
}

/** `bpf_core_match_member`: finds the local member by name in `targId`, through anonymous members. */
function matchMember(
  lq: TypeQuery,
  localAcc: CoreAccessor,
  tq: TypeQuery,
  targId: number,
  spec: MatchSpec,
  next: { id: number },
): number {
  const t = skip(tq, targId);
  if (t < 0) return EINVAL;
  targId = t;
  if (!isComposite(tq.kind(t))) return 0;
  const lt = localAcc.typeId;
  // the local member's name (parseCoreSpec decoded it into the accessor), compared where it lies
  const localName = localAcc.name!;
  const wantOff = lq.word(lt, 3 + localAcc.idx * 3);
  const localType = lq.word(lt, 3 + localAcc.idx * 3 + 1);
  const n = tq.vlen(t);
  const kflag = tq.kflag(t);
  for (let i = 0; i < n; i++) {
    const bitOff = memberBitOffset(tq.word(t, 3 + i * 3 + 2), kflag);
    if (spec.raw.length === SPEC_MAX_LEN) return E2BIG;
    spec.bitOffset = (spec.bitOffset + bitOff) >>> 0;
    spec.raw.push(i);
    const mType = tq.word(t, 3 + i * 3 + 1);
    const tOff = tq.word(t, 3 + i * 3);
    if (tOff === 0 || (tOff < tq.strs.length && tq.strs[tOff] === 0)) {
      const found = matchMember(lq, localAcc, tq, mType, spec, next);
      if (found) return found;
    } else if (sameStr(tq, tOff, lq, wantOff)) {
      spec.accessors.push({ typeId: targId, idx: i, name: localName });
      next.id = mType;
      const found = fieldsAreCompat(lq, localType, tq, mType);
      if (!found) spec.accessors.pop();
      return found;
    }
    spec.bitOffset = (spec.bitOffset - bitOff) >>> 0;
    spec.raw.pop();
  }
  return 0;
}

/**
 * `bpf_core_spec_match`: matches `local` against candidate `targId` of
 * `targBtf`, filling `targ` (reset first) as libbpf fills its target spec.
 */
export function specMatch(
  local: MatchSpec,
  targBtf: Btf,
  targId: number,
  targ: MatchSpec,
  log: string[] | null,
): number {
  targ.btf = targBtf;
  targ.rootTypeId = targId;
  targ.kind = local.kind;
  targ.raw = [];
  targ.accessors = [];
  targ.bitOffset = 0;
  const lq = typeQuery(local.btf);
  const tq = typeQuery(targBtf);
  if (TYPE_BASED.has(local.kind)) {
    if (local.kind === 12) return typesMatch(lq, local.rootTypeId, tq, targId, false, 32, log);
    return typesAreCompat(lq, local.rootTypeId, tq, targId, log);
  }
  const la = local.accessors;
  if (ENUMVAL_BASED.has(local.kind)) {
    const t = skip(tq, targId);
    if (t < 0) return EINVAL;
    if (!isEnumKind(tq.kind(t))) return 0;
    const lname = la[0]!.name ?? '';
    const llen = essentialNameLen(lname);
    const w = tq.kind(t) === BTF_KIND_ENUM ? 2 : 3;
    const n = tq.vlen(t);
    for (let i = 0; i < n; i++) {
      const tname = nameAt(tq, tq.word(t, 3 + i * w));
      const tl = essentialNameLen(tname);
      if (tl !== llen) continue;
      if (lname.slice(0, llen) === tname.slice(0, llen)) {
        targ.accessors.push({ typeId: t, idx: i, name: tname });
        targ.raw.push(i);
        return 1;
      }
    }
    return 0;
  }
  if (!FIELD_BASED.has(local.kind)) return EINVAL;
  const cur = { id: targId };
  for (let i = 0; i < la.length; i++) {
    const t = skip(tq, cur.id);
    if (t < 0) return EINVAL;
    cur.id = t;
    const acc = la[i]!;
    if (acc.name !== undefined) {
      const matched = matchMember(lq, acc, tq, cur.id, targ, cur);
      if (matched <= 0) return matched;
    } else {
      if (i > 0) {
        if (tq.kind(t) !== BTF_KIND_ARRAY) return 0;
        const nelems = tq.word(t, 5);
        const flex = isFlexArr(tq, targ.accessors[targ.accessors.length - 1], nelems);
        if (!flex && acc.idx >>> 0 >= nelems) return 0;
        const e = skip(tq, tq.word(t, 3));
        if (e < 0) return EINVAL;
        cur.id = e;
      }
      if (targ.raw.length === SPEC_MAX_LEN) return E2BIG;
      targ.accessors.push({ typeId: cur.id, idx: acc.idx });
      targ.raw.push(acc.idx);
      const sz = tq.resolveSize(cur.id);
      if (sz < 0) return EINVAL;
      targ.bitOffset = (targ.bitOffset + Math.imul(Math.imul(acc.idx, sz), 8)) >>> 0;
    }
  }
  return 1;
}
