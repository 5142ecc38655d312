/**
 * DATASEC fixup: fill in what clang cannot know when it writes `.BTF`, the
 * way libbpf 1.1.2 does when it opens an object (`bpf_object_open`:
 * `bpf_object__collect_externs`, then `bpf_object_fixup_btf` →
 * `btf_fixup_datasec`). It reads the BTF and the ELF symbols and sections
 * together, so it lives in the object layer (lib/object/, above lib/btf.ts
 * and lib/elf/; open.ts has the layer's essay), and writes the BTF only
 * through the container's methods (`setWord`, `addVar`).
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
 * Two entry points share the passes, which never write the BTF themselves:
 * they record the words they change over it (the fixed-up BTF is the BTF
 * under those words, with `dummy_ksym` as a type still to be added).
 * - {@link fixupDatasecs} runs them strictly (the first failure throws, as
 *   libbpf fails the open), then writes the recorded words into the BTF.
 * - {@link datasecLayouts} runs them leniently and reads every DATASEC back
 *   as libbpf has it after the open, for the inspectors (lib/inspect/).
 *   Where libbpf would fail, the failure becomes the `problem` of the DATASEC
 *   it concerns and the passes go on with the rest of the object: the entry
 *   or extern concerned keeps clang's numbers (a DATASEC without a usable ELF
 *   section keeps all of them, and one with a non-VAR entry those from that
 *   entry on). Failures that concern no DATASEC (an extern symbol without
 *   BTF, or whose BTF no DATASEC lists, as in objects still to be linked) are
 *   not reported there; the other externs are laid out all the same.
 *
 * @module
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode, type ErrorContext, isBtfError } from '../errors.js';
import {
  BTF_FUNC_GLOBAL,
  BTF_INT_BOOL,
  BTF_KIND_ARRAY,
  BTF_KIND_DATASEC,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_INT,
  BTF_KIND_VAR,
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_GLOBAL_EXTERN,
  BTF_VAR_STATIC,
  infoKind,
  infoVlen,
  intEncoding,
  kindName,
  packInfo,
} from '../kinds.js';
import { type ElfFile, type ElfSection, type ElfSymbol, SHN, STB, STT, STV } from '../elf/read.js';
import { typeQuery } from '../query.js';
import { compareUtf8 } from '../strings.js';

/** libbpf's KCONFIG_SEC. */
export const KCONFIG_SEC = '.kconfig';
/** libbpf's KSYMS_SEC. */
export const KSYMS_SEC = '.ksyms';

/** Options for {@link fixupDatasecs} and {@link datasecLayouts}. */
export interface FixupOptions {
  /**
   * Run libbpf's extern pass first (`.kconfig` layout, `.ksyms` slots,
   * `dummy_ksym`), as `bpf_object__open` does. Without it only the DATASEC
   * pass runs, which leaves BTF that the static linker already fixed up
   * untouched. Defaults to true.
   */
  externs?: boolean;
  /**
   * Make global VARs whose symbol is STV_HIDDEN or STV_INTERNAL static, as
   * libbpf 1.1.2 does. The 6.1 kernel's libbpf, which bpftool 7.1 is built
   * with, keeps them global (bpftool's skeleton gives them a field).
   * Defaults to true.
   */
  hiddenStatic?: boolean;
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

/** One entry of a DATASEC as libbpf sees it after open ({@link datasecLayouts}). */
export interface LayoutEntry {
  /** The VAR or FUNC id (a `.ksyms` FUNC stays itself, not libbpf's `dummy_ksym` that takes its slot). */
  typeId: number;
  /** The VAR's or FUNC's name. */
  name: string;
  kind: 'VAR' | 'FUNC' | 'OTHER';
  offset: number;
  size: number;
  /** VAR linkage after the fixup (BTF_VAR_*): hidden globals are static, `.kconfig`/`.ksyms` externs global; -1 for a FUNC. */
  linkage: number;
}

/** A DATASEC after libbpf's open-time fixups ({@link datasecLayouts}). */
export interface DatasecLayout {
  typeId: number;
  name: string;
  size: number;
  /** Sorted by offset. */
  entries: LayoutEntry[];
  /** The ELF section of the same name, if any. */
  section: ElfSection | undefined;
  /** Why libbpf would fail to open the object here, if it would (the first reason, in libbpf's order). */
  problem?: string;
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

/** The name of libbpf's `dummy_ksym` VAR. */
const DUMMY_KSYM = 'dummy_ksym';
/**
 * Stands for the name offset of `dummy_ksym` in recorded words: its string
 * is only interned when the fixup is written (never a u32, so never a real
 * word).
 */
const DUMMY_NAME_OFF = -1;

interface Extern {
  name: string;
  typeId: number;
  type: typeof EXT_KCFG | typeof EXT_KSYM;
  secTypeId: number;
  size: number;
  align: number;
  dataOff: number;
}

/** A place where libbpf would fail the open (lenient runs only). */
interface Problem {
  /** The DATASEC it concerns, if any. */
  datasecId: number | undefined;
  message: string;
}

/**
 * Fixes up the DATASECs of `btf` from the sections and symbols of `elf`, in
 * place, as libbpf 1.1.2 does when it opens the object (see the module
 * comment); returns what changed. BTF that needs nothing (already fixed up,
 * or without DATASECs) is left byte-identical. Only this BTF's own types are
 * visited; for split BTF the base is read, never written. When it throws, the
 * BTF is left as it was.
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
  const fx = new Fixup(btf, elf, true);
  fx.run(opts);
  fx.write();
  return fx.result();
}

/**
 * Returns every DATASEC of `btf` (its own types, by id) as libbpf 1.1.2 has
 * it after `bpf_object__open`, computed by the passes of
 * {@link fixupDatasecs} without changing the BTF and without throwing: where
 * libbpf would fail the open, the DATASEC concerned carries a `problem` and
 * the rest of the object is laid out all the same (see the module comment).
 */
export function datasecLayouts(btf: Btf, elf: ElfFile, opts: FixupOptions = {}): Map<number, DatasecLayout> {
  const fx = new Fixup(btf, elf, false);
  fx.run(opts);
  return fx.layouts();
}

/**
 * libbpf's open-time passes over `btf`. They read the BTF through the words
 * recorded so far and record what they change; {@link Fixup.write} writes
 * it. Strict, a failure throws (libbpf's); lenient, it is recorded as a
 * {@link Problem} and the passes go on.
 */
class Fixup {
  readonly btf: Btf;
  readonly elf: ElfFile;
  readonly strict: boolean;
  /** Words changed, by type id, then word index; the fixed-up BTF is `btf` under these. */
  readonly writes = new Map<number, Map<number, number>>();
  /** The type count of the fixed-up BTF (`dummy_ksym` included). */
  typeCount: number;
  /** The id `dummy_ksym` takes, 0 when none is needed. */
  dummyId = 0;
  /** The type of `dummy_ksym`. */
  dummyTypeId = 0;
  /** For a DATASEC whose entries were repointed (`.ksyms` FUNCs to `dummy_ksym`): the type each entry stands for, in entry order. */
  readonly slots = new Map<number, number[]>();
  changed = false;
  readonly hidden: string[] = [];
  /** {@link FixupOptions.hiddenStatic}. */
  hiddenStatic = true;
  readonly datasecs: FixedDatasec[] = [];
  externs: Extern[] = [];
  readonly problems: Problem[] = [];

  constructor(btf: Btf, elf: ElfFile, strict: boolean) {
    this.btf = btf;
    this.elf = elf;
    this.strict = strict;
    this.typeCount = btf.typeCount;
  }

  /** Runs libbpf's passes (`bpf_object__collect_externs`, then `bpf_object_fixup_btf`). */
  run(opts: FixupOptions): void {
    this.hiddenStatic = opts.hiddenStatic !== false;
    if (opts.externs !== false) this.guard(undefined, () => this.collectExterns());
    this.fixupAll();
  }

  /** Writes the recorded changes into the BTF. */
  write(): void {
    const btf = this.btf;
    let dummyNameOff = 0;
    if (this.dummyId) {
      const id = btf.addVar(DUMMY_KSYM, BTF_VAR_GLOBAL_ALLOCATED, this.dummyTypeId);
      if (id !== this.dummyId) {
        // Only a BTF changed between planning and writing gets here.
        throw new BtfError(
          BtfErrorCode.InvalidArgument,
          `dummy_ksym added as [${id}], expected [${this.dummyId}]: the BTF changed during the fixup`,
          { typeId: id },
        );
      }
      dummyNameOff = btf.wordOf(id, 0);
    }
    if (this.writes.size === 0) return;
    for (const [typeId, words] of this.writes) {
      for (const [i, v] of words) btf.setWord(typeId, i, v === DUMMY_NAME_OFF ? dummyNameOff : v);
    }
  }

  result(): FixupResult {
    return {
      changed: this.changed,
      datasecs: this.datasecs,
      hidden: this.hidden,
      externs: this.externs.map((e) => ({
        name: e.name,
        section: e.type === EXT_KCFG ? KCONFIG_SEC : KSYMS_SEC,
        typeId: e.typeId,
        offset: e.dataOff,
      })),
      addedTypeIds: this.dummyId ? [this.dummyId] : [],
    };
  }

  /** Every DATASEC of the BTF's own types as the passes left it, with its first problem. */
  layouts(): Map<number, DatasecLayout> {
    const out = new Map<number, DatasecLayout>();
    for (let id = this.btf.startId; id < this.btf.typeCount; id++) {
      if (this.kind(id) !== BTF_KIND_DATASEC) continue;
      const name = this.name(id);
      const slots = this.slots.get(id);
      const entries: LayoutEntry[] = [];
      const vlen = infoVlen(this.info(id));
      for (let i = 0; i < vlen; i++) {
        const typeId = slots?.[i] ?? this.word(id, 3 + 3 * i);
        const k = this.exists(typeId) ? this.kind(typeId) : -1;
        entries.push({
          typeId,
          name: k >= 0 ? this.name(typeId) : '',
          kind: k === BTF_KIND_VAR ? 'VAR' : k === BTF_KIND_FUNC ? 'FUNC' : 'OTHER',
          offset: this.word(id, 4 + 3 * i),
          size: this.word(id, 5 + 3 * i),
          linkage: k === BTF_KIND_VAR ? this.word(typeId, 3) : -1,
        });
      }
      const problem = this.problems.find((p) => p.datasecId === id)?.message;
      out.set(id, {
        typeId: id,
        name,
        size: this.word(id, 2),
        entries,
        section: this.elf.section(name),
        ...(problem !== undefined ? { problem } : {}),
      });
    }
    return out;
  }

  // ------------------------------------------------------------- helpers

  /**
   * libbpf fails the open here. Strict, throws the BtfError; lenient, records
   * it against DATASEC `at.datasec` (in the inspectors' wording `at.note`,
   * when given) and returns, for the caller to go on with the rest.
   */
  report(code: BtfErrorCode, msg: string, ctx: ErrorContext = {}, at: { datasec?: number; note?: string } = {}): void {
    const err = new BtfError(code, msg, { ...ctx, ...(this.elf.file !== undefined ? { file: this.elf.file } : {}) });
    if (this.strict) throw err;
    this.problems.push({ datasecId: at.datasec, message: at.note ?? err.message });
  }

  /** Runs `fn`; lenient, a BtfError it throws (BTF too broken to read on) is recorded against `datasecId` instead. */
  guard(datasecId: number | undefined, fn: () => void): void {
    if (this.strict) {
      fn();
      return;
    }
    try {
      fn();
    } catch (e) {
      if (!isBtfError(e)) throw e;
      this.problems.push({ datasecId, message: e.message });
    }
  }

  /** Reads word `i` of type `typeId`'s record as fixed up so far (base types included). */
  word(typeId: number, i: number): number {
    const v = this.writes.get(typeId)?.get(i);
    if (v !== undefined) return v;
    if (this.dummyId !== 0 && typeId === this.dummyId) {
      return [DUMMY_NAME_OFF, packInfo(BTF_KIND_VAR, 0, 0), this.dummyTypeId, BTF_VAR_GLOBAL_ALLOCATED][i] ?? 0;
    }
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
    const off = this.word(typeId, 0);
    return off === DUMMY_NAME_OFF ? DUMMY_KSYM : this.btf.str(off);
  }

  /** Whether `typeId` names a type (libbpf's `btf__type_by_id` returning non-NULL). */
  exists(typeId: number): boolean {
    return Number.isInteger(typeId) && typeId >= 1 && typeId < this.typeCount;
  }

  /** Records word `i` of local type `typeId`; a no-op when the value is already there. */
  set(typeId: number, i: number, value: number): void {
    const v = value === DUMMY_NAME_OFF ? value : value >>> 0;
    if (this.word(typeId, i) === v) return;
    if (typeId < this.btf.startId)
      this.report(BtfErrorCode.InvalidArgument, `type [${typeId}] belongs to the base BTF and cannot be fixed up`, {
        typeId,
      });
    let words = this.writes.get(typeId);
    if (words === undefined) {
      words = new Map();
      this.writes.set(typeId, words);
    }
    words.set(i, v);
    this.changed = true;
  }

  /** libbpf's `skip_mods_and_typedefs` (lib/query.ts; fixups never rewrite a typedef or modifier). */
  skipModsAndTypedefs(typeId: number): number {
    return typeQuery(this.btf).skipModsAndTypedefs(typeId);
  }

  // -------------------------------------------------------------- externs

  /** libbpf's `find_extern_btf_id`: the first VAR or FUNC called `name`, which must be extern; -1 when there is none (lenient). */
  findExternBtfId(name: string): number {
    const n = this.typeCount;
    for (let i = 1; i < n; i++) {
      const k = this.kind(i);
      if (k !== BTF_KIND_VAR && k !== BTF_KIND_FUNC) continue;
      if (this.name(i) !== name) continue;
      if (k === BTF_KIND_VAR && this.word(i, 3) !== BTF_VAR_GLOBAL_EXTERN) {
        this.report(BtfErrorCode.InvalidArgument, `failed to find BTF for extern '${name}': VAR [${i}] is not extern`, {
          typeId: i,
        });
        return -1;
      }
      if (k === BTF_KIND_FUNC && infoVlen(this.info(i)) !== 2 /* BTF_FUNC_EXTERN */) {
        this.report(
          BtfErrorCode.InvalidArgument,
          `failed to find BTF for extern '${name}': FUNC [${i}] is not extern`,
          { typeId: i },
        );
        return -1;
      }
      return i;
    }
    this.report(BtfErrorCode.NotFound, `failed to find BTF for extern '${name}': no VAR or FUNC of that name`);
    return -1;
  }

  /** libbpf's `find_extern_sec_btf_id`: the first DATASEC listing `typeId`, or -1. */
  findExternSecBtfId(typeId: number): number {
    const n = this.typeCount;
    for (let i = 1; i < n; i++) {
      if (this.kind(i) !== BTF_KIND_DATASEC) continue;
      const vlen = infoVlen(this.info(i));
      for (let j = 0; j < vlen; j++) if (this.word(i, 3 + 3 * j) === typeId) return i;
    }
    return -1;
  }

  /** libbpf's `find_int_btf_id`: the first INT of 32 bits, or 0 (void). */
  findIntBtfId(): number {
    const n = this.typeCount;
    for (let i = 1; i < n; i++) if (this.kind(i) === BTF_KIND_INT && (this.word(i, 3) & 0xff) === 32) return i;
    return 0;
  }

  /**
   * libbpf's `find_kcfg_type`, which recurses into an array's element type:
   * here a loop down nested arrays, then their verdicts back up (a char
   * array over CHAR, unknown over anything else). An array inside itself
   * (level 1 reads such loops) is unknown.
   */
  kcfgType(typeId: number): number {
    let arrays = 0;
    let id = typeId;
    let r: number;
    for (;;) {
      id = this.skipModsAndTypedefs(id);
      if (this.exists(id) && this.kind(id) === BTF_KIND_ARRAY && this.word(id, 5) !== 0) {
        if (++arrays > this.typeCount) return KCFG_UNKNOWN;
        id = this.word(id, 3);
        continue;
      }
      r = this.kcfgBase(id);
      break;
    }
    for (; arrays > 0; arrays--) r = r === KCFG_CHAR ? KCFG_CHAR_ARR : KCFG_UNKNOWN;
    return r;
  }

  /** `find_kcfg_type` for a type that is not an array of elements. */
  private kcfgBase(id: number): number {
    if (!this.exists(id)) return KCFG_UNKNOWN;
    const size = this.word(id, 2);
    switch (this.kind(id)) {
      case BTF_KIND_INT: {
        const enc = intEncoding(this.word(id, 3));
        if (enc & BTF_INT_BOOL) return size === 1 ? KCFG_BOOL : KCFG_UNKNOWN;
        if (size === 1) return KCFG_CHAR;
        if (size < 1 || size > 8 || size & (size - 1)) return KCFG_UNKNOWN;
        return KCFG_INT;
      }
      case BTF_KIND_ENUM:
        if (size !== 4 || this.name(id) !== 'libbpf_tristate') return KCFG_UNKNOWN;
        return KCFG_TRISTATE;
      case BTF_KIND_ENUM64:
        return this.name(id) === 'libbpf_tristate' ? KCFG_TRISTATE : KCFG_UNKNOWN;
      default:
        // An array of no elements, and every other kind.
        return KCFG_UNKNOWN;
    }
  }

  /** libbpf's `add_dummy_ksym_var`: records `dummy_ksym` when `.ksyms` lists a FUNC; returns its id, or 0. */
  addDummyKsymVar(): number {
    const secId = this.btf.findByName(KSYMS_SEC, BTF_KIND_DATASEC);
    if (secId === undefined) return 0;
    const vlen = infoVlen(this.info(secId));
    let hasFunc = false;
    for (let j = 0; j < vlen && !hasFunc; j++) {
      const t = this.word(secId, 3 + 3 * j);
      if (!this.exists(t)) {
        this.report(
          BtfErrorCode.BadTypeId,
          `sec '${KSYMS_SEC}': entry ${j}: invalid type id ${t}`,
          { section: KSYMS_SEC, typeId: secId },
          { datasec: secId },
        );
        continue;
      }
      hasFunc = this.kind(t) === BTF_KIND_FUNC;
    }
    if (!hasFunc) return 0;
    this.dummyTypeId = this.findIntBtfId();
    this.dummyId = this.typeCount++;
    this.changed = true;
    return this.dummyId;
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
      if (typeId < 0) continue;
      const name = this.name(typeId);
      const secTypeId = this.findExternSecBtfId(typeId);
      if (secTypeId <= 0) {
        this.report(BtfErrorCode.NotFound, `failed to find BTF for extern '${name}' [${typeId}] section`, { typeId });
        continue;
      }
      const secName = this.name(secTypeId);
      const at = { datasec: secTypeId };
      const ext: Extern = { name, typeId, type: EXT_KSYM, secTypeId, size: 0, align: 0, dataOff: 0 };
      if (secName === KCONFIG_SEC) {
        const ctx = { section: KCONFIG_SEC, typeId };
        if (this.kind(typeId) === BTF_KIND_FUNC) {
          this.report(
            BtfErrorCode.InvalidArgument,
            `extern function ${name} is unsupported under ${KCONFIG_SEC} section`,
            ctx,
            { ...at, note: `extern function ${name} is unsupported under the .kconfig section` },
          );
          continue;
        }
        kcfgSec = secTypeId;
        ext.type = EXT_KCFG;
        const t = this.word(typeId, 2);
        const sizeNote = `cannot determine the size or alignment of extern (kcfg) '${name}'`;
        try {
          ext.size = this.btf.resolveSize(t);
        } catch {
          ext.size = 0;
        }
        if (ext.size <= 0) {
          this.report(BtfErrorCode.InvalidArgument, `failed to resolve size of extern (kcfg) '${name}'`, ctx, {
            ...at,
            note: sizeNote,
          });
          continue;
        }
        try {
          ext.align = this.btf.alignOf(t);
        } catch {
          ext.align = 0;
        }
        if (ext.align <= 0) {
          this.report(BtfErrorCode.InvalidArgument, `failed to determine alignment of extern (kcfg) '${name}'`, ctx, {
            ...at,
            note: sizeNote,
          });
          continue;
        }
        if (this.kcfgType(t) === KCFG_UNKNOWN)
          this.report(BtfErrorCode.InvalidArgument, `extern (kcfg) '${name}': type is unsupported`, ctx, at);
      } else if (secName === KSYMS_SEC) {
        ksymSec = secTypeId;
      } else {
        this.report(
          BtfErrorCode.InvalidArgument,
          `unrecognized extern section '${secName}' of extern '${name}'`,
          { section: secName, typeId },
          at,
        );
        continue;
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
      const slots: number[] = [];
      for (let i = 0; i < vlen; i++) slots.push(this.word(ksymSec, 3 + 3 * i));
      this.slots.set(ksymSec, slots);
      let off = 0;
      for (let i = 0; i < vlen; i++, off += 4) {
        const e = 3 + 3 * i;
        this.guard(ksymSec, () => {
          const vt = this.word(ksymSec, e);
          const kind = this.kind(vt);
          const extName = this.name(vt);
          const ext = byName(extName);
          if (ext === undefined) {
            this.report(
              BtfErrorCode.NotFound,
              `sec '${KSYMS_SEC}': failed to find extern definition for BTF ${kindName(kind).toLowerCase()} '${extName}'`,
              { section: KSYMS_SEC, typeId: vt },
              { datasec: ksymSec },
            );
          } else {
            ext.dataOff = off;
            if (kind === BTF_KIND_FUNC) {
              const proto = this.word(vt, 2);
              if (this.exists(proto) && this.kind(proto) === BTF_KIND_FUNC_PROTO) {
                const n = infoVlen(this.info(proto));
                for (let j = 0; j < n; j++) {
                  if (this.word(proto, 3 + 2 * j + 1) !== 0 && this.word(proto, 3 + 2 * j) === 0)
                    this.set(proto, 3 + 2 * j, dummyNameOff);
                }
              }
              this.set(ksymSec, e, dummyVarId);
              this.set(vt, 1, (this.info(vt) & ~0xffff) | BTF_FUNC_GLOBAL);
            } else {
              this.set(vt, 3, BTF_VAR_GLOBAL_ALLOCATED);
              this.set(vt, 2, intId);
            }
          }
          this.set(ksymSec, e + 1, off);
          this.set(ksymSec, e + 2, 4);
        });
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
        this.guard(kcfgSec, () => {
          const vt = this.word(kcfgSec, e);
          const extName = this.name(vt);
          const ext = byName(extName);
          if (ext === undefined) {
            this.report(
              BtfErrorCode.NotFound,
              `sec '${KCONFIG_SEC}': failed to find extern definition for BTF var '${extName}'`,
              { section: KCONFIG_SEC, typeId: vt },
              { datasec: kcfgSec },
            );
            return;
          }
          this.set(vt, 3, BTF_VAR_GLOBAL_ALLOCATED);
          this.set(kcfgSec, e + 1, ext.dataOff);
        });
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
    if (secName !== KCONFIG_SEC && secName !== KSYMS_SEC)
      this.guard(secId, () => this.fixupVars(secId, secName, oldSize, vlen));
    this.sortVars(secId, vlen);
    this.datasecs.push({ typeId: secId, name: secName, oldSize, size: this.word(secId, 2), changed: this.changed });
    this.changed ||= before;
  }

  /** `btf_fixup_datasec` but for the sort: the size from the ELF section, the offsets from the symbols, hidden globals static. */
  fixupVars(secId: number, secName: string, oldSize: number, vlen: number): void {
    const ctx = { section: secName, typeId: secId };
    const at = { datasec: secId };
    let fixupOffsets = false;
    if (oldSize === 0) {
      const sec = this.elf.section(secName);
      if (sec === undefined || sec.size === 0) {
        this.report(
          BtfErrorCode.NotFound,
          `sec '${secName}': failed to determine size from ELF: ${sec === undefined ? 'no such section' : 'section is empty'}`,
          ctx,
          {
            ...at,
            note:
              sec === undefined
                ? `DATASEC ${secName} has no ELF section of that name`
                : `section ${secName} is empty, so DATASEC ${secName} gets no size`,
          },
        );
        return;
      }
      // DATASEC sizes are u32; libelf's d_size is truncated the same way.
      this.set(secId, 2, sec.size % 0x1_0000_0000);
      fixupOffsets = true;
    }
    for (let i = 0; i < vlen; i++) {
      const e = 3 + 3 * i;
      const vt = this.word(secId, e);
      if (!this.exists(vt) || this.kind(vt) !== BTF_KIND_VAR) {
        const what = this.exists(vt) && this.kind(vt) === BTF_KIND_FUNC ? 'FUNC' : 'not a VAR';
        this.report(
          BtfErrorCode.InvalidArgument,
          `sec '${secName}': unexpected non-VAR type found (entry ${i}, type [${vt}])`,
          ctx,
          { ...at, note: `DATASEC ${secName}: entry [${vt}] is ${what}` },
        );
        return;
      }
      const linkage = this.word(vt, 3);
      if (linkage === BTF_VAR_STATIC || linkage === BTF_VAR_GLOBAL_EXTERN) continue;
      const varName = this.name(vt);
      const sym = findElfVarSym(this.elf, varName);
      if (sym === undefined) {
        this.report(
          BtfErrorCode.NotFound,
          `sec '${secName}': failed to find ELF symbol for VAR '${varName}'`,
          { section: secName, typeId: vt },
          { ...at, note: `DATASEC ${secName}: no ELF symbol for variable '${varName}'` },
        );
        continue;
      }
      if (fixupOffsets) this.set(secId, e + 1, Number(sym.value & 0xffff_ffffn));
      if (this.hiddenStatic && (sym.visibility === STV.HIDDEN || sym.visibility === STV.INTERNAL)) {
        if (this.word(vt, 3) !== BTF_VAR_STATIC) this.hidden.push(varName);
        this.set(vt, 3, BTF_VAR_STATIC);
      }
    }
  }

  /** Sorts a DATASEC's entries by offset, stably (libbpf's `compare_vsi_off`, as glibc's merge sort runs it). */
  sortVars(secId: number, vlen: number): void {
    if (vlen < 2) return;
    const slots = this.slots.get(secId);
    const entries: Array<[number, number, number, number]> = [];
    for (let i = 0; i < vlen; i++) {
      const t = this.word(secId, 3 + 3 * i);
      entries.push([t, this.word(secId, 4 + 3 * i), this.word(secId, 5 + 3 * i), slots?.[i] ?? t]);
    }
    // `a->offset - b->offset` computed in u32 and read as int, as libbpf does.
    const sorted = entries.slice().sort((a, b) => (a[1] - b[1]) | 0);
    if (sorted.every((s, i) => s === entries[i])) return;
    sorted.forEach(([t, off, size], i) => {
      this.set(secId, 3 + 3 * i, t);
      this.set(secId, 4 + 3 * i, off);
      this.set(secId, 5 + 3 * i, size);
    });
    if (slots)
      this.slots.set(
        secId,
        sorted.map((s) => s[3]),
      );
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
  return compareUtf8(a.name, b.name);
}

function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
