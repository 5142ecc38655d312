/**
 * The special fields of structs (`btf_parse_struct_metas`, `btf_parse_fields`
 * and `btf_check_and_fixup_fields` in `kernel/bpf/btf.c`, Linux 6.18): the
 * last step of `BPF_BTF_LOAD`, after the type graph is known to be sound.
 *
 * The problem: a BPF program's own structs may embed objects the kernel
 * manages (a lock, a list or rbtree root or node, a refcount, a pointer the
 * kernel owns), and the kernel records where they sit at load time. It
 * refuses the BTF when a struct's special fields cannot be laid out:
 *
 *   struct node { int v; struct bpf_list_node n; };
 *   struct root {
 *     struct bpf_spin_lock lock;
 *     struct bpf_list_head head __contains(node, n);  // decl tag "contains:node:n"
 *   };
 *
 * loads; drop the lock ("a list head needs a lock"), misname `n`, put two
 * locks in one struct or a `kptr` to a struct of unknown tag, and it fails.
 *
 * The passes, as the kernel runs them:
 *   1. `aof`: the ids of the STRUCTs named bpf_spin_lock, bpf_list_head,
 *      bpf_list_node, bpf_rb_root, bpf_rb_node, bpf_refcount (the first of
 *      each name), and of every PTR (or VOLATILE -> PTR) to a `kptr`,
 *      `kptr_untrusted` or `percpu_kptr` type tag over a STRUCT.
 *   2. Each STRUCT with a member whose type id is in `aof` gets a record:
 *      its fields (members, members of nested structs, array elements), in
 *      member order, at most BTF_FIELDS_MAX, each of the right size, aligned,
 *      not overlapping; list/rbtree roots name their node by decl tag.
 *   3. Every root's value type must have a record, and a struct both root
 *      and node may not own another root (ownership cycles).
 *
 * The kernel logs no message for any of this: the load fails with an errno
 * and the log ends where the meta pass left it (the last type's line). So
 * the violation carries btfkit's own words, and the errno is the kernel's.
 *
 *   inAof     1 per type id in the set                 Uint8Array
 *   records   per parsed struct: field mask + roots    Map (a handful)
 *   info      fields of the struct being parsed        Int32Array pairs
 *
 * Linux 6.1 has none of this (it came with bpf_list_head in 6.2); kptrs
 * were checked at map creation there.
 */
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DECL_TAG,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_VOLATILE,
  infoKflag,
  infoVlen16,
  memberBitOffset,
} from '../kinds.js';

// enum btf_field_type bits (include/linux/bpf.h)
const SPIN_LOCK = 1 << 0,
  TIMER = 1 << 1,
  KPTR_UNREF = 1 << 2,
  KPTR_REF = 1 << 3,
  KPTR_PERCPU = 1 << 4,
  LIST_HEAD = 1 << 5,
  LIST_NODE = 1 << 6,
  RB_ROOT = 1 << 7,
  RB_NODE = 1 << 8,
  REFCOUNT = 1 << 9,
  WORKQUEUE = 1 << 10,
  UPTR = 1 << 11,
  RES_SPIN_LOCK = 1 << 12,
  TASK_WORK = 1 << 13;
const KPTR = KPTR_UNREF | KPTR_REF | KPTR_PERCPU;
const GRAPH_ROOT = LIST_HEAD | RB_ROOT;
const GRAPH_NODE = LIST_NODE | RB_NODE;
/** The mask `btf_parse_struct_metas` passes to `btf_parse_fields`. */
const META_MASK = SPIN_LOCK | RES_SPIN_LOCK | LIST_HEAD | LIST_NODE | RB_ROOT | RB_NODE | REFCOUNT | KPTR;
/** `BTF_FIELDS_MAX` */
const FIELDS_MAX = 11;
const MAX_RESOLVE_DEPTH = 32;

const EINVAL = 22,
  E2BIG = 7,
  ENOENT = 2,
  EFAULT = 14,
  EEXIST = 17,
  ELOOP = 40;

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);

/** `btf_get_field_type`'s table, in its order: name, type, unique. */
const FIELD_TYPES: ReadonlyArray<readonly [Uint8Array, number, boolean, string]> = [
  [bytes('bpf_spin_lock'), SPIN_LOCK, true, 'bpf_spin_lock'],
  [bytes('bpf_res_spin_lock'), RES_SPIN_LOCK, true, 'bpf_res_spin_lock'],
  [bytes('bpf_timer'), TIMER, true, 'bpf_timer'],
  [bytes('bpf_wq'), WORKQUEUE, true, 'bpf_wq'],
  [bytes('bpf_task_work'), TASK_WORK, true, 'bpf_task_work'],
  [bytes('bpf_list_head'), LIST_HEAD, false, 'bpf_list_head'],
  [bytes('bpf_list_node'), LIST_NODE, false, 'bpf_list_node'],
  [bytes('bpf_rb_root'), RB_ROOT, false, 'bpf_rb_root'],
  [bytes('bpf_rb_node'), RB_NODE, false, 'bpf_rb_node'],
  [bytes('bpf_refcount'), REFCOUNT, false, 'bpf_refcount'],
];
/** `alloc_obj_fields` */
const ALLOC_OBJ_FIELDS = [
  'bpf_spin_lock',
  'bpf_list_head',
  'bpf_list_node',
  'bpf_rb_root',
  'bpf_rb_node',
  'bpf_refcount',
].map(bytes);
const CONTAINS = bytes('contains:');
const KPTR_TAGS: ReadonlyArray<readonly [Uint8Array, number]> = [
  [bytes('kptr_untrusted'), KPTR_UNREF],
  [bytes('kptr'), KPTR_REF],
  [bytes('percpu_kptr'), KPTR_PERCPU],
  [bytes('uptr'), UPTR],
];
/** `__btf_name_by_offset`'s name of an unnamed type. */
const ANON = bytes('(anon)');
const LIST_NODE_NAME = bytes('bpf_list_node'),
  RB_NODE_NAME = bytes('bpf_rb_node');

/** `btf_field_type_size` / `btf_field_type_align` on x86-64 (the sizes of the uapi structs). */
function fieldSize(t: number): number {
  switch (t) {
    case LIST_HEAD:
    case RB_ROOT:
    case TIMER:
    case WORKQUEUE:
      return 16;
    case LIST_NODE:
      return 24;
    case RB_NODE:
      return 32;
    case KPTR_UNREF:
    case KPTR_REF:
    case KPTR_PERCPU:
    case UPTR:
    case TASK_WORK:
      return 8;
    default:
      return 4; // spin locks, refcount
  }
}
function fieldAlign(t: number): number {
  return t === SPIN_LOCK || t === RES_SPIN_LOCK || t === REFCOUNT ? 4 : 8;
}
function fieldName(t: number): string {
  for (const [, ft, , name] of FIELD_TYPES) if (ft === t) return name;
  if (t === KPTR_UNREF) return 'kptr_untrusted';
  if (t === KPTR_REF) return 'kptr';
  if (t === KPTR_PERCPU) return 'percpu_kptr';
  return 'uptr';
}

/**
 * The structs of the kernel's own BTF that have a destructor kfunc
 * (`register_btf_id_dtor_kfuncs` in 6.18: kernel/bpf/helpers.c, cpumask.c,
 * crypto.c, net/bpf/test_run.c), checked against the running kernel. A
 * `kptr` (a referenced kptr) to any other struct the kernel knows is
 * refused with ENOENT.
 */
const KPTR_DTOR_STRUCTS: readonly string[] = [
  'task_struct',
  'cgroup',
  'bpf_cpumask',
  'bpf_crypto_ctx',
  'prog_test_ref_kfunc',
  'prog_test_member',
];

/** Base BTF as the verifier indexed it: `offs[id]` is the word offset of type `id` (id 0 is void). */
interface FieldsSource {
  w: Uint32Array;
  offs: Uint32Array;
  /** Kind per id (0 for void), as the verifier indexed them. */
  kinds: Uint8Array;
  /** Types, void included. */
  n: number;
  strs: Uint8Array;
}

/** A struct the kernel refuses, with btfkit's description and the kernel's errno. */
interface FieldsProblem {
  typeId: number;
  errno: number;
  message: string;
}

/**
 * Where `bpf_find_btf_id(name, BTF_KIND_STRUCT)` finds a STRUCT of this
 * name: {@link IN_VMLINUX}, the name of the first module BTF that has one
 * (searched after vmlinux, in the kernel's order), or null (nowhere: the
 * program's own struct).
 */
export type KernelStructLookup = (name: Uint8Array) => string | null;

/** What a {@link KernelStructLookup} returns for a struct of vmlinux. */
export const IN_VMLINUX = 'vmlinux';

class Fail {
  constructor(
    readonly errno: number,
    readonly why: string,
  ) {}
}

interface FieldInfo {
  type: number;
  off: number;
  /** kptr: the target struct's id; graph root: the value struct's id. */
  id: number;
  /** graph root: the node member's name (string offset and start in `strs`). */
  nodeAt: number;
}

interface StructRecord {
  mask: number;
  roots: FieldInfo[];
}

const decoder = new TextDecoder();

/**
 * Returns the first struct whose special fields the kernel refuses
 * (`btf_parse_struct_metas` then `btf_check_and_fixup_fields`), or null.
 * `kernelStruct` answers `bpf_find_btf_id` for kptr targets; without it
 * every target counts as the program's own.
 */
export function checkStructMetas(src: FieldsSource, kernelStruct?: KernelStructLookup): FieldsProblem | null {
  return new StructMetas(src, kernelStruct).run();
}

class StructMetas {
  /** Fields of nested structs by (struct, depth, room left): relative offsets, or the failure. */
  private readonly nested = new Map<number, FieldInfo[] | Fail>();
  private readonly w: Uint32Array;
  private readonly offs: Uint32Array;
  private readonly kinds: Uint8Array;
  private readonly n: number;
  private readonly strs: Uint8Array;

  constructor(
    src: FieldsSource,
    private readonly kernelStruct: KernelStructLookup | undefined,
  ) {
    this.w = src.w;
    this.offs = src.offs;
    this.kinds = src.kinds;
    this.n = src.n;
    this.strs = src.strs;
  }

  private kind(id: number): number {
    return id >= this.n ? 0 : this.kinds[id]!;
  }
  private info(id: number): number {
    return this.w[this.offs[id]! + 1]!;
  }
  private ref(id: number): number {
    return id === 0 || id >= this.n ? 0 : this.w[this.offs[id]! + 2]!;
  }
  private nameOff(id: number): number {
    return id === 0 || id >= this.n ? 0 : this.w[this.offs[id]!]!;
  }
  /** Whether the NUL-terminated string at `off` starts with `s` (and ends there when `whole`). */
  private strIs(off: number, s: Uint8Array, whole = true): boolean {
    const b = this.strs;
    if (off + s.length > b.length) return false;
    for (let i = 0; i < s.length; i++) if (b[off + i] !== s[i]) return false;
    return !whole || b[off + s.length] === 0;
  }
  private str(off: number): string {
    let e = this.strs.indexOf(0, off);
    if (e < 0) e = this.strs.length;
    return decoder.decode(this.strs.subarray(off, e));
  }
  private label(id: number): string {
    const n = this.nameOff(id);
    return `[${id}] STRUCT '${n ? this.str(n) : '(anon)'}'`;
  }

  /** `btf_find_by_name_kind(btf, name, BTF_KIND_STRUCT)`: the first, or -1. */
  private findStruct(name: Uint8Array): number {
    for (let i = 1; i < this.n; i++) {
      if (this.kind(i) === BTF_KIND_STRUCT && this.strIs(this.nameOff(i), name)) return i;
    }
    return -1;
  }
  /** `btf_type_skip_modifiers` */
  private skipMods(id: number): number {
    for (let k = this.kind(id), guard = 0; guard < this.n; guard++, k = this.kind(id)) {
      if (
        k !== BTF_KIND_TYPEDEF &&
        k !== BTF_KIND_VOLATILE &&
        k !== BTF_KIND_CONST &&
        k !== BTF_KIND_RESTRICT &&
        k !== BTF_KIND_TYPE_TAG
      )
        break;
      id = this.ref(id);
    }
    return id;
  }

  /** `btf_find_kptr`: the field, null to ignore, or a Fail. */
  private findKptr(id: number, mask: number): FieldInfo | null | Fail {
    if (this.kind(id) === BTF_KIND_VOLATILE) id = this.ref(id);
    if (this.kind(id) !== BTF_KIND_PTR) return null;
    const tag = this.ref(id);
    if (this.kind(tag) !== BTF_KIND_TYPE_TAG || infoKflag(this.info(tag))) return null;
    if (this.kind(this.ref(tag)) === BTF_KIND_TYPE_TAG) return new Fail(EINVAL, 'a kptr with two type tags');
    const value = this.nameOff(tag);
    let type = 0;
    for (const [name, t] of KPTR_TAGS) if (this.strIs(value, name)) type = t;
    if (!type)
      return new Fail(EINVAL, `a pointer tagged '${this.str(value)}' (kptr, kptr_untrusted, percpu_kptr or uptr)`);
    if (!(type & mask)) return null;
    const target = this.skipMods(this.ref(tag));
    if (this.kind(target) !== BTF_KIND_STRUCT)
      return new Fail(EINVAL, `a ${fieldName(type)} to something else than a struct`);
    return { type, off: 0, id: target, nodeAt: 0 };
  }

  run(): FieldsProblem | null {
    // one walk for both of the kernel's first two loops: the first STRUCT of
    // each alloc_obj_fields name, and every kptr (found in any order, the
    // kernel sorts the set)
    const w = this.w,
      offs = this.offs,
      kinds = this.kinds,
      strs = this.strs;
    const firstOf = new Int32Array(ALLOC_OBJ_FIELDS.length).fill(-1);
    const inAof = new Uint8Array(this.n);
    let any = false;
    for (let i = 1; i < this.n; i++) {
      const k = kinds[i]!;
      if (k === BTF_KIND_STRUCT) {
        const name = w[offs[i]!]!;
        if (strs[name] !== 0x62) continue; // every name starts with "bpf_"
        for (let j = 0; j < ALLOC_OBJ_FIELDS.length; j++) {
          if (firstOf[j]! < 0 && this.strIs(name, ALLOC_OBJ_FIELDS[j]!)) {
            firstOf[j] = i;
            inAof[i] = 1;
            any = true;
            break;
          }
        }
      } else if (k === BTF_KIND_PTR || k === BTF_KIND_VOLATILE) {
        // the common case without a call: a pointer to anything but a type tag
        const next = w[offs[i]! + 2]!;
        if (next === 0 || next >= this.n) continue;
        const nk = kinds[next]!;
        if (k === BTF_KIND_PTR ? nk !== BTF_KIND_TYPE_TAG : nk !== BTF_KIND_PTR) continue;
        const f = this.findKptr(i, KPTR);
        if (f !== null && !(f instanceof Fail)) {
          inAof[i] = 1;
          any = true;
        }
      }
    }
    if (!any) return null;
    const records = new Map<number, StructRecord>();
    for (let i = 1; i < this.n; i++) {
      if (kinds[i] !== BTF_KIND_STRUCT) continue;
      const o = offs[i]!;
      const vlen = infoVlen16(w[o + 1]!);
      let hit = false;
      for (let j = 0, m = o + 4; j < vlen && !hit; j++, m += 3) {
        const t = w[m]!;
        hit = t < this.n && inAof[t] === 1;
      }
      if (!hit) continue;
      const r = this.parseFields(i);
      if (r instanceof Fail) return { typeId: i, errno: r.errno, message: `${this.label(i)}: ${r.why}` };
      records.set(i, r);
    }
    // btf_check_and_fixup_fields, per record in id order
    for (const [id, rec] of records) {
      if (!(rec.mask & GRAPH_ROOT)) continue;
      for (const f of rec.roots) {
        const meta = records.get(f.id);
        if (!meta)
          return {
            typeId: id,
            errno: EFAULT,
            message: `${this.label(id)}: the value type ${this.label(f.id)} of its ${fieldName(f.type)} has no special fields`,
          };
        if (rec.mask & GRAPH_NODE && meta.mask & GRAPH_ROOT)
          return {
            typeId: id,
            errno: ELOOP,
            message: `${this.label(id)}: both a graph root and a node, it owns ${this.label(f.id)}, itself a root (an ownership cycle)`,
          };
      }
    }
    return null;
  }

  /** `btf_parse_fields(btf, t, META_MASK, t->size)` */
  private parseFields(id: number): StructRecord | Fail {
    const info: FieldInfo[] = [];
    const r = this.findStructField(id, info, FIELDS_MAX, 0);
    if (r instanceof Fail) return r;
    if (!info.length)
      return new Fail(EFAULT, 'no special field where one was expected (the kernel: "the record cannot be unset")');
    const size = this.ref(id);
    let next = 0,
      mask = 0,
      spin = false,
      resSpin = false,
      refcount = false;
    const roots: FieldInfo[] = [];
    for (const f of info) {
      const sz = fieldSize(f.type);
      if (f.off + sz > size)
        return new Fail(EFAULT, `${fieldName(f.type)} at ${f.off} runs past the struct's ${size} bytes`);
      if (f.off < next) return new Fail(EEXIST, `${fieldName(f.type)} at ${f.off} overlaps the field before it`);
      next = f.off + sz;
      mask |= f.type;
      if (f.type === SPIN_LOCK) spin = true;
      else if (f.type === RES_SPIN_LOCK) resSpin = true;
      else if (f.type === REFCOUNT) refcount = true;
      else if (f.type & KPTR) {
        const e = this.parseKptr(f);
        if (e) return e;
      } else if (f.type & GRAPH_ROOT) {
        const e = this.parseGraphRoot(f);
        if (e) return e;
        roots.push(f);
      }
    }
    if (spin && resSpin) return new Fail(EINVAL, 'both a bpf_spin_lock and a bpf_res_spin_lock');
    if (mask & GRAPH_ROOT && !spin && !resSpin)
      return new Fail(EINVAL, 'a bpf_list_head or bpf_rb_root needs a bpf_spin_lock beside it');
    if (!refcount && mask & LIST_NODE && mask & RB_NODE)
      return new Fail(EINVAL, 'both a bpf_list_node and a bpf_rb_node need a bpf_refcount');
    return { mask, roots };
  }

  /** `btf_find_struct_field`: appends the fields of struct `id` to `info`; returns how many. */
  private findStructField(id: number, info: FieldInfo[], cap: number, level: number): number | Fail {
    const o = this.offs[id]!,
      sinfo = this.w[o + 1]!,
      vlen = infoVlen16(sinfo),
      kflag = infoKflag(sinfo);
    const seen = { mask: 0 };
    const start = info.length;
    for (let i = 0; i < vlen; i++) {
      const m = o + 3 + 3 * i;
      const bits = memberBitOffset(this.w[m + 2]!, kflag);
      if (bits % 8) return new Fail(EINVAL, `member ${i} is not byte aligned`);
      const r = this.findFieldOne(id, this.w[m + 1]!, i, bits / 8, seen, info, cap - (info.length - start), level);
      if (r instanceof Fail) return r;
    }
    return info.length - start;
  }

  /** `btf_find_field_one` for member `idx` of struct `container`. */
  private findFieldOne(
    container: number,
    typeId: number,
    idx: number,
    off: number,
    seen: { mask: number },
    info: FieldInfo[],
    cap: number,
    level: number,
  ): number | Fail {
    let t = typeId,
      nelems = 1,
      i = 0;
    for (; i < MAX_RESOLVE_DEPTH && this.kind(t) === BTF_KIND_ARRAY; i++) {
      const a = this.offs[t]!;
      nelems = Math.imul(nelems, this.w[a + 5]!) >>> 0;
      t = this.w[a + 3]!;
    }
    if (i === MAX_RESOLVE_DEPTH) return new Fail(E2BIG, `member ${idx}: arrays nested ${MAX_RESOLVE_DEPTH} deep`);
    if (nelems === 0) return 0;
    // btf_get_field_type: by name alone, whatever the kind
    const nameOff = this.nameOff(t);
    let type = 0;
    for (const [name, ft, unique, label] of FIELD_TYPES) {
      if (!(META_MASK & ft) || !nameOff || !this.strIs(nameOff, name)) continue;
      if (unique) {
        if (seen.mask & ft) return new Fail(E2BIG, `member ${idx}: a second ${label}`);
        seen.mask |= ft;
      }
      type = ft;
      break;
    }
    if (!type && this.kind(t) !== BTF_KIND_STRUCT) type = KPTR_REF;
    if (!type) {
      // a struct of no special name: look inside (btf_find_nested_struct)
      const lvl = level + 1;
      if (lvl >= MAX_RESOLVE_DEPTH) return new Fail(E2BIG, `member ${idx}: structs nested ${MAX_RESOLVE_DEPTH} deep`);
      // the kernel walks nested structs anew each time (a struct reached
      // along 2^30 paths is walked 2^30 times); the outcome depends only on
      // the struct, the depth and the room left, so remember it
      const key = (t * MAX_RESOLVE_DEPTH + lvl) * (FIELDS_MAX + 1) + cap;
      let inner = this.nested.get(key);
      if (inner === undefined) {
        const found: FieldInfo[] = [];
        const e = this.findStructField(t, found, cap, lvl);
        inner = e instanceof Fail ? e : found;
        this.nested.set(key, inner);
      }
      if (inner instanceof Fail) return inner;
      const r = inner.length;
      if (r === 0) return 0;
      const from = info.length;
      for (const f of inner) info.push({ ...f, off: f.off + off });
      if (nelems > 1) {
        const e = this.repeat(info, from, r, nelems - 1, this.ref(t), cap);
        if (e) return e;
        return r * nelems;
      }
      return r;
    }
    const sz = fieldSize(type);
    if (off % fieldAlign(type)) return 0;
    let f: FieldInfo | null | Fail;
    if (type & KPTR) {
      f = this.findKptr(t, META_MASK);
    } else if (type & GRAPH_ROOT) {
      f = this.findGraphRoot(container, t, idx, sz, type);
    } else {
      f = this.kind(t) === BTF_KIND_STRUCT && this.ref(t) === sz ? { type, off: 0, id: 0, nodeAt: 0 } : null;
    }
    if (f instanceof Fail) return new Fail(f.errno, `member ${idx}: ${f.why}`);
    if (f === null) return 0;
    if (!cap) return new Fail(E2BIG, `more than ${FIELDS_MAX} special fields`);
    f.off = off;
    const from = info.length;
    info.push(f);
    if (nelems > 1) {
      const e = this.repeat(info, from, 1, nelems - 1, sz, cap);
      if (e) return e;
    }
    return nelems;
  }

  /** `btf_repeat_fields`: `count` fields from `from`, `times` more, `elemSize` apart. */
  private repeat(
    info: FieldInfo[],
    from: number,
    count: number,
    times: number,
    elemSize: number,
    cap: number,
  ): Fail | null {
    for (let i = from; i < from + count; i++) {
      const t = info[i]!.type;
      if (!(t & (KPTR | UPTR | LIST_HEAD | RB_ROOT)))
        return new Fail(EINVAL, `an array of ${fieldName(t)} (only kptrs and graph roots repeat)`);
    }
    if (count * (times + 1) > cap) return new Fail(E2BIG, `more than ${FIELDS_MAX} special fields`);
    for (let r = 1; r <= times; r++) {
      for (let i = 0; i < count; i++) info.push({ ...info[from + i]!, off: info[from + i]!.off + r * elemSize });
    }
    return null;
  }

  /** `btf_find_graph_root` + `btf_find_decl_tag_value(..., "contains:")` */
  private findGraphRoot(container: number, t: number, idx: number, sz: number, type: number): FieldInfo | null | Fail {
    if (this.kind(t) !== BTF_KIND_STRUCT || this.ref(t) !== sz) return null;
    const what = fieldName(type);
    let tag = -1;
    for (let i = 1; i < this.n; i++) {
      if (this.kind(i) !== BTF_KIND_DECL_TAG || this.ref(i) !== container) continue;
      if ((this.w[this.offs[i]! + 3]! | 0) !== idx || !this.strIs(this.nameOff(i), CONTAINS, false)) continue;
      if (tag >= 0) return new Fail(EINVAL, `${what}: two "contains:" decl tags ([${tag}] and [${i}])`);
      tag = i;
    }
    if (tag < 0) return new Fail(EINVAL, `${what} without a "contains:TYPE:NODE" decl tag`);
    const value = this.nameOff(tag) + CONTAINS.length;
    const s = this.strs;
    let colon = value;
    while (colon < s.length && s[colon] !== 0 && s[colon] !== 0x3a) colon++;
    if (colon >= s.length || s[colon] !== 0x3a)
      return new Fail(
        EINVAL,
        `${what}: decl tag [${tag}] "${this.str(this.nameOff(tag))}" names no node ("contains:TYPE:NODE")`,
      );
    const typeName = s.subarray(value, colon);
    const id = this.findStruct(typeName);
    if (id < 0) return new Fail(ENOENT, `${what}: no struct '${decoder.decode(typeName)}' (decl tag [${tag}])`);
    if (s[colon + 1] === 0) return new Fail(EINVAL, `${what}: decl tag [${tag}] names an empty node`);
    return { type, off: 0, id, nodeAt: colon + 1 };
  }

  /**
   * `btf_parse_kptr`: only the structs of the kernel and its modules matter
   * (a referenced kptr to one needs its destructor kfunc); the target is
   * looked up by name, `__btf_name_by_offset`'s, so an anonymous struct is
   * looked up as "(anon)" and found nowhere. No module of Debian's 6.12
   * registers a destructor (`register_btf_id_dtor_kfuncs`; the selftests'
   * bpf_testmod does), so a module's struct never has one here.
   */
  private parseKptr(f: FieldInfo): Fail | null {
    if (f.type !== KPTR_REF || !this.kernelStruct) return null;
    const off = this.nameOff(f.id);
    let end = this.strs.indexOf(0, off);
    if (end < 0) end = this.strs.length;
    const where = this.kernelStruct(off ? this.strs.subarray(off, end) : ANON);
    if (where === null) return null;
    const name = off ? this.str(off) : '(anon)';
    if (where === IN_VMLINUX) {
      if (KPTR_DTOR_STRUCTS.includes(name)) return null;
      return new Fail(ENOENT, `a kptr at ${f.off} to the kernel's struct ${name}, which has no destructor kfunc`);
    }
    return new Fail(
      ENOENT,
      `a kptr at ${f.off} to struct ${name} of module ${where} (the first BTF that has it after vmlinux), which has no destructor kfunc`,
    );
  }

  /** `btf_parse_graph_root`: the value struct's node member. */
  private parseGraphRoot(f: FieldInfo): Fail | null {
    const nodeType = f.type === LIST_HEAD ? LIST_NODE_NAME : RB_NODE_NAME;
    const what = fieldName(f.type),
      node = this.str(f.nodeAt);
    const o = this.offs[f.id]!,
      vlen = infoVlen16(this.w[o + 1]!);
    let found = 0;
    for (let i = 0; i < vlen; i++) {
      const m = o + 3 + 3 * i;
      const mName = this.w[m]!;
      // strcmp(node_name, __btf_name_by_offset(member)): an unnamed member reads "(anon)"
      if (mName ? this.str(mName) !== node : node !== '(anon)') continue;
      if (found) return new Fail(EINVAL, `${what}: ${this.label(f.id)} has two members named '${node}'`);
      const n = this.w[m + 1]!;
      found = 1;
      if (this.kind(n) !== BTF_KIND_STRUCT || !this.strIs(this.nameOff(n), nodeType))
        return new Fail(
          EINVAL,
          `${what}: member '${node}' of ${this.label(f.id)} is not a struct ${decoder.decode(nodeType)}`,
        );
      // the kernel reads the member's offset with the node type's kind_flag
      const bits = memberBitOffset(this.w[m + 2]!, infoKflag(this.info(n)));
      if (bits % 8 || (bits / 8) % 8)
        return new Fail(EINVAL, `${what}: member '${node}' of ${this.label(f.id)} is not 8-byte aligned`);
    }
    if (!found) return new Fail(ENOENT, `${what}: ${this.label(f.id)} has no member '${node}'`);
    return null;
  }
}
