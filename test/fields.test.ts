/**
 * lib/fields.ts: `firstIdReferencingPast`, which reads the flat tables in
 * line, against the same question asked through `idFieldCount` and
 * `idFieldPos`, on random BTF with one type id word raised past the last
 * type, word by word.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstIdReferencingPast, idFieldCount, idFieldPos } from '../lib/fields.js';
import { typeQuery } from '../lib/query.js';
import { randomBtf } from './helpers/random-btf.js';

/** The first id in [1, count) with a type id word at or above `limit`, word by word. */
function reference(w: Uint32Array, offs: Uint32Array, count: number, limit: number): number {
  for (let id = 1; id < count; id++)
    for (let i = 0, n = idFieldCount(w, offs[id]!); i < n; i++) if (w[idFieldPos(w, offs[id]!, i)]! >= limit) return id;
  return 0;
}

test('firstIdReferencingPast: every type id word of random BTF raised past the last type', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const q = typeQuery(randomBtf(seed, 30 + seed * 5));
    const { offs, typeCount: count } = q;
    const w = q.words.slice();
    assert.is(firstIdReferencingPast(w, offs, 1, count, count), 0, `seed ${seed}`);
    for (let id = 1; id < count; id++) {
      for (let i = 0, n = idFieldCount(w, offs[id]!); i < n; i++) {
        const p = idFieldPos(w, offs[id]!, i);
        const was = w[p]!;
        w[p] = count + (i % 3);
        assert.is(firstIdReferencingPast(w, offs, 1, count, count), reference(w, offs, count, count));
        assert.is(firstIdReferencingPast(w, offs, 1, count, count), id, `seed ${seed} type ${id} word ${i}`);
        assert.is(firstIdReferencingPast(w, offs, id + 1, count, count), 0);
        w[p] = was;
      }
    }
  }
});

test.run();
