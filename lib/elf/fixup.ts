/**
 * DATASEC fixup: fill in what clang cannot know when it writes `.BTF`, the
 * way libbpf 1.1.2 does when it opens an object (`bpf_object_open`:
 * `bpf_object__collect_externs`, then `bpf_object_fixup_btf` →
 * `btf_fixup_datasec`).
 *
 * The problem. clang emits one DATASEC per ELF section that holds global
 * variables, but writes it before the assembler has laid the section out:
 *
 * ```c
 * int sample_rate = 1;                  // .data, global
 * static int seq = 7;                   // .data, static
 * __hidden int limit;                   // .bss, global but STV_HIDDEN
 * extern int CONFIG_HZ __kconfig;       // .kconfig, no ELF section at all
 * extern struct rq runqueues __ksym;    // .ksyms, no ELF section at all
 * ```
 *
 * ```
 *  clang's .BTF                          after fixup
 *  [62] DATASEC '.data' size=0           [62] DATASEC '.data' size=36   <- sh_size of .data
 *    VAR 'sample_rate' offset=0            VAR 'sample_rate' offset=0   <- st_value of the symbol
 *    VAR 'limiter'     offset=0            VAR 'limiter'     offset=8
 *    VAR 'seq'         offset=32           VAR 'seq'         offset=32  <- static: clang's own value
 * ```
 *
 * A global's offset is a relocation against its symbol, so the field holds
 * 0 in the object; a static's relocation goes against the section symbol,
 * whose addend (the offset) sits in the field, so it is already right.
 *
 * The passes, in libbpf's order:
 *
 * 1. Externs (`bpf_object__collect_externs`). Every undefined
 *    GLOBAL/WEAK NOTYPE symbol must have a VAR or FUNC of the same name with
 *    extern linkage, listed in a `.kconfig` or `.ksyms` DATASEC.
 *    - If `.ksyms` lists a FUNC, a VAR `dummy_ksym` (global, over the first
 *      32-bit INT) is appended first.
 *    - `.ksyms`: each entry becomes a 4-byte slot at offset 4*i: a VAR turns
 *      into a global allocated `int`, a FUNC entry is replaced by
 *      `dummy_ksym`, the FUNC itself becomes global and its unnamed
 *      parameters take the name `dummy_ksym`. The DATASEC size is 4*vlen.
 *    - `.kconfig`: the externs are laid out by alignment (descending), size
 *      (ascending) and name; each VAR becomes global allocated, its entry
 *      takes its offset, and the DATASEC size is the end of the last one.
 * 2. Every DATASEC (`btf_fixup_datasec`), by id:
 *    - `.kconfig` and `.ksyms` are only sorted (pass 1 set them).
 *    - A size of 0 becomes the size of the ELF section of the same name
 *      (SHT_NOBITS included); a missing or empty section is an error. Only
 *      then are offsets taken from symbols, so BTF the static linker already
 *      fixed up keeps its offsets.
 *    - Each global VAR must have a GLOBAL/WEAK STT_OBJECT symbol of its name
 *      (any section: libbpf does not check it); its `st_value` is the offset
 *      when the size was fixed up, and an STV_HIDDEN/STV_INTERNAL symbol
 *      makes the VAR static (`__hidden`: no mmapable map, no skeleton field).
 *    - The entries are sorted by offset (libbpf's `qsort`, which glibc runs
 *      as a stable merge sort; so is `Array.prototype.sort`).
 *
 * Every section name is treated alike, so `.data.*`, `.rodata.*`, `.bss`,
 * `.maps`, `license`, `.struct_ops` and `.percpu`/`.percpu.*` (the seed
 * patch's per-CPU global data, fixed up like `.data`) follow the same rules.
 *
 * libbpf's sanitization for older kernels (`bpf_object__sanitize_btf`, which
 * rewrites kinds the running kernel lacks) happens at load time on a copy,
 * not at open, and is not done here.
 *
 * @module
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode, type ErrorContext } from '../errors.js';
import {
  BTF_FUNC_GLOBAL, BTF_INT_BOOL, BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_ENUM,
  BTF_KIND_ENUM64, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_INT, BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF, BTF_KIND_VAR, BTF_KIND_VOLATILE, BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_GLOBAL_EXTERN, BTF_VAR_STATIC,
  infoKind, infoVlen, kindName,
} from '../kinds.js';
import { type ElfFile, type ElfSymbol, SHN, STB, STT, STV } from './read.js';

/** libbpf's KCONFIG_SEC. */
export const KCONFIG_SEC = '.kconfig';
/** libbpf's KSYMS_SEC. */
export const KSYMS_SEC = '.ksyms';

/** Options for {@link fixupDatasecs}. */
export interface FixupOptions {
  /**
   * Run libbpf's extern pass first (`.kconfig` layout, `.ksyms` slots,
   * `dummy_ksym`), as `bpf_object__open` does. Without it only the DATASEC
   * pass runs, which leaves BTF that the static linker already fixed up
   * untouched. Defaults to true.
   */
  externs?: boolean;
}

/** One DATASEC the fixup looked at. */
export interface FixedDatasec {
  /** The DATASEC's type id. */
  typeId: number;
  /** Its name (the ELF section name). */
  name: string;
  /** Its size before the fixup. */
  oldSize: number;
  /** Its size after the fixup. */
  size: number;
  /** Whether anything in the record changed (size, an entry, their order). */
  changed: boolean;
}

/** What {@link fixupDatasecs} did. */
export interface FixupResult {
  /** True when the BTF was modified. */
  changed: boolean;
  /** Every DATASEC, by id. */
  datasecs: FixedDatasec[];
  /** Names of global VARs made static because their symbol is STV_HIDDEN or STV_INTERNAL. */
  hidden: string[];
  /** Externs found among the symbols, in libbpf's order (kcfg first, then ksyms). */
  externs: Array<{ name: string; section: string; typeId: number; offset: number }>;
  /** Ids of types added (libbpf's `dummy_ksym` VAR), empty when none. */
  addedTypeIds: number[];
}

// libbpf's `enum extern_type` and `enum kcfg_type`.
const EXT_KCFG = 1;
const EXT_KSYM = 2;
const KCFG_UNKNOWN = 0;
const KCFG_CHAR = 1;
const KCFG_BOOL = 2;
const KCFG_INT = 3;
const KCFG_TRISTATE = 4;
const KCFG_CHAR_ARR = 5;

interface Extern {
  name: string;
  typeId: number;
  type: typeof EXT_KCFG | typeof EXT_KSYM;
  secTypeId: number;
  size: number;
  align: number;
  dataOff: number;
}

/**
 * Fixes up the DATASECs of `btf` from the sections and symbols of `elf`, in
 * place, as libbpf 1.1.2 does when it opens the object (see the module
 * comment); returns what changed. BTF that needs nothing (already fixed up,
 * or without DATASECs) is left byte-identical. Only this BTF's own types are
 * visited; for split BTF the base is read, never written.
 *
 * @throws BtfError `ENOENT` when a DATASEC has no ELF section or an empty
 *   one, when a global VAR has no symbol, or when an extern has no BTF or no
 *   `.kconfig`/`.ksyms` DATASEC (libbpf's `-ENOENT`/`-ESRCH`); `EINVAL` when
 *   a DATASEC lists something other than a VAR, when an extern's BTF is not
 *   extern, or when a `.kconfig` extern is a function or of a type libbpf
 *   does not support (`-EINVAL`/`-ENOTSUP`). The message names the section and
 *   the variable, as libbpf's log does.
 */
export function fixupDatasecs(btf: Btf, elf: ElfFile, opts: FixupOptions = {}): FixupResult {
  const fx = new Fixup(btf, elf);
  if (opts.externs !== false) fx.collectExterns();
  fx.fixupAll();
  return fx.result();
}

class Fixup {
  readonly btf: Btf;
  readonly elf: ElfFile;
  changed = false;
  readonly hidden: string[] = [];
  readonly added: number[] = [];
  readonly datasecs: FixedDatasec[] = [];
  externs: Extern[] = [];

  constructor(btf: Btf, elf: ElfFile) {
    this.btf = btf;
    this.elf = elf;
  }

  result(): FixupResult {
    return {
      changed: this.changed,
      datasecs: this.datasecs,
      hidden: this.hidden,
      externs: this.externs.map((e) => ({ name: e.name, section: e.type === EXT_KCFG ? KCONFIG_SEC : KSYMS_SEC, typeId: e.typeId, offset: e.dataOff })),
      addedTypeIds: this.added,
    };
  }

  // ------------------------------------------------------------- helpers

  fail(code: BtfErrorCode, msg: string, ctx: ErrorContext = {}): never {
    throw new BtfError(code, msg, { ...ctx, ...(this.elf.file !== undefined ? { file: this.elf.file } : {}) });
  }

  /** Reads word `i` of type `typeId`'s record (base types included). */
  word(typeId: number, i: number): number {
    const [w, o] = this.btf.recordOf(typeId);
    return w[o + i]!;
  }

  info(typeId: number): number {
    return this.word(typeId, 1);
  }

  kind(typeId: number): number {
    return infoKind(this.info(typeId));
  }

  name(typeId: number): string {
    return this.btf.str(this.word(typeId, 0));
  }

  /** Whether `typeId` names a type (libbpf's `btf__type_by_id` returning non-NULL). */
  exists(typeId: number): boolean {
    return Number.isInteger(typeId) && typeId >= 1 && typeId < this.btf.typeCount;
  }

  /** Writes word `i` of local type `typeId`; a no-op when the value is already there. */
  set(typeId: number, i: number, value: number): void {
    if (this.word(typeId, i) === value >>> 0) return;
    const btf = this.btf;
    if (typeId < btf.startId) this.fail(BtfErrorCode.InvalidArgument, `type [${typeId}] belongs to the base BTF and cannot be fixed up`, { typeId });
    btf.ensureModifiable();
    btf.words[btf.offs[typeId - btf.startId]! + i] = value >>> 0;
    this.changed = true;
  }

  /** libbpf's `skip_mods_and_typedefs`. */
  skipModsAndTypedefs(typeId: number): number {
    let id = typeId;
    for (let depth = 0; depth <= 32 && id !== 0 && this.exists(id); depth++) {
      const k = this.kind(id);
      if (k !== BTF_KIND_TYPEDEF && k !== BTF_KIND_VOLATILE && k !== BTF_KIND_CONST && k !== BTF_KIND_RESTRICT && k !== BTF_KIND_TYPE_TAG) break;
      id = this.word(id, 2);
    }
    return id;
  }

  // -------------------------------------------------------------- externs

  /** libbpf's `find_extern_btf_id`: the first VAR or FUNC called `name`, which must be extern. */
  findExternBtfId(name: string): number {
    const n = this.btf.typeCount;
    for (let i = 1; i < n; i++) {
      const k = this.kind(i);
      if (k !== BTF_KIND_VAR && k !== BTF_KIND_FUNC) continue;
      if (this.name(i) !== name) continue;
      if (k === BTF_KIND_VAR && this.word(i, 3) !== BTF_VAR_GLOBAL_EXTERN) {
        this.fail(BtfErrorCode.InvalidArgument, `failed to find BTF for extern '${name}': VAR [${i}] is not extern`, { typeId: i });
      }
      if (k === BTF_KIND_FUNC && infoVlen(this.info(i)) !== 2 /* BTF_FUNC_EXTERN */) {
        this.fail(BtfErrorCode.InvalidArgument, `failed to find BTF for extern '${name}': FUNC [${i}] is not extern`, { typeId: i });
      }
      return i;
    }
    return this.fail(BtfErrorCode.NotFound, `failed to find BTF for extern '${name}': no VAR or FUNC of that name`);
  }

  /** libbpf's `find_extern_sec_btf_id`: the first DATASEC listing `typeId`, or -1. */
  findExternSecBtfId(typeId: number): number {
    const n = this.btf.typeCount;
    for (let i = 1; i < n; i++) {
      if (this.kind(i) !== BTF_KIND_DATASEC) continue;
      const [w, o] = this.btf.recordOf(i);
      const vlen = infoVlen(w[o + 1]!);
      for (let j = 0; j < vlen; j++) if (w[o + 3 + 3 * j] === typeId) return i;
    }
    return -1;
  }

  /** libbpf's `find_int_btf_id`: the first INT of 32 bits, or 0 (void). */
  findIntBtfId(): number {
    const n = this.btf.typeCount;
    for (let i = 1; i < n; i++) if (this.kind(i) === BTF_KIND_INT && (this.word(i, 3) & 0xff) === 32) return i;
    return 0;
  }

  /** libbpf's `find_kcfg_type`. */
  kcfgType(typeId: number): number {
    const id = this.skipModsAndTypedefs(typeId);
    if (!this.exists(id)) return KCFG_UNKNOWN;
    const size = this.word(id, 2);
    switch (this.kind(id)) {
      case BTF_KIND_INT: {
        const enc = (this.word(id, 3) >>> 24) & 0x0f;
        if (enc & BTF_INT_BOOL) return size === 1 ? KCFG_BOOL : KCFG_UNKNOWN;
        if (size === 1) return KCFG_CHAR;
        if (size < 1 || size > 8 || (size & (size - 1))) return KCFG_UNKNOWN;
        return KCFG_INT;
      }
      case BTF_KIND_ENUM:
        if (size !== 4 || this.name(id) !== 'libbpf_tristate') return KCFG_UNKNOWN;
        return KCFG_TRISTATE;
      case BTF_KIND_ENUM64:
        return this.name(id) === 'libbpf_tristate' ? KCFG_TRISTATE : KCFG_UNKNOWN;
      case BTF_KIND_ARRAY:
        if (this.word(id, 5) === 0) return KCFG_UNKNOWN;
        return this.kcfgType(this.word(id, 3)) === KCFG_CHAR ? KCFG_CHAR_ARR : KCFG_UNKNOWN;
      default:
        return KCFG_UNKNOWN;
    }
  }

  /** libbpf's `add_dummy_ksym_var`: 0 when `.ksyms` lists no FUNC. */
  addDummyKsymVar(): number {
    const secId = this.btf.findByName(KSYMS_SEC, BTF_KIND_DATASEC);
    if (secId < 0) return 0;
    const [w, o] = this.btf.recordOf(secId);
    const vlen = infoVlen(w[o + 1]!);
    let hasFunc = false;
    for (let j = 0; j < vlen && !hasFunc; j++) {
      const t = w[o + 3 + 3 * j]!;
      if (!this.exists(t)) this.fail(BtfErrorCode.BadTypeId, `sec '${KSYMS_SEC}': entry ${j}: invalid type id ${t}`, { section: KSYMS_SEC, typeId: secId });
      hasFunc = this.kind(t) === BTF_KIND_FUNC;
    }
    if (!hasFunc) return 0;
    const id = this.btf.addVar('dummy_ksym', BTF_VAR_GLOBAL_ALLOCATED, this.findIntBtfId());
    this.added.push(id);
    this.changed = true;
    return id;
  }

  /** libbpf's `bpf_object__collect_externs`, the BTF half of it. */
  collectExterns(): void {
    const elf = this.elf;
    if (elf.symtab === undefined) return;
    const dummyVarId = this.addDummyKsymVar();
    const externs: Extern[] = [];
    let kcfgSec = 0;
    let ksymSec = 0;
    for (const sym of elf.symbols) {
      if (!symIsExtern(sym) || sym.name === '') continue;
      const typeId = this.findExternBtfId(sym.name);
      const name = this.name(typeId);
      const secTypeId = this.findExternSecBtfId(typeId);
      if (secTypeId <= 0) {
        this.fail(BtfErrorCode.NotFound, `failed to find BTF for extern '${name}' [${typeId}] section`, { typeId });
      }
      const secName = this.name(secTypeId);
      const ext: Extern = { name, typeId, type: EXT_KSYM, secTypeId, size: 0, align: 0, dataOff: 0 };
      if (secName === KCONFIG_SEC) {
        const ctx = { section: KCONFIG_SEC, typeId };
        if (this.kind(typeId) === BTF_KIND_FUNC) {
          this.fail(BtfErrorCode.InvalidArgument, `extern function ${name} is unsupported under ${KCONFIG_SEC} section`, ctx);
        }
        kcfgSec = secTypeId;
        ext.type = EXT_KCFG;
        const t = this.word(typeId, 2);
        try {
          ext.size = this.btf.resolveSize(t);
        } catch {
          ext.size = 0;
        }
        if (ext.size <= 0) this.fail(BtfErrorCode.InvalidArgument, `failed to resolve size of extern (kcfg) '${name}'`, ctx);
        try {
          ext.align = this.btf.alignOf(t);
        } catch {
          ext.align = 0;
        }
        if (ext.align <= 0) this.fail(BtfErrorCode.InvalidArgument, `failed to determine alignment of extern (kcfg) '${name}'`, ctx);
        if (this.kcfgType(t) === KCFG_UNKNOWN) this.fail(BtfErrorCode.InvalidArgument, `extern (kcfg) '${name}': type is unsupported`, ctx);
      } else if (secName === KSYMS_SEC) {
        ksymSec = secTypeId;
      } else {
        this.fail(BtfErrorCode.InvalidArgument, `unrecognized extern section '${secName}' of extern '${name}'`, { section: secName, typeId });
      }
      externs.push(ext);
    }
    if (externs.length === 0) return;
    externs.sort(cmpExterns);
    this.externs = externs;
    const byName = (name: string): Extern | undefined => externs.find((e) => e.name === name);

    if (ksymSec) {
      const intId = this.findIntBtfId();
      const dummyNameOff = dummyVarId ? this.word(dummyVarId, 0) : 0;
      const vlen = infoVlen(this.info(ksymSec));
      let off = 0;
      for (let i = 0; i < vlen; i++, off += 4) {
        const e = 3 + 3 * i;
        const vt = this.word(ksymSec, e);
        const kind = this.kind(vt);
        const extName = this.name(vt);
        const ext = byName(extName);
        if (ext === undefined) {
          this.fail(BtfErrorCode.NotFound, `sec '${KSYMS_SEC}': failed to find extern definition for BTF ${kindName(kind).toLowerCase()} '${extName}'`, { section: KSYMS_SEC, typeId: vt });
        }
        ext.dataOff = off;
        if (kind === BTF_KIND_FUNC) {
          const proto = this.word(vt, 2);
          if (this.exists(proto) && this.kind(proto) === BTF_KIND_FUNC_PROTO) {
            const n = infoVlen(this.info(proto));
            for (let j = 0; j < n; j++) {
              if (this.word(proto, 3 + 2 * j + 1) !== 0 && this.word(proto, 3 + 2 * j) === 0) this.set(proto, 3 + 2 * j, dummyNameOff);
            }
          }
          this.set(ksymSec, e, dummyVarId);
          this.set(vt, 1, (this.info(vt) & ~0xffff) | BTF_FUNC_GLOBAL);
        } else {
          this.set(vt, 3, BTF_VAR_GLOBAL_ALLOCATED);
          this.set(vt, 2, intId);
        }
        this.set(ksymSec, e + 1, off);
        this.set(ksymSec, e + 2, 4);
      }
      this.set(ksymSec, 2, off);
    }

    if (kcfgSec) {
      let off = 0;
      for (const ext of externs) {
        if (ext.type !== EXT_KCFG) continue;
        ext.dataOff = roundUp(off, ext.align);
        off = ext.dataOff + ext.size;
      }
      this.set(kcfgSec, 2, off);
      const vlen = infoVlen(this.info(kcfgSec));
      for (let i = 0; i < vlen; i++) {
        const e = 3 + 3 * i;
        const vt = this.word(kcfgSec, e);
        const extName = this.name(vt);
        const ext = byName(extName);
        if (ext === undefined) {
          this.fail(BtfErrorCode.NotFound, `sec '${KCONFIG_SEC}': failed to find extern definition for BTF var '${extName}'`, { section: KCONFIG_SEC, typeId: vt });
        }
        this.set(vt, 3, BTF_VAR_GLOBAL_ALLOCATED);
        this.set(kcfgSec, e + 1, ext.dataOff);
      }
    }
  }

  // ------------------------------------------------------------- datasecs

  /** libbpf's `bpf_object_fixup_btf`. */
  fixupAll(): void {
    const btf = this.btf;
    for (let id = btf.startId; id < btf.typeCount; id++) {
      if (this.kind(id) === BTF_KIND_DATASEC) this.fixupDatasec(id);
    }
  }

  /** libbpf's `btf_fixup_datasec`. */
  fixupDatasec(secId: number): void {
    const secName = this.name(secId);
    const oldSize = this.word(secId, 2);
    const before = this.changed;
    this.changed = false;
    const vlen = infoVlen(this.info(secId));
    const ctx = { section: secName, typeId: secId };
    if (secName !== KCONFIG_SEC && secName !== KSYMS_SEC) {
      let fixupOffsets = false;
      if (oldSize === 0) {
        const sec = this.elf.section(secName);
        if (sec === undefined) this.fail(BtfErrorCode.NotFound, `sec '${secName}': failed to determine size from ELF: no such section`, ctx);
        if (sec.size === 0) this.fail(BtfErrorCode.NotFound, `sec '${secName}': failed to determine size from ELF: section is empty`, ctx);
        // DATASEC sizes are u32; libelf's d_size is truncated the same way.
        this.set(secId, 2, sec.size % 0x1_0000_0000);
        fixupOffsets = true;
      }
      for (let i = 0; i < vlen; i++) {
        const e = 3 + 3 * i;
        const vt = this.word(secId, e);
        if (!this.exists(vt) || this.kind(vt) !== BTF_KIND_VAR) {
          this.fail(BtfErrorCode.InvalidArgument, `sec '${secName}': unexpected non-VAR type found (entry ${i}, type [${vt}])`, ctx);
        }
        const linkage = this.word(vt, 3);
        if (linkage === BTF_VAR_STATIC || linkage === BTF_VAR_GLOBAL_EXTERN) continue;
        const varName = this.name(vt);
        const sym = findElfVarSym(this.elf, varName);
        if (sym === undefined) {
          this.fail(BtfErrorCode.NotFound, `sec '${secName}': failed to find ELF symbol for VAR '${varName}'`, { section: secName, typeId: vt });
        }
        if (fixupOffsets) this.set(secId, e + 1, Number(sym.value & 0xffff_ffffn));
        if (sym.visibility === STV.HIDDEN || sym.visibility === STV.INTERNAL) {
          if (this.word(vt, 3) !== BTF_VAR_STATIC) this.hidden.push(varName);
          this.set(vt, 3, BTF_VAR_STATIC);
        }
      }
    }
    this.sortVars(secId, vlen);
    this.datasecs.push({ typeId: secId, name: secName, oldSize, size: this.word(secId, 2), changed: this.changed });
    this.changed ||= before;
  }

  /** Sorts a DATASEC's entries by offset, stably (libbpf's `compare_vsi_off`, as glibc's merge sort runs it). */
  sortVars(secId: number, vlen: number): void {
    if (vlen < 2) return;
    const entries: Array<[number, number, number]> = [];
    for (let i = 0; i < vlen; i++) entries.push([this.word(secId, 3 + 3 * i), this.word(secId, 4 + 3 * i), this.word(secId, 5 + 3 * i)]);
    // `a->offset - b->offset` computed in u32 and read as int, as libbpf does.
    const sorted = entries.slice().sort((a, b) => (a[1] - b[1]) | 0);
    if (sorted.every((s, i) => s === entries[i])) return;
    sorted.forEach(([t, off, size], i) => {
      this.set(secId, 3 + 3 * i, t);
      this.set(secId, 4 + 3 * i, off);
      this.set(secId, 5 + 3 * i, size);
    });
  }
}

/** libbpf's `sym_is_extern`: undefined, GLOBAL or WEAK, STT_NOTYPE. */
function symIsExtern(sym: ElfSymbol): boolean {
  return sym.shndx === SHN.UNDEF && (sym.bind === STB.GLOBAL || sym.bind === STB.WEAK) && sym.type === STT.NOTYPE;
}

/** libbpf's `find_elf_var_sym`: the first GLOBAL or WEAK STT_OBJECT symbol called `name`. */
export function findElfVarSym(elf: ElfFile, name: string): ElfSymbol | undefined {
  for (const sym of elf.symbols) {
    if (sym.type !== STT.OBJECT) continue;
    if (sym.bind !== STB.GLOBAL && sym.bind !== STB.WEAK) continue;
    if (sym.name === name) return sym;
  }
  return undefined;
}

/** libbpf's `cmp_externs`: kind, then (kcfg) alignment descending and size ascending, then name. */
function cmpExterns(a: Extern, b: Extern): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  if (a.type === EXT_KCFG) {
    if (a.align !== b.align) return a.align > b.align ? -1 : 1;
    if (a.size !== b.size) return a.size < b.size ? -1 : 1;
  }
  return strcmp(a.name, b.name);
}

/** `strcmp` on the UTF-8 bytes: code point order, which UTF-16 comparison is not. */
function strcmp(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

const encoder = new TextEncoder();

function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
