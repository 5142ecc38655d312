/**
 * The flat query layer (lib/query.ts): one view per BTF, rebuilt after a
 * change, split BTF in one id and string offset space, and libbpf's answers
 * for size, alignment, pointer size and what is under typedefs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { BTF_FWD_STRUCT, BTF_INT_SIGNED, BTF_KIND_INT, BTF_KIND_STRUCT } from '../lib/kinds.js';
import { SizeFailure, flattenTypes, setPointerSize, typeQuery } from '../lib/query.js';
import { compareUtf8 } from '../lib/strings.js';

/** [1] int, [2] const int, [3] typedef cint_t, [4] struct s { cint_t a; char c; } */
function sample(): Btf {
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED);
  const cint = b.addConst(int);
  const td = b.addTypedef('cint_t', cint);
  const chr = b.addInt('char', 1, BTF_INT_SIGNED);
  b.addStruct('s', 8);
  b.addField('a', td, 0, 0);
  b.addField('c', chr, 32, 0);
  return b;
}

test('one layer per BTF, rebuilt after a change', () => {
  const btf = sample();
  const q = typeQuery(btf);
  assert.is(typeQuery(btf), q, 'cached');
  assert.is(q.typeCount, 6);
  assert.is(q.kind(5), BTF_KIND_STRUCT);
  assert.is(q.vlen(5), 2);
  assert.ok(q.strIs(q.nameOff(5), 's'));
  assert.is(q.str(q.nameOff(3)), 'cint_t');
  btf.addInt('long', 8, BTF_INT_SIGNED);
  const q2 = typeQuery(btf);
  assert.is.not(q2, q, 'rebuilt after addInt');
  assert.is(q2.typeCount, 7);
  assert.is(q2.kind(6), BTF_KIND_INT);
});

test('skipModsAndTypedefs, sizes, alignments and resolveType follow libbpf', () => {
  const btf = sample();
  const q = typeQuery(btf);
  assert.is(q.skipModsAndTypedefs(3), 1);
  assert.is(q.skipModsAndTypedefs(5), 5);
  assert.is(q.skipModsAndTypedefs(0), 0);
  assert.is(q.resolveSize(3), 4);
  assert.is(q.sizeOf(5), 8);
  assert.is(q.resolveSize(0), SizeFailure.TooDeep);
  assert.is(q.alignOf(5), 4);
  assert.is(q.alignOf(0), -1);
  assert.is(q.resolveType(3), 1);
  assert.is(btf.resolveSize(3), 4);
  assert.is(btf.alignOf(3), 4);
  assert.is(btf.resolveType(3), 1);
});

test('Btf.alignOf names the type without alignment, as before', () => {
  const b = Btf.empty();
  const fwd = b.addFwd('f', BTF_FWD_STRUCT);
  const td = b.addTypedef('f_t', fwd);
  try {
    b.alignOf(td);
    assert.unreachable('aligned a FWD');
  } catch (e) {
    const err = e as Error & { code: string; typeId: number };
    assert.is(err.message, `type [${fwd}]: FWD has no alignment`);
    assert.is(err.code, 'EINVAL');
    assert.is(err.typeId, fwd);
  }
  assert.throws(
    () => b.resolveSize(99),
    (e: Error & { code: string }) => e.code === 'ENOENT',
  );
});

test('pointer size: the first long of 4 or 8 bytes, else 8; fixed once, as libbpf keeps ptr_sz', () => {
  const b = Btf.empty();
  b.addInt('int', 4, BTF_INT_SIGNED);
  assert.is(b.pointerSize(), 8);
  b.addInt('long int', 4, BTF_INT_SIGNED);
  assert.is(b.pointerSize(), 8, 'determined before the long was added');
  const c = Btf.parse(b.rawData());
  assert.is(c.pointerSize(), 4);
  const p = c.addPtr(1);
  assert.is(c.resolveSize(p), 4);
});

test('split BTF: one id space and one string offset space; the base is copied, a lone BTF is not', () => {
  const base = sample();
  const split = Btf.empty({ base });
  const p = split.addPtr(5);
  split.addTypedef('sp_t', p);
  const q = typeQuery(split);
  assert.is(q.typeCount, 8);
  assert.is(q.skipModsAndTypedefs(7), p);
  assert.ok(q.strIs(q.nameOff(7), 'sp_t'));
  assert.ok(q.strIs(q.nameOff(5), 's'));
  assert.is(q.sizeOf(7), 8);
  assert.is(typeQuery(base).words, base.words, 'no copy without a base');
  const flat = flattenTypes(split, 3, 0);
  assert.is(flat.localStart, base.typeWords);
  assert.ok(flat.words.length >= base.typeWords + split.typeWords + 3);
});

test('compareUtf8 orders by UTF-8 bytes, not UTF-16 units', () => {
  assert.ok(compareUtf8('a', 'b') < 0);
  assert.ok(compareUtf8('ab', 'a') > 0);
  assert.is(compareUtf8('x', 'x'), 0);
  // U+FF5E (3 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 ...), although its UTF-16 unit is higher.
  assert.ok(compareUtf8('\uff5e', '\u{1f600}') < 0);
  assert.ok('\uff5e' > '\u{1f600}');
});

test.run();

test("btfPointerSize is libbpf's btf__pointer_size: a long's size, 0 without one, the ELF class's after setPointerSize", () => {
  const b = Btf.empty();
  b.addPtr(b.addInt('int', 4, BTF_INT_SIGNED));
  assert.is(typeQuery(b).ptrSize, 8); // btf_ptr_sz: 8 when nothing says
  assert.is(typeQuery(b).btfPointerSize, 0);
  const l = Btf.empty();
  l.addInt('int', 4, BTF_INT_SIGNED);
  l.addInt('long unsigned int', 4, 0);
  assert.is(typeQuery(l).btfPointerSize, 4);
  const e = Btf.empty();
  e.addInt('long', 4, BTF_INT_SIGNED);
  setPointerSize(e, 8); // btf__parse_elf of an ELF64 object: the class wins over the long
  assert.is(typeQuery(e).btfPointerSize, 8);
  assert.is(typeQuery(e).ptrSize, 8);
});
