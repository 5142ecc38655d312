/**
 * What test/gen.test.ts and test/fixtures/gen/regen.mjs share: the objects
 * the skeleton suite covers, where their expected outputs live, and how the
 * committed expected files shorten a skeleton (the embedded object bytes).
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoPath, ROOT } from './golden.js';
import { allObjectPaths } from './objects.js';

/** The two generators, as bpftool names them. */
export const SKEL_KINDS = ['skeleton', 'subskeleton'] as const;
export type SkelKind = (typeof SKEL_KINDS)[number];

/** Every golden object (both byte orders; libbpf refuses the big-endian ones), then those without BTF (golden/obj-nobtf). */
export function skeletonObjects(): string[] {
  const nobtf = repoPath('golden', 'obj-nobtf');
  const extra = readdirSync(nobtf)
    .filter((f) => f.endsWith('.o'))
    .sort()
    .map((f) => join(nobtf, f));
  return [...allObjectPaths(), ...extra];
}

/** Returns the fixture path of `obj`'s output of `kind`: `test/fixtures/gen/golden__obj__NAME.KIND.h` (or `.err`). */
export function skelFixture(obj: string, kind: SkelKind, ext: 'h' | 'err'): string {
  const key = relative(ROOT, obj).replace(/\.o$/, '').split('/').join('__');
  return repoPath('test', 'fixtures', 'gen', `${key}.${kind}.${ext}`);
}

const HEX_START = 'return (const void *)"\\\n';

/**
 * Returns a skeleton with its embedded object bytes (the C string in
 * `NAME__elf_bytes`) replaced by one line giving their length and SHA-256,
 * as the committed expected files hold them (the bytes are the object's own:
 * test/gen.test.ts checks them apart). Text without that string is returned
 * as it is.
 */
export function elideElfBytes(text: string): string {
  const a = text.indexOf(HEX_START);
  if (a < 0) return text;
  const from = a + HEX_START.length;
  const to = text.indexOf('";\n}\n', from);
  if (to < 0) return text;
  const hex = text.slice(from, to);
  const sha = createHash('sha256').update(hex).digest('hex');
  return `${text.slice(0, from)}<elided: ${hex.length} bytes of C string, sha256 ${sha}>${text.slice(to)}`;
}

/** Returns the bytes a skeleton embeds, decoded from its C string (`\xNN`, `\0`, line continuations). */
export function embeddedBytes(text: string): Uint8Array {
  const a = text.indexOf(HEX_START);
  if (a < 0) throw new Error('no embedded object bytes');
  const from = a + HEX_START.length;
  const to = text.indexOf('";\n}\n', from);
  const s = text.slice(from, to).replaceAll('\\\n', '');
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] !== '\\') throw new Error(`unexpected character at ${i}`);
    if (s[i + 1] === '0') {
      out.push(0);
      i += 2;
    } else if (s[i + 1] === 'x') {
      out.push(Number.parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
    } else throw new Error(`unexpected escape at ${i}`);
  }
  return Uint8Array.from(out);
}
