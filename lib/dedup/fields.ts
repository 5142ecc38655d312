/**
 * The fields table (lib/fields.ts) flattened into typed arrays for dedup's
 * hot loops: per kind, where the type id words and the string offset words
 * of a record are. Referenced field `i` of a record is one of its fixed
 * words first, then one word per vlen item, in libbpf's visiting order.
 */
import { KIND_FIELDS } from '../fields.js';
import { ELEM_WORDS, INFO_WORDS, NR_BTF_KINDS } from '../kinds.js';

const N = NR_BTF_KINDS;
/** Fixed type id words per kind: count, then up to two positions. */
const fixedCount = new Uint8Array(N);
const fixedPos = new Uint8Array(N * 2);
/** Type id word in each vlen item (-1: none), first item's offset and item size in words. */
const elemIdPos = new Int8Array(N).fill(-1);
/** String offset word in each vlen item (-1: none). */
const elemStrPos = new Int8Array(N).fill(-1);
const elemBase = new Uint8Array(N);
const elemSize = new Uint8Array(N);
/** Whether the kind is known to the fields table. */
const known = new Uint8Array(N);

for (let k = 0; k < N; k++) {
  const f = KIND_FIELDS[k];
  if (!f) continue;
  if (f.fixedTypeIds.length > 2 || f.elemTypeIds.length > 1 || f.elemStrs.length > 1) {
    throw new Error(`dedup: fields table shape for kind ${k} not supported`);
  }
  known[k] = 1;
  fixedCount[k] = f.fixedTypeIds.length;
  f.fixedTypeIds.forEach((p, i) => { fixedPos[k * 2 + i] = p; });
  if (f.elemTypeIds.length) elemIdPos[k] = f.elemTypeIds[0]!;
  if (f.elemStrs.length) elemStrPos[k] = f.elemStrs[0]!;
  elemBase[k] = 3 + INFO_WORDS[k]!;
  elemSize[k] = ELEM_WORDS[k]!;
}

/**
 * Per kind: the string offset word within each vlen item (-1: none), the
 * first item's word offset in the record, and the item size in words. For
 * loops that walk every string of every record.
 */
export const STR_ELEM_POS: Readonly<Int8Array> = elemStrPos;
/** Per kind: word offset of the first vlen item in a record. */
export const ELEM_BASE: Readonly<Uint8Array> = elemBase;
/** Per kind: words per vlen item. */
export const ELEM_SIZE: Readonly<Uint8Array> = elemSize;

/** Returns whether the fields table knows `kind`. */
export function knownKind(kind: number): boolean {
  return kind < N && known[kind] === 1;
}

/** Returns how many type id words the record at `o` has. */
export function idFieldCount(w: Uint32Array, o: number): number {
  const info = w[o + 1]!;
  const k = (info >>> 24) & 0x7f;
  if (k >= N) return 0;
  return fixedCount[k]! + (elemIdPos[k]! >= 0 ? info & 0xffffff : 0);
}

/** Returns the word offset of type id field `i` of the record at `o` (i < idFieldCount). */
export function idFieldPos(w: Uint32Array, o: number, i: number): number {
  const k = (w[o + 1]! >>> 24) & 0x7f;
  const nf = fixedCount[k]!;
  if (i < nf) return o + fixedPos[k * 2 + i]!;
  return o + elemBase[k]! + (i - nf) * elemSize[k]! + elemIdPos[k]!;
}

/** Calls `fn(wordOffset)` for every string offset word of the record at `o`: the name, then each item's. */
export function forEachStrPos(w: Uint32Array, o: number, fn: (pos: number) => void): void {
  fn(o);
  const info = w[o + 1]!;
  const k = (info >>> 24) & 0x7f;
  if (k >= N) return;
  const sp = elemStrPos[k]!;
  if (sp < 0) return;
  const sz = elemSize[k]!;
  for (let e = o + elemBase[k]! + sp, n = info & 0xffffff; n > 0; n--, e += sz) fn(e);
}
