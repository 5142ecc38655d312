/**
 * The raw and JSON dumps: what `bpftool btf dump file FILE` and
 * `bpftool -j btf dump file FILE` print (bpftool v7.1.0, `dump_btf_type`),
 * byte for byte. Both walk the records of this BTF (not its base, as bpftool
 * does for split BTF) and read the words directly.
 *
 * Written for the cold path: a dump of vmlinux is a process's whole job,
 * and most of it runs before V8 has optimised code for it. So the loop over
 * the records is small (the record's id, kind and name), and each kind's
 * fields and items are written by a small function of its own, called
 * through a table: V8 compiles the loop in a few milliseconds instead of one
 * huge function with every kind inlined, and a kind met for the first time
 * late in the file (vmlinux's first FUNC comes after some 17000 types, its
 * DATASEC last) runs its own unoptimised function instead of throwing the
 * optimised loop away (a deoptimisation: back to the slow tiers until V8
 * compiles the loop again). Names are copied from the string section by a
 * loop that stops at the NUL, with room for a name of up to {@link NAME_FAST}
 * bytes checked once per line; a longer name takes a slower path.
 *
 *   per record:  [id] KIND 'name          (the loop: writeRawDump)
 *                ' size=8 vlen=2 ...       (RAW_WRITERS[kind])
 *                \n\t'member' type_id=...   (the kind's items, same function)
 */
import type { Btf } from '../btf.js';
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
  infoKflag,
  infoKind,
  infoVlen16,
  intBits,
  intEncoding,
  intOffset,
  kindName,
  memberBitOffset,
  memberBitfieldSize,
} from '../kinds.js';
import {
  ByteOut,
  asciiBytes,
  bytesToText,
  collectBytes,
  packKey,
  putBytes,
  putKey,
  putUint,
  type ByteSink,
} from './bytes.js';

/** Options for the raw and JSON dumps. */
export interface RawDumpOptions {
  /** Only these type ids, in this order (bpftool's `root_type_ids`); defaults to every type of this BTF. */
  typeIds?: readonly number[];
}

/** bpftool's names of INT encodings (`btf_int_enc_str`). */
function intEnc(enc: number): string {
  switch (enc) {
    case 0:
      return '(none)';
    case 1:
      return 'SIGNED';
    case 2:
      return 'CHAR';
    case 4:
      return 'BOOL';
    default:
      return 'UNKN';
  }
}

function linkageStr(l: number): string {
  return l === 0 ? 'static' : l === 1 ? 'global' : l === 2 ? 'extern' : '(unknown)';
}

/** Returns an ASCII string packed for `putKey`: the dumps' fixed pieces. */
function packed(s: string): Uint32Array {
  return packKey(asciiBytes(s));
}

/** Every 7-bit kind number mapped through `f` to bytes (the kinds' names, precomputed once per dump). */
function perKind(f: (kind: number) => string): Uint32Array[] {
  const t: Uint32Array[] = [];
  for (let k = 0; k < 128; k++) t.push(packed(f(k)));
  return t;
}

/** The INT encodings 0-15 (`intEncoding`) mapped through `f` to bytes. */
function perEncoding(f: (name: string) => string): Uint32Array[] {
  const t: Uint32Array[] = [];
  for (let e = 0; e < 16; e++) t.push(packed(f(intEnc(e))));
  return t;
}

/** Linkages 0-3 (3 and above print as unknown) mapped through `f` to bytes. */
function perLinkage(f: (name: string) => string): Uint32Array[] {
  return [0, 1, 2, 3].map((l) => packed(f(linkageStr(l))));
}

const ANON = packed('(anon)');
const ANON_BYTES = asciiBytes('(anon)');
const INVALID_BYTES = asciiBytes('(invalid)');

/**
 * Bytes of a name copied by the fast path: every line checks for room for
 * this many name bytes (twice as many escaped in JSON) besides its own text,
 * and a longer name finishes in {@link nameTail}.
 */
const NAME_FAST = 512;

/**
 * One dump's state, shared by its loop and the kinds' writers: the output
 * chunk `b` (with the committed position `p` between calls), the string
 * section names are read from, and the dump's fixed pieces `k`. The writers
 * keep the position in a local and hand it on; a helper that may flush the
 * chunk (`room`, the name writers) sets `b` anew, so callers read `s.b`
 * again after one.
 */
class DumpState<K> {
  b: Uint8Array;
  /** A view of `b`, for `putKey`. */
  dv: DataView;
  p: number;
  /** This BTF's own string section, and its offsets: names there are copied in place. */
  readonly own: Uint8Array;
  readonly ownStart: number;
  readonly strEnd: number;
  constructor(
    private readonly out: ByteOut,
    readonly btf: Btf,
    readonly k: K,
    /** JSON: bpftool's escapes ({@link escapes}); unused by the raw dump. */
    readonly esc: Uint8Array,
    first: number,
  ) {
    this.b = out.reserve(first);
    this.dv = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
    this.p = out.mark;
    this.own = btf.stringSection();
    this.ownStart = btf.startStrOff;
    this.strEnd = this.ownStart + btf.strLen;
  }

  /** Returns where to write with room for `n` bytes from `p`: `p`, or the start of a fresh chunk (`b` changes). */
  room(p: number, n: number): number {
    if (p + n <= this.b.length) return p;
    this.out.commit(p);
    const b = this.out.reserve(n);
    if (b !== this.b) {
      this.b = b;
      this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    return this.out.mark;
  }

  /** Hands everything up to `p` to the sink. */
  end(p: number): void {
    this.out.commit(p);
    this.out.flush();
  }
}

/**
 * Returns the bytes of the name at string offset `off` that the fast paths
 * do not read in place (bpftool's `btf_str()`): `(anon)` for 0, `(invalid)`
 * past the strings (level 1 reads those), a base's name through `strBytes`.
 */
function otherName(btf: Btf, off: number, strEnd: number): Uint8Array {
  if (off === 0) return ANON_BYTES;
  if (off >= strEnd) return INVALID_BYTES;
  return btf.strBytes(off);
}

/**
 * Finishes a name the fast path stopped in, at `src[i]`, written at `p`
 * (escaped through `esc` when given): makes room for the rest and copies
 * it; returns the position after it.
 */
function nameTail<K>(s: DumpState<K>, p: number, src: Uint8Array, i: number, esc: Uint8Array | null): number {
  let e = src.indexOf(0, i);
  if (e < 0) e = src.length;
  p = s.room(p, (e - i) * 2 + JSON_ITEM);
  const b = s.b;
  for (; i < e; i++) {
    const c = src[i]!;
    const x = esc ? esc[c]! : 0;
    if (x) {
      b[p++] = 92;
      b[p++] = x;
    } else b[p++] = c;
  }
  return p;
}

/**
 * Writes the name at string offset `off` at `p` as the raw dump prints it;
 * returns the position after it. The line's room check left room for
 * {@link NAME_FAST} bytes of it.
 */
function rawName<K>(s: DumpState<K>, p: number, off: number): number {
  const b = s.b;
  const dv = s.dv;
  if (off === 0) return putKey(dv, p, ANON);
  if (off < s.ownStart || off >= s.strEnd) {
    const src = otherName(s.btf, off, s.strEnd);
    return nameTail(s, p, src, 0, null);
  }
  const src = s.own;
  let i = off - s.ownStart;
  const lim = p + NAME_FAST;
  for (;;) {
    const c = src[i]!;
    if (c === 0) return p;
    if (p === lim) return nameTail(s, p, src, i, null);
    b[p++] = c;
    i++;
  }
}

/** Bytes one raw line takes besides its name, at most (an ENUM64 value, a DATASEC entry with its kind), with the 3 bytes `putKey` may write past its last key. */
const RAW_LINE = 192;
/** The room a raw line checks for: its text and the fast path's name. */
const RAW_ROOM = RAW_LINE + NAME_FAST;

/** The raw dump's fixed pieces, as bytes (built once per dump: a first dump runs mostly interpreted). */
class RawText {
  /** `] KIND '` per kind: what follows the id. */
  readonly head = perKind((k) => `] ${kindName(k)} '`);
  /** ` (KIND '` per kind: a DATASEC entry's target. */
  readonly target = perKind((k) => ` (${kindName(k)} '`);
  readonly enc = perEncoding((n) => ` encoding=${n}`);
  readonly linkage = perLinkage((n) => ` linkage=${n}`);
  readonly varLinkage = perLinkage((n) => `, linkage=${n}`);
  readonly size = packed("' size=");
  readonly typeId = packed("' type_id=");
  readonly retTypeId = packed("' ret_type_id=");
  readonly bitsOffset = packed(' bits_offset=');
  readonly nrBits = packed(' nr_bits=');
  readonly itemTypeId = packed("' type_id=");
  readonly indexTypeId = packed(' index_type_id=');
  readonly nrElems = packed(' nr_elems=');
  readonly vlen = packed(' vlen=');
  readonly signedSize = packed("' encoding=SIGNED size=");
  readonly unsignedSize = packed("' encoding=UNSIGNED size=");
  readonly item = packed("\n\t'");
  readonly val = packed("' val=");
  readonly bitfieldSize = packed(' bitfield_size=');
  readonly fwdUnion = packed("' fwd_kind=union");
  readonly fwdStruct = packed("' fwd_kind=struct");
  readonly secEntry = packed('\n\ttype_id=');
  readonly offset = packed(' offset=');
  readonly entrySize = packed(' size=');
  readonly componentIdx = packed(' component_idx=');
  readonly close = packed("')");
  readonly quote = packed("'");
}

/**
 * The keys a record's fields are written with that both dumps have (raw text
 * and JSON): the writers of the kinds whose fields differ only in these keys
 * ({@link intFields} and its neighbours) serve both.
 */
interface FieldKeys {
  readonly size: Uint32Array;
  readonly bitsOffset: Uint32Array;
  readonly nrBits: Uint32Array;
  readonly enc: Uint32Array[];
  readonly typeId: Uint32Array;
  readonly indexTypeId: Uint32Array;
  readonly nrElems: Uint32Array;
  readonly fwdUnion: Uint32Array;
  readonly fwdStruct: Uint32Array;
  readonly linkage: Uint32Array[];
  readonly componentIdx: Uint32Array;
}

type RawState = DumpState<RawText>;
/** Writes a record's fields and items after its name (the position is `s.p` before and after). */
type RecordWriter<K> = (s: DumpState<K>, w: Uint32Array, o: number, info: number) => void;

/** Writes a signed 32-bit integer in decimal at `p`; returns the position after it. */
function putInt(b: Uint8Array, p: number, v: number): number {
  if (v >= 0) return putUint(b, p, v);
  b[p] = 45;
  return putUint(b, p + 1, -v);
}

/** Writes ` size=N vlen=N` (with the name's closing quote, `pre`) for a record with items. */
function rawSizeVlen(s: RawState, w: Uint32Array, o: number, info: number, pre: Uint32Array): number {
  const b = s.b;
  const dv = s.dv;
  const p = putUint(b, putKey(dv, s.p, pre), w[o + 2]!);
  return putUint(b, putKey(dv, p, s.k.vlen), infoVlen16(info));
}

function intFields<K extends FieldKeys>(s: DumpState<K>, w: Uint32Array, o: number): void {
  const T = s.k;
  const b = s.b;
  const dv = s.dv;
  const v = w[o + 3]!;
  let p = putUint(b, putKey(dv, s.p, T.size), w[o + 2]!);
  p = putUint(b, putKey(dv, p, T.bitsOffset), intOffset(v));
  p = putUint(b, putKey(dv, p, T.nrBits), intBits(v));
  s.p = putKey(dv, p, T.enc[intEncoding(v)]!);
}

/** PTR, CONST, VOLATILE, RESTRICT, TYPEDEF, TYPE_TAG. */
function refField<K extends FieldKeys>(s: DumpState<K>, w: Uint32Array, o: number): void {
  const b = s.b;
  const dv = s.dv;
  s.p = putUint(b, putKey(dv, s.p, s.k.typeId), w[o + 2]!);
}

function arrayFields<K extends FieldKeys>(s: DumpState<K>, w: Uint32Array, o: number): void {
  const T = s.k;
  const b = s.b;
  const dv = s.dv;
  let p = putUint(b, putKey(dv, s.p, T.typeId), w[o + 3]!);
  p = putUint(b, putKey(dv, p, T.indexTypeId), w[o + 4]!);
  s.p = putUint(b, putKey(dv, p, T.nrElems), w[o + 5]!);
}

/** STRUCT, UNION. */
function rawStruct(s: RawState, w: Uint32Array, o: number, info: number): void {
  const T = s.k;
  const vlen = infoVlen16(info);
  const kflag = infoKflag(info);
  let p = rawSizeVlen(s, w, o, info, T.size);
  for (let m = o + 3, e = m + 3 * vlen; m < e; m += 3) {
    p = s.room(p, RAW_ROOM);
    p = rawName(s, putKey(s.dv, p, T.item), w[m]!);
    const b = s.b;
    const dv = s.dv;
    const off = w[m + 2]!;
    p = putUint(b, putKey(dv, p, T.itemTypeId), w[m + 1]!);
    p = putUint(b, putKey(dv, p, T.bitsOffset), memberBitOffset(off, kflag));
    const bits = memberBitfieldSize(off, kflag);
    if (bits) p = putUint(b, putKey(dv, p, T.bitfieldSize), bits);
  }
  s.p = p;
}

function rawEnum(s: RawState, w: Uint32Array, o: number, info: number): void {
  const T = s.k;
  const kflag = infoKflag(info);
  let p = rawSizeVlen(s, w, o, info, kflag ? T.signedSize : T.unsignedSize);
  for (let e = o + 3, end = e + 2 * infoVlen16(info); e < end; e += 2) {
    p = s.room(p, RAW_ROOM);
    p = rawName(s, putKey(s.dv, p, T.item), w[e]!);
    const b = s.b;
    const dv = s.dv;
    p = putKey(dv, p, T.val);
    p = kflag ? putInt(b, p, w[e + 1]! | 0) : putUint(b, p, w[e + 1]!);
  }
  s.p = p;
}

/** Returns an ENUM64 value's decimal digits: signed (`kflag`) or not. */
function enum64Text(lo: number, hi: number, kflag: boolean): string {
  const u = (BigInt(hi) << 32n) | BigInt(lo);
  return String(kflag ? BigInt.asIntN(64, u) : u);
}

function rawEnum64(s: RawState, w: Uint32Array, o: number, info: number): void {
  const T = s.k;
  const kflag = infoKflag(info);
  let p = rawSizeVlen(s, w, o, info, kflag ? T.signedSize : T.unsignedSize);
  for (let e = o + 3, end = e + 3 * infoVlen16(info); e < end; e += 3) {
    p = s.room(p, RAW_ROOM);
    p = rawName(s, putKey(s.dv, p, T.item), w[e]!);
    const b = s.b;
    const dv = s.dv;
    p = putBytes(b, putKey(dv, p, T.val), asciiBytes(enum64Text(w[e + 1]!, w[e + 2]!, kflag)));
    p = putKey(dv, p, kflag ? LL : ULL);
  }
  s.p = p;
}

const LL = packed('LL');
const ULL = packed('ULL');

function fwdField<K extends FieldKeys>(s: DumpState<K>, _w: Uint32Array, _o: number, info: number): void {
  s.p = putKey(s.dv, s.p, infoKflag(info) ? s.k.fwdUnion : s.k.fwdStruct);
}

function funcFields<K extends FieldKeys>(s: DumpState<K>, w: Uint32Array, o: number, info: number): void {
  const b = s.b;
  const dv = s.dv;
  const p = putUint(b, putKey(dv, s.p, s.k.typeId), w[o + 2]!);
  s.p = putKey(dv, p, s.k.linkage[Math.min(infoVlen16(info), 3)]!);
}

function rawFuncProto(s: RawState, w: Uint32Array, o: number, info: number): void {
  const T = s.k;
  let p = rawSizeVlen(s, w, o, info, T.retTypeId);
  for (let q = o + 3, e = q + 2 * infoVlen16(info); q < e; q += 2) {
    p = s.room(p, RAW_ROOM);
    p = rawName(s, putKey(s.dv, p, T.item), w[q]!);
    p = putUint(s.b, putKey(s.dv, p, T.itemTypeId), w[q + 1]!);
  }
  s.p = p;
}

function rawVar(s: RawState, w: Uint32Array, o: number): void {
  const b = s.b;
  const dv = s.dv;
  const p = putUint(b, putKey(dv, s.p, s.k.typeId), w[o + 2]!);
  s.p = putKey(dv, p, s.k.varLinkage[Math.min(w[o + 3]!, 3)]!);
}

/** bpftool prints each entry's kind and name; void reads as an all-zero record. */
function rawDatasec(s: RawState, w: Uint32Array, o: number, info: number): void {
  const T = s.k;
  const count = s.btf.typeCount;
  let p = rawSizeVlen(s, w, o, info, T.size);
  for (let v = o + 3, e = v + 3 * infoVlen16(info); v < e; v += 3) {
    const t = w[v]!;
    p = s.room(p, RAW_ROOM);
    let b = s.b;
    let dv = s.dv;
    p = putUint(b, putKey(dv, p, T.secEntry), t);
    p = putUint(b, putKey(dv, p, T.offset), w[v + 1]!);
    p = putUint(b, putKey(dv, p, T.entrySize), w[v + 2]!);
    if (t < count) {
      const [tw, to] = t === 0 ? [ZERO, 0] : s.btf.recordOf(t);
      p = rawName(s, putKey(dv, p, T.target[infoKind(tw[to + 1]!)]!), tw[to]!);
      b = s.b;
      dv = s.dv;
      p = putKey(dv, p, T.close);
    }
  }
  s.p = p;
}

function floatField<K extends FieldKeys>(s: DumpState<K>, w: Uint32Array, o: number): void {
  const b = s.b;
  const dv = s.dv;
  s.p = putUint(b, putKey(dv, s.p, s.k.size), w[o + 2]!);
}

function declTagFields<K extends FieldKeys>(s: DumpState<K>, w: Uint32Array, o: number): void {
  const b = s.b;
  const dv = s.dv;
  const p = putUint(b, putKey(dv, s.p, s.k.typeId), w[o + 2]!);
  s.p = putInt(b, putKey(dv, p, s.k.componentIdx), w[o + 3]! | 0);
}

/** Kinds bpftool prints nothing for after the name (void, and kinds it does not know). */
function rawOther(s: RawState): void {
  s.p = putKey(s.dv, s.p, s.k.quote);
}

/** Returns the writers of every 7-bit kind, `other` where nothing is printed after the name. */
function writersByKind<K>(
  other: RecordWriter<K>,
  byKind: ReadonlyArray<readonly [readonly number[], RecordWriter<K>]>,
): RecordWriter<K>[] {
  const t: RecordWriter<K>[] = [];
  for (let k = 0; k < 128; k++) t.push(other);
  for (const [kinds, f] of byKind) for (const k of kinds) t[k] = f;
  return t;
}

const REF_KINDS = [
  BTF_KIND_PTR,
  BTF_KIND_CONST,
  BTF_KIND_VOLATILE,
  BTF_KIND_RESTRICT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_TYPE_TAG,
];

/** The writers both dumps share (kinds whose fields differ only in their keys: {@link FieldKeys}). */
function sharedWriters<K extends FieldKeys>(): [readonly number[], RecordWriter<K>][] {
  return [
    [[BTF_KIND_INT], intFields],
    [REF_KINDS, refField],
    [[BTF_KIND_ARRAY], arrayFields],
    [[BTF_KIND_FWD], fwdField],
    [[BTF_KIND_FUNC], funcFields],
    [[BTF_KIND_FLOAT], floatField],
    [[BTF_KIND_DECL_TAG], declTagFields],
  ];
}

const RAW_WRITERS = writersByKind<RawText>(rawOther, [
  ...sharedWriters<RawText>(),
  [[BTF_KIND_STRUCT, BTF_KIND_UNION], rawStruct],
  [[BTF_KIND_ENUM], rawEnum],
  [[BTF_KIND_ENUM64], rawEnum64],
  [[BTF_KIND_FUNC_PROTO], rawFuncProto],
  [[BTF_KIND_VAR], rawVar],
  [[BTF_KIND_DATASEC], rawDatasec],
]);

/**
 * Writes the bpftool raw dump of `btf` to `sink`, as bytes: one flat pass
 * over the records, written straight into the output buffer (keys as bytes
 * made once, numbers as digits, names copied from the string section), one
 * room check per line.
 */
export function writeRawDump(btf: Btf, sink: ByteSink, opts: RawDumpOptions = {}): void {
  const s = new DumpState(new ByteOut(sink), btf, new RawText(), NO_ESCAPES, RAW_ROOM);
  const head = s.k.head;
  const list = opts.typeIds;
  const n = list ? list.length : btf.nrTypes;
  const words = btf.words;
  const offs = btf.offs;
  const start = btf.startId;
  const writers = RAW_WRITERS;
  let p = s.p;
  for (let k = 0; k < n; k++) {
    let id: number;
    let w: Uint32Array;
    let o: number;
    if (list) {
      id = list[k]!;
      [w, o] = btf.recordOf(id);
    } else {
      id = start + k;
      w = words;
      o = offs[k]!;
    }
    const info = w[o + 1]!;
    const kind = infoKind(info);
    p = s.room(p, RAW_ROOM);
    const b = s.b;
    const dv = s.dv;
    b[p++] = 91; // [
    p = putUint(b, p, id);
    s.p = rawName(s, putKey(dv, p, head[kind]!), w[o]!);
    writers[kind]!(s, w, o, info);
    p = s.p;
    s.b[p++] = 10;
  }
  s.end(p);
}

const ZERO = new Uint32Array(3);
const NO_ESCAPES = new Uint8Array(256);

/** Returns the bpftool raw dump of `btf` as a string. */
export function rawDump(btf: Btf, opts: RawDumpOptions = {}): string {
  return bytesToText(collectBytes((s) => writeRawDump(btf, s, opts)));
}

/** Options for the JSON dump. */
export interface JsonDumpOptions extends RawDumpOptions {
  /** Pretty-print like `bpftool -p`. Defaults to false (compact, like `-j`). */
  pretty?: boolean;
  /**
   * Whose escapes to follow: `'7.1'` (the default) writes a backslash in a
   * name as `\n`, as Debian's bpftool 7.1.0 does; `'7.8'` writes `\\`
   * (fixed in bpftool's json_writer since). Nothing else differs.
   */
  bpftool?: BpftoolVersion;
}

/**
 * The bpftool versions whose output the dumps can match: `'7.1'` (Debian
 * 12's bpftool 7.1.0, the default everywhere) and `'7.8'` (bpftool 7.8.0
 * with libbpf 1.8).
 */
export type BpftoolVersion = '7.1' | '7.8';

/**
 * The JSON dump's fixed pieces as bytes, for compact (`-j`) or pretty (`-p`)
 * output. bpftool's `json_writer.c` puts a separator before every element
 * but the first, and, pretty, a newline and four spaces per level before
 * each member (none before array elements) and before the closing bracket of
 * a non-empty container. The dump's shape is fixed: the root object (level
 * 1) holds `types` (level 2), whose objects' fields are at level 3; their
 * `members`, `values`, `params` and `vars` arrays (level 4) hold objects
 * whose fields are at level 5. So every key is written with its separator
 * and indent in one piece, made once per dump.
 */
class JsonText {
  readonly open: Uint32Array;
  /** After the last type: `]`, then the root's `}` and the final newline (bpftool's `jsonw_destroy`). */
  readonly endFull: Uint32Array;
  readonly endEmpty: Uint32Array;
  /** A type object's end (level 3 back to 2), an item's (5 back to 4), a non-empty array's (4 back to 3). */
  readonly typeEnd: Uint32Array;
  readonly itemEnd: Uint32Array;
  readonly arrayEnd: Uint32Array;
  /** An empty array's end: bpftool writes no newline inside `[]`. */
  readonly emptyArrayEnd = packed(']');
  /** Level 3: a type's fields (`id` first, then the separator is included). */
  readonly id: Uint32Array;
  readonly kind: Uint32Array[];
  readonly name: Uint32Array;
  readonly size: Uint32Array;
  readonly bitsOffset: Uint32Array;
  readonly nrBits: Uint32Array;
  readonly enc: Uint32Array[];
  readonly typeId: Uint32Array;
  readonly indexTypeId: Uint32Array;
  readonly nrElems: Uint32Array;
  readonly vlen: Uint32Array;
  readonly members: Uint32Array;
  readonly values: Uint32Array;
  readonly params: Uint32Array;
  readonly vars: Uint32Array;
  /** An ENUM's encoding, then its size key. */
  readonly signedSize: Uint32Array;
  readonly unsignedSize: Uint32Array;
  readonly fwdUnion: Uint32Array;
  readonly fwdStruct: Uint32Array;
  readonly linkage: Uint32Array[];
  readonly retTypeId: Uint32Array;
  readonly componentIdx: Uint32Array;
  /** Level 5: an item's fields (`name` first for members, values and params, `type_id` first for vars). */
  readonly itemName: Uint32Array;
  readonly itemTypeId: Uint32Array;
  readonly itemFirstTypeId: Uint32Array;
  readonly itemBitsOffset: Uint32Array;
  readonly itemBitfieldSize: Uint32Array;
  readonly itemVal: Uint32Array;
  readonly itemOffset: Uint32Array;
  readonly itemSize: Uint32Array;
  constructor(pretty: boolean) {
    const eol = (level: number): string => (pretty ? `\n${'    '.repeat(level)}` : '');
    const key = (name: string, level: number, first = false): string =>
      `${first ? '' : ','}${eol(level)}"${name}":${pretty ? ' ' : ''}`;
    const t = (name: string, first = false): Uint32Array => packed(key(name, 3, first));
    const m = (name: string, first = false): Uint32Array => packed(key(name, 5, first));
    this.open = packed(`{${key('types', 1, true)}[`);
    this.endFull = packed(`${eol(1)}]${eol(0)}}\n`);
    this.endEmpty = packed(`]${eol(0)}}\n`);
    this.typeEnd = packed(`${eol(2)}}`);
    this.itemEnd = packed(`${eol(4)}}`);
    this.arrayEnd = packed(`${eol(3)}]`);
    this.id = t('id', true);
    this.kind = perKind((k) => `${key('kind', 3)}"${kindName(k)}"`);
    this.name = t('name');
    this.size = t('size');
    this.bitsOffset = t('bits_offset');
    this.nrBits = t('nr_bits');
    this.enc = perEncoding((n) => `${key('encoding', 3)}"${n}"`);
    this.typeId = t('type_id');
    this.indexTypeId = t('index_type_id');
    this.nrElems = t('nr_elems');
    this.vlen = t('vlen');
    this.members = packed(`${key('members', 3)}[`);
    this.values = packed(`${key('values', 3)}[`);
    this.params = packed(`${key('params', 3)}[`);
    this.vars = packed(`${key('vars', 3)}[`);
    this.signedSize = packed(`${key('encoding', 3)}"SIGNED"${key('size', 3)}`);
    this.unsignedSize = packed(`${key('encoding', 3)}"UNSIGNED"${key('size', 3)}`);
    this.fwdUnion = packed(`${key('fwd_kind', 3)}"union"`);
    this.fwdStruct = packed(`${key('fwd_kind', 3)}"struct"`);
    this.linkage = perLinkage((n) => `${key('linkage', 3)}"${n}"`);
    this.retTypeId = t('ret_type_id');
    this.componentIdx = t('component_idx');
    this.itemName = m('name', true);
    this.itemTypeId = m('type_id');
    this.itemFirstTypeId = m('type_id', true);
    this.itemBitsOffset = m('bits_offset');
    this.itemBitfieldSize = m('bitfield_size');
    this.itemVal = m('val');
    this.itemOffset = m('offset');
    this.itemSize = m('size');
  }
}

/**
 * Room one JSON item (a type's own fields, or one member, value, param or
 * var, with the closing brackets that may follow it) takes besides twice its
 * name (every byte of a name may become a two-byte escape), at most.
 */
const JSON_ITEM = 1024;
/** The room a JSON item checks for: its text and the fast path's name, escaped. */
const JSON_ROOM = JSON_ITEM + 2 * NAME_FAST;

/**
 * Returns bpftool's escapes (`jsonw_puts`) as a table: byte -> the letter
 * after the backslash, 0 for a byte written as is. A single quote is
 * written as is (checked against bpftool v7.1.0 live: its json_writer no
 * longer escapes it); `backslash` is what a backslash becomes (`n`: bpftool
 * 7.1's quirk; `\`: 7.8).
 */
function escapes(backslash: string): Uint8Array {
  const t = new Uint8Array(256);
  t[9] = 116; // \t
  t[10] = 110; // \n
  t[13] = 114; // \r
  t[12] = 102; // \f
  t[8] = 98; // \b
  t[34] = 34; // \"
  t[92] = backslash.charCodeAt(0);
  return t;
}

/**
 * Writes the name at string offset `off` at `p`, quoted and escaped as
 * bpftool's `jsonw_string` does; returns the position after it. The item's
 * room check left room for {@link NAME_FAST} bytes of it, escaped.
 */
function jsonName<K>(s: DumpState<K>, p: number, off: number): number {
  let b = s.b;
  let dv = s.dv;
  b[p++] = 34;
  if (off === 0) p = putKey(dv, p, ANON);
  else if (off < s.ownStart || off >= s.strEnd) {
    p = nameTail(s, p, otherName(s.btf, off, s.strEnd), 0, s.esc);
    b = s.b;
    dv = s.dv;
  } else {
    const src = s.own;
    const esc = s.esc;
    let i = off - s.ownStart;
    const lim = p + 2 * NAME_FAST;
    for (;;) {
      const c = src[i]!;
      if (c === 0) break;
      if (p >= lim) {
        p = nameTail(s, p, src, i, esc);
        b = s.b;
        dv = s.dv;
        break;
      }
      const x = esc[c]!;
      if (x) {
        b[p++] = 92;
        b[p++] = x;
      } else b[p++] = c;
      i++;
    }
  }
  b[p++] = 34;
  return p;
}

type JsonState = DumpState<JsonText>;

/** Writes `"size":N,"vlen":N` and opens the items' array (`open`). */
function jsonSizeVlen(
  s: JsonState,
  w: Uint32Array,
  o: number,
  info: number,
  first: Uint32Array,
  open: Uint32Array,
): number {
  const J = s.k;
  const b = s.b;
  const dv = s.dv;
  let p = putUint(b, putKey(dv, s.p, first), w[o + 2]!);
  p = putUint(b, putKey(dv, p, J.vlen), infoVlen16(info));
  return putKey(dv, p, open);
}

/** Opens item `i` (with its separator) after room for it, and writes its name: returns the position after it. */
function jsonItemName(s: JsonState, p: number, i: number, off: number): number {
  p = s.room(p, JSON_ROOM);
  const b = s.b;
  const dv = s.dv;
  if (i) b[p++] = 44; // ,
  b[p++] = 123; // {
  return jsonName(s, putKey(dv, p, s.k.itemName), off);
}

/** Closes the items' array of a record with `vlen` items. */
function jsonItemsEnd(s: JsonState, p: number, vlen: number): number {
  const J = s.k;
  return putKey(s.dv, p, vlen ? J.arrayEnd : J.emptyArrayEnd);
}

/** STRUCT, UNION. */
function jsonStruct(s: JsonState, w: Uint32Array, o: number, info: number): void {
  const J = s.k;
  const vlen = infoVlen16(info);
  const kflag = infoKflag(info);
  let p = jsonSizeVlen(s, w, o, info, J.size, J.members);
  for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
    p = jsonItemName(s, p, i, w[m]!);
    const b = s.b;
    const dv = s.dv;
    const off = w[m + 2]!;
    p = putUint(b, putKey(dv, p, J.itemTypeId), w[m + 1]!);
    p = putUint(b, putKey(dv, p, J.itemBitsOffset), memberBitOffset(off, kflag));
    const bits = memberBitfieldSize(off, kflag);
    if (bits) p = putUint(b, putKey(dv, p, J.itemBitfieldSize), bits);
    p = putKey(dv, p, J.itemEnd);
  }
  s.p = jsonItemsEnd(s, p, vlen);
}

/**
 * Writes an unsigned ENUM value bpftool prints sign-extended: it passes the
 * __s32 `val` to jsonw_uint_field, so values >= 2^31 print as 2^64 + val.
 */
function putSignExtended(b: Uint8Array, p: number, v: number): number {
  return putBytes(b, p, asciiBytes(String((1n << 64n) + BigInt(v))));
}

function jsonEnum(s: JsonState, w: Uint32Array, o: number, info: number): void {
  const J = s.k;
  const vlen = infoVlen16(info);
  const kflag = infoKflag(info);
  let p = jsonSizeVlen(s, w, o, info, kflag ? J.signedSize : J.unsignedSize, J.values);
  for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
    p = jsonItemName(s, p, i, w[e]!);
    const b = s.b;
    const dv = s.dv;
    p = putKey(dv, p, J.itemVal);
    const v = w[e + 1]! | 0;
    if (kflag) p = putInt(b, p, v);
    else if (v >= 0) p = putUint(b, p, v);
    else p = putSignExtended(b, p, v);
    p = putKey(dv, p, J.itemEnd);
  }
  s.p = jsonItemsEnd(s, p, vlen);
}

function jsonEnum64(s: JsonState, w: Uint32Array, o: number, info: number): void {
  const J = s.k;
  const vlen = infoVlen16(info);
  const kflag = infoKflag(info);
  let p = jsonSizeVlen(s, w, o, info, kflag ? J.signedSize : J.unsignedSize, J.values);
  for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
    p = jsonItemName(s, p, i, w[e]!);
    const b = s.b;
    const dv = s.dv;
    p = putBytes(b, putKey(dv, p, J.itemVal), asciiBytes(enum64Text(w[e + 1]!, w[e + 2]!, kflag)));
    p = putKey(dv, p, J.itemEnd);
  }
  s.p = jsonItemsEnd(s, p, vlen);
}

function jsonFuncProto(s: JsonState, w: Uint32Array, o: number, info: number): void {
  const J = s.k;
  const vlen = infoVlen16(info);
  let p = jsonSizeVlen(s, w, o, info, J.retTypeId, J.params);
  for (let i = 0, q = o + 3; i < vlen; i++, q += 2) {
    p = jsonItemName(s, p, i, w[q]!);
    const b = s.b;
    const dv = s.dv;
    p = putUint(b, putKey(dv, p, J.itemTypeId), w[q + 1]!);
    p = putKey(dv, p, J.itemEnd);
  }
  s.p = jsonItemsEnd(s, p, vlen);
}

function jsonVar(s: JsonState, w: Uint32Array, o: number): void {
  const b = s.b;
  const dv = s.dv;
  const p = putUint(b, putKey(dv, s.p, s.k.typeId), w[o + 2]!);
  s.p = putKey(dv, p, s.k.linkage[Math.min(w[o + 3]!, 3)]!);
}

function jsonDatasec(s: JsonState, w: Uint32Array, o: number, info: number): void {
  const J = s.k;
  const vlen = infoVlen16(info);
  let p = jsonSizeVlen(s, w, o, info, J.size, J.vars);
  for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
    p = s.room(p, JSON_ITEM);
    const b = s.b;
    const dv = s.dv;
    if (i) b[p++] = 44;
    b[p++] = 123;
    p = putUint(b, putKey(dv, p, J.itemFirstTypeId), w[v]!);
    p = putUint(b, putKey(dv, p, J.itemOffset), w[v + 1]!);
    p = putUint(b, putKey(dv, p, J.itemSize), w[v + 2]!);
    p = putKey(dv, p, J.itemEnd);
  }
  s.p = jsonItemsEnd(s, p, vlen);
}

/** Kinds bpftool prints no fields for (void, and kinds it does not know). */
function jsonOther(): void {}

const JSON_WRITERS = writersByKind<JsonText>(jsonOther, [
  ...sharedWriters<JsonText>(),
  [[BTF_KIND_STRUCT, BTF_KIND_UNION], jsonStruct],
  [[BTF_KIND_ENUM], jsonEnum],
  [[BTF_KIND_ENUM64], jsonEnum64],
  [[BTF_KIND_FUNC_PROTO], jsonFuncProto],
  [[BTF_KIND_VAR], jsonVar],
  [[BTF_KIND_DATASEC], jsonDatasec],
]);

/**
 * Writes the bpftool JSON dump (`-j`, or `-p` when pretty) of `btf` to
 * `sink`: one flat pass over the records, as {@link writeRawDump}, with keys,
 * separators and indents made once ({@link JsonText}) and names escaped
 * while they are copied from the string section.
 */
export function writeJsonDump(btf: Btf, sink: ByteSink, opts: JsonDumpOptions = {}): void {
  const esc = escapes(opts.bpftool === '7.8' ? '\\' : 'n');
  const s = new DumpState(new ByteOut(sink), btf, new JsonText(opts.pretty ?? false), esc, JSON_ROOM);
  const J = s.k;
  const list = opts.typeIds;
  const n = list ? list.length : btf.nrTypes;
  const words = btf.words;
  const offs = btf.offs;
  const start = btf.startId;
  const writers = JSON_WRITERS;
  let p = putKey(s.dv, s.p, J.open);
  for (let k = 0; k < n; k++) {
    let id: number;
    let w: Uint32Array;
    let o: number;
    if (list) {
      id = list[k]!;
      [w, o] = btf.recordOf(id);
    } else {
      id = start + k;
      w = words;
      o = offs[k]!;
    }
    const info = w[o + 1]!;
    p = s.room(p, JSON_ROOM);
    const b = s.b;
    const dv = s.dv;
    if (k) b[p++] = 44; // ,
    b[p++] = 123; // {
    p = putUint(b, putKey(dv, p, J.id), id);
    p = putKey(dv, putKey(dv, p, J.kind[infoKind(info)]!), J.name);
    s.p = jsonName(s, p, w[o]!);
    writers[infoKind(info)]!(s, w, o, info);
    p = putKey(s.dv, s.p, J.typeEnd);
  }
  s.end(putKey(s.dv, p, n ? J.endFull : J.endEmpty));
}

/** Returns the bpftool JSON dump of `btf` as a string. */
export function jsonDump(btf: Btf, opts: JsonDumpOptions = {}): string {
  return bytesToText(collectBytes((s) => writeJsonDump(btf, s, opts)));
}
