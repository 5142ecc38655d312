/**
 * DATASEC fixup (lib/object/fixup.ts) against libbpf 1.1.2 and bpftool.
 *
 * The judge is libbpf itself: the harness's `btfh fixup OBJ OUT` opens the
 * object with `bpf_object__open_file` and writes `btf__raw_data` of the BTF
 * it keeps, after its open-time fixups. Its output for every object it can
 * open is committed under test/fixtures/ext/fixup/ (NAME.btf), with
 * bpftool's dump of it (NAME.raw.txt), so the comparison runs without
 * libbpf; where the harness exists, it is run again and must agree.
 *
 * Objects libbpf 1.1.2 cannot open are brought within its reach without
 * touching the BTF:
 * - `.percpu` users (libbpf does not know the section and refuses the
 *   program's relocations against it): the program relocation sections are
 *   removed ('strip'); the BTF fixup runs before relocations anyway.
 * - big-endian objects (libbpf refuses a foreign ELF byte order): the ELF
 *   headers, symbols and relocations are byte-swapped to little-endian and
 *   `.BTF.ext` dropped, while `.BTF` stays big-endian, which libbpf reads
 *   and writes back in its own order ('flip').
 * Unlinked objects with unresolved externs fail in libbpf's extern pass, and
 * must fail the same way here.
 *
 * Regenerate the fixtures (needs the harness and bpftool):
 *   test/fixtures/ext/regen.sh
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Btf } from '../lib/btf.js';
import { BtfErrorCode, isBtfError, type BtfError } from '../lib/errors.js';
import { fixupDatasecs, findElfVarSym, KCONFIG_SEC, KSYMS_SEC, type FixupOptions } from '../lib/object/fixup.js';
import { parseElf, replaceSections, SHF, SHT, STT, STV, type ElfFile } from '../lib/elf/index.js';
import {
  BTF_FUNC_GLOBAL,
  BTF_KIND_DATASEC,
  BTF_KIND_FUNC,
  BTF_KIND_VAR,
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_GLOBAL_EXTERN,
  BTF_VAR_STATIC,
} from '../lib/kinds.js';
import { openObject, writeObject, parseBtf } from '../lib/object/open.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { ROOT, readBytes, readText, repoPath, runCli, sameBytes, text } from './helpers/golden.js';
import { hasTool, run } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

// ------------------------------------------------------------- fixtures

const FIX_DIR = repoPath('test', 'fixtures', 'ext');
const OUT_DIR = join(FIX_DIR, 'fixup');
const REGEN = process.env['BTFKIT_REGEN_FIXTURES'] === '1';
/** The random mutations' fixups, in all (about 0.3 s on a busy 2-core machine). */
const budget = new TimeBudget('fixup', 5_000);

type How = 'direct' | 'strip' | 'flip' | 'none';

interface Case {
  /** Repository-relative path of the object. */
  obj: string;
  /** Fixture file stem: the path with '/' as '__' and without '.o'. */
  stem: string;
  bytes: Uint8Array;
  bigEndian: boolean;
}

/** Every BPF object the project holds: golden/obj (recursively), the linked merge result, the C-dump objects. */
function allObjects(): Case[] {
  const out: Case[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.o')) add(p);
    }
  };
  const add = (p: string): void => {
    const obj = relative(ROOT, p);
    const bytes = readBytes(p);
    out.push({
      obj,
      stem: obj.replace(/\.o$/, '').replace(/\//g, '__'),
      bytes,
      bigEndian: parseElf(bytes).endianness === 'big',
    });
  };
  walk(repoPath('golden', 'obj'));
  add(repoPath('golden', 'expected', 'merge', 'linked.o'));
  for (const f of readdirSync(repoPath('golden', 'expected', 'c')).sort())
    if (f.endsWith('.o')) add(repoPath('golden', 'expected', 'c', f));
  return out;
}

const cases = allObjects();
const byObj = new Map(cases.map((c) => [c.obj, c]));
function caseOf(obj: string): Case {
  const c = byObj.get(obj);
  if (c === undefined) throw new Error(`no object ${obj}`);
  return c;
}

/** index.tsv: object, how libbpf was made to open it, and libbpf's error when it could not. */
interface IndexRow {
  obj: string;
  how: How;
  error: string;
}
function readIndex(): IndexRow[] {
  const p = join(OUT_DIR, 'index.tsv');
  if (!existsSync(p)) return [];
  return readText(p)
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => {
      const [obj = '', how = 'none', error = ''] = l.split('\t');
      return { obj, how: how as How, error };
    });
}
let index = readIndex();

const tmp = scratchDir('fixup');
let tmpN = 0;
function tmpFile(bytes: Uint8Array, hint: string): string {
  const p = join(tmp, `${tmpN++}-${hint.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  writeFileSync(p, bytes);
  return p;
}

// ------------------------------------------------- bringing objects to libbpf

/** Returns `elf` without the relocation sections of its code (libbpf then never looks at `.percpu` references). */
function stripProgramRelocations(bytes: Uint8Array, extra: readonly string[] = []): Uint8Array {
  const elf = parseElf(bytes);
  const m = new Map<string, Uint8Array | null>();
  for (const r of elf.relocations)
    if (r.target !== undefined && r.target.flags & SHF.EXECINSTR) m.set(r.section.name, null);
  for (const name of extra) if (elf.section(name)) m.set(name, null);
  return replaceSections(elf, m);
}

/**
 * Returns an ELF64 relocatable object with the byte order of its headers,
 * section header table, symbols and relocations swapped; section data
 * (code, `.BTF`, `.BTF.ext`) is left as it is.
 */
function flipElfByteOrder(bytes: Uint8Array): Uint8Array {
  const elf = parseElf(bytes);
  if (elf.elfClass !== 64) throw new Error('flipElfByteOrder: ELF64 only');
  const le = elf.littleEndian;
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = bytes.slice();
  const dst = new DataView(out.buffer);
  const sw = (off: number, size: 2 | 4 | 8): void => {
    if (size === 2) dst.setUint16(off, src.getUint16(off, le), !le);
    else if (size === 4) dst.setUint32(off, src.getUint32(off, le), !le);
    else dst.setBigUint64(off, src.getBigUint64(off, le), !le);
  };
  out[5] = le ? 2 : 1; // EI_DATA
  const ehdr: Array<[number, 2 | 4 | 8]> = [
    [16, 2],
    [18, 2],
    [20, 4],
    [24, 8],
    [32, 8],
    [40, 8],
    [48, 4],
    [52, 2],
    [54, 2],
    [56, 2],
    [58, 2],
    [60, 2],
    [62, 2],
  ];
  for (const [o, n] of ehdr) sw(o, n);
  const shdr: Array<[number, 2 | 4 | 8]> = [
    [0, 4],
    [4, 4],
    [8, 8],
    [16, 8],
    [24, 8],
    [32, 8],
    [40, 4],
    [44, 4],
    [48, 8],
    [56, 8],
  ];
  for (const s of elf.sections) for (const [o, n] of shdr) sw(s.headerOffset + o, n);
  for (const s of elf.sections) {
    if (s.type === SHT.SYMTAB)
      for (let p = s.offset; p < s.offset + s.size; p += 24)
        for (const [o, n] of [
          [0, 4],
          [6, 2],
          [8, 8],
          [16, 8],
        ] as const)
          sw(p + o, n);
    if (s.type === SHT.REL)
      for (let p = s.offset; p < s.offset + s.size; p += 16) {
        sw(p, 8);
        sw(p + 8, 8);
      }
    if (s.type === SHT.RELA)
      for (let p = s.offset; p < s.offset + s.size; p += 24) {
        sw(p, 8);
        sw(p + 8, 8);
        sw(p + 16, 8);
      }
  }
  return out;
}

/** Returns the object libbpf is given for `how`. */
function derive(c: Case, how: How): Uint8Array {
  if (how === 'strip') return stripProgramRelocations(c.bytes);
  if (how === 'flip') return flipElfByteOrder(stripProgramRelocations(c.bytes, ['.BTF.ext']));
  return c.bytes;
}

/** Runs the harness's fixup on `bytes`: libbpf's BTF, or its last log line when it refuses. */
function libbpfFixup(bytes: Uint8Array, hint: string): { btf: Uint8Array } | { error: string } {
  const obj = tmpFile(bytes, `${hint}.o`);
  const out = `${obj}.btf`;
  const r = runHarness(['fixup', obj, out]);
  if (r.status === 0) return { btf: readBytes(out) };
  const log = spawnVerbose(obj, out);
  const lines = log.split('\n').filter((l) => l.startsWith('libbpf: '));
  return { error: (lines[lines.length - 1] ?? r.stderr.trim()).replace(/^libbpf: /, '') };
}

/** The harness with BTFH_VERBOSE=1 (libbpf's log on stderr). */
function spawnVerbose(obj: string, out: string): string {
  const h = harnessPath();
  if (h === null) return '';
  const r = run('env', ['BTFH_VERBOSE=1', h, 'fixup', obj, out]);
  return r.stderr;
}

/** Returns our fixed-up BTF of a case's object. */
function ours(c: Case, opts: FixupOptions = {}): { btf: Btf; elf: ElfFile } {
  const elf = parseElf(c.bytes, { file: c.obj });
  const btf = parseBtf(elf.sectionData(elf.section('.BTF')!).slice());
  fixupDatasecs(btf, elf, opts);
  return { btf, elf };
}

function bpftoolDump(btf: Uint8Array, hint: string): string | undefined {
  if (!hasTool('bpftool')) {
    skip('bpftool not found: fixed-up BTF not dumped by it');
    return undefined;
  }
  const f = tmpFile(btf, `${hint}.btf`);
  const r = run('bpftool', ['btf', 'dump', 'file', f]);
  assert.is(r.status, 0, r.stderr);
  return text(r.stdout);
}

const harness = harnessPath() !== null;

// ------------------------------------------------------------- regen

if (REGEN) {
  if (!harness) throw new Error(`BTFKIT_REGEN_FIXTURES: ${harnessSkipReason()}`);
  if (!hasTool('bpftool')) throw new Error('BTFKIT_REGEN_FIXTURES: bpftool not found');
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const rows: string[] = ['object\thow\tlibbpf_error'];
  for (const c of cases) {
    const tries: How[] = c.bigEndian ? ['flip'] : ['direct', 'strip'];
    let done = false;
    let firstError = '';
    for (const how of tries) {
      const r = libbpfFixup(derive(c, how), c.stem);
      if ('btf' in r) {
        writeFileSync(join(OUT_DIR, `${c.stem}.btf`), r.btf);
        writeFileSync(join(OUT_DIR, `${c.stem}.raw.txt`), bpftoolDump(r.btf, c.stem)!);
        rows.push(`${c.obj}\t${how}\t`);
        done = true;
        break;
      }
      firstError ||= r.error;
    }
    if (!done) rows.push(`${c.obj}\tnone\t${firstError}`);
  }
  writeFileSync(join(OUT_DIR, 'index.tsv'), `${rows.join('\n')}\n`);
  index = readIndex();
  console.log(`  regenerated ${rows.length - 1} entries in ${relative(ROOT, OUT_DIR)}`);
}

const opened = index.filter((r) => r.how !== 'none');

// ------------------------------------------------------------- libbpf agreement

test('fixtures cover every object, and libbpf opened most of them', () => {
  assert.equal(
    index.map((r) => r.obj).sort(),
    cases.map((c) => c.obj).sort(),
    'index.tsv lists every object (run test/fixtures/ext/regen.sh)',
  );
  const hows = (h: How): string[] => index.filter((r) => r.how === h).map((r) => r.obj);
  assert.ok(hows('direct').length >= 20, `direct: ${hows('direct').length}`);
  assert.equal(hows('strip').sort(), [
    'golden/obj/global_data_layout.o',
    'golden/obj/maps/percpu_ref.o',
    'golden/obj/maps/percpu_sections.o',
    'golden/obj/perf_bperf_counters.o',
  ]);
  assert.ok(hows('flip').length >= 4, 'every big-endian object, flipped');
  for (const c of cases) if (c.bigEndian) assert.is(index.find((r) => r.obj === c.obj)?.how, 'flip', c.obj);
});

test("after fixup, rawData() equals libbpf 1.1.2's fixed-up BTF byte for byte", () => {
  for (const row of opened) {
    const c = caseOf(row.obj);
    const want = readBytes(join(OUT_DIR, `${c.stem}.btf`));
    const { btf } = ours(c);
    const got = btf.rawData();
    assert.ok(sameBytes(got, want), `${c.obj} (${row.how}): ${got.length} bytes vs libbpf's ${want.length}`);
  }
  assert.ok(opened.length >= 30, `${opened.length} objects compared`);
});

test('live: the harness still gives the committed BTF for every object (same derivations)', () => {
  if (!harness) return skip(`${harnessSkipReason()}: fixups not compared with libbpf live`);
  for (const row of opened) {
    const c = caseOf(row.obj);
    const r = libbpfFixup(derive(c, row.how), c.stem);
    assert.ok('btf' in r, `${c.obj}: libbpf refused (${'error' in r ? r.error : ''})`);
    if ('btf' in r)
      assert.ok(sameBytes(r.btf, readBytes(join(OUT_DIR, `${c.stem}.btf`))), `${c.obj}: fixture is current`);
  }
});

test("btfkit dump --fixup equals bpftool's dump of libbpf's fixed BTF", async () => {
  for (const row of opened) {
    const c = caseOf(row.obj);
    const want = readText(join(OUT_DIR, `${c.stem}.raw.txt`));
    const r = await runCli(['dump', '--fixup', repoPath(c.obj)]);
    assert.is(r.error, undefined, `${c.obj}: ${String(r.error)}`);
    assert.fixture(text(r.stdout), want, c.obj);
  }
  if (!hasTool('bpftool')) return skip("bpftool not found: the fixtures' dumps not compared with it");
  for (const row of opened) {
    const c = caseOf(row.obj);
    assert.fixture(
      bpftoolDump(readBytes(join(OUT_DIR, `${c.stem}.btf`)), c.stem)!,
      readText(join(OUT_DIR, `${c.stem}.raw.txt`)),
      `${c.obj}: bpftool`,
    );
  }
});

test('--fixup-mode datasec and the library option agree; dump --fixup of raw BTF is an error', async () => {
  const c = caseOf('golden/obj/lsm_exec_guard.o');
  const { btf } = ours(c, { externs: false });
  const r = await runCli(['dump', '--fixup-mode', 'datasec', repoPath(c.obj)]);
  assert.is(r.error, undefined, String(r.error));
  const { rawDump } = await import('../lib/dump/raw.js');
  assert.fixture(text(r.stdout), rawDump(btf));
  // A .BTF.ext libbpf could not parse does not stand in the way (libbpf ignores it too).
  const badExt = tmpFile(replaceSections(parseElf(c.bytes), new Map([['.BTF.ext', new Uint8Array(16)]])), 'badext.o');
  const b = await runCli(['dump', '--fixup', badExt]);
  assert.is(b.error, undefined, String(b.error));
  assert.fixture(text(b.stdout), readText(join(OUT_DIR, `${c.stem}.raw.txt`)));
  const raw = tmpFile(btf.rawData(), 'raw.btf');
  const e = await runCli(['dump', '--fixup', raw]);
  assert.ok(isBtfError(e.error), String(e.error));
  assert.match((e.error as BtfError).message, /not an ELF object/);
});

// ------------------------------------------------------------- linked and unlinked objects

test("golden/expected/merge/linked.o: the DATASEC pass is a no-op; only libbpf's extern pass changes it", () => {
  const c = caseOf('golden/expected/merge/linked.o');
  const elf = parseElf(c.bytes);
  const input = elf.sectionData(elf.section('.BTF')!);
  const btf = parseBtf(input.slice());
  const r = fixupDatasecs(btf, elf, { externs: false });
  assert.is(r.changed, false);
  assert.ok(
    r.datasecs.length >= 5 &&
      r.datasecs.every((d) => (!d.changed && d.size === d.oldSize && d.size > 0) || d.name === KSYMS_SEC),
  );
  assert.ok(sameBytes(btf.rawData(), input), 'identical bytes');
  // libbpf's open (the fixture) also rewrites the two .ksyms kfuncs into dummy_ksym slots, as the kernel needs.
  const full = ours(c).btf;
  const before = parseBtf(input.slice());
  const changedIds: number[] = [];
  for (let id = 1; id < before.typeCount; id++) {
    const [a, ao] = before.recordOf(id);
    const [b, bo] = full.recordOf(id);
    const n = full.type(id).vlen * 3 + 4;
    for (let i = 0; i < n && ao + i < before.typeWords; i++)
      if (a[ao + i] !== b[bo + i]) {
        changedIds.push(id);
        break;
      }
  }
  const names = changedIds.map((id) => `${full.type(id).kindName} ${full.type(id).name}`);
  assert.equal(
    names.filter((n) => !n.startsWith('FUNC_PROTO')),
    ['FUNC bpf_task_acquire', 'FUNC bpf_task_release', 'DATASEC .ksyms'],
  );
  assert.is(full.typeCount, before.typeCount + 1, 'one VAR dummy_ksym added');
  assert.is(full.type(full.typeCount - 1).name, 'dummy_ksym');
});

test('unlinked objects with unresolved externs fail as libbpf fails; the DATASEC pass alone works', () => {
  const unlinked = index.filter((r) => r.error.startsWith('failed to find BTF for extern'));
  assert.ok(unlinked.length >= 6, `${unlinked.length} unlinked objects`);
  for (const row of unlinked) {
    const c = caseOf(row.obj);
    let err: unknown;
    try {
      ours(c);
    } catch (e) {
      err = e;
    }
    assert.ok(isBtfError(err), `${c.obj}: BtfError`);
    // libbpf: "failed to find BTF for extern 'submit_event' [149] section: -2"
    assert.is((err as BtfError).detail, row.error.replace(/: -\d+$/, ''), c.obj);
    assert.is((err as BtfError).code, BtfErrorCode.NotFound);
    const { btf, elf } = ours(c, { externs: false });
    checkStructure(c.obj, btf, elf, false);
  }
});

// ------------------------------------------------------------- structure

/**
 * The rules, checked directly on the result: sizes from sections, offsets
 * from symbols, hidden globals static, entries sorted and inside the
 * section; `.kconfig`/`.ksyms` laid out by the extern pass.
 */
function checkStructure(name: string, btf: Btf, elf: ElfFile, externs: boolean): void {
  for (let id = btf.startId; id < btf.typeCount; id++) {
    const t = btf.type(id);
    if (t.kind !== BTF_KIND_DATASEC) continue;
    const infos = t.secinfos();
    const where = `${name}: DATASEC '${t.name}'`;
    for (let i = 1; i < infos.length; i++) assert.ok(infos[i - 1]!.offset <= infos[i]!.offset, `${where}: sorted`);
    if (t.name === KCONFIG_SEC || t.name === KSYMS_SEC) {
      if (!externs) continue;
      for (const v of infos) {
        const vt = btf.type(v.typeId);
        if (vt.kind === BTF_KIND_VAR) assert.is(vt.linkage, BTF_VAR_GLOBAL_ALLOCATED, `${where}: ${vt.name} allocated`);
        assert.ok(v.offset + v.size <= t.size, `${where}: ${vt.name} inside`);
      }
      if (t.name === KSYMS_SEC) {
        assert.is(t.size, infos.length * 4, `${where}: 4 bytes per ksym`);
        infos.forEach((v, i) => assert.equal([v.offset, v.size], [4 * i, 4], `${where}: slot ${i}`));
      }
      continue;
    }
    const sec = elf.section(t.name);
    assert.ok(sec, `${where}: has an ELF section`);
    assert.is(t.size, sec!.size, `${where}: size from sh_size`);
    for (const v of infos) {
      const vt = btf.type(v.typeId);
      assert.is(vt.kind, BTF_KIND_VAR, `${where}: VARs only`);
      assert.ok(v.offset + v.size <= t.size, `${where}: ${vt.name} at ${v.offset}+${v.size} inside ${t.size}`);
      const sym = findElfVarSym(elf, vt.name);
      if (vt.linkage === BTF_VAR_GLOBAL_EXTERN) continue;
      if (sym !== undefined && sym.shndx === sec!.index) {
        assert.is(v.offset, Number(sym.value), `${where}: ${vt.name} offset from st_value`);
        const hidden = sym.visibility === STV.HIDDEN || sym.visibility === STV.INTERNAL;
        if (hidden) assert.is(vt.linkage, BTF_VAR_STATIC, `${where}: ${vt.name} hidden, so static`);
        else assert.is(vt.linkage, BTF_VAR_GLOBAL_ALLOCATED, `${where}: ${vt.name} global`);
      } else {
        assert.is(vt.linkage, BTF_VAR_STATIC, `${where}: ${vt.name} without a global symbol is static`);
      }
    }
  }
}

test('every object: the rules hold after fixup, and a second fixup changes nothing', () => {
  let n = 0;
  for (const c of cases) {
    const row = index.find((r) => r.obj === c.obj);
    const externs = !row?.error.startsWith('failed to find BTF for extern');
    const { btf, elf } = ours(c, { externs });
    checkStructure(c.obj, btf, elf, externs);
    const once = btf.rawData().slice();
    const again = fixupDatasecs(btf, elf, { externs: false });
    assert.is(again.changed, false, `${c.obj}: idempotent`);
    assert.ok(sameBytes(btf.rawData(), once), `${c.obj}: same bytes`);
    n++;
  }
  assert.ok(n >= 35, `${n} objects`);
});

test('big-endian objects: fixed up in their own byte order, like their little-endian twins', () => {
  let twins = 0;
  for (const c of cases.filter((x) => x.bigEndian)) {
    const { btf } = ours(c);
    assert.is(btf.endianness(), 'big');
    const raw = btf.rawData();
    assert.is(raw[0], 0xeb, `${c.obj}: written big-endian`);
    const le = byObj.get(c.obj.replace('.bpfeb.o', '.o'));
    if (le === undefined) continue;
    twins++;
    btf.setEndianness('little');
    assert.ok(sameBytes(btf.rawData(), ours(le).btf.rawData()), `${c.obj}: same as ${le.obj} once swapped`);
  }
  assert.ok(twins >= 3, `${twins} twins`);
});

test('.percpu and .percpu.*: sized and laid out like .data (seed patch)', () => {
  const { btf } = ours(caseOf('golden/obj/maps/percpu_sections.o'));
  const sec = (name: string) => btf.type(btf.findByName(name, BTF_KIND_DATASEC)!);
  const pc = sec('.percpu');
  assert.is(pc.size, 16);
  assert.equal(
    pc.secinfos().map((v) => [btf.type(v.typeId).name, v.offset, v.size]),
    [
      ['misses', 0, 4],
      ['hits', 8, 8],
    ],
  );
  assert.is(sec('.percpu.scratch').size, 12);
  const g = ours(caseOf('golden/obj/global_data_layout.o')).btf;
  assert.is(g.type(g.findByName('.percpu', BTF_KIND_DATASEC)!).size, 8);
});

test('edge cases (golden/obj/ext/fixup_edges.o): __hidden, internal, weak, static, .kconfig and .ksyms', () => {
  const c = caseOf('golden/obj/ext/fixup_edges.o');
  const elf = parseElf(c.bytes);
  const btf = parseBtf(elf.sectionData(elf.section('.BTF')!).slice());
  const r = fixupDatasecs(btf, elf);
  assert.ok(r.changed);
  assert.equal(r.hidden.sort(), ['h_bss', 'h_third', 'i_fourth']);
  const sec = (name: string) => btf.type(btf.findByName(name, BTF_KIND_DATASEC)!);
  const entries = (name: string) =>
    sec(name)
      .secinfos()
      .map((v) => {
        const t = btf.type(v.typeId);
        return [t.name, v.offset, v.size, t.kind === BTF_KIND_VAR ? t.linkage : -1];
      });
  assert.equal(entries('.data'), [
    ['g_first', 0, 4, BTF_VAR_GLOBAL_ALLOCATED],
    ['h_third', 4, 4, BTF_VAR_STATIC],
    ['i_fourth', 8, 8, BTF_VAR_STATIC],
    ['w_fifth', 16, 4, BTF_VAR_GLOBAL_ALLOCATED],
    ['g_last', 24, 8, BTF_VAR_GLOBAL_ALLOCATED],
    ['s_second', 32, 4, BTF_VAR_STATIC],
  ]);
  assert.is(sec('.data').size, 36);
  assert.is(sec('.bss').size, 32, '.bss is SHT_NOBITS: its size is sh_size');
  // .kconfig: alignment descending, then size ascending, then name.
  assert.equal(
    entries(KCONFIG_SEC).map((e) => [e[0], e[1]]),
    [
      ['CONFIG_BTFKIT_U64', 0],
      ['CONFIG_BTFKIT_TRI', 8],
      ['LINUX_KERNEL_VERSION', 12],
      ['CONFIG_BTFKIT_S16', 16],
      ['CONFIG_BPF_SYSCALL', 18],
      ['CONFIG_BTFKIT_CHAR', 19],
      ['CONFIG_DEFAULT_HOSTNAME', 20],
    ],
  );
  assert.is(sec(KCONFIG_SEC).size, 29);
  // .ksyms: kfuncs replaced by dummy_ksym, variables become allocated ints, 4 bytes each.
  assert.equal(
    entries(KSYMS_SEC).map((e) => [e[0], e[1], e[2]]),
    [
      ['dummy_ksym', 0, 4],
      ['dummy_ksym', 4, 4],
      ['bpf_prog_active', 8, 4],
      ['bpf_btfkit_weak', 12, 4],
    ],
  );
  assert.equal(r.addedTypeIds, [btf.typeCount - 1]);
  const acquire = btf.type(btf.findByName('bpf_task_acquire', BTF_KIND_FUNC)!);
  assert.is(acquire.linkage, BTF_FUNC_GLOBAL);
  const release = btf.type(btf.findByName('bpf_task_release', BTF_KIND_FUNC)!);
  assert.equal(
    btf
      .type(release.typeRef)
      .params()
      .map((p) => p.name),
    ['dummy_ksym'],
    'unnamed parameter takes the dummy name',
  );
  assert.equal(
    r.externs.map((e) => e.name),
    [
      'CONFIG_BTFKIT_U64',
      'CONFIG_BTFKIT_TRI',
      'LINUX_KERNEL_VERSION',
      'CONFIG_BTFKIT_S16',
      'CONFIG_BPF_SYSCALL',
      'CONFIG_BTFKIT_CHAR',
      'CONFIG_DEFAULT_HOSTNAME',
      'bpf_btfkit_weak',
      'bpf_prog_active',
      'bpf_task_acquire',
      'bpf_task_release',
    ],
  );
});

test('BTF without anything to fix stays byte-identical (pristine input kept)', () => {
  for (const obj of ['golden/expected/c/c_decls.o', 'golden/expected/c/c_layout.o']) {
    const c = caseOf(obj);
    const elf = parseElf(c.bytes);
    const input = elf.sectionData(elf.section('.BTF')!);
    const btf = parseBtf(input.slice());
    const r = fixupDatasecs(btf, elf);
    if (!r.changed) assert.ok(sameBytes(btf.rawData(), input), obj);
  }
});

// ------------------------------------------------------------- errors

/** Returns `c`'s object with its BTF edited by `edit` (on a parsed, modifiable copy). */
function withBtf(c: Case, edit: (btf: Btf) => void): Uint8Array {
  const o = openObject(c.bytes);
  const btf = o.btf!;
  btf.ensureModifiable();
  edit(btf);
  return writeObject(o, { btf });
}

/** Sets word `i` of type `typeId`'s record. */
function setWord(btf: Btf, typeId: number, i: number, v: number): void {
  btf.ensureModifiable();
  btf.words[btf.offs[typeId - btf.startId]! + i] = v;
}

/** Returns `c`'s object with the type (`st_info & 0xf`) of symbol `name` changed in place. */
function withSymbolType(c: Case, name: string, type: number): Uint8Array {
  const elf = parseElf(c.bytes);
  const sym = elf.symbols.find((x) => x.name === name);
  if (sym === undefined) throw new Error(`no symbol ${name}`);
  const bytes = c.bytes.slice();
  const at = elf.symtab!.offset + sym.index * 24 + 4;
  bytes[at] = (bytes[at]! & 0xf0) | type;
  return bytes;
}

interface ErrorCase {
  what: string;
  obj: string;
  make: (c: Case) => Uint8Array;
  code: string;
  /** Our message. */
  message: RegExp;
  /** libbpf's log line for the same object (BTFH_VERBOSE=1). */
  libbpf: RegExp;
  section?: string;
}

const edges = 'golden/obj/ext/fixup_edges.o';
const errorCases: ErrorCase[] = [
  {
    what: 'a DATASEC without an ELF section',
    obj: edges,
    make: (c) =>
      withBtf(c, (b) => setWord(b, b.findByName('.data.custom', BTF_KIND_DATASEC)!, 0, b.addStr('.data.nowhere'))),
    code: BtfErrorCode.NotFound,
    message: /^sec '\.data\.nowhere': failed to determine size from ELF: no such section/,
    libbpf: /sec '\.data\.nowhere': failed to determine size from ELF: size 0, err -2/,
    section: '.data.nowhere',
  },
  {
    what: 'a DATASEC whose ELF section is empty',
    obj: edges,
    make: (c) => replaceSections(parseElf(c.bytes), new Map([['.data.custom', new Uint8Array(0)]])),
    code: BtfErrorCode.NotFound,
    message: /^sec '\.data\.custom': failed to determine size from ELF: section is empty/,
    libbpf: /sec '\.data\.custom': failed to determine size from ELF: size 0, err 0/,
    section: '.data.custom',
  },
  {
    what: 'a global VAR without a symbol',
    obj: edges,
    make: (c) => withBtf(c, (b) => setWord(b, b.findByName('g_last', BTF_KIND_VAR)!, 0, b.addStr('g_nowhere'))),
    code: BtfErrorCode.NotFound,
    message: /^sec '\.data': failed to find ELF symbol for VAR 'g_nowhere'$/,
    libbpf: /sec '\.data': failed to find ELF symbol for VAR 'g_nowhere'/,
    section: '.data',
  },
  {
    what: 'a DATASEC entry that is not a VAR',
    obj: edges,
    make: (c) =>
      withBtf(c, (b) =>
        setWord(b, b.findByName('.rodata.extra', BTF_KIND_DATASEC)!, 3, b.findByName('edges', BTF_KIND_FUNC)!),
      ),
    code: BtfErrorCode.InvalidArgument,
    message: /^sec '\.rodata\.extra': unexpected non-VAR type found/,
    libbpf: /sec '\.rodata\.extra': unexpected non-VAR type found/,
    section: '.rodata.extra',
  },
  {
    what: 'an extern in neither .kconfig nor .ksyms',
    obj: edges,
    make: (c) => withBtf(c, (b) => setWord(b, b.findByName(KCONFIG_SEC, BTF_KIND_DATASEC)!, 0, b.addStr('.kconf'))),
    code: BtfErrorCode.InvalidArgument,
    message: /^unrecognized extern section '\.kconf' of extern '/,
    libbpf: /unrecognized extern section '\.kconf'/,
    section: '.kconf',
  },
  {
    what: 'an extern symbol without BTF',
    obj: edges,
    make: (c) =>
      withBtf(c, (b) => setWord(b, b.findByName('CONFIG_BTFKIT_S16', BTF_KIND_VAR)!, 0, b.addStr('CONFIG_BTFKIT_S17'))),
    code: BtfErrorCode.NotFound,
    message: /^failed to find BTF for extern 'CONFIG_BTFKIT_S16': no VAR or FUNC of that name$/,
    libbpf: /failed to find BTF for extern 'CONFIG_BTFKIT_S16': -2/,
  },
  {
    what: 'an extern whose VAR is not extern',
    obj: edges,
    make: (c) =>
      withBtf(c, (b) => setWord(b, b.findByName('LINUX_KERNEL_VERSION', BTF_KIND_VAR)!, 3, BTF_VAR_GLOBAL_ALLOCATED)),
    code: BtfErrorCode.InvalidArgument,
    message: /^failed to find BTF for extern 'LINUX_KERNEL_VERSION': VAR \[\d+\] is not extern$/,
    libbpf: /failed to find BTF for extern 'LINUX_KERNEL_VERSION': -22/,
  },
  {
    what: 'a .kconfig extern of an unsupported type',
    obj: edges,
    make: (c) =>
      withBtf(c, (b) =>
        setWord(
          b,
          b.findByName('CONFIG_BTFKIT_S16', BTF_KIND_VAR)!,
          2,
          b.type(b.findByName('counts', BTF_KIND_VAR)!).typeRef,
        ),
      ),
    code: BtfErrorCode.InvalidArgument,
    message: /^extern \(kcfg\) 'CONFIG_BTFKIT_S16': type is unsupported$/,
    libbpf: /extern \(kcfg\) 'CONFIG_BTFKIT_S16': type is unsupported/,
    section: KCONFIG_SEC,
  },
  {
    what: 'an extern function under .kconfig',
    obj: edges,
    make: (c) => withBtf(c, (b) => setWord(b, b.findByName(KSYMS_SEC, BTF_KIND_DATASEC)!, 0, b.addStr(KCONFIG_SEC))),
    code: BtfErrorCode.InvalidArgument,
    message: /^extern function bpf_task_acquire is unsupported under \.kconfig section$/,
    libbpf: /extern function bpf_task_acquire is unsupported under \.kconfig section/,
    section: KCONFIG_SEC,
  },
  {
    what: 'a .kconfig VAR whose symbol is not an extern',
    obj: edges,
    make: (c) => withSymbolType(c, 'CONFIG_BTFKIT_CHAR', STT.OBJECT),
    code: BtfErrorCode.NotFound,
    message: /^sec '\.kconfig': failed to find extern definition for BTF var 'CONFIG_BTFKIT_CHAR'$/,
    libbpf: /failed to find extern definition for BTF var 'CONFIG_BTFKIT_CHAR'/,
    section: KCONFIG_SEC,
  },
  {
    what: 'a .ksyms FUNC whose symbol is not an extern',
    obj: edges,
    make: (c) => withSymbolType(c, 'bpf_task_release', STT.OBJECT),
    code: BtfErrorCode.NotFound,
    message: /^sec '\.ksyms': failed to find extern definition for BTF func 'bpf_task_release'$/,
    libbpf: /failed to find extern definition for BTF func 'bpf_task_release'/,
    section: KSYMS_SEC,
  },
];

test("libbpf's errors: a BtfError naming the section and variable, where libbpf fails too", () => {
  for (const ec of errorCases) {
    const c = caseOf(ec.obj);
    const bytes = ec.make(c);
    let err: unknown;
    try {
      openObject(bytes, { fixup: true });
    } catch (e) {
      err = e;
    }
    assert.ok(isBtfError(err), `${ec.what}: BtfError, got ${String(err)}`);
    const e = err as BtfError;
    assert.is(e.code, ec.code, ec.what);
    assert.match(e.message, ec.message, ec.what);
    if (ec.section !== undefined) assert.is(e.section, ec.section, `${ec.what}: section`);
    if (!harness) {
      skip(`${harnessSkipReason()}: libbpf's own errors not compared`);
      continue;
    }
    const obj = tmpFile(bytes, 'err.o');
    const r = runHarness(['fixup', obj, `${obj}.btf`]);
    assert.is(r.status, 1, `${ec.what}: libbpf refuses it too`);
    assert.match(spawnVerbose(obj, `${obj}.btf`), ec.libbpf, `${ec.what}: libbpf's log`);
  }
});

test('mutated symbols and BTF: fixup succeeds or throws a BtfError, never anything else', () => {
  const c = caseOf(edges);
  const elf = parseElf(c.bytes);
  const btfSec = elf.section('.BTF')!;
  const symtab = elf.symtab!;
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  for (let i = 0; i < fuzzRuns(300); i++) {
    const bytes = c.bytes.slice();
    const target = i % 2 ? symtab : btfSec;
    for (let k = 0; k < 1 + rand(4); k++) bytes[target.offset + rand(target.size)] = rand(256);
    let e2: ElfFile;
    let btf: Btf;
    try {
      e2 = parseElf(bytes);
      btf = parseBtf(e2.sectionData(e2.section('.BTF')!).slice());
    } catch {
      continue; // the reader's business (test/elf.test.ts, test/malformed.test.ts)
    }
    try {
      fixupDatasecs(btf, e2);
      ok++;
    } catch (e) {
      assert.ok(isBtfError(e), `mutation ${i}: ${String(e)}`);
      failed++;
    }
  }
  assert.ok(ok > 0 && failed > 0, `${ok} fixed up, ${failed} refused`);
  budget.add(performance.now() - t0, 'the random mutations');
});

budget.check();

test.run();
