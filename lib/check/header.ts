/**
 * The header and section checks of `BPF_BTF_LOAD`, in the kernel's order:
 * `btf_parse_hdr` (with `btf_check_sec_info`), then `btf_parse_str_sec`,
 * then the first checks of `btf_parse_type_sec`. The kernel reads the header
 * in its own byte order only, so big-endian BTF fails here on a
 * little-endian machine, as it does in the kernel.
 */
import type { BtfHeader } from '../container.js';
import { BTF_MAX_NAME_OFFSET } from '../kinds.js';

/** `struct btf_header` as the kernel copies it (fields past `hdr_len` read as zero; no layout fields). */
type KernelHeader = Omit<BtfHeader, 'layoutOff' | 'layoutLen'>;

/** The kernel's BTF_MAX_SIZE: larger inputs fail with E2BIG before any log line. */
const BTF_MAX_SIZE = 16 * 1024 * 1024;
const HDR_SIZE = 24;

/** A fatal problem found before the type walk: the kernel's message and errno. */
interface HeaderProblem {
  message: string;
  errno: number;
  offset: number;
}

/**
 * Returns the header, or the first problem the kernel reports for it
 * (`btf_parse_hdr`, `btf_check_sec_info`, `btf_parse_str_sec` and the
 * type section's alignment and emptiness). `split` is true for split BTF
 * (module BTF over a base).
 */
export function parseKernelHeader(data: Uint8Array, split: boolean): KernelHeader | HeaderProblem {
  const size = data.length;
  if (size > BTF_MAX_SIZE) return { message: '', errno: 7, offset: 0 };
  if (size < 8) return { message: 'hdr_len not found', errno: 22, offset: 0 };
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const hdrLen = dv.getUint32(4, true);
  if (size < hdrLen) return { message: 'btf_header not found', errno: 22, offset: 4 };
  for (let i = HDR_SIZE; i < hdrLen; i++) {
    if (data[i] !== 0) return { message: 'Unsupported btf_header', errno: 7, offset: i };
  }
  // the kernel copies min(hdr_len, 24) bytes over a zeroed header: a field
  // cut by hdr_len keeps its low bytes
  const field = (off: number, bytes: number): number => {
    let v = 0;
    for (let i = bytes - 1; i >= 0; i--) v = v * 256 + (off + i < hdrLen ? dv.getUint8(off + i) : 0);
    return v;
  };
  const h: KernelHeader = {
    magic: field(0, 2),
    version: field(2, 1),
    flags: field(3, 1),
    hdrLen,
    typeOff: field(8, 4),
    typeLen: field(12, 4),
    strOff: field(16, 4),
    strLen: field(20, 4),
  };
  if (h.magic !== 0xeb9f) return { message: 'Invalid magic', errno: 22, offset: 0 };
  if (h.version !== 1) return { message: 'Unsupported version', errno: 524, offset: 2 };
  if (h.flags) return { message: 'Unsupported flags', errno: 524, offset: 3 };
  if (!split && size === hdrLen) return { message: 'No data', errno: 22, offset: hdrLen };

  // btf_check_sec_info: the two sections sorted by (offset, length), the
  // kernel comparing with a signed difference of unsigned values
  // the kernel's sort() (a heapsort) of two elements keeps their order
  // exactly when cmp(first, second) < 0
  let secs = [
    { off: h.typeOff, len: h.typeLen, at: 8 },
    { off: h.strOff, len: h.strLen, at: 16 },
  ];
  const [t, s] = secs as [{ off: number; len: number; at: number }, { off: number; len: number; at: number }];
  if (((t.off - s.off) | 0 || (t.len - s.len) | 0) >= 0) secs = [s, t];
  let total = 0;
  const expected = (size - hdrLen) >>> 0;
  for (const s of secs) {
    if (expected < s.off) return { message: 'Invalid section offset', errno: 22, offset: s.at };
    if (total < s.off) return { message: 'Unsupported section found', errno: 22, offset: s.at };
    if (total > s.off) return { message: 'Section overlap found', errno: 22, offset: s.at };
    if (expected - total < s.len) return { message: 'Total section length too long', errno: 22, offset: s.at + 4 };
    total += s.len;
  }
  if (expected !== total) return { message: 'Unsupported section found', errno: 22, offset: hdrLen + total };

  // btf_parse_str_sec
  const strStart = hdrLen + h.strOff;
  if (strStart + h.strLen !== size) return { message: 'String section is not at the end', errno: 22, offset: strStart };
  if (!(split && !h.strLen)) {
    if (!h.strLen || h.strLen - 1 > BTF_MAX_NAME_OFFSET || data[size - 1] !== 0) {
      return { message: 'Invalid string section', errno: 22, offset: strStart };
    }
    if (!split && data[strStart] !== 0) return { message: 'Invalid string section', errno: 22, offset: strStart };
  }

  // btf_parse_type_sec
  if (h.typeOff & 3) return { message: 'Unaligned type_off', errno: 22, offset: 8 };
  if (!split && !h.typeLen) return { message: 'No type found', errno: 22, offset: 12 };
  return h;
}
