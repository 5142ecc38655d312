/**
 * The container: raw BTF in and out (identity, byte order, layout section,
 * kinds known only from the layout), views checked against bpftool's JSON,
 * and libbpf's queries (find by name, resolve size/type, alignment) checked
 * against an independent reading of bpftool's raw dump.
 */
import { test } from 'uvu';
import { checkRawBtf } from '../lib/check/index.js';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { dedup } from '../lib/dedup/index.js';
import { rawDump } from '../lib/dump/raw.js';
import { isBtfError } from '../lib/errors.js';
import {
  BTF_KIND_DATASEC,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  ELEM_WORDS,
  INFO_WORDS,
  NR_BTF_KINDS,
  kindName,
} from '../lib/kinds.js';
import {
  VMLINUX,
  btfSection,
  goldenObjects,
  parseRawDump,
  readBytes,
  readText,
  repoPath,
  sameBytes,
  vmlinuxBytes,
  type DumpedType,
} from './helpers/golden.js';
import { Strings, intRec, rawBtf, rec } from './helpers/gen.js';
import { skip } from './helpers/skip.js';
import { parseBtf } from '../lib/object/open.js';

const golden = goldenObjects().map((g) => {
  const obj = readBytes(g.obj);
  const cDump = readText(repoPath('golden', 'expected', `${g.name}.h`));
  return { ...g, objBytes: obj, sec: btfSection(obj), rawText: readText(g.raw), jsonText: readText(g.json), cDump };
});
const littleGolden = golden.filter((g) => !g.bigEndian);
const vmlinux = vmlinuxBytes();
const kernel = vmlinux ? parseBtf(vmlinux, { file: VMLINUX }) : null;
const kernelDump = kernel ? parseRawDump(rawDump(kernel)) : null;

/** An input of the round-trip tests. */
interface Input {
  name: string;
  bytes: Uint8Array;
  big: boolean;
}
/** The inputs every round-trip test runs on: each golden .BTF section (and, apart, vmlinux). */
const goldenInputs: Input[] = golden.map((g) => ({ name: `${g.name}.BTF`, bytes: g.sec, big: g.bigEndian }));
const NO_VMLINUX = `${VMLINUX} not readable: the kernel BTF not checked`;

/** Registers a round-trip test twice: over the golden inputs, and over vmlinux (skipped when unreadable). */
function roundTrip(title: string, fn: (inputs: readonly Input[]) => void): void {
  test(title, () => fn(goldenInputs));
  test(`${title} (vmlinux)`, () => {
    if (!vmlinux) return skip(NO_VMLINUX, 'env');
    fn([{ name: 'vmlinux', bytes: vmlinux, big: false }]);
  });
}

const u32 = (b: Uint8Array, off: number, le = true): number =>
  new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off, le);

function sameTypes(a: Btf, b: Btf, what: string): void {
  assert.is(a.typeCount, b.typeCount, `${what}: type count`);
  assert.is(a.typeWords, b.typeWords, `${what}: type words`);
  assert.ok(
    sameBytes(
      new Uint8Array(a.words.buffer, a.words.byteOffset, a.typeWords * 4),
      new Uint8Array(b.words.buffer, b.words.byteOffset, b.typeWords * 4),
    ),
    `${what}: type words differ`,
  );
  assert.ok(sameBytes(a.stringSection(), b.stringSection()), `${what}: strings differ`);
}

// ------------------------------------------------------------ raw in and out

roundTrip('parse then rawData gives back the input bytes (read-only and after ensureModifiable)', (inputs) => {
  for (const { name, bytes } of inputs) {
    const btf = parseBtf(bytes);
    assert.ok(sameBytes(btf.rawData(), bytes), `${name}: read-only`);
    btf.ensureModifiable();
    assert.ok(sameBytes(btf.rawData(), bytes), `${name}: rebuilt from the modifiable regions`);
  }
});

roundTrip('adding strings that already exist changes nothing (imperfect dedup keeps offsets)', (inputs) => {
  for (const { name, bytes } of inputs) {
    const btf = parseBtf(bytes);
    const id = Math.min(btf.typeCount - 1, 7);
    const nm = btf.nameOf(id);
    const off = btf.addStr(nm);
    if (nm) assert.is(btf.str(off), nm, name);
    assert.ok(sameBytes(btf.rawData(), bytes), `${name}: bytes changed`);
  }
});

test('rawData is cached until the next change', () => {
  const btf = parseBtf(littleGolden[0]!.sec);
  btf.ensureModifiable();
  const a = btf.rawData();
  assert.ok(btf.rawData() === a, 'not cached');
  btf.addInt('brand_new_int', 4, 1);
  const b = btf.rawData();
  assert.ok(a !== b);
  assert.is(b.length, a.length + 16 + 'brand_new_int'.length + 1);
  assert.is(parseBtf(b).typeCount, btf.typeCount);
});

roundTrip(
  'setEndianness to the other byte order then parse gives the same types; swapping back gives the input',
  (inputs) => {
    for (const { name, bytes, big } of inputs) {
      const btf = parseBtf(bytes);
      assert.is(btf.endianness(), big ? 'big' : 'little', name);
      btf.setEndianness(big ? 'little' : 'big');
      const other = btf.rawData();
      assert.equal([other[0], other[1]], big ? [0x9f, 0xeb] : [0xeb, 0x9f], `${name}: magic in the new order`);
      assert.is(other.length, bytes.length);
      const back = parseBtf(other);
      assert.is(back.bigEndian, !big, name);
      sameTypes(back, parseBtf(bytes), name);
      assert.ok(sameBytes(back.rawData(), other), `${name}: parsed input is written back as is`);
      back.setEndianness(big ? 'big' : 'little');
      assert.ok(sameBytes(back.rawData(), bytes), `${name}: swapped back`);
    }
  },
);

roundTrip(
  'rawParts joined are rawData: pristine, modified, deduplicated, either byte order, with a layout',
  (inputs) => {
    const joined = (parts: Uint8Array[]): Uint8Array => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    };
    for (const { name, bytes, big } of inputs) {
      const steps: Array<[string, (b: Btf) => void]> = [
        ['pristine', () => undefined],
        ['a string added', (b) => b.addStr('raw_parts_new_string')],
        ['deduplicated', (b) => dedup(b)],
        ['other byte order', (b) => b.setEndianness(big ? 'little' : 'big')],
        [
          'host byte order, with a layout',
          (b) => {
            b.setEndianness('little');
            b.setLayout(true);
          },
        ],
      ];
      const btf = parseBtf(bytes);
      for (const [what, step] of steps) {
        step(btf);
        const parts = btf.rawParts();
        assert.ok(sameBytes(joined(parts), btf.rawData()), `${name}: ${what}`);
      }
    }
  },
);

test('setEndianness rejects anything but little and big', () => {
  const btf = Btf.empty();
  try {
    btf.setEndianness('middle' as 'big');
    assert.unreachable();
  } catch (e) {
    assert.ok(isBtfError(e));
    assert.is((e as { code: string }).code, 'EINVAL');
  }
});

test('big-endian golden objects dump like their little-endian twins', () => {
  const bes = golden.filter((g) => g.bigEndian);
  assert.ok(bes.length >= 3);
  for (const be of bes) {
    const le = golden.find((g) => g.obj === be.obj.replace('.bpfeb.o', '.o'))!;
    const b = parseBtf(be.objBytes);
    assert.ok(b.bigEndian, be.name);
    assert.fixture(rawDump(b), rawDump(parseBtf(le.objBytes)));
    assert.fixture(be.rawText, le.rawText);
    // clang emits the same BTF in the other byte order
    b.setEndianness('little');
    assert.ok(sameBytes(b.rawData(), le.sec), `${be.name}: swapped .BTF differs from the twin's`);
  }
});

// ----------------------------------------------------------- layout section

/** Layout entries as libbpf master writes them: info_sz, elem_sz per known kind. */
function expectedLayout(): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < NR_BTF_KINDS; k++) out.push([INFO_WORDS[k]! * 4, ELEM_WORDS[k]! * 4, 0]);
  return out;
}

roundTrip(
  'setLayout(true): 32-byte header, a layout section between types and strings, parses back, dumps the same',
  (inputs) => {
    for (const { name, bytes, big } of inputs) {
      for (const endian of ['little', 'big'] as const) {
        const btf = parseBtf(bytes);
        btf.setEndianness(endian);
        btf.setLayout(true);
        const out = btf.rawData();
        const le = endian === 'little';
        const typeLen = u32(bytes, 12, !big);
        const strLen = u32(bytes, 20, !big);
        assert.is(u32(out, 4, le), 32, `${name}: hdr_len`);
        assert.is(u32(out, 8, le), 0, 'type_off');
        assert.is(u32(out, 12, le), typeLen, 'type_len');
        assert.is(u32(out, 24, le), typeLen, 'layout_off');
        assert.is(u32(out, 28, le), NR_BTF_KINDS * 4, 'layout_len');
        assert.is(u32(out, 16, le), typeLen + NR_BTF_KINDS * 4, 'str_off');
        assert.is(u32(out, 20, le), strLen, 'str_len');
        assert.is(out.length, 32 + typeLen + NR_BTF_KINDS * 4 + strLen);
        const dv = new DataView(out.buffer, out.byteOffset);
        const entries: number[][] = [];
        for (let k = 0; k < NR_BTF_KINDS; k++) {
          const at = 32 + typeLen + k * 4;
          entries.push([out[at]!, out[at + 1]!, dv.getUint16(at + 2, le)]);
        }
        assert.equal(entries, expectedLayout(), `${name}: layout entries`);
        const back = parseBtf(out);
        assert.ok(back.emitLayout, 'layout remembered');
        sameTypes(back, parseBtf(bytes), `${name} (${endian})`);
        if (name === 'vmlinux' && endian === 'big') continue; // the dump is compared once
        assert.fixture(rawDump(back), rawDump(parseBtf(bytes)));
        assert.ok(sameBytes(back.rawData(), out), `${name}: a parsed layout BTF is written back as is`);
        back.setLayout(false);
        back.setEndianness(big ? 'big' : 'little');
        const plain = back.rawData();
        // dropping the layout keeps the 32-byte header (with zero layout fields)
        assert.is(u32(plain, 4, !big), 32);
        assert.is(u32(plain, 24, !big), 0);
        assert.is(u32(plain, 28, !big), 0);
        assert.ok(sameBytes(plain.subarray(32), bytes.subarray(24)), `${name}: body without layout`);
        sameTypes(parseBtf(plain), parseBtf(bytes), `${name}: layout dropped`);
      }
    }
  },
);

/**
 * A BTF whose kind 25 is unknown to btfkit but described by the layout
 * section: info_sz 4, elem_sz 8. Types: [1] int, [2] kind 25 'mystery'
 * (vlen 2), [3] PTR -> 1, [4] struct s { int *p; }.
 */
function unknownKindBtf(opts: { layout?: boolean; kinds?: number; bigEndian?: boolean } = {}): Uint8Array {
  const s = new Strings();
  const types = [
    ...intRec(s.off('int'), 4, 1),
    ...rec(25, s.off('mystery'), 2, 0xdeadbeef, [7, 1, 2, 3, 4]),
    ...rec(BTF_KIND_PTR, 0, 0, 1),
    ...rec(BTF_KIND_STRUCT, s.off('s'), 1, 8, [s.off('p'), 3, 0]),
  ];
  const n = opts.kinds ?? 26;
  const layout = new Uint8Array(n * 4);
  for (let k = 0; k < Math.min(n, NR_BTF_KINDS); k++) {
    layout[k * 4] = INFO_WORDS[k]! * 4;
    layout[k * 4 + 1] = ELEM_WORDS[k]! * 4;
  }
  if (n > 25) {
    layout[25 * 4] = 4;
    layout[25 * 4 + 1] = 8;
  }
  return rawBtf({
    types,
    strings: s.bytes(),
    ...(opts.layout === false ? {} : { layout }),
    bigEndian: opts.bigEndian ?? false,
  });
}

test('a kind known only from the layout section is skipped; the known types still parse and dump', () => {
  for (const bigEndian of [false, true]) {
    const bytes = unknownKindBtf({ bigEndian });
    const btf = parseBtf(bytes);
    assert.is(btf.typeCount, 5);
    assert.is(btf.kindOf(2), 25);
    assert.is(btf.nameOf(2), 'mystery');
    const lines = rawDump(btf).split('\n');
    assert.is(lines[0], "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED");
    assert.is(lines[2], "[3] PTR '(anon)' type_id=1");
    assert.is(lines[3], "[4] STRUCT 's' size=8 vlen=1");
    assert.is(lines[4], "\t'p' type_id=3 bits_offset=0");
    assert.is(btf.resolveSize(4), 8);
    assert.is(btf.findByName('s')!, 4);
    assert.ok(sameBytes(btf.rawData(), bytes), 'written back as is');
    // the unknown record survives a change of byte order
    btf.setEndianness(bigEndian ? 'little' : 'big');
    const other = parseBtf(btf.rawData());
    assert.is(other.typeCount, 5);
    assert.equal(
      Array.from(other.words.subarray(other.offs[1]!, other.offs[1]! + 8)),
      Array.from(btf.words.subarray(btf.offs[1]!, btf.offs[1]! + 8)),
    );
  }
});

test('an unknown kind without a layout entry is a BtfError naming the type', () => {
  for (const bytes of [unknownKindBtf({ layout: false }), unknownKindBtf({ kinds: 20 })]) {
    try {
      parseBtf(bytes);
      assert.unreachable('parsed');
    } catch (e) {
      assert.ok(isBtfError(e), String(e));
      assert.is((e as { typeId?: number }).typeId, 2);
      assert.match((e as Error).message, /unknown kind 25/);
    }
  }
});

test('dedup refuses a kind known only from the layout section, naming the type: its own, merged or in the base', () => {
  const expectRefused = (btf: Btf, id: number, what: string): void => {
    try {
      dedup(btf);
      assert.unreachable(`${what}: deduplicated`);
    } catch (e) {
      assert.ok(isBtfError(e), `${what}: ${String(e)}`);
      assert.is((e as { typeId?: number }).typeId, id, what);
      assert.is(
        (e as Error).message,
        `type [${id}] kind 25: dedup does not know this kind (the layout section gives only its size)`,
        what,
      );
    }
  };
  expectRefused(parseBtf(unknownKindBtf()), 2, 'parsed');
  const merged = Btf.empty();
  merged.addInt('long', 8, 1);
  merged.addBtf(parseBtf(unknownKindBtf()));
  expectRefused(merged, 3, 'merged');
  const split = Btf.empty({ base: parseBtf(unknownKindBtf()) });
  split.addInt('long', 8, 1);
  expectRefused(split, 2, 'split over it');
});

test('a forward-declared enum (ENUM, size 0, no values) parses as clang writes it; so do other sizes (level 2 judges them)', () => {
  const strs = new Strings();
  const e = strs.off('later');
  const ok = rawBtf({ types: [...rec(BTF_KIND_ENUM, e, 0, 0)], strings: strs.bytes() });
  assert.match(rawDump(parseBtf(ok)), /^\[1\] ENUM 'later' encoding=UNSIGNED size=0 vlen=0$/m);
  const v = strs.off('A');
  for (const odd of [
    rawBtf({ types: [...rec(BTF_KIND_ENUM, e, 1, 0, [v, 1])], strings: strs.bytes() }),
    rawBtf({ types: [...rec(BTF_KIND_ENUM64, e, 0, 0)], strings: strs.bytes() }),
  ]) {
    assert.is(parseBtf(odd).typeCount, 2);
    assert.not.ok(checkRawBtf(odd).ok);
  }
});

test("type count limits: level 1 reads 2^20 types (libbpf's limit is 2^31 - 1), level 2 refuses them as the kernel does", () => {
  const n = 1 << 20; // one past the kernel's BTF_MAX_TYPE (0xfffff)
  const words = new Uint32Array(n * 3);
  for (let i = 0; i < n; i++) {
    words[i * 3 + 1] = (BTF_KIND_PTR << 24) >>> 0;
    words[i * 3 + 2] = i; // a pointer to the type before
  }
  const bytes = rawBtf({
    types: [],
    strings: new Uint8Array([0]),
    hdr: { typeLen: words.byteLength, strOff: words.byteLength },
  });
  const all = new Uint8Array(24 + words.byteLength + 1);
  all.set(bytes.subarray(0, 24));
  all.set(new Uint8Array(words.buffer), 24);
  const btf = parseBtf(all);
  assert.is(btf.typeCount, n + 1);
  const r = btf.check();
  assert.not.ok(r.ok);
  assert.is(r.violations[0]!.message, 'Exceeded max num of types');
});

// --------------------------------------------------- views against JSON goldens

interface JType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type_id?: number;
  index_type_id?: number;
  nr_elems?: number;
  bits_offset?: number;
  nr_bits?: number;
  encoding?: string;
  vlen?: number;
  linkage?: string;
  fwd_kind?: string;
  ret_type_id?: number;
  component_idx?: number;
  members?: Array<{ name: string; type_id: number; bits_offset: number; bitfield_size?: number }>;
  values?: Array<{ name: string; val: string }>;
  params?: Array<{ name: string; type_id: number }>;
  vars?: Array<{ type_id: number; offset: number; size: number }>;
}

/** bpftool's JSON with every `val` kept as a decimal string (64-bit values do not fit a double). */
function parseJson(text: string): JType[] {
  return (JSON.parse(text.replace(/"val":(-?\d+)/g, '"val":"$1"')) as { types: JType[] }).types;
}

const anon = (s: string): string => (s === '' ? '(anon)' : s);
const ENCODINGS: Record<number, string> = { 0: '(none)', 1: 'SIGNED', 2: 'CHAR', 4: 'BOOL' };
const LINKAGE = ['static', 'global', 'extern'];

function checkView(btf: Btf, j: JType, where: string): void {
  const v = btf.type(j.id);
  const at = `${where} [${j.id}]`;
  assert.is(v.kindName, j.kind, at);
  assert.is(anon(v.name), j.name, at);
  const inflated = btf.inflate(j.id) as unknown as Record<string, unknown>;
  assert.is(inflated['kind'], j.kind, at);
  assert.is(inflated['id'], j.id, at);
  switch (v.kind) {
    case BTF_KIND_INT:
      assert.is(v.size, j.size, at);
      assert.is(v.intOffset, j.bits_offset, at);
      assert.is(v.intBits, j.nr_bits, at);
      assert.is(ENCODINGS[v.intEncoding], j.encoding, at);
      break;
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      assert.is(v.size, j.size, at);
      assert.is(v.vlen, j.vlen, at);
      const ms = v.members();
      assert.equal(
        ms.map((m) => ({
          name: anon(m.name),
          type_id: m.typeId,
          bits_offset: m.bitOffset,
          ...(m.bitSize ? { bitfield_size: m.bitSize } : {}),
        })),
        j.members,
        at,
      );
      assert.equal(inflated['members'], ms, at);
      break;
    }
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64: {
      assert.is(v.size, j.size, at);
      assert.is(v.isSigned ? 'SIGNED' : 'UNSIGNED', j.encoding, at);
      const vals = v.enumValues();
      assert.is(vals.length, j.values!.length, at);
      vals.forEach((x, i) => {
        const exp = j.values![i]!;
        assert.is(anon(x.name), exp.name, at);
        if (v.kind === BTF_KIND_ENUM64) {
          assert.is(typeof x.value, 'bigint', `${at}: enum64 values are bigints`);
          assert.is(x.value, BigInt(exp.val), at);
        } else {
          assert.is(typeof x.value, 'number', at);
          // bpftool 7.1 prints an unsigned value >= 2^31 sign-extended to 64 bits
          const n = x.value as number;
          const printed = !v.isSigned && n >= 2 ** 31 ? (1n << 64n) + BigInt(n) - (1n << 32n) : BigInt(n);
          assert.is(printed, BigInt(exp.val), at);
          if (v.isSigned) assert.ok(n >= -(2 ** 31) && n < 2 ** 31, at);
          else assert.ok(n >= 0 && n < 2 ** 32, at);
        }
      });
      break;
    }
    case BTF_KIND_FUNC_PROTO:
      assert.is(v.typeRef, j.ret_type_id, at);
      assert.equal(
        v.params().map((p) => ({ name: anon(p.name), type_id: p.typeId })),
        j.params,
        at,
      );
      break;
    case BTF_KIND_FUNC:
      assert.is(v.typeRef, j.type_id, at);
      assert.is(LINKAGE[v.linkage], j.linkage, at);
      break;
    case BTF_KIND_DATASEC:
      assert.is(v.size, j.size, at);
      assert.equal(
        v.secinfos().map((s) => ({ type_id: s.typeId, offset: s.offset, size: s.size })),
        j.vars,
        at,
      );
      break;
    default:
      switch (j.kind) {
        case 'ARRAY':
          assert.is(v.typeRef, j.type_id, at);
          assert.is(v.elemTypeId, j.type_id, at);
          assert.is(v.indexTypeId, j.index_type_id, at);
          assert.is(v.nelems, j.nr_elems, at);
          break;
        case 'VAR':
          assert.is(v.typeRef, j.type_id, at);
          assert.is(LINKAGE[v.linkage], j.linkage, at);
          break;
        case 'FWD':
          assert.is(v.isUnionFwd ? 'union' : 'struct', j.fwd_kind, at);
          break;
        case 'FLOAT':
          assert.is(v.size, j.size, at);
          break;
        case 'DECL_TAG':
          assert.is(v.typeRef, j.type_id, at);
          assert.is(v.componentIdx, j.component_idx, at);
          assert.is(inflated['componentIdx'], j.component_idx, at);
          break;
        default: // PTR, TYPEDEF, modifiers, TYPE_TAG
          assert.is(v.typeRef, j.type_id, at);
          assert.is(v.size, 0, at);
      }
  }
}

test('views (members, bitfields, enum values, params, secinfos, decl tags) agree with bpftool -j on every golden object', () => {
  const seen = new Set<string>();
  let bitfields = 0,
    enum64 = 0,
    componentIdx = 0;
  for (const g of golden) {
    const btf = parseBtf(g.objBytes);
    const types = parseJson(g.jsonText);
    assert.is(types.length, btf.nrTypes, g.name);
    for (const j of types) {
      checkView(btf, j, g.name);
      seen.add(j.kind);
      if (j.members?.some((m) => m.bitfield_size)) bitfields++;
      if (j.kind === 'ENUM64') enum64++;
      if (j.kind === 'DECL_TAG' && j.component_idx! >= 0) componentIdx++;
    }
  }
  for (const k of [
    'INT',
    'PTR',
    'ARRAY',
    'STRUCT',
    'UNION',
    'ENUM',
    'ENUM64',
    'FWD',
    'TYPEDEF',
    'VOLATILE',
    'CONST',
    'FUNC',
    'FUNC_PROTO',
    'VAR',
    'DATASEC',
    'DECL_TAG',
  ])
    assert.ok(seen.has(k), `no ${k} in the corpus`);
  assert.ok(bitfields > 0 && enum64 > 0 && componentIdx > 0, 'corpus lacks bitfields, enum64 or member decl tags');
});

test('type(0) is not a view; inflate(0) is void; out-of-range ids throw ENOENT', () => {
  const btf = parseBtf(littleGolden[0]!.sec);
  assert.equal(btf.inflate(0), { kind: 'VOID', id: 0, name: '' });
  for (const bad of [0, -1, btf.typeCount, 1.5, Number.NaN]) {
    try {
      btf.type(bad);
      assert.unreachable(`type(${bad})`);
    } catch (e) {
      assert.ok(isBtfError(e), String(e));
      assert.is((e as { code: string }).code, 'ENOENT');
    }
  }
});

test('member(i) and enumValue(i) check the kind and the index (EINVAL)', () => {
  const b0 = Btf.empty();
  b0.addInt('int', 4, 1);
  b0.addStruct('s', 4);
  b0.addField('x', 1, 0, 0);
  b0.addEnum64('e', 8, false);
  b0.addEnum64Value('A', 1n);
  for (const btf of [b0, parseBtf(b0.rawData())]) {
    assert.is(btf.type(2).member(0).name, 'x');
    assert.is(btf.type(3).enumValue(0).value, 1n);
    for (const bad of [
      () => btf.type(2).member(1),
      () => btf.type(2).member(-1),
      () => btf.type(2).member(0.5),
      () => btf.type(3).enumValue(1),
      () => btf.type(1).member(0),
      () => btf.type(2).enumValue(0),
    ]) {
      assert.is(outcome(bad as () => never), 'EINVAL');
    }
  }
});

test('a signed ENUM64 value is a negative bigint, an unsigned one above 2^63 a positive bigint', () => {
  const btf = Btf.empty();
  btf.addEnum64('s', 8, true);
  btf.addEnum64Value('MIN', -(2n ** 63n));
  btf.addEnum64('u', 8, false);
  btf.addEnum64Value('MAX', 2n ** 64n - 1n);
  const back = parseBtf(btf.rawData());
  assert.equal(
    back
      .type(1)
      .enumValues()
      .map((v) => v.value),
    [-(2n ** 63n)],
  );
  assert.equal(
    back
      .type(2)
      .enumValues()
      .map((v) => v.value),
    [2n ** 64n - 1n],
  );
});

// --------------------------------------------------------------- queries

const MAX_RESOLVE_DEPTH = 32;
const MODS = new Set(['TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'TYPE_TAG']);

/** libbpf 1.1.2's determine_ptr_size over a dump: the size of the first INT named like `long`. */
function refPtrSize(d: Map<number, DumpedType>): number {
  const aliases = [
    'long',
    'long int',
    'int long',
    'unsigned long',
    'long unsigned',
    'unsigned long int',
    'unsigned int long',
    'long unsigned int',
    'long int unsigned',
    'int unsigned long',
    'int long unsigned',
  ];
  for (const t of d.values()) {
    if (t.kind !== 'INT') continue;
    const sz = Number(t.attrs['size']);
    if (sz !== 4 && sz !== 8) continue;
    if (aliases.includes(t.name)) return sz;
  }
  return 8;
}

/** libbpf's btf__resolve_size over a dump; a string for an error code. */
function refResolveSize(d: Map<number, DumpedType>, id: number, ptrSz: number): number | string {
  let nelems = 1;
  let size = -1;
  let t = d.get(id);
  for (let i = 0; i < MAX_RESOLVE_DEPTH && t; i++) {
    if (['INT', 'STRUCT', 'UNION', 'ENUM', 'ENUM64', 'DATASEC', 'FLOAT'].includes(t.kind)) {
      size = Number(t.attrs['size']);
      break;
    }
    if (t.kind === 'PTR') {
      size = ptrSz;
      break;
    }
    if (MODS.has(t.kind) || t.kind === 'VAR' || t.kind === 'DECL_TAG') {
      t = d.get(Number(t.attrs['type_id']));
      continue;
    }
    if (t.kind === 'ARRAY') {
      const n = Number(t.attrs['nr_elems']);
      if (nelems && n > Math.floor(0xffffffff / nelems)) return 'E2BIG';
      nelems *= n;
      t = d.get(Number(t.attrs['type_id']));
      continue;
    }
    return 'EINVAL';
  }
  if (size < 0) return 'EINVAL';
  if (nelems && size > Math.floor(0xffffffff / nelems)) return 'E2BIG';
  return nelems * size;
}

/** libbpf's btf__resolve_type over a dump. */
function refResolveType(d: Map<number, DumpedType>, id: number): number | string {
  let depth = 0;
  let t = d.get(id);
  while (depth < MAX_RESOLVE_DEPTH && t && (MODS.has(t.kind) || t.kind === 'VAR')) {
    id = Number(t.attrs['type_id']);
    t = d.get(id);
    depth++;
  }
  return depth === MAX_RESOLVE_DEPTH || !t ? 'EINVAL' : id;
}

/** libbpf's btf__align_of over a dump. */
function refAlignOf(d: Map<number, DumpedType>, id: number, ptrSz: number): number | string {
  const t = d.get(id);
  if (!t) return 'EINVAL';
  switch (t.kind) {
    case 'INT':
    case 'ENUM':
    case 'ENUM64':
    case 'FLOAT':
      return Math.min(ptrSz, Number(t.attrs['size']));
    case 'PTR':
      return ptrSz;
    case 'TYPEDEF':
    case 'VOLATILE':
    case 'CONST':
    case 'RESTRICT':
    case 'TYPE_TAG':
    case 'ARRAY':
      return refAlignOf(d, Number(t.attrs['type_id']), ptrSz);
    case 'STRUCT':
    case 'UNION': {
      let max = 1;
      for (const m of t.items) {
        const a = refAlignOf(d, Number(m['type_id']), ptrSz);
        if (typeof a === 'string') return a;
        max = Math.max(max, a);
        if (!m['bitfield_size'] && Number(m['bits_offset']) % (8 * a) !== 0) return 1;
      }
      return Number(t.attrs['size']) % max !== 0 ? 1 : max;
    }
    default:
      return 'EINVAL';
  }
}

function outcome(fn: () => number): number | string {
  try {
    return fn();
  } catch (e) {
    if (!isBtfError(e)) throw e;
    return (e as { code: string }).code;
  }
}

/**
 * Checks resolveSize and resolveType on every type, alignOf (recursive and
 * unmemoised, as in libbpf) on every `alignEvery`-th, findByName (a linear
 * scan, as in libbpf) on every `nameEvery`-th name.
 */
function checkQueries(
  btf: Btf,
  d: Map<number, DumpedType>,
  where: string,
  every = { nameEvery: 1, alignEvery: 1 },
): void {
  const ptrSz = refPtrSize(d);
  assert.is(btf.pointerSize(), ptrSz, `${where}: pointer size`);
  const firstByName = new Map<string, number>();
  const firstByKind = new Map<string, number>();
  for (const t of d.values()) {
    if (!firstByName.has(t.name)) firstByName.set(t.name, t.id);
    if (!firstByKind.has(`${t.kind} ${t.name}`)) firstByKind.set(`${t.kind} ${t.name}`, t.id);
    assert.is(
      outcome(() => btf.resolveSize(t.id)),
      refResolveSize(d, t.id, ptrSz),
      `${where}: resolveSize(${t.id}) ${t.kind} '${t.name}'`,
    );
    assert.is(
      outcome(() => btf.resolveType(t.id)),
      refResolveType(d, t.id),
      `${where}: resolveType(${t.id})`,
    );
    if (t.id % every.alignEvery === 0) {
      assert.is(
        outcome(() => btf.alignOf(t.id)),
        refAlignOf(d, t.id, ptrSz),
        `${where}: alignOf(${t.id}) ${t.kind} '${t.name}'`,
      );
    }
  }
  let n = 0;
  for (const [name, id] of firstByName) {
    if (name === 'void' || n++ % every.nameEvery) continue;
    assert.is(btf.findByName(name), id, `${where}: findByName('${name}')`);
  }
  n = 0;
  for (const [key, id] of firstByKind) {
    if (n++ % every.nameEvery) continue;
    const sp = key.indexOf(' ');
    const kind = [
      'UNKNOWN',
      'INT',
      'PTR',
      'ARRAY',
      'STRUCT',
      'UNION',
      'ENUM',
      'FWD',
      'TYPEDEF',
      'VOLATILE',
      'CONST',
      'RESTRICT',
      'FUNC',
      'FUNC_PROTO',
      'VAR',
      'DATASEC',
      'FLOAT',
      'DECL_TAG',
      'TYPE_TAG',
      'ENUM64',
    ].indexOf(key.slice(0, sp));
    assert.is(
      btf.findByName(key.slice(sp + 1), kind)!,
      id,
      `${where}: findByName('${key.slice(sp + 1)}', ${kindName(kind)})!`,
    );
  }
  assert.is(btf.findByName('no such type, surely'), undefined);
  assert.is(btf.findByName('int', 'STRUCT'), undefined);
  assert.throws(() => btf.findByName('int', 'STRUCTURE'), /unknown kind 'STRUCTURE'/);
  assert.is(btf.findByName('void')!, 0);
  assert.is(btf.findByName('int', 0)!, 0, 'kind UNKN finds void');
}

test('findByName, resolveSize, resolveType, alignOf match libbpf on every golden object', () => {
  for (const g of golden) checkQueries(parseBtf(g.objBytes), parseRawDump(g.rawText), g.name);
});

test('findByName, resolveSize, resolveType, alignOf match libbpf on vmlinux', () => {
  if (!kernel || !kernelDump) return skip(NO_VMLINUX, 'env');
  checkQueries(kernel, kernelDump, 'vmlinux', { nameEvery: 2500, alignEvery: 7 });
});

test('vmlinux: task_struct and friends', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  const line = /^\[(\d+)\] STRUCT 'task_struct' size=(\d+) /m.exec(rawDump(kernel))!;
  assert.ok(line, 'task_struct in the dump');
  const id = kernel.findByName('task_struct', BTF_KIND_STRUCT)!;
  assert.is(id, Number(line[1]));
  assert.is(kernel.resolveSize(id), Number(line[2]));
  // BTF does not record alignment attributes: libbpf sees the largest member's
  assert.is(kernel.alignOf(id), 8);
  assert.is(kernel.pointerSize(), 8);
  const u64 = kernel.findByName('u64', BTF_KIND_TYPEDEF)!;
  assert.ok(u64 > 0);
  assert.is(kernel.resolveSize(u64), 8);
  assert.is(kernel.kindOf(kernel.resolveType(u64)), BTF_KIND_INT);
  const ptr = kernel
    .type(id)
    .members()
    .find((m) => kernel.kindOf(m.typeId) === BTF_KIND_PTR)!;
  assert.is(kernel.resolveSize(ptr.typeId), 8);
  const fn = kernel.findByName('schedule', BTF_KIND_FUNC)!;
  assert.ok(fn > 0);
  assert.is(kernel.kindOf(kernel.type(fn).typeRef), BTF_KIND_FUNC_PROTO);
  assert.is(
    outcome(() => kernel.resolveSize(fn)),
    'EINVAL',
    'a FUNC has no size',
  );
  assert.is(
    outcome(() => kernel.alignOf(fn)),
    'EINVAL',
  );
  assert.is(
    outcome(() => kernel.resolveType(0)),
    'EINVAL',
  );
  assert.is(
    outcome(() => kernel.resolveSize(0)),
    'EINVAL',
  );
  const ds = kernel.findByName('.data..percpu', BTF_KIND_DATASEC)!;
  if (ds > 0) assert.is(kernel.resolveSize(ds), kernel.type(ds).size);
});

test('tc_flow_classifier: alignOf of the packed struct is 1, of natural ones their largest member', () => {
  const btf = parseBtf(golden.find((g) => g.name === 'tc_flow_classifier')!.objBytes);
  const key = btf.findByName('flow_key', BTF_KIND_STRUCT)!;
  assert.is(btf.resolveSize(key), 13);
  assert.is(btf.alignOf(key), 1);
  const stats = btf.findByName('flow_stats', BTF_KIND_STRUCT)!;
  assert.is(btf.alignOf(stats), 8);
  assert.is(btf.resolveSize(stats), 56);
  assert.is(btf.alignOf(btf.findByName('flow_class', BTF_KIND_ENUM)!), 1);
  // the anonymous union of bitfields and a u32
  const union = btf
    .type(stats)
    .members()
    .find((m) => m.name === '')!;
  assert.is(btf.alignOf(union.typeId), 4);
  // an array aligns as its element
  const hist = btf
    .type(stats)
    .members()
    .find((m) => m.name === 'size_hist')!;
  assert.is(btf.alignOf(hist.typeId), 2);
  assert.is(btf.resolveSize(hist.typeId), 16);
});

test("alignOf is 1 exactly for the structs bpftool's C dump marks packed", () => {
  let packed = 0;
  for (const g of golden) {
    const h = g.cDump;
    const btf = parseBtf(g.objBytes);
    let cur: string | null = null;
    for (const line of h.split('\n')) {
      const open = /^struct (\w+) \{$/.exec(line);
      if (open) {
        cur = open[1]!;
        continue;
      }
      if (cur && line.startsWith('}')) {
        const id = btf.findByName(cur, BTF_KIND_STRUCT)!;
        if (id === undefined) {
          cur = null;
          continue;
        } // renamed by the C dumper (foo___2)
        const isPacked = line === '} __attribute__((packed));';
        if (isPacked) {
          assert.is(btf.alignOf(id), 1, `${g.name}: ${cur}`);
          packed++;
        } else {
          const a = btf.alignOf(id);
          if (a === 1) {
            // natural alignment 1: every member aligns to 1 as well
            for (const m of btf.type(id).members()) assert.is(btf.alignOf(m.typeId), 1, `${g.name}: ${cur}.${m.name}`);
          }
        }
        cur = null;
      }
    }
  }
  assert.ok(packed >= 2, `only ${packed} packed structs seen`);
});

test("pointerSize follows libbpf's determine_ptr_size: the first INT named like long of size 4 or 8", () => {
  const cases: Array<[Array<[string, number]>, number]> = [
    [[], 8],
    [[['int', 4]], 8],
    [[['long', 4]], 4],
    [[['unsigned long int', 4]], 4],
    [[['int long unsigned', 4]], 4],
    [
      [
        ['long int', 16],
        ['long', 4],
      ],
      4,
    ], // a size other than 4 or 8 is skipped
    [
      [
        ['long unsigned int', 4],
        ['long int', 8],
      ],
      4,
    ], // the first by id wins, whatever the alias
    [
      [
        ['long int', 8],
        ['long unsigned int', 4],
      ],
      8,
    ],
  ];
  for (const [ints, want] of cases) {
    const btf = Btf.empty();
    for (const [name, size] of ints) btf.addInt(name, size, 0);
    const p = btf.addPtr(0);
    assert.is(btf.pointerSize(), want, JSON.stringify(ints));
    assert.is(btf.resolveSize(p), want);
    assert.is(btf.alignOf(p), want);
  }
});

test('resolveSize: array overflow is E2BIG, a FWD or FUNC_PROTO is EINVAL', () => {
  const btf = Btf.empty();
  const i = btf.addInt('int', 4, 1);
  const big = btf.addArray(i, i, 0x40000000); // 4 GiB
  const ok = btf.addArray(i, i, 0x3fffffff);
  const nested = btf.addArray(i, ok, 2);
  const fwd = btf.addFwd('f', 0);
  const proto = btf.addFuncProto(i);
  assert.is(
    outcome(() => btf.resolveSize(big)),
    'E2BIG',
  );
  assert.is(btf.resolveSize(ok), 0xfffffffc);
  assert.is(
    outcome(() => btf.resolveSize(nested)),
    'E2BIG',
  );
  assert.is(
    outcome(() => btf.resolveSize(fwd)),
    'EINVAL',
  );
  assert.is(
    outcome(() => btf.resolveSize(proto)),
    'EINVAL',
  );
  assert.is(btf.resolveSize(btf.addArray(i, i, 0)), 0);
  assert.is(
    outcome(() => btf.resolveSize(btf.addArray(i, fwd, 0))),
    'EINVAL',
    'zero elements still need an element size',
  );
});

test('setWord, insertItem, headerLength and hasLayout: the container edited and read through its methods', () => {
  const base = Btf.empty();
  const bi = base.addInt('int', 4, 0);
  const btf = Btf.empty({ base });
  const ptr = btf.addPtr(0);
  const a = btf.addVar('a', bi, 1);
  const sec = btf.addDatasec('.data', 4);
  btf.addDatasecVarInfo(a, 0, 4);
  const after = btf.addPtr(bi);
  btf.setWord(ptr, 2, bi);
  assert.is(btf.type(ptr).typeRef, bi);
  const b = btf.addVar('b', bi, 1);
  btf.insertItem(sec, 0, [b, 4, 4]);
  assert.equal(
    btf
      .type(sec)
      .secinfos()
      .map((v) => v.typeId),
    [b, a],
  );
  assert.is(btf.type(after).typeRef, bi, 'the records after the DATASEC moved up with it');
  const raw = btf.rawData();
  assert.equal(rawDump(Btf.parse(raw.slice(), { base })), rawDump(btf));
  assert.is(
    outcome(() => {
      btf.setWord(bi, 2, 8);
      return 0;
    }),
    'EINVAL',
    "a base type is not this BTF's",
  );
  assert.is(
    outcome(() => {
      btf.insertItem(sec, 0, [1, 2]);
      return 0;
    }),
    'EINVAL',
    'a DATASEC item has three words',
  );
  assert.is(
    outcome(() => {
      btf.insertItem(sec, 9, [b, 0, 4]);
      return 0;
    }),
    'EINVAL',
    'past the last item',
  );
  assert.is(
    outcome(() => {
      btf.insertItem(ptr, 0, [b, 0, 4]);
      return 0;
    }),
    'EINVAL',
    'a PTR has no items',
  );
  assert.is(btf.headerLength(), 24);
  assert.not.ok(btf.hasLayout());
  btf.setLayout(true);
  assert.ok(btf.hasLayout());
  assert.is(btf.headerLength(), 32);
  assert.is(new DataView(btf.rawData().buffer).getUint32(4, true), 32);
});

test.run();
