/**
 * A BPF object as one value: the ELF file, the BTF in its `.BTF` section and
 * the records in its `.BTF.ext` section, read together and written back
 * together. The pieces live in lib/elf (reader, writer, DATASEC fixup),
 * lib/btf.ts and lib/ext.ts; this module only joins them, the way libbpf's
 * `struct bpf_object` holds `efile`, `btf` and `btf_ext`.
 *
 * ```
 *  bytes --parseElf--> ElfFile --.BTF------> Btf     --fixupDatasecs(btf, elf)
 *                             \--.BTF.ext--> BtfExt
 *  writeObject: replaceSections(elf, { .BTF: btf.rawData(), .BTF.ext: ext.rawData() })
 * ```
 *
 * @module
 */
import { Btf } from './btf.js';
import { BtfError, BtfErrorCode, isInputError } from './errors.js';
import { BtfExt } from './ext.js';
import { infoKflag, memberBitOffset } from './kinds.js';
import { fixupDatasecs, type FixupOptions, type FixupResult } from './elf/fixup.js';
import { parseElf, type ElfFile } from './elf/read.js';
import { replaceSections } from './elf/write.js';

/** The ELF section names of BTF and its records. */
export const BTF_ELF_SEC = '.BTF';
/** The ELF section name of `.BTF.ext`. */
export const BTF_EXT_ELF_SEC = '.BTF.ext';

/** An object file with its BTF and `.BTF.ext` parsed. */
export interface BtfObject {
  /** The parsed ELF file (over the input bytes, which must stay unchanged). */
  readonly elf: ElfFile;
  /** The `.BTF` section, or null when the object has none. */
  readonly btf: Btf | null;
  /** The `.BTF.ext` section, or null when the object has none. */
  readonly ext: BtfExt | null;
  /** What {@link openObject}'s `fixup` did, or null when it was not asked for. */
  readonly fixup: FixupResult | null;
}

/** Options for {@link openObject}. */
export interface OpenObjectOptions {
  /** The file name, recorded in errors. */
  file?: string;
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
}

/**
 * Returns the object in `bytes` with its `.BTF` and `.BTF.ext` parsed (either
 * may be absent: null), after the DATASEC fixup when `opts.fixup` asks for it.
 *
 * @throws ElfError for a malformed ELF file; BtfError for a malformed `.BTF`
 *   or `.BTF.ext` (the offset is then relative to the section), or from the
 *   fixup; BtfError `EINVAL` when a fixup is asked for and there is no `.BTF`.
 */
export function openObject(bytes: Uint8Array, opts: OpenObjectOptions = {}): BtfObject {
  const file = opts.file;
  const fileOpt = file !== undefined ? { file } : {};
  try {
    const elf = parseElf(bytes, fileOpt);
    const extSec = elf.section(BTF_EXT_ELF_SEC);
    const btf = readObjectBtf(elf, opts);
    const ext = extSec && opts.ext !== false ? BtfExt.parse(elf.sectionData(extSec), fileOpt) : null;
    let fixup: FixupResult | null = null;
    if (opts.fixup !== undefined && opts.fixup !== false) {
      if (btf === null) throw new BtfError(BtfErrorCode.InvalidArgument, 'cannot fix up DATASECs: the object has no .BTF section', fileOpt);
      fixup = fixupDatasecs(btf, elf, opts.fixup === true ? {} : opts.fixup);
    }
    return { elf, btf, ext, fixup };
  } catch (e) {
    if (isInputError(e) && file !== undefined) e.withFile(file);
    throw e;
  }
}

/**
 * Returns the `.BTF` section of `elf` parsed (a copy of its bytes, so the BTF
 * can be modified), or null when the object has none. {@link openObject}
 * reads the object's BTF with it, and so does the inspectors' opener
 * (lib/inspect/object.ts), which goes on without BTF when it is malformed.
 *
 * @throws BtfError for a malformed `.BTF` (the offset relative to the section).
 */
export function readObjectBtf(elf: ElfFile, opts: Pick<OpenObjectOptions, 'file' | 'base'> = {}): Btf | null {
  const sec = elf.section(BTF_ELF_SEC);
  if (sec === undefined) return null;
  return Btf.parse(elf.sectionData(sec).slice(), { ...(opts.file !== undefined ? { file: opts.file } : {}), ...(opts.base ? { base: opts.base } : {}) });
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
export function writeObject(obj: Pick<BtfObject, 'elf' | 'btf' | 'ext'>, opts: WriteObjectOptions = {}): Uint8Array {
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

// ------------------------------------------------------------ CO-RE specs

/** libbpf's BPF_CORE_SPEC_MAX_LEN. */
const CORE_SPEC_MAX_LEN = 64;

/** `enum bpf_core_relo_kind` values that are field based, type based and enumerator based. */
const FIELD_BASED = new Set([0, 1, 2, 3, 4, 5]);
const TYPE_BASED = new Set([6, 7, 8, 9, 12]);
const ENUMVAL_BASED = new Set([10, 11]);

/** libbpf's `core_relo_kind_str`, by `enum bpf_core_relo_kind`. */
const RELO_KIND_STR: Readonly<Record<number, string>> = {
  0: 'byte_off', 1: 'byte_sz', 2: 'field_exists', 3: 'signed', 4: 'lshift_u64', 5: 'rshift_u64',
  6: 'local_type_id', 7: 'target_type_id', 8: 'type_exists', 9: 'type_size', 10: 'enumval_exists',
  11: 'enumval_value', 12: 'type_matches',
};

/** libbpf's `btf_kind_str`, by kind number. */
const KIND_STR: readonly string[] = [
  'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const', 'restrict',
  'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64',
];

/** One step of a CO-RE access path (libbpf's `struct bpf_core_accessor`). */
export interface CoreAccessor {
  /** The type the step indexes into (after modifiers and typedefs). */
  typeId: number;
  /** Member, array or enumerator index. */
  idx: number;
  /** Member or enumerator name; undefined for an array index. */
  name?: string;
}

/** A parsed CO-RE relocation (libbpf's `struct bpf_core_spec`). */
export interface CoreSpec {
  /** The relocation kind number (`enum bpf_core_relo_kind`). */
  kind: number;
  /** The root type id. */
  rootTypeId: number;
  /** The access string as numbers ("0:1:2" → [0, 1, 2]); empty for type-based kinds. */
  raw: number[];
  /** The named steps (anonymous members are skipped, as in libbpf). */
  accessors: CoreAccessor[];
  /** Bit offset of the accessed field from the root (field-based kinds). */
  bitOffset: number;
  /** libbpf's rendering (`bpf_core_format_spec`), e.g. `<byte_off> [7] struct task_struct.pid (0:14 @ offset 1192)`. */
  text: string;
}

/**
 * Returns the CO-RE relocation `(typeId, access, kind)` parsed against `btf`
 * as libbpf 1.1.2's `bpf_core_parse_spec` does, with its text as
 * `bpf_core_format_spec` prints it in libbpf's debug log.
 *
 * @throws BtfError `EINVAL` where libbpf's parser fails (bad access string,
 *   index out of range, a step into a type that is neither a struct, union
 *   nor array); `E2BIG` for more than 64 steps.
 */
export function parseCoreSpec(btf: Btf, typeId: number, access: string, kind: number): CoreSpec {
  const bad: (why: string) => never = (why) => {
    throw new BtfError(BtfErrorCode.InvalidArgument, `core relo [${typeId}] '${access}': ${why}`, { typeId });
  };
  const exists = (id: number): boolean => Number.isInteger(id) && id >= 0 && id < btf.typeCount;
  const skipMods = (id: number): number => {
    let cur = id;
    for (let depth = 0; cur !== 0 && exists(cur) && depth <= 32; depth++) {
      const k = btf.kindOf(cur);
      if (k !== 8 && k !== 9 && k !== 10 && k !== 11 && k !== 18) break; // typedef, volatile, const, restrict, type_tag
      cur = btf.wordOf(cur, 2);
    }
    return cur;
  };
  if (!exists(typeId)) bad(`invalid type id ${typeId}`);
  if (access === '' || access.startsWith(':')) bad('empty access string');
  const spec: CoreSpec = { kind, rootTypeId: typeId, raw: [], accessors: [], bitOffset: 0, text: '' };
  const isType = TYPE_BASED.has(kind);
  const isEnum = ENUMVAL_BASED.has(kind);
  const isField = FIELD_BASED.has(kind);
  if (isType) {
    if (access !== '0') bad('type-based relocation needs access string "0"');
  } else {
    // sscanf("%d%n") after an optional ':' per step, as libbpf parses it.
    let p = 0;
    while (p < access.length) {
      if (access[p] === ':') p++;
      const m = /^\s*[+-]?\d+/.exec(access.slice(p));
      if (m === null) bad(`cannot parse access string at ${p}`);
      if (spec.raw.length === CORE_SPEC_MAX_LEN) throw new BtfError(BtfErrorCode.TooBig, `core relo [${typeId}] '${access}': more than ${CORE_SPEC_MAX_LEN} steps`, { typeId });
      spec.raw.push(Number(BigInt.asIntN(32, BigInt(m[0].trim()))));
      p += m[0].length;
    }
    if (spec.raw.length === 0) bad('empty access string');
    let id = skipMods(typeId);
    if (id !== 0 && !exists(id)) bad(`invalid type id ${id}`);
    let idx = spec.raw[0]!;
    spec.accessors.push({ typeId: id, idx });
    if (isEnum) {
      const k = id === 0 ? 0 : btf.kindOf(id);
      if ((k !== 6 && k !== 19) || spec.raw.length > 1 || idx < 0 || idx >= btf.vlenOf(id)) bad('not a valid enumerator access');
      spec.accessors[0]!.name = btf.str(btf.wordOf(id, 3 + idx * (k === 6 ? 2 : 3)));
    } else if (isField) {
      let sz = 0;
      try {
        sz = btf.resolveSize(id);
      } catch {
        bad(`type [${id}] has no size`);
      }
      spec.bitOffset = Number(BigInt.asUintN(32, BigInt(idx) * BigInt(sz) * 8n));
      for (let i = 1; i < spec.raw.length; i++) {
        id = skipMods(id);
        if (id === 0 || !exists(id)) bad(`step ${i}: invalid type [${id}]`);
        idx = spec.raw[i]!;
        const k = btf.kindOf(id);
        if (k === 4 || k === 5) {
          const vlen = btf.vlenOf(id);
          if (idx < 0 || idx >= vlen) bad(`step ${i}: member ${idx} out of range (${vlen} members)`);
          const off = btf.wordOf(id, 3 + idx * 3 + 2);
          const bitOff = memberBitOffset(off, infoKflag(btf.infoOf(id)));
          spec.bitOffset = (spec.bitOffset + bitOff) >>> 0;
          const nameOff = btf.wordOf(id, 3 + idx * 3);
          if (nameOff !== 0) {
            const name = btf.str(nameOff);
            if (name === '') bad(`step ${i}: member ${idx} has an empty name`);
            spec.accessors.push({ typeId: id, idx, name });
          }
          id = btf.wordOf(id, 3 + idx * 3 + 1);
        } else if (k === 3) {
          const nelems = btf.wordOf(id, 5);
          const last = spec.accessors[spec.accessors.length - 1]!;
          const flex = last.name !== undefined && nelems === 0 && last.idx === btf.vlenOf(last.typeId) - 1;
          id = skipMods(btf.wordOf(id, 3));
          if (!exists(id)) bad(`step ${i}: invalid element type [${id}]`);
          if (!flex && (idx < 0 || idx >= nelems)) bad(`step ${i}: index ${idx} out of range (${nelems} elements)`);
          spec.accessors.push({ typeId: id, idx });
          let esz = 0;
          try {
            esz = btf.resolveSize(id);
          } catch {
            bad(`step ${i}: element type [${id}] has no size`);
          }
          spec.bitOffset = Number(BigInt.asUintN(32, BigInt(spec.bitOffset) + BigInt(idx) * BigInt(esz) * 8n));
        } else {
          bad(`step ${i}: captures type [${id}] of unexpected kind ${KIND_STR[k] ?? 'unknown'}`);
        }
      }
    } else {
      bad(`unknown relocation kind ${kind}`);
    }
  }
  spec.text = formatCoreSpec(btf, spec);
  return spec;
}

/** libbpf's `bpf_core_format_spec`. */
function formatCoreSpec(btf: Btf, spec: CoreSpec): string {
  const id = spec.rootTypeId;
  const k = id === 0 ? 0 : btf.kindOf(id);
  const name = id === 0 ? '' : btf.nameOf(id);
  let s = `<${RELO_KIND_STR[spec.kind] ?? 'unknown'}> [${id}] ${KIND_STR[k] ?? 'unknown'} ${name === '' ? '<anon>' : name}`;
  if (TYPE_BASED.has(spec.kind)) return s;
  if (ENUMVAL_BASED.has(spec.kind)) {
    const e = spec.accessors[0]!;
    const t = e.typeId;
    const signed = infoKflag(btf.infoOf(t));
    if (btf.kindOf(t) === 6) {
      const v = btf.wordOf(t, 3 + e.idx * 2 + 1);
      return `${s}::${e.name ?? ''} = ${signed ? v | 0 : v >>> 0}`;
    }
    const v = (BigInt(btf.wordOf(t, 3 + e.idx * 3 + 2)) << 32n) | BigInt(btf.wordOf(t, 3 + e.idx * 3 + 1));
    return `${s}::${e.name ?? ''} = ${signed ? BigInt.asIntN(64, v) : v}`;
  }
  spec.accessors.forEach((a, i) => {
    if (a.name !== undefined) s += `.${a.name}`;
    else if (i > 0 || a.idx > 0) s += `[${a.idx >>> 0}]`;
  });
  const bits = spec.bitOffset;
  return `${s} (${spec.raw.join(':')} @ offset ${Math.floor(bits / 8)}${bits % 8 ? `.${bits % 8}` : ''})`;
}
