/**
 * bpftool 7.8's goldens (golden/bpftool-7.8/, made by its generate.sh from a
 * bpftool 7.8.0 binary) and the small BTF of the cases that set 7.8 apart
 * from 7.1, `edge.btf` there, which {@link buildEdgeBtf} builds.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { Btf } from '../../lib/btf.js';
import { BTF_FUNC_GLOBAL, BTF_INT_SIGNED } from '../../lib/kinds.js';
import { repoPath } from './golden.js';

/** The directory of bpftool 7.8's expected outputs. */
export const GOLDEN78: string = repoPath('golden', 'bpftool-7.8');

/** Returns a golden file's bytes, brotli-decompressed when it ends in `.br`. */
export function golden78(name: string): Uint8Array {
  const b = readFileSync(join(GOLDEN78, name));
  const out = name.endsWith('.br') ? brotliDecompressSync(b) : b;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** One input with its four outputs: raw, `-j`, `format c` (sorted) and `format c unsorted`. */
export interface Golden78 {
  /** The stem of the expected files: `maps__legacy_kv`, `vmlinux`, `edge`. */
  name: string;
  /** Absolute path of the input (for vmlinux: null, its BTF is `vmlinux.btf.br`). */
  input: string | null;
  /** '' or '.br' after each expected file's name. */
  suffix: string;
}

/** Every golden object (golden/obj/DIR/NAME.o, named DIR__NAME), with its four expected files. */
export function golden78Objects(): Golden78[] {
  const out: Golden78[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}__`);
      else if (e.name.endsWith('.o')) {
        out.push({ name: prefix + e.name.slice(0, -2), input: join(dir, e.name), suffix: '' });
      }
    }
  };
  walk(repoPath('golden', 'obj'), '');
  return out;
}

/** Whether bpftool 7.8's output for `name` was committed (every output of generate.sh). */
export function hasGolden78(name: string): boolean {
  return existsSync(join(GOLDEN78, name));
}

/** Makes a struct of one int member (what the edge cases hang names on). */
function struct(b: Btf, name: string, int: number): number {
  const id = b.addStruct(name, 4);
  b.addField('x', int, 0, 0);
  return id;
}

/**
 * The BTF of `golden/bpftool-7.8/edge.btf`: what 7.8 prints differently
 * from 7.1, or what btfkit could get wrong there.
 * - enums of 1, 2 and 8 bytes (32-bit and 64-bit kinds, with and without
 *   upper halves; one anonymous): `mode(byte)`, `mode(word)` or nothing;
 * - names that UTF-16 and bytes order differently (U+FF21 against an emoji,
 *   an invalid byte 0x80 against U+00E9), for the sorted dump;
 * - a backslash in a name, for the JSON escapes;
 * - kfuncs: `bpf_kfunc` and `bpf_fastcall` tags on functions, a fastcall
 *   tag alone, tags on a parameter, on a struct, a tag that only starts
 *   with `bpf_kfunc`, a function tagged twice, non-ASCII names, a pointer
 *   with an address-space type attribute (TYPE_TAG with kflag).
 * The invalid name `\x80bad` is built as `Qbad` and patched in the string
 * section.
 */
export function buildEdgeBtf(): Uint8Array {
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED);
  const long = b.addInt('long', 8, BTF_INT_SIGNED);
  b.addEnum('e_byte', 1);
  b.addEnumValue('EB_ONE', 1);
  b.addEnum('e_short', 2);
  b.addEnumValue('ES_ONE', 1);
  b.addEnum('e_word32', 8);
  b.addEnumValue('EW32_ONE', 1);
  b.addEnum64('e_word64_lo', 8, false);
  b.addEnum64Value('EW64_LO', 1);
  b.addEnum64Value('EW64_LO2', 0xffffffff);
  b.addEnum64('e_word64_big', 8, true);
  b.addEnum64Value('EW64_SMALL', 7);
  b.addEnum64Value('EW64_BIG', 1n << 40n);
  b.addEnum64('e_small64', 2, false);
  b.addEnum64Value('ES64_ONE', 1);
  b.addEnum64('e_byte64', 1, false);
  b.addEnum64Value('EB64_ONE', 1);
  b.addEnum(null, 1);
  b.addEnumValue('ANON_BYTE', 2);
  struct(b, 'zeta', int);
  struct(b, '\u00e9t\u00e9', int);
  struct(b, 'Qbad', int);
  struct(b, '\uff21wide', int);
  struct(b, '\u{1f600}smile', int);
  struct(b, 'back\\slash', int);
  const proto = b.addFuncProto(int);
  b.addFuncParam('a', int);
  b.addFuncParam('b', long);
  const attr = b.addTypeAttr('address_space(1)', 0);
  const aptr = b.addPtr(attr);
  const proto2 = b.addFuncProto(aptr);
  b.addFuncParam('p', aptr);
  const fn = (name: string, p = proto): number => b.addFunc(name, BTF_FUNC_GLOBAL, p);
  const zed = fn('bpf_zed');
  const fast = fn('bpf_fast');
  const fastOnly = fn('bpf_fast_only');
  const param = fn('bpf_param_tag');
  const twice = fn('bpf_twice');
  const accent = fn('bpf_\u00e9');
  const wide = fn('bpf_\uff21');
  const smile = fn('bpf_\u{1f600}');
  const arena = fn('bpf_arena', proto2);
  const near = fn('bpf_near_miss');
  b.addDeclTag('bpf_kfunc', zed, -1);
  b.addDeclTag('bpf_fastcall', fast, -1);
  b.addDeclTag('bpf_kfunc', fast, -1);
  b.addDeclTag('bpf_fastcall', fastOnly, -1);
  b.addDeclTag('bpf_kfunc', param, 0);
  b.addDeclTag('bpf_kfunc', twice, -1);
  b.addDeclTag('bpf_kfunc', twice, -1);
  b.addDeclTag('bpf_kfunc', smile, -1);
  b.addDeclTag('bpf_kfunc', wide, -1);
  b.addDeclTag('bpf_kfunc', accent, -1);
  b.addDeclTag('bpf_kfunc', arena, -1);
  b.addDeclTag('bpf_kfuncs', near, -1);
  b.addDeclTag('bpf_kfunc', int, -1);
  const raw = b.rawData().slice();
  const placeholder = new TextEncoder().encode('Qbad');
  const at = indexOf(raw, placeholder);
  if (at < 0) throw new Error('edge BTF: placeholder name not found');
  raw[at] = 0x80; // '\x80bad'
  return raw;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
