/**
 * Cases for the kernel verifier check, in the spirit of the kernel's own
 * `raw_tests` (tools/testing/selftests/bpf/prog_tests/btf.c): a type section
 * as words, a string table, and the message the kernel must end its log
 * with (`err`, a substring of the last line) or null when it must load.
 * Strings: "\0A\0B\0C\0D\0E\0F\0G" puts A at 1, B at 3, ... G at 13.
 */
import { int, kOffset, member, rawBtf, type, type RawHeader } from './raw-btf.js';
import { RAW_TESTS } from './raw-tests.js';

export interface CheckCase {
  name: string;
  words: number[];
  strs?: string;
  hdr?: RawHeader;
  /** Substring of the kernel's last log line, or null when the BTF loads. */
  err: string | null;
}

const S = '\0A\0B\0C\0D\0E\0F\0G\0';
const A = 1,
  B = 3,
  C = 5,
  D = 7,
  E = 9,
  F = 11;
const INT = int(0, 1, 0, 32, 4); // [1] int
const PTR = 2,
  ARRAY = 3,
  STRUCT = 4,
  UNION = 5,
  ENUM = 6,
  FWD = 7,
  TYPEDEF = 8,
  CONST = 10;
const FUNC = 12,
  PROTO = 13,
  VAR = 14,
  DATASEC = 15,
  FLOAT = 16,
  DECL_TAG = 17,
  TYPE_TAG = 18,
  ENUM64 = 19;

const OWN_CASES: CheckCase[] = [
  // ---- accepted
  {
    name: 'int, pointer, struct with a self pointer',
    err: null,
    words: [...INT, ...type(0, PTR, 0, 0, 3), ...type(A, STRUCT, 0, 2, 16), ...member(B, 1, 0), ...member(C, 2, 64)],
  },
  { name: 'unnamed int, array of int', err: null, words: [...INT, ...type(0, ARRAY, 0, 0, 0), 1, 1, 16] },
  {
    name: 'func and proto with named args and vararg',
    err: null,
    words: [...INT, ...type(0, PROTO, 0, 2, 1), A, 1, 0, 0, ...type(B, FUNC, 0, 1, 2)],
  },
  {
    name: 'datasec of two vars',
    err: null,
    words: [
      ...INT,
      ...type(A, VAR, 0, 0, 1),
      1,
      ...type(B, VAR, 0, 0, 1),
      0,
      ...type(C, DATASEC, 0, 2, 8),
      2,
      0,
      4,
      3,
      4,
      4,
    ],
  },
  {
    name: 'decl tags on struct member and func arg',
    err: null,
    words: [
      ...INT,
      ...type(A, STRUCT, 0, 1, 4),
      ...member(B, 1, 0),
      ...type(C, DECL_TAG, 0, 0, 2),
      0,
      ...type(0, PROTO, 0, 1, 1),
      D,
      1,
      ...type(E, FUNC, 0, 0, 4),
      ...type(C, DECL_TAG, 0, 0, 5),
      0,
    ],
  },
  {
    name: 'type tag before const',
    err: null,
    words: [...INT, ...type(A, TYPE_TAG, 0, 0, 3), ...type(0, CONST, 0, 0, 1), ...type(0, PTR, 0, 0, 2)],
  },
  {
    name: 'bitfields with kind_flag',
    err: null,
    words: [...INT, ...type(A, STRUCT, 1, 2, 4), ...member(B, 1, kOffset(3, 0)), ...member(C, 1, kOffset(5, 3))],
  },
  {
    name: 'enum64 and float members',
    err: null,
    words: [
      ...type(A, ENUM64, 0, 1, 8),
      B,
      1,
      2,
      ...type(C, FLOAT, 0, 0, 8),
      ...type(D, STRUCT, 0, 2, 16),
      ...member(E, 1, 0),
      ...member(F, 2, 64),
    ],
  },
  {
    name: 'const void pointer, typedef of func proto',
    err: null,
    words: [
      ...type(0, CONST, 0, 0, 0),
      ...type(0, PTR, 0, 0, 1),
      ...type(0, PROTO, 0, 0, 0),
      ...type(A, TYPEDEF, 0, 0, 3),
    ],
  },
  // ---- header and sections
  { name: 'bad magic', err: 'Invalid magic', words: INT, hdr: { magic: 0x9feb } },
  { name: 'version 2', err: 'Unsupported version', words: INT, hdr: { version: 2 } },
  { name: 'flags', err: 'Unsupported flags', words: INT, hdr: { flags: 1 } },
  { name: 'string section overlaps types', err: 'Section overlap found', words: INT, hdr: { strOff: 8 } },
  { name: 'gap before strings', err: 'Unsupported section found', words: INT, hdr: { typeLen: 12 } },
  { name: 'string section not NUL-terminated', err: 'Invalid string section', words: INT, strs: '\0A' },
  { name: 'string section not starting with NUL', err: 'Invalid string section', words: INT, strs: 'A\0' },
  { name: 'no types', err: 'No type found', words: [] },
  // ---- metas
  { name: 'truncated record', err: 'meta_left:8 meta_needed:12', words: [...INT, 0, info2(PTR)] },
  { name: 'kind 0', err: 'Invalid kind:0', words: [...INT, 0, 0, 0] },
  { name: 'kind 20', err: 'Invalid kind:20', words: [...INT, 0, 20 << 24, 0] },
  { name: 'info reserved bits', err: 'Invalid btf_info:2010000', words: [...INT, 0, 0x02010000, 0] },
  {
    name: 'name offset past strings',
    err: 'Invalid name_offset:1000',
    words: [...INT, ...type(1000, STRUCT, 0, 0, 4)],
  },
  { name: 'int nr_bits past size', err: 'nr_bits exceeds type_size', words: [...int(0, 0, 0, 33, 4)] },
  { name: 'int nr_bits over 128', err: 'nr_bits exceeds 128', words: [...int(0, 0, 8, 128, 16)] },
  { name: 'int encoding SIGNED|CHAR', err: 'Unsupported encoding', words: [...int(0, 3, 0, 32, 4)] },
  { name: 'int kind_flag', err: 'Invalid btf_info kind_flag', words: [0, 0x81000000, 4, 32] },
  { name: 'pointer with a name', err: 'Invalid name', words: [...INT, ...type(A, PTR, 0, 0, 1)] },
  { name: 'typedef without a name', err: 'Invalid name', words: [...INT, ...type(0, TYPEDEF, 0, 0, 1)] },
  { name: 'fwd named ?foo', err: 'Invalid name', words: [...type(1, FWD, 0, 0, 0)], strs: '\0?foo\0' },
  { name: 'fwd with type', err: 'type != 0', words: [...type(A, FWD, 0, 0, 1)] },
  { name: 'array with a name', err: 'Invalid name', words: [...INT, ...type(A, ARRAY, 0, 0, 0), 1, 1, 1] },
  { name: 'array of void', err: 'Invalid elem', words: [...INT, ...type(0, ARRAY, 0, 0, 0), 0, 1, 1] },
  {
    name: 'struct name with a dash',
    err: 'Invalid name',
    words: [...INT, ...type(1, STRUCT, 0, 0, 4)],
    strs: '\0a-b\0',
  },
  {
    name: 'member of type void',
    err: 'Invalid type_id',
    words: [...INT, ...type(A, STRUCT, 0, 1, 4), ...member(B, 0, 0)],
  },
  {
    name: 'union member at bit 8',
    err: 'Invalid member bits_offset',
    words: [...INT, ...type(A, UNION, 0, 1, 4), ...member(B, 1, 8)],
  },
  {
    name: 'members out of order',
    err: 'Invalid member bits_offset',
    words: [...INT, ...type(A, STRUCT, 0, 2, 8), ...member(B, 1, 32), ...member(C, 1, 0)],
  },
  {
    name: 'member past struct size',
    err: 'Member bits_offset exceeds its struct size',
    words: [...INT, ...type(A, STRUCT, 0, 1, 4), ...member(B, 1, 64)],
  },
  { name: 'enum size 3', err: 'Unexpected size', words: [...type(A, ENUM, 0, 1, 3), B, 0] },
  { name: 'enum value without name', err: 'Invalid name', words: [...type(A, ENUM, 0, 1, 4), 0, 0] },
  { name: 'func_proto with a name', err: 'Invalid name', words: [...type(A, PROTO, 0, 0, 0)] },
  {
    name: 'func extern linkage',
    err: 'Invalid func linkage',
    words: [...type(0, PROTO, 0, 0, 0), ...type(A, FUNC, 0, 2, 1)],
  },
  { name: 'var extern linkage', err: 'Linkage not supported', words: [...INT, ...type(A, VAR, 0, 0, 1), 2] },
  // KSYM_NAME_LEN (512) bounds identifiers and DATASEC names; INT names are not checked
  {
    name: 'struct name of 512 bytes',
    err: null,
    words: [...INT, ...type(1, STRUCT, 0, 1, 4), ...member(0, 1, 0)],
    strs: `\0${'s'.repeat(512)}\0`,
  },
  {
    name: 'struct name of 513 bytes',
    err: 'Invalid name',
    words: [...INT, ...type(1, STRUCT, 0, 1, 4), ...member(0, 1, 0)],
    strs: `\0${'s'.repeat(513)}\0`,
  },
  { name: 'int name of 600 bytes', err: null, words: int(1, 1, 0, 32, 4), strs: `\0${'i'.repeat(600)}\0` },
  {
    name: 'datasec name of 512 bytes',
    err: null,
    words: [...INT, ...type(1, VAR, 0, 0, 1), 0, ...type(3, DATASEC, 0, 1, 4), 2, 0, 4],
    strs: `\0v\0${'d'.repeat(512)}\0`,
  },
  {
    name: 'datasec name of 513 bytes',
    err: 'Invalid name',
    words: [...INT, ...type(1, VAR, 0, 0, 1), 0, ...type(3, DATASEC, 0, 1, 4), 2, 0, 4],
    strs: `\0v\0${'d'.repeat(513)}\0`,
  },
  {
    name: 'datasec named ?.maps (printable: 6.18 takes it)',
    err: null,
    words: [...INT, ...type(1, VAR, 0, 0, 1), 0, ...type(3, DATASEC, 0, 1, 4), 2, 0, 4],
    strs: '\0v\0?.maps\0',
  },
  {
    name: 'datasec size 0',
    err: 'size == 0',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(1, DATASEC, 0, 1, 0), 2, 0, 4],
    strs: '\0.bss\0',
  },
  {
    name: 'datasec vars overlap',
    err: 'Invalid offset',
    words: [
      ...INT,
      ...type(A, VAR, 0, 0, 1),
      0,
      ...type(B, VAR, 0, 0, 1),
      0,
      ...type(C, DATASEC, 0, 2, 8),
      2,
      0,
      4,
      3,
      2,
      4,
    ],
  },
  {
    name: 'datasec var past the end',
    err: 'Invalid offset+size',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(C, DATASEC, 0, 1, 6), 2, 4, 4],
  },
  { name: 'float size 3', err: 'Invalid type_size', words: [...type(A, FLOAT, 0, 0, 3)] },
  {
    name: 'decl tag component_idx -2',
    err: 'Invalid component_idx',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(B, DECL_TAG, 0, 0, 2), 0xfffffffe],
  },
  {
    name: 'decl tag empty value',
    err: 'Invalid value',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(0, DECL_TAG, 0, 0, 2), 0xffffffff],
  },
  // ---- resolve
  {
    name: 'struct loop through a member',
    err: 'Loop detected',
    words: [...INT, ...type(A, STRUCT, 0, 1, 4), ...member(B, 3, 0), ...type(C, STRUCT, 0, 1, 4), ...member(D, 2, 0)],
  },
  {
    name: 'const -> ptr -> const loop',
    err: 'Loop detected',
    words: [...type(0, CONST, 0, 0, 2), ...type(0, PTR, 0, 0, 1)],
  },
  { name: 'typedef of itself', err: 'Loop detected', words: [...type(A, TYPEDEF, 0, 0, 1)] },
  {
    name: 'modifier chain deeper than 32',
    err: 'Exceeded max resolving depth:32',
    words: [...INT, ...Array.from({ length: 33 }, (_, i) => type(0, CONST, 0, 0, i === 32 ? 1 : i + 3)).flat()],
  },
  { name: 'pointer to a missing type', err: 'Invalid type_id', words: [...INT, ...type(0, PTR, 0, 0, 9)] },
  {
    name: 'array index not an int',
    err: 'Invalid index',
    words: [...INT, ...type(0, PTR, 0, 0, 1), ...type(0, ARRAY, 0, 0, 0), 1, 2, 4],
  },
  {
    name: 'array of bitfield int',
    err: 'Invalid array of int',
    words: [...int(0, 0, 0, 3, 1), ...int(0, 0, 0, 32, 4), ...type(0, ARRAY, 0, 0, 0), 1, 2, 4],
  },
  {
    name: 'array size overflow',
    err: 'Array size overflows U32_MAX',
    words: [...INT, ...type(0, ARRAY, 0, 0, 0), 1, 1, 0x40000000],
  },
  {
    name: 'member exceeds struct size',
    err: 'Member exceeds struct_size',
    words: [...INT, ...type(A, STRUCT, 0, 1, 6), ...member(B, 1, 32)],
  },
  {
    name: 'pointer member not byte aligned',
    err: 'Member is not byte aligned',
    words: [...INT, ...type(0, PTR, 0, 0, 1), ...type(A, STRUCT, 0, 1, 16), ...member(B, 2, 4)],
  },
  {
    name: 'bitfield over a non-regular int',
    err: 'Invalid member base type',
    words: [...int(0, 0, 0, 5, 1), ...type(A, STRUCT, 1, 1, 4), ...member(B, 1, kOffset(2, 0))],
  },
  {
    name: 'kflag bitfield wider than its int',
    err: 'Invalid member bitfield_size',
    words: [...int(0, 0, 0, 8, 1), ...type(A, STRUCT, 1, 1, 4), ...member(B, 1, kOffset(9, 0))],
  },
  {
    name: 'float member misaligned',
    err: 'Member is not properly aligned',
    words: [...type(A, FLOAT, 0, 0, 4), ...type(B, STRUCT, 0, 1, 8), ...member(C, 1, 16)],
  },
  {
    name: 'float member past the end',
    err: 'Member exceeds struct_size',
    words: [...type(A, FLOAT, 0, 0, 8), ...type(B, STRUCT, 0, 1, 12), ...member(C, 1, 64)],
  },
  {
    name: 'member of func proto type',
    err: 'Invalid member',
    words: [...type(0, PROTO, 0, 0, 0), ...type(A, STRUCT, 0, 1, 8), ...member(B, 1, 0)],
  },
  { name: 'var of a forward', err: 'Invalid type_id', words: [...type(A, FWD, 0, 0, 0), ...type(B, VAR, 0, 0, 1), 0] },
  {
    name: 'datasec entry is an int',
    err: 'Not a VAR kind member',
    words: [...INT, ...type(C, DATASEC, 0, 1, 4), 1, 0, 4],
  },
  {
    name: 'datasec entry smaller than its var',
    err: 'Invalid size',
    words: [...int(0, 0, 0, 64, 8), ...type(A, VAR, 0, 0, 1), 0, ...type(C, DATASEC, 0, 1, 8), 2, 0, 4],
  },
  {
    name: 'var of a var',
    err: 'Invalid type_id',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(B, VAR, 0, 0, 2), 0],
  },
  { name: 'func type not a proto', err: 'Invalid type_id', words: [...INT, ...type(A, FUNC, 0, 0, 1)] },
  {
    name: 'func with an unnamed arg',
    err: 'Invalid arg#1',
    words: [...INT, ...type(0, PROTO, 0, 1, 1), 0, 1, ...type(A, FUNC, 0, 0, 2)],
  },
  {
    name: 'proto arg const void',
    err: 'Invalid arg#1',
    words: [...type(0, CONST, 0, 0, 0), ...type(0, PROTO, 0, 1, 0), A, 1],
  },
  { name: 'proto vararg with a name', err: 'Invalid arg#2', words: [...INT, ...type(0, PROTO, 0, 2, 1), A, 1, B, 0] },
  {
    name: 'proto returning a decl tag',
    err: 'Invalid return type',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(B, DECL_TAG, 0, 0, 2), 0xffffffff, ...type(0, PROTO, 0, 0, 3)],
  },
  {
    name: 'proto arg named 1x',
    err: 'Invalid arg#1',
    words: [...INT, ...type(0, PROTO, 0, 1, 1), 1, 1],
    strs: '\x001x\0',
  },
  { name: 'decl tag on an int', err: 'Invalid type_id', words: [...INT, ...type(A, DECL_TAG, 0, 0, 1), 0xffffffff] },
  {
    name: 'decl tag component on a var',
    err: 'Invalid component_idx',
    words: [...INT, ...type(A, VAR, 0, 0, 1), 0, ...type(B, DECL_TAG, 0, 0, 2), 0],
  },
  {
    name: 'decl tag component past the members',
    err: 'Invalid component_idx',
    words: [...INT, ...type(A, STRUCT, 0, 1, 4), ...member(B, 1, 0), ...type(C, DECL_TAG, 0, 0, 2), 1],
  },
  {
    name: 'type tag after const',
    err: "Type tags don't precede modifiers",
    words: [...INT, ...type(0, CONST, 0, 0, 3), ...type(A, TYPE_TAG, 0, 0, 1)],
  },
  {
    name: 'struct member through const ptr loop',
    err: 'Loop detected',
    words: [
      ...INT,
      ...type(A, STRUCT, 0, 1, 8),
      ...member(B, 3, 0),
      ...type(0, CONST, 0, 0, 4),
      ...type(0, PTR, 0, 0, 3),
    ],
  },
];

/** Every case: btfkit's own, then the port of the kernel's raw_tests. */
export const CHECK_CASES: CheckCase[] = [...OWN_CASES, ...RAW_TESTS];

function info2(kind: number): number {
  return (kind << 24) >>> 0;
}

/** Returns the raw bytes of a case. */
export function caseBytes(c: CheckCase): Uint8Array {
  return rawBtf(c.words, c.strs ?? S, c.hdr ?? {});
}
