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
 *
 * Dedup's hot loops read the same table flattened into typed arrays
 * ({@link idFieldCount}, {@link idFieldPos}, {@link STR_ELEM_POS}): generated
 * below from `fields`, so there is still one table.
 */
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  ELEM_WORDS,
  INFO_WORDS,
  NR_BTF_KINDS,
  TYPE_HDR_WORDS,
  infoKind,
  infoVlen,
} from './kinds.js';

interface KindFields {
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
for (const k of [
  BTF_KIND_PTR,
  BTF_KIND_TYPEDEF,
  BTF_KIND_VOLATILE,
  BTF_KIND_CONST,
  BTF_KIND_RESTRICT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_FUNC,
  BTF_KIND_VAR,
  BTF_KIND_DECL_TAG,
]) {
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
  if (!f?.elemStrs.length) return;
  const esz = ELEM_WORDS[kind]!;
  let e = off + TYPE_HDR_WORDS + INFO_WORDS[kind]!;
  for (let i = infoVlen(info); i > 0; i--, e += esz) for (const p of f.elemStrs) fn(e + p);
}

// ------------------------------------------------- flattened for hot loops

const N = NR_BTF_KINDS;
/** Fixed type id words per kind: count, then up to two positions (ARRAY has the most: two). */
const fixedCount = new Uint8Array(N);
const fixedPos = new Uint8Array(N * 2);
/** Type id word and string offset word in each vlen item (-1: none); no kind has more than one of each. */
const elemIdPos = new Int8Array(N).fill(-1);
const elemStrPos = new Int8Array(N).fill(-1);
const elemBase = new Uint8Array(N);
const elemSize = new Uint8Array(N);
for (let k = 0; k < N; k++) {
  const f = fields[k]!;
  fixedCount[k] = f.fixedTypeIds.length;
  f.fixedTypeIds.forEach((p, i) => {
    fixedPos[k * 2 + i] = p;
  });
  if (f.elemTypeIds.length) elemIdPos[k] = f.elemTypeIds[0]!;
  if (f.elemStrs.length) elemStrPos[k] = f.elemStrs[0]!;
  elemBase[k] = TYPE_HDR_WORDS + INFO_WORDS[k]!;
  elemSize[k] = ELEM_WORDS[k]!;
}

/** Per kind: the string offset word within each vlen item (-1: none); the table's `elemStrs` flattened. */
export const STR_ELEM_POS: Readonly<Int8Array> = elemStrPos;
/** Per kind: word offset of the first vlen item in a record. */
export const ELEM_BASE: Readonly<Uint8Array> = elemBase;
/** Per kind: words per vlen item. */
export const ELEM_SIZE: Readonly<Uint8Array> = elemSize;

/** Returns whether the fields table knows `kind` (a kind known only from a layout section is not). */
export function knownKind(kind: number): boolean {
  return kind < N;
}

/**
 * Returns how many type id words the record at `o` has: its fixed ones,
 * then one per vlen item ({@link forEachTypeIdWord}'s count, for loops that
 * index fields instead of taking a callback). 0 for unknown kinds.
 */
export function idFieldCount(w: Uint32Array, o: number): number {
  const info = w[o + 1]!;
  const k = infoKind(info);
  if (k >= N) return 0;
  return fixedCount[k]! + (elemIdPos[k]! >= 0 ? infoVlen(info) : 0);
}

/** Returns the word offset of type id field `i` of the record at `o` (i < {@link idFieldCount}), in libbpf's visiting order. */
export function idFieldPos(w: Uint32Array, o: number, i: number): number {
  const k = infoKind(w[o + 1]!);
  const nf = fixedCount[k]!;
  if (i < nf) return o + fixedPos[k * 2 + i]!;
  return o + elemBase[k]! + (i - nf) * elemSize[k]! + elemIdPos[k]!;
}

/**
 * Adds `delta` to every type id word of the record at `o` that is at or
 * above `from` (ids below it, void and a shared base's, stay): the
 * renumbering of `addBtf`, through {@link idFieldPos}. Unknown kinds have no
 * such words.
 */
export function shiftTypeIds(w: Uint32Array, o: number, from: number, delta: number): void {
  for (let i = 0, n = idFieldCount(w, o); i < n; i++) {
    const p = idFieldPos(w, o, i);
    if (w[p]! >= from) w[p] = w[p]! + delta;
  }
}

/**
 * Returns the first id in `[from, to)` (records at `offs[id]` in `w`) that
 * has a type id word at or above `limit`, or 0 when none has: one tight pass
 * over the flat tables ({@link idFieldPos}'s words, read in line: the pass
 * runs once, cold, and a call per word costs more than the read), for walks
 * that must refuse references past the last type before they start.
 * Unknown kinds have no such words.
 */
export function firstIdReferencingPast(
  w: Uint32Array,
  offs: Uint32Array,
  from: number,
  to: number,
  limit: number,
): number {
  for (let id = from; id < to; id++) {
    const o = offs[id]!;
    const info = w[o + 1]!;
    const k = infoKind(info);
    if (k >= N) continue;
    const nf = fixedCount[k]!;
    if (nf > 0 && w[o + fixedPos[k * 2]!]! >= limit) return id;
    if (nf > 1 && w[o + fixedPos[k * 2 + 1]!]! >= limit) return id;
    const ep = elemIdPos[k]!;
    if (ep < 0) continue;
    const step = elemSize[k]!;
    for (let i = infoVlen(info), e = o + elemBase[k]! + ep; i > 0; i--, e += step) if (w[e]! >= limit) return id;
  }
  return 0;
}
