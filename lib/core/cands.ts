/**
 * CO-RE candidate search (libbpf 1.1.2's `bpf_core_add_cands` and
 * `bpf_core_find_cands`): the target types whose essential name (the name up
 * to its last `___flavor` suffix) equals the local type's and whose kind is
 * CO-RE compatible, in id order, in vmlinux first and in the modules only
 * when vmlinux has none.
 * @module
 */
import type { Btf } from '../btf.js';
import { BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_FUNC, infoKind } from '../kinds.js';
import { KIND_STR } from '../core-spec.js';
import { type TypeQuery, typeQuery } from '../query.js';

/** libbpf's `bpf_core_essential_name_len`: the length of `name` before its last `X___Y` flavor separator. */
export function essentialNameLen(name: string): number {
  for (let i = name.length - 5; i >= 0; i--) {
    if (
      name.charCodeAt(i) !== 95 &&
      name.charCodeAt(i + 1) === 95 &&
      name.charCodeAt(i + 2) === 95 &&
      name.charCodeAt(i + 3) === 95 &&
      name.charCodeAt(i + 4) !== 95
    )
      return i + 1;
  }
  return name.length;
}

/** libbpf's `btf_kind_core_compat`: same kind, or both any enum. */
export function kindCoreCompat(a: number, b: number): boolean {
  return a === b || ((a === BTF_KIND_ENUM || a === BTF_KIND_ENUM64) && (b === BTF_KIND_ENUM || b === BTF_KIND_ENUM64));
}

/** One target BTF searched for candidates: vmlinux (ids from 1) or a module (its own ids only). */
export interface CoreTargetPart {
  /** The name libbpf prints in its log (`vmlinux`, or the module's name). */
  readonly name: string;
  readonly btf: Btf;
  /** The first id searched: 1 for vmlinux, the base's type count for a module. */
  readonly startId: number;
}

/** A target candidate (libbpf's `struct bpf_core_cand`). */
export interface CoreCand {
  readonly part: CoreTargetPart;
  readonly id: number;
}

/**
 * The kernel a program is relocated against: vmlinux and its modules (split
 * BTF over vmlinux). The search goes through a candidate index built once
 * per target part (see `nameIndex`) and shared by every object relocated
 * against it; names are compared on the string bytes (no string is decoded).
 */
export class CoreTarget {
  readonly base: CoreTargetPart;
  readonly modules: readonly CoreTargetPart[];

  /**
   * `modules` are split BTF over `vmlinux`; a module given as a function is
   * loaded on first use (libbpf, too, loads module BTF only when vmlinux
   * has no candidate).
   */
  constructor(vmlinux: Btf, modules: ReadonlyArray<{ name: string; btf: Btf | (() => Btf) }> = []) {
    this.base = { name: 'vmlinux', btf: vmlinux, startId: 1 };
    this.modules = modules.map((m) => {
      let btf = m.btf;
      return {
        name: m.name,
        startId: vmlinux.typeCount,
        get btf(): Btf {
          if (typeof btf === 'function') btf = btf();
          return btf;
        },
      };
    });
  }

  /** `bpf_core_add_cands` over one part: appends to `out` (`findCands` logs them). */
  addCands(
    part: CoreTargetPart,
    local: { q: TypeQuery; id: number; name: string; kind: number },
    out: CoreCand[],
  ): void {
    const want = utf8.encode(local.name);
    const len = essentialByteLen(want, 0, want.length);
    const q = typeQuery(part.btf);
    const { strs, words, offs } = q;
    const { index, next } = nameIndex(q, part.startId, indexClass(local.kind));
    // the ids whose essential name hashes alike, in id order: libbpf's scan, without the types it would skip
    for (let id = index.head[keyHash(want, 0, len) & index.mask]!; id !== 0; id = next[id - part.startId]!) {
      // libbpf's tests: the name's first bytes, the kind, then the essential lengths
      const o = offs[id]!;
      const off = words[o]!;
      let i = 0;
      while (i < len && strs[off + i] === want[i]) i++;
      if (i < len) continue;
      const k = infoKind(words[o + 1]!);
      if (!kindCoreCompat(k, local.kind)) continue;
      let end = off + len;
      while (end < strs.length && strs[end] !== 0) end++;
      if (essentialByteLen(strs, off, end) !== len) continue;
      out.push({ part, id });
    }
  }

  /**
   * `bpf_core_find_cands`: vmlinux, then the modules only when vmlinux has
   * no candidate. Returns a new array (the caller prunes it). The lists are
   * kept per essential name and kind, so every object relocated against this
   * target searches each name once; with `log`, libbpf's line for each candidate.
   */
  findCands(local: { q: TypeQuery; id: number; name: string; kind: number }, log: string[] | null): CoreCand[] {
    const key = `${local.kind === BTF_KIND_ENUM64 ? BTF_KIND_ENUM : local.kind}:${local.name.slice(0, essentialNameLen(local.name))}`;
    let found = this.#found.get(key);
    if (!found) {
      found = [];
      this.addCands(this.base, local, found);
      if (!found.length) for (const m of this.modules) this.addCands(m, local, found);
      this.#found.set(key, found);
    }
    if (log)
      for (const c of found) {
        const q = typeQuery(c.part.btf);
        log.push(
          `libbpf: CO-RE relocating [${local.id}] ${KIND_STR[local.kind]} ${local.name}: found target candidate [${c.id}] ${KIND_STR[q.kind(c.id)]} ${q.str(q.nameOff(c.id))} in [${c.part.name}]`,
        );
      }
    return found.slice();
  }

  /** The candidates found so far, by kind (ENUM64 as ENUM: either finds both) and essential name. */
  readonly #found = new Map<string, CoreCand[]>();
}

const utf8 = new TextEncoder();

/** `bpf_core_essential_name_len` over the bytes `b[from, end)`. */
function essentialByteLen(b: Uint8Array, from: number, end: number): number {
  for (let i = end - 5; i >= from; i--) {
    if (b[i] !== 95 && b[i + 1] === 95 && b[i + 2] === 95 && b[i + 3] === 95 && b[i + 4] !== 95) return i + 1 - from;
  }
  return end - from;
}

/**
 * The candidate index of one target part: its named types chained by a
 * hash of their essential name, each chain in id order (`head[hash & mask]`
 * is the first id, `next[id - startId]` the following one, 0 ends a chain).
 * libbpf scans every type of the target for every local type; the index is
 * built with one such scan per target and then shared by every relocation of
 * every object relocated against it, in a run or a matrix.
 *
 * FUNCs (four fifths of a kernel's named types) are candidates only for a
 * local FUNC, which CO-RE records never name in practice: they get an index
 * of their own, built only when asked, so the usual index hashes a fifth of
 * the names. Each id is in one chain of one index, so the two share `next`.
 */
interface NameIndex {
  readonly head: Uint32Array;
  readonly mask: number;
}

/** A part's indexes: [0] every named type but FUNCs, [1] the FUNCs, each built on first use. */
interface PartIndex {
  readonly next: Uint32Array;
  readonly byClass: [NameIndex | undefined, NameIndex | undefined];
}

/** One index per query layer (and start id): rebuilt when the BTF changes, as the layer is. */
const indexes = new WeakMap<TypeQuery, Map<number, PartIndex>>();

/** The index class of a kind: 1 for FUNC, 0 for every other (kindCoreCompat never crosses it). */
const indexClass = (kind: number): 0 | 1 => (kind === BTF_KIND_FUNC ? 1 : 0);

function nameIndex(q: TypeQuery, startId: number, cls: 0 | 1): { index: NameIndex; next: Uint32Array } {
  let byStart = indexes.get(q);
  if (!byStart) {
    byStart = new Map();
    indexes.set(q, byStart);
  }
  let part = byStart.get(startId);
  if (!part) {
    part = { next: new Uint32Array(Math.max(q.typeCount - startId, 0)), byClass: [undefined, undefined] };
    byStart.set(startId, part);
  }
  const have = part.byClass[cls];
  if (have) return { index: have, next: part.next };
  const next = part.next;
  // one slot per four types: a fifth of a kernel's named types are not FUNCs, so chains stay short for both
  let size = 1024;
  while (size < (q.typeCount - startId) / 4) size *= 2;
  const head = new Uint32Array(size);
  const mask = size - 1;
  chainNames(q, startId, cls === 1, head, next);
  const index = { head, mask };
  part.byClass[cls] = index;
  return { index, next };
}

/**
 * Chains every named type of `q` from `startId` (FUNCs only, or every kind
 * but FUNC) into `head`/`next`. From the last id down, each id put in front
 * of its chain: the chains come out in id order. One pass with the hash
 * inlined; a function of its own that does nothing after its loop, so that
 * the loop's optimised (OSR) code runs to the end without a deopt, and the
 * next kernel's index enters it compiled.
 */
function chainNames(q: TypeQuery, startId: number, funcs: boolean, head: Uint32Array, next: Uint32Array): void {
  const { strs, words, offs } = q;
  const nStrs = strs.length;
  const mask = head.length - 1;
  for (let id = q.typeCount - 1; id >= startId; id--) {
    const o = offs[id]!;
    const off = words[o]!;
    if (off === 0 || off >= nStrs || (infoKind(words[o + 1]!) === BTF_KIND_FUNC) !== funcs) continue;
    let h = 0x811c9dc5;
    for (let i = off; i < nStrs; i++) {
      const c = strs[i]!;
      if (c === 0 || (c === 95 && strs[i + 1] === 95 && strs[i + 2] === 95)) break;
      h = Math.imul(h ^ c, 16777619);
    }
    h &= mask;
    next[id - startId] = head[h]!;
    head[h] = id;
  }
}

/**
 * The index key of a name in `b[from, end)` (a NUL ends it sooner): FNV-1a
 * over its bytes up to the first `___`. A candidate's name starts with the
 * local essential name and has the same essential length, so its first
 * `___` is the local name's, or comes right after it (an essential name
 * never ends in `_`): both keys hash the same bytes.
 */
function keyHash(b: Uint8Array, from: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < end; i++) {
    const c = b[i]!;
    if (c === 0 || (c === 95 && b[i + 1] === 95 && b[i + 2] === 95)) break;
    h = Math.imul(h ^ c, 16777619);
  }
  return h >>> 0;
}
