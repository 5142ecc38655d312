/**
 * The kfuncs of bpftool 7.8's `format c` (`dump_btf_kfuncs` in bpftool's
 * btf.c): after every type, under `#ifndef BPF_NO_KFUNC_PROTOTYPES`, one
 * `extern PROTOTYPE __weak __ksym;` line per function that a kernel built
 * with `__bpf_kfunc` tagged, so that BPF C can call kfuncs with vmlinux.h
 * alone.
 *
 * The tags are DECL_TAG types on the whole function (component_idx -1)
 * naming a FUNC: `bpf_kfunc` makes a kfunc, `bpf_fastcall` adds the
 * `__bpf_fastcall ` prefix to a kfunc that also has it (a fastcall tag alone
 * prints nothing). Names must match exactly (bpftool compares with the NUL).
 * A function tagged twice is listed twice, as bpftool does. The list is
 * sorted by function name as bytes (strcmp); functions of the same name keep
 * the order of their tags (bpftool's qsort leaves that to the C library; the
 * lines are equal whenever the prototypes are).
 *
 * The macros the prototypes use (`__ksym`, `__weak`, `__bpf_fastcall`) are
 * defined at the top of the header: {@link KFUNC_MACROS}.
 *
 * The DECL_TAGs are found by a pass over the records ({@link declTags}),
 * unless the caller has them: the sorted dump's sort reads every record
 * anyway (lib/dump/c-sort.ts `sortedDumpRootsOf`).
 */
import { BTF_KIND_DECL_TAG, BTF_KIND_FUNC, infoKind } from '../kinds.js';
import type { TypeQuery } from '../query.js';
import { byteKeyAt } from '../strings.js';

/** What bpftool 7.8 prints after the pragma, before the types. */
export const KFUNC_MACROS =
  '#ifndef __ksym\n' +
  '#define __ksym __attribute__((section(".ksyms")))\n' +
  '#endif\n\n' +
  '#ifndef __weak\n' +
  '#define __weak __attribute__((weak))\n' +
  '#endif\n\n' +
  '#ifndef __bpf_fastcall\n' +
  '#if __has_attribute(bpf_fastcall)\n' +
  '#define __bpf_fastcall __attribute__((bpf_fastcall))\n' +
  '#else\n' +
  '#define __bpf_fastcall\n' +
  '#endif\n' +
  '#endif\n\n';

/** The opening and closing lines of the kfunc block. */
export const KFUNC_BLOCK_START = '\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n';
export const KFUNC_BLOCK_END = '#endif\n\n';

/** The kfuncs of one BTF, in bpftool's order. */
export interface Kfuncs {
  /** FUNC ids, sorted by name (bytes), one per `bpf_kfunc` tag. */
  readonly ids: Uint32Array;
  /** Per entry of `ids`: whether the function also has a `bpf_fastcall` tag. */
  readonly fastcall: Uint8Array;
}

const KFUNC_TAG = new TextEncoder().encode('bpf_kfunc');
const FASTCALL_TAG = new TextEncoder().encode('bpf_fastcall');

/**
 * Returns the kfuncs of the BTF under `q` (lib/query.ts), base types
 * included for split BTF, as bpftool 7.8 lists them. A tag whose target
 * is out of range is skipped. `tags`, when given, are the ids of every
 * DECL_TAG under `q`, ascending (found by a pass made for something else);
 * else they are looked for here.
 */
export function collectKfuncs(q: TypeQuery, tags?: Uint32Array): Kfuncs {
  const { words: w, offs: off } = q;
  const kfuncs: number[] = [];
  const fastcalls: number[] = [];
  scanTags(q, tags ?? declTags(w, off, q.typeCount), kfuncs, fastcalls);
  const keys = new Map<number, string>();
  for (const id of kfuncs) if (!keys.has(id)) keys.set(id, byteKeyAt(q.strs, w[off[id]!]!));
  // Array.prototype.sort is stable: equal names keep the order of their tags.
  kfuncs.sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const ids = Uint32Array.from(kfuncs);
  const fast = new Set(fastcalls);
  const fastcall = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) fastcall[i] = fast.has(ids[i]!) ? 1 : 0;
  return { ids, fastcall };
}

/**
 * Appends to `kfuncs` and `fastcalls` the FUNC each `bpf_kfunc` and
 * `bpf_fastcall` tag of `tags` (DECL_TAG ids) names, in id order.
 */
function scanTags(q: TypeQuery, tags: Uint32Array, kfuncs: number[], fastcalls: number[]): void {
  const { words: w, offs: off, typeCount: count } = q;
  for (let i = 0; i < tags.length; i++) {
    const o = off[tags[i]!]!;
    if ((w[o + 3]! | 0) !== -1) continue;
    const target = w[o + 2]!;
    if (target === 0 || target >= count || infoKind(w[off[target]! + 1]!) !== BTF_KIND_FUNC) continue;
    if (q.strIs(w[o]!, KFUNC_TAG)) kfuncs.push(target);
    else if (q.strIs(w[o]!, FASTCALL_TAG)) fastcalls.push(target);
  }
}

/**
 * Returns the ids of the DECL_TAGs among 1 .. count-1: the one loop over
 * every type, without a branch (each id is written, and the count moves on
 * for a tag), so that V8's optimised code for it, made before the first tag
 * (a few hundred, late in vmlinux) is met, is not thrown away at that tag.
 */
function declTags(w: Uint32Array, off: Uint32Array, count: number): Uint32Array {
  const tags = new Uint32Array(count);
  let n = 0;
  for (let id = 1; id < count; id++) {
    tags[n] = id;
    n += infoKind(w[off[id]! + 1]!) === BTF_KIND_DECL_TAG ? 1 : 0;
  }
  return tags.subarray(0, n);
}
