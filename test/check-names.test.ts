// The kernel verifier's name rules (lib/check/names.ts): markIdentifiers,
// the one pass over a string section that judges every string, against
// validIdentifier, the one-name rule, on random sections at every alignment.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { markIdentifiers, validIdentifier } from '../lib/check/names.js';
import { fuzzRuns } from './helpers/budget.js';
import { rng } from './helpers/mutants.js';

/** Bytes a name is made of: mostly identifier bytes, some digits, dots, Latin-1, punctuation and controls. */
function nameByte(r: () => number): number {
  const x = r();
  if (x < 0.6) return 0x61 + Math.floor(r() * 26);
  if (x < 0.7) return 0x30 + Math.floor(r() * 10);
  if (x < 0.75) return 0x5f;
  if (x < 0.78) return 0x2e;
  if (x < 0.85) return 0x41 + Math.floor(r() * 26);
  if (x < 0.95) return 0x80 + Math.floor(r() * 128);
  return 1 + Math.floor(r() * 0x7f);
}

/** A string section: strings of 0 to 40 bytes, now and then 500 to 520, NUL-separated, with or without a last NUL. */
function section(r: () => number): Uint8Array {
  const out: number[] = [0];
  const n = 1 + Math.floor(r() * 60);
  for (let s = 0; s < n; s++) {
    const len = r() < 0.05 ? 500 + Math.floor(r() * 21) : Math.floor(r() * 41);
    for (let i = 0; i < len; i++) out.push(nameByte(r));
    if (s < n - 1 || r() < 0.9) out.push(0);
  }
  return Uint8Array.from(out);
}

test('markIdentifiers judges every string start as validIdentifier does, at every alignment', () => {
  const r = rng(0x1dea);
  let checked = 0;
  for (let round = 0, n = fuzzRuns(400); round < n; round++) {
    const strs = section(r);
    for (let shift = 0; shift < 4; shift++) {
      // the same bytes at byte offset `shift` of their buffer
      const buf = new Uint8Array(strs.length + shift + 3);
      buf.set(strs, shift);
      const bytes = buf.subarray(shift, shift + strs.length);
      const out = new Uint8Array(bytes.length);
      markIdentifiers(bytes, out);
      for (let at = 0; at < bytes.length; at++) {
        const start = bytes[at] !== 0 && (at === 0 || bytes[at - 1] === 0);
        const want = start ? (validIdentifier(bytes, at) ? 1 : 2) : 0;
        if (out[at] !== want)
          assert.unreachable(`round ${round}, shift ${shift}, offset ${at}: ${out[at]}, want ${want}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000);
});

test('markIdentifiers: the length limit (KSYM_NAME_LEN, 512 bytes) and the first byte', () => {
  const enc = (s: string) => Uint8Array.from([0, ...[...s].map((c) => c.charCodeAt(0)), 0]);
  const judge = (s: string) => {
    const b = enc(s);
    const out = new Uint8Array(b.length);
    markIdentifiers(b, out);
    return out[1];
  };
  assert.is(judge('a'.repeat(512)), 1);
  assert.is(judge('a'.repeat(513)), 2);
  assert.is(judge('.bss'), 1);
  assert.is(judge('9lives'), 2);
  assert.is(judge('x9'), 1);
  assert.is(judge('\u00e9t\u00e9'), 1);
  assert.is(judge('a-b'), 2);
  assert.is(judge('ab\u00d7'), 2);
});

test.run();
