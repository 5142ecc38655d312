/**
 * Pass 6, compaction (libbpf's `btf_dedup_compact_types`): keep the
 * canonical types, in their original order, packed at the start of this
 * BTF's records, and number them densely from the first id. `hypotMap` is
 * reused as the old id -> new id table (base ids keep theirs).
 *
 *   before  [1 int][2 int'][3 PTR][4 PTR'][5 struct]     map: 1 1 3 3 5
 *   after   [1 int][2 PTR][3 struct]                     new: 1 - 2 - 3
 */
import { infoKind, infoVlen, recordWords } from '../kinds.js';
import { PROGRESS_STEP, UNPROCESSED, type DedupState } from './state.js';

/** The compacted records: word offsets relative to this BTF's first record. */
export interface Compacted {
  /** Offsets of the surviving records, relative to `DedupState.localWords`. */
  offs: Uint32Array;
  nrTypes: number;
  /** Words used by the surviving records. */
  typeWords: number;
}

/** Packs the canonical types of this BTF and fills `hypotMap` with new ids. */
export function compactTypes(d: DedupState): Compacted {
  const { w, off, map, hypotMap } = d;
  hypotMap[0] = 0;
  for (let id = 1; id < d.startId; id++) hypotMap[id] = id;
  const n = d.typeCnt - d.startId;
  const offs = new Uint32Array(Math.max(16, n));
  let p = d.localWords;
  let next = d.startId;
  for (let i = 0; i < n; i++) {
    if (d.progress && (i & (PROGRESS_STEP - 1)) === 0) d.progress('compact', i, n);
    const id = d.startId + i;
    if (map[id] !== id) {
      hypotMap[id] = UNPROCESSED;
      continue;
    }
    const o = off[id]!;
    const info = w[o + 1]!;
    const size = recordWords(infoKind(info), infoVlen(info));
    if (o !== p) w.copyWithin(p, o, o + size);
    hypotMap[id] = next;
    offs[next - d.startId] = p - d.localWords;
    p += size;
    next++;
  }
  return { offs, nrTypes: next - d.startId, typeWords: p - d.localWords };
}
