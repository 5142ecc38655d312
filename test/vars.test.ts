/**
 * `btfkit vars`, lib/inspect/vars.ts and lib/inspect/typed-data.ts: initial
 * values printed as libbpf's `btf_dump__dump_type_data` prints them. With
 * `libbpf11` the output must equal libbpf 1.1.2's through the C
 * harness (committed under test/fixtures/maps/ for when it cannot run); by
 * default char arrays print as libbpf >= 1.5 prints them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { isBtfError } from '../lib/errors.js';
import { BTF_INT_BOOL, BTF_INT_SIGNED } from '../lib/kinds.js';
import { listVars, varLine, type VarValue } from '../lib/inspect/vars.js';
import { openObject } from '../lib/object/open.js';
import { TypedDataDumper, formatF, formatLongDouble } from '../lib/inspect/typed-data.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { readBytes, readText, repoPath, runCli } from './helpers/golden.js';
import { inspectorObjects } from './helpers/objects.js';

const FIX = repoPath('test', 'fixtures', 'maps');
const objects = inspectorObjects();
const loaded = objects.map((o) => ({
  ...o,
  obj: openObject(readBytes(o.path), { file: o.rel, ext: false, badBtf: 'record' }),
}));
const fixture = (name: string): string | null => (existsSync(join(FIX, name)) ? readText(join(FIX, name)) : null);
const harness = harnessPath();

const text = (vars: VarValue[]): string => vars.map((v) => `${varLine(v)}\n`).join('');
/** libbpf has no `.percpu` maps (the seed patch's), so no such variables. */
const noPercpu = (vars: VarValue[]): VarValue[] =>
  vars.filter((v) => !(v.section === '.percpu' || v.section.startsWith('.percpu.')));

for (const o of loaded) {
  test(`${o.name}: vars as committed (btfkit, char arrays as libbpf >= 1.5)`, () => {
    const vars = listVars(o.obj);
    assert.fixture(text(vars), fixture(`${o.name}.btfkit.vars.txt`) ?? '(missing fixture)');
    assert.equal(
      vars.filter((v) => v.error),
      [],
    );
  });

  const lib = fixture(`${o.name}.libbpf.vars.txt`);
  if (lib !== null) {
    test(`${o.name}: vars with libbpf11 equal libbpf 1.1.2's (committed)`, () => {
      assert.fixture(text(noPercpu(listVars(o.obj, { libbpf11: true }))), lib);
    });
  }

  test(`${o.name}: vars against libbpf through the harness`, () => {
    if (!harness) return skip(harnessSkipReason());
    const r = runHarness(['vars', o.path]);
    if (r.status !== 0) {
      assert.is(lib, null);
      assert.ok(r.stdout.length === 0 || /Relocation|Endian|supported|No such|Invalid/.test(r.stderr));
      return;
    }
    assert.fixture(r.stdout.toString('utf8'), lib ?? '(no committed libbpf output)');
    assert.fixture(text(noPercpu(listVars(o.obj, { libbpf11: true }))), r.stdout.toString('utf8'));
  });
}

const demo = loaded.find((o) => o.name === 'maps_demo')!.obj;

test("maps_demo: pretty output equals libbpf 1.1.2's (the oracle's vars --pretty), quirks included", () => {
  const got = noPercpu(listVars(demo, { compact: false, libbpf11: true }));
  assert.fixture(text(got), fixture('maps_demo.libbpf.vars.pretty.txt')!);
});

const xdata = loaded.find((o) => o.name === 'xcheck_data')!.obj;

test("xcheck_data: pretty output equals libbpf 1.1.2's (the oracle's vars --pretty), quirks included", () => {
  const got = listVars(xdata, { compact: false, libbpf11: true });
  assert.fixture(text(got), fixture('xcheck_data.libbpf.vars.pretty.txt')!);
});

test("a signed enum's value that no enumerator matches prints without its delimiter, in every mode (libbpf 1.1.2 to 1.8)", () => {
  for (const libbpf11 of [true, false]) {
    const v = (name: string, compact = true) =>
      listVars(xdata, { libbpf11, compact }).find((x) => x.name === name)!.value;
    // ENUM: `is_signed ? "%d" : "%u"` gets the "%s%s" of btf_dump_type_values on "%u" only
    assert.ok(v('g_ebits').startsWith('(struct ebits){.a = (enum sgn)11.b = (enum sgn)3.c = (enum usg)5,.d ='));
    // ENUM64: the same for "%lldLL"; a 1-byte packed enum; the last member: no comma before '}'
    assert.ok(v('g_ebits').endsWith('.j = (enum sbig64)-11LL.k = (enum sbyte)5}'));
    assert.is(v('g_sgn_arr'), '(enum sgn[4])[SG_NEG,07SG_POS,]');
    // a match keeps its comma; --pretty loses the newline as well
    assert.ok(v('g_ebits2', false).includes('\t.b = (enum sgn)14\t.c = (enum usg)UG_B,\n'));
    // at the top level there is no delimiter to lose
    assert.is(v('g_sgn_unk'), '(enum sgn)1234');
  }
});

test('the char-array state: libbpf 1.1.2 leaves the next 1-byte members empty, >= 1.5 prints them', () => {
  const cfg = (legacy: boolean) => listVars(demo, { libbpf11: legacy }).find((v) => v.name === 'cfg')!.value;
  assert.ok(cfg(true).includes(".name = (char[12])['d','e','m','o',],.enabled = (_Bool).color = (enum color)GREEN,"));
  assert.ok(
    cfg(false).includes(".name = (char[12])['d','e','m','o','\\0',],.enabled = (_Bool)1,.color = (enum color)GREEN,"),
  );
});

test('every big-endian twin prints the same values as its little-endian object', () => {
  for (const twin of ['xdp_pkt_counter', 'xdp_dispatch_tailcall', 'tc_flow_classifier']) {
    const be = openObject(readBytes(repoPath('golden', 'obj', `${twin}.bpfeb.o`)), {
      file: `${twin}.bpfeb.o`,
      ext: false,
      badBtf: 'record',
    });
    assert.is(text(listVars(be)), text(listVars(loaded.find((o) => o.name === twin)!.obj)), twin);
  }
});

// ------------------------------------------------------------- the dumper

/** A small BTF and dumper for unit tests. */
function small() {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED); // [1]
  const char = btf.addInt('char', 1, BTF_INT_SIGNED); // [2]
  const u8 = btf.addInt('unsigned char', 1, 0); // [3]
  const bool = btf.addInt('_Bool', 1, BTF_INT_BOOL); // [4]
  const idx = btf.addInt('__ARRAY_SIZE_TYPE__', 4, 0); // [5]
  const arr = btf.addArray(idx, char, 4); // [6] char[4]
  const s = btf.addStruct('s', 8); // [7] struct s { char n[4]; bool b; unsigned char u; }
  btf.addField('n', arr, 0, 0);
  btf.addField('b', bool, 32, 0);
  btf.addField('u', u8, 40, 0);
  const e = btf.addEnum('e', 4); // [8]
  btf.addEnumValue('A', 1);
  btf.addEnumValue('B', -1);
  const pk = btf.addStruct('pk', 5); // [9] packed { char c; enum e v; }
  btf.addField('c', char, 0, 0);
  btf.addField('v', e, 8, 0);
  const bf = btf.addStruct('bf', 4); // [10] { int x:3; int y:5; enum e z:4; }
  btf.addField('x', int, 0, 3);
  btf.addField('y', int, 3, 5);
  btf.addField('z', e, 8, 4);
  const i128 = btf.addInt('__int128', 16, BTF_INT_SIGNED); // [11]
  const ptr = btf.addPtr(0); // [12] void *
  const cv = btf.addConst(btf.addVolatile(int)); // [14] const volatile int
  const fp = btf.addFuncProto(int); // [15] int (*)(char, ...)
  btf.addFuncParam('c', char);
  btf.addFuncParam(null, 0);
  const fptr = btf.addPtr(fp); // [16]
  const dbl = btf.addFloat('double', 8); // [17]
  const ld = btf.addFloat('long double', 16); // [18]
  return { btf, int, char, u8, bool, arr, s, e, pk, bf, i128, ptr, cv, fptr, dbl, ld };
}

const bytes = (...b: number[]) => new Uint8Array(b);

test('typed data: casts, char arrays, 1-byte members after them', () => {
  const t = small();
  const d = new TypedDataDumper(t.btf);
  const v = bytes(0x68, 0x69, 0, 0x7a, 1, 0x41, 0, 0);
  assert.is(d.dump(t.s, v).text, "(struct s){.n = (char[4])['h','i','\\0',],.b = (_Bool)1,.u = (unsigned char)'A',}");
  assert.is(
    d.dump(t.s, v, 0, 8, { libbpf11: true }).text,
    "(struct s){.n = (char[4])['h','i',],.b = (_Bool).u = (unsigned char)}",
  );
  assert.is(d.dump(t.cv, bytes(0xff, 0xff, 0xff, 0xff)).text, '(int)-1');
  assert.is(d.dump(t.arr, bytes(0x80, 0x0a, 0x41, 0)).text, "(char[4])[-128,10,'A','\\0',]");
});

test('typed data: enums, unaligned enums (libbpf reads 0), bitfields', () => {
  const t = small();
  const d = new TypedDataDumper(t.btf);
  assert.is(d.dump(t.e, bytes(1, 0, 0, 0)).text, '(enum e)A');
  assert.is(d.dump(t.e, bytes(0xff, 0xff, 0xff, 0xff)).text, '(enum e)B');
  assert.is(d.dump(t.e, bytes(7, 0, 0, 0)).text, '(enum e)7');
  // e is signed (B = -1): its unmatched 0 has no comma, as libbpf 1.1.2 prints it (btfh typed-data)
  assert.is(d.dump(t.pk, bytes(0x41, 1, 0, 0, 0)).text, '(struct pk){.c = (char)65,.v = (enum e)0}');
  // x = -3 (3 bits: 0b101), y = 9, z = 1
  assert.is(d.dump(t.bf, bytes(0x4d, 0x01, 0, 0)).text, '(struct bf){.x = (int)0x5,.y = (int)0x9,.z = (enum e)A,}');
  // libbpf 1.1.2 wants the enum's 4 bytes from the bitfield's first byte on
  const old = d.dump(t.bf, bytes(0x4d, 0x01, 0, 0), 0, 4, { libbpf11: true });
  assert.is(old.text, '(struct bf){.x = (int)0x5,.y = (int)0x9,');
  assert.match(old.error!, /^E2BIG/);
});

test('typed data: 128-bit integers, pointers, function pointers, floats', () => {
  const t = small();
  const d = new TypedDataDumper(t.btf);
  assert.is(
    d.dump(t.i128, bytes(5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0)).text,
    '(__int128)0x10000000000000000000000005',
  );
  assert.is(d.dump(t.i128, new Uint8Array(16)).text, '(__int128)0x0');
  assert.is(d.dump(t.ptr, new Uint8Array(8)).text, '(void *)(nil)');
  assert.is(d.dump(t.ptr, bytes(0, 0x10, 0, 0, 0, 0, 0, 0)).text, '(void *)0x1000');
  const buf = new Uint8Array(16);
  assert.is(d.dump(t.ptr, buf, 4, 8).text, '(void *)0x0', 'unaligned pointers print with %llx');
  assert.is(d.dump(t.fptr, new Uint8Array(8)).text, '(int (*)(char c, ...))(nil)');
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, 1 / 3, true);
  assert.is(d.dump(t.dbl, new Uint8Array(dv.buffer)).text, '(double)0.333333');
  assert.is(d.dump(t.ld, bytes(0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x3f, 0, 0, 0, 0, 0, 0)).text, '(long double)1.500000');
});

test('%f as glibc prints it: exact value, ties to even, nan/inf/-0', () => {
  assert.is(formatF(0.0078125), '0.007812');
  assert.is(formatF(0.0234375), '0.023438');
  assert.is(formatF(1e30), '1000000000000000019884624838656.000000');
  assert.is(formatF(-0), '-0.000000');
  assert.is(formatF(-1e-7), '-0.000000');
  assert.is(formatF(NaN), 'nan');
  assert.is(formatF(-Infinity), '-inf');
  assert.is(formatF(2.5e-7), '0.000000');
  assert.is(formatF(5e-324), '0.000000');
  assert.is(formatF(123.4567895), '123.456789');
  assert.is(formatF(0.4999995), '0.499999');
  assert.is(formatF(1.0000005), '1.000001');
  assert.is(formatLongDouble(bytes(0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f, 0, 0, 0, 0, 0, 0), true), 'inf');
});

test('typed data: data that runs out, unsupported kinds, big-endian data', () => {
  const t = small();
  const d = new TypedDataDumper(t.btf);
  const r = d.dump(t.s, bytes(0x68, 0x69, 0, 0, 1), 0, 5);
  assert.is(r.text, "(struct s){.n = (char[4])['h','i','\\0',],.b = (_Bool)1,");
  assert.match(r.error!, /^E2BIG/);
  const fwd = t.btf.addFwd('f', 0);
  assert.match(d.dump(fwd, new Uint8Array(8)).error!, /^EINVAL/);
  assert.is(d.dump(t.int, bytes(0, 0, 1, 0), 0, 4, { littleEndian: false }).text, '(int)256');
});

test('typed data: without zeroes, and pretty', () => {
  const t = small();
  const d = new TypedDataDumper(t.btf, { emitZeroes: false });
  // a zero byte of a char array is then skipped, not printed, so it ends nothing
  assert.is(
    d.dump(t.s, bytes(0x68, 0, 0x69, 0, 0, 0x41, 0, 0)).text,
    "(struct s){.n = (char[4])['h','i',],.u = (unsigned char)'A',}",
  );
  assert.is(
    new TypedDataDumper(t.btf, { compact: false }).dump(t.pk, bytes(0x41, 1, 0, 0, 0)).text,
    '(struct pk){\n\t.c = (char)65,\n\t.v = (enum e)0}', // a signed enum's unmatched value: no ',\n'
  );
});

test('typed data: names shared by several types get ___2 in the order printed', () => {
  const o = loaded.find((x) => x.name === 'typed_values')!.obj;
  const vars = listVars(o);
  assert.is(vars.find((v) => v.name === 'dup1')!.value, '(struct dup){.a = (int)3,}');
  assert.is(vars.find((v) => v.name === 'use.dup2.0')!.value, '(struct dup___2){.b = (long)5,}');
});

test('btfkit vars: lines, --libbpf11, --pretty, -j', async () => {
  const obj = repoPath('golden', 'obj', 'maps', 'maps_demo.o');
  const plain = await runCli(['vars', obj]);
  assert.is(plain.error, undefined);
  assert.fixture(new TextDecoder().decode(plain.stdout), fixture('maps_demo.btfkit.vars.txt')!);
  const legacy = await runCli(['vars', '--libbpf11', obj]);
  const lines = new TextDecoder()
    .decode(legacy.stdout)
    .split('\n')
    .filter((l) => !l.startsWith('.percpu '))
    .join('\n');
  assert.fixture(lines, fixture('maps_demo.libbpf.vars.txt')!);
  const pretty = await runCli(['vars', '--pretty', '--libbpf11', obj]);
  assert.match(
    new TextDecoder().decode(pretty.stdout),
    /^\.data sample_rate = \(int\)7\n\.data cfg = \(struct config\)\{\n\t\.name/,
  );
  const j = await runCli(['vars', '-j', obj]);
  const arr = JSON.parse(new TextDecoder().decode(j.stdout)) as Array<Record<string, unknown>>;
  assert.equal(arr[0], {
    section: '.data',
    map: 'maps_dem.data',
    name: 'sample_rate',
    offset: 0,
    size: 4,
    type: 'int',
    value: 7,
    text: '(int)7',
  });
  const fmt = arr.find((v) => v['name'] === 'xdp_main.fmt')!;
  assert.is(fmt['type'], 'const char[10]');
  assert.is(fmt['value'], 'xdp %d %s');
  assert.is(fmt['text'], "(char[10])['x','d','p',' ','%','d',' ','%','s','\\0',]");
});

test('btfkit vars on an object without BTF fails with one line', async () => {
  const r = await runCli(['vars', repoPath('test/fixtures/builder/base.btf')]);
  assert.ok(r.error);
  assert.ok(isBtfError(r.error) || (r.error as Error).name === 'ElfError');
});

test.run();
