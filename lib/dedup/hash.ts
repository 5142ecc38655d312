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
import { BTF_KIND_ENUM, BTF_KIND_ENUM64 } from '../kinds.js';

/** Mixes one word into a running 32-bit hash. */
function mix(h: number, v: number): number {
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

/** Returns the hash of a STRUCT or UNION without member types (`btf_hash_struct`). */
export function hashStruct(w: Uint32Array, o: number): number {
  let h = hashCommon(w, o);
  const end = o + 3 + (w[o + 1]! & 0xffffff) * 3;
  for (let m = o + 3; m < end; m += 3) h = mix(mix(h, w[m]!), w[m + 2]!);
  return h;
}

/** Returns the hash of an ARRAY with its element and index types (`btf_hash_array`). */
export function hashArray(w: Uint32Array, o: number): number {
  return mix(mix(mix(hashCommon(w, o), w[o + 3]!), w[o + 4]!), w[o + 5]!);
}

/** Returns the hash of a FUNC_PROTO with its param types (`btf_hash_fnproto`). */
export function hashFnProto(w: Uint32Array, o: number): number {
  let h = hashCommon(w, o);
  const end = o + 3 + (w[o + 1]! & 0xffffff) * 2;
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
  const vlen = info & 0xffffff;
  const n = ((info >>> 24) & 0x7f) === BTF_KIND_ENUM ? vlen * 2 : vlen * 3;
  for (let i = 3; i < 3 + n; i++) if (w[a + i] !== w[b + i]) return false;
  return true;
}

function isAnyEnum(info: number): boolean {
  const k = (info >>> 24) & 0x7f;
  return k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64;
}

/** Returns whether a record is an ENUM or ENUM64 without values: a forward declaration (`btf_is_enum_fwd`). */
export function isEnumFwd(w: Uint32Array, a: number): boolean {
  const info = w[a + 1]!;
  return isAnyEnum(info) && (info & 0xffffff) === 0;
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
  const end = 3 + (w[a + 1]! & 0xffffff) * 3;
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
  const end = 3 + (w[a + 1]! & 0xffffff) * 2;
  for (let i = 3; i < end; i++) if (w[a + i] !== w[b + i]) return false;
  return true;
}

/** Returns whether two FUNC_PROTOs agree on everything but the return and param types (`btf_compat_fnproto`). */
export function compatFnProto(w: Uint32Array, a: number, b: number): boolean {
  if (w[a] !== w[b] || w[a + 1] !== w[b + 1]) return false;
  const end = 3 + (w[a + 1]! & 0xffffff) * 2;
  for (let i = 3; i < end; i += 2) if (w[a + i] !== w[b + i]) return false;
  return true;
}
