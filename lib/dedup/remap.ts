/**
 * Pass 7, remapping (libbpf's `btf_dedup_remap_types`): every type id word
 * of the surviving records (the fields table says which), then every type
 * id of .BTF.ext, becomes the new id of its canonical type: follow `map` to
 * the canonical id, then `hypotMap` (filled by compaction) to its new id.
 */
import { BtfError, BtfErrorCode } from '../errors.js';
import type { Compacted } from './compact.js';
import { idFieldCount, idFieldPos, knownKind } from '../fields.js';
import { infoKind } from '../kinds.js';
import { MAX_NR_TYPES, PROGRESS_STEP, type DedupExt, type DedupState } from './state.js';

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
    if (!knownKind(infoKind(w[o + 1]!))) throw d.badKind(d.startId + i, 'dedup does not know this kind');
    for (let j = 0, n = idFieldCount(w, o); j < n; j++) {
      const p = idFieldPos(w, o, j);
      const t = w[p]!;
      // fast path: a canonical id maps straight to its new id
      w[p] = d.map[t] === t ? hm[t]! : finalId(d, t);
    }
  }
  if (ext) ext.visitTypeIds((typeId) => finalId(d, typeId));
}
