/**
 * Raw BTF assembled by hand, for the checker's tests: records as words (the
 * kernel selftests' BTF_TYPE_*_ENC style) and a string table written with
 * `\0` separators. Nothing here validates: the point is to build what
 * `Btf.parse` would refuse.
 */

/** `BTF_INFO_ENC(kind, kflag, vlen)` */
export function info(kind: number, kflag: number, vlen: number): number {
  return ((kflag << 31) | (kind << 24) | vlen) >>> 0;
}
/** `BTF_TYPE_INT_ENC(name, encoding, bits_offset, bits, size)`: 4 words. */
export function int(name: number, encoding: number, bitsOffset: number, bits: number, size: number): number[] {
  return [name, info(1, 0, 0), size, ((encoding << 24) | (bitsOffset << 16) | bits) >>> 0];
}
/** A btf_type header: 3 words. */
export function type(name: number, kind: number, kflag: number, vlen: number, sizeOrType: number): number[] {
  return [name, info(kind, kflag, vlen), sizeOrType >>> 0];
}
/** `BTF_MEMBER_ENC(name, type, bits_offset)` */
export function member(name: number, typeId: number, bitsOffset: number): number[] {
  return [name, typeId, bitsOffset >>> 0];
}
/** A kflag member offset: `BTF_MEMBER_OFFSET(bitfield_size, bits_offset)`. */
export function kOffset(bitfieldSize: number, bitsOffset: number): number {
  return ((bitfieldSize << 24) | bitsOffset) >>> 0;
}

/** Header fields to override (byte offsets follow `struct btf_header`). */
export interface RawHeader {
  magic?: number;
  version?: number;
  flags?: number;
  hdrLen?: number;
  typeOff?: number;
  typeLen?: number;
  strOff?: number;
  strLen?: number;
}

/**
 * Returns raw little-endian BTF: a 24-byte header, the words, then `strs`
 * (Latin-1, one byte per char; write `\0` between strings, a leading `\0`
 * for offset 0). `hdr` overrides header fields; `tail` is appended.
 */
export function rawBtf(words: readonly number[], strs: string, hdr: RawHeader = {}, tail?: Uint8Array): Uint8Array {
  const hdrLen = 24;
  const typeLen = words.length * 4;
  const s = Uint8Array.from(strs, (c) => c.charCodeAt(0) & 0xff);
  const out = new Uint8Array(hdrLen + typeLen + s.length + (tail?.length ?? 0));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, hdr.magic ?? 0xeb9f, true);
  dv.setUint8(2, hdr.version ?? 1);
  dv.setUint8(3, hdr.flags ?? 0);
  dv.setUint32(4, hdr.hdrLen ?? hdrLen, true);
  dv.setUint32(8, hdr.typeOff ?? 0, true);
  dv.setUint32(12, hdr.typeLen ?? typeLen, true);
  dv.setUint32(16, hdr.strOff ?? typeLen, true);
  dv.setUint32(20, hdr.strLen ?? s.length, true);
  words.forEach((w, i) => dv.setUint32(hdrLen + 4 * i, w >>> 0, true));
  out.set(s, hdrLen + typeLen);
  if (tail) out.set(tail, hdrLen + typeLen + s.length);
  return out;
}

/** Returns the offset of each `\0`-separated string of `strs` by its text (first occurrence). */
export function strOffsets(strs: string): Record<string, number> {
  const o: Record<string, number> = {};
  let at = 0;
  for (const part of strs.split('\0')) {
    if (!(part in o)) o[part] = at;
    at += part.length + 1;
  }
  return o;
}
