/**
 * What the instance emitters (maps.ts, datasec.ts, func.ts) share: type
 * arguments given by id or as a function, in-place patching of a reference
 * word, and finding the records clang would reuse.
 *
 * clang's BTF writer (LLVM `BTFDebug`) keeps one BTF type per debug-info
 * type, and LLVM uniques debug-info types by content: the `int (*)[6]` of two
 * `__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY)` members is one PTR to one ARRAY,
 * and there is only ever one `int` and one `__ARRAY_SIZE_TYPE__`. The
 * emitters follow it: they look for an identical PTR or ARRAY before adding
 * one (unless asked not to), and find or add the base INTs.
 *
 * clang also numbers types in the order it visits them, which is not
 * bottom-up: a PTR, TYPEDEF or STRUCT gets its id before what it refers to,
 * an ARRAY after its element type. To reproduce clang's ids when building
 * from scratch, a type can be given as a function ({@link TypeArg}) that the
 * emitter calls at the moment clang would visit it; the referring record is
 * added first with a placeholder and patched afterwards.
 * @module
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_GLOBAL_EXTERN,
  BTF_VAR_STATIC,
  infoKind,
  packIntData,
} from '../kinds.js';

/**
 * A type for an emitter: an existing type id, or a function that adds the
 * type and returns its id. The function is called at the point where clang
 * would emit the type, so that ids come out in clang's order.
 */
export type TypeArg = number | ((btf: Btf) => number);

/** Variable linkage by name or by number (BTF_VAR_STATIC, _GLOBAL_ALLOCATED, _GLOBAL_EXTERN). */
export type VarLinkage = 'static' | 'global' | 'extern' | number;

/** Throws the emitters' EINVAL. */
export function invalid(msg: string): never {
  throw new BtfError(BtfErrorCode.InvalidArgument, msg);
}

/** EINVAL unless `v` is undefined or an integer from 0 to 2^32-1. */
export function checkU32(what: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff))
    invalid(`${what}: ${String(v)} is not a u32`);
}

/** Returns `v`, or an empty list when undefined; EINVAL when it is not an array. */
export function listArg<T>(v: readonly T[] | undefined, what: string): readonly T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) invalid(`${what}: ${String(v)} is not a list`);
  return v;
}

/** Returns the id a {@link TypeArg} stands for, calling it when it is a function; checks the range. */
export function resolveTypeArg(btf: Btf, arg: TypeArg, what: string, allowVoid = false): number {
  const id = typeof arg === 'function' ? arg(btf) : arg;
  if (!Number.isInteger(id) || id < (allowVoid ? 0 : 1) || id >= btf.typeCount) {
    invalid(`${what}: invalid type id ${String(id)}`);
  }
  return id;
}

/** Returns the VAR linkage number for a {@link VarLinkage}. */
export function varLinkage(l: VarLinkage | undefined, what: string): number {
  switch (l) {
    case undefined:
    case 'global':
      return BTF_VAR_GLOBAL_ALLOCATED;
    case 'static':
      return BTF_VAR_STATIC;
    case 'extern':
      return BTF_VAR_GLOBAL_EXTERN;
    default:
      if (l === BTF_VAR_STATIC || l === BTF_VAR_GLOBAL_ALLOCATED || l === BTF_VAR_GLOBAL_EXTERN) return l;
      return invalid(`${what}: invalid linkage ${String(l)}`);
  }
}

/** Calls `fn(id, words, off)` for every type id from `from` on (base first) until it returns true; returns that id or -1. */
export function findType(
  btf: Btf,
  kind: number,
  fn: (w: Uint32Array, o: number, id: number) => boolean,
  from = 1,
): number {
  for (let id = Math.max(1, from); id < btf.typeCount; id++) {
    const [w, o] = btf.recordOf(id);
    if (infoKind(w[o + 1]!) === kind && fn(w, o, id)) return id;
  }
  return -1;
}

/** Returns the id of an INT named `name` of `size` bytes and `encoding`, or -1. */
export function findInt(btf: Btf, name: string, size: number, encoding: number): number {
  const enc = packIntData(encoding, 0, size * 8);
  return findType(btf, BTF_KIND_INT, (w, o) => w[o + 2]! === size && w[o + 3]! === enc && btf.str(w[o]!) === name);
}

/** Returns the id of the INT `name` (found, or added as clang would add it). */
function ensureInt(btf: Btf, name: string, size: number, encoding: number): number {
  const id = findInt(btf, name, size, encoding);
  return id > 0 ? id : btf.addInt(name, size, encoding);
}

/** clang's `int`. */
export function ensureCInt(btf: Btf): number {
  return ensureInt(btf, 'int', 4, BTF_INT_SIGNED);
}

/** Returns the id of clang's array index type `__ARRAY_SIZE_TYPE__`, or -1. */
export function findArrayIndexType(btf: Btf): number {
  return findInt(btf, '__ARRAY_SIZE_TYPE__', 4, 0);
}

/** Returns the id (from `from` on) of a PTR to `targetId`, or -1. */
export function findPtr(btf: Btf, targetId: number, from = 1): number {
  return findType(btf, BTF_KIND_PTR, (w, o) => w[o]! === 0 && w[o + 2]! === targetId, from);
}

/** Returns the id (from `from` on) of an ARRAY of `nelems` `elemId` indexed by `indexId`, or -1. */
export function findArray(btf: Btf, elemId: number, indexId: number, nelems: number, from = 1): number {
  return findType(
    btf,
    BTF_KIND_ARRAY,
    (w, o) => w[o + 3]! === elemId && w[o + 4]! === indexId && w[o + 5]! === nelems,
    from,
  );
}

/**
 * Returns an ARRAY of `nelems` elements of `elemId` as clang emits it: the
 * element type first (done by the caller), then the ARRAY, then
 * `__ARRAY_SIZE_TYPE__` when the BTF has none yet. Reuses an identical
 * ARRAY with an id from `reuseFrom` on (1: any; `btf.typeCount`: none).
 */
export function clangArray(btf: Btf, elemId: number, nelems: number, reuseFrom: number): number {
  const idx = findArrayIndexType(btf);
  if (idx > 0) {
    const a = findArray(btf, elemId, idx, nelems, reuseFrom);
    if (a > 0) return a;
  }
  const arr = btf.addArray(Math.max(idx, 0), elemId, nelems);
  if (idx < 0) btf.setWord(arr, 4, btf.addInt('__ARRAY_SIZE_TYPE__', 4, 0));
  return arr;
}

/**
 * Returns a PTR to the type `target` stands for, as clang emits it: when
 * `target` is a function, the PTR is added first and the pointee after;
 * otherwise an identical PTR with an id from `reuseFrom` on is reused.
 */
export function clangPtr(btf: Btf, target: TypeArg, what: string, reuseFrom: number, allowVoid = false): number {
  if (typeof target === 'number') {
    const id = resolveTypeArg(btf, target, what, allowVoid);
    const p = findPtr(btf, id, reuseFrom);
    if (p > 0) return p;
    return btf.addPtr(id);
  }
  const ptr = btf.addPtr(0);
  btf.setWord(ptr, 2, resolveTypeArg(btf, target, what, allowVoid));
  return ptr;
}

/** Rounds `n` up to a multiple of `align`. */
export function alignUp(n: number, align: number): number {
  return align > 1 ? Math.ceil(n / align) * align : n;
}

/** Kinds {@link addRefFirst} adds. */
export type RefKind = 'ptr' | 'typedef' | 'const' | 'volatile' | 'restrict' | 'type_tag';

/**
 * Adds a PTR, TYPEDEF, CONST, VOLATILE, RESTRICT or TYPE_TAG before the type
 * it refers to, as clang numbers them (`typedef __u32 u32` is the TYPEDEF
 * then `__u32`): the record is added with a placeholder, `target` is
 * resolved (called, when a function), then the record is patched. Returns
 * the new id. `name` is the typedef's name or the tag's value.
 */
export function addRefFirst(btf: Btf, kind: RefKind, target: TypeArg, name = ''): number {
  let id: number;
  switch (kind) {
    case 'ptr':
      id = btf.addPtr(0);
      break;
    case 'typedef':
      id = btf.addTypedef(name, 0);
      break;
    case 'const':
      id = btf.addConst(0);
      break;
    case 'volatile':
      id = btf.addVolatile(0);
      break;
    case 'restrict':
      id = btf.addRestrict(0);
      break;
    case 'type_tag':
      id = btf.addTypeTag(name, 0);
      break;
    default:
      return invalid(`addRefFirst: unknown kind ${String(kind)}`);
  }
  btf.setWord(id, 2, resolveTypeArg(btf, target, `${kind} ${name}`.trim(), true));
  return id;
}

/** A member for {@link addStructFirst}. */
export interface StructMemberSpec {
  name: string | null;
  type: TypeArg;
  /** Offset in bits. */
  bitOffset: number;
  /** Bitfield size in bits, 0 for none. */
  bitSize?: number;
}

/**
 * Adds a STRUCT (or UNION) before its members' types, as clang numbers a
 * struct: the record with placeholder member types first, then each member
 * type resolved in order (called, when a function), then patched. Returns
 * the new id.
 */
export function addStructFirst(
  btf: Btf,
  spec: { name: string | null; size: number; union?: boolean; members: readonly StructMemberSpec[] },
): number {
  const id = spec.union ? btf.addUnion(spec.name, spec.size) : btf.addStruct(spec.name, spec.size);
  for (const m of spec.members) btf.addField(m.name, 0, m.bitOffset, m.bitSize ?? 0);
  spec.members.forEach((m, i) => btf.setWord(id, 3 + i * 3 + 1, resolveTypeArg(btf, m.type, `member ${m.name ?? i}`)));
  return id;
}
