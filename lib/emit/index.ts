/**
 * `btfkit/emit`: the BTF that declares maps, global variables and
 * functions, exactly as clang writes it. Besides the emitters the root
 * exports, the pieces for building clang's type order by hand:
 * `PendingSections` (DATASECs written last, as clang does) and
 * `addRefFirst`/`addStructFirst` (a reference or struct before its target).
 * Named re-exports only.
 * @module
 */
export {
  addMap,
  addLegacyMapAnnotation,
  mapTypeName,
  mapTypeByName,
  BPF_MAP_TYPE_NAMES,
  LIBBPF_PIN_NONE,
  LIBBPF_PIN_BY_NAME,
  type MapSpec,
  type MapDefSpec,
  type MapAttr,
  type AddMapResult,
  type LegacyKvSpec,
  type LegacyKvResult,
} from './maps.js';
export {
  addGlobalVar,
  findDatasec,
  PendingSections,
  type GlobalVarSpec,
  type GlobalVarResult,
  type EmitOptions,
  type SectionLayout,
} from './datasec.js';
export {
  addFunction,
  type FunctionSpec,
  type FuncParamSpec,
  type FuncLinkage,
  type AddFunctionResult,
} from './func.js';
export {
  addRefFirst,
  addStructFirst,
  type TypeArg,
  type VarLinkage,
  type RefKind,
  type StructMemberSpec,
} from './common.js';
