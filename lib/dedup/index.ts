/**
 * BTF deduplication: libbpf 1.1.2's `btf__dedup`, with the same output,
 * byte for byte.
 *
 * ## The problem
 *
 * Every compilation unit carries the types it uses, so a linked object or a
 * kernel built from thousands of units holds the same `int`, the same
 * `struct list_head`, the same `task_struct *` thousands of times. Worse,
 * units see types to different depths: one knows `struct S` only as a
 * forward declaration, another has it in full.
 *
 *   // unit 1                          // unit 2
 *   struct S;                          struct S { int x; struct S *next; };
 *   struct A { struct S *s; };         struct A { struct S *s; };
 *
 *   merged (unit 1, then unit 2)       deduplicated
 *   [1] FWD 'S' struct                 [1] PTR -> [4]
 *   [2] PTR -> [1]                     [2] STRUCT 'A' { s: [1] }
 *   [3] STRUCT 'A' { s: [2] }          [3] INT 'int'
 *   [4] INT 'int'                      [4] STRUCT 'S' { x: [3], next: [1] }
 *   [5] STRUCT 'S' { x: [4], next: [6] }
 *   [6] PTR -> [5]
 *   [7] STRUCT 'A' { s: [8] }
 *   [8] PTR -> [5]
 *
 * Dedup maps every type to one canonical type of its equivalence class (the
 * first in id order, normally), resolves forward declarations to the
 * structs they name where that is unambiguous, drops the rest and renumbers.
 * Type graphs have cycles (through struct members), so equality of structs
 * is decided by walking two graphs side by side rather than by hashing.
 *
 * ## The passes (libbpf's order; one module each)
 *
 *   0. prim.ts    base types of split BTF: canonical, and candidates
 *   1. strings.ts string section rebuilt in reference order (unless the
 *                 strings are unique already: builder / addBtf output)
 *   2. prim.ts    INT, FLOAT, FWD, ENUM, ENUM64: hash and compare
 *   3. struct.ts  STRUCT, UNION: hash without member types, then the
 *                 side-by-side graph walk; resolves FWDs met on the way
 *   4. fwd.ts     remaining FWDs -> the unique struct/union of their name
 *   5. ref.ts     PTR, TYPEDEF, modifiers, TYPE_TAG, FUNC, DECL_TAG, ARRAY,
 *                 FUNC_PROTO: settle referenced types, then hash and compare
 *   6. compact.ts keep canonical types in order, number them densely
 *   7. remap.ts   rewrite every type id (and .BTF.ext's)
 *
 * VAR and DATASEC are never deduplicated: each is its own canonical type.
 *
 * ## The buffers (state.ts)
 *
 *   w     [ base records ... | this BTF's records ...   | 0 0 0 ]
 *                               ^ localWords                ^ void
 *   off   id -> word offset in w          (Uint32Array, typeCnt)
 *   map   id -> canonical id | UNPROCESSED (~0) | IN_PROGRESS (~1)
 *   hypotMap  canonical-graph id -> candidate-graph id during one walk,
 *         then old id -> new id after compaction; hypotList: ids set
 *   table signature hash -> candidate ids, in libbpf's hashmap visiting
 *         order (table.ts explains why that order decides outputs)
 *
 *   the example above: comparing [7] with [3] pairs [8] with [2] and
 *   [5] with the FWD [1], so [1] -> 5 and [7] -> 3; then [2] reads
 *   PTR -> [5] and [6], [8] equal it:
 *     id        1  2  3  4  5  6  7  8
 *     map       5  2  3  4  5  2  3  2
 *     new id    -  1  2  3  4  -  -  -
 *
 * Everything is flat typed arrays indexed by id; records are compared in
 * place. Split BTF copies the base records into `w` (read only) so that one
 * offset table serves every id; the base itself is never changed.
 *
 * ## Where we do less work than libbpf, with the same result
 *
 * Only skipping work whose outcome is known keeps the output identical:
 * the table keys structs and enums more finely than libbpf's hashes do
 * (hash.ts `hashStructDeep`, `hashEnumAlias`), so candidates that would
 * surely fail are never looked at, struct.ts rejects most of the rest
 * from the first member pair (`surelyNotEquiv`) before walking, and
 * shape.ts's signatures (everything a walk compares, at any depth, down to
 * named structs) reject walks that must fail deep down: two copies of a
 * chain of N nested anonymous structs cost libbpf N^3/6 steps, us none. A failed
 * comparison changes nothing in libbpf, and the order of the candidates
 * that remain is libbpf's (table.ts).
 *
 * ## Where it sits
 *
 * `dedup(btf, opts)` is a function over the container, as libbpf's
 * `btf__dedup(btf, opts)` is, not a method of `Btf`: lib/btf.ts stays below
 * this directory. The passes read the container's words in place and hand
 * the result back through its methods (`prepareRewrite`, `replaceContents`).
 * This module is also the `btfkit/dedup` entry point.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { compactTypes, type Compacted } from './compact.js';
import { resolveFwds } from './fwd.js';
import { dedupPrimTypes, prepBase } from './prim.js';
import { dedupRefTypes } from './ref.js';
import { remapTypes } from './remap.js';
import { DedupState, type DedupExt, type DedupPass } from './state.js';
import { dedupStrings } from './strings.js';
import { dedupStructTypes } from './struct.js';

export type { DedupExt } from './state.js';

/** Names of the passes, in order (`prep` ... `remap`). */
export type { DedupPass } from './state.js';

/** Options for {@link dedup} (libbpf's `struct btf_dedup_opts`). */
export interface DedupOptions {
  /**
   * The base BTF of a split BTF. Optional: a split BTF knows its base; when
   * given it must be that base (EINVAL otherwise), since the ids of a split
   * BTF are fixed relative to it when it is parsed or built.
   */
  base?: BtfContainer;
  /** .BTF.ext to keep in step (libbpf's `btf_dedup_opts.btf_ext`). */
  ext?: DedupExt;
  /**
   * Puts every type signature in one hash bucket (libbpf's
   * `force_collisions`, for testing): much slower, same output. Defaults to
   * false.
   */
  forceCollisions?: boolean;
  /**
   * Called every 16384 types within the longer passes, and once at the end
   * of every pass with `done === total`.
   */
  onProgress?: (phase: DedupPass, done: number, total: number) => void;
}

/** What a dedup did. */
export interface DedupReport {
  /** This BTF's types before and after (base excluded). */
  typesBefore: number;
  typesAfter: number;
  /** Bytes of this BTF's string section before and after. */
  strBytesBefore: number;
  strBytesAfter: number;
  /** Time of each pass in milliseconds, in order. */
  passes: Array<{ pass: DedupPass; ms: number }>;
}

/** Returns the error for type `id`, of a kind known only from a layout section. */
function unknownKind(btf: BtfContainer, id: number): BtfError {
  return new BtfError(
    BtfErrorCode.BadType,
    `type [${id}] kind ${btf.kindOf(id)}: dedup does not know this kind (the layout section gives only its size)`,
    { typeId: id },
  );
}

/** Puts the compacted records and the new strings into the container. */
function install(btf: BtfContainer, d: DedupState, c: Compacted, strings: Uint8Array | null): void {
  let words = d.w;
  if (btf.base) {
    // Split BTF: the state's words start with the base's; keep only ours.
    words = new Uint32Array(Math.max(64, c.typeWords + (c.typeWords >> 3)));
    words.set(d.w.subarray(d.localWords, d.localWords + c.typeWords));
  }
  btf.replaceContents(words, c.typeWords, c.offs, c.nrTypes, strings);
}

/**
 * Deduplicates `btf` in place (libbpf's `btf__dedup`) and returns what it
 * did. The result, as `rawData()`, is byte-identical to libbpf 1.1.2's.
 * Split BTF is deduplicated against its base, which is not changed. On
 * error the BTF is left half-done and should be dropped, as in libbpf.
 * Throws BtfError: EINVAL for a wrong `base` option, ETYPE for a kind dedup
 * does not know, ELOOP for a reference loop that does not pass through a
 * struct or union, ETYPEID for a type id with no deduplicated type.
 */
export function dedup(btf: BtfContainer, opts: DedupOptions = {}): DedupReport {
  if (opts.base !== undefined && opts.base !== btf.base) {
    throw new BtfError(
      BtfErrorCode.InvalidArgument,
      btf.base
        ? 'dedup: the base given is not the base of this split BTF'
        : 'dedup: this BTF is not split BTF; parse it with { base } to dedup it against a base',
    );
  }
  // A kind known only from the layout section has a size but no meaning:
  // nothing says which of its words are type ids to remap or compare. The
  // base's types are looked at here, this BTF's by DedupState's pass over
  // the kinds (one pass fewer over a vmlinux-sized BTF).
  const baseUnknown = btf.base ? btf.base.firstLayoutOnlyKind() : 0;
  if (baseUnknown) throw unknownKind(btf, baseUnknown);
  const report: DedupReport = {
    typesBefore: btf.nrTypes,
    typesAfter: 0,
    strBytesBefore: btf.strLen,
    strBytesAfter: 0,
    passes: [],
  };
  const onProgress = opts.onProgress;
  let t = performance.now();
  const lap = (pass: DedupPass): void => {
    const now = performance.now();
    report.passes.push({ pass, ms: now - t });
    if (onProgress) onProgress(pass, 1, 1);
    t = now;
  };

  btf.prepareRewrite();
  const d = new DedupState(btf, onProgress ?? null, opts.forceCollisions === true);
  if (d.firstUnknownKind) throw unknownKind(btf, d.firstUnknownKind);
  prepBase(d);
  lap('prep');
  const strings = dedupStrings(d, opts.ext);
  lap('strings');
  dedupPrimTypes(d);
  lap('prim');
  dedupStructTypes(d);
  lap('struct');
  resolveFwds(d);
  lap('fwd');
  dedupRefTypes(d);
  lap('ref');
  const c = compactTypes(d);
  lap('compact');
  remapTypes(d, c, opts.ext);
  install(btf, d, c, strings);
  lap('remap');
  report.typesAfter = btf.nrTypes;
  report.strBytesAfter = btf.strLen;
  return report;
}
