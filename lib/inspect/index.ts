/**
 * `btfkit/inspect`: what libbpf sees in an opened object (lib/object/):
 * its maps, its global variables' initial values (and `setInitialValues` to
 * change them), and typed data printed as `btf_dump__dump_type_data` prints it. Named re-exports only.
 * @module
 */
export {
  listMaps,
  parseMapDef,
  mapSpecOf,
  internalMapName,
  legacyKvTypes,
  mapTypeLabel,
  type MapInfo,
  type MapDef,
  type MapList,
  type MapProblem,
  type MapVariable,
  type ListMapsOptions,
} from './maps.js';
export { listVars, varLine, type VarValue, type ListVarsOptions } from './vars.js';
export { TypedDataDumper, type TypedDataOptions, type TypedDataResult } from './typed-data.js';
export { setInitialValues, type SetChange, type SetResult } from './set.js';
export { listPrograms, type ProgramInfo, type ProgramList } from './programs.js';
