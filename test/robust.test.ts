/**
 * Hostile and extreme input, one class of defect per group (issue 12):
 *
 * - deep types: 200,000-deep chains of every shape (test/helpers/deep.ts:
 *   pointers, modifiers, arrays, prototypes through their return or their
 *   parameters, typedefs, named structs either way round, nested anonymous
 *   structs and unions) through every walk of the type graph (C dump in id
 *   order, `--sort`, `--type`, raw and JSON dumps, sizes and alignment,
 *   layout, the kernel's checks, typed data, dedup, min-core-btf); against
 *   bpftool, libbpf (the harness) and pahole where they cope (live);
 * - reference loops level 1 accepts: a prompt ELOOP BtfError naming the
 *   loop's types, from every walk;
 * - builder and emitter arguments: random bad values give BtfError only;
 * - sizes from the file: a NOBITS `.bss` or legacy `maps` claiming 4 GiB
 *   or 2^40 bytes allocates nothing of that size;
 * - errors on stderr name their file.
 *
 * The random groups share one time budget; BTFKIT_FUZZ_RUNS multiplies them.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { checkBtf } from '../lib/check/index.js';
import { minCoreBtf } from '../lib/core/min.js';
import { dedup } from '../lib/dedup/index.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { writeCDump } from '../lib/dump/c.js';
import { writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import { parseElf } from '../lib/elf/read.js';
import { addFunction, addGlobalVar, addMap } from '../lib/emit/index.js';
import { BtfErrorCode, isBtfError, isInputError } from '../lib/errors.js';
import { listMaps, listVars } from '../lib/inspect/index.js';
import { type ListingOptions, paholeListing, writeLayoutListing } from '../lib/layout/index.js';
import { diffBtf } from '../lib/diff/index.js';
import { TypedDataDumper } from '../lib/inspect/typed-data.js';
import { type BpfObject, openObject, writeObject } from '../lib/object/open.js';
import { typedJson } from '../lib/inspect/typed-json.js';
import { genTs } from '../lib/gen/ts.js';
import { deepJson, jsonText } from '../cli/common.js';
import { BTF_KIND_INT, BTF_KIND_VAR } from '../lib/kinds.js';
import { pathToFileURL } from 'node:url';
import { typeQuery } from '../lib/query.js';
import { FuzzStats } from './helpers/fuzz-stats.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { SHAPES, deep, declOf, type Shape } from './helpers/deep.js';
import { rng } from './helpers/gen.js';
import { BIN, readBytes, repoPath, runCli } from './helpers/golden.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

// Most of it goes to the 200,000-deep chains of every shape through every walk.
const budget = new TimeBudget('robust', 90_000);
const stats = new FuzzStats('robust');
/** Times a deep walk (`SHAPE WALK`) in the budget and counts it under WALK. */
const timed = <T>(what: string, fn: () => T): T =>
  budget.time(what, () => stats.call(`deep ${what.slice(what.indexOf(' ') + 1)}`, fn));
const tmp = scratchDir('robust');
const bpftool = hasTool('bpftool');
const harness = harnessPath();
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const cDump = (btf: Btf, opts: Parameters<typeof writeCDump>[2] = {}): string =>
  text(collectBytes((s) => writeCDump(btf, s, opts)));

// ------------------------------------------------------------ deep types

const DEEP = 200_000;
/** gen ts refuses values nested deeper than this (lib/gen/ts.ts MAX_TS_NEST); the section adds one level. */
const GEN_TS_DEPTH = 1_000;
/**
 * Levels of the nested anonymous chain deduplicated, one copy and two: as
 * deep as the others now that each level is only compared with candidates
 * of its shape (lib/dedup/struct.ts; libbpf compares every level with every
 * other, in cubic time).
 */
const DEEP_DEDUP_ANON = DEEP;
/** What typed data says on 8 bytes of each chain: libbpf's `btf__resolve_size` stops at 32 modifiers, typedefs or arrays. */
const TYPED_ERROR: Partial<Record<Shape, string>> = { const: 'EINVAL', array: 'EINVAL', typedef: 'EINVAL' };

for (const shape of SHAPES) {
  test(`deep types: a ${DEEP}-deep ${shape} chain goes through every walk`, () => {
    const { btf, root } = deep(shape, DEEP);
    const c = timed(`${shape} c`, () => cDump(btf));
    const want = declOf(shape, DEEP);
    if (want) assert.ok(c.includes(`\n${want}\n`), `${shape}: the declaration is not the one C gives`);
    const sorted = timed(`${shape} sort`, () => cDump(btf, { sort: true }));
    assert.is(sorted.length, c.length, `${shape}: --sort prints the same types`);
    const one = timed(`${shape} type`, () => cDump(btf, { typeNames: [String(root)] }));
    if (want) assert.ok(one.includes(want), `${shape}: --type`);
    timed(`${shape} raw`, () => collectBytes((s) => writeRawDump(btf, s)));
    timed(`${shape} json`, () => collectBytes((s) => writeJsonDump(btf, s)));
    const q = typeQuery(btf);
    timed(`${shape} query`, () => {
      assert.ok(q.alignOf(root) >= 0 || shape === 'proto' || shape === 'param', `${shape}: alignment`);
      q.resolveSize(root);
      q.skipModsAndTypedefs(root);
    });
    // pahole prints nested anonymous structs until its stack runs out
    // (between 3,000 and 10,000 levels); btfkit prints them on an explicit
    // stack. Their listing is quadratic (each closing line is padded 8
    // columns per level: some 320 GB at 200,000 levels), so it is followed
    // down to the innermost member and the first closing lines.
    timed(`${shape} layout`, () => {
      // The outermost struct alone (-C): its alignment goes down the chain.
      const named = shape === 'struct' || shape === 'rstruct' || shape === 'anon';
      const opts = named ? { classNames: [btf.nameOf(root)] } : {};
      if (shape === 'anon') assert.ok(layoutHead(btf, opts), 'anon: the innermost member is printed');
      else for (const chunk of paholeListing(btf, opts)) assert.ok(chunk.length > 0);
      // -E expands the named structs as nested ones.
      if (shape === 'struct') assert.ok(layoutHead(btf, { ...opts, expand: true }), 'struct -E: the innermost member');
    });
    // The diff's keys go down unnamed types only (a name stops them).
    if (shape !== 'typedef' && shape !== 'struct' && shape !== 'rstruct')
      timed(`${shape} diff`, () => {
        const other = Btf.parse(btf.rawData());
        other.addInt('long', 8, 1);
        const d = diffBtf(btf, other, { fileA: 'a', fileB: 'b' });
        assert.equal(
          d.map((c) => `${c.change} ${c.kind} ${c.name}`),
          ['added int long'],
        );
      });
    timed(`${shape} check`, () => checkBtf(btf));
    const r = timed(`${shape} typed data`, () => new TypedDataDumper(btf).dump(root, new Uint8Array(8)));
    assert.is(r.error?.split(':')[0], TYPED_ERROR[shape], `${shape}: typed data: ${r.error}`);
    timed(`${shape} dedup`, () => dedup(shape === 'anon' ? deep('anon', DEEP_DEDUP_ANON).btf : btf));
    if (shape === 'anon') {
      const one = deep('anon', DEEP_DEDUP_ANON).btf;
      const two = Btf.empty();
      two.addBtf(one);
      two.addBtf(one);
      timed('anon dedup x2', () => dedup(two));
      assert.is(two.nrTypes, one.nrTypes, 'anon: the second copy of the chain deduplicates into the first');
    }
  });
}

/**
 * Writes the `layout` listing of `btf` for `opts` until 12 MB are out:
 * returns whether the first `int` (the innermost member of a chain over
 * `int`) came before that.
 */
function layoutHead(btf: Btf, opts: ListingOptions): boolean {
  const STOP = new Error('enough');
  const limit = 12 << 20;
  let n = 0;
  let sawInt = false;
  let tail = '';
  try {
    writeLayoutListing(
      btf,
      (chunk) => {
        n += chunk.length;
        // (`\tint`: a chunk may end after `int`, before its padding, or between
        // the tab and `int`: the last bytes of the chunk before are searched too.)
        if (!sawInt) {
          const text = tail + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
          sawInt = text.includes('\tint');
          tail = text.slice(-3);
        }
        if (n > limit) throw STOP;
      },
      opts,
    );
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return sawInt;
}

/** BTF of struct `S { CHAIN m; }` and typedef `T` over a chain of `shape` (`constptr`: const and pointer in turn), n levels over int, with a `long` (pahole takes the pointer size from it). */
function nameChain(shape: string, n: number): Btf {
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1);
  b.addInt('long', 8, 1);
  let t = int;
  for (let i = 0; i < n; i++) {
    if (shape === 'ptr' || (shape === 'constptr' && i % 2 === 0)) t = b.addPtr(t);
    else if (shape === 'const' || shape === 'constptr') t = i % 2 ? b.addConst(t) : b.addVolatile(t);
    else if (shape === 'array') t = b.addArray(int, t, 1);
    else {
      const p = b.addFuncProto(shape === 'proto' ? t : int);
      b.addFuncParam('x', shape === 'proto' ? int : t);
      t = b.addPtr(p);
    }
  }
  b.addStruct('S', 8);
  b.addField('m', t, 0, 0);
  b.addTypedef('T', t);
  return b;
}

const NAME_SHAPES = ['ptr', 'const', 'constptr', 'array', 'proto', 'param'] as const;

test(`deep types: layout names ${DEEP}-deep chains of every shape as pahole does (cut at its buffers)`, () => {
  for (const shape of NAME_SHAPES) {
    const btf = nameChain(shape, DEEP);
    const s = timed(`${shape} layout names`, () => [...paholeListing(btf, { classNames: ['S', 'T'] })].join(''));
    // A member's type in 128 bytes, a typedef's in 512 (parameters print whole).
    const [member] = s.split('\n').filter((l) => l.endsWith('*/') && l.startsWith('\t'));
    assert.ok(member !== undefined, shape);
    if (shape !== 'param' && shape !== 'array') assert.ok(member.length < 400, `${shape}: ${member.slice(0, 200)}`);
  }
});

test('deep types: layout equals pahole 1.24 at 33, 1,000 and 3,000 levels (nested anonymous structs, -E, names of every shape) (live)', () => {
  if (!existsSync('/usr/bin/pahole') && !hasTool('pahole')) return skip('pahole is not installed');
  const pahole = (file: string, args: string[]): string => {
    const r = run('pahole', ['-F', 'btf', ...args, file], { timeoutMs: 120_000 });
    assert.is(r.status, 0, `pahole ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.toString();
  };
  for (const n of [33, 1_000, 3_000]) {
    // -E's listing of a struct chain is as big as the anonymous one's (36 MB at 3,000): 1,000 levels do.
    for (const [shape, expand] of [['anon', false], ...(n < 3_000 ? ([['struct', true]] as const) : [])] as const) {
      const { btf, root } = deep(shape, n);
      const file = join(tmp, `layout-${shape}-${n}.btf`);
      writeFileSync(file, btf.rawData());
      const name = btf.nameOf(root);
      const got = [...paholeListing(btf, { classNames: [name], ...(expand ? { expand } : {}) })].join('');
      assert.ok(got === pahole(file, [...(expand ? ['-E'] : []), '-C', name]), `${shape} ${n}: differs from pahole`);
    }
    for (const shape of NAME_SHAPES) {
      const btf = nameChain(shape, n);
      const file = join(tmp, `names-${shape}-${n}.btf`);
      writeFileSync(file, btf.rawData());
      for (const name of ['S', 'T']) {
        const got = [...paholeListing(btf, { classNames: [name] })].join('');
        assert.ok(got === pahole(file, ['-C', name]), `${shape} ${n} ${name}: differs from pahole`);
      }
    }
  }
});

test('deep types: a struct printed inside itself or a name without end is ELOOP from layout, naming the file', () => {
  const anon = Btf.empty();
  anon.addInt('int', 4, 1);
  anon.addStruct('S', 4); // [2] struct S { union { struct { <[3]> c; } b; } a; }
  anon.addField('a', 3, 0, 0);
  anon.addUnion(null, 4); // [3]
  anon.addField('b', 4, 0, 0);
  anon.addStruct(null, 4); // [4]
  anon.addField('c', 3, 0, 0);
  const named = Btf.empty();
  named.addInt('int', 4, 1);
  named.addConst(3); // [2] const -> [3] volatile -> [2]
  named.addVolatile(2);
  named.addPtr(2); // [4]
  named.addStruct('S', 8);
  named.addField('m', 4, 0, 0);
  for (const [what, btf, ids] of [
    ['anon', anon, /\[3\] -> \[4\] -> \[3\]/],
    ['name', named, /\[2\] -> \[3\] -> \[2\]/],
  ] as const) {
    try {
      [...paholeListing(btf)].join('');
      assert.unreachable(`${what}: no error`);
    } catch (e) {
      assert.ok(isBtfError(e) && e.code === BtfErrorCode.Loop && ids.test(e.message), String(e));
    }
    const file = join(tmp, `layout-loop-${what}.btf`);
    writeFileSync(file, btf.rawData());
    for (const args of [
      ['layout', file],
      ['diff', file, file],
    ]) {
      const r = run(process.execPath, [BIN, ...args], { timeoutMs: 30_000 });
      assert.is(r.status, 1, args.join(' '));
      assert.match(r.stderr, new RegExp(`^btfkit: ${file}: type \\[\\d+\\]: .*reference loop`), r.stderr);
    }
  }
});

test('deep types: a struct or prototype inside its own definition is ELOOP from the C dump and from casts', () => {
  const selfParam = (): Btf => {
    const b = Btf.empty();
    b.addInt('int', 4, 1);
    const p = b.addFuncProto(1); // [2]: int (*)(int (*)(...))
    b.addFuncParam('x', p + 1);
    b.addPtr(p); // [3]
    b.addTypedef('fn', p + 1);
    return b;
  };
  const selfAnon = (): Btf => {
    const b = Btf.empty();
    b.addInt('int', 4, 1);
    b.addStruct(null, 4); // [2]: struct { union { struct ... } a; }
    b.addField('a', 3, 0, 0);
    b.addUnion(null, 4); // [3]
    b.addField('b', 2, 0, 0);
    b.addTypedef('T', 2);
    return b;
  };
  for (const make of [selfParam, selfAnon]) {
    for (const opts of [{}, { sort: true }]) {
      try {
        cDump(make(), opts);
        assert.unreachable('no error');
      } catch (e) {
        assert.ok(isBtfError(e) && e.code === BtfErrorCode.Loop, String(e));
      }
    }
  }
  // A cast goes through a prototype's parameters, not into anonymous structs.
  const btf = selfParam();
  const d = new TypedDataDumper(btf);
  try {
    d.typeName(3);
    assert.unreachable('no error');
  } catch (e) {
    assert.ok(isBtfError(e) && e.code === BtfErrorCode.Loop && /\[2\]/.test(e.message), String(e));
  }
  assert.is(d.typeName(1), 'int', 'the writer is clean after the error');
});

test("long names: raw and JSON dumps equal bpftool 7.1 with names past the writers' fast path, across chunk boundaries, split BTF too (live)", () => {
  if (!bpftool) return skip('bpftool not installed: long names not compared');
  // Names of up to 3,000 bytes (the writers copy 512 in their fast path),
  // with bytes JSON escapes, over some 2 MB of output (64 KiB chunks).
  const r = rng(17);
  const alpha = 'abcdefgh\\"\t\n\'xyz_\u00e9';
  const name = (): string => {
    const n = r() % 5 === 0 ? 300 + (r() % 3000) : r() % 20;
    let out = '';
    for (let i = 0; i < n; i++) out += alpha[r() % alpha.length];
    return out;
  };
  const base = Btf.empty();
  const int = base.addInt('int', 4, 1);
  for (let i = 0; i < 300; i++) {
    const sid = base.addStruct(name(), 64);
    for (let j = r() % 6; j > 0; j--) base.addField(name(), int, j * 32, 0);
    base.addEnum(name(), 4);
    for (let j = r() % 4; j > 0; j--) base.addEnumValue(`v${name()}`, (r() % 2_000_000) - 1_000_000);
    base.addFuncProto(int);
    base.addFuncParam(name(), sid);
    base.addTypedef(`t${name()}`, sid);
  }
  const split = Btf.empty({ base });
  split.addStruct(name(), 4);
  split.addField(base.nameOf(int), int, 0, 0); // a name from the base's strings
  split.addField(name(), int, 0, 0);
  const baseFile = join(tmp, 'long-names.btf');
  const splitFile = join(tmp, 'long-names-split.btf');
  writeFileSync(baseFile, base.rawData());
  writeFileSync(splitFile, split.rawData());
  for (const [btf, args] of [
    [base, ['btf', 'dump', 'file', baseFile]],
    [split, ['-B', baseFile, 'btf', 'dump', 'file', splitFile]],
  ] as const) {
    const raw = run('bpftool', args);
    assert.is(raw.status, 0, raw.stderr);
    assert.ok(Buffer.from(collectBytes((s) => writeRawDump(btf, s))).equals(raw.stdout), 'raw dump differs');
    const json = run('bpftool', ['-j', ...args]);
    assert.is(json.status, 0, json.stderr);
    assert.ok(Buffer.from(collectBytes((s) => writeJsonDump(btf, s))).equals(json.stdout), 'JSON dump differs');
  }
});

test('deep types: format c equals bpftool 7.1 at 10,000 levels of every shape (5,000 nested anonymous structs) (live)', () => {
  if (!bpftool) return skip('bpftool not installed: deep chains not compared');
  // bpftool's time grows with the square of nested anonymous structs (17 s
  // at 20,000, equal too, checked by hand); 33 levels pass libbpf's 32.
  for (const shape of SHAPES) {
    for (const n of [33, shape === 'anon' ? 5_000 : 10_000]) {
      const { btf } = deep(shape, n);
      const file = join(tmp, `deep-${shape}-${n}.btf`);
      writeFileSync(file, btf.rawData());
      const r = run('bpftool', ['btf', 'dump', 'file', file, 'format', 'c'], { timeoutMs: 120_000 });
      assert.is(r.status, 0, `${shape} ${n}: bpftool failed`);
      assert.ok(r.stdout.toString() === cDump(btf), `${shape} ${n}: btfkit differs from bpftool`);
    }
  }
});

test('deep types: typed data equals libbpf 1.1.2 at 10,000 nested structs and unions, zeroes shown or not (live)', () => {
  if (!harness) return skip(harnessSkipReason());
  const errno: Record<string, number> = { EINVAL: -22, E2BIG: -7 };
  for (const [shape, n] of [
    ['struct', 10_000],
    ['rstruct', 10_000],
    ['anon', 10_000],
    ['typedef', 33],
    ['const', 33],
  ] as const) {
    const { btf, root } = deep(shape, n);
    const file = join(tmp, `typed-${shape}.btf`);
    writeFileSync(file, btf.rawData());
    for (const data of [Uint8Array.of(1, 2, 3, 4), new Uint8Array(4)]) {
      const dataFile = join(tmp, 'typed.data');
      writeFileSync(dataFile, data);
      for (const zeroes of [true, false]) {
        const r = runHarness(['typed-data', ...(zeroes ? [] : ['--no-zeroes']), file, dataFile, String(root)]);
        assert.is(r.status, 0, r.stderr);
        const got = new TypedDataDumper(btf, { libbpf11: true, emitZeroes: zeroes }).dump(root, data);
        const code = got.error?.split(':')[0];
        const ours = `${got.text}\n${code ? `err ${errno[code] ?? code}\n` : ''}`;
        assert.ok(ours === r.stdout.toString(), `${shape} ${n} ${data[0] ? 'data' : 'zero'} zeroes=${zeroes}: differs`);
      }
    }
  }
});

test('deep types: gen min-core-btf keeps a 200,000-deep typedef chain as bpftool 7.1 does (live)', () => {
  if (!bpftool) return skip('bpftool not installed: min_core_btf not compared');
  // core_kinds.o asks bpf_core_type_matches(struct btfkit_inner): the walk
  // goes down every member, here through the chain.
  const obj = repoPath('golden/obj/ext/core_kinds.o');
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1);
  const short = b.addInt('short', 2, 1);
  let t = int;
  for (let i = 0; i < DEEP; i++) t = b.addTypedef(`t${i}`, t);
  const arr = b.addArray(int, short, 4);
  b.addStruct('btfkit_inner', 12);
  b.addField('a', t, 0, 0);
  b.addField('b', arr, 32, 0);
  const target = join(tmp, 'min-target.btf');
  const out = join(tmp, 'min.btf');
  writeFileSync(target, b.rawData());
  const r = run('bpftool', ['gen', 'min_core_btf', target, out, obj], { timeoutMs: 120_000 });
  assert.is(r.status, 0, r.stderr.toString());
  const got = minCoreBtf(b, [openObject(readBytes(obj), { file: obj })]).rawData();
  assert.ok(Buffer.from(got).equals(readFileSync(out)), 'min_core_btf differs from bpftool');
  assert.ok(got.length > DEEP * 12, 'the chain is kept');
});

/**
 * golden/obj/global_data_layout.o with `.data`'s `int sample_rate` retyped
 * to the type `chain` adds over its BTF (4 bytes, over `int`): a deep
 * value in an object, for vars, set and gen ts.
 */
function deepObject(chain: (b: Btf, int: number) => number): Uint8Array {
  const o = openObject(readBytes(repoPath('golden/obj/global_data_layout.o')), { file: 'global_data_layout.o' });
  const btf = o.btf!;
  btf.ensureModifiable();
  const q = typeQuery(btf);
  let v = 0;
  let int = 0;
  for (let id = 1; id < btf.typeCount; id++) {
    if (q.kind(id) === BTF_KIND_VAR && btf.nameOf(id) === 'sample_rate') v = id;
    if (q.kind(id) === BTF_KIND_INT && btf.nameOf(id) === 'int') int = id;
  }
  const root = chain(btf, int);
  const [w, off] = btf.recordOf(v);
  w[off + 2] = root;
  return writeObject(o, { btf });
}

/** `struct s0 { struct s1 { ... { int a; } a; } a; }`, n levels; `anon`: unnamed structs as unnamed members, the innermost `int x`. */
function structChain(n: number, anon: boolean): (b: Btf, int: number) => number {
  return (b, int) => {
    let t = int;
    for (let i = 0; i < n; i++) {
      const s = anon ? b.addStruct(null, 4) : b.addStruct(`s${i}`, 4);
      b.addField(anon ? (i === 0 ? 'x' : null) : 'a', t, 0, 0);
      t = s;
    }
    return t;
  };
}

test(`deep types: vars -j and typedJson go ${DEEP} structs deep, as vars does`, async () => {
  const { btf, root } = deep('struct', DEEP);
  const v = budget.time('typed json', () => typedJson(btf, root, Uint8Array.of(7, 0, 0, 0)));
  let x: unknown = v;
  for (let i = 0; i < DEEP; i++) x = (x as Record<string, unknown>)['a'];
  assert.is(x, 7);
  const file = join(tmp, 'deep-vars.o');
  writeFileSync(file, deepObject(structChain(DEEP, false)));
  const r = await budget.time('vars -j', () => runCli(['vars', '-j', file]));
  assert.is(r.error, undefined, r.stderr);
  const out = text(r.stdout);
  assert.ok(out.startsWith('[{') && out.includes(`${'{"a":'.repeat(1000)}`), out.slice(0, 200));
  assert.ok(out.includes(`{"a":1${'}'.repeat(1000)}`), 'the innermost value, 1');
  // A struct inside its own value is ELOOP (only malformed BTF).
  const loop = Btf.empty();
  loop.addInt('int', 4, 1);
  loop.addStruct('s', 4);
  loop.addField('a', 2, 0, 0);
  assert.throws(
    () => typedJson(loop, 2, new Uint8Array(4)),
    (e: unknown) => isBtfError(e) && e.code === BtfErrorCode.Loop,
  );
});

test('deep types: the CLI writes JSON too deep for JSON.stringify as JSON.stringify would', () => {
  const r = rng(3);
  const values: unknown[] = [];
  for (let i = 0; i < 200; i++) {
    const scalars = [null, true, false, 0, -0, 1.5, 1e21, Number.NaN, 'a"\\\n\u2028é', '', undefined, () => 1];
    const mk = (d: number): unknown => {
      if (d > 4 || r() % 3 === 0) return scalars[r() % scalars.length];
      if (r() % 2) return Array.from({ length: r() % 4 }, () => mk(d + 1));
      const o: Record<string, unknown> = {};
      for (let k = r() % 4; k > 0; k--) o[['a', '1', '__x', '0', 'b c'][r() % 5]!] = mk(d + 1);
      if (r() % 7 === 0) o['d'] = { toJSON: () => ['j'] };
      return o;
    };
    values.push(mk(0));
  }
  for (const v of values) assert.is(deepJson(v), JSON.stringify(v) ?? deepJson(v));
  let o: Record<string, unknown> = { end: [1, { z: 'q' }] };
  for (let i = 0; i < DEEP; i++) o = { k: o, n: i };
  const text = jsonText(o, false);
  assert.ok(text.startsWith(`${'{"k":'.repeat(100)}`) && text.endsWith(`"n":${DEEP - 1}}\n`), text.slice(-100));
});

test(`deep types: set finds a member ${DEEP} anonymous structs down`, async () => {
  const file = join(tmp, 'deep-set.o');
  writeFileSync(file, deepObject(structChain(DEEP, true)));
  const out = join(tmp, 'deep-set-out.o');
  const r = await budget.time('set', () => runCli(['set', file, '.data.sample_rate.x=5', '-o', out]));
  assert.is(r.error, undefined, r.stderr);
  const o = openObject(readFileSync(out), { file: out });
  const v = listVars(o).find((x) => x.name === 'sample_rate')!;
  assert.ok(v.value.includes('5'), v.value.slice(-100));
});

test('deep types: gen ts at 1,000 nested structs (the most it allows: the codecs recurse as deep) round-trips; 1,001 is E2BIG', async () => {
  const at = (n: number): BpfObject => openObject(deepObject(structChain(n, false)), { file: 'deep.o' });
  const g = budget.time('gen ts', () => genTs(at(GEN_TS_DEPTH)));
  const file = join(tmp, 'deep-gen.mjs');
  writeFileSync(file, g.js);
  const m = (await import(pathToFileURL(file).href)) as Record<string, (...a: unknown[]) => unknown>;
  const bytes = Uint8Array.of(9, 0, 0, 0);
  // The outermost struct, s999, has a codec of its own.
  const outer = `S${GEN_TS_DEPTH - 1}`;
  const decoded = m[`decode${outer}`]!(bytes) as Record<string, unknown>;
  let x: unknown = decoded;
  for (let i = 0; i < GEN_TS_DEPTH - 1; i++) x = (x as Record<string, unknown>)['a'];
  assert.is((x as Record<string, unknown>)['a'], 9);
  assert.equal(Array.from(m[`encode${outer}`]!(decoded) as Uint8Array), [9, 0, 0, 0]);
  for (const o of [at(GEN_TS_DEPTH + 1)]) {
    assert.throws(
      () => genTs(o),
      (e: unknown) => isBtfError(e) && e.code === BtfErrorCode.TooBig && e.file === 'deep.o',
    );
  }
  // Arrays of arrays: past 1,000 dimensions, E2BIG; a struct holding itself: ELOOP.
  const dims = openObject(
    deepObject((b, int) => {
      let t = int;
      for (let i = 0; i < 1_001; i++) t = b.addArray(int, t, 1);
      return t;
    }),
    { file: 'dims.o' },
  );
  assert.throws(
    () => genTs(dims),
    (e: unknown) => isBtfError(e) && e.code === BtfErrorCode.TooBig,
  );
  const self = openObject(
    deepObject((b) => {
      const s = b.addStruct('selfish', 4);
      b.addField('a', s, 0, 0);
      return s;
    }),
    { file: 'self.o' },
  );
  assert.throws(
    () => genTs(self),
    (e: unknown) => isBtfError(e) && e.code === BtfErrorCode.Loop,
  );
});

// ------------------------------------------------------- reference loops

/** BTF with a loop level 1 accepts, the ids the loop goes through. */
const LOOPS: Array<[string, () => Btf]> = [
  [
    'struct s { T f; }; typedef T *T',
    () => {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      const s = b.addStruct('s', 8); // [2]
      b.addField('f', s + 1, 0, 0);
      b.addTypedef('T', s + 2); // [3]
      b.addPtr(s + 1); // [4]
      return b;
    },
  ],
  [
    'a prototype returning itself',
    () => {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      const p = b.addFuncProto(2); // [2]
      b.addFuncParam('x', 1);
      b.addTypedef('fn', p);
      return b;
    },
  ],
  [
    'a prototype returning a pointer to itself',
    () => {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      const p = b.addFuncProto(3); // [2]
      b.addFuncParam('x', 1);
      b.addPtr(p); // [3]
      b.addTypedef('fn', p + 1);
      return b;
    },
  ],
  [
    'a pointer to an array of that pointer',
    () => {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      const p = b.addPtr(3); // [2]
      b.addArray(1, p, 4); // [3]
      b.addTypedef('pa', p);
      b.addStruct('s', 8);
      b.addField('m', p, 0, 0);
      return b;
    },
  ],
];

for (const [what, make] of LOOPS) {
  test(`reference loops: ${what}: every walk ends promptly in ELOOP naming the loop's types`, () => {
    const walks: Array<[string, (b: Btf) => unknown]> = [
      ['c', (b) => cDump(b)],
      ['sort', (b) => cDump(b, { sort: true })],
      ['type', (b) => cDump(b, { typeNames: ['2'] })],
      ['dedup', (b) => dedup(b)],
    ];
    for (const [name, walk] of walks) {
      const btf = make();
      const t = performance.now();
      try {
        walk(btf);
        assert.unreachable(`${name}: no error`);
      } catch (e) {
        assert.ok(isBtfError(e), `${name}: ${String(e)}`);
        assert.is(e.code, BtfErrorCode.Loop, `${name}: ${e.message}`);
        assert.ok(/\[[23]\]/.test(e.message), `${name}: the message names no type of the loop: ${e.message}`);
      }
      assert.ok(performance.now() - t < 5000 * Math.max(1, Number(process.env['BTFKIT_TIME_SCALE'] ?? 1)), name);
    }
  });
}

/**
 * Loops `layout` follows type by type (strip, member declarations), each as
 * struct s { T m; } with T in the loop, and the listings that meet the loop
 * (the others print: a typedef's name ends the walk without -E, --sizes
 * needs no declaration).
 */
const LAYOUT_LOOPS: Array<[string, () => Btf, string[]]> = [
  [
    'typedef T T',
    () => {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      b.addStruct('s', 16);
      b.addField('m', 3, 0, 0);
      b.addTypedef('T', 3); // [3]
      return b;
    },
    ['', '-E', '-j', '--sizes', '-R', '--svg'],
  ],
  [
    'typedef T[4] T (an array of itself through a typedef: -E expands it)',
    () => {
      const b = Btf.empty();
      const i = b.addInt('int', 4, 1);
      b.addStruct('s', 16);
      b.addField('m', 3, 0, 0);
      b.addTypedef('T', 4); // [3]
      b.addArray(i, 3, 4); // [4]
      return b;
    },
    ['-E'],
  ],
  [
    'const A, A an array of const A',
    () => {
      const b = Btf.empty();
      const i = b.addInt('int', 4, 1);
      b.addStruct('s', 16);
      b.addField('m', 3, 0, 0);
      b.addConst(4); // [3]
      b.addArray(i, 3, 4); // [4]
      return b;
    },
    ['', '-E', '-j', '-R', '--svg'],
  ],
  [
    'volatile -> const -> volatile',
    () => {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      b.addStruct('s', 16);
      b.addField('m', 3, 0, 0);
      b.addVolatile(4); // [3]
      b.addConst(3); // [4]
      return b;
    },
    ['', '-E', '-j', '--sizes', '-R', '--svg'],
  ],
];

for (const [what, make, failing] of LAYOUT_LOOPS) {
  test(`reference loops: ${what}: every layout listing ends promptly in ELOOP naming the file and the loop`, async () => {
    const file = join(tmp, 'layout-loop.btf');
    writeFileSync(file, make().rawData());
    const svg = join(tmp, 'layout-loop.svg');
    const listings: Array<[string, string[]]> = [
      ['', [file]],
      ['-E', ['-E', file]],
      ['-j', ['-j', file]],
      ['--sizes', ['--sizes', file]],
      ['-R', ['-C', 's', '-R', file]],
      ['--svg', ['-C', 's', '--svg', svg, file]],
    ];
    // first the bin, under a timeout (a loop followed for ever would hang the runner in process):
    // one line, status 1
    for (const [key, args] of listings.slice(0, 2)) {
      const r = run(process.execPath, [BIN, 'layout', ...args], { timeoutMs: 30_000 });
      assert.is(r.status, failing.includes(key) ? 1 : 0, `${args.join(' ')}: ${r.stderr}`);
      if (r.status === 1) assert.is(r.stderr.trim().split('\n').length, 1);
    }
    for (const [key, args] of listings) {
      rmSync(svg, { force: true });
      const t = performance.now();
      const r = await runCli(['layout', ...args]);
      const ms = performance.now() - t;
      assert.ok(ms < 5000 * Math.max(1, Number(process.env['BTFKIT_TIME_SCALE'] ?? 1)), `${args.join(' ')}: ${ms} ms`);
      if (!failing.includes(key)) {
        assert.is(r.error, undefined, `${args.join(' ')}: ${String(r.error)}`);
        continue;
      }
      const e = r.error;
      assert.ok(isBtfError(e), `${args.join(' ')}: ${String(e)}`);
      assert.is(e.code, BtfErrorCode.Loop);
      assert.match(e.message, new RegExp(`^${file}: type \\[\\d+\\]: reference loop through types \\[[34]\\]`));
      assert.not.ok(existsSync(svg), 'no picture written');
    }
  });
}

test('reference loops: the CLI names the file (dump -f c, --sort)', () => {
  const file = join(tmp, 'loop.btf');
  writeFileSync(file, LOOPS[3]![1]().rawData());
  for (const args of [
    ['dump', '-f', 'c', file],
    ['dump', '-f', 'c', '--sort', file],
  ]) {
    const r = run(process.execPath, [BIN, ...args], { timeoutMs: 30_000 });
    assert.is(r.status, 1, args.join(' '));
    assert.match(r.stderr, new RegExp(`^btfkit: ${file}: type \\[\\d+\\]: reference loop`), r.stderr);
  }
});

// ------------------------------------------------- builder and emitters

const BAD: unknown[] = [
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  2 ** 53,
  2 ** 32,
  'x',
  '',
  'a\0b',
  null,
  undefined,
  {},
  [],
  true,
  10n,
  -1n,
  2n ** 70n,
  () => 1.5,
];

/** Builder calls: name, good arguments, what must come first. */
const CALLS: Array<[string, unknown[], ((b: Btf) => number | undefined)?]> = [
  ['addInt', ['i', 4, 1]],
  ['addFloat', ['f', 4]],
  ['addPtr', [1]],
  ['addArray', [1, 1, 2]],
  ['addStruct', ['s', 4]],
  ['addUnion', ['u', 4]],
  ['addField', ['x', 1, 0, 0], (b) => b.addStruct('s2', 8)],
  ['addEnum', ['e', 4]],
  ['addEnumValue', ['A', 1], (b) => b.addEnum('e', 4)],
  ['addEnum64', ['e', 8, false]],
  ['addEnum64Value', ['A', 1n], (b) => b.addEnum64('e', 8, false)],
  ['addFwd', ['f', 0]],
  ['addTypedef', ['t', 1]],
  ['addVolatile', [1]],
  ['addConst', [1]],
  ['addRestrict', [1]],
  ['addTypeTag', ['t', 1]],
  ['addTypeAttr', ['t', 1]],
  ['addFunc', ['f', 1, 2], (b) => b.addFuncProto(1)],
  ['addFuncProto', [1]],
  ['addFuncParam', ['p', 1], (b) => b.addFuncProto(1)],
  ['addVar', ['v', 1, 1]],
  ['addDatasec', ['.data', 4]],
  [
    'addDatasecVarInfo',
    [2, 0, 4],
    (b) => {
      b.addVar('v', 1, 1);
      return b.addDatasec('.d', 8);
    },
  ],
  ['addDeclTag', ['t', 1, -1]],
  ['addDeclAttr', ['t', 1, -1]],
  ['addStr', ['x']],
];

const EMITTERS: Array<[string, (b: Btf, spec: Record<string, unknown>) => unknown, Record<string, unknown>]> = [
  ['addMap', (b, s) => addMap(b, s as never), { name: 'm', type: 'array', key: 1, value: 1, maxEntries: 1 }],
  ['addGlobalVar', (b, s) => addGlobalVar(b, s as never), { name: 'g', type: 1, section: '.data' }],
  ['addFunction', (b, s) => addFunction(b, s as never), { name: 'f', ret: 1, params: [{ name: 'a', type: 1 }] }],
];
const SPEC_KEYS = [
  'name',
  'type',
  'key',
  'value',
  'maxEntries',
  'keySize',
  'valueSize',
  'mapFlags',
  'numaNode',
  'pinning',
  'mapExtra',
  'innerMap',
  'values',
  'order',
  'structName',
  'section',
  'linkage',
  'offset',
  'size',
  'align',
  'declTags',
  'ret',
  'params',
  'variadic',
  'proto',
];

const ARG_RUNS = fuzzRuns(3000);
test(`builder and emitters: ${ARG_RUNS} calls with random bad arguments throw BtfError or succeed`, () => {
  const r = rng(12);
  const pick = <T>(a: readonly T[]): T => a[r() % a.length]!;
  const bad: string[] = [];
  budget.time('arguments', () => {
    for (let i = 0; i < ARG_RUNS; i++) {
      const b = Btf.empty();
      b.addInt('int', 4, 1);
      const what: string[] = [];
      try {
        if (i % 2) {
          const [fn, args, prep] = pick(CALLS);
          prep?.(b);
          const a = args.slice();
          // One to all arguments replaced.
          for (let k = 0, n = 1 + (r() % a.length); k < n; k++) {
            const at = r() % a.length;
            a[at] = pick(BAD);
            what.push(`${fn} arg${at}=${String(a[at])}`);
          }
          stats.call('builder', () => (b as unknown as Record<string, (...x: unknown[]) => unknown>)[fn]!(...a));
        } else {
          const [fn, call, spec] = pick(EMITTERS);
          const s = { ...spec };
          const key = pick(SPEC_KEYS);
          s[key] = pick(BAD);
          what.push(`${fn} ${key}=${String(s[key])}`);
          stats.call('emitter', () => call(b, s));
        }
      } catch (e) {
        if (!isBtfError(e) && bad.length < 5) bad.push(`${what.join(', ')}: ${String(e)}`);
      }
    }
  });
  assert.equal(bad, [], bad.join('\n'));
});

test('builder: non-integer enum values are EINVAL (1.5, NaN, ±Infinity), as libbpf returns -EINVAL', () => {
  for (const v of [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const b = Btf.empty();
    b.addEnum('e', 4);
    assert.throws(
      () => b.addEnumValue('A', v),
      (e: unknown) => isBtfError(e) && e.code === BtfErrorCode.InvalidArgument,
    );
    b.addEnum64('e64', 8, false);
    assert.throws(
      () => b.addEnum64Value('X', v),
      (e: unknown) => isBtfError(e) && e.code === BtfErrorCode.InvalidArgument,
    );
  }
});

// ---------------------------------------------------- sizes from the file

/** Returns a copy of ELF64 `bytes` with section `name`'s sh_size (and sh_type when given) replaced. */
function patchSection(bytes: Uint8Array, name: string, size: bigint, type?: number): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const sec = parseElf(bytes).sections.find((s) => s.name === name);
  if (!sec) throw new Error(`no ${name}`);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const at = shoff + sec.index * dv.getUint16(0x3a, true);
  if (type !== undefined) dv.setUint32(at + 4, type, true);
  dv.setBigUint64(at + 0x20, size, true);
  return out;
}

const SHT_NOBITS = 8;
for (const size of [0xffffffffn, 1n << 40n]) {
  test(`sizes from the file: a NOBITS .bss of ${size} bytes allocates nothing of that size (vars, maps)`, () => {
    const obj = patchSection(readBytes(repoPath('golden/obj/global_data_layout.o')), '.bss', size);
    const before = process.memoryUsage().arrayBuffers;
    const o = openObject(obj, { file: 'bss.o' });
    const vars = listVars(o);
    assert.ok(
      vars.some((v) => v.section === '.bss'),
      'the .bss variables are listed',
    );
    listMaps(o);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'more than 64 MiB of buffers');
  });
  test(`sizes from the file: a NOBITS legacy maps section of ${size} bytes allocates nothing of that size`, () => {
    const obj = patchSection(readBytes(repoPath('golden/obj/maps/legacy_kv.o')), 'maps', size, SHT_NOBITS);
    const before = process.memoryUsage().arrayBuffers;
    try {
      listMaps(openObject(obj, { file: 'maps.o' }));
    } catch (e) {
      assert.ok(isInputError(e), String(e));
    }
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'more than 64 MiB of buffers');
  });
}

// ------------------------------------------------------ errors name files

test('errors: dedup --elf with a bad .BTF.ext names the object', () => {
  const src = readBytes(repoPath('golden/obj/ext/core_kinds.o'));
  const sec = parseElf(src).sections.find((s) => s.name === '.BTF.ext')!;
  const obj = src.slice();
  const dv = new DataView(obj.buffer);
  const off = Number(sec.offset);
  const hdrLen = dv.getUint32(off + 4, true);
  const lineOff = dv.getUint32(off + 16, true);
  // The first line_info record's file name offset, far past the strings.
  dv.setUint32(off + hdrLen + lineOff + 4 + 8 + 4, 0x7fffffff, true);
  const file = join(tmp, 'badext.o');
  writeFileSync(file, obj);
  const r = run(process.execPath, [BIN, 'dedup', '--elf', file, '-o', join(tmp, 'out.o')]);
  assert.is(r.status, 1);
  assert.match(r.stderr, new RegExp(`^btfkit: ${file}: `), r.stderr);
});

budget.check();
test.run();
