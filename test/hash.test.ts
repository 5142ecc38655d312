/**
 * The hash (lib/hash.ts): bulk hashing of a string section in the xxhash
 * module's memory gives, string by string, what `hash32` gives, across
 * chunk boundaries, for strings longer than the module's memory, and for a
 * last string without its NUL.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STR_HASHED, hash32, hashStringStarts } from '../lib/hash.js';
import { rng } from './helpers/gen.js';

/** Returns the expected slots: hash32 of each string at its start, 0 elsewhere. */
function expected(section: Uint8Array): Uint32Array {
  const out = new Uint32Array(section.length);
  for (let p = 0; p < section.length; ) {
    let e = section.indexOf(0, p);
    if (e < 0) e = section.length;
    out[p] = (hash32(section.subarray(p, e)) | STR_HASHED) >>> 0;
    p = e + 1;
  }
  return out;
}

function check(section: Uint8Array, label: string): void {
  const out = new Uint32Array(section.length);
  const n = hashStringStarts(section, out);
  const want = expected(section);
  let strings = 0;
  for (let i = 0; i < want.length; i++) if (want[i]) strings++;
  assert.is(n, strings, `${label}: string count`);
  for (let i = 0; i < want.length; i++) if (out[i] !== want[i]) assert.unreachable(`${label}: slot ${i}`);
}

test('every string of a section, over many chunks of the module memory', () => {
  const r = rng(17);
  const parts: number[] = [0];
  while (parts.length < 300_000) {
    const len = r() % 40;
    for (let i = 0; i < len; i++) parts.push(1 + (r() % 255));
    parts.push(0);
  }
  check(Uint8Array.from(parts), 'random');
});

test('strings longer than the module memory, empty strings, no final NUL', () => {
  const long = new Uint8Array(200_000).fill(0x61);
  const s = new Uint8Array(long.length * 2 + 10);
  s.set(long, 1); // \0 aaaa... \0 \0 aaaa... b (no NUL)
  s[long.length + 1] = 0;
  s[long.length + 2] = 0;
  s.set(long, long.length + 3);
  s.fill(0x62, long.length * 2 + 3);
  check(s, 'long');
  check(new Uint8Array([0]), 'empty string');
  check(new Uint8Array(0), 'no bytes');
  check(new Uint8Array([0x61, 0x62]), 'no NUL');
});

test.run();
