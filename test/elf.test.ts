import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BtfErrorCode, isElfError, type ElfError } from '../lib/errors.js';
import {
  EM,
  ET,
  newBtfObject,
  parseElf,
  replaceSections,
  SHF,
  SHN,
  SHT,
  STB,
  STT,
  type ElfFile,
} from '../lib/elf/index.js';
import { ELF_LAYOUT } from '../lib/elf/read.js';
import { hasTool, run } from './helpers/tools.js';
import { skip } from './helpers/skip.js';
import { FuzzStats } from './helpers/fuzz-stats.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { scratchDir } from './helpers/scratch.js';

// ---------------------------------------------------------------- fixtures

const root = fileURLToPath(new URL('../../', import.meta.url));
const golden = join(root, 'golden');
const objDir = join(golden, 'obj');
const objects: { name: string; path: string; bytes: Uint8Array; bigEndian: boolean }[] = [];
/** Every object under golden/obj (recursively), then the linked merge result. */
function addObjects(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) addObjects(path);
    else if (e.name.endsWith('.o')) {
      objects.push({
        name: path.slice(golden.length + 1),
        path,
        bytes: new Uint8Array(readFileSync(path)),
        bigEndian: e.name.includes('.bpfeb.'),
      });
    }
  }
}
addObjects(objDir);
addObjects(join(golden, 'expected', 'merge'));
/** The bpftool raw dump committed for an object, if any. */
function expectedRaw(name: string): string | undefined {
  const p = join(golden, 'expected', name.replace(/^obj\//, '').replace(/\.o$/, '.raw.txt'));
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
const small = objects.find((o) => o.name === 'obj/xdp_pkt_counter.o');
if (small === undefined) throw new Error('golden/obj/xdp_pkt_counter.o is missing');
const smallBe = objects.find((o) => o.name === 'obj/xdp_pkt_counter.bpfeb.o');
if (smallBe === undefined) throw new Error('golden/obj/xdp_pkt_counter.bpfeb.o is missing');

const tmp = scratchDir('elf');
let tmpCount = 0;
function tmpFile(bytes: Uint8Array, hint = 'obj'): string {
  const p = join(tmp, `${tmpCount++}-${hint.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  writeFileSync(p, bytes);
  return p;
}

/** The malformed-input cases' parses, in all (about 0.9 s on a busy 2-core machine). */
const budget = new TimeBudget('elf', 10_000);
const stats = new FuzzStats('elf');

const READELF = 'llvm-readelf-19';
const GNU_READELF = 'readelf';
const OBJCOPY = 'llvm-objcopy-19';
/** Returns true when `tool` exists; otherwise marks the test skipped (`what` not checked against the tool). */
function need(tool: string, what: string): boolean {
  if (hasTool(tool)) return true;
  skip(`${tool} not found: ${what} not checked against it`);
  return false;
}

function btfOf(elf: ElfFile, name = '.BTF'): Uint8Array {
  const s = elf.section(name);
  if (s === undefined) throw new Error(`no ${name}`);
  return elf.sectionData(s);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Fails unless every section of `before` except `except` has the same header fields and bytes in `after`. */
function assertOthersKept(
  before: ElfFile,
  after: ElfFile,
  except: ReadonlySet<string>,
  indexMap?: (i: number) => number,
): void {
  for (const s of before.sections) {
    if (except.has(s.name)) continue;
    const t = after.sections[indexMap ? indexMap(s.index) : s.index];
    assert.ok(t, `section ${s.name} kept`);
    if (!t) continue;
    assert.is(t.name, s.name, `section [${s.index}] name`);
    assert.is(t.type, s.type, `${s.name} type`);
    assert.is(t.flags, s.flags, `${s.name} flags`);
    assert.is(t.addralign, s.addralign, `${s.name} addralign`);
    assert.is(t.entsize, s.entsize, `${s.name} entsize`);
    assert.is(t.size, s.size, `${s.name} size`);
    if (s.addralign > 1 && t.type !== SHT.NOBITS) assert.is(t.offset % s.addralign, 0, `${s.name} aligned`);
    assert.ok(equalBytes(before.sectionData(s), after.sectionData(t)), `${s.name} bytes identical`);
  }
}

// ------------------------------------------------------- readelf parsing

/** llvm-readelf's names for section types (GNU style). */
const TYPE_NAMES: Record<string, number> = {
  NULL: SHT.NULL,
  PROGBITS: SHT.PROGBITS,
  SYMTAB: SHT.SYMTAB,
  STRTAB: SHT.STRTAB,
  RELA: SHT.RELA,
  HASH: SHT.HASH,
  DYNAMIC: SHT.DYNAMIC,
  NOTE: SHT.NOTE,
  NOBITS: SHT.NOBITS,
  REL: SHT.REL,
  DYNSYM: SHT.DYNSYM,
  INIT_ARRAY: SHT.INIT_ARRAY,
  FINI_ARRAY: SHT.FINI_ARRAY,
  GROUP: SHT.GROUP,
  SYMTAB_SHNDX: SHT.SYMTAB_SHNDX,
  LLVM_ADDRSIG: SHT.LLVM_ADDRSIG,
  X86_64_UNWIND: 0x70000001,
};
const FLAG_LETTERS: [string, number][] = [
  ['W', SHF.WRITE],
  ['A', SHF.ALLOC],
  ['X', SHF.EXECINSTR],
  ['M', SHF.MERGE],
  ['S', SHF.STRINGS],
  ['I', SHF.INFO_LINK],
  ['L', SHF.LINK_ORDER],
  ['O', SHF.OS_NONCONFORMING],
  ['G', SHF.GROUP],
  ['T', SHF.TLS],
  ['C', SHF.COMPRESSED],
  ['E', SHF.EXCLUDE],
  ['R', SHF.GNU_RETAIN],
];

interface ReadelfSection {
  index: number;
  name: string;
  type: string;
  addr: bigint;
  offset: number;
  size: number;
  entsize: number;
  flags: string;
  link: number;
  info: number;
  align: number;
}

/** Returns `llvm-readelf -S -r -s` output for each file, from one run of the tool. */
function readelfDumps(files: readonly string[]): string[] {
  const r = run(READELF, ['-S', '-r', '-s', '-W', ...files]);
  assert.is(r.status, 0, `llvm-readelf: ${r.stderr}`);
  const text = r.stdout.toString();
  if (files.length === 1) return [text];
  // With several inputs each report starts with "File: <name>".
  const parts = text.split(/^File: .*$/m).slice(1);
  assert.is(parts.length, files.length, 'one report per file');
  return parts;
}

/** Parses the section table of `llvm-readelf -S` (GNU style) output. */
function readelfSections(text: string): ReadelfSection[] {
  const out: ReadelfSection[] = [];
  for (const line of text.replace(/SYMTAB SECTION INDICES/g, 'SYMTAB_SHNDX').split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s(.*)$/.exec(line);
    if (!m) continue;
    const tok = (m[2] ?? '').trim().split(/\s+/);
    // [Name] Type Address Off Size ES [Flg] Lk Inf Al; flags are letters, ES is lower-case hex.
    const al = Number(tok.pop()),
      inf = Number(tok.pop()),
      lk = Number(tok.pop());
    let flags = '';
    if (!/^[0-9a-f]{2,}$/.test(tok[tok.length - 1] ?? '')) flags = tok.pop() ?? '';
    const es = parseInt(tok.pop() ?? '', 16),
      size = parseInt(tok.pop() ?? '', 16),
      off = parseInt(tok.pop() ?? '', 16);
    const addr = BigInt(`0x${tok.pop() ?? ''}`);
    const type = tok.pop() ?? '';
    out.push({
      index: Number(m[1]),
      name: tok.join(' '),
      type,
      addr,
      offset: off,
      size,
      entsize: es,
      flags,
      link: lk,
      info: inf,
      align: al,
    });
  }
  return out;
}

function flagLetters(flags: number): string {
  return FLAG_LETTERS.filter(
    ([, bit]) =>
      (flags & bit) !== 0 || (bit === SHF.EXCLUDE && flags >= 0x80000000 && flags % 0x1_0000_0000 >= 0x80000000),
  )
    .map(([l]) => l)
    .sort()
    .join('');
}

/** Compares sections, symbols and relocations with llvm-readelf's report on `file`, or with `text` when given. */
function checkAgainstReadelf(elf: ElfFile, file: string, text = readelfDumps([file])[0] ?? ''): void {
  checkSectionsAgainstReadelf(elf, file, text);
  checkSymbolsAgainstReadelf(elf, file, text);
  checkRelocationsAgainstReadelf(elf, file, text);
}

function checkSectionsAgainstReadelf(elf: ElfFile, file: string, text: string): void {
  const rs = readelfSections(text);
  assert.is(rs.length, elf.sections.length, `${file}: section count`);
  for (const r of rs) {
    const s = elf.sections[r.index];
    assert.ok(s, `${file}: section [${r.index}]`);
    if (!s) continue;
    const where = `${file} [${r.index}] ${r.name}`;
    assert.is(s.name, r.name, `${where}: name`);
    const t = TYPE_NAMES[r.type];
    if (t !== undefined) assert.is(s.type, t, `${where}: type`);
    assert.is(s.addr, r.addr, `${where}: addr`);
    assert.is(s.offset, r.offset, `${where}: offset`);
    assert.is(s.size, r.size, `${where}: size`);
    assert.is(s.entsize, r.entsize, `${where}: entsize`);
    assert.is(flagLetters(s.flags), r.flags.replace(/[a-z]/g, '').split('').sort().join(''), `${where}: flags`);
    assert.is(s.link, r.link, `${where}: link`);
    assert.is(s.info, r.info, `${where}: info`);
    assert.is(s.addralign, r.align, `${where}: addralign`);
  }
}

const STT_NAMES: Record<string, number> = {
  NOTYPE: STT.NOTYPE,
  OBJECT: STT.OBJECT,
  FUNC: STT.FUNC,
  SECTION: STT.SECTION,
  FILE: STT.FILE,
  COMMON: STT.COMMON,
  TLS: STT.TLS,
};
const STB_NAMES: Record<string, number> = { LOCAL: STB.LOCAL, GLOBAL: STB.GLOBAL, WEAK: STB.WEAK };
const NDX_NAMES: Record<string, number> = { UND: SHN.UNDEF, ABS: SHN.ABS, COM: SHN.COMMON };

function checkSymbolsAgainstReadelf(elf: ElfFile, file: string, text: string): void {
  const rows = text
    .split('\n')
    .map((l) => /^\s*(\d+): ([0-9a-f]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s?(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  assert.is(rows.length, elf.symbols.length, `${file}: symbol count`);
  for (const m of rows) {
    const s = elf.symbols[Number(m[1])];
    assert.ok(s);
    if (!s) continue;
    const where = `${file} symbol ${m[1]}`;
    assert.is(s.value, BigInt(`0x${m[2]}`), `${where}: value`);
    assert.is(s.size, BigInt(m[3] ?? ''), `${where}: size`);
    const t = STT_NAMES[m[4] ?? ''];
    if (t !== undefined) assert.is(s.type, t, `${where}: type`);
    const b = STB_NAMES[m[5] ?? ''];
    if (b !== undefined) assert.is(s.bind, b, `${where}: bind`);
    const ndx = m[7] ?? '';
    assert.is(s.shndx, NDX_NAMES[ndx] ?? Number(ndx), `${where}: shndx`);
    if (s.type !== STT.SECTION) assert.is(s.name, m[8] ?? '', `${where}: name`);
  }
}

function checkRelocationsAgainstReadelf(elf: ElfFile, file: string, text: string): void {
  const bySection = new Map<string, { offset: bigint; info: bigint }[]>();
  let cur: { offset: bigint; info: bigint }[] | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') cur = undefined;
    const h = /^Relocation section '(.*)' at offset/.exec(line);
    if (h) {
      cur = [];
      bySection.set(h[1] ?? '', cur);
      continue;
    }
    const m = /^\s*([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s/.exec(line);
    if (m && cur) cur.push({ offset: BigInt(`0x${m[1]}`), info: BigInt(`0x${m[2]}`) });
  }
  assert.is(bySection.size, elf.relocations.length, `${file}: relocation sections`);
  for (const rs of elf.relocations) {
    const want = bySection.get(rs.section.name);
    assert.ok(want, `${file}: ${rs.section.name} listed`);
    assert.is(rs.relocations.length, want?.length, `${file}: ${rs.section.name} count`);
    const shift = elf.elfClass === 64 ? 32n : 8n;
    rs.relocations.forEach((rel, i) => {
      assert.is(rel.offset, want?.[i]?.offset, `${rs.section.name}[${i}] offset`);
      assert.is((BigInt(rel.symbol) << shift) | BigInt(rel.type), want?.[i]?.info, `${rs.section.name}[${i}] info`);
    });
  }
}

/** stderr of `readelf -a` and `llvm-readelf -a` on `files` (one run each), which must exit 0; file names replaced by FILE<i>. */
function readelfWarnings(...files: string[]): string {
  let all = '';
  for (const tool of [READELF, GNU_READELF]) {
    if (!need(tool, 'acceptance of written objects')) continue;
    const r = run(tool, ['-a', '-W', ...files]);
    assert.is(r.status, 0, `${tool} -a exited ${r.status}: ${r.stderr}`);
    all += files.reduce((text, f, i) => text.split(f).join(`FILE${i}`), r.stderr);
  }
  return all;
}

// ------------------------------------------------------------- parsing

test('parses every golden object', () => {
  assert.ok(objects.length >= 20, 'golden objects found');
  for (const o of objects) {
    const elf = parseElf(o.bytes, { file: o.name });
    assert.is(elf.elfClass, 64, o.name);
    assert.is(elf.endianness, o.bigEndian ? 'big' : 'little', o.name);
    assert.is(elf.machine, EM.BPF, o.name);
    assert.is(elf.type, ET.REL, o.name);
    assert.is(elf.segments.length, 0);
    assert.is(elf.sections[0]?.type, SHT.NULL);
    const btf = btfOf(elf);
    // BTF magic 0xeb9f in the object's byte order.
    assert.equal([...btf.subarray(0, 2)], o.bigEndian ? [0xeb, 0x9f] : [0x9f, 0xeb], `${o.name}: .BTF magic`);
    assert.ok(elf.section('.BTF.ext'), `${o.name}: .BTF.ext`);
    assert.ok(elf.symtab, `${o.name}: .symtab`);
    assert.is(elf.symbols[0]?.name, '');
    for (const s of elf.sections) {
      const d = elf.sectionData(s);
      assert.is(d.length, s.type === SHT.NOBITS || s.type === SHT.NULL ? 0 : s.size);
      if (d.length) assert.is(d.buffer, o.bytes.buffer, 'sectionData is a view, not a copy');
    }
    const bss = elf.sections.find((s) => s.type === SHT.NOBITS);
    if (bss) assert.ok(bss.size > 0, 'NOBITS keeps its size');
    for (const r of elf.relocations) {
      assert.ok(r.target, `${o.name}: ${r.section.name} has a target`);
      assert.is(r.symtab?.index, elf.symtab?.index);
      assert.is(r.rela, false);
      assert.ok(elf.relocationsFor(r.target ?? r.section).includes(r));
    }
    if (o.name === 'obj/xdp_pkt_counter.o') {
      assert.is(elf.sections.length, 31);
      assert.is(elf.shstrndx, 1);
      assert.is(elf.section('.BTF')?.offset, 0x11c0);
      assert.is(elf.section('.BTF')?.size, 0x965);
      assert.is(elf.section('.rel.BTF')?.link, 30);
      assert.is(elf.relocationsFor(elf.section('xdp') ?? elf.sections[0]!)[0]?.relocations.length, 6);
      const map = elf.symbols.find((s) => s.name === 'xdp_stats_map');
      assert.is(map?.value, 0x20n);
      assert.is(map?.bind, STB.GLOBAL);
      assert.is(map?.type, STT.OBJECT);
      assert.is(elf.sections[map?.shndx ?? 0]?.name, '.maps');
    }
  }
});

test('sections, symbols and relocations match llvm-readelf-19', () => {
  if (!need(READELF, 'section tables')) return;
  const dumps = readelfDumps(objects.map((o) => o.path));
  objects.forEach((o, i) => checkAgainstReadelf(parseElf(o.bytes), o.path, dumps[i]));
});

// ------------------------------------------------------------- writing

test('replacing .BTF (and .BTF.ext) with the same bytes gives the same file', () => {
  for (const o of objects) {
    const elf = parseElf(o.bytes);
    const same = replaceSections(elf, new Map([['.BTF', btfOf(elf).slice()]]));
    assert.ok(equalBytes(same, o.bytes), `${o.name}: identical`);
    const both = replaceSections(
      elf,
      new Map([
        ['.BTF', btfOf(elf).slice()],
        ['.BTF.ext', btfOf(elf, '.BTF.ext').slice()],
      ]),
    );
    assert.ok(equalBytes(both, o.bytes), `${o.name}: identical with .BTF.ext`);
    assert.ok(equalBytes(replaceSections(elf, new Map()), o.bytes), `${o.name}: no change`);
  }
});

test('replacing .BTF with a different size keeps everything else', () => {
  const written: { o: (typeof objects)[number]; file: string; elf: ElfFile; blob: Uint8Array }[] = [];
  for (const o of objects) {
    const elf = parseElf(o.bytes);
    const btf = btfOf(elf);
    for (const delta of [13, 4096 + 3, -7, -btf.length]) {
      const blob = new Uint8Array(btf.length + delta);
      for (let i = 0; i < blob.length; i++) blob[i] = (i * 31 + delta) & 0xff;
      const out = replaceSections(elf, new Map([['.BTF', blob]]));
      const back = parseElf(out);
      assert.ok(equalBytes(btfOf(back), blob), `${o.name} ${delta}: new .BTF`);
      assert.is(back.sections.length, elf.sections.length);
      assert.is(back.section('.BTF')?.index, elf.section('.BTF')?.index);
      assert.is(back.section('.BTF')?.offset, elf.section('.BTF')?.offset, 'the section itself does not move');
      assert.is(back.section('.BTF')?.addralign, elf.section('.BTF')?.addralign);
      assert.ok(equalBytes(back.bytes.subarray(0, 16), o.bytes.subarray(0, 16)), 'e_ident kept');
      assert.equal(back.symbols, elf.symbols);
      assertOthersKept(elf, back, new Set(['.BTF']));
      // One size per object goes through the external tools.
      if (delta === 13) written.push({ o, file: tmpFile(out, o.name), elf: back, blob });
    }
  }
  if (!need(READELF, 'written objects')) return;
  const files = written.map((w) => w.file);
  assert.is(readelfWarnings(...files), readelfWarnings(...written.map((w) => w.o.path)), 'no new readelf warnings');
  const dumps = readelfDumps(files);
  written.forEach((w, i) => checkAgainstReadelf(w.elf, w.file, dumps[i]));
  if (!need(OBJCOPY, 'section dumps')) return;
  for (const w of written) {
    const dump = join(tmp, `${tmpCount++}.btf`);
    const r = run(OBJCOPY, [`--dump-section`, `.BTF=${dump}`, w.file, join(tmp, `${tmpCount++}.o`)]);
    assert.is(r.status, 0, r.stderr);
    assert.ok(equalBytes(new Uint8Array(readFileSync(dump)), w.blob), `${w.o.name}: llvm-objcopy dumps the new .BTF`);
  }
});

test('a foreign .BTF put into an object dumps as bpftool printed it', () => {
  if (!need('bpftool', 'BTF dumps of written objects')) return;
  for (const [dst, src] of [
    ['obj/xdp_pkt_counter.o', 'obj/exec_ringbuf.o'],
    ['obj/exec_ringbuf.o', 'obj/xdp_pkt_counter.o'],
    ['obj/xdp_pkt_counter.bpfeb.o', 'obj/tc_flow_classifier.bpfeb.o'],
  ] as const) {
    const d = objects.find((o) => o.name === dst),
      s = objects.find((o) => o.name === src);
    if (!d || !s) throw new Error('fixture missing');
    const out = replaceSections(parseElf(d.bytes), new Map([['.BTF', btfOf(parseElf(s.bytes))]]));
    const f = tmpFile(out);
    const r = run('bpftool', ['btf', 'dump', 'file', f]);
    assert.is(r.status, 0, r.stderr);
    assert.fixture(r.stdout.toString(), expectedRaw(src) ?? '');
  }
});

test('adding sections appends them and keeps every index', () => {
  for (const o of [small, smallBe, ...objects.filter((x) => x.name.includes('linked'))]) {
    const elf = parseElf(o.bytes);
    const a = new Uint8Array([1, 2, 3, 4, 5]);
    const b = new Uint8Array(100).fill(7);
    const out = replaceSections(
      elf,
      new Map([
        ['.btfkit.a', a],
        ['.BTF', btfOf(elf).subarray(0, 24)],
        ['.btfkit.b', b],
        ['.btfkit.a2', new Uint8Array(0)],
      ]),
      { newSections: { '.btfkit.b': { addralign: 16, flags: SHF.EXCLUDE } } },
    );
    const back = parseElf(out);
    const n = elf.sections.length;
    assert.is(back.sections.length, n + 3);
    assert.equal(
      back.sections.slice(n).map((s) => [s.name, s.type, s.addralign, s.flags]),
      [
        ['.btfkit.a', SHT.PROGBITS, 1, 0],
        ['.btfkit.b', SHT.PROGBITS, 16, SHF.EXCLUDE],
        ['.btfkit.a2', SHT.PROGBITS, 1, 0],
      ],
    );
    assert.is(back.sections[n + 1]!.offset % 16, 0);
    assert.ok(equalBytes(back.sectionData(back.sections[n]!), a));
    assert.ok(equalBytes(back.sectionData(back.sections[n + 1]!), b));
    assert.is(back.shstrndx, elf.shstrndx);
    const shstr = elf.sections[elf.shstrndx]!.name;
    assertOthersKept(elf, back, new Set(['.BTF', shstr]));
    // The section-name table only grew: every old string is where it was.
    const oldTab = elf.sectionData(elf.sections[elf.shstrndx]!);
    const newTab = back.sectionData(back.sections[back.shstrndx]!);
    assert.ok(equalBytes(newTab.subarray(0, oldTab.length), oldTab));
    assert.ok(newTab.length > oldTab.length);
    assert.equal(back.symbols, elf.symbols);
    // A section that was empty gets its new data at the end; its index stays.
    const filled = parseElf(replaceSections(back, new Map([['.btfkit.a2', b]])));
    assert.is(filled.section('.btfkit.a2')?.index, n + 2);
    assert.ok(equalBytes(btfOf(filled, '.btfkit.a2'), b));
    assertOthersKept(back, filled, new Set(['.btfkit.a2']));
    // An existing name is reused rather than appended again.
    const again = parseElf(replaceSections(back, new Map([['.btfkit.c', a]])));
    assert.is(again.section('.btfkit.c')?.index, n + 3);
    const reuse = parseElf(replaceSections(elf, new Map([['.BTF.ext', null]])));
    const readd = parseElf(replaceSections(reuse, new Map([['.BTF.ext', btfOf(elf, '.BTF.ext')]])));
    assert.is(
      readd.sectionData(readd.sections[readd.shstrndx]!).length,
      reuse.sectionData(reuse.sections[reuse.shstrndx]!).length,
    );
    assert.is(readd.section('.BTF.ext')?.addralign, 4);
    if (need(READELF, 'objects with added sections')) {
      const f = tmpFile(out, o.name);
      assert.is(readelfWarnings(f), readelfWarnings(o.path));
      checkAgainstReadelf(back, f);
    }
  }
});

test('removing .BTF.ext drops its relocations and renumbers indices', () => {
  for (const o of objects) {
    const elf = parseElf(o.bytes);
    const ext = elf.section('.BTF.ext')!;
    const rel = elf.section('.rel.BTF.ext');
    const back = parseElf(replaceSections(elf, new Map([['.BTF.ext', null]])));
    const gone = new Set([ext.index, ...(rel ? [rel.index] : [])]);
    assert.is(back.sections.length, elf.sections.length - gone.size);
    assert.is(back.section('.BTF.ext'), undefined);
    assert.is(back.section('.rel.BTF.ext'), undefined);
    const map = (i: number): number => i - [...gone].filter((g) => g < i).length;
    assertOthersKept(elf, back, new Set(['.BTF.ext', '.rel.BTF.ext', '.symtab']), map);
    // Symbols still name the same sections; relocation sections the same targets.
    assert.is(back.symbols.length, elf.symbols.length);
    elf.symbols.forEach((s, i) => {
      const t = back.symbols[i]!;
      if (s.shndx > 0 && s.shndx < SHN.LORESERVE) assert.is(back.sections[t.shndx]?.name, elf.sections[s.shndx]?.name);
      else assert.is(t.shndx, s.shndx);
    });
    assert.equal(
      back.relocations.map((r) => [r.section.name, r.target?.name, r.symtab?.name]),
      elf.relocations
        .filter((r) => !gone.has(r.section.index))
        .map((r) => [r.section.name, r.target?.name, r.symtab?.name]),
    );
    if (o === small && need(READELF, 'objects with removed sections')) {
      const f = tmpFile(replaceSections(elf, new Map([['.BTF.ext', null]])));
      assert.is(readelfWarnings(f), '');
      checkAgainstReadelf(back, f);
    }
  }
  const elf = parseElf(small.bytes);
  // .maps holds symbols: removing it would leave them dangling.
  expectElfError(() => replaceSections(elf, new Map([['.maps', null]])), BtfErrorCode.InvalidArgument);
  expectElfError(() => replaceSections(elf, new Map([['.strtab', null]])), BtfErrorCode.InvalidArgument);
  assert.ok(
    equalBytes(replaceSections(elf, new Map([['.nothere', null]])), small.bytes),
    'removing a missing section is a no-op',
  );
});

test('bad requests to replaceSections are ElfErrors', () => {
  const elf = parseElf(small.bytes);
  const d = new Uint8Array(4);
  expectElfError(() => replaceSections(elf, new Map([['', d]])), BtfErrorCode.InvalidArgument);
  expectElfError(() => replaceSections(elf, new Map([['a\0b', d]])), BtfErrorCode.InvalidArgument);
  expectElfError(() => replaceSections(elf, new Map([['.bss', d]])), BtfErrorCode.InvalidArgument);
  expectElfError(() => replaceSections(elf, new Map([['.strtab', d]])), BtfErrorCode.InvalidArgument);
  expectElfError(
    () => replaceSections(elf, new Map([['.new', d]]), { newSections: { '.new': { addralign: 3 } } }),
    BtfErrorCode.InvalidArgument,
  );
});

test('layout changes leave the program bpftool gen object links unchanged', () => {
  if (!need('bpftool', 'linking of written objects')) return;
  let linked = 0;
  for (const o of objects.filter((x) => x.name.startsWith('obj/') && !x.bigEndian)) {
    const elf = parseElf(o.bytes);
    const link = (bytes: Uint8Array): Buffer | undefined => {
      const f = tmpFile(bytes);
      const r = run('bpftool', ['gen', 'object', `${f}.linked`, f]);
      return r.status === 0 ? readFileSync(`${f}.linked`) : undefined;
    };
    const want = link(o.bytes);
    if (want === undefined) continue; // libbpf's linker refuses the input itself.
    linked++;
    // Grow a DWARF section the linker ignores: everything after it moves.
    const abbrev = btfOf(elf, '.debug_abbrev');
    const grown = new Uint8Array(abbrev.length + 77);
    grown.set(abbrev);
    const moved = replaceSections(elf, new Map([['.debug_abbrev', grown]]));
    assert.ok(parseElf(moved).section('.BTF')!.offset !== elf.section('.BTF')!.offset, 'layout changed');
    assert.ok(link(moved)?.equals(want), `${o.name}: same linked object`);
    // An added section is linked through, and the BTF is unchanged.
    const withAdded = link(replaceSections(elf, new Map([['.btfkit', new Uint8Array(9).fill(3)]])));
    assert.ok(withAdded, `${o.name}: links with an added section`);
    const added = parseElf(new Uint8Array(withAdded ?? []));
    const base = parseElf(new Uint8Array(want));
    assert.ok(equalBytes(btfOf(added, '.btfkit'), new Uint8Array(9).fill(3)));
    assert.ok(equalBytes(btfOf(added), btfOf(base)), `${o.name}: same linked .BTF`);
  }
  assert.ok(linked >= 10, `bpftool gen object linked ${linked} golden objects`);
});

test('newBtfObject is accepted by readelf and bpftool', () => {
  for (const o of objects.filter((x) => expectedRaw(x.name) !== undefined)) {
    const elf = parseElf(o.bytes);
    for (const withExt of [false, true]) {
      const btf = btfOf(elf);
      const ext = withExt ? btfOf(elf, '.BTF.ext') : undefined;
      const bytes = newBtfObject(btf, ext, { bigEndian: o.bigEndian });
      const back = parseElf(bytes);
      assert.is(back.elfClass, 64);
      assert.is(back.machine, EM.BPF);
      assert.is(back.type, ET.REL);
      assert.is(back.endianness, o.bigEndian ? 'big' : 'little');
      assert.equal(
        back.sections.map((s) => s.name),
        ['', '.BTF', ...(withExt ? ['.BTF.ext'] : []), '.shstrtab'],
      );
      assert.ok(equalBytes(btfOf(back), btf));
      if (ext) assert.ok(equalBytes(btfOf(back, '.BTF.ext'), ext));
      assert.is(back.section('.BTF')!.offset % 4, 0);
      if (!withExt || !need(READELF, 'new objects')) continue;
      const f = tmpFile(bytes, o.name);
      assert.is(readelfWarnings(f), '', `${o.name}: readelf warnings`);
      checkAgainstReadelf(back, f);
      if (need('bpftool', 'new objects')) {
        const r = run('bpftool', ['btf', 'dump', 'file', f]);
        assert.is(r.status, 0, r.stderr);
        assert.fixture(r.stdout.toString(), expectedRaw(o.name) ?? '');
      }
    }
  }
  assert.is(parseElf(newBtfObject(new Uint8Array(8), undefined, { machine: EM.X86_64 })).machine, EM.X86_64);
  expectElfError(() => newBtfObject(new Uint8Array(8), undefined, { machine: 70000 }), BtfErrorCode.InvalidArgument);
});

// ------------------------------------------- other classes and machines

/** A hand-made ELF32 relocatable object: .text, .rel.text, .data, .bss, .symtab, .strtab, .shstrtab. */
function makeElf32(le: boolean, machine: number): Uint8Array {
  const lay = ELF_LAYOUT[32];
  const shstr = '\0.text\0.rel.text\0.data\0.bss\0.symtab\0.strtab\0.shstrtab\0';
  const str = '\0var\0main\0';
  const nameOf = (s: string, tab: string): number => tab.indexOf(`\0${s}\0`) + 1;
  const buf = new Uint8Array(1024);
  const dv = new DataView(buf.buffer);
  const u16 = (o: number, v: number): void => dv.setUint16(o, v, le);
  const u32 = (o: number, v: number): void => dv.setUint32(o, v, le);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 1, le ? 1 : 2, 1], 0);
  u16(16, ET.REL);
  u16(18, machine);
  u32(20, 1);
  u16(40, 52);
  u16(46, 40);
  // Data: .text 0x34 (8), .rel.text 0x3c (8), .data 0x44 (4), .symtab 0x48 (3*16), .strtab 0x78, .shstrtab after.
  u32(0x34, 0x12345678);
  u32(0x3c, 4); // r_offset
  u32(0x40, (2 << 8) | 1); // r_info: symbol 2, type 1
  u32(0x44, 0xdeadbeef);
  // symbols: [0] null, [1] var LOCAL OBJECT in .data, [2] main GLOBAL FUNC in .text
  u32(0x48 + 16 + 0, nameOf('var', str));
  u32(0x48 + 16 + 4, 0);
  u32(0x48 + 16 + 8, 4);
  buf[0x48 + 16 + 12] = (STB.LOCAL << 4) | STT.OBJECT;
  u16(0x48 + 16 + 14, 3);
  u32(0x48 + 32 + 0, nameOf('main', str));
  u32(0x48 + 32 + 4, 0);
  u32(0x48 + 32 + 8, 8);
  buf[0x48 + 32 + 12] = (STB.GLOBAL << 4) | STT.FUNC;
  u16(0x48 + 32 + 14, 1);
  const strOff = 0x78;
  buf.set(new TextEncoder().encode(str), strOff);
  const shstrOff = strOff + str.length;
  buf.set(new TextEncoder().encode(shstr), shstrOff);
  const shoff = (shstrOff + shstr.length + 3) & ~3;
  const secs: [string, number, number, number, number, number, number, number, number][] = [
    // name, type, flags, offset, size, link, info, align, entsize
    ['.text', SHT.PROGBITS, SHF.ALLOC | SHF.EXECINSTR, 0x34, 8, 0, 0, 4, 0],
    ['.rel.text', SHT.REL, SHF.INFO_LINK, 0x3c, 8, 5, 1, 4, lay.relSize],
    ['.data', SHT.PROGBITS, SHF.ALLOC | SHF.WRITE, 0x44, 4, 0, 0, 4, 0],
    ['.bss', SHT.NOBITS, SHF.ALLOC | SHF.WRITE, 0x48, 0x100, 0, 0, 8, 0],
    ['.symtab', SHT.SYMTAB, 0, 0x48, 48, 6, 2, 4, lay.symSize],
    ['.strtab', SHT.STRTAB, 0, strOff, str.length, 0, 0, 1, 0],
    ['.shstrtab', SHT.STRTAB, 0, shstrOff, shstr.length, 0, 0, 1, 0],
  ];
  secs.forEach(([name, type, flags, off, size, link, info, align, entsize], i) => {
    const h = shoff + (i + 1) * 40;
    u32(h, nameOf(name, shstr));
    u32(h + 4, type);
    u32(h + 8, flags);
    u32(h + 16, off);
    u32(h + 20, size);
    u32(h + 24, link);
    u32(h + 28, info);
    u32(h + 32, align);
    u32(h + 36, entsize);
  });
  u32(32, shoff);
  u16(48, secs.length + 1);
  u16(50, secs.length);
  return buf.slice(0, shoff + (secs.length + 1) * 40);
}

test('ELF32 in both byte orders', () => {
  for (const [le, machine] of [
    [true, EM.I386],
    [false, EM.PPC],
  ] as const) {
    const bytes = makeElf32(le, machine);
    const elf = parseElf(bytes);
    assert.is(elf.elfClass, 32);
    assert.is(elf.littleEndian, le);
    assert.is(elf.machine, machine);
    assert.equal(
      elf.sections.map((s) => s.name),
      ['', '.text', '.rel.text', '.data', '.bss', '.symtab', '.strtab', '.shstrtab'],
    );
    assert.equal(
      [...elf.sectionData(elf.section('.text')!)],
      le ? [0x78, 0x56, 0x34, 0x12].concat([0, 0, 0, 0]) : [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0],
    );
    assert.is(elf.sectionData(elf.section('.bss')!).length, 0);
    assert.is(elf.section('.bss')!.size, 0x100);
    assert.equal(
      elf.symbols.map((s) => [s.name, s.value, s.size, s.shndx, s.bind, s.type]),
      [
        ['', 0n, 0n, 0, 0, 0],
        ['var', 0n, 4n, 3, STB.LOCAL, STT.OBJECT],
        ['main', 0n, 8n, 1, STB.GLOBAL, STT.FUNC],
      ],
    );
    const rel = elf.relocations[0]!;
    assert.is(rel.target?.name, '.text');
    assert.equal(rel.relocations, [{ offset: 4n, symbol: 2, type: 1, addend: 0n }]);
    const btf = btfOf(parseElf(le ? small.bytes : smallBe.bytes));
    const out = replaceSections(
      elf,
      new Map([
        ['.data', new Uint8Array(9).fill(1)],
        ['.BTF', btf],
      ]),
    );
    const back = parseElf(out);
    assert.is(back.elfClass, 32);
    assert.ok(equalBytes(btfOf(back), btf));
    assert.is(back.section('.BTF')!.offset % 4, 0);
    assertOthersKept(elf, back, new Set(['.data', '.shstrtab']));
    assert.equal(back.symbols, elf.symbols);
    if (need(READELF, 'ELF32 objects')) {
      for (const [b, e] of [
        [bytes, elf],
        [out, back],
      ] as const) {
        const f = tmpFile(b, 'elf32');
        assert.is(readelfWarnings(f), '');
        checkAgainstReadelf(e, f);
      }
    }
  }
});

test('objects clang-19 builds for other machines', () => {
  if (!need('clang-19', 'non-BPF objects') || !need(READELF, 'non-BPF objects') || !need(OBJCOPY, 'non-BPF objects'))
    return;
  const src = join(tmp, 'm.c');
  writeFileSync(
    src,
    'int counter = 3; static int hidden; int get(int x) { return counter + hidden + x; }\nint big[100];\n',
  );
  const btf = btfOf(parseElf(small.bytes));
  const btfBe = btfOf(parseElf(smallBe.bytes));
  for (const [target, cls, le] of [
    ['x86_64-linux-gnu', 64, true],
    ['i386-linux-gnu', 32, true],
    ['powerpc64-linux-gnu', 64, false],
    ['powerpc-linux-gnu', 32, false],
    ['aarch64-linux-gnu', 64, true],
  ] as const) {
    const obj = join(tmp, `${target}.o`);
    const cc = run('clang-19', [
      '-target',
      target,
      '-g',
      '-O2',
      '-fno-asynchronous-unwind-tables',
      '-c',
      src,
      '-o',
      obj,
    ]);
    if (cc.status !== 0) {
      skip(`clang-19 cannot build for ${target}: ${cc.stderr.split('\n')[0]}`);
      continue;
    }
    // Put a .BTF in, as pahole or objcopy would for an ordinary object.
    const withBtf = `${obj}.btf.o`;
    const btfFile = tmpFile(le ? btf : btfBe, 'btf');
    const r = run(OBJCOPY, ['--add-section', `.BTF=${btfFile}`, obj, withBtf]);
    assert.is(r.status, 0, r.stderr);
    for (const f of [obj, withBtf]) {
      const elf = parseElf(new Uint8Array(readFileSync(f)), { file: f });
      assert.is(elf.elfClass, cls, target);
      assert.is(elf.littleEndian, le, target);
      checkAgainstReadelf(elf, f);
      const baseline = readelfWarnings(f);
      const blob = new Uint8Array(333).fill(0x5a);
      const out = replaceSections(elf, new Map([['.BTF', blob]]));
      const back = parseElf(out);
      assert.ok(equalBytes(btfOf(back), blob));
      assertOthersKept(elf, back, new Set(['.BTF', elf.sections[elf.shstrndx]!.name]));
      const g = tmpFile(out, target);
      assert.is(readelfWarnings(g), baseline, `${target}: readelf warnings`);
      checkAgainstReadelf(back, g);
      const dump = join(tmp, `${tmpCount++}.btf`);
      const d = run(OBJCOPY, ['--dump-section', `.BTF=${dump}`, g, join(tmp, `${tmpCount++}.o`)]);
      assert.is(d.status, 0, d.stderr);
      assert.ok(equalBytes(new Uint8Array(readFileSync(dump)), blob));
    }
  }
});

test('an executable: sections outside segments move, sections inside them stay put', () => {
  if (!need('clang-19', 'executables') || !need(READELF, 'executables') || !need(OBJCOPY, 'executables')) return;
  const src = join(tmp, 'exe.c');
  writeFileSync(
    src,
    'int counter = 3; static int hidden; int get(int x) { return counter + hidden + x; }\nint big[100];\n',
  );
  const exe = join(tmp, 'exe');
  const cc = run('clang-19', ['-g', '-O2', '-nostdlib', '-static', '-Wl,-e,get', src, '-o', exe]);
  if (cc.status !== 0) {
    skip(`clang-19 cannot link a static executable here: ${cc.stderr.split('\n')[0]}`);
    return;
  }
  const withBtf = `${exe}.btf`;
  const r = run(OBJCOPY, ['--add-section', `.BTF=${tmpFile(btfOf(parseElf(small.bytes)), 'btf')}`, exe, withBtf]);
  assert.is(r.status, 0, r.stderr);
  const elf = parseElf(new Uint8Array(readFileSync(withBtf)));
  assert.is(elf.type, ET.EXEC);
  assert.ok(elf.segments.length > 0);
  checkAgainstReadelf(elf, withBtf);
  const out = replaceSections(
    elf,
    new Map([
      ['.BTF', new Uint8Array(5000).fill(9)],
      ['.btfkit', new Uint8Array(3)],
    ]),
  );
  const back = parseElf(out);
  assert.equal(back.segments, elf.segments);
  assertOthersKept(elf, back, new Set(['.BTF', elf.sections[elf.shstrndx]!.name]));
  for (const s of elf.sections)
    if (s.flags & SHF.ALLOC) assert.is(back.sections[s.index]!.offset, s.offset, `${s.name} stays put`);
  const f = tmpFile(out, 'exe');
  assert.is(readelfWarnings(f), readelfWarnings(withBtf));
  checkAgainstReadelf(back, f);
  // Same segments, same section-to-segment mapping (the "None" line lists the added section too).
  const segs = (file: string): string =>
    run(READELF, ['-l', '-W', file])
      .stdout.toString()
      .replace(/^\s*None\s.*$/m, '');
  assert.fixture(segs(f), segs(withBtf));
  // The same size in a segment is fine; another size is refused, not silently broken.
  const data = elf.section('.data')!;
  assert.ok(equalBytes(replaceSections(elf, new Map([['.data', elf.sectionData(data).slice()]])), elf.bytes));
  const e = expectElfError(
    () => replaceSections(elf, new Map([['.data', new Uint8Array(data.size + 8)]])),
    BtfErrorCode.InvalidArgument,
  );
  assert.match(e.message, /^section \.data: lies inside a program segment and cannot change size/);
});

// ------------------------------------------------- extended numbering

test('extended section numbering (e_shnum 0, e_shstrndx SHN_XINDEX)', () => {
  const elf = parseElf(small.bytes);
  const changes = new Map<string, Uint8Array>();
  const count = SHN.LORESERVE + 20 - elf.sections.length;
  for (let i = 0; i < count; i++) changes.set(`s${i}`, new Uint8Array(i % 3));
  const out = replaceSections(elf, changes);
  const lay = ELF_LAYOUT[64];
  const dv = new DataView(out.buffer);
  assert.is(dv.getUint16(lay.e.shnum, true), 0, 'e_shnum is 0');
  const back = parseElf(out);
  assert.is(back.sections.length, SHN.LORESERVE + 20);
  assert.is(back.sections[SHN.LORESERVE + 19]?.name, `s${count - 1}`);
  // Section 0 now holds the count in sh_size.
  assert.is(back.sections[0]?.size, SHN.LORESERVE + 20);
  assertOthersKept(elf, back, new Set(['', '.strtab']));
  assert.ok(equalBytes(replaceSections(back, new Map([['.BTF', btfOf(back).slice()]])), out), 'round trip');
  if (need(READELF, 'extended numbering')) {
    const f = tmpFile(out, 'many');
    assert.is(readelfWarnings(f), '');
    assert.match(run(READELF, ['-h', f]).stdout.toString(), /Number of section headers:\s+0 \(65300\)/);
  }

  // e_shstrndx through section 0's sh_link.
  const small64 = newBtfObject(btfOf(elf));
  const x = small64.slice();
  const xdv = new DataView(x.buffer);
  const shoff = Number(xdv.getBigUint64(lay.e.shoff, true));
  xdv.setUint16(lay.e.shstrndx, SHN.XINDEX, true);
  xdv.setUint32(shoff + lay.sh.link, 2, true);
  xdv.setUint16(lay.e.shnum, 0, true);
  xdv.setBigUint64(shoff + lay.sh.size, 3n, true);
  const px = parseElf(x);
  assert.equal(
    px.sections.map((s) => s.name),
    ['', '.BTF', '.shstrtab'],
  );
  assert.is(px.shstrndx, 2);
  const rx = parseElf(
    replaceSections(
      px,
      new Map([
        ['.BTF', new Uint8Array(5)],
        ['.more', new Uint8Array(3)],
      ]),
    ),
  );
  assert.equal(
    rx.sections.map((s) => s.name),
    ['', '.BTF', '.shstrtab', '.more'],
  );
  const rdv = new DataView(rx.bytes.buffer, rx.bytes.byteOffset);
  assert.is(rdv.getUint16(lay.e.shnum, true), 4, 'a small count goes back in e_shnum');
  assert.is(rdv.getUint16(lay.e.shstrndx, true), 2);
  if (need(READELF, 'extended numbering')) assert.is(readelfWarnings(tmpFile(x, 'xindex')), '');
  xdv.setUint32(shoff + lay.sh.link, 9, true);
  expectElfError(() => parseElf(x), BtfErrorCode.BadHeader);
  xdv.setUint32(shoff + lay.sh.link, 2, true);
  xdv.setBigUint64(shoff + lay.sh.size, 1n << 40n, true);
  expectElfError(() => parseElf(x), BtfErrorCode.Truncated);
});

test('symbols with st_shndx SHN_XINDEX use .symtab_shndx', () => {
  const elf = parseElf(small.bytes);
  const lay = ELF_LAYOUT[64];
  const symtab = elf.symtab!;
  const table = new Uint8Array(4 * elf.symbols.length);
  const target = elf.symbols.findIndex((s) => s.name === 'xdp_stats_map');
  new DataView(table.buffer).setUint32(4 * target, elf.symbols[target]!.shndx, true);
  const out = replaceSections(elf, new Map([['.symtab_shndx', table]]), {
    newSections: { '.symtab_shndx': { type: SHT.SYMTAB_SHNDX, link: symtab.index, entsize: 4, addralign: 4 } },
  });
  const withTable = parseElf(out);
  const st = withTable.symtab!;
  const patched = out.slice();
  new DataView(patched.buffer).setUint16(st.offset + target * lay.symSize + lay.st.shndx, SHN.XINDEX, true);
  const px = parseElf(patched);
  assert.is(px.symbols[target]!.shndx, elf.symbols[target]!.shndx);
  assert.is(px.sections[px.symbols[target]!.shndx]!.name, '.maps');
  if (need(READELF, 'SHN_XINDEX symbols')) {
    checkAgainstReadelf(px, tmpFile(patched, 'xsym'));
  }
  // Without the table, or with an index out of range: clean errors.
  const noTable = small.bytes.slice();
  new DataView(noTable.buffer).setUint16(symtab.offset + target * lay.symSize + lay.st.shndx, SHN.XINDEX, true);
  expectElfError(() => parseElf(noTable), BtfErrorCode.BadSection);
  const bad = patched.slice();
  new DataView(bad.buffer).setUint32(withTable.section('.symtab_shndx')!.offset + 4 * target, 5000, true);
  expectElfError(() => parseElf(bad), BtfErrorCode.BadSection);
});

// ---------------------------------------------------- malformed input

/** Runs `fn`, which must throw an ElfError (with `code` if given); returns it. Its time counts against the suite's budget. */
function expectElfError(fn: () => unknown, code?: BtfErrorCode): ElfError {
  const t0 = performance.now();
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  budget.add(performance.now() - t0, code ?? 'an ElfError');
  assert.ok(err !== undefined, 'expected an ElfError, nothing was thrown');
  if (!isElfError(err))
    throw new assert.Assertion({
      message: `expected an ElfError, got ${String((err as Error)?.stack ?? err)}`,
      generated: false,
      operator: 'isElfError',
      expects: 'ElfError',
      actual: err,
    });
  if (code !== undefined) assert.is(err.code, code, err.message);
  return err;
}

/** Returns a copy of `bytes` changed by `edit`. */
function mutate(bytes: Uint8Array, edit: (dv: DataView, b: Uint8Array) => void): Uint8Array {
  const b = bytes.slice();
  edit(new DataView(b.buffer), b);
  return b;
}

test('every truncation is an ElfError', () => {
  for (const o of [small, smallBe]) {
    const b = o.bytes;
    for (let cut = 0; cut < b.length; cut++) expectElfError(() => parseElf(b.subarray(0, cut), { file: o.name }));
    const nb = newBtfObject(btfOf(parseElf(b)), btfOf(parseElf(b), '.BTF.ext'), { bigEndian: o.bigEndian });
    for (let cut = 0; cut < nb.length; cut++) expectElfError(() => parseElf(nb.subarray(0, cut)));
  }
  const e = expectElfError(() => parseElf(small.bytes.subarray(0, 0x3100), { file: 'x.o' }), BtfErrorCode.Truncated);
  assert.is(e.file, 'x.o');
  assert.is(e.offset, ELF_LAYOUT[64].e.shnum);
  assert.is(
    e.detail,
    'section header table: offset 0x3008 + 31 entries of 0x40 bytes is past the end of the file (0x3100)',
  );
});

test('lying headers are ElfErrors naming the section and offset', () => {
  const elf = parseElf(small.bytes);
  const lay = ELF_LAYOUT[64];
  const sh = lay.sh;
  const b = small.bytes;
  const len = b.length;
  const hdr = (name: string): number => elf.section(name)!.headerOffset;
  const le = true;

  expectElfError(() => parseElf(mutate(b, (_, x) => (x[0] = 0))), BtfErrorCode.Format);
  expectElfError(() => parseElf(new TextEncoder().encode('!<arch>\nfoo bar baz qux')), BtfErrorCode.Format);
  expectElfError(() => parseElf(mutate(b, (_, x) => (x[4] = 3))), BtfErrorCode.BadHeader);
  expectElfError(() => parseElf(mutate(b, (_, x) => (x[5] = 0))), BtfErrorCode.BadHeader);
  // e_shoff, e_shnum, e_shentsize lies.
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(lay.e.shoff, BigInt(len + 8), le))),
    BtfErrorCode.Truncated,
  );
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(lay.e.shoff, 0xffff_ffff_ffff_fff0n, le))),
    BtfErrorCode.Truncated,
  );
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(lay.e.shoff, BigInt(len - 10), le))),
    BtfErrorCode.Truncated,
  );
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shnum, 0xfeff, le))), BtfErrorCode.Truncated);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shnum, 32, le))), BtfErrorCode.Truncated);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shentsize, 40, le))), BtfErrorCode.BadHeader);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setBigUint64(lay.e.shoff, 0n, le))), BtfErrorCode.BadHeader);
  // Shrinking e_shnum is not a lie the reader can see unless something points past it.
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shnum, 20, le))));
  // e_shstrndx out of range, not a string table, reserved.
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shstrndx, 31, le))), BtfErrorCode.BadHeader);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shstrndx, 0xff05, le))), BtfErrorCode.BadHeader);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.shstrndx, 2, le))), BtfErrorCode.BadSection);
  // e_phnum / e_phoff lies.
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint16(lay.e.phnum, 3, le))));
  expectElfError(
    () =>
      parseElf(
        mutate(b, (dv) => {
          dv.setUint16(lay.e.phnum, 3, le);
          dv.setUint16(lay.e.phentsize, 56, le);
        }),
      ),
    BtfErrorCode.Truncated,
  );
  expectElfError(
    () =>
      parseElf(
        mutate(b, (dv) => {
          dv.setUint16(lay.e.phnum, 1000, le);
          dv.setUint16(lay.e.phentsize, 56, le);
          dv.setBigUint64(lay.e.phoff, 64n, le);
        }),
      ),
    BtfErrorCode.Truncated,
  );

  // sh_offset / sh_size past the end: the section and the header entry are named.
  const btfHdr = hdr('.BTF');
  let e = expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(btfHdr + sh.size, 0x3000n, le))),
    BtfErrorCode.BadSection,
  );
  assert.is(e.section, '.BTF');
  assert.is(e.offset, btfHdr + sh.offset);
  assert.is(e.detail, `section .BTF: offset 0x11c0 + size 0x3000 is past the end of the file (0x${len.toString(16)})`);
  for (const size of [BigInt(len), 0x7fff_ffffn, 1n << 53n, 1n << 63n, 0xffff_ffff_ffff_ffffn]) {
    expectElfError(
      () => parseElf(mutate(b, (dv) => dv.setBigUint64(btfHdr + sh.size, size, le))),
      BtfErrorCode.BadSection,
    );
  }
  for (const off of [BigInt(len - 4), BigInt(len + 1), 1n << 40n, 0xffff_ffff_ffff_ffffn]) {
    e = expectElfError(
      () => parseElf(mutate(b, (dv) => dv.setBigUint64(btfHdr + sh.offset, off, le))),
      BtfErrorCode.BadSection,
    );
    assert.is(e.section, '.BTF');
  }
  // A NOBITS section may claim any offset and size (within reason) ...
  parseElf(mutate(b, (dv) => dv.setBigUint64(hdr('.bss') + sh.size, 1n << 40n, le)));
  // ... and a section-name table claiming too much is caught before any name is read.
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(hdr('.strtab') + sh.size, 0x1000n, le))),
    BtfErrorCode.BadSection,
  );

  // Overlaps: with another section, with the ELF header, with the section header table.
  const btf = elf.section('.BTF')!;
  e = expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(hdr('.BTF.ext') + sh.offset, BigInt(btf.offset + 8), le))),
    BtfErrorCode.BadSection,
  );
  assert.match(e.message, /overlaps/);
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(btfHdr + sh.offset, 0n, le))),
    BtfErrorCode.BadSection,
  );
  expectElfError(
    () =>
      parseElf(
        mutate(b, (dv) => {
          dv.setBigUint64(btfHdr + sh.offset, BigInt(elf.shoff), le);
          dv.setBigUint64(btfHdr + sh.size, 8n, le);
        }),
      ),
    BtfErrorCode.BadSection,
  );
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(btfHdr + sh.size, BigInt(btf.size + 4), le))),
    BtfErrorCode.BadSection,
  );

  // Names: out of the table, or running off its end without a NUL.
  e = expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setUint32(btfHdr + sh.name, 0xffffff, le))),
    BtfErrorCode.BadString,
  );
  assert.is(e.offset, btfHdr + sh.name);
  const strtab = elf.section('.strtab')!;
  expectElfError(
    () =>
      parseElf(
        mutate(b, (_, x) => {
          x[strtab.offset + strtab.size - 1] = 0x41;
        }),
      ),
    BtfErrorCode.BadString,
  );
  expectElfError(
    () => parseElf(mutate(b, (_, x) => x.fill(0x41, strtab.offset, strtab.offset + strtab.size))),
    BtfErrorCode.BadString,
  );
  e = expectElfError(
    () =>
      parseElf(
        mutate(b, (dv, x) => {
          dv.setUint32(btfHdr + sh.name, strtab.size - 1, le);
          x[strtab.offset + strtab.size - 1] = 0x41;
        }),
      ),
    BtfErrorCode.BadString,
  );
  assert.match(e.message, /is not NUL-terminated/);

  // Symbol table: entry size, size, string table link, names, section indices.
  const symHdr = hdr('.symtab');
  const symtab = elf.symtab!;
  e = expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(symHdr + sh.entsize, 16n, le))),
    BtfErrorCode.BadSection,
  );
  assert.is(e.section, '.symtab');
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(symHdr + sh.entsize, 0n, le))),
    BtfErrorCode.BadSection,
  );
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(symHdr + sh.size, BigInt(symtab.size - 4), le))),
    BtfErrorCode.BadSection,
  );
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint32(symHdr + sh.link, 2, le))), BtfErrorCode.BadSection);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint32(symHdr + sh.link, 999, le))), BtfErrorCode.BadSection);
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setUint32(symtab.offset + 4 * lay.symSize + lay.st.name, 0xfffff, le))),
    BtfErrorCode.BadString,
  );
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setUint16(symtab.offset + 4 * lay.symSize + lay.st.shndx, 500, le))),
    BtfErrorCode.BadSection,
  );

  // Relocation sections: entry size, symbol table link, target, symbol index.
  const relHdr = hdr('.relxdp');
  const rel = elf.section('.relxdp')!;
  expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setBigUint64(relHdr + sh.entsize, 24n, le))),
    BtfErrorCode.BadSection,
  );
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint32(relHdr + sh.link, 4, le))), BtfErrorCode.BadSection);
  expectElfError(() => parseElf(mutate(b, (dv) => dv.setUint32(relHdr + sh.info, 4000, le))), BtfErrorCode.BadSection);
  e = expectElfError(
    () => parseElf(mutate(b, (dv) => dv.setUint32(rel.offset + 8 + 4, 9999, le))),
    BtfErrorCode.BadSection,
  );
  assert.match(e.message, /^section \.relxdp: relocation 0: symbol index 9999 is out of range \(23 symbols\)/);
});

test('random corruption of headers and tables: parse or ElfError, and what parses can be written', () => {
  let seed = 0x9e3779b9;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  for (const o of [small, smallBe]) {
    const elf = parseElf(o.bytes);
    // Where lies do damage: the ELF header, the section header table, the symbol and relocation tables, the name table.
    const regions: [number, number][] = [
      [0, 64],
      [elf.shoff, elf.shoff + elf.sections.length * 64],
      [elf.symtab!.offset, elf.symtab!.offset + elf.symtab!.size],
      ...elf.relocations.map((r): [number, number] => [r.section.offset, r.section.offset + r.section.size]),
    ];
    let parsed = 0;
    for (let iter = 0; iter < fuzzRuns(3000); iter++) {
      const b = o.bytes.slice();
      const edits = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < edits; k++) {
        const [lo, hi] = regions[Math.floor(rand() * regions.length)]!;
        const at = lo + Math.floor(rand() * (hi - lo));
        const r = rand();
        b[at] = r < 0.3 ? 0xff : r < 0.5 ? 0 : r < 0.6 ? b[at]! ^ 0x80 : Math.floor(rand() * 256);
      }
      let elf2: ElfFile | undefined;
      try {
        elf2 = budget.time(`random corruption ${iter}`, () => stats.call('parseElf', () => parseElf(b)));
      } catch (e) {
        if (!isElfError(e)) throw e;
      }
      if (elf2 === undefined) continue;
      parsed++;
      const s = elf2.sections.find((x) => x.name === '.BTF' && x.type !== SHT.NOBITS && x.type !== SHT.NULL);
      let out: Uint8Array | undefined;
      try {
        const e2 = elf2;
        out = stats.call('replaceSections', () =>
          replaceSections(e2, new Map([[s ? '.BTF' : '.btfkit', new Uint8Array(37)]])),
        );
      } catch (e) {
        if (!isElfError(e)) throw e;
      }
      if (out !== undefined) {
        const o2 = out;
        stats.call('parseElf', () => parseElf(o2));
      }
    }
    assert.ok(parsed > 100, `some mutations still parse (${parsed})`);
  }
});

budget.check();

test.run();
