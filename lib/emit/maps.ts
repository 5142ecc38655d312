/**
 * BPF map definitions, written as clang writes libbpf's BTF-defined maps.
 *
 * A BTF-defined map is a global variable of an anonymous struct in the
 * `.maps` section. Its members carry no data; their types encode the map's
 * attributes (libbpf's `bpf_helpers.h` macros):
 *
 * ```
 *   struct {                                        [13] STRUCT '(anon)' size=32 vlen=4
 *     __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);          'type' type_id=1        -> [1] PTR -> [3] ARRAY int[6]
 *     __type(key, u32);                                 'key' type_id=5         -> [5] PTR -> [6] u32
 *     __type(value, long);                              'value' type_id=9       -> [9] PTR -> [10] long
 *     __uint(max_entries, 256);                         'max_entries' type_id=11 -> [11] PTR -> [12] ARRAY int[256]
 *   } rxcnt SEC(".maps");                           [14] VAR 'rxcnt' type_id=13, linkage=global
 * ```
 *
 * `__uint(name, N)` is `int (*name)[N]`: a pointer to an array of N `int`s,
 * so the number is the array's length. `__type(name, T)` is `typeof(T) *name`.
 * `__array(values, T)` is `typeof(T) *values[]`: a zero-length array of
 * pointers, to the inner map's definition struct (map-in-map) or to a
 * FUNC_PROTO (prog array); it must be the last member. Every other member is
 * a pointer, 8 bytes, so the struct is 8 bytes per member.
 *
 * The members are written in the order libbpf's documentation uses (type,
 * key or key_size, value or value_size, max_entries, map_flags, numa_node,
 * pinning, map_extra, values) unless `order` says otherwise; clang keeps the
 * source order, so reproducing an object needs its order.
 *
 * Emission follows clang (`BTFDebug::visitMapDefType`): first each member's
 * type, in member order (a PTR before its pointee; an ARRAY after its
 * element, then `__ARRAY_SIZE_TYPE__` when new), then the struct, then the
 * VAR and its `.maps` DATASEC entry. An inner definition is written as clang
 * writes any struct reached through a pointer: the struct first, its member
 * types after. See common.ts for type reuse and type arguments given as
 * functions.
 *
 * The legacy form, `BPF_ANNOTATE_KV_PAIR(name, K, V)` from libbpf before
 * 1.0, annotates a `SEC("maps")` map with `struct ____btf_map_NAME { K key;
 * V value; }` in a section `.maps.NAME`: {@link addLegacyMapAnnotation}.
 * @module
 */
import type { Btf } from '../btf.js';
import { BTF_INT_SIGNED, BTF_KIND_STRUCT, BTF_VAR_GLOBAL_ALLOCATED, infoVlen } from '../kinds.js';
import {
  type TypeArg,
  alignUp,
  checkU32,
  clangArray,
  clangPtr,
  ensureCInt,
  findArray,
  findArrayIndexType,
  findInt,
  findPtr,
  findType,
  invalid,
  listArg,
  resolveTypeArg,
} from './common.js';
import { type EmitOptions, placeInSection, safeAlign } from './datasec.js';

/**
 * Map type names by number, as libbpf 1.1.2's `libbpf_bpf_map_type_str`
 * (and bpftool) print them. Types after `cgrp_storage` (32) are newer than
 * libbpf 1.1.2, which prints them as numbers; so do we.
 */
export const BPF_MAP_TYPE_NAMES: readonly string[] = [
  'unspec',
  'hash',
  'array',
  'prog_array',
  'perf_event_array',
  'percpu_hash',
  'percpu_array',
  'stack_trace',
  'cgroup_array',
  'lru_hash',
  'lru_percpu_hash',
  'lpm_trie',
  'array_of_maps',
  'hash_of_maps',
  'devmap',
  'sockmap',
  'cpumap',
  'xskmap',
  'sockhash',
  'cgroup_storage',
  'reuseport_sockarray',
  'percpu_cgroup_storage',
  'queue',
  'stack',
  'sk_storage',
  'devmap_hash',
  'struct_ops',
  'ringbuf',
  'inode_storage',
  'task_storage',
  'bloom_filter',
  'user_ringbuf',
  'cgrp_storage',
];

/** `enum bpf_map_type` values btfkit itself refers to. */
export const BPF_MAP_TYPE = {
  HASH: 1,
  ARRAY: 2,
  PROG_ARRAY: 3,
  PERF_EVENT_ARRAY: 4,
  PERCPU_HASH: 5,
  PERCPU_ARRAY: 6,
  LRU_PERCPU_HASH: 10,
  ARRAY_OF_MAPS: 12,
  HASH_OF_MAPS: 13,
  PERCPU_CGROUP_STORAGE: 21,
  STRUCT_OPS: 26,
  RINGBUF: 27,
  USER_RINGBUF: 31,
} as const;

/** libbpf's pinning values (`enum libbpf_pin_type`). */
export const LIBBPF_PIN_NONE = 0;
export const LIBBPF_PIN_BY_NAME = 1;

/** Returns the bpftool name of a map type (`percpu_array`), or undefined for a type libbpf 1.1.2 does not know. */
export function mapTypeName(type: number): string | undefined {
  return BPF_MAP_TYPE_NAMES[type];
}

/**
 * Returns the number of a map type given as `percpu_array`,
 * `BPF_MAP_TYPE_PERCPU_ARRAY` (any case) or a number; -1 when unknown.
 */
export function mapTypeByName(name: string | number): number {
  if (typeof name === 'number') return Number.isInteger(name) && name >= 0 && name <= 0xffffffff ? name : -1;
  if (typeof name !== 'string') return -1;
  const s = name
    .trim()
    .toLowerCase()
    .replace(/^bpf_map_type_/, '');
  if (/^\d+$/.test(s)) return Number(s) <= 0xffffffff ? Number(s) : -1;
  return BPF_MAP_TYPE_NAMES.indexOf(s);
}

/** A member of a map definition struct, by its C name. */
export type MapAttr =
  | 'type'
  | 'key'
  | 'key_size'
  | 'value'
  | 'value_size'
  | 'max_entries'
  | 'map_flags'
  | 'numa_node'
  | 'pinning'
  | 'map_extra'
  | 'values';

/** libbpf's documented member order, the default. */
const MAP_ATTR_ORDER: readonly MapAttr[] = [
  'type',
  'key',
  'key_size',
  'value',
  'value_size',
  'max_entries',
  'map_flags',
  'numa_node',
  'pinning',
  'map_extra',
  'values',
];

/** The content of a map definition struct (an inner map's definition is only this). */
export interface MapDefSpec {
  /** Map type: `'percpu_array'`, `'BPF_MAP_TYPE_PERCPU_ARRAY'` or a number. */
  type: string | number;
  /** Key type (`__type(key, T)`). */
  key?: TypeArg;
  /** Key size in bytes (`__uint(key_size, N)`), for maps without a key type. */
  keySize?: number;
  /** Value type (`__type(value, T)`). */
  value?: TypeArg;
  /** Value size in bytes (`__uint(value_size, N)`). */
  valueSize?: number;
  maxEntries?: number;
  mapFlags?: number;
  numaNode?: number;
  /** `'by_name'` (LIBBPF_PIN_BY_NAME), `'none'` or a number. */
  pinning?: 'none' | 'by_name' | number;
  /** `map_extra` (bloom filter hash count ...); at most 2^32 - 1 in this encoding. */
  mapExtra?: number;
  /**
   * Map-in-map: the inner map, `__array(values, struct inner)`. A definition
   * gives an anonymous struct written here; a type gives an existing
   * (usually named) definition struct.
   */
  innerMap?: MapDefSpec | TypeArg;
  /**
   * Prog arrays: `__array(values, PROTO)` with `proto` the programs'
   * FUNC_PROTO. `slots` are the initial entries (program names for a prog
   * array, map names for map-in-map): BTF does not hold them (they are
   * `.rel.maps` relocations); they come back in the result for the ELF writer.
   */
  values?: { proto?: TypeArg; slots?: readonly (string | null)[] };
  /** Member order; defaults to {@link MAP_ATTR_ORDER} restricted to the attributes given. */
  order?: readonly MapAttr[];
  /** Name the definition struct (`struct inner { ... } inner_a SEC(".maps")`); anonymous by default. */
  structName?: string;
}

/** A map for {@link addMap}. */
export interface MapSpec extends MapDefSpec {
  /** The map's name: the VAR's name. */
  name: string;
  /** Defaults to `.maps`. */
  section?: string;
}

/** What {@link addMap} created or reused. */
export interface AddMapResult {
  /** The definition struct. */
  structId: number;
  varId: number;
  /** The `.maps` DATASEC (-1 when recorded in a PendingSections). */
  datasecId: number;
  /** Offset of the map in the section. */
  offset: number;
  /** Size of the definition (the DATASEC entry's size). */
  size: number;
  /** Each member's type id. */
  members: Partial<Record<MapAttr, number>>;
  /** The inner map's definition struct, for map-in-map. */
  innerStructId?: number;
  /** Initial `values` slots as given, with the byte offset of each in the section. */
  slots?: Array<{ index: number; offset: number; name: string }>;
}

interface Member {
  name: MapAttr;
  emit: () => number;
  /** Bytes in the struct: 8 for a pointer, 0 for `values`. */
  size: number;
  typeId: number;
}

function isDefSpec(x: MapDefSpec | TypeArg): x is MapDefSpec {
  return typeof x === 'object' && x !== null;
}

/** The member list of a definition, in order, with how to emit each member's type. */
function members(
  btf: Btf,
  spec: MapDefSpec,
  what: string,
  reuseFrom: number,
  inner: boolean,
  out: { innerStructId?: number },
): Member[] {
  const type = mapTypeByName(spec.type);
  if (type < 0) invalid(`${what}: unknown map type ${String(spec.type)}`);
  for (const [k, v] of [
    ['key_size', spec.keySize],
    ['value_size', spec.valueSize],
    ['max_entries', spec.maxEntries],
    ['map_flags', spec.mapFlags],
    ['numa_node', spec.numaNode],
    ['map_extra', spec.mapExtra],
  ] as const)
    checkU32(`${what}: ${k}`, v);
  const pinning =
    spec.pinning === undefined
      ? undefined
      : spec.pinning === 'none'
        ? 0
        : spec.pinning === 'by_name'
          ? 1
          : spec.pinning;
  checkU32(`${what}: pinning`, pinning);
  if (inner && pinning !== undefined) invalid(`${what}: an inner map definition cannot be pinned`);
  const isMapInMap = type === BPF_MAP_TYPE.ARRAY_OF_MAPS || type === BPF_MAP_TYPE.HASH_OF_MAPS;
  if (spec.innerMap !== undefined) {
    if (inner) invalid(`${what}: multi-level inner maps are not supported`);
    if (!isMapInMap) invalid(`${what}: an inner map needs an array_of_maps or hash_of_maps`);
  }
  if (spec.values?.proto !== undefined && type !== BPF_MAP_TYPE.PROG_ARRAY)
    invalid(`${what}: 'values' with a prototype needs a prog_array`);
  if (spec.values?.proto !== undefined && spec.innerMap !== undefined)
    invalid(`${what}: both an inner map and a program prototype`);

  const intAttr = (n: number) => () => intArrayPtr(btf, n, reuseFrom);
  const avail = new Map<MapAttr, Member>();
  const add = (name: MapAttr, emit: () => number, size = 8) => avail.set(name, { name, emit, size, typeId: 0 });
  add('type', intAttr(type));
  if (spec.key !== undefined) add('key', () => clangPtr(btf, spec.key!, `${what}: key`, reuseFrom));
  if (spec.keySize !== undefined) add('key_size', intAttr(spec.keySize));
  if (spec.value !== undefined) add('value', () => clangPtr(btf, spec.value!, `${what}: value`, reuseFrom));
  if (spec.valueSize !== undefined) add('value_size', intAttr(spec.valueSize));
  if (spec.maxEntries !== undefined) add('max_entries', intAttr(spec.maxEntries));
  if (spec.mapFlags !== undefined) add('map_flags', intAttr(spec.mapFlags));
  if (spec.numaNode !== undefined) add('numa_node', intAttr(spec.numaNode));
  if (pinning !== undefined) add('pinning', intAttr(pinning));
  if (spec.mapExtra !== undefined) add('map_extra', intAttr(spec.mapExtra));
  const innerMap = spec.innerMap;
  if (innerMap !== undefined || spec.values?.proto !== undefined) {
    add(
      'values',
      () => {
        let elem: number;
        if (innerMap !== undefined && isDefSpec(innerMap)) {
          elem = btf.addPtr(0);
          const s = emitDef(btf, innerMap, `${what}.inner`, reuseFrom, true, {});
          out.innerStructId = s.structId;
          btf.setWord(elem, 2, s.structId);
        } else {
          const target = (innerMap ?? spec.values!.proto) as TypeArg;
          elem = clangPtr(btf, target, `${what}: values`, reuseFrom);
          if (innerMap !== undefined) out.innerStructId = btf.wordOf(elem, 2);
        }
        return clangArray(btf, elem, 0, reuseFrom);
      },
      0,
    );
  }

  const order =
    spec.order !== undefined ? listArg(spec.order, `${what}: 'order'`) : MAP_ATTR_ORDER.filter((a) => avail.has(a));
  const seen = new Set<MapAttr>();
  const list: Member[] = [];
  for (const a of order) {
    const m = avail.get(a);
    if (!m) invalid(`${what}: 'order' names ${a}, which the definition does not give`);
    if (seen.has(a)) invalid(`${what}: 'order' names ${a} twice`);
    seen.add(a);
    list.push(m);
  }
  for (const a of avail.keys()) if (!seen.has(a)) invalid(`${what}: 'order' leaves out ${a}`);
  const vi = list.findIndex((m) => m.name === 'values');
  if (vi >= 0 && vi !== list.length - 1) invalid(`${what}: 'values' must be the last member`);
  return list;
}

/** clang's `int (*)[n]`: PTR first, then `int`, the ARRAY and `__ARRAY_SIZE_TYPE__` as needed. */
function intArrayPtr(btf: Btf, n: number, reuseFrom: number): number {
  const intId = findInt(btf, 'int', 4, BTF_INT_SIGNED);
  const idx = findArrayIndexType(btf);
  if (intId > 0 && idx > 0) {
    const arr = findArray(btf, intId, idx, n, reuseFrom);
    const p = arr > 0 ? findPtr(btf, arr, reuseFrom) : -1;
    if (p > 0) return p;
  }
  const ptr = btf.addPtr(0);
  const elem = ensureCInt(btf);
  btf.setWord(ptr, 2, clangArray(btf, elem, n, reuseFrom));
  return ptr;
}

/** Returns an existing STRUCT named `name` with exactly these members, or -1. */
function findStruct(btf: Btf, name: string, size: number, list: Member[], from: number): number {
  return findType(
    btf,
    BTF_KIND_STRUCT,
    (w, o) => {
      if (w[o + 2] !== size || infoVlen(w[o + 1]!) !== list.length || btf.str(w[o]!) !== name) return false;
      let off = 0;
      for (let i = 0; i < list.length; i++) {
        const m = o + 3 + i * 3;
        if (btf.str(w[m]!) !== list[i]!.name || w[m + 1] !== list[i]!.typeId || w[m + 2] !== off * 8) return false;
        off += list[i]!.size;
      }
      return true;
    },
    from,
  );
}

/** Writes a definition struct (members' types first at top level, the struct first for an inner definition). */
function emitDef(
  btf: Btf,
  spec: MapDefSpec,
  what: string,
  reuseFrom: number,
  inner: boolean,
  out: { innerStructId?: number },
): { structId: number; size: number; list: Member[] } {
  const list = members(btf, spec, what, reuseFrom, inner, out);
  const size = list.reduce((a, m) => a + m.size, 0);
  const addFields = (withTypes: boolean) => {
    let off = 0;
    for (const m of list) {
      btf.addField(m.name, withTypes ? m.typeId : 0, off * 8, 0);
      off += m.size;
    }
  };
  if (inner && spec.structName === undefined) {
    // clang visits a struct reached through a pointer before its members.
    const structId = btf.addStruct(null, size);
    addFields(false);
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      m.typeId = m.emit();
      btf.setWord(structId, 3 + i * 3 + 1, m.typeId);
    }
    return { structId, size, list };
  }
  for (const m of list) m.typeId = m.emit();
  if (spec.structName !== undefined) {
    if (!spec.structName) invalid(`${what}: empty struct name`);
    const existing = findStruct(btf, spec.structName, size, list, reuseFrom);
    if (existing > 0) return { structId: existing, size, list };
  }
  const structId = btf.addStruct(spec.structName ?? null, size);
  addFields(true);
  return { structId, size, list };
}

/**
 * Adds a BTF-defined map as clang writes it: the member types, the
 * definition struct, a global VAR and its entry in the `.maps` DATASEC
 * (created on demand). Returns the ids. Throws EINVAL for an unknown map
 * type, a bad number, an inner map on a map that is not map-in-map, a
 * pinned or nested inner map, `values` not last, or a bad `order`.
 */
export function addMap(btf: Btf, spec: MapSpec, opts: EmitOptions = {}): AddMapResult {
  if (!spec || typeof spec.name !== 'string' || !spec.name) invalid('addMap: a name is required');
  const what = `map '${spec.name}'`;
  const out: { innerStructId?: number } = {};
  // clang reuses one record per type within its object; `reuse: false` reuses
  // only the records this call adds (as clang would, writing a new object)
  const def = emitDef(btf, spec, what, opts.reuse === false ? btf.typeCount : 1, false, out);
  const varId = btf.addVar(spec.name, BTF_VAR_GLOBAL_ALLOCATED, def.structId);
  const p = placeInSection(
    btf,
    spec.section ?? '.maps',
    { typeId: varId, size: def.size, align: 8, extern: false },
    opts,
  );
  const result: AddMapResult = {
    structId: def.structId,
    varId,
    datasecId: p.datasecId,
    offset: p.offset,
    size: def.size,
    members: {},
  };
  for (const m of def.list) result.members[m.name] = m.typeId;
  if (out.innerStructId !== undefined) result.innerStructId = out.innerStructId;
  const slots =
    spec.values?.slots !== undefined ? listArg(spec.values.slots, `map '${spec.name}': 'values.slots'`) : undefined;
  if (slots) {
    const base = p.offset + def.size;
    result.slots = [];
    slots.forEach((name, index) => {
      if (name) result.slots!.push({ index, offset: base + index * 8, name });
    });
  }
  return result;
}

/** A `BPF_ANNOTATE_KV_PAIR(name, key, value)` annotation. */
export interface LegacyKvSpec {
  /** The `SEC("maps")` map it annotates. */
  name: string;
  key: TypeArg;
  value: TypeArg;
}

/** What {@link addLegacyMapAnnotation} created. */
export interface LegacyKvResult {
  structId: number;
  varId: number;
  datasecId: number;
  size: number;
}

/**
 * Adds the legacy annotation of a `SEC("maps")` map as clang writes
 * `BPF_ANNOTATE_KV_PAIR(name, K, V)`: the key and value types (when given as
 * functions), `struct ____btf_map_NAME { K key; V value; }` laid out as C
 * lays it out, the global VAR `____btf_map_NAME` and its DATASEC
 * `.maps.NAME`. libbpf before 1.0 took the map's BTF key and value types
 * from it (`btf__get_map_kv_tids`).
 */
export function addLegacyMapAnnotation(btf: Btf, spec: LegacyKvSpec, opts: EmitOptions = {}): LegacyKvResult {
  if (!spec || typeof spec.name !== 'string' || !spec.name) invalid('addLegacyMapAnnotation: a name is required');
  const what = `map '${spec.name}'`;
  const keyId = resolveTypeArg(btf, spec.key, `${what}: key`);
  const valueId = resolveTypeArg(btf, spec.value, `${what}: value`);
  const keyAlign = safeAlign(btf, keyId);
  const valueAlign = safeAlign(btf, valueId);
  const valueOff = alignUp(btf.resolveSize(keyId), valueAlign);
  const size = alignUp(valueOff + btf.resolveSize(valueId), Math.max(keyAlign, valueAlign));
  const name = `____btf_map_${spec.name}`;
  const structId = btf.addStruct(name, size);
  btf.addField('key', keyId, 0, 0);
  btf.addField('value', valueId, valueOff * 8, 0);
  const varId = btf.addVar(name, BTF_VAR_GLOBAL_ALLOCATED, structId);
  const p = placeInSection(
    btf,
    `.maps.${spec.name}`,
    { typeId: varId, size, align: Math.max(keyAlign, valueAlign), extern: false },
    opts,
  );
  return { structId, varId, datasecId: p.datasecId, size };
}
