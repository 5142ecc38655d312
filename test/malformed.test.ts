/**
 * Malformed input: every failure is a BtfError or ElfError (isInputError),
 * never another exception, never slow (the cases together within the suite's
 * time budget, test/helpers/budget.ts), never a
 * huge allocation; reference loops are rejected where the kernel rejects
 * them, and queries on deep chains stop at libbpf's depth limit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { jsonDump, rawDump } from '../lib/dump/raw.js';
import { cDump } from '../lib/dump/c.js';
import { TypedDataDumper } from '../lib/inspect/typed-data.js';
import { listMaps } from '../lib/inspect/maps.js';
import { listVars } from '../lib/inspect/vars.js';
import { isElf } from '../lib/btf.js';
import { parseElf } from '../lib/elf/read.js';
import { isInputError } from '../lib/errors.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  ELEM_WORDS,
  INFO_WORDS,
  NR_BTF_KINDS,
} from '../lib/kinds.js';
import { btfSection, goldenObject, readBytes } from './helpers/golden.js';
import { FuzzStats } from './helpers/fuzz-stats.js';
import { TimeBudget, fuzzFactor, fuzzRuns } from './helpers/budget.js';
import {
  Strings,
  arrayRec,
  expectInputError,
  expectNoCrash,
  intRec,
  rawBtf,
  rec,
  rng,
  useBudget,
} from './helpers/gen.js';
import { openObject, parseBtf } from '../lib/object/open.js';
import { checkRawBtf } from '../lib/check/index.js';
import { dedup } from '../lib/dedup/index.js';

const elfLE = readBytes(goldenObject('xdp_pkt_counter').obj);
const elfBE = readBytes(goldenObject('xdp_pkt_counter.bpfeb').obj);
const btfLE = btfSection(elfLE);
const btfBE = btfSection(elfBE);

/**
 * Every case timed by expectInputError/expectNoCrash, in all: level 1 reads
 * most mutants (the kernel's rules are level 2's) and each one read is
 * exercised: 28 to 46 s at a load of 8 on 2 cores (errors are most of the cost:
 * a BtfError per refused query).
 */
const budget = new TimeBudget('malformed', 60_000);
const stats = new FuzzStats('malformed');
test.before(() => useBudget(budget));
test.after(() => useBudget(null));

/** Runs `fn`; an input error is an answer, anything else is thrown on. */
function tolerate(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isInputError(e)) throw e;
  }
}

/** The typed-data buffer: every type small enough is printed over it. */
const ZEROES = new Uint8Array(64);

/**
 * Every dump a reader can ask for: raw, JSON, the C header (plain, sorted,
 * from named roots), typed data and its casts. Each ends in output or an
 * input error.
 */
function dumpAll(btf: Btf): void {
  stats.call('rawDump', () => rawDump(btf));
  stats.call('jsonDump', () => jsonDump(btf));
  tolerate(() => stats.call('cDump', () => cDump(btf)));
  tolerate(() => stats.call('cDump sort', () => cDump(btf, { sort: true })));
  if (btf.typeCount > 1)
    tolerate(() => stats.call('cDump roots', () => cDump(btf, { typeNames: ['1', String(btf.typeCount - 1)] })));
  const d = new TypedDataDumper(btf);
  for (const id of btf.ids()) {
    tolerate(() => stats.call('typeName', () => d.typeName(id)));
    tolerate(() => {
      // A huge array over a small buffer loops over every element, as libbpf does.
      const size = btf.resolveSize(id);
      if (size <= ZEROES.length) stats.call('typed data', () => d.dump(id, ZEROES));
    });
  }
}

/** Parses, and when that works, exercises everything a reader does with the result. */
function exercise(bytes: Uint8Array): void {
  const btf = stats.call('parse', () => parseBtf(bytes));
  dumpAll(btf);
  if (isElf(bytes)) {
    // libbpf's view of an object: its maps and its variables as typed data.
    tolerate(() => {
      const obj = stats.call('openObject', () => openObject(bytes, { ext: false, badBtf: 'record' }));
      tolerate(() => stats.call('maps', () => listMaps(obj)));
      tolerate(() => stats.call('vars', () => listVars(obj)));
    });
  }
  for (const id of btf.ids()) {
    stats.call('inflate', () => btf.inflate(id));
    for (const q of [() => btf.resolveSize(id), () => btf.resolveType(id), () => btf.alignOf(id)])
      tolerate(() => stats.call('query', q));
  }
  btf.setEndianness(btf.bigEndian ? 'little' : 'big');
  const other = stats.call('rawData', () => btf.rawData());
  btf.setLayout(true);
  stats.call('rawData', () => btf.rawData());
  stats.call('parse', () => parseBtf(other));
}

/**
 * Dedup and merge (addBtf twice, then dedup) of what level 1 read: output
 * that reads back, or an input error. For the targeted cases only (the
 * random loops above would double the suite's time).
 */
function exerciseDedup(bytes: Uint8Array): void {
  tolerate(() => {
    const btf = stats.call('parse', () => parseBtf(bytes));
    stats.call('dedup', () => dedup(btf));
    rawDump(parseBtf(btf.rawData()));
  });
  tolerate(() => {
    const merged = Btf.empty();
    stats.call('merge', () => {
      merged.addBtf(parseBtf(bytes));
      merged.addBtf(parseBtf(bytes));
    });
    stats.call('dedup', () => dedup(merged));
    rawDump(parseBtf(merged.rawData()));
  });
}

const code = (e: unknown): string => (e as { code: string }).code;

// ------------------------------------------------------------ truncations

test('every truncation of a .BTF section (both byte orders) is a BtfError', () => {
  for (const [name, bytes] of [
    ['le', btfLE],
    ['be', btfBE],
  ] as const) {
    for (let n = 0; n < bytes.length; n++) {
      const e = expectInputError(
        () => stats.call('parse', () => parseBtf(bytes.subarray(0, n))),
        `${name} .BTF truncated to ${n}`,
      );
      assert.is(e.name, 'BtfError');
    }
  }
});

test('every truncation of an ELF object is an input error', () => {
  for (let n = 0; n < elfLE.length; n++)
    expectInputError(() => stats.call('parse', () => parseBtf(elfLE.subarray(0, n))), `ELF truncated to ${n}`);
  for (let n = 0; n < elfBE.length; n += 7)
    expectInputError(
      () => stats.call('parse', () => parseBtf(elfBE.subarray(0, n))),
      `big-endian ELF truncated to ${n}`,
    );
});

test('an unaligned view of a .BTF (as inside an ELF) parses like an aligned copy', () => {
  const buf = new Uint8Array(btfLE.length + 3);
  buf.set(btfLE, 3);
  assert.is(rawDump(parseBtf(buf.subarray(3))), rawDump(parseBtf(btfLE)));
});

// ------------------------------------------------------------ random flips

test('seeded random byte flips of a .BTF: an input error, or a BTF that dumps, queries and round trips', () => {
  const next = rng(0xb7f);
  let parsed = 0;
  // 800 runs per byte order: level 1 reads about 90% of them (the kernel's
  // rules are level 2's), as many exercised BTFs as 2000 runs gave when
  // parsing was the kernel's judge.
  for (const src of [btfLE, btfBE]) {
    for (let i = 0; i < fuzzRuns(800); i++) {
      const c = src.slice();
      const flips = 1 + (next() % 4);
      for (let j = 0; j < flips; j++) c[next() % c.length] = next() & 0xff;
      if (expectNoCrash(() => exercise(c), `flip run ${i} (seed 0xb7f)`) === undefined) parsed++;
    }
  }
  assert.ok(parsed > 1000, `only ${parsed} mutants parsed: the flips test little`);
});

test('seeded random byte flips of an ELF object: an input error or a BTF', () => {
  const next = rng(0xe1f);
  const sec = parseElf(elfLE).section('.BTF')!;
  for (let i = 0; i < fuzzRuns(1500); i++) {
    const c = elfLE.slice();
    const flips = 1 + (next() % 4);
    for (let j = 0; j < flips; j++) {
      // half the flips land in the .BTF section, the rest anywhere
      const at = j % 2 ? next() % c.length : sec.offset + (next() % sec.size);
      c[at] = next() & 0xff;
    }
    expectNoCrash(() => exercise(c), `ELF flip run ${i} (seed 0xe1f)`);
  }
});

test('every word of a .BTF set to absurd values: an input error or a usable BTF', () => {
  const values = [
    0, 1, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x00ffffff, 0x0400ffff, 0x0100ffff, 0x1300ffff,
    0x84000001, 0x1f000001,
  ];
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Level 1 reads nine in ten of these (the kernel's rules are level 2's),
  // and every one read is exercised: by default each word takes every other
  // value (alternating), BTFKIT_FUZZ_RUNS >= 2 gives every word every value.
  const every = fuzzFactor() >= 2;
  for (let off = 0; off + 4 <= btfLE.length; off += 4) {
    for (const [k, v] of values.entries()) {
      if (!every && (k + off / 4) % 2) continue;
      const c = btfLE.slice();
      dv(c).setUint32(off, v, true);
      expectNoCrash(() => exercise(c), `word at ${off} = 0x${v.toString(16)}`);
    }
  }
});

// ---------------------------------------------------------------- header

/** A small well-formed BTF: [1] int, [2] struct s { int a; int *p; }, [3] PTR -> 1. */
function small(
  hdr: Parameters<typeof rawBtf>[0]['hdr'] = {},
  extra: { strings?: Uint8Array; types?: number[] } = {},
): Uint8Array {
  const s = new Strings();
  const types = extra.types ?? [
    ...intRec(s.off('int'), 4, 1),
    ...rec(BTF_KIND_STRUCT, s.off('s'), 2, 16, [s.off('a'), 1, 0, s.off('p'), 3, 64]),
    ...rec(BTF_KIND_PTR, 0, 0, 1),
  ];
  return rawBtf({ types, strings: extra.strings ?? s.bytes(), hdr });
}

test('the small BTF is well formed', () => {
  assert.is(
    rawDump(parseBtf(small())),
    "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n[2] STRUCT 's' size=16 vlen=2\n\t'a' type_id=1 bits_offset=0\n\t'p' type_id=3 bits_offset=64\n[3] PTR '(anon)' type_id=1\n",
  );
});

test('absurd header fields are BtfErrors with the right code', () => {
  const good = small();
  const typeLen = good.length - 24 - 11;
  const cases: Array<[string, Uint8Array, string]> = [
    ['empty input', new Uint8Array(0), 'EFORMAT'],
    ['one byte', new Uint8Array([0x9f]), 'EFORMAT'],
    ['magic only', new Uint8Array([0x9f, 0xeb]), 'ETRUNC'],
    ['bad magic', small({ magic: 0x1234 }), 'EFORMAT'],
    // a header shorter than its fields puts the sections inside it (libbpf reads it so)
    ['hdr_len 0', small({ hdrLen: 0 }), 'ESTRING'],
    ['hdr_len 23', small({ hdrLen: 23 }), 'ESTRING'],
    ['hdr_len past the data', small({ hdrLen: 0xfffffff0 }), 'ETRUNC'],
    ['type_off 4', small({ typeOff: 4 }), 'ESECTION'],
    ['type_off unaligned', small({ typeOff: 2 }), 'ESECTION'],
    ['type_len huge', small({ typeLen: 0xfffffff0 }), 'ESECTION'],
    ['type_len not a multiple of 4', small({ typeLen: typeLen - 2 }), 'ESECTION'],
    ['type_len short by a word', small({ typeLen: typeLen - 4 }), 'ETRUNC'],
    ['str_off before the end of the types', small({ strOff: 4 }), 'ESECTION'],
    ['str_off huge', small({ strOff: 0xfffffff0 }), 'ETRUNC'],
    ['str_len 0 (bytes left over)', small({ strLen: 0 }), 'ESTRING'],
    ['an empty string section', small({}, { strings: new Uint8Array(0) }), 'ESTRING'],
    ['str_len huge', small({ strLen: 0xffffffff }), 'ETRUNC'],
    ['str_len one short (no final NUL)', small({ strLen: 10 }), 'ESTRING'],
    [
      'strings without the leading empty string',
      small({}, { strings: new TextEncoder().encode('int\0s\0a\0p\0\0') }),
      'ESTRING',
    ],
    ['strings without the final NUL', small({}, { strings: new TextEncoder().encode('\0int\0s\0a\0p\0x') }), 'ESTRING'],
  ];
  for (const [what, bytes, want] of cases) {
    const e = expectInputError(() => parseBtf(bytes), what);
    assert.is(e.name, 'BtfError', what);
    assert.is(code(e), want, `${what}: ${e.message}`);
  }
});

test('header fields libbpf does not look at: level 1 reads them, level 2 refuses them', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['version 0', small({ version: 0 })],
    ['version 2', small({ version: 2 })],
    ['flags 1', small({ flags: 1 })],
    ['flags 0x80', small({ flags: 0x80 })],
    [
      'a gap between types and strings',
      small(
        { strOff: small().length - 24 - 11 + 4, strLen: 11 },
        { strings: new TextEncoder().encode('gap!\0int\0s\0a\0p\0') },
      ),
    ],
    ['bytes after the strings', small({ strLen: 11 }, { strings: new TextEncoder().encode('\0int\0s\0a\0p\0tail') })],
  ];
  for (const [what, bytes] of cases) {
    expectNoCrash(() => exercise(bytes), what);
    assert.is(parseBtf(bytes).typeCount, 4, what);
    assert.not.ok(checkRawBtf(bytes).ok, `${what}: level 2 refuses`);
  }
});

test('a longer header is read whatever its unknown bytes; level 2 wants them zero', () => {
  assert.ok(checkRawBtf(small({ hdrLen: 28 })).ok);
  assert.is(parseBtf(small({ hdrLen: 28 })).typeCount, 4);
  const h40 = small({ hdrLen: 40 });
  assert.is(parseBtf(h40).typeCount, 4);
  assert.ok(checkRawBtf(h40).ok);
  h40[36] = 1;
  assert.is(parseBtf(h40).typeCount, 4);
  assert.not.ok(checkRawBtf(h40).ok);
});

test('an odd header length (33) parses and writes back in every form', () => {
  const bytes = small({ hdrLen: 33 });
  const btf = parseBtf(bytes);
  assert.is(btf.typeCount, 4);
  assert.ok(Buffer.from(btf.rawData()).equals(Buffer.from(bytes)));
  btf.ensureModifiable();
  assert.ok(Buffer.from(btf.rawData()).equals(Buffer.from(bytes)), 'rebuilt');
  btf.setEndianness('big');
  const be = parseBtf(btf.rawData());
  assert.is(rawDump(be), rawDump(parseBtf(bytes)));
  btf.setLayout(true);
  assert.is(rawDump(parseBtf(btf.rawData())), rawDump(parseBtf(bytes)));
});

test('errors inside an ELF name the file offset of the problem in .BTF', () => {
  const sec = parseElf(elfLE).section('.BTF')!;
  const c = elfLE.slice();
  c[sec.offset + 8] = 2; // type_off, unaligned
  const e = expectInputError(() => parseBtf(c), 'ELF with an unaligned .BTF type section') as Error & {
    offset?: number;
  };
  assert.is(code(e), 'ESECTION');
  assert.is(e.offset, sec.offset + 8);
});

test('ELF and input-kind errors', () => {
  // an ELF without .BTF
  const noBtf = elfLE.slice();
  const elf = parseElf(noBtf);
  const sec = elf.section('.BTF')!;
  const shstr = elf.sections[elf.shstrndx]!;
  // rename the section: change the first letter of ".BTF" in the section name table
  noBtf[shstr.offset + sec.nameOff + 1] = 'X'.charCodeAt(0);
  const e1 = expectInputError(() => parseBtf(noBtf), 'ELF without .BTF');
  assert.is(e1.name, 'BtfError');
  assert.is(code(e1), 'EFORMAT');
  // a section header pointing past the end of the file
  const past = elfLE.slice();
  const dv = new DataView(past.buffer);
  dv.setBigUint64(sec.headerOffset + 24, BigInt(past.length + 100), true); // sh_offset
  const e2 = expectInputError(() => parseBtf(past), '.BTF past the end of the file');
  assert.is(e2.name, 'ElfError');
  // neither BTF nor ELF
  assert.is(
    code(expectInputError(() => parseBtf(new TextEncoder().encode('hello world, not btf')), 'text')),
    'EFORMAT',
  );
  // not bytes at all
  assert.is(code(expectInputError(() => parseBtf('abc' as unknown as Uint8Array), 'a string')), 'EINVAL');
});

// ----------------------------------------------------------------- records

function recordCase(types: number[], strs?: Strings): Uint8Array {
  return rawBtf({ types, strings: (strs ?? new Strings()).bytes() });
}

test('records libbpf cannot walk: vlen, kinds, truncation', () => {
  const s = new Strings();
  const int = intRec(s.off('int'), 4, 1);
  const name = s.off('n');
  const cases: Array<[string, number[], string]> = [
    ['STRUCT vlen 0xffff with no members', [...int, ...rec(BTF_KIND_STRUCT, name, 0xffff, 4)], 'ETRUNC'],
    ['ENUM vlen 0xffff', [...int, ...rec(BTF_KIND_ENUM, name, 0xffff, 4)], 'ETRUNC'],
    ['FUNC_PROTO vlen 0xffffff', [...int, ...rec(BTF_KIND_FUNC_PROTO, 0, 0xffffff, 1)], 'ETRUNC'],
    ['a record cut short', [...int, ...rec(BTF_KIND_ARRAY, 0, 0, 0, [1])], 'ETRUNC'],
    ['a lone word', [...int, 0], 'ETRUNC'],
    ['kind 0', [...int, ...rec(0, 0, 0, 0)], 'ETYPE'],
    ['kind 20 (unknown, no layout)', [...int, ...rec(20, name, 0, 0)], 'ETYPE'],
    ['kind 127', [...int, ...rec(127, name, 0, 0)], 'ETYPE'],
  ];
  for (const [what, types, want] of cases) {
    const e = expectInputError(() => parseBtf(recordCase(types, s)), what) as Error & {
      typeId?: number;
      offset?: number;
    };
    assert.is(e.name, 'BtfError', what);
    assert.is(code(e), want, `${what}: ${e.message}`);
    assert.ok(e.offset !== undefined && e.offset >= 24, `${what}: offset ${e.offset}`);
    if (want !== 'ETRUNC' || what.includes('vlen'))
      assert.ok(e.typeId !== undefined, `${what}: no type id in ${e.message}`);
  }
});

test('records only the kernel refuses: level 1 reads them, every consumer copes, level 2 refuses', () => {
  const s = new Strings();
  const int = intRec(s.off('int'), 4, 1);
  const name = s.off('n');
  const cases: Array<[string, number[]]> = [
    ['INT nr_bits 200', [...intRec(name, 16, 0, 200)]],
    ['INT offset + bits past the size', [name, (1 << 24) | 0, 4, (8 << 16) | 32]],
    ['INT encoding SIGNED|CHAR', [...intRec(name, 1, 3)]],
    ['INT vlen 1', [name, (1 << 24) | 1, 4, 32]],
    ['PTR to id 99999', [...int, ...rec(BTF_KIND_PTR, 0, 0, 99999)]],
    ['PTR to id 0xffffffff', [...int, ...rec(BTF_KIND_PTR, 0, 0, 0xffffffff)]],
    ['PTR with a name', [...int, ...rec(BTF_KIND_PTR, name, 0, 1)]],
    ['TYPEDEF without a name', [...int, ...rec(BTF_KIND_TYPEDEF, 0, 0, 1)]],
    ['ARRAY of id 7', [...int, ...arrayRec(7, 1, 4)]],
    ['ARRAY index id 7', [...int, ...arrayRec(1, 7, 4)]],
    ['member type id 50', [...int, ...rec(BTF_KIND_STRUCT, name, 1, 4, [0, 50, 0])]],
    ['member of type void', [...int, ...rec(BTF_KIND_STRUCT, name, 1, 4, [0, 0, 0])]],
    ['member past the struct size', [...int, ...rec(BTF_KIND_STRUCT, name, 1, 4, [0, 1, 0xfffffff0])]],
    ['bitfield past the union size', [...int, ...rec(BTF_KIND_UNION, name, 1, 4, [0, 1, (8 << 24) | 30], true)]],
    ['ENUM size 3', [...rec(BTF_KIND_ENUM, name, 0, 3)]],
    ['ENUM64 size 0', [...rec(BTF_KIND_ENUM64, name, 0, 0)]],
    ['FUNC linkage 3', [...int, ...rec(BTF_KIND_FUNC_PROTO, 0, 0, 1), ...rec(BTF_KIND_FUNC, name, 3, 2)]],
    ['FUNC of an INT', [...int, ...rec(BTF_KIND_FUNC, name, 0, 1)]],
    ['FUNC of id 40', [...int, ...rec(BTF_KIND_FUNC, name, 0, 40)]],
    ['FUNC_PROTO param id 0xffff', [...int, ...rec(BTF_KIND_FUNC_PROTO, 0, 1, 1, [0, 0xffff])]],
    ['void param not last', [...int, ...rec(BTF_KIND_FUNC_PROTO, 0, 2, 1, [0, 0, 0, 1])]],
    ['VAR of void', [...rec(BTF_KIND_VAR, name, 0, 0, [0])]],
    ['VAR linkage 7', [...int, ...rec(BTF_KIND_VAR, name, 0, 1, [7])]],
    ['DATASEC entry is an INT', [...int, ...rec(BTF_KIND_DATASEC, name, 1, 4, [1, 0, 4])]],
    ['DATASEC entry id 9', [...int, ...rec(BTF_KIND_DATASEC, name, 1, 4, [9, 0, 4])]],
    ['DECL_TAG component -2', [...int, ...rec(BTF_KIND_DECL_TAG, name, 0, 1, [0xfffffffe])]],
    ['DECL_TAG of id 5', [...int, ...rec(BTF_KIND_DECL_TAG, name, 0, 5, [0xffffffff])]],
  ];
  for (const [what, types] of cases) {
    const bytes = recordCase(types, s);
    expectNoCrash(() => exercise(bytes), what);
    expectNoCrash(() => exerciseDedup(bytes), `${what}: dedup`);
    assert.ok(parseBtf(bytes).typeCount > 1, what);
    assert.not.ok(checkRawBtf(bytes).ok, `${what}: level 2 refuses`);
  }
});

test('huge nelems parses; resolveSize says E2BIG instead of overflowing', () => {
  const s = new Strings();
  const bytes = recordCase(
    [...intRec(s.off('int'), 4, 1), ...arrayRec(1, 1, 0xffffffff), ...arrayRec(2, 1, 0xffffffff)],
    s,
  );
  const btf = parseBtf(bytes);
  assert.is(btf.type(2).nelems, 0xffffffff);
  assert.is(code(expectInputError(() => btf.resolveSize(2), 'resolveSize')), 'E2BIG');
  assert.is(code(expectInputError(() => btf.resolveSize(3), 'resolveSize nested')), 'E2BIG');
  assert.is(btf.alignOf(3), 4);
});

test('string offsets out of range: level 1 reads them (as libbpf), consumers error cleanly, level 2 refuses', () => {
  const s = new Strings();
  const int = intRec(s.off('int'), 4, 1);
  const bytes0 = s.bytes();
  const end = bytes0.length;
  const cases: Array<[string, number[]]> = [
    ['type name at the end', [...intRec(end, 4, 1)]],
    ['type name far away', [...intRec(0x00ffffff, 4, 1)]],
    ['type name 0xffffffff', [...intRec(0xffffffff, 4, 1)]],
    ['member name', [...int, ...rec(BTF_KIND_STRUCT, 0, 1, 4, [end + 3, 1, 0])]],
    ['enum value name', [...rec(BTF_KIND_ENUM, 0, 1, 4, [end, 1])]],
    ['enum64 value name', [...rec(BTF_KIND_ENUM64, 0, 1, 8, [end, 1, 0])]],
    ['param name', [...int, ...rec(BTF_KIND_FUNC_PROTO, 0, 1, 1, [0x7fffffff, 1])]],
    ['var name', [...int, ...rec(BTF_KIND_VAR, end, 0, 1, [0])]],
    ['decl tag name', [...int, ...rec(BTF_KIND_DECL_TAG, end + 100, 0, 1, [0xffffffff])]],
    ['unnamed enum value', [...rec(BTF_KIND_ENUM, 0, 1, 4, [0, 1])]],
  ];
  for (const [what, types] of cases) {
    const bytes = rawBtf({ types, strings: bytes0 });
    expectNoCrash(() => exercise(bytes), what);
    expectNoCrash(() => exerciseDedup(bytes), `${what}: dedup`);
    assert.not.ok(checkRawBtf(bytes).ok, `${what}: level 2 refuses`);
  }
});

// -------------------------------------------------------------- reference loops

function loopCase(build: (s: Strings) => number[]): Uint8Array {
  const s = new Strings();
  return rawBtf({ types: build(s), strings: s.bytes() });
}

test('reference loops: level 1 reads every one (libbpf looks for none), level 2 refuses where the kernel does', () => {
  const rejected: Array<[string, (s: Strings) => number[]]> = [
    ['PTR -> TYPEDEF -> PTR', (s) => [...rec(BTF_KIND_PTR, 0, 0, 2), ...rec(BTF_KIND_TYPEDEF, s.off('t'), 0, 1)]],
    ['TYPEDEF -> itself', (s) => [...rec(BTF_KIND_TYPEDEF, s.off('t'), 0, 1)]],
    ['PTR -> itself', () => [...rec(BTF_KIND_PTR, 0, 0, 1)]],
    ['CONST -> VOLATILE -> CONST', () => [...rec(BTF_KIND_CONST, 0, 0, 2), ...rec(BTF_KIND_VOLATILE, 0, 0, 1)]],
    ['struct containing itself by value', (s) => [...rec(BTF_KIND_STRUCT, s.off('s'), 1, 4, [s.off('self'), 1, 0])]],
    [
      'struct A { B b; } struct B { A a; }',
      (s) => [
        ...rec(BTF_KIND_STRUCT, s.off('A'), 1, 4, [s.off('b'), 2, 0]),
        ...rec(BTF_KIND_STRUCT, s.off('B'), 1, 4, [s.off('a'), 1, 0]),
      ],
    ],
    [
      'struct s { s arr[2]; }',
      (s) => [
        ...rec(BTF_KIND_STRUCT, s.off('s'), 1, 8, [s.off('arr'), 2, 0]),
        ...arrayRec(1, 3, 2),
        ...intRec(s.off('int'), 4, 1),
      ],
    ],
    ['array of itself', (s) => [...arrayRec(1, 2, 2), ...intRec(s.off('int'), 4, 1)]],
    [
      'union through a typedef of itself',
      (s) => [
        ...rec(BTF_KIND_UNION, s.off('u'), 1, 4, [s.off('x'), 2, 0]),
        ...rec(BTF_KIND_TYPEDEF, s.off('u_t'), 0, 1),
      ],
    ],
  ];
  for (const [what, build] of rejected) {
    const bytes = loopCase(build);
    expectNoCrash(() => exercise(bytes), what);
    expectNoCrash(() => exerciseDedup(bytes), `${what}: dedup`);
    assert.not.ok(checkRawBtf(bytes).ok, `${what}: level 2 refuses`);
  }
  const accepted: Array<[string, (s: Strings) => number[]]> = [
    [
      'struct with a pointer to itself',
      (s) => [...rec(BTF_KIND_STRUCT, s.off('node'), 1, 8, [s.off('next'), 2, 0]), ...rec(BTF_KIND_PTR, 0, 0, 1)],
    ],
    [
      'struct A { B *b; } struct B { A a; }',
      (s) => [
        ...rec(BTF_KIND_STRUCT, s.off('A'), 1, 8, [s.off('b'), 3, 0]),
        ...rec(BTF_KIND_STRUCT, s.off('B'), 1, 8, [s.off('a'), 1, 0]),
        ...rec(BTF_KIND_PTR, 0, 0, 2),
      ],
    ],
    [
      'PTR -> FUNC_PROTO taking that PTR',
      () => [...rec(BTF_KIND_PTR, 0, 0, 2), ...rec(BTF_KIND_FUNC_PROTO, 0, 1, 0, [0, 1])],
    ],
    [
      'typedef struct s *sp; struct s { sp next; }',
      (s) => [
        ...rec(BTF_KIND_TYPEDEF, s.off('sp'), 0, 2),
        ...rec(BTF_KIND_PTR, 0, 0, 3),
        ...rec(BTF_KIND_STRUCT, s.off('s'), 1, 8, [s.off('next'), 1, 0]),
      ],
    ],
  ];
  for (const [what, build] of accepted) {
    const btf = parseBtf(loopCase(build));
    assert.ok(checkRawBtf(loopCase(build)).ok, `${what}: level 2 accepts`);
    rawDump(btf);
    for (const id of btf.ids()) {
      expectNoCrash(() => btf.resolveSize(id), `${what}: resolveSize(${id})`);
      expectNoCrash(() => btf.alignOf(id), `${what}: alignOf(${id})`);
    }
  }
});

test('the kernel resolves at most 32 unresolved types at once: level 2 refuses a forward chain of 33, level 1 reads it', () => {
  const chain = (n: number) =>
    loopCase((s) => {
      const types: number[] = [];
      for (let i = 1; i <= n; i++) types.push(...rec(BTF_KIND_TYPEDEF, s.off(`t${i}`), 0, i + 1));
      types.push(...intRec(s.off('int'), 4, 1));
      return types;
    });
  const ok = parseBtf(chain(32));
  // libbpf's btf__resolve_size follows at most 31 typedefs to a sized type
  assert.is(ok.resolveSize(2), 4);
  assert.is(code(expectInputError(() => ok.resolveSize(1), '32 typedefs')), 'EINVAL');
  assert.is(parseBtf(chain(33)).typeCount, 35);
  assert.ok(checkRawBtf(chain(32)).ok);
  assert.is(checkRawBtf(chain(33)).errno, 7, 'E2BIG');
  // pointers end the chain: PTR mode makes a struct a sink
  const viaPtr = loopCase((s) => {
    const types: number[] = [];
    for (let i = 1; i <= 100; i++) types.push(...rec(BTF_KIND_STRUCT, s.off(`s${i}`), 1, 8, [s.off('p'), 100 + i, 0]));
    for (let i = 1; i <= 100; i++) types.push(...rec(BTF_KIND_PTR, 0, 0, i === 100 ? 1 : i + 1));
    return types;
  });
  assert.is(parseBtf(viaPtr).typeCount, 201);
});

test('deep backward chains parse quickly; size/type queries stop at depth 32 with EINVAL (libbpf), alignment walks any depth; dumps stay fast', () => {
  const N = 100_000;
  const typedefs = loopCase((s) => {
    const types = [...intRec(s.off('int'), 4, 1)];
    const n = s.off('t');
    for (let i = 2; i <= N; i++) types.push(...rec(BTF_KIND_TYPEDEF, n, 0, i - 1));
    return types;
  });
  let btf!: Btf;
  expectNoCrash(() => {
    btf = parseBtf(typedefs);
  }, 'parse 100k typedefs');
  assert.is(btf.typeCount, N + 1);
  assert.is(btf.resolveSize(32), 4, '31 typedefs deep still resolves');
  assert.is(code(expectInputError(() => btf.resolveSize(N), 'resolveSize at the top')), 'EINVAL');
  assert.is(code(expectInputError(() => btf.resolveSize(33), 'resolveSize 32 deep')), 'EINVAL');
  assert.is(btf.resolveType(32), 1);
  assert.is(code(expectInputError(() => btf.resolveType(33), 'resolveType 32 deep')), 'EINVAL');
  assert.is(code(expectInputError(() => btf.resolveType(N), 'resolveType at the top')), 'EINVAL');
  // libbpf's btf__align_of has no depth bound: the alignment walk takes an explicit stack.
  assert.is(btf.alignOf(N), 4, 'alignOf at the top');
  expectNoCrash(() => rawDump(btf), 'dump 100k typedefs');

  const nested = loopCase((s) => {
    const types = [...intRec(s.off('int'), 4, 1)];
    const n = s.off('s');
    const m = s.off('m');
    for (let i = 2; i <= N; i++) types.push(...rec(BTF_KIND_STRUCT, n, 1, 4, [m, i - 1, 0]));
    return types;
  });
  expectNoCrash(() => {
    btf = parseBtf(nested);
  }, 'parse 100k nested structs');
  assert.is(btf.resolveSize(N), 4);
  assert.is(btf.alignOf(N), 4, 'alignOf of a 100k-deep struct');
});

test('absurd counts and lengths never allocate for what they claim', () => {
  const before = process.memoryUsage().arrayBuffers;
  for (const hdr of [{ typeLen: 0xfffffffc }, { strLen: 0xfffffff0 }, { hdrLen: 0x7ffffff0 }, { strOff: 0x7ffffff0 }]) {
    expectInputError(() => parseBtf(small(hdr)), JSON.stringify(hdr));
  }
  const s = new Strings();
  expectInputError(() => parseBtf(recordCase([...rec(BTF_KIND_STRUCT, s.off('s'), 0xffffff, 4)], s)), 'vlen 2^24-1');
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20, 'allocated more than 64 MiB');
});

test('a struct whose size leaves a gigabyte gap: the C dump says E2BIG instead of printing padding for ever', () => {
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1);
  b.addStruct('huge', 0x7fffffff);
  b.addField('x', int, 0, 0);
  const btf = parseBtf(b.rawData());
  const e = expectInputError(() => cDump(btf), 'C dump of a gigabyte gap');
  assert.is(e.code, 'E2BIG');
  assert.is((e as { typeId?: number }).typeId, 2);
});

// ------------------------------------------------------------ unknown kinds

/**
 * A BTF whose layout section declares `kind` (record: the 3-word header
 * only): [1] int, [2] `mystery` of that kind, [3] PTR -> 2, [4] struct s {
 * mystery *p; }, [5] typedef mystery m_t.
 */
function unknownKindBtf(kind: number): Uint8Array {
  const s = new Strings();
  const layout = new Uint8Array((kind + 1) * 4);
  for (let k = 0; k < NR_BTF_KINDS; k++) {
    layout[k * 4] = INFO_WORDS[k]! * 4;
    layout[k * 4 + 1] = ELEM_WORDS[k]! * 4;
  }
  const types = [
    ...intRec(s.off('int'), 4, 1),
    ...rec(kind, s.off('mystery'), 0, 0),
    ...rec(BTF_KIND_PTR, 0, 0, 2),
    ...rec(BTF_KIND_STRUCT, s.off('s'), 1, 8, [s.off('p'), 3, 0]),
    ...rec(BTF_KIND_TYPEDEF, s.off('m_t'), 0, 2),
  ];
  return rawBtf({ types, strings: s.bytes(), layout });
}

for (const kind of [25, 33]) {
  test(`kind ${kind}, known only from the layout section: raw and JSON print UNKNOWN, every other dump names it in a BtfError`, () => {
    const btf = Btf.parse(unknownKindBtf(kind));
    assert.fixture(
      rawDump(btf),
      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n" +
        "[2] UNKNOWN 'mystery'\n" +
        "[3] PTR '(anon)' type_id=2\n" +
        "[4] STRUCT 's' size=8 vlen=1\n\t'p' type_id=3 bits_offset=0\n" +
        "[5] TYPEDEF 'm_t' type_id=2\n",
    );
    const json = JSON.parse(jsonDump(btf)) as { types: unknown[] };
    assert.equal(json.types[1], { id: 2, kind: 'UNKNOWN', name: 'mystery' });
    const unknown = (what: string, fn: () => unknown): void => {
      const e = expectInputError(fn, what) as Error & { code: string; typeId?: number };
      assert.is(e.name, 'BtfError', what);
      assert.is(e.message, `type [2]: unknown kind ${kind}`, what);
      assert.is(e.code, 'ETYPE', what);
      assert.is(e.typeId, 2, what);
    };
    unknown('C dump', () => cDump(btf));
    unknown('sorted C dump', () => cDump(btf, { sort: true }));
    unknown('C dump of struct s', () => cDump(btf, { typeNames: ['struct s'] }));
    unknown('C dump of the typedef', () => cDump(btf, { typeNames: ['m_t'] }));
    unknown('C dump of the type itself', () => cDump(btf, { typeNames: ['2'] }));
    const d = new TypedDataDumper(btf);
    unknown('typed data of struct s', () => d.dump(4, new Uint8Array(8)));
    unknown('typed data of the type itself', () => d.dump(2, new Uint8Array(8)));
    unknown('typed data through the typedef', () => d.dump(5, new Uint8Array(8)));
    unknown('a cast of the pointer', () => d.typeName(3));
    // what does not reach it still prints
    assert.is(d.dump(1, new Uint8Array(4)).text, '(int)0');
    assert.ok(cDump(btf, { typeNames: ['int'] }).includes('#define __VMLINUX_H__'));
  });
}

test('the exercise covers every dump on a well-formed BTF', () => {
  expectNoCrash(() => exercise(small()), 'the small BTF');
  expectNoCrash(() => exercise(btfLE), 'xdp_pkt_counter');
});

budget.check();

test.run();
