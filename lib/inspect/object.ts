/**
 * A BPF object as the inspectors see it: the ELF file, its BTF, libbpf's
 * object name and the DATASEC layout libbpf has after opening it. The ELF
 * and BTF are read as lib/object.ts reads them (`readObjectBtf`), the layout
 * is lib/elf/fixup.ts's fixup run read-only (`datasecLayouts`).
 * @module
 */
import type { Btf } from '../btf.js';
import { isInputError } from '../errors.js';
import { type DatasecLayout, datasecLayouts } from '../elf/fixup.js';
import { type ElfFile, parseElf } from '../elf/read.js';
import { readObjectBtf } from '../object.js';

/** An opened BPF object. */
export interface BpfObject {
  /** The file name given, for messages. */
  file: string | undefined;
  /** libbpf's object name (see {@link objectName}); internal map names start with it. */
  name: string;
  elf: ElfFile;
  /** The `.BTF` section, or null when the object has none. */
  btf: Btf | null;
  /** Why `.BTF` could not be read, when it could not. */
  btfProblem: string | undefined;
  /** DATASEC layouts after libbpf's open-time fixups, by DATASEC id. */
  layouts: Map<number, DatasecLayout>;
}

/**
 * Returns libbpf's name for an object file (`bpf_object__new`): the path's
 * last component, cut to 15 bytes, then at the first `.`.
 */
export function objectName(path: string): string {
  const slash = path.lastIndexOf('/');
  const base = slash >= 0 ? path.slice(slash + 1) : path;
  const bytes = new TextEncoder().encode(base).subarray(0, 15);
  const name = new TextDecoder().decode(bytes);
  const dot = name.indexOf('.');
  return dot >= 0 ? name.slice(0, dot) : name;
}

/**
 * Returns the object in `bytes`: its ELF, its BTF (null when it has no
 * `.BTF`, with the reason in `btfProblem` when `.BTF` is there but bad) and
 * DATASEC layouts. `name` overrides the object name (libbpf's
 * `opts.object_name`); by default it comes from `file`. Throws an ElfError
 * when the ELF itself cannot be read.
 */
export function openBpfObject(bytes: Uint8Array, opts: { file?: string; name?: string } = {}): BpfObject {
  const fileOpt = opts.file !== undefined ? { file: opts.file } : {};
  const elf = parseElf(bytes, fileOpt);
  let btf: Btf | null = null;
  let btfProblem: string | undefined;
  try {
    btf = readObjectBtf(elf, fileOpt);
  } catch (e) {
    if (!isInputError(e)) throw e;
    btfProblem = `.BTF: ${e.message}`;
  }
  return {
    file: opts.file,
    name: opts.name ?? objectName(opts.file ?? ''),
    elf,
    btf,
    btfProblem,
    layouts: btf ? datasecLayouts(btf, elf) : new Map(),
  };
}
