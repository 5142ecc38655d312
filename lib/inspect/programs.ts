/**
 * The programs libbpf creates when it opens an object, in the order
 * `bpf_object__for_each_program` visits them (libbpf's `bpf_object__add_programs`
 * and `bpf_object__elf_collect`, as in the 6.1 kernel's libbpf that bpftool
 * 7.1 is built with, and libbpf 1.1.2 alike):
 *
 * - every non-empty SHT_PROGBITS section with SHF_EXECINSTR holds programs;
 * - each STT_FUNC symbol defined in such a section is one program, named
 *   after the symbol, spanning `st_value` .. `st_value + st_size`;
 * - the programs are sorted by section index, then by offset in the section;
 * - those in `.text` are subprograms (called, never loaded on their own), and
 *   the iteration skips them.
 *
 * libbpf refuses a static function outside `.text` ("program '...' is static
 * and not supported") and a function past the end of its section; both are
 * reported as a problem.
 * @module
 */
import { SHF, SHT, STB, STT } from '../elf/read.js';
import type { BpfObject } from '../object/open.js';

/** One program of an object (libbpf's `struct bpf_program` after open). */
export interface ProgramInfo {
  /** `bpf_program__name`: the function's symbol name. */
  name: string;
  /** `bpf_program__section_name`: its ELF section. */
  section: string;
  /** The section's index. */
  sectionIndex: number;
  /** Byte offset of the program in the section. */
  offset: number;
  /** Size in bytes. */
  size: number;
  /** A `.text` function: a subprogram, which `bpf_object__for_each_program` skips. */
  subprog: boolean;
}

/** What {@link listPrograms} found. */
export interface ProgramList {
  /** Every program and subprogram, in libbpf's order. */
  programs: ProgramInfo[];
  /** Why libbpf would refuse the object, if it would. */
  problems: string[];
}

/**
 * Returns the programs and subprograms of `obj` in libbpf's order (see the
 * module comment), and the reasons libbpf would refuse to open it.
 */
export function listPrograms(obj: BpfObject): ProgramList {
  const { elf } = obj;
  const programs: ProgramInfo[] = [];
  const problems: string[] = [];
  for (const s of elf.sections) {
    if (s.type !== SHT.PROGBITS || s.size === 0 || !(s.flags & SHF.EXECINSTR)) continue;
    const text = s.name === '.text';
    for (const sym of elf.symbols) {
      if (sym.shndx !== s.index || sym.type !== STT.FUNC) continue;
      const offset = Number(sym.value);
      const size = Number(sym.size);
      if (offset + size > s.size) {
        problems.push(`sec '${s.name}': program '${sym.name}' is past the end of the section`);
        continue;
      }
      if (!text && sym.bind === STB.LOCAL) {
        problems.push(`sec '${s.name}': program '${sym.name}' is static and not supported`);
        continue;
      }
      programs.push({ name: sym.name, section: s.name, sectionIndex: s.index, offset, size, subprog: text });
    }
  }
  programs.sort((a, b) => a.sectionIndex - b.sectionIndex || a.offset - b.offset);
  return { programs, problems };
}
