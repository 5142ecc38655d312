/**
 * The one table of which words of a type record are type ids and which are
 * string offsets (libbpf's `btf_type_visit_type_ids` /
 * `btf_type_visit_str_offs`, cilium's `children`). Validation, `addBtf`,
 * `addType`, remapping and dedup all walk records through this table instead
 * of repeating a switch per kind.
 *
 * Positions are word indices relative to the record start (`fixed*`) or to
 * the start of each vlen item (`elem*`); items start after the 3 header words
 * and the kind's fixed extra words.
 */
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM,
  BTF_KIND_ENUM64, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_PTR, BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG, BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, ELEM_WORDS, INFO_WORDS, NR_BTF_KINDS, TYPE_HDR_WORDS, infoKind, infoVlen,
} from './kinds.js';

export interface KindFields {
  /** Word positions (from the record start) holding type ids. */
  readonly fixedTypeIds: readonly number[];
  /** Word positions within each vlen item holding type ids. */
  readonly elemTypeIds: readonly number[];
  /** Word positions within each vlen item holding string offsets (the record's own name is always word 0). */
  readonly elemStrs: readonly number[];
}

const NONE: readonly number[] = [];
const fields: KindFields[] = [];
for (let k = 0; k < NR_BTF_KINDS; k++) fields.push({ fixedTypeIds: NONE, elemTypeIds: NONE, elemStrs: NONE });
for (const k of [BTF_KIND_PTR, BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST, BTF_KIND_RESTRICT,
  BTF_KIND_TYPE_TAG, BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_DECL_TAG]) {
  fields[k] = { fixedTypeIds: [2], elemTypeIds: NONE, elemStrs: NONE };
}
// struct btf_array { type; index_type; nelems } follows the header.
fields[BTF_KIND_ARRAY] = { fixedTypeIds: [3, 4], elemTypeIds: NONE, elemStrs: NONE };
// struct btf_member { name_off; type; offset }
fields[BTF_KIND_STRUCT] = { fixedTypeIds: NONE, elemTypeIds: [1], elemStrs: [0] };
fields[BTF_KIND_UNION] = fields[BTF_KIND_STRUCT];
// struct btf_enum { name_off; val } / btf_enum64 { name_off; lo; hi }
fields[BTF_KIND_ENUM] = { fixedTypeIds: NONE, elemTypeIds: NONE, elemStrs: [0] };
fields[BTF_KIND_ENUM64] = fields[BTF_KIND_ENUM];
// return type in the header, struct btf_param { name_off; type }
fields[BTF_KIND_FUNC_PROTO] = { fixedTypeIds: [2], elemTypeIds: [1], elemStrs: [0] };
// struct btf_var_secinfo { type; offset; size }
fields[BTF_KIND_DATASEC] = { fixedTypeIds: NONE, elemTypeIds: [0], elemStrs: NONE };

/** Per-kind field table, indexed by kind number. */
export const KIND_FIELDS: readonly KindFields[] = fields;

/**
 * Calls `fn(wordIndex)` for every word of the record at `off` in `w` that
 * holds a type id, in libbpf's visiting order. Unknown kinds have none.
 */
export function forEachTypeIdWord(w: Uint32Array, off: number, fn: (wordIndex: number) => void): void {
  const info = w[off + 1]!;
  const kind = infoKind(info);
  const f = fields[kind];
  if (!f) return;
  for (const p of f.fixedTypeIds) fn(off + p);
  if (f.elemTypeIds.length) {
    const esz = ELEM_WORDS[kind]!;
    let e = off + TYPE_HDR_WORDS + INFO_WORDS[kind]!;
    for (let i = infoVlen(info); i > 0; i--, e += esz) for (const p of f.elemTypeIds) fn(e + p);
  }
}

/**
 * Calls `fn(wordIndex)` for every word of the record at `off` that holds a
 * string offset: the name first, then each item's name in vlen order (the
 * order libbpf's string dedup and `btf__add_btf` use).
 */
export function forEachStrWord(w: Uint32Array, off: number, fn: (wordIndex: number) => void): void {
  fn(off);
  const info = w[off + 1]!;
  const kind = infoKind(info);
  const f = fields[kind];
  if (!f || !f.elemStrs.length) return;
  const esz = ELEM_WORDS[kind]!;
  let e = off + TYPE_HDR_WORDS + INFO_WORDS[kind]!;
  for (let i = infoVlen(info); i > 0; i--, e += esz) for (const p of f.elemStrs) fn(e + p);
}
