/**
 * A hundred distinct kernel BTFs for the CO-RE matrix (`btfkit core
 * OBJ... --target DIR`), made once into bench/.cache/core-kernels from the
 * real ones (golden/.cache/kernels and the running kernel). Variant `i`
 * starts from real kernel `i % 3` and:
 *
 * - permutes its type ids (a rotation by a seeded amount, every reference
 *   remapped through lib/fields.ts), so no two variants share an id layout
 *   and no candidate search can reuse another kernel's ids;
 * - in a seeded share of the structs the objects name (their local BTF's
 *   struct names), swaps two neighbouring members (the access indices move),
 *   renames one (a field the object reads goes missing: a poisoned or failed
 *   relocation), or drops the last one.
 *
 * Each file is raw BTF (24-byte header, types, strings) that btfkit and
 * libbpf read; a variant is a kernel of its own, read and indexed as one.
 * A manifest (the sources' sizes and the count) says when the cache is
 * complete; otherwise it is made again (a few seconds).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Btf } from '../lib/btf.js';
import { forEachTypeIdWord } from '../lib/fields.js';
import { BTF_KIND_STRUCT, infoKflag, infoKind, infoVlen, packInfo, recordWords } from '../lib/kinds.js';
import { openObject, parseBtf } from '../lib/object/open.js';
import { repoPath } from '../test/helpers/golden.js';
import { rng } from '../test/helpers/mutants.js';

/** The struct names of the objects' own BTF: the types CO-RE relocations look for. */
function askedStructs(objects: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const p of objects) {
    const btf = openObject(readFileSync(p), { file: p }).btf;
    if (!btf) continue;
    for (let id = 1; id < btf.typeCount; id++)
      if (btf.kindOf(id) === BTF_KIND_STRUCT && btf.nameOf(id) !== '') names.add(btf.nameOf(id));
  }
  return names;
}

/** Variant `seed` of `src`: ids rotated, some asked structs' members swapped, renamed or dropped. */
function variant(src: Btf, asked: Set<string>, seed: number): Uint8Array {
  const rand = rng(seed);
  const n = src.typeCount - 1;
  const shift = 1 + Math.floor(rand() * (n - 1));
  const newId = (old: number): number => (old === 0 ? 0 : ((old - 1 + shift) % n) + 1);
  const strs = src.stringSection();
  const extra: string[] = [];
  let strLen = strs.length;
  const addStr = (s: string): number => {
    const off = strLen;
    extra.push(s);
    strLen += new TextEncoder().encode(s).length + 1;
    return off;
  };
  // the records in their new order: new id j holds old id oldOf(j)
  const parts: Uint32Array[] = [];
  let total = 0;
  for (let j = 1; j <= n; j++) {
    const old = ((j - 1 - shift + n) % n) + 1;
    const [w, off] = src.recordOf(old);
    const info = w[off + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    let rec = w.slice(off, off + recordWords(kind, vlen));
    forEachTypeIdWord(rec, 0, (i) => {
      rec[i] = newId(rec[i]!);
    });
    if (kind === BTF_KIND_STRUCT && vlen >= 2 && asked.has(src.nameOf(old))) {
      const r = rand();
      if (r < 0.25) {
        // two neighbouring members change places (their offsets go with them)
        const m = 3 + 3 * Math.floor(rand() * (vlen - 1));
        const a = rec.slice(m, m + 3);
        rec.copyWithin(m, m + 3, m + 6);
        rec.set(a, m + 3);
      } else if (r < 0.35) {
        // a member renamed: what the objects read by that name is gone
        const m = 3 + 3 * Math.floor(rand() * vlen);
        if (rec[m] !== 0) rec[m] = addStr(`${src.str(rec[m]!)}_v${seed}`);
      } else if (r < 0.4) {
        // the last member dropped
        rec = rec.slice(0, rec.length - 3);
        rec[1] = packInfo(kind, infoKflag(info), vlen - 1);
      }
    }
    parts.push(rec);
    total += rec.length;
  }
  const extraBytes = new TextEncoder().encode(extra.map((s) => `${s}\0`).join(''));
  const typeLen = total * 4;
  const out = new Uint8Array(24 + typeLen + strs.length + extraBytes.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xeb9f, true);
  dv.setUint8(2, 1);
  dv.setUint32(4, 24, true);
  dv.setUint32(8, 0, true);
  dv.setUint32(12, typeLen, true);
  dv.setUint32(16, typeLen, true);
  dv.setUint32(20, strs.length + extraBytes.length, true);
  let at = 24;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  out.set(strs, at);
  out.set(extraBytes, at + strs.length);
  return out;
}

/**
 * Returns the directory of `count` distinct kernel BTFs made from `sources`
 * (raw vmlinux BTF files) for `objects`, making them when the cache lacks
 * them. Host byte order (little-endian here).
 */
export function coreKernels(sources: readonly string[], objects: readonly string[], count = 100): string {
  const dir = repoPath('bench', '.cache', 'core-kernels');
  const manifest = join(dir, 'manifest.json');
  const want = JSON.stringify({
    count,
    sources: sources.map((s) => ({ s, size: readFileSync(s).length })),
    objects: objects.length,
  });
  if (existsSync(manifest) && readFileSync(manifest, 'utf8') === want) return join(dir, 'btf');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'btf'), { recursive: true });
  const asked = askedStructs(objects);
  const btfs = sources.map((s) => parseBtf(readFileSync(s)));
  for (let i = 0; i < count; i++) {
    const bytes = variant(btfs[i % btfs.length]!, asked, i + 1);
    Btf.parse(bytes); // level 1: a variant btfkit cannot read is a bug here
    writeFileSync(join(dir, 'btf', `k${String(i).padStart(3, '0')}.btf`), bytes);
  }
  writeFileSync(manifest, want);
  return join(dir, 'btf');
}
