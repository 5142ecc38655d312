/**
 * Pass 5, reference types (libbpf's `btf_dedup_ref_types`): PTR, TYPEDEF,
 * CONST, VOLATILE, RESTRICT, TYPE_TAG, FUNC, DECL_TAG, ARRAY, FUNC_PROTO.
 *
 * Once primitives and structs have their canonical types, a reference type
 * is settled by first settling what it refers to (recursively: a chain of
 * references always ends at a primitive, a struct or void, since C can only
 * close a cycle through a struct), writing the canonical ids into its own
 * record, and then hashing and comparing it whole, referenced ids included:
 *
 *   [4] PTR -> [3] CONST -> [1] int      [7] PTR -> [6] CONST -> [5] int
 *   settle [7]: settle [6]: [5] is [1], so [6] reads CONST -> [1], equals [3]
 *               so [6] is [3]; [7] reads PTR -> [3], equals [4]; [7] is [4]
 *
 * libbpf recurses; we walk the same order on an explicit stack of
 * (type, next referenced field) frames, so that long chains cannot exhaust
 * the JavaScript stack. A reference back to a type still being settled is
 * a loop that C cannot express; it fails the dedup, as in libbpf (-ELOOP).
 */
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DECL_TAG,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_VOLATILE,
  kindName,
} from '../kinds.js';
import {
  equalArray,
  equalCommon,
  equalFnProto,
  equalIntTag,
  hashArray,
  hashCommon,
  hashFnProto,
  hashIntTag,
} from './hash.js';
import { idFieldCount, idFieldPos } from '../fields.js';
import { IN_PROGRESS, MAX_NR_TYPES, PROGRESS_STEP, type DedupState } from './state.js';

function isRefKind(k: number): boolean {
  switch (k) {
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_FUNC:
    case BTF_KIND_TYPE_TAG:
    case BTF_KIND_DECL_TAG:
    case BTF_KIND_ARRAY:
    case BTF_KIND_FUNC_PROTO:
      return true;
    default:
      return false;
  }
}

/** Returns the word offset of referenced field `i` of the record at `o` (fields table order), or -1 past the last. */
function fieldPos(w: Uint32Array, o: number, i: number): number {
  return i < idFieldCount(w, o) ? idFieldPos(w, o, i) : -1;
}

/** Finds the canonical twin of a settled reference type, or makes it canonical; returns its canonical id. */
function settle(d: DedupState, id: number): number {
  const { w, off, map, table } = d;
  const o = off[id]!;
  let h: number;
  let newId = id;
  switch (d.kind(id)) {
    case BTF_KIND_DECL_TAG:
      h = hashIntTag(w, o);
      for (let e = table.first(h); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        if (equalIntTag(w, o, off[c]!)) {
          newId = c;
          break;
        }
      }
      break;
    case BTF_KIND_ARRAY:
      h = hashArray(w, o);
      for (let e = table.first(h); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        if (equalArray(w, o, off[c]!)) {
          newId = c;
          break;
        }
      }
      break;
    case BTF_KIND_FUNC_PROTO:
      h = hashFnProto(w, o);
      for (let e = table.first(h); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        if (equalFnProto(w, o, off[c]!)) {
          newId = c;
          break;
        }
      }
      break;
    default:
      h = hashCommon(w, o);
      for (let e = table.first(h); e >= 0; e = table.nextOf(e, h)) {
        const c = table.types[e]!;
        if (equalCommon(w, o, off[c]!)) {
          newId = c;
          break;
        }
      }
  }
  map[id] = newId;
  if (newId === id) table.add(h, id);
  return newId;
}

/** Frames of the settling walk: (type id, index of the next referenced field). */
let frames = new Uint32Array(256);

/** Marks `id` in progress and returns the stack depth with its frame pushed. */
function enter(d: DedupState, id: number, sp: number): number {
  if (!isRefKind(d.kind(id))) throw d.badKind(id, 'dedup does not know this kind');
  d.map[id] = IN_PROGRESS;
  if (sp + 2 > frames.length) {
    const g = new Uint32Array(frames.length * 2);
    g.set(frames);
    frames = g;
  }
  frames[sp] = id;
  frames[sp + 1] = 0;
  return sp + 2;
}

function loopError(d: DedupState, id: number): BtfError {
  return new BtfError(
    BtfErrorCode.Loop,
    `type [${id}] ${kindName(d.kind(id))}: reference loop not going through a struct or union`,
    { typeId: id },
  );
}

/** Settles reference type `id` and everything it refers to (`btf_dedup_ref_type`). */
function dedupRef(d: DedupState, id: number): void {
  const { w, off, map } = d;
  const m = map[id]!;
  if (m <= MAX_NR_TYPES) return;
  if (m === IN_PROGRESS) throw loopError(d, id);
  let sp = enter(d, id, 0);
  while (sp > 0) {
    const t = frames[sp - 2]!;
    const i = frames[sp - 1]!;
    const pos = fieldPos(w, off[t]!, i);
    if (pos < 0) {
      // all referenced fields settled: settle t and hand its id to the parent
      const r = settle(d, t);
      sp -= 2;
      if (sp > 0) {
        w[fieldPos(w, off[frames[sp - 2]!]!, frames[sp - 1]!)] = r;
        frames[sp - 1] = frames[sp - 1]! + 1;
      }
      continue;
    }
    const ref = w[pos]!;
    const rm = map[ref]!;
    if (rm <= MAX_NR_TYPES) {
      w[pos] = d.resolve(ref);
      frames[sp - 1] = i + 1;
    } else if (rm === IN_PROGRESS) {
      throw loopError(d, ref);
    } else {
      sp = enter(d, ref, sp);
    }
  }
}

/** Deduplicates every reference type (`btf_dedup_ref_types`). */
export function dedupRefTypes(d: DedupState): void {
  // libbpf visits every id; for the others (already mapped) that is a no-op
  const ids = d.refIds;
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    if (d.progress && (i & (PROGRESS_STEP - 1)) === 0) d.progress('ref', i, n);
    dedupRef(d, ids[i]!);
  }
}
