/**
 * The candidate table: type signature hash -> canonical candidates, in the
 * order libbpf 1.1.2 would try them (libbpf's `btf_dedup->dedup_table`).
 *
 * Why the order matters: for one signature libbpf walks its candidates with
 * `hashmap__for_each_key_entry` and takes the first one that is equal (or
 * equivalent, for structs), and the ENUM pass even writes to `map` for every
 * compatible candidate it passes. When two candidates could both match,
 * the one visited first wins, so the output depends on the visiting order.
 *
 * libbpf's hashmap (`hashmap.c`) keeps a singly linked chain per bucket:
 *
 *   - `hashmap__append` puts the new entry at the HEAD of its chain, so a
 *     walk sees the newest candidate first;
 *   - when the map grows (`(sz + 1) * 4 / 3 > cap`), it moves every chain to
 *     the new buckets entry by entry, adding each at the head again, which
 *     REVERSES the order of the entries of any one key (they all move to the
 *     same new bucket together).
 *
 * So for one key the order is fixed by the sequence "insert at head" and
 * "reverse everything" events. We keep our own chains (any bucket count,
 * any hash: entries that share a bucket but not a key are skipped, and
 * inserting at the head and reversing a whole chain keep every key's own
 * sub-order exactly as libbpf's) and count libbpf's grows. A chain is
 * reversed lazily, when next touched, if an odd number of grows happened
 * since it was last put in order.
 *
 *   buckets  [ 0 ][ 1 ][ 2 ] ...        entries (parallel arrays)
 *              |         |               key   type  next
 *              v         v               ----  ----  ----
 *             e3 -> e0   e2 -> -1   e0:  k1    17    -1
 *                                    e1:  ...
 *   flips[b] = libbpf grows seen when chain b was last put in order
 *
 * Our key only has to be a function of the fields libbpf hashes (two types
 * libbpf may both accept for one query always have the same fields), so we
 * use a 32-bit hash of our own instead of libbpf's `long` arithmetic.
 */

const NONE = -1;

/** libbpf's HASHMAP_MIN_CAP_BITS. */
const MIN_CAP_BITS = 2;

/** Signature hash -> candidate type ids, visited in libbpf's order. */
export class CandTable {
  /** Key (our 32-bit signature hash) of each entry. */
  private keys: Int32Array;
  /** Type id of each entry (read it, never write it, from outside). */
  types: Uint32Array;
  /** Next entry in the chain, or -1. */
  private next: Int32Array;
  /** Parity of libbpf's grows when each entry was added. */
  private parityAt: Uint8Array;
  private n = 0;
  private readonly heads: Int32Array;
  private readonly flips: Uint8Array;
  private readonly shift: number;
  private readonly mask: number;
  // libbpf's hashmap size, capacity and the number of times it grew.
  private sz = 0;
  private cap = 0;
  private capBits = 0;
  private grows = 0;

  /**
   * Returns a table sized for about `expected` entries (it grows past that).
   * With `collide`, every key shares one bucket (libbpf's
   * `force_collisions` test option): slower, same results.
   */
  constructor(expected: number, collide = false) {
    let bits = 4;
    while (1 << bits < expected && bits < 24) bits++;
    this.heads = new Int32Array(1 << bits).fill(NONE);
    this.flips = new Uint8Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = collide ? 0 : (1 << bits) - 1;
    const cap = Math.max(16, expected);
    this.keys = new Int32Array(cap);
    this.types = new Uint32Array(cap);
    this.next = new Int32Array(cap);
    this.parityAt = new Uint8Array(cap);
  }

  private bucket(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> this.shift) & this.mask;
  }

  /** Puts chain `b` in libbpf's current order. */
  private order(b: number): void {
    const parity = this.grows & 1;
    if (this.flips[b] === parity) return;
    this.flips[b] = parity;
    const next = this.next;
    let prev = NONE;
    let e = this.heads[b]!;
    while (e !== NONE) {
      const nx = next[e]!;
      next[e] = prev;
      prev = e;
      e = nx;
    }
    this.heads[b] = prev;
  }

  /** Returns the first entry for `key` (read its type from `types`), or -1. */
  first(key: number): number {
    const b = this.bucket(key);
    this.order(b);
    let e = this.heads[b]!;
    const keys = this.keys;
    while (e !== NONE && keys[e] !== key) e = this.next[e]!;
    return e;
  }

  /** Returns the entry after `e` with the same key, or -1. */
  nextOf(e: number, key: number): number {
    const keys = this.keys;
    let x = this.next[e]!;
    while (x !== NONE && keys[x] !== key) x = this.next[x]!;
    return x;
  }

  /** Appends `typeId` under `key` (`hashmap__append`). */
  add(key: number, typeId: number): void {
    // hashmap_needs_to_grow(): grow when empty or more than 75% full.
    if (this.cap === 0 || Math.floor(((this.sz + 1) * 4) / 3) > this.cap) {
      this.capBits = Math.max(this.capBits + 1, MIN_CAP_BITS);
      this.cap = 2 ** this.capBits;
      this.grows++;
    }
    this.sz++;
    this.insert(key, typeId);
  }

  /**
   * Also lists the entry just added under a second, finer `key`: a sub-list
   * of candidates in the same order, which libbpf does not have (so it does
   * not count towards libbpf's size and growth).
   */
  addAlias(key: number, typeId: number): void {
    this.insert(key, typeId);
  }

  /** Returns the parity of libbpf's grows so far (the order its chains are in). */
  parity(): number {
    return this.grows & 1;
  }

  /** Returns the grows' parity when entry `e` was added. */
  parityOf(e: number): number {
    return this.parityAt[e]!;
  }

  /** Returns the entries of `key` in the order they were added. */
  entriesOf(key: number): number[] {
    const out: number[] = [];
    for (let e = this.first(key); e >= 0; e = this.nextOf(e, key)) out.push(e);
    return out.sort((a, b) => a - b);
  }

  /**
   * For a side table of sub-lists (it has no libbpf size of its own): puts
   * the table at libbpf's grows `parity` (of the main table, now or when
   * the entry about to be added was added there). Each key's entries must
   * be added in the main table's order of adding, with the parity each had
   * then; each list is then in the main table's relative order.
   */
  atParity(parity: number): void {
    this.grows = parity;
  }

  private insert(key: number, typeId: number): void {
    if (this.n === this.types.length) this.growEntries();
    const b = this.bucket(key);
    this.order(b);
    const e = this.n++;
    this.keys[e] = key;
    this.types[e] = typeId;
    this.parityAt[e] = this.grows & 1;
    this.next[e] = this.heads[b]!;
    this.heads[b] = e;
  }

  private growEntries(): void {
    const cap = this.types.length * 2;
    const k = new Int32Array(cap);
    k.set(this.keys);
    const t = new Uint32Array(cap);
    t.set(this.types);
    const x = new Int32Array(cap);
    x.set(this.next);
    const p = new Uint8Array(cap);
    p.set(this.parityAt);
    this.keys = k;
    this.types = t;
    this.next = x;
    this.parityAt = p;
  }
}
