/**
 * String sections: the intern set (libbpf's strset), imperfect dedup of
 * duplicates already in parsed input, findStr, and split BTF offsets.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { rawDump } from '../lib/dump/raw.js';
import { isBtfError } from '../lib/errors.js';
import { BTF_KIND_STRUCT, BTF_KIND_TYPEDEF } from '../lib/kinds.js';
import { NameCounts, StrSet, StringReader, decodeStrAt } from '../lib/strings.js';
import { btfSection, goldenObject, readBytes, sameBytes } from './helpers/golden.js';
import { intRec, rawBtf, rec, rng } from './helpers/gen.js';
import { fuzzRuns } from './helpers/budget.js';
import { parseBtf } from '../lib/object/open.js';
import { checkBtf } from '../lib/check/index.js';
import { dedup } from '../lib/dedup/index.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const golden = btfSection(readBytes(goldenObject('xdp_pkt_counter').obj));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isBtfError(e), String(e));
    return (e as { code: string }).code;
  }
  return 'ok';
}

// ------------------------------------------------------------------ StrSet

test('StrSet: add interns, find looks up, offsets never move', () => {
  const s = new StrSet(new Uint8Array([0]));
  assert.is(s.add(enc('')), 0);
  assert.is(s.add(enc('int')), 1);
  assert.is(s.add(enc('char')), 5);
  assert.is(s.add(enc('int')), 1);
  assert.is(s.len, 10);
  assert.is(s.find(enc('char')), 5);
  assert.is(s.find(enc('long')), -1);
  assert.is(s.len, 10, 'find does not add');
  // a suffix of an existing string is a new string (no tail merging)
  assert.is(s.add(enc('nt')), 10);
  assert.is(s.size, 4);
  assert.equal(Array.from(s.bytes()), Array.from(enc('\0int\0char\0nt\0')));
});

test('StrSet: thousands of strings keep their first offsets through table growth', () => {
  const s = new StrSet(new Uint8Array([0]));
  const offs = new Map<string, number>();
  for (let i = 0; i < 20000; i++) offs.set(`name_${i}`, s.add(enc(`name_${i}`)));
  assert.is(s.size, 20001);
  for (const [str, off] of offs) {
    assert.is(s.find(enc(str)), off);
    assert.is(s.add(enc(str)), off);
    assert.is(decodeStrAt(s.data, off, s.len), str);
  }
});

test('decodeStrAt: ASCII and UTF-8 of every length, up to the NUL or the end', () => {
  for (const str of [
    '',
    'a',
    'x'.repeat(64),
    'y'.repeat(65),
    'z'.repeat(4096),
    'w'.repeat(4097),
    'é',
    `${'a'.repeat(100)}é`,
  ]) {
    const b = enc(`\0${str}\0tail`);
    assert.is(decodeStrAt(b, 1), str);
    // Without a NUL: up to `end`.
    assert.is(decodeStrAt(enc(`\0${str}`), 1), str);
  }
  assert.is(decodeStrAt(enc('\0abcdef\0'), 1, 4), 'abc');
});

test('StrSet: seeding keeps the first of duplicate strings and leaves the later copies in place', () => {
  const seed = enc('\0int\0foo\0int\0bar\0foo\0');
  const s = new StrSet(seed);
  assert.is(s.len, seed.length);
  assert.is(s.size, 4); // '', int, foo, bar
  assert.is(s.find(enc('int')), 1);
  assert.is(s.find(enc('foo')), 5);
  assert.is(s.find(enc('bar')), 13);
  assert.is(s.add(enc('int')), 1);
  assert.ok(sameBytes(s.bytes(), seed), 'nothing rewritten');
  assert.is(s.add(enc('baz')), seed.length);
});

test('StringReader reads ASCII and UTF-8 sections alike', () => {
  const ascii = enc('\0int\0char\0');
  const r = new StringReader(ascii);
  assert.is(r.at(0), '');
  assert.is(r.at(1), 'int');
  assert.is(r.at(2), 'nt');
  assert.is(r.at(5), 'char');
  const utf = enc('\0héllo\0wörld\0');
  const u = new StringReader(utf);
  assert.is(u.at(1), 'héllo');
  assert.is(u.at(1 + enc('héllo').length + 1), 'wörld');
});

// ----------------------------------------------------- through the container

test('addStr interns: "" is 0, a repeat returns the first offset, new strings go at the end', () => {
  const btf = Btf.empty();
  assert.is(btf.addStr(''), 0);
  assert.is(btf.addStr('alpha'), 1);
  assert.is(btf.addStr('alpha'), 1);
  assert.is(btf.addStr('beta'), 7);
  assert.is(btf.strLen, 12);
  const id = btf.addInt('alpha', 4, 0);
  assert.is(btf.type(id).nameOff, 1, 'a type name reuses an existing string');
  assert.is(btf.strLen, 12);
  assert.is(btf.str(7), 'beta');
  assert.is(btf.findStr('beta'), 7);
  assert.is(btf.findStr('gamma'), -1);
  assert.is(btf.strLen, 12, 'findStr does not add');
});

test('addStr: UTF-8 round trip; a NUL inside or a non-string is EINVAL', () => {
  const btf = Btf.empty();
  const off = btf.addStr('pañuelo_ü');
  assert.is(btf.str(off), 'pañuelo_ü');
  btf.addStruct('größe', 4);
  const back = parseBtf(btf.rawData());
  assert.is(back.nameOf(1), 'größe');
  assert.is(back.str(off), 'pañuelo_ü');
  assert.is(
    code(() => btf.addStr('a\0b')),
    'EINVAL',
  );
  assert.is(
    code(() => btf.addStr(undefined as unknown as string)),
    'EINVAL',
  );
  assert.is(
    code(() => btf.addStr(42 as unknown as string)),
    'EINVAL',
  );
});

test('str(): an offset past the section is ESTRING; an offset inside a string reads its tail', () => {
  const btf = Btf.empty();
  btf.addStr('alpha');
  assert.is(btf.str(3), 'pha');
  assert.is(
    code(() => btf.str(btf.strLen)),
    'ESTRING',
  );
  assert.is(
    code(() => btf.str(1 << 30)),
    'ESTRING',
  );
});

/**
 * Raw BTF whose string section already holds duplicates, as older tools
 * wrote it: "\0int\0s\0int\0s\0x\0". [1] int (name at 1), [2] int (name at
 * the duplicate, 7), [3] struct s (the duplicate 's' at 11) { int x; },
 * [4] typedef 'nt' (a name pointing into "int").
 */
function duplicated(): Uint8Array {
  const strings = enc('\0int\0s\0int\0s\0x\0');
  const types = [
    ...intRec(1, 4, 1),
    ...intRec(7, 4, 1),
    ...rec(BTF_KIND_STRUCT, 11, 1, 4, [13, 1, 0]),
    ...rec(BTF_KIND_TYPEDEF, 2, 0, 1),
  ];
  return rawBtf({ types, strings });
}

test('imperfect dedup: existing duplicates stay, every offset stays valid, new names reuse the first copy', () => {
  const bytes = duplicated();
  const btf = parseBtf(bytes);
  const before = rawDump(btf);
  assert.is(btf.nameOf(2), 'int');
  assert.is(btf.nameOf(3), 's');
  assert.is(btf.nameOf(4), 'nt');
  // lookups go to the first copy
  assert.is(btf.findStr('int'), 1);
  assert.is(btf.findStr('s'), 5);
  assert.is(btf.findStr('nt'), -1, 'a tail is not an indexed string');
  assert.is(btf.addStr('int'), 1);
  assert.ok(sameBytes(btf.rawData(), bytes), 'interning existing strings changes nothing');
  // names that point at duplicates are untouched; new types use the first copy
  const id = btf.addTypedef('int', 2);
  assert.is(btf.type(id).nameOff, 1);
  assert.is(btf.type(2).nameOff, 7);
  assert.is(btf.type(3).members()[0]!.nameOff, 13);
  assert.is(btf.addStr('nt'), 15, 'a tail is added as a new string at the end');
  const after = parseBtf(btf.rawData());
  assert.ok(rawDump(after).startsWith(before), 'the old types dump as before');
  assert.is(after.stringSection().length, 15 + 3);
  assert.ok(!btf.strsDeduped, 'parsed strings are not known to be unique');
});

test('a golden .BTF: every name resolves the same before and after the set is built', () => {
  const btf = parseBtf(golden);
  const names = Array.from(btf.ids(), (id) => btf.nameOf(id));
  btf.ensureModifiable();
  assert.equal(
    Array.from(btf.ids(), (id) => btf.nameOf(id)),
    names,
  );
  for (const id of btf.ids()) {
    const t = btf.type(id);
    if (t.name) assert.ok(btf.findStr(t.name) <= t.nameOff, `findStr('${t.name}') points at or before the type's copy`);
    assert.is(btf.str(btf.addStr(t.name)), t.name);
  }
  assert.ok(sameBytes(btf.rawData(), golden), 'only existing strings were added');
});

test('random strings: addStr and findStr agree with a Map over many seeded runs', () => {
  const next = rng(7);
  for (let run = 0; run < fuzzRuns(5); run++) {
    const btf = Btf.empty();
    const ref = new Map<string, number>([['', 0]]);
    let len = 1;
    for (let i = 0; i < 3000; i++) {
      const n = next() % 6;
      let s = '';
      for (let j = 0; j < n; j++) s += String.fromCharCode(97 + (next() % 4));
      if (next() % 3 === 0) {
        assert.is(btf.findStr(s), ref.get(s) ?? -1, `findStr('${s}')`);
        continue;
      }
      const off = btf.addStr(s);
      if (!ref.has(s)) {
        ref.set(s, len);
        len += s.length + 1;
      }
      assert.is(off, ref.get(s), `addStr('${s}')`);
    }
    assert.is(btf.strLen, len);
  }
});

test('NameCounts: counts names by their bytes, copies elsewhere in the section and FNV-1a collisions included', () => {
  const next = rng(11);
  // A section of random names, many of them written more than once, and
  // three pairs of names with the same FNV-1a hash.
  const names = ['costarring', 'liquid', 'declinate', 'macallums', 'altarage', 'zinke'];
  for (let i = 0; i < 4000; i++) {
    const n = 1 + (next() % 5);
    let s = '';
    for (let j = 0; j < n; j++) s += String.fromCharCode(97 + (next() % 5));
    names.push(s);
  }
  const enc = new TextEncoder();
  const offs: number[] = [];
  const bytes: number[] = [0];
  for (const s of names) {
    offs.push(bytes.length);
    bytes.push(...enc.encode(s), 0);
  }
  const strs = Uint8Array.from(bytes);
  for (const expected of [0, 1 << 14]) {
    // Grown from the smallest table, and sized up front.
    const counts = new NameCounts(strs, expected);
    const ref = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const k = i < names.length ? i : next() % names.length;
      const want = (ref.get(names[k]!) ?? 0) + 1;
      ref.set(names[k]!, want);
      assert.is(counts.add(offs[k]!), want, `add('${names[k]}')`);
    }
    const copy = new NameCounts(strs, 0);
    copy.copyFrom(counts);
    assert.is(copy.add(offs[1]!), ref.get('liquid')! + 1);
  }
});

// --------------------------------------------------------------- split BTF

test('split BTF: string offsets continue after the base; base strings are referenced where they are', () => {
  const base = Btf.empty();
  base.addInt('int', 4, 1);
  base.addStruct('pair', 8);
  base.addField('x', 1, 0, 0);
  const baseLen = base.strLen;
  assert.is(baseLen, 1 + 4 + 5 + 2);
  const split = Btf.empty({ base });
  assert.is(split.startStrOff, baseLen);
  assert.is(split.strLen, 0, 'split BTF has no leading empty string of its own');
  assert.is(split.addStr(''), 0);
  assert.is(split.addStr('int'), 1);
  assert.is(split.addStr('x'), 10);
  assert.is(split.addStr('split_only'), baseLen);
  assert.is(split.addStr('split_only'), baseLen);
  assert.is(split.addStr('second'), baseLen + 11);
  assert.is(split.findStr('pair'), 5);
  assert.is(split.findStr('second'), baseLen + 11);
  assert.is(split.findStr('none'), -1);
  assert.is(split.str(5), 'pair');
  assert.is(split.str(baseLen), 'split_only');
  // a split type naming a base string uses the base offset
  const id = split.addStruct('pair', 8);
  assert.is(id, 3);
  assert.is(split.type(id).nameOff, 5);
  split.addField('y', 1, 32, 0);
  assert.is(split.type(id).members()[0]!.nameOff, baseLen + 18);
  // the raw split section holds only the split strings
  const raw = split.rawData();
  const strLen = new DataView(raw.buffer, raw.byteOffset).getUint32(20, true);
  assert.is(strLen, 11 + 7 + 2);
  const back = parseBtf(raw, { base });
  assert.is(back.startStrOff, baseLen);
  assert.is(back.nameOf(3), 'pair');
  assert.is(back.type(3).members()[0]!.name, 'y');
  assert.ok(sameBytes(back.rawData(), raw));
});

test('split BTF: a name offset past base + split strings is read (as libbpf), refused by level 2, an error on use', () => {
  const base = Btf.empty();
  base.addInt('int', 4, 1);
  const baseLen = base.strLen; // 5
  const ok = rawBtf({ types: [...rec(BTF_KIND_TYPEDEF, baseLen, 0, 1)], strings: enc('t\0') });
  assert.is(parseBtf(ok, { base }).nameOf(2), 't');
  const bad = rawBtf({ types: [...rec(BTF_KIND_TYPEDEF, baseLen + 2, 0, 1)], strings: enc('t\0') });
  const read = parseBtf(bad, { base });
  assert.is(
    code(() => read.nameOf(2)),
    'ESTRING',
  );
  assert.not.ok(checkBtf(read).ok);
  const viaBase = rawBtf({ types: [...rec(BTF_KIND_TYPEDEF, 1, 0, 1)], strings: enc('t\0') });
  assert.is(parseBtf(viaBase, { base }).nameOf(2), 'int', 'a split type may name a base string');
});

test('names that are the empty string at a non-zero offset: level 1 reads them, dedup output reads back, level 2 refuses as the kernel does', () => {
  const E = 2; // "\0a\0": offset 2 is the empty string after "a"
  const types = [
    ...intRec(E, 4, 1), // [1] INT ''
    ...rec(BTF_KIND_TYPEDEF, E, 0, 1), // [2] TYPEDEF '' -> 1
    ...rec(BTF_KIND_TYPEDEF, E, 0, 1), // [3] the same again (dedup merges it)
    ...rec(7, E, 0, 0), // [4] FWD ''
    ...rec(13, 0, 1, 1, [E, 1]), // [5] FUNC_PROTO (int '')
    ...rec(12, E, 0, 5), // [6] FUNC ''
    ...rec(14, E, 0, 1, [1]), // [7] VAR ''
    ...rec(15, E, 1, 4, [7, 0, 4]), // [8] DATASEC ''
    ...rec(17, E, 0, 2, [0xffffffff]), // [9] DECL_TAG ''
    ...rec(6, 1, 1, 4, [E, 3]), // [10] ENUM 'a' { '' = 3 }
  ];
  const btf = parseBtf(rawBtf({ types, strings: enc('\0a\0') }));
  const dump = rawDump(btf);
  // bpftool prints '(anon)' for offset 0 only, '' for an empty string elsewhere
  assert.match(dump, /^\[1\] INT '' size=4/m);
  assert.match(dump, /^\[2\] TYPEDEF '' type_id=1$/m);
  assert.match(dump, /^\[9\] DECL_TAG '' type_id=2 component_idx=-1$/m);
  dedup(btf);
  const back = parseBtf(btf.rawData());
  assert.is(rawDump(back), rawDump(btf));
  assert.is(back.typeCount, 10);
  // the kernel (checked with btfh kload): '[2] TYPEDEF (anon) type_id=1 Invalid name'
  const r = back.check();
  assert.not.ok(r.ok);
  assert.is(r.violations[0]!.line, '[2] TYPEDEF (anon) type_id=1 Invalid name');
});

test.run();
