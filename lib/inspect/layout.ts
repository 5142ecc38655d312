/**
 * The DATASEC sizes and offsets libbpf 1.1.2 works with after opening an
 * object, computed without changing the BTF: a read-only version of
 * `bpf_object__collect_externs` (the `.kconfig` and `.ksyms` layout) and
 * `btf_fixup_datasec`. (A minimal stand-in until the ELF layer's DATASEC
 * fixup, lib/elf/fixup.ts, can serve the inspectors.)
 *
 * clang leaves every DATASEC at size 0 and its non-static variables at
 * offset 0. libbpf takes the size of the ELF section of the same name and
 * each variable's offset from its ELF symbol (the first OBJECT symbol, global
 * or weak, of that name); a global with hidden or internal visibility counts
 * as static from then on. `.kconfig` externs are laid out by libbpf itself:
 * by descending alignment, then ascending size, then name, each at its
 * aligned offset, and the DATASEC's size is where the last one ends. `.ksyms`
 * entries get offsets 0, 4, 8 ... and size 4. Every DATASEC's entries are
 * then sorted by offset (glibc's qsort is a stable merge sort here).
 *
 * Where libbpf would fail the whole open (a missing section or symbol), the
 * DATASEC keeps clang's numbers and gets a `problem`; callers report it and
 * go on with the rest of the object.
 * @module
 */
import type { Btf } from '../btf.js';
import type { ElfFile, ElfSection } from '../elf/read.js';
import { STB, STT, STV } from '../elf/read.js';
import {
  BTF_KIND_DATASEC, BTF_KIND_FUNC, BTF_KIND_VAR, BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_GLOBAL_EXTERN, BTF_VAR_STATIC,
  infoKind, kindName,
} from '../kinds.js';

/** One entry of a DATASEC as libbpf sees it after open. */
export interface LayoutEntry {
  /** The VAR or FUNC id. */
  typeId: number;
  /** The VAR's or FUNC's name. */
  name: string;
  kind: 'VAR' | 'FUNC' | 'OTHER';
  offset: number;
  size: number;
  /** VAR linkage after the fixup (BTF_VAR_*): hidden globals are static, `.kconfig`/`.ksyms` externs global. */
  linkage: number;
}

/** A DATASEC after libbpf's open-time fixups. */
export interface DatasecLayout {
  typeId: number;
  name: string;
  size: number;
  /** Sorted by offset. */
  entries: LayoutEntry[];
  /** The ELF section of the same name, if any. */
  section: ElfSection | undefined;
  /** Why libbpf would fail to open the object here, if it would. */
  problem?: string;
}

/** Compares C strings (`strcmp`). */
function strcmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Returns the layout of every DATASEC of `btf` as libbpf 1.1.2 has it after
 * `bpf_object__open`, by DATASEC id.
 */
export function datasecLayouts(btf: Btf, elf: ElfFile): Map<number, DatasecLayout> {
  const out = new Map<number, DatasecLayout>();
  const syms = new Map<string, { value: number; visibility: number }>();
  for (const s of elf.symbols) {
    if (s.type !== STT.OBJECT || (s.bind !== STB.GLOBAL && s.bind !== STB.WEAK)) continue;
    if (!syms.has(s.name)) syms.set(s.name, { value: Number(s.value), visibility: s.visibility });
  }
  for (let id = btf.startId; id < btf.typeCount; id++) {
    if (btf.kindOf(id) !== BTF_KIND_DATASEC) continue;
    const v = btf.type(id);
    const name = v.name;
    const entries: LayoutEntry[] = v.secinfos().map((e) => {
      const k = e.typeId > 0 && e.typeId < btf.typeCount ? btf.kindOf(e.typeId) : -1;
      return {
        typeId: e.typeId,
        name: k >= 0 ? btf.nameOf(e.typeId) : '',
        kind: k === BTF_KIND_VAR ? 'VAR' : k === BTF_KIND_FUNC ? 'FUNC' : 'OTHER',
        offset: e.offset,
        size: e.size,
        linkage: k === BTF_KIND_VAR ? btf.wordOf(e.typeId, 3) : -1,
      };
    });
    const lay: DatasecLayout = { typeId: id, name, size: v.size, entries, section: elf.section(name) };
    if (name === '.kconfig') layoutKconfig(btf, lay);
    else if (name === '.ksyms') layoutKsyms(lay);
    else fixup(lay, syms);
    lay.entries.sort((a, b) => a.offset - b.offset);
    out.set(id, lay);
  }
  return out;
}

/** `.kconfig`: libbpf's own layout of the externs (collect_externs). */
function layoutKconfig(btf: Btf, lay: DatasecLayout): void {
  const ext: Array<{ e: LayoutEntry; size: number; align: number }> = [];
  for (const e of lay.entries) {
    if (e.kind !== 'VAR') {
      lay.problem ??= `extern function ${e.name || `[${e.typeId}]`} is unsupported under the .kconfig section`;
      continue;
    }
    let size = 0;
    let align = 0;
    try {
      const t = btf.wordOf(e.typeId, 2);
      size = btf.resolveSize(t);
      align = btf.alignOf(t);
    } catch {
      // reported below
    }
    if (size <= 0 || align <= 0) {
      lay.problem ??= `cannot determine the size or alignment of extern (kcfg) '${e.name}'`;
      continue;
    }
    ext.push({ e, size, align });
  }
  ext.sort((a, b) => (a.align !== b.align ? b.align - a.align : a.size !== b.size ? a.size - b.size : strcmpBytes(a.e.name, b.e.name)));
  let off = 0;
  for (const x of ext) {
    x.e.offset = Math.ceil(off / x.align) * x.align;
    off = x.e.offset + x.size;
    x.e.linkage = BTF_VAR_GLOBAL_ALLOCATED;
  }
  lay.size = off;
}

/** `.ksyms`: each extern becomes a 4-byte slot. */
function layoutKsyms(lay: DatasecLayout): void {
  let off = 0;
  for (const e of lay.entries) {
    e.offset = off;
    e.size = 4;
    if (e.kind === 'VAR') e.linkage = BTF_VAR_GLOBAL_ALLOCATED;
    off += 4;
  }
  lay.size = off;
}

/** `btf_fixup_datasec` for every other DATASEC. */
function fixup(lay: DatasecLayout, syms: Map<string, { value: number; visibility: number }>): void {
  let fixOffsets = false;
  if (lay.size === 0) {
    const size = lay.section?.size ?? 0;
    if (!lay.section || !size) {
      lay.problem = lay.section
        ? `section ${lay.name} is empty, so DATASEC ${lay.name} gets no size`
        : `DATASEC ${lay.name} has no ELF section of that name`;
      return;
    }
    lay.size = size;
    fixOffsets = true;
  }
  for (const e of lay.entries) {
    if (e.kind !== 'VAR') {
      lay.problem ??= `DATASEC ${lay.name}: entry [${e.typeId}] is ${e.kind === 'FUNC' ? 'FUNC' : 'not a VAR'}`;
      return;
    }
    if (e.linkage === BTF_VAR_STATIC || e.linkage === BTF_VAR_GLOBAL_EXTERN) continue;
    const sym = syms.get(e.name);
    if (!sym) {
      lay.problem ??= `DATASEC ${lay.name}: no ELF symbol for variable '${e.name}'`;
      continue;
    }
    if (fixOffsets) e.offset = sym.value;
    if (sym.visibility === STV.HIDDEN || sym.visibility === STV.INTERNAL) e.linkage = BTF_VAR_STATIC;
  }
}

/** Returns a kind's name for messages (`INT`, `STRUCT` ...; `VOID` for 0). */
export function kindLabel(btf: Btf, typeId: number): string {
  if (typeId === 0) return 'VOID';
  if (typeId < 0 || typeId >= btf.typeCount) return `invalid type [${typeId}]`;
  return kindName(infoKind(btf.infoOf(typeId)));
}
