/**
 * bpftool's C skeleton (`bpftool gen skeleton` and `gen subskeleton`, v7.1.0),
 * byte for byte, written from the object's ELF and BTF without libbpf.
 *
 * The problem. User space wants typed handles on what an object holds: its
 * maps, its programs, and its global variables, which libbpf keeps in one
 * internal ARRAY map per data section. bpftool writes a header that embeds
 * the object file and declares all three:
 *
 * ```c
 * int hits = 1;                    struct obj {
 * const volatile __u32 cpus = 8;     struct bpf_object_skeleton *skeleton;
 * SEC("xdp") int count(...)          struct bpf_object *obj;
 *                                    struct { struct bpf_map *data; ... } maps;
 *                                    struct { struct bpf_program *count; } progs;
 *                                    struct { struct bpf_link *count; } links;
 *                                    struct obj__data { int hits; } *data;
 *                                    struct obj__rodata { __u32 cpus; } *rodata;
 *                                  };  + obj__open/load/attach/destroy, obj__elf_bytes,
 *                                      _Static_assert(sizeof(s->data->hits) == 4, ...)
 * ```
 *
 * The passes:
 * 1. Open the object as libbpf would (`bpf_object__open_mem` with the object
 *    name): the ELF, `.BTF` after the DATASEC fixup of the 6.1 kernel's
 *    libbpf that bpftool 7.1 is built with (`__hidden` globals stay global),
 *    the maps (lib/inspect/maps.ts) and programs (lib/inspect/programs.ts) in
 *    libbpf's order, less the `.bss.NAME` sections, which that libbpf skips
 *    (1.1 made them maps). What libbpf refuses (another byte order, legacy
 *    `maps`, a bad map definition, a relocation against a section that has no
 *    map) is a one-line error, as bpftool's "failed to open BPF object file".
 * 2. Name everything: the object name (the file's base name without `.o`,
 *    non-identifier bytes as `_`, or `name NAME`), each map's field
 *    (`get_map_ident`: a user map by its name, an internal map by the part of
 *    its name from `.data`/`.rodata`/`.bss`/`.kconfig` on, dot dropped and
 *    sanitized), each section struct's DATASEC (`find_type_for_map`: the
 *    first DATASEC whose name, so sanitized, is the map's field).
 * 3. Print bpftool's template around them. A section struct lists the
 *    section's non-static VARs in offset order, each declared by the one C
 *    declaration renderer (lib/dump/c-decl.ts `declText`, libbpf's
 *    `btf_dump__emit_type_decl` at indent 2, modifiers stripped except in
 *    `.kconfig`), with `char __padN[n]` where the previous variable's end,
 *    aligned to min(alignment, 4), is not the next offset (bpftool assumes a
 *    32-bit host). Internal maps without a DATASEC (`.rodata.str1.1`) get an
 *    empty struct. The object's bytes follow as a C string, `\xNN` or `\0`
 *    per byte, lines cut before 78 columns.
 *
 * The subskeleton (for a library object linked into another) opens the
 * object with an empty name, so internal maps are `.data`, `.rodata`; it
 * holds pointers to each variable instead of a struct per section, and
 * finds them at run time by name (`bpf_object__open_subskeleton`).
 *
 * Where bpftool writes C that does not compile (duplicate fields, names that
 * are not identifiers, data sections without BTF), or writes nothing and
 * succeeds (a subskeleton over an internal map without DATASEC), we refuse
 * with a one-line error instead; a DATASEC whose variables overlap is
 * bpftool's own error, and one whose variables run past the section's end
 * is refused too.
 *
 * `.percpu` (opt-in, {@link SkeletonOptions.percpu}): btfkit's map inspector
 * follows the proposed libbpf extension for per-CPU global data, one
 * PERCPU_ARRAY map per `.percpu`/`.percpu.*` section whose value is the whole
 * section, not mmapable. With the option, those maps get a field and a
 * section struct like `.rodata`'s: libbpf with the extension points it at
 * the initial value image while the object is open and clears it at load
 * (a map that is not mmapable). bpftool 7.1 and released libbpf have no
 * equivalent: libbpf 1.1 skips the section, and refuses objects whose code
 * uses it.
 * @module
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { ByteOut, collectBytes } from '../dump/bytes.js';
import { CDeclWriter } from '../dump/c-decl.js';
import { SHF, SHN } from '../elf/read.js';
import { BTF_KIND_ARRAY, BTF_KIND_DATASEC, BTF_KIND_FUNC_PROTO, BTF_KIND_PTR, BTF_VAR_STATIC } from '../kinds.js';
import { checkBpfElf, listMaps, type MapInfo } from '../inspect/maps.js';
import { listPrograms } from '../inspect/programs.js';
import { fixupDatasecs } from '../object/fixup.js';
import { openObject, type BpfObject } from '../object/open.js';
import { typeQuery } from '../query.js';

/** Options for {@link genSkeleton} and {@link genSubskeleton}. */
export interface SkeletonOptions {
  /** The object's file name: its base name, without `.o`, names the skeleton unless `name` is given. */
  file?: string;
  /** bpftool's `name NAME`: the skeleton's name (a C identifier of at most 63 bytes). */
  name?: string;
  /**
   * Expose `.percpu` sections (the proposed libbpf per-CPU global data; see
   * the module comment). Defaults to false: bpftool 7.1's output.
   */
  percpu?: boolean;
}

/** bpftool's MAX_OBJ_NAME_LEN, less the NUL. */
const MAX_OBJ_NAME = 63;
/** libbpf's internal section prefixes bpftool knows (`get_map_ident`, `get_datasec_ident`). */
const INTERNAL_SECS = ['.data', '.rodata', '.bss', '.kconfig'] as const;
const PERCPU_SEC = '.percpu';
const C_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const utf8 = new TextEncoder();

/** One map as the skeleton sees it. */
interface SkelMap {
  info: MapInfo;
  /** bpftool's `get_map_ident`. */
  ident: string;
  /** `is_internal_mmapable_map` (or, with `percpu`, a `.percpu` map): it has a section struct. */
  exposed: boolean;
  /** The DATASEC `find_type_for_map` finds (0: none). */
  datasecId: number;
}

/** Everything the templates print. */
interface SkelModel {
  objName: string;
  obj: BpfObject;
  btf: Btf | null;
  maps: SkelMap[];
  progs: string[];
  percpu: boolean;
}

/** Returns a BtfError `EINVAL` for `file`. */
function fail(message: string, file: string | undefined, code: BtfErrorCode = BtfErrorCode.InvalidArgument): BtfError {
  return new BtfError(code, message, file !== undefined ? { file } : {});
}

/** bpftool's `sanitize_identifier`, on the UTF-8 bytes: anything but `[A-Za-z0-9_]` becomes `_`. */
function sanitize(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
    out += ok ? String.fromCharCode(b) : '_';
  }
  return out;
}

/** The first `n` bytes of `s` (bpftool's `strncpy` into a fixed buffer). */
function cutBytes(s: string, n: number): string {
  const b = utf8.encode(s);
  return b.length <= n ? s : new TextDecoder().decode(b.subarray(0, n));
}

/** bpftool's `get_obj_name`: the base name, cut to 63 bytes, without `.o`, sanitized. */
function objNameOf(file: string): string {
  const slash = file.lastIndexOf('/');
  const bytes = utf8.encode(slash >= 0 ? file.slice(slash + 1) : file).subarray(0, MAX_OBJ_NAME);
  let n = bytes.length;
  if (n >= 2 && bytes[n - 2] === 0x2e && bytes[n - 1] === 0x6f) n -= 2;
  let out = '';
  for (const b of bytes.subarray(0, n)) {
    const ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
    out += ok ? String.fromCharCode(b) : '_';
  }
  return out;
}

/** The skeleton's name: `opts.name`, or the file's (bpftool's rules), checked to be a C identifier. */
function skeletonName(opts: SkeletonOptions): string {
  let name: string;
  if (opts.name !== undefined) {
    name = cutBytes(opts.name, MAX_OBJ_NAME);
    if (!C_IDENT.test(name))
      throw fail(
        `name '${opts.name}' is not a C identifier (bpftool would write a header that does not compile)`,
        opts.file,
      );
  } else {
    if (opts.file === undefined) throw fail('a skeleton needs a name: give the file name or a name', undefined);
    name = objNameOf(opts.file);
    if (!C_IDENT.test(name))
      throw fail(
        `the object name '${name}' taken from the file name is not a C identifier; give one with 'name NAME'`,
        opts.file,
      );
  }
  return name;
}

/** bpftool's `get_header_guard`. */
function headerGuard(objName: string, suffix: string): string {
  return `__${objName}_${suffix}__`.toUpperCase();
}

/** bpftool's `get_map_ident` (null: an internal map it does not recognise). */
function mapIdent(m: MapInfo, percpu: boolean): string | null {
  if (!m.internal) return m.name;
  const sfxs: readonly string[] = percpu ? [...INTERNAL_SECS, PERCPU_SEC] : INTERNAL_SECS;
  for (const sfx of sfxs) {
    const p = m.name.indexOf(sfx);
    if (p >= 0) return sanitize(m.name.slice(p + 1));
  }
  return null;
}

/** bpftool's `get_datasec_ident` (null: not a section the skeleton knows). */
function datasecIdent(secName: string, percpu: boolean): string | null {
  const pfxs: readonly string[] = percpu ? [...INTERNAL_SECS, PERCPU_SEC] : INTERNAL_SECS;
  for (const pfx of pfxs) if (secName.startsWith(pfx)) return sanitize(secName.slice(1));
  return null;
}

/** bpftool's `find_type_for_map`: the first DATASEC whose ident is `ident`, or 0. */
function findTypeForMap(btf: Btf, ident: string, percpu: boolean): number {
  const q = typeQuery(btf);
  for (let id = 1; id < btf.typeCount; id++) {
    if (q.kind(id) !== BTF_KIND_DATASEC) continue;
    if (datasecIdent(q.str(q.nameOff(id)), percpu) === ident) return id;
  }
  return 0;
}

/**
 * libbpf's relocation pass as far as it refuses an object
 * (`bpf_program__record_reloc`): every relocation in a program section must
 * point at an extern, code, `.maps`, or a section that has an internal map.
 */
function checkRelocations(obj: BpfObject, maps: SkelMap[]): void {
  const { elf } = obj;
  const withMap = new Set<string>(maps.filter((m) => m.info.internal).map((m) => m.info.section));
  const progs = listPrograms(obj).programs;
  for (const rs of elf.relocations) {
    const target = rs.target;
    if (!target || !(target.flags & SHF.EXECINSTR)) continue;
    for (const r of rs.relocations) {
      const sym = elf.symbols[r.symbol];
      if (!sym || sym.shndx === SHN.UNDEF) continue;
      const off = Number(r.offset);
      const prog =
        progs.find((p) => p.sectionIndex === target.index && off >= p.offset && off < p.offset + p.size)?.name ??
        target.name;
      if (sym.shndx >= SHN.LORESERVE)
        throw fail(
          `failed to open BPF object file: prog '${prog}': invalid relo against '${sym.name}' in special section 0x${sym.shndx.toString(16)}`,
          obj.file,
        );
      const sec = elf.sections[sym.shndx];
      if (!sec || sec.flags & SHF.EXECINSTR || sec.name === '.maps' || withMap.has(sec.name)) continue;
      const percpu = sec.name === PERCPU_SEC || sec.name.startsWith(`${PERCPU_SEC}.`);
      throw fail(
        `failed to open BPF object file: prog '${prog}': bad map relo against '${sym.name}' in section '${sec.name}'${percpu ? ' (per-CPU global data, a proposed libbpf extension: see --percpu)' : ''}`,
        obj.file,
      );
    }
  }
}

/** Opens `bytes` as bpftool's `bpf_object__open_mem` does and names everything (passes 1 and 2). */
function model(bytes: Uint8Array, opts: SkeletonOptions, objName: string, libbpfName: string): SkelModel {
  const file = opts.file;
  const percpu = opts.percpu === true;
  const obj = openObject(bytes, { ...(file !== undefined ? { file } : {}), name: libbpfName, ext: false });
  checkBpfElf(obj);
  if (!obj.elf.littleEndian)
    throw fail(
      "failed to open BPF object file: endianness mismatch (a big-endian object; libbpf opens objects of the host's byte order only)",
      file,
    );
  const btf = obj.btf;
  if (btf) {
    try {
      fixupDatasecs(btf, obj.elf, { hiddenStatic: false });
    } catch (e) {
      if (e instanceof BtfError) throw fail(`failed to open BPF object file: ${e.detail}`, file, e.code);
      throw e;
    }
  }
  const list = listMaps(obj);
  const problem = list.problems[0];
  if (problem) throw fail(`failed to open BPF object file: ${problem.message}`, file);
  if (list.maps.some((m) => m.legacy))
    throw fail(
      "failed to open BPF object file: legacy map definitions in 'maps' section are not supported by libbpf v1.0+",
      file,
    );
  const maps: SkelMap[] = [];
  for (const info of list.maps) {
    if (info.origin === 'percpu' && !percpu) continue;
    // The 6.1 kernel's libbpf knows `.bss` alone ("elf: skipping section .bss.NAME";
    // `.bss.*` came with 1.1): no map, and a relocation against one fails below.
    if (info.internal && info.section.startsWith('.bss.')) continue;
    const ident = mapIdent(info, percpu);
    if (ident === null) continue;
    // The 6.1 kernel's libbpf makes every internal map mmapable (libbpf 1.1
    // only those with a global variable); `.percpu` ones never are.
    const exposed = info.internal;
    const datasecId = exposed && btf ? findTypeForMap(btf, ident, percpu) : 0;
    maps.push({ info, ident, exposed, datasecId });
  }
  const progList = listPrograms(obj);
  if (progList.problems[0]) throw fail(`failed to open BPF object file: ${progList.problems[0]}`, file);
  checkRelocations(obj, maps);
  const progs = progList.programs.filter((p) => !p.subprog).map((p) => p.name);
  return { objName, obj, btf, maps, progs, percpu };
}

/** The non-static VARs of DATASEC `secId` in entry order: [var id, offset, size]. */
function secVars(btf: Btf, secId: number): Array<[number, number, number]> {
  const q = typeQuery(btf);
  const out: Array<[number, number, number]> = [];
  const vlen = q.vlen(secId);
  for (let i = 0; i < vlen; i++) {
    const v = q.word(secId, 3 + 3 * i);
    if (q.word(v, 3) === BTF_VAR_STATIC) continue;
    out.push([v, q.word(secId, 4 + 3 * i), q.word(secId, 5 + 3 * i)]);
  }
  return out;
}

/** Refuses what would make invalid C: fields that are not identifiers, or two of a name in one struct. */
function checkNames(m: SkelModel, sub: boolean): void {
  const file = m.obj.file;
  const seen = new Set<string>();
  for (const map of m.maps) {
    if (!C_IDENT.test(map.ident))
      throw fail(`map '${map.info.name}': field '${map.ident}' is not a C identifier`, file);
    if (seen.has(map.ident))
      throw fail(
        `two maps take the field '${map.ident}' (the last one is '${map.info.name}'): bpftool would write a header that does not compile`,
        file,
      );
    seen.add(map.ident);
  }
  const progs = new Set<string>();
  for (const p of m.progs) {
    if (!C_IDENT.test(p)) throw fail(`program '${p}': its name is not a C identifier`, file);
    if (progs.has(p)) throw fail(`two programs are named '${p}'`, file);
    progs.add(p);
  }
  if (!m.btf) return;
  const q = typeQuery(m.btf);
  const structs = new Set<string>();
  for (const map of m.maps) {
    if (!map.exposed || !map.datasecId) continue;
    const secName = q.str(q.nameOff(map.datasecId));
    if (structs.has(map.ident)) throw fail(`two sections take the field '${map.ident}'`, file);
    structs.add(map.ident);
    const vars = new Set<string>();
    let end = 0;
    const size = q.word(map.datasecId, 2);
    for (const [v, off, sz] of secVars(m.btf, map.datasecId)) {
      const raw = q.str(q.nameOff(v));
      const name = sub ? raw : sanitize(raw);
      if (!C_IDENT.test(name))
        throw fail(`section ${secName}: variable '${raw}' does not make a C identifier ('${name}')`, file);
      if (vars.has(name)) throw fail(`section ${secName}: two variables take the field '${name}'`, file);
      vars.add(name);
      if (off < end && !sub)
        throw fail(
          `Something is wrong for ${secName}'s variable '${raw}': need offset ${off}, already at ${end}`,
          file,
        );
      if (off + sz > size)
        throw fail(
          `section ${secName}: variable '${raw}' (offset ${off}, size ${sz}) lies outside the section (${size} bytes)`,
          file,
        );
      end = off + sz;
    }
  }
}

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');

/**
 * bpftool's `print_hex`: `\xNN` per byte, `\0` for zero, a `\` newline
 * before a line would pass 78 columns. Written into one buffer (a byte at a
 * time through ByteOut costs ten times more on a 600 KB object).
 */
function printHex(o: ByteOut, data: Uint8Array): void {
  // At most 4 bytes per input byte, plus a line break per 19 of them.
  const out = new Uint8Array(data.length * 5 + 2);
  let p = 0;
  let len = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    const w = b ? 4 : 2;
    len += w;
    if (len > 78) {
      out[p++] = 0x5c;
      out[p++] = 0x0a;
      len = w;
    }
    out[p++] = 0x5c;
    if (b) {
      out[p++] = 0x78;
      out[p++] = HEX_DIGITS[b >> 4]!;
      out[p++] = HEX_DIGITS[b & 15]!;
    } else out[p++] = 0x30;
  }
  o.bytes(out.subarray(0, p));
}

/** `btf__align_of` through the query layer (bpftool fails on <= 0). */
function alignOf(btf: Btf, typeId: number): number {
  return typeQuery(btf).alignOf(typeId);
}

/** bpftool's `codegen_datasecs`: one struct per exposed map. */
function writeDatasecs(o: ByteOut, m: SkelModel, d: CDeclWriter): void {
  const btf = m.btf!;
  const q = typeQuery(btf);
  for (const map of m.maps) {
    if (!map.exposed) continue;
    if (map.info.origin === 'percpu')
      o.ascii(
        `\t/* ${map.info.section}: per-CPU global data (proposed libbpf extension, not in bpftool 7.1): the initial value until load, NULL after */\n`,
      );
    if (!map.datasecId) {
      o.text(`\tstruct ${m.objName}__${map.ident} {\n\t} *${map.ident};\n`);
      continue;
    }
    const secName = q.str(q.nameOff(map.datasecId));
    const strip = secName !== '.kconfig';
    o.text(`\tstruct ${m.objName}__${map.ident} {\n`);
    let off = 0;
    let pad = 0;
    for (const [v, need, size] of secVars(btf, map.datasecId)) {
      const type = q.word(v, 2);
      let align = alignOf(btf, type);
      if (align <= 0) throw fail(`Failed to determine alignment of variable '${q.str(q.nameOff(v))}'`, m.obj.file);
      // bpftool assumes a 32-bit host: padding for 8-byte types is explicit.
      if (align > 4) align = 4;
      const aligned = Math.ceil(off / align) * align;
      if (aligned !== need) {
        o.ascii(`\t\tchar __pad${pad}[${need - off}];\n`);
        pad++;
      }
      o.ascii('\t\t');
      o.text(d.declText(type, sanitize(q.str(q.nameOff(v))), 2, strip));
      o.ascii(';\n');
      off = need + size;
    }
    o.text(`\t} *${map.ident};\n`);
  }
}

/** bpftool's `codegen_asserts`. */
function writeAsserts(o: ByteOut, m: SkelModel): void {
  const btf = m.btf;
  if (!btf) return;
  const q = typeQuery(btf);
  const n = m.objName;
  o.text(
    `__attribute__((unused)) static void\n${n}__assert(struct ${n} *s __attribute__((unused)))\n{\n#ifdef __cplusplus\n#define _Static_assert static_assert\n#endif\n`,
  );
  for (const map of m.maps) {
    if (!map.exposed || !map.datasecId) continue;
    for (const [v] of secVars(btf, map.datasecId)) {
      const size = q.resolveSize(q.word(v, 2));
      if (size < 0) continue;
      const ident = sanitize(q.str(q.nameOff(v)));
      o.text(`\t_Static_assert(sizeof(s->${map.ident}->${ident}) == ${size}, "unexpected size of '${ident}'");\n`);
    }
  }
  o.ascii('#ifdef __cplusplus\n#undef _Static_assert\n#endif\n}\n');
}

/** bpftool's `codegen_maps_skeleton`. */
function writeMapsSkeleton(o: ByteOut, m: SkelModel, mmaped: boolean): void {
  if (!m.maps.length) return;
  o.ascii(
    `\n\t/* maps */\n\ts->map_cnt = ${m.maps.length};\n\ts->map_skel_sz = sizeof(*s->maps);\n\ts->maps = (struct bpf_map_skeleton *)calloc(s->map_cnt, s->map_skel_sz);\n\tif (!s->maps) {\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}\n`,
  );
  m.maps.forEach((map, i) => {
    o.text(`\n\ts->maps[${i}].name = "${map.info.name}";\n\ts->maps[${i}].map = &obj->maps.${map.ident};\n`);
    if (mmaped && map.exposed) o.text(`\ts->maps[${i}].mmaped = (void **)&obj->${map.ident};\n`);
  });
}

/** bpftool's `codegen_progs_skeleton`. */
function writeProgsSkeleton(o: ByteOut, m: SkelModel, links: boolean): void {
  if (!m.progs.length) return;
  o.ascii(
    `\n\t/* programs */\n\ts->prog_cnt = ${m.progs.length};\n\ts->prog_skel_sz = sizeof(*s->progs);\n\ts->progs = (struct bpf_prog_skeleton *)calloc(s->prog_cnt, s->prog_skel_sz);\n\tif (!s->progs) {\n\t\terr = -ENOMEM;\n\t\tgoto err;\n\t}\n`,
  );
  m.progs.forEach((p, i) => {
    o.text(`\n\ts->progs[${i}].name = "${p}";\n\ts->progs[${i}].prog = &obj->progs.${p};\n`);
    if (links) o.text(`\ts->progs[${i}].link = &obj->links.${p};\n`);
  });
}

/**
 * Returns the C skeleton header of the BPF object in `bytes`, as
 * `bpftool gen skeleton FILE [name NAME]` (v7.1.0) prints it (see the module
 * comment).
 *
 * @throws BtfError `EINVAL` where bpftool fails to open the object (the
 *   reason libbpf gives), and where its output would not compile (names that
 *   are not C identifiers, duplicate fields, data sections without BTF);
 *   ElfError for a malformed ELF file.
 */
export function genSkeleton(bytes: Uint8Array, opts: SkeletonOptions = {}): Uint8Array {
  const objName = skeletonName(opts);
  const m = model(bytes, opts, objName, objName);
  checkNames(m, false);
  if (!m.btf && m.maps.some((x) => x.exposed))
    throw fail(
      'the object has data sections but no .BTF: bpftool 7.1 writes a skeleton that names section structs it never declares (build the object with -g)',
      opts.file,
    );
  const n = objName;
  const guard = headerGuard(n, 'SKEL_H');
  return collectBytes((sink) => {
    const o = new ByteOut(sink);
    o.text(
      `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n\n/* THIS FILE IS AUTOGENERATED BY BPFTOOL! */\n#ifndef ${guard}\n#define ${guard}\n\n#include <errno.h>\n#include <stdlib.h>\n#include <bpf/libbpf.h>\n\nstruct ${n} {\n\tstruct bpf_object_skeleton *skeleton;\n\tstruct bpf_object *obj;\n`,
    );
    if (m.maps.length) {
      o.ascii('\tstruct {\n');
      for (const map of m.maps) o.text(`\t\tstruct bpf_map *${map.ident};\n`);
      o.ascii('\t} maps;\n');
    }
    if (m.progs.length) {
      o.ascii('\tstruct {\n');
      for (const p of m.progs) o.text(`\t\tstruct bpf_program *${p};\n`);
      o.ascii('\t} progs;\n\tstruct {\n');
      for (const p of m.progs) o.text(`\t\tstruct bpf_link *${p};\n`);
      o.ascii('\t} links;\n');
    }
    if (m.btf) writeDatasecs(o, m, new CDeclWriter(m.btf, null));
    o.text(
      `
#ifdef __cplusplus
	static inline struct ${n} *open(const struct bpf_object_open_opts *opts = nullptr);
	static inline struct ${n} *open_and_load();
	static inline int load(struct ${n} *skel);
	static inline int attach(struct ${n} *skel);
	static inline void detach(struct ${n} *skel);
	static inline void destroy(struct ${n} *skel);
	static inline const void *elf_bytes(size_t *sz);
#endif /* __cplusplus */
};

static void
${n}__destroy(struct ${n} *obj)
{
	if (!obj)
		return;
	if (obj->skeleton)
		bpf_object__destroy_skeleton(obj->skeleton);
	free(obj);
}

static inline int
${n}__create_skeleton(struct ${n} *obj);

static inline struct ${n} *
${n}__open_opts(const struct bpf_object_open_opts *opts)
{
	struct ${n} *obj;
	int err;

	obj = (struct ${n} *)calloc(1, sizeof(*obj));
	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}

	err = ${n}__create_skeleton(obj);
	if (err)
		goto err_out;

	err = bpf_object__open_skeleton(obj->skeleton, opts);
	if (err)
		goto err_out;

	return obj;
err_out:
	${n}__destroy(obj);
	errno = -err;
	return NULL;
}

static inline struct ${n} *
${n}__open(void)
{
	return ${n}__open_opts(NULL);
}

static inline int
${n}__load(struct ${n} *obj)
{
	return bpf_object__load_skeleton(obj->skeleton);
}

static inline struct ${n} *
${n}__open_and_load(void)
{
	struct ${n} *obj;
	int err;

	obj = ${n}__open();
	if (!obj)
		return NULL;
	err = ${n}__load(obj);
	if (err) {
		${n}__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

static inline int
${n}__attach(struct ${n} *obj)
{
	return bpf_object__attach_skeleton(obj->skeleton);
}

static inline void
${n}__detach(struct ${n} *obj)
{
	bpf_object__detach_skeleton(obj->skeleton);
}

static inline const void *${n}__elf_bytes(size_t *sz);

static inline int
${n}__create_skeleton(struct ${n} *obj)
{
	struct bpf_object_skeleton *s;
	int err;

	s = (struct bpf_object_skeleton *)calloc(1, sizeof(*s));
	if (!s)\t{
		err = -ENOMEM;
		goto err;
	}

	s->sz = sizeof(*s);
	s->name = "${n}";
	s->obj = &obj->obj;
`,
    );
    writeMapsSkeleton(o, m, true);
    writeProgsSkeleton(o, m, true);
    o.text(
      `
	s->data = (void *)${n}__elf_bytes(&s->data_sz);

	obj->skeleton = s;
	return 0;
err:
	bpf_object__destroy_skeleton(s);
	return err;
}

static inline const void *${n}__elf_bytes(size_t *sz)
{
	*sz = ${bytes.length};
	return (const void *)"\\
`,
    );
    printHex(o, bytes);
    o.text(
      `";
}

#ifdef __cplusplus
struct ${n} *${n}::open(const struct bpf_object_open_opts *opts) { return ${n}__open_opts(opts); }
struct ${n} *${n}::open_and_load() { return ${n}__open_and_load(); }
int ${n}::load(struct ${n} *skel) { return ${n}__load(skel); }
int ${n}::attach(struct ${n} *skel) { return ${n}__attach(skel); }
void ${n}::detach(struct ${n} *skel) { ${n}__detach(skel); }
void ${n}::destroy(struct ${n} *skel) { ${n}__destroy(skel); }
const void *${n}::elf_bytes(size_t *sz) { return ${n}__elf_bytes(sz); }
#endif /* __cplusplus */

`,
    );
    writeAsserts(o, m);
    o.text(`\n#endif /* ${guard} */\n`);
    o.flush();
  });
}

/**
 * Returns the C subskeleton header of the BPF object in `bytes`, as
 * `bpftool gen subskeleton FILE [name NAME]` (v7.1.0) prints it (see the
 * module comment).
 *
 * @throws BtfError as {@link genSkeleton}; `EINVAL` also when the object has
 *   no `.BTF` (bpftool: "need btf type information") or an internal map
 *   without a DATASEC (bpftool then prints nothing and succeeds).
 */
export function genSubskeleton(bytes: Uint8Array, opts: SkeletonOptions = {}): Uint8Array {
  const objName = skeletonName(opts);
  const m = model(bytes, opts, objName, '');
  const btf = m.btf;
  if (!btf) throw fail(`need btf type information for ${objName}`, opts.file);
  checkNames(m, true);
  const q = typeQuery(btf);
  // bpftool counts the variables through each map's BTF value type first,
  // and stops, printing nothing, at an internal map without one.
  const vars: Array<{ name: string; ident: string }> = [];
  for (const map of m.maps) {
    if (!map.exposed) continue;
    const vt = map.info.btfValueTypeId;
    if (vt <= 0 || q.kind(vt) !== BTF_KIND_DATASEC)
      throw fail(
        `internal map '${map.info.name}' has no DATASEC in the BTF, so a subskeleton cannot find its variables (bpftool 7.1 prints nothing and succeeds)`,
        opts.file,
      );
    for (const [v] of secVars(btf, vt)) vars.push({ name: q.str(q.nameOff(v)), ident: map.ident });
  }
  const n = objName;
  const guard = headerGuard(n, 'SUBSKEL_H');
  return collectBytes((sink) => {
    const o = new ByteOut(sink);
    o.text(
      `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */\n\n/* THIS FILE IS AUTOGENERATED! */\n#ifndef ${guard}\n#define ${guard}\n\n#include <errno.h>\n#include <stdlib.h>\n#include <bpf/libbpf.h>\n\nstruct ${n} {\n\tstruct bpf_object *obj;\n\tstruct bpf_object_subskeleton *subskel;\n`,
    );
    if (m.maps.length) {
      o.ascii('\tstruct {\n');
      for (const map of m.maps) o.text(`\t\tstruct bpf_map *${map.ident};\n`);
      o.ascii('\t} maps;\n');
    }
    if (m.progs.length) {
      o.ascii('\tstruct {\n');
      for (const p of m.progs) o.text(`\t\tstruct bpf_program *${p};\n`);
      o.ascii('\t} progs;\n');
    }
    // codegen_subskel_datasecs
    const d = new CDeclWriter(btf, null);
    for (const map of m.maps) {
      if (!map.exposed || !map.datasecId) continue;
      const secName = q.str(q.nameOff(map.datasecId));
      if (map.info.origin === 'percpu')
        o.ascii(
          `\t/* ${map.info.section}: per-CPU global data (proposed libbpf extension, not in bpftool 7.1): the initial value until load, NULL after */\n`,
        );
      o.text(`\tstruct ${n}__${map.ident} {\n`);
      for (const [v] of secVars(btf, map.datasecId)) {
        const type = q.word(v, 2);
        const t = q.skipModsAndTypedefs(type);
        const k = t > 0 ? q.kind(t) : 0;
        const typeOf = k === BTF_KIND_ARRAY || (k === BTF_KIND_PTR && q.kind(q.word(t, 2)) === BTF_KIND_FUNC_PROTO);
        o.ascii('\t\t');
        if (typeOf) o.ascii('typeof(');
        o.text(d.declText(type, '', 2, secName !== '.kconfig'));
        if (typeOf) o.ascii(')');
        o.text(` *${q.str(q.nameOff(v))};\n`);
      }
      o.text(`\t} ${map.ident};\n`);
    }
    o.text(
      `
#ifdef __cplusplus
	static inline struct ${n} *open(const struct bpf_object *src);
	static inline void destroy(struct ${n} *skel);
#endif /* __cplusplus */
};

static inline void
${n}__destroy(struct ${n} *skel)
{
	if (!skel)
		return;
	if (skel->subskel)
		bpf_object__destroy_subskeleton(skel->subskel);
	free(skel);
}

static inline struct ${n} *
${n}__open(const struct bpf_object *src)
{
	struct ${n} *obj;
	struct bpf_object_subskeleton *s;
	int err;

	obj = (struct ${n} *)calloc(1, sizeof(*obj));
	if (!obj) {
		err = -ENOMEM;
		goto err;
	}
	s = (struct bpf_object_subskeleton *)calloc(1, sizeof(*s));
	if (!s) {
		err = -ENOMEM;
		goto err;
	}
	s->sz = sizeof(*s);
	s->obj = src;
	s->var_skel_sz = sizeof(*s->vars);
	obj->subskel = s;

	/* vars */
	s->var_cnt = ${vars.length};
	s->vars = (struct bpf_var_skeleton *)calloc(${vars.length}, sizeof(*s->vars));
	if (!s->vars) {
		err = -ENOMEM;
		goto err;
	}
`,
    );
    vars.forEach((v, i) => {
      o.text(
        `\n\ts->vars[${i}].name = "${v.name}";\n\ts->vars[${i}].map = &obj->maps.${v.ident};\n\ts->vars[${i}].addr = (void **) &obj->${v.ident}.${v.name};\n`,
      );
    });
    writeMapsSkeleton(o, m, false);
    writeProgsSkeleton(o, m, false);
    o.text(
      `
	err = bpf_object__open_subskeleton(s);
	if (err)
		goto err;

	return obj;
err:
	${n}__destroy(obj);
	errno = -err;
	return NULL;
}

#ifdef __cplusplus
struct ${n} *${n}::open(const struct bpf_object *src) { return ${n}__open(src); }
void ${n}::destroy(struct ${n} *skel) { ${n}__destroy(skel); }
#endif /* __cplusplus */

#endif /* ${guard} */
`,
    );
    o.flush();
  });
}
