/**
 * The builder (libbpf's btf__add_* in camelCase): selftest-style builds with
 * the expected bpftool raw lines, every error case, addType/addBtf, and byte
 * identity with libbpf: the builder scripts of test/fixtures/builder/ run
 * through test/helpers/script.ts must give the committed NAME.btf bytes and
 * NAME.ids results (which libbpf 1.1.2 gave through `btfh script`), and,
 * where the C harness builds, the same as libbpf live, also for seeded
 * random scripts.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { rawDump } from '../lib/dump/raw.js';
import { isBtfError } from '../lib/errors.js';
import {
  BTF_FUNC_GLOBAL,
  BTF_FUNC_STATIC,
  BTF_FWD_ENUM,
  BTF_FWD_STRUCT,
  BTF_FWD_UNION,
  BTF_INT_BOOL,
  BTF_INT_CHAR,
  BTF_INT_SIGNED,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_DECL_TAG,
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_STATIC,
} from '../lib/kinds.js';
import { goldenObject, readBytes, readText, repoPath, sameBytes, firstDiff } from './helpers/golden.js';
import { rng } from './helpers/gen.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { runScript, runScriptText } from './helpers/script.js';
import { skip } from './helpers/skip.js';
import { fuzzRuns } from './helpers/budget.js';
import { hasTool, run } from './helpers/tools.js';
import { parseBtf } from '../lib/object/open.js';
import { scratchDir } from './helpers/scratch.js';

const fixtureDir = repoPath('test', 'fixtures', 'builder');
const scripts = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => {
    const name = f.slice(0, -4);
    return {
      name,
      path: join(fixtureDir, f),
      btf: readBytes(join(fixtureDir, `${name}.btf`)),
      ids: readText(join(fixtureDir, `${name}.ids`))
        .split('\n')
        .filter((l) => l !== ''),
    };
  });
const xdp = readBytes(goldenObject('xdp_pkt_counter').obj);
const xdpBE = readBytes(goldenObject('xdp_pkt_counter.bpfeb').obj);

const harness = harnessPath();
const harnessVersion = harness ? runHarness(['version']).stdout.toString().trim() : '';
/** Why the live libbpf comparisons cannot run ('' when they can). */
const harnessWhy = !harness
  ? harnessSkipReason()
  : harnessVersion !== 'libbpf v1.1'
    ? `libbpf harness links ${harnessVersion || 'an unknown libbpf'}, not v1.1: live comparisons not run`
    : '';
const bpftool = hasTool('bpftool');

/** Every dump {@link dumps} checked, for the live bpftool test at the end. */
const liveDumps: Array<{ raw: Uint8Array; expected: string }> = [];

/** Asserts the raw dump of `btf` (and of its bytes parsed back); bpftool's is compared by the last test. */
function dumps(btf: Btf, expected: string, base?: Btf): void {
  assert.fixture(rawDump(btf), expected);
  const raw = btf.rawData();
  assert.fixture(rawDump(parseBtf(raw, base ? { base } : {})), expected);
  if (!base) liveDumps.push({ raw, expected });
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isBtfError(e), `not a BtfError: ${String(e)}`);
    return (e as { code: string }).code;
  }
  return 'ok';
}

// ------------------------------------------------------ selftest-style builds

test('every kind (libbpf selftests btf_write style)', () => {
  const btf = Btf.empty();
  assert.is(btf.addInt('int', 4, BTF_INT_SIGNED), 1); // [1] int
  assert.is(btf.addPtr(1), 2); // [2] int *
  assert.is(btf.addConst(5), 3); // [3] const, forward to [5]
  assert.is(btf.addVolatile(3), 4); // [4] volatile const
  assert.is(btf.addRestrict(2), 5); // [5] int * restrict
  assert.is(btf.addArray(1, 2, 10), 6); // [6] int *[10]
  assert.is(btf.addStruct('s1', 8), 7); // [7] struct s1 {
  btf.addField('f1', 1, 0, 0); //         int f1;
  btf.addField('f2', 1, 32, 16); //       int f2: 16;  (kind_flag set)
  assert.is(btf.addUnion('u1', 8), 8); // [8] union u1 {
  btf.addField('f1', 1, 0, 16); //        int f1: 16;
  assert.is(btf.addEnum('e1', 4), 9); // [9] enum e1 { v1 = 1, v2 = 2 }
  btf.addEnumValue('v1', 1);
  btf.addEnumValue('v2', 2);
  assert.is(btf.addFwd('struct_fwd', BTF_FWD_STRUCT), 10); // [10]
  assert.is(btf.addFwd('union_fwd', BTF_FWD_UNION), 11); // [11]
  assert.is(btf.addFwd('enum_fwd', BTF_FWD_ENUM), 12); // [12] an empty ENUM
  assert.is(btf.addTypedef('typedef1', 1), 13); // [13]
  assert.is(btf.addFunc('func1', BTF_FUNC_GLOBAL, 15), 14); // [14] int func1(int p1, int *p2)
  assert.is(btf.addFuncProto(1), 15); // [15]
  btf.addFuncParam('p1', 1);
  btf.addFuncParam('p2', 2);
  assert.is(btf.addVar('var1', BTF_VAR_GLOBAL_ALLOCATED, 1), 16); // [16] int var1;
  assert.is(btf.addDatasec('datasec1', 12), 17); // [17] SEC("datasec1")
  btf.addDatasecVarInfo(16, 4, 8);
  assert.is(btf.addDeclTag('tag1', 16, -1), 18); // [18] on var1
  assert.is(btf.addDeclTag('tag2', 14, 1), 19); // [19] on func1's p2
  assert.is(btf.addTypeTag('tag1', 1), 20); // [20]
  assert.is(btf.addPtr(20), 21); // [21] int __tag1 *
  assert.is(btf.addEnum64('e2', 8, false), 22); // [22] enum64
  btf.addEnum64Value('v1', -1n);
  btf.addEnum64Value('v2', 0x123n);
  assert.is(btf.addEnum64('e3', 8, true), 23); // [23] signed enum64
  btf.addEnum64Value('v1', -1n);
  btf.addEnum64Value('v2', 0x123n);
  assert.is(btf.addFloat('float', 4), 24); // [24]
  assert.is(btf.addInt('_Bool', 1, BTF_INT_BOOL), 25); // [25]
  assert.is(btf.addInt('char', 1, BTF_INT_CHAR), 26); // [26]
  assert.is(btf.addEnum('neg', 4), 27); // [27] a negative value makes it signed
  btf.addEnumValue('m', -1);
  assert.is(btf.addFunc('func2', BTF_FUNC_STATIC, 15), 28); // [28]
  assert.is(btf.addVar('var2', BTF_VAR_STATIC, 3), 29); // [29]
  dumps(
    btf,
    [
      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED",
      "[2] PTR '(anon)' type_id=1",
      "[3] CONST '(anon)' type_id=5",
      "[4] VOLATILE '(anon)' type_id=3",
      "[5] RESTRICT '(anon)' type_id=2",
      "[6] ARRAY '(anon)' type_id=2 index_type_id=1 nr_elems=10",
      "[7] STRUCT 's1' size=8 vlen=2",
      "\t'f1' type_id=1 bits_offset=0",
      "\t'f2' type_id=1 bits_offset=32 bitfield_size=16",
      "[8] UNION 'u1' size=8 vlen=1",
      "\t'f1' type_id=1 bits_offset=0 bitfield_size=16",
      "[9] ENUM 'e1' encoding=UNSIGNED size=4 vlen=2",
      "\t'v1' val=1",
      "\t'v2' val=2",
      "[10] FWD 'struct_fwd' fwd_kind=struct",
      "[11] FWD 'union_fwd' fwd_kind=union",
      "[12] ENUM 'enum_fwd' encoding=UNSIGNED size=4 vlen=0",
      "[13] TYPEDEF 'typedef1' type_id=1",
      "[14] FUNC 'func1' type_id=15 linkage=global",
      "[15] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2",
      "\t'p1' type_id=1",
      "\t'p2' type_id=2",
      "[16] VAR 'var1' type_id=1, linkage=global",
      "[17] DATASEC 'datasec1' size=12 vlen=1",
      "\ttype_id=16 offset=4 size=8 (VAR 'var1')",
      "[18] DECL_TAG 'tag1' type_id=16 component_idx=-1",
      "[19] DECL_TAG 'tag2' type_id=14 component_idx=1",
      "[20] TYPE_TAG 'tag1' type_id=1",
      "[21] PTR '(anon)' type_id=20",
      "[22] ENUM64 'e2' encoding=UNSIGNED size=8 vlen=2",
      "\t'v1' val=18446744073709551615ULL",
      "\t'v2' val=291ULL",
      "[23] ENUM64 'e3' encoding=SIGNED size=8 vlen=2",
      "\t'v1' val=-1LL",
      "\t'v2' val=291LL",
      "[24] FLOAT 'float' size=4",
      "[25] INT '_Bool' size=1 bits_offset=0 nr_bits=8 encoding=BOOL",
      "[26] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=CHAR",
      "[27] ENUM 'neg' encoding=SIGNED size=4 vlen=1",
      "\t'm' val=-1",
      "[28] FUNC 'func2' type_id=15 linkage=static",
      "[29] VAR 'var2' type_id=3, linkage=static",
      '',
    ].join('\n'),
  );
  // the views read back what was built
  assert.equal(btf.type(7).members(), [
    { name: 'f1', nameOff: btf.findStr('f1'), typeId: 1, bitOffset: 0, bitSize: 0 },
    { name: 'f2', nameOff: btf.findStr('f2'), typeId: 1, bitOffset: 32, bitSize: 16 },
  ]);
  assert.ok(btf.type(7).kflag);
  assert.is(btf.type(19).componentIdx, 1);
  assert.equal(
    btf
      .type(22)
      .enumValues()
      .map((v) => v.value),
    [2n ** 64n - 1n, 0x123n],
  );
  assert.equal(
    btf
      .type(23)
      .enumValues()
      .map((v) => v.value),
    [-1n, 0x123n],
  );
});

test('split BTF build (libbpf selftests btf_split style)', () => {
  const base = Btf.empty();
  base.addInt('int', 4, BTF_INT_SIGNED); // [1] int
  base.addPtr(1); // [2] int *
  base.addStruct('s1', 4); // [3] struct s1 { int f1; }
  base.addField('f1', 1, 0, 0);
  const split = Btf.empty({ base });
  assert.is(split.addStruct('s2', 16), 4); // [4] struct s2 {
  split.addField('f1', 3, 0, 0); //          struct s1 f1;
  split.addField('f2', 1, 32, 0); //         int f2;
  split.addField('f3', 2, 64, 0); //         int *f3;
  assert.is(split.addTypedef('s2_t', 4), 5); // [5] typedef struct s2 s2_t
  assert.is(split.findByName('s1')!, 3);
  assert.is(split.findByName('s2_t')!, 5);
  assert.is(split.resolveSize(5), 16);
  dumps(
    split,
    [
      "[4] STRUCT 's2' size=16 vlen=3",
      "\t'f1' type_id=3 bits_offset=0",
      "\t'f2' type_id=1 bits_offset=32",
      "\t'f3' type_id=2 bits_offset=64",
      "[5] TYPEDEF 's2_t' type_id=4",
      '',
    ].join('\n'),
    base,
  );
  // member names already in the base ('f1') are referenced there
  assert.is(split.type(4).members()[0]!.nameOff, base.type(3).members()[0]!.nameOff);
});

test('addTypeAttr / addDeclAttr (libbpf master): TYPE_TAG and DECL_TAG with kind_flag set', () => {
  const btf = Btf.empty();
  btf.addInt('int', 4, BTF_INT_SIGNED);
  const ta = btf.addTypeAttr('aligned(8)', 1);
  const da = btf.addDeclAttr('unused', 1, -1);
  assert.is(btf.kindOf(ta), BTF_KIND_TYPE_TAG);
  assert.ok(btf.type(ta).kflag);
  assert.is(btf.kindOf(da), BTF_KIND_DECL_TAG);
  assert.ok(btf.type(da).kflag);
  assert.equal(btf.inflate(ta), { kind: 'TYPE_TAG', id: ta, name: 'aligned(8)', typeId: 1, attr: true });
  assert.equal(btf.inflate(da), { kind: 'DECL_TAG', id: da, name: 'unused', typeId: 1, componentIdx: -1, attr: true });
  const back = parseBtf(btf.rawData());
  assert.ok(back.type(ta).kflag && back.type(da).kflag);
  assert.is(
    code(() => btf.addTypeAttr('', 1)),
    'EINVAL',
  );
  assert.is(
    code(() => btf.addDeclAttr('', 1, -1)),
    'EINVAL',
  );
  assert.is(
    code(() => btf.addDeclAttr('x', 1, -2)),
    'EINVAL',
  );
});

// ------------------------------------------------------------------ errors

test("every builder error is a BtfError with libbpf's code, and leaves the BTF unchanged", () => {
  const cases: Array<[string, (b: Btf) => unknown, string]> = [
    ['addInt without a name', (b) => b.addInt('', 4, 0), 'EINVAL'],
    ['addInt with a null name', (b) => b.addInt(null as unknown as string, 4, 0), 'EINVAL'],
    ['addInt size 3', (b) => b.addInt('i', 3, 0), 'EINVAL'],
    ['addInt size 0', (b) => b.addInt('i', 0, 0), 'EINVAL'],
    ['addInt size 32', (b) => b.addInt('i', 32, 0), 'EINVAL'],
    ['addInt size 1.5', (b) => b.addInt('i', 1.5, 0), 'EINVAL'],
    ['addInt encoding 8', (b) => b.addInt('i', 4, 8), 'EINVAL'],
    ['addInt encoding -1', (b) => b.addInt('i', 4, -1), 'EINVAL'],
    ['addFloat without a name', (b) => b.addFloat('', 4), 'EINVAL'],
    ['addFloat size 1', (b) => b.addFloat('f', 1), 'EINVAL'],
    ['addFloat size 3', (b) => b.addFloat('f', 3), 'EINVAL'],
    ['addPtr -1', (b) => b.addPtr(-1), 'EINVAL'],
    ['addConst INT_MIN', (b) => b.addConst(-2147483648), 'EINVAL'],
    ['addVolatile -5', (b) => b.addVolatile(-5), 'EINVAL'],
    ['addRestrict -1', (b) => b.addRestrict(-1), 'EINVAL'],
    ['addTypedef without a name', (b) => b.addTypedef('', 1), 'EINVAL'],
    ['addTypedef of -1', (b) => b.addTypedef('t', -1), 'EINVAL'],
    ['addTypeTag without a value', (b) => b.addTypeTag('', 1), 'EINVAL'],
    ['addTypeTag of -1', (b) => b.addTypeTag('t', -1), 'EINVAL'],
    ['addArray index -1', (b) => b.addArray(-1, 1, 4), 'EINVAL'],
    ['addArray elem -1', (b) => b.addArray(1, -1, 4), 'EINVAL'],
    ['addField after an INT', (b) => b.addField('f', 1, 0, 0), 'EINVAL'],
    ['addEnumValue after an INT', (b) => b.addEnumValue('v', 1), 'EINVAL'],
    ['addEnum64Value after an INT', (b) => b.addEnum64Value('v', 1n), 'EINVAL'],
    ['addFuncParam after an INT', (b) => b.addFuncParam('p', 1), 'EINVAL'],
    ['addDatasecVarInfo after an INT', (b) => b.addDatasecVarInfo(1, 0, 4), 'EINVAL'],
    ['addEnum size 3', (b) => b.addEnum('e', 3), 'EINVAL'],
    ['addEnum size 0', (b) => b.addEnum('e', 0), 'EINVAL'],
    ['addEnum size 16', (b) => b.addEnum('e', 16), 'EINVAL'],
    ['addEnum64 size 3', (b) => b.addEnum64('e', 3, false), 'EINVAL'],
    ['addFwd without a name', (b) => b.addFwd('', BTF_FWD_STRUCT), 'EINVAL'],
    ['addFwd kind 3', (b) => b.addFwd('f', 3), 'EINVAL'],
    ['addFwd kind -1', (b) => b.addFwd('f', -1), 'EINVAL'],
    ['addFunc without a name', (b) => b.addFunc('', 1, 1), 'EINVAL'],
    ['addFunc linkage 3', (b) => b.addFunc('f', 3, 1), 'EINVAL'],
    ['addFunc linkage -1', (b) => b.addFunc('f', -1, 1), 'EINVAL'],
    ['addFunc of -1', (b) => b.addFunc('f', 1, -1), 'EINVAL'],
    ['addFuncProto of -1', (b) => b.addFuncProto(-1), 'EINVAL'],
    ['addVar without a name', (b) => b.addVar('', 1, 1), 'EINVAL'],
    ['addVar linkage 3', (b) => b.addVar('v', 3, 1), 'EINVAL'],
    ['addVar of -1', (b) => b.addVar('v', 1, -1), 'EINVAL'],
    ['addDatasec without a name', (b) => b.addDatasec('', 4), 'EINVAL'],
    ['addDeclTag without a value', (b) => b.addDeclTag('', 1, -1), 'EINVAL'],
    ['addDeclTag component -2', (b) => b.addDeclTag('t', 1, -2), 'EINVAL'],
    ['addDeclTag of -1', (b) => b.addDeclTag('t', -1, -1), 'EINVAL'],
    ['addType of void', (b) => b.addType(parseBtf(xdp), 0), 'EINVAL'],
    ['addType past the source', (b) => b.addType(parseBtf(xdp), 100000), 'EINVAL'],
    ['addBtf of a split BTF', (b) => b.addBtf(Btf.empty({ base: parseBtf(xdp) })), 'EINVAL'],
  ];
  // [what, setup, failing call, code]: the setup makes the failing call's target the last type
  const appendCases: Array<[string, (b: Btf) => unknown, (b: Btf) => unknown, string]> = [
    ['addField: a union member at offset 8', (b) => b.addUnion('u', 4), (b) => b.addField('f', 1, 8, 0), 'EINVAL'],
    ['addField: bit size 256', (b) => b.addStruct('s', 4), (b) => b.addField('f', 1, 0, 256), 'EINVAL'],
    ['addField: odd offset without bit size', (b) => b.addStruct('s', 4), (b) => b.addField('f', 1, 3, 0), 'EINVAL'],
    ['addField: bitfield offset 2^24', (b) => b.addStruct('s', 4), (b) => b.addField('f', 1, 1 << 24, 1), 'EINVAL'],
    ['addField: type -1', (b) => b.addStruct('s', 4), (b) => b.addField('f', -1, 0, 0), 'EINVAL'],
    ['addEnumValue without a name', (b) => b.addEnum('e', 4), (b) => b.addEnumValue('', 1), 'EINVAL'],
    ['addEnumValue 2^32', (b) => b.addEnum('e', 4), (b) => b.addEnumValue('v', 2 ** 32), 'E2BIG'],
    ['addEnumValue INT_MIN - 1', (b) => b.addEnum('e', 4), (b) => b.addEnumValue('v', -(2 ** 31) - 1), 'E2BIG'],
    ['addEnum64Value without a name', (b) => b.addEnum64('e', 8, false), (b) => b.addEnum64Value('', 1n), 'EINVAL'],
    ['addEnum64Value after an ENUM', (b) => b.addEnum('e', 4), (b) => b.addEnum64Value('v', 1n), 'EINVAL'],
    ['addEnumValue after an ENUM64', (b) => b.addEnum64('e', 8, false), (b) => b.addEnumValue('v', 1), 'EINVAL'],
    ['addFuncParam type -1', (b) => b.addFuncProto(1), (b) => b.addFuncParam('p', -1), 'EINVAL'],
    ['addDatasecVarInfo var -1', (b) => b.addDatasec('d', 4), (b) => b.addDatasecVarInfo(-1, 0, 4), 'EINVAL'],
    [
      "addField on the base's last type from an empty split BTF",
      (b) => b.addStruct('s', 4),
      (b) => Btf.empty({ base: b }).addField('f', 1, 0, 0),
      'EINVAL',
    ],
  ];
  const all: Array<[string, (b: Btf) => unknown, (b: Btf) => unknown, string]> = [
    ...cases.map(
      ([what, fn, want]) =>
        [what, () => undefined, fn, want] as [string, (b: Btf) => unknown, (b: Btf) => unknown, string],
    ),
    ...appendCases,
  ];
  for (const [what, setup, fn, want] of all) {
    const b = Btf.empty();
    b.addInt('int', 4, BTF_INT_SIGNED);
    setup(b);
    const before = b.rawData().slice();
    const count = b.typeCount;
    assert.is(
      code(() => fn(b)),
      want,
      what,
    );
    assert.is(b.typeCount, count, `${what}: type count changed`);
    assert.ok(sameBytes(b.rawData(), before), `${what}: bytes changed`);
  }
});

test('a failed append leaves the last type as it was', () => {
  const b = Btf.empty();
  b.addInt('int', 4, BTF_INT_SIGNED);
  b.addStruct('s', 8);
  b.addField('a', 1, 0, 0);
  const before = b.rawData().slice();
  for (const bad of [
    () => b.addField('b', 1, 3, 0),
    () => b.addField('b', 1, 0, 256),
    () => b.addField('b', -1, 0, 0),
  ]) {
    assert.is(code(bad), 'EINVAL');
    assert.ok(sameBytes(b.rawData(), before));
    assert.is(b.type(2).vlen, 1);
  }
  b.addEnum('e', 4);
  const before2 = b.rawData().slice();
  assert.is(
    code(() => b.addEnumValue('big', 2 ** 33)),
    'E2BIG',
  );
  assert.ok(sameBytes(b.rawData(), before2));
});

// ------------------------------------------------------------ addType / addBtf

test('addType copies one record: strings re-added here, type ids kept as they are', () => {
  const src = parseBtf(xdp);
  const dst = Btf.empty();
  dst.addInt('other', 8, 0);
  const sid = src.findByName('xdp_md', BTF_KIND_STRUCT)!;
  assert.ok(sid > 0);
  const id = dst.addType(src, sid);
  assert.is(id, 2);
  const a = src.type(sid),
    b = dst.type(id);
  assert.is(b.name, 'xdp_md');
  assert.is(b.size, a.size);
  assert.equal(
    b.members().map((m) => [m.name, m.typeId, m.bitOffset]),
    a.members().map((m) => [m.name, m.typeId, m.bitOffset]),
  );
  // the same type from the big-endian twin gives the same record
  const dst2 = Btf.empty();
  dst2.addInt('other', 8, 0);
  const beSrc = parseBtf(xdpBE);
  dst2.addType(beSrc, beSrc.findByName('xdp_md', BTF_KIND_STRUCT)!);
  assert.ok(sameBytes(dst2.rawData(), dst.rawData()));
  // copying twice reuses the strings
  const len = dst.strLen;
  dst.addType(src, sid);
  assert.is(dst.strLen, len);
});

test('addType from a split BTF copies base-named records too', () => {
  const base = Btf.empty();
  base.addInt('int', 4, BTF_INT_SIGNED);
  const split = Btf.empty({ base });
  split.addTypedef('myint', 1);
  const dst = Btf.empty();
  assert.is(dst.addType(split, 1), 1);
  assert.is(dst.addType(split, 2), 2);
  assert.is(
    rawDump(dst),
    "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n[2] TYPEDEF 'myint' type_id=1\n",
  );
});

/** Returns `dump` with every type id (in `[N]` and `type_id=N` forms) shifted by `by`; 0 (void) stays. */
function shiftIds(dump: string, by: number): string {
  return dump
    .replace(/^\[(\d+)\]/gm, (_, n: string) => `[${Number(n) + by}]`)
    .replace(
      /(type_id|index_type_id|ret_type_id)=(\d+)/g,
      (_, k: string, n: string) => `${k}=${n === '0' ? 0 : Number(n) + by}`,
    );
}

test('addBtf appends every type with ids shifted and strings deduplicated', () => {
  const src = parseBtf(xdp);
  const dst = Btf.empty();
  dst.addInt('int', 4, BTF_INT_SIGNED);
  dst.addPtr(1);
  const first = dst.addBtf(src);
  assert.is(first, 3);
  assert.is(dst.typeCount, 3 + src.nrTypes);
  const appended = rawDump(dst, { typeIds: Array.from({ length: src.nrTypes }, (_, i) => first + i) });
  assert.fixture(appended, shiftIds(rawDump(src), 2));
  // 'int' is stored once
  const strs = new TextDecoder().decode(dst.stringSection()).split('\0');
  assert.is(strs.filter((s) => s === 'int').length, 1);
  // appending the same BTF again adds types but no strings
  const len = dst.strLen;
  assert.is(dst.addBtf(src), 3 + src.nrTypes);
  assert.is(dst.strLen, len);
  // the result parses and round trips
  const back = parseBtf(dst.rawData());
  assert.is(rawDump(back), rawDump(dst));
});

test('addBtf of a BTF into itself doubles it', () => {
  const b = parseBtf(xdp);
  const n = b.nrTypes;
  const before = rawDump(b);
  assert.is(b.addBtf(b), n + 1);
  assert.is(b.nrTypes, 2 * n);
  assert.fixture(rawDump(b, { typeIds: Array.from({ length: n }, (_, i) => n + 1 + i) }), shiftIds(before, n));
  assert.is(rawDump(parseBtf(b.rawData())), rawDump(b));
});

// ------------------------------------------------- byte identity with libbpf

test('random builder sequences read back: rawData() parses (level 1) to the same bytes and dump, in both byte orders', () => {
  // Arguments in the builder's range, not the kernel's: ids up to twice the
  // count (dangling), any name, DATASECs of any entry, odd sizes where
  // libbpf's btf__add_* take them. Whatever the builder accepts reads back.
  const next = rng(0xb1d);
  const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
  const names = ['', 'a', 'x.y', '?q', 'int', 'two words', 'é'];
  for (let run = 0; run < fuzzRuns(150); run++) {
    const btf = Btf.empty();
    const n = 1 + (next() % 30);
    const id = () => next() % (2 * n + 2);
    for (let i = 0; i < n; i++) {
      const name = pick(names);
      try {
        switch (next() % 16) {
          case 0:
            btf.addInt(name || 'i', pick([1, 2, 4, 8, 16]), pick([0, 1, 2, 4]));
            break;
          case 1:
            btf.addPtr(id());
            break;
          case 2:
            btf.addArray(id(), id(), next() % 5);
            break;
          case 3:
          case 4: {
            const st = next() % 2 ? btf.addStruct(name, next() % 64) : btf.addUnion(name, next() % 64);
            for (let m = next() % 4; m > 0; m--)
              btf.addField(
                pick(names),
                id(),
                btf.type(st).kind === BTF_KIND_UNION ? 0 : next() % 512,
                next() % 3 ? 0 : 1 + (next() % 8),
              );
            break;
          }
          case 5:
            btf.addEnum(name, pick([1, 2, 4, 8]));
            for (let m = next() % 3; m > 0; m--) btf.addEnumValue(pick(names) || 'v', next() % 1000);
            break;
          case 6:
            btf.addEnum64(name, pick([1, 2, 4, 8]), next() % 2 === 0);
            btf.addEnum64Value(pick(names) || 'v', BigInt(next()));
            break;
          case 7:
            btf.addFwd(name || 'f', next() % 2);
            break;
          case 8:
            btf.addTypedef(name || 't', id());
            break;
          case 9:
            btf.addConst(id());
            btf.addVolatile(id());
            btf.addRestrict(id());
            break;
          case 10:
            btf.addTypeTag(name || 'tag', id());
            break;
          case 11:
            btf.addFuncProto(id());
            for (let m = next() % 3; m > 0; m--) btf.addFuncParam(pick(names), id());
            break;
          case 12:
            btf.addFunc(name || 'fn', id(), next() % 3);
            break;
          case 13:
            btf.addVar(name || 'v', id(), next() % 3);
            break;
          case 14:
            btf.addDatasec(name || '.data', next() % 64);
            for (let m = next() % 3; m > 0; m--) btf.addDatasecVarInfo(id(), next() % 64, next() % 16);
            break;
          default:
            btf.addDeclTag(name || 'tag', id(), (next() % 4) - 1);
            break;
        }
      } catch (e) {
        // libbpf's refusals (a FUNC of a non-proto, say): the BTF stays as it was
        assert.ok(isBtfError(e), String(e));
      }
    }
    const bytes = btf.rawData().slice();
    const back = Btf.parse(bytes);
    assert.ok(sameBytes(back.rawData(), bytes), `run ${run}: bytes`);
    assert.is(rawDump(back), rawDump(btf), `run ${run}: dump`);
    btf.setEndianness('big');
    assert.is(rawDump(Btf.parse(btf.rawData())), rawDump(back), `run ${run}: big-endian`);
  }
});

test('the builder scripts cover every statement of the language', () => {
  const text = scripts.map((s) => readText(s.path)).join('\n');
  for (const call of [
    'new_split',
    'add_str',
    'add_int',
    'add_float',
    'add_ptr',
    'add_array',
    'add_struct',
    'add_union',
    'add_field',
    'add_enum',
    'add_enum_value',
    'add_enum64',
    'add_enum64_value',
    'add_fwd',
    'add_typedef',
    'add_volatile',
    'add_const',
    'add_restrict',
    'add_type_tag',
    'add_func',
    'add_func_proto',
    'add_func_param',
    'add_var',
    'add_datasec',
    'add_datasec_var_info',
    'add_decl_tag',
    'load',
    'add_type',
    'add_btf',
    'set_endianness',
  ]) {
    assert.ok(new RegExp(`^${call} `, 'm').test(text), `no script uses ${call}`);
  }
  assert.ok(scripts.length >= 12);
});

for (const s of scripts) {
  test(`script ${s.name}: same results and bytes as libbpf (committed ${s.name}.btf / ${s.name}.ids)`, () => {
    const r = runScript(s.path);
    assert.equal(r.lines, s.ids, 'per-call results');
    const raw = r.btf.rawData();
    if (!sameBytes(raw, s.btf)) {
      const at = firstDiff(raw, s.btf);
      assert.unreachable(`${s.name}: bytes differ at ${at} (btfkit ${raw.length} bytes, libbpf ${s.btf.length})`);
    }
  });
}

{
  const dir = scratchDir('script');

  /** Runs a script through libbpf (btfh) and through btfkit; asserts the same lines and bytes. */
  const differential = (path: string, what: string): void => {
    const out = join(dir, 'out.btf');
    rmSync(out, { force: true });
    const h = runHarness(['script', path, out]);
    assert.is(h.status, 0, `${what}: btfh failed: ${h.stderr}`);
    const libbpfLines = h.stdout
      .toString()
      .split('\n')
      .filter((l) => l !== '');
    const r = runScript(path);
    for (let i = 0; i < Math.max(libbpfLines.length, r.lines.length); i++) {
      if (libbpfLines[i] !== r.lines[i]) {
        assert.unreachable(`${what}: call ${i + 1}: libbpf ${libbpfLines[i]}, btfkit ${r.lines[i]}`);
      }
    }
    const want = readBytes(out);
    const got = r.btf.rawData();
    if (!sameBytes(got, want))
      assert.unreachable(
        `${what}: bytes differ at ${firstDiff(got, want)} (btfkit ${got.length}, libbpf ${want.length})`,
      );
  };

  test('the committed scripts give the same lines and bytes through libbpf live', () => {
    if (harnessWhy) return skip(harnessWhy);
    for (const s of scripts) differential(s.path, s.name);
  });

  test('seeded random builder scripts: libbpf and btfkit agree call by call and byte for byte', () => {
    if (harnessWhy) return skip(harnessWhy);
    const xdpPath = goldenObject('xdp_pkt_counter').obj;
    const bePath = goldenObject('xdp_pkt_counter.bpfeb').obj;
    const basePath = join(fixtureDir, 'base.btf');
    for (let seed = 1; seed <= fuzzRuns(40); seed++) {
      const path = join(dir, `random${seed}.txt`);
      writeFileSync(path, randomScript(seed, { xdpPath, bePath, basePath }));
      differential(path, `random script seed ${seed} (${path})`);
    }
  });
}

/**
 * A seeded random builder script: blocks of one type plus its items (fields,
 * values, params, var infos), mostly sane arguments, and one in five taken
 * from the edge values libbpf checks.
 */
function randomScript(seed: number, paths: { xdpPath: string; bePath: string; basePath: string }): string {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
  const edge = (): boolean => next() % 5 === 0;
  const split = seed % 4 === 0;
  const out: string[] = [split ? `new_split ${paths.basePath}` : 'new'];
  let count = split ? 8 : 1; // the next type id, roughly (failed calls do not count)
  const words = ['a', 'b', 'int', 'x y', 'pair', 'RED', '#hash', 'long name with spaces', 'ü', 'v1', 'v2', 'f'];
  const named = () => `"${pick(words)}${next() % 3 ? next() % 40 : ''}"`;
  const name = () => (edge() ? pick(['NULL', '""']) : named());
  const opt = () => (next() % 3 ? named() : pick(['NULL', '""']));
  const id = () => String(edge() ? pick([-1, 0x7fffffff, -2147483648, count + 5]) : next() % count);
  const num = (sane: readonly (number | string)[], bad: readonly (number | string)[]) =>
    String(edge() ? pick(bad) : pick(sane));
  let loaded = false;
  for (let block = 0; block < 60; block++) {
    const r = next() % 100;
    const items: string[] = [];
    const item = (n: number, f: () => string) => {
      for (let i = next() % (n + 1); i > 0; i--) items.push(f());
    };
    let line: string;
    if (r < 5) line = `add_str ${next() % 4 ? named() : '""'}`;
    else if (r < 15)
      line = `add_int ${name()} ${num([1, 2, 4, 8, 16], [0, 3, 32])} ${num([0, 1, 2, 4], [3, 7, 8, -1])}`;
    else if (r < 19) line = `add_float ${name()} ${num([2, 4, 8, 12, 16], [0, 1, 3])}`;
    else if (r < 29) line = `${pick(['add_ptr', 'add_const', 'add_volatile', 'add_restrict'])} ${id()}`;
    else if (r < 33) line = `add_array ${id()} ${id()} ${num([0, 1, 4, 16], [0xffffffff])}`;
    else if (r < 45) {
      const union = next() % 3 === 0;
      line = `${union ? 'add_union' : 'add_struct'} ${opt()} ${num([0, 4, 8, 16], [0xffffffff])}`;
      let off = 0;
      item(5, () => {
        const bits = edge() ? pick([1, 7, 255, 256]) : next() % 4 ? 0 : 1 + (next() % 31);
        const at = union ? (edge() ? 8 : 0) : edge() ? pick([3, 0xffffff, 0x1000000, 0xffffffff]) : off;
        off += bits || 32;
        return `add_field ${opt()} ${id()} ${at} ${bits}`;
      });
    } else if (r < 53) {
      line = `add_enum ${opt()} ${num([1, 2, 4, 8], [0, 3, 16])}`;
      item(
        4,
        () =>
          `add_enum_value ${name()} ${num([0, 1, 42, -1, 4294967295], ['4294967296', '-2147483649', '2147483647', '-2147483648'])}`,
      );
    } else if (r < 58) {
      line = `add_enum64 ${opt()} ${num([8, 4, 1], [0, 3])} ${pick(['0', '1'])}`;
      item(
        3,
        () =>
          `add_enum64_value ${name()} ${pick(['0', '-1', '18446744073709551615', '0x8000000000000000', '-9223372036854775808', '42'])}`,
      );
    } else if (r < 62) line = `add_fwd ${name()} ${num([0, 1, 2], [3, -1])}`;
    else if (r < 68) line = `${pick(['add_typedef', 'add_type_tag'])} ${name()} ${id()}`;
    else if (r < 76) {
      line = `add_func_proto ${id()}`;
      item(4, () => `add_func_param ${opt()} ${id()}`);
    } else if (r < 80) line = `add_func ${name()} ${num([0, 1, 2], [3, -1])} ${id()}`;
    else if (r < 84) line = `add_var ${name()} ${num([0, 1, 2], [3, -1])} ${id()}`;
    else if (r < 88) {
      line = `add_datasec ${name()} ${num([0, 4, 8, 64], [0xffffffff])}`;
      item(3, () => `add_datasec_var_info ${id()} ${num([0, 4, 8], [0xffffffff])} ${num([4, 8], [0, 0xffffffff])}`);
    } else if (r < 92) line = `add_decl_tag ${name()} ${id()} ${num([-1, 0, 1], [-2, 99])}`;
    else if (r < 94) line = `set_endianness ${pick(['big', 'little'])}`;
    else if (!loaded) {
      out.push(`load src ${paths.xdpPath}`, `load be ${paths.bePath}`);
      loaded = true;
      continue;
    } else if (r < 98) line = `add_type ${pick(['src', 'be'])} ${1 + (next() % 40)}`;
    else {
      line = `add_btf ${pick(['src', 'be'])}`;
      count += 48;
    }
    // items sometimes go to the wrong type
    if (items.length && edge()) out.push(items.shift()!);
    out.push(line, ...items);
    if (/^add_(?!str|btf)/.test(line)) count++;
  }
  return `${out.join('\n')}\n`;
}

test('script errors stop the interpreter with SCRIPT:LINE', () => {
  const where = { dir: fixtureDir, name: 'inline.txt' };
  const bad: Array<[string, RegExp]> = [
    ['add_int "i" 4 1', /first statement/],
    ['new\nnew', /unknown call 'new'/],
    ['new\nadd_int "i" 4', /takes 3 arguments/],
    ['new\nadd_int i 4 1', /quoted string/],
    ['new\nadd_str NULL', /quoted string/],
    ['new\nadd_ptr "1"', /bad integer/],
    ['new\nadd_ptr 2147483648', /out of range/],
    ['new\nadd_struct "s" -1', /out of range/],
    ['new\nadd_ptr  1', /empty argument/],
    ['new\nadd_ptr 1 ', /trailing space/],
    ['new\nadd_str "abc', /unterminated/],
    ['new\nadd_str "a"b', /space after a string/],
    ['new\r\nadd_ptr 1', /carriage return/],
    [' # indented comment', /empty argument/],
    ['new\nadd_type nope 1', /no slot/],
    ['new\nload x ../../../golden/obj/xdp_pkt_counter.o\nadd_type x 99999', /has no type/],
    ['new\nset_endianness middle', /expected big or little/],
    ['new\nadd_ptr 0X1', /bad integer/],
    ['', /empty script/],
  ];
  for (const [textIn, re] of bad) {
    try {
      runScriptText(textIn, where);
      assert.unreachable(`no error for ${JSON.stringify(textIn)}`);
    } catch (e) {
      assert.match((e as Error).message, /^inline\.txt:\d+: /, JSON.stringify(textIn));
      assert.match((e as Error).message, re, JSON.stringify(textIn));
    }
  }
  const ok = runScriptText(
    '# comment\n\nnew\nadd_int "with space # x" 4 1\nadd_ptr 0x1\nadd_ptr 007\nadd_enum "e" 4\nadd_enum_value "v" -0',
    where,
  );
  assert.equal(ok.lines, ['1', '2', '3', '4', '0']);
});

test('every builder dump above is what bpftool prints for the same bytes (live)', () => {
  if (!bpftool) return skip('bpftool not installed: builder dumps not cross-checked live');
  assert.ok(liveDumps.length > 0);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-builder-'));
  try {
    for (const { raw, expected } of liveDumps) {
      writeFileSync(join(dir, 'x.btf'), raw);
      const r = run('bpftool', ['btf', 'dump', 'file', join(dir, 'x.btf')]);
      assert.is(r.status, 0, r.stderr);
      assert.fixture(r.stdout.toString(), expected);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
