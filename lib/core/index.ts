/**
 * CO-RE: relocating a BPF object's field, type and enumerator references
 * against a kernel's BTF, offline, exactly as libbpf 1.1.2 does at load time.
 *
 * A CO-RE object carries, in `.BTF.ext`, one record per instruction that
 * depends on the kernel's type layout: the instruction's byte offset in its
 * program section, a local type id (in the object's own `.BTF`), an access
 * string ("0:1:2": the root index, then member and array indices) and a
 * kind (13 of them in libbpf 1.1: field byte offset, byte size, existence,
 * signedness and the two shifts that extract a bitfield; local and target
 * type id, type existence, size and "matches"; enumerator existence and
 * value). Relocating one record takes four steps, one module each:
 *
 * 1. **Candidates** (cands.ts). The local type's *essential name* is its
 *    name without a `___flavor` suffix (`task_struct___old` is a flavor of
 *    `task_struct`). Every target type of a CO-RE compatible kind with the
 *    same essential name is a candidate, in id order, searched in vmlinux
 *    first and in the modules' split BTF only when vmlinux has none.
 *    libbpf caches the list per local type id for the whole object, and
 *    step 3 prunes it, so the order of relocations matters: after a
 *    relocation that some candidates match, later ones of the same local
 *    type see only those. This module keeps the same cache with the same
 *    pruning; `CoreTarget` compares names on the string bytes, without
 *    decoding a string per type.
 * 2. **The local spec** (lib/core-spec.ts, libbpf's `bpf_core_parse_spec`):
 *    the access string resolved against the object's BTF into accessors
 *    (named members; anonymous members are stepped through but not
 *    recorded) and a bit offset.
 * 3. **Matching** (match.ts): each candidate is matched accessor by
 *    accessor, members by name (descending through anonymous members of the
 *    target), arrays by bounds (flexible arrays excepted), leaf types by
 *    `bpf_core_fields_are_compat`; type kinds by
 *    `bpf_core_types_are_compat` or, for `type_matches`, the stricter
 *    `bpf_core_types_match`; enumerators by essential name.
 * 4. **The decision** (calc.ts): each matching candidate gives a value
 *    (`bpf_core_calc_relo`); all must agree on the bit offset and on the
 *    value, or the relocation fails (`field offset ambiguity`, `relocation
 *    decision ambiguity`). No match at all is not an error: existence
 *    checks give 0, sizes and ids 0, and field and enumerator values ask
 *    for the instruction to be *poisoned*, replaced by a call to the
 *    invalid helper 0xbad2310 that the verifier rejects only if reached.
 *    Load widths are adjusted when a field's size differs and both are
 *    pointers or unsigned integers; otherwise `fail_memsz_adjust` poisons a
 *    direct load. Then patch.ts rewrites the instruction
 *    (`bpf_core_patch_insn`) in a copy of the section, validating that
 *    the compiled-in value is the local one.
 *
 * Every step writes the lines libbpf's debug log prints for it, in
 * libbpf's words, so that `btfkit core --log` shows what a load would show.
 * Errors keep libbpf's negative errno values (`-22` EINVAL, `-95`
 * EOPNOTSUPP, `-7` E2BIG, `-34` ERANGE); malformed records (an instruction
 * offset outside its section, an unknown type id) are reported per
 * relocation as a BtfError, and the others are still relocated.
 * @module
 */
import { formatCoreSpec, KIND_STR } from '../core-spec.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { STT } from '../elf/read.js';
import { BTF_EXT_ELF_SEC } from '../kinds.js';
import type { BpfObject } from '../object/open.js';
import { type TypeQuery, typeQuery } from '../query.js';
import type { Btf } from '../btf.js';
import {
  type CoreCalc,
  type CoreReloRecord,
  type CoreReloRes,
  calcReloInsn,
  type LocalRelo,
  parseLocalRelo,
} from './calc.js';
import { type CoreCand, CoreTarget, type CoreTargetPart, essentialNameLen } from './cands.js';
import { patchInsn } from './patch.js';

export { CoreTarget, essentialNameLen, type CoreCand, type CoreReloRecord, type CoreReloRes, type CoreTargetPart };

/** One relocation of an object, resolved. */
export interface CoreRelocation {
  /** The program section (`kprobe/do_sys_open`). */
  section: string;
  /**
   * The program the instruction belongs to, as libbpf names it in its log:
   * the function symbol covering the instruction (the section's name when
   * none does).
   */
  program: string;
  /** The record's index within its section (libbpf's `relo #N`). */
  index: number;
  insnOff: number;
  /** `enum bpf_core_relo_kind`. */
  kind: number;
  localTypeId: number;
  access: string;
  /** 0, or libbpf's negative errno when it would fail the load. */
  err: number;
  /** The result (null when `err` is set by the calculation). */
  res: CoreReloRes | null;
  localSpec: string | null;
  targetSpec: string | null;
  /** Where the matched candidate is (`vmlinux` or a module's name). */
  target: string | null;
  /** The matched target spec's root type id and raw access indices (bpftool's btfgen marks types by them). */
  targetTypeId: number;
  targetRaw: number[];
  /**
   * The instruction(s) before and after patching (8 or 16 bytes), when the
   * record points into its section: before is a view of the section's bytes,
   * after a copy.
   */
  insnBefore: Uint8Array | null;
  insnAfter: Uint8Array | null;
  /** The patch's errno (0 when patched or not attempted). */
  patchErr: number;
  /** libbpf's debug-log lines for this relocation (with the `libbpf: ` prefix). */
  log: string[];
  /** What is wrong with a malformed record. */
  problem: BtfError | null;
}

/** Options for {@link relocateObject}. */
export interface RelocateOptions {
  /** Patch copies of the instructions (default true). */
  patch?: boolean;
  /**
   * Write libbpf's debug-log lines into each relocation's `log` (default
   * true). Without them (`false`: `log` stays empty) no candidate spec is
   * formatted for the log, which is most of the text a relocation makes.
   */
  log?: boolean;
}

/** A program of a section (libbpf's `bpf_program`): its function name and instruction range in the section. */
interface Program {
  name: string;
  start: number;
  end: number;
}

/** libbpf's `bpf_object__add_programs`: every STT_FUNC symbol of the section is a program (or subprogram). */
function programsOf(obj: BpfObject, shndx: number): Program[] {
  const out: Program[] = [];
  for (const s of obj.elf.symbols)
    if (s.shndx === shndx && s.type === STT.FUNC) {
      const start = Number(s.value / 8n);
      out.push({ name: s.name, start, end: start + Number(s.size / 8n) });
    }
  return out;
}

/** The CO-RE records of an object's `.BTF.ext`, in file order. */
function records(
  obj: BpfObject,
): Array<{ section: string; index: number; insnOff: number; typeId: number; access: string; kind: number }> {
  const ext = obj.ext;
  const btf = obj.btf;
  const cr = ext?.coreRelo;
  if (!ext || !btf || !cr) return [];
  const data = ext.rawData();
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = !ext.bigEndian;
  const out = [];
  for (const s of cr.secs) {
    const section = btf.str(dv.getUint32(s.at, le));
    for (let r = 0, p = s.recs; r < s.numInfo; r++, p += cr.recSize) {
      const accessOff = dv.getUint32(p + 8, le);
      let access: string;
      try {
        access = btf.str(accessOff);
      } catch {
        access = `<invalid string ${accessOff}>`;
      }
      out.push({
        section,
        index: r,
        insnOff: dv.getUint32(p, le),
        typeId: dv.getUint32(p + 4, le),
        access,
        kind: dv.getUint32(p + 12, le),
      });
    }
  }
  return out;
}

/**
 * The BtfError for a CO-RE sub-section cut short (an object opened with
 * `partialCoreRelo`): names `.BTF.ext`, the program section and the first
 * missing relocation; null when nothing was cut. The complete records
 * before the cut are relocated as usual.
 */
export function coreReloCutProblem(obj: BpfObject): BtfError | null {
  const cut = obj.ext?.coreReloCut;
  if (!cut) return null;
  const e = cut.error;
  let where = '';
  if (cut.secNameOff >= 0 && obj.btf) {
    let sec: string;
    try {
      sec = obj.btf.str(cut.secNameOff);
    } catch {
      sec = `<invalid string ${cut.secNameOff}>`;
    }
    where = `'${sec}' relo #${cut.index}: `;
  }
  const p = new BtfError(e.code, `${BTF_EXT_ELF_SEC}: ${where}cut short: ${e.detail.replace(/^\.BTF\.ext: /, '')}`, {
    section: BTF_EXT_ELF_SEC,
    ...(e.offset !== undefined ? { offset: e.sectionOffset ?? e.offset } : {}),
    ...(obj.file !== undefined ? { file: obj.file } : {}),
  });
  // the offset as the section's and the file's, as every .BTF.ext error of an object gives it
  if (e.sectionOffset !== undefined && e.offset !== undefined) p.inSection(BTF_EXT_ELF_SEC, e.offset - e.sectionOffset);
  return p;
}

/**
 * One CO-RE record with everything about it that does not depend on the
 * target: where it is, what is wrong with it (a malformed record), its
 * program and instruction, and its local half (name and spec). Made once
 * per object and kept for every target it is relocated against.
 */
interface LocalRecord {
  readonly section: string;
  readonly index: number;
  readonly insnOff: number;
  readonly typeId: number;
  readonly access: string;
  readonly kind: number;
  /** Why the record is malformed (reported as its problem), or null. */
  readonly bad: string | null;
  /** The program section's bytes (null when it does not exist). */
  readonly code: Uint8Array | null;
  /** The program's name in libbpf's log, and its first instruction in the section. */
  readonly prog: string;
  readonly progStart: number;
  /** The parsed local half (undefined for a malformed record). */
  readonly local: LocalRelo | undefined;
}

/** Each object's local records, for the query layer of its BTF they were made with (a changed BTF makes them anew). */
const localRecords = new WeakMap<BpfObject, { q: TypeQuery; recs: LocalRecord[] }>();

function localRecordsOf(obj: BpfObject, btf: Btf): LocalRecord[] {
  const q = typeQuery(btf);
  const have = localRecords.get(obj);
  if (have && have.q === q) return have.recs;
  const recs: LocalRecord[] = [];
  const sections = new Map<string, Uint8Array | null>();
  const programs = new Map<string, Program[]>();
  for (const r of records(obj)) {
    if (!sections.has(r.section)) {
      const sec = obj.elf.section(r.section);
      sections.set(r.section, sec ? obj.elf.sectionData(sec) : null);
      programs.set(r.section, sec ? programsOf(obj, sec.index) : []);
    }
    const code = sections.get(r.section) ?? null;
    let bad: string | null = null;
    if (code === null) bad = `program section '${r.section}' does not exist`;
    else if (r.insnOff % 8 !== 0 || r.insnOff + 8 > code.length)
      bad = `instruction offset ${r.insnOff} is outside the section (${code.length} bytes) or not a multiple of 8`;
    else if (r.typeId === 0 || r.typeId >= btf.typeCount)
      bad = `type id ${r.typeId} is not in the object's BTF (${btf.typeCount - 1} types)`;
    else if (r.kind > 12) bad = `unknown relocation kind ${r.kind}`;
    // libbpf's log names the program (the function) and counts its instructions from the program's start
    const insnIdx = r.insnOff / 8;
    const p = bad === null ? programs.get(r.section)!.find((x) => insnIdx >= x.start && insnIdx < x.end) : undefined;
    const relo = { insnOff: r.insnOff, typeId: r.typeId, access: r.access, kind: r.kind };
    recs.push({
      ...r,
      bad,
      code,
      prog: p?.name ?? r.section,
      progStart: p?.start ?? 0,
      local: bad === null ? parseLocalRelo(btf, relo) : undefined,
    });
  }
  localRecords.set(obj, { q, recs });
  return recs;
}

/** Marks `rel` malformed: libbpf's EINVAL, and a BtfError naming `.BTF.ext`, the section and the record. */
function badRecord(obj: BpfObject, rel: CoreRelocation, why: string): void {
  rel.err = -22;
  rel.problem = new BtfError(
    BtfErrorCode.InvalidArgument,
    `${BTF_EXT_ELF_SEC}: '${rel.section}' relo #${rel.index}: ${why}`,
    {
      section: BTF_EXT_ELF_SEC,
      typeId: rel.localTypeId,
      ...(obj.file !== undefined ? { file: obj.file } : {}),
    },
  );
}

/**
 * Relocates every CO-RE record of `obj` against `target`, in file order,
 * with one candidate cache for the whole object (libbpf's
 * `bpf_object__relocate_core`, going on after a failed relocation). What
 * does not depend on the target (records, programs, local specs) is worked
 * out once per object and reused against the next target.
 *
 * @throws BtfError for a big-endian object, which libbpf 1.1 cannot read.
 */
export function relocateObject(obj: BpfObject, target: CoreTarget, opts: RelocateOptions = {}): CoreRelocation[] {
  const btf = obj.btf;
  if (!btf) return [];
  if (obj.ext?.bigEndian)
    // libbpf 1.1 reads only native-endian .BTF.ext ("BTF.ext header not found")
    throw new BtfError(
      BtfErrorCode.InvalidArgument,
      `${BTF_EXT_ELF_SEC}: big-endian objects cannot be relocated (libbpf 1.1 reads only native-endian .BTF.ext)`,
      {
        section: BTF_EXT_ELF_SEC,
        ...(obj.file !== undefined ? { file: obj.file } : {}),
      },
    );
  const cache = new Map<number, CoreCand[]>();
  const out: CoreRelocation[] = [];
  const q = typeQuery(btf);
  for (const r of localRecordsOf(obj, btf)) {
    const log: string[] | null = opts.log === false ? null : [];
    const rel: CoreRelocation = {
      section: r.section,
      program: r.section,
      index: r.index,
      insnOff: r.insnOff,
      kind: r.kind,
      localTypeId: r.typeId,
      access: r.access,
      err: 0,
      res: null,
      localSpec: null,
      targetSpec: null,
      target: null,
      targetTypeId: 0,
      targetRaw: [],
      insnBefore: null,
      insnAfter: null,
      patchErr: 0,
      log: log ?? [],
      problem: null,
    };
    out.push(rel);
    if (r.bad !== null) {
      badRecord(obj, rel, r.bad);
      continue;
    }
    const code = r.code!;
    const insnIdx = r.insnOff / 8;
    const prog = r.prog;
    rel.program = prog;
    const relo = { insnOff: r.insnOff, typeId: r.typeId, access: r.access, kind: r.kind };
    let cands: CoreCand[] = [];
    if (r.kind !== 6) {
      const cached = cache.get(r.typeId);
      if (cached) cands = cached;
      else {
        const name = r.local!.name;
        if (name === '') {
          log?.push(
            `libbpf: prog '${prog}': relo #${r.index}: target candidate search failed for [${r.typeId}] ${KIND_STR[btf.kindOf(r.typeId)]} ${name}: -22`,
          );
          rel.err = -22;
          continue;
        }
        cands = target.findCands({ q, id: r.typeId, name, kind: btf.kindOf(r.typeId) }, log);
        cache.set(r.typeId, cands);
      }
    }
    const c: CoreCalc = calcReloInsn(prog, relo, r.index, btf, cands, log, r.local);
    rel.err = c.err;
    rel.res = c.res;
    if (c.local) rel.localSpec = c.local.text;
    if (c.target) {
      // its text is made when read: a matrix prints none
      const spec = c.target;
      let text: string | null | undefined;
      Object.defineProperty(rel, 'targetSpec', {
        get: () => {
          if (text === undefined) text = formatCoreSpec(spec.btf, spec);
          return text;
        },
        set: (v: string | null) => {
          text = v;
        },
        enumerable: true,
        configurable: true,
      });
      rel.target = c.targetCand?.part.name ?? null;
      rel.targetTypeId = c.target.rootTypeId;
      rel.targetRaw = c.target.raw;
    }
    if (c.err !== 0 || c.res === null) {
      if (!rel.problem && c.local === null)
        badRecord(obj, rel, `cannot parse access string '${r.access}' against type [${r.typeId}]`);
      rel.err = c.err;
      continue;
    }
    const n = code[r.insnOff] === 0x18 && r.insnOff + 16 <= code.length ? 16 : 8;
    rel.insnBefore = code.subarray(r.insnOff, r.insnOff + n);
    if (opts.patch !== false) {
      const copy = code.slice(r.insnOff, r.insnOff + n);
      rel.patchErr = patchInsn(prog, copy, 0, insnIdx - r.progStart, r.index, c.res, log);
      rel.insnAfter = copy;
    }
  }
  return out;
}
