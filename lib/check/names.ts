/**
 * Name rules of the kernel's BTF verifier (`kernel/bpf/btf.c`), with the
 * kernel's own `ctype` table (`lib/ctype.c`): Latin-1 letters count as
 * letters there, so `été` is a valid identifier to the kernel.
 *
 * - identifier (types, members, enum values, FUNC, VAR, FWD, TYPEDEF,
 *   parameters): first byte a letter, `_` or `.`, then letters, digits, `_`
 *   or `.` (the running kernel, 6.18, accepts dots);
 * - section (DATASEC): a non-empty run of printable bytes.
 *
 * Both are at most KSYM_NAME_LEN (512) bytes long. Linux 6.1 differs: a
 * DATASEC name follows the identifier rule (its `btf_name_valid_section`
 * calls `__btf_name_valid`), so `.bss` and `.rodata.str1.1` pass and
 * `license/x`, `?.maps` or `.data-1` do not.
 */

/** KSYM_NAME_LEN (6.1 and 6.18): the longest name the verifier takes. */
const KSYM_NAME_LEN = 512;

// kernel lib/ctype.c classes
const U = 0x01,
  L = 0x02,
  D = 0x04,
  P = 0x10,
  SP = 0x80;

/** The kernel's `_ctype` table, reduced to the bits the name rules use. */
const CTYPE = (() => {
  const t = new Uint8Array(256);
  for (let c = 32; c < 127; c++) t[c] = P;
  t[32] = SP;
  for (let c = 48; c <= 57; c++) t[c] = D;
  for (let c = 65; c <= 90; c++) t[c] = U;
  for (let c = 97; c <= 122; c++) t[c] = L;
  t[160] = SP;
  for (let c = 161; c <= 191; c++) t[c] = P;
  for (let c = 192; c <= 222; c++) t[c] = U;
  t[215] = P;
  t[223] = L;
  for (let c = 224; c <= 255; c++) t[c] = L;
  t[247] = P;
  return t;
})();

function identChar(c: number, first: boolean): boolean {
  const k = CTYPE[c]!;
  if (first ? (k & (U | L)) !== 0 : (k & (U | L | D)) !== 0) return true;
  return c === 0x5f || c === 0x2e;
}

/**
 * Returns whether the NUL-terminated bytes at `at` form a kernel BTF
 * identifier (`btf_name_valid_identifier`), at most KSYM_NAME_LEN bytes.
 */
export function validIdentifier(bytes: Uint8Array, at: number): boolean {
  if (!identChar(bytes[at] ?? 0, true)) return false;
  let i = at + 1;
  for (; i < bytes.length && bytes[i] !== 0; i++) {
    if (i - at >= KSYM_NAME_LEN || !identChar(bytes[i]!, false)) return false;
  }
  return true;
}

/** 1 for a byte that may not follow the first of an identifier (NUL included: it ends the scan). */
const REST_BAD = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = identChar(c, false) ? 0 : 1;
  return t;
})();
/** 1 for a byte that may not start an identifier (NUL included). */
const FIRST_BAD = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = identChar(c, true) ? 0 : 1;
  return t;
})();
/** Per 16-bit unit of string bytes: 0 when both bytes may follow the first of an identifier (neither is NUL). */
const PAIR_BAD = (() => {
  // Row `hi` (the unit's high byte) is all 1s for a bad `hi`, else REST_BAD:
  // 256 block copies. Every command loads this module (lib/btf.ts's
  // `check`), and a loop over the 65536 entries cost 10 M instructions a run.
  const t = new Uint8Array(65536);
  for (let hi = 0; hi < 256; hi++) {
    if (REST_BAD[hi]) t.fill(1, hi << 8, (hi + 1) << 8);
    else t.set(REST_BAD, hi << 8);
  }
  return t;
})();

/**
 * Judges every string of a string section as an identifier in one pass:
 * `out[at]` becomes 1 when the string starting at `at` (just after a NUL, or
 * at 0) is a valid identifier ({@link validIdentifier}) and 2 when it is not;
 * other offsets (inside a string, or at an empty one) are left alone. `out`
 * is as long as `bytes` at least; `bytes` ends with a NUL.
 *
 * The kernel checks each name as it meets it; checking the whole section
 * once, four bytes at a time where the bytes are aligned, costs less than
 * a call per name, and nearly every string of kernel BTF is a name.
 */
export function markIdentifiers(bytes: Uint8Array, out: Uint8Array): void {
  const n = bytes.length;
  // the aligned part of `bytes` as words: `lead` bytes before it
  const lead = (4 - (bytes.byteOffset & 3)) & 3;
  const words =
    n > lead ? new Uint32Array(bytes.buffer, bytes.byteOffset + lead, (n - lead) >>> 2) : new Uint32Array(0);
  const wordsEnd = lead + words.length * 4;
  let i = 0;
  while (i < n) {
    const at = i;
    let c = bytes[i]!;
    if (c === 0) {
      i++;
      continue;
    }
    let bad = FIRST_BAD[c]!;
    i++;
    // bytes one at a time up to a word boundary, then whole words while all
    // four bytes are identifier bytes, then bytes again up to the NUL
    while (i < n && ((i - lead) & 3) !== 0) {
      c = bytes[i]!;
      if (c === 0) break;
      bad |= REST_BAD[c]!;
      i++;
    }
    if (i >= lead) {
      while (i < wordsEnd) {
        const v = words[(i - lead) >>> 2]!;
        if ((PAIR_BAD[v & 0xffff]! | PAIR_BAD[v >>> 16]!) !== 0) break;
        i += 4;
      }
    }
    while (i < n) {
      c = bytes[i]!;
      if (c === 0) break;
      bad |= REST_BAD[c]!;
      i++;
    }
    if (i - at > KSYM_NAME_LEN) bad = 1;
    out[at] = bad ? 2 : 1;
    i++;
  }
}

/** Returns whether the NUL-terminated bytes at `at` form a valid DATASEC name (`btf_name_valid_section`). */
export function validSection(bytes: Uint8Array, at: number): boolean {
  if ((bytes[at] ?? 0) === 0) return false;
  for (let i = at; i < bytes.length && bytes[i] !== 0; i++) {
    if (i - at >= KSYM_NAME_LEN || (CTYPE[bytes[i]!]! & (P | U | L | D | SP)) === 0) return false;
  }
  return true;
}
