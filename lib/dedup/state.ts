/**
 * The working state of one dedup run (libbpf's `struct btf_dedup`): every
 * type record, base included, in one words array, and flat maps indexed by
 * type id. See index.ts for the picture.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  NR_BTF_KINDS,
  infoKind,
  kindName,
} from '../kinds.js';
import { flattenTypes } from '../query.js';
import { CandTable } from './table.js';

/** `map`/`hypotMap` value of a type not looked at yet (libbpf's BTF_UNPROCESSED_ID). */
export const UNPROCESSED = 0xffffffff;
/** `map` value of a reference type on the current resolution path (BTF_IN_PROGRESS_ID). */
export const IN_PROGRESS = 0xfffffffe;
/** Values up to this are type ids; above it, the two markers (BTF_MAX_NR_TYPES). */
export const MAX_NR_TYPES = 0x7fffffff;

const CLASS_PRIM = 0;
const CLASS_STRUCT = 1;
const CLASS_REF = 2;
/** VAR, DATASEC: their own canonical types. */
const CLASS_SELF = 3;
/** Pass class of each kind. */
const KIND_CLASS: Uint8Array = (() => {
  const c = new Uint8Array(NR_BTF_KINDS);
  for (const k of [BTF_KIND_STRUCT, BTF_KIND_UNION]) c[k] = CLASS_STRUCT;
  for (const k of [
    BTF_KIND_PTR,
    BTF_KIND_TYPEDEF,
    BTF_KIND_VOLATILE,
    BTF_KIND_CONST,
    BTF_KIND_RESTRICT,
    BTF_KIND_FUNC,
    BTF_KIND_FUNC_PROTO,
    BTF_KIND_ARRAY,
    BTF_KIND_TYPE_TAG,
    BTF_KIND_DECL_TAG,
  ])
    c[k] = CLASS_REF;
  for (const k of [BTF_KIND_VAR, BTF_KIND_DATASEC]) c[k] = CLASS_SELF;
  return c;
})();

/**
 * Fills `cls` with the pass class of each of the BTF's own types (ids from
 * `startId`) and `counts` with the size of each class; returns the first id
 * whose kind is known only from a layout section (0: none). A function of
 * its own, not a loop in DedupState's constructor: it stays optimised from
 * one dedup to the next instead of being recompiled on each.
 */
function classify(w: Uint32Array, off: Uint32Array, startId: number, cls: Uint8Array, counts: number[]): number {
  let unknown = 0;
  for (let i = 0, n = cls.length; i < n; i++) {
    const k = infoKind(w[off[startId + i]! + 1]!);
    let c = CLASS_PRIM;
    if (k < NR_BTF_KINDS) c = KIND_CLASS[k]!;
    else if (unknown === 0) unknown = startId + i;
    cls[i] = c;
    counts[c]!++;
  }
  return unknown;
}

/** Writes the ids into `ids` grouped by class, each group in id order (`at`: each group's next slot). */
function sortByClass(cls: Uint8Array, at: number[], startId: number, ids: Uint32Array): void {
  for (let i = 0, n = cls.length; i < n; i++) ids[at[cls[i]!]!++] = startId + i;
}

/** Names of the passes, in order, as reported to progress callbacks and in reports. */
/**
 * A hook into .BTF.ext (func_info, line_info, CO-RE relocations), so that
 * dedup keeps it consistent with the new strings and type ids (libbpf's
 * `btf_ext_visit_str_offs` / `btf_ext_visit_type_ids`). Each method calls
 * `visit` once per field, in libbpf's order, and stores what it returns.
 */
export interface DedupExt {
  /** Visits every string offset: section names, line_info file and line, CO-RE access strings. */
  visitStrOffs(visit: (strOff: number) => number): void;
  /** Visits every type id: func_info and CO-RE relocation type ids. */
  visitTypeIds(visit: (typeId: number) => number): void;
}

export type DedupPass = 'prep' | 'strings' | 'prim' | 'struct' | 'fwd' | 'ref' | 'compact' | 'remap';

/** Called now and then during long passes. */
type ProgressFn = (phase: DedupPass, done: number, total: number) => void;

/** How often (in types) a pass reports progress. */
export const PROGRESS_STEP = 1 << 14;

/** One dedup run's state. */
export class DedupState {
  /** The BTF being deduplicated (its base, if any, is only read). */
  readonly btf: BtfContainer;
  /** Records of every type id: base types first, then this BTF's, then 3 zero words for void. */
  w: Uint32Array;
  /** Word offset in `w` of each type id's record; `off[0]` is the zero record of void. */
  readonly off: Uint32Array;
  /** Type ids in all, void and base included (`btf__type_cnt`). */
  readonly typeCnt: number;
  /** First id of this BTF (1 unless split). */
  readonly startId: number;
  /** Word offset in `w` where this BTF's own records start. */
  readonly localWords: number;
  /** id -> canonical id, or UNPROCESSED / IN_PROGRESS (libbpf's `map`). */
  readonly map: Uint32Array;
  /** Canonical-graph id -> candidate-graph id during one equivalence check; new ids after compaction. */
  readonly hypotMap: Uint32Array;
  /** The ids set in `hypotMap`, in the order they were set. */
  hypotList: Uint32Array = new Uint32Array(256);
  hypotCnt = 0;
  /** Whether the last equivalence would resolve a base FWD (not allowed: the base is fixed). */
  hypotAdjustCanon = false;
  /** This BTF's INT, FLOAT, ENUM, ENUM64, FWD (and unknown kinds) ids, in id order. */
  readonly primIds: Uint32Array;
  /** This BTF's STRUCT and UNION ids, in id order. */
  readonly structIds: Uint32Array;
  /** This BTF's reference type ids (PTR ... FUNC_PROTO, DECL_TAG), in id order. */
  readonly refIds: Uint32Array;
  /**
   * The first of this BTF's ids whose kind is known only from a layout
   * section (0: none), found by the constructor's pass over the kinds so
   * that `dedup` needs no pass of its own to refuse it.
   */
  readonly firstUnknownKind: number;
  /** Signature hash -> canonical candidates. */
  readonly table: CandTable;
  readonly progress: ProgressFn | null;

  /** Returns the state for deduplicating `btf` (made modifiable by the caller); see {@link CandTable} for `forceCollisions`. */
  constructor(btf: BtfContainer, progress: ProgressFn | null, forceCollisions = false) {
    this.btf = btf;
    this.progress = progress;
    this.startId = btf.startId;
    this.typeCnt = btf.startId + btf.nrTypes;
    // One array and one offset table serve every id: the container's own
    // (modifiable) words when it has no base and room for void's zero record
    // past the end, else a copy (base records are read, never written).
    const { words: w, offs: off, localStart } = flattenTypes(btf, 3, btf.typeWords >> 3);
    this.localWords = localStart;
    const total = localStart + btf.typeWords;
    w[total] = 0;
    w[total + 1] = 0;
    w[total + 2] = 0;
    off[0] = total;
    this.w = w;
    this.off = off;

    const map = new Uint32Array(this.typeCnt).fill(UNPROCESSED);
    map[0] = 0;
    // Sort this BTF's ids by what the passes do with them (a stable counting
    // sort, so each list is in id order): a pass then visits only its own
    // types, as libbpf's passes effectively do (they skip the others).
    const n = btf.nrTypes;
    const cls = new Uint8Array(n);
    const counts = [0, 0, 0, 0];
    this.firstUnknownKind = classify(w, off, this.startId, cls, counts);
    const ids = new Uint32Array(n);
    const at = [0, counts[0]!, counts[0]! + counts[1]!, counts[0]! + counts[1]! + counts[2]!];
    const starts = at.slice();
    sortByClass(cls, at, this.startId, ids);
    this.primIds = ids.subarray(starts[CLASS_PRIM]!, starts[CLASS_PRIM]! + counts[CLASS_PRIM]!);
    this.structIds = ids.subarray(starts[CLASS_STRUCT]!, starts[CLASS_STRUCT]! + counts[CLASS_STRUCT]!);
    this.refIds = ids.subarray(starts[CLASS_REF]!, starts[CLASS_REF]! + counts[CLASS_REF]!);
    // VAR and DATASEC are never deduplicated: each is its own canonical type.
    for (let j = starts[CLASS_SELF]!, e = j + counts[CLASS_SELF]!; j < e; j++) map[ids[j]!] = ids[j]!;
    this.map = map;
    this.hypotMap = new Uint32Array(this.typeCnt).fill(UNPROCESSED);
    this.table = new CandTable(this.typeCnt, forceCollisions);
  }

  /** Returns the kind of type `id` (0 for void). */
  kind(id: number): number {
    return infoKind(this.w[this.off[id]! + 1]!);
  }

  /** Returns the canonical id `id` resolves to so far, following FWD resolutions (`resolve_type_id`). */
  resolve(id: number): number {
    const map = this.map;
    let m = map[id]!;
    while (m <= MAX_NR_TYPES && m !== id) {
      id = m;
      m = map[id]!;
    }
    return id;
  }

  /** Records the hypothesis canonical `from` == candidate `to` (`btf_dedup_hypot_map_add`). */
  hypotAdd(from: number, to: number): void {
    if (this.hypotCnt === this.hypotList.length) {
      const g = new Uint32Array(this.hypotList.length * 2);
      g.set(this.hypotList);
      this.hypotList = g;
    }
    this.hypotList[this.hypotCnt++] = from;
    this.hypotMap[from] = to;
  }

  /** Forgets all hypotheses (`btf_dedup_clear_hypot_map`). */
  clearHypot(): void {
    const list = this.hypotList;
    const hm = this.hypotMap;
    for (let i = 0; i < this.hypotCnt; i++) hm[list[i]!] = UNPROCESSED;
    this.hypotCnt = 0;
    this.hypotAdjustCanon = false;
  }

  /** Returns the error for a kind dedup cannot handle (libbpf: -EINVAL). */
  badKind(id: number, what: string): BtfError {
    const k = this.kind(id);
    return new BtfError(BtfErrorCode.BadType, `type [${id}] ${k < NR_BTF_KINDS ? kindName(k) : `kind ${k}`}: ${what}`, {
      typeId: id,
    });
  }
}
