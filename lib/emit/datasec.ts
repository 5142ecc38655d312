/**
 * Global data: VARs and their DATASEC entries, as clang writes them and as
 * libbpf fixes them up.
 *
 * In C, every global variable lives in an ELF section; in BTF it is a VAR
 * (name, type, linkage) listed by the DATASEC named after the section, with
 * its offset and size there:
 *
 * ```
 *   int limit = 7;                       [5] VAR 'limit' type_id=2, linkage=global
 *   static __u32 seq = 11;               [6] VAR 'seq' type_id=3, linkage=static
 *                                        [9] DATASEC '.data' size=8 vlen=2
 *                                              type_id=5 offset=0 size=4 (VAR 'limit')
 *                                              type_id=6 offset=4 size=4 (VAR 'seq')
 * ```
 *
 * clang writes size 0 and offset 0 for every non-static variable (the
 * linker decides where they go); libbpf (`btf_fixup_datasec`) and the static
 * linker fill in the ELF section's size and each symbol's value. The
 * emitters write the fixed-up form by default (`layout: 'fixed'`): a new
 * variable goes at the offset given, or at the first offset past the
 * section's end aligned for its type; entries stay sorted by offset, may not
 * overlap, and the DATASEC's size is the end of its last variable (no tail
 * padding, like an ELF section). `layout: 'clang'` writes what clang writes,
 * and so does every addition to a DATASEC that is still in clang's form
 * (size 0 with entries). Extern variables (`.kconfig`, `.ksyms`) and extern
 * functions always get offset 0, as from clang: libbpf lays them out at open.
 *
 * DATASECs are created on demand. When a DATASEC is not the last type, a new
 * entry is spliced into its record: the words after it move up by three and
 * the type offsets follow; no type id changes.
 *
 * ```
 *   words: | ... | DATASEC hdr | e0 | e1 | ... next types ... |
 *                                      ^ insert 3 words, shift the rest
 * ```
 *
 * clang itself emits all DATASECs after every other type, ordered by section
 * name. {@link PendingSections} does the same: emitters record entries in it,
 * and {@link PendingSections.emit} adds the DATASECs at the end.
 * @module
 */
import type { Btf } from '../btf.js';
import { BTF_KIND_DATASEC, BTF_VAR_GLOBAL_EXTERN, infoKind, infoVlen } from '../kinds.js';
import { compareUtf8 } from '../strings.js';
import {
  type TypeArg,
  type VarLinkage,
  alignUp,
  checkU32,
  invalid,
  listArg,
  resolveTypeArg,
  varLinkage,
} from './common.js';

/** How DATASEC offsets and sizes are written. */
export type SectionLayout = 'fixed' | 'clang';

/** Options shared by the instance emitters. */
export interface EmitOptions {
  /**
   * `'fixed'` (the default): real offsets and DATASEC sizes, as after
   * libbpf's `btf_fixup_datasec` or the static linker. `'clang'`: offset 0
   * for non-static variables and DATASEC size 0, as clang writes them.
   */
  layout?: SectionLayout;
  /**
   * Record DATASEC entries here instead of writing them now; `pending.emit(btf)`
   * then adds every DATASEC after the other types, sorted by name, as clang does.
   */
  pending?: PendingSections;
  /**
   * Reuse an identical PTR, ARRAY or named definition struct already in the
   * BTF, as clang keeps one type per debug-info type. Defaults to true;
   * false reuses only what the same call added, as clang would when writing
   * a new object (deduplication then merges the copies).
   */
  reuse?: boolean;
}

/** One DATASEC entry to place. */
interface SectionEntry {
  /** The VAR (or extern FUNC) id. */
  typeId: number;
  /** Bytes it takes in the section. */
  size: number;
  /** Alignment for a natural offset. */
  align: number;
  /** Explicit offset. */
  offset?: number | undefined;
  /** Extern VARs and FUNCs: offset 0 and no effect on the section size. */
  extern: boolean;
}

/** Where an entry went. */
interface Placement {
  /** The DATASEC's id, or -1 when the entry was recorded in a {@link PendingSections}. */
  datasecId: number;
  /** The entry's offset (the explicit one, or 0, for pending clang-style entries). */
  offset: number;
}

/** Returns the id of this BTF's own DATASEC named `name`, or -1. */
export function findDatasec(btf: Btf, name: string): number {
  for (let i = 0; i < btf.nrTypes; i++) {
    const o = btf.offs[i]!;
    if (infoKind(btf.words[o + 1]!) === BTF_KIND_DATASEC && btf.str(btf.words[o]!) === name) return btf.startId + i;
  }
  return -1;
}

/**
 * Inserts entry `index` (0 = first) into the var_secinfos of DATASEC
 * `datasecId`, which may be any of this BTF's own types: when it is not the
 * last, the following records move up by three words.
 */
function insertSecInfo(btf: Btf, datasecId: number, index: number, typeId: number, offset: number, size: number): void {
  const t = datasecId - btf.startId;
  if (t < 0 || t >= btf.nrTypes) invalid(`type [${datasecId}] is not a type of this BTF`);
  const info = btf.infoOf(datasecId);
  if (infoKind(info) !== BTF_KIND_DATASEC) invalid(`type [${datasecId}] is not a DATASEC`);
  if (index < 0 || index > infoVlen(info)) invalid(`DATASEC [${datasecId}]: no entry slot ${index}`);
  btf.insertItem(datasecId, index, [typeId, offset, size]);
}

/**
 * Adds `e` to the DATASEC of `section` (created when missing) and returns
 * where it went; see the module comment for the layout rules. Throws EINVAL
 * when a fixed-layout entry would overlap another.
 */
export function placeInSection(btf: Btf, section: string, e: SectionEntry, opts: EmitOptions = {}): Placement {
  if (!section) invalid('a section name is required');
  if (opts.pending) return { datasecId: -1, offset: opts.pending.add(section, e) };
  let sec = findDatasec(btf, section);
  if (sec < 0) sec = btf.addDatasec(section, 0);
  return placeIn(btf, sec, e, opts.layout ?? 'fixed');
}

/** Adds `e` to DATASEC `sec` with the given layout. */
function placeIn(btf: Btf, sec: number, e: SectionEntry, layout: SectionLayout): Placement {
  const v = btf.type(sec);
  const section = v.name;
  const entries = v.secinfos();
  const clang = layout === 'clang' || (v.size === 0 && entries.length > 0);
  if (e.extern || clang) {
    const offset = e.offset ?? 0;
    insertSecInfo(btf, sec, entries.length, e.typeId, offset, e.size);
    return { datasecId: sec, offset };
  }
  const offset = e.offset ?? alignUp(v.size, e.align);
  const end = offset + e.size;
  if (!Number.isInteger(offset) || offset < 0 || end > 0xffffffff)
    invalid(`section ${section}: invalid offset ${offset}`);
  let at = entries.length;
  for (let i = 0; i < entries.length; i++) {
    const x = entries[i]!;
    if (e.size && x.size && offset < x.offset + x.size && x.offset < end) {
      invalid(
        `section ${section}: ${btf.nameOf(e.typeId) || `[${e.typeId}]`} at ${offset}..${end} overlaps ${btf.nameOf(x.typeId) || `[${x.typeId}]`} at ${x.offset}..${x.offset + x.size}`,
      );
    }
    if (at === entries.length && x.offset > offset) at = i;
  }
  insertSecInfo(btf, sec, at, e.typeId, offset, e.size);
  if (end > v.size) btf.setWord(sec, 2, end);
  return { datasecId: sec, offset };
}

/**
 * DATASEC entries held back until every other type is written, as clang
 * writes its DATASECs: {@link emit} adds one DATASEC per section, sorted by
 * name, with the entries in the order they were recorded.
 */
export class PendingSections {
  private readonly sections = new Map<string, SectionEntry[]>();

  /** Records `e` for `section`; returns its offset as far as known now (the explicit one, else 0). */
  add(section: string, e: SectionEntry): number {
    let list = this.sections.get(section);
    if (!list) {
      list = [];
      this.sections.set(section, list);
    }
    list.push(e);
    return e.offset ?? 0;
  }

  /** Returns the section names recorded so far, sorted as clang sorts them. */
  names(): string[] {
    return [...this.sections.keys()].sort(compareUtf8);
  }

  /**
   * Adds the DATASECs, sorted by section name (byte order, as clang's
   * `std::map`), and forgets them. Returns their ids by section name.
   * Defaults to clang's layout (size 0, offset 0 unless explicit).
   */
  emit(btf: Btf, opts: { layout?: SectionLayout } = {}): Map<string, number> {
    const out = new Map<string, number>();
    for (const name of this.names()) {
      const sec = btf.addDatasec(name, 0);
      out.set(name, sec);
      for (const e of this.sections.get(name)!) placeIn(btf, sec, e, opts.layout ?? 'clang');
    }
    this.sections.clear();
    return out;
  }
}

/** A global variable for {@link addGlobalVar}. */
export interface GlobalVarSpec {
  /** The variable's name (a function-local static is `func.name`). */
  name: string;
  /** Its type. */
  type: TypeArg;
  /** The ELF section: `.data`, `.bss`, `.rodata`, `.data.NAME`, `.percpu`, `.kconfig`, `.ksyms`, `license` ... */
  section: string;
  /** `'global'` (the default), `'static'` or `'extern'` (`.kconfig` and `.ksyms` externs). */
  linkage?: VarLinkage;
  /** Offset in the section; defaults to the end of the section aligned for the type (see the module comment). */
  offset?: number;
  /** Bytes in the section; defaults to the type's size. */
  size?: number;
  /** Alignment for the default offset; defaults to the type's alignment. */
  align?: number;
  /** `btf_decl_tag` values on the variable. */
  declTags?: readonly string[];
}

/** What {@link addGlobalVar} created. */
export interface GlobalVarResult {
  varId: number;
  /** The DATASEC (-1 when recorded in a PendingSections). */
  datasecId: number;
  offset: number;
  size: number;
  declTagIds: number[];
}

/**
 * Adds a global variable: its VAR (after its type, when the type is given
 * as a function), its DECL_TAGs, and its entry in the section's DATASEC
 * (created on demand, size kept right). Returns the ids it created. Throws
 * EINVAL for a bad name, linkage, type or an overlapping offset.
 */
export function addGlobalVar(btf: Btf, spec: GlobalVarSpec, opts: EmitOptions = {}): GlobalVarResult {
  if (!spec || typeof spec.name !== 'string' || !spec.name) invalid('addGlobalVar: a name is required');
  const what = `variable '${spec.name}'`;
  const linkage = varLinkage(spec.linkage, what);
  checkU32(`${what}: offset`, spec.offset);
  checkU32(`${what}: size`, spec.size);
  checkU32(`${what}: align`, spec.align);
  if (spec.align === 0) invalid(`${what}: align 0`);
  if (typeof spec.section !== 'string') invalid(`${what}: a section name is required`);
  const declTags = listArg(spec.declTags, `${what}: declTags`);
  const typeId = resolveTypeArg(btf, spec.type, what);
  const size = spec.size ?? btf.resolveSize(typeId);
  const align = spec.align ?? safeAlign(btf, typeId);
  const varId = btf.addVar(spec.name, linkage, typeId);
  const declTagIds = declTags.map((t) => btf.addDeclTag(t, varId, -1));
  const p = placeInSection(
    btf,
    spec.section,
    {
      typeId: varId,
      size,
      align,
      offset: spec.offset,
      extern: linkage === BTF_VAR_GLOBAL_EXTERN,
    },
    opts,
  );
  return { varId, datasecId: p.datasecId, offset: p.offset, size, declTagIds };
}

/** The type's alignment, or 1 where libbpf has none (a packed struct says 1 too). */
export function safeAlign(btf: Btf, typeId: number): number {
  try {
    return btf.alignOf(typeId);
  } catch {
    return 1;
  }
}
