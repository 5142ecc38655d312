/**
 * The byte writer's decimal numbers (lib/dump/bytes.ts `putUint`): every
 * power-of-ten boundary, the out-of-line range from 2^30 up to 2^53, and
 * random values, against `String(v)`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { putUint } from '../lib/dump/bytes.js';

const text = new TextDecoder();

function values(): number[] {
  const vs: number[] = [];
  for (let k = 0, t = 1; k <= 15; k++, t *= 10) vs.push(t - 1, t, t + 1);
  for (let k = 29; k <= 53; k++) vs.push(2 ** k - 1, 2 ** k, 2 ** k + 1);
  let x = 0x9e3779b9;
  for (let i = 0; i < 20000; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    vs.push(Math.floor((x / 2 ** 32) * 2 ** (1 + (i % 52))));
  }
  return vs.filter((v) => v <= Number.MAX_SAFE_INTEGER);
}

test('putUint writes String(v) at the given position and returns the end', () => {
  const b = new Uint8Array(40).fill(0x2a);
  for (const v of values()) {
    const end = putUint(b, 5, v);
    assert.is(text.decode(b.subarray(5, end)), String(v), String(v));
    assert.is(b[4], 0x2a);
  }
});

test.run();
