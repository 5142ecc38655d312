/**
 * btfkit: read, build, deduplicate and print BTF (BPF Type Format).
 * Named re-exports only: this file is the public API.
 */
export { Btf, isElf, isRawBtf, type BtfOptions } from './btf.js';
export { BtfContainer, type BtfHeader } from './container.js';
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
export { KIND_FIELDS, forEachTypeIdWord, forEachStrWord, type KindFields } from './fields.js';
export { rawDump, jsonDump, writeRawDump, writeJsonDump, type RawDumpOptions, type JsonDumpOptions } from './dump/raw.js';
export { BtfExt, CORE_RELO_KINDS, type ExtInfo, type ExtKind, type ExtSec } from './ext.js';
export {
  addMap, addLegacyMapAnnotation, mapTypeName, mapTypeByName, BPF_MAP_TYPE_NAMES, MAP_ATTR_ORDER, LIBBPF_PIN_NONE, LIBBPF_PIN_BY_NAME,
  type MapSpec, type MapDefSpec, type MapAttr, type AddMapResult, type LegacyKvSpec, type LegacyKvResult,
} from './emit/maps.js';
export {
  addGlobalVar, PendingSections, findDatasec, type GlobalVarSpec, type GlobalVarResult, type EmitOptions, type SectionLayout,
} from './emit/datasec.js';
export { addFunction, type FunctionSpec, type FuncParamSpec, type FuncLinkage, type AddFunctionResult } from './emit/func.js';
export { addRefFirst, addStructFirst, type TypeArg, type VarLinkage, type RefKind, type StructMemberSpec } from './emit/common.js';
export { openBpfObject, objectName, type BpfObject } from './inspect/object.js';
export {
  listMaps, parseMapDef, mapSpecOf, internalMapName, legacyKvTypes, mapTypeLabel,
  type MapInfo, type MapDef, type MapList, type MapProblem, type MapVariable, type ListMapsOptions,
} from './inspect/maps.js';
export { listVars, varLine, type VarValue, type ListVarsOptions } from './inspect/vars.js';
export { TypedDataDumper, type TypedDataOptions, type TypedDataResult } from './inspect/typed-data.js';
export {
  openObject, writeObject, readObjectBtf, parseCoreSpec, BTF_ELF_SEC, BTF_EXT_ELF_SEC,
  type BtfObject, type OpenObjectOptions, type WriteObjectOptions, type CoreSpec, type CoreAccessor,
} from './object.js';
export {
  fixupDatasecs, datasecLayouts, findElfVarSym, KCONFIG_SEC, KSYMS_SEC,
  type FixupOptions, type FixupResult, type FixedDatasec, type DatasecLayout, type LayoutEntry,
} from './elf/fixup.js';
export {
  EM, ET, PT, SHF, SHN, SHT, STB, STT, STV, ElfFile, parseElf, newBtfObject, replaceSections,
  type ElfRelocation, type ElfRelocationSection, type ElfSection, type ElfSegment, type ElfSymbol, type ParseElfOptions,
  type NewBtfObjectOptions, type NewSectionOptions, type ReplaceSectionsOptions,
} from './elf/index.js';
export { dedup, type DedupOptions, type DedupReport, type DedupExt, type DedupPass } from './dedup/index.js';
export { cDump, writeCDump, type CDumpOptions } from './dump/c.js';
export { ByteOut, collectBytes, bytesToText, type ByteSink } from './dump/bytes.js';
export { checkRawBtf, checkBtf, CHECK_KERNEL_VERSION, type CheckReport, type CheckViolation, type CheckOptions } from './check/index.js';
