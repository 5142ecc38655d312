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

/** Returns whether the NUL-terminated bytes at `at` form a valid DATASEC name (`btf_name_valid_section`). */
export function validSection(bytes: Uint8Array, at: number): boolean {
  if ((bytes[at] ?? 0) === 0) return false;
  for (let i = at; i < bytes.length && bytes[i] !== 0; i++) {
    if (i - at >= KSYM_NAME_LEN || (CTYPE[bytes[i]!]! & (P | U | L | D | SP)) === 0) return false;
  }
  return true;
}
