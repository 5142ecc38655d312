/**
 * Pass 7, remapping (libbpf's `btf_dedup_remap_types`): every type id word
 * of the surviving records (the fields table says which), then every type
 * id of .BTF.ext, becomes the new id of its canonical type: follow `map` to
 * the canonical id, then `hypotMap` (filled by compaction) to its new id.
 */
import { BtfError, BtfErrorCode } from '../errors.js';
import { KIND_FIELDS } from '../fields.js';
import { ELEM_WORDS, INFO_WORDS } from '../kinds.js';
import type { Compacted } from './compact.js';
import type { DedupExt } from './index.js';
import { MAX_NR_TYPES, PROGRESS_STEP, type DedupState } from './state.js';

/** Returns the final id of old type id `typeId` (`btf_dedup_remap_type_id`). */
function finalId(d: DedupState, typeId: number): number {
  const r = typeId < d.typeCnt ? d.hypotMap[d.resolve(typeId)]! : 0xffffffff;
  if (r > MAX_NR_TYPES) {
    throw new BtfError(BtfErrorCode.BadTypeId, `type id ${typeId} has no deduplicated type`, { typeId });
  }
  return r;
}

/** Rewrites the type ids of the compacted records and of `ext`. */
export function remapTypes(d: DedupState, c: Compacted, ext: DedupExt | undefined): void {
  const { w } = d;
  const hm = d.hypotMap;
  const base = d.localWords;
  for (let i = 0; i < c.nrTypes; i++) {
    if (d.progress && (i & (PROGRESS_STEP - 1)) === 0) d.progress('remap', i, c.nrTypes);
    const o = base + c.offs[i]!;
    const info = w[o + 1]!;
    const kind = (info >>> 24) & 0x7f;
    const f = KIND_FIELDS[kind];
    if (!f) throw d.badKind(d.startId + i, 'dedup does not know this kind');
    for (const p of f.fixedTypeIds) {
      const t = w[o + p]!;
      // fast path: a canonical id maps straight to its new id
      const r = d.map[t] === t ? hm[t]! : finalId(d, t);
      w[o + p] = r;
    }
    if (f.elemTypeIds.length === 0) continue;
    const esz = ELEM_WORDS[kind]!;
    const vlen = info & 0xffffff;
    let e = o + 3 + INFO_WORDS[kind]!;
    for (let j = 0; j < vlen; j++, e += esz) {
      for (const p of f.elemTypeIds) {
        const t = w[e + p]!;
        w[e + p] = d.map[t] === t ? hm[t]! : finalId(d, t);
      }
    }
  }
  if (ext) ext.visitTypeIds((typeId) => finalId(d, typeId));
}
