/**
 * CO-RE candidate search (libbpf 1.1.2's `bpf_core_add_cands` and
 * `bpf_core_find_cands`): the target types whose essential name (the name up
 * to its last `___flavor` suffix) equals the local type's and whose kind is
 * CO-RE compatible, in id order, in vmlinux first and in the modules only
 * when vmlinux has none.
 * @module
 */
import type { Btf } from '../btf.js';
import { BTF_KIND_ENUM, BTF_KIND_ENUM64, infoKind } from '../kinds.js';
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
 * BTF over vmlinux). The search compares names on the string bytes (no
 * string is decoded), first byte first, as libbpf's scan does.
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

  /** `bpf_core_add_cands` over one part: appends to `out`, logging each candidate as libbpf does. */
  addCands(
    part: CoreTargetPart,
    local: { q: TypeQuery; id: number; name: string; kind: number },
    out: CoreCand[],
    log: string[],
  ): void {
    const want = new TextEncoder().encode(local.name);
    const len = essentialByteLen(want, 0, want.length);
    const q = typeQuery(part.btf);
    const { strs, words, offs } = q;
    const first = want[0];
    for (let id = part.startId; id < q.typeCount; id++) {
      // libbpf's order of tests, cheapest first: the name's first bytes, then the kind
      const o = offs[id]!;
      const off = words[o]!;
      if (off === 0 || strs[off] !== first) continue;
      let i = 1;
      while (i < len && strs[off + i] === want[i]) i++;
      if (i < len) continue;
      const k = infoKind(words[o + 1]!);
      if (!kindCoreCompat(k, local.kind)) continue;
      let end = off + len;
      while (end < strs.length && strs[end] !== 0) end++;
      if (essentialByteLen(strs, off, end) !== len) continue;
      log.push(
        `libbpf: CO-RE relocating [${local.id}] ${KIND_STR[local.kind]} ${local.name}: found target candidate [${id}] ${KIND_STR[k]} ${q.str(q.nameOff(id))} in [${part.name}]`,
      );
      out.push({ part, id });
    }
  }

  /** `bpf_core_find_cands`: vmlinux, then the modules only when vmlinux has no candidate. */
  findCands(local: { q: TypeQuery; id: number; name: string; kind: number }, log: string[]): CoreCand[] {
    const out: CoreCand[] = [];
    this.addCands(this.base, local, out, log);
    if (out.length) return out;
    for (const m of this.modules) this.addCands(m, local, out, log);
    return out;
  }
}

/** `bpf_core_essential_name_len` over the bytes `b[from, end)`. */
function essentialByteLen(b: Uint8Array, from: number, end: number): number {
  for (let i = end - 5; i >= from; i--) {
    if (b[i] !== 95 && b[i + 1] === 95 && b[i + 2] === 95 && b[i + 3] === 95 && b[i + 4] !== 95) return i + 1 - from;
  }
  return end - from;
}
