/**
 * Damaged BPF objects, for the command-line fuzzer (test/cli-fuzz.test.ts):
 * ELF64 objects (either byte order) cut at every section boundary, or with
 * one field changed where a reader is tempted to trust it: section headers
 * (sh_offset and sh_size past the file or overlapping another section,
 * sh_link and sh_info to nowhere, sh_type, sh_entsize, sh_name), the ELF
 * header (e_shoff, e_shnum, e_shentsize, e_shstrndx), symbols (st_shndx,
 * st_name, st_value, st_size, st_info), relocations (r_offset, the symbol
 * index, the type), .BTF.ext (header offsets and lengths, rec_size, counts,
 * section name offsets, the records themselves) and the words of .BTF.
 * Every mutant says what was changed.
 */
import { INTERESTING, mutate } from './mutants.js';

/** A damaged object and what was done to it. */
export interface ElfMutant {
  bytes: Uint8Array;
  what: string;
}

interface Shdr {
  index: number;
  /** Byte offset of the header in the file. */
  at: number;
  name: string;
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

const SHT_SYMTAB = 2,
  SHT_RELA = 4,
  SHT_REL = 9;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const HUGE64 = [0xffffffffffffffffn, 0x8000000000000000n, 0x100000000n, 0xffffffffn, 0x7fffffffn];

/** Returns the section headers of an ELF64 object (empty when it is not one). */
function sections(b: Uint8Array): { le: boolean; shoff: number; shnum: number; shdrs: Shdr[] } {
  const none = { le: true, shoff: 0, shnum: 0, shdrs: [] };
  if (b.length < 64 || b[4] !== 2) return none;
  const le = b[5] === 1;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, le)),
    shnum = dv.getUint16(0x3c, le),
    strndx = dv.getUint16(0x3e, le);
  if (shoff + shnum * 64 > b.length) return none;
  const raw: Shdr[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + 64 * i;
    raw.push({
      index: i,
      at,
      name: '',
      type: dv.getUint32(at + 4, le),
      offset: Number(dv.getBigUint64(at + 24, le)),
      size: Number(dv.getBigUint64(at + 32, le)),
      link: dv.getUint32(at + 40, le),
      entsize: Number(dv.getBigUint64(at + 56, le)),
    });
  }
  const strs = raw[strndx];
  if (strs)
    for (const s of raw) {
      const n = dv.getUint32(s.at, le);
      let e = strs.offset + n;
      while (e < b.length && b[e] !== 0) e++;
      s.name = new TextDecoder('latin1').decode(b.subarray(strs.offset + n, e));
    }
  return { le, shoff, shnum, shdrs: raw };
}

/** Every distinct offset where a section, the section header table or one of its entries starts or ends. */
export function sectionBoundaries(b: Uint8Array): number[] {
  const { shoff, shnum, shdrs } = sections(b);
  const out = new Set<number>([0, 16, 63, 64]);
  for (const s of shdrs) {
    if (s.type !== 8) {
      out.add(s.offset);
      out.add(s.offset + s.size);
      if (s.size) out.add(s.offset + s.size - 1);
    }
    out.add(s.at);
  }
  out.add(shoff + shnum * 64 - 1);
  return [...out].filter((x) => x > 0 && x < b.length).sort((x, y) => x - y);
}

type ElfOp = (b: Uint8Array, dv: DataView, le: boolean, shdrs: Shdr[], r: () => number) => string | null;

const OPS: Record<string, ElfOp> = {
  'sh_offset/sh_size': (b, dv, le, shdrs, r) => {
    const s = pick(r, shdrs.slice(1));
    const other = pick(r, shdrs);
    const field = r() < 0.5 ? 24 : 32;
    const v =
      r() < 0.3
        ? pick(r, HUGE64)
        : BigInt(
            pick(r, [
              b.length,
              b.length + 1,
              b.length - 1,
              other.offset,
              other.offset + 1,
              s.size + other.size,
              0,
              1,
              s.offset + s.size - 1,
            ]),
          );
    dv.setBigUint64(s.at + field, v, le);
    return `${s.name} ${field === 24 ? 'sh_offset' : 'sh_size'} = ${v}`;
  },
  'sh_link/sh_info': (_b, dv, le, shdrs, r) => {
    const s = pick(r, shdrs.slice(1));
    const field = r() < 0.5 ? 40 : 44;
    const v = pick(r, [0, shdrs.length, shdrs.length + 1, s.index, 0xffff, 0xffffffff, Math.floor(r() * shdrs.length)]);
    dv.setUint32(s.at + field, v, le);
    return `${s.name} ${field === 40 ? 'sh_link' : 'sh_info'} = ${v}`;
  },
  sh_type: (_b, dv, le, shdrs, r) => {
    const s = pick(r, shdrs.slice(1));
    const v = pick(r, [0, 1, 2, 3, 4, 8, 9, 11, 0x6fff4c03, 0x70000000]);
    dv.setUint32(s.at + 4, v, le);
    return `${s.name} sh_type = ${v}`;
  },
  sh_entsize: (_b, dv, le, shdrs, r) => {
    const s = pick(r, shdrs.slice(1));
    const v = BigInt(pick(r, [0, 1, 7, 8, 16, 23, 25, 0x10000, 0xffffffff]));
    dv.setBigUint64(s.at + 56, v, le);
    return `${s.name} sh_entsize = ${v}`;
  },
  sh_name: (_b, dv, le, shdrs, r) => {
    const s = pick(r, shdrs.slice(1));
    const v = pick(r, [0, 1, 0xffff, 0xffffffff, dv.getUint32(s.at, le) + 1]);
    dv.setUint32(s.at, v >>> 0, le);
    return `${s.name} sh_name = ${v >>> 0}`;
  },
  ehdr: (b, dv, le, shdrs, r) => {
    const f = pick(r, ['e_shoff', 'e_shnum', 'e_shentsize', 'e_shstrndx']);
    if (f === 'e_shoff') {
      const v = r() < 0.5 ? pick(r, HUGE64) : BigInt(pick(r, [0, 1, b.length, b.length - 64, shdrs[1]?.at ?? 64]));
      dv.setBigUint64(0x28, v, le);
      return `e_shoff = ${v}`;
    }
    const at = f === 'e_shnum' ? 0x3c : f === 'e_shentsize' ? 0x3a : 0x3e;
    const v = pick(r, [0, 1, shdrs.length - 1, shdrs.length, shdrs.length + 1, 63, 65, 0xff00, 0xffff]);
    dv.setUint16(at, v, le);
    return `${f} = ${v}`;
  },
  symbol: (_b, dv, le, shdrs, r) => {
    const st = shdrs.find((s) => s.type === SHT_SYMTAB);
    if (!st || st.size < 48) return null;
    const i = 1 + Math.floor(r() * (st.size / 24 - 1));
    const at = st.offset + 24 * i;
    const f = pick(r, ['st_shndx', 'st_name', 'st_value', 'st_size', 'st_info']);
    if (f === 'st_shndx') dv.setUint16(at + 6, pick(r, [0, shdrs.length, 0xfff1, 0xfff2, 0xff00, 0xffff]), le);
    else if (f === 'st_name') dv.setUint32(at, pick(r, [0xffffffff, 0x10000, dv.getUint32(at, le) + 1]) >>> 0, le);
    else if (f === 'st_info') dv.setUint8(at + 4, pick(r, [0, 1, 2, 3, 4, 0x10, 0x11, 0x12, 0x20, 0x21, 0xff]));
    else dv.setBigUint64(at + (f === 'st_value' ? 8 : 16), pick(r, [...HUGE64, 1n, 3n, 0x1000n]), le);
    return `symbol ${i} ${f}`;
  },
  relocation: (_b, dv, le, shdrs, r) => {
    const rels = shdrs.filter((s) => (s.type === SHT_REL || s.type === SHT_RELA) && s.size >= 16);
    if (!rels.length) return null;
    const s = pick(r, rels);
    const ent = s.type === SHT_RELA ? 24 : 16;
    const i = Math.floor(r() * Math.floor(s.size / ent));
    const at = s.offset + ent * i;
    const f = pick(r, ['r_offset', 'sym', 'type']);
    if (f === 'r_offset') dv.setBigUint64(at, pick(r, [...HUGE64, 1n, 3n, 7n, 0x10000n]), le);
    else {
      const info = dv.getBigUint64(at + 8, le);
      const sym = info >> 32n,
        type = info & 0xffffffffn;
      const v =
        f === 'sym'
          ? (BigInt(pick(r, [0, 0xffff, 0xffffff, 0xffffffff, Number(sym) + 1])) << 32n) | type
          : (sym << 32n) | BigInt(pick(r, [0, 1, 2, 3, 4, 10, 0xffffffff]));
      dv.setBigUint64(at + 8, v, le);
    }
    return `${s.name} entry ${i} ${f}`;
  },
  'btf.ext': (_b, dv, le, shdrs, r) => {
    const s = shdrs.find((x) => x.name === '.BTF.ext');
    if (!s || s.size < 32) return null;
    const o = s.offset;
    const hdrLen = dv.getUint32(o + 4, le);
    const how = Math.floor(r() * 5);
    if (how === 0) {
      // a header field: hdr_len, or an offset or length of func_info, line_info, core_relo
      const at = pick(
        r,
        [4, 8, 12, 16, 20, 24, 28].filter((x) => x < Math.max(hdrLen, 8)),
      );
      const v = pick(r, [...INTERESTING, s.size, s.size - hdrLen, dv.getUint32(o + at, le) + 4]) >>> 0;
      dv.setUint32(o + at, v, le);
      return `.BTF.ext header +${at} = ${v}`;
    }
    // an info section: rec_size, then (sec_name_off, num_info, records)*
    const sec = pick(
      r,
      [8, 16, 24].filter((x) => x + 8 <= hdrLen),
    );
    const off = dv.getUint32(o + sec, le),
      len = dv.getUint32(o + sec + 4, le);
    const start = o + hdrLen + off;
    if (!len || start + 12 > o + s.size) return null;
    if (how === 1) {
      const v = pick(r, [0, 1, 4, 7, 8, 9, 12, 15, 16, 17, 24, 0xffff, 0xffffffff]);
      dv.setUint32(start, v >>> 0, le);
      return `.BTF.ext info +${sec}: rec_size = ${v >>> 0}`;
    }
    if (how === 2) {
      dv.setUint32(
        start + 8,
        pick(r, [0, 2, 0xffff, 0x10000000, 0xffffffff, dv.getUint32(start + 8, le) + 1]) >>> 0,
        le,
      );
      return `.BTF.ext info +${sec}: num_info = ${dv.getUint32(start + 8, le)}`;
    }
    if (how === 3) {
      dv.setUint32(start + 4, pick(r, [0, 0xffff, 0xffffffff, dv.getUint32(start + 4, le) + 1]) >>> 0, le);
      return `.BTF.ext info +${sec}: sec_name_off = ${dv.getUint32(start + 4, le)}`;
    }
    // a word of the records
    const end = Math.min(start + len, o + s.size);
    if (end - start < 16) return null;
    const at = start + 12 + 4 * Math.floor(r() * ((end - start - 12) >>> 2));
    if (at + 4 > end) return null;
    dv.setUint32(at, pick(r, INTERESTING) >>> 0, le);
    return `.BTF.ext info +${sec}: record word at +${at - start}`;
  },
  '.BTF words': (b, _dv, le, shdrs, r) => {
    const s = shdrs.find((x) => x.name === '.BTF');
    if (!s || !le || s.size < 24) return null;
    const m = mutate(b.slice(s.offset, s.offset + s.size), r);
    b.set(m, s.offset);
    return '.BTF words';
  },
  'byte flips': (b, _dv, _le, _shdrs, r) => {
    for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
    return 'random bytes';
  },
};

/** Returns a damaged copy of the ELF64 object `src` (null when `src` is not one). */
export function elfMutant(src: Uint8Array, r: () => number): ElfMutant | null {
  const { le, shdrs } = sections(src);
  if (shdrs.length < 2) return null;
  const names = Object.keys(OPS);
  const b = src.slice();
  const dv = new DataView(b.buffer);
  const done: string[] = [];
  const n = r() < 0.7 ? 1 : r() < 0.7 ? 2 : 3;
  for (let tries = 0; tries < 10 && done.length < n; tries++) {
    const what = OPS[pick(r, names)]!(b, dv, le, shdrs, r);
    if (what) done.push(what);
  }
  return done.length ? { bytes: b, what: done.join('; ') } : null;
}
