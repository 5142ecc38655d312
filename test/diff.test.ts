/**
 * lib/diff and `btfkit diff`: a semantic diff of two BTFs. Hand-made changes
 * with known answers (a struct edited with the builder), a BTF against its
 * id permutation and against its dedup (no differences), the Debian 6.1 and
 * 6.12 kernels (what changed in `struct task_struct`), the CLI's exit
 * statuses and JSON.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import type { BtfContainer } from '../lib/container.js';
import { dedup } from '../lib/dedup/index.js';
import { diffBtf, diffMaps, formatDiff, type MapFacts, type TypeChange } from '../lib/diff/index.js';
import { forEachTypeIdWord } from '../lib/fields.js';
import { BTF_FUNC_GLOBAL, BTF_INT_SIGNED } from '../lib/kinds.js';
import { parseBtf } from '../lib/object/open.js';
import { goldenObjects, runCli, text } from './helpers/golden.js';
import { cachedKernels, kernelModules, missingKernels } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';

/** A small program's BTF; `edit` true makes the changes the tests expect. */
function build(edit: boolean): Btf {
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED); // [1]
  const long = b.addInt('long', 8, BTF_INT_SIGNED); // [2]
  // struct sk { int a; int b; struct { int x; } in; int bf:3; union { int u1; }; }
  const anon = b.addStruct(null, 4);
  b.addField('x', edit ? long : int, 0, 0);
  const un = b.addUnion(null, 4);
  b.addField(edit ? 'u2' : 'u1', int, 0, 0);
  b.addStruct('sk', edit ? 32 : 24);
  b.addField(edit ? 'a2' : 'a', int, 0, 0);
  if (edit) b.addField('c', long, 64, 0);
  b.addField('b', int, edit ? 128 : 32, 0);
  b.addField('in', anon, edit ? 160 : 64, 0);
  b.addField('bf', int, edit ? 192 : 96, edit ? 5 : 3);
  b.addField(null, un, edit ? 224 : 128, 0);
  if (!edit) b.addField('gone', int, 160, 0);
  b.addEnum('e', 4);
  b.addEnumValue('E_A', 0);
  b.addEnumValue('E_B', edit ? 2 : 1);
  if (edit) b.addEnumValue('E_C', 3);
  b.addTypedef('t', edit ? long : int);
  const proto = b.addFuncProto(int);
  b.addFuncParam('p', int);
  if (edit) b.addFuncParam('q', long);
  b.addFunc('f', BTF_FUNC_GLOBAL, proto);
  if (edit) b.addStruct('fresh', 0);
  else b.addStruct('old', 0);
  return b;
}

/** Returns `src` with its type ids permuted (seeded), built with the builder. */
function permuted(src: BtfContainer, seed: number): Btf {
  const n = src.typeCount;
  const order = Array.from({ length: n - 1 }, (_, i) => i + 1);
  let s = seed >>> 0;
  for (let i = order.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const newId = new Uint32Array(n);
  order.forEach((old, i) => {
    newId[old] = i + 1;
  });
  const out = Btf.empty();
  for (const old of order) out.addType(src, old);
  for (let id = 1; id < n; id++) {
    const [w, o] = out.recordOf(id);
    const edits: Array<[number, number]> = [];
    forEachTypeIdWord(w, o, (wi) => edits.push([wi - o, newId[w[wi]!]!]));
    for (const [i, v] of edits) out.setWord(id, i, v);
  }
  return out;
}

const summary = (cs: readonly TypeChange[]): string[] =>
  cs.map((c) => `${c.change} ${c.kind} ${c.name}: ${c.details.map((d) => `${d.sign}${d.text}`).join('; ')}`);

test('hand-made changes: exactly those', () => {
  const got = summary(diffBtf(build(false), build(true)));
  assert.equal(got, [
    'removed struct old: ',
    'added struct fresh: ',
    'changed enum e: ~E_B: 1 -> 2; +E_C = 3',
    'changed func f: ~parameters: 1 -> 2; +parameter 2: long q',
    [
      'changed struct sk: ~size: 24 -> 32',
      '~member a renamed to a2 (offset 0)',
      '-member u1: int (offset 16)',
      '-member gone: int (offset 20)',
      '+member c: long (offset 8)',
      '~member b: offset 4 -> 16',
      '~member in: offset 8 -> 20',
      '~member in.x: type int -> long',
      '~member in.x: offset 8 -> 20',
      '~member bf: bitfield width 3 -> 5',
      '~member bf: offset 12 -> 24',
      '+member u2: int (offset 28)',
    ].join('; '),
    'changed typedef t: ~now long (was int)',
  ]);
});

// Top-level anonymous enums: enum { X, Y }, enum { P }, enum { GONE } and, as a
// second compilation unit would have it, enum { P = 5 } too; `edit` renumbers Y,
// adds Q beside P, and has NEW instead of GONE.
function anonEnums(edit: boolean, order: 'ab' | 'ba' = 'ab'): Btf {
  const b = Btf.empty();
  const xy = (): void => {
    b.addEnum(null, 4);
    b.addEnumValue('X', 1);
    b.addEnumValue('Y', edit ? 3 : 2);
  };
  const pq = (): void => {
    b.addEnum(null, 4);
    b.addEnumValue('P', 1);
    if (edit) b.addEnumValue('Q', 2);
  };
  if (order === 'ab') {
    xy();
    pq();
  } else {
    pq();
    xy();
  }
  b.addEnum(null, 4);
  b.addEnumValue(edit ? 'NEW' : 'GONE', 7);
  b.addEnum(null, 4);
  b.addEnumValue('P', 5);
  // An equal copy (dedup would merge it): counted once.
  b.addEnum(null, 4);
  b.addEnumValue('X', 1);
  b.addEnumValue('Y', edit ? 3 : 2);
  return b;
}

test('top-level anonymous enums: each its own entry, matched by its enumerator names', () => {
  const want = [
    'removed enum (anonymous: GONE): ',
    'added enum (anonymous: NEW): ',
    'changed enum (anonymous: P): +Q = 2',
    'changed enum (anonymous: X): ~Y: 2 -> 3',
  ];
  assert.equal(summary(diffBtf(anonEnums(false), anonEnums(true))), want);
  // Their order in the file does not matter; the same enums compare equal.
  assert.equal(summary(diffBtf(anonEnums(false), anonEnums(true, 'ba'))), want);
  assert.equal(diffBtf(anonEnums(true), anonEnums(true, 'ba')), []);
  // Two anonymous enums never merge: a value moved from one to another is a change of both.
  const a = Btf.empty();
  a.addEnum(null, 4);
  a.addEnumValue('A1', 1);
  a.addEnumValue('A2', 2);
  a.addEnum(null, 4);
  a.addEnumValue('B1', 1);
  const b = Btf.empty();
  b.addEnum(null, 4);
  b.addEnumValue('A1', 1);
  b.addEnum(null, 4);
  b.addEnumValue('B1', 1);
  b.addEnumValue('A2', 2);
  assert.equal(summary(diffBtf(a, b)), [
    'changed enum (anonymous: A1): -A2 = 2',
    'changed enum (anonymous: B1): +A2 = 2',
  ]);
});

test('a BTF against itself, its id permutation and its raw round trip: no difference', () => {
  const a = build(true);
  assert.equal(diffBtf(a, a), []);
  assert.equal(diffBtf(a, permuted(a, 7)), []);
  assert.equal(diffBtf(permuted(a, 7), Btf.parse(a.rawData())), []);
  assert.equal(formatDiff([]), '0 removed, 0 added, 0 changed\n');
});

test('every golden object against its dedup and its permutation: no difference', () => {
  let n = 0;
  for (const g of goldenObjects()) {
    const a = parseBtf(new Uint8Array(readFileSync(g.obj)));
    const d = parseBtf(new Uint8Array(readFileSync(g.obj)));
    dedup(d);
    assert.equal(summary(diffBtf(a, d)), [], `${g.name}: dedup`);
    assert.equal(summary(diffBtf(a, permuted(a, n + 1))), [], `${g.name}: permuted`);
    n++;
  }
  assert.ok(n > 20);
});

test('maps: definitions matched by name, each field compared', () => {
  const m = (name: string, over: Partial<MapFacts> = {}): MapFacts => ({
    name,
    type: 2,
    keySize: 4,
    valueSize: 8,
    maxEntries: 16,
    mapFlags: 0,
    ...over,
  });
  const got = diffMaps(
    [m('kept'), m('gone'), m('grown')],
    [m('kept'), m('grown', { type: 1, valueSize: 16, maxEntries: 1024, mapFlags: 1 }), m('new')],
    (t) => (t === 1 ? 'hash' : 'array'),
  );
  assert.equal(summary(got), [
    'removed map gone: ',
    'added map new: ',
    'changed map grown: ~type: array -> hash; ~value size: 8 -> 16; ~max entries: 16 -> 1024; ~flags: 0x0 -> 0x1',
  ]);
});

test('--type: one type and what it reaches', () => {
  const cs = diffBtf(build(false), build(true), { typeName: 'sk' });
  assert.equal(
    cs.map((c) => `${c.kind} ${c.name}`),
    ['struct sk'],
  );
  assert.throws(() => diffBtf(build(false), build(true), { typeName: 'nope' }), /no type named 'nope'/);
});

/**
 * A vmlinux with `struct s { int a; [long b;] }` and a module over it; the
 * module carries its own copy of `struct s` (as dedup leaves one) when
 * `copy`, and a function `f` when `func`; `struct m` points to s.
 */
function splitPair(opts: { grown?: boolean; copy: boolean; func: boolean }): Btf {
  const base = Btf.empty();
  const int = base.addInt('int', 4, BTF_INT_SIGNED);
  const long = base.addInt('long', 8, BTF_INT_SIGNED);
  const s = base.addStruct('s', opts.grown ? 16 : 4);
  base.addField('a', int, 0, 0);
  if (opts.grown) base.addField('b', long, 64, 0);
  const mod = Btf.empty({ base });
  let target = s;
  if (opts.copy) {
    target = mod.addStruct('s', 4);
    mod.addField('a', int, 0, 0);
  }
  const ptr = mod.addPtr(target);
  mod.addStruct('m', 8);
  mod.addField('p', ptr, 0, 0);
  if (opts.func) mod.addFunc('f', BTF_FUNC_GLOBAL, mod.addFuncProto(int));
  return mod;
}

test("split BTF: a module's copy of a type its other side's vmlinux defines is compared with that definition", () => {
  // 6.1's module has its own struct s, 6.12's uses vmlinux's: nothing changed
  assert.equal(summary(diffBtf(splitPair({ copy: true, func: false }), splitPair({ copy: false, func: false }))), []);
  assert.equal(summary(diffBtf(splitPair({ copy: false, func: false }), splitPair({ copy: true, func: false }))), []);
  // the other side's vmlinux definition differs: a change, with its details
  assert.equal(
    summary(diffBtf(splitPair({ copy: true, func: false }), splitPair({ grown: true, copy: false, func: false }))),
    ['changed struct s: ~size: 4 -> 16; +member b: long (offset 8)'],
  );
  // a function is the module's own: one that left it is removed, wherever vmlinux has it
  assert.equal(summary(diffBtf(splitPair({ copy: false, func: true }), splitPair({ copy: false, func: false }))), [
    'removed func f: ',
  ]);
});

const kernels = cachedKernels();

test('Debian 6.1 against a permutation of itself: no difference', () => {
  const k = kernels.find((x) => x.series === '6.1');
  if (!k) return skip(missingKernels(kernels).join('; '), 'env');
  const a = Btf.parse(new Uint8Array(readFileSync(k.vmlinux)));
  assert.equal(diffBtf(a, permuted(a, 42)).length, 0);
});

test('Debian 6.1 against 6.12: task_struct grew, known changes found', () => {
  const k1 = kernels.find((x) => x.series === '6.1');
  const k2 = kernels.find((x) => x.series === '6.12');
  if (!k1 || !k2) return skip(missingKernels(kernels).join('; '), 'env');
  const a = Btf.parse(new Uint8Array(readFileSync(k1.vmlinux)));
  const b = Btf.parse(new Uint8Array(readFileSync(k2.vmlinux)));
  const cs = diffBtf(a, b);
  const ts = cs.find((c) => c.kind === 'struct' && c.name === 'task_struct');
  assert.ok(ts, 'task_struct changed');
  assert.equal(ts.change, 'changed');
  const size = ts.details.find((d) => d.what === 'size');
  assert.equal(
    [size?.old, size?.new],
    [a.type(a.findByName('task_struct', 4)!).size, b.type(b.findByName('task_struct', 4)!).size],
  );
  // 6.1 has task_struct.rss_stat; 6.12 dropped it.
  assert.ok(ts.details.some((d) => d.what === 'member-removed' && d.name === 'rss_stat'));
  // Unchanged types stay out: list_head is the same in both.
  assert.not.ok(cs.some((c) => c.name === 'list_head'));
  for (const c of cs) assert.ok(c.change !== 'changed' || c.details.length > 0, `${c.kind} ${c.name}: no details`);
  // Sorted: removed, added, changed; by name within.
  const rank = { removed: 0, added: 1, changed: 2 };
  for (let i = 1; i < cs.length; i++) {
    const x = cs[i - 1]!;
    const y = cs[i]!;
    assert.ok(rank[x.change] < rank[y.change] || (rank[x.change] === rank[y.change] && x.name <= y.name), `${i}`);
  }
});

test('CLI: a module of 6.1 against the same module of 6.12 (split BTF over each vmlinux)', async () => {
  const k1 = kernels.find((x) => x.series === '6.1');
  const k2 = kernels.find((x) => x.series === '6.12');
  if (!k1 || !k2) return skip(missingKernels(kernels).join('; '), 'env');
  const m1 = kernelModules(k1).find((m) => m.name === 'xfs');
  const m2 = kernelModules(k2).find((m) => m.name === 'xfs');
  if (!m1 || !m2) return skip('no xfs module in the cached kernels', 'env');
  const self = await runCli(['diff', '-B', k1.vmlinux, m1.path, m1.path]);
  assert.is(self.error, undefined);
  const r = await runCli(['diff', '-j', '-B', k1.vmlinux, '--base-b', k2.vmlinux, m1.path, m2.path]);
  assert.is((r.error as { exitCode?: number }).exitCode, 3);
  const js = JSON.parse(text(r.stdout)) as TypeChange[];
  // Only the module's own types: task_struct (vmlinux's) is not among them.
  assert.not.ok(js.some((c) => c.name === 'task_struct'));
  // 6.1's xfs carries a copy of vmlinux types that 6.12's shares with vmlinux: compared, never added or removed
  const base1 = Btf.parse(new Uint8Array(readFileSync(k1.vmlinux)));
  const base2 = Btf.parse(new Uint8Array(readFileSync(k2.vmlinux)));
  for (const c of js) {
    if (c.change === 'changed' || c.kind === 'func' || c.kind === 'var' || c.kind === 'datasec') continue;
    const kind = { struct: 4, union: 5, enum: 6, typedef: 8 }[c.kind as string];
    if (kind === undefined) continue;
    const other = c.change === 'removed' ? base2 : base1;
    assert.is(other.findByName(c.name, kind), undefined, `${c.change} ${c.kind} ${c.name}: in the other vmlinux`);
  }
  // 8021q of 6.1 carries struct module and file_system_type, 6.12's takes vmlinux's (dedup): not removed
  const q1 = kernelModules(k1).find((m) => m.name === '8021q');
  const q2 = kernelModules(k2).find((m) => m.name === '8021q');
  if (q1 && q2) {
    const cs = diffBtf(
      Btf.parse(new Uint8Array(readFileSync(q1.path)), { base: base1 }),
      Btf.parse(new Uint8Array(readFileSync(q2.path)), { base: base2 }),
    );
    const moved = cs.filter(
      (c) => c.change !== 'changed' && ['module', 'file_system_type', 'rcuwait'].includes(c.name),
    );
    assert.equal(summary(moved), []);
  }
  assert.ok(js.some((c) => c.kind === 'struct' && c.name === 'xfs_mount'));
});

test('CLI --object: the CO-RE relocations whose result changes from 6.1 to 6.12', async () => {
  const k1 = kernels.find((x) => x.series === '6.1');
  const k2 = kernels.find((x) => x.series === '6.12');
  if (!k1 || !k2) return skip(missingKernels(kernels).join('; '), 'env');
  const obj = 'golden/obj/core/core_task.o';
  const same = await runCli(['diff', k1.vmlinux, k1.vmlinux, '--object', obj]);
  assert.is(same.error, undefined);
  assert.is(text(same.stdout), '0 removed, 0 added, 0 changed\n');
  const r = await runCli(['diff', '-j', k1.vmlinux, k2.vmlinux, '--object', obj]);
  assert.is((r.error as { exitCode?: number }).exitCode, 3);
  const js = JSON.parse(text(r.stdout)) as TypeChange[];
  assert.ok(js.every((c) => c.kind === 'relocation' && c.change === 'changed'));
  const a = Btf.parse(new Uint8Array(readFileSync(k1.vmlinux)));
  const b = Btf.parse(new Uint8Array(readFileSync(k2.vmlinux)));
  // task_struct.pid's byte offset: what each kernel says (the struct's member, read with the view).
  const pidOff = (btf: Btf): number => {
    const m = btf
      .type(btf.findByName('task_struct', 4)!)
      .members()
      .find((x) => x.name === 'pid');
    return m!.bitOffset / 8;
  };
  const pid = js.find((c) => /byte_off> \[\d+\] struct task_struct\.pid /.test(c.name));
  assert.ok(pid, 'task_struct.pid relocation');
  assert.equal([pid.details[0]!.old, pid.details[0]!.new], [`ok ${pidOff(a)} (size 4)`, `ok ${pidOff(b)} (size 4)`]);
});

test('CLI: exit 0 when equal, 3 when different, 1 for bad input; -j', async () => {
  const g = goldenObjects()[0]!;
  const same = await runCli(['diff', g.obj, g.obj]);
  assert.is(same.error, undefined);
  assert.is(text(same.stdout), '0 removed, 0 added, 0 changed\n');
  const other = goldenObjects()[1]!;
  const d = await runCli(['diff', '-j', g.obj, other.obj]);
  assert.is((d.error as { exitCode?: number }).exitCode, 3);
  const js = JSON.parse(text(d.stdout)) as TypeChange[];
  assert.ok(js.length > 0);
  for (const c of js) {
    assert.ok(['added', 'removed', 'changed'].includes(c.change));
    assert.type(c.kind, 'string');
    assert.type(c.name, 'string');
    assert.ok(Array.isArray(c.details));
  }
  const bad = await runCli(['diff', g.obj, '/etc/hostname']);
  assert.ok(bad.error instanceof Error);
  assert.not.ok((bad.error as { code?: string }).code === 'btfkit.exitStatus');
});

test.run();
