/**
 * The kernel's BTF verifier (`kernel/bpf/btf.c`, as in Linux 6.18), over
 * words, reporting every violation instead of stopping at the first.
 *
 * The problem: `BPF_BTF_LOAD` accepts a type graph only when every record is
 * well formed on its own (pass 1, `btf_check_all_metas`: each kind's
 * `check_meta`) and every reference resolves to something with a size
 * without a loop (pass 2, `btf_check_all_types`: `btf_resolve` per type and
 * `btf_func_proto_check` per FUNC_PROTO), and type tags come first in every
 * modifier chain (`btf_check_type_tags`). For example
 *
 *   struct s { const struct t *p; };   // fine: a pointer ends the walk
 *   struct t { struct t inner; };      // "Loop detected" on [t]
 *
 * Pass 2 is a depth-first walk on an explicit stack of at most 32 vertices
 * (MAX_RESOLVE_DEPTH). What ends a walk depends on where it started (the
 * resolve mode): a PTR stops at anything but a modifier or PTR, a
 * STRUCT/ARRAY at anything but a modifier, ARRAY or STRUCT. Every vertex
 * popped records its resolved type id and size, which later walks read.
 *
 *   words   [hdr|extra][hdr|extra|member*vlen]...   one Uint32Array
 *   offs    word offset per local index             Uint32Array
 *   kinds   kind per local index                    Uint8Array
 *   state   NOT_VISITED / VISITED / RESOLVED / POISON  Uint8Array
 *   rids    resolved type id                       Uint32Array
 *   rsizes  resolved size                          Uint32Array
 *
 * To go on after a violation where the kernel stops, the types on the stack
 * (or the one whose record is bad) are POISON: walks that reach them end
 * silently, so one mistake is reported once. Violations come out in the
 * kernel's order, so the first is the one the kernel reports.
 *
 * Split BTF is checked as the kernel checks module BTF (`btf_parse_module`):
 * metas and type tags, no resolution.
 */
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  BTF_MAX_TYPE,
  infoKflag,
  infoKind5,
  infoVlen16,
  intBits,
  intEncoding,
  intOffset,
  kindName,
  memberBitfieldSize,
  memberBitOffset,
} from '../kinds.js';
import { markIdentifiers, validIdentifier, validSection } from './names.js';

const NOT_VISITED = 0,
  VISITED = 1,
  RESOLVED = 2,
  POISON = 3;
const MODE_TBD = 0,
  MODE_PTR = 1,
  MODE_STRUCT = 2;
const MAX_RESOLVE_DEPTH = 32;
const BTF_INFO_MASK = 0x9f00ffff;
const U32_MAX = 0xffffffff;

const EINVAL = -22,
  E2BIG = -7,
  EEXIST = -17,
  ENOTSUPP = -524,
  ELOOP = -40;
/** A walk reached a POISON type: stop without a message. */
const SKIP = -1000;

/** One violation as the verifier found it (before the API adds offsets). */
interface RawViolation {
  typeId: number;
  /** Word offset of the type record in the type section, or -1. */
  wordOff: number;
  message: string;
  /** The log lines the kernel prints for it; the last is the one it ends with. */
  lines: string[];
  errno: number;
  phase: 'meta' | 'resolve' | 'type-tags';
}

/** The base of split BTF, as the verifier needs it. */
export interface VerifierBase {
  words: Uint32Array;
  offs: Uint32Array;
  /** Id of `offs[0]` (1 for base BTF). */
  startId: number;
  /** Ids in the base, void included (`btf_nr_types`). */
  typeCount: number;
  strs: Uint8Array;
}

const decoder = new TextDecoder();

/**
 * Per-type scratch arrays, kept between calls: a check of vmlinux needs a few
 * MB of them, and allocating them anew each time leaves the collector a
 * large share of the work. Checks are synchronous, so one set suffices.
 */
const pool = {
  u8a: new Uint8Array(0),
  u8b: new Uint8Array(0),
  kinds: new Uint8Array(0),
  offs: new Uint32Array(0),
  rids: new Uint32Array(0),
  rsizes: new Uint32Array(0),
};
/** `n` entries of a pooled array, zeroed unless `fill` is false (for arrays written before they are read). */
function zeroed<K extends keyof typeof pool>(key: K, n: number, fill = true): (typeof pool)[K] {
  let a = pool[key];
  if (a.length < n) {
    a = (a instanceof Uint8Array ? new Uint8Array(n + (n >>> 3)) : new Uint32Array(n + (n >>> 3))) as (typeof pool)[K];
    pool[key] = a;
  } else if (fill) a.fill(0, 0, n);
  return a.subarray(0, n) as (typeof pool)[K];
}

// Kind classes as bit sets over kind numbers (a kind of -1, for "no such
// type", reads bit 31: in none of them): one shift and mask per question
const bit = (k: number) => 1 << k;
const MODIFIER_KINDS =
  bit(BTF_KIND_TYPEDEF) |
  bit(BTF_KIND_VOLATILE) |
  bit(BTF_KIND_CONST) |
  bit(BTF_KIND_RESTRICT) |
  bit(BTF_KIND_TYPE_TAG);
const STRUCT_KINDS = bit(BTF_KIND_STRUCT) | bit(BTF_KIND_UNION);
/** `btf_type_has_size` */
const SIZED_KINDS =
  bit(BTF_KIND_INT) |
  STRUCT_KINDS |
  bit(BTF_KIND_ENUM) |
  bit(BTF_KIND_DATASEC) |
  bit(BTF_KIND_FLOAT) |
  bit(BTF_KIND_ENUM64);
/** `btf_type_is_resolve_source_only` */
const SOURCE_ONLY_KINDS = bit(BTF_KIND_VAR) | bit(BTF_KIND_DECL_TAG) | bit(BTF_KIND_DATASEC);
/** `btf_type_needs_resolve` */
const NEEDS_RESOLVE_KINDS =
  MODIFIER_KINDS |
  bit(BTF_KIND_PTR) |
  STRUCT_KINDS |
  bit(BTF_KIND_ARRAY) |
  bit(BTF_KIND_VAR) |
  bit(BTF_KIND_FUNC) |
  bit(BTF_KIND_DECL_TAG) |
  bit(BTF_KIND_DATASEC);
/** void (kind 0), FWD, FUNC, FUNC_PROTO: `btf_type_nosize` */
const NO_SIZE_KINDS = bit(0) | bit(BTF_KIND_FWD) | bit(BTF_KIND_FUNC) | bit(BTF_KIND_FUNC_PROTO);
const isModifier = (k: number) => ((MODIFIER_KINDS >>> k) & 1) !== 0;
const isStruct = (k: number) => ((STRUCT_KINDS >>> k) & 1) !== 0;
const hasSize = (k: number) => ((SIZED_KINDS >>> k) & 1) !== 0;
const sourceOnly = (k: number) => ((SOURCE_ONLY_KINDS >>> k) & 1) !== 0;
const needsResolve = (k: number) => ((NEEDS_RESOLVE_KINDS >>> k) & 1) !== 0;
const noSize = (k: number) => ((NO_SIZE_KINDS >>> k) & 1) !== 0;
/** Kinds `btf_type_id_size` gives a size without following anything: it cannot fail on them. */
const SIZED_AT_ONCE_KINDS = SIZED_KINDS | bit(BTF_KIND_ARRAY) | bit(BTF_KIND_PTR);
const sizedAtOnce = (k: number) => ((SIZED_AT_ONCE_KINDS >>> k) & 1) !== 0;
const roundupBytes = (bits: number) => (bits >>> 3) + (bits & 7 ? 1 : 0);

/**
 * The verifier environment (`struct btf_verifier_env` plus the parts of
 * `struct btf` it fills).
 */
export class Verifier {
  readonly violations: RawViolation[] = [];
  /** Word offsets of the local types; index 0 is void for base BTF. */
  offs: Uint32Array = new Uint32Array(0);
  nrTypes = 0;
  /**
   * Kind per local index (0 for void): the walks ask for kinds far more
   * often than for anything else, and a byte per type stays in cache where
   * `w[offs[i] + 1]` misses twice.
   */
  kinds: Uint8Array = new Uint8Array(0);
  private state: Uint8Array = new Uint8Array(0);
  private rids: Uint32Array = new Uint32Array(0);
  private rsizes: Uint32Array = new Uint32Array(0);
  private stackT = new Int32Array(MAX_RESOLVE_DEPTH);
  private stackNext = new Int32Array(MAX_RESOLVE_DEPTH);
  private top = 0;
  private mode = MODE_TBD;
  /**
   * Identifier checks per string offset: 0 unknown, 1 valid, 2 invalid;
   * every string's start is judged up front (markIdentifiers), other
   * offsets on first use.
   */
  private identCache: Uint8Array;
  private readonly tagKflagRefused: boolean;
  /** Kernel `start_id`: 0 for base BTF (void is local type 0). */
  readonly startId: number;
  readonly startStrOff: number;

  constructor(
    readonly w: Uint32Array,
    readonly strs: Uint8Array,
    readonly base: VerifierBase | null,
    /**
     * Judge as Linux 6.1: kernels before commit 53ee0d66d7a6 ("bpf: Allow
     * kind_flag for BTF type and decl tags", 2025) refuse a kind_flag on
     * TYPE_TAG (btf_ref_type_check_meta) and DECL_TAG
     * (btf_decl_tag_check_meta); 6.1's DATASEC names are identifiers
     * (names.ts).
     */
    readonly kernel61 = false,
  ) {
    this.tagKflagRefused = kernel61;
    this.startId = base ? base.typeCount : 0;
    this.startStrOff = base ? base.strs.length : 0;
    this.identCache = zeroed('u8a', strs.length);
    markIdentifiers(strs, this.identCache);
  }

  // ------------------------------------------------------------ records

  /** Returns the kind of an existing type id (0 for void). */
  private kindOf(id: number): number {
    if (id < this.startId) {
      const b = this.base!;
      if (id === 0) return 0;
      return infoKind5(b.words[b.offs[id - b.startId]! + 1]!);
    }
    return this.kinds[id - this.startId]!;
  }
  private exists(id: number): boolean {
    return id < this.startId + this.nrTypes;
  }
  private wordsOf(id: number): Uint32Array {
    return id < this.startId ? this.base!.words : this.w;
  }
  private offOf(id: number): number {
    return id < this.startId ? this.base!.offs[id - this.base!.startId]! : this.offs[id - this.startId]!;
  }

  // ------------------------------------------------------------ strings

  private nameOffValid(off: number): boolean {
    if (off > 0xffffff) return false;
    if (off < this.startStrOff) return off < this.base!.strs.length;
    return off - this.startStrOff < this.strs.length;
  }
  private strAt(off: number): [Uint8Array, number] | null {
    if (off < this.startStrOff) return off < this.base!.strs.length ? [this.base!.strs, off] : null;
    const l = off - this.startStrOff;
    return l < this.strs.length ? [this.strs, l] : null;
  }
  private ident(off: number): boolean {
    if (off >= this.startStrOff) {
      const l = off - this.startStrOff;
      const c = this.identCache[l];
      if (c) return c === 1;
      const ok = validIdentifier(this.strs, l);
      this.identCache[l] = ok ? 1 : 2;
      return ok;
    }
    return validIdentifier(this.base!.strs, off);
  }
  private section(off: number): boolean {
    if (this.kernel61) return this.ident(off);
    const s = this.strAt(off)!;
    return validSection(s[0], s[1]);
  }
  private nonEmpty(off: number): boolean {
    const s = this.strAt(off);
    return s !== null && s[0][s[1]] !== 0;
  }
  /** `__btf_name_by_offset` */
  nameForLog(off: number): string {
    if (!off) return '(anon)';
    const s = this.strAt(off);
    if (!s) return '(invalid-name-offset)';
    let e = s[0].indexOf(0, s[1]);
    if (e < 0) e = s[0].length;
    return decoder.decode(s[0].subarray(s[1], e));
  }

  // ------------------------------------------------------------ logging

  /** `log_details` of each kind. */
  private details(id: number): string {
    const w = this.wordsOf(id),
      o = this.offOf(id);
    const info = w[o + 1]!,
      k = infoKind5(info),
      vlen = infoVlen16(info),
      sz = w[o + 2]!;
    switch (k) {
      case BTF_KIND_INT: {
        const d = w[o + 3]!,
          enc = intEncoding(d);
        const encs = enc === 0 ? '(none)' : enc === 1 ? 'SIGNED' : enc === 2 ? 'CHAR' : enc === 4 ? 'BOOL' : 'UNKN';
        return `size=${sz} bits_offset=${intOffset(d)} nr_bits=${intBits(d)} encoding=${encs}`;
      }
      case BTF_KIND_ARRAY:
        return `type_id=${w[o + 3]} index_type_id=${w[o + 4]} nr_elems=${w[o + 5]}`;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
      case BTF_KIND_DATASEC:
        return `size=${sz} vlen=${vlen}`;
      case BTF_KIND_FWD:
        return infoKflag(info) ? 'union' : 'struct';
      case BTF_KIND_FUNC_PROTO: {
        let s = `return=${sz} args=(`;
        const arg = (i: number) => `${w[o + 4 + 2 * i]} ${this.nameForLog(w[o + 3 + 2 * i]!)}`;
        if (!vlen) s += 'void';
        else if (vlen === 1 && !w[o + 4]) s += 'vararg';
        else {
          s += arg(0);
          for (let i = 1; i < vlen - 1; i++) s += `, ${arg(i)}`;
          if (vlen > 1) s += w[o + 4 + 2 * (vlen - 1)] ? `, ${arg(vlen - 1)}` : ', vararg';
        }
        return `${s})`;
      }
      case BTF_KIND_VAR:
        return `type_id=${sz} linkage=${w[o + 3]}`;
      case BTF_KIND_FLOAT:
        return `size=${sz}`;
      case BTF_KIND_DECL_TAG:
        return `type=${sz} component_idx=${w[o + 3]! | 0}`;
      default:
        return `type_id=${sz}`;
    }
  }
  /** `btf_verifier_log_type` (details) or `btf_verifier_log_basic`. */
  typeLine(id: number, msg: string | null, details = true): string {
    const w = this.wordsOf(id),
      o = this.offOf(id);
    const k = infoKind5(w[o + 1]!);
    let s = `[${id}] ${kindName(k)} ${this.nameForLog(w[o]!)}${details ? ' ' : ''}`;
    if (details) s += this.details(id);
    if (msg) s += ` ${msg}`;
    return s;
  }
  private memberLine(id: number, mo: number, typeId: number, msg: string | null): string {
    const w = this.w,
      kflag = infoKflag(w[this.offOf(id) + 1]!);
    const off = w[mo + 2]!;
    const head = `\t${this.nameForLog(w[mo]!)} type_id=${typeId}`;
    const tail = msg === null ? '' : ` ${msg}`;
    return kflag
      ? `${head} bitfield_size=${memberBitfieldSize(off, true)} bits_offset=${memberBitOffset(off, true)}${tail}`
      : `${head} bits_offset=${off}${tail}`;
  }
  /**
   * The last line the kernel logs in the meta pass when every record is
   * well formed (log_level 1 prints each type as `check_meta` passes it):
   * the last type's line, or its last member, enum value or section entry.
   * A refusal that logs nothing of its own (the struct metas) ends there.
   */
  lastMetaLine(): string {
    const first = this.base ? 0 : 1;
    if (this.nrTypes <= first) return '';
    const id = this.startId + this.nrTypes - 1;
    const w = this.w,
      o = this.offOf(id),
      info = w[o + 1]!,
      k = infoKind5(info),
      vlen = infoVlen16(info);
    if (!vlen) return this.typeLine(id, null);
    switch (k) {
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        const m = o + 3 + 3 * (vlen - 1);
        return this.memberLine(id, m, w[m + 1]!, null);
      }
      case BTF_KIND_ENUM: {
        const e = o + 3 + 2 * (vlen - 1);
        const v = infoKflag(info) ? w[e + 1]! | 0 : w[e + 1]!;
        return `\t${this.nameForLog(w[e]!)} val=${v}`;
      }
      case BTF_KIND_ENUM64: {
        const e = o + 3 + 3 * (vlen - 1);
        const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
        return `\t${this.nameForLog(w[e]!)} val=${infoKflag(info) ? BigInt.asIntN(64, u) : u}`;
      }
      case BTF_KIND_DATASEC: {
        const v = o + 3 + 3 * (vlen - 1);
        return `\t type_id=${w[v]} offset=${w[v + 1]} size=${w[v + 2]}`;
      }
    }
    return this.typeLine(id, null);
  }
  private report(id: number, message: string, lines: string[], errno: number, phase: RawViolation['phase']): void {
    this.violations.push({
      typeId: id,
      wordOff: id >= this.startId && this.exists(id) ? this.offOf(id) : -1,
      message,
      lines,
      errno,
      phase,
    });
  }
  private fail(id: number, msg: string, errno = EINVAL): number {
    this.report(id, msg, [this.typeLine(id, msg)], errno, this.phaseName);
    return errno;
  }
  private failBasic(id: number, msg: string): number {
    this.report(id, msg, [this.typeLine(id, msg, false)], EINVAL, this.phaseName);
    return EINVAL;
  }
  private failMember(id: number, mo: number, typeId: number, msg: string): number {
    const lines = this.phaseName === 'meta' ? [] : [this.typeLine(id, null)];
    lines.push(this.memberLine(id, mo, typeId, msg));
    this.report(id, msg, lines, EINVAL, this.phaseName);
    return EINVAL;
  }
  private failVsi(id: number, vo: number, msg: string): number {
    const w = this.w;
    const lines = this.phaseName === 'meta' ? [] : [this.typeLine(id, null)];
    lines.push(`\t type_id=${w[vo]} offset=${w[vo + 1]} size=${w[vo + 2]} ${msg}`);
    this.report(id, msg, lines, EINVAL, this.phaseName);
    return EINVAL;
  }
  private phaseName: RawViolation['phase'] = 'meta';

  // ------------------------------------------------------ pass 1: metas

  /**
   * `btf_check_all_metas`: walks the type section, checks each record and
   * indexes it. Returns false when the walk cannot go on (the record's size
   * is unknown or past the end, or too many types).
   */
  checkAllMetas(typeWordsStart: number, typeLenBytes: number): boolean {
    const w = this.w;
    const endByte = typeLenBytes;
    let cap = Math.max(16, (typeLenBytes / 12) | 0) + 1;
    // written for every type indexed, read for those only
    let offs = zeroed('offs', cap, false);
    let kinds = zeroed('kinds', cap, false);
    let n = 0;
    if (!this.base) {
      offs[0] = 0; // void
      kinds[n++] = 0;
    }
    let cur = 0; // bytes into the type section
    let ok = true;
    const poisoned: number[] = [];
    // a violation's log line reads the type through them
    this.offs = offs;
    this.kinds = kinds;
    while (cur < endByte) {
      const id = this.startId + n;
      const metaLeft = endByte - cur;
      const o = typeWordsStart + (cur >>> 2);
      if (metaLeft < 12) {
        this.violations.push({
          typeId: id,
          wordOff: o,
          message: `meta_left:${metaLeft} meta_needed:12`,
          lines: [`[${id}] meta_left:${metaLeft} meta_needed:12`],
          errno: EINVAL,
          phase: 'meta',
        });
        ok = false;
        break;
      }
      const info = w[o + 1]!;
      if ((info & ~BTF_INFO_MASK) !== 0) {
        this.violations.push({
          typeId: id,
          wordOff: o,
          message: `Invalid btf_info:${info.toString(16)}`,
          lines: [`[${id}] Invalid btf_info:${info.toString(16)}`],
          errno: EINVAL,
          phase: 'meta',
        });
        ok = false;
        break;
      }
      const k = infoKind5(info);
      if (k === 0 || k > BTF_KIND_ENUM64) {
        this.violations.push({
          typeId: id,
          wordOff: o,
          message: `Invalid kind:${k}`,
          lines: [`[${id}] Invalid kind:${k}`],
          errno: EINVAL,
          phase: 'meta',
        });
        ok = false;
        break;
      }
      if (n === cap) {
        const grown = new Uint32Array(cap * 2);
        grown.set(offs);
        offs = grown;
        const grownKinds = new Uint8Array(cap * 2);
        grownKinds.set(kinds);
        kinds = grownKinds;
        cap *= 2;
        this.offs = offs;
        this.kinds = kinds;
      }
      offs[n] = o;
      kinds[n] = k;
      this.nrTypes = n + 1;
      let bad = false;
      if (!this.nameOffValid(w[o]!)) {
        this.violations.push({
          typeId: id,
          wordOff: o,
          message: `Invalid name_offset:${w[o]}`,
          lines: [`[${id}] Invalid name_offset:${w[o]}`],
          errno: EINVAL,
          phase: 'meta',
        });
        bad = true;
      }
      const need = extraBytes(k, infoVlen16(info));
      if (!bad && this.checkMeta(id, o, k, metaLeft - 12) < 0) bad = true;
      if (metaLeft - 12 < need) {
        // the record runs past the section: its size cannot be trusted
        if (!bad) this.failBasic(id, `meta_left:${metaLeft - 12} meta_needed:${need}`);
        ok = false;
        this.nrTypes = n;
        break;
      }
      if (bad) poisoned.push(n);
      if ((this.base ? this.startId : 0) + n >= BTF_MAX_TYPE) {
        this.violations.push({
          typeId: id,
          wordOff: o,
          message: 'Exceeded max num of types',
          lines: ['Exceeded max num of types'],
          errno: E2BIG,
          phase: 'meta',
        });
        ok = false;
        this.nrTypes = n;
        break;
      }
      n++;
      cur += 12 + need;
    }
    this.offs = offs;
    this.kinds = kinds;
    this.state = zeroed('u8b', this.nrTypes);
    for (const p of poisoned) this.state[p] = POISON;
    return ok;
  }

  /** Each kind's `check_meta`, after `btf_check_meta`'s common checks. Returns < 0 on a violation. */
  private checkMeta(id: number, o: number, k: number, metaLeft: number): number {
    const w = this.w,
      info = w[o + 1]!,
      vlen = infoVlen16(info),
      kflag = infoKflag(info),
      nameOff = w[o]!,
      sz = w[o + 2]!;
    switch (k) {
      case BTF_KIND_INT: {
        if (metaLeft < 4) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:4`);
        if (vlen) return this.fail(id, 'vlen != 0');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        const d = w[o + 3]!;
        if (d & ~0x0fffffff) return this.failBasic(id, `Invalid int_data:${d.toString(16)}`);
        const bits = intBits(d) + intOffset(d);
        if (bits > 128) return this.fail(id, 'nr_bits exceeds 128');
        if (roundupBytes(bits) > sz) return this.fail(id, 'nr_bits exceeds type_size');
        const enc = intEncoding(d);
        if (enc && enc !== 1 && enc !== 2 && enc !== 4) return this.fail(id, 'Unsupported encoding', ENOTSUPP);
        return 0;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG: {
        if (vlen) return this.fail(id, 'vlen != 0');
        if (kflag && (k !== BTF_KIND_TYPE_TAG || this.tagKflagRefused))
          return this.fail(id, 'Invalid btf_info kind_flag');
        if (sz > BTF_MAX_TYPE) return this.fail(id, 'Invalid type_id');
        if (k === BTF_KIND_TYPEDEF) {
          if (!nameOff || !this.ident(nameOff)) return this.fail(id, 'Invalid name');
        } else if (k === BTF_KIND_TYPE_TAG) {
          if (!this.nonEmpty(nameOff)) return this.fail(id, 'Invalid name');
        } else if (nameOff) return this.fail(id, 'Invalid name');
        return 0;
      }
      case BTF_KIND_FWD:
        if (vlen) return this.fail(id, 'vlen != 0');
        if (sz) return this.fail(id, 'type != 0');
        if (!nameOff || !this.ident(nameOff)) return this.fail(id, 'Invalid name');
        return 0;
      case BTF_KIND_ARRAY: {
        if (metaLeft < 12) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:12`);
        if (nameOff) return this.fail(id, 'Invalid name');
        if (vlen) return this.fail(id, 'vlen != 0');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        if (sz) return this.fail(id, 'size != 0');
        const elem = w[o + 3]!,
          index = w[o + 4]!;
        if (!elem || elem > BTF_MAX_TYPE) return this.fail(id, 'Invalid elem');
        if (!index || index > BTF_MAX_TYPE) return this.fail(id, 'Invalid index');
        return 0;
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        const need = vlen * 12;
        if (metaLeft < need) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:${need}`);
        if (nameOff && !this.ident(nameOff)) return this.fail(id, 'Invalid name');
        let last = 0;
        const cache = this.identCache,
          base0 = this.startStrOff,
          nStrs = this.strs.length;
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          const mName = w[m]!,
            mType = w[m + 1]!,
            mOff = w[m + 2]!;
          // the common case inline: a name of this BTF already judged valid
          const l = mName - base0;
          if (mName !== 0 && !(l >= 0 && l < nStrs && cache[l] === 1)) {
            if (!this.nameOffValid(mName)) return this.failMember(id, m, mType, `Invalid member name_offset:${mName}`);
            if (mName && !this.ident(mName)) return this.failMember(id, m, mType, 'Invalid name');
          }
          if (!mType || mType > BTF_MAX_TYPE) return this.failMember(id, m, mType, 'Invalid type_id');
          const off = memberBitOffset(mOff, kflag);
          if (k === BTF_KIND_UNION && off) return this.failMember(id, m, mType, 'Invalid member bits_offset');
          if (last > off) return this.failMember(id, m, mType, 'Invalid member bits_offset');
          if (roundupBytes(off) > sz)
            return this.failMember(id, m, mType, 'Member bits_offset exceeds its struct size');
          last = off;
        }
        return 0;
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        const per = k === BTF_KIND_ENUM ? 2 : 3,
          need = vlen * per * 4;
        if (metaLeft < need) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:${need}`);
        if (sz > 8 || sz === 0 || sz & (sz - 1)) return this.fail(id, 'Unexpected size');
        if (nameOff && !this.ident(nameOff)) return this.fail(id, 'Invalid name');
        for (let i = 0, e = o + 3; i < vlen; i++, e += per) {
          const eName = w[e]!;
          if (!this.nameOffValid(eName)) {
            const line = `\tInvalid name_offset:${eName}`;
            this.report(id, line.slice(1), [line], EINVAL, 'meta');
            return EINVAL;
          }
          if (!eName || !this.ident(eName)) return this.fail(id, 'Invalid name');
        }
        return 0;
      }
      case BTF_KIND_FUNC_PROTO: {
        const need = vlen * 8;
        if (metaLeft < need) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:${need}`);
        if (nameOff) return this.fail(id, 'Invalid name');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        return 0;
      }
      case BTF_KIND_FUNC:
        if (!nameOff || !this.ident(nameOff)) return this.fail(id, 'Invalid name');
        if (vlen > 1) return this.fail(id, 'Invalid func linkage');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        return 0;
      case BTF_KIND_VAR: {
        if (metaLeft < 4) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:4`);
        if (vlen) return this.fail(id, 'vlen != 0');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        if (!nameOff || !this.ident(nameOff)) return this.fail(id, 'Invalid name');
        if (!sz || sz > BTF_MAX_TYPE) return this.fail(id, 'Invalid type_id');
        const linkage = w[o + 3]!;
        if (linkage !== 0 && linkage !== 1) return this.fail(id, 'Linkage not supported');
        return 0;
      }
      case BTF_KIND_DATASEC: {
        const need = vlen * 12;
        if (metaLeft < need) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:${need}`);
        if (!sz) return this.fail(id, 'size == 0');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        if (!nameOff || !this.section(nameOff)) return this.fail(id, 'Invalid name');
        let lastEnd = 0,
          sum = 0;
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          const vt = w[v]!,
            voff = w[v + 1]!,
            vsz = w[v + 2]!;
          if (!vt || vt > BTF_MAX_TYPE) return this.failVsi(id, v, 'Invalid type_id');
          if (voff < lastEnd || voff >= sz) return this.failVsi(id, v, 'Invalid offset');
          if (!vsz || vsz > sz) return this.failVsi(id, v, 'Invalid size');
          lastEnd = voff + vsz;
          if (lastEnd > sz) return this.failVsi(id, v, 'Invalid offset+size');
          sum += vsz;
        }
        if (sz < sum) return this.fail(id, 'Invalid btf_info size');
        return 0;
      }
      case BTF_KIND_FLOAT:
        if (vlen) return this.fail(id, 'vlen != 0');
        if (kflag) return this.fail(id, 'Invalid btf_info kind_flag');
        if (sz !== 2 && sz !== 4 && sz !== 8 && sz !== 12 && sz !== 16) return this.fail(id, 'Invalid type_size');
        return 0;
      case BTF_KIND_DECL_TAG: {
        if (metaLeft < 4) return this.failBasic(id, `meta_left:${metaLeft} meta_needed:4`);
        if (!this.nonEmpty(nameOff)) return this.fail(id, 'Invalid value');
        if (vlen) return this.fail(id, 'vlen != 0');
        if (kflag && this.tagKflagRefused) return this.fail(id, 'Invalid btf_info kind_flag');
        if ((w[o + 3]! | 0) < -1) return this.fail(id, 'Invalid component_idx');
        return 0;
      }
    }
    return 0;
  }

  // ---------------------------------------------------- pass 2: resolve

  private resolved(id: number): boolean {
    return id < this.startId || this.state[id - this.startId] === RESOLVED;
  }
  private sink(k: number): boolean {
    switch (this.mode) {
      case MODE_TBD:
        return !needsResolve(k);
      case MODE_PTR:
        return !isModifier(k) && k !== BTF_KIND_PTR;
      default:
        return !isModifier(k) && k !== BTF_KIND_ARRAY && !isStruct(k);
    }
  }
  private push(id: number): number {
    if (this.top === MAX_RESOLVE_DEPTH) return E2BIG;
    if (id < this.startId) return EEXIST;
    const s = this.state[id - this.startId]!;
    if (s === POISON) return SKIP;
    if (s !== NOT_VISITED) return EEXIST;
    this.state[id - this.startId] = VISITED;
    this.stackT[this.top] = id;
    this.stackNext[this.top++] = 0;
    if (this.mode === MODE_TBD) {
      const k = this.kindOf(id);
      if (k === BTF_KIND_PTR) this.mode = MODE_PTR;
      else if (isStruct(k) || k === BTF_KIND_ARRAY) this.mode = MODE_STRUCT;
    }
    return 0;
  }
  private pop(rid: number, size: number): void {
    const li = this.stackT[--this.top]! - this.startId;
    this.rsizes[li] = size;
    this.rids[li] = rid;
    this.state[li] = RESOLVED;
  }
  private rid(id: number): number {
    return id < this.startId ? id : this.rids[id - this.startId]!;
  }
  private rsize(id: number): number {
    return id < this.startId ? 0 : this.rsizes[id - this.startId]!;
  }

  private sizeOut = 0;
  /** `btf_type_id_size`: the resolved id with a size (size in `sizeOut`), or -1. */
  private idSize(id: number): number {
    if (!this.exists(id)) return -1;
    let k = this.kindOf(id);
    if (noSize(k)) return -1;
    if (hasSize(k)) {
      this.sizeOut = this.wordsOf(id)[this.offOf(id) + 2]!;
      return id;
    }
    if (k === BTF_KIND_ARRAY) {
      this.sizeOut = this.rsize(id);
      return id;
    }
    if (k === BTF_KIND_PTR) {
      this.sizeOut = 8;
      return id;
    }
    if (!isModifier(k) && k !== BTF_KIND_VAR) return -1;
    const r = this.rid(id);
    if (!this.exists(r)) return -1;
    k = this.kindOf(r);
    if (noSize(k)) return -1;
    if (hasSize(k)) this.sizeOut = this.wordsOf(r)[this.offOf(r) + 2]!;
    else if (k === BTF_KIND_ARRAY) this.sizeOut = this.rsize(r);
    else if (k === BTF_KIND_PTR) this.sizeOut = 8;
    else return -1;
    return r;
  }

  /** `btf_check_all_types` */
  checkAllTypes(): void {
    this.phaseName = 'resolve';
    const n = this.nrTypes;
    this.rids = zeroed('rids', n);
    this.rsizes = zeroed('rsizes', n);
    const kinds = this.kinds,
      state = this.state;
    for (let i = this.base ? 0 : 1; i < n; i++) {
      const s = state[i]!;
      if (s === POISON) continue;
      const id = this.startId + i,
        k = kinds[i]!;
      if (k === BTF_KIND_FUNC) {
        // btf_resolve of a FUNC that nothing reached before (a third of
        // vmlinux): one vertex, btf_func_check, popped with its prototype
        // as the resolved id, which btf_resolve_valid then accepts (the
        // check made it a FUNC_PROTO, so not void)
        if (s !== NOT_VISITED) continue;
        if (this.funcCheck(id)) state[i] = POISON;
        else {
          this.rids[i] = this.w[this.offs[i]! + 2]!;
          state[i] = RESOLVED;
        }
        continue;
      }
      if (s !== RESOLVED && needsResolve(k)) this.resolve(id);
      if (k === BTF_KIND_FUNC_PROTO) this.funcProtoCheck(id);
    }
  }

  /** `btf_resolve`; on a violation, the types on the stack become POISON. */
  private resolve(id: number): number {
    this.mode = MODE_TBD;
    let err = this.push(id);
    if (err === SKIP) return SKIP;
    while (!err && this.top) err = this.resolveOne(this.stackT[this.top - 1]!, this.top - 1);
    if (err === E2BIG) this.fail(id, `Exceeded max resolving depth:${MAX_RESOLVE_DEPTH}`, E2BIG);
    else if (err === EEXIST) this.fail(id, 'Loop detected', EEXIST);
    if (!err && !this.resolveValid(id)) err = this.fail(id, 'Invalid resolve state');
    if (err) {
      while (this.top) this.state[this.stackT[--this.top]! - this.startId] = POISON;
      if (this.state[id - this.startId] !== RESOLVED) this.state[id - this.startId] = POISON;
    }
    return err;
  }

  private resolveValid(id: number): boolean {
    if (!this.resolved(id)) return false;
    const k = this.kindOf(id);
    if (isStruct(k) || k === BTF_KIND_DATASEC) return !this.rid(id) && !this.rsize(id);
    if (k === BTF_KIND_DECL_TAG || k === BTF_KIND_FUNC) return this.rid(id) !== 0 && !this.rsize(id);
    if (isModifier(k) || k === BTF_KIND_PTR || k === BTF_KIND_VAR) {
      const r = this.rid(id);
      if (!this.exists(r)) return false;
      const rk = this.kindOf(r);
      return !isModifier(rk) && rk !== BTF_KIND_VAR && rk !== BTF_KIND_DATASEC;
    }
    if (k === BTF_KIND_ARRAY) {
      const w = this.w,
        o = this.offOf(id);
      const e = this.idSize(w[o + 3]!);
      return e >= 0 && !isModifier(this.kindOf(e)) && Math.imul(w[o + 5]!, this.sizeOut) >>> 0 === this.rsize(id);
    }
    return false;
  }

  /** One step of the kind's `resolve` for the vertex at stack slot `slot`. */
  private resolveOne(id: number, slot: number): number {
    const w = this.w,
      o = this.offOf(id),
      k = this.kindOf(id);
    switch (k) {
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
      case BTF_KIND_PTR:
      case BTF_KIND_VAR: {
        let next = w[o + 2]!;
        if (!this.exists(next) || sourceOnly(this.kindOf(next))) return this.fail(id, 'Invalid type_id');
        let nk = this.kindOf(next);
        if (!this.sink(nk) && !this.resolved(next)) return this.push(next);
        if ((k === BTF_KIND_PTR || k === BTF_KIND_VAR) && isModifier(nk)) {
          const r = this.rid(next);
          if (this.exists(r) && this.kindOf(r) === BTF_KIND_PTR && !this.sink(BTF_KIND_PTR) && !this.resolved(r))
            return this.push(r);
        }
        const s = this.idSize(next);
        if (s < 0) {
          if (k === BTF_KIND_VAR) return this.fail(id, 'Invalid type_id');
          if (this.resolved(next)) {
            next = this.rid(next);
            nk = this.exists(next) ? this.kindOf(next) : -1;
          }
          if (nk !== 0 && nk !== BTF_KIND_FWD && nk !== BTF_KIND_FUNC_PROTO) return this.fail(id, 'Invalid type_id');
        } else next = s;
        this.pop(next, 0);
        return 0;
      }
      case BTF_KIND_ARRAY: {
        let index = w[o + 4]!;
        if (!this.exists(index) || noSize(this.kindOf(index)) || sourceOnly(this.kindOf(index)))
          return this.fail(id, 'Invalid index');
        if (!this.sink(this.kindOf(index)) && !this.resolved(index)) return this.push(index);
        index = this.idSize(index);
        if (index < 0 || this.kindOf(index) !== BTF_KIND_INT || !this.intRegular(index))
          return this.fail(id, 'Invalid index');
        let elem = w[o + 3]!;
        if (!this.exists(elem) || noSize(this.kindOf(elem)) || sourceOnly(this.kindOf(elem)))
          return this.fail(id, 'Invalid elem');
        if (!this.sink(this.kindOf(elem)) && !this.resolved(elem)) return this.push(elem);
        elem = this.idSize(elem);
        if (elem < 0) return this.fail(id, 'Invalid elem');
        const esz = this.sizeOut,
          nelems = w[o + 5]!;
        if (this.kindOf(elem) === BTF_KIND_INT && !this.intRegular(elem)) return this.fail(id, 'Invalid array of int');
        if (nelems && esz > Math.floor(U32_MAX / nelems)) return this.fail(id, 'Array size overflows U32_MAX');
        this.pop(elem, Math.imul(esz, nelems) >>> 0);
        return 0;
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        const vlen = infoVlen16(w[o + 1]!),
          kflag = infoKflag(w[o + 1]!);
        const from = this.stackNext[slot]!;
        if (from) {
          const m = o + 3 + 3 * (from - 1);
          const err = this.checkMember(id, m, w[m + 1]!, kflag);
          if (err) return err;
        }
        for (let i = from, m = o + 3 + 3 * from; i < vlen; i++, m += 3) {
          const mt = w[m + 1]!;
          if (!this.exists(mt)) return this.failMember(id, m, mt, 'Invalid member');
          const mk = this.kindOf(mt);
          if (noSize(mk) || sourceOnly(mk)) return this.failMember(id, m, mt, 'Invalid member');
          if (!this.sink(mk) && !this.resolved(mt)) {
            this.stackNext[slot] = i + 1;
            return this.push(mt);
          }
          const err = this.checkMember(id, m, mt, kflag);
          if (err) return err;
        }
        this.pop(0, 0);
        return 0;
      }
      case BTF_KIND_DATASEC: {
        const vlen = infoVlen16(w[o + 1]!);
        for (let i = this.stackNext[slot]!, v = o + 3 + 3 * i; i < vlen; i++, v += 3) {
          const vt = w[v]!;
          if (!this.exists(vt) || this.kindOf(vt) !== BTF_KIND_VAR) return this.failVsi(id, v, 'Not a VAR kind member');
          if (!this.sink(BTF_KIND_VAR) && !this.resolved(vt)) {
            this.stackNext[slot] = i + 1;
            return this.push(vt);
          }
          const t = this.idSize(this.wordsOf(vt)[this.offOf(vt) + 2]!);
          if (t < 0) return this.failVsi(id, v, 'Invalid type');
          if (w[v + 2]! < this.sizeOut) return this.failVsi(id, v, 'Invalid size');
        }
        this.pop(0, 0);
        return 0;
      }
      case BTF_KIND_DECL_TAG: {
        const next = w[o + 2]!;
        const nk = this.exists(next) ? this.kindOf(next) : -1;
        if (!(nk === BTF_KIND_FUNC || isStruct(nk) || nk === BTF_KIND_VAR || nk === BTF_KIND_TYPEDEF))
          return this.fail(id, 'Invalid type_id');
        if (!this.sink(nk) && !this.resolved(next)) return this.push(next);
        const idx = w[o + 3]! | 0;
        if (idx !== -1) {
          if (nk === BTF_KIND_VAR || nk === BTF_KIND_TYPEDEF) return this.fail(id, 'Invalid component_idx');
          let vlen: number;
          if (isStruct(nk)) vlen = infoVlen16(this.wordsOf(next)[this.offOf(next) + 1]!);
          else {
            const p = this.wordsOf(next)[this.offOf(next) + 2]!;
            vlen = infoVlen16(this.wordsOf(p)[this.offOf(p) + 1]!);
          }
          if (idx >>> 0 >= vlen) return this.fail(id, 'Invalid component_idx');
        }
        this.pop(next, 0);
        return 0;
      }
      case BTF_KIND_FUNC: {
        const err = this.funcCheck(id);
        if (err) return err;
        this.pop(w[o + 2]!, 0);
        return 0;
      }
    }
    return this.failBasic(id, 'Unsupported resolve');
  }

  private intRegular(id: number): boolean {
    const d = this.wordsOf(id)[this.offOf(id) + 3]!;
    const bits = intBits(d),
      bytes = roundupBytes(bits);
    return !(bits & 7 || intOffset(d) || (bytes !== 1 && bytes !== 2 && bytes !== 4 && bytes !== 8 && bytes !== 16));
  }

  /** Each kind's `check_member` / `check_kflag_member`; `mt` is the member's (possibly resolved) type id. */
  private checkMember(sid: number, m: number, mt: number, kflag: boolean): number {
    const w = this.w,
      ssize = w[this.offOf(sid) + 2]!,
      raw = w[m + 2]!;
    const k = this.kindOf(mt);
    if (isModifier(k)) {
      const r = this.idSize(mt);
      if (r < 0) return this.failMember(sid, m, mt, 'Invalid member');
      return this.checkMember(sid, m, r, kflag);
    }
    const tw = this.wordsOf(mt),
      to = this.offOf(mt);
    if (kflag) {
      if (k === BTF_KIND_INT) {
        const d = tw[to + 3]!;
        if (!this.intRegular(mt)) return this.failMember(sid, m, mt, 'Invalid member base type');
        let bits = memberBitfieldSize(raw, true);
        const off = memberBitOffset(raw, true);
        if (!bits) {
          if (off & 7) return this.failMember(sid, m, mt, 'Invalid member offset');
          bits = intBits(d);
        } else if (bits > intBits(d)) return this.failMember(sid, m, mt, 'Invalid member bitfield_size');
        const bytesOff = off >>> 3,
          copy = bits + (off & 7);
        if (copy > 128) return this.failMember(sid, m, mt, 'nr_copy_bits exceeds 128');
        if (ssize < bytesOff || ssize - bytesOff < roundupBytes(copy))
          return this.failMember(sid, m, mt, 'Member exceeds struct_size');
        return 0;
      }
      if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) {
        const off = memberBitOffset(raw, true);
        let bits = memberBitfieldSize(raw, true);
        if (!bits) {
          if (off & 7) return this.failMember(sid, m, mt, 'Member is not byte aligned');
          bits = 32;
        } else if (bits > 32) return this.failMember(sid, m, mt, 'Invalid member bitfield_size');
        if (ssize < roundupBytes(off + bits)) return this.failMember(sid, m, mt, 'Member exceeds struct_size');
        return 0;
      }
      if (k === BTF_KIND_PTR || k === BTF_KIND_ARRAY || isStruct(k) || k === BTF_KIND_FLOAT) {
        if (memberBitfieldSize(raw, true)) return this.failMember(sid, m, mt, 'Invalid member bitfield_size');
      } else return this.failBasic(sid, 'Unsupported check_kflag_member');
    }
    // non-kflag variants; `raw` is the bit offset
    switch (k) {
      case BTF_KIND_INT: {
        const d = tw[to + 3]!,
          ioff = intOffset(d);
        if (U32_MAX - raw < ioff) return this.failMember(sid, m, mt, 'bits_offset exceeds U32_MAX');
        const bitsOff = raw + ioff,
          bytesOff = Math.floor(bitsOff / 8),
          copy = intBits(d) + (bitsOff % 8);
        if (copy > 128) return this.failMember(sid, m, mt, 'nr_copy_bits exceeds 128');
        if (ssize < bytesOff || ssize - bytesOff < roundupBytes(copy))
          return this.failMember(sid, m, mt, 'Member exceeds struct_size');
        return 0;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_ARRAY:
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        if (raw & 7) return this.failMember(sid, m, mt, 'Member is not byte aligned');
        let need: number;
        if (k === BTF_KIND_PTR) need = 8;
        else if (k === BTF_KIND_ARRAY) {
          this.idSize(mt);
          need = this.sizeOut;
        } else need = tw[to + 2]!;
        if ((ssize - (raw >>> 3)) >>> 0 < need) return this.failMember(sid, m, mt, 'Member exceeds struct_size');
        return 0;
      }
      case BTF_KIND_FLOAT: {
        const fsz = tw[to + 2]!,
          alignBits = Math.min(8, fsz) * 8;
        if (raw % alignBits) return this.failMember(sid, m, mt, 'Member is not properly aligned');
        if (Math.floor(raw / 8) + fsz > ssize) return this.failMember(sid, m, mt, 'Member exceeds struct_size');
        return 0;
      }
    }
    return this.failBasic(sid, 'Unsupported check_member');
  }

  /** `btf_func_check` */
  private funcCheck(id: number): number {
    const p = this.w[this.offOf(id) + 2]!;
    if (!this.exists(p) || this.kindOf(p) !== BTF_KIND_FUNC_PROTO) return this.fail(id, 'Invalid type_id');
    const pw = this.wordsOf(p),
      po = this.offOf(p),
      n = infoVlen16(pw[po + 1]!);
    for (let i = 0; i < n; i++) {
      if (!pw[po + 3 + 2 * i] && pw[po + 4 + 2 * i]) return this.fail(id, `Invalid arg#${i + 1}`);
    }
    return 0;
  }

  /** Resolves `t` for a FUNC_PROTO check; SKIP when it reaches a POISON type. */
  private resolveFor(t: number): number {
    if (needsResolve(this.kindOf(t)) && !this.resolved(t)) {
      if (t >= this.startId && this.state[t - this.startId] === POISON) return SKIP;
      return this.resolve(t);
    }
    return 0;
  }

  /** `btf_func_proto_check` */
  private funcProtoCheck(id: number): number {
    const w = this.w,
      o = this.offOf(id);
    let n = infoVlen16(w[o + 1]!);
    const ret = w[o + 2]!;
    if (ret) {
      if (!this.exists(ret)) return this.fail(id, 'Invalid return type');
      const k = this.kindOf(ret);
      if (sourceOnly(k)) return this.fail(id, 'Invalid return type');
      if (needsResolve(k) && !this.resolved(ret)) {
        const err = this.resolveFor(ret);
        if (err) return err;
      }
      if (!sizedAtOnce(k) && this.idSize(ret) < 0) return this.fail(id, 'Invalid return type');
    }
    if (!n) return 0;
    if (!w[o + 4 + 2 * (n - 1)]) {
      if (w[o + 3 + 2 * (n - 1)]) return this.fail(id, `Invalid arg#${n}`);
      n--;
    }
    for (let i = 0; i < n; i++) {
      const at = w[o + 4 + 2 * i]!,
        an = w[o + 3 + 2 * i]!;
      if (!this.exists(at)) return this.fail(id, `Invalid arg#${i + 1}`);
      if (an && (!this.nameOffValid(an) || !this.ident(an))) return this.fail(id, `Invalid arg#${i + 1}`);
      const k = this.kindOf(at);
      if (sourceOnly(k)) return this.fail(id, `Invalid arg#${i + 1}`);
      if (needsResolve(k) && !this.resolved(at)) {
        const err = this.resolveFor(at);
        if (err) return err;
      }
      if (!sizedAtOnce(k) && this.idSize(at) < 0) return this.fail(id, `Invalid arg#${i + 1}`);
    }
    return 0;
  }

  // ------------------------------------------------- pass 3: type tags

  /** `btf_check_type_tags`; reports at most one violation, as it stops. */
  checkTypeTags(): void {
    this.phaseName = 'type-tags';
    const start = this.base ? this.startId : 1;
    const n = this.startId + this.nrTypes;
    let good = start - 1;
    for (let i = start; i < n; i++) {
      if (i >= this.startId && this.state[i - this.startId] === POISON) continue;
      let k = this.kindOf(i);
      if (!isModifier(k)) continue;
      let limit = 32,
        cur = i;
      let inTags = k === BTF_KIND_TYPE_TAG;
      while (isModifier(k)) {
        if (!limit--) {
          this.report(
            i,
            'Max chain length or cycle detected',
            ['Max chain length or cycle detected'],
            ELOOP,
            'type-tags',
          );
          return;
        }
        if (k === BTF_KIND_TYPE_TAG) {
          if (!inTags) {
            this.report(
              i,
              "Type tags don't precede modifiers",
              ["Type tags don't precede modifiers"],
              EINVAL,
              'type-tags',
            );
            return;
          }
        } else inTags = false;
        if (cur <= good) break;
        cur = this.wordsOf(cur)[this.offOf(cur) + 2]!;
        if (!this.exists(cur)) {
          this.report(i, '', [], EINVAL, 'type-tags');
          return;
        }
        if (cur >= this.startId && this.state[cur - this.startId] === POISON) break;
        k = this.kindOf(cur);
      }
      good = i;
    }
  }
}

/** Bytes after `struct btf_type` of a record of kind `k` with `vlen` items. */
function extraBytes(k: number, vlen: number): number {
  switch (k) {
    case BTF_KIND_INT:
    case BTF_KIND_VAR:
    case BTF_KIND_DECL_TAG:
      return 4;
    case BTF_KIND_ARRAY:
      return 12;
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
    case BTF_KIND_DATASEC:
    case BTF_KIND_ENUM64:
      return vlen * 12;
    case BTF_KIND_ENUM:
    case BTF_KIND_FUNC_PROTO:
      return vlen * 8;
    default:
      return 0;
  }
}
