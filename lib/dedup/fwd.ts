/**
 * Pass 4, leftover forward declarations (libbpf's `btf_dedup_resolve_fwds`).
 *
 * The struct pass resolves a FWD only when a graph walk meets it opposite
 * its struct. A FWD that no walk reaches stays, as in:
 *
 *   unit 1: struct foo;             struct foo *a;
 *   unit 2: struct foo { int u; };  struct foo *b;
 *
 * This pass points each still-canonical FWD at the one canonical STRUCT or
 * UNION of its name and kind, when there is exactly one such name among all
 * canonical structs and unions (base included); names shared by several
 * (say, two different `struct foo` in two units) are left alone.
 */
import { BTF_KIND_FWD, BTF_KIND_STRUCT, BTF_KIND_UNION, infoKflag, infoKind } from '../kinds.js';
import { PROGRESS_STEP, type DedupState } from './state.js';

const EMPTY = 0xffffffff;
/** Id stored for a name several canonical structs/unions share. */
const AMBIGUOUS = 0;

/** name_off -> canonical STRUCT/UNION id, or AMBIGUOUS. */
class NameMap {
  private keys: Uint32Array;
  private vals: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(expected: number) {
    let cap = 64;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Uint32Array(cap).fill(EMPTY);
    this.vals = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  private slot(key: number): number {
    const h = Math.imul(key, 0x9e3779b1);
    let i = (h ^ (h >>> 16)) & this.mask;
    while (this.keys[i] !== EMPTY && this.keys[i] !== key) i = (i + 1) & this.mask;
    return i;
  }

  /** Adds `key -> id`, or marks the key ambiguous when present (`hashmap__add`, then `hashmap__set` to 0). */
  add(key: number, id: number): void {
    const i = this.slot(key);
    if (this.keys[i] === key) {
      this.vals[i] = AMBIGUOUS;
      return;
    }
    this.keys[i] = key;
    this.vals[i] = id;
    if (++this.count * 2 > this.keys.length) this.grow();
  }

  /** Returns the id for `key`: AMBIGUOUS (0) when shared or absent. */
  get(key: number): number {
    const i = this.slot(key);
    return this.keys[i] === key ? this.vals[i]! : AMBIGUOUS;
  }

  private grow(): void {
    const ok = this.keys;
    const ov = this.vals;
    this.keys = new Uint32Array(ok.length * 2).fill(EMPTY);
    this.vals = new Uint32Array(ok.length * 2);
    this.mask = this.keys.length - 1;
    for (let j = 0; j < ok.length; j++) {
      if (ok[j] === EMPTY) continue;
      const i = this.slot(ok[j]!);
      this.keys[i] = ok[j]!;
      this.vals[i] = ov[j]!;
    }
  }
}

/** Resolves canonical FWDs to the unique canonical STRUCT/UNION of their name (`btf_dedup_resolve_fwds`). */
export function resolveFwds(d: DedupState): void {
  const { w, off, map } = d;
  const names = new NameMap(d.typeCnt >> 4);
  // btf_dedup_fill_unique_names_map: base and split ids alike, in id order
  for (let id = 1; id < d.startId; id++) {
    const k = d.kind(id);
    if ((k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) && map[id] === id) names.add(w[off[id]!]!, id);
  }
  for (const id of d.structIds) if (map[id] === id) names.add(w[off[id]!]!, id);
  const ids = d.primIds;
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    if (d.progress && (i & (PROGRESS_STEP - 1)) === 0) d.progress('fwd', i, n);
    const id = ids[i]!;
    const o = off[id]!;
    const info = w[o + 1]!;
    if (infoKind(info) !== BTF_KIND_FWD || map[id] !== id) continue;
    const cand = names.get(w[o]!);
    if (cand === AMBIGUOUS) continue;
    // kind_flag set: a union forward declaration
    const want = infoKflag(info) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
    if (d.kind(cand) !== want) continue;
    map[id] = cand;
  }
}
