/**
 * `.BTF.ext` (lib/ext.ts) and `btfkit ext`: round trips over every object,
 * the records checked against the ELF symbols and the C sources, CO-RE
 * relocations rendered as libbpf renders them (checked against bpftool's
 * libbpf log, `bpftool -d gen min_core_btf`), and a malformed-input suite
 * whose verdicts must match libbpf 1.1.2's `btf_ext__new` (through the
 * harness's `dedup-ext`, which opens the object with `btf__parse_elf`).
 *
 * Regenerate the committed CO-RE expectations (needs bpftool and a kernel
 * BTF): test/fixtures/ext/regen.sh
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Btf } from '../lib/btf.js';
import { isBtfError, type BtfError } from '../lib/errors.js';
import { BtfExt, CORE_RELO_KINDS } from '../lib/ext.js';
import { replaceSections, STB, STT, type ElfFile } from '../lib/elf/index.js';
import { BTF_KIND_FUNC } from '../lib/kinds.js';
import { parseCoreSpec } from '../lib/core-spec.js';
import { openObject } from '../lib/object/open.js';
import { extReport, type ExtReport } from '../cli/commands/ext.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { ROOT, readBytes, readText, repoPath, runCli, sameBytes, text, VMLINUX, hasVmlinux } from './helpers/golden.js';
import { allObjectPaths } from './helpers/objects.js';
import { hasTool, run } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

// ------------------------------------------------------------- fixtures

const FIX_DIR = repoPath('test', 'fixtures', 'ext');
const CORE_DIR = join(FIX_DIR, 'core');
const REGEN = process.env['BTFKIT_REGEN_FIXTURES'] === '1';
/** The malformed .BTF.ext cases' parses, in all (well under 0.1 s on a busy 2-core machine). */
const budget = new TimeBudget('ext', 2_000);

interface Obj {
  obj: string;
  stem: string;
  bytes: Uint8Array;
  elf: ElfFile;
  btf: Btf;
  ext: BtfExt | null;
  bigEndian: boolean;
}

function load(path: string): Obj {
  const obj = relative(ROOT, path);
  const bytes = readBytes(path);
  const o = openObject(bytes, { file: obj });
  return {
    obj,
    stem: obj.replace(/\.o$/, '').replace(/\//g, '__'),
    bytes,
    elf: o.elf,
    btf: o.btf!,
    ext: o.ext,
    bigEndian: o.elf.endianness === 'big',
  };
}

const objects: Obj[] = allObjectPaths().map(load);
const withExt = objects.filter((o) => o.ext !== null);
const byName = new Map(objects.map((o) => [o.obj, o]));
function obj(name: string): Obj {
  const o = byName.get(name);
  if (o === undefined) throw new Error(`no object ${name}`);
  return o;
}
const coreKinds = obj('golden/obj/ext/core_kinds.o');
const xdp = obj('golden/obj/xdp_pkt_counter.o');

/** Sources by base name: golden/src/**. */
const sources = new Map<string, string[]>();
(function walk(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.c') || e.name.endsWith('.h')) sources.set(e.name, readText(p).split('\n'));
  }
})(repoPath('golden', 'src'));

const tmp = scratchDir('ext');
let tmpN = 0;
function tmpFile(bytes: Uint8Array, hint: string): string {
  const p = join(tmp, `${tmpN++}-${hint.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  writeFileSync(p, bytes);
  return p;
}

/** Our CO-RE lines, as libbpf's debug log prints them: `prog 'SEC': relo #N: SPEC`. */
function coreLines(o: Obj): string[] {
  const perSec = new Map<string, number>();
  return o.ext!.coreRelos(o.btf).map((r) => {
    const n = perSec.get(r.section) ?? 0;
    perSec.set(r.section, n + 1);
    return `prog '${r.section}': relo #${n}: ${parseCoreSpec(o.btf, r.typeId, r.access, CORE_RELO_KINDS.indexOf(r.kind)).text}`;
  });
}

/** What bpftool's libbpf logs for the same relocations (`bpftool -d gen min_core_btf`). */
function bpftoolCoreLines(o: Obj): string[] {
  const f = tmpFile(o.bytes, basename(o.obj));
  const r = run('bpftool', ['-d', 'gen', 'min_core_btf', VMLINUX, `${f}.min.btf`, f]);
  return r.stderr
    .split('\n')
    .filter((l) => /^libbpf: prog '.*': relo #\d+: </.test(l))
    .map((l) => l.replace(/^libbpf: /, ''));
}

const coreObjects = withExt.filter((o) => !o.bigEndian && o.ext!.coreRelo !== null);

if (REGEN) {
  if (!hasTool('bpftool') || !hasVmlinux())
    throw new Error('BTFKIT_REGEN_FIXTURES: needs bpftool and a readable /sys/kernel/btf/vmlinux');
  rmSync(CORE_DIR, { recursive: true, force: true });
  mkdirSync(CORE_DIR, { recursive: true });
  for (const o of coreObjects) writeFileSync(join(CORE_DIR, `${o.stem}.txt`), `${bpftoolCoreLines(o).join('\n')}\n`);
  console.log(`  regenerated ${coreObjects.length} files in ${relative(ROOT, CORE_DIR)}`);
}

// ------------------------------------------------------------- round trips and records

test('every .BTF.ext round-trips to identical bytes, both byte orders', () => {
  assert.ok(withExt.length >= 25, `${withExt.length} objects with .BTF.ext`);
  assert.ok(withExt.some((o) => o.bigEndian) && withExt.some((o) => !o.bigEndian));
  for (const o of withExt) {
    const sec = o.elf.sectionData(o.elf.section('.BTF.ext')!);
    assert.ok(sameBytes(o.ext!.rawData(), sec), o.obj);
    assert.ok(sameBytes(BtfExt.parse(o.ext!.rawData()).rawData(), sec), `${o.obj}: twice`);
    // Visiting every id and offset without changing them changes nothing either.
    o.ext!.visitTypeIds((x) => x);
    o.ext!.visitStrOffs((x) => x);
    assert.ok(sameBytes(o.ext!.rawData(), sec), `${o.obj}: after visits`);
  }
});

test('func_info: each record names a FUNC whose ELF symbol sits at that instruction', () => {
  let n = 0;
  for (const o of withExt) {
    for (const r of o.ext!.funcInfos(o.btf)) {
      assert.is(o.btf.type(r.typeId).kind, BTF_KIND_FUNC, `${o.obj}: ${r.name}`);
      const sec = o.elf.section(r.section);
      assert.ok(sec, `${o.obj}: section ${r.section}`);
      const sym = o.elf.symbols.find(
        (s) => s.type === STT.FUNC && s.shndx === sec!.index && Number(s.value) === r.insnOff,
      );
      if (sym === undefined && o.obj.endsWith('linked.o')) {
        // libbpf's linker keeps the code (and func_info) of every copy of a
        // weak function, but only the symbol of the one that won.
        assert.ok(
          o.elf.symbols.some((s) => s.name === r.name && s.bind === STB.WEAK),
          `${o.obj}: ${r.name} is a weak duplicate`,
        );
        continue;
      }
      assert.is(sym?.name, r.name, `${o.obj}: ${r.section}+${r.insnOff}`);
      n++;
    }
  }
  assert.ok(n >= 60, `${n} func_info records`);
});

test('line_info: file, line and source text agree with the C sources', () => {
  let n = 0;
  for (const o of withExt) {
    for (const r of o.ext!.lineInfos(o.btf)) {
      const lines = sources.get(basename(r.file));
      assert.ok(lines, `${o.obj}: source ${r.file} found`);
      const line = lines![r.line - 1];
      assert.is(line?.trim(), r.text.trim(), `${o.obj}: ${r.file}:${r.line}`);
      assert.ok(r.col <= (line?.length ?? 0) + 1, `${o.obj}: ${r.file}:${r.line}:${r.col} column inside the line`);
      n++;
    }
  }
  assert.ok(n >= 1000, `${n} line_info records`);
});

test('CO-RE relocations render as libbpf renders them (committed bpftool logs)', () => {
  assert.ok(coreObjects.length >= 10);
  let n = 0;
  const kinds = new Set<string>();
  for (const o of coreObjects) {
    const file = join(CORE_DIR, `${o.stem}.txt`);
    assert.ok(existsSync(file), `${file} (run test/fixtures/ext/regen.sh)`);
    const want = readText(file).trimEnd().split('\n');
    assert.equal(coreLines(o), want, o.obj);
    n += want.length;
    for (const r of o.ext!.coreRelos(o.btf)) kinds.add(r.kind);
  }
  assert.equal([...kinds].sort(), [...CORE_RELO_KINDS].sort(), 'every relocation kind covered');
  assert.ok(n >= 200, `${n} relocations`);
});

test('live: bpftool -d gen min_core_btf logs the same specs', () => {
  if (!hasTool('bpftool')) return skip('bpftool not found: CO-RE specs not compared with its libbpf log');
  if (!hasVmlinux()) return skip(`${VMLINUX} not readable: CO-RE specs not compared with bpftool's libbpf log`, 'env');
  for (const o of coreObjects) assert.equal(coreLines(o), bpftoolCoreLines(o), o.obj);
});

test("parseCoreSpec: what libbpf's parser rejects is a BtfError", () => {
  const o = coreKinds;
  const root = o.btf.findByName('btfkit_core')!;
  const bad: Array<[number, string, number, string]> = [
    [root, '', 0, 'empty'],
    [root, ':0', 0, 'leading colon'],
    [root, '0:x', 0, 'not a number'],
    [root, '0:99', 0, 'member out of range'],
    [root, '0:2:3', 0, 'array index out of range'],
    [root, '0:0:1', 0, 'step into an int'],
    [root, '1', 8, 'type-based with access other than 0'],
    [o.btf.findByName('btfkit_state')!, '5', 11, 'enumerator out of range'],
    [root, '0', 11, 'enumerator of a struct'],
    [999999, '0', 0, 'invalid type id'],
    [root, Array(65).fill('0').join(':'), 0, 'more than 64 steps'],
  ];
  for (const [id, access, kind, what] of bad) {
    let err: unknown;
    try {
      parseCoreSpec(o.btf, id, access, kind);
    } catch (e) {
      err = e;
    }
    assert.ok(isBtfError(err), `${what}: ${String(err)}`);
  }
  // A flexible array member may be indexed past its (zero) length.
  assert.is(
    parseCoreSpec(o.btf, root, '0:4:5', 0).text,
    `<byte_off> [${root}] struct btfkit_core.tail[5] (0:4:5 @ offset 69)`,
  );
});

// ------------------------------------------------------------- btfkit ext

test('btfkit ext -j: every record, with names, files and specs; big-endian like its twin', async () => {
  for (const o of [xdp, coreKinds, obj('golden/expected/merge/linked.o')]) {
    const r = await runCli(['ext', '-j', repoPath(o.obj)]);
    assert.is(r.error, undefined, String(r.error));
    const rep = JSON.parse(text(r.stdout)) as ExtReport;
    assert.equal(rep, JSON.parse(JSON.stringify(extReport(o.ext!, o.btf))));
    assert.is(rep.func_info?.records.length, o.ext!.funcInfos(o.btf).length);
    assert.is(rep.line_info?.records.length, o.ext!.lineInfos(o.btf).length);
    for (const rec of rep.func_info?.records ?? []) assert.is(rec.insn * 8, rec.insn_off);
  }
  const ck = JSON.parse(text((await runCli(['ext', '-j', repoPath(coreKinds.obj)])).stdout)) as ExtReport;
  assert.is(ck.core_relo?.rec_size, 16);
  const first = ck.core_relo?.records[0];
  assert.equal(first && { type: first.type, access: first.access, kind: first.kind }, {
    type: 'struct btfkit_core',
    access: '0:2:2:1:3',
    kind: 'byte_off',
  });
  assert.match(
    first?.spec ?? '',
    /^<byte_off> \[\d+\] struct btfkit_core\.arr\[2\]\.b\[3\] \(0:2:2:1:3 @ offset 50\)$/,
  );
  // clang lays code out differently per byte order: compare what does not depend on it.
  for (const twin of ['xdp_pkt_counter', 'xdp_dispatch_tailcall', 'tc_flow_classifier']) {
    const le = JSON.parse(
      text((await runCli(['ext', '-j', repoPath('golden', 'obj', `${twin}.o`)])).stdout),
    ) as ExtReport;
    const be = JSON.parse(
      text((await runCli(['ext', '-j', repoPath('golden', 'obj', `${twin}.bpfeb.o`)])).stdout),
    ) as ExtReport;
    const funcs = (r: ExtReport) => r.func_info?.records.map((x) => [x.section, x.name, x.type_id]);
    const lines = (r: ExtReport) =>
      [...new Set(r.line_info?.records.map((x) => `${x.file}:${x.line} ${x.source}`))].sort();
    assert.equal(funcs(be), funcs(le), `${twin}: func_info`);
    assert.equal(lines(be), lines(le), `${twin}: line_info`);
  }
  assert.is(JSON.parse(text((await runCli(['ext', '-j', repoPath(xdp.obj)])).stdout)).core_relo, null);
});

test('btfkit ext: the tables', async () => {
  const r = await runCli(['ext', repoPath(coreKinds.obj)]);
  assert.is(r.error, undefined, String(r.error));
  const out = text(r.stdout);
  const lines = out.split('\n');
  assert.is(lines[0], 'func_info: 1 records of 8 bytes');
  assert.match(lines[1]!, /^ {2}SECTION +INSN +TYPE_ID +FUNCTION$/);
  assert.match(lines[2]!, /^ {2}tp\/btfkit\/core +0 +\d+ +core_kinds$/);
  assert.match(out, /\nline_info: \d+ records of 16 bytes\n {2}SECTION +INSN +FILE:LINE:COL +SOURCE\n/);
  assert.match(
    out,
    /\n {2}tp\/btfkit\/core +\d+ +\.\/core_kinds\.bpf\.c:\d+:\d+ +results\[0\] = BPF_CORE_READ\(c, arr\[2\]\.b\[3\]\);\n/,
  );
  assert.match(out, /\ncore_relo: 28 records of 16 bytes\n/);
  assert.match(
    out,
    / +\d+ +enum btfkit_state +2 +enumval_value +<enumval_value> \[\d+\] enum btfkit_state::BTFKIT_NEG = -3\n/,
  );
  const x = text((await runCli(['ext', repoPath(xdp.obj)])).stdout);
  assert.match(x, /\ncore_relo: none\n$/);
});

test('btfkit ext: a raw .BTF.ext with --btf; errors', async () => {
  const extFile = tmpFile(xdp.ext!.rawData(), 'x.ext');
  const btfFile = tmpFile(xdp.btf.rawData(), 'x.btf');
  const a = await runCli(['ext', '-j', extFile, '--btf', btfFile]);
  const b = await runCli(['ext', '-j', repoPath(xdp.obj)]);
  assert.is(a.error, undefined, String(a.error));
  assert.ok(sameBytes(a.stdout, b.stdout));
  const noBtf = await runCli(['ext', extFile]);
  assert.ok(isBtfError(noBtf.error) && /needs --btf/.test((noBtf.error as BtfError).message));
  const stripped = tmpFile(replaceSections(xdp.elf, new Map([['.BTF.ext', null]])), 'noext.o');
  const none = await runCli(['ext', stripped]);
  assert.ok(
    isBtfError(none.error) && /no \.BTF\.ext section/.test((none.error as BtfError).message),
    String(none.error),
  );
});

// ------------------------------------------------------------- malformed .BTF.ext

const harness = harnessPath() !== null;

/** libbpf's verdict on an object whose `.BTF.ext` is `ext` (btf__parse_elf with ext), or undefined without the harness. */
function libbpfAccepts(base: Obj, ext: Uint8Array): boolean | undefined {
  if (!harness) return undefined;
  const f = tmpFile(replaceSections(base.elf, new Map([['.BTF.ext', ext]])), 'mal.o');
  const r = runHarness(['dedup-ext', f, `${f}.btf`, `${f}.ext`]);
  return r.status === 0;
}

function tryParse(bytes: Uint8Array): { ok: true } | { ok: false; err: unknown } {
  try {
    BtfExt.parse(bytes);
    return { ok: true };
  } catch (err) {
    return { ok: false, err };
  }
}

/** A copy of `bytes` with 32-bit words set (little-endian). */
function patch(bytes: Uint8Array, words: Array<[number, number]>, length?: number): Uint8Array {
  const out = new Uint8Array(length ?? bytes.length);
  out.set(bytes.subarray(0, Math.min(bytes.length, out.length)));
  const dv = new DataView(out.buffer);
  for (const [off, v] of words) dv.setUint32(off, v >>> 0, true);
  return out;
}

test('every truncation of a .BTF.ext is a BtfError, promptly', () => {
  for (const o of [xdp, coreKinds, obj('golden/obj/xdp_pkt_counter.bpfeb.o')]) {
    const ext = o.ext!.rawData();
    for (let n = 0; n < ext.length; n++) {
      const r = budget.time(`${o.obj} truncated to ${n}`, () => tryParse(ext.subarray(0, n)));
      assert.ok(!r.ok, `${o.obj}: ${n} of ${ext.length} bytes rejected`);
      if (!r.ok) assert.ok(isBtfError(r.err), `${o.obj}: ${n} bytes: ${String(r.err)}`);
    }
  }
});

test('lying headers, lengths, record sizes and counts: BtfErrors, exactly where libbpf 1.1.2 refuses', () => {
  const base = coreKinds;
  const ext = base.ext!.rawData();
  const dv = new DataView(ext.buffer, ext.byteOffset, ext.byteLength);
  const hdrLen = dv.getUint32(4, true);
  const fiOff = hdrLen + dv.getUint32(8, true);
  const fiLen = dv.getUint32(12, true);
  const liOff = hdrLen + dv.getUint32(16, true);
  const crOff = hdrLen + dv.getUint32(24, true);
  const fiSecNum = fiOff + 4 + 4; // num_info of the first func_info section
  const liSecNum = liOff + 4 + 4;
  const crSecNum = crOff + 4 + 4;
  const fiNum = dv.getUint32(fiSecNum, true);
  const cases: Array<[string, Uint8Array, boolean]> = [
    ['unchanged', ext, true],
    ['bad magic', patch(ext, [[0, 0x0100eb9e]]), false],
    [
      'version 2',
      (() => {
        const b = ext.slice();
        b[2] = 2;
        return b;
      })(),
      false,
    ],
    [
      'flags 1',
      (() => {
        const b = ext.slice();
        b[3] = 1;
        return b;
      })(),
      false,
    ],
    ['hdr_len 20, below the minimum', patch(ext, [[4, 20]]), false],
    ['hdr_len past the end', patch(ext, [[4, ext.length + 4]]), false],
    ['hdr_len equal to the size: no data', patch(ext, [[4, 32]], 32), false],
    ['func_info offset not 4-aligned', patch(ext, [[8, dv.getUint32(8, true) + 2]]), false],
    ['func_info past the end', patch(ext, [[12, ext.length]]), false],
    ['func_info length 0xffffffff', patch(ext, [[12, 0xffffffff]]), false],
    ['line_info offset 0xfffffffc', patch(ext, [[16, 0xfffffffc]]), false],
    ['func_info of 3 bytes: no record size', patch(ext, [[12, 3]]), false],
    ['func_info of only a record size', patch(ext, [[12, 4]]), false],
    ['func_info section header cut short', patch(ext, [[12, 8]]), false],
    ['func_info record size 4, below 8', patch(ext, [[fiOff, 4]]), false],
    ['func_info record size 0', patch(ext, [[fiOff, 0]]), false],
    ['func_info record size 10, not a multiple of 4', patch(ext, [[fiOff, 10]]), false],
    ['line_info record size 12, below 16', patch(ext, [[liOff, 12]]), false],
    ['line_info record size 18', patch(ext, [[liOff, 18]]), false],
    ['core_relo record size 12, below 16', patch(ext, [[crOff, 12]]), false],
    ['core_relo record size 0xfffffffc', patch(ext, [[crOff, 0xfffffffc]]), false],
    ['func_info num_info 0', patch(ext, [[fiSecNum, 0]]), false],
    ['line_info num_info 0', patch(ext, [[liSecNum, 0]]), false],
    ['core_relo num_info 0', patch(ext, [[crSecNum, 0]]), false],
    ['func_info num_info huge', patch(ext, [[fiSecNum, 0xffffffff]]), false],
    ['func_info num_info * record size = 2^32', patch(ext, [[fiSecNum, 0x20000000]]), false],
    ['func_info num_info one too many', patch(ext, [[fiSecNum, fiNum + 1]]), false],
    ['line_info num_info 0x40000000', patch(ext, [[liSecNum, 0x40000000]]), false],
    ['func_info one record shorter than its length says', patch(ext, [[fiSecNum, fiNum - 1]]), false],
    [
      'no core_relo: hdr_len 24 with the same offsets',
      patch(ext, [
        [4, 24],
        [8, dv.getUint32(8, true) + 8],
        [16, dv.getUint32(16, true) + 8],
      ]),
      true,
    ],
    [
      'sub-sections of length 0 are absent',
      patch(ext, [
        [20, 0],
        [28, 0],
      ]),
      true,
    ],
    [
      'line_info pointing at func_info: record size 8, below 16',
      patch(ext, [
        [16, dv.getUint32(8, true)],
        [20, fiLen],
      ]),
      false,
    ],
  ];
  for (const [what, bytes, ok] of cases) {
    const r = budget.time(what, () => tryParse(bytes));
    assert.is(r.ok, ok, `${what}: ${r.ok ? 'accepted' : String((r as { err: unknown }).err)}`);
    if (!r.ok) assert.ok(isBtfError(r.err), `${what}: BtfError`);
    if (!r.ok) assert.is((r.err as BtfError).section, '.BTF.ext', `${what}: names .BTF.ext`);
    const lib = libbpfAccepts(base, bytes);
    if (lib === undefined) skip(`${harnessSkipReason()}: libbpf's verdicts on malformed .BTF.ext not compared`);
    else assert.is(lib, r.ok, `${what}: libbpf ${lib ? 'accepts' : 'refuses'} it`);
  }
});

test('larger record sizes than known are accepted and their tails kept, as libbpf does', () => {
  // Rebuild func_info and line_info of xdp_pkt_counter.o with 4 extra bytes per record.
  const src = xdp.ext!;
  const grow = (kind: 'funcInfo' | 'lineInfo'): Uint8Array => {
    const info = src[kind]!;
    const parts: number[] = [info.recSize + 4];
    const dv = new DataView(src.data.buffer, src.data.byteOffset, src.data.byteLength);
    for (const s of info.secs) {
      parts.push(s.secNameOff, s.numInfo);
      for (let r = 0; r < s.numInfo; r++) {
        for (let w = 0; w < info.recSize; w += 4) parts.push(dv.getUint32(s.recs + r * info.recSize + w, true));
        parts.push(0xabcd0000 + r);
      }
    }
    return new Uint8Array(Uint32Array.from(parts).buffer);
  };
  const fi = grow('funcInfo');
  const li = grow('lineInfo');
  const hdr = new Uint8Array(32);
  const h = new DataView(hdr.buffer);
  h.setUint16(0, 0xeb9f, true);
  hdr[2] = 1;
  h.setUint32(4, 32, true);
  h.setUint32(8, 0, true);
  h.setUint32(12, fi.length, true);
  h.setUint32(16, fi.length, true);
  h.setUint32(20, li.length, true);
  const bytes = new Uint8Array(32 + fi.length + li.length);
  bytes.set(hdr);
  bytes.set(fi, 32);
  bytes.set(li, 32 + fi.length);
  const ext = BtfExt.parse(bytes);
  assert.is(ext.funcInfo!.recSize, 12);
  assert.is(ext.lineInfo!.recSize, 20);
  assert.equal(ext.funcInfos(xdp.btf), src.funcInfos(xdp.btf));
  assert.equal(ext.lineInfos(xdp.btf), src.lineInfos(xdp.btf));
  assert.ok(sameBytes(ext.rawData(), bytes));
  const lib = libbpfAccepts(xdp, bytes);
  if (lib === undefined) skip(`${harnessSkipReason()}: libbpf's verdicts on malformed .BTF.ext not compared`);
  else assert.ok(lib, 'libbpf accepts larger records');
});

test("random corruption of the structural words: ours and libbpf's verdicts agree, never a raw error", () => {
  const base = coreKinds;
  const ext = base.ext!.rawData();
  // The words that shape the section: the header, record sizes and section headers.
  const words: number[] = [0, 4, 8, 12, 16, 20, 24, 28];
  for (const info of base.ext!.infos()) {
    words.push(info.secs[0]!.at - 4);
    for (const s of info.secs) words.push(s.at + 4);
  }
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const values = [0, 1, 3, 4, 8, 12, 16, 20, 24, 32, 0x7fffffff, 0xfffffffc, 0xffffffff, ext.length, ext.length - 4];
  let agreed = 0;
  let accepted = 0;
  for (let i = 0; i < fuzzRuns(harness ? 150 : 1000); i++) {
    const at = words[rand(words.length)]!;
    const old = new DataView(ext.buffer, ext.byteOffset).getUint32(at, true);
    const v = rand(2) ? values[rand(values.length)]! : (old + rand(17) - 8) >>> 0;
    const bytes = patch(ext, [[at, v]]);
    const r = budget.time(`word ${at} = ${v}`, () => tryParse(bytes));
    if (!r.ok) assert.ok(isBtfError(r.err), `word ${at} = ${v}: ${String(r.err)}`);
    else accepted++;
    const lib = libbpfAccepts(base, bytes);
    if (lib !== undefined) {
      assert.is(r.ok, lib, `word ${at} = ${v}: libbpf ${lib ? 'accepts' : 'refuses'}`);
      agreed++;
    }
  }
  if (!harness) skip(`${harnessSkipReason()}: libbpf's verdicts on malformed .BTF.ext not compared`);
  assert.ok(accepted > 0, 'some corruptions are still valid');
  void agreed;
});

test('big-endian .BTF.ext is read (libbpf 1.1.2 refuses it) and visits in its own order', () => {
  const be = obj('golden/obj/ext/core_kinds.bpfeb.o');
  assert.ok(be.ext!.bigEndian);
  // clang lays out the code differently per byte order; the relocations it records are the same.
  const specs = (o: Obj) => [...new Set(coreLines(o).map((l) => l.replace(/^.*: relo #\d+: /, '')))].sort();
  assert.equal(specs(be), specs(coreKinds));
  const ids: number[] = [];
  be.ext!.visitTypeIds((x) => {
    ids.push(x);
    return x;
  });
  const leIds: number[] = [];
  coreKinds.ext!.visitTypeIds((x) => {
    leIds.push(x);
    return x;
  });
  assert.equal(
    [...new Set(ids)].sort((a, b) => a - b),
    [...new Set(leIds)].sort((a, b) => a - b),
  );
});

budget.check();

test.run();
