/**
 * btfkit: read, build, deduplicate and print BTF (BPF Type Format).
 * Named re-exports only: this file is the public API. The groups that are
 * useful on their own also have a subpath (`btfkit/elf`, `btfkit/object`,
 * `btfkit/dedup`, `btfkit/emit`, `btfkit/inspect`, `btfkit/check`), each backed by the
 * `index.ts` of its directory; internals (the container, the fields table,
 * the byte writer) are exported from neither.
 */
export { Btf, isElf, isRawBtf, type BtfOptions } from './btf.js';
export { BtfError, ElfError, BtfErrorCode, isBtfError, isElfError, isInputError, type ErrorContext } from './errors.js';
export {
  BTF_KIND_UNKN, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_ARRAY, BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM,
  BTF_KIND_FWD, BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST, BTF_KIND_RESTRICT, BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO, BTF_KIND_VAR, BTF_KIND_DATASEC, BTF_KIND_FLOAT, BTF_KIND_DECL_TAG, BTF_KIND_TYPE_TAG,
  BTF_KIND_ENUM64, NR_BTF_KINDS, BTF_KIND_MAX, BtfKind, KIND_NAMES, kindName, kindByName,
  BTF_INT_SIGNED, BTF_INT_CHAR, BTF_INT_BOOL,
  BTF_FUNC_STATIC, BTF_FUNC_GLOBAL, BTF_FUNC_EXTERN,
  BTF_VAR_STATIC, BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_GLOBAL_EXTERN,
  BTF_FWD_STRUCT, BTF_FWD_UNION, BTF_FWD_ENUM,
  BTF_MAGIC, BTF_VERSION, BTF_MAX_TYPE, BTF_MAX_NAME_OFFSET, BTF_MAX_VLEN,
} from './kinds.js';
export { TypeView, type Member, type Param, type EnumValue, type SecInfo, type InflatedType } from './view.js';
export { rawDump, jsonDump, writeRawDump, writeJsonDump, type RawDumpOptions, type JsonDumpOptions } from './dump/raw.js';
export { cDump, writeCDump, type CDumpOptions } from './dump/c.js';
export type { ByteSink } from './dump/bytes.js';
export { BtfExt, CORE_RELO_KINDS, type ExtInfo, type ExtKind, type ExtSec } from './ext.js';
export { parseCoreSpec, type CoreSpec, type CoreAccessor } from './core-spec.js';
export { dedup, type DedupOptions, type DedupReport, type DedupExt, type DedupPass } from './dedup/index.js';
export {
  addMap, addLegacyMapAnnotation, mapTypeName, mapTypeByName, BPF_MAP_TYPE_NAMES, LIBBPF_PIN_NONE, LIBBPF_PIN_BY_NAME,
  type MapSpec, type MapDefSpec, type MapAttr, type AddMapResult, type LegacyKvSpec, type LegacyKvResult,
  addGlobalVar, findDatasec, type GlobalVarSpec, type GlobalVarResult, type EmitOptions, type SectionLayout,
  addFunction, type FunctionSpec, type FuncParamSpec, type FuncLinkage, type AddFunctionResult,
  type TypeArg, type VarLinkage,
} from './emit/index.js';
export {
  openObject, writeObject, readObjectBtf, parseBtf, readBtfFile, objectName, BTF_ELF_SEC, BTF_EXT_ELF_SEC,
  type BpfObject, type OpenObjectOptions, type WriteObjectOptions,
  fixupDatasecs, datasecLayouts, findElfVarSym, KCONFIG_SEC, KSYMS_SEC,
  type FixupOptions, type FixupResult, type FixedDatasec, type DatasecLayout, type LayoutEntry,
} from './object/index.js';
export {
  listMaps, parseMapDef, mapSpecOf, internalMapName, legacyKvTypes, mapTypeLabel,
  type MapInfo, type MapDef, type MapList, type MapProblem, type MapVariable, type ListMapsOptions,
  listVars, varLine, type VarValue, type ListVarsOptions,
  TypedDataDumper, type TypedDataOptions, type TypedDataResult,
} from './inspect/index.js';
export {
  EM, ET, PT, SHF, SHN, SHT, STB, STT, STV, ElfFile, parseElf, newBtfObject, replaceSections,
  type ElfRelocation, type ElfRelocationSection, type ElfSection, type ElfSegment, type ElfSymbol, type ParseElfOptions,
  type NewBtfObjectOptions, type NewSectionOptions, type ReplaceSectionsOptions,
} from './elf/index.js';
export {
  checkRawBtf, checkBtf, CHECK_KERNEL_VERSION, type CheckReport, type CheckViolation, type CheckOptions,
} from './check/index.js';
