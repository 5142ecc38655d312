/**
 * The object layer: where BTF meets ELF. lib/btf.ts knows raw BTF only and
 * lib/elf/ knows ELF only; this directory sits above both (and above
 * lib/dedup/ and lib/emit/) and joins them, the way libbpf's
 * `struct bpf_object` holds `efile`, `btf` and `btf_ext`:
 *
 * - this module: opening an object (ELF, `.BTF`, `.BTF.ext`, the DATASEC
 *   fixup, libbpf's object name) and writing it back; reading BTF that may
 *   be raw or inside an object (libbpf's `btf__parse`);
 * - fixup.ts: libbpf's open-time DATASEC fixup, and the same passes run
 *   read-only for the inspectors (lib/inspect/ is the one layer above).
 *
 * ```
 *  bytes --parseElf--> ElfFile --.BTF------> Btf     --fixupDatasecs(btf, elf)
 *                             \--.BTF.ext--> BtfExt
 *  writeObject: replaceSections(elf, { .BTF: btf.rawData(), .BTF.ext: ext.rawData() })
 * ```
 *
 * @module
 */
import { Btf, isElf, type BtfOptions } from '../btf.js';
import { BtfError, BtfErrorCode, isInputError, messageWithoutFile } from '../errors.js';
import { BtfExt } from '../ext.js';
import { inputBytes } from '../input.js';
import { BTF_ELF_SEC, BTF_EXT_ELF_SEC } from '../kinds.js';
import { parseElf, type ElfFile } from '../elf/read.js';
import { setPointerSize } from '../query.js';
import { replaceSections } from '../elf/write.js';
import { datasecLayouts, fixupDatasecs, type DatasecLayout, type FixupOptions, type FixupResult } from './fixup.js';

export { BTF_ELF_SEC, BTF_EXT_ELF_SEC };

/** A BPF object file with its BTF and `.BTF.ext` parsed (libbpf's `struct bpf_object` after open). */
export interface BpfObject {
  /** The file name given, for messages. */
  readonly file: string | undefined;
  /** libbpf's object name (see {@link objectName}); internal map names start with it. */
  readonly name: string;
  /** The parsed ELF file (over the input bytes, which must stay unchanged). */
  readonly elf: ElfFile;
  /** The `.BTF` section, or null when the object has none (or, with `badBtf: 'record'`, a malformed one). */
  readonly btf: Btf | null;
  /** Why `.BTF` could not be read, with `badBtf: 'record'`; otherwise undefined. */
  readonly btfProblem: string | undefined;
  /** The `.BTF.ext` section, or null when the object has none or `ext: false` was given. */
  readonly ext: BtfExt | null;
  /** What {@link openObject}'s `fixup` did, or null when it was not asked for. */
  readonly fixup: FixupResult | null;
  /**
   * The DATASEC layouts libbpf has after opening the object, by DATASEC id
   * ({@link datasecLayouts} over `btf` and `elf`; empty without BTF).
   * Computed on first use.
   */
  readonly layouts: Map<number, DatasecLayout>;
}

/** Options for {@link openObject}. */
export interface OpenObjectOptions {
  /** The file name, recorded in errors; the object name comes from it. */
  file?: string;
  /** libbpf's object name (`opts.object_name`). Defaults to {@link objectName} of `file`. */
  name?: string;
  /** Base BTF, when `.BTF` is split BTF (a kernel module). */
  base?: Btf;
  /**
   * Run the DATASEC fixup ({@link fixupDatasecs}) on the BTF after reading
   * it; `true` runs it with its defaults (libbpf's open-time pass, externs
   * included). Defaults to false.
   */
  fixup?: boolean | FixupOptions;
  /**
   * Parse `.BTF.ext`. With false, `ext` is null and a malformed `.BTF.ext`
   * goes unnoticed (libbpf, too, ignores one it cannot parse). Defaults to true.
   */
  ext?: boolean;
  /**
   * Read the complete CO-RE records of a core_relo sub-section cut short by
   * the end of `.BTF.ext` (`BtfExt.coreReloCut` says where), instead of
   * throwing: CO-RE reports name the missing record and go on. Defaults to false.
   */
  partialCoreRelo?: boolean;
  /**
   * What a malformed `.BTF` does: `'throw'` its BtfError, or `'record'` the
   * message in `btfProblem` and go on with `btf` null, as the inspectors do
   * to list what they can. Defaults to `'throw'`.
   */
  badBtf?: 'throw' | 'record';
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
 * Returns the object in `bytes` with its `.BTF` and `.BTF.ext` parsed (either
 * may be absent: null), after the DATASEC fixup when `opts.fixup` asks for
 * it. The one way to open an object: the commands, the inspectors
 * (`listMaps`, `listVars`) and {@link parseBtf} all go through it.
 *
 * @throws ElfError for a malformed ELF file; BtfError for a malformed `.BTF`
 *   (unless `badBtf: 'record'`) or `.BTF.ext` (`offset` is then the file
 *   offset, `sectionOffset` the one in the section; the message gives both), or from the fixup; BtfError `EINVAL` when a fixup is
 *   asked for and there is no `.BTF`.
 */
export function openObject(bytes: Uint8Array, opts: OpenObjectOptions = {}): BpfObject {
  const file = opts.file;
  const fileOpt = file !== undefined ? { file } : {};
  try {
    const elf = parseElf(bytes, fileOpt);
    let btf: Btf | null = null;
    let btfProblem: string | undefined;
    try {
      btf = readObjectBtf(elf, opts);
    } catch (e) {
      if (opts.badBtf !== 'record' || !isInputError(e)) throw e;
      btfProblem = `.BTF: ${messageWithoutFile(e)}`;
    }
    const extSec = elf.section(BTF_EXT_ELF_SEC);
    let ext: BtfExt | null = null;
    if (extSec && opts.ext !== false) {
      try {
        ext = BtfExt.parse(elf.sectionData(extSec), {
          ...fileOpt,
          ...(opts.partialCoreRelo ? { partialCoreRelo: true } : {}),
        });
        ext.coreReloCut?.error.inSection(extSec.name, extSec.offset);
      } catch (e) {
        if (isInputError(e)) e.inSection(extSec.name, extSec.offset);
        throw e;
      }
    }
    let fixup: FixupResult | null = null;
    if (opts.fixup !== undefined && opts.fixup !== false) {
      if (btf === null)
        throw new BtfError(
          BtfErrorCode.InvalidArgument,
          'cannot fix up DATASECs: the object has no .BTF section',
          fileOpt,
        );
      fixup = fixupDatasecs(btf, elf, opts.fixup === true ? {} : opts.fixup);
    }
    let layouts: Map<number, DatasecLayout> | null = null;
    return {
      file,
      name: opts.name ?? objectName(file ?? ''),
      elf,
      btf,
      btfProblem,
      ext,
      fixup,
      get layouts(): Map<number, DatasecLayout> {
        layouts ??= btf ? datasecLayouts(btf, elf) : new Map();
        return layouts;
      },
    };
  } catch (e) {
    if (isInputError(e) && file !== undefined) e.withFile(file);
    throw e;
  }
}

/**
 * Returns the BTF in `input`, raw BTF or the `.BTF` section of an ELF
 * object (libbpf's `btf__parse`; {@link Btf.parse} reads raw BTF only).
 *
 * @throws BtfError `EINVAL` when `input` is not a Uint8Array; `EFORMAT`
 *   when it is neither raw BTF nor an object, or is an object
 *   without `.BTF`; ElfError for a malformed object; BtfError for malformed
 *   BTF (in an object, the offset is then relative to the file).
 */
export function parseBtf(input: Uint8Array, opts: BtfOptions = {}): Btf {
  const bytes = inputBytes(input, 'parseBtf');
  if (!isElf(bytes)) return Btf.parse(bytes, opts);
  const fileOpt = opts.file !== undefined ? { file: opts.file } : {};
  const elf = parseElf(bytes, fileOpt);
  const sec = elf.section(BTF_ELF_SEC);
  if (!sec) throw new BtfError(BtfErrorCode.Format, 'no .BTF section in the ELF object', fileOpt);
  let btf: Btf;
  try {
    btf = Btf.parse(elf.sectionData(sec), opts);
  } catch (e) {
    if (isInputError(e)) e.inSection(sec.name, sec.offset);
    throw e;
  }
  // libbpf's btf__parse_elf: the pointer size is the ELF class's (pahole's `layout` reads it)
  setPointerSize(btf, elf.elfClass === 64 ? 8 : 4);
  return btf;
}

/**
 * Returns the BTF read from a file, raw BTF or an object's `.BTF`
 * ({@link parseBtf}; `Btf.fromFile` reads raw BTF only). Node only.
 */
export async function readBtfFile(path: string, opts: { base?: Btf } = {}): Promise<Btf> {
  const { readInput } = (await import('#io')) as typeof import('../io.js');
  const bytes = await readInput(path);
  try {
    return parseBtf(bytes, { ...opts, file: path });
  } catch (e) {
    if (isInputError(e)) e.withFile(path);
    throw e;
  }
}

/**
 * Returns the `.BTF` section of `elf` parsed (a copy of its bytes, so the BTF
 * can be modified), or null when the object has none: {@link openObject}
 * reads the object's BTF with it. ({@link parseBtf} parses the section in
 * place instead, and gives offsets relative to the file, as `btf__parse`.)
 *
 * @throws BtfError for a malformed `.BTF` (`offset` the file offset, `sectionOffset` the one in `.BTF`).
 */
export function readObjectBtf(elf: ElfFile, opts: Pick<OpenObjectOptions, 'file' | 'base'> = {}): Btf | null {
  const sec = elf.section(BTF_ELF_SEC);
  if (sec === undefined) return null;
  try {
    return Btf.parse(elf.sectionData(sec).slice(), {
      ...(opts.file !== undefined ? { file: opts.file } : {}),
      ...(opts.base ? { base: opts.base } : {}),
    });
  } catch (e) {
    if (isInputError(e)) e.inSection(sec.name, sec.offset);
    throw e;
  }
}

/** What to put in the object's BTF sections; see {@link writeObject}. */
export interface WriteObjectOptions {
  /** The `.BTF` to write: a Btf, raw bytes, or null to remove the section. Defaults to `obj.btf` (left alone when that is null). */
  btf?: Btf | Uint8Array | null;
  /** The `.BTF.ext` to write: a BtfExt, raw bytes, or null to remove the section. Defaults to `obj.ext` (left alone when that is null). */
  ext?: BtfExt | Uint8Array | null;
}

/**
 * Returns the bytes of `obj`'s ELF file with `.BTF` and `.BTF.ext` replaced,
 * added or removed (lib/elf/write.ts `replaceSections`): every other section
 * keeps its bytes. Writing an unchanged object gives back the input bytes.
 * The BTF is written in its own byte order (`btf.setEndianness` to change it).
 *
 * @throws ElfError from `replaceSections` (for instance when the sections
 *   lie inside a program segment of an executable and would have to move).
 */
export function writeObject(obj: Pick<BpfObject, 'elf' | 'btf' | 'ext'>, opts: WriteObjectOptions = {}): Uint8Array {
  const changes = new Map<string, Uint8Array | null>();
  const btf = 'btf' in opts ? opts.btf : obj.btf;
  const ext = 'ext' in opts ? opts.ext : obj.ext;
  if (btf === null) {
    if ('btf' in opts) changes.set(BTF_ELF_SEC, null);
  } else if (btf !== undefined) {
    changes.set(BTF_ELF_SEC, btf instanceof Uint8Array ? btf : btf.rawData());
  }
  if (ext === null) {
    if ('ext' in opts) changes.set(BTF_EXT_ELF_SEC, null);
  } else if (ext !== undefined) {
    changes.set(BTF_EXT_ELF_SEC, ext instanceof Uint8Array ? ext : ext.rawData());
  }
  return replaceSections(obj.elf, changes);
}
