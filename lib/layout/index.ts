/**
 * Struct and union layouts as pahole 1.24 prints them from BTF
 * (`pahole -F btf`): member offsets and sizes, bitfield positions, byte and
 * bit holes, cacheline boundaries, the trailing statistics, and the
 * alignments and `__packed__` attributes pahole infers.
 *
 * BTF carries no alignment. pahole's BTF loader therefore guesses it
 * (`class__fixup_btf_bitfields`): walking the members of every struct and
 * union, a member that starts past the end of the one before it, at an even
 * offset, by a gap whose next power of two exceeds the member's natural
 * alignment, is printed as `__attribute__((__aligned__(N)))` (N raised to
 * the cacheline size when the offset is cacheline-aligned); the type's own
 * size is tested the same way. Bitfield members of integer and enum type
 * are re-based on their storage unit (`byte_offset = bit_offset / bits *
 * bits / 8`), which is where the `28: 3` offsets come from.
 *
 *   member walk (class__find_holes), per member, in bits:
 *     last_seen_bit ──┐ start      end
 *     [ prev member ] │ hole │ [ member ] ...   hole after the previous one
 *   a bitfield run keeps the end of its storage unit (cur_bitfield_end), so
 *   the bits left in it become a bit hole, the bytes up to the next unit a
 *   byte hole; what is left after the last member is padding (bit_padding).
 *
 * `__packed__` is inferred too (`class__infer_packed_attributes`): a struct
 * without holes or padding whose members sit at unnatural offsets, or whose
 * size is not a multiple of its largest member alignment, is packed; a
 * struct with holes marks the struct types of its members at unnatural
 * offsets as packed; a union marks its struct members whose alignment does
 * not divide its size. pahole keeps these results on the types as it prints,
 * so what one struct prints depends on the structs printed before it: this
 * module keeps the same memos and is driven in pahole's order.
 *
 * `-R` (`class__reorganize`): a clone of the struct, type id `n` (one past
 * the last), whose members the hole-combining passes move in the member
 * arrays: a member that fits a hole moves up after it, the last member into
 * a hole when that removes padding, then members from the tail; each move
 * shrinks the clone when the hole it leaves reaches a pointer's size, and
 * the holes are searched again (the same `class__find_holes`). pahole 1.24
 * is built without its bitfield algorithms, so bitfields never move.
 *
 * Spelling. pahole names types with its own `tag__name`, not libbpf's
 * declarator grammar (lib/dump/c-decl.ts), and the two differ enough that
 * the layout printer has its own: a pointer is `TYPE *` with a space before
 * the star (`const char  *`: a modifier's name ends in a space), a pointer to
 * a function is `RET (*name)(ARGS)` with the return type padded to the type
 * column, a function type met as a parameter is `RET ()(ARGS)`, arrays are
 * the element's spelling followed by `[N]` (one dimension per BTF array, `[]`
 * for a last member of zero length), `const` before a pointed-to pointer
 * becomes `TYPE * const *`, anonymous structs, unions and enums are printed
 * inline with their own offset comments, and a type id pahole cannot resolve
 * (the `DECL_TAG`/`TYPE_TAG` kinds it does not know) prints as
 * `<ERROR(...)>`. Columns: types padded to 26 characters (8 less per nesting
 * level), names to 23 (21 in a top-level union), offsets and sizes as
 * `%5u`.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
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
  BTF_KIND_UNION,
  BTF_KIND_VOLATILE,
  infoKflag,
  infoVlen,
  intBits,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';
import { StringReader } from '../strings.js';
import { ByteOut, type ByteSink, bytesToText, collectBytes, putUint } from '../dump/bytes.js';

/**
 * A cacheline size option: 64 (pahole's default) when absent, else a
 * positive whole number of bytes below 2^31; anything else is refused with
 * EINVAL (a cacheline of 0 would divide by zero, a fraction print fractions).
 */
export function cachelineSizeOf(v: number | undefined): number {
  if (v === undefined) return 64;
  if (!Number.isInteger(v) || v <= 0 || v > 0x7fffffff)
    throw new BtfError(BtfErrorCode.InvalidArgument, `cacheline size ${v}: not a positive whole number of bytes`);
  return v;
}

/** Options of a {@link LayoutPrinter} (pahole's command line options of the same names). */
export interface LayoutOptions {
  /** Cacheline size in bytes (pahole's `--cacheline_size`, default 64). */
  cachelineSize?: number;
  /** Expand the types of members (`-E`). */
  expand?: boolean;
  /** Leave out the `__aligned__` attributes and the forced alignment statistics (`--suppress_aligned_attribute`). */
  suppressAligned?: boolean;
}

/** One member of a struct or union as pahole sees it. */
export interface LayoutMember {
  name: string;
  /** The member's type, as pahole spells it. */
  type: string;
  typeId: number;
  byteOffset: number;
  bitOffset: number;
  byteSize: number;
  /** Bitfield width (0: not a bitfield) and bit position in its storage unit. */
  bitfieldSize: number;
  bitfieldOffset: number;
  /** Bytes and bits of hole before this member. */
  holeBefore: number;
  bitHoleBefore: number;
  /** Cacheline the member starts in. */
  cacheline: number;
  /** Alignment pahole infers (0: natural). */
  alignment: number;
}

/** The layout of one struct or union, as facts (the JSON of `btfkit layout -j`). */
export interface Layout {
  id: number;
  kind: 'struct' | 'union';
  name: string;
  size: number;
  cachelines: number;
  members: LayoutMember[];
  holes: number;
  sumHoles: number;
  bitHoles: number;
  sumBitHoles: number;
  padding: number;
  bitPadding: number;
  packed: boolean;
  alignment: number;
}

/** `%-*s` of a JS string (the names of types, built once per type). */
const left = (s: string, w: number): string => {
  const a = Math.abs(w);
  return s.length >= a ? s : s + ' '.repeat(a - s.length);
};

/** Characters of integer `v` in decimal. */
const decimalWidth = (v: number): number => {
  if (v < 0) return 1 + decimalWidth(-v);
  let n = 1;
  for (let x = v; x >= 10; x = Math.floor(x / 10)) n++;
  return n;
};

/** Bytes of the NUL-terminated string at `off` of `strs`. */
const cstrLength = (strs: Uint8Array, off: number): number => {
  if (off >= strs.length) return 0;
  const e = strs.indexOf(0, off);
  return (e < 0 ? strs.length : e) - off;
};

/**
 * A name as the printers pass it: twice its string-section offset, plus 1
 * for a `* ` before it (a pointer to an anonymous struct); {@link NO_NAME}
 * is pahole's NULL name, {@link EMPTY_NAME} the empty string.
 */
type NameRef = number;
const NO_NAME: NameRef = -2;
const EMPTY_NAME: NameRef = 0;

/**
 * A printing context: pahole's `struct conf_fprintf` as far as layouts go.
 * A class with a copy method, not object spreads: a context is copied per
 * struct printed, and a spread costs a generic clone until V8 optimises it.
 */
class Conf {
  typeSpacing = 26;
  nameSpacing = 23;
  indent = 0;
  /** Printed after the closing brace (the member or typedef name of a nested type). */
  suffix: NameRef = NO_NAME;
  emitStats = true;
  suppressOffsetComment = false;
  relOffset = false;
  baseOffset = 0;
  unionMember = false;
  firstMember = false;
  lastMember = false;
  expand = false;
  /** The current cacheline, shared by nested types (pahole's `cachelinep`). */
  cl: { v: number };

  constructor(cl: { v: number }) {
    this.cl = cl;
  }

  /** A copy sharing the cacheline. */
  copy(): Conf {
    return new Conf(this.cl).assign(this);
  }

  /** Makes this context a copy of `from` (the cacheline shared); returns it. */
  assign(from: Conf): Conf {
    this.cl = from.cl;
    this.typeSpacing = from.typeSpacing;
    this.nameSpacing = from.nameSpacing;
    this.indent = from.indent;
    this.suffix = from.suffix;
    this.emitStats = from.emitStats;
    this.suppressOffsetComment = from.suppressOffsetComment;
    this.relOffset = from.relOffset;
    this.baseOffset = from.baseOffset;
    this.unionMember = from.unionMember;
    this.firstMember = from.firstMember;
    this.lastMember = from.lastMember;
    this.expand = from.expand;
    return this;
  }
}

/**
 * The context of a type printed inside a member (pahole's `inner_struct`
 * copy), made in `into`: the member's type column and offset mode, and for
 * an inner struct, union or enum no stats and the member's name after it.
 */
function nestedConf(into: Conf, conf: Conf, inner: boolean, ts: number, rel: boolean, nm: NameRef): Conf {
  const c = into.assign(conf);
  c.typeSpacing = ts;
  c.relOffset = rel;
  if (inner) {
    c.suffix = nm;
    c.emitStats = false;
  }
  return c;
}

// Per-struct state (pahole keeps it on the types): bit flags.
const FIXED = 1;
const HOLES = 2;
const PACKED = 4;
const PACKED_INFERRED = 8;
/** Both (one constant: the bundle keeps module constants in slots, and `|` of two would be an operation at run time). */
const PACKED_BOTH = PACKED | PACKED_INFERRED;
/**
 * The kinds pahole 1.24 knows, as bits: INT to ENUM64 but DECL_TAG and
 * TYPE_TAG (a constant: see PACKED_BOTH). pahole's `cu__type` (0 for void
 * and for the kinds it drops) is `((KNOWN_KINDS >>> kinds[id]) & 1) !== 0`,
 * tested where asked (no method V8 compiles on its own): void, the -R clone
 * (id n) and ids past the table read kind 0 or undefined, bit 0, clear.
 */
const KNOWN_KINDS = 0x9fffe;
// Kind classes as bits, tested as `((CLASS >>> kind) & 1) !== 0` where the
// printers ask (no method V8 would compile on its own; kind 0, void's and
// the -R clone's, is in none).
/** ENUM and ENUM64. */
const ENUM_KINDS = 0x80040;
/** STRUCT, UNION, FWD, ENUM and ENUM64: printed inline when anonymous (pahole's struct-like or enum). */
const AGG_KINDS = 0x800f0;
/** VOLATILE, CONST and RESTRICT. */
const MODIFIER_KINDS = 0xe00;
/** The struct's natural alignment is in `natAlign`. */
const NAT_DONE = 16;
/** The struct's natural alignment is being computed (a struct inside itself counts for nothing). */
const NAT_BUSY = 32;
/**
 * Structs and unions printed nested go on one explicit stack of frames
 * ({@link LayoutPrinter.printNested}), to any depth. Only a struct or union
 * printed as the type of a bitfield's padding line (`int :3;` when the type
 * is one: malformed BTF) starts a stack of its own inside the current one;
 * such stacks nested beyond this depth are E2BIG.
 */
const MAX_PRINT_NEST = 500;

// How {@link LayoutPrinter.plainMember} prints a member's type (per type id, memoised).
/** By the general path ({@link LayoutPrinter.typeOut}). */
const SHAPE_OTHER = 1;
/** Its name (`tag__name`) in the type column, then the member's name. */
const SHAPE_NAME = 2;
/** A named struct, union or enum: its keyword and name, then the member's name. */
const SHAPE_AGG = 3;
/** A pointer to a function type: `RET (*name)(ARGS)`. */
const SHAPE_FPTR = 4;

/**
 * The member arrays' first size: small, so that they grow within the first
 * structs loaded, before V8 optimises {@link LayoutPrinter.fix} (a growth
 * first met in optimised code deoptimised it on Node 24).
 */
const MEMBER_SLOTS = 64;

/**
 * How many times a rare path is taken from the start whether needed or not
 * (doing nothing then), so that V8 has type feedback for its call when it
 * optimises the caller: more than the calls V8 makes before it gives a
 * function a feedback vector (8).
 */
const WARM_CALLS = 32;

/** No array dimensions wait after a member's type. */
const NO_SUFFIX: number[] = [];

/** Whether `s` is ASCII without NUL (its characters are its UTF-8 bytes). */
function asciiText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c > 0x7f) return false;
  }
  return true;
}

/**
 * What a modifier's name (pahole's `tag__name`) writes before and after its
 * type's name, by kind: looked up, not tested (a kernel's first `volatile`
 * comes after V8 optimised the namers, and a comparison first met then
 * deoptimised them).
 */
const MOD_BEFORE: readonly string[] = modifierWords(BTF_KIND_CONST, 'const ', BTF_KIND_VOLATILE, 'volatile ');
const MOD_AFTER: readonly string[] = modifierWords(BTF_KIND_RESTRICT, ' restrict', 0, '');

/** A table by kind (every kind: `''`) with `a` at kind `ka` and `b` at kind `kb`. */
function modifierWords(ka: number, a: string, kb: number, b: string): string[] {
  const t = new Array<string>(128).fill('');
  t[ka] = a;
  t[kb] = b;
  return t;
}

/** `s` as snprintf leaves it in a buffer of `len` bytes. */
const clip = (s: string, len: number): string => (s.length < len ? s : s.slice(0, len - 1));

// What a name computation asks for: a type's name in a buffer, a function type's text, a parameter list.
const NAME = 0;
const FTYPE = 1;
const PARMS = 2;

/** A request of {@link LayoutPrinter.runNames}: the name of `id` in `len` bytes, or function type `id` printed with `name`. */
interface NameReq {
  what: typeof NAME | typeof FTYPE | typeof PARMS;
  id: number;
  len: number;
  name: string | null;
  inlined: boolean;
  isPtr: boolean;
}
/** A step of a name computation: yields requests, is sent their text, returns its own. */
type NameGen = Generator<NameReq, string, string>;

/**
 * A struct or union being printed (`__class__fprintf` or `union__fprintf`),
 * one frame of the print stack: its context, where its member loop is, its
 * counters, and the member whose nested type is printing on top of it.
 */
interface PrintFrame {
  union: boolean;
  id: number;
  /** The context of its members. */
  c: Conf;
  indent: number;
  /** Its first member's slot in the member arrays, its member count, the next member. */
  first: number;
  nm: number;
  i: number;
  /** A member's nested type is on top: finish that member when it is done. */
  pending: boolean;
  // __class__fprintf's counters.
  newline: boolean;
  sumHoles: number;
  sumBitHoles: number;
  sumBytes: number;
  sumBits: number;
  nrPaddings: number;
  sumPaddings: number;
  nrForced: number;
  nrForcedHoles: number;
  sumForcedHoles: number;
  last: number;
  lastSize: number;
  /** union__fprintf: the cacheline at the start, restored after each member. */
  initial: number;
  // The member in progress (class_member__fprintf's locals).
  mJ: number;
  mType: number;
  mStart: number;
  mSavedBase: number;
  mOffset: number;
  mName: NameRef;
  mStructLike: boolean;
  mAnon: boolean;
  /** Array dimensions to write after its nested type (innermost last). */
  mSuffix: number[];
}

/** A frame with every field set (all of one shape for V8), for {@link LayoutPrinter.openFrame} to fill. */
function newFrame(conf: Conf): PrintFrame {
  return {
    union: false,
    id: 0,
    // Its own context (openFrame makes it a copy of the one it is printed with).
    c: conf.copy(),
    indent: 0,
    first: 0,
    nm: 0,
    i: 0,
    pending: false,
    newline: false,
    sumHoles: 0,
    sumBitHoles: 0,
    sumBytes: 0,
    sumBits: 0,
    nrPaddings: 0,
    sumPaddings: 0,
    nrForced: 0,
    nrForcedHoles: 0,
    sumForcedHoles: 0,
    last: -1,
    lastSize: 0,
    initial: 0,
    mJ: 0,
    mType: 0,
    mStart: 0,
    mSavedBase: 0,
    mOffset: 0,
    mName: NO_NAME,
    mStructLike: false,
    mAnon: false,
    mSuffix: NO_SUFFIX,
  };
}

/** A nested struct or union {@link LayoutPrinter.typeOut} leaves to its caller. */
interface NestRequest {
  id: number;
  conf: Conf;
  union: boolean;
  /** Array dimensions to write after it (innermost last). */
  suffix: number[];
}

/**
 * Computes and prints the layouts of the structs and unions of one BTF as
 * pahole 1.24 does. One printer is one pahole run: the inferred attributes
 * it remembers follow from what it printed before.
 */
export class LayoutPrinter {
  private readonly q: TypeQuery;
  private readonly w: Uint32Array;
  private readonly offs: Uint32Array;
  private readonly n: number;
  private readonly ptrSize: number;
  readonly cachelineSize: number;
  private readonly expand: boolean;
  private readonly suppressAligned: boolean;
  private readonly flags: Uint8Array;
  /** Kind per id (read once: every member asks several times). */
  private readonly kinds: Uint8Array;
  /** `typeName` per id, computed once (it depends on nothing printed before). */
  /** Names by buffer length (see {@link nameIn}), then by id; those in 128 bytes (every member's type) at hand. */
  private readonly names = new Map<number, (string | undefined)[]>();
  private readonly names128: (string | undefined)[];
  private readonly tAlign: Uint32Array;
  private readonly natAlign: Uint32Array;
  /** The print stack: structs and unions being printed one inside the other. */
  private readonly frames: PrintFrame[] = [];
  /** Frames to reuse, by depth. */
  private readonly framePool: PrintFrame[] = [];
  /** Per type id: bit 1 while its name is being computed, 2 its function type, 4 its parameters (see runNames). */
  private readonly nameBusy: Uint8Array;
  /** Per type id: 1 while its frame is on the print stack (met again, it is inside itself: a loop). */
  private readonly printing: Uint8Array;
  /**
   * The context {@link typeOut} makes for a type nested in a member, one
   * for all: nothing keeps it once {@link openFrame} (or enumOut) has used it.
   */
  private readonly nestConf = new Conf({ v: 0 });
  /** {@link writeStruct}'s context, its cacheline and the defaults it is reset to. */
  private readonly topCl = { v: 0 };
  private readonly topConf = new Conf(this.topCl);
  private readonly baseConf = new Conf(this.topCl);
  /** What {@link typeOut} left to print nested. */
  private readonly req: NestRequest = {
    id: 0,
    conf: new Conf({ v: 0 }),
    union: false,
    suffix: NO_SUFFIX,
  };
  /** Array dimensions {@link typeOut} has met, written after the element (innermost last). */
  private readonly suffix: number[] = [];
  /**
   * Where {@link typeOut} wrote pahole's `<ERROR` for a type it cannot find
   * (-1: none): its `out_type_not_found` assigns `printed` instead of adding
   * to it, so what the member printed before (a `const `, a `/* typedef X *\/ `)
   * is left out of the offset comment's column.
   */
  private errAt = -1;
  /** The string section (names are copied from it as bytes). */
  private readonly strs: Uint8Array;
  /**
   * Names of types in 128 bytes (every member's type) and the parameter
   * lists of function types, as NUL-terminated bytes in {@link pool}, by
   * id (0: not made yet): written with one copy, no string scanned per use.
   */
  private readonly nameAt: Int32Array;
  /** The lengths of the names at {@link nameAt}. */
  private readonly nameLen: Int32Array;
  private readonly parmsAt: Int32Array;
  private pool: Uint8Array;
  private poolLen = 1;
  // Per type id, computed once (+1, +2, +0: 0 is "not yet"): strip(), tagSize(), naturalAlignment().
  private readonly stripMemo: Int32Array;
  private readonly sizeMemo: Int32Array;
  private readonly alignMemo: Uint32Array;
  /** Per type id: how {@link plainMember} prints a member of that type (a `SHAPE_` value; 0: not known yet). */
  private readonly shapeMemo: Uint8Array;
  /** Where the printers write. */
  private o: ByteOut = new ByteOut(() => {});
  // Member arrays, per struct: index of its first member in the arrays below.
  // Widths are pahole's (dwarves.h): a hole is a uint16_t, a bit hole, the
  // hole counts and the bit padding uint8_t, the padding uint16_t, a bitfield
  // offset int8_t; overlapping members (negative holes) and structs with more
  // than 255 holes print the wrapped values pahole prints.
  private readonly mFirst: Int32Array;
  private mByteOff = new Int32Array(MEMBER_SLOTS);
  private mByteSize = new Uint32Array(MEMBER_SLOTS);
  private mBitfieldOff = new Int8Array(MEMBER_SLOTS);
  private mBitSize = new Uint32Array(MEMBER_SLOTS);
  private mAlign = new Uint32Array(MEMBER_SLOTS);
  private mHole = new Uint16Array(MEMBER_SLOTS);
  private mBitHole = new Uint8Array(MEMBER_SLOTS);
  // The member words, decoded: bit offset, bitfield size, name offset, type id.
  private mBitOff = new Uint32Array(MEMBER_SLOTS);
  private mBfs = new Uint8Array(MEMBER_SLOTS);
  private mName = new Uint32Array(MEMBER_SLOTS);
  private mType = new Uint32Array(MEMBER_SLOTS);
  private mLen = 0;
  // The clone `-R` reorganizes (pahole's `class__clone`): type id `n`, its
  // members in list order in slots mFirst[n] ... of the member arrays, and
  // here their names, types, bit offsets and bitfield sizes.
  private vOrig = 0;
  private vCount = 0;
  private vSize = 0;
  private vName = new Uint32Array(64);
  private vType = new Uint32Array(64);
  private vBitOff = new Uint32Array(64);
  private vBfs = new Uint8Array(64);
  // Hole summary per struct.
  private readonly preHole: Uint16Array;
  private readonly preBitHole: Uint8Array;
  private readonly nrHoles: Uint8Array;
  private readonly nrBitHoles: Uint8Array;
  private readonly padding: Uint16Array;
  private readonly bitPadding: Uint8Array;

  /** Returns a printer of `btf`'s layouts. */
  constructor(btf: BtfContainer, opts: LayoutOptions = {}) {
    const q = typeQuery(btf);
    this.q = q;
    this.strReader = new StringReader(q.strs);
    this.w = q.words;
    this.offs = q.offs;
    this.n = q.typeCount;
    // pahole's cu->addr_size is libbpf's btf__pointer_size: 0 for raw BTF without a `long`
    this.ptrSize = q.btfPointerSize;
    this.cachelineSize = cachelineSizeOf(opts.cachelineSize);
    this.expand = opts.expand ?? false;
    this.suppressAligned = opts.suppressAligned ?? false;
    const n = this.n;
    this.flags = new Uint8Array(n + 1);
    this.printing = new Uint8Array(n + 1);
    this.nameBusy = new Uint8Array(n + 1);
    this.kinds = new Uint8Array(n + 1);
    this.names128 = new Array<string | undefined>(n + 1);
    this.names.set(128, this.names128);
    // Two bytes per type: a kernel's names need some 1.5 (grown when not
    // enough; growing is rare, and a path first met late deoptimises).
    this.pool = new Uint8Array(Math.max(1 << 16, 2 * n));
    this.nameAt = new Int32Array(n + 1);
    this.nameLen = new Int32Array(n + 1);
    this.parmsAt = new Int32Array(n + 1);
    this.stripMemo = new Int32Array(n + 1);
    this.sizeMemo = new Int32Array(n + 1);
    this.alignMemo = new Uint32Array(n + 1);
    this.shapeMemo = new Uint8Array(n + 1);
    this.strs = q.strs;
    this.tAlign = new Uint32Array(n + 1);
    this.natAlign = new Uint32Array(n + 1);
    this.mFirst = new Int32Array(n + 1).fill(-1);
    this.preHole = new Uint16Array(n + 1);
    this.preBitHole = new Uint8Array(n + 1);
    this.nrHoles = new Uint8Array(n + 1);
    this.nrBitHoles = new Uint8Array(n + 1);
    this.padding = new Uint16Array(n + 1);
    this.bitPadding = new Uint8Array(n + 1);
    // Last: V8 optimises this loop on the stack (OSR), and code after it would
    // run without type feedback, which deoptimises it.
    for (let id = 1; id < n; id++) this.kinds[id] = q.kind(id);
  }

  // ---- the type table as pahole loads it ----

  private ref(id: number): number {
    return this.w[this.offs[id]! + 2]!;
  }
  private size(id: number): number {
    return id === this.n ? this.vSize : this.w[this.offs[id]! + 2]!;
  }
  private name(id: number): string {
    return this.str(this.q.nameOff(id === this.n ? this.vOrig : id));
  }
  /** Whether type `id` has a name (read from the string section: no string made). */
  private named(id: number): boolean {
    const off = this.q.nameOff(id === this.n ? this.vOrig : id);
    return off < this.strs.length && this.strs[off] !== 0;
  }
  /** Whether the strings at offsets `a` and `b` are equal (compared as bytes). */
  private sameStr(a: number, b: number): boolean {
    if (a === b) return true;
    const s = this.strs;
    const n = s.length;
    for (let i = a, j = b; i < n && j < n; i++, j++) {
      const c = s[i]!;
      if (c !== s[j]) return false;
      if (c === 0) return true;
    }
    // Past the end of the section: as the decoded strings compare.
    return this.str(a) === this.str(b);
  }
  /** Strings by offset, each decoded once (parameter names repeat across thousands of lists). */
  private readonly strReader: StringReader;
  private str(off: number): string {
    return this.strReader.at(off);
  }
  private vlen(id: number): number {
    return id === this.n ? this.vCount : infoVlen(this.q.info(id));
  }
  private isStruct(id: number): boolean {
    const k = this.kinds[id]!;
    return k === BTF_KIND_STRUCT || (k === BTF_KIND_FWD && !infoKflag(this.q.info(id)));
  }
  private isUnion(id: number): boolean {
    const k = this.kinds[id]!;
    return k === BTF_KIND_UNION || (k === BTF_KIND_FWD && infoKflag(this.q.info(id)));
  }
  /** Number of members (a FWD has none). */
  private nrMembers(id: number): number {
    return this.kinds[id]! === BTF_KIND_FWD ? 0 : this.vlen(id);
  }
  private memberWord(id: number, i: number, j: number): number {
    if (id === this.n) return j === 0 ? this.vName[i]! : this.vType[i]!;
    return this.w[this.offs[id]! + 3 + i * 3 + j]!;
  }

  /** `tag__strip_typedefs_and_modifiers` starting at type id `t` (0: not found). */
  private strip(t: number): number {
    if (t <= 0 || t >= this.n) return this.strip0(t);
    const m = this.stripMemo[t]!;
    if (m !== 0) return m - 1;
    const r = this.strip0(t);
    this.stripMemo[t] = r + 1;
    return r;
  }
  private strip0(t: number): number {
    const start = t;
    // more steps than types: a typedef or modifier loop, which pahole follows for ever
    for (let steps = 0; ((KNOWN_KINDS >>> this.kinds[t]!) & 1) !== 0; steps++) {
      const k = this.kinds[t]!;
      if (k !== BTF_KIND_TYPEDEF && ((MODIFIER_KINDS >>> k) & 1) === 0) return t;
      if (steps > this.n) this.chainLoop(start);
      t = this.ref(t);
    }
    return 0;
  }

  /**
   * pahole's `tag__size` (-1: a reference pahole cannot follow). pahole
   * recurses down modifiers, typedefs and arrays (multiplying by each
   * array's length); here a loop, so any depth costs nothing, and a chain
   * longer than the number of types (a loop: pahole's own check catches
   * only a type that refers to itself) is -1.
   */
  tagSize(id: number): number {
    if (id <= 0 || id >= this.n) return this.tagSize0(id);
    const m = this.sizeMemo[id]!;
    if (m !== 0) return m - 2;
    const r = this.tagSize0(id);
    this.sizeMemo[id] = r + 2;
    return r;
  }
  private tagSize0(id: number): number {
    if (id === this.n) return this.vSize === 1 && this.vCount === 0 ? 0 : this.vSize;
    let factor = 1;
    for (let steps = 0; steps <= this.n; steps++) {
      if (((KNOWN_KINDS >>> this.kinds[id]!) & 1) === 0) return -1;
      const k = this.kinds[id]!;
      switch (k) {
        case BTF_KIND_PTR:
          return this.ptrSize * factor;
        case BTF_KIND_INT:
          return Math.floor(intBits(this.w[this.offs[id]! + 3]!) / 8) * factor;
        case BTF_KIND_FLOAT:
        case BTF_KIND_ENUM:
        case BTF_KIND_ENUM64:
          return this.size(id) * factor;
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
          const sz = this.size(id);
          const empty = this.vlen(id) === 0;
          return (sz === 1 && empty ? 0 : sz) * factor;
        }
        case BTF_KIND_FWD:
        case BTF_KIND_FUNC_PROTO:
        case BTF_KIND_FUNC:
          return 0;
        case BTF_KIND_ARRAY: {
          const o = this.offs[id]!;
          const elem = this.w[o + 3]!;
          if (((KNOWN_KINDS >>> this.kinds[elem]!) & 1) === 0) return -1;
          factor *= this.w[o + 5]!;
          id = elem;
          break;
        }
        default: {
          const t = this.ref(id);
          if (t === 0) return 0;
          id = t;
        }
      }
    }
    return -1;
  }

  /** `tag__natural_alignment`. */
  private naturalAlignment(id: number): number {
    if (id <= 0 || id >= this.n) return this.naturalAlignment0(id);
    const m = this.alignMemo[id]!;
    if (m !== 0) return m;
    const r = this.naturalAlignment0(id);
    this.alignMemo[id] = r;
    return r;
  }
  private naturalAlignment0(id: number): number {
    let a = 1;
    if (((KNOWN_KINDS >>> this.kinds[id]!) & 1) === 0) return 1;
    const k = this.kinds[id]!;
    if (k === BTF_KIND_PTR) a = this.ptrSize;
    else if (k === BTF_KIND_INT) a = Math.floor(intBits(this.w[this.offs[id]! + 3]!) / 8);
    else if (k === BTF_KIND_FLOAT || ((ENUM_KINDS >>> k) & 1) !== 0) a = this.size(id);
    else if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) a = this.typeNaturalAlignment(id);
    else if (k === BTF_KIND_ARRAY) {
      // The element's, down nested arrays.
      const t = this.arrayElem(id);
      if (t !== id && !(((KNOWN_KINDS >>> this.kinds[t]!) & 1) !== 0 && this.kinds[t]! === BTF_KIND_ARRAY))
        a = this.naturalAlignment(t);
    }
    return a || 1;
  }

  /**
   * `t` when it is not an array; else the element type down nested arrays,
   * or the innermost array whose element is void (an array inside itself:
   * the array where the walk stops).
   */
  private arrayElem(t: number): number {
    for (
      let n = 0;
      t && ((KNOWN_KINDS >>> this.kinds[t]!) & 1) !== 0 && this.kinds[t]! === BTF_KIND_ARRAY && n <= this.n;
      n++
    ) {
      const e = this.strip(this.w[this.offs[t]! + 3]!);
      if (!e) break;
      t = e;
    }
    return t;
  }

  /**
   * `type__natural_alignment` of struct or union `root`: the largest natural
   * alignment of its members (0 for none), memoised. pahole recurses into
   * member structs; here they wait on an explicit stack (struct, next
   * member, largest so far) and are computed first, so any nesting costs no
   * call stack.
   */
  private typeNaturalAlignment(root: number): number {
    if (this.flags[root]! & NAT_DONE) return this.natAlign[root]!;
    // The stack's words (a typed array kept by the printer: no array made per struct).
    let st = this.natStack;
    st[0] = root;
    st[1] = 0;
    st[2] = 0;
    let sp = 3;
    this.flags[root]! |= NAT_BUSY;
    while (sp > 0) {
      const f = sp - 3;
      const id = st[f]!;
      const i = st[f + 1]!;
      if (i >= this.vlen(id)) {
        this.natAlign[id] = st[f + 2]!;
        this.flags[id] = (this.flags[id]! & ~NAT_BUSY) | NAT_DONE;
        sp = f;
        continue;
      }
      const t = this.arrayElem(this.strip(this.memberWord(id, i, 1)));
      let m = 0;
      if (t) {
        const k = ((KNOWN_KINDS >>> this.kinds[t]!) & 1) !== 0 ? this.kinds[t]! : -1;
        if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
          const fl = this.flags[t]!;
          if (!(fl & (NAT_DONE | NAT_BUSY))) {
            this.flags[t]! |= NAT_BUSY;
            if (sp + 3 > st.length) st = this.growNatStack();
            st[sp] = t;
            st[sp + 1] = 0;
            st[sp + 2] = 0;
            sp += 3;
            continue;
          }
          m = fl & NAT_DONE ? this.natAlign[t]! || 1 : 0;
        } else {
          m = this.naturalAlignment(t);
        }
      }
      st[f + 1] = i + 1;
      if (st[f + 2]! < m) st[f + 2] = m;
    }
    return this.natAlign[root]!;
  }
  /** The stack of {@link typeNaturalAlignment}: struct, next member, largest alignment so far (three words a frame). */
  private natStack: Uint32Array = new Uint32Array(3 * 256);
  /** Doubles {@link natStack} (structs nested more than 256 deep); returns it. */
  private growNatStack(): Uint32Array {
    const g = new Uint32Array(this.natStack.length * 2);
    g.set(this.natStack);
    this.natStack = g;
    return g;
  }

  /** pahole's `class__infer_alignment`. */
  private inferAlignment(byteOffset: number, natural: number, smallest: number): number {
    let a = 0;
    const delta = (byteOffset - smallest) >>> 0;
    if (delta && byteOffset % 2 === 0) a = 2 ** (32 - Math.clz32(delta));
    const cl = this.cachelineSize;
    if (a <= natural || a === 1) return 0;
    if (a < cl && cl % a === 0 && byteOffset % cl === 0) return cl;
    return a >>> 0;
  }

  /** Loads the members of struct/union `id` as pahole's BTF loader does (`class__fixup_btf_bitfields`). */
  private fix(id: number): number {
    if (this.flags[id]! & FIXED) return this.mFirst[id]!;
    this.flags[id]! |= FIXED;
    const nm = this.nrMembers(id);
    const first = this.mLen;
    this.mFirst[id] = first;
    if (this.mLen + nm > this.mByteOff.length) this.grow(this.mLen + nm);
    this.mLen += nm;
    const kflag = infoKflag(this.q.info(id));
    // The member words read in place (memberWord's, without its test for
    // -R's clone: the clone is made of a struct already fixed, its flags
    // copied, so it never comes here).
    const w = this.w;
    const mb = this.offs[id]! + 3;
    let smallest = 0;
    for (let i = 0; i < nm; i++) {
      const j = first + i;
      const off = w[mb + i * 3 + 2]!;
      const bitOffset = memberBitOffset(off, kflag);
      const bfs = memberBitfieldSize(off, kflag);
      this.mBitOff[j] = bitOffset;
      this.mBfs[j] = bfs;
      const type = w[mb + i * 3 + 1]!;
      this.mName[j] = w[mb + i * 3]!;
      this.mType[j] = type;
      this.mByteOff[j] = Math.floor(bitOffset / 8);
      this.mBitfieldOff[j] = 0;
      this.mByteSize[j] = 0;
      this.mBitSize[j] = 0;
      this.mAlign[j] = 0;
      const t = this.strip(type);
      if (!t) continue;
      const size = Math.max(0, this.tagSize(t));
      this.mByteSize[j] = size;
      this.mBitSize[j] = size * 8;
      if (size === 0) continue;
      const k = this.kinds[t]!;
      if (k === BTF_KIND_INT || k === BTF_KIND_FLOAT || ((ENUM_KINDS >>> k) & 1) !== 0) {
        if (bfs) {
          const bits = size * 8;
          let byteOff = (Math.floor(bitOffset / bits) * bits) / 8;
          let bfo = bitOffset - byteOff * 8;
          if (bfo < 0) {
            bfo += bits;
            byteOff -= size;
          }
          this.mByteOff[j] = byteOff;
          this.mBitfieldOff[j] = bfo;
        } else this.mByteOff[j] = Math.floor(bitOffset / 8);
      }
      this.mAlign[j] = this.inferAlignment(this.mByteOff[j]!, this.naturalAlignment(t), smallest);
      smallest = this.mByteOff[j]! + size;
    }
    this.tAlign[id] = this.inferAlignment(this.size(id), this.naturalAlignment(id), smallest);
    return first;
  }

  private grow(min: number): void {
    const n = Math.max(min, this.mByteOff.length * 2);
    const g = <T extends Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.mByteOff = g(this.mByteOff);
    this.mByteSize = g(this.mByteSize);
    this.mBitfieldOff = g(this.mBitfieldOff);
    this.mBitSize = g(this.mBitSize);
    this.mAlign = g(this.mAlign);
    this.mHole = g(this.mHole);
    this.mBitHole = g(this.mBitHole);
    this.mBitOff = g(this.mBitOff);
    this.mBfs = g(this.mBfs);
    this.mName = g(this.mName);
    this.mType = g(this.mType);
  }

  private bitOffsetOf(id: number, i: number): number {
    if (id === this.n) return this.vBitOff[i]!;
    return memberBitOffset(this.memberWord(id, i, 2), infoKflag(this.q.info(id)));
  }
  private bitfieldSizeOf(id: number, i: number): number {
    if (id === this.n) return this.vBfs[i]!;
    return memberBitfieldSize(this.memberWord(id, i, 2), infoKflag(this.q.info(id)));
  }

  /** pahole's `class__find_holes` (structs only). */
  findHoles(id: number): void {
    if (!this.isStruct(id) || this.flags[id]! & HOLES) return;
    const first = this.fix(id);
    this.flags[id]! |= HOLES;
    this.nrHoles[id] = 0;
    this.nrBitHoles[id] = 0;
    const size = this.kinds[id]! === BTF_KIND_FWD ? 0 : this.size(id);
    let curBitfieldEnd = size * 8;
    let curBitfieldSize = 0;
    let lastSeen = 0;
    let inBitfield = false;
    let last = -1;
    const nm = this.nrMembers(id);
    for (let i = 0; i < nm; i++) {
      const j = first + i;
      this.mHole[j] = 0;
      this.mBitHole[j] = 0;
      const bitStart = this.mBitOff[j]!;
      const bfs = this.mBfs[j]!;
      const bitEnd = bitStart + (bfs ? bfs : this.mByteSize[j]! * 8);
      let bitHoles = 0;
      let byteHoles = 0;
      if (inBitfield) {
        const e = Math.min(bitStart, curBitfieldEnd);
        bitHoles = e - lastSeen;
        lastSeen = e;
      }
      if (bfs) {
        const alignedStart = this.mByteOff[j]! * 8;
        if (lastSeen < alignedStart && alignedStart <= bitStart) {
          byteHoles = this.mByteOff[j]! - Math.floor(lastSeen / 8);
          lastSeen = alignedStart;
        }
        bitHoles += bitStart - lastSeen;
      } else byteHoles = Math.floor(bitStart / 8) - Math.floor(lastSeen / 8);
      lastSeen = bitEnd;
      if (bfs) {
        inBitfield = true;
        if (bitEnd > curBitfieldEnd || this.mBitSize[j]! > curBitfieldSize) {
          curBitfieldSize = this.mBitSize[j]!;
          curBitfieldEnd = this.mByteOff[j]! * 8 + curBitfieldSize;
          if (bitEnd > curBitfieldEnd) curBitfieldEnd += curBitfieldSize;
        }
      } else {
        inBitfield = false;
        curBitfieldSize = 0;
        curBitfieldEnd = bitEnd;
      }
      if (last >= 0) {
        this.mHole[last] = byteHoles;
        this.mBitHole[last] = bitHoles;
      } else {
        this.preHole[id] = byteHoles;
        this.preBitHole[id] = bitHoles;
      }
      if (bitHoles) this.nrBitHoles[id]!++;
      if (byteHoles) this.nrHoles[id]!++;
      last = j;
    }
    if (inBitfield) {
      const e = Math.min(size * 8, curBitfieldEnd);
      this.bitPadding[id] = e - lastSeen;
      lastSeen = e;
    } else this.bitPadding[id] = 0;
    this.padding[id] = size - Math.floor(lastSeen / 8);
  }

  /** Holes of struct `id` (0 for a union), as `--sizes` prints them. */
  holesOf(id: number): number {
    if (!this.isStruct(id)) return 0;
    this.findHoles(id);
    return this.nrHoles[id]!;
  }

  /** `type__check_structs_at_unnatural_alignments`. */
  private checkUnnatural(id: number): void {
    const first = this.fix(id);
    // Every operation runs for every member (slot 0 of flags, void's, takes
    // the zeros): one first met after V8 optimised this deoptimises it.
    for (let i = 0, n = this.nrMembers(id); i < n; i++) {
      const t = this.strip(this.memberWord(id, i, 1));
      const unnatural = this.mByteOff[first + i]! % this.naturalAlignment(t) !== 0;
      const struct = t !== 0 && this.isStruct(t);
      this.flags[struct ? t : 0]! |= struct && unnatural ? PACKED_BOTH : 0;
    }
  }

  /** `class__infer_packed_attributes`. */
  private inferPacked(id: number): boolean {
    if (!this.isStruct(id)) return false;
    if (this.flags[id]! & PACKED_INFERRED) return (this.flags[id]! & PACKED) !== 0;
    this.findHoles(id);
    const first = this.fix(id);
    let packed = false;
    if (this.padding[id] !== 0 || this.nrHoles[id] !== 0) {
      this.checkUnnatural(id);
    } else {
      let maxNat = 1;
      let early = false;
      for (let i = 0, n = this.nrMembers(id); i < n; i++) {
        const t = this.strip(this.memberWord(id, i, 1));
        const na = t ? this.naturalAlignment(t) : 1;
        if (na === 1) continue;
        if (maxNat < na) maxNat = na;
        if (this.mByteOff[first + i]! % na === 0) continue;
        packed = true;
        early = true;
        break;
      }
      if (!early) {
        const sz = this.kinds[id]! === BTF_KIND_FWD ? 0 : this.size(id);
        if ((maxNat !== 1 && this.tAlign[id] === 1) || sz % maxNat !== 0) packed = true;
      }
    }
    this.flags[id] = (this.flags[id]! & ~PACKED) | PACKED_INFERRED | (packed ? PACKED : 0);
    return packed;
  }

  /**
   * `union__infer_packed_attributes` of union `id`, whose members {@link fix}
   * put in the member arrays from slot `first`. A kernel's listing calls it
   * too few times for V8 to optimise it: its member loop reads the arrays
   * and tests the kind in line (the calls it made per member cost more
   * there).
   */
  private inferUnionPacked(id: number, first: number): void {
    if (this.flags[id]! & PACKED_INFERRED) return;
    const size = this.size(id);
    for (let i = 0, n = this.nrMembers(id); i < n; i++) {
      const t = this.strip(this.mType[first + i]!);
      const k = this.kinds[t]!;
      // Void's kind is 0; a FWD is a struct by its kflag.
      if (k !== BTF_KIND_STRUCT && (k !== BTF_KIND_FWD || !this.isStruct(t))) continue;
      if (size % this.naturalAlignment(t) !== 0) this.flags[t]! |= PACKED | PACKED_INFERRED;
    }
    this.flags[id]! |= PACKED_INFERRED;
  }

  // ---- names (tag__name) ----
  //
  // pahole builds a type's name in a caller's buffer (`tag__name(type, cu,
  // bf, len)`), recursing through what the type refers to with buffers of
  // its own: a pointer's pointee in 1024 bytes, a modifier's type in 128, an
  // array's element in the array's buffer, a function type's return and
  // parameter types in 128, the function type itself printed into the
  // buffer (`fmemopen`); a member's type is named in 128 bytes
  // (`type__fprintf`'s `tbf`), a typedef's in 512. snprintf cuts each at its
  // buffer, so a deep chain prints as its first 127 (or 511) characters.
  // Here a name is computed for an id and a buffer length (memoised per
  // both), on an explicit stack of generators: a step that needs another
  // name yields a request and gets the name back, so any depth costs heap.
  // pahole crashes on a loop (its recursion never ends, or its loader
  // spins); a name met again while it is being computed is an ELOOP
  // BtfError naming the loop's types.

  /** pahole's `__tag__name` of type id `id` (0: `void`), whole (no buffer: the facts of `layout -j`). */
  typeName(id: number): string {
    return this.nameIn(id, Number.POSITIVE_INFINITY);
  }

  /** pahole's `__tag__name` of type id `id` in a buffer of `len` bytes (at most `len - 1` characters). */
  private nameIn(id: number, len: number): string {
    const m = this.memoName(id, len);
    if (m !== undefined) return m;
    return this.runNames({ what: NAME, id, len, name: null, inlined: false, isPtr: false });
  }

  /** The memoised name of `id` in `len` bytes, computed at once for void and the kinds that name only themselves. */
  private memoName(id: number, len: number): string | undefined {
    if (id <= 0 || id >= this.n || ((KNOWN_KINDS >>> this.kinds[id]!) & 1) === 0) return 'void';
    const memo = len === 128 ? this.names128 : this.nameMemo(len);
    const m = memo[id];
    if (m !== undefined) return m;
    const k = this.kinds[id]!;
    let s: string;
    if (k === BTF_KIND_PTR || ((MODIFIER_KINDS >>> k) & 1) !== 0) {
      // Most are a pointer or a modifier over a type that names only itself: named here, without a generator.
      const t = this.ref(id);
      if (t === 0 || ((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) return undefined;
      const tk = this.kinds[t]!;
      if (
        tk === BTF_KIND_PTR ||
        tk === BTF_KIND_ARRAY ||
        tk === BTF_KIND_FUNC_PROTO ||
        ((MODIFIER_KINDS >>> tk) & 1) !== 0
      )
        return undefined;
      const inner = clip(this.leafName(t), k === BTF_KIND_PTR ? 1024 : 128);
      if (k === BTF_KIND_PTR) s = `${inner} *`;
      else s = `${MOD_BEFORE[k]!}${inner}${MOD_AFTER[k]!} `;
    } else if (k === BTF_KIND_ARRAY || k === BTF_KIND_FUNC_PROTO) return undefined;
    else s = this.leafName(id);
    s = clip(s, len);
    memo[id] = s;
    return s;
  }

  /** The memo of names in buffers of `len` bytes, by id. */
  private nameMemo(len: number): (string | undefined)[] {
    let m = this.names.get(len);
    if (m === undefined) {
      m = new Array<string | undefined>(this.n + 1);
      this.names.set(len, m);
    }
    return m;
  }

  /** The name of a type that refers to no other. */
  private leafName(id: number): string {
    const k = this.kinds[id]!;
    switch (k) {
      case BTF_KIND_INT:
        return this.name(id) || 'nameless base type!';
      case BTF_KIND_FLOAT:
        // pahole's BTF loader makes every FLOAT a BT_FP_SINGLE base type.
        return this.name(id) ? `single ${this.name(id)}` : 'nameless base type!';
      case BTF_KIND_STRUCT:
        return `struct ${this.name(id)}`;
      case BTF_KIND_UNION:
        return `union ${this.name(id)}`;
      case BTF_KIND_FWD:
        return `${infoKflag(this.q.info(id)) ? 'union' : 'struct'} ${this.name(id)}`;
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return `enum ${this.name(id)}`;
      default:
        return this.name(id);
    }
  }

  /**
   * Runs the name computation `req` asks for on an explicit stack of
   * generators ({@link nameSteps}, {@link ftypeSteps}): each request they
   * yield is answered from the memo or computed on top of them.
   */
  private runNames(req: NameReq): string {
    const st: NameGen[] = [];
    // Per frame: the id whose name, function type or parameters it computes, and which of the three (a bit).
    const ids: number[] = [];
    const bits: number[] = [];
    let v = '';
    let r: NameReq | null = req;
    try {
      for (;;) {
        if (r !== null) {
          const m = r.what === NAME ? this.memoName(r.id, r.len) : undefined;
          if (m !== undefined) v = m;
          else {
            // A name under way has bit 1, a function type bit 2, a parameter list bit 4.
            const bit = 1 << r.what;
            if (this.nameBusy[r.id]! & bit) this.nameLoop(ids, r.id);
            this.nameBusy[r.id]! |= bit;
            st.push(
              r.what === NAME
                ? this.nameSteps(r.id, r.len)
                : r.what === FTYPE
                  ? this.ftypeSteps(r.id, r.name, r.inlined, r.isPtr, 0)
                  : this.parmsSteps(r.id),
            );
            ids.push(r.id);
            bits.push(bit);
          }
          r = null;
        }
        if (st.length === 0) return v;
        const step = st[st.length - 1]!.next(v);
        if (step.done) {
          st.pop();
          this.nameBusy[ids.pop()!]! &= ~bits.pop()!;
          v = step.value;
        } else r = step.value;
      }
    } finally {
      for (const id of ids) this.nameBusy[id] = 0;
    }
  }

  /**
   * Throws ELOOP for a type that {@link typeOut} or {@link strip} would
   * follow for ever: typedefs, modifiers and array elements back to a type
   * already met.
   */
  private chainLoop(start: number): never {
    const ids: number[] = [];
    const met = new Set<number>();
    let t = start;
    while (((KNOWN_KINDS >>> this.kinds[t]!) & 1) !== 0 && !met.has(t)) {
      ids.push(t);
      met.add(t);
      t = this.kinds[t]! === BTF_KIND_ARRAY ? this.w[this.offs[t]! + 3]! : this.ref(t);
    }
    const loop = [...ids.slice(Math.max(0, ids.indexOf(t))), t].map((x) => `[${x}]`).join(' -> ');
    throw new BtfError(
      BtfErrorCode.Loop,
      `type [${start}]: reference loop through types ${loop} (pahole follows it for ever)`,
      { typeId: start },
    );
  }

  /** Throws ELOOP for a name of `id` asked while it is being computed (the frames `ids` under way). */
  private nameLoop(ids: readonly number[], id: number): never {
    const loop = [...ids.slice(ids.indexOf(id)), id].map((t) => `[${t}]`).join(' -> ');
    throw new BtfError(
      BtfErrorCode.Loop,
      `type [${id}]: reference loop through types ${loop}: its name has no end (pahole recurses until it crashes)`,
      { typeId: id },
    );
  }

  /** `__tag__name` of a pointer, modifier, array or function type `id` in `len` bytes; yields the names it is made of. */
  private *nameSteps(id: number, len: number): NameGen {
    const k = this.kinds[id]!;
    let s: string;
    if (k === BTF_KIND_PTR) {
      let t = this.ref(id);
      if (t === 0) s = 'void *';
      else if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) s = `${this.notFoundSn('tag__ptr_name:496', t)} *`;
      else {
        let cp = '';
        if (this.kinds[t]! === BTF_KIND_CONST) {
          const nx = this.ref(t);
          if (((KNOWN_KINDS >>> this.kinds[nx]!) & 1) !== 0 && this.kinds[nx]! === BTF_KIND_PTR) {
            cp = 'const ';
            t = nx;
          }
        }
        s = `${this.memoName(t, 1024) ?? (yield this.nameReq(t, 1024))} ${cp}*`;
      }
    } else if (k === BTF_KIND_ARRAY) {
      const t = this.w[this.offs[id]! + 3]!;
      if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) s = t === 0 ? 'void' : this.notFoundSn('__tag__name:590', t);
      else s = this.memoName(t, len) ?? (yield this.nameReq(t, len));
    } else if (k === BTF_KIND_FUNC_PROTO) {
      s = yield { what: FTYPE, id, len, name: null, inlined: false, isPtr: false };
    } else {
      const t = this.ref(id);
      if (t !== 0 && ((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) s = this.notFoundSn('__tag__name:572', t);
      else {
        const inner = t === 0 ? 'void' : (this.memoName(t, 128) ?? (yield this.nameReq(t, 128)));
        s = `${MOD_BEFORE[k]!}${inner}${MOD_AFTER[k]!} `;
      }
    }
    s = clip(s, len);
    this.nameMemo(len)[id] = s;
    return s;
  }

  /**
   * A request for the name of `id` in `len` bytes. The steps ask
   * {@link memoName} first (as {@link runNames} would): most names are at
   * hand, and a generator round trip costs far more than the lookup.
   */
  private nameReq(id: number, len: number): NameReq {
    return { what: NAME, id, len, name: null, inlined: false, isPtr: false };
  }

  /**
   * pahole's `tag__id_not_found_snprintf` at `where` (its function and
   * source line in 1.24's dwarves_fprintf.c): the id in hex, no newline.
   */
  private notFoundSn(where: string, id: number): string {
    return `<ERROR(${where}): ${id === 0 ? '0' : `0x${id.toString(16)}`} not found!>`;
  }

  /** pahole's `tag__id_not_found_fprintf` at `where`: the id in decimal, then a newline. */
  private notFoundF(where: string, id: number): string {
    return `<ERROR(${where}): ${id} not found!>\n`;
  }

  /**
   * `ftype__fprintf` of function type `id`: `RET (*name)(ARGS)` (the return
   * type padded to `spacing`), its return and parameter types named in 128
   * bytes; a parameter that is a function type or a pointer to one is
   * printed the same way, as a request of its own.
   */
  private *ftypeSteps(id: number, name: string | null, inlined: boolean, isPtr: boolean, spacing: number): NameGen {
    const ret = this.ref(id);
    const stype =
      ret === 0 || ((KNOWN_KINDS >>> this.kinds[ret]!) & 1) === 0
        ? 'void'
        : (this.memoName(ret, 128) ?? (yield this.nameReq(ret, 128)));
    const parms = yield { what: PARMS, id, len: 0, name: null, inlined: false, isPtr: false };
    return `${inlined ? 'inline ' : ''}${left(stype, spacing)} (${isPtr ? '*' : ''}${name ?? ''})${parms}`;
  }

  /**
   * {@link parmsSteps} when every parameter's type names itself or a type
   * that does ({@link memoName}): a loop, no generator (most lists are such;
   * the generators, compiled by V8 for the few thousand lists of a kernel,
   * cost more than running them). Null, having made no text, for any other
   * list (a function pointer among the parameters, a deeper type).
   */
  private plainParms(id: number): string | null {
    const w = this.w;
    const b = this.offs[id]! + 3;
    const n = this.vlen(id);
    let s = '(';
    for (let i = 0; i < n; i++) {
      const t = w[b + i * 2 + 1]!;
      const pn = this.str(w[b + i * 2]!);
      // The last parameter unnamed and void (`...`), or a type not known: the general path.
      if (t !== 0 ? ((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0 : i === n - 1 && pn === '') return null;
      // A function type or a pointer to one prints with the parameter's name inside (ftypeSteps), whatever is
      // memoised; a pointer to a type pahole cannot find prints its error line instead of a name (parmsSteps).
      const k = this.kinds[t]!;
      const p = k === BTF_KIND_PTR ? this.ref(t) : 0;
      if (
        k === BTF_KIND_FUNC_PROTO ||
        (p !== 0 && (((KNOWN_KINDS >>> this.kinds[p]!) & 1) === 0 || this.kinds[p]! === BTF_KIND_FUNC_PROTO))
      )
        return null;
      const stype = this.memoName(t, 128);
      if (stype === undefined) return null;
      s += `${i === 0 ? '' : ', '}${stype}${pn === '' ? '' : ' '}${pn}`;
    }
    return n === 0 ? '(void)' : `${s})`;
  }

  /** `ftype__fprintf_parms`: the parameter list of function type `id`. */
  private *parmsSteps(id: number): NameGen {
    let s = '(';
    const n = this.vlen(id);
    let firstParm = true;
    let unspec = false;
    for (let i = 0; i < n; i++) {
      const t = this.w[this.offs[id]! + 3 + i * 2 + 1]!;
      const pn = this.str(this.w[this.offs[id]! + 3 + i * 2]!);
      if (i === n - 1 && t === 0 && pn === '') {
        unspec = true;
        break;
      }
      if (!firstParm) s += ', ';
      firstParm = false;
      const name = pn === '' ? null : pn;
      let stype: string;
      if (t === 0) stype = 'void';
      else if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) stype = `<ERROR: type ${t} not found>`;
      else {
        const k = this.kinds[t]!;
        if (k === BTF_KIND_PTR) {
          const p = this.ref(t);
          if (p !== 0 && ((KNOWN_KINDS >>> this.kinds[p]!) & 1) === 0) {
            // the pointed-to type pahole cannot find: its error line, and no name
            s += this.notFoundF('ftype__fprintf_parms:1142', p);
            continue;
          }
          if (p !== 0 && this.kinds[p]! === BTF_KIND_FUNC_PROTO) {
            s += yield { what: FTYPE, id: p, len: 0, name, inlined: false, isPtr: true };
            continue;
          }
        } else if (k === BTF_KIND_FUNC_PROTO) {
          s += yield { what: FTYPE, id: t, len: 0, name, inlined: true, isPtr: false };
          continue;
        }
        stype = this.memoName(t, 128) ?? (yield this.nameReq(t, 128));
      }
      s += `${stype}${name ? ' ' : ''}${name ?? ''}`;
    }
    if (firstParm) s += 'void)';
    else if (unspec) s += ', ...)';
    else s += ')';
    return s;
  }

  // ---- printing (type__fprintf, class_member__fprintf, __class__fprintf, union__fprintf) ----
  //
  // Everything below writes bytes to `this.o` (lib/dump/bytes.ts): member
  // and type names are copied from the string section, numbers written as
  // digits, and pahole's `%-*s` columns measured as the bytes written since
  // a mark (`o.offset`), as printf counts them. A name is a {@link NameRef}.

  /**
   * Writes name `nm`. pahole passes a member's NULL name to printf's `%s`,
   * which glibc prints as `(null)`: an unnamed member of a base type,
   * typedef, pointer or array, and `* (null)` after a pointed-to anonymous
   * struct, union or enum.
   */
  private putName(nm: number): void {
    const o = this.o;
    // `* ` as two fills of 0 or 1 byte: a call first met after V8 optimised a caller deoptimises it.
    const star = nm & 1;
    o.fill(42, star);
    o.fill(32, star);
    const off = nm >> 1;
    if (off < 0) o.ascii('(null)');
    else o.cstr(this.strs, off);
  }
  /** Writes name `nm`, nothing for NULL (`name ?: ""`). */
  private putNameOrEmpty(nm: number): void {
    if (nm !== NO_NAME) this.putName(nm);
  }
  /**
   * Writes ` NAME` when name `nm` is set (C's `if (name) printf(" %s",
   * name)`: the name of a nested type's member after its closing brace).
   * Every operation runs every time, as the spaces and the name through
   * helpers every listing calls: a path first met after V8 optimised a
   * caller (a kernel's first named member of an anonymous struct comes
   * late) deoptimises it.
   */
  private putSuffixName(nm: number): void {
    const set = this.nameSet(nm);
    this.o.fill(32, set ? 1 : 0);
    this.putNameOrEmpty(set ? nm : NO_NAME);
  }
  /** Whether name `nm` is a non-empty string (C's `if (name)` on a name that may be NULL or ""). */
  private nameSet(nm: number): boolean {
    // Every operation runs on every call (NO_NAME reads offset 0, the empty
    // string): a branch met first after V8 optimised a caller deoptimises it.
    const off = nm >> 1;
    const c = this.strs[Math.max(off, 0)] ?? 0;
    return ((nm & 1) | c) !== 0;
  }
  /** The name of type `id` (the clone's is its original's) as a {@link NameRef}. */
  private nameRef(id: number): number {
    return this.q.nameOff(id === this.n ? this.vOrig : id) * 2;
  }
  /** Writes the name of type `id` (pahole's `tag__name`) left-justified in `w` columns (`%-*s`). */
  private putTypeName(id: number, w: number): void {
    // Void (slot 0) and the ids pahole cannot resolve are named `void`.
    const t = id > 0 && id < this.n ? id : 0;
    let at = this.nameAt[t]!;
    if (at === 0) {
      at = this.poolAdd(this.nameIn(t, 128));
      this.nameAt[t] = at;
      this.nameLen[t] = this.poolLen - at - 1;
    }
    // The name and its padding in one reserve: the length is known, no scan for the NUL.
    const len = this.nameLen[t]!;
    const pad = Math.abs(w) - len;
    const o = this.o;
    const b = o.reserve(pad > 0 ? len + pad : len);
    const pool = this.pool;
    let p = o.mark;
    for (let i = at, e = at + len; i < e; i++) b[p++] = pool[i]!;
    for (let i = 0; i < pad; i++) b[p++] = 32;
    o.commit(p);
  }

  /** Appends `s` to {@link pool} as UTF-8 with a NUL after it; returns where it starts. */
  private poolAdd(s: string): number {
    let b: Uint8Array | null = null;
    let n = s.length;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        b = new TextEncoder().encode(s);
        n = b.length;
        break;
      }
    }
    const at = this.poolLen;
    if (at + n + 1 > this.pool.length) {
      const g = new Uint8Array(Math.max(this.pool.length * 2, at + n + 1));
      g.set(this.pool.subarray(0, at));
      this.pool = g;
    }
    const pool = this.pool;
    if (b !== null) pool.set(b, at);
    else for (let i = 0; i < n; i++) pool[at + i] = s.charCodeAt(i);
    pool[at + n] = 0;
    this.poolLen = at + n + 1;
    return at;
  }

  /** Writes `s` left-justified in `w` columns (`%-*s`; a negative width counts as its absolute value). */
  private putLeft(s: string, w: number): void {
    const o = this.o;
    const start = o.offset;
    o.text(s);
    o.fill(32, Math.abs(w) - (o.offset - start));
  }
  /** `struct NAME`, `union NAME` or `enum NAME` (`word` with its space) padded to `ts` columns, a space, then member name `nm`. */
  private putTagged(word: string, type: number, ts: number, nm: number): void {
    const o = this.o;
    o.ascii(word);
    const start = o.offset;
    o.cstr(this.strs, this.q.nameOff(type));
    this.padFrom(start, ts - word.length);
    o.byte(32);
    this.putNameOrEmpty(nm);
  }
  /** Pads what was written since `start` to `w` columns (`%-*s`). */
  private padFrom(start: number, w: number): void {
    this.o.fill(32, Math.abs(w) - (this.o.offset - start));
  }
  /** `%*s` of `" "`: one space, or `|w|` of them. */
  private putSpaces(w: number): void {
    this.o.fill(32, Math.max(1, Math.abs(w)));
  }
  /**
   * `%*d`: integer `v` right-justified in `w` columns: the digits by the
   * byte writer's {@link putUint}, then, when they are fewer than `w`,
   * moved right and the gap filled with spaces by loops (the runs are
   * short: shorter than a call to the native copyWithin or fill).
   */
  private putNum(v: number, w: number): void {
    if (v < 0 || v > 0x3fffffff) {
      this.putNumWide(v, w);
      return;
    }
    const o = this.o;
    const b = o.reserve(Math.max(w, 0) + 10);
    const start = o.mark;
    const end = putUint(b, start, v);
    const pad = w - (end - start);
    for (let i = end - 1; pad > 0 && i >= start; i--) b[i + pad] = b[i]!;
    for (let i = 0; i < pad; i++) b[start + i] = 32;
    o.commit(pad > 0 ? end + pad : end);
  }
  /** {@link putNum} of a negative `v` or one of 2^30 and more. */
  private putNumWide(v: number, w: number): void {
    this.o.fill(32, w - decimalWidth(v));
    this.o.int(v);
  }
  private putTabs(n: number): void {
    this.o.fill(9, Math.min(n, 16));
  }
  /** `N byte` or `N bytes` (and the like) as pahole pluralises. */
  private putCount(v: number, unit: string): void {
    this.o.int(v);
    this.o.ascii(unit);
    if (v !== 1) this.o.byte(115);
  }

  /**
   * pahole's `type__fprintf`, arrays included (`array_type__fprintf`
   * prints the element's type, then its `[N]`: here the dimensions wait in
   * {@link suffix} and are written, innermost first, when the element is
   * done). Returns true when the type is a struct or union to print nested
   * (anonymous, or any with `-E`): it is left in {@link req}, with the
   * dimensions to write after it, for the caller's print stack.
   */
  private typeOut(type0: number, name0: number, conf0: Conf): boolean {
    const o = this.o;
    const suffix = this.suffix;
    const base = suffix.length;
    let type = type0;
    let name = name0;
    let conf = conf0;
    // typedefs (with -E), consts and array elements followed: more steps than
    // types is a loop, which pahole follows until it crashes
    let steps = 0;
    for (;;) {
      const expandTypes = conf.expand;
      if (((KNOWN_KINDS >>> this.kinds[type]!) & 1) === 0) {
        this.errAt = o.offset;
        this.putLeft('<ERROR', conf.typeSpacing);
        o.ascii('> ');
        this.putName(name);
        return this.endType(base);
      }
      if (expandTypes) {
        let expanded = false;
        while (this.kinds[type]! === BTF_KIND_TYPEDEF) {
          o.ascii(expanded ? ' -> ' : '/* typedef ');
          o.cstr(this.strs, this.q.nameOff(type));
          expanded = true;
          const tt = this.ref(type);
          if (((KNOWN_KINDS >>> this.kinds[tt]!) & 1) === 0) {
            this.errAt = o.offset;
            this.putLeft('<ERROR', conf.typeSpacing);
            o.ascii('> ');
            this.putName(name);
            return this.endType(base);
          }
          if (++steps > this.n) this.chainLoop(type0);
          type = tt;
        }
        if (expanded) o.ascii(' */ ');
      }
      // Only nested types (anonymous or expanded structs, unions and enums)
      // need a copy of the context; everything else prints from the spacing.
      let ts = conf.typeSpacing;
      let nm = name;
      let rel = conf.relOffset;
      // pahole's `inner_struct`: a member whose type is itself a struct, union
      // or enum (or a pointer to an anonymous one) prints it without stats and
      // with the member's name after it; one reached through `const` keeps the
      // context as it was (and prints its stats).
      let inner = ((AGG_KINDS >>> this.kinds[type]!) & 1) !== 0;
      let array = false;
      for (;;) {
        const k = this.kinds[type]!;
        // What a pointer to an anonymous struct, union or enum changes,
        // computed on every pass: an operation first met after V8 optimised
        // this function deoptimises it.
        const nmStar = nm | 1;
        const tsStar = ts - 8;
        if (k === BTF_KIND_TYPEDEF || k === BTF_KIND_INT || k === BTF_KIND_FLOAT) {
          this.putTypeName(type, ts);
          o.byte(32);
          this.putName(nm);
          return this.endType(base);
        }
        if (k === BTF_KIND_PTR) {
          const p = this.ref(type);
          if (p !== 0) {
            if (((KNOWN_KINDS >>> this.kinds[p]!) & 1) === 0) {
              this.errAt = o.offset;
              this.putLeft('<ERROR', ts);
              o.ascii('> ');
              this.putName(nm);
              return this.endType(base);
            }
            if (this.kinds[p]! === BTF_KIND_FUNC_PROTO) {
              this.ftypeOut(p, nm, true, ts);
              return this.endType(base);
            }
            if (((AGG_KINDS >>> this.kinds[p]!) & 1) !== 0 && !this.named(p)) {
              nm = nmStar;
              rel = true;
              ts = tsStar;
              type = p;
              inner = true;
              continue;
            }
          }
          this.putTypeName(type, ts);
          o.byte(32);
          this.putName(nm);
          return this.endType(base);
        }
        if (k === BTF_KIND_FUNC_PROTO) {
          this.ftypeOut(type, nm, false, ts);
          return this.endType(base);
        }
        if (k === BTF_KIND_CONST) {
          o.ascii('const ');
          ts -= 6;
          const tt = this.ref(type);
          if (((KNOWN_KINDS >>> this.kinds[tt]!) & 1) !== 0) {
            if (++steps > this.n) this.chainLoop(type0);
            type = tt;
            continue;
          }
          this.putTypeName(type, ts);
          o.byte(32);
          this.putName(nm);
          return this.endType(base);
        }
        if (k === BTF_KIND_ARRAY) {
          // array_type__fprintf: the element as a type of its own, then [N].
          const w = this.w;
          const b = this.offs[type]!;
          let elem = w[b + 3]!;
          const nelems = w[b + 5]!;
          let ac = conf;
          if (ts !== conf.typeSpacing) {
            ac = conf.copy();
            ac.typeSpacing = ts;
          }
          if (((KNOWN_KINDS >>> this.kinds[elem]!) & 1) === 0) {
            o.ascii('<ERROR(array_type__fprintf:238): ');
            this.o.int(elem);
            o.ascii(' not found!>\n');
            return this.endType(base);
          }
          if (nelems === 0 && this.kinds[elem]! === BTF_KIND_CONST) elem = this.ref(elem);
          const single = ac.lastMember && ac.firstMember;
          suffix.push(nelems !== 0 || !ac.lastMember || single || ac.unionMember ? nelems : -1);
          name = nm;
          conf = ac;
          if (++steps > this.n) this.chainLoop(type0);
          type = elem;
          array = true;
          break;
        }
        if (this.isStruct(type)) {
          if (this.named(type) && !expandTypes) {
            this.putTagged('struct ', type, ts, nm);
            return this.endType(base);
          }
          this.findHoles(type);
          const t = nestedConf(this.nestConf, conf, inner, ts, rel, nm);
          t.typeSpacing -= 8;
          return this.request(type, t, false, base);
        }
        if (this.isUnion(type)) {
          if (this.named(type) && !expandTypes) {
            this.putTagged('union ', type, ts, nm);
            return this.endType(base);
          }
          const t = nestedConf(this.nestConf, conf, inner, ts, rel, nm);
          t.typeSpacing -= 8;
          return this.request(type, t, true, base);
        }
        if (((ENUM_KINDS >>> this.kinds[type]!) & 1) !== 0) {
          if (this.named(type)) {
            this.putTagged('enum ', type, ts, nm);
            return this.endType(base);
          }
          this.enumOut(type, nestedConf(this.nestConf, conf, inner, ts, rel, nm));
          return this.endType(base);
        }
        this.putTypeName(type, ts);
        o.byte(32);
        this.putName(nm);
        return this.endType(base);
      }
      if (!array) return this.endType(base);
    }
  }

  /** Writes the array dimensions {@link typeOut} pushed from `base` on, innermost first; returns false (nothing nested). */
  private endType(base: number): boolean {
    if (this.suffix.length > base) this.putSuffix(this.suffix, base);
    return false;
  }

  /** Writes the dimensions of `s` from `base` on (last pushed first) and drops them. */
  private putSuffix(s: number[], base: number): void {
    const o = this.o;
    for (let i = s.length - 1; i >= base; i--) {
      o.byte(91);
      if (s[i]! >= 0) this.o.int(s[i]!);
      o.byte(93);
    }
    // Only when there were some (an array's length setter is a runtime call).
    if (s.length !== base) s.length = base;
  }

  /** Leaves struct or union `id` to print nested with `conf` in {@link req}, the dimensions from `base` on with it; returns true. */
  private request(id: number, conf: Conf, union: boolean, base: number): boolean {
    const r = this.req;
    r.id = id;
    r.conf = conf;
    r.union = union;
    if (this.suffix.length > base) {
      r.suffix = this.suffix.slice(base);
      this.suffix.length = base;
    } else r.suffix = NO_SUFFIX;
    return true;
  }

  /**
   * {@link typeOut} for a caller with no print stack of its own (a
   * typedef, a bitfield's padding line): a nested struct or union is
   * printed right away, on a print stack of its own, then its dimensions.
   */
  private typeOutNow(type: number, name: number, conf: Conf): void {
    if (!this.typeOut(type, name, conf)) return;
    const { id, conf: c, union, suffix } = this.req;
    this.printNested(id, c, union);
    this.putSuffix(suffix, 0);
  }

  /** `ftype__fprintf` of function type `id` as a member or typedef: `RET (*name)(ARGS)`. */
  private ftypeOut(id: number, name: number, isPtr: boolean, spacing: number): void {
    const o = this.o;
    const ret = this.ref(id);
    this.putTypeName(ret === 0 || ((KNOWN_KINDS >>> this.kinds[ret]!) & 1) === 0 ? 0 : ret, spacing);
    o.ascii(isPtr ? ' (*' : ' (');
    this.putNameOrEmpty(name);
    o.byte(41);
    let p = this.parmsAt[id]!;
    if (p === 0) {
      p = this.poolAdd(
        this.plainParms(id) ?? this.runNames({ what: PARMS, id, len: 0, name: null, inlined: false, isPtr: false }),
      );
      this.parmsAt[id] = p;
    }
    o.cstr(this.pool, p);
  }

  private enumOut(id: number, conf: Conf): void {
    const o = this.o;
    const w = this.w;
    const strs = this.strs;
    const n = this.vlen(id);
    o.ascii('enum');
    if (this.named(id)) {
      o.byte(32);
      o.cstr(strs, this.q.nameOff(id));
    }
    if (n === 0) return;
    o.ascii(' {\n');
    const k = this.kinds[id]!;
    const step = k === BTF_KIND_ENUM64 ? 3 : 2;
    const base = this.offs[id]! + 3;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, cstrLength(strs, w[base + i * step]!));
    // pahole 1.24's BTF loader never marks an enum signed: ENUM values print
    // as 32-bit unsigned, ENUM64 values as 64-bit unsigned, whatever the kflag.
    for (let i = 0; i < n; i++) {
      const b = base + i * step;
      this.putTabs(conf.indent);
      o.byte(9);
      const start = o.offset;
      o.cstr(strs, w[b]!);
      this.padFrom(start, max);
      o.ascii(' = ');
      const lo = w[b + 1]!;
      const hi = step === 3 ? w[b + 2]! : 0;
      // Values of 2^30 and more out of line (putBig), as the byte writer
      // takes its own: a kernel's first one comes after V8 optimised this.
      if (hi === 0 && lo < 0x40000000) this.o.int(lo);
      else this.putBig(hi, lo);
      o.ascii(',\n');
    }
    this.putTabs(conf.indent);
    o.byte(125);
    if (this.size(id) !== 4) o.ascii(' __attribute__((__packed__))');
    this.putSuffixName(conf.suffix);
  }

  /** Writes `hi * 2^32 + lo` in decimal. */
  private putBig(hi: number, lo: number): void {
    this.o.ascii(hi < 1 << 21 ? String(hi * 2 ** 32 + lo) : String((BigInt(hi) << 32n) | BigInt(lo)));
  }

  private cachelineBoundary(conf: Conf, offset: number): void {
    const cls = this.cachelineSize;
    const cl = Math.floor(offset / cls);
    if (cl <= conf.cl.v) return;
    const o = this.o;
    const pos = offset % cls;
    const inBytes = offset - pos;
    conf.cl.v = cl;
    o.ascii('/* --- cacheline ');
    this.o.int(cl);
    o.ascii(' boundary (');
    this.o.int(inBytes);
    if (pos === 0) o.ascii(' bytes) --- */\n');
    else {
      o.ascii(' bytes) was ');
      this.o.int(pos);
      o.ascii(pos > 1 ? ' bytes ago --- */\n' : ' byte ago --- */\n');
    }
    this.putTabs(conf.indent);
  }

  /**
   * `class_member__fprintf`, up to its type: the member's offset made
   * absolute, the cacheline boundary, the type (and the name after a
   * struct-like type). Returns true when the type left a nested struct or
   * union in {@link req}: {@link memberEnd} finishes the member after it.
   */
  private memberBegin(f: PrintFrame, j: number, type: number, unionMember: boolean): boolean {
    const o = this.o;
    const s = f.c;
    // pahole prints through a copy of the context with the member's offset as
    // the base of nested types; the base is set here and restored at the end.
    f.mSavedBase = s.baseOffset;
    let offset = this.mByteOff[j]!;
    const nameOff = this.mName[j]!;
    const name = nameOff < this.strs.length && this.strs[nameOff] !== 0 ? nameOff * 2 : NO_NAME;
    if (!s.relOffset) {
      offset += s.baseOffset;
      if (!unionMember) s.baseOffset = offset;
    }
    this.cachelineBoundary(s, offset);
    f.mJ = j;
    f.mType = type;
    f.mOffset = offset;
    f.mName = name;
    f.mStart = o.offset;
    const structLike = ((AGG_KINDS >>> this.kinds[type]!) & 1) !== 0;
    f.mStructLike = structLike;
    f.mAnon = structLike && !this.named(type);
    this.errAt = -1;
    const nested = this.typeOut(type, structLike ? NO_NAME : name, s);
    if (this.errAt >= 0) f.mStart = this.errAt;
    return nested;
  }

  /** The rest of `class_member__fprintf` (after its type): bitfield width, alignment, the offset comment. */
  private memberEnd(f: PrintFrame): void {
    const o = this.o;
    const s = f.c;
    const j = f.mJ;
    const type = f.mType;
    const name = f.mName;
    const anon = f.mAnon;
    const bfs = this.mBfs[j]!;
    if (f.mStructLike && name !== NO_NAME) {
      if (anon) o.byte(32);
      this.putName(name);
    }
    if (bfs) {
      o.byte(58);
      this.o.int(bfs);
    }
    let alignPrinted = 0;
    if (this.mAlign[j] && !this.suppressAligned) {
      const a = o.offset;
      o.ascii(' __attribute__((__aligned__(');
      this.o.int(this.mAlign[j]!);
      o.ascii(')))');
      alignPrinted = o.offset - a;
    }
    o.byte(59);
    if (!s.suppressOffsetComment) {
      if (anon) {
        let slen = alignPrinted + (name !== NO_NAME ? cstrLength(this.strs, name >> 1) : -1);
        // The add runs every time (one first met after V8 optimised this deoptimises it).
        slen += this.isStruct(type) && (this.flags[type]! & PACKED) !== 0 ? 28 : 0;
        this.putSpaces(s.typeSpacing + s.nameSpacing - slen - 3);
      } else this.putSpaces(Math.max(s.typeSpacing + s.nameSpacing - (o.offset - f.mStart), 0));
      o.ascii('/* ');
      this.putNum(f.mOffset, 5);
      let sizeSpacing = 5;
      if (bfs) {
        o.byte(58);
        this.putNum(this.mBitfieldOff[j]!, 2);
        sizeSpacing -= 3;
      }
      o.byte(32);
      this.putNum(this.mByteSize[j]!, sizeSpacing);
      o.ascii(' */');
    }
    s.baseOffset = f.mSavedBase;
  }

  /**
   * Prints struct or union `id` with `conf` and every struct and union
   * nested in it. pahole recurses (`__class__fprintf` -> member -> type ->
   * `__class__fprintf`) and crashes between 3,000 and 10,000 levels; here
   * the structs and unions under way are frames of one stack, stepped by
   * this loop: a frame prints its members until one's type is a nested
   * struct or union, whose frame goes on top; when that frame closes, the
   * member it belongs to is finished and its parent goes on. Any depth
   * costs heap, not call stack.
   */
  private printNested(id: number, conf: Conf, union: boolean): void {
    const st = this.frames;
    const bottom = st.length;
    if (bottom >= MAX_PRINT_NEST)
      throw new BtfError(
        BtfErrorCode.TooBig,
        `type [${id}]: structs and unions printed inside the padding of bitfields nest deeper than ${MAX_PRINT_NEST} levels`,
        { typeId: id },
      );
    this.openFrame(id, conf, union);
    try {
      while (st.length > bottom) {
        const f = st[st.length - 1]!;
        if (f.pending) {
          // The nested type of the member in progress is done: finish the member.
          f.pending = false;
          // Called when there are none too: a call first met late deoptimises this loop.
          this.putSuffix(f.mSuffix, 0);
          if (f.union) this.unionMemberEnd(f);
          else this.classMemberEnd(f);
        }
        if (f.i >= f.nm) {
          if (f.union) this.unionClose(f);
          else this.classClose(f);
          this.printing[f.id] = 0;
          st.pop();
          continue;
        }
        const i = f.i++;
        let nest: boolean;
        if (f.union) nest = this.unionMember(f, i);
        else if (this.plainMember(f, i)) continue;
        else nest = this.classMember(f, i);
        if (nest) {
          const r = this.req;
          f.pending = true;
          f.mSuffix = r.suffix;
          this.openFrame(r.id, r.conf, r.union);
        }
      }
    } finally {
      // After an error only: the loop leaves the stack at bottom (and setting
      // an array's length is a call into the runtime, once per struct).
      if (st.length !== bottom) {
        for (let i = bottom; i < st.length; i++) this.printing[st[i]!.id] = 0;
        st.length = bottom;
      }
    }
  }

  /** Pushes the frame of struct or union `id` printed with `conf`, and writes its head (`__class__fprintf`/`union__fprintf` up to the members). */
  private openFrame(id: number, conf: Conf, union: boolean): void {
    const o = this.o;
    if (this.printing[id]) {
      // pahole recurses until its stack runs out: a clean error instead.
      const ids = this.frames.map((x) => x.id);
      const loop = [...ids.slice(ids.indexOf(id)), id].map((t) => `[${t}]`).join(' -> ');
      throw new BtfError(
        BtfErrorCode.Loop,
        `type [${id}]: struct or union printed inside itself (reference loop through types ${loop})`,
        { typeId: id },
      );
    }
    this.printing[id] = 1;
    const indent = Math.min(conf.indent, 16);
    // Frames are kept for reuse, one per depth (a listing opens one per struct).
    const depth = this.frames.length;
    let f = this.framePool[depth];
    if (f === undefined) {
      f = newFrame(conf);
      this.framePool.push(f);
    }
    f.union = union;
    f.id = id;
    // The frame's own context, reused with the frame (nothing keeps it once the frame is closed).
    const c = f.c.assign(conf);
    c.indent = indent + 1;
    f.c = c;
    f.indent = indent;
    f.first = 0;
    f.nm = 0;
    f.i = 0;
    f.pending = false;
    f.newline = false;
    f.sumHoles = 0;
    f.sumBitHoles = 0;
    f.sumBytes = 0;
    f.sumBits = 0;
    f.nrPaddings = 0;
    f.sumPaddings = 0;
    f.nrForced = 0;
    f.nrForcedHoles = 0;
    f.sumForcedHoles = 0;
    f.last = -1;
    f.lastSize = 0;
    f.initial = 0;
    f.mSuffix = NO_SUFFIX;
    this.frames.push(f);
    if (union) {
      o.ascii('union');
      if (this.named(id)) {
        o.byte(32);
        this.putName(this.nameRef(id));
      }
      o.ascii(' {\n');
      f.first = this.fix(id);
      this.inferUnionPacked(id, f.first);
      f.initial = f.c.cl.v;
      f.nm = this.nrMembers(id);
      return;
    }
    o.ascii('struct');
    if (this.named(id)) {
      o.byte(32);
      this.putName(this.nameRef(id));
    }
    this.inferPacked(id);
    this.findHoles(id);
    f.first = this.fix(id);
    f.nm = this.nrMembers(id);
    o.ascii(' {\n');
    // Rare (a hole before the first member), so out of line; called for the
    // first structs too, so that V8 has seen the call when it optimises this
    // (a call first met later deoptimised it), and too seldom to inline it.
    if (this.preHoleCalls < WARM_CALLS || this.preBitHole[id]! > 0 || this.preHole[id]! > 0) this.preHoleNotes(f, id);
  }

  /** Calls of {@link forceAlignNote} so far. */
  private forceCalls = 0;

  /** `/* Force alignment to the next boundary: *\/` after a blank line, when `force`. */
  private forceAlignNote(ind: number, force: boolean): void {
    this.forceCalls++;
    if (!force) return;
    this.o.byte(10);
    this.putTabs(ind);
    this.o.ascii('/* Force alignment to the next boundary: */\n');
  }

  /** Calls of {@link preHoleNotes} so far. */
  private preHoleCalls = 0;

  /** The holes before struct `id`'s first member, `/* XXX N bits hole, try to pack *\/` after a blank line. */
  private preHoleNotes(f: PrintFrame, id: number): void {
    this.preHoleCalls++;
    const o = this.o;
    const ind = f.c.indent;
    if (this.preBitHole[id]! > 0) {
      if (!f.newline) o.byte(10);
      f.newline = true;
      const b = this.preBitHole[id]!;
      this.holeNote(ind, b, ' bit');
      o.byte(10);
      f.sumBitHoles += b;
    }
    if (this.preHole[id]! > 0) {
      if (!f.newline) o.byte(10);
      f.newline = true;
      const b = this.preHole[id]!;
      this.holeNote(ind, b, ' byte');
      o.byte(10);
      f.sumHoles += b;
    }
  }

  /** `union__fprintf`'s member `i`, up to its type; true when that is a nested struct or union. */
  private unionMember(f: PrintFrame, i: number): boolean {
    const o = this.o;
    const u = f.c;
    const t = this.mType[f.first + i]!;
    this.putTabs(u.indent);
    if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) {
      o.ascii('<ERROR(union__fprintf:1077): ');
      this.o.int(t);
      o.ascii(' not found!>\n');
      return false;
    }
    u.unionMember = true;
    if (this.memberBegin(f, f.first + i, t, true)) return true;
    this.unionMemberEnd(f);
    return false;
  }

  private unionMemberEnd(f: PrintFrame): void {
    this.memberEnd(f);
    this.o.byte(10);
    f.c.cl.v = f.initial;
  }

  private unionClose(f: PrintFrame): void {
    const o = this.o;
    this.putTabs(f.indent);
    o.byte(125);
    this.putSuffixName(f.c.suffix);
  }
  /** `/* XXX N bits hole, try to pack *\/` (and bytes), indented. */
  private holeNote(ind: number, v: number, unit: string): void {
    this.putTabs(ind);
    // One string (see statsOut).
    this.o.ascii(`/* XXX ${v}${unit}${v !== 1 ? 's' : ''} hole, try to pack */`);
  }

  /**
   * `__class__fprintf`'s member `i` up to its type (forced alignment
   * counts, the padding line of a bit hole, the comments on combined
   * bitfields); true when the type is a nested struct or union.
   */
  private classMember(f: PrintFrame, i: number): boolean {
    const o = this.o;
    const ind = f.c.indent;
    const j = f.first + i;
    if (this.mAlign[j] && !this.suppressAligned) {
      const fh = f.last >= 0 ? this.mHole[f.last]! : this.preHole[f.id]!;
      if (fh !== 0) {
        f.nrForcedHoles++;
        f.sumForcedHoles += fh;
      }
      f.nrForced++;
    }
    const bfs = this.mBfs[j]!;
    const t = this.mType[j]!;
    if (f.last >= 0 && f.lastSize !== 0) {
      const lastBfs = this.mBfs[f.last]!;
      if (this.mBitHole[f.last] !== 0 && bfs) {
        let bitfieldSize = this.mBitHole[f.last]! & 0xff;
        if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) {
          this.putTabs(ind);
          o.ascii('<ERROR(__class__fprintf:1546): ');
          this.o.int(t);
          o.ascii(' not found!>\n');
          return false;
        }
        // Rare, out of line (see preHoleNotes).
        const force = this.mByteOff[f.last] !== this.mByteOff[j];
        if (force || this.forceCalls < WARM_CALLS) this.forceAlignNote(ind, force);
        if (force) bitfieldSize = 0;
        this.putTabs(ind);
        this.typeOutNow(t, EMPTY_NAME, f.c);
        o.byte(58);
        this.o.int(bitfieldSize);
        o.ascii(';\n');
      }
      if (
        this.mByteOff[j]! < this.mByteOff[f.last]! ||
        (this.mByteOff[j] === this.mByteOff[f.last] && lastBfs === 0 && bfs !== 0)
      ) {
        if (!f.newline) o.byte(10);
        f.newline = true;
        this.putTabs(ind);
        o.ascii('/* Bitfield combined with previous fields */\n');
      } else {
        const cc = this.mByteOff[j]! - this.mByteOff[f.last]!;
        if (cc > 0 && cc < f.lastSize) {
          if (!f.newline) o.byte(10);
          f.newline = true;
          this.putTabs(ind);
          o.ascii('/* Bitfield combined with next fields */\n');
        }
      }
    }
    if (f.newline) {
      o.byte(10);
      f.newline = false;
    }
    this.putTabs(ind);
    if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) {
      o.ascii('<ERROR(__class__fprintf:1609): ');
      this.o.int(t);
      o.ascii(' not found!>\n');
      return false;
    }
    f.c.lastMember = i === f.nm - 1;
    f.c.firstMember = f.last < 0;
    if (this.memberBegin(f, j, t, false)) return true;
    this.classMemberEnd(f);
    return false;
  }

  /** The rest of `__class__fprintf`'s member (after `class_member__fprintf`): padding of a struct member, holes after it. */
  private classMemberEnd(f: PrintFrame): void {
    this.memberEnd(f);
    this.memberTail(f, f.mJ, f.mType);
  }

  /** `__class__fprintf` after member `j` of type `t` is printed: padding of a struct member, holes after it, the counters. */
  private memberTail(f: PrintFrame, j: number, t: number): void {
    const o = this.o;
    const ind = f.c.indent;
    const bfs = this.mBfs[j]!;
    const size = this.mByteSize[j]!;
    if (this.isStruct(t)) {
      this.findHoles(t);
      this.inferPacked(t);
      const p = this.padding[t]! & 0xffff;
      if (p > 0) {
        f.nrPaddings++;
        f.sumPaddings += p;
        if (!f.newline) o.byte(10);
        f.newline = true;
        o.byte(10);
        this.putTabs(ind);
        o.ascii('/* XXX last struct has ');
        this.putCount(p, ' byte');
        o.ascii(' of padding */');
      }
    }
    if (this.mBitHole[j] !== 0) {
      if (!f.newline) o.byte(10);
      f.newline = true;
      const b = this.mBitHole[j]!;
      o.byte(10);
      this.holeNote(ind, b, ' bit');
      f.sumBitHoles += b;
    }
    if (this.mHole[j]! > 0) {
      if (!f.newline) o.byte(10);
      f.newline = true;
      const b = this.mHole[j]!;
      o.byte(10);
      this.holeNote(ind, b, ' byte');
      f.sumHoles += b;
    }
    o.byte(10);
    if (bfs) f.sumBits += bfs;
    else f.sumBytes += size;
    // Both tests run every time (a test first met after V8 optimised this deoptimises it).
    const last = f.last;
    const prev = last < 0 ? j : last;
    const newUnit = last < 0 || f.lastSize === 0 || this.mByteOff[prev] !== this.mByteOff[j];
    const startsBitfield = this.mBfs[prev] === 0 && bfs !== 0;
    if (newUnit || startsBitfield) f.lastSize = size;
    f.last = j;
  }

  /**
   * Member `i` of struct frame `f` when it is a plain one, printed in one go
   * (`__class__fprintf`, `class_member__fprintf` and `type__fprintf` as they
   * go for it): no bitfield, no inferred alignment, no comment on combined
   * bitfields, and a type named in the type column ({@link shapeOf}).
   * Returns false, having written nothing, for any other member: the
   * general path ({@link classMember}) prints it. Most members of a listing
   * are plain; this keeps the code they run, and what V8 compiles for them,
   * small.
   */
  private plainMember(f: PrintFrame, i: number): boolean {
    const j = f.first + i;
    const c = f.c;
    if (this.mBfs[j] !== 0 || (this.mAlign[j] !== 0 && !this.suppressAligned) || c.expand) return false;
    const last = f.last;
    const off = this.mByteOff[j]!;
    if (last >= 0 && f.lastSize !== 0) {
      const cc = off - this.mByteOff[last]!;
      if (cc < 0 || (cc > 0 && cc < f.lastSize)) return false;
    }
    const t = this.mType[j]!;
    const shape = t < this.shapeMemo.length ? this.shapeOf(t) : SHAPE_OTHER;
    if (shape === SHAPE_OTHER) return false;
    const o = this.o;
    if (f.newline) {
      o.byte(10);
      f.newline = false;
    }
    this.putTabs(c.indent);
    c.lastMember = i === f.nm - 1;
    c.firstMember = last < 0;
    // class_member__fprintf: the offset made absolute, the cacheline boundary.
    const savedBase = c.baseOffset;
    let offset = off;
    if (!c.relOffset) {
      offset += savedBase;
      c.baseOffset = offset;
    }
    this.cachelineBoundary(c, offset);
    const nameOff = this.mName[j]!;
    const strs = this.strs;
    const name = nameOff < strs.length && strs[nameOff] !== 0 ? nameOff * 2 : NO_NAME;
    const start = o.offset;
    const ts = c.typeSpacing;
    if (shape === SHAPE_NAME) {
      this.putTypeName(t, ts);
      o.byte(32);
      this.putName(name);
    } else if (shape === SHAPE_FPTR) this.ftypeOut(this.ref(t), name, true, ts);
    else {
      // A named struct, union or enum: its keyword and name, the member's name after it.
      const kw = this.isStruct(t) ? 'struct ' : this.isUnion(t) ? 'union ' : 'enum ';
      o.ascii(kw);
      const at = o.offset;
      o.cstr(strs, this.q.nameOff(t));
      this.padFrom(at, ts - kw.length);
      o.byte(32);
      if (name !== NO_NAME) this.putName(name);
    }
    o.byte(59);
    this.putSpaces(Math.max(ts + c.nameSpacing - (o.offset - start), 0));
    o.ascii('/* ');
    this.putNum(offset, 5);
    o.byte(32);
    this.putNum(this.mByteSize[j]!, 5);
    o.ascii(' */');
    c.baseOffset = savedBase;
    this.memberTail(f, j, t);
    return true;
  }

  /** How {@link plainMember} prints a member of type `t` (a `SHAPE_` value), memoised. */
  private shapeOf(t: number): number {
    let s = this.shapeMemo[t]!;
    if (s === 0) {
      s = this.shape0(t);
      this.shapeMemo[t] = s;
    }
    return s;
  }
  private shape0(t: number): number {
    if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) return SHAPE_OTHER;
    const k = this.kinds[t]!;
    if (k === BTF_KIND_PTR) {
      const p = this.ref(t);
      if (p === 0) return SHAPE_NAME;
      if (((KNOWN_KINDS >>> this.kinds[p]!) & 1) === 0) return SHAPE_OTHER;
      if (this.kinds[p]! === BTF_KIND_FUNC_PROTO) return SHAPE_FPTR;
      if (((AGG_KINDS >>> this.kinds[p]!) & 1) !== 0 && !this.named(p)) return SHAPE_OTHER;
      return SHAPE_NAME;
    }
    if (k === BTF_KIND_ARRAY || k === BTF_KIND_CONST || k === BTF_KIND_FUNC_PROTO) return SHAPE_OTHER;
    if (((AGG_KINDS >>> this.kinds[t]!) & 1) !== 0) return this.named(t) ? SHAPE_AGG : SHAPE_OTHER;
    return SHAPE_NAME;
  }

  /** `__class__fprintf` after the members: the statistics (top level), the closing brace and attributes. */
  private classClose(f: PrintFrame): void {
    const o = this.o;
    const id = f.id;
    if (f.c.emitStats) this.statsOut(f);
    this.putTabs(f.indent);
    o.byte(125);
    const packed = (this.flags[id]! & PACKED) !== 0;
    if (packed) o.ascii(' __attribute__((__packed__))');
    this.putSuffixName(f.c.suffix);
    if (this.tAlign[id] !== 0 && !packed && !this.suppressAligned) {
      o.ascii(' __attribute__((__aligned__(');
      this.o.int(this.tAlign[id]!);
      o.ascii(')))');
    }
  }

  /**
   * The statistics after a struct's members (`size:`, `sum members:`,
   * `padding:`, ... `last cacheline:`) from frame `f`'s counters, a method
   * of its own: it runs only for a struct that prints its stats (not an
   * inner one), and kept out of {@link classClose} it keeps the code every
   * struct runs small.
   */
  private statsOut(f: PrintFrame): void {
    const id = f.id;
    const c = f.c;
    const nm2 = f.nm;
    const sumHoles = f.sumHoles;
    const sumBitHoles = f.sumBitHoles;
    const sumBytes = f.sumBytes;
    const sumBits = f.sumBits;
    const nrPaddings = f.nrPaddings;
    const sumPaddings = f.sumPaddings;
    const nrForced = f.nrForced;
    const nrForcedHoles = f.nrForcedHoles;
    const sumForcedHoles = f.sumForcedHoles;
    const o = this.o;
    const ind = c.indent;
    const tsize = this.kinds[id]! === BTF_KIND_FWD ? 0 : this.size(id);
    const ncl = Math.floor((Math.max(0, this.tagSize(id)) + this.cachelineSize - 1) / this.cachelineSize);
    // The rarer lines one string each (the numbers in it by the engine): the
    // writes V8 would otherwise inline per piece make this function large to
    // compile, and it runs once per struct. The size and last cacheline
    // lines, which nearly every struct prints, by pieces: a template's string
    // is made and then flattened again for the byte copy (measured: fewer
    // instructions on Node 20 and 24; the padding line too paid nothing).
    o.byte(10);
    this.putTabs(ind);
    o.ascii('/* size: ');
    o.int(tsize);
    o.ascii(', cachelines: ');
    o.int(ncl);
    o.ascii(', members: ');
    o.int(nm2);
    o.ascii(' */\n');
    if (sumHoles > 0 || sumBitHoles > 0) {
      // Both texts of each line made, one written: the rarer text, first
      // met after V8 optimised this, deoptimised it (a struct with bitfields
      // and byte holes but no bit holes).
      if (sumBytes > 0) {
        const holes = `/* sum members: ${sumBytes}, holes: ${this.nrHoles[id]!}, sum holes: ${sumHoles} */\n`;
        const none = `/* sum members: ${sumBytes} */\n`;
        this.putTabs(ind);
        o.ascii(sumHoles > 0 ? holes : none);
      }
      if (sumBits > 0) {
        const holes = `/* sum bitfield members: ${sumBits} bits, bit holes: ${this.nrBitHoles[id]!}, sum bit holes: ${sumBitHoles} bits */\n`;
        const none = `/* sum bitfield members: ${sumBits} bits (${Math.floor(sumBits / 8)} bytes) */\n`;
        this.putTabs(ind);
        o.ascii(sumBitHoles > 0 ? holes : none);
      }
    }
    const padding = this.padding[id]!;
    if (padding > 0) {
      this.putTabs(ind);
      o.ascii(`/* padding: ${padding} */\n`);
    }
    if (nrPaddings > 0) {
      this.putTabs(ind);
      o.ascii(`/* paddings: ${nrPaddings}, sum paddings: ${sumPaddings} */\n`);
    }
    if (this.bitPadding[id]! > 0) {
      this.putTabs(ind);
      o.ascii(`/* bit_padding: ${this.bitPadding[id]!} bits */\n`);
    }
    if (nrForced !== 0) {
      this.putTabs(ind);
      o.ascii(
        nrForcedHoles !== 0
          ? `/* forced alignments: ${nrForced}, forced holes: ${nrForcedHoles}, sum forced holes: ${sumForcedHoles} */\n`
          : `/* forced alignments: ${nrForced} */\n`,
      );
    }
    const lastCl = (c.baseOffset + tsize) % this.cachelineSize;
    if (lastCl !== 0) {
      this.putTabs(ind);
      o.ascii('/* last cacheline: ');
      o.int(lastCl);
      o.ascii(' bytes */\n');
    }
    const diff = tsize * 8 - (sumBytes * 8 + sumBits + sumHoles * 8 + sumBitHoles + padding * 8 + this.bitPadding[id]!);
    if (diff && nm2 !== 0) {
      o.byte(10);
      this.putTabs(ind);
      o.ascii(
        `/* BRAIN FART ALERT! ${tsize} bytes != ${sumBytes} (member bytes) + ${sumBits} (member bits) + ${sumHoles} (byte holes) + ${sumBitHoles} (bit holes), diff = ${diff} bits */\n`,
      );
    }
  }

  /** Runs `fn` writing to a fresh buffer; returns what it wrote as text (the string forms of the printers). */
  private capture(fn: () => void): string {
    const saved = this.o;
    try {
      return bytesToText(
        collectBytes((sink) => {
          this.o = new ByteOut(sink);
          fn();
          this.o.flush();
        }),
      );
    } finally {
      this.o = saved;
    }
  }

  /** Writes struct or union `id` as pahole's `tag__fprintf` does at top level, `;` included, to `out`. */
  writeStruct(id: number, out: ByteOut): void {
    this.o = out;
    const union = this.isUnion(id);
    // One context for every top-level struct (openFrame copies it into its frame's).
    this.topCl.v = 0;
    const conf = this.topConf.assign(this.baseConf);
    conf.nameSpacing = this.expand ? 55 : union ? 21 : 23;
    conf.expand = this.expand;
    this.printNested(id, conf, union);
    out.byte(59);
  }

  /**
   * Writes pahole's plain listing (no option that chooses types) to `out`:
   * what {@link listedIds} yields without options, each printed by
   * {@link writeStruct} and a newline. One loop, no generator between the
   * choice and the printing.
   */
  writeListing(out: ByteOut): void {
    const kinds = this.kinds;
    for (let id = 1, n = this.n; id < n; id++) {
      // listed(id), read here: most ids are no struct or union.
      const k = kinds[id]!;
      if ((k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) || !this.named(id) || this.repeatsListed(id)) continue;
      this.writeStruct(id, out);
      out.byte(10);
    }
  }

  /** Prints struct or union `id` as pahole's `tag__fprintf` does at top level, `;` included. */
  print(id: number): string {
    return this.capture(() => this.writeStruct(id, this.o));
  }

  /**
   * Writes type `id` as pahole's `tag__fprintf` does for `-C`, `;` included:
   * a struct or union as {@link writeStruct}, an enum with its values, a
   * typedef as `typedef__fprintf` (an anonymous struct or enum it names is
   * printed in full, with the typedef's name after it).
   */
  writeTag(id: number, out: ByteOut): void {
    const k = this.kinds[id]!;
    if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) {
      this.writeStruct(id, out);
      return;
    }
    this.o = out;
    const conf = new Conf({ v: 0 });
    conf.nameSpacing = this.expand ? 55 : 23;
    conf.expand = this.expand;
    if (((ENUM_KINDS >>> this.kinds[id]!) & 1) !== 0) this.enumOut(id, conf);
    else this.typedefOut(id, conf);
    out.byte(59);
  }

  /** {@link writeTag} as a string. */
  printTag(id: number): string {
    return this.capture(() => this.writeTag(id, this.o));
  }

  /** pahole's `typedef__fprintf`. */
  private typedefOut(id: number, conf: Conf): void {
    const o = this.o;
    const name = this.nameRef(id);
    const t = this.ref(id);
    o.ascii('typedef ');
    if (t === 0) {
      o.ascii('void ');
      this.putName(name);
      return;
    }
    if (((KNOWN_KINDS >>> this.kinds[t]!) & 1) === 0) {
      o.ascii(this.notFoundF('typedef__fprintf:317', t));
      o.byte(32);
      this.putName(name);
      return;
    }
    const k = this.kinds[t]!;
    if (k === BTF_KIND_ARRAY) {
      this.typeOutNow(t, name, conf);
      return;
    }
    if (k === BTF_KIND_PTR) {
      const p = this.ref(t);
      if (p !== 0) {
        if (((KNOWN_KINDS >>> this.kinds[p]!) & 1) === 0) {
          o.ascii(this.notFoundF('typedef__fprintf:331', p));
          o.ascii(' *');
          this.putName(name);
          return;
        }
        if (this.kinds[p]! === BTF_KIND_FUNC_PROTO) {
          this.ftypeOut(p, name, true, 0);
          return;
        }
      }
    } else if (k === BTF_KIND_FUNC_PROTO) {
      this.ftypeOut(t, name, false, 0);
      return;
    } else if (this.isStruct(t)) {
      if (this.named(t)) {
        o.ascii('struct ');
        this.putName(this.nameRef(t));
        o.byte(32);
        this.putName(name);
        return;
      }
      this.findHoles(t);
      const c = conf.copy();
      c.suffix = name;
      this.printNested(t, c, false);
      return;
    } else if (((ENUM_KINDS >>> this.kinds[t]!) & 1) !== 0) {
      if (this.named(t)) {
        o.ascii('enum ');
        this.putName(this.nameRef(t));
        o.byte(32);
        this.putName(name);
        return;
      }
      const c = conf.copy();
      c.suffix = name;
      this.enumOut(t, c);
      return;
    }
    o.text(this.nameIn(t, 512));
    o.byte(32);
    this.putName(name);
  }

  // ---- -R (pahole's class__reorganize, dwarves_reorganize.c, without the
  // bitfield algorithms, which pahole 1.24 builds without) ----

  /** {@link writeReorganized} as a string. */
  reorganized(id: number): string {
    return this.capture(() => this.writeReorganized(id, this.o));
  }

  /**
   * Writes struct `id` reorganized as `pahole -R -C` does (`do_reorg`): the
   * member order that fills holes, the clone printed, then `saved N bytes`
   * (and cachelines) when it shrank. Bitfields are never moved.
   */
  writeReorganized(id: number, out: ByteOut): void {
    const V = this.n;
    const first = this.fix(id);
    this.findHoles(id);
    const cnt = this.nrMembers(id);
    if (this.mLen + cnt > this.mByteOff.length) this.grow(this.mLen + cnt);
    const vf = this.mLen;
    this.mLen += cnt;
    if (cnt > this.vName.length) {
      const m = Math.max(cnt, this.vName.length * 2);
      this.vName = new Uint32Array(m);
      this.vType = new Uint32Array(m);
      this.vBitOff = new Uint32Array(m);
      this.vBfs = new Uint8Array(m);
    }
    for (let i = 0; i < cnt; i++) {
      this.vName[i] = this.memberWord(id, i, 0);
      this.vType[i] = this.memberWord(id, i, 1);
      this.vBitOff[i] = this.bitOffsetOf(id, i);
      this.vBfs[i] = this.bitfieldSizeOf(id, i);
    }
    this.mByteOff.copyWithin(vf, first, first + cnt);
    this.mByteSize.copyWithin(vf, first, first + cnt);
    this.mBitSize.copyWithin(vf, first, first + cnt);
    this.mBitfieldOff.copyWithin(vf, first, first + cnt);
    this.mAlign.copyWithin(vf, first, first + cnt);
    this.mHole.copyWithin(vf, first, first + cnt);
    this.mBitHole.copyWithin(vf, first, first + cnt);
    this.mBitOff.copyWithin(vf, first, first + cnt);
    this.mBfs.copyWithin(vf, first, first + cnt);
    this.mName.copyWithin(vf, first, first + cnt);
    this.mType.copyWithin(vf, first, first + cnt);
    this.vOrig = id;
    this.vCount = cnt;
    this.vSize = this.size(id);
    this.flags[V] = this.flags[id]!;
    this.kinds[V] = BTF_KIND_STRUCT;
    this.mFirst[V] = vf;
    this.tAlign[V] = this.tAlign[id]!;
    this.natAlign[V] = this.natAlign[id]!;
    this.preHole[V] = this.preHole[id]!;
    this.preBitHole[V] = this.preBitHole[id]!;
    this.nrHoles[V] = this.nrHoles[id]!;
    this.nrBitHoles[V] = this.nrBitHoles[id]!;
    this.padding[V] = this.padding[id]!;
    this.bitPadding[V] = this.bitPadding[id]!;
    this.reorganize();
    this.writeStruct(V, out);
    const savings = (this.size(id) - this.vSize) | 0;
    if (savings === 0) {
      out.byte(10);
      return;
    }
    const cls = this.cachelineSize;
    const ncl = (bytes: number): number => Math.floor((bytes + cls - 1) / cls);
    const clSavings = ncl(Math.max(0, this.tagSize(id))) - ncl(Math.max(0, this.tagSize(V)));
    let tail = `   /* saved ${savings} byte${savings !== 1 ? 's' : ''}`;
    // pahole prints the cacheline difference as a size_t: a clone that grew wraps.
    const clText = clSavings < 0 ? String(2n ** 64n + BigInt(clSavings)) : String(clSavings);
    if (clSavings !== 0) tail += ` and ${clText} cacheline${clSavings !== 1 ? 's' : ''}`;
    out.ascii(`${tail}! */\n`);
  }

  /** Moves clone member `from` to just after member `dest` (dest < from), every member array with it. */
  private moveAfter(dest: number, from: number): void {
    const vf = this.mFirst[this.n]!;
    const rot = (
      a: { [k: number]: number; copyWithin(t: number, s: number, e: number): unknown },
      base: number,
    ): void => {
      const x = a[base + from]!;
      a.copyWithin(base + dest + 2, base + dest + 1, base + from);
      a[base + dest + 1] = x;
    };
    rot(this.vName, 0);
    rot(this.vType, 0);
    rot(this.vBitOff, 0);
    rot(this.vBfs, 0);
    rot(this.mByteOff, vf);
    rot(this.mByteSize, vf);
    rot(this.mBitSize, vf);
    rot(this.mBitfieldOff, vf);
    rot(this.mAlign, vf);
    rot(this.mHole, vf);
    rot(this.mBitHole, vf);
    rot(this.mBitOff, vf);
    rot(this.mBfs, vf);
    rot(this.mName, vf);
    rot(this.mType, vf);
  }

  /** `class__recalc_holes` of the clone. */
  private recalcHoles(): void {
    this.flags[this.n]! &= ~HOLES;
    this.findHoles(this.n);
  }

  /** `class__subtract_offsets_from`: members after clone member `k` move `size` bytes down. */
  private subtractOffsetsFrom(k: number, size: number): void {
    const V = this.n;
    const vf = this.mFirst[V]!;
    for (let i = k + 1; i < this.vCount; i++) {
      this.mByteOff[vf + i] = (this.mByteOff[vf + i]! - size) >>> 0;
      this.vBitOff[i] = (this.vBitOff[i]! - size * 8) >>> 0;
      this.mBitOff[vf + i] = this.vBitOff[i]!;
    }
    if (this.padding[V] !== 0) {
      const last = vf + this.vCount - 1;
      const np = this.vSize - (this.mByteOff[last]! + this.mByteSize[last]!);
      this.padding[V] = Math.max(np, 0);
    }
  }

  /** `class__find_next_hole_of_size`: after clone member `from`, the first with a hole that fits in `size` bytes. */
  private nextHoleOfSize(from: number, size: number): number {
    const vf = this.mFirst[this.n]!;
    let head = -1;
    for (let i = from + 1; i < this.vCount; i++) {
      if (this.vBfs[i] !== 0) {
        if (head < 0) head = i;
      } else head = -1;
      if (this.mHole[vf + i] !== 0 && this.mByteSize[vf + i] !== 0 && this.mByteSize[vf + i]! <= size)
        return head >= 0 ? head : i;
    }
    return -1;
  }

  /** `class__find_last_member_of_size`: from the end back to clone member `to`, the last that fits in `size` bytes. */
  private lastMemberOfSize(to: number, size: number): number {
    const vf = this.mFirst[this.n]!;
    for (let i = this.vCount - 1; i >= 0; i--) {
      if (i === to) break;
      // Not the first member of a bitfield: skip it.
      if (this.vBfs[i] !== 0 && this.mByteOff[vf + i] !== 0 && i > 0 && this.vBfs[i - 1] !== 0) continue;
      if (this.mByteSize[vf + i] !== 0 && this.mByteSize[vf + i]! <= size) return i;
    }
    return -1;
  }

  /** `class__move_member` (non-verbose): false for a bitfield, which pahole 1.24 never moves. */
  private moveMember(dest: number, from: number, fromPadding: boolean): boolean {
    if (this.vBfs[from] !== 0) return false;
    const V = this.n;
    const vf = this.mFirst[V]!;
    const addr = this.ptrSize;
    const fromSize = this.mByteSize[vf + from]!;
    const destSize = this.mByteSize[vf + dest]!;
    const fromWasLast = from === this.vCount - 1;
    // from_prev, and where it will be once `from` has moved up to after `dest`.
    const fromPrev = from - 1 > dest ? from : from - 1;
    const origTailFromHole = this.mHole[vf + from]!;
    const origFromOffset = this.mByteOff[vf + from]! & 0xffff;
    const offset = (this.mHole[vf + dest]! % Math.min(fromSize, addr)) & 0xffff;
    const newFromOffset = (this.mByteOff[vf + dest]! + destSize + offset) & 0xffff;
    this.moveAfter(dest, from);
    const at = dest + 1;
    this.mByteOff[vf + at] = newFromOffset;
    this.vBitOff[at] = (newFromOffset * 8 + this.mBitfieldOff[vf + at]!) >>> 0;
    this.mBitOff[vf + at] = this.vBitOff[at]!;
    if (fromPadding) {
      if (origFromOffset % addr === 0) this.vSize = (this.vSize - (fromSize + this.padding[V]!)) >>> 0;
    } else if (fromWasLast) {
      this.vSize = (this.vSize - (fromSize + this.padding[V]!)) >>> 0;
    } else if (origTailFromHole + fromSize >= addr) {
      this.vSize = (this.vSize - addr) >>> 0;
      this.subtractOffsetsFrom(fromPrev, addr);
    }
    this.recalcHoles();
    return true;
  }

  /** `class__reorganize` of the clone (the hole-combining passes). */
  private reorganize(): void {
    const V = this.n;
    const vf = this.mFirst[V]!;
    const addr = this.ptrSize;
    for (let guard = 0; guard < 100000; guard++) {
      const n = this.vCount;
      if (n === 0) return;
      const last = n - 1;
      let alignmentSize = 0;
      for (let i = 0; i < n; i++) {
        const aligned = this.mByteSize[vf + i]! + this.mHole[vf + i]!;
        if (aligned <= addr && aligned > alignmentSize) alignmentSize = aligned;
      }
      if (alignmentSize !== 0) {
        if (alignmentSize > 1) alignmentSize = Math.ceil(alignmentSize / 2) * 2;
        const end = this.mByteOff[vf + last]! + this.mByteSize[vf + last]!;
        const modulo = end % alignmentSize;
        const newPadding = modulo !== 0 ? (addr - modulo) & 0xffff : 0;
        if (newPadding !== this.padding[V]) {
          this.padding[V] = newPadding;
          this.vSize = (end + newPadding) >>> 0;
        }
      }
      let moved = false;
      for (let i = 0; i < n && !moved; i++) {
        const hole = this.mHole[vf + i]!;
        if (hole === 0) continue;
        const brother = this.nextHoleOfSize(i, hole);
        if (brother >= 0 && brother - 1 !== i && this.moveMember(i, brother, false)) {
          moved = true;
          break;
        }
        const lastSize = this.mByteSize[vf + last]!;
        if (this.padding[V]! > 0 && i !== last && lastSize !== 0 && lastSize <= this.mHole[vf + i]!) {
          if (this.moveMember(i, last, true)) moved = true;
        }
      }
      if (moved) continue;
      if (this.nrHoles[V] === 0) return;
      for (let i = 0; i < n && !moved; i++) {
        const hole = this.mHole[vf + i]!;
        if (hole === 0) continue;
        const brother = this.lastMemberOfSize(i, hole);
        if (brother >= 0 && brother - 1 !== i && this.moveMember(i, brother, false)) moved = true;
      }
      if (!moved) return;
    }
  }

  /** Whether `id` is a struct definition (pahole's `tag__is_struct`). */
  isPlainStruct(id: number): boolean {
    return this.kinds[id]! === BTF_KIND_STRUCT;
  }

  /** The struct or union `id` names: itself, or what a typedef of it reaches through typedefs and modifiers (0: none). */
  aggregateOf(id: number): number {
    const t = this.strip(id);
    return t && (this.kinds[t]! === BTF_KIND_STRUCT || this.kinds[t]! === BTF_KIND_UNION) ? t : 0;
  }

  /** Whether `id` is a struct or union pahole lists (a definition, named). */
  listed(id: number): boolean {
    const k = this.kinds[id]!;
    return (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) && this.named(id);
  }

  /** The string offset of type `id`'s name. */
  nameOffOf(id: number): number {
    return this.q.nameOff(id);
  }

  /** The struct/union name pahole de-duplicates by (see {@link sameListed}). */
  nameOf(id: number): string {
    return this.name(id);
  }

  /**
   * Whether `a` and `b` are one entry of pahole's listing (`type__compare`):
   * same name, size and member count, members of the same names (where both
   * have one) at the same bit offsets. pahole prints the first only.
   */
  sameListed(a: number, b: number): boolean {
    if (
      !this.sameStr(this.q.nameOff(a), this.q.nameOff(b)) ||
      this.size(a) !== this.size(b) ||
      this.vlen(a) !== this.vlen(b)
    )
      return false;
    for (let i = 0, n = this.vlen(a); i < n; i++) {
      const na = this.memberWord(a, i, 0);
      const nb = this.memberWord(b, i, 0);
      if (na && nb && !this.sameStr(na, nb)) return false;
      if (this.bitOffsetOf(a, i) !== this.bitOffsetOf(b, i)) return false;
    }
    return true;
  }

  /**
   * Whether listed struct/union `id` repeats one seen before by this method
   * (see {@link sameListed}); when not, it is remembered. The ids seen are
   * chained per hash of their name's bytes (no string per name).
   */
  repeatsListed(id: number): boolean {
    if (this.seenHead === null) {
      let size = 1024;
      while (size < this.n) size *= 2;
      this.seenHead = new Int32Array(size);
      this.seenNext = new Int32Array(this.n + 1);
    }
    const head = this.seenHead;
    const next = this.seenNext!;
    const s = this.strs;
    // FNV-1a of the name's bytes.
    let h = 0x811c9dc5;
    for (let i = this.q.nameOff(id); i < s.length && s[i] !== 0; i++) h = Math.imul(h ^ s[i]!, 0x01000193);
    h &= head.length - 1;
    for (let o = head[h]!; o > 0; o = next[o]!) if (this.sameListed(o, id)) return true;
    next[id] = head[h]!;
    head[h] = id;
    return false;
  }
  private seenHead: Int32Array | null = null;
  private seenNext: Int32Array | null = null;

  /** pahole's `cu__find_type_by_name`: the first struct, union, enum or typedef named `name` (0: none). */
  findByName(name: string): number {
    // The first few names: a scan comparing the name's bytes with the string
    // section (no string decoded; a map of every name costs more for one -C).
    if (this.byName === null && this.scans < 8 && asciiText(name)) {
      this.scans++;
      const q = this.q;
      for (let id = 1; id < this.n; id++) {
        const k = this.kinds[id]!;
        if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION || k === BTF_KIND_TYPEDEF || ((ENUM_KINDS >>> k) & 1) !== 0) {
          if (q.strIs(q.nameOff(id), name)) return id;
        }
      }
      return 0;
    }
    if (this.byName === null) {
      // Built on the first -C name: a scan per name made long -C lists quadratic.
      const m = new Map<string, number>();
      for (let id = 1; id < this.n; id++) {
        const k = this.kinds[id]!;
        if (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION || k === BTF_KIND_TYPEDEF || ((ENUM_KINDS >>> k) & 1) !== 0) {
          const nm = this.name(id);
          if (!m.has(nm)) m.set(nm, id);
        }
      }
      this.byName = m;
    }
    return this.byName.get(name) ?? 0;
  }
  private byName: Map<string, number> | null = null;
  /** Names looked up by a scan so far (see {@link findByName}). */
  private scans = 0;

  /** Whether `id` is a struct or union definition (a `-C` target pahole prints as a layout). */
  isNamedAggregate(id: number): boolean {
    const k = this.kinds[id]!;
    return k === BTF_KIND_STRUCT || k === BTF_KIND_UNION;
  }

  /** pahole's `class__filter` for the listing: at least `nrHoles` holes, name not starting with `exclude`. */
  filter(id: number, nrHoles: number, exclude?: string): boolean {
    if (exclude !== undefined && this.name(id).startsWith(exclude)) return false;
    if (!this.isStruct(id)) return nrHoles === 0;
    this.findHoles(id);
    return this.nrHoles[id]! >= nrHoles;
  }

  /** The size pahole prints for struct/union `id`. */
  tagSizeOf(id: number): number {
    return this.size(id);
  }

  /** The facts of struct/union `id`'s layout (holes computed as pahole does). */
  layout(id: number): Layout {
    const union = this.isUnion(id);
    this.findHoles(id);
    this.inferPacked(id);
    const first = this.fix(id);
    const members: LayoutMember[] = [];
    for (let i = 0, n = this.nrMembers(id); i < n; i++) {
      const j = first + i;
      const prev = i === 0 ? -1 : j - 1;
      const t = this.memberWord(id, i, 1);
      members.push({
        name: this.str(this.memberWord(id, i, 0)),
        type: this.typeName(t),
        typeId: t,
        byteOffset: this.mByteOff[j]!,
        bitOffset: this.bitOffsetOf(id, i),
        byteSize: this.mByteSize[j]!,
        bitfieldSize: this.bitfieldSizeOf(id, i),
        bitfieldOffset: this.mBitfieldOff[j]!,
        holeBefore: union ? 0 : prev < 0 ? this.preHole[id]! : this.mHole[prev]!,
        bitHoleBefore: union ? 0 : prev < 0 ? this.preBitHole[id]! : this.mBitHole[prev]!,
        cacheline: Math.floor(this.mByteOff[j]! / this.cachelineSize),
        alignment: this.mAlign[j]!,
      });
    }
    let sumHoles = 0;
    let sumBitHoles = 0;
    if (!union) {
      sumHoles = this.preHole[id]!;
      sumBitHoles = this.preBitHole[id]!;
      for (let i = 0; i < members.length; i++) {
        sumHoles += Math.max(0, this.mHole[first + i]!);
        sumBitHoles += this.mBitHole[first + i]!;
      }
    }
    const size = this.kinds[id]! === BTF_KIND_FWD ? 0 : this.size(id);
    return {
      id,
      kind: union ? 'union' : 'struct',
      name: this.name(id),
      size,
      cachelines: Math.ceil(size / this.cachelineSize),
      members,
      holes: union ? 0 : this.nrHoles[id]!,
      sumHoles,
      bitHoles: union ? 0 : this.nrBitHoles[id]!,
      sumBitHoles,
      padding: union ? 0 : this.padding[id]!,
      bitPadding: union ? 0 : this.bitPadding[id]!,
      packed: (this.flags[id]! & PACKED) !== 0,
      alignment: this.tAlign[id]!,
    };
  }
}

/** What {@link paholeListing} prints: pahole's listing options. */
export interface ListingOptions extends LayoutOptions {
  /** `-C`: only these types, in this order; the listing stops at the first one not found, as pahole's does. */
  classNames?: readonly string[];
  /** `--sizes`: `name<TAB>size<TAB>holes` lines. */
  sizes?: boolean;
  /** `-H N`: structs with at least N holes (unions only when 0). */
  holes?: number;
  /** `-x PREFIX`: leave out the types whose name starts with PREFIX. */
  exclude?: string;
  /**
   * `-R`: print the `-C` structs reorganized to fill their holes, with what
   * it saved (pahole ignores it without `-C`, and prints nothing for a `-C`
   * type that is not a struct).
   */
  reorganize?: boolean;
  /** Called with a `-C` name that names no struct, union, enum or typedef. */
  onMissing?: (name: string) => void;
}

/**
 * Yields, in order, the ids pahole prints for `opts` from the whole type
 * space of `p`'s BTF (a split BTF's base included, as pahole lists it): the
 * named structs and unions that pass the filters, the first of each set of
 * equal ones (`sameListed`), or the `-C` types (enums and typedefs too, as
 * pahole prints them: see {@link LayoutPrinter.printTag}).
 */
export function* listedIds(p: LayoutPrinter, typeCount: number, opts: ListingOptions = {}): Generator<number> {
  if (opts.classNames?.length) {
    for (const name of opts.classNames) {
      const id = p.findByName(name);
      if (!id) {
        opts.onMissing?.(name);
        return;
      }
      p.findHoles(id);
      yield id;
    }
    return;
  }
  const nrHoles = opts.holes ?? 0;
  // Without -H and -x every struct passes (its holes are found when it is printed).
  const filter = nrHoles > 0 || opts.exclude !== undefined;
  for (let id = 1; id < typeCount; id++) {
    if (!p.listed(id)) continue;
    if (filter && !p.filter(id, nrHoles, opts.exclude)) continue;
    if (p.repeatsListed(id)) continue;
    yield id;
  }
}

/**
 * Writes the bytes `pahole -F btf` prints for `btf` with `opts` to `sink`
 * (in 64 KiB chunks, through lib/dump/bytes.ts: no string per line).
 */
export function writeLayoutListing(btf: BtfContainer, sink: ByteSink, opts: ListingOptions = {}): void {
  const p = new LayoutPrinter(btf, opts);
  // A small first chunk: the flush runs before V8 optimises the writers (see ByteOut).
  const o = new ByteOut(sink, 4096);
  const strs = typeQuery(btf).strs;
  if (!opts.classNames?.length && !opts.sizes && !opts.holes && opts.exclude === undefined) {
    p.writeListing(o);
    o.flush();
    return;
  }
  for (const id of listedIds(p, typeQuery(btf).typeCount, opts)) {
    // With -C, pahole prints each type in full, --sizes or not.
    if (opts.classNames?.length) {
      if (!opts.reorganize) {
        p.writeTag(id, o);
        o.byte(10);
      } else if (p.isPlainStruct(id)) p.writeReorganized(id, o);
    } else if (opts.sizes) {
      o.cstr(strs, p.nameOffOf(id));
      o.byte(9);
      o.uint(p.tagSizeOf(id));
      o.byte(9);
      o.uint(p.holesOf(id));
      o.byte(10);
    } else {
      p.writeStruct(id, o);
      o.byte(10);
    }
  }
  o.flush();
}

/** The text `pahole -F btf` prints for `btf` with `opts` (see {@link writeLayoutListing}), as one chunk (none when empty). */
export function* paholeListing(btf: BtfContainer, opts: ListingOptions = {}): Generator<string> {
  const text = bytesToText(collectBytes((sink) => writeLayoutListing(btf, sink, opts)));
  if (text.length > 0) yield text;
}
