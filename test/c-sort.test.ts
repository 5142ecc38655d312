/**
 * lib/dump/c-sort.ts against bpftool's comparator written out plainly: the
 * order of `sort_btf_c` (bpftool 7.5+, btf.c) computed the slow way, per
 * type, with BigInt hashes and byte-wise name comparison, on random builder
 * scripts and on BTFs made to stress the fast paths (long runs of
 * same-named types told apart by hash only, names above 0x7f, anonymous
 * pointer chains).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { BtfErrorCode, isBtfError } from '../lib/errors.js';
import { sortedDumpRoots, sortedTypeIds } from '../lib/dump/c-sort.js';
import { cDump } from '../lib/dump/c.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  infoKind,
  infoVlen16,
} from '../lib/kinds.js';
import { typeQuery } from '../lib/query.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { randomBtf } from './helpers/random-btf.js';
import { rawBtf, type } from './helpers/raw-btf.js';

const M64 = (1n << 64n) - 1n;
const REFS = new Set([
  BTF_KIND_TYPE_TAG,
  BTF_KIND_CONST,
  BTF_KIND_PTR,
  BTF_KIND_VOLATILE,
  BTF_KIND_RESTRICT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_DECL_TAG,
]);

/** bpftool's order, from its definitions (`btf_type_rank`, `btf_type_sort_name`, `btf_type_disambig_hash`, `btf_type_compare`). */
function reference(btf: Btf): number[] {
  const q = typeQuery(btf);
  const { words: w, offs: off, strs } = q;
  const rec = (id: number): { name: number; kind: number; vlen: number; o: number } => {
    if (id === 0) return { name: 0, kind: 0, vlen: 0, o: -1 };
    const o = off[id]!;
    return { name: w[o]!, kind: infoKind(w[o + 1]!), vlen: infoVlen16(w[o + 1]!), o };
  };
  const bytes = (n: number): number[] => {
    const out: number[] = [];
    for (let i = n; i < strs.length && strs[i] !== 0; i++) out.push(strs[i]!);
    return out;
  };
  const strcmp = (a: number[], b: number[]): number => {
    for (let i = 0; ; i++) {
      const x = a[i] ?? 0;
      const y = b[i] ?? 0;
      if (x !== y) return x - y;
      if (x === 0) return 0;
    }
  };
  const rank = (id: number, hasName: boolean): number => {
    const t = rec(id);
    if (t.name) hasName = true;
    switch (t.kind) {
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return hasName ? 1 : 0;
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
        return 2;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        return hasName ? 3 : 10;
      case BTF_KIND_FUNC_PROTO:
        return hasName ? 4 : 10;
      case BTF_KIND_ARRAY:
        return hasName ? rank(w[t.o + 3]!, true) : 10;
      default:
        return REFS.has(t.kind) && hasName ? rank(w[t.o + 2]!, true) : 10;
    }
  };
  const sortName = (id: number, fromRef: boolean): number => {
    const t = rec(id);
    if (t.kind === BTF_KIND_ENUM || t.kind === BTF_KIND_ENUM64)
      return !fromRef && !t.name && t.vlen ? w[t.o + 3]! : t.name;
    if (t.kind === BTF_KIND_ARRAY) return sortName(w[t.o + 3]!, true);
    if (REFS.has(t.kind)) return sortName(w[t.o + 2]!, true);
    return t.name;
  };
  const mix = (h: bigint, v: bigint): bigint => (h * 31n + v) & M64;
  const strHash = (n: number): bigint => {
    let h = 0n;
    for (const c of bytes(n)) h = mix(h, BigInt(c < 0x80 ? c : c - 256) & M64);
    return h;
  };
  const nameHash = (h: bigint, n: number): bigint => (n ? mix(h, strHash(n)) : h);
  const hash = (id: number, members: boolean): bigint => {
    const t = rec(id);
    let h = nameHash(0n, t.name);
    if (t.kind === BTF_KIND_ENUM || t.kind === BTF_KIND_ENUM64) {
      const step = t.kind === BTF_KIND_ENUM ? 2 : 3;
      for (let i = 0; i < t.vlen; i++) h = nameHash(h, w[t.o + 3 + i * step]!);
    } else if (t.kind === BTF_KIND_STRUCT || t.kind === BTF_KIND_UNION) {
      if (members)
        for (let i = 0; i < t.vlen; i++) {
          h = nameHash(h, w[t.o + 3 + i * 3]!);
          h = mix(h, hash(w[t.o + 4 + i * 3]!, false));
        }
    } else if (REFS.has(t.kind)) h = mix(h, hash(w[t.o + 2]!, members));
    else if (t.kind === BTF_KIND_ARRAY) {
      h = mix(h, BigInt(w[t.o + 5]!));
      h = mix(h, hash(w[t.o + 3]!, members));
    }
    return h;
  };
  const keys = [];
  for (let id = 0; id < q.typeCount; id++) {
    keys.push({
      id,
      rank: rank(id, false),
      sort: bytes(sortName(id, false)),
      own: bytes(rec(id).name),
      hash: hash(id, true),
    });
  }
  keys.sort(
    (a, b) =>
      a.rank - b.rank ||
      strcmp(a.sort, b.sort) ||
      strcmp(a.own, b.own) ||
      (a.hash === b.hash ? 0 : a.hash < b.hash ? -1 : 1) ||
      a.id - b.id,
  );
  return keys.map((k) => k.id);
}

/**
 * The roots the sorted dump visits, from the whole order: entries 1 .. n-1,
 * without void and the FUNCs, VARs and DATASECs that no ordering edge of
 * `btf_dump_order_type` (pointer, array element, member, typedef, modifier,
 * prototype return and parameters) reaches.
 */
function referenceRoots(btf: Btf): number[] {
  const q = typeQuery(btf);
  const { words: w, offs: off } = q;
  const reached = new Set<number>();
  for (let id = 1; id < q.typeCount; id++) {
    const o = off[id]!;
    const kind = infoKind(w[o + 1]!);
    const vlen = infoVlen16(w[o + 1]!);
    if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION)
      for (let i = 0; i < vlen; i++) reached.add(w[o + 4 + i * 3]!);
    else if (kind === BTF_KIND_FUNC_PROTO) {
      reached.add(w[o + 2]!);
      for (let i = 0; i < vlen; i++) reached.add(w[o + 4 + i * 2]!);
    } else if (kind === BTF_KIND_ARRAY) reached.add(w[o + 3]!);
    else if (REFS.has(kind) && kind !== BTF_KIND_DECL_TAG) reached.add(w[o + 2]!);
  }
  const idle = (id: number): boolean => {
    if (id === 0) return true;
    const kind = infoKind(w[off[id]! + 1]!);
    return (kind === BTF_KIND_FUNC || kind === BTF_KIND_VAR || kind === BTF_KIND_DATASEC) && !reached.has(id);
  };
  return reference(btf)
    .slice(1)
    .filter((id) => !idle(id));
}

/** The header bpftool prints when it visits `roots` in that order (as `--type` roots, which print the same). */
function dumpOf(btf: Btf, roots: readonly number[]): string {
  return cDump(btf, { typeNames: roots.map(String) });
}

const budget = new TimeBudget('c-sort', 20_000);
const SEEDS = fuzzRuns(150);

test("random BTF: sortedTypeIds equals bpftool's comparator", () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    budget.time(`seed ${seed}`, () => {
      const btf = randomBtf(seed, 20 + (seed % 80));
      assert.equal(Array.from(sortedTypeIds(typeQuery(btf))), reference(btf), `seed ${seed}`);
    });
  }
});

test('long runs told apart by hash, names above 0x7f, pointer chains', () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const chr = btf.addInt('char', 1, BTF_INT_SIGNED);
  // Sixty structs named 's' with different members: one run of rank 3, and
  // their pointers (anonymous, rank 10, sort name 's'), in one run too.
  const ss: number[] = [];
  for (let i = 0; i < 60; i++) {
    const s = btf.addStruct('s', 4);
    btf.addField(`m${(i * 37) % 61}`, i % 3 ? int : chr, 0, 0);
    ss.push(s);
  }
  for (const s of ss) btf.addPtr(s);
  for (const s of ss.slice(0, 30)) btf.addConst(btf.addPtr(btf.addVolatile(s)));
  // Anonymous structs of one member name: hashes alike in the high word
  // only where the member types differ in the low one.
  for (let i = 0; i < 40; i++) {
    btf.addStruct(null, 4);
    btf.addField(i % 2 ? 'a' : 'b', i % 4 < 2 ? int : chr, 0, 0);
  }
  // Bytes above 0x7f compare unsigned (strcmp), hash signed (str_hash).
  for (const name of ['\u00e9t\u00e9', 'ete', 'z', '\u00ff', 'a\u0080', 'a']) btf.addTypedef(name, int);
  btf.addEnum(null, 4);
  btf.addEnumValue('\u00c0', 1);
  btf.addEnum(null, 4);
  btf.addEnumValue('A', 1);
  btf.addArray(int, int, 3);
  btf.addArray(int, int, 4);
  const raw = Btf.parse(btf.rawData());
  assert.equal(Array.from(sortedTypeIds(typeQuery(raw))), reference(raw));
});

test("random BTF: sortedDumpRoots is bpftool's order without the entries that print nothing", () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    budget.time(`roots seed ${seed}`, () => {
      const btf = randomBtf(seed, 20 + (seed % 80));
      const roots = Array.from(sortedDumpRoots(typeQuery(btf)));
      assert.equal(roots, referenceRoots(btf), `seed ${seed}`);
      const all = reference(btf)
        .slice(1)
        .filter((id) => id !== 0);
      assert.is(cDump(btf, { sort: true }), dumpOf(btf, all), `seed ${seed}`);
    });
  }
});

test('sortedDumpRoots: a FUNC a type reaches keeps its place; void first when everything ranks 10', () => {
  // [1] proto, [2] FUNC (anonymous), [3] ptr -> [4], [4] typedef T -> [5],
  // [5] type tag x -> [2] (the kernel refuses a tag on a FUNC, libbpf reads
  // it), [6] typedef S -> [7], [7] ptr -> void. Everything ranks 10: void
  // sorts first. The FUNC, ORDERED at its turn, makes T strong when [3]
  // reaches it through a pointer, so T prints before S; without that turn,
  // after.
  const words = [
    ...type(0, BTF_KIND_FUNC_PROTO, 0, 0, 0),
    ...type(0, BTF_KIND_FUNC, 0, 1, 1),
    ...type(0, BTF_KIND_PTR, 0, 0, 4),
    ...type(1, BTF_KIND_TYPEDEF, 0, 0, 5),
    ...type(5, BTF_KIND_TYPE_TAG, 0, 0, 2),
    ...type(3, BTF_KIND_TYPEDEF, 0, 0, 7),
    ...type(0, BTF_KIND_PTR, 0, 0, 0),
  ];
  const btf = Btf.parse(rawBtf(words, '\0T\0S\0x\0'));
  const order = reference(btf);
  assert.equal(order, [0, 1, 2, 7, 3, 6, 4, 5]);
  const roots = Array.from(sortedDumpRoots(typeQuery(btf)));
  assert.equal(roots, order.slice(1));
  assert.equal(roots, referenceRoots(btf));
  const header = cDump(btf, { sort: true });
  assert.is(header, dumpOf(btf, roots));
  const without = dumpOf(
    btf,
    roots.filter((id) => id !== 2),
  );
  // T prints as `typedef ;`: libbpf declares nothing through a FUNC.
  assert.ok(header.indexOf('typedef ;') < header.indexOf('typedef void *S;'), header);
  assert.ok(without.indexOf('typedef ;') > without.indexOf('typedef void *S;'), without);
});

test('sorted C dump: runs ordered by hash at their turn, some of their types ordered before it', () => {
  // Structs named 's' of different shapes (one run of rank 3, told apart by
  // hash), some of them ordered before the run's turn: by a typedef that
  // sorts first (own name 'a_t' before 's') and by struct 'a' holding two
  // of them. Anonymous unions (one run of rank 10) that each reach a FWD
  // through a pointer, so that their order is the order of the forward
  // declarations; a few of them members of 'a', ordered before their turn.
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const chr = btf.addInt('char', 1, BTF_INT_SIGNED);
  const ss: number[] = [];
  for (let i = 0; i < 24; i++) {
    ss.push(btf.addStruct('s', 4));
    btf.addField(`m${(i * 7) % 25}`, i % 2 ? int : chr, 0, 0);
  }
  const fwds: number[] = [];
  for (let i = 0; i < 12; i++) fwds.push(btf.addFwd(`f${(i * 5) % 13}`, 0));
  const ptrs = fwds.map((f) => btf.addPtr(f));
  const us: number[] = [];
  for (let i = 0; i < 12; i++) {
    us.push(btf.addUnion(null, 8));
    btf.addField(`p${i % 4}`, ptrs[i]!, 0, 0);
  }
  btf.addTypedef('a_t', ss[5]!);
  btf.addStruct('a', 40);
  btf.addField('x', ss[7]!, 0, 0);
  btf.addField('y', ss[19]!, 32, 0);
  btf.addField('u', us[3]!, 64, 0);
  btf.addField('v', us[8]!, 128, 0);
  const raw = Btf.parse(btf.rawData());
  const all = reference(raw)
    .slice(1)
    .filter((id) => id !== 0);
  const header = cDump(raw, { sort: true });
  assert.is(header, dumpOf(raw, all));
  assert.ok(header.includes('struct f0;'), header);
});

test('names: equal strings at two offsets, a name inside another, offsets past the section, thousands of names', () => {
  // Strings: "" at 0, "ab" at 1, "ab" again at 4, "b" at 2 (inside "ab"),
  // and "zz" at 7; 1000 is past the section (read as "").
  const strs = '\0ab\0ab\0zz\0';
  const words: number[] = [...type(1, BTF_KIND_INT, 0, 0, 4), 32];
  for (const name of [4, 1, 2, 7, 1000, 0, 4, 2]) words.push(...type(name, BTF_KIND_TYPEDEF, 0, 0, 1));
  for (const name of [4, 1000, 2]) words.push(...type(name, BTF_KIND_STRUCT, 0, 0, 4));
  const raw = Btf.parse(rawBtf(words, strs));
  assert.equal(Array.from(sortedTypeIds(typeQuery(raw))), reference(raw));
  // Thousands of distinct names (a hash table with long probe chains) over
  // typedefs to a few structs.
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const targets = [int];
  for (let i = 0; i < 5; i++) targets.push(btf.addStruct(`s${i}`, 4));
  for (let i = 0; i < 3000; i++) btf.addTypedef(`t${(i * 7919) % 3001}_${i % 13}`, targets[i % targets.length]!);
  const many = Btf.parse(btf.rawData());
  assert.equal(Array.from(sortedTypeIds(typeQuery(many))), reference(many));
  assert.equal(Array.from(sortedDumpRoots(typeQuery(many))), referenceRoots(many));
});

budget.check();

test('sorted C dump: a reference past the last type fails as sortedDumpRoots does, whatever kind holds it', () => {
  // [1] int; then the type under test, referring to [9] (past the last).
  const int = [...type(1, BTF_KIND_INT, 0, 0, 4), 32];
  const cases: Array<[string, number[]]> = [
    ['pointer', type(0, BTF_KIND_PTR, 0, 0, 9)],
    ['typedef', type(5, BTF_KIND_TYPEDEF, 0, 0, 9)],
    ['FUNC', type(5, BTF_KIND_FUNC, 0, 1, 9)],
    ['VAR', [...type(5, BTF_KIND_VAR, 0, 0, 9), 1]],
    ['decl tag', [...type(5, BTF_KIND_DECL_TAG, 0, 0, 9), 0xffffffff]],
    ['array element', [...type(0, BTF_KIND_ARRAY, 0, 0, 0), 9, 1, 4]],
    ['array index', [...type(0, BTF_KIND_ARRAY, 0, 0, 0), 1, 9, 4]],
    ['prototype return', type(0, BTF_KIND_FUNC_PROTO, 0, 0, 9)],
    ['parameter', [...type(0, BTF_KIND_FUNC_PROTO, 0, 1, 1), 0, 9]],
    ['member', [...type(7, BTF_KIND_STRUCT, 0, 1, 4), 5, 9, 0]],
    ['datasec entry', [...type(9, BTF_KIND_DATASEC, 0, 1, 4), 9, 0, 4]],
  ];
  for (const [what, words] of cases) {
    const btf = Btf.parse(rawBtf([...int, ...words], '\0int\0x\0s\0.d\0'));
    let want: unknown;
    try {
      sortedDumpRoots(typeQuery(btf));
    } catch (e) {
      want = e;
    }
    assert.ok(isBtfError(want) && want.code === BtfErrorCode.BadTypeId && want.typeId === 2, `${what}: ${want}`);
    try {
      cDump(btf, { sort: true });
      assert.unreachable(`${what}: no error`);
    } catch (e) {
      assert.ok(isBtfError(e), `${what}: ${e}`);
      assert.is(e.message, (want as Error).message, what);
      assert.is(e.typeId, 2, what);
    }
  }
});

test.run();
