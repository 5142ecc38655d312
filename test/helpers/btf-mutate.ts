/**
 * Structural mutants of raw BTF, for the differential fuzzer against the
 * kernel (test/check-fuzz.test.ts). Where helpers/mutants.ts flips words at
 * random, this one knows the records: it takes a seed apart (header, records
 * with their kinds and vlens, strings), applies one or two named operators
 * that aim at one rule of the kernel's verifier each (a kind swapped for one
 * of the same record layout, a vlen with an item added or removed, a type id
 * out of range or pointing to itself or back along a chain, a name offset
 * off the end or mid-string or at a bad identifier, bitfield offsets and
 * sizes, enum sizes, linkage, DATASEC entries overlapping or unsorted, the
 * string section without its last NUL, header fields), and puts the bytes
 * back together. Every mutant says which operators made it, so a
 * disagreement names the rule it hit.
 */
import { forEachStrWord, forEachTypeIdWord } from '../../lib/fields.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_INT,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  infoKflag,
  infoKind,
  infoVlen,
} from '../../lib/kinds.js';

/** One record of the type section: where it starts and how it reads. */
interface Rec {
  /** Word index in `words`. */
  at: number;
  kind: number;
  vlen: number;
  /** Words in the record (header included). */
  n: number;
}

/** A seed taken apart; the operators edit it in place. */
interface Parts {
  words: number[];
  strs: number[];
  /** Header bytes past the first 24 (kept as they were). */
  hdrTail: number[];
  /** The first string offset of this section (the base's string length for split BTF). */
  strBase: number;
}

/** A mutant and the operators that made it. */
export interface Mutant {
  bytes: Uint8Array;
  ops: string[];
}

/** Words after the 3-word header of a record of kind `k` with `vlen` items (unknown kinds: none). */
function extraWords(k: number, vlen: number): number {
  switch (k) {
    case 1:
    case 14:
    case 17:
      return 1;
    case 3:
      return 3;
    case 4:
    case 5:
    case 15:
    case 19:
      return 3 * vlen;
    case 6:
    case 13:
      return 2 * vlen;
    default:
      return 0;
  }
}
/** Words per vlen item of kind `k` (0 for kinds without items). */
function itemWords(k: number): number {
  return k === 4 || k === 5 || k === 15 || k === 19 ? 3 : k === 6 || k === 13 ? 2 : 0;
}

/** Kinds with the same record layout, for a kind change the rest of the section survives. */
const LAYOUT_CLASSES: readonly (readonly number[])[] = [
  [2, 7, 8, 9, 10, 11, 12, 16, 18], // header only
  [1, 14, 17], // one extra word
  [4, 5, 15, 19], // 3-word items
  [6, 13], // 2-word items
  [3],
];

/** Names appended to every mutant's string section, for the name operators to point at. */
const NAME_POOL = [
  'ok_name',
  '1x',
  'a-b',
  'a b',
  '.bss',
  '?.maps',
  'license/x',
  '\xe9t\xe9', // Latin-1 letters: identifiers to the kernel
  '\x7f',
  '\x80x',
  'a.b',
  '_',
  '.',
  'x'.repeat(512),
  'y'.repeat(513),
];

const INTERESTING_U32 = [
  0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 0xffff, 0x10000, 0xfffff, 0x100000,
  0xffffff, 0x1000000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

function parse(src: Uint8Array): Parts | null {
  if (src.length < 24) return null;
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (dv.getUint16(0, true) !== 0xeb9f) return null;
  const hdrLen = dv.getUint32(4, true);
  const typeOff = dv.getUint32(8, true),
    typeLen = dv.getUint32(12, true),
    strOff = dv.getUint32(16, true),
    strLen = dv.getUint32(20, true);
  if (hdrLen < 24 || hdrLen + typeOff + typeLen > src.length || hdrLen + strOff + strLen > src.length) return null;
  const words: number[] = [];
  for (let i = 0; i + 4 <= typeLen; i += 4) words.push(dv.getUint32(hdrLen + typeOff + i, true));
  return {
    words,
    strs: Array.from(src.subarray(hdrLen + strOff, hdrLen + strOff + strLen)),
    hdrTail: Array.from(src.subarray(24, hdrLen)),
    strBase: 0,
  };
}

function records(words: readonly number[]): Rec[] {
  const out: Rec[] = [];
  let at = 0;
  while (at + 3 <= words.length) {
    const info = words[at + 1]!;
    const kind = infoKind(info),
      vlen = infoVlen(info);
    const n = 3 + extraWords(kind, vlen);
    if (at + n > words.length) break;
    out.push({ at, kind, vlen, n });
    at += n;
  }
  return out;
}

/** Reassembles header (24 bytes + the seed's tail), types and strings. */
function assemble(p: Parts): Uint8Array {
  const hdrLen = 24 + p.hdrTail.length;
  const typeLen = p.words.length * 4;
  const out = new Uint8Array(hdrLen + typeLen + p.strs.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xeb9f, true);
  out[2] = 1;
  dv.setUint32(4, hdrLen, true);
  dv.setUint32(8, 0, true);
  dv.setUint32(12, typeLen, true);
  dv.setUint32(16, typeLen, true);
  dv.setUint32(20, p.strs.length, true);
  out.set(p.hdrTail, 24);
  p.words.forEach((w, i) => dv.setUint32(hdrLen + 4 * i, w >>> 0, true));
  out.set(p.strs, hdrLen + typeLen);
  return out;
}

/** The string offsets where each string of `strs` starts (0 included). */
function stringStarts(strs: readonly number[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < strs.length; i++) {
    if (strs[i] === 0) {
      out.push(start);
      start = i + 1;
    }
  }
  return out;
}

type Op = (p: Parts, r: () => number, pool: Record<string, number>, base: number) => string | null;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const randRec = (r: () => number, recs: Rec[], want?: (x: Rec) => boolean): Rec | null => {
  const xs = want ? recs.filter(want) : recs;
  return xs.length ? pick(r, xs) : null;
};
const setInfo = (p: Parts, rec: Rec, kind: number, kflag: number, vlen: number) => {
  p.words[rec.at + 1] = ((kflag << 31) | (kind << 24) | (vlen & 0xffff)) >>> 0;
};

/** Ids in the section: `base` is the id of the first record (1, or the base's type count for split BTF). */
function idOf(recs: Rec[], rec: Rec, base: number): number {
  return base + recs.indexOf(rec);
}

/** The words of `rec` that hold type ids (lib/fields.ts). */
function idWords(p: Parts, rec: Rec): number[] {
  const w = Uint32Array.from(p.words.slice(rec.at, rec.at + rec.n));
  const out: number[] = [];
  forEachTypeIdWord(w, 0, (i) => out.push(rec.at + i));
  return out;
}
function strWords(p: Parts, rec: Rec): number[] {
  const w = Uint32Array.from(p.words.slice(rec.at, rec.at + rec.n));
  const out: number[] = [];
  forEachStrWord(w, 0, (i) => out.push(rec.at + i));
  return out;
}

const OPS: Record<string, Op> = {
  // ---- kind, vlen, kflag
  'kind-same-layout': (p, r) => {
    const recs = records(p.words);
    const rec = randRec(r, recs);
    if (!rec) return null;
    const cls = LAYOUT_CLASSES.find((c) => c.includes(rec.kind)) ?? [rec.kind];
    const k = pick(r, cls);
    setInfo(p, rec, k, infoKflag(p.words[rec.at + 1]!) ? 1 : 0, rec.vlen);
    return `kind ${rec.kind}->${k}`;
  },
  'kind-any': (p, r) => {
    const rec = randRec(r, records(p.words));
    if (!rec) return null;
    const k = r() < 0.1 ? pick(r, [0, 20, 21, 31]) : 1 + Math.floor(r() * 19);
    setInfo(p, rec, k, 0, rec.vlen);
    return `kind ${rec.kind}->${k} (layout shifts)`;
  },
  'vlen-raw': (p, r) => {
    const rec = randRec(r, records(p.words));
    if (!rec) return null;
    const v = pick(r, [0, 1, 2, rec.vlen + 1, rec.vlen - 1, 0xffff]) & 0xffff;
    setInfo(p, rec, rec.kind, infoKflag(p.words[rec.at + 1]!) ? 1 : 0, v);
    return `vlen ${rec.vlen}->${v} (layout shifts)`;
  },
  'vlen-item': (p, r) => {
    const rec = randRec(r, records(p.words), (x) => itemWords(x.kind) > 0);
    if (!rec) return null;
    const iw = itemWords(rec.kind);
    const kflag = infoKflag(p.words[rec.at + 1]!) ? 1 : 0;
    if (rec.vlen && r() < 0.5) {
      const i = Math.floor(r() * rec.vlen);
      p.words.splice(rec.at + 3 + i * iw, iw);
      setInfo(p, rec, rec.kind, kflag, rec.vlen - 1);
      return `drop item ${i} of ${rec.vlen}`;
    }
    const from = rec.at + 3 + Math.floor(r() * rec.vlen) * iw;
    const item = rec.vlen ? p.words.slice(from, from + iw) : Array.from({ length: iw }, () => 1);
    const i = Math.floor(r() * (rec.vlen + 1));
    p.words.splice(rec.at + 3 + i * iw, 0, ...item);
    setInfo(p, rec, rec.kind, kflag, rec.vlen + 1);
    return `add item at ${i} of ${rec.vlen}`;
  },
  kflag: (p, r) => {
    const rec = randRec(r, records(p.words));
    if (!rec) return null;
    p.words[rec.at + 1] = (p.words[rec.at + 1]! ^ 0x80000000) >>> 0;
    return `kflag toggled on kind ${rec.kind}`;
  },
  'info-unused-bits': (p, r) => {
    const rec = randRec(r, records(p.words));
    if (!rec) return null;
    const bit = pick(r, [16, 20, 23, 29, 30]);
    p.words[rec.at + 1] = (p.words[rec.at + 1]! | (1 << bit)) >>> 0;
    return `info bit ${bit} on kind ${rec.kind}`;
  },
  // ---- size / type word
  size: (p, r) => {
    const rec = randRec(r, records(p.words));
    if (!rec) return null;
    const old = p.words[rec.at + 2]!;
    const v =
      r() < 0.5
        ? pick(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 17, 32])
        : pick(r, [old + 1, old - 1, old * 2, old >>> 1, ...INTERESTING_U32]);
    p.words[rec.at + 2] = v >>> 0;
    return `size/type word of kind ${rec.kind} ${old}->${v >>> 0}`;
  },
  // ---- type ids
  'type-id': (p, r, _pool, base) => {
    const recs = records(p.words);
    const rec = randRec(r, recs, (x) => idWords(p, x).length > 0);
    if (!rec) return null;
    const at = pick(r, idWords(p, rec));
    const self = idOf(recs, rec, base);
    const last = base + recs.length - 1;
    const byKind = (k: number) => {
      const x = recs.find((q) => q.kind === k);
      return x ? idOf(recs, x, base) : 0;
    };
    const how = Math.floor(r() * 10);
    let v: number;
    if (how >= 8) v = base + Math.floor(r() * recs.length);
    else if (how === 0) v = self;
    else if (how === 1) v = pick(r, [last + 1, last + 2, 0xfffff, 0x100000, 0xffffffff, 0]);
    else if (how === 2) v = pick(r, [1, self - 1, self + 1]);
    else if (how === 3) {
      // back along a chain: a type that refers to this one
      const back = recs.find((q) => idWords(p, q).some((wi) => p.words[wi] === self));
      v = back ? idOf(recs, back, base) : self;
    } else
      v = byKind(
        pick(r, [
          BTF_KIND_FUNC_PROTO,
          BTF_KIND_VAR,
          BTF_KIND_DATASEC,
          BTF_KIND_DECL_TAG,
          7,
          BTF_KIND_FUNC,
          18,
          16,
          2,
          1,
          6,
          4,
        ]),
      );
    const old = p.words[at]!;
    p.words[at] = v >>> 0;
    return `type id in kind ${rec.kind} (${self}) ${old}->${v >>> 0}`;
  },
  loop: (p, r, _pool, base) => {
    const recs = records(p.words);
    const refs = recs.filter((x) => [2, 8, 9, 10, 11, 18, 3, 14].includes(x.kind));
    if (refs.length < 1) return null;
    const a = pick(r, refs),
      b = pick(r, refs);
    const ia = idOf(recs, a, base),
      ib = idOf(recs, b, base);
    const wa = a.kind === 3 ? a.at + 3 : a.at + 2,
      wb = b.kind === 3 ? b.at + 3 : b.at + 2;
    p.words[wa] = ib;
    p.words[wb] = ia;
    return `loop ${ia}<->${ib} (kinds ${a.kind},${b.kind})`;
  },
  // ---- names
  'name-off': (p, r, pool) => {
    const recs = records(p.words);
    const rec = randRec(r, recs);
    if (!rec) return null;
    const at = pick(r, strWords(p, rec));
    const starts = stringStarts(p.strs).map((x) => x + p.strBase);
    const len = p.strBase + p.strs.length;
    const how = Math.floor(r() * 5);
    let v: number;
    if (how === 0) v = pick(r, [len, len - 1, len + 1, 0xffffff, 0x1000000, 0xffffffff, 0]);
    else if (how === 1) {
      const s = pick(r, starts);
      v = p.strs[s - p.strBase] !== 0 ? s + 1 : s; // mid-string
    } else if (how === 2) v = pick(r, starts);
    else v = pool[pick(r, Object.keys(pool))]!;
    const old = p.words[at]!;
    p.words[at] = v >>> 0;
    return `string offset in kind ${rec.kind} ${old}->${v >>> 0}`;
  },
  'name-byte': (p, r) => {
    const recs = records(p.words);
    const local = (wi: number) => p.words[wi]! > p.strBase && p.words[wi]! < p.strBase + p.strs.length;
    const rec = randRec(r, recs, (x) => strWords(p, x).some(local));
    if (!rec) return null;
    const at = pick(r, strWords(p, rec).filter(local));
    const s = p.words[at]! - p.strBase;
    let e = s;
    while (e < p.strs.length && p.strs[e] !== 0) e++;
    if (e === s) return null;
    const i = s + Math.floor(r() * (e - s));
    const old = p.strs[i]!;
    p.strs[i] = pick(r, [0x20, 0x2d, 0x2e, 0x30, 0x5f, 0x7f, 0x80, 0xa0, 0xc0, 0xd7, 0xe9, 0xff, 0x3f, 0x2f, 0]);
    return `name byte ${i} ${old}->${p.strs[i]}`;
  },
  // ---- members, bitfields
  'member-off': (p, r) => {
    const rec = randRec(
      r,
      records(p.words),
      (x) => (x.kind === BTF_KIND_STRUCT || x.kind === BTF_KIND_UNION) && x.vlen > 0,
    );
    if (!rec) return null;
    const kflag = infoKflag(p.words[rec.at + 1]!);
    const i = Math.floor(r() * rec.vlen);
    const m = rec.at + 3 + 3 * i;
    const size = p.words[rec.at + 2]!;
    const old = p.words[m + 2]!;
    const prev = i ? p.words[m - 1]! : 0;
    let off = pick(r, [
      0,
      1,
      3,
      4,
      7,
      8,
      9,
      31,
      32,
      33,
      63,
      64,
      size * 8,
      size * 8 - 1,
      size * 8 + 1,
      size * 8 - 8,
      prev,
      prev - 1,
      (old & 0xffffff) + 1,
      (old & 0xffffff) - 1,
      0xffffff,
      0x7fffffff,
    ]);
    off >>>= 0;
    if (kflag) {
      const bits = r() < 0.5 ? old >>> 24 : pick(r, [0, 1, 2, 7, 8, 9, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255]);
      p.words[m + 2] = (((bits & 0xff) << 24) | (off & 0xffffff)) >>> 0;
    } else p.words[m + 2] = off;
    return `member ${i} offset ${old}->${p.words[m + 2]} (kflag ${kflag ? 1 : 0})`;
  },
  'member-swap': (p, r) => {
    const rec = randRec(r, records(p.words), (x) => itemWords(x.kind) > 0 && x.vlen > 1);
    if (!rec) return null;
    const iw = itemWords(rec.kind);
    const i = Math.floor(r() * rec.vlen),
      j = Math.floor(r() * rec.vlen);
    for (let k = 0; k < iw; k++) {
      const a = rec.at + 3 + i * iw + k,
        b = rec.at + 3 + j * iw + k;
      [p.words[a], p.words[b]] = [p.words[b]!, p.words[a]!];
    }
    return `items ${i}<->${j} of kind ${rec.kind}`;
  },
  // ---- INT
  'int-data': (p, r) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_INT);
    if (!rec) return null;
    const old = p.words[rec.at + 3]!;
    const enc = r() < 0.6 ? (old >>> 24) & 0xf : pick(r, [0, 1, 2, 3, 4, 5, 8, 0x10]);
    const off = r() < 0.6 ? (old >>> 16) & 0xff : pick(r, [0, 1, 7, 8, 64, 127, 128, 255]);
    const bits = r() < 0.4 ? old & 0xff : pick(r, [0, 1, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255]);
    p.words[rec.at + 3] = ((enc << 24) | (off << 16) | bits) >>> 0;
    return `int data ${old.toString(16)}->${p.words[rec.at + 3]!.toString(16)}`;
  },
  // ---- ENUM
  'enum-size': (p, r) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_ENUM || x.kind === BTF_KIND_ENUM64);
    if (!rec) return null;
    const v = pick(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 32]);
    p.words[rec.at + 2] = v;
    return `enum size ${v}`;
  },
  // ---- linkage
  linkage: (p, r) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_FUNC || x.kind === BTF_KIND_VAR);
    if (!rec) return null;
    const v = pick(r, [0, 1, 2, 3, 0xffff, 0xffffffff]);
    if (rec.kind === BTF_KIND_FUNC) setInfo(p, rec, rec.kind, 0, v & 0xffff);
    else p.words[rec.at + 3] = v >>> 0;
    return `linkage of kind ${rec.kind} -> ${v >>> 0}`;
  },
  // ---- DATASEC
  datasec: (p, r) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_DATASEC);
    if (!rec) return null;
    const size = p.words[rec.at + 2]!;
    const how = Math.floor(r() * 6);
    if (how === 0 || !rec.vlen) {
      p.words[rec.at + 2] = pick(r, [0, 1, size - 1, size + 1, size * 2, 0xffffffff]) >>> 0;
      return `datasec size ${size}->${p.words[rec.at + 2]}`;
    }
    const i = Math.floor(r() * rec.vlen);
    const v = rec.at + 3 + 3 * i;
    const prev = i ? rec.at + 3 * i : -1;
    if (how === 1 && prev >= 0) {
      p.words[v + 1] = p.words[prev + 1]!; // overlap the previous entry
      return `datasec entry ${i} at the previous one's offset`;
    }
    if (how === 2) {
      p.words[v + 1] = pick(r, [size, size - 1, size + 4, 0xffffffff, (p.words[v + 1]! + 1) >>> 0]) >>> 0;
      return `datasec entry ${i} offset -> ${p.words[v + 1]}`;
    }
    if (how === 3) {
      p.words[v + 2] = pick(r, [0, 1, p.words[v + 2]! - 1, p.words[v + 2]! + 1, size, size + 1, 0xffffffff]) >>> 0;
      return `datasec entry ${i} size -> ${p.words[v + 2]}`;
    }
    if (how === 4 && rec.vlen > 1) {
      const j = (i + 1) % rec.vlen;
      const u = rec.at + 3 + 3 * j;
      for (let k = 0; k < 3; k++) [p.words[v + k], p.words[u + k]] = [p.words[u + k]!, p.words[v + k]!];
      return `datasec entries ${i}<->${j} (unsorted)`;
    }
    p.words[v] = pick(r, [0, 1, 0xfffff, 0x100000, p.words[v]! + 1]) >>> 0;
    return `datasec entry ${i} type -> ${p.words[v]}`;
  },
  // ---- ARRAY
  array: (p, r) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_ARRAY);
    if (!rec) return null;
    const which = pick(r, [3, 4, 5]);
    p.words[rec.at + which] = (which === 5 ? pick(r, INTERESTING_U32) : pick(r, [0, 1, 2, 3, 0xfffff, 0x100000])) >>> 0;
    return `array word ${which} -> ${p.words[rec.at + which]}`;
  },
  // ---- DECL_TAG
  'component-idx': (p, r) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_DECL_TAG);
    if (!rec) return null;
    p.words[rec.at + 3] = pick(r, [0xffffffff, 0xfffffffe, 0, 1, 2, 3, 0xffff, 0x7fffffff, 0x80000000]) >>> 0;
    return `component_idx -> ${p.words[rec.at + 3]! | 0}`;
  },
  // ---- FUNC_PROTO params
  param: (p, r, pool) => {
    const rec = randRec(r, records(p.words), (x) => x.kind === BTF_KIND_FUNC_PROTO && x.vlen > 0);
    if (!rec) return null;
    const i = Math.floor(r() * rec.vlen);
    const a = rec.at + 3 + 2 * i;
    if (r() < 0.5)
      p.words[a + 1] = 0; // void: a vararg, last or not
    else p.words[a] = r() < 0.5 ? 0 : pool[pick(r, Object.keys(pool))]!;
    return `param ${i} of ${rec.vlen}: name ${p.words[a]}, type ${p.words[a + 1]}`;
  },
  // ---- records
  'dup-record': (p, r) => {
    const recs = records(p.words);
    const rec = randRec(r, recs);
    if (!rec) return null;
    const at = pick(r, recs).at;
    p.words.splice(at, 0, ...p.words.slice(rec.at, rec.at + rec.n));
    return `record of kind ${rec.kind} copied (ids shift)`;
  },
  'drop-record': (p, r) => {
    const recs = records(p.words);
    if (recs.length < 2) return null;
    const rec = randRec(r, recs)!;
    p.words.splice(rec.at, rec.n);
    return `record of kind ${rec.kind} dropped (ids shift)`;
  },
  'append-chain': (p, r, _pool, base) => {
    const recs = records(p.words);
    const first = base + recs.length;
    const n = pick(r, [31, 32, 33, 34]);
    const kind = pick(r, [10, 9, 8, 11, 18, 2]);
    const nameOff = kind === 8 || kind === 18 ? (_pool['ok_name'] ?? 0) : 0;
    for (let i = 0; i < n; i++)
      p.words.push(nameOff, (kind << 24) >>> 0, i === n - 1 ? (recs.length ? base : 0) : first + i + 1);
    return `chain of ${n} kind ${kind}`;
  },
  // ---- strings
  'str-no-nul': (p, r) => {
    if (!p.strs.length) return null;
    if (r() < 0.5) p.strs.pop();
    else p.strs[p.strs.length - 1] = 0x41;
    return 'string section without its last NUL';
  },
  'str-first-byte': (p) => {
    if (!p.strs.length) return null;
    p.strs[0] = 0x41;
    return 'string section not starting with NUL';
  },
};

/** Header-field operators: applied to the assembled bytes. */
const HEADER_OPS: Record<string, (b: Uint8Array, r: () => number) => Uint8Array> = {
  'hdr-len': (b, r) => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = dv.getUint32(4, true);
    const how = Math.floor(r() * 4);
    if (how === 0) {
      dv.setUint32(4, pick(r, [0, 4, 8, 12, 16, 20, 23, 25, b.length, b.length + 1, 0xffffffff]), true);
      return b;
    }
    // a longer header, padded with zeros or not
    const extra = pick(r, [4, 8, 12]);
    const out = new Uint8Array(b.length + extra);
    out.set(b.subarray(0, h));
    out.set(b.subarray(h), h + extra);
    if (how === 1) out[h + Math.floor(r() * extra)] = 1;
    new DataView(out.buffer).setUint32(4, h + extra, true);
    return out;
  },
  'hdr-field': (b, r) => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const at = pick(r, [8, 12, 16, 20]);
    const old = dv.getUint32(at, true);
    dv.setUint32(
      at,
      pick(r, [old + 1, old - 1, old + 4, old - 4, old + 2, 0, 1, 2, 3, 0xffffffff, b.length]) >>> 0,
      true,
    );
    return b;
  },
  'hdr-magic': (b, r) => {
    const at = pick(r, [0, 1, 2, 3]);
    b[at] = pick(r, [0, 1, 2, 0x80, 0xeb, 0x9f, 0xff]);
    return b;
  },
  'sections-swapped': (b) => {
    // strings first, then types: the kernel wants the strings at the end
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = dv.getUint32(4, true),
      tl = dv.getUint32(12, true),
      sl = dv.getUint32(20, true);
    const out = b.slice();
    out.set(b.subarray(h + tl, h + tl + sl), h);
    out.set(b.subarray(h, h + tl), h + sl);
    const o = new DataView(out.buffer);
    o.setUint32(8, sl, true);
    o.setUint32(16, 0, true);
    return out;
  },
  'section-gap': (b, r) => {
    // a gap between types and strings (unaligned or aligned), or before the types
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = dv.getUint32(4, true),
      tl = dv.getUint32(12, true);
    const gap = pick(r, [1, 2, 3, 4]);
    const before = r() < 0.5;
    const out = new Uint8Array(b.length + gap);
    const cut = before ? h : h + tl;
    out.set(b.subarray(0, cut));
    out.set(b.subarray(cut), cut + gap);
    const o = new DataView(out.buffer);
    if (before) o.setUint32(8, gap, true);
    o.setUint32(16, dv.getUint32(16, true) + gap, true);
    if (r() < 0.5) before ? o.setUint32(12, tl + gap, true) : o.setUint32(12, tl + gap, true);
    return out;
  },
  truncate: (b, r) => b.slice(0, Math.floor(r() * b.length)),
  append: (b, r) => {
    const out = new Uint8Array(b.length + pick(r, [1, 4, 8]));
    out.set(b);
    if (r() < 0.5) out[out.length - 1] = 0x41;
    return out;
  },
};

export const STRUCTURAL_OPS: readonly string[] = Object.keys(OPS);
export const HEADER_OP_NAMES: readonly string[] = Object.keys(HEADER_OPS);

/**
 * Returns a structural mutant of raw BTF `src` (little-endian; null when the
 * seed cannot be taken apart): one to two operators on the records or
 * strings, and sometimes one on the header. `base` is the first type id of
 * the section (1 for base BTF, the base's type count for split BTF), and
 * `strBase` its first string offset (the base's string length for split
 * BTF). A pool of good and bad names is appended to the strings.
 */
export function structuralMutant(src: Uint8Array, r: () => number, base = 1, strBase = 0): Mutant | null {
  const p = parse(src);
  if (!p) return null;
  p.strBase = strBase;
  const pool: Record<string, number> = {};
  for (const s of NAME_POOL) {
    pool[s] = strBase + p.strs.length;
    for (let i = 0; i < s.length; i++) p.strs.push(s.charCodeAt(i) & 0xff);
    p.strs.push(0);
  }
  const ops: string[] = [];
  const n = r() < 0.6 ? 1 : r() < 0.75 ? 2 : 3;
  for (let tries = 0; ops.length < n && tries < 10; tries++) {
    const name = pick(r, STRUCTURAL_OPS);
    const what = OPS[name]!(p, r, pool, base);
    if (what) ops.push(`${name}: ${what}`);
  }
  let bytes = assemble(p);
  if (r() < 0.12 || !ops.length) {
    const name = pick(r, HEADER_OP_NAMES);
    bytes = HEADER_OPS[name]!(bytes, r);
    ops.push(name);
  }
  return { bytes, ops };
}

/** Returns `kind` names of the records of `src`, for a report. */
export function recordKinds(src: Uint8Array): number[] {
  const p = parse(src);
  return p ? records(p.words).map((x) => x.kind) : [];
}

/** The kinds every builder seed covers (for the test to assert). */
export const ALL_KINDS: readonly number[] = [
  BTF_KIND_INT,
  2,
  BTF_KIND_ARRAY,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  BTF_KIND_ENUM,
  7,
  8,
  9,
  10,
  11,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_VAR,
  BTF_KIND_DATASEC,
  16,
  BTF_KIND_DECL_TAG,
  18,
  BTF_KIND_ENUM64,
];

/**
 * Returns raw BTF `le` (little-endian, damaged or not) in big-endian byte
 * order: the magic, every 32-bit header field and every word of the type
 * section swapped (every field of a type record is a 32-bit word), the
 * strings as they are. Needs no parse, so it works on any mutant.
 */
export function toBigEndian(le: Uint8Array): Uint8Array {
  if (le.length < 8) return le.slice();
  const out = le.slice();
  const src = new DataView(le.buffer, le.byteOffset, le.byteLength);
  const dst = new DataView(out.buffer);
  dst.setUint16(0, src.getUint16(0, true), false);
  const hdrLen = src.getUint32(4, true);
  for (let at = 4; at + 4 <= Math.min(hdrLen, 32, le.length); at += 4)
    dst.setUint32(at, src.getUint32(at, true), false);
  if (le.length < 24) return out;
  const from = hdrLen + src.getUint32(8, true),
    len = src.getUint32(12, true);
  for (let at = from; at + 4 <= Math.min(from + len, le.length); at += 4)
    dst.setUint32(at, src.getUint32(at, true), false);
  return out;
}
