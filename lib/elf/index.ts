/**
 * The ELF layer: read objects, replace or add sections, build a BTF-only object.
 * @module
 */
export {
  EM,
  ET,
  PT,
  SHF,
  SHN,
  SHT,
  STB,
  STT,
  STV,
  ElfFile,
  parseElf,
  type ElfRelocation,
  type ElfRelocationSection,
  type ElfSection,
  type ElfSegment,
  type ElfSymbol,
  type ParseElfOptions,
} from './read.js';
export {
  newBtfObject,
  replaceSections,
  type NewBtfObjectOptions,
  type NewSectionOptions,
  type ReplaceSectionsOptions,
} from './write.js';
