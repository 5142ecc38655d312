/**
 * The C declaration renderer: how a BTF type is spelled in C, shared by the
 * header dump (c.ts, libbpf's `btf_dump__dump_type`) and the casts of typed
 * data (inspect/typed-data.ts, `btf_dump__dump_type_data`), as libbpf shares
 * `btf_dump_emit_type_decl` between them.
 *
 * A declaration of a name as a type pushes the chain of pointers, arrays,
 * modifiers and prototypes down to a terminal type on a stack, and prints it
 * back inside out (`btf_dump_emit_type_chain`), so that an array of function
 * pointers comes out as `int (*f[4])(void *)`:
 *
 *   declare f as [4] -> PTR -> FUNC_PROTO(int; void *)
 *   stack:  [ARRAY, PTR, FUNC_PROTO, INT]   popped from the right:
 *           int  ->  int (*  ->  int (*f[4]  ->  int (*f[4])(void *)
 *
 * Anonymous structs, unions and enums are defined inline where they are
 * declared (the header dump), or named by their bare keyword (a cast).
 *
 * Nesting. libbpf recurses: a struct definition declares its members, a
 * member's anonymous struct is defined inline, a prototype declares its
 * parameters, each one a C call. bpftool copes with some 20,000 levels of
 * either and crashes before 50,000. Here the three are frames of one work
 * stack of numbers ({@link CDeclWriter.run}): a declaration (its chain on
 * `stack`, then its pending suffixes), a struct definition (the next
 * member), a parameter list (the next parameter). A step runs until it
 * starts a nested declaration that does not come from the cache, saves where
 * it was in its frame and returns to the loop, which steps the new top frame;
 * so any depth costs heap, not call stack, and the output is the one the
 * recursion prints. A struct or prototype met again inside its own
 * definition or parameter list is a loop (finite BTF cannot nest otherwise):
 * an ELOOP BtfError, where bpftool overflows its stack.
 *
 * Names. Several compilation units can hold two different `struct x`: the
 * second one printed becomes `struct x___2` (`btf_dump_resolve_name`). The
 * counts live here, once per writer, in two namespaces (tags and ordinary
 * identifiers), keyed by the bytes of the name in the string section; a
 * type's count is fixed the first time it is printed. One writer is one
 * libbpf `struct btf_dump`.
 *
 * Output is bytes ({@link ByteOut}, which this extends): names are copied
 * from the string section; a declaration printed with a name is cached (its
 * text before and after the name, in one byte arena), since most repeat a
 * type already printed (`u32 x`, `struct list_head y`).
 *
 * Kinds this version does not know end in a BtfError naming the type id and
 * the kind; modifier loops in unvalidated BTF end in an ELOOP BtfError.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
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
  BTF_KIND_TYPE_TAG,
  BTF_KIND_UNION,
  BTF_KIND_VOLATILE,
  NR_BTF_KINDS,
  infoKflag,
  infoKind,
  infoVlen16,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';
import { NameCounts } from '../strings.js';
import { ByteOut, bytesToText, type ByteSink } from './bytes.js';

/** Options for a {@link CDeclWriter}. */
interface CDeclOptions {
  /**
   * Print a prototype without parameters as `(void)` (bpftool 7.1's libbpf,
   * a 6.1 stable backport) instead of `()` (libbpf 1.1.2). Defaults to true.
   */
  voidProto?: boolean;
  /** Size of the first output chunk (see {@link ByteOut}). */
  firstChunk?: number;
  /**
   * Print as libbpf 1.8 does (bpftool 7.8): enums of unusual size closed
   * with `__attribute__((mode(byte)))` (1 byte) or `mode(word)` (8 bytes
   * where C would not make them so), and a TYPE_TAG with kflag set (an
   * attribute, e.g. `address_space(1)`) as `__attribute__((NAME))` instead
   * of `__attribute__((btf_type_tag("NAME")))`. Defaults to false (bpftool
   * 7.1's libbpf).
   */
  libbpf18?: boolean;
}

/**
 * A writer's name state and declaration cache after it printed types of a
 * base BTF (c.ts shares it with every split BTF over that base): per-type
 * flags and counts, the two name counters, the cached declarations.
 */
export interface DeclState {
  flags: Uint8Array;
  dups: Uint32Array;
  typeNames: NameCounts;
  identNames: NameCounts;
  arena: Uint8Array;
  declAt: Uint32Array;
  declPreLen: Uint32Array;
  declPostLen: Uint32Array;
}

/** A pending array or prototype that closes a parenthesis first. */
const PEND_PARENS = 0x80000000;
/** Largest padding gap printed: 1 MiB (kernel types stay far below). */
const MAX_PAD_BITS = 8 * (1 << 20);
/**
 * What an array or prototype with more of the chain above opens with, by
 * bits: 1 an array, 2 a space before the name, 4 an inner dimension. A
 * prototype always prints ` (`; an array `(` after a space where a name
 * follows, and no parenthesis between the dimensions of a multi-dimensional one.
 */
const NESTED_OPEN: readonly string[] = [' (', '(', ' (', ' (', ' (', '', ' (', ' '];
/** {@link dupSuffix}'s answers for the counts met in practice. */
const DUP_SUFFIXES: readonly string[] = Array.from({ length: 64 }, (_, i) => (i > 1 ? `___${i}` : ''));

/** What follows the N-th use of a name: `''` for the first, else `___N` (libbpf's `%s___%zu`). */
function dupSuffix(dup: number): string {
  return dup < DUP_SUFFIXES.length ? DUP_SUFFIXES[dup]! : `___${dup}`;
}

/** Entries of a table by kind: every value {@link infoKind} returns (7 bits; kinds this version does not know included). */
const KIND_SLOTS = 128;
/** The qualifier a chain prints after a type, by kind (`' const'`); empty for other kinds. */
const QUALIFIER_AFTER: readonly string[] = Array.from({ length: NR_BTF_KINDS }, (_, k) =>
  k === BTF_KIND_CONST ? ' const' : k === BTF_KIND_VOLATILE ? ' volatile' : k === BTF_KIND_RESTRICT ? ' restrict' : '',
);

/** {@link TERM_KIND}: a named type written as itself (INT, FLOAT, TYPEDEF, FWD, TYPE_TAG). */
const TERM_NAMED = 1;
/** {@link TERM_KIND}: a struct, union or enum, defined inline where anonymous. */
const TERM_INLINE = 2;
/** Per kind: which kinds a declaration's chain writes through the named-type path of chainStep (0: none). */
const TERM_KIND = new Uint8Array(KIND_SLOTS);
for (const k of [BTF_KIND_INT, BTF_KIND_FLOAT, BTF_KIND_TYPEDEF, BTF_KIND_FWD, BTF_KIND_TYPE_TAG])
  TERM_KIND[k] = TERM_NAMED;
for (const k of [BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64]) TERM_KIND[k] = TERM_INLINE;

/**
 * What chainStep writes for a named type or a type tag, by a row of kind,
 * kflag, an anonymous name and libbpf 1.8 (`kind << 3 | kflag << 2 | anon << 1 | v18`):
 * the text before the name, how the name is written (0 as it is, 1 unique
 * among tags, 2 unique among ordinary identifiers) and the text after it
 * (`btf_dump_emit_type_chain`, `btf_dump_emit_struct_fwd`,
 * `btf_dump_emit_fwd_def`). An anonymous struct or union here is a cast's:
 * its bare keyword.
 */
const TERM_BEFORE: string[] = [];
const TERM_NAMES = new Uint8Array(NR_BTF_KINDS << 3);
const TERM_AFTER: string[] = [];
for (let t = 0; t < NR_BTF_KINDS << 3; t++) {
  const kind = t >> 3;
  const kflag = (t & 4) !== 0;
  const anon = (t & 2) !== 0;
  const v18 = (t & 1) !== 0;
  let before = '';
  let after = '';
  let names = 0;
  if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
    before = kind === BTF_KIND_STRUCT ? 'struct' : 'union';
    if (!anon) before += ' ';
    names = 1;
  } else if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) {
    before = 'enum ';
    names = 1;
  } else if (kind === BTF_KIND_FWD) {
    before = kflag ? 'union ' : 'struct ';
    names = 1;
  } else if (kind === BTF_KIND_TYPEDEF) {
    names = 2;
  } else if (kind === BTF_KIND_TYPE_TAG) {
    // libbpf 1.8: a type tag with kflag is a plain attribute.
    before = v18 && kflag ? ' __attribute__((' : ' __attribute__((btf_type_tag("';
    after = v18 && kflag ? '))' : '")))';
  }
  TERM_BEFORE.push(before);
  TERM_NAMES[t] = names;
  TERM_AFTER.push(after);
}

/** The qualifier a chain prints before a type, by kind (`'const '`); empty for other kinds (see {@link CDeclWriter.emitMods}). */
const QUALIFIER_BEFORE: readonly string[] = Array.from({ length: KIND_SLOTS }, (_, k) =>
  k < QUALIFIER_AFTER.length && QUALIFIER_AFTER[k] !== '' ? `${QUALIFIER_AFTER[k]!.slice(1)} ` : '',
);
/** {@link CHAIN_LINK}: a modifier (a type tag included). */
const CHAIN_MOD = 4;
/**
 * Per kind, how a declaration's chain goes on below a type of it: 0 it ends
 * there (a terminal type), else the word of its record that holds the next
 * type (2, or 3 for an array), with {@link CHAIN_MOD} for a modifier.
 */
const CHAIN_LINK = new Uint8Array(KIND_SLOTS);
CHAIN_LINK[BTF_KIND_PTR] = 2;
CHAIN_LINK[BTF_KIND_FUNC_PROTO] = 2;
CHAIN_LINK[BTF_KIND_ARRAY] = 3;
for (const k of [BTF_KIND_CONST, BTF_KIND_VOLATILE, BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG])
  CHAIN_LINK[k] = 2 | CHAIN_MOD;

// Frames of the work stack (see the essay): FRAME numbers each, the kind first.
/** A declaration: [1] chain start, [2] name (EXT_IN_FRAME for EXT_NAME), [3] level, [4] pending base, [5] DF_* flags, [6]-[11] the cache record. */
const F_DECL = 1;
/** A struct or union definition: [1] id, [2] level, [3] next member, [5] previous was a bitfield, [6] packed, [7] a member is under way; its bit offset in `fsWide`. */
const F_STRUCT = 2;
/** A parameter list: [1] word offset of the prototype, [2] next parameter, [3] level, [4] a parameter is under way, [5] id. */
const F_PARAMS = 3;
const FRAME = 12;
// F_DECL flags.
/** The last thing printed was `*`. */
const DF_LAST_PTR = 1;
/** The name is still to be printed after the chain. */
const DF_NAMED = 2;
/** The chain is printed; the pending suffixes are next. */
const DF_PENDING = 4;
/** The declaration is being recorded for the cache. */
const DF_RECORD = 8;

// Per-type flags; the header dump adds its own above these.
/** The type's name has been counted (`dups` holds its count). */
const NAME_RESOLVED = 1;
/** A cached declaration of the type puts a space before the name. */
const DECL_SEP = 2;
/** The type's definition or parameter list is under way (the top bit; the header dump's flags sit between). */
const IN_PROGRESS = 128;

/** A declared name that is {@link CDeclWriter.declText}'s own string: never a string offset (>= 0) or minus a type id. */
const EXT_NAME = -0x1_0000_0000;
/** EXT_NAME as a declaration's frame holds it (32 bits: below minus any type id). */
const EXT_IN_FRAME = -0x8000_0000;
const EMPTY = new Uint8Array(0);
const utf8Encoder = new TextEncoder();

const TAB = 9;
const NL = 10;
const SPACE = 32;

/** libbpf's `roundup()`. */
function roundup(x: number, y: number): number {
  return Math.ceil(x / y) * y;
}

/**
 * libbpf's `struct btf_dump` as far as declarations go: the writer of C
 * declarations and definitions of one BTF, with its name state. The header
 * dump extends it (c.ts); typed data uses one for its casts.
 */
export class CDeclWriter extends ByteOut {
  /** The flat view of the BTF (lib/query.ts). */
  protected readonly q: TypeQuery;
  protected readonly w: Uint32Array;
  protected readonly off: Uint32Array;
  /** Type ids in all (`btf__type_cnt`). */
  readonly count: number;
  protected readonly strs: Uint8Array;
  protected readonly ptrSz: number;
  /** The layer's size and alignment memos (see {@link alignOf}). */
  private readonly sizes: Float64Array;
  private readonly aligns: Int32Array;
  private readonly voidProto: boolean;
  private readonly libbpf18: boolean;

  /** Per-type flags: NAME_RESOLVED, DECL_SEP, and the header dump's own. */
  protected readonly flags: Uint8Array;
  /** How many types had this type's name when it was first printed (libbpf's `cached_names`, `NAME___N` when above 1). */
  private readonly dups: Uint32Array;
  /** Occurrences of struct/union/enum names (and INT names, as libbpf counts them). */
  protected readonly typeNames: NameCounts;
  /** Occurrences of typedef names and enumerators. */
  protected readonly identNames: NameCounts;
  private stack = new Uint32Array(64);
  private top = 0;
  /** Arrays and prototypes whose suffix waits for the rest of a chain (see {@link emitTypeChain}). */
  private pend = new Uint32Array(64);
  private pendTop = 0;

  // The declaration cache: the text of a declaration of a type, before and
  // after the declared name (`int (*` and `)[4]`), in one byte arena; for
  // type `id`, `declAt[id] - 1` is where its text starts (0: not cached).
  private arena: Uint8Array;
  private arenaLen = 0;
  private readonly declAt: Uint32Array;
  private readonly declPreLen: Uint32Array;
  private readonly declPostLen: Uint32Array;
  // The declaration being recorded: its frame, and where its name went.
  private capFrame = -1;
  /** The parameter nesting of the declaration being recorded: a parameter's frame can start where it does. */
  private capDepth = 0;
  private capNameAt = -1;
  private capNameEnd = 0;
  private capSep = false;
  /** Anonymous types defined inline so far (their declarations are not cached). */
  private inlineDefs = 0;
  /** Parameter declarations under way, one inside the other. */
  private declDepth = 0;
  /** The work stack of declarations, definitions and parameter lists under way (see the essay). */
  private fs = new Int32Array(FRAME * 16);
  /** The bit offsets of the struct frames (past 32 bits in odd BTF), one per frame. */
  private fsWide = new Float64Array(16);
  private fsTop = 0;
  /** A cast is being printed: anonymous types by keyword only, nothing cached (libbpf's `skip_anon_defs`). */
  private cast = false;
  /** Modifiers are left out (libbpf's `strip_mods`). */
  private stripMods = false;
  /** The struct whose padding is being written (for error messages). */
  private padFor = 0;

  /** The declared name of {@link declText}, which is not in the string section. */
  private extName: Uint8Array = EMPTY;

  /** Chunks flushed while a cast was printed (a writer without a sink). */
  private readonly spill: Uint8Array[];

  /**
   * Returns a writer of declarations of `btf`'s types to `sink`; without a
   * sink, for {@link castText} only.
   */
  constructor(btf: BtfContainer, sink: ByteSink | null, opts: CDeclOptions = {}) {
    const spill: Uint8Array[] = [];
    super(sink ?? ((c) => spill.push(c)), opts.firstChunk);
    this.spill = spill;
    const q = typeQuery(btf);
    this.q = q;
    this.w = q.words;
    this.off = q.offs;
    this.strs = q.strs;
    this.count = q.typeCount;
    this.ptrSz = q.ptrSize;
    this.sizes = q.sizes;
    this.aligns = q.aligns;
    this.voidProto = opts.voidProto ?? true;
    this.libbpf18 = opts.libbpf18 ?? false;
    // A quarter of the types is about what vmlinux names in each namespace.
    this.typeNames = new NameCounts(this.strs, this.count >> 2);
    this.identNames = new NameCounts(this.strs, this.count >> 2);
    this.flags = new Uint8Array(this.count);
    this.dups = new Uint32Array(this.count);
    // vmlinux caches about 2.6 bytes per type; growing the arena later costs
    // a deoptimisation of its readers.
    this.arena = new Uint8Array(Math.max(1024, this.count * 4));
    this.declAt = new Uint32Array(this.count);
    this.declPreLen = new Uint32Array(this.count);
    this.declPostLen = new Uint32Array(this.count);
  }

  /**
   * Returns type `typeId` as a cast names it (`btf_dump_emit_type_cast`
   * without the parentheses: anonymous types as bare `struct`, `union`,
   * `enum `; modifiers left out when `stripMods`), counting names in this
   * writer's state. For a writer made without a sink.
   */
  castText(typeId: number, stripMods: boolean): string {
    this.cast = true;
    return this.textOf(typeId, 0, 0, stripMods);
  }

  /**
   * Returns the declaration of `fieldName` as type `typeId`, as libbpf's
   * `btf_dump__emit_type_decl` prints it with `field_name`, `indent_level`
   * and `strip_mods` (bpftool's skeleton writes its section structs so):
   * named types by name (with their `___N` suffix in this writer's state),
   * anonymous structs, unions and enums defined inline at `indent`. An empty
   * `fieldName` declares no name (`int *`, `__u64[16]`). For a writer made
   * without a sink.
   */
  declText(typeId: number, fieldName: string, indent: number, stripMods: boolean): string {
    this.extName = utf8Encoder.encode(fieldName);
    try {
      return this.textOf(typeId, fieldName ? EXT_NAME : 0, indent, stripMods);
    } finally {
      this.extName = EMPTY;
    }
  }

  /** Prints one declaration into the buffer and returns its text (see {@link castText}, {@link declText}). */
  private textOf(typeId: number, fname: number, lvl: number, stripMods: boolean): string {
    this.stripMods = stripMods;
    try {
      this.emitTypeDecl(typeId, fname, lvl);
    } catch (e) {
      this.pos = 0;
      throw e;
    } finally {
      this.cast = false;
      this.stripMods = false;
      // After an error part-way, the next cast starts clean.
      this.declDepth = 0;
      this.top = 0;
      this.pendTop = 0;
      for (let f = 0; f < this.fsTop; f += FRAME) {
        const k = this.fs[f];
        if (k === F_STRUCT || k === F_PARAMS) this.flags[this.fs[f + (k === F_STRUCT ? 1 : 5)]!]! &= ~IN_PROGRESS;
      }
      this.fsTop = 0;
    }
    if (this.spill.length === 0) return this.takeText();
    // A cast longer than a chunk (a prototype of many parameters).
    this.flush();
    let n = 0;
    for (const c of this.spill) n += c.length;
    const all = new Uint8Array(n);
    n = 0;
    for (const c of this.spill) {
      all.set(c, n);
      n += c.length;
    }
    this.spill.length = 0;
    return bytesToText(all);
  }

  /** Returns a copy of this writer's name state and declaration cache (see {@link DeclState}). */
  protected saveDeclState(): DeclState {
    const typeNames = new NameCounts(this.strs, 0);
    typeNames.copyFrom(this.typeNames);
    const identNames = new NameCounts(this.strs, 0);
    identNames.copyFrom(this.identNames);
    return {
      flags: this.flags.slice(),
      dups: this.dups.slice(),
      typeNames,
      identNames,
      arena: this.arena.slice(0, this.arenaLen),
      declAt: this.declAt.slice(),
      declPreLen: this.declPreLen.slice(),
      declPostLen: this.declPostLen.slice(),
    };
  }

  /**
   * Takes the state `s` saved by a writer of this BTF's base for the base's
   * types; of this writer's own flags of those types, `keep` stays.
   */
  protected restoreDeclState(s: DeclState, keep: number): void {
    const { flags } = this;
    for (let i = 0; i < s.flags.length; i++) flags[i] = s.flags[i]! | (flags[i]! & keep);
    this.dups.set(s.dups);
    this.typeNames.copyFrom(s.typeNames);
    this.identNames.copyFrom(s.identNames);
    if (this.arena.length < s.arena.length) this.arena = new Uint8Array(s.arena.length + this.count * 4);
    this.arena.set(s.arena);
    this.arenaLen = s.arena.length;
    this.declAt.set(s.declAt);
    this.declPreLen.set(s.declPreLen);
    this.declPostLen.set(s.declPostLen);
  }

  // ---------------------------------------------------------------- output

  /** Writes a newline and `lvl` tabs (libbpf's `pfx()` stops at 13). */
  protected nlTabs(lvl: number): void {
    if (lvl > 13) lvl = 13;
    this.room(lvl + 1);
    const b = this.buf;
    let p = this.pos;
    b[p++] = NL;
    for (let i = 0; i < lvl; i++) b[p++] = TAB;
    this.pos = p;
  }

  /**
   * Writes the string at offset `n` of the string section: ByteOut's `cstr`
   * written out, since the C dump calls it for nearly every token (one call
   * and a native `indexOf` fewer measured 5-10 ms on the vmlinux dump).
   */
  protected name(n: number): void {
    const s = this.strs;
    let e = n;
    while (s[e] !== 0 && e < s.length) e++;
    this.room(e - n);
    const b = this.buf;
    let p = this.pos;
    for (let i = n; i < e; i++) b[p++] = s[i]!;
    this.pos = p;
  }

  /** Returns the kind of type `id` (0 for void). */
  protected kind(id: number): number {
    return id === 0 ? 0 : infoKind(this.w[this.off[id]! + 1]!);
  }

  /** libbpf's `btf__align_of`, memoised; 0 where there is none. */
  protected alignOf(id: number): number {
    // The layer's memo read here: every member of every struct asks.
    const c = this.aligns[id]!;
    if (c > 0) return c - 1;
    const a = this.q.alignOf(id);
    return Math.max(a, 0);
  }

  /** libbpf's `btf__resolve_size`, or -1 where it fails; memoised. */
  protected sizeOf(id: number): number {
    const c = this.sizes[id]!;
    return c ? c - 2 : this.q.sizeOf(id);
  }

  /** Writes the unique name of type `id`: its name, then `___N` when it is the N-th of that name. */
  protected uniqueName(id: number, map: NameCounts): void {
    const n = this.w[this.off[id]!]!;
    if (n === 0) return;
    this.nameSuffixed(n, dupSuffix(this.resolveName(id, map)));
  }

  /**
   * Writes the name at `n` and `sfx` (a {@link dupSuffix}): one path for
   * the first of a name and a clash, which comes late (V8 would deoptimise
   * every function holding code of its own for it). libbpf formats a
   * suffixed name into a 256-byte buffer: at most 255 bytes of it are kept.
   */
  private nameSuffixed(n: number, sfx: string): void {
    const s = this.strs;
    let e = n;
    while (s[e] !== 0 && e < s.length) e++;
    const m = sfx.length;
    const total = e - n + m;
    // Room for all of it first, so that the cut happens within this chunk.
    this.room(total);
    const b = this.buf;
    const p0 = this.pos;
    let p = p0;
    for (let i = n; i < e; i++) b[p++] = s[i]!;
    this.pos = p;
    // Through ascii, whose loop V8 has seen: a loop here would run first on a clash.
    this.ascii(sfx);
    this.pos = p0 + Math.min(total, m === 0 ? total : 255);
  }

  /** libbpf's `btf_is_struct_packed`. */
  private isStructPacked(o: number): boolean {
    const { w } = this;
    const info = w[o + 1]!;
    const vlen = infoVlen16(info);
    const kflag = infoKflag(info);
    let max = 1;
    for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
      const align = this.alignOf(w[m + 1]!);
      const moff = w[m + 2]!;
      if (align && memberBitfieldSize(moff, kflag) === 0 && moff % (8 * align) !== 0) return true;
      if (align > max) max = align;
    }
    return w[o + 2]! % max !== 0;
  }

  /** Writes one padding field: newline, tabs, `type: bits;`. */
  private pad(lvl: number, type: string, bits: number): void {
    this.nlTabs(lvl);
    this.ascii(type);
    this.ascii(': ');
    this.uint(bits);
    this.byte(59); // ;
  }

  /**
   * `btf_dump_emit_bit_padding`: fills the gap from bit `cur` to bit `next`
   * with anonymous bitfields, relying on natural alignment where it gives the
   * right offset.
   */
  private emitBitPadding(cur: number, next: number, nextAlign: number, inBitfield: boolean, lvl: number): void {
    if (cur >= next) return;
    // bpftool would print one line per 8 bytes of a gap however large; a gap
    // no real type has (a corrupt size) is an error instead of gigabytes.
    if (next - cur > MAX_PAD_BITS) {
      throw new BtfError(
        BtfErrorCode.TooBig,
        `type [${this.padFor}]: a gap of ${Math.floor((next - cur) / 8)} bytes before bit ${next} is too large to print as C padding`,
        { typeId: this.padFor },
      );
    }
    const longBits = this.ptrSz * 8;
    // The largest of long, int, short and char whose alignment boundary
    // after `cur` is not past `next`.
    let padBits = longBits;
    let padType = 'long';
    let newOff = roundup(cur, padBits);
    if (newOff > next) {
      padBits = 32;
      padType = 'int';
      newOff = roundup(cur, 32);
      if (newOff > next) {
        padBits = 16;
        padType = 'short';
        newOff = roundup(cur, 16);
        if (newOff > next) {
          padBits = 8;
          padType = 'char';
          newOff = roundup(cur, 8);
        }
      }
    }
    if (newOff > cur && newOff <= next) {
      // An explicit `type: 0` when the next field sits right on the boundary
      // but its own alignment would not take it there, or when `type: X`
      // would fit in the hole and be ignored; bitfields take an explicit
      // bit count.
      if (
        inBitfield ||
        (newOff === next && roundup(cur, nextAlign * 8) !== newOff) ||
        (newOff !== next && next - newOff <= newOff - cur)
      ) {
        this.pad(lvl, padType, inBitfield ? newOff - cur : 0);
      }
      cur = newOff;
    }
    // Whole `type: bits` markers, then the smallest type that holds the
    // rest: one call of pad for both (each call is a copy of pad's code
    // once V8 optimises this function).
    while (cur !== next) {
      const bits = Math.min(next - cur, padBits);
      // Compared on every turn: the first gap that needs a smaller type
      // comes after V8 optimised this function, and a comparison first met
      // there deoptimised it.
      const le8 = bits <= 8;
      const le16 = bits <= 16;
      const le32 = bits <= 32;
      if (bits !== padBits) {
        if (le8) {
          padType = 'char';
          padBits = 8;
        } else if (le16) {
          padType = 'short';
          padBits = 16;
        } else if (le32) {
          padType = 'int';
          padBits = 32;
        } else {
          padType = 'long';
          padBits = longBits;
        }
      }
      this.pad(lvl, padType, bits);
      cur += bits;
    }
  }

  /** `btf_dump_emit_struct_fwd`: `struct NAME`, `union NAME`, or the bare keyword. */
  protected structFwd(id: number, info: number): void {
    const isStruct = infoKind(info) === BTF_KIND_STRUCT;
    if (this.w[this.off[id]!] === 0) {
      this.ascii(isStruct ? 'struct' : 'union');
      return;
    }
    this.ascii(isStruct ? 'struct ' : 'union ');
    this.uniqueName(id, this.typeNames);
  }

  /** `btf_dump_emit_struct_def`: the definition of struct or union `id` at indent `lvl`. */
  protected emitStructDef(id: number, lvl: number): void {
    const base = this.fsTop;
    this.structStart(id, lvl);
    this.run(base);
  }

  /** Pushes a frame on the work stack and returns where it starts. */
  private pushWork(kind: number): number {
    if (this.fsTop + FRAME > this.fs.length) {
      const g = new Int32Array(this.fs.length * 2);
      g.set(this.fs);
      this.fs = g;
      const b = new Float64Array(g.length / FRAME);
      b.set(this.fsWide);
      this.fsWide = b;
    }
    const f = this.fsTop;
    this.fs[f] = kind;
    this.fsTop = f + FRAME;
    return f;
  }

  /**
   * Steps the frames above `base` until none is left (see the essay).
   * Parameter lists are stepped through stepDecl: run is small, and each of
   * its callers' optimised code holds a copy of it, but not of stepParams.
   */
  private run(base: number): void {
    while (this.fsTop > base) {
      if (this.fs[this.fsTop - FRAME] === F_STRUCT) this.stepStruct();
      else this.stepDecl();
    }
  }

  /** Marks `id` under way, or throws ELOOP when it already is (a definition or prototype inside itself). */
  private enter(id: number): void {
    if (this.flags[id]! & IN_PROGRESS)
      throw new BtfError(BtfErrorCode.Loop, `type [${id}]: reference loop in a declaration`, { typeId: id });
    this.flags[id]! |= IN_PROGRESS;
  }

  /** Opens the definition of struct or union `id` (`struct s {`) and pushes its frame. */
  private structStart(id: number, lvl: number): void {
    const o = this.off[id]!;
    const info = this.w[o + 1]!;
    // A struct aligned to more than a byte has every member at its natural
    // offset and a size that is a multiple of its alignment (btf__align_of
    // checks both): not packed, without a second walk of its members.
    const packed = infoKind(info) === BTF_KIND_STRUCT && this.alignOf(id) <= 1 && this.isStructPacked(o);
    this.enter(id);
    this.structFwd(id, info);
    this.ascii(' {');
    const f = this.pushWork(F_STRUCT);
    const fs = this.fs;
    fs[f + 1] = id;
    fs[f + 2] = lvl;
    fs[f + 3] = 0;
    this.fsWide[f / FRAME] = 0;
    fs[f + 5] = 0;
    fs[f + 6] = packed ? 1 : 0;
    fs[f + 7] = 0;
  }

  /** Steps the struct definition on top of the work stack: members until one nests, then the closing brace. */
  private stepStruct(): void {
    const { w } = this;
    const f = this.fsTop - FRAME;
    let fs = this.fs;
    const id = fs[f + 1]!;
    const lvl = fs[f + 2]!;
    let i = fs[f + 3]!;
    let off = this.fsWide[f / FRAME]!;
    let prevBitfield = fs[f + 5] !== 0;
    const packed = fs[f + 6] !== 0;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const vlen = infoVlen16(info);
    const kflag = infoKflag(info);
    // The member whose declaration nested: its bitfield size and `;`.
    let m = o + 3 + 3 * (i - 1);
    let after = fs[f + 7] !== 0;
    for (;;) {
      if (after) {
        const raw = w[m + 2]!;
        let msz = memberBitfieldSize(raw, kflag);
        const moff = memberBitOffset(raw, kflag);
        if (msz) {
          this.ascii(': ');
          this.uint(msz);
          off = moff + msz;
          prevBitfield = true;
        } else {
          msz = Math.max(0, this.sizeOf(w[m + 1]!));
          off = moff + msz * 8;
          prevBitfield = false;
        }
        this.byte(59); // ;
      }
      if (i >= vlen) break;
      m = o + 3 + 3 * i++;
      const mtype = w[m + 1]!;
      const raw = w[m + 2]!;
      const moff = memberBitOffset(raw, kflag);
      if (off < moff) {
        this.padFor = id;
        const next = memberBitfieldSize(raw, kflag) !== 0;
        this.emitBitPadding(off, moff, packed ? 1 : this.alignOf(mtype), prevBitfield && next, lvl + 1);
      }
      this.nlTabs(lvl + 1);
      after = true;
      if (this.declStart(mtype, w[m]!, lvl + 1)) {
        fs = this.fs;
        fs[f + 3] = i;
        this.fsWide[f / FRAME] = off;
        fs[f + 5] = prevBitfield ? 1 : 0;
        fs[f + 7] = 1;
        return;
      }
    }
    this.fsTop = f;
    this.flags[id]! &= ~IN_PROGRESS;
    if (infoKind(info) === BTF_KIND_STRUCT) {
      this.padFor = id;
      this.emitBitPadding(off, w[o + 2]! * 8, this.alignOf(id), false, lvl + 1);
    }
    // `struct empty {}` stays on one line.
    if (vlen || w[o + 2]!) this.nlTabs(lvl);
    this.byte(125); // }
    if (packed) this.ascii(' __attribute__((packed))');
  }

  /** `btf_dump_emit_enum_def`. */
  protected emitEnumDef(id: number, lvl: number): void {
    const { w } = this;
    const o = this.off[id]!;
    const info = w[o + 1]!;
    const vlen = infoVlen16(info);
    // One path for a named enum and an anonymous one (uniqueName writes
    // nothing for it): the sorted dump's 803 anonymous enums come before
    // its first named one, which deoptimised this function.
    this.ascii(w[o] === 0 ? 'enum' : 'enum ');
    this.uniqueName(id, this.typeNames);
    if (!vlen) return;
    this.ascii(' {');
    const signed = infoKflag(info);
    if (infoKind(info) === BTF_KIND_ENUM) {
      for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
        this.enumerator(w[e]!, lvl);
        // The magnitude of a negative value as 2^32 minus the word, in
        // doubles: `int`'s negation is speculated to fit 31 bits, and the
        // first INT_MIN (early in the sorted dump's run of enums)
        // deoptimised this function.
        let v = w[e + 1]!;
        if (signed && v >= 0x80000000) {
          this.byte(45); // -
          v = 0x100000000 - v;
        }
        this.uint(v);
        this.byte(44); // ,
      }
    } else {
      // ENUM64s are few: their loop is a function of its own, so that
      // this one's optimised code holds one copy of enumerator's.
      this.enum64Values(o, vlen, lvl, signed);
    }
    this.nlTabs(lvl);
    this.byte(125); // }
    // `mode(byte)`/`mode(word)` for enums of unusual size came with libbpf
    // 1.1; the 6.1 kernel's libbpf that bpftool 7.1 is built from has none.
    if (this.libbpf18) this.enumMode(o, info, vlen);
  }

  /** The enumerators of the ENUM64 at word `o`, values past 32 bits through BigInt. */
  private enum64Values(o: number, vlen: number, lvl: number, signed: boolean): void {
    const { w } = this;
    for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
      this.enumerator(w[e]!, lvl);
      const lo = w[e + 1]!;
      const hi = w[e + 2]!;
      if (hi === 0 || (signed && hi === 0xffffffff && lo >= 0x80000000)) {
        this.int(hi === 0 ? lo : lo - 0x100000000);
      } else {
        const u = (BigInt(hi) << 32n) | BigInt(lo);
        this.ascii(String(signed ? BigInt.asIntN(64, u) : u));
      }
      this.ascii(signed ? 'LL,' : 'ULL,');
    }
  }

  /**
   * The attribute that gives an enum its size where C would not: one byte,
   * or eight (on 64-bit targets) when no value needs them: a 32-bit ENUM, or
   * an ENUM64 whose values all have zero upper halves.
   */
  private enumMode(o: number, info: number, vlen: number): void {
    const size = this.w[o + 2]!;
    if (size === 1) {
      this.ascii(' __attribute__((mode(byte)))');
      return;
    }
    if (size !== 8 || this.ptrSz !== 8) return;
    if (infoKind(info) === BTF_KIND_ENUM64) {
      for (let i = 0, e = o + 3; i < vlen; i++, e += 3) if (this.w[e + 2] !== 0) return;
    }
    this.ascii(' __attribute__((mode(word)))');
  }

  /** Writes the start of an enumerator line, `\n\tNAME = ` or `\n\tNAME___N = `. */
  private enumerator(nameOff: number, lvl: number): void {
    // Enumerators share the namespace of typedef names.
    const dups = this.identNames.add(nameOff);
    this.nlTabs(lvl + 1);
    this.name(nameOff);
    // No branch for a clash (see nameSuffixed).
    this.ascii(dupSuffix(dups));
    this.ascii(' = ');
  }

  /** `btf_dump_emit_fwd_def`. */
  protected fwdDef(id: number, info: number): void {
    this.ascii(infoKflag(info) ? 'union ' : 'struct ');
    this.uniqueName(id, this.typeNames);
  }

  /** `btf_dump_emit_typedef_def`. */
  protected emitTypedefDef(id: number, lvl: number): void {
    const o = this.off[id]!;
    const target = this.w[o + 2]!;
    this.resolveName(id, this.identNames);
    // Old GCC emits __gnuc_va_list as a typedef of void.
    if (target === 0 && this.w[o] !== 0 && this.q.strIs(this.w[o]!, '__gnuc_va_list') && this.dups[id]! <= 1) {
      this.ascii('typedef __builtin_va_list __gnuc_va_list');
      return;
    }
    this.ascii('typedef ');
    this.emitTypeDecl(target, -id, lvl);
  }

  // ---------------------------------------------------------- declarations

  /** Doubles the chain stack. */
  private growStack(): void {
    const s = new Uint32Array(this.stack.length * 2);
    s.set(this.stack);
    this.stack = s;
  }

  /**
   * `btf_dump_emit_type_decl`: prints the declaration of a name as type
   * `id`. The chain down to the terminal type goes on the shared stack as
   * this declaration's own frame, and is printed back from the terminal type.
   *
   * The declared name is `fname`: a string offset when positive or zero (0
   * is no name), EXT_NAME for {@link declText}'s name, or minus the id of a
   * typedef whose unique name it is.
   */
  protected emitTypeDecl(id: number, fname: number, lvl: number): void {
    const base = this.fsTop;
    if (this.declStart(id, fname, lvl)) this.run(base);
  }

  /**
   * Starts the declaration of {@link emitTypeDecl}: prints it whole (from
   * the cache, or a chain that nests nothing) and returns false, or leaves
   * its frame on the work stack, and what it nests above, and returns true.
   */
  private declStart(id: number, fname: number, lvl: number): boolean {
    // Most declarations repeat a type already printed (`u32 x`, `struct
    // list_head y`): those come from the cache, with the new name put in.
    // A cast neither reads nor fills the cache: it prints differently.
    const named = this.hasName(fname) && !this.cast;
    if (named) {
      const at = this.declAt[id]!;
      if (at !== 0) {
        this.copyDecl(at - 1, this.declPreLen[id]!);
        if (this.flags[id]! & DECL_SEP) this.byte(SPACE);
        this.declName(fname);
        this.copyDecl(at - 1 + this.declPreLen[id]!, this.declPostLen[id]!);
        return false;
      }
    }
    const start = this.top;
    this.pushChain(id);
    const f = this.pushWork(F_DECL);
    const fs = this.fs;
    fs[f + 1] = start;
    fs[f + 2] = fname === EXT_NAME ? EXT_IN_FRAME : fname;
    fs[f + 3] = lvl;
    fs[f + 4] = this.pendTop;
    // Record this declaration if it has a name, unless something below
    // records one already (a parameter of a prototype in this chain).
    if (named && this.capFrame < 0) {
      fs[f + 5] = DF_LAST_PTR | DF_NAMED | DF_RECORD;
      fs[f + 6] = this.capFrame;
      fs[f + 7] = this.capDepth;
      fs[f + 8] = this.pos;
      fs[f + 9] = this.flushes;
      fs[f + 10] = this.inlineDefs;
      fs[f + 11] = id;
      this.capFrame = start;
      this.capDepth = this.declDepth;
      this.capNameAt = -1;
    } else {
      fs[f + 5] = DF_LAST_PTR | DF_NAMED;
    }
    // Most chains nest nothing: they print here, without a trip through the loop.
    this.stepDecl();
    return this.fsTop > f;
  }

  /** Copies `len` bytes of the declaration cache from `at` to the output. */
  private copyDecl(at: number, len: number): void {
    this.room(len);
    const b = this.buf,
      a = this.arena;
    let p = this.pos;
    for (let i = at, e = at + len; i < e; i++) b[p++] = a[i]!;
    this.pos = p;
  }

  /** Caches the text of a declaration of `id`: output `[p0, nameAt)` before the name, `[nameEnd, p)` after it. */
  private saveDecl(id: number, p0: number, nameAt: number, nameEnd: number, sep: boolean): void {
    const pre = nameAt - p0;
    const post = this.pos - nameEnd;
    if (this.arenaLen + pre + post > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + pre + post));
      a.set(this.arena.subarray(0, this.arenaLen));
      this.arena = a;
    }
    const a = this.arena,
      b = this.buf;
    let q = this.arenaLen;
    for (let i = p0; i < nameAt; i++) a[q++] = b[i]!;
    for (let i = nameEnd, e = this.pos; i < e; i++) a[q++] = b[i]!;
    this.declAt[id] = this.arenaLen + 1;
    this.declPreLen[id] = pre;
    this.declPostLen[id] = post;
    if (sep) this.flags[id]! |= DECL_SEP;
    this.arenaLen = q;
  }

  /** Pushes the chain of a declaration of `id` (modifiers, pointers, arrays, prototypes, down to the terminal type) above `start`. */
  private pushChain(id: number): void {
    const { w, off } = this;
    const strip = this.stripMods;
    // One push for every kind, the next link from a table: this loop runs
    // for every declaration.
    for (let n = 0; ; n++) {
      const kind = id === 0 ? 0 : infoKind(w[off[id]! + 1]!);
      const link = CHAIN_LINK[kind]!;
      if (!(strip && link & CHAIN_MOD)) {
        if (this.top === this.stack.length) this.growStack();
        this.stack[this.top++] = id;
      }
      if (link === 0) {
        // A terminal type, or one libbpf does not expect in a chain; never
        // one of a kind this version does not know.
        if (kind >= NR_BTF_KINDS) this.q.checkKnown(id);
        break;
      }
      id = w[off[id]! + (link & 3)]!;
      // Parsed BTF has no such loop (validation); built BTF may.
      if (n > this.count)
        throw new BtfError(BtfErrorCode.Loop, `type [${id}]: reference loop in a declaration`, { typeId: id });
    }
  }

  /** `btf_dump_emit_mods`: prints the cv-qualifiers on top of the frame, left of the type. */
  private emitMods(start: number): void {
    while (this.top > start) {
      const t = this.stack[this.top - 1]!;
      const q = QUALIFIER_BEFORE[t === 0 ? 0 : infoKind(this.w[this.off[t]! + 1]!)]!;
      if (q === '') return;
      this.ascii(q);
      this.top--;
    }
  }

  /** `btf_dump_drop_mods`: drops the modifiers (type tags included) on top of the frame. */
  private dropMods(start: number): void {
    while (this.top > start) {
      const t = this.stack[this.top - 1]!;
      if (t === 0 || !(CHAIN_LINK[infoKind(this.w[this.off[t]! + 1]!)]! & CHAIN_MOD)) return;
      this.top--;
    }
  }

  /**
   * Steps the declaration (or parameter list, through {@link stepParams})
   * on top of the work stack: `btf_dump_emit_type_chain`
   * pops its chain and prints it. libbpf recurses for an array or a
   * prototype with more of the chain above it (`int (*f[4])(void)`: the
   * array's `[4]` and the prototype's parameters print after what is above
   * them); here they wait on a second stack, `pend`, and print once the
   * rest of the chain is done. An anonymous struct defined inline and a
   * parameter list are frames of their own: the step returns when it
   * starts one, and goes on where it was when the loop comes back to it.
   */
  private stepDecl(): void {
    const { w } = this;
    const f = this.fsTop - FRAME;
    const fs = this.fs;
    if (fs[f] === F_PARAMS) {
      this.stepParams();
      return;
    }
    const start = fs[f + 1]!;
    const fname = fs[f + 2] === EXT_IN_FRAME ? EXT_NAME : fs[f + 2]!;
    const lvl = fs[f + 3]!;
    const pendBase = fs[f + 4]!;
    const dflags = fs[f + 5]!;
    if (!(dflags & DF_PENDING)) this.chainStep(f, start, fname, lvl, dflags);
    if (this.fsTop !== f + FRAME) return;
    // What the arrays and prototypes print after the rest, innermost first.
    while (this.pendTop > pendBase) {
      const p = this.pend[--this.pendTop]!;
      const id = p & ~PEND_PARENS;
      if (p & PEND_PARENS) this.byte(41); // )
      const o = this.off[id]!;
      if (infoKind(w[o + 1]!) === BTF_KIND_ARRAY) {
        this.byte(91); // [
        this.uint(w[o + 5]!);
        this.byte(93); // ]
      } else if (this.paramsStart(id, lvl)) {
        return;
      }
    }
    this.top = start;
    this.fsTop = f;
    if (dflags & DF_RECORD) {
      const g = this.fs;
      this.capFrame = g[f + 6]!;
      this.capDepth = g[f + 7]!;
      // Not cacheable: text that spans a flushed chunk, or anonymous types
      // defined inline (their text depends on the indent and counts enumerators).
      if (this.capNameAt >= 0 && this.flushes === g[f + 9] && this.inlineDefs === g[f + 10]) {
        this.saveDecl(g[f + 11]!, g[f + 8]!, this.capNameAt, this.capNameEnd, this.capSep);
      }
    }
  }

  /**
   * The chain part of {@link stepDecl} for the frame at `f`: pops and prints
   * the chain above `start`, and marks the frame DF_PENDING when done; returns
   * early, its state saved, when it opens an anonymous struct's frame.
   */
  private chainStep(f: number, start: number, fname: number, lvl: number, dflags: number): void {
    const { w } = this;
    // Whether the last thing printed was `*`: then no space before a name
    // or another `*` (`int ***p`), which is also right for the lone pointer
    // of `(*f)` in a function pointer.
    let lastWasPtr = (dflags & DF_LAST_PTR) !== 0;
    let named = (dflags & DF_NAMED) !== 0;
    chain: while (this.top > start) {
      const id = this.stack[--this.top]!;
      if (id === 0) {
        this.emitMods(start);
        this.ascii('void');
        lastWasPtr = false;
        continue;
      }
      const o = this.off[id]!;
      const info = w[o + 1]!;
      const kind = infoKind(info);
      const term = TERM_KIND[kind]!;
      if (term !== 0) {
        // Named types and type tags: one path for all of them, the text
        // around the name from tables (a kind first met late, such as
        // vmlinux's one TYPE_TAG, meets no code V8 was never shown).
        this.emitMods(start);
        if (w[o] === 0 && term === TERM_INLINE && !this.cast) {
          // Anonymous structs, unions and enums are defined inline (not in a cast).
          this.inlineDefs++;
          if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
            // The definition is a frame of its own; this chain goes on
            // after it, with no `*` last.
            this.fs[f + 5] = (dflags & DF_RECORD) | DF_NAMED;
            this.structStart(id, lvl);
            return;
          }
          this.emitEnumDef(id, lvl);
        } else {
          // The row: kind, kflag, an anonymous name, libbpf 1.8.
          const t = (kind << 3) | (infoKflag(info) ? 4 : 0) | (w[o] === 0 ? 2 : 0) | (this.libbpf18 ? 1 : 0);
          this.ascii(TERM_BEFORE[t]!);
          const mode = TERM_NAMES[t]!;
          this.nameSuffixed(
            w[o]!,
            mode === 0 ? '' : dupSuffix(this.resolveName(id, mode === 1 ? this.typeNames : this.identNames)),
          );
          this.ascii(TERM_AFTER[t]!);
        }
        lastWasPtr = false;
        continue;
      }
      switch (kind) {
        case BTF_KIND_PTR:
          if (lastWasPtr)
            this.byte(42); // *
          else this.ascii(' *');
          break;
        case BTF_KIND_VOLATILE:
        case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT:
          // One call for the three: `restrict` is rare and comes late, and
          // a call of its own would deoptimise this function when it does.
          this.ascii(QUALIFIER_AFTER[kind]!);
          break;
        case BTF_KIND_ARRAY:
        case BTF_KIND_FUNC_PROTO: {
          // GCC puts the element's cv-qualifiers on an array too, and marks
          // noreturn function pointers volatile: drop them.
          this.dropMods(start);
          if (this.top === start) {
            this.emitName(fname, lastWasPtr, start);
            this.pushPend(id);
            named = false;
            break chain;
          }
          // More of the chain above (a pointer, an outer dimension): open a
          // parenthesis, closed after the name. Arrays and prototypes share
          // this code, every value computed, and pick their text from a
          // table: a pointer to an array comes late in vmlinux, and code of
          // its own would deoptimise this function when it does.
          const isArray = kind === BTF_KIND_ARRAY;
          // No parentheses for a multi-dimensional array.
          const multidim = this.kind(this.stack[this.top - 1]!) === BTF_KIND_ARRAY && isArray;
          const space = !lastWasPtr && this.hasName(fname);
          this.ascii(NESTED_OPEN[(isArray ? 1 : 0) | (space ? 2 : 0) | (multidim ? 4 : 0)]!);
          const parens = (id | PEND_PARENS) >>> 0;
          this.pushPend(multidim ? id : parens);
          lastWasPtr = true;
          continue;
        }
        default:
          // libbpf warns about an unexpected kind and prints nothing more;
          // a kind this version does not know is an error.
          if (kind >= NR_BTF_KINDS) this.q.checkKnown(id);
          named = false;
          break chain;
      }
      lastWasPtr = kind === BTF_KIND_PTR;
    }
    if (named) this.emitName(fname, lastWasPtr, start);
    this.fs[f + 5] = (dflags & DF_RECORD) | DF_PENDING;
  }

  /** Queues an array or prototype on the pending stack of {@link emitTypeChain}. */
  private pushPend(p: number): void {
    if (this.pendTop === this.pend.length) {
      const g = new Uint32Array(this.pend.length * 2);
      g.set(this.pend);
      this.pend = g;
    }
    this.pend[this.pendTop++] = p;
  }

  /**
   * Opens the parameter list of prototype `id`: prints `(void)` or `()`
   * whole and returns false, or pushes its frame and returns true.
   */
  private paramsStart(id: number, lvl: number): boolean {
    const { w } = this;
    const o = this.off[id]!;
    this.byte(40); // (
    const vlen = infoVlen16(w[o + 1]!);
    // Clang gives a prototype without arguments one void argument;
    // both that and no arguments at all print as `(void)` (the 6.1
    // stable backport of libbpf's "fix no-args func prototype"), or
    // as `()` (libbpf 1.1.2, whose typed data we follow).
    if (vlen === 0 || (vlen === 1 && w[o + 4] === 0)) {
      this.ascii(this.voidProto ? 'void)' : ')');
      return false;
    }
    this.enter(id);
    const f = this.pushWork(F_PARAMS);
    const fs = this.fs;
    fs[f + 1] = o;
    fs[f + 2] = 0;
    fs[f + 3] = lvl;
    fs[f + 4] = 0;
    fs[f + 5] = id;
    return true;
  }

  /** Steps the parameter list on top of the work stack: parameters until one nests, then `)`. */
  private stepParams(): void {
    const { w } = this;
    const f = this.fsTop - FRAME;
    const fs = this.fs;
    const o = fs[f + 1]!;
    let i = fs[f + 2]!;
    const lvl = fs[f + 3]!;
    // Back from a parameter that nested: it is done.
    this.declDepth -= fs[f + 4]!;
    const vlen = infoVlen16(w[o + 1]!);
    // The rare turns (an ellipsis, a parameter that nests) share the common
    // path's code, so that V8 meets nothing new when they come.
    for (let p = o + 3 + 2 * i; i < vlen; i++, p += 2) {
      // A last argument of type void is the ellipsis.
      const ellipsis = i === vlen - 1 && w[p + 1] === 0;
      const comma = i > 0;
      if (comma || ellipsis) this.ascii(ellipsis ? (comma ? ', ...' : '...') : ', ');
      if (ellipsis) break;
      this.declDepth++;
      // Where to resume should this parameter nest (the stack may grow).
      const g = this.fs;
      g[f + 2] = i + 1;
      g[f + 4] = 1;
      if (this.declStart(w[p + 1]!, w[p]!, lvl)) return;
      this.declDepth--;
    }
    this.byte(41); // )
    this.fsTop = f;
    this.flags[fs[f + 5]!]! &= ~IN_PROGRESS;
  }

  /** Whether the declared name `fname` (see {@link emitTypeDecl}) is not empty. */
  private hasName(fname: number): boolean {
    if (fname === EXT_NAME) return this.extName.length > 0;
    return fname > 0 ? this.strs[fname] !== 0 : fname < 0 && this.w[this.off[-fname]!] !== 0;
  }

  /** `btf_dump_emit_name`: the declared name, after a space unless it follows `*`. */
  private emitName(fname: number, lastWasPtr: boolean, frame: number): void {
    if (!this.hasName(fname)) return;
    // A parameter's frame starts where the recorded one started once that
    // one has been popped (`int (*a)(int x)`): the nesting tells them apart.
    const cap = frame === this.capFrame && this.declDepth === this.capDepth;
    if (cap) {
      // The name of the declaration being recorded for the cache.
      this.capNameAt = this.pos;
      this.capSep = !lastWasPtr;
    }
    if (!lastWasPtr) this.byte(SPACE);
    this.declName(fname);
    if (cap) this.capNameEnd = this.pos;
  }

  /** Writes a declared name: a string, or a typedef's own name, which may carry a ___N suffix. */
  private declName(fname: number): void {
    if (fname === EXT_NAME) this.bytes(this.extName);
    else if (fname > 0) this.name(fname);
    else this.uniqueName(-fname, this.identNames);
  }

  // ---------------------------------------------------------------- names

  /**
   * `btf_dump_resolve_name`: on first use, counts the name of `id` in `map`;
   * returns how many types had it then (0 for an anonymous type), so that
   * the type prints as `NAME___N` when that is above 1.
   */
  protected resolveName(id: number, map: NameCounts): number {
    const { w } = this;
    const o = this.off[id]!;
    const n = w[o]!;
    if (n === 0) return 0;
    if (this.flags[id]! & NAME_RESOLVED) return this.dups[id]!;
    this.flags[id]! |= NAME_RESOLVED;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    // FWDs and enum forward declarations never clash with their definitions.
    const dups = kind === BTF_KIND_FWD || (kind === BTF_KIND_ENUM && infoVlen16(info) === 0) ? 1 : map.add(n);
    this.dups[id] = dups;
    return dups;
  }
}
