/**
 * BTF kinds and the shape of their records (kernel `include/uapi/linux/btf.h`).
 *
 * Every record is a 12-byte `struct btf_type` (name_off, info, size/type)
 * followed by kind-specific words. We count in 32-bit words throughout:
 *
 *   kind        extra words             per vlen item
 *   INT         1 (encoding|offset|bits)
 *   ARRAY       3 (type, index_type, nelems)
 *   STRUCT/UNION                        3 (name_off, type, offset)
 *   ENUM                                2 (name_off, val)
 *   FUNC_PROTO                          2 (name_off, type)
 *   VAR         1 (linkage)
 *   DATASEC                             3 (type, offset, size)
 *   DECL_TAG    1 (component_idx)
 *   ENUM64                              3 (name_off, val_lo32, val_hi32)
 */

export const BTF_KIND_UNKN = 0;
export const BTF_KIND_INT = 1;
export const BTF_KIND_PTR = 2;
export const BTF_KIND_ARRAY = 3;
export const BTF_KIND_STRUCT = 4;
export const BTF_KIND_UNION = 5;
export const BTF_KIND_ENUM = 6;
export const BTF_KIND_FWD = 7;
export const BTF_KIND_TYPEDEF = 8;
export const BTF_KIND_VOLATILE = 9;
export const BTF_KIND_CONST = 10;
export const BTF_KIND_RESTRICT = 11;
export const BTF_KIND_FUNC = 12;
export const BTF_KIND_FUNC_PROTO = 13;
export const BTF_KIND_VAR = 14;
export const BTF_KIND_DATASEC = 15;
export const BTF_KIND_FLOAT = 16;
export const BTF_KIND_DECL_TAG = 17;
export const BTF_KIND_TYPE_TAG = 18;
export const BTF_KIND_ENUM64 = 19;
/** Number of kinds this version knows (one past the last). */
export const NR_BTF_KINDS = 20;
export const BTF_KIND_MAX = NR_BTF_KINDS - 1;

/** The kinds as one object, for iteration and `keyof` types. */
export const BtfKind = {
  UNKN: 0,
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;
export type BtfKind = (typeof BtfKind)[keyof typeof BtfKind];

/** Kind names as bpftool prints them (`btf_kind_str` in bpftool's btf.c). */
export const KIND_NAMES: readonly string[] = [
  'UNKNOWN',
  'INT',
  'PTR',
  'ARRAY',
  'STRUCT',
  'UNION',
  'ENUM',
  'FWD',
  'TYPEDEF',
  'VOLATILE',
  'CONST',
  'RESTRICT',
  'FUNC',
  'FUNC_PROTO',
  'VAR',
  'DATASEC',
  'FLOAT',
  'DECL_TAG',
  'TYPE_TAG',
  'ENUM64',
];

/** Returns the bpftool name of a kind (`UNKNOWN` for kinds this version does not know). */
export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? 'UNKNOWN';
}

/** Returns the kind number for a bpftool kind name (case-insensitive), or -1. */
export function kindByName(name: string): number {
  return KIND_NAMES.indexOf(name.toUpperCase());
}

// INT encoding bits (BTF_INT_ENCODING).
export const BTF_INT_SIGNED = 1 << 0;
export const BTF_INT_CHAR = 1 << 1;
export const BTF_INT_BOOL = 1 << 2;

// FUNC linkage (enum btf_func_linkage).
export const BTF_FUNC_STATIC = 0;
export const BTF_FUNC_GLOBAL = 1;
export const BTF_FUNC_EXTERN = 2;

// VAR linkage (enum btf_var_linkage... BTF_VAR_*).
export const BTF_VAR_STATIC = 0;
export const BTF_VAR_GLOBAL_ALLOCATED = 1;
export const BTF_VAR_GLOBAL_EXTERN = 2;

// FWD kinds (enum btf_fwd_kind in libbpf).
export const BTF_FWD_STRUCT = 0;
export const BTF_FWD_UNION = 1;
export const BTF_FWD_ENUM = 2;

/** Kernel limits (uapi btf.h as of libbpf 1.1; newer headers widen vlen to 24 bits). */
export const BTF_MAX_TYPE = 0x000fffff;
export const BTF_MAX_NAME_OFFSET = 0x00ffffff;
export const BTF_MAX_VLEN = 0xffff;
export const BTF_MAGIC = 0xeb9f;
/** The ELF section that holds BTF (and the name errors give raw BTF's types). */
export const BTF_ELF_SEC = '.BTF';
/** The ELF section that holds `.BTF.ext`. */
export const BTF_EXT_ELF_SEC = '.BTF.ext';
export const BTF_VERSION = 1;

/** Words in `struct btf_type`. */
export const TYPE_HDR_WORDS = 3;

/** `info` field helpers. The kind occupies bits 24-30 and vlen bits 0-23 in newest headers; older BTF leaves the extra bits zero. */
export function infoKind(info: number): number {
  return (info >>> 24) & 0x7f;
}
export function infoVlen(info: number): number {
  return info & 0xffffff;
}
export function infoKflag(info: number): boolean {
  return info >>> 31 === 1;
}

/**
 * Member `offset` word helpers (`BTF_MEMBER_BIT_OFFSET`,
 * `BTF_MEMBER_BITFIELD_SIZE`): with the record's kflag set, the bitfield size
 * is in bits 24-31 and the bit offset in bits 0-23; without it the whole word
 * is the bit offset and the size is 0.
 */
export function memberBitOffset(offset: number, kflag: boolean): number {
  return kflag ? offset & 0xffffff : offset;
}
/** Returns the bitfield size of a member's `offset` word (0 when not a bitfield); see {@link memberBitOffset}. */
export function memberBitfieldSize(offset: number, kflag: boolean): number {
  return kflag ? offset >>> 24 : 0;
}

/** Returns a member's packed `offset` word: with a bitfield size, kflag's layout ({@link memberBitOffset}). */
export function packMemberOffset(bitOffset: number, bitfieldSize: number): number {
  return (bitOffset | (bitfieldSize << 24)) >>> 0;
}

/** Returns INT's packed extra word (`BTF_INT_ENC(encoding, offset, bits)`). */
export function packIntData(encoding: number, offset: number, bits: number): number {
  return ((encoding << 24) | (offset << 16) | bits) >>> 0;
}
/** INT's extra word (`BTF_INT_ENCODING`): the `BTF_INT_SIGNED`/`CHAR`/`BOOL` bits. */
export function intEncoding(data: number): number {
  return (data >>> 24) & 0x0f;
}
/** INT's extra word (`BTF_INT_OFFSET`): the bit offset of the value. */
export function intOffset(data: number): number {
  return (data >>> 16) & 0xff;
}
/** INT's extra word (`BTF_INT_BITS`): the number of value bits. */
export function intBits(data: number): number {
  return data & 0xff;
}

/** Returns the packed `info` word (`BTF_INFO_ENC`). */
export function packInfo(kind: number, kflag: boolean | number, vlen: number): number {
  return (((kflag ? 1 : 0) << 31) | ((kind & 0x7f) << 24) | (vlen & 0xffffff)) >>> 0;
}

/** Words after the 3-word header that every record of the kind has (`btf_layout.info_sz / 4`). */
export const INFO_WORDS: readonly number[] = [0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0];
/** Words per vlen item (`btf_layout.elem_sz / 4`). */
export const ELEM_WORDS: readonly number[] = [0, 0, 0, 0, 3, 3, 2, 0, 0, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 3];

/** Returns the record size in words of a known kind with `vlen` items. */
export function recordWords(kind: number, vlen: number): number {
  return TYPE_HDR_WORDS + (INFO_WORDS[kind] ?? 0) + vlen * (ELEM_WORDS[kind] ?? 0);
}

/** Kinds whose third word is a size (the rest use it as a type id, except FWD/FUNC_PROTO/void). */
export function kindHasSize(kind: number): boolean {
  return (
    kind === BTF_KIND_INT ||
    kind === BTF_KIND_ENUM ||
    kind === BTF_KIND_STRUCT ||
    kind === BTF_KIND_UNION ||
    kind === BTF_KIND_DATASEC ||
    kind === BTF_KIND_FLOAT ||
    kind === BTF_KIND_ENUM64
  );
}

/** Modifier kinds that only qualify another type (libbpf's `btf_is_mod`). */
export function isModifierKind(kind: number): boolean {
  return (
    kind === BTF_KIND_VOLATILE || kind === BTF_KIND_CONST || kind === BTF_KIND_RESTRICT || kind === BTF_KIND_TYPE_TAG
  );
}

/**
 * Returns the vlen of `info` as bpftool 7.1 reads it: its libbpf (the 6.1
 * kernel's) defines `btf_vlen()` as `BTF_INFO_VLEN(info)`, the low 16 bits,
 * where newer headers take 24. The C header, typed-data and raw dumps use it
 * to print what bpftool prints for a vlen above 0xffff; everything else uses
 * {@link infoVlen}.
 */
export function infoVlen16(info: number): number {
  return info & 0xffff;
}

/**
 * Returns the kind of `info` as the kernel's verifier reads it:
 * `BTF_INFO_KIND(info)`, 5 bits (bits 29-30 are reserved there, and
 * `BTF_INFO_MASK` refuses a record that sets them). Only lib/check uses it,
 * to report what the kernel reports; everything else uses {@link infoKind}.
 */
export function infoKind5(info: number): number {
  return (info >>> 24) & 0x1f;
}
