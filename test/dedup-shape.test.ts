/**
 * Dedup's shape signatures (lib/dedup/shape.ts) skip struct walks that must
 * fail. These inputs are made to meet them: nested anonymous structs and
 * unions of one shallow shape at many depths (the struct table's key cannot
 * tell them apart), under pointers, typedefs, arrays and prototypes, with
 * named structs known in full or as FWDs, pointer loops through named
 * structs and through anonymous ones, compiled into units that share some
 * trees and vary others, merged and deduplicated by btfkit and by libbpf
 * 1.1.2 (the C harness): the bytes must be equal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { dedup } from '../lib/dedup/index.js';
import { BTF_FWD_STRUCT, BTF_INT_SIGNED } from '../lib/kinds.js';
import { fuzzRuns } from './helpers/budget.js';
import { rng } from './helpers/gen.js';
import { firstDiff, readBytes, sameBytes } from './helpers/golden.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { scratchDir } from './helpers/scratch.js';

const harness = harnessPath();
const tmp = scratchDir('dedup-shape');

/** Returns one unit: anonymous trees drawn from `r`, under named holders. */
function unit(r: () => number): Btf {
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED);
  // struct node: in full (with a pointer to itself) or as a FWD
  let node: number;
  if (r() % 3 === 0) {
    node = b.addFwd('node', BTF_FWD_STRUCT);
  } else {
    node = b.addStruct('node', 16);
    b.addField('v', int, 0, 0);
    b.addField('next', node + 1, 64, 0);
    b.addPtr(node);
  }
  const nodePtr = b.addPtr(node);
  /** Returns a leaf member type. */
  const leaf = (): number => {
    switch (r() % 4) {
      case 0:
        return nodePtr;
      case 1:
        return b.addPtr(int);
      default:
        return int;
    }
  };
  /** Returns an anonymous struct or union nested `depth` deep (one shallow shape per kind). */
  const anon = (depth: number): number => {
    const kids: number[] = [];
    const n = 1 + (r() % 2);
    for (let i = 0; i < n; i++) kids.push(depth > 0 && (i === 0 || r() % 2) ? anon(depth - 1) : leaf());
    // one in twelve points back at itself (a loop through no named struct)
    const self = r() % 12 === 0;
    const s = r() % 2 ? b.addUnion(null, 8) : b.addStruct(null, 8);
    kids.forEach((k, i) => b.addField(i ? 'b' : 'a', k, 0, 0));
    if (self) {
      b.addField('self', s + 1, 0, 0);
      b.addPtr(s);
    }
    return s;
  };
  /** Returns a type over an anonymous tree: itself, a typedef, an array, a pointer, a prototype. */
  const wrap = (t: number): number => {
    switch (r() % 6) {
      case 0:
        return b.addTypedef('T', t);
      case 1:
        return b.addArray(int, t, 2);
      case 2:
        return b.addPtr(t);
      case 3: {
        const p = b.addFuncProto(int);
        b.addFuncParam('x', t);
        return b.addPtr(p);
      }
      default:
        return t;
    }
  };
  const trees = 2 + (r() % 5);
  for (let i = 0; i < trees; i++) {
    const t = wrap(anon(r() % 9));
    b.addStruct(`holder${r() % 4}`, 8);
    b.addField('a', t, 0, 0);
  }
  return b;
}

test('random nested anonymous structs: merged units dedup byte-identical to libbpf 1.1.2', () => {
  if (!harness) return skip(harnessSkipReason());
  const seeds = fuzzRuns(60);
  for (let seed = 1; seed <= seeds; seed++) {
    const merged = Btf.empty();
    const units = 2 + (seed % 5);
    for (let u = 0; u < units; u++) {
      // units repeat one of three variants of the seed, so that most trees meet their twins
      merged.addBtf(unit(rng(seed * 8 + (u % 3))));
    }
    const input = join(tmp, `in-${seed}.btf`);
    writeFileSync(input, merged.rawData());
    const out = join(tmp, `out-${seed}.btf`);
    const r = runHarness(['dedup', input, out]);
    assert.is(r.status, 0, `seed ${seed}: ${r.stderr}`);
    const want = readBytes(out);
    dedup(merged);
    const got = merged.rawData();
    if (!sameBytes(got, want)) {
      assert.unreachable(
        `seed ${seed}: ${got.length} bytes vs libbpf's ${want.length}, first difference at byte ${firstDiff(got, want)}`,
      );
    }
  }
});

test.run();
