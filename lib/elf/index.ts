/**
 * The ELF layer (`btfkit/elf`): read objects, replace or add sections, build
 * a BTF-only object. It knows ELF, not BTF: reading an object's BTF, the
 * DATASEC fixup and writing BTF back are lib/object/'s, one layer up.
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
