/**
 * Type signatures: what libbpf 1.1.2 hashes for each kind (`btf_hash_*`)
 * and how it compares two records (`btf_equal_*`, `btf_compat_*`,
 * `btf_shallow_equal_struct`). Records are read in place: `w` is the words
 * array, `a` and `b` are record offsets in it.
 *
 * A hash must be a function of exactly the fields its equality test reads,
 * and of nothing else (see table.ts for why that is enough to reproduce
 * libbpf's candidate order); the hash values themselves are ours.
 *
 *   kind             hashed (and compared) fields
 *   common           name_off, info, size|type
 *   INT, DECL_TAG    common + the extra word (encoding / component_idx)
 *   ENUM, ENUM64     name_off only, so that an enum forward declaration
 *                    (vlen 0) meets its full definition
 *   STRUCT, UNION    common + each member's name_off and offset (member
 *                    types are settled later, by the graph walk)
 *   ARRAY            common + type, index_type, nelems
 *   FUNC_PROTO       common + each param's name_off and type
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
  infoKind,
  infoVlen,
} from '../kinds.js';

/** Returns `h` with the word `v` mixed in: the running 32-bit hash of every signature here and in shape.ts. */
export function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x5bd1e995);
  return h ^ (h >>> 15);
}

const SEED = 0x2f1b3c4d;

/** Returns the hash of name_off, info and size|type (`btf_hash_common`). */
export function hashCommon(w: Uint32Array, o: number): number {
  return mix(mix(mix(SEED, w[o]!), w[o + 1]!), w[o + 2]!);
}

/** Returns the hash of an INT or DECL_TAG (`btf_hash_int_decl_tag`). */
export function hashIntTag(w: Uint32Array, o: number): number {
  return mix(hashCommon(w, o), w[o + 3]!);
}

/** Returns the hash of an ENUM or ENUM64: its name only (`btf_hash_enum`). */
export function hashEnum(w: Uint32Array, o: number): number {
  return mix(SEED, w[o]!);
}

/**
 * Returns the secondary key of an ENUM/ENUM64 (table.ts `addAlias`): forward
 * declarations by name alone, full enums by everything `btf_equal_enum`
 * compares, so that a full enum finds its equals without walking every enum
 * of its name (the kernel has 956 anonymous ones).
 */
export function hashEnumAlias(w: Uint32Array, o: number): number {
  const info = w[o + 1]!;
  const vlen = infoVlen(info);
  if (vlen === 0) return mix(0x0e1f2a3b, w[o]!);
  let h = mix(hashCommon(w, o), 0x7a6b5c4d);
  const n = infoKind(info) === BTF_KIND_ENUM ? vlen * 2 : vlen * 3;
  for (let i = o + 3; i < o + 3 + n; i++) h = mix(h, w[i]!);
  return h;
}

/** Returns the alias key under which the forward declarations named like the enum at `o` are listed. */
export function hashEnumFwdAlias(w: Uint32Array, o: number): number {
  return mix(0x0e1f2a3b, w[o]!);
}

/** Returns the hash of a STRUCT or UNION without member types (`btf_hash_struct`). */
function hashStruct(w: Uint32Array, o: number): number {
  let h = hashCommon(w, o);
  const end = o + 3 + infoVlen(w[o + 1]!) * 3;
  for (let m = o + 3; m < end; m += 3) h = mix(mix(h, w[m]!), w[m + 2]!);
  return h;
}

/**
 * Returns a hash of what the graph walk would compare below type `id`, down
 * to `depth` references, that is equal for any two types the walk can pair
 * (struct.ts): names, and infos of references, arrays and prototypes; INT
 * and FLOAT records; only the name of a STRUCT, UNION or FWD (a FWD pairs
 * with a struct of its name, and structs are where the walk goes round
 * cycles) and of an ENUM (a forward enum pairs with any enum of its name).
 */
function refSig(w: Uint32Array, off: Uint32Array, id: number, depth: number): number {
  if (id === 0) return 0x3b9a73c9;
  const o = off[id]!;
  if (o === undefined) return 0;
  const info = w[o + 1]!;
  switch (infoKind(info)) {
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
    case BTF_KIND_FWD:
      return mix(0x51a3c2d1, w[o]!);
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return mix(0x6e3f0a97, w[o]!);
    case BTF_KIND_INT:
      return mix(hashCommon(w, o), w[o + 3]!);
    case BTF_KIND_FLOAT:
      return hashCommon(w, o);
    case BTF_KIND_PTR:
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_FUNC:
    case BTF_KIND_TYPE_TAG: {
      const h = mix(mix(0x1f83d9ab, w[o]!), info);
      return depth > 0 ? mix(h, refSig(w, off, w[o + 2]!, depth - 1)) : h;
    }
    case BTF_KIND_ARRAY: {
      const h = mix(0x7c159e37, w[o + 5]!);
      return depth > 0 ? mix(mix(h, refSig(w, off, w[o + 3]!, depth - 1)), refSig(w, off, w[o + 4]!, depth - 1)) : h;
    }
    case BTF_KIND_FUNC_PROTO: {
      let h = mix(mix(0x2545f491, w[o]!), info);
      const end = o + 3 + infoVlen(info) * 2;
      for (let p = o + 3; p < end; p += 2) h = mix(h, w[p]!);
      if (depth > 0) {
        h = mix(h, refSig(w, off, w[o + 2]!, depth - 1));
        for (let p = o + 3; p < end; p += 2) h = mix(h, refSig(w, off, w[p + 1]!, depth - 1));
      }
      return h;
    }
    default:
      return 0;
  }
}

/** How deep {@link hashStructDeep} looks through member types. */
const SIG_DEPTH = 2;

/**
 * Returns the candidate-table key of a STRUCT/UNION: {@link hashStruct}
 * plus a signature of each member's type ({@link refSig}). libbpf keys
 * structs by `btf_hash_struct` alone; adding what every successful graph
 * walk needs equal only leaves out candidates whose walk would fail (which
 * has no effect), and keeps the order of the others (see table.ts). It
 * saves the kernel's 1,601 anonymous `union { event; handler; }`, which
 * share a `btf_hash_struct`, from being walked against one another.
 */
export function hashStructDeep(w: Uint32Array, off: Uint32Array, o: number): number {
  let h = hashStruct(w, o);
  const end = o + 3 + infoVlen(w[o + 1]!) * 3;
  for (let m = o + 4; m < end; m += 3) h = mix(h, refSig(w, off, w[m]!, SIG_DEPTH));
  return h;
}

/** Returns the hash of an ARRAY with its element and index types (`btf_hash_array`). */
export function hashArray(w: Uint32Array, o: number): number {
  return mix(mix(mix(hashCommon(w, o), w[o + 3]!), w[o + 4]!), w[o + 5]!);
}

/** Returns the hash of a FUNC_PROTO with its param types (`btf_hash_fnproto`). */
export function hashFnProto(w: Uint32Array, o: number): number {
  let h = hashCommon(w, o);
  const end = o + 3 + infoVlen(w[o + 1]!) * 2;
  for (let p = o + 3; p < end; p += 2) h = mix(mix(h, w[p]!), w[p + 1]!);
  return h;
}

/** Returns whether name_off, info and size|type are equal (`btf_equal_common`). */
export function equalCommon(w: Uint32Array, a: number, b: number): boolean {
  return w[a] === w[b] && w[a + 1] === w[b + 1] && w[a + 2] === w[b + 2];
}

/** Returns whether two INTs or DECL_TAGs are equal (`btf_equal_int_tag`). */
export function equalIntTag(w: Uint32Array, a: number, b: number): boolean {
  return equalCommon(w, a, b) && w[a + 3] === w[b + 3];
}

/** Returns whether two ENUMs or ENUM64s are equal, values included (`btf_equal_enum`). */
export function equalEnum(w: Uint32Array, a: number, b: number): boolean {
  if (!equalCommon(w, a, b)) return false;
  const info = w[a + 1]!;
  const vlen = infoVlen(info);
  const n = infoKind(info) === BTF_KIND_ENUM ? vlen * 2 : vlen * 3;
  for (let i = 3; i < 3 + n; i++) if (w[a + i] !== w[b + i]) return false;
  return true;
}

function isAnyEnum(info: number): boolean {
  const k = infoKind(info);
  return k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64;
}

/** Returns whether a record is an ENUM or ENUM64 without values: a forward declaration (`btf_is_enum_fwd`). */
export function isEnumFwd(w: Uint32Array, a: number): boolean {
  const info = w[a + 1]!;
  return isAnyEnum(info) && infoVlen(info) === 0;
}

/**
 * Returns whether two enums are compatible (`btf_compat_enum`): equal, or
 * one is a forward declaration and both are enums of the same name (the
 * size and ENUM/ENUM64 kind may differ).
 */
export function compatEnum(w: Uint32Array, a: number, b: number): boolean {
  if (!isEnumFwd(w, a) && !isEnumFwd(w, b)) return equalEnum(w, a, b);
  return w[a] === w[b] && isAnyEnum(w[a + 1]!) && isAnyEnum(w[b + 1]!);
}

/** Returns whether two STRUCTs/UNIONs agree on everything but member types (`btf_shallow_equal_struct`). */
export function shallowEqualStruct(w: Uint32Array, a: number, b: number): boolean {
  if (!equalCommon(w, a, b)) return false;
  const end = 3 + infoVlen(w[a + 1]!) * 3;
  for (let i = 3; i < end; i += 3) {
    if (w[a + i] !== w[b + i] || w[a + i + 2] !== w[b + i + 2]) return false;
  }
  return true;
}

/** Returns whether two ARRAYs are equal, referenced ids included (`btf_equal_array`). */
export function equalArray(w: Uint32Array, a: number, b: number): boolean {
  return equalCommon(w, a, b) && w[a + 3] === w[b + 3] && w[a + 4] === w[b + 4] && w[a + 5] === w[b + 5];
}

/** Returns whether two ARRAYs agree on everything but referenced ids (`btf_compat_array`). */
export function compatArray(w: Uint32Array, a: number, b: number): boolean {
  return equalCommon(w, a, b) && w[a + 5] === w[b + 5];
}

/** Returns whether two FUNC_PROTOs are equal, referenced ids included (`btf_equal_fnproto`). */
export function equalFnProto(w: Uint32Array, a: number, b: number): boolean {
  if (!equalCommon(w, a, b)) return false;
  const end = 3 + infoVlen(w[a + 1]!) * 2;
  for (let i = 3; i < end; i++) if (w[a + i] !== w[b + i]) return false;
  return true;
}

/** Returns whether two FUNC_PROTOs agree on everything but the return and param types (`btf_compat_fnproto`). */
export function compatFnProto(w: Uint32Array, a: number, b: number): boolean {
  if (w[a] !== w[b] || w[a + 1] !== w[b + 1]) return false;
  const end = 3 + infoVlen(w[a + 1]!) * 2;
  for (let i = 3; i < end; i += 2) if (w[a + i] !== w[b + i]) return false;
  return true;
}
