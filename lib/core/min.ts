/**
 * Minimal BTF for CO-RE (bpftool 7.1's `gen min_core_btf`, "BTFGen"): the
 * types of a kernel's BTF that the objects' relocations use, and nothing
 * else, so that old kernels without BTF can be given a small file.
 *
 * Every relocation is resolved as libbpf resolves it (relocateObject); the
 * matched target spec says what to keep. A field relocation keeps its root
 * type and, step by step along the access path, each member it goes
 * through (only that member of its struct) and the member's type; pointers
 * are not followed, so a kept pointer to a type nothing else keeps becomes
 * `void *`. Type relocations keep the type and follow pointers; enumerator
 * relocations keep the enum; `type_matches` keeps every member, down to the
 * structs reached through a pointer. The output then lists the kept types
 * in their source id order: structs and unions rebuilt with their kept
 * members only (`btf__add_struct` + `btf__add_field`), every other type
 * copied (`btf__add_type`), and every type id remapped, 0 for a type not
 * kept. A relocation libbpf fails makes the whole run fail, as in bpftool.
 *
 * bpftool 7.1 reads only a complete BTF. btfkit also takes split BTF (a
 * module's, over its vmlinux): the relocations are resolved against the
 * two as libbpf resolves them against a running kernel (vmlinux first, the
 * module only for names vmlinux lacks), and the output is one complete BTF
 * holding the kept types of both in their id order, base first: what
 * libbpf's `btf_custom_path` takes on a kernel without BTF. When no name
 * is in both, that is bpftool's output for the base and the module
 * concatenated into one BTF (test/core.test.ts checks it so).
 * @module
 */
import { Btf } from '../btf.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { forEachTypeIdWord } from '../fields.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VOLATILE,
  isModifierKind,
  memberBitfieldSize,
  memberBitOffset,
} from '../kinds.js';
import type { BpfObject } from '../object/open.js';
import { typeQuery } from '../query.js';
import { KIND_STR } from '../core-spec.js';
import { CoreTarget } from './cands.js';
import { relocateObject } from './index.js';

/** What btfgen marks: types, and members per struct; and the state of the walks that mark them. */
class Marks {
  readonly types: Uint8Array;
  readonly members = new Map<number, Uint8Array>();
  /** Per type, the last walk that visited it (and for markTypeMatch, behind a pointer or not). */
  readonly seen: Uint32Array;
  readonly seenPtr: Uint32Array;
  /** The walks so far. */
  walk = 0;
  /** The types a walk has still to visit, the next one last. */
  readonly stack: number[] = [];
  constructor(n: number) {
    this.types = new Uint8Array(n);
    this.seen = new Uint32Array(n);
    this.seenPtr = new Uint32Array(n);
  }
  member(id: number, idx: number, vlen: number): void {
    let m = this.members.get(id);
    if (!m) {
      m = new Uint8Array(vlen);
      this.members.set(id, m);
    }
    m[idx] = 1;
  }
}

function unsupported(kind: number, id: number): never {
  throw new BtfError(BtfErrorCode.InvalidArgument, `unsupported kind: ${KIND_STR[kind] ?? 'unknown'} (${id})`, {
    typeId: id,
  });
}

/*
 * bpftool's two marking walks recurse, depth first, children in order; here
 * they run on an explicit stack (children pushed last first), so they visit
 * in the same order at any depth. A walk visits a type once: bpftool visits
 * a shared type again and marks the same things again, and a reference loop
 * (level 1 reads them) would make it recurse until it crashes. The first
 * visit in that order is where an unsupported kind fails, as in bpftool.
 */

/** `btfgen_mark_type`: marks `root` and what it refers to, through pointers when `followPointers`. */
function markType(src: Btf, marks: Marks, root: number, followPointers: boolean): void {
  const q = typeQuery(src);
  const walk = ++marks.walk;
  const { seen, stack } = marks;
  stack.length = 0;
  stack.push(root);
  while (stack.length) {
    const id = stack.pop()!;
    if (id === 0 || seen[id] === walk) continue;
    seen[id] = walk;
    marks.types[id] = 1;
    const k = q.kind(id);
    switch (k) {
      case 0:
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        break;
      case BTF_KIND_PTR:
        if (followPointers) stack.push(q.word(id, 2));
        break;
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_TYPEDEF:
        stack.push(q.word(id, 2));
        break;
      case BTF_KIND_ARRAY:
        stack.push(q.word(id, 4), q.word(id, 3));
        break;
      case BTF_KIND_FUNC_PROTO:
        for (let i = q.vlen(id) - 1; i >= 0; i--) stack.push(q.word(id, 3 + i * 2 + 1));
        stack.push(q.word(id, 2));
        break;
      default:
        unsupported(k, id);
    }
  }
}

/** `btfgen_mark_type_match`: marks `root`, every member of its structs, and what they refer to (structs behind a pointer without their members). */
function markTypeMatch(src: Btf, marks: Marks, root: number, behindPtr: boolean): void {
  const q = typeQuery(src);
  const walk = ++marks.walk;
  const { seen, seenPtr, stack } = marks;
  stack.length = 0;
  // Entries: id * 2 + 1 behind a pointer, id * 2 otherwise.
  stack.push(root * 2 + (behindPtr ? 1 : 0));
  while (stack.length) {
    const e = stack.pop()!;
    const id = Math.floor(e / 2);
    const ptr = e % 2 === 1;
    const sn = ptr ? seenPtr : seen;
    if (id === 0 || sn[id] === walk) continue;
    sn[id] = walk;
    marks.types[id] = 1;
    const k = q.kind(id);
    switch (k) {
      case 0:
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        if (ptr) break;
        const n = q.vlen(id);
        for (let i = 0; i < n; i++) marks.member(id, i, n);
        for (let i = n - 1; i >= 0; i--) stack.push(q.word(id, 3 + i * 3 + 1) * 2);
        break;
      }
      case BTF_KIND_CONST:
      case BTF_KIND_FWD:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
        stack.push(q.word(id, 2) * 2 + (ptr ? 1 : 0));
        break;
      case BTF_KIND_PTR:
        stack.push(q.word(id, 2) * 2 + 1);
        break;
      case BTF_KIND_ARRAY:
        stack.push(q.word(id, 4) * 2, q.word(id, 3) * 2);
        break;
      case BTF_KIND_FUNC_PROTO:
        for (let i = q.vlen(id) - 1; i >= 0; i--) stack.push(q.word(id, 3 + i * 2 + 1) * 2);
        stack.push(q.word(id, 2) * 2);
        break;
      default:
        unsupported(k, id);
    }
  }
}

/** `btfgen_record_field_relo`. */
function markField(src: Btf, marks: Marks, root: number, raw: readonly number[]): void {
  const q = typeQuery(src);
  let id = root;
  markType(src, marks, id, false);
  for (let i = 1; i < raw.length; i++) {
    while (id !== 0 && (isModifierKind(q.kind(id)) || q.kind(id) === BTF_KIND_TYPEDEF)) id = q.word(id, 2);
    const k = id === 0 ? 0 : q.kind(id);
    if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
      const idx = raw[i]!;
      marks.member(id, idx, q.vlen(id));
      id = q.word(id, 3 + idx * 3 + 1);
      markType(src, marks, id, false);
    } else if (k === BTF_KIND_ARRAY) {
      id = q.word(id, 3);
    } else {
      unsupported(k, id);
    }
  }
}

/**
 * bpftool's `gen min_core_btf`: the BTF of `src` that the CO-RE
 * relocations of `objects` need, as bpftool 7.1 builds it (byte for byte
 * through `rawData()`). `src` may be split BTF: the output is then one
 * complete BTF with the types kept from the base and from `src`.
 *
 * @throws BtfError when a relocation fails as libbpf would fail it, or
 *   reaches a kind btfgen does not handle.
 */
export function minCoreBtf(src: Btf, objects: readonly BpfObject[]): Btf {
  const q = typeQuery(src);
  const marks = new Marks(q.typeCount);
  // split BTF (a module over vmlinux): relocated as libbpf relocates against a kernel, vmlinux first,
  // the module only for names vmlinux lacks; one id space, so the kept types of both come out in id order
  const target = src.base ? new CoreTarget(src.base, [{ name: 'module', btf: src }]) : new CoreTarget(src);
  for (const obj of objects) {
    for (const r of relocateObject(obj, target, { patch: false, log: false })) {
      if (r.problem) throw r.problem;
      if (r.err !== 0)
        throw new BtfError(
          BtfErrorCode.InvalidArgument,
          `'${r.section}' relo #${r.index}: relocation failed (${r.err})`,
          obj.file !== undefined ? { file: obj.file } : {},
        );
      if (r.targetSpec === null) continue; // no match: btfgen records nothing
      const kind = r.kind;
      if (kind <= 5) markField(src, marks, r.targetTypeId, r.targetRaw);
      else if (kind === 7 || kind === 8 || kind === 9) markType(src, marks, r.targetTypeId, true);
      else if (kind === 12) markTypeMatch(src, marks, r.targetTypeId, false);
      else if (kind === 10 || kind === 11) markType(src, marks, r.targetTypeId, false);
    }
  }
  const out = Btf.empty();
  const ids = new Uint32Array(q.typeCount);
  for (let id = 1; id < q.typeCount; id++) {
    if (!marks.types[id]) continue;
    const k = q.kind(id);
    if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
      const name = q.str(q.nameOff(id));
      const size = q.word(id, 2);
      ids[id] =
        k === BTF_KIND_STRUCT
          ? out.addStruct(name === '' ? null : name, size)
          : out.addUnion(name === '' ? null : name, size);
      const m = marks.members.get(id);
      if (!m) continue;
      const kflag = q.kflag(id);
      for (let i = 0; i < m.length; i++) {
        if (!m[i]) continue;
        const fname = q.str(q.word(id, 3 + i * 3));
        const w = q.word(id, 3 + i * 3 + 2);
        out.addField(
          fname === '' ? null : fname,
          q.word(id, 3 + i * 3 + 1),
          memberBitOffset(w, kflag),
          memberBitfieldSize(w, kflag),
        );
      }
    } else {
      ids[id] = out.addType(src, id);
    }
  }
  for (let id = 1; id < out.typeCount; id++) {
    const [w, o] = out.recordOf(id);
    forEachTypeIdWord(w, o, (wi) => out.setWord(id, wi - o, ids[w[wi]!] ?? 0));
  }
  return out;
}
