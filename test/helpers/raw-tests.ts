/**
 * A port, as data, of cases from the Linux selftests' `raw_tests`
 * (tools/testing/selftests/bpf/prog_tests/btf.c): each keeps the test's
 * `descr`, its records, its string section and its `err_str` (null when the
 * BTF must load). `T` stands for NAME_TBD: the selftest gives each one, in
 * order, the offset of the next string of the string section. Map creation
 * (`map_create_err`) is not part of BTF loading and is left out.
 */
import { info } from './raw-btf.js';
import type { CheckCase } from './check-cases.js';

const T = 0xdeadb33f;
const INT = (name: number, enc: number, off: number, bits: number, size: number) => [name, info(1, 0, 0), size, ((enc << 24) | (off << 16) | bits) >>> 0];
const ARRAY = (type: number, index: number, n: number) => [0, info(3, 0, 0), 0, type, index, n];
const TYPE = (name: number, kind: number, kflag: number, vlen: number, size: number) => [name, info(kind, kflag, vlen), size];
const MEMBER = (name: number, type: number, off: number) => [name, type, off];
const ENUM = (name: number, val: number) => [name, val >>> 0];
const VAR = (name: number, type: number, linkage: number) => [name, info(14, 0, 0), type, linkage];
const SECINFO = (type: number, off: number, size: number) => [type, off, size];
const TYPEDEF = (name: number, type: number) => [name, info(8, 0, 0), type];
const PROTO = (ret: number, vlen: number) => [0, info(13, 0, vlen), ret];
const ARG = (name: number, type: number) => [name, type];
const FUNC = (name: number, type: number) => [name, info(12, 0, 0), type];
const TAG = (name: number, type: number, idx: number) => [name, info(17, 0, 0), type, idx >>> 0];
/** `BTF_MEMBER_OFFSET(bitfield_size, bits_offset)` */
const bf = (size: number, off: number) => ((size << 24) | off) >>> 0;
const FLOAT = 16, STRUCT = 4, ENUMK = 6, FWD = 7, VOLATILE = 9, CONST = 10, RESTRICT = 11, PTR = 2, DATASEC = 15;
const S = 1; // BTF_INT_SIGNED

/** Replaces each NAME_TBD by the offset of the next string, as the selftest does. */
function tbd(words: number[], strs: string): number[] {
  const offs: number[] = [];
  let at = 0;
  for (const part of strs.split('\0')) {
    if (at > 0 || part !== '') offs.push(at);
    at += part.length + 1;
  }
  let i = 0;
  return words.map((w) => (w === T ? offs[i++] ?? 0 : w));
}

interface RawTest { descr: string; types: number[][]; strs: string; err: string | null; hdr?: CheckCase['hdr'] }

const STRUCT_A4 = [
  INT(0, S, 0, 32, 4), INT(0, 0, 0, 64, 8), INT(0, S, 0, 8, 1), ARRAY(1, 1, 8),
  TYPE(T, STRUCT, 0, 4, 48), MEMBER(T, 2, 0), MEMBER(T, 1, 64), MEMBER(T, 3, 96), MEMBER(T, 4, 128),
];
const HDR_INT = [INT(T, S, 0, 32, 4)];
// header deltas: types 16 bytes, "\0int\0" 5 bytes
const hdr = (d: { hdrLen?: number; typeOff?: number; strOff?: number; strLen?: number }) =>
  ({ hdrLen: 24 + (d.hdrLen ?? 0), typeOff: d.typeOff ?? 0, strOff: 16 + (d.strOff ?? 0), strLen: 5 + (d.strLen ?? 0) });

const RAW: RawTest[] = [
  { descr: 'struct test #1', err: null, strs: '\0A\0m\0n\0o\0p\0q\0r\0E\0E0\0E1\0', types: [
    INT(0, S, 0, 32, 4), INT(0, 0, 0, 64, 8), INT(0, S, 0, 8, 1), ARRAY(1, 1, 8),
    TYPE(T, STRUCT, 0, 6, 180), MEMBER(T, 2, 0), MEMBER(T, 1, 64), MEMBER(T, 3, 96), MEMBER(T, 4, 128), MEMBER(T, 6, 384), MEMBER(T, 7, 1408),
    ARRAY(4, 1, 4), TYPE(T, ENUMK, 0, 2, 4), ENUM(T, 0), ENUM(T, 1)] },
  { descr: 'struct test #2', err: null, strs: '\0A\0m\0n\0o\0B\0m\0n\0Struct_B\0', types: [
    INT(0, S, 0, 32, 4), ARRAY(4, 1, 4), TYPE(T, STRUCT, 0, 3, 68), MEMBER(T, 1, 0), MEMBER(T, 2, 32), MEMBER(T, 8, 288),
    TYPE(T, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 1, 32), TYPE(0, CONST, 0, 0, 1), TYPEDEF(T, 4), TYPE(0, CONST, 0, 0, 6), ARRAY(7, 1, 4)] },
  { descr: 'struct test #3 Invalid member offset', err: 'Invalid member bits_offset', strs: '\0A\0m\0n\0', types: [
    INT(0, S, 0, 32, 4), INT(0, S, 0, 64, 8), TYPE(T, STRUCT, 0, 2, 16), MEMBER(T, 1, 64), MEMBER(T, 2, 0)] },
  { descr: 'global data test #1', err: null, strs: '\0A\0m\0n\0o\0p\0', types: STRUCT_A4 },
  { descr: 'global data test #2', err: null, strs: '\0A\0m\0n\0o\0p\0t\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), TYPE(T, DATASEC, 0, 1, 48), SECINFO(6, 0, 48)] },
  { descr: 'global data test #3', err: null, strs: '\0t\0.bss\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(2, 0, 4)] },
  { descr: 'global data test #4, unsupported linkage', err: 'Linkage not supported', strs: '\0t\0.bss\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 2), TYPE(T, DATASEC, 0, 1, 4), SECINFO(2, 0, 4)] },
  { descr: 'global data test #5, invalid var type', err: 'Invalid type_id', strs: '\0t\0.bss\0', types: [VAR(T, 0, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(1, 0, 4)] },
  { descr: 'global data test #6, invalid var type (fwd type)', err: 'Invalid type', strs: '\0A\0t\0.bss\0', types: [TYPE(T, FWD, 1, 0, 0), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(2, 0, 4)] },
  { descr: 'global data test #7, invalid var type (fwd type)', err: 'Invalid type', strs: '\0A\0t\0.bss\0', types: [TYPE(T, FWD, 1, 0, 0), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(1, 0, 4)] },
  { descr: 'global data test #8, invalid var size', err: 'Invalid size', strs: '\0A\0m\0n\0o\0p\0t\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), TYPE(T, DATASEC, 0, 1, 48), SECINFO(6, 0, 47)] },
  { descr: 'global data test #9, invalid var size', err: 'Invalid size', strs: '\0A\0m\0n\0o\0p\0t\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), TYPE(T, DATASEC, 0, 1, 46), SECINFO(6, 0, 48)] },
  { descr: 'global data test #10, invalid var size', err: 'Invalid size', strs: '\0A\0m\0n\0o\0p\0t\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), TYPE(T, DATASEC, 0, 1, 46), SECINFO(6, 0, 46)] },
  { descr: 'global data test #11, multiple section members', err: null, strs: '\0A\0m\0n\0o\0p\0t\0u\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 2, 62), SECINFO(6, 10, 48), SECINFO(7, 58, 4)] },
  { descr: 'global data test #12, invalid offset', err: 'Invalid offset+size', strs: '\0A\0m\0n\0o\0p\0t\0u\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 2, 62), SECINFO(6, 10, 48), SECINFO(7, 60, 4)] },
  { descr: 'global data test #13, invalid offset', err: 'Invalid offset', strs: '\0A\0m\0n\0o\0p\0t\0u\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 2, 62), SECINFO(6, 10, 48), SECINFO(7, 12, 4)] },
  { descr: 'global data test #14, invalid offset', err: 'Invalid offset', strs: '\0A\0m\0n\0o\0p\0t\0u\0.bss\0', types: [...STRUCT_A4, VAR(T, 5, 0), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 2, 62), SECINFO(7, 58, 4), SECINFO(6, 10, 48)] },
  { descr: 'global data test #15, not var kind', err: 'Not a VAR kind member', strs: '\0A\0t\0.bss\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(1, 0, 4)] },
  { descr: 'global data test #16, invalid var referencing sec', err: 'Invalid type_id', strs: '\0A\0t\0s\0a\0a\0', types: [
    INT(0, S, 0, 32, 4), VAR(T, 5, 0), VAR(T, 2, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(3, 0, 4), TYPE(T, DATASEC, 0, 1, 4), SECINFO(6, 0, 4), VAR(T, 1, 0)] },
  { descr: 'global data test #17, invalid var referencing var', err: 'Invalid type_id', strs: '\0A\0t\0s\0a\0a\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), VAR(T, 2, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(3, 0, 4)] },
  { descr: 'global data test #18, invalid var loop', err: 'Invalid type_id', strs: '\0A\0t\0aaa\0', types: [INT(0, S, 0, 32, 4), VAR(T, 2, 0), TYPE(T, DATASEC, 0, 1, 4), SECINFO(2, 0, 4)] },
  { descr: 'global data test #19, invalid var referencing var', err: 'Invalid type_id', strs: '\0A\0t\0s\0a\0a\0', types: [INT(0, S, 0, 32, 4), VAR(T, 3, 0), VAR(T, 1, 0)] },
  { descr: 'global data test #20, invalid ptr referencing var', err: 'Invalid type_id', strs: '\0A\0t\0s\0a\0a\0', types: [INT(0, S, 0, 32, 4), TYPE(0, PTR, 0, 0, 3), VAR(T, 1, 0)] },
  { descr: 'global data test #21, var included in struct', err: 'Invalid member', strs: '\0A\0t\0s\0a\0a\0', types: [INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 3, 32), VAR(T, 1, 0)] },
  { descr: 'global data test #22, array of var', err: 'Invalid elem', strs: '\0A\0t\0s\0a\0a\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 1, 4), VAR(T, 1, 0)] },
  { descr: 'size check test #1', err: 'Member exceeds struct_size', strs: '\0A\0m\0n\0', types: [INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 2, 7), MEMBER(T, 1, 0), MEMBER(T, 1, 32)] },
  { descr: 'size check test #2', err: 'Member exceeds struct_size', strs: '\0A\0m\0n\0', types: [INT(0, S, 0, 32, 4), ARRAY(1, 1, 2), TYPE(T, STRUCT, 0, 2, 11), MEMBER(T, 1, 0), MEMBER(T, 2, 32)] },
  { descr: 'size check test #3', err: 'Member exceeds struct_size', strs: '\0A\0m\0n\0', types: [INT(0, S, 0, 32, 4), TYPE(0, PTR, 0, 0, 0), TYPE(T, STRUCT, 0, 2, 11), MEMBER(T, 1, 0), MEMBER(T, 2, 32)] },
  { descr: 'size check test #4', err: 'Member exceeds struct_size', strs: '\0E\0E0\0E1\0A\0m\0n\0', types: [
    INT(0, S, 0, 32, 4), TYPE(T, ENUMK, 0, 2, 4), ENUM(T, 0), ENUM(T, 1), TYPE(T, STRUCT, 0, 2, 7), MEMBER(T, 1, 0), MEMBER(T, 2, 32)] },
  { descr: 'size check test #5', err: null, strs: '\0E\0E0\0E1\0A\0m\0n\0', types: [
    INT(0, S, 0, 32, 4), INT(0, S, 0, 8, 1), TYPE(T, ENUMK, 0, 2, 1), ENUM(T, 0), ENUM(T, 1), TYPE(T, STRUCT, 0, 2, 2), MEMBER(T, 2, 0), MEMBER(T, 3, 8)] },
  { descr: 'void test #1', err: null, strs: '\0const_void_ptr\0A\0m\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, CONST, 0, 0, 0), TYPE(0, PTR, 0, 0, 2), TYPEDEF(T, 3), TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 4, 0)] },
  { descr: 'void test #2', err: 'Invalid member', strs: '\0A\0m\0', types: [INT(0, S, 0, 32, 4), TYPE(0, CONST, 0, 0, 0), TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 2, 0)] },
  { descr: 'void test #3', err: null, strs: '\0const_void_ptr\0', types: [INT(0, S, 0, 32, 4), TYPE(0, CONST, 0, 0, 0), TYPE(0, PTR, 0, 0, 2), TYPEDEF(T, 3), ARRAY(4, 1, 4)] },
  { descr: 'void test #4', err: 'Invalid elem', strs: '\0A\0m\0', types: [INT(0, S, 0, 32, 4), TYPE(0, CONST, 0, 0, 0), ARRAY(2, 1, 4)] },
  { descr: 'loop test #1', err: 'Loop detected', strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 1, 8), ARRAY(2, 1, 8)] },
  { descr: 'loop test #2', err: 'Loop detected', strs: '\0int_array\0', types: [INT(0, S, 0, 32, 4), TYPEDEF(1, 4), ARRAY(2, 1, 8), ARRAY(3, 1, 8)] },
  { descr: 'loop test #4', err: 'Loop detected', strs: '\0int_array\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 1, 8), TYPEDEF(T, 4), ARRAY(2, 1, 8)] },
  { descr: 'loop test #5', err: 'Loop detected', strs: '\0A\0x\0y\0Struct_B\0B\0x\0y\0', types: [
    INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 3, 32), TYPEDEF(T, 4), TYPE(T, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 2, 32)] },
  { descr: 'loop test #6', err: 'Loop detected', strs: '\0A\0x\0y\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 1, 4), TYPE(T, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 2, 32)] },
  { descr: 'loop test #7', err: 'Loop detected', strs: '\0A\0m\0', types: [INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 3, 0), TYPE(0, CONST, 0, 0, 4), TYPE(0, PTR, 0, 0, 3)] },
  { descr: 'loop test #8', err: 'Loop detected', strs: '\0A\0m\0B\0n\0', types: [
    INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 4, 0), TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 6, 0),
    TYPE(0, CONST, 0, 0, 5), TYPE(0, PTR, 0, 0, 6), TYPE(0, CONST, 0, 0, 7), TYPE(0, PTR, 0, 0, 4)] },
  { descr: 'string section does not end with null', err: 'Invalid string section', strs: '\0int', types: [INT(T, S, 0, 32, 4)] },
  { descr: 'empty string section', err: 'Invalid string section', strs: '', types: [INT(0, S, 0, 32, 4)] },
  { descr: 'empty type section', err: 'No type found', strs: '\0int\0', types: [] },
  { descr: 'btf_header test. Longer hdr_len', err: 'Unsupported btf_header', strs: '\0int\0', types: HDR_INT, hdr: hdr({ hdrLen: 4 }) },
  { descr: 'btf_header test. Gap between hdr and type', err: 'Unsupported section found', strs: '\0int\0', types: HDR_INT, hdr: hdr({ typeOff: 4 }) },
  { descr: 'btf_header test. Gap between type and str', err: 'Unsupported section found', strs: '\0int\0', types: HDR_INT, hdr: hdr({ strOff: 4 }) },
  { descr: 'btf_header test. Overlap between type and str', err: 'Section overlap found', strs: '\0int\0', types: HDR_INT, hdr: hdr({ strOff: -4 }) },
  { descr: 'btf_header test. Larger BTF size', err: 'Unsupported section found', strs: '\0int\0', types: HDR_INT, hdr: hdr({ strLen: -4 }) },
  { descr: 'btf_header test. Smaller BTF size', err: 'Total section length too long', strs: '\0int\0', types: HDR_INT, hdr: hdr({ strLen: 4 }) },
  { descr: 'array test. index_type/elem_type "int"', err: null, strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(1, 1, 16)] },
  { descr: 'array test. index_type/elem_type "const int"', err: null, strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 3, 16), TYPE(0, CONST, 0, 0, 1)] },
  { descr: 'array test. index_type "const int:31"', err: 'Invalid index', strs: '\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 31, 4), ARRAY(1, 4, 16), TYPE(0, CONST, 0, 0, 2)] },
  { descr: 'array test. elem_type "const int:31"', err: 'Invalid array of int', strs: '\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 31, 4), ARRAY(4, 1, 16), TYPE(0, CONST, 0, 0, 2)] },
  { descr: 'array test. index_type "void"', err: 'Invalid index', strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(1, 0, 16)] },
  { descr: 'array test. index_type "const void"', err: 'Invalid index', strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(1, 3, 16), TYPE(0, CONST, 0, 0, 0)] },
  { descr: 'array test. elem_type "const void"', err: 'Invalid elem', strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 1, 16), TYPE(0, CONST, 0, 0, 0)] },
  { descr: 'array test. elem_type "const void *"', err: null, strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 1, 16), TYPE(0, CONST, 0, 0, 4), TYPE(0, PTR, 0, 0, 0)] },
  { descr: 'array test. index_type "const void *"', err: 'Invalid index', strs: '\0', types: [INT(0, S, 0, 32, 4), ARRAY(3, 3, 16), TYPE(0, CONST, 0, 0, 4), TYPE(0, PTR, 0, 0, 0)] },
  { descr: 'array test. t->size != 0"', err: 'size != 0', strs: '\0', types: [INT(0, S, 0, 32, 4), [0, info(3, 0, 0), 1, 1, 1, 16]] },
  { descr: 'int test. invalid int_data', err: 'Invalid int_data', strs: '\0', types: [[0, info(1, 0, 0), 4, 0x10000000]] },
  { descr: 'invalid BTF_INFO', err: 'Invalid btf_info', strs: '\0', types: [INT(0, S, 0, 32, 4), [0, 0x20000000, 4]] },
  { descr: 'fwd test. t->type != 0"', err: 'type != 0', strs: '\0', types: [INT(0, S, 0, 32, 4), TYPE(0, FWD, 0, 0, 1)] },
  { descr: 'typedef (invalid name, name_off = 0)', err: 'Invalid name', strs: '\0__int\0', types: [INT(0, S, 0, 32, 4), TYPEDEF(0, 1)] },
  { descr: 'typedef (invalid name, invalid identifier)', err: 'Invalid name', strs: '\0__!int\0', types: [INT(0, S, 0, 32, 4), TYPEDEF(T, 1)] },
  { descr: 'ptr type (invalid name, name_off <> 0)', err: 'Invalid name', strs: '\0__int\0', types: [INT(0, S, 0, 32, 4), TYPE(T, PTR, 0, 0, 1)] },
  { descr: 'volatile type (invalid name, name_off <> 0)', err: 'Invalid name', strs: '\0__int\0', types: [INT(0, S, 0, 32, 4), TYPE(T, VOLATILE, 0, 0, 1)] },
  { descr: 'const type (invalid name, name_off <> 0)', err: 'Invalid name', strs: '\0__int\0', types: [INT(0, S, 0, 32, 4), TYPE(T, CONST, 0, 0, 1)] },
  { descr: 'restrict type (invalid name, name_off <> 0)', err: 'Invalid name', strs: '\0__int\0', types: [INT(0, S, 0, 32, 4), TYPE(0, PTR, 0, 0, 1), TYPE(T, RESTRICT, 0, 0, 2)] },
  { descr: 'fwd type (invalid name, name_off = 0)', err: 'Invalid name', strs: '\0__skb\0', types: [INT(0, S, 0, 32, 4), TYPE(0, FWD, 0, 0, 0)] },
  { descr: 'fwd type (invalid name, invalid identifier)', err: 'Invalid name', strs: '\0__!skb\0', types: [INT(0, S, 0, 32, 4), TYPE(T, FWD, 0, 0, 0)] },
  { descr: 'array type (invalid name, name_off <> 0)', err: 'Invalid name', strs: '\0__skb\0', types: [INT(0, S, 0, 32, 4), [T, info(3, 0, 0), 0, 1, 1, 4]] },
  { descr: 'struct type (name_off = 0)', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 0, 1, 4), MEMBER(T, 1, 0)] },
  { descr: 'struct type (invalid name, invalid identifier)', err: 'Invalid name', strs: '\0A!\0B\0', types: [INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 1, 4), MEMBER(T, 1, 0)] },
  { descr: 'struct member (name_off = 0)', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 0, 1, 4), MEMBER(T, 1, 0)] },
  { descr: 'struct member (invalid name, invalid identifier)', err: 'Invalid name', strs: '\0A\0B*\0', types: [INT(0, S, 0, 32, 4), TYPE(T, STRUCT, 0, 1, 4), MEMBER(T, 1, 0)] },
  { descr: 'enum type (name_off = 0)', err: null, strs: '\0A\0B\0', types: [INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0)] },
  { descr: 'enum type (invalid name, invalid identifier)', err: 'Invalid name', strs: '\0A!\0B\0', types: [INT(0, S, 0, 32, 4), TYPE(T, ENUMK, 0, 1, 4), ENUM(T, 0)] },
  { descr: 'enum member (invalid name, name_off = 0)', err: 'Invalid name', strs: '\0', types: [INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(0, 0)] },
  { descr: 'enum member (invalid name, invalid identifier)', err: 'Invalid name', strs: '\0A!\0', types: [INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0)] },
  { descr: 'func proto (int (*)(int, unsigned int))', err: null, strs: '\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(1, 2), ARG(0, 1), ARG(0, 2)] },
  { descr: 'func proto (vararg)', err: null, strs: '\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 3), ARG(0, 1), ARG(0, 2), ARG(0, 0)] },
  { descr: 'func proto (vararg with name)', err: 'Invalid arg#3', strs: '\0a\0b\0c\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 3), ARG(T, 1), ARG(T, 2), ARG(T, 0)] },
  { descr: 'func proto (arg after vararg)', err: 'Invalid arg#2', strs: '\0a\0b\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 3), ARG(T, 1), ARG(0, 0), ARG(T, 2)] },
  { descr: 'func proto (CONST=>TYPEDEF=>PTR=>FUNC_PROTO)', err: null, strs: '\0func_ptr\0', types: [
    INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), TYPEDEF(T, 5), TYPE(0, CONST, 0, 0, 3), TYPE(0, PTR, 0, 0, 6), PROTO(0, 2), ARG(0, 1), ARG(0, 2)] },
  { descr: 'func proto (TYPEDEF=>FUNC_PROTO)', err: null, strs: '\0func_typedef\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), TYPEDEF(T, 4), PROTO(0, 2), ARG(0, 1), ARG(0, 2)] },
  { descr: 'func proto (btf_resolve(arg))', err: null, strs: '\0', types: [INT(0, S, 0, 32, 4), PROTO(0, 1), ARG(0, 3), TYPE(0, CONST, 0, 0, 4), TYPE(0, PTR, 0, 0, 0)] },
  { descr: 'func proto (Not all arg has name)', err: null, strs: '\0b\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(0, 1), ARG(T, 2)] },
  { descr: 'func proto (Bad arg name_off)', err: 'Invalid arg#2', strs: '\0a\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(0x0fffffff, 2)] },
  { descr: 'func proto (Bad arg name)', err: 'Invalid arg#2', strs: '\0a\0!!!\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 2)] },
  { descr: 'func proto (Invalid return type)', err: 'Invalid return type', strs: '\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(100, 2), ARG(0, 1), ARG(0, 2)] },
  { descr: 'func proto (with func name)', err: 'Invalid name', strs: '\0func_proto\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), [T, info(13, 0, 2), 0], ARG(0, 1), ARG(0, 2)] },
  { descr: 'func proto (const void arg)', err: 'Invalid arg#1', strs: '\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 1), ARG(0, 4), TYPE(0, CONST, 0, 0, 0)] },
  { descr: 'func (void func(int a, unsigned int b))', err: null, strs: '\0a\0b\0func\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 2), FUNC(T, 3)] },
  { descr: 'func (No func name)', err: 'Invalid name', strs: '\0a\0b\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 2), FUNC(0, 3)] },
  { descr: 'func (Invalid func name)', err: 'Invalid name', strs: '\0a\0b\0!!!\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 2), FUNC(T, 3)] },
  { descr: 'func (Some arg has no name)', err: 'Invalid arg#2', strs: '\0a\0func\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(0, 2), FUNC(T, 3)] },
  { descr: 'func (Non zero vlen)', err: 'Invalid func linkage', strs: '\0a\0b\0func\0', types: [INT(0, S, 0, 32, 4), INT(0, 0, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 2), [T, info(12, 0, 2), 3]] },
  { descr: 'func (Not referring to FUNC_PROTO)', err: 'Invalid type_id', strs: '\0func\0', types: [INT(0, S, 0, 32, 4), FUNC(T, 1)] },
  { descr: 'invalid int kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), [0, info(1, 1, 0), 4, 32]] },
  { descr: 'invalid ptr kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), TYPE(0, PTR, 1, 0, 1)] },
  { descr: 'invalid array kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), [0, info(3, 1, 0), 0, 1, 1, 1]] },
  // Linux 6.0 made kind_flag the signedness of an ENUM: this one loads now.
  { descr: 'invalid enum kind_flag (accepted since 6.0: signed enum)', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 1, 1, 4), ENUM(T, 0)] },
  { descr: 'valid fwd kind_flag', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), TYPE(T, FWD, 1, 0, 0)] },
  { descr: 'invalid typedef kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0A\0', types: [INT(0, S, 0, 32, 4), [T, info(8, 1, 0), 1]] },
  { descr: 'invalid volatile kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), TYPE(0, VOLATILE, 1, 0, 1)] },
  { descr: 'invalid const kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), TYPE(0, CONST, 1, 0, 1)] },
  { descr: 'invalid restrict kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), TYPE(0, RESTRICT, 1, 0, 1)] },
  { descr: 'invalid func kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0A\0', types: [INT(0, S, 0, 32, 4), PROTO(0, 0), [T, info(12, 1, 0), 2]] },
  { descr: 'invalid func_proto kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0', types: [INT(0, S, 0, 32, 4), [0, info(13, 1, 0), 0]] },
  { descr: 'valid struct, kind_flag, bitfield_size = 0', err: null, strs: '\0A\0B\0', types: [INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 1, 2, 8), MEMBER(T, 1, bf(0, 0)), MEMBER(T, 1, bf(0, 32))] },
  { descr: 'valid struct, kind_flag, int member, bitfield_size != 0', err: null, strs: '\0A\0B\0', types: [INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 1, 2, 4), MEMBER(T, 1, bf(4, 0)), MEMBER(T, 1, bf(4, 4))] },
  { descr: 'valid union, kind_flag, int member, bitfield_size != 0', err: null, strs: '\0A\0B\0', types: [INT(0, S, 0, 32, 4), TYPE(0, 5, 1, 2, 4), MEMBER(T, 1, bf(4, 0)), MEMBER(T, 1, bf(4, 0))] },
  { descr: 'valid struct, kind_flag, enum member, bitfield_size != 0', err: null, strs: '\0A\0B\0C\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0), TYPE(0, STRUCT, 1, 2, 4), MEMBER(T, 2, bf(4, 0)), MEMBER(T, 2, bf(4, 4))] },
  { descr: 'valid union, kind_flag, enum member, bitfield_size != 0', err: null, strs: '\0A\0B\0C\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0), TYPE(0, 5, 1, 2, 4), MEMBER(T, 2, bf(4, 0)), MEMBER(T, 2, bf(4, 0))] },
  { descr: 'valid struct, kind_flag, typedef member, bitfield_size != 0', err: null, strs: '\0A\0B\0C\0D\0E\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0), TYPE(0, STRUCT, 1, 2, 4), MEMBER(T, 4, bf(4, 0)), MEMBER(T, 5, bf(4, 4)), TYPEDEF(T, 1), TYPEDEF(T, 2)] },
  { descr: 'valid union, kind_flag, typedef member, bitfield_size != 0', err: null, strs: '\0A\0B\0C\0D\0E\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0), TYPE(0, 5, 1, 2, 4), MEMBER(T, 4, bf(4, 0)), MEMBER(T, 5, bf(4, 0)), TYPEDEF(T, 1), TYPEDEF(T, 2)] },
  { descr: 'invalid struct, kind_flag, bitfield_size greater than struct size', err: 'Member exceeds struct_size', strs: '\0A\0B\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 1, 2, 4), MEMBER(T, 1, bf(20, 0)), MEMBER(T, 1, bf(20, 20))] },
  { descr: 'invalid struct, kind_flag, bitfield base_type int not regular', err: 'Invalid member base type', strs: '\0A\0B\0', types: [
    INT(0, S, 0, 32, 4), INT(0, S, 0, 20, 4), TYPE(0, STRUCT, 1, 2, 4), MEMBER(T, 2, bf(20, 0)), MEMBER(T, 2, bf(20, 20))] },
  { descr: 'invalid struct, kind_flag, base_type int not regular', err: 'Invalid member base type', strs: '\0A\0B\0', types: [
    INT(0, S, 0, 32, 4), INT(0, S, 0, 12, 4), TYPE(0, STRUCT, 1, 2, 4), MEMBER(T, 2, bf(8, 0)), MEMBER(T, 2, bf(8, 8))] },
  { descr: 'invalid union, kind_flag, bitfield_size greater than struct size', err: 'Member exceeds struct_size', strs: '\0A\0B\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, 5, 1, 2, 2), MEMBER(T, 1, bf(8, 0)), MEMBER(T, 1, bf(20, 0))] },
  { descr: 'invalid struct, kind_flag, int member, bitfield_size = 0, wrong byte alignment', err: 'Invalid member offset', strs: '\0A\0B\0', types: [
    INT(0, S, 0, 32, 4), INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 1, 2, 12), MEMBER(T, 2, bf(0, 0)), MEMBER(T, 2, bf(0, 36))] },
  { descr: 'invalid struct, kind_flag, enum member, bitfield_size = 0, wrong byte alignment', err: 'Invalid member offset', strs: '\0A\0B\0C\0', types: [
    INT(0, S, 0, 32, 4), INT(0, S, 0, 32, 4), TYPE(0, ENUMK, 0, 1, 4), ENUM(T, 0), TYPE(0, STRUCT, 1, 2, 12), MEMBER(T, 2, bf(0, 0)), MEMBER(T, 2, bf(0, 36))] },
  { descr: '128-bit int', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 128, 16)] },
  { descr: 'struct, 128-bit int member', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 128, 16), TYPE(0, STRUCT, 0, 1, 16), MEMBER(T, 2, 0)] },
  { descr: 'struct, 120-bit int member bitfield', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 120, 16), TYPE(0, STRUCT, 0, 1, 16), MEMBER(T, 2, 0)] },
  { descr: 'struct, kind_flag, 128-bit int member', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 128, 16), TYPE(0, STRUCT, 1, 1, 16), MEMBER(T, 2, bf(0, 0))] },
  { descr: 'struct, kind_flag, 120-bit int member bitfield', err: null, strs: '\0A\0', types: [INT(0, S, 0, 32, 4), INT(0, S, 0, 128, 16), TYPE(0, STRUCT, 1, 1, 16), MEMBER(T, 2, bf(120, 0))] },
  { descr: 'struct->ptr->typedef->array->int size resolution', err: null, strs: '\0s\0a\0arr_t\0', types: [
    TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 2, 0), TYPE(0, PTR, 0, 0, 3), TYPEDEF(T, 4), ARRAY(5, 5, 16), INT(0, S, 0, 32, 4)] },
  { descr: 'struct->ptr->typedef->multi-array->int size resolution', err: null, strs: '\0s\0a\0arr_t\0', types: [
    TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 2, 0), TYPE(0, PTR, 0, 0, 3), TYPEDEF(T, 4), ARRAY(5, 7, 16), ARRAY(6, 7, 8), ARRAY(7, 7, 4), INT(0, S, 0, 32, 4)] },
  { descr: 'typedef/multi-arr mix size resolution', err: null, strs: '\0s\0a\0arr1_t\0arr2_t\0arr3_t\0int_t\0', types: [
    TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 2, 0), TYPE(0, PTR, 0, 0, 3), TYPEDEF(T, 4), ARRAY(5, 10, 16), TYPEDEF(T, 6), ARRAY(7, 10, 8), TYPEDEF(T, 8), ARRAY(9, 10, 4), TYPEDEF(T, 10), INT(0, S, 0, 32, 4)] },
  { descr: 'datasec: vlen == 0', err: null, strs: '\0.rodata\0', types: [INT(0, S, 0, 32, 4), TYPE(1, DATASEC, 0, 0, 4)] },
  { descr: 'float test #1, well-formed', err: null, strs: '\0int\0_Float16\0float\0double\0_Float80\0long_double\0floats\0a\0b\0c\0d\0e\0', types: [
    INT(T, S, 0, 32, 4), TYPE(T, FLOAT, 0, 0, 2), TYPE(T, FLOAT, 0, 0, 4), TYPE(T, FLOAT, 0, 0, 8), TYPE(T, FLOAT, 0, 0, 12), TYPE(T, FLOAT, 0, 0, 16),
    TYPE(T, STRUCT, 0, 5, 48), MEMBER(T, 2, 0), MEMBER(T, 3, 32), MEMBER(T, 4, 64), MEMBER(T, 5, 128), MEMBER(T, 6, 256)] },
  { descr: 'float test #2, invalid vlen', err: 'vlen != 0', strs: '\0int\0float\0', types: [INT(T, S, 0, 32, 4), TYPE(T, FLOAT, 0, 1, 4)] },
  { descr: 'float test #3, invalid kind_flag', err: 'Invalid btf_info kind_flag', strs: '\0int\0float\0', types: [INT(T, S, 0, 32, 4), TYPE(T, FLOAT, 1, 0, 4)] },
  { descr: 'float test #4, member does not fit', err: 'Member exceeds struct_size', strs: '\0int\0float\0floats\0x\0', types: [INT(T, S, 0, 32, 4), TYPE(T, FLOAT, 0, 0, 4), TYPE(T, STRUCT, 0, 1, 2), MEMBER(T, 2, 0)] },
  { descr: 'float test #5, member is not properly aligned', err: 'Member is not properly aligned', strs: '\0int\0float\0floats\0x\0', types: [INT(T, S, 0, 32, 4), TYPE(T, FLOAT, 0, 0, 4), TYPE(T, STRUCT, 0, 1, 8), MEMBER(T, 2, 8)] },
  { descr: 'float test #6, invalid size', err: 'Invalid type_size', strs: '\0int\0float\0', types: [INT(T, S, 0, 32, 4), TYPE(T, FLOAT, 0, 0, 6)] },
  { descr: 'tag test #1, struct/member, well-formed', err: null, strs: '\0m1\0m2\0tag1\0tag2\0tag3\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 1, 32), TAG(T, 2, -1), TAG(T, 2, 0), TAG(T, 2, 1)] },
  { descr: 'tag test #2, union/member, well-formed', err: null, strs: '\0t\0m1\0m2\0tag1\0tag2\0tag3\0', types: [
    INT(0, S, 0, 32, 4), TYPE(T, 5, 0, 2, 4), MEMBER(T, 1, 0), MEMBER(T, 1, 0), TAG(T, 2, -1), TAG(T, 2, 0), TAG(T, 2, 1)] },
  { descr: 'tag test #3, variable, well-formed', err: null, strs: '\0local\0global\0tag1\0tag2\0', types: [
    INT(0, S, 0, 32, 4), VAR(T, 1, 0), VAR(T, 1, 1), TAG(T, 2, -1), TAG(T, 3, -1)] },
  { descr: 'tag test #4, func/parameter, well-formed', err: null, strs: '\0arg1\0arg2\0f\0tag1\0tag2\0tag3\0', types: [
    INT(0, S, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 1), FUNC(T, 2), TAG(T, 3, -1), TAG(T, 3, 0), TAG(T, 3, 1)] },
  { descr: 'tag test #5, invalid value', err: 'Invalid value', strs: '\0local\0tag\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), TAG(0, 2, -1)] },
  { descr: 'tag test #6, invalid target type', err: 'Invalid type', strs: '\0tag1\0', types: [INT(0, S, 0, 32, 4), TAG(T, 1, -1)] },
  { descr: 'tag test #7, invalid vlen', err: 'vlen != 0', strs: '\0local\0tag1\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), [T, info(17, 0, 1), 2, 0]] },
  // Linux 6.13 gave DECL_TAG a kind_flag (an attribute, not a tag): this one loads now.
  { descr: 'tag test #8, invalid kflag (accepted since 6.13: decl attribute)', err: null, strs: '\0local\0tag1\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), [T, info(17, 1, 0), 2, 0xffffffff]] },
  { descr: 'tag test #9, var, invalid component_idx', err: 'Invalid component_idx', strs: '\0local\0tag\0', types: [INT(0, S, 0, 32, 4), VAR(T, 1, 0), TAG(T, 2, 0)] },
  { descr: 'tag test #10, struct member, invalid component_idx', err: 'Invalid component_idx', strs: '\0m1\0m2\0tag\0', types: [
    INT(0, S, 0, 32, 4), TYPE(0, STRUCT, 0, 2, 8), MEMBER(T, 1, 0), MEMBER(T, 1, 32), TAG(T, 2, 2)] },
  { descr: 'tag test #11, func parameter, invalid component_idx', err: 'Invalid component_idx', strs: '\0arg1\0arg2\0f\0tag\0', types: [
    INT(0, S, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 1), FUNC(T, 2), TAG(T, 3, 2)] },
  { descr: 'tag test #12, < -1 component_idx', err: 'Invalid component_idx', strs: '\0arg1\0arg2\0f\0tag\0', types: [
    INT(0, S, 0, 32, 4), PROTO(0, 2), ARG(T, 1), ARG(T, 1), FUNC(T, 2), TAG(T, 3, -2)] },
];

/** The ported raw_tests as checker cases (names prefixed with `raw_tests:`). */
export const RAW_TESTS: CheckCase[] = RAW.map((t) => {
  const c: CheckCase = { name: `raw_tests: ${t.descr}`, words: tbd(t.types.flat(), t.strs), strs: t.strs, err: t.err };
  if (t.hdr) c.hdr = t.hdr;
  return c;
});
