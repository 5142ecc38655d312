/**
 * Pass 0, base (libbpf's `btf_dedup_prep`), and pass 2, primitive types
 * (`btf_dedup_prim_types`).
 *
 * For split BTF every base type is its own canonical type and goes into the
 * candidate table first, so that split types find their base twins.
 *
 * Primitive types refer to no other type, so equality is a comparison of
 * words: INT, FLOAT, FWD and ENUM/ENUM64 either match an earlier canonical
 * candidate with the same signature or become canonical themselves. Enums
 * get one extra rule: a forward declaration (`enum e;`, vlen 0) merges into
 * a full definition of the same name, seen before or after it.
 *
 *   [1] ENUM 'e' size=4 vlen=0      (forward)    -> canonical, then ...
 *   [2] ENUM 'e' size=4 vlen=2 a=0 b=1          -> canonical; map[1] = 2
 *   [3] ENUM 'e' size=4 vlen=0      (forward)    -> 2
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
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
} from '../kinds.js';
import {
  compatEnum,
  equalCommon,
  equalEnum,
  equalIntTag,
  hashArray,
  hashCommon,
  hashEnum,
  hashEnumAlias,
  hashEnumFwdAlias,
  hashFnProto,
  hashIntTag,
  hashStructDeep,
  isEnumFwd,
} from './hash.js';
import { PROGRESS_STEP, type DedupState } from './state.js';

/** Makes every base type canonical and a candidate (`btf_dedup_prep`). */
export function prepBase(d: DedupState): void {
  const { w, off, map, table } = d;
  for (let id = 1; id < d.startId; id++) {
    map[id] = id;
    const o = off[id]!;
    let h: number;
    switch (d.kind(id)) {
      case BTF_KIND_VAR:
      case BTF_KIND_DATASEC:
        continue;
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_PTR:
      case BTF_KIND_FWD:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_FUNC:
      case BTF_KIND_FLOAT:
      case BTF_KIND_TYPE_TAG:
        h = hashCommon(w, o);
        break;
      case BTF_KIND_INT:
      case BTF_KIND_DECL_TAG:
        h = hashIntTag(w, o);
        break;
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        h = hashEnum(w, o);
        table.add(h, id);
        table.addAlias(hashEnumAlias(w, o), id);
        continue;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        h = hashStructDeep(w, off, o);
        break;
      case BTF_KIND_ARRAY:
        h = hashArray(w, o);
        break;
      case BTF_KIND_FUNC_PROTO:
        h = hashFnProto(w, o);
        break;
      default:
        throw d.badKind(id, 'unknown kind in base BTF');
    }
    table.add(h, id);
  }
}

/** Deduplicates one primitive type (`btf_dedup_prim_type`). */
function dedupPrim(d: DedupState, id: number): void {
  const { w, off, map, table } = d;
  const o = off[id]!;
  let newId = id;
  let h: number;
  const kind = d.kind(id);
  // only primitive (and unknown) kinds come here: see DedupState.primIds
  switch (kind) {
    case BTF_KIND_INT:
      h = hashIntTag(w, o);
      for (let e = table.first(h); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        if (equalIntTag(w, o, off[c]!)) {
          newId = c;
          break;
        }
      }
      break;

    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      h = hashEnum(w, o);
      if (!isEnumFwd(w, o) && table.first(hashEnumFwdAlias(w, o)) < 0) {
        // No forward declaration of this name is a candidate, so only equal
        // enums matter: walk those alone, in the same order.
        const a = hashEnumAlias(w, o);
        for (let e = table.first(a); e >= 0; e = table.nextOf(e, a)) {
          const c = table.types[e]!;
          if (equalEnum(w, o, off[c]!)) {
            newId = c;
            break;
          }
        }
        map[id] = newId;
        if (newId === id) {
          table.add(h, id);
          table.addAlias(a, id);
        }
        return;
      }
      for (let e = table.first(h), fwd = isEnumFwd(w, o); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        const co = off[c]!;
        if (equalEnum(w, o, co)) {
          newId = c;
          break;
        }
        // btf_compat_enum() of two full enums is btf_equal_enum(), just failed
        if ((fwd || isEnumFwd(w, co)) && compatEnum(w, o, co)) {
          if (fwd) {
            // a forward declaration resolves to the full enum
            newId = c;
            break;
          }
          // a canonical forward declaration resolves to this full enum
          map[c] = id;
        }
      }
      break;

    case BTF_KIND_FWD:
    case BTF_KIND_FLOAT:
      h = hashCommon(w, o);
      for (let e = table.first(h); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        if (equalCommon(w, o, off[c]!)) {
          newId = c;
          break;
        }
      }
      break;

    default:
      throw d.badKind(id, 'dedup does not know this kind');
  }
  map[id] = newId;
  if (newId === id) {
    table.add(h, id);
    if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) table.addAlias(hashEnumAlias(w, o), id);
  }
}

/** Deduplicates INT, FLOAT, FWD, ENUM and ENUM64 types (`btf_dedup_prim_types`, which skips the other kinds). */
export function dedupPrimTypes(d: DedupState): void {
  const ids = d.primIds;
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    if (d.progress && (i & (PROGRESS_STEP - 1)) === 0) d.progress('prim', i, n);
    dedupPrim(d, ids[i]!);
  }
}
