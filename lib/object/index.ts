/**
 * `btfkit/object`: BPF objects as one value (ELF, `.BTF`, `.BTF.ext`),
 * BTF that may be raw or inside an object, and libbpf's open-time DATASEC
 * fixup. Named re-exports only.
 * @module
 */
export {
  openObject,
  writeObject,
  readObjectBtf,
  parseBtf,
  readBtfFile,
  objectName,
  BTF_ELF_SEC,
  BTF_EXT_ELF_SEC,
  type BpfObject,
  type OpenObjectOptions,
  type WriteObjectOptions,
} from './open.js';
export {
  fixupDatasecs,
  datasecLayouts,
  findElfVarSym,
  KCONFIG_SEC,
  KSYMS_SEC,
  type FixupOptions,
  type FixupResult,
  type FixedDatasec,
  type DatasecLayout,
  type LayoutEntry,
} from './fixup.js';
