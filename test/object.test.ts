/**
 * BPF objects as a whole: lib/object.ts (`openObject`, `writeObject`) and the
 * object commands `sections`, `extract`, `attach`, and `dump`/`stats`/
 * `convert` over every ELF flavour (ELF32/ELF64, both byte orders).
 *
 * Proof by round trip over every object the project holds (both byte
 * orders): extract the BTF sections, attach them back (replacing, and adding
 * to an object without them), and compare every section's bytes, bpftool's
 * dump, `readelf -a`/`llvm-readelf-19 -a` (no new warnings) and what
 * `bpftool gen object` (libbpf's linker) makes of the result.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { isBtfError, isInputError, type BtfError } from '../lib/errors.js';
import { EM, parseElf, replaceSections, SHT, type ElfFile } from '../lib/elf/index.js';
import { openObject, writeObject, parseBtf } from '../lib/object/open.js';
import { rawDump } from '../lib/dump/raw.js';
import { sectionFlagLetters, sectionTypeName } from '../cli/commands/sections.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { ROOT, isUsageError, readBytes, readText, repoPath, runCli, sameBytes, text } from './helpers/golden.js';
import { allObjectPaths } from './helpers/objects.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

// ------------------------------------------------------------- fixtures

interface Obj {
  obj: string;
  path: string;
  bytes: Uint8Array;
  elf: ElfFile;
  bigEndian: boolean;
  /** bpftool's dump of the object, committed in golden/expected, if any. */
  expectedRaw: string | undefined;
}

function load(path: string): Obj {
  const obj = relative(ROOT, path);
  const bytes = readBytes(path);
  const elf = parseElf(bytes, { file: obj });
  let exp: string | undefined;
  const m = /^golden\/obj\/(.*)\.o$/.exec(obj);
  const cand = m
    ? repoPath('golden', 'expected', `${m[1]}.raw.txt`)
    : obj === 'golden/expected/merge/linked.o'
      ? repoPath('golden', 'expected', 'merge', 'linked.raw.txt')
      : '';
  if (cand !== '' && existsSync(cand)) exp = readText(cand);
  return { obj, path, bytes, elf, bigEndian: elf.endianness === 'big', expectedRaw: exp };
}

const objects: Obj[] = allObjectPaths().map(load);
const FIX_DIR = repoPath('test', 'fixtures', 'ext');
const byName = new Map(objects.map((o) => [o.obj, o]));
const xdp = byName.get('golden/obj/xdp_pkt_counter.o')!;
const xdpBE = byName.get('golden/obj/xdp_pkt_counter.bpfeb.o')!;
const xdpRaw = xdp.expectedRaw!;

const tmp = scratchDir('object');
let tmpN = 0;
function tmpPath(hint: string): string {
  return join(tmp, `${tmpN++}-${hint.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
}
function tmpFile(bytes: Uint8Array, hint: string): string {
  const p = tmpPath(hint);
  writeFileSync(p, bytes);
  return p;
}

/** Returns true when `tool` exists; otherwise marks the test skipped (`what` not checked against the tool). */
function need(tool: string, what: string): boolean {
  if (hasTool(tool)) return true;
  skip(`${tool} not found: ${what} not checked against it`);
  return false;
}

function section(elf: ElfFile, name: string): Uint8Array {
  const s = elf.section(name);
  if (s === undefined) throw new Error(`no ${name}`);
  return elf.sectionData(s);
}

/** Fails unless every section of `before` but `except` is in `after` (by name) with the same header fields and bytes. */
function assertSectionsKept(
  what: string,
  before: ElfFile,
  after: ElfFile,
  except: ReadonlySet<string> = new Set(),
): void {
  for (const s of before.sections) {
    if (s.index === 0 || except.has(s.name)) continue;
    const t = after.section(s.name);
    assert.ok(t, `${what}: ${s.name} kept`);
    if (!t) continue;
    assert.equal(
      [t.type, t.flags, t.addralign, t.entsize, t.size],
      [s.type, s.flags, s.addralign, s.entsize, s.size],
      `${what}: ${s.name} header`,
    );
    assert.ok(sameBytes(before.sectionData(s), after.sectionData(t)), `${what}: ${s.name} bytes`);
    if (s.addralign > 1 && t.type !== SHT.NOBITS) assert.is(t.offset % s.addralign, 0, `${what}: ${s.name} aligned`);
  }
}

/** The symbols of `elf` with their section given by name, so that renumbered sections compare equal. */
function symbolsByName(elf: ElfFile): string[] {
  return elf.symbols.map((s) => {
    const sec = s.shndx > 0 && s.shndx < 0xff00 ? elf.sections[s.shndx]?.name : `#${s.shndx}`;
    return `${s.name} ${s.value} ${s.size} ${s.bind} ${s.type} ${s.visibility} ${sec}`;
  });
}

/** What the two readelfs print on stderr for `files` (warnings), with the file names blanked. */
function readelfWarnings(...files: string[]): string {
  let all = '';
  for (const tool of ['llvm-readelf-19', 'readelf']) {
    if (!need(tool, 'acceptance of written objects')) continue;
    const r = run(tool, ['-a', '-W', ...files]);
    assert.is(r.status, 0, `${tool} -a: ${r.stderr}`);
    all += files.reduce((t, f) => t.split(f).join('FILE'), r.stderr);
  }
  return all;
}

function bpftoolDump(file: string): string | undefined {
  if (!need('bpftool', 'dumps of written objects')) return undefined;
  const r = run('bpftool', ['btf', 'dump', 'file', file]);
  assert.is(r.status, 0, r.stderr);
  return text(r.stdout);
}

/** `bpftool gen object` (libbpf's static linker) of one object: the linked bytes, or undefined when it refuses. */
function link(file: string): Uint8Array | undefined {
  const out = tmpPath(`${basename(file)}.linked.o`); // never next to the input: golden/ is read-only
  const r = run('bpftool', ['gen', 'object', out, file]);
  return r.status === 0 ? readBytes(out) : undefined;
}

async function cli(args: string[]): Promise<{ stdout: Uint8Array; stderr: string }> {
  const r = await runCli(args);
  if (r.error !== undefined) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr };
}

async function usageError(args: string[]): Promise<Error> {
  const r = await runCli(args);
  assert.ok(isUsageError(r.error), `${args.join(' ')}: expected a usage error, got ${String(r.error)}`);
  return r.error as Error;
}

async function cliError(args: string[]): Promise<BtfError> {
  const r = await runCli(args);
  assert.ok(isInputError(r.error), `${args.join(' ')}: expected an input error, got ${String(r.error)}`);
  return r.error as BtfError;
}

// ------------------------------------------------------------- lib/object.ts

test('openObject / writeObject: unchanged objects are written back byte for byte', () => {
  for (const o of objects) {
    const obj = openObject(o.bytes, { file: o.obj });
    assert.ok(obj.btf, `${o.obj}: .BTF`);
    assert.is(obj.fixup, null);
    assert.ok(sameBytes(writeObject(obj), o.bytes), o.obj);
    assert.ok(sameBytes(writeObject(obj, { btf: obj.btf!, ext: obj.ext }), o.bytes), `${o.obj}: explicit`);
  }
  const stripped = writeObject(openObject(xdp.bytes), { btf: null, ext: null });
  const s = openObject(stripped);
  assert.equal([s.btf, s.ext], [null, null]);
  assert.is(s.elf.section('.rel.BTF'), undefined, 'their relocation sections go too');
  assert.throws(
    () => openObject(stripped, { fixup: true }),
    (e: unknown) => isBtfError(e) && /no \.BTF section/.test((e as Error).message),
  );
  const back = writeObject(s, { btf: openObject(xdp.bytes).btf!, ext: openObject(xdp.bytes).ext });
  const backElf = parseElf(back);
  // Removing sections renumbers the later ones: .symtab's st_shndx follow.
  assertSectionsKept('re-added', xdp.elf, backElf, new Set(['.rel.BTF', '.rel.BTF.ext', '.symtab']));
  assert.equal(symbolsByName(backElf), symbolsByName(xdp.elf));
});

test("openObject({fixup}) is fixupDatasecs over the object's own sections", () => {
  const o = openObject(byName.get('golden/obj/global_data_layout.o')!.bytes, { fixup: { externs: false } });
  assert.ok(o.fixup?.changed);
  assert.ok(o.fixup!.datasecs.every((d) => d.size > 0));
  assert.is(o.btf!.type(o.btf!.findByName('.bss', 15)!).size, 384);
});

// ------------------------------------------------------------- sections

/** The section table of `llvm-readelf-19 -S -W`. */
function readelfSections(file: string): Array<{
  index: number;
  name: string;
  type: string;
  off: number;
  size: number;
  es: number;
  flags: string;
  lk: number;
  inf: number;
  al: number;
}> {
  const r = run('llvm-readelf-19', ['-S', '-W', file]);
  assert.is(r.status, 0, r.stderr);
  const out = [];
  for (const line of text(r.stdout).split('\n')) {
    const m =
      /^\s*\[\s*(\d+)\]\s(.*?)\s+(\S+)\s+([0-9a-f]{8,16})\s([0-9a-f]+)\s([0-9a-f]+)\s([0-9a-f]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(
        line,
      );
    if (!m) continue;
    out.push({
      index: Number(m[1]),
      name: m[2]!.trim(),
      type: m[3]!,
      off: parseInt(m[5]!, 16),
      size: parseInt(m[6]!, 16),
      es: parseInt(m[7]!, 16),
      flags: m[8]!,
      lk: Number(m[9]),
      inf: Number(m[10]),
      al: Number(m[11]),
    });
  }
  return out;
}

test('sections -j agrees with llvm-readelf-19 -S on every object', async () => {
  const tool = need('llvm-readelf-19', 'the section table');
  for (const o of objects) {
    const rep = JSON.parse(text((await cli(['sections', '-j', o.path])).stdout)) as {
      class: number;
      endian: string;
      sections: Array<{
        index: number;
        name: string;
        type: string;
        flags: string;
        offset: number;
        size: number;
        entsize: number;
        link: number;
        info: number;
        addralign: number;
      }>;
      btf: { size: number; types: number } | null;
      btf_ext: { func_info: number } | null;
    };
    assert.is(rep.class, 64);
    assert.is(rep.endian, o.bigEndian ? 'big' : 'little');
    assert.is(rep.sections.length, o.elf.sections.length);
    const btf = openObject(o.bytes).btf!;
    assert.equal([rep.btf?.size, rep.btf?.types], [o.elf.section('.BTF')!.size, btf.nrTypes], o.obj);
    if (!tool) continue;
    const want = readelfSections(o.path);
    assert.is(want.length, rep.sections.length, `${o.obj}: section count`);
    for (const w of want) {
      const g = rep.sections[w.index]!;
      const type = w.type === 'LLVM_ADDRSIG' ? 'LLVM_ADDRSIG' : w.type;
      assert.equal(
        [g.name, g.type, g.offset, g.size, g.entsize, g.flags, g.link, g.info, g.addralign],
        [w.name, type, w.off, w.size, w.es, w.flags, w.lk, w.inf, w.al],
        `${o.obj}: [${w.index}] ${w.name}`,
      );
    }
  }
});

test('sections: the table and the BTF summary', async () => {
  const out = text((await cli(['sections', xdp.path])).stdout);
  const lines = out.split('\n');
  assert.match(lines[0]!, /xdp_pkt_counter\.o: ELF64 little-endian REL, machine BPF, 31 sections$/);
  assert.match(lines[1]!, /^\[Nr\] +Name +Type +Address +Off +Size +ES +Flg +Lk +Inf +Al$/);
  assert.match(out, /\n\[20\] +\.BTF +PROGBITS +0{16} +0011c0 +000965 +00 +0 +0 +4\n/);
  assert.match(out, /\nBTF: +\.BTF \[20\] 2405 bytes, little-endian, 51 types, 1277 string bytes\n/);
  assert.match(
    out,
    /\nBTF\.ext: \.BTF\.ext \[22\] 616 bytes, little-endian, \d+ func_info, \d+ line_info, 0 core_relo records\n$/,
  );
  const none = tmpFile(writeObject(openObject(xdp.bytes), { btf: null, ext: null }), 'none.o');
  assert.match(text((await cli(['sections', none])).stdout), /\nBTF: +none\nBTF\.ext: none\n$/);
  // A broken .BTF.ext is reported, not fatal.
  const bad = tmpFile(replaceSections(xdp.elf, new Map([['.BTF.ext', new Uint8Array(12)]])), 'bad.o');
  assert.match(
    text((await cli(['sections', bad])).stdout),
    /\nBTF\.ext: \.BTF\.ext \[22\] 12 bytes: invalid: \.BTF\.ext: bad magic/,
  );
  assert.equal(
    [
      sectionFlagLetters(0x80000002),
      sectionFlagLetters(0x200003),
      sectionFlagLetters(0x100000),
      sectionTypeName(0x6fff4c03),
      sectionTypeName(0x12345),
    ],
    ['AE', 'WAR', 'o', 'LLVM_ADDRSIG', '0x12345'],
  );
  const e = await cliError([
    'sections',
    repoPath('test', 'fixtures', 'ext', 'fixup', 'golden__obj__xdp_pkt_counter.btf'),
  ]);
  assert.match(e.message, /elf header|ELF/i);
});

// ------------------------------------------------------------- extract

test('extract: the raw sections of every object, byte for byte (and as llvm-objcopy dumps them)', async () => {
  const objcopy = need('llvm-objcopy-19', 'extracted sections');
  for (const o of objects) {
    const btf = tmpPath(`${basename(o.obj)}.btf`);
    const ext = tmpPath(`${basename(o.obj)}.ext`);
    const hasExt = o.elf.section('.BTF.ext') !== undefined;
    await cli(['extract', o.path, '-o', btf, ...(hasExt ? ['--ext', ext] : [])]);
    assert.ok(sameBytes(readBytes(btf), section(o.elf, '.BTF')), `${o.obj}: .BTF`);
    if (hasExt) assert.ok(sameBytes(readBytes(ext), section(o.elf, '.BTF.ext')), `${o.obj}: .BTF.ext`);
    if (objcopy) {
      const d = tmpPath('dump');
      const r = run('llvm-objcopy-19', ['--dump-section', `.BTF=${d}`, o.path, tmpPath('o')]);
      assert.is(r.status, 0, r.stderr);
      assert.ok(sameBytes(readBytes(d), readBytes(btf)), `${o.obj}: llvm-objcopy agrees`);
    }
  }
});

test("extract --fixup writes libbpf's fixed-up BTF; -o - writes to stdout; --object a BTF-only object", async () => {
  const index = readText(join(FIX_DIR, 'fixup', 'index.tsv'))
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  let n = 0;
  for (const [obj = '', how = ''] of index) {
    if (how === 'none' || !byName.has(obj)) continue;
    const want = readBytes(join(FIX_DIR, 'fixup', `${obj.replace(/\.o$/, '').replace(/\//g, '__')}.btf`));
    const r = await cli(['extract', repoPath(obj), '-o', '-', '--fixup']);
    assert.ok(sameBytes(r.stdout, want), obj);
    n++;
  }
  assert.ok(n >= 25, `${n} objects`);
  for (const o of [xdp, xdpBE]) {
    const f = tmpPath('btf.o');
    await cli(['extract', o.path, '-o', f, '--object']);
    const e = parseElf(readBytes(f));
    assert.is(e.endianness, o.elf.endianness, "the object takes the BTF's byte order");
    assert.ok(sameBytes(section(e, '.BTF'), section(o.elf, '.BTF')));
    assert.ok(sameBytes(section(e, '.BTF.ext'), section(o.elf, '.BTF.ext')));
    assert.is(readelfWarnings(f), '');
    const d = bpftoolDump(f);
    if (d !== undefined) assert.fixture(d, xdpRaw);
  }
});

test('extract: errors', async () => {
  const none = tmpFile(writeObject(openObject(xdp.bytes), { btf: null, ext: null }), 'none.o');
  assert.match((await cliError(['extract', none, '-o', tmpPath('x')])).message, /no \.BTF section/);
  const noExt = tmpFile(writeObject(openObject(xdp.bytes), { ext: null }), 'noext.o');
  assert.match(
    (await cliError(['extract', noExt, '-o', tmpPath('x'), '--ext', tmpPath('y')])).message,
    /no \.BTF\.ext section/,
  );
  const raw = tmpFile(section(xdp.elf, '.BTF'), 'raw.btf');
  assert.match((await cliError(['extract', raw, '-o', tmpPath('x')])).message, /not an ELF object/);
  const same = tmpPath('same');
  assert.match((await usageError(['extract', xdp.path, '-o', same, '--ext', same])).message, /same file/);
  const unlinked = byName.get('golden/obj/merge/merge_cgroup.o')!;
  assert.match(
    (await cliError(['extract', unlinked.path, '-o', tmpPath('x'), '--fixup'])).message,
    /failed to find BTF for extern 'submit_event'/,
  );
  await cli(['extract', unlinked.path, '-o', tmpPath('x'), '--fixup-mode', 'datasec']);
});

// ------------------------------------------------------------- attach: round trips

test('extract then attach back, over every object: same sections, same dumps, readelf content, same link', async () => {
  let linked = 0;
  // readelf runs once over all results (llvm-readelf takes 70 ms to start), against a run over the inputs.
  const originals: string[] = [];
  const results: string[] = [];
  for (const o of objects) {
    const hasExt = o.elf.section('.BTF.ext') !== undefined;
    const btf = tmpPath('x.btf');
    const ext = tmpPath('x.ext');
    await cli(['extract', o.path, '-o', btf, ...(hasExt ? ['--ext', ext] : [])]);
    const extArgs = hasExt ? ['--ext', ext] : [];

    // 1. Replacing with the same bytes gives the same file.
    const same = tmpPath('same.o');
    await cli(['attach', o.path, '--btf', btf, ...extArgs, '-o', same]);
    assert.ok(sameBytes(readBytes(same), o.bytes), `${o.obj}: replaced with itself`);

    // 2. Over a stub: the sections are replaced, everything else stays.
    const stubBytes = replaceSections(
      o.elf,
      new Map([['.BTF', new Uint8Array(7)], ...(hasExt ? [['.BTF.ext', new Uint8Array(5)] as const] : [])]),
    );
    const stub = tmpFile(stubBytes, 'stub.o');
    const replaced = tmpPath('replaced.o');
    await cli(['attach', stub, '--btf', btf, ...extArgs, '-o', replaced]);
    const rElf = parseElf(readBytes(replaced));
    assertSectionsKept(`${o.obj} (replaced)`, o.elf, rElf);
    assert.equal(
      rElf.sections.map((s) => s.name),
      o.elf.sections.map((s) => s.name),
      `${o.obj}: same section order`,
    );

    // 3. Added to an object without them: appended, every other section kept.
    const bare = tmpFile(writeObject({ elf: o.elf, btf: null, ext: null }, { btf: null, ext: null }), 'bare.o');
    const added = tmpPath('added.o');
    await cli(['attach', bare, '--btf', btf, ...extArgs, '-o', added]);
    const aElf = parseElf(readBytes(added));
    // .rel.BTF and .rel.BTF.ext went with the sections (libbpf ignores them).
    // Their removal renumbered later sections, so .symtab's st_shndx changed with them.
    // Added sections get the default alignment (4), not what the linker chose (8 in linked.o).
    assertSectionsKept(
      `${o.obj} (added)`,
      o.elf,
      aElf,
      new Set(['.rel.BTF', '.rel.BTF.ext', '.symtab', '.BTF', '.BTF.ext']),
    );
    assert.ok(sameBytes(section(aElf, '.BTF'), section(o.elf, '.BTF')), `${o.obj} (added): .BTF bytes`);
    if (hasExt)
      assert.ok(sameBytes(section(aElf, '.BTF.ext'), section(o.elf, '.BTF.ext')), `${o.obj} (added): .BTF.ext bytes`);
    assert.equal(symbolsByName(aElf), symbolsByName(o.elf), `${o.obj} (added): same symbols`);
    for (const r of o.elf.relocations) {
      if (r.target?.name === '.BTF' || r.target?.name === '.BTF.ext') continue;
      const t = aElf.relocations.find((x) => x.section.name === r.section.name);
      assert.equal(
        [t?.target?.name, t?.symtab?.name, t?.relocations.length],
        [r.target?.name, r.symtab?.name, r.relocations.length],
        `${o.obj}: ${r.section.name} links`,
      );
    }

    for (const f of [replaced, added]) {
      assert.fixture(rawDump(parseBtf(readBytes(f))), rawDump(parseBtf(o.bytes)), `${o.obj}: our dump`);
      const d = bpftoolDump(f);
      if (d !== undefined) assert.fixture(d, o.expectedRaw ?? bpftoolDump(o.path)!, `${o.obj}: bpftool dump`);
    }
    originals.push(o.path, o.path);
    results.push(replaced, added);

    if (!o.bigEndian && need('bpftool', 'linking of written objects')) {
      const want = link(o.path);
      if (want === undefined) continue; // the linker refuses the input itself
      linked++;
      assert.ok(sameBytes(link(replaced) ?? new Uint8Array(0), want), `${o.obj}: links the same (replaced)`);
      assert.ok(sameBytes(link(added) ?? new Uint8Array(0), want), `${o.obj}: links the same (added)`);
    }
  }
  if (hasTool('bpftool')) assert.ok(linked >= 20, `${linked} objects linked`);
  assert.is(readelfWarnings(...results), readelfWarnings(...originals), 'readelf and llvm-readelf: no new warnings');
});

// ------------------------------------------------------------- attach: options

test('attach -i rewrites in place through a temporary file; a failure leaves the input as it was', async () => {
  const dir = mkdtempSync(join(tmp, 'inplace-'));
  const f = join(dir, 'obj.o');
  writeFileSync(f, writeObject(openObject(xdp.bytes), { btf: null, ext: null }));
  const btf = join(dir, 'x.btf');
  writeFileSync(btf, section(xdp.elf, '.BTF'));
  await cli(['attach', f, '--btf', btf, '-i']);
  assert.ok(sameBytes(section(parseElf(readBytes(f)), '.BTF'), section(xdp.elf, '.BTF')));
  const before = readBytes(f);
  const bad = join(dir, 'bad.btf');
  writeFileSync(bad, section(xdp.elf, '.BTF').subarray(0, 100));
  await cliError(['attach', f, '--btf', bad, '-i']);
  assert.ok(sameBytes(readBytes(f), before), 'input untouched');
  assert.equal(readdirSync(dir).sort(), ['bad.btf', 'obj.o', 'x.btf'], 'no temporary file left');
  assert.match((await usageError(['attach', f, '--btf', btf])).message, /give -o OUT, or -i/);
  assert.match(
    (await usageError(['attach', f, '--btf', btf, '-i', '-o', join(dir, 'y')])).message,
    /exclude each other/,
  );
  assert.match((await usageError(['attach', f, '-i'])).message, /nothing to attach/);
});

test('attach: BTF from raw files or other objects; .BTF.ext must match the BTF (--no-check to force)', async () => {
  // BTF from another object (its .BTF taken), with that object's .BTF.ext.
  const out = tmpPath('foreign.o');
  await cli(['attach', xdp.path, '--btf', xdpBE.path, '--ext', xdpBE.path, '-o', out]);
  const e = parseElf(readBytes(out));
  assert.ok(sameBytes(section(e, '.BTF'), section(xdpBE.elf, '.BTF')));
  const mixed = await runCli(['attach', xdp.path, '--btf', xdpBE.path, '--ext', xdpBE.path, '-o', tmpPath('m.o')]);
  // The warning names the object and the file the BTF came from.
  assert.ok(
    mixed.stderr.includes(
      `btfkit: ${xdp.path}: warning: the BTF (${xdpBE.path}) is big-endian, the object little-endian`,
    ),
    mixed.stderr,
  );
  // A raw BTF from convert.
  const raw = tmpPath('conv.btf');
  await cli(['convert', xdp.path, '-o', raw]);
  const out2 = tmpPath('raw.o');
  await cli(['attach', xdp.path, '--btf', raw, '-o', out2]);
  assert.ok(sameBytes(readBytes(out2), xdp.bytes));
  // The object's own .BTF.ext cannot go with much smaller BTF.
  const small = Btf.empty();
  small.addInt('int', 4, 1);
  const smallFile = tmpFile(small.rawData(), 'small.btf');
  const err = await cliError(['attach', xdp.path, '--btf', smallFile, '-o', tmpPath('bad.o')]);
  assert.match(err.message, /\.BTF\.ext refers to (type id|string offset) \d+/);
  await cli(['attach', xdp.path, '--btf', smallFile, '--no-check', '-o', tmpPath('forced.o')]);
  // A bad .BTF.ext is refused before anything is written.
  const badExt = tmpFile(new Uint8Array(12), 'bad.ext');
  assert.match(
    (await cliError(['attach', xdp.path, '--ext', badExt, '-o', tmpPath('x.o')])).message,
    /\.BTF\.ext: bad magic/,
  );
});

test('attach --fixup-mode datasec: the object keeps opening in libbpf, which then fixes it up to the same BTF', async () => {
  const index = readText(join(FIX_DIR, 'fixup', 'index.tsv'))
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const direct = index.filter(([, how]) => how === 'direct').map(([obj]) => obj!);
  const harness = harnessPath() !== null;
  if (!harness) skip(`${harnessSkipReason()}: libbpf not opening attach --fixup results`);
  for (const obj of direct) {
    const o = byName.get(obj);
    if (o === undefined) continue;
    const out = tmpPath('fixed.o');
    await cli(['attach', o.path, '--fixup-mode', 'datasec', '-o', out]);
    const fixed = parseElf(readBytes(out));
    // Sizes are in the object now: no DATASEC but the extern ones has size 0.
    const btf = parseBtf(readBytes(out));
    for (let id = 1; id < btf.typeCount; id++) {
      const t = btf.type(id);
      if (t.kind === 15 && t.name !== '.kconfig' && t.name !== '.ksyms')
        assert.ok(t.size > 0, `${obj}: ${t.name} sized`);
    }
    assertSectionsKept(obj, o.elf, fixed, new Set(['.BTF']));
    if (!harness) continue;
    const r = runHarness(['fixup', out, `${out}.btf`]);
    assert.is(r.status, 0, `${obj}: libbpf opens it: ${r.stderr}`);
    const want = readBytes(join(FIX_DIR, 'fixup', `${obj.replace(/\.o$/, '').replace(/\//g, '__')}.btf`));
    assert.ok(sameBytes(readBytes(`${out}.btf`), want), `${obj}: libbpf's BTF as from the original`);
  }
  // --fixup-mode open writes what libbpf loads, externs resolved; --fixup
  // alone (the one default, 'open') is refused where the modes differ.
  const lsm = byName.get('golden/obj/lsm_exec_guard.o')!;
  const open = tmpPath('open.o');
  const ask = await usageError(['attach', lsm.path, '--fixup', '-o', open]);
  assert.match(ask.message, /9 externs \(\.kconfig\/\.ksyms\), where the modes differ: give --fixup-mode open/);
  const warned = await cli(['attach', lsm.path, '--fixup-mode', 'open', '-o', open]);
  assert.match(warned.stderr, /warning: 9 externs resolved as libbpf's loader does; libbpf cannot open the result/);
  assert.ok(
    sameBytes(
      section(parseElf(readBytes(open)), '.BTF'),
      readBytes(join(FIX_DIR, 'fixup', 'golden__obj__lsm_exec_guard.btf')),
    ),
  );
});

// ------------------------------------------------------------- every ELF flavour

/** A minimal ELF32 relocatable object: `.text`, `.data`, the given sections, `.shstrtab`. */
function makeElf32(le: boolean, machine: number, extra: Array<[string, Uint8Array]> = []): Uint8Array {
  const secs: Array<[string, number, number, Uint8Array]> = [
    ['.text', SHT.PROGBITS, 6, new Uint8Array([1, 2, 3, 4])],
    ['.data', SHT.PROGBITS, 3, new Uint8Array([5, 6, 7, 8, 9])],
    ...extra.map(([n, d]): [string, number, number, Uint8Array] => [n, SHT.PROGBITS, 0, d]),
  ];
  const names = [0];
  const nameOff: number[] = [];
  for (const [n] of [...secs, ['.shstrtab'] as const]) {
    nameOff.push(names.length);
    for (const ch of new TextEncoder().encode(n)) names.push(ch);
    names.push(0);
  }
  const shstr = Uint8Array.from(names);
  let off = 52;
  const offs: number[] = [];
  for (const [, , , d] of secs) {
    off = Math.ceil(off / 4) * 4;
    offs.push(off);
    off += d.length;
  }
  const strOff = off;
  off += shstr.length;
  const shoff = Math.ceil(off / 4) * 4;
  const n = secs.length + 2;
  const out = new Uint8Array(shoff + n * 40);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, le ? 1 : 2, 1]);
  dv.setUint16(16, 1, le);
  dv.setUint16(18, machine, le);
  dv.setUint32(20, 1, le);
  dv.setUint32(32, shoff, le);
  dv.setUint16(40, 52, le);
  dv.setUint16(46, 40, le);
  dv.setUint16(48, n, le);
  dv.setUint16(50, n - 1, le);
  const hdr = (i: number, name: number, type: number, flags: number, o: number, size: number, align: number): void => {
    const h = shoff + i * 40;
    dv.setUint32(h, name, le);
    dv.setUint32(h + 4, type, le);
    dv.setUint32(h + 8, flags, le);
    dv.setUint32(h + 16, o, le);
    dv.setUint32(h + 20, size, le);
    dv.setUint32(h + 32, align, le);
  };
  secs.forEach(([, type, flags, d], i) => {
    out.set(d, offs[i]!);
    hdr(i + 1, nameOff[i]!, type, flags, offs[i]!, d.length, 4);
  });
  out.set(shstr, strOff);
  hdr(n - 1, nameOff[secs.length]!, SHT.STRTAB, 0, strOff, shstr.length, 1);
  return out;
}

test('dump, stats, convert, sections, extract, attach and ext accept ELF32 and ELF64, both byte orders', async () => {
  const flavours: Array<{ what: string; file: string; src: Obj }> = [];
  for (const [le, machine, what] of [
    [true, EM.I386, 'ELF32 little-endian'],
    [false, EM.PPC, 'ELF32 big-endian'],
  ] as const) {
    const src = le ? xdp : xdpBE;
    // Built bare, then given its BTF by `attach` (which adds the sections).
    const bare = tmpFile(makeElf32(le, machine), 'elf32.o');
    const withBtf = tmpPath('elf32-btf.o');
    const btf = tmpFile(section(src.elf, '.BTF'), 'x.btf');
    const ext = tmpFile(section(src.elf, '.BTF.ext'), 'x.ext');
    await cli(['attach', bare, '--btf', btf, '--ext', ext, '-o', withBtf]);
    const e = parseElf(readBytes(withBtf));
    assert.equal([e.elfClass, e.littleEndian], [32, le], what);
    assertSectionsKept(what, parseElf(readBytes(bare)), e, new Set(['.shstrtab']));
    assert.is(readelfWarnings(withBtf), '', `${what}: readelf`);
    flavours.push({ what, file: withBtf, src });
  }
  flavours.push(
    { what: 'ELF64 little-endian', file: xdp.path, src: xdp },
    { what: 'ELF64 big-endian', file: xdpBE.path, src: xdpBE },
  );
  // Objects clang-19 builds for other machines, with BTF added.
  if (need('clang-19', 'objects for other machines')) {
    const c = tmpPath('m.c');
    writeFileSync(c, 'int counter = 3;\nint get(int x) { return counter + x; }\n');
    for (const [target, src] of [
      ['i386-linux-gnu', xdp],
      ['x86_64-linux-gnu', xdp],
      ['powerpc-linux-gnu', xdpBE],
      ['powerpc64-linux-gnu', xdpBE],
    ] as const) {
      const o = tmpPath(`${target}.o`);
      const r = run('clang-19', ['-target', target, '-O2', '-c', c, '-o', o]);
      if (r.status !== 0) {
        skip(`clang-19 cannot build for ${target}: ${r.stderr.split('\n')[0]}`);
        continue;
      }
      const withBtf = tmpPath(`${target}-btf.o`);
      await cli(['attach', o, '--btf', src.path, '--ext', src.path, '-o', withBtf]);
      assert.is(readelfWarnings(withBtf), readelfWarnings(o), `${target}: readelf`);
      flavours.push({ what: target, file: withBtf, src });
    }
  }
  const stats = text((await cli(['stats', '-j', xdp.path])).stdout);
  const statsBE = text((await cli(['stats', '-j', xdpBE.path])).stdout);
  const extJ = text((await cli(['ext', '-j', xdp.path])).stdout);
  for (const f of flavours) {
    assert.fixture(text((await cli(['dump', f.file])).stdout), xdpRaw, `${f.what}: dump`);
    assert.is(text((await cli(['stats', '-j', f.file])).stdout), f.src === xdp ? stats : statsBE, `${f.what}: stats`);
    const conv = tmpPath('conv.btf');
    await cli(['convert', f.file, '-o', conv]);
    assert.ok(sameBytes(readBytes(conv), section(f.src.elf, '.BTF')), `${f.what}: convert`);
    const ex = tmpPath('ex.btf');
    await cli(['extract', f.file, '-o', ex]);
    assert.ok(sameBytes(readBytes(ex), section(f.src.elf, '.BTF')), `${f.what}: extract`);
    const rep = JSON.parse(text((await cli(['sections', '-j', f.file])).stdout)) as { btf: { types: number } };
    assert.is(rep.btf.types, 51, `${f.what}: sections`);
    if (f.src === xdp) assert.is(text((await cli(['ext', '-j', f.file])).stdout), extJ, `${f.what}: ext`);
  }
  assert.ok(flavours.length >= 4);
});

test('openObject: object name, a malformed .BTF thrown or recorded, layouts on first use', () => {
  const o = openObject(xdp.bytes, { file: 'dir/xdp_pkt_counter.bpf.o' });
  assert.is(o.name, 'xdp_pkt_counter');
  assert.is(openObject(xdp.bytes, { file: 'x.o', name: 'other' }).name, 'other');
  assert.ok(o.layouts.size > 0);
  assert.is(o.layouts, o.layouts, 'computed once');
  // Corrupt the BTF magic inside .BTF: the ELF stays readable.
  const bad = xdp.bytes.slice();
  const at = o.elf.section('.BTF')!.offset;
  bad[at] = bad[at]! ^ 0xff;
  assert.throws(
    () => openObject(bad, { file: 'bad.o' }),
    (e: unknown) => isBtfError(e) && (e as BtfError).file === 'bad.o',
  );
  const r = openObject(bad, { file: 'bad.o', badBtf: 'record' });
  assert.is(r.btf, null);
  assert.match(r.btfProblem ?? '', /^\.BTF: /);
  assert.is(r.layouts.size, 0);
  assert.is(o.btfProblem, undefined);
});

test.run();
