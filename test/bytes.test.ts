/**
 * The byte writer's decimal numbers (lib/dump/bytes.ts `putUint`): every
 * power-of-ten boundary, the out-of-line range from 2^30 up to 2^53, and
 * random values, against `String(v)`; `ByteOut.cstr` across chunk ends.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteOut, collectBytes, putUint } from '../lib/dump/bytes.js';

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

test('cstr copies up to the NUL or the section end, across chunk ends, at every offset', () => {
  const enc = new TextEncoder();
  // Names of 0 to 40 bytes, the last one without its NUL (the section ends in it).
  const names: string[] = [];
  for (let i = 0; i <= 40; i++) names.push('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'.slice(0, i));
  const parts = names.map((n) => `${n}\0`).join('');
  const strs = enc.encode(`${parts}tail-without-nul`);
  // Every string start and every offset inside strings, past the end too.
  const offs: number[] = [];
  for (let o = 0; o <= strs.length + 2; o++) offs.push(o);
  const expect = offs
    .map((o) => {
      let e = o;
      while (e < strs.length && strs[e] !== 0) e++;
      return text.decode(strs.subarray(Math.min(o, strs.length), Math.max(e, o)));
    })
    .join('|');
  for (const first of [1, 2, 3, 7, 16, 64, 4096]) {
    const got = collectBytes((sink) => {
      const o = new ByteOut(sink, first);
      offs.forEach((off, i) => {
        if (i) o.byte(124);
        o.cstr(strs, off);
      });
      o.flush();
    });
    assert.is(text.decode(got), expect, `first chunk ${first}`);
  }
});

test.run();
