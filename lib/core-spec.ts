/**
 * CO-RE relocation specs: libbpf 1.1.2's `bpf_core_parse_spec` (the access
 * string of a `.BTF.ext` CO-RE record, resolved against the BTF) and the
 * text `bpf_core_format_spec` prints for it. Needs only the BTF, so it sits
 * beside lib/ext.ts, below the object layer.
 * @module
 */
import type { Btf } from './btf.js';
import { BtfError, BtfErrorCode } from './errors.js';
import { infoKflag, memberBitOffset } from './kinds.js';

/** libbpf's BPF_CORE_SPEC_MAX_LEN. */
const CORE_SPEC_MAX_LEN = 64;

/** `enum bpf_core_relo_kind` values that are field based, type based and enumerator based. */
export const FIELD_BASED = new Set([0, 1, 2, 3, 4, 5]);
export const TYPE_BASED = new Set([6, 7, 8, 9, 12]);
export const ENUMVAL_BASED = new Set([10, 11]);

/** libbpf's `core_relo_kind_str`, by `enum bpf_core_relo_kind`. */
export const RELO_KIND_STR: Readonly<Record<number, string>> = {
  0: 'byte_off',
  1: 'byte_sz',
  2: 'field_exists',
  3: 'signed',
  4: 'lshift_u64',
  5: 'rshift_u64',
  6: 'local_type_id',
  7: 'target_type_id',
  8: 'type_exists',
  9: 'type_size',
  10: 'enumval_exists',
  11: 'enumval_value',
  12: 'type_matches',
};

/** libbpf's `btf_kind_str`, by kind number. */
export const KIND_STR: readonly string[] = [
  'void',
  'int',
  'ptr',
  'array',
  'struct',
  'union',
  'enum',
  'fwd',
  'typedef',
  'volatile',
  'const',
  'restrict',
  'func',
  'func_proto',
  'var',
  'datasec',
  'float',
  'decl_tag',
  'type_tag',
  'enum64',
];

/** One step of a CO-RE access path (libbpf's `struct bpf_core_accessor`). */
export interface CoreAccessor {
  /** The type the step indexes into (after modifiers and typedefs). */
  typeId: number;
  /** Member, array or enumerator index. */
  idx: number;
  /** Member or enumerator name; undefined for an array index. */
  name?: string;
}

/** A parsed CO-RE relocation (libbpf's `struct bpf_core_spec`). */
export interface CoreSpec {
  /** The relocation kind number (`enum bpf_core_relo_kind`). */
  kind: number;
  /** The root type id. */
  rootTypeId: number;
  /** The access string as numbers ("0:1:2" → [0, 1, 2]); empty for type-based kinds. */
  raw: number[];
  /** The named steps (anonymous members are skipped, as in libbpf). */
  accessors: CoreAccessor[];
  /** Bit offset of the accessed field from the root (field-based kinds). */
  bitOffset: number;
  /** libbpf's rendering (`bpf_core_format_spec`), e.g. `<byte_off> [7] struct task_struct.pid (0:14 @ offset 1192)`. */
  text: string;
}

/**
 * Returns the CO-RE relocation `(typeId, access, kind)` parsed against `btf`
 * as libbpf 1.1.2's `bpf_core_parse_spec` does, with its text as
 * `bpf_core_format_spec` prints it in libbpf's debug log.
 *
 * @throws BtfError `EINVAL` where libbpf's parser fails (bad access string,
 *   index out of range, a step into a type that is neither a struct, union
 *   nor array); `E2BIG` for more than 64 steps.
 */
export function parseCoreSpec(btf: Btf, typeId: number, access: string, kind: number): CoreSpec {
  const bad: (why: string) => never = (why) => {
    throw new BtfError(BtfErrorCode.InvalidArgument, `core relo [${typeId}] '${access}': ${why}`, { typeId });
  };
  const exists = (id: number): boolean => Number.isInteger(id) && id >= 0 && id < btf.typeCount;
  const skipMods = (id: number): number => {
    let cur = id;
    for (let depth = 0; cur !== 0 && exists(cur) && depth <= 32; depth++) {
      const k = btf.kindOf(cur);
      if (k !== 8 && k !== 9 && k !== 10 && k !== 11 && k !== 18) break; // typedef, volatile, const, restrict, type_tag
      cur = btf.wordOf(cur, 2);
    }
    return cur;
  };
  if (!exists(typeId)) bad(`invalid type id ${typeId}`);
  if (access === '' || access.startsWith(':')) bad('empty access string');
  const spec: CoreSpec = { kind, rootTypeId: typeId, raw: [], accessors: [], bitOffset: 0, text: '' };
  const isType = TYPE_BASED.has(kind);
  const isEnum = ENUMVAL_BASED.has(kind);
  const isField = FIELD_BASED.has(kind);
  if (isType) {
    if (access !== '0') bad('type-based relocation needs access string "0"');
  } else {
    // sscanf("%d%n") after an optional ':' per step, as libbpf parses it.
    let p = 0;
    while (p < access.length) {
      if (access[p] === ':') p++;
      const m = /^\s*[+-]?\d+/.exec(access.slice(p));
      if (m === null) bad(`cannot parse access string at ${p}`);
      if (spec.raw.length === CORE_SPEC_MAX_LEN)
        throw new BtfError(
          BtfErrorCode.TooBig,
          `core relo [${typeId}] '${access}': more than ${CORE_SPEC_MAX_LEN} steps`,
          { typeId },
        );
      spec.raw.push(Number(BigInt.asIntN(32, BigInt(m[0].trim()))));
      p += m[0].length;
    }
    if (spec.raw.length === 0) bad('empty access string');
    let id = skipMods(typeId);
    if (id !== 0 && !exists(id)) bad(`invalid type id ${id}`);
    let idx = spec.raw[0]!;
    spec.accessors.push({ typeId: id, idx });
    if (isEnum) {
      const k = id === 0 ? 0 : btf.kindOf(id);
      if ((k !== 6 && k !== 19) || spec.raw.length > 1 || idx < 0 || idx >= btf.vlenOf(id))
        bad('not a valid enumerator access');
      spec.accessors[0]!.name = btf.str(btf.wordOf(id, 3 + idx * (k === 6 ? 2 : 3)));
    } else if (isField) {
      let sz = 0;
      try {
        sz = btf.resolveSize(id);
      } catch {
        bad(`type [${id}] has no size`);
      }
      spec.bitOffset = Number(BigInt.asUintN(32, BigInt(idx) * BigInt(sz) * 8n));
      for (let i = 1; i < spec.raw.length; i++) {
        id = skipMods(id);
        if (id === 0 || !exists(id)) bad(`step ${i}: invalid type [${id}]`);
        idx = spec.raw[i]!;
        const k = btf.kindOf(id);
        if (k === 4 || k === 5) {
          const vlen = btf.vlenOf(id);
          if (idx < 0 || idx >= vlen) bad(`step ${i}: member ${idx} out of range (${vlen} members)`);
          const off = btf.wordOf(id, 3 + idx * 3 + 2);
          const bitOff = memberBitOffset(off, infoKflag(btf.infoOf(id)));
          spec.bitOffset = (spec.bitOffset + bitOff) >>> 0;
          const nameOff = btf.wordOf(id, 3 + idx * 3);
          if (nameOff !== 0) {
            const name = btf.str(nameOff);
            if (name === '') bad(`step ${i}: member ${idx} has an empty name`);
            spec.accessors.push({ typeId: id, idx, name });
          }
          id = btf.wordOf(id, 3 + idx * 3 + 1);
        } else if (k === 3) {
          const nelems = btf.wordOf(id, 5);
          const last = spec.accessors[spec.accessors.length - 1]!;
          const flex = last.name !== undefined && nelems === 0 && last.idx === btf.vlenOf(last.typeId) - 1;
          id = skipMods(btf.wordOf(id, 3));
          if (!exists(id)) bad(`step ${i}: invalid element type [${id}]`);
          if (!flex && (idx < 0 || idx >= nelems)) bad(`step ${i}: index ${idx} out of range (${nelems} elements)`);
          spec.accessors.push({ typeId: id, idx });
          let esz = 0;
          try {
            esz = btf.resolveSize(id);
          } catch {
            bad(`step ${i}: element type [${id}] has no size`);
          }
          spec.bitOffset = Number(BigInt.asUintN(32, BigInt(spec.bitOffset) + BigInt(idx) * BigInt(esz) * 8n));
        } else {
          bad(`step ${i}: captures type [${id}] of unexpected kind ${KIND_STR[k] ?? 'unknown'}`);
        }
      }
    } else {
      bad(`unknown relocation kind ${kind}`);
    }
  }
  spec.text = formatCoreSpec(btf, spec);
  return spec;
}

/**
 * libbpf's `bpf_core_format_spec` of `spec` (a local spec, or a target
 * spec as far as matching built it: libbpf logs non-matching candidates too).
 * Enumerator specs print the enumerator `raw[0]` of the root type after
 * modifiers and typedefs, as libbpf does.
 */
export function formatCoreSpec(btf: Btf, spec: Omit<CoreSpec, 'text'>): string {
  const id = spec.rootTypeId;
  const k = id === 0 ? 0 : btf.kindOf(id);
  const name = id === 0 ? '' : btf.nameOf(id);
  let s = `<${RELO_KIND_STR[spec.kind] ?? 'unknown'}> [${id}] ${KIND_STR[k] ?? 'unknown'} ${name === '' ? '<anon>' : name}`;
  if (TYPE_BASED.has(spec.kind)) return s;
  if (ENUMVAL_BASED.has(spec.kind)) {
    let t = id;
    for (let d = 0; t !== 0 && d <= 32; d++) {
      const tk = btf.kindOf(t);
      if (tk !== 8 && tk !== 9 && tk !== 10 && tk !== 11 && tk !== 18) break;
      t = btf.wordOf(t, 2);
    }
    const idx = spec.raw[0] ?? 0;
    const signed = infoKflag(btf.infoOf(t));
    if (btf.kindOf(t) === 6) {
      const v = btf.wordOf(t, 3 + idx * 2 + 1);
      return `${s}::${btf.str(btf.wordOf(t, 3 + idx * 2))} = ${signed ? v | 0 : v >>> 0}`;
    }
    const v = (BigInt(btf.wordOf(t, 3 + idx * 3 + 2)) << 32n) | BigInt(btf.wordOf(t, 3 + idx * 3 + 1));
    return `${s}::${btf.str(btf.wordOf(t, 3 + idx * 3))} = ${signed ? BigInt.asIntN(64, v) : v}`;
  }
  spec.accessors.forEach((a, i) => {
    if (a.name !== undefined) s += `.${a.name}`;
    else if (i > 0 || a.idx > 0) s += `[${a.idx >>> 0}]`;
  });
  const bits = spec.bitOffset >>> 0;
  return `${s} (${spec.raw.join(':')} @ offset ${Math.floor(bits / 8)}${bits % 8 ? `.${bits % 8}` : ''})`;
}
