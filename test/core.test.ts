/**
 * CO-RE (lib/core/): every relocation of every CO-RE object, resolved by
 * btfkit and by libbpf 1.1.2's own engine (the harness's `btfh core`, over
 * the static libbpf.a: candidate search, bpf_core_calc_relo_insn,
 * bpf_core_patch_insn), compared line by line: every result field, the
 * patched instruction, both formatted specs and libbpf's debug log. Targets:
 * Debian's 6.1 and 6.12 kernels (vmlinux, and nf_conntrack's split BTF for
 * the module search), and the running kernel (live). Then malformed
 * records, which must be BtfErrors naming the section and relocation while
 * the other relocations are still resolved.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CoreTarget, coreReloCutProblem, essentialNameLen, relocateObject } from '../lib/core/index.js';
import { isBtfError } from '../lib/errors.js';
import { Btf } from '../lib/btf.js';
import { BtfExt } from '../lib/ext.js';
import { openObject, parseBtf } from '../lib/object/open.js';
import { typeQuery } from '../lib/query.js';
import { coreText, loadTarget } from './helpers/core.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, hasVmlinux, repoPath, runCli, VMLINUX } from './helpers/golden.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { cachedKernels, kernelModules, missingKernels, sampleModules } from './helpers/kernels.js';
import { allObjectPaths } from './helpers/objects.js';
import { skip } from './helpers/skip.js';
import { hasTool } from './helpers/tools.js';
import { minCoreBtf } from '../lib/core/min.js';

const CORE_TASK = repoPath('golden', 'obj', 'core', 'core_task.o');

/** Every little-endian golden object with CO-RE relocations. */
const coreObjects = allObjectPaths().filter((p) => {
  if (p.endsWith('.bpfeb.o')) return false;
  try {
    return (openObject(readFileSync(p)).ext?.coreRelo ?? null) !== null;
  } catch {
    return false;
  }
});

const kernels = cachedKernels();

/** golden/obj/core's objects, written for these tests. */
const OWN_CORE_OBJECTS = coreObjects.filter((p) => p.includes('/obj/core/'));

/** Compares btfkit with the harness for every object against one target; returns the relocation count. */
function compareAll(target: string, base?: string, objects: readonly string[] = coreObjects): number {
  const t = loadTarget(target, base);
  let n = 0;
  for (const obj of objects) {
    const h = runHarness(['core', '--log', obj, target, ...(base ? [base] : [])]);
    assert.is(h.status, 0, `btfh core ${obj}: ${h.stderr}`);
    const want = h.stdout.toString('utf8');
    const got = coreText(obj, t, true);
    if (got !== want) {
      const a = want.split('\n');
      const b = got.split('\n');
      const i = a.findIndex((l, k) => l !== b[k]);
      assert.fixture(b[i] ?? '', a[i] ?? '', `${obj} against ${target}: first difference at line ${i + 1}`);
    }
    n += want.split('\n').filter((l) => l.includes(' insn_off=')).length;
  }
  return n;
}

test('the golden CO-RE objects exist and cover all 13 relocation kinds', () => {
  assert.ok(coreObjects.length >= 3, coreObjects.join(' '));
  const kinds = new Set<number>();
  for (const p of coreObjects)
    for (const r of openObject(readFileSync(p)).ext!.coreRelos(openObject(readFileSync(p)).btf!))
      kinds.add(
        [
          'byte_off',
          'byte_sz',
          'field_exists',
          'signed',
          'lshift_u64',
          'rshift_u64',
          'local_type_id',
          'target_type_id',
          'type_exists',
          'type_size',
          'enumval_exists',
          'enumval_value',
          'type_matches',
        ].indexOf(r.kind),
      );
  assert.equal(
    [...kinds].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
});

test("essentialNameLen is libbpf's bpf_core_essential_name_len", () => {
  for (const [name, len] of [
    ['task_struct', 11],
    ['task_struct___old', 11],
    ['a___b___c', 5], // the last separator: a flavor of 'a___b'
    ['x____y', 6],
    ['___x', 4],
    ['s___', 4],
    ['', 0],
  ] as const)
    assert.is(essentialNameLen(name), len, name);
});

test("the candidate index finds exactly libbpf's scan: essential names, flavors, long shared prefixes", () => {
  const names = [
    'a',
    'a___x',
    'a___x___y',
    'a____b',
    'a__',
    'a_',
    'ab',
    'abcdefghij',
    'abcdefghij___v1',
    'abcdefghijk',
    'abcdefgh',
    'abcdefgh___',
    'abcdefg___h',
    'x___',
    '___x',
    '____',
    'task_struct',
    'task_struct___old',
    'task_struct___',
    'task_struct____x',
    'task',
    'task___struct',
    'ab___cd___ef',
    'ab___cd',
  ];
  const target = Btf.empty();
  const proto = target.addFuncProto(0);
  for (const n of names) {
    target.addStruct(n, 4);
    if (n) target.addFunc(n, 0, proto); // FUNCs have an index of their own
    target.addUnion(n, 4);
  }
  target.addStruct(null, 4);
  const t = new CoreTarget(target);
  const local = Btf.empty();
  const lproto = local.addFuncProto(0);
  const q = typeQuery(local);
  for (const kind of [4, 12]) {
    for (const n of names) {
      if (!n) continue;
      const id = kind === 4 ? local.addStruct(n, 4) : local.addFunc(n, 0, lproto);
      const ess = n.slice(0, essentialNameLen(n));
      const want: number[] = [];
      for (let k = 1; k < target.typeCount; k++) {
        const tn = target.nameOf(k);
        if (target.kindOf(k) === kind && tn.startsWith(ess) && essentialNameLen(tn) === ess.length) want.push(k);
      }
      const got = t.findCands({ q, id, name: n, kind }, null).map((c) => c.id);
      assert.equal(got, want, `${kind} ${n}`);
      assert.ok(got.length > 0, n);
    }
  }
});

for (const why of missingKernels(kernels)) test(`core: kernel cache: ${why}`, () => skip(why));

for (const k of kernels) {
  test(`every relocation against ${k.release} equals libbpf's (fields, patch, specs, log)`, () => {
    if (!harnessPath()) return skip(harnessSkipReason());
    assert.ok(compareAll(k.vmlinux) > 80);
  });
  test(`${k.release}: a module's split BTF is searched after vmlinux, as libbpf searches it`, () => {
    if (!harnessPath()) return skip(harnessSkipReason());
    const m = kernelModules(k).find((x) => x.name === 'nf_conntrack');
    if (!m) return skip(`${k.release}: no nf_conntrack module in the cache`);
    // the module search matters for the objects of golden/obj/core (every object is compared against vmlinux above)
    assert.ok(compareAll(m.path, k.vmlinux, OWN_CORE_OBJECTS) >= 49);
    const rel = relocateObject(
      openObject(readFileSync(repoPath('golden', 'obj', 'core', 'core_module.o'))),
      loadTarget(m.path, k.vmlinux),
    );
    assert.equal(
      rel.map((r) => r.target),
      [
        'nf_conntrack.btf',
        'nf_conntrack.btf',
        'nf_conntrack.btf',
        'nf_conntrack.btf',
        null,
        'vmlinux',
        'nf_conntrack.btf',
      ],
    );
  });
}

test('every relocation against the running kernel equals libbpf (live)', () => {
  if (!hasVmlinux()) return skip('no readable /sys/kernel/btf/vmlinux', 'env');
  if (!harnessPath()) return skip(harnessSkipReason());
  assert.ok(compareAll(VMLINUX) > 80);
});

/** A target with several structs of one name, for core_cands.o (its C source says what each exercises). */
function candsTarget(): Uint8Array {
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1);
  const struct = (name: string, size: number, fields: Array<[string, number]>): void => {
    b.addStruct(name, size);
    for (const [f, bit] of fields) b.addField(f, int, bit, 0);
  };
  struct('btfkit_multi', 8, [
    ['a', 0],
    ['b', 32],
  ]);
  struct('btfkit_multi', 8, [
    ['a', 0],
    ['c', 32],
  ]);
  struct('btfkit_multi___v2', 12, [
    ['x', 0],
    ['a', 32],
    ['b', 64],
  ]);
  struct('btfkit_amb', 4, [['a', 0]]);
  struct('btfkit_amb', 8, [['a', 32]]);
  struct('btfkit_amb2', 4, [['a', 0]]);
  struct('btfkit_amb2', 8, [['a', 0]]);
  return b.rawData();
}

test('the candidate cache is pruned and ambiguous candidates fail, as in libbpf', async () => {
  if (!harnessPath()) return skip(harnessSkipReason());
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-cands-'));
  try {
    const target = join(dir, 'cands.btf');
    writeFileSync(target, candsTarget());
    const obj = repoPath('golden', 'obj', 'core', 'core_cands.o');
    const h = runHarness(['core', '--log', obj, target]);
    assert.is(h.status, 0, h.stderr);
    assert.fixture(coreText(obj, loadTarget(target), true), h.stdout.toString('utf8'));
    const rel = relocateObject(openObject(readFileSync(obj)), loadTarget(target));
    assert.equal(
      rel.map((r) => (r.err ? r.err : r.res!.poison ? 'poison' : Number(r.res!.newVal))),
      [1, 'poison', 0, -22, -22],
    );
    assert.match(rel[4]!.log.join('\n'), /field offset ambiguity: 32 != 0/);
    assert.match(rel[3]!.log.join('\n'), /relocation decision ambiguity: success 8 != success 4/);
    const cli = spawnSync(process.execPath, [BIN, 'core', obj, '-t', target]);
    assert.is(cli.status, 3);
    assert.match(cli.stdout.toString(), /5 relocations: 2 ok, 1 poisoned, 2 failed\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** core_task.o with one CO-RE record of its first section rewritten by `edit(view, recordOffset)`. */
function withRecord(index: number, edit: (dv: DataView, at: number) => void): Uint8Array {
  const bytes = new Uint8Array(readFileSync(CORE_TASK));
  const o = openObject(bytes);
  const sec = o.elf.section('.BTF.ext')!;
  const cr = o.ext!.coreRelo!;
  const at = sec.offset + cr.secs[0]!.recs + index * cr.recSize;
  edit(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at);
  return bytes;
}

function relocate(bytes: Uint8Array) {
  const target = new CoreTarget(parseBtf(readFileSync(CORE_TASK)));
  return relocateObject(openObject(bytes, { file: 'core_task.o' }), target);
}

test('bad input: a record past its program section, an unknown type id, a bad access string', () => {
  const good = relocate(new Uint8Array(readFileSync(CORE_TASK)));
  const cases: Array<[number, (dv: DataView, at: number) => void, RegExp]> = [
    [1, (dv, at) => dv.setUint32(at, 1 << 20, true), /relo #1: instruction offset 1048576 is outside the section/],
    [2, (dv, at) => dv.setUint32(at + 4, 99999, true), /relo #2: type id 99999 is not in the object's BTF/],
    [3, (dv, at) => dv.setUint32(at + 8, 1, true), /relo #3: cannot parse access string/],
  ];
  for (const [idx, edit, msg] of cases) {
    const rel = relocate(withRecord(idx, edit));
    assert.is(rel.length, good.length);
    const bad = rel[idx]!;
    assert.is(bad.err, -22);
    assert.ok(bad.problem && isBtfError(bad.problem), `relo #${idx} has a BtfError`);
    assert.match(bad.problem.message, msg);
    assert.match(bad.problem.detail, /^\.BTF\.ext: 'tp_btf\/sched_switch' /);
    assert.is(bad.problem.section, '.BTF.ext');
    assert.is(bad.problem.file, 'core_task.o');
    rel.forEach((r, i) => {
      if (i !== idx) assert.equal({ ...r, log: [] }, { ...good[i]!, log: [] }, `relo #${i} unchanged`);
    });
  }
});

test('bad input: a big-endian object is refused, as libbpf 1.1 refuses it', () => {
  const be = repoPath('golden', 'obj', 'ext', 'core_kinds.bpfeb.o');
  assert.throws(
    () => relocateObject(openObject(readFileSync(be)), new CoreTarget(parseBtf(readFileSync(CORE_TASK)))),
    (e: unknown) => isBtfError(e) && e.section === '.BTF.ext' && /big-endian/.test(e.message),
  );
});

test('bad input: a truncated CO-RE section is a BtfError naming .BTF.ext', () => {
  const o = openObject(new Uint8Array(readFileSync(CORE_TASK)));
  const raw = o.ext!.rawData();
  const cut = raw.slice(0, raw.length - 4);
  try {
    BtfExt.parse(cut);
    assert.unreachable('truncated .BTF.ext parsed');
  } catch (e) {
    assert.ok(isBtfError(e));
    assert.is(e.section, '.BTF.ext');
    assert.match(e.message, /core_relo/);
  }
});

test('bad input: a bitfield relocation whose member type has no size (void, size 0, past the last type) fails the relocation, never NaN', () => {
  // core_kinds.o: [5] struct { unsigned int lo:3; int mid:9; unsigned int hi:20; }, hi read with byte_off/byte_sz/lshift/rshift
  const path = repoPath('golden', 'obj', 'ext', 'core_kinds.o');
  const target = new CoreTarget(parseBtf(readFileSync(CORE_TASK)));
  for (const [what, edit] of [
    ['hi of type 9999', (b: Btf) => b.setWord(5, 3 + 2 * 3 + 1, 9999)],
    ['hi of void', (b: Btf) => b.setWord(5, 3 + 2 * 3 + 1, 0)],
    ['unsigned int of size 0', (b: Btf) => b.setWord(6, 2, 0)],
  ] as const) {
    const o = openObject(new Uint8Array(readFileSync(path)), { file: 'core_kinds.o' });
    edit(o.btf!);
    const rel = relocateObject(o, target);
    const hi = rel.filter((r) => /\.hi /.test(r.log.join('\n')) || r.log.some((l) => l.includes('no size')));
    assert.ok(
      rel.some((r) => r.err === -22 && r.log.some((l) => l.includes("can't be satisfied for bitfield of type"))),
      `${what}: ${hi.map((r) => r.log.join(' ')).join(' | ')}`,
    );
  }
});

test('bad input: a CO-RE section cut short reports its complete records, then names the first missing one', () => {
  const bytes = new Uint8Array(readFileSync(CORE_TASK));
  const sec = openObject(bytes).elf.section('.BTF.ext')!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dv.setUint32(sec.offset + 28, dv.getUint32(sec.offset + 28, true) - 4, true); // core_relo_len: the last record cut
  assert.throws(
    () => openObject(bytes),
    (e: unknown) => isBtfError(e) && /core_relo/.test(e.message),
  );
  const good = relocate(new Uint8Array(readFileSync(CORE_TASK)));
  const o = openObject(bytes, { file: 'core_task.o', partialCoreRelo: true });
  const rel = relocateObject(o, new CoreTarget(parseBtf(readFileSync(CORE_TASK))));
  assert.is(rel.length, good.length - 1);
  rel.forEach((r, i) => assert.equal({ ...r, log: [] }, { ...good[i]!, log: [] }, `relo #${i} unchanged`));
  const p = coreReloCutProblem(o)!;
  assert.ok(isBtfError(p));
  assert.is(p.section, '.BTF.ext');
  assert.is(p.file, 'core_task.o');
  assert.match(p.message, `.BTF.ext: 'tp_btf/sched_switch' relo #${good.length - 1}: cut short: core_relo section of`);
  assert.match(p.message, /\(\.BTF\.ext\+0x[0-9a-f]+, file offset 0x[0-9a-f]+\)$/);
  assert.is(coreReloCutProblem(openObject(readFileSync(CORE_TASK))), null);
  // the CLI: every complete record printed, then the error line and status 1
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-core-cut-'));
  try {
    const f = join(dir, 'cut.o');
    writeFileSync(f, bytes);
    const r = spawnSync(process.execPath, [BIN, 'core', f, '-t', CORE_TASK]);
    assert.is(r.status, 1);
    assert.is(
      r.stdout
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('tp_btf/')).length,
      good.length - 1,
    );
    assert.match(
      r.stderr.toString(),
      `btfkit: ${f}: .BTF.ext: 'tp_btf/sched_switch' relo #${good.length - 1}: cut short`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('libbpf log lines name the program (its function), as libbpf does, not the section', () => {
  const rel = relocate(new Uint8Array(readFileSync(CORE_TASK)));
  assert.ok(rel.every((r) => r.program === 'core_task'));
  assert.ok(rel.some((r) => r.log.some((l) => l.startsWith("libbpf: prog 'core_task': relo #"))));
  assert.not.ok(rel.some((r) => r.log.some((l) => l.includes("prog 'tp_btf/"))));
});

/** `bpftool gen min_core_btf` vs minCoreBtf, each CO-RE object alone and all together; returns the comparisons made. */
function compareMinCore(target: string): number {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-mincore-'));
  const src = parseBtf(readFileSync(target));
  let n = 0;
  try {
    const objs = coreObjects.filter((p) => !p.endsWith('core_cands.o'));
    // each of golden/obj/core's objects alone, then every object at once
    for (const set of [...objs.filter((o) => o.includes('/obj/core/')).map((o) => [o]), objs]) {
      const out = join(dir, 'min.btf');
      const r = spawnSync('bpftool', ['gen', 'min_core_btf', target, out, ...set]);
      assert.is(r.status, 0, r.stderr.toString());
      const got = minCoreBtf(
        src,
        set.map((f) => openObject(readFileSync(f), { file: f })),
      ).rawData();
      assert.ok(Buffer.from(got).equals(readFileSync(out)), `min_core_btf ${target} ${set.join(' ')}`);
      n++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return n;
}

for (const k of kernels)
  test(`gen min-core-btf is bpftool's gen min_core_btf, byte for byte, on ${k.release}`, () => {
    if (!hasTool('bpftool')) return skip('bpftool not installed: min_core_btf not compared');
    assert.ok(compareMinCore(k.vmlinux) >= 3);
  });

/** Split BTF over its base as one complete BTF (the base's types and strings, then the split's): what bpftool 7.1 can read. */
function concatSplit(base: Uint8Array, split: Uint8Array): Uint8Array {
  const parts = (b: Uint8Array): { types: Uint8Array; strs: Uint8Array } => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = dv.getUint32(4, true);
    const [to, tl, so, sl] = [8, 12, 16, 20].map((o) => dv.getUint32(o, true)) as [number, number, number, number];
    return { types: b.subarray(h + to, h + to + tl), strs: b.subarray(h + so, h + so + sl) };
  };
  const a = parts(base);
  const s = parts(split);
  const tl = a.types.length + s.types.length;
  const hdr = new DataView(new ArrayBuffer(24));
  hdr.setUint16(0, 0xeb9f, true);
  hdr.setUint8(2, 1);
  [24, 0, tl, tl, a.strs.length + s.strs.length].forEach((v, i) => hdr.setUint32(4 + i * 4, v, true));
  return Buffer.concat([new Uint8Array(hdr.buffer), a.types, s.types, a.strs, s.strs]);
}

for (const k of kernels)
  test(`gen min-core-btf -B (a module over vmlinux) on ${k.release}: bpftool's output for the two in one BTF`, () => {
    if (!hasTool('bpftool')) return skip('bpftool not installed: min_core_btf not compared');
    const mods = kernelModules(k);
    const conntrack = mods.find((x) => x.name === 'nf_conntrack');
    if (!conntrack) return skip(`${k.release}: no nf_conntrack module in the cache`);
    const dir = mkdtempSync(join(tmpdir(), 'btfkit-mincore-split-'));
    try {
      const objs = coreObjects.filter((p) => !p.endsWith('core_cands.o'));
      const base = readFileSync(k.vmlinux);
      const baseBtf = parseBtf(base);
      const opened = objs.map((f) => openObject(readFileSync(f), { file: f }));
      let fromModule = 0;
      for (const m of [conntrack, ...sampleModules(mods, 3, 1).filter((x) => x !== conntrack)]) {
        const flat = join(dir, 'flat.btf');
        const want = join(dir, 'want.btf');
        writeFileSync(flat, concatSplit(base, readFileSync(m.path)));
        const r = spawnSync('bpftool', ['gen', 'min_core_btf', flat, want, ...objs]);
        assert.is(r.status, 0, r.stderr.toString());
        const got = minCoreBtf(parseBtf(readFileSync(m.path), { base: baseBtf }), opened);
        assert.ok(Buffer.from(got.rawData()).equals(readFileSync(want)), `min_core_btf -B ${k.vmlinux} ${m.path}`);
        if (m === conntrack) {
          // the module's own types are kept (core_module.o reads nf_conntrack_helper), and the CLI writes the same bytes
          fromModule = got.findByName('nf_conntrack_helper') ?? -1;
          const out = join(dir, 'cli.btf');
          const c = spawnSync(process.execPath, [BIN, 'gen', 'min-core-btf', '-B', k.vmlinux, m.path, out, ...objs]);
          assert.is(c.status, 0, c.stderr.toString());
          assert.ok(readFileSync(out).equals(readFileSync(want)));
        }
      }
      assert.ok(fromModule > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test('gen min-core-btf is bpftool gen min_core_btf on the running kernel (live)', () => {
  if (!hasVmlinux()) return skip('no readable /sys/kernel/btf/vmlinux', 'env');
  if (!hasTool('bpftool')) return skip('bpftool not installed: min_core_btf not compared');
  assert.ok(compareMinCore(VMLINUX) >= 3);
});

test('gen min-core-btf fails where bpftool fails: an ambiguous relocation', () => {
  const target = Btf.parse(candsTarget());
  const obj = openObject(readFileSync(repoPath('golden', 'obj', 'core', 'core_cands.o')), { file: 'core_cands.o' });
  try {
    minCoreBtf(target, [obj]);
    assert.unreachable('an ambiguous relocation was accepted');
  } catch (e) {
    assert.ok(isBtfError(e));
    assert.match(e.message, /core_cands\.o: 'tp_btf\/btfkit_cands' relo #3: relocation failed \(-22\)/);
  }
});

const JSON_KEYS = [
  'file',
  'kernel',
  'section',
  'index',
  'insnOff',
  'kind',
  'localTypeId',
  'access',
  'status',
  'errno',
  'origVal',
  'newVal',
  'origSize',
  'newSize',
  'origTypeId',
  'newTypeId',
  'validate',
  'failMemszAdjust',
  'localSpec',
  'targetSpec',
  'target',
];

for (const k of kernels.slice(0, 1)) {
  test(`btfkit core -j / --log / --strict against ${k.release}`, async () => {
    if (!harnessPath()) return skip(harnessSkipReason());
    const j = await runCli(['core', CORE_TASK, '-j', '-t', k.vmlinux]);
    assert.is(j.error, undefined);
    const rows = new TextDecoder()
      .decode(j.stdout)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const lib = relocateObject(openObject(readFileSync(CORE_TASK)), loadTarget(k.vmlinux));
    assert.is(rows.length, lib.length);
    rows.forEach((row, i) => {
      assert.equal(Object.keys(row), JSON_KEYS);
      const r = lib[i]!;
      assert.is(row['newVal'], Number(r.res!.newVal));
      assert.is(row['targetSpec'], r.targetSpec);
    });
    assert.equal(
      rows.map((r) => r['status']),
      lib.map((r) => (r.res!.poison || r.res!.failMemszAdjust ? 'poison' : 'ok')),
    );
    // --log: exactly libbpf's lines, as the harness captured them
    const log = await runCli(['core', CORE_TASK, '--log', '-t', k.vmlinux]);
    const h = runHarness(['core', '--log', CORE_TASK, k.vmlinux]).stdout.toString('utf8');
    const want = h
      .split('\n')
      .filter((l) => l.startsWith('log: '))
      .map((l) => l.slice(5));
    const logLines = new TextDecoder()
      .decode(log.stdout)
      .split('\n')
      .filter((l) => l.startsWith('libbpf: '));
    // the harness calls libbpf's engine per record; bpf_object__relocate_core adds one line per section
    const secLine = /^libbpf: sec '([^']+)': found (\d+) CO-RE relocations$/;
    assert.equal(
      logLines.filter((l) => !secLine.test(l)),
      want,
    );
    const perSection = new Map<string, number>();
    for (const r of lib) perSection.set(r.section, (perSection.get(r.section) ?? 0) + 1);
    assert.equal(
      logLines.filter((l) => secLine.test(l)),
      [...perSection].map(([s, n]) => `libbpf: sec '${s}': found ${n} CO-RE relocations`),
    );
    // each before the section's first relocation's lines
    for (const [s] of perSection) {
      const at = logLines.indexOf(`libbpf: sec '${s}': found ${perSection.get(s)} CO-RE relocations`);
      assert.ok(at >= 0);
      const prog = lib.find((r) => r.section === s)!.program;
      const first = logLines.slice(at + 1).find((l) => l.includes(`prog '${prog}': relo #`)) ?? '';
      assert.match(first, `prog '${prog}': relo #0: `);
      assert.not.ok(logLines.slice(0, at).some((l) => l.includes(`prog '${prog}': relo #`)));
    }
    // poisoned relocations are accepted, unless --strict
    const strict = spawnSync(process.execPath, [BIN, 'core', CORE_TASK, '--strict', '-t', k.vmlinux]);
    assert.is(strict.status, 3);
    const plain = spawnSync(process.execPath, [BIN, 'core', CORE_TASK, '-t', k.vmlinux]);
    assert.is(plain.status, 0);
    assert.match(plain.stdout.toString(), /37 relocations: 33 ok, 4 poisoned, 0 failed\n$/);
  });

  test(`btfkit core: a matrix over several kernels, and bad records exit 1 with the others reported`, async () => {
    const ks = kernels.map((x) => x.vmlinux);
    const m = await runCli(['core', CORE_TASK, ...ks.flatMap((t) => ['-t', t])]);
    const lines = new TextDecoder().decode(m.stdout).trim().split('\n');
    assert.is(lines.length, Math.max(ks.length, 1));
    const dir = mkdtempSync(join(tmpdir(), 'btfkit-core-'));
    try {
      const bad = join(dir, 'bad.o');
      writeFileSync(
        bad,
        withRecord(4, (dv, at) => dv.setUint32(at + 4, 99999, true)),
      );
      const r = spawnSync(process.execPath, [BIN, 'core', bad, '-t', k.vmlinux]);
      assert.is(r.status, 1);
      assert.match(r.stderr.toString(), /'tp_btf\/sched_switch' relo #4: type id 99999/);
      assert.is(
        r.stdout
          .toString()
          .split('\n')
          .filter((l) => l.startsWith('tp_btf/')).length,
        37,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('btfkit core: a matrix reads each kernel once; a kernel answers a name it was asked again with a copy', async () => {
  if (kernels.length === 0) return skip('no cached kernels (golden/kernels.sh)');
  const { kernels: matrixKernels, runCells } = await import('../cli/core-matrix.js');
  const { memoryIo } = await import('../cli/io.js');
  const paths = kernels.map((x) => x.vmlinux);
  const loads = new Map<string, number>();
  const targets: CoreTarget[] = [];
  const ks = matrixKernels([...paths, ...paths], undefined).map((k, i) => ({
    name: `${k.name}#${i}`,
    load: () => {
      loads.set(`${k.name}#${i}`, (loads.get(`${k.name}#${i}`) ?? 0) + 1);
      const t = k.load();
      targets.push(t);
      return t;
    },
  }));
  const io = memoryIo();
  await runCells(io, OWN_CORE_OBJECTS, ks, { matrix: true }, 1);
  assert.equal(
    [...loads.values()],
    ks.map(() => 1),
  );
  assert.is(io.stdout().trim().split('\n').length, ks.length * OWN_CORE_OBJECTS.length);
  // the candidate lists are kept per kernel: a flavor of a name asked before gets the same list
  const t = targets[0]!;
  const local = Btf.empty();
  const id = local.addStruct('task_struct', 4);
  const q = typeQuery(local);
  const a = t.findCands({ q, id, name: 'task_struct', kind: 4 }, null);
  const b = t.findCands({ q, id, name: 'task_struct___x', kind: 4 }, null);
  assert.equal(b, a);
  assert.is.not(b, a); // a copy: the caller prunes it
});

test('btfkit core: a matrix in worker threads prints what one thread prints, in kernel order, with progress', async () => {
  if (kernels.length === 0) return skip('no cached kernels (golden/kernels.sh)');
  const ks = kernels.map((x) => x.vmlinux);
  const targets = [...ks, ...ks, ...ks, ...ks].slice(0, 5);
  const args = ['core', ...OWN_CORE_OBJECTS, ...targets.flatMap((t) => ['-t', t])];
  const one = spawnSync(process.execPath, [BIN, ...args, '--jobs', '1']);
  const two = spawnSync(process.execPath, [BIN, ...args, '--jobs', '2']); // the bundle as the workers' entry
  assert.is(one.status, 0, one.stderr.toString());
  assert.is(two.status, 0, two.stderr.toString());
  const lines = one.stdout.toString().trim().split('\n');
  assert.is(lines.length, targets.length * OWN_CORE_OBJECTS.length);
  assert.equal(
    lines.map((l) => l.split('\t')[1]),
    targets.flatMap((t) => OWN_CORE_OBJECTS.map(() => t)),
  );
  assert.is(two.stdout.toString(), one.stdout.toString());
  // in process (dist/cli/core-matrix.js as the workers' entry), with progress on a terminal
  const { createProgram } = await import('../cli/program.js');
  const { memoryIo } = await import('../cli/io.js');
  const io = { ...memoryIo(), stderrIsTTY: true };
  await (await createProgram(io)).parseAsync([...args, '--jobs', '3'], { from: 'user' });
  assert.is(io.stdout(), one.stdout.toString());
  assert.ok(io.stderr().includes(`\rcore: ${targets.length}/${targets.length} kernels`), io.stderr());
  assert.ok(io.stderr().endsWith('\r\x1b[K'));
  // a kernel that cannot be read: the kernels before it are printed, then one error line and status 1
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-core-matrix-'));
  try {
    const junk = join(dir, 'junk.btf');
    writeFileSync(junk, 'not BTF at all');
    const bad = ['core', CORE_TASK, '-t', ks[0]!, '-t', ks[0]!, '-t', junk, '-t', ks[0]!, '-t', ks[0]!];
    for (const jobs of ['1', '2']) {
      const r = spawnSync(process.execPath, [BIN, ...bad, '--jobs', jobs]);
      assert.is(r.status, 1, `--jobs ${jobs}`);
      assert.is(r.stdout.toString().trim().split('\n').length, 2, `--jobs ${jobs}`);
      assert.match(r.stderr.toString(), `btfkit: ${junk}: `);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const usage = spawnSync(process.execPath, [BIN, ...args, '--jobs', '0']);
  assert.is(usage.status, 2);
});

test.run();
