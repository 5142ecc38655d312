/**
 * Seeded mutants of raw BTF for the differential suites (check.test against
 * the kernel, parse-oracle.test against libbpf's btf__new): small random
 * type graphs picked to hit the kernel's rules, and 1-3 word or byte changes
 * to a seed file.
 */
/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GEN_STRS = '\0a\0b\0.bss\0x.y\0?q\0tag\0';
const GEN_NAMES = [0, 1, 3, 5, 10, 14, 17];

/** Returns a random type graph of 1-12 records: kinds, references and sizes picked to hit the resolver's rules. */
export function randomBtf(r: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = 1 + Math.floor(r() * 12);
  const ref = () => (r() < 0.1 ? 0 : r() < 0.05 ? n + 3 : 1 + Math.floor(r() * n));
  const small = () => pick([0, 1, 2, 4, 8, 12, 16, 3, 32]);
  const words: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = 1 + Math.floor(r() * 19);
    const kflag = r() < 0.15 ? 1 : 0;
    const name = pick(GEN_NAMES);
    const vlen = ({ 4: 3, 5: 3, 6: 3, 13: 3, 15: 3, 19: 2, 12: 2 } as Record<number, number>)[k] ?? 0;
    const vl = vlen ? Math.floor(r() * vlen) : r() < 0.03 ? 1 : 0;
    const third = [1, 4, 5, 6, 15, 16, 19].includes(k) ? small() : k === 7 ? 0 : ref();
    words.push(name, ((kflag << 31) | (k << 24) | vl) >>> 0, third >>> 0);
    if (k === 1) words.push(pick([8, 16, 32, 64, 3, 0x01000020, 0x00080008]));
    else if (k === 3) words.push(ref(), ref(), pick([0, 1, 2, 4, 0x40000000]));
    else if (k === 14) words.push(r() < 0.9 ? 0 : 2);
    else if (k === 17) words.push(pick([0xffffffff, 0, 1, 2]));
    for (let j = 0; j < vl; j++) {
      if (k === 4 || k === 5) words.push(pick(GEN_NAMES), ref(), pick([0, 0, 8, 32, 64, 3, 0x02000000]));
      else if (k === 6) words.push(pick(GEN_NAMES), j);
      else if (k === 19) words.push(pick(GEN_NAMES), j, 0);
      else if (k === 13) words.push(pick(GEN_NAMES), ref());
      else if (k === 15) words.push(ref(), j * 4, pick([4, 8, 0]));
    }
  }
  const strs = Uint8Array.from(GEN_STRS, (c) => c.charCodeAt(0));
  const out = new Uint8Array(24 + words.length * 4 + strs.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xeb9f, true);
  dv.setUint8(2, 1);
  dv.setUint32(4, 24, true);
  dv.setUint32(12, words.length * 4, true);
  dv.setUint32(16, words.length * 4, true);
  dv.setUint32(20, strs.length, true);
  words.forEach((w, i) => dv.setUint32(24 + 4 * i, w, true));
  out.set(strs, 24 + words.length * 4);
  return out;
}

export const INTERESTING = [
  0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 64, 0xff, 0xffff, 0xfffff, 0x100000, 0x7fffffff, 0x80000000, 0xffffffff,
  0xfffffffe,
];

/** Returns a mutant of `src`: 1-3 changes to a word of the type section (or, rarely, the header or strings). */
export function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = src.slice();
  const dv = new DataView(b.buffer);
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const hdrLen = sv.getUint32(4, true),
    typeLen = Math.min(sv.getUint32(12, true), b.length - hdrLen);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const where = r();
    if (where < 0.85 && typeLen >= 4) {
      const at = hdrLen + 4 * Math.floor(r() * (typeLen >>> 2));
      const old = dv.getUint32(at, true);
      const how = r();
      let v: number;
      if (how < 0.3) v = old ^ (1 << Math.floor(r() * 32));
      else if (how < 0.6) v = INTERESTING[Math.floor(r() * INTERESTING.length)]!;
      else if (how < 0.8) v = old + Math.floor(r() * 7) - 3;
      else v = Math.floor(r() * 64);
      dv.setUint32(at, v >>> 0, true);
    } else if (where < 0.93) {
      const at = Math.floor(r() * 24);
      b[at] = r() < 0.5 ? b[at]! ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
    } else {
      const at = Math.floor(r() * b.length);
      b[at] = Math.floor(r() * 256);
    }
  }
  return b;
}
