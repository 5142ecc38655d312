/**
 * Dedup (lib/dedup): small cases in the style of libbpf's selftests, then
 * byte-for-byte agreement with libbpf 1.1.2 on the golden objects (committed
 * expected outputs, test/fixtures/dedup/regen.sh), and, through the
 * project's C harness where libbpf is installed, live on the golden objects,
 * all of them merged, the kernel's BTF in place, merged with itself twice and
 * four times, and split BTF over it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Btf } from '../lib/btf.js';
import { dedup, type DedupPass } from '../lib/dedup/index.js';
import { rawDump } from '../lib/dump/raw.js';
import { parseElf } from '../lib/elf/read.js';
import { isBtfError } from '../lib/errors.js';
import { BtfExt } from '../lib/ext.js';
import { BTF_FWD_ENUM, BTF_FWD_STRUCT, BTF_FWD_UNION, BTF_INT_SIGNED, BTF_VAR_GLOBAL_ALLOCATED } from '../lib/kinds.js';
import { VMLINUX, firstDiff, goldenObjects, readBytes, repoPath, sameBytes, vmlinuxBytes } from './helpers/golden.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { rawBtf } from './helpers/raw-btf.js';
import { skip } from './helpers/skip.js';
import { deep } from './helpers/deep.js';
import { parseBtf } from '../lib/object/open.js';

const FIXTURES = repoPath('test', 'fixtures', 'dedup');
const golden = goldenObjects().map((g) => ({ ...g, file: basename(g.obj, '.o'), bytes: readBytes(g.obj) }));
const harness = harnessPath();
const vmlinux = vmlinuxBytes();

/** Fails with the first differing byte when `got` is not `want`. */
function sameAs(got: Uint8Array, want: Uint8Array, what: string): void {
  if (sameBytes(got, want)) return;
  assert.unreachable(
    `${what}: ${got.length} bytes vs libbpf's ${want.length}, first difference at byte ${firstDiff(got, want)}`,
  );
}

function parsed(bytes: Uint8Array, base?: Btf): Btf {
  return parseBtf(bytes.slice(), base ? { base } : {});
}

/** Returns the BTF of `objs` merged as libbpf's btf__add_btf would, then deduplicated. */
function merge(objs: Uint8Array[]): Btf {
  const m = Btf.empty();
  for (const o of objs) m.addBtf(parseBtf(o));
  dedup(m);
  return m;
}

const tmp = mkdtempSync(join(tmpdir(), 'btfkit-dedup-'));
/** Writes `bytes` to a temporary file and returns its path. */
function tmpFile(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

/** Runs `btfh ARGS` and returns the bytes it wrote to `out` (the output named in ARGS). */
function libbpf(args: string[], out: string): Uint8Array {
  const r = runHarness(args);
  assert.is(r.status, 0, `btfh ${args.join(' ')}: ${r.stderr}`);
  return readBytes(out);
}

// ------------------------------------------------------- selftest style

test('structs: a FWD met opposite its struct resolves to it; twins merge', () => {
  const b = Btf.empty();
  b.addFwd('S', BTF_FWD_STRUCT); //                      [1] struct S;    (unit 1)
  b.addPtr(1); //                                        [2] struct S *
  b.addStruct('A', 8);
  b.addField('s', 2, 0, 0); //      [3] struct A { struct S *s; }
  b.addInt('int', 4, BTF_INT_SIGNED); //                 [4] int          (unit 2)
  b.addStruct('S', 16); //                               [5] struct S {
  b.addField('x', 4, 0, 0); //                                 int x;
  b.addField('next', 6, 64, 0); //                             struct S *next; }
  b.addPtr(5); //                                        [6] struct S *
  b.addStruct('A', 8);
  b.addField('s', 8, 0, 0); //      [7] struct A { struct S *s; }
  b.addPtr(5); //                                        [8] struct S *
  const r = dedup(b);
  assert.fixture(
    rawDump(b),
    `[1] PTR '(anon)' type_id=4
[2] STRUCT 'A' size=8 vlen=1
	's' type_id=1 bits_offset=0
[3] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED
[4] STRUCT 'S' size=16 vlen=2
	'x' type_id=3 bits_offset=0
	'next' type_id=1 bits_offset=64
`,
  );
  assert.is(r.typesBefore, 8);
  assert.is(r.typesAfter, 4);
});

test('enums: a forward declaration meets its full ENUM or ENUM64, before or after it', () => {
  const b = Btf.empty();
  b.addFwd('e', BTF_FWD_ENUM); //                              [1] enum e;
  b.addEnum('e', 4);
  b.addEnumValue('A', 0);
  b.addEnumValue('B', 1); // [2] enum e { A, B }
  b.addFwd('e', BTF_FWD_ENUM); //                              [3] enum e;
  b.addEnum64('f', 8, false);
  b.addEnum64Value('X', 1n << 40n); // [4] enum f { X = 1 << 40 }
  b.addFwd('f', BTF_FWD_ENUM); //                              [5] enum f;
  b.addPtr(1);
  b.addPtr(3);
  b.addPtr(5); //                    [6] [7] [8]
  dedup(b);
  assert.fixture(
    rawDump(b),
    `[1] ENUM 'e' encoding=UNSIGNED size=4 vlen=2
	'A' val=0
	'B' val=1
[2] ENUM64 'f' encoding=UNSIGNED size=8 vlen=1
	'X' val=1099511627776ULL
[3] PTR '(anon)' type_id=1
[4] PTR '(anon)' type_id=2
`,
  );
});

test('identical arrays (compiler twins inside one unit) do not stop a match', () => {
  const b = Btf.empty();
  b.addInt('int', 4, BTF_INT_SIGNED); //                 [1]
  b.addArray(1, 1, 4); //                                [2] int[4]
  b.addArray(1, 1, 4); //                                [3] int[4] again
  b.addStruct('s', 32);
  b.addField('a', 2, 0, 0);
  b.addField('b', 3, 128, 0); // [4]
  b.addInt('int', 4, BTF_INT_SIGNED); //                 [5] second unit
  b.addArray(5, 5, 4); //                                [6]
  b.addStruct('s', 32);
  b.addField('a', 6, 0, 0);
  b.addField('b', 6, 128, 0); // [7]
  dedup(b);
  assert.fixture(
    rawDump(b),
    `[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED
[2] ARRAY '(anon)' type_id=1 index_type_id=1 nr_elems=4
[3] STRUCT 's' size=32 vlen=2
	'a' type_id=2 bits_offset=0
	'b' type_id=2 bits_offset=128
`,
  );
});

test('leftover FWDs resolve to the one struct of their name and kind, and only then', () => {
  const b = Btf.empty();
  b.addFwd('foo', BTF_FWD_STRUCT); //                    [1] struct foo;
  b.addPtr(1); //                                        [2]
  b.addVar('a', BTF_VAR_GLOBAL_ALLOCATED, 2); //         [3] struct foo *a;
  b.addInt('int', 4, BTF_INT_SIGNED); //                 [4]
  b.addStruct('foo', 4);
  b.addField('u', 4, 0, 0); //    [5] struct foo { int u; }
  b.addPtr(5); //                                        [6]
  b.addVar('b', BTF_VAR_GLOBAL_ALLOCATED, 6); //         [7] struct foo *b;
  b.addFwd('bar', BTF_FWD_STRUCT); //                    [8] struct bar; but two bars exist
  b.addStruct('bar', 4);
  b.addField('x', 4, 0, 0); //    [9]
  b.addStruct('bar', 4);
  b.addField('y', 4, 0, 0); //    [10]
  b.addFwd('baz', BTF_FWD_UNION); //                     [11] union baz; only a struct baz exists
  b.addStruct('baz', 4);
  b.addField('z', 4, 0, 0); //    [12]
  b.addPtr(8);
  b.addPtr(11); //                          [13] [14]
  dedup(b);
  assert.fixture(
    rawDump(b),
    `[1] PTR '(anon)' type_id=4
[2] VAR 'a' type_id=1, linkage=global
[3] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED
[4] STRUCT 'foo' size=4 vlen=1
	'u' type_id=3 bits_offset=0
[5] VAR 'b' type_id=1, linkage=global
[6] FWD 'bar' fwd_kind=struct
[7] STRUCT 'bar' size=4 vlen=1
	'x' type_id=3 bits_offset=0
[8] STRUCT 'bar' size=4 vlen=1
	'y' type_id=3 bits_offset=0
[9] FWD 'baz' fwd_kind=union
[10] STRUCT 'baz' size=4 vlen=1
	'z' type_id=3 bits_offset=0
[11] PTR '(anon)' type_id=6
[12] PTR '(anon)' type_id=9
`,
  );
});

test('VAR and DATASEC are never deduplicated; tags are, with what they refer to', () => {
  const b = Btf.empty();
  b.addInt('int', 4, BTF_INT_SIGNED); //                 [1]
  b.addVar('x', BTF_VAR_GLOBAL_ALLOCATED, 1); //         [2]
  b.addDatasec('.data', 4);
  b.addDatasecVarInfo(2, 0, 4); // [3]
  b.addDeclTag('tag', 2, -1); //                         [4]
  b.addInt('int', 4, BTF_INT_SIGNED); //                 [5]
  b.addVar('x', BTF_VAR_GLOBAL_ALLOCATED, 5); //         [6] the same VAR again: kept
  b.addDatasec('.data', 4);
  b.addDatasecVarInfo(6, 0, 4); // [7]
  b.addDeclTag('tag', 6, -1); //                         [8]
  b.addTypeTag('user', 1); //                            [9]
  b.addTypeTag('user', 5); //                            [10]
  b.addPtr(9);
  b.addPtr(10); //                          [11] [12]
  dedup(b);
  assert.fixture(
    rawDump(b),
    `[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED
[2] VAR 'x' type_id=1, linkage=global
[3] DATASEC '.data' size=4 vlen=1
	type_id=2 offset=0 size=4 (VAR 'x')
[4] DECL_TAG 'tag' type_id=2 component_idx=-1
[5] VAR 'x' type_id=1, linkage=global
[6] DATASEC '.data' size=4 vlen=1
	type_id=5 offset=0 size=4 (VAR 'x')
[7] DECL_TAG 'tag' type_id=5 component_idx=-1
[8] TYPE_TAG 'user' type_id=1
[9] PTR '(anon)' type_id=8
`,
  );
});

test('strings of parsed BTF are laid out by first reference before types are deduplicated', () => {
  // [1] int, [2] FWD foo, [3] PTR -> 2, [4] struct bar { p }, [5] struct foo { x }
  const b = Btf.empty();
  b.addInt('int', 4, BTF_INT_SIGNED);
  b.addFwd('foo', BTF_FWD_STRUCT);
  b.addPtr(2);
  b.addStruct('bar', 8);
  b.addField('p', 3, 0, 0);
  b.addStruct('foo', 4);
  b.addField('x', 1, 0, 0);
  const p = parsed(b.rawData());
  dedup(p);
  assert.is(p.nrTypes, 4);
  // "foo" keeps the place its (dropped) FWD gave it
  assert.is(new TextDecoder().decode(p.stringSection()), '\0int\0foo\0bar\0p\0x\0');
  // built BTF has unique strings already: they are not touched
  dedup(b);
  assert.is(new TextDecoder().decode(b.stringSection()), '\0int\0foo\0bar\0p\0x\0');
});

test('strings: duplicates, a reference into the middle of a string, references out of section order', () => {
  // strings: 0 "", 1 "xbar" (2: its suffix "bar"), 6 "int", 10 "foo", 14 "int" again, 18 "unused"
  const words = [
    // [1] INT 'int' (the second copy) size 4, 32 bits
    14, 0x01000000, 4, 32,
    // [2] STRUCT 'bar' (a suffix) size 8 { foo: [1] at 0, int: [3] at 32 }
    2, 0x04000002, 8, 10, 1, 0, 6, 3, 32,
    // [3] INT 'int' (the first copy): the same type as [1] once strings are deduplicated
    6, 0x01000000, 4, 32,
  ];
  const raw = rawBtf(words, '\0xbar\0int\0foo\0int\0unused\0');
  const p = parsed(raw);
  dedup(p);
  assert.is(p.nrTypes, 2);
  assert.is(new TextDecoder().decode(p.stringSection()), '\0int\0bar\0foo\0');
  if (harness) {
    const out = join(tmp, 'strs-libbpf.btf');
    sameAs(p.rawData(), libbpf(['dedup', tmpFile('strs.btf', raw), out], out), 'strings');
  }
});

test('split BTF: base untouched, base FWDs point at split structs, no match needing a base change', () => {
  const base = Btf.empty();
  base.addInt('int', 4, BTF_INT_SIGNED); //               [1]
  base.addFwd('foo', BTF_FWD_STRUCT); //                  [2] struct foo;
  base.addPtr(2); //                                      [3]
  base.addStruct('s', 8);
  base.addField('p', 3, 0, 0); // [4] struct s { struct foo *p; }
  const baseBytes = base.rawData().slice();
  const split = Btf.empty({ base });
  split.addInt('int', 4, BTF_INT_SIGNED); //              [5] -> [1]
  split.addStruct('foo', 4);
  split.addField('x', 5, 0, 0); // [6] struct foo { int x; }
  split.addPtr(6); //                                     [7]
  split.addStruct('s', 8);
  split.addField('p', 7, 0, 0); // [8] matching [4] would resolve a base FWD: kept
  split.addPtr(2); //                                     [9] -> PTR to [6], as [7]
  split.addStruct('t', 8);
  split.addField('q', 9, 0, 0); // [10]
  split.addPtr(2); //                                     [11]
  split.addStruct('t', 8);
  split.addField('q', 11, 0, 0); // [12] -> [10]
  const p = parsed(split.rawData(), base);
  dedup(p);
  assert.fixture(
    rawDump(p),
    `[5] STRUCT 'foo' size=4 vlen=1
	'x' type_id=1 bits_offset=0
[6] PTR '(anon)' type_id=5
[7] STRUCT 's' size=8 vlen=1
	'p' type_id=6 bits_offset=0
[8] STRUCT 't' size=8 vlen=1
	'q' type_id=6 bits_offset=0
`,
  );
  assert.ok(sameBytes(base.rawData(), baseBytes), 'base changed');
  // strings the base has are referenced there; no leading empty string
  assert.is(new TextDecoder().decode(p.stringSection()), 'x\0t\0q\0');
});

test('errors: reference loop (ELOOP), wrong base option (EINVAL)', () => {
  const b = Btf.empty();
  b.addPtr(2);
  b.addConst(1);
  try {
    dedup(b);
    assert.unreachable('no error');
  } catch (e) {
    assert.ok(isBtfError(e) && e.code === 'ELOOP', String(e));
  }
  const base = Btf.empty();
  base.addInt('int', 4, 0);
  for (const [btf, opt] of [
    [Btf.empty(), base],
    [Btf.empty({ base }), Btf.empty()],
  ] as const) {
    try {
      dedup(btf, { base: opt });
      assert.unreachable('no error');
    } catch (e) {
      assert.ok(isBtfError(e) && e.code === 'EINVAL', String(e));
    }
  }
});

test('report, progress, and a BTF that stays usable after dedup', () => {
  const g = golden.find((x) => x.file === 'linked')!;
  const btf = parseBtf(g.bytes);
  const seen: DedupPass[] = [];
  const r = dedup(btf, {
    onProgress: (phase, done, total) => {
      if (done === total) seen.push(phase);
    },
  });
  assert.equal(seen, ['prep', 'strings', 'prim', 'struct', 'fwd', 'ref', 'compact', 'remap']);
  assert.equal(
    r.passes.map((p) => p.pass),
    seen,
  );
  assert.is(r.typesAfter, btf.nrTypes);
  assert.ok(r.strBytesAfter < r.strBytesBefore);
  // the string index is rebuilt on the next change
  const id = btf.addInt('brand new int', 4, 0);
  assert.is(btf.nameOf(id), 'brand new int');
  assert.is(btf.findStr('int'), btf.wordOf(btf.findByName('int')!, 0));
  const again = parsed(btf.rawData());
  assert.is(rawDump(again), rawDump(btf));
});

// ------------------------------------------------- libbpf's outputs, committed

test('golden objects: dedup equals libbpf (committed outputs)', () => {
  for (const g of golden) {
    const btf = parseBtf(g.bytes);
    dedup(btf);
    sameAs(btf.rawData(), readBytes(join(FIXTURES, `${g.file}.btf`)), g.name);
  }
});

test('golden objects with .BTF.ext: dedup rewrites both as libbpf does (committed outputs)', () => {
  let n = 0;
  for (const g of golden) {
    const want = join(FIXTURES, `${g.file}.ext.btf`);
    if (!existsSync(want)) continue;
    n++;
    const elf = parseElf(g.bytes);
    const btf = parseBtf(elf.sectionData(elf.section('.BTF')!).slice());
    const ext = BtfExt.parse(elf.sectionData(elf.section('.BTF.ext')!));
    dedup(btf, { ext });
    sameAs(btf.rawData(), readBytes(want), `${g.name} .BTF`);
    sameAs(ext.rawData(), readBytes(join(FIXTURES, `${g.file}.ext`)), `${g.name} .BTF.ext`);
  }
  assert.ok(n >= 5, `${n} objects with .BTF.ext fixtures`);
});

test('merges: every golden object, and golden/obj/merge (committed outputs)', () => {
  sameAs(merge(golden.map((g) => g.bytes)).rawData(), readBytes(join(FIXTURES, 'all.btf')), 'all golden objects');
  const dir = golden.filter((g) => g.obj.includes('/obj/merge/'));
  assert.is(dir.length, 7);
  sameAs(merge(dir.map((g) => g.bytes)).rawData(), readBytes(join(FIXTURES, 'merge-dir.btf')), 'golden/obj/merge');
});

test('split BTF over a golden object (committed outputs)', () => {
  for (const [b, s] of [
    ['exec_ringbuf', 'sched_switch_stats'],
    ['exec_ringbuf', 'linked'],
    ['merge_task', 'merge_task_files'],
  ] as const) {
    const base = parseBtf(golden.find((g) => g.file === b)!.bytes);
    const baseBytes = base.rawData().slice();
    const split = Btf.empty({ base });
    split.addBtf(parseBtf(golden.find((g) => g.file === s)!.bytes));
    const p = parsed(split.rawData(), base);
    dedup(p);
    sameAs(p.rawData(), readBytes(join(FIXTURES, `split-${b}-${s}.btf`)), `${s} over ${b}`);
    // the same split built in memory (unique strings) gives the same result
    dedup(split);
    sameAs(split.rawData(), p.rawData(), `${s} over ${b}, built`);
    assert.ok(sameBytes(base.rawData(), baseBytes), 'base changed');
  }
});

// ------------------------------------------------------ libbpf, live

test('live: golden objects, .BTF.ext and merges against libbpf', () => {
  if (!harness) return skip(harnessSkipReason());
  for (const g of golden) {
    const btf = parseBtf(g.bytes);
    dedup(btf);
    sameAs(btf.rawData(), libbpf(['dedup', g.obj, join(tmp, 'out.btf')], join(tmp, 'out.btf')), g.name);
    if (g.bigEndian) continue; // libbpf 1.1.2 refuses big-endian .BTF.ext
    const elf = parseElf(g.bytes);
    const withExt = parseBtf(elf.sectionData(elf.section('.BTF')!).slice());
    const ext = BtfExt.parse(elf.sectionData(elf.section('.BTF.ext')!));
    dedup(withExt, { ext });
    sameAs(
      withExt.rawData(),
      libbpf(['dedup-ext', g.obj, join(tmp, 'e.btf'), join(tmp, 'e.ext')], join(tmp, 'e.btf')),
      `${g.name} with .BTF.ext`,
    );
    sameAs(ext.rawData(), readBytes(join(tmp, 'e.ext')), `${g.name} .BTF.ext`);
  }
  sameAs(
    merge(golden.map((g) => g.bytes)).rawData(),
    libbpf(['merge', join(tmp, 'all.btf'), ...golden.map((g) => g.obj)], join(tmp, 'all.btf')),
    'all golden objects',
  );
});

test('live: vmlinux in place, and merged with itself 2x and 4x', () => {
  if (!harness) return skip(harnessSkipReason());
  if (!vmlinux) return skip(`${VMLINUX} not readable: the kernel BTF not deduplicated`, 'env');
  const inPlace = parseBtf(vmlinux);
  dedup(inPlace);
  sameAs(inPlace.rawData(), libbpf(['dedup', VMLINUX, join(tmp, 'v.btf')], join(tmp, 'v.btf')), 'vmlinux');
  for (const copies of [2, 4]) {
    const m = merge(Array.from({ length: copies }, () => vmlinux));
    sameAs(
      m.rawData(),
      libbpf(['merge', join(tmp, 'v.btf'), ...Array.from({ length: copies }, () => VMLINUX)], join(tmp, 'v.btf')),
      `vmlinux x${copies}`,
    );
  }
});

/** Levels of the nested anonymous chain below: about a second of libbpf's cubic walk. */
const ANON_CHAIN = 700;

test(`live: two copies of a ${ANON_CHAIN}-deep chain of nested anonymous structs dedup as libbpf does, and faster`, () => {
  if (!harness) return skip(harnessSkipReason());
  // struct s { union { struct { ... int a; } a; } a; }, twice: libbpf walks
  // every level against every level of its kind (N^3/6 steps); shape
  // signatures (lib/dedup/shape.ts) leave out the walks that must fail.
  const one = deep('anon', ANON_CHAIN).btf;
  const two = Btf.empty();
  two.addBtf(one);
  two.addBtf(one);
  const input = tmpFile('anon-chain.btf', two.rawData());
  const t = performance.now();
  dedup(two);
  const ours = performance.now() - t;
  sameAs(
    two.rawData(),
    libbpf(['dedup', input, join(tmp, 'anon-chain.out')], join(tmp, 'anon-chain.out')),
    'anon chain',
  );
  const r = runHarness(['bench-dedup', tmpFile('anon-one.btf', one.rawData()), '2', '1']);
  assert.is(r.status, 0, r.stderr);
  const theirs = (JSON.parse(r.stdout.toString('utf8')) as { dedup_ms: number }).dedup_ms;
  assert.ok(ours < theirs, `btfkit ${ours.toFixed(0)} ms, libbpf ${theirs.toFixed(0)} ms`);
});

test('live: split BTF over vmlinux', () => {
  if (!harness) return skip(harnessSkipReason());
  if (!vmlinux) return skip(`${VMLINUX} not readable: the kernel BTF not deduplicated`, 'env');
  const base = parseBtf(vmlinux);
  for (const name of ['exec_ringbuf', 'linked', 'tcp_cc_struct_ops']) {
    const split = Btf.empty({ base });
    split.addBtf(parseBtf(golden.find((g) => g.file === name)!.bytes));
    const splitPath = tmpFile('split.btf', split.rawData());
    const p = parsed(split.rawData(), base);
    dedup(p);
    sameAs(
      p.rawData(),
      libbpf(['dedup-split', VMLINUX, splitPath, join(tmp, 's.btf')], join(tmp, 's.btf')),
      `${name} over vmlinux`,
    );
  }
  assert.ok(sameBytes(base.rawData(), vmlinux), 'vmlinux changed');
});

test('dedup of a parsed BTF drops raw data cached in the other byte order', () => {
  // The linked object's .BTF has duplicates, so dedup changes it.
  const elf = parseElf(readBytes(repoPath('golden', 'expected', 'merge', 'linked.o')));
  const raw = elf.sectionData(elf.section('.BTF')!).slice();
  const btf = Btf.parse(raw);
  btf.setEndianness('big');
  const bigBefore = btf.rawData().slice();
  btf.setEndianness('little');
  const r = dedup(btf);
  assert.ok(r.typesAfter < r.typesBefore, 'the input has duplicates');
  btf.setEndianness('big');
  const big = btf.rawData();
  assert.ok(big.length < bigBefore.length, 'the big-endian bytes are those of the deduplicated BTF');
  btf.setEndianness('little');
  const back = Btf.parse(big.slice());
  assert.is(back.nrTypes, btf.nrTypes);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
