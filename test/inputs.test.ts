/**
 * Input views (issue 13, defect 1): every public entry point that takes
 * bytes accepts any `Uint8Array` view — a Node `Buffer` (whose `slice` does
 * not copy), a `subarray` at an odd offset of a larger buffer, a view over a
 * `SharedArrayBuffer` — reads the same thing from each as from a plain copy,
 * and never writes to the caller's bytes.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BtfExt,
  cDump,
  jsonDump,
  listMaps,
  listVars,
  newBtfObject,
  openObject,
  parseElf,
  rawDump,
  replaceSections,
  writeObject,
  parseBtf,
  dedup,
} from '../lib/index.js';
import { repoPath } from './helpers/golden.js';

const OBJ = repoPath('golden', 'obj', 'xdp_pkt_counter.o');
const OBJ_BE = repoPath('golden', 'obj', 'xdp_pkt_counter.bpfeb.o');
const OBJ_DATA = repoPath('golden', 'obj', 'global_data_layout.o');

function digest(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The views under test, each holding the bytes of `plain`. */
function views(plain: Uint8Array): Array<[string, Uint8Array]> {
  const odd = new Uint8Array(plain.length + 7);
  odd.set(plain, 3);
  const shared = new Uint8Array(new SharedArrayBuffer(plain.length + 16), 5, plain.length);
  shared.set(plain);
  // A pooled Buffer: small Buffer.from copies share one 8 KiB pool.
  const pooled = Buffer.from(plain);
  return [
    ['Buffer from readFileSync', Buffer.concat([Buffer.alloc(16), Buffer.from(plain)]).subarray(16)],
    ['pooled Buffer', pooled],
    ['subarray at an odd offset', odd.subarray(3, 3 + plain.length)],
    ['view over a SharedArrayBuffer', shared],
  ];
}

/** Runs `fn` on `plain` and on every view of it; each result must equal the plain one, and no view may change. */
function sameOnEveryView(name: string, plain: Uint8Array, fn: (b: Uint8Array) => unknown): void {
  const want = JSON.stringify(fn(plain.slice()), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  for (const [label, v] of views(plain)) {
    const before = digest(v);
    let got: string;
    try {
      got = JSON.stringify(fn(v), (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
    } catch (e) {
      throw new Error(`${name} on a ${label} threw: ${(e as Error).message}`);
    }
    assert.is(got, want, `${name} on a ${label} reads differently from a plain copy`);
    assert.is(digest(v), before, `${name} on a ${label} wrote to the caller's bytes`);
  }
}

const objBytes = new Uint8Array(readFileSync(OBJ));
const objBeBytes = new Uint8Array(readFileSync(OBJ_BE));
const dataBytes = new Uint8Array(readFileSync(OBJ_DATA));

test('Btf.parse and the dumps: raw BTF (both byte orders) and objects', () => {
  for (const o of [objBytes, objBeBytes]) {
    const raw = parseBtf(o).rawData().slice();
    sameOnEveryView('parseBtf(raw)', raw, (b) => rawDump(parseBtf(b)));
    sameOnEveryView('parseBtf(raw) jsonDump', raw, (b) => jsonDump(parseBtf(b)));
    sameOnEveryView('parseBtf(raw) cDump', raw, (b) => cDump(parseBtf(b)));
    sameOnEveryView('parseBtf(elf)', o, (b) => rawDump(parseBtf(b)));
  }
  // A layout section is byte-swapped on load: never in the caller's bytes.
  const be = parseBtf(objBytes);
  be.setLayout(true);
  be.setEndianness('big');
  sameOnEveryView('parseBtf(big-endian with layout)', be.rawData().slice(), (b) => rawDump(parseBtf(b)));
});

test('Btf.parse views, then modification and dedup, leave the input alone', () => {
  const raw = parseBtf(dataBytes).rawData().slice();
  sameOnEveryView('Btf dedup', raw, (b) => {
    const btf = parseBtf(b);
    btf.addInt('int_added_by_test', 4, 1);
    dedup(btf);
    return Array.from(btf.rawData());
  });
});

test('parseElf, BtfExt.parse, openObject (strict and recording a bad .BTF)', () => {
  for (const o of [objBytes, objBeBytes]) {
    sameOnEveryView('parseElf', o, (b) =>
      parseElf(b).sections.map((s) => [s.name, s.size, Array.from(parseElf(b).sectionData(s)).length]),
    );
    const elf = parseElf(o);
    const ext = elf.section('.BTF.ext');
    if (ext) {
      const extBytes = elf.sectionData(ext).slice();
      sameOnEveryView('BtfExt.parse', extBytes, (b) => {
        const x = BtfExt.parse(b);
        return [x.bigEndian, x.hdrLen, x.funcInfo?.secs.length, x.lineInfo?.secs.length, x.coreRelo?.secs.length];
      });
    }
    sameOnEveryView('openObject', o, (b) => {
      const obj = openObject(b);
      return [obj.btf && rawDump(obj.btf), obj.ext?.funcInfo?.secs.length];
    });
  }
  sameOnEveryView('openObject + listMaps + listVars', dataBytes, (b) => {
    const obj = openObject(b, { ext: false, badBtf: 'record' });
    return [listMaps(obj), listVars(obj)];
  });
});

test('ELF writers: replaceSections, writeObject, newBtfObject', () => {
  for (const o of [objBytes, objBeBytes]) {
    const elf = parseElf(o);
    const btf = elf.sectionData(elf.section('.BTF')!).slice();
    const extSec = elf.section('.BTF.ext');
    const ext = extSec ? elf.sectionData(extSec).slice() : undefined;
    sameOnEveryView('replaceSections (the object)', o, (b) =>
      Array.from(replaceSections(parseElf(b), new Map([['.BTF', btf]]))),
    );
    sameOnEveryView('replaceSections (the new data)', btf, (b) =>
      Array.from(replaceSections(parseElf(o), new Map([['.BTF', b]]))),
    );
    sameOnEveryView('writeObject', o, (b) => Array.from(writeObject(openObject(b))));
    sameOnEveryView('newBtfObject', btf, (b) => Array.from(newBtfObject(b, ext)));
    if (ext) sameOnEveryView('newBtfObject (ext)', ext, (b) => Array.from(newBtfObject(btf, b)));
  }
});

test.run();
