/**
 * The maps libbpf 1.1.2 creates when it opens an object
 * (`bpf_object__open_file`), read the way libbpf reads them.
 *
 * Order, as `bpf_object__init_maps` builds it:
 *
 * 1. BTF-defined maps: one per VAR of the `.maps` DATASEC, in the DATASEC's
 *    order after the fixup (sorted by ELF symbol offset, not source order).
 *    The definition struct is decoded by {@link parseMapDef}
 *    (`parse_btf_map_def`): `type`, `max_entries`, `map_flags`, `numa_node`,
 *    `key_size`, `value_size`, `pinning`, `map_extra` are pointers to arrays
 *    whose length is the value; `key`/`value` are pointers to the types;
 *    `values` is a zero-length array of pointers to the inner map's
 *    definition (map-in-map, inner map `NAME.inner`) or to a FUNC_PROTO (prog
 *    array), and makes the value size 4. A pinned map gets the pin path
 *    `/sys/fs/bpf/NAME`; ring buffers get `max_entries` rounded up to a page
 *    size times a power of two.
 * 2. One internal map per non-empty data section, in ELF section order:
 *    `.data`, `.data.*`, `.rodata`, `.rodata.*` (PROGBITS), `.bss`, `.bss.*`
 *    (NOBITS): an ARRAY with a 4-byte key, one entry, the section as value,
 *    `BPF_F_RDONLY_PROG` for `.rodata*`, `BPF_F_MMAPABLE` when its DATASEC
 *    has a non-static variable; its BTF value type is the first type named
 *    after the section. Following the proposed libbpf patch for per-CPU global data (not in any libbpf
 *    release), `.percpu` and `.percpu.*` give a PERCPU_ARRAY the same way,
 *    never mmapable, each CPU's copy of the initial value padded to 8 bytes.
 *    Names: `.data`, `.rodata`, `.bss`, `.percpu` get up to 8 bytes of the
 *    object name in front (`maps_dem.data`); sections with a second dot go by
 *    the section name alone; 15 bytes at most; other characters than
 *    `[A-Za-z0-9_.]` become `_`.
 * 3. `.kconfig` (`NAME.kconfig` with 7 bytes of object name), read-only,
 *    sized by libbpf's extern layout.
 * 4. `.struct_ops` maps, one per variable, keyed by `int`, valued by the
 *    struct.
 *
 * Objects with a legacy `SEC("maps")` section (`struct bpf_map_def`) are
 * refused by libbpf >= 1.0; their maps are listed first, as libbpf 0.8 read
 * them, with BTF key/value types from `BPF_ANNOTATE_KV_PAIR` annotations.
 *
 * Where libbpf gives up on the whole object, we report a {@link MapProblem}
 * naming the map and the member and carry on with the others.
 * @module
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { EM, ET, SHF, SHT, STB, STT } from '../elf/read.js';
import type { ElfSection } from '../elf/read.js';
import {
  BTF_ELF_SEC,
  BTF_EXT_ELF_SEC,
  BTF_KIND_ARRAY,
  BTF_KIND_DATASEC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_VAR,
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_GLOBAL_EXTERN,
  BTF_VAR_STATIC,
  infoKind,
  kindName,
} from '../kinds.js';
import { typeQuery } from '../query.js';
import {
  BPF_MAP_TYPE,
  LIBBPF_PIN_BY_NAME,
  LIBBPF_PIN_NONE,
  type MapAttr,
  type MapDefSpec,
  type MapSpec,
  mapTypeName,
} from '../emit/maps.js';
import type { DatasecLayout } from '../object/fixup.js';
import type { BpfObject } from '../object/open.js';

/** `BPF_F_MMAPABLE`, `BPF_F_RDONLY_PROG`. */
const BPF_F_MMAPABLE = 1 << 10;
const BPF_F_RDONLY_PROG = 1 << 7;

/** A decoded map definition struct (libbpf's `struct btf_map_def`). */
export interface MapDef {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
  numaNode: number;
  pinning: number;
  mapExtra: number;
  /** The key's BTF type (0 when given by size only). */
  keyTypeId: number;
  valueTypeId: number;
  /** The members met, in order. */
  order: MapAttr[];
  /** Map-in-map: the inner map's definition. */
  inner: MapDef | null;
  /** The inner definition's struct id (map-in-map) or the programs' FUNC_PROTO (prog array). */
  valuesTargetId: number;
  /** Byte offset of the `values` member in the definition, -1 without one. */
  valuesOffset: number;
  /** Members libbpf ignores in relaxed mode (unknown names). */
  unknown: string[];
}

/** Why a map (or a section) is left out, as precisely as libbpf's message and more. */
export interface MapProblem {
  /** The map concerned (`outer.inner` for an inner definition), if any. */
  map?: string;
  /** The definition member concerned, if any. */
  member?: string;
  /** The ELF section or DATASEC concerned, if any. */
  section?: string;
  message: string;
}

/** A variable of an internal map. */
export interface MapVariable {
  name: string;
  /** The VAR's id. */
  varId: number;
  /** The variable's type. */
  typeId: number;
  offset: number;
  size: number;
  /** After the fixup: hidden globals are static. */
  linkage: 'static' | 'global' | 'extern';
}

/** One map as libbpf has it after open. */
export interface MapInfo {
  /**
   * The name users see (`bpf_map__name`): the VAR's name, the section's name
   * for `.data.*`, `.rodata.*` and `.percpu.*` maps, else {@link kernelName}.
   */
  name: string;
  /** The name given to the kernel (15 bytes at most; `internal_map_name` for internal maps). */
  kernelName: string;
  /** `enum bpf_map_type`. */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
  numaNode: number;
  mapExtra: number;
  /** LIBBPF_PIN_NONE or LIBBPF_PIN_BY_NAME. */
  pinning: number;
  pinPath: string | null;
  btfKeyTypeId: number;
  btfValueTypeId: number;
  /** libbpf's `bpf_map__is_internal`: a map for a data section or `.kconfig`. */
  internal: boolean;
  /** The ELF section the map comes from. */
  section: string;
  /** Offset of the definition in it (0 for internal maps). */
  sectionOffset: number;
  /** Bytes of initial value libbpf holds (internal maps), or null. */
  initialValueSize: number | null;
  /** Map-in-map declared with `__array(values, ...)`: the inner map (`NAME.inner`). */
  innerMap: MapInfo | null;
  /**
   * Per-CPU maps (percpu_hash, percpu_array, lru_percpu_hash,
   * percpu_cgroup_storage, and the `.percpu` internal maps): the bytes each
   * CPU's copy of a value takes, the value size rounded up to 8 (for `.percpu`,
   * the initial value each CPU starts from); null for other maps.
   */
  cpuValueSize: number | null;
  /** Whether user space can mmap it (BPF_F_MMAPABLE). */
  mmapable: boolean;
  /** Whether libbpf freezes it after loading (`.rodata*`, `.kconfig`). */
  frozen: boolean;
  /** Internal maps: the variables of the section, by offset. */
  variables: MapVariable[];
  /** Initial `values` slots (prog arrays, map-in-map), from the `.maps` relocations. */
  initialSlots: Array<{ index: number; name: string }>;
  /** A legacy `SEC("maps")` definition (refused by libbpf >= 1.0). */
  legacy: boolean;
  /** libbpf's internal kind of map: `user`, `data`, `rodata`, `bss`, `percpu`, `kconfig`, `struct_ops`. */
  origin: 'user' | 'data' | 'rodata' | 'bss' | 'percpu' | 'kconfig' | 'struct_ops' | 'legacy';
}

/** Options for {@link listMaps}. */
export interface ListMapsOptions {
  /** Ignore unknown definition members, as libbpf's `relaxed_maps` (default: strict, as bpf_object__open_file). */
  relaxed?: boolean;
  /** libbpf's `pin_root_path`; `/sys/fs/bpf` by default. */
  pinRoot?: string;
  /** Page size for ring buffer sizes; 4096 by default (libbpf uses the host's). */
  pageSize?: number;
}

/** What {@link listMaps} found. */
export interface MapList {
  maps: MapInfo[];
  problems: MapProblem[];
}

/**
 * A map definition libbpf refuses (-EINVAL): a BtfError, as every public
 * function here throws, that also carries the {@link MapProblem} for
 * {@link listMaps}, which records it and goes on with the next map.
 */
class MapDefError extends BtfError {
  constructor(readonly problem: MapProblem) {
    super(BtfErrorCode.InvalidArgument, problem.message, { section: '.maps' });
  }
}

function fail(map: string, member: string | undefined, message: string): never {
  throw new MapDefError({ map, ...(member !== undefined ? { member } : {}), message });
}

/** libbpf's `skip_mods_and_typedefs` (lib/query.ts). */
function skipModsAndTypedefs(btf: Btf, id: number): number {
  return typeQuery(btf).skipModsAndTypedefs(id);
}

function kindOf(btf: Btf, id: number): number {
  return id > 0 && id < btf.typeCount ? infoKind(btf.infoOf(id)) : id === 0 ? 0 : -1;
}

/** `get_map_field_int`: the length of the array a member points to. */
function fieldInt(btf: Btf, map: string, name: string, typeId: number): number {
  const t = skipModsAndTypedefs(btf, typeId);
  if (kindOf(btf, t) !== BTF_KIND_PTR)
    fail(map, name, `map '${map}': member '${name}': expected a pointer to an array, got ${kindLabel(btf, t)}`);
  const a = btf.wordOf(t, 2);
  if (kindOf(btf, a) < 0) fail(map, name, `map '${map}': member '${name}': type [${a}] not found`);
  if (kindOf(btf, a) !== BTF_KIND_ARRAY)
    fail(
      map,
      name,
      `map '${map}': member '${name}': expected a pointer to an array, got a pointer to ${kindLabel(btf, a)}`,
    );
  return btf.wordOf(a, 5);
}

/**
 * Decodes the map definition struct `defId` (already past typedefs and
 * modifiers) of map `map` as libbpf's `parse_btf_map_def` does.
 *
 * @throws BtfError `EINVAL` (section `.maps`) naming the map and the member
 *   where libbpf would fail.
 */
export function parseMapDef(
  btf: Btf,
  defId: number,
  map: string,
  opts: { strict?: boolean; inner?: boolean } = {},
): MapDef {
  const strict = opts.strict ?? true;
  const isInner = opts.inner ?? false;
  const def: MapDef = {
    type: 0,
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    mapFlags: 0,
    numaNode: 0,
    pinning: 0,
    mapExtra: 0,
    keyTypeId: 0,
    valueTypeId: 0,
    order: [],
    inner: null,
    valuesTargetId: 0,
    valuesOffset: -1,
    unknown: [],
  };
  const members = btf.type(defId).members();
  members.forEach((m, i) => {
    const name = m.name;
    switch (name) {
      case 'type':
        def.type = fieldInt(btf, map, name, m.typeId);
        break;
      case 'max_entries':
        def.maxEntries = fieldInt(btf, map, name, m.typeId);
        break;
      case 'map_flags':
        def.mapFlags = fieldInt(btf, map, name, m.typeId);
        break;
      case 'numa_node':
        def.numaNode = fieldInt(btf, map, name, m.typeId);
        break;
      case 'map_extra':
        def.mapExtra = fieldInt(btf, map, name, m.typeId);
        break;
      case 'key_size':
      case 'value_size': {
        const sz = fieldInt(btf, map, name, m.typeId);
        const cur = name === 'key_size' ? def.keySize : def.valueSize;
        if (cur && cur !== sz)
          fail(
            map,
            name,
            `map '${map}': member '${name}': ${sz} conflicts with the ${name === 'key_size' ? 'key' : 'value'} size ${cur} given before`,
          );
        if (name === 'key_size') def.keySize = sz;
        else def.valueSize = sz;
        break;
      }
      case 'key':
      case 'value': {
        const k = kindOf(btf, m.typeId);
        if (k < 0) fail(map, name, `map '${map}': member '${name}': type [${m.typeId}] not found`);
        if (k !== BTF_KIND_PTR)
          fail(map, name, `map '${map}': member '${name}': expected a pointer, got ${kindLabel(btf, m.typeId)}`);
        const target = btf.wordOf(m.typeId, 2);
        let sz: number;
        try {
          sz = btf.resolveSize(target);
        } catch {
          fail(
            map,
            name,
            `map '${map}': member '${name}': cannot determine the size of type [${target}] (${kindLabel(btf, target)})`,
          );
        }
        const cur = name === 'key' ? def.keySize : def.valueSize;
        if (cur && cur !== sz)
          fail(
            map,
            name,
            `map '${map}': member '${name}': size ${sz} conflicts with the ${name} size ${cur} given before`,
          );
        if (name === 'key') {
          def.keySize = sz;
          def.keyTypeId = target;
        } else {
          def.valueSize = sz;
          def.valueTypeId = target;
        }
        break;
      }
      case 'values': {
        const mim = def.type === BPF_MAP_TYPE.ARRAY_OF_MAPS || def.type === BPF_MAP_TYPE.HASH_OF_MAPS;
        const progArray = def.type === BPF_MAP_TYPE.PROG_ARRAY;
        const desc = mim ? 'map-in-map inner' : 'prog-array value';
        if (isInner) fail(map, name, `map '${map}': member '${name}': multi-level inner maps are not supported`);
        if (i !== members.length - 1) fail(map, name, `map '${map}': member '${name}' must be the last member`);
        if (!mim && !progArray)
          fail(map, name, `map '${map}': member '${name}': the map is neither map-in-map nor a prog array`);
        if (def.valueSize && def.valueSize !== 4)
          fail(map, name, `map '${map}': member '${name}': value size ${def.valueSize} conflicts with 4`);
        def.valueSize = 4;
        const k = kindOf(btf, m.typeId);
        if (k < 0) fail(map, name, `map '${map}': member '${name}': ${desc} type [${m.typeId}] not found`);
        if (k !== BTF_KIND_ARRAY || btf.wordOf(m.typeId, 5) !== 0)
          fail(map, name, `map '${map}': member '${name}': ${desc} spec is not a zero-length array`);
        const p = skipModsAndTypedefs(btf, btf.wordOf(m.typeId, 3));
        if (kindOf(btf, p) !== BTF_KIND_PTR)
          fail(map, name, `map '${map}': member '${name}': ${desc} elements are ${kindLabel(btf, p)}, not pointers`);
        const target = skipModsAndTypedefs(btf, btf.wordOf(p, 2));
        def.valuesOffset = Math.floor(m.bitOffset / 8);
        def.valuesTargetId = target;
        if (progArray) {
          if (kindOf(btf, target) !== BTF_KIND_FUNC_PROTO)
            fail(
              map,
              name,
              `map '${map}': member '${name}': prog-array elements point to ${kindLabel(btf, target)}, not a function prototype`,
            );
          break;
        }
        if (kindOf(btf, target) !== BTF_KIND_STRUCT)
          fail(
            map,
            name,
            `map '${map}': member '${name}': map-in-map elements point to ${kindLabel(btf, target)}, not a struct`,
          );
        def.inner = parseMapDef(btf, target, `${map}.inner`, { strict, inner: true });
        break;
      }
      case 'pinning': {
        if (isInner) fail(map, name, `map '${map}': member '${name}': an inner map cannot be pinned`);
        const v = fieldInt(btf, map, name, m.typeId);
        if (v !== LIBBPF_PIN_NONE && v !== LIBBPF_PIN_BY_NAME)
          fail(map, name, `map '${map}': member '${name}': invalid value ${v} (0: none, 1: by name)`);
        def.pinning = v;
        break;
      }
      default:
        if (strict)
          fail(map, name, `map '${map}': member '${name}' is unknown to libbpf (an error unless maps are relaxed)`);
        def.unknown.push(name);
        return;
    }
    def.order.push(name as MapAttr);
  });
  if (def.type === 0) fail(map, 'type', `map '${map}': no map type (member 'type' is missing or 0)`);
  return def;
}

/** Map types whose values are per CPU. */
function cpuValueSize(type: number, valueSize: number): number | null {
  const perCpu =
    type === BPF_MAP_TYPE.PERCPU_HASH ||
    type === BPF_MAP_TYPE.PERCPU_ARRAY ||
    type === BPF_MAP_TYPE.LRU_PERCPU_HASH ||
    type === BPF_MAP_TYPE.PERCPU_CGROUP_STORAGE;
  return perCpu ? Math.ceil(valueSize / 8) * 8 : null;
}

/** libbpf's `adjust_ringbuf_sz`. */
function ringbufSize(sz: number, page: number): number {
  if (sz === 0) return 0;
  const q = sz / page;
  if (sz % page === 0 && (q & (q - 1)) === 0) return sz;
  for (let mul = 1; mul <= Math.floor(0xffffffff / page); mul *= 2) if (mul * page > sz) return mul * page;
  return sz;
}

function linkageName(l: number): 'static' | 'global' | 'extern' {
  return l === BTF_VAR_STATIC ? 'static' : l === BTF_VAR_GLOBAL_EXTERN ? 'extern' : 'global';
}

function userMap(name: string, def: MapDef, section: string, offset: number, opts: ListMapsOptions): MapInfo {
  const isRingbuf = def.type === BPF_MAP_TYPE.RINGBUF || def.type === BPF_MAP_TYPE.USER_RINGBUF;
  return {
    name,
    kernelName: name,
    type: def.type,
    keySize: def.keySize,
    valueSize: def.valueSize,
    maxEntries: isRingbuf ? ringbufSize(def.maxEntries, opts.pageSize ?? 4096) : def.maxEntries,
    mapFlags: def.mapFlags,
    numaNode: def.numaNode,
    mapExtra: def.mapExtra,
    pinning: def.pinning,
    pinPath: def.pinning === LIBBPF_PIN_BY_NAME ? `${opts.pinRoot ?? '/sys/fs/bpf'}/${name}` : null,
    btfKeyTypeId: def.keyTypeId,
    btfValueTypeId: def.valueTypeId,
    internal: false,
    section,
    sectionOffset: offset,
    initialValueSize: null,
    innerMap: null,
    cpuValueSize: cpuValueSize(def.type, def.valueSize),
    mmapable: (def.mapFlags & BPF_F_MMAPABLE) !== 0,
    frozen: false,
    variables: [],
    initialSlots: [],
    legacy: false,
    origin: 'user',
  };
}

/** libbpf's `internal_map_name`. */
export function internalMapName(objName: string, secName: string): string {
  const enc = new TextEncoder();
  const real = enc.encode(secName);
  const obj = enc.encode(objName);
  const sfx = Math.min(Math.max(7, real.length), 15);
  const pfx = real.subarray(1).includes(0x2e) ? 0 : Math.min(16 - sfx - 1, obj.length);
  const bytes = new Uint8Array([...obj.subarray(0, pfx), ...real.subarray(0, sfx)].slice(0, 15));
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    const ok =
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e;
    if (!ok) bytes[i] = 0x5f;
  }
  return new TextDecoder().decode(bytes);
}

type DataKind = 'data' | 'rodata' | 'bss' | 'percpu';

/** How libbpf's `bpf_object__elf_collect` classifies a section (null: no map of its own). */
function dataKind(s: ElfSection): DataKind | 'struct_ops' | null {
  const n = s.name;
  if (n === 'license' || n === 'version' || n === 'maps' || n === '.maps' || n === BTF_ELF_SEC || n === BTF_EXT_ELF_SEC)
    return null;
  const family = (base: string) => n === base || n.startsWith(`${base}.`);
  if (s.type === SHT.PROGBITS && s.size > 0) {
    if (s.flags & SHF.EXECINSTR) return null;
    if (family('.data')) return 'data';
    if (family('.rodata')) return 'rodata';
    if (family('.percpu')) return 'percpu';
    if (n === '.struct_ops') return 'struct_ops';
    return null;
  }
  if (s.type === SHT.NOBITS && family('.bss')) return 'bss';
  return null;
}

/**
 * Throws unless `obj` is an object libbpf opens: a relocatable ELF file for
 * the BPF machine (or for no machine, as old LLVM wrote it), as
 * `bpf_object__elf_init` checks. A kernel module or an i386 object has a
 * `.BTF` that every dump reads, but libbpf makes no maps of it.
 * @throws BtfError `EFORMAT`.
 */
export function checkBpfElf(obj: BpfObject): void {
  const { elf } = obj;
  if (elf.type !== ET.REL || (elf.machine !== 0 && elf.machine !== EM.BPF)) {
    throw new BtfError(
      BtfErrorCode.Format,
      `not a BPF object (e_type ${elf.type}, e_machine ${elf.machine}; libbpf opens relocatable objects for EM_BPF only)`,
      obj.file !== undefined ? { file: obj.file } : {},
    );
  }
}

/**
 * Returns the maps libbpf 1.1.2 would create when opening `obj` (with the
 * proposed `.percpu` extension's maps), in libbpf's order, and the problems that
 * would make libbpf refuse the object, each naming the map and member.
 */
export function listMaps(obj: BpfObject, opts: ListMapsOptions = {}): MapList {
  checkBpfElf(obj);
  const maps: MapInfo[] = [];
  const problems: MapProblem[] = [];
  const { elf, btf } = obj;
  if (obj.btfProblem) problems.push({ section: BTF_ELF_SEC, message: obj.btfProblem });
  for (const lay of obj.layouts.values()) {
    if (lay.problem) problems.push({ section: lay.name, message: lay.problem });
  }

  const legacySec = elf.section('maps');
  if (legacySec) legacyMaps(obj, legacySec, maps, problems);

  // 1. .maps
  const mapsSec = elf.section('.maps');
  if (mapsSec) {
    const ds = btf ? findDatasecLayout(obj, '.maps') : undefined;
    if (!btf)
      problems.push({ section: '.maps', message: 'BTF-defined maps need BTF, and the object has no usable .BTF' });
    else if (!ds) problems.push({ section: '.maps', message: "DATASEC '.maps' not found" });
    else {
      ds.entries.forEach((e, i) => {
        try {
          maps.push(btfMap(btf, obj, e, i, mapsSec, opts));
        } catch (err) {
          if (!(err instanceof MapDefError)) throw err;
          problems.push({ ...err.problem, section: '.maps' });
        }
      });
    }
  }

  // 2. data sections
  for (const s of elf.sections) {
    const k = dataKind(s);
    if (k === null || k === 'struct_ops') continue;
    maps.push(internalMap(obj, s.name, k, s.size));
  }

  // 3. .kconfig
  const kc = btf ? findDatasecLayout(obj, '.kconfig') : undefined;
  if (kc?.entries.some((e) => e.kind === 'VAR')) maps.push(internalMap(obj, '.kconfig', 'kconfig', kc.size));

  // 4. .struct_ops
  const so = elf.sections.find((s) => s.name === '.struct_ops' && dataKind(s) === 'struct_ops');
  if (so && btf) {
    const ds = findDatasecLayout(obj, '.struct_ops');
    if (!ds) problems.push({ section: '.struct_ops', message: 'struct_ops init: DATASEC .struct_ops not found' });
    else {
      for (const e of ds.entries) {
        let t: number;
        try {
          t = btf.resolveType(e.typeId);
        } catch {
          problems.push({
            map: e.name,
            section: '.struct_ops',
            message: `struct_ops map '${e.name}': cannot resolve the type of [${e.typeId}]`,
          });
          continue;
        }
        const tname = btf.nameOf(t);
        if (!tname) {
          problems.push({
            map: e.name,
            section: '.struct_ops',
            message: `struct_ops map '${e.name}': anonymous type is not supported`,
          });
          continue;
        }
        if (btf.kindOf(t) !== BTF_KIND_STRUCT) {
          problems.push({
            map: e.name,
            section: '.struct_ops',
            message: `struct_ops map '${e.name}': ${tname} is not a struct`,
          });
          continue;
        }
        const size = btf.wordOf(t, 2);
        if (e.offset + size > so.size) {
          problems.push({
            map: e.name,
            section: '.struct_ops',
            message: `struct_ops map '${e.name}': the variable is beyond the end of DATASEC .struct_ops`,
          });
          continue;
        }
        maps.push({
          name: e.name,
          kernelName: e.name,
          type: BPF_MAP_TYPE.STRUCT_OPS,
          keySize: 4,
          valueSize: size,
          maxEntries: 1,
          mapFlags: 0,
          numaNode: 0,
          mapExtra: 0,
          pinning: 0,
          pinPath: null,
          btfKeyTypeId: 0,
          btfValueTypeId: 0,
          internal: false,
          section: '.struct_ops',
          sectionOffset: e.offset,
          initialValueSize: null,
          innerMap: null,
          cpuValueSize: null,
          mmapable: false,
          frozen: false,
          variables: [],
          initialSlots: [],
          legacy: false,
          origin: 'struct_ops',
        });
      }
    }
  }
  return { maps, problems };
}

/** The layout of the first DATASEC named `name` (libbpf's `btf__find_by_name_kind`). */
function findDatasecLayout(obj: BpfObject, name: string): DatasecLayout | undefined {
  for (const l of obj.layouts.values()) if (l.name === name) return l;
  return undefined;
}

/** `bpf_object__init_user_btf_map`. */
function btfMap(
  btf: Btf,
  obj: BpfObject,
  e: DatasecLayout['entries'][number],
  i: number,
  sec: ElfSection,
  opts: ListMapsOptions,
): MapInfo {
  const name = e.name;
  if (!name) fail(`#${i}`, undefined, `map #${i}: empty name`);
  if (e.offset + e.size > sec.size)
    fail(
      name,
      undefined,
      `map '${name}': BTF data is corrupted (offset ${e.offset} + size ${e.size} is past the end of .maps, ${sec.size} bytes)`,
    );
  if (e.kind !== 'VAR')
    fail(name, undefined, `map '${name}': DATASEC entry [${e.typeId}] is ${kindLabel(btf, e.typeId)}, not a VAR`);
  if (e.linkage !== BTF_VAR_GLOBAL_ALLOCATED)
    fail(name, undefined, `map '${name}': unsupported map linkage ${linkageName(e.linkage)}`);
  const defId = skipModsAndTypedefs(btf, btf.wordOf(e.typeId, 2));
  if (kindOf(btf, defId) !== BTF_KIND_STRUCT)
    fail(name, undefined, `map '${name}': the definition is ${kindLabel(btf, defId)}, not a struct`);
  if (btf.wordOf(defId, 2) > e.size)
    fail(
      name,
      undefined,
      `map '${name}': invalid def size (struct of ${btf.wordOf(defId, 2)} bytes, DATASEC entry of ${e.size})`,
    );
  const def = parseMapDef(btf, defId, name, { strict: !opts.relaxed });
  const info = userMap(name, def, '.maps', e.offset, opts);
  if (def.inner) info.innerMap = userMap(`${name}.inner`, def.inner, '.maps', e.offset, opts);
  if (def.valuesOffset >= 0) info.initialSlots = slots(obj, sec, e.offset + def.valuesOffset, e.offset + e.size);
  return info;
}

/** The initial `values` of a map from the relocations against `.maps` (`bpf_object__collect_map_relos`). */
function slots(obj: BpfObject, sec: ElfSection, from: number, to: number): Array<{ index: number; name: string }> {
  const out: Array<{ index: number; name: string }> = [];
  for (const rs of obj.elf.relocationsFor(sec)) {
    for (const r of rs.relocations) {
      const off = Number(r.offset);
      if (off < from || off >= to || (off - from) % 8) continue;
      const sym = obj.elf.symbols[r.symbol];
      out.push({ index: (off - from) / 8, name: sym?.name ?? '' });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** `bpf_object__init_internal_map`. */
function internalMap(obj: BpfObject, secName: string, kind: DataKind | 'kconfig', size: number): MapInfo {
  const btf = obj.btf;
  const valueId = btf?.findByName(secName) ?? 0;
  let flags = kind === 'rodata' || kind === 'kconfig' ? BPF_F_RDONLY_PROG : 0;
  const lay = valueId && btf!.kindOf(valueId) === BTF_KIND_DATASEC ? obj.layouts.get(valueId) : undefined;
  if (kind !== 'percpu' && lay && lay.entries.some((e) => e.kind === 'VAR' && e.linkage !== BTF_VAR_STATIC))
    flags |= BPF_F_MMAPABLE;
  // libbpf's map_uses_real_name (and the proposed .percpu extension's for .percpu.*)
  const kernelName = internalMapName(obj.name, secName);
  const real =
    (kind === 'data' && secName !== '.data') ||
    (kind === 'rodata' && secName !== '.rodata') ||
    (kind === 'percpu' && secName !== '.percpu');
  return {
    name: real ? secName : kernelName,
    kernelName,
    type: kind === 'percpu' ? BPF_MAP_TYPE.PERCPU_ARRAY : BPF_MAP_TYPE.ARRAY,
    keySize: 4,
    valueSize: size,
    maxEntries: 1,
    mapFlags: flags,
    numaNode: 0,
    mapExtra: 0,
    pinning: 0,
    pinPath: null,
    btfKeyTypeId: 0,
    btfValueTypeId: valueId,
    internal: true,
    section: secName,
    sectionOffset: 0,
    initialValueSize: size,
    innerMap: null,
    cpuValueSize: kind === 'percpu' ? Math.ceil(size / 8) * 8 : null,
    mmapable: (flags & BPF_F_MMAPABLE) !== 0,
    frozen: kind === 'rodata' || kind === 'kconfig',
    variables: lay
      ? lay.entries
          .filter((e) => e.kind === 'VAR')
          .map((e) => ({
            name: e.name,
            varId: e.typeId,
            typeId: btf!.wordOf(e.typeId, 2),
            offset: e.offset,
            size: e.size,
            linkage: linkageName(e.linkage),
          }))
      : [],
    initialSlots: [],
    legacy: false,
    origin: kind,
  };
}

/** libbpf 0.8's `bpf_object__init_user_maps` and `btf__get_map_kv_tids`. */
function legacyMaps(obj: BpfObject, sec: ElfSection, maps: MapInfo[], problems: MapProblem[]): void {
  const { elf, btf } = obj;
  const syms = elf.symbols.filter((s) => s.shndx === sec.index && s.type !== STT.SECTION);
  if (!sec.size || !syms.length || sec.size % syms.length) {
    problems.push({
      section: 'maps',
      message: `maps: unable to determine the legacy map definition size (${sec.size} bytes, ${syms.length} symbols)`,
    });
    return;
  }
  const defSz = sec.size / syms.length;
  // A NOBITS section is zeroes: read as such, never allocated (its size is only a claim).
  const data = sec.type === SHT.NOBITS ? new Uint8Array(0) : elf.sectionData(sec);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const s of syms) {
    const off = Number(s.value);
    if (s.bind === STB.LOCAL) {
      problems.push({
        map: s.name,
        section: 'maps',
        message: `map '${s.name}' (legacy): static maps are not supported`,
      });
      continue;
    }
    if (off + defSz > sec.size) {
      problems.push({
        map: s.name,
        section: 'maps',
        message: `map '${s.name}' (legacy): the definition runs past the end of the maps section`,
      });
      continue;
    }
    const field = (i: number) =>
      i * 4 + 4 <= defSz && off + i * 4 + 4 <= data.length ? dv.getUint32(off + i * 4, elf.littleEndian) : 0;
    const m: MapInfo = {
      name: s.name,
      kernelName: s.name,
      type: field(0),
      keySize: field(1),
      valueSize: field(2),
      maxEntries: field(3),
      mapFlags: field(4),
      numaNode: 0,
      mapExtra: 0,
      pinning: 0,
      pinPath: null,
      btfKeyTypeId: 0,
      btfValueTypeId: 0,
      internal: false,
      section: 'maps',
      sectionOffset: off,
      initialValueSize: null,
      innerMap: null,
      cpuValueSize: null,
      mmapable: false,
      frozen: false,
      variables: [],
      initialSlots: [],
      legacy: true,
      origin: 'legacy',
    };
    m.mmapable = (m.mapFlags & BPF_F_MMAPABLE) !== 0;
    m.cpuValueSize = cpuValueSize(m.type, m.valueSize);
    if (btf) {
      const kv = legacyKvTypes(btf, s.name, m.keySize, m.valueSize);
      if ('problem' in kv) problems.push({ map: s.name, section: `.maps.${s.name}`, message: kv.problem });
      else if (kv.keyTypeId) {
        m.btfKeyTypeId = kv.keyTypeId;
        m.btfValueTypeId = kv.valueTypeId;
      }
    }
    maps.push(m);
  }
}

/**
 * Returns the BTF key and value types of legacy map `name` from its
 * `BPF_ANNOTATE_KV_PAIR` annotation, `struct ____btf_map_NAME { key; value; }`
 * (libbpf 0.x's `btf__get_map_kv_tids`): ids 0 when there is no annotation,
 * a problem when it does not match the map's sizes.
 */
export function legacyKvTypes(
  btf: Btf,
  name: string,
  keySize: number,
  valueSize: number,
): { keyTypeId: number; valueTypeId: number } | { problem: string } {
  const id = btf.findByName(`____btf_map_${name}`);
  if (id === undefined) return { keyTypeId: 0, valueTypeId: 0 };
  const v = btf.type(id);
  if (v.kind !== BTF_KIND_STRUCT || v.vlen < 2)
    return { problem: `map '${name}': ____btf_map_${name} is not a struct of a key and a value` };
  const ms = v.members();
  const key = ms[0]!;
  const value = ms[1]!;
  let ks: number;
  let vs: number;
  try {
    ks = btf.resolveSize(key.typeId);
    vs = btf.resolveSize(value.typeId);
  } catch {
    return { problem: `map '${name}': ____btf_map_${name}: the key or value has no size` };
  }
  if (ks !== keySize)
    return {
      problem: `map '${name}': member 'key' of ____btf_map_${name}: BTF key size ${ks} != map key size ${keySize}`,
    };
  if (vs !== valueSize)
    return {
      problem: `map '${name}': member 'value' of ____btf_map_${name}: BTF value size ${vs} != map value size ${valueSize}`,
    };
  return { keyTypeId: key.typeId, valueTypeId: value.typeId };
}

/**
 * Returns the emitter spec ({@link MapSpec}) that rebuilds the map VAR
 * `varId` of `btf`: the attributes, key and value by type id, the member
 * order, the struct's name if it has one, and the inner definition
 * (recursively when anonymous, by id when named).
 *
 * @throws BtfError `EINVAL` when `varId` is not a VAR, and as
 *   {@link parseMapDef} does (always relaxed: unknown members are dropped).
 */
export function mapSpecOf(btf: Btf, varId: number): MapSpec {
  if (btf.kindOf(varId) !== BTF_KIND_VAR) {
    throw new BtfError(BtfErrorCode.InvalidArgument, `type [${varId}] ${kindName(btf.kindOf(varId))}: not a VAR`, {
      typeId: varId,
    });
  }
  const name = btf.nameOf(varId);
  const defId = skipModsAndTypedefs(btf, btf.wordOf(varId, 2));
  if (kindOf(btf, defId) !== BTF_KIND_STRUCT) fail(name, undefined, `map '${name}': not a struct`);
  return { name, ...defSpecOf(btf, defId, name) };
}

function defSpecOf(btf: Btf, defId: number, name: string): MapDefSpec {
  const def = parseMapDef(btf, defId, name, { strict: false });
  const spec: MapDefSpec = { type: def.type, order: def.order };
  const members = new Map(
    btf
      .type(defId)
      .members()
      .map((m) => [m.name, m] as const),
  );
  for (const a of def.order) {
    switch (a) {
      case 'key':
        spec.key = def.keyTypeId;
        break;
      case 'value':
        spec.value = def.valueTypeId;
        break;
      case 'key_size':
        spec.keySize = fieldInt(btf, name, a, members.get(a)!.typeId);
        break;
      case 'value_size':
        spec.valueSize = fieldInt(btf, name, a, members.get(a)!.typeId);
        break;
      case 'max_entries':
        spec.maxEntries = def.maxEntries;
        break;
      case 'map_flags':
        spec.mapFlags = def.mapFlags;
        break;
      case 'numa_node':
        spec.numaNode = def.numaNode;
        break;
      case 'pinning':
        spec.pinning = def.pinning;
        break;
      case 'map_extra':
        spec.mapExtra = def.mapExtra;
        break;
      case 'values':
        if (def.type === BPF_MAP_TYPE.PROG_ARRAY) spec.values = { proto: def.valuesTargetId };
        else
          spec.innerMap = btf.nameOf(def.valuesTargetId)
            ? def.valuesTargetId
            : defSpecOf(btf, def.valuesTargetId, `${name}.inner`);
        break;
      default:
        break;
    }
  }
  const sname = btf.nameOf(defId);
  if (sname) spec.structName = sname;
  return spec;
}

/** Returns the bpftool name of a map type, or the number when libbpf 1.1.2 does not know it. */
export function mapTypeLabel(type: number): string | number {
  return mapTypeName(type) ?? type;
}

/** Returns a kind's name for messages (`INT`, `STRUCT` ...; `VOID` for 0). */
function kindLabel(btf: Btf, typeId: number): string {
  if (typeId === 0) return 'VOID';
  if (typeId < 0 || typeId >= btf.typeCount) return `invalid type [${typeId}]`;
  return kindName(infoKind(btf.infoOf(typeId)));
}
