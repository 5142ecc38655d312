/**
 * The raw and JSON dumps: what `bpftool btf dump file FILE` and
 * `bpftool -j btf dump file FILE` print (bpftool v7.1.0, `dump_btf_type`),
 * byte for byte. Both walk the records of this BTF (not its base, as bpftool
 * does for split BTF) and read the words directly.
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
import { ByteOut, asciiBytes, bytesToText, collectBytes, putBytes, putUint, type ByteSink } from './bytes.js';

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

/** Every 7-bit kind number mapped through `f` to bytes (the kinds' names, precomputed once per dump). */
function perKind(f: (kind: number) => string): Uint8Array[] {
  const t: Uint8Array[] = [];
  for (let k = 0; k < 128; k++) t.push(asciiBytes(f(k)));
  return t;
}

/** The INT encodings 0-15 (`intEncoding`) mapped through `f` to bytes. */
function perEncoding(f: (name: string) => string): Uint8Array[] {
  const t: Uint8Array[] = [];
  for (let e = 0; e < 16; e++) t.push(asciiBytes(f(intEnc(e))));
  return t;
}

/** Linkages 0-3 (3 and above print as unknown) mapped through `f` to bytes. */
function perLinkage(f: (name: string) => string): Uint8Array[] {
  return [0, 1, 2, 3].map((l) => asciiBytes(f(linkageStr(l))));
}

const ANON = asciiBytes('(anon)');
const INVALID = asciiBytes('(invalid)');

/**
 * Where a name's bytes are (bpftool's `btf_str()`): after {@link at}, `src`
 * from `s` to `e`. Names of this BTF are read in place from its string
 * section; a base's through `strBytes`; `(anon)` for offset 0 and
 * `(invalid)` past the strings (level 1 reads those).
 */
class NameBytes {
  src: Uint8Array = ANON;
  s = 0;
  e = 0;
  private readonly own: Uint8Array;
  private readonly ownStart: number;
  private readonly strEnd: number;
  constructor(private readonly btf: Btf) {
    this.own = btf.stringSection();
    this.ownStart = btf.startStrOff;
    this.strEnd = this.ownStart + btf.strLen;
  }

  /** Points `src`, `s`, `e` at the name at string offset `off`; returns its length. */
  at(off: number): number {
    if (off >= this.strEnd) {
      this.src = INVALID;
      this.s = 0;
    } else if (off >= this.ownStart && off !== 0) {
      const own = this.own;
      const s = off - this.ownStart;
      // indexOf is native: the scan costs one call even before the JIT warms up.
      const e = own.indexOf(0, s);
      this.src = own;
      this.s = s;
      this.e = e < 0 ? own.length : e;
      return this.e - s;
    } else {
      this.src = off ? this.btf.strBytes(off) : ANON;
      this.s = 0;
    }
    this.e = this.src.length;
    return this.e;
  }
}

/**
 * The records to print, as a count and an accessor: the `k`-th id, and its
 * words and offset. Every type of this BTF by default (read straight from
 * the container: no generator, no array per record, since a first call runs
 * interpreted for a good part of vmlinux), or `opts.typeIds` through the
 * checked lookup.
 */
class Records {
  readonly n: number;
  w: Uint32Array;
  o = 0;
  private readonly list: readonly number[] | undefined;
  private readonly start: number;
  private readonly offs: Uint32Array;
  constructor(
    private readonly btf: Btf,
    opts: RawDumpOptions,
  ) {
    this.list = opts.typeIds;
    this.start = btf.startId;
    this.n = this.list ? this.list.length : btf.typeCount - btf.startId;
    this.w = btf.words;
    this.offs = btf.offs;
  }

  /** Moves to the `k`-th record (sets `w` and `o`); returns its id. */
  at(k: number): number {
    if (this.list) {
      const id = this.list[k]!;
      [this.w, this.o] = this.btf.recordOf(id);
      return id;
    }
    this.o = this.offs[k]!;
    return this.start + k;
  }
}

/** Bytes one raw line takes besides its name, at most (an ENUM64 value, a DATASEC entry with its kind). */
const RAW_LINE = 192;

/** The raw dump's fixed pieces, as bytes (built once per dump: a first dump runs mostly interpreted). */
class RawText {
  /** `] KIND '` per kind: what follows the id. */
  readonly head = perKind((k) => `] ${kindName(k)} '`);
  /** ` (KIND '` per kind: a DATASEC entry's target. */
  readonly target = perKind((k) => ` (${kindName(k)} '`);
  readonly enc = perEncoding((n) => ` encoding=${n}`);
  readonly linkage = perLinkage((n) => ` linkage=${n}`);
  readonly varLinkage = perLinkage((n) => `, linkage=${n}`);
  readonly size = asciiBytes("' size=");
  readonly typeId = asciiBytes("' type_id=");
  readonly retTypeId = asciiBytes("' ret_type_id=");
  readonly bitsOffset = asciiBytes(' bits_offset=');
  readonly nrBits = asciiBytes(' nr_bits=');
  readonly indexTypeId = asciiBytes(' index_type_id=');
  readonly nrElems = asciiBytes(' nr_elems=');
  readonly vlen = asciiBytes(' vlen=');
  readonly signedSize = asciiBytes("' encoding=SIGNED size=");
  readonly unsignedSize = asciiBytes("' encoding=UNSIGNED size=");
  readonly item = asciiBytes("\n\t'");
  readonly val = asciiBytes("' val=");
  readonly bitfieldSize = asciiBytes(' bitfield_size=');
  readonly fwdUnion = asciiBytes("' fwd_kind=union");
  readonly fwdStruct = asciiBytes("' fwd_kind=struct");
  readonly secEntry = asciiBytes('\n\ttype_id=');
  readonly offset = asciiBytes(' offset=');
  readonly entrySize = asciiBytes(' size=');
  readonly componentIdx = asciiBytes(' component_idx=');
  readonly close = asciiBytes("')");
}

/** Writes a signed 32-bit integer in decimal at `p`; returns the position after it. */
function putInt(b: Uint8Array, p: number, v: number): number {
  if (v >= 0) return putUint(b, p, v);
  b[p] = 45;
  return putUint(b, p + 1, -v);
}

/** Copies `n.src[n.s, n.e)` to `b` at `p`; returns the position after it. */
function putName(b: Uint8Array, p: number, n: NameBytes): number {
  const src = n.src;
  const e = n.e;
  for (let i = n.s; i < e; i++) b[p++] = src[i]!;
  return p;
}

/**
 * Writes the bpftool raw dump of `btf` to `sink`, as bytes: one flat pass
 * over the records, written straight into the output buffer (keys as bytes
 * made once, numbers as digits, names copied from the string section), one
 * room check per line.
 */
export function writeRawDump(btf: Btf, sink: ByteSink, opts: RawDumpOptions = {}): void {
  const out = new ByteOut(sink);
  const T = new RawText();
  const count = btf.typeCount;
  const nm = new NameBytes(btf);
  const recs = new Records(btf, opts);
  let b = out.reserve(RAW_LINE);
  let p = out.mark;
  for (let k = 0; k < recs.n; k++) {
    const id = recs.at(k);
    const w = recs.w,
      o = recs.o;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen16(info);
    const kflag = infoKflag(info);
    let len = nm.at(w[o]!);
    if (p + len + RAW_LINE > b.length) {
      out.commit(p);
      b = out.reserve(len + RAW_LINE);
      p = out.mark;
    }
    b[p++] = 91; // [
    p = putUint(b, p, id);
    p = putBytes(b, p, T.head[kind]!);
    p = putName(b, p, nm);
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[o + 3]!;
        p = putUint(b, putBytes(b, p, T.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, T.bitsOffset), intOffset(v));
        p = putUint(b, putBytes(b, p, T.nrBits), intBits(v));
        p = putBytes(b, p, T.enc[intEncoding(v)]!);
        break;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_TYPE_TAG:
        p = putUint(b, putBytes(b, p, T.typeId), w[o + 2]!);
        break;
      case BTF_KIND_ARRAY:
        p = putUint(b, putBytes(b, p, T.typeId), w[o + 3]!);
        p = putUint(b, putBytes(b, p, T.indexTypeId), w[o + 4]!);
        p = putUint(b, putBytes(b, p, T.nrElems), w[o + 5]!);
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        p = putUint(b, putBytes(b, p, T.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, T.vlen), vlen);
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          len = nm.at(w[m]!);
          if (p + len + RAW_LINE > b.length) {
            out.commit(p);
            b = out.reserve(len + RAW_LINE);
            p = out.mark;
          }
          const off = w[m + 2]!;
          p = putName(b, putBytes(b, p, T.item), nm);
          p = putUint(b, putBytes(b, p, T.typeId), w[m + 1]!);
          p = putUint(b, putBytes(b, p, T.bitsOffset), memberBitOffset(off, kflag));
          const bits = memberBitfieldSize(off, kflag);
          if (bits) p = putUint(b, putBytes(b, p, T.bitfieldSize), bits);
        }
        break;
      }
      case BTF_KIND_ENUM:
        p = putUint(b, putBytes(b, p, kflag ? T.signedSize : T.unsignedSize), w[o + 2]!);
        p = putUint(b, putBytes(b, p, T.vlen), vlen);
        for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
          len = nm.at(w[e]!);
          if (p + len + RAW_LINE > b.length) {
            out.commit(p);
            b = out.reserve(len + RAW_LINE);
            p = out.mark;
          }
          p = putBytes(b, putName(b, putBytes(b, p, T.item), nm), T.val);
          p = kflag ? putInt(b, p, w[e + 1]! | 0) : putUint(b, p, w[e + 1]!);
        }
        break;
      case BTF_KIND_ENUM64:
        p = putUint(b, putBytes(b, p, kflag ? T.signedSize : T.unsignedSize), w[o + 2]!);
        p = putUint(b, putBytes(b, p, T.vlen), vlen);
        for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
          len = nm.at(w[e]!);
          if (p + len + RAW_LINE > b.length) {
            out.commit(p);
            b = out.reserve(len + RAW_LINE);
            p = out.mark;
          }
          const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
          p = putBytes(b, putName(b, putBytes(b, p, T.item), nm), T.val);
          p = putBytes(b, p, asciiBytes(kflag ? `${BigInt.asIntN(64, u)}LL` : `${u}ULL`));
        }
        break;
      case BTF_KIND_FWD:
        p = putBytes(b, p, kflag ? T.fwdUnion : T.fwdStruct);
        break;
      case BTF_KIND_FUNC:
        p = putUint(b, putBytes(b, p, T.typeId), w[o + 2]!);
        p = putBytes(b, p, T.linkage[Math.min(vlen, 3)]!);
        break;
      case BTF_KIND_FUNC_PROTO:
        p = putUint(b, putBytes(b, p, T.retTypeId), w[o + 2]!);
        p = putUint(b, putBytes(b, p, T.vlen), vlen);
        for (let i = 0, q = o + 3; i < vlen; i++, q += 2) {
          len = nm.at(w[q]!);
          if (p + len + RAW_LINE > b.length) {
            out.commit(p);
            b = out.reserve(len + RAW_LINE);
            p = out.mark;
          }
          p = putName(b, putBytes(b, p, T.item), nm);
          p = putUint(b, putBytes(b, p, T.typeId), w[q + 1]!);
        }
        break;
      case BTF_KIND_VAR: {
        const l = w[o + 3]!;
        p = putUint(b, putBytes(b, p, T.typeId), w[o + 2]!);
        p = putBytes(b, p, T.varLinkage[Math.min(l, 3)]!);
        break;
      }
      case BTF_KIND_DATASEC:
        p = putUint(b, putBytes(b, p, T.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, T.vlen), vlen);
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          const t = w[v]!;
          // bpftool prints the entry's kind and name; void reads as an all-zero record.
          const [tw, to] = t < count ? (t === 0 ? [ZERO, 0] : btf.recordOf(t)) : [ZERO, 0];
          len = t < count ? nm.at(tw[to]!) : 0;
          if (p + len + RAW_LINE > b.length) {
            out.commit(p);
            b = out.reserve(len + RAW_LINE);
            p = out.mark;
          }
          p = putUint(b, putBytes(b, p, T.secEntry), t);
          p = putUint(b, putBytes(b, p, T.offset), w[v + 1]!);
          p = putUint(b, putBytes(b, p, T.entrySize), w[v + 2]!);
          if (t < count) {
            p = putName(b, putBytes(b, p, T.target[infoKind(tw[to + 1]!)]!), nm);
            p = putBytes(b, p, T.close);
          }
        }
        break;
      case BTF_KIND_FLOAT:
        p = putUint(b, putBytes(b, p, T.size), w[o + 2]!);
        break;
      case BTF_KIND_DECL_TAG:
        p = putUint(b, putBytes(b, p, T.typeId), w[o + 2]!);
        p = putInt(b, putBytes(b, p, T.componentIdx), w[o + 3]! | 0);
        break;
      default:
        b[p++] = 39; // '
        break;
    }
    b[p++] = 10;
  }
  out.commit(p);
  out.flush();
}

const ZERO = new Uint32Array(3);

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
  readonly open: Uint8Array;
  /** After the last type: `]`, then the root's `}` and the final newline (bpftool's `jsonw_destroy`). */
  readonly endFull: Uint8Array;
  readonly endEmpty: Uint8Array;
  /** A type object's end (level 3 back to 2), an item's (5 back to 4), a non-empty array's (4 back to 3). */
  readonly typeEnd: Uint8Array;
  readonly itemEnd: Uint8Array;
  readonly arrayEnd: Uint8Array;
  /** An empty array's end: bpftool writes no newline inside `[]`. */
  readonly emptyArrayEnd = asciiBytes(']');
  /** Level 3: a type's fields (`id` first, then the separator is included). */
  readonly id: Uint8Array;
  readonly kind: Uint8Array[];
  readonly name: Uint8Array;
  readonly size: Uint8Array;
  readonly bitsOffset: Uint8Array;
  readonly nrBits: Uint8Array;
  readonly enc: Uint8Array[];
  readonly typeId: Uint8Array;
  readonly indexTypeId: Uint8Array;
  readonly nrElems: Uint8Array;
  readonly vlen: Uint8Array;
  readonly members: Uint8Array;
  readonly values: Uint8Array;
  readonly params: Uint8Array;
  readonly vars: Uint8Array;
  readonly signed: Uint8Array;
  readonly unsigned: Uint8Array;
  readonly fwdUnion: Uint8Array;
  readonly fwdStruct: Uint8Array;
  readonly linkage: Uint8Array[];
  readonly retTypeId: Uint8Array;
  readonly componentIdx: Uint8Array;
  /** Level 5: an item's fields (`name` first for members, values and params, `type_id` first for vars). */
  readonly itemName: Uint8Array;
  readonly itemTypeId: Uint8Array;
  readonly itemFirstTypeId: Uint8Array;
  readonly itemBitsOffset: Uint8Array;
  readonly itemBitfieldSize: Uint8Array;
  readonly itemVal: Uint8Array;
  readonly itemOffset: Uint8Array;
  readonly itemSize: Uint8Array;
  constructor(pretty: boolean) {
    const eol = (level: number): string => (pretty ? `\n${'    '.repeat(level)}` : '');
    const key = (name: string, level: number, first = false): string =>
      `${first ? '' : ','}${eol(level)}"${name}":${pretty ? ' ' : ''}`;
    const t = (name: string, first = false): Uint8Array => asciiBytes(key(name, 3, first));
    const m = (name: string, first = false): Uint8Array => asciiBytes(key(name, 5, first));
    this.open = asciiBytes(`{${key('types', 1, true)}[`);
    this.endFull = asciiBytes(`${eol(1)}]${eol(0)}}\n`);
    this.endEmpty = asciiBytes(`]${eol(0)}}\n`);
    this.typeEnd = asciiBytes(`${eol(2)}}`);
    this.itemEnd = asciiBytes(`${eol(4)}}`);
    this.arrayEnd = asciiBytes(`${eol(3)}]`);
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
    this.members = asciiBytes(`${key('members', 3)}[`);
    this.values = asciiBytes(`${key('values', 3)}[`);
    this.params = asciiBytes(`${key('params', 3)}[`);
    this.vars = asciiBytes(`${key('vars', 3)}[`);
    this.signed = asciiBytes(`${key('encoding', 3)}"SIGNED"`);
    this.unsigned = asciiBytes(`${key('encoding', 3)}"UNSIGNED"`);
    this.fwdUnion = asciiBytes(`${key('fwd_kind', 3)}"union"`);
    this.fwdStruct = asciiBytes(`${key('fwd_kind', 3)}"struct"`);
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

/** Writes the name `n` points at, quoted and escaped through `esc`, at `p`; returns the position after it. */
function putQuoted(b: Uint8Array, p: number, n: NameBytes, esc: Uint8Array): number {
  const src = n.src;
  const e = n.e;
  b[p++] = 34;
  for (let i = n.s; i < e; i++) {
    const c = src[i]!;
    const x = esc[c]!;
    if (x) {
      b[p++] = 92;
      b[p++] = x;
    } else b[p++] = c;
  }
  b[p++] = 34;
  return p;
}

/**
 * Writes the bpftool JSON dump (`-j`, or `-p` when pretty) of `btf` to
 * `sink`: one flat pass over the records, as {@link writeRawDump}, with keys,
 * separators and indents made once ({@link JsonText}) and names escaped
 * while they are copied from the string section.
 */
export function writeJsonDump(btf: Btf, sink: ByteSink, opts: JsonDumpOptions = {}): void {
  const out = new ByteOut(sink);
  const J = new JsonText(opts.pretty ?? false);
  const esc = escapes(opts.bpftool === '7.8' ? '\\' : 'n');
  const nm = new NameBytes(btf);
  const recs = new Records(btf, opts);
  let b = out.reserve(JSON_ITEM);
  let p = putBytes(b, out.mark, J.open);
  for (let k = 0; k < recs.n; k++) {
    const id = recs.at(k);
    const w = recs.w,
      o = recs.o;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen16(info);
    const kflag = infoKflag(info);
    let len = nm.at(w[o]!);
    if (p + 2 * len + JSON_ITEM > b.length) {
      out.commit(p);
      b = out.reserve(2 * len + JSON_ITEM);
      p = out.mark;
    }
    if (k) b[p++] = 44; // ,
    b[p++] = 123; // {
    p = putUint(b, putBytes(b, p, J.id), id);
    p = putBytes(b, p, J.kind[kind]!);
    p = putQuoted(b, putBytes(b, p, J.name), nm, esc);
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[o + 3]!;
        p = putUint(b, putBytes(b, p, J.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, J.bitsOffset), intOffset(v));
        p = putUint(b, putBytes(b, p, J.nrBits), intBits(v));
        p = putBytes(b, p, J.enc[intEncoding(v)]!);
        break;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_TYPE_TAG:
        p = putUint(b, putBytes(b, p, J.typeId), w[o + 2]!);
        break;
      case BTF_KIND_ARRAY:
        p = putUint(b, putBytes(b, p, J.typeId), w[o + 3]!);
        p = putUint(b, putBytes(b, p, J.indexTypeId), w[o + 4]!);
        p = putUint(b, putBytes(b, p, J.nrElems), w[o + 5]!);
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        p = putUint(b, putBytes(b, p, J.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, J.vlen), vlen);
        p = putBytes(b, p, J.members);
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          len = nm.at(w[m]!);
          if (p + 2 * len + JSON_ITEM > b.length) {
            out.commit(p);
            b = out.reserve(2 * len + JSON_ITEM);
            p = out.mark;
          }
          const off = w[m + 2]!;
          if (i) b[p++] = 44;
          b[p++] = 123;
          p = putQuoted(b, putBytes(b, p, J.itemName), nm, esc);
          p = putUint(b, putBytes(b, p, J.itemTypeId), w[m + 1]!);
          p = putUint(b, putBytes(b, p, J.itemBitsOffset), memberBitOffset(off, kflag));
          const bits = memberBitfieldSize(off, kflag);
          if (bits) p = putUint(b, putBytes(b, p, J.itemBitfieldSize), bits);
          p = putBytes(b, p, J.itemEnd);
        }
        p = putBytes(b, p, vlen ? J.arrayEnd : J.emptyArrayEnd);
        break;
      case BTF_KIND_ENUM:
        p = putBytes(b, p, kflag ? J.signed : J.unsigned);
        p = putUint(b, putBytes(b, p, J.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, J.vlen), vlen);
        p = putBytes(b, p, J.values);
        for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
          len = nm.at(w[e]!);
          if (p + 2 * len + JSON_ITEM > b.length) {
            out.commit(p);
            b = out.reserve(2 * len + JSON_ITEM);
            p = out.mark;
          }
          if (i) b[p++] = 44;
          b[p++] = 123;
          p = putQuoted(b, putBytes(b, p, J.itemName), nm, esc);
          p = putBytes(b, p, J.itemVal);
          // bpftool passes the __s32 `val` to jsonw_uint_field, which
          // sign-extends it: unsigned values >= 2^31 print as 2^64 + val.
          const v = w[e + 1]! | 0;
          if (kflag) p = putInt(b, p, v);
          else if (v >= 0) p = putUint(b, p, v);
          else p = putBytes(b, p, asciiBytes(String((1n << 64n) + BigInt(v))));
          p = putBytes(b, p, J.itemEnd);
        }
        p = putBytes(b, p, vlen ? J.arrayEnd : J.emptyArrayEnd);
        break;
      case BTF_KIND_ENUM64:
        p = putBytes(b, p, kflag ? J.signed : J.unsigned);
        p = putUint(b, putBytes(b, p, J.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, J.vlen), vlen);
        p = putBytes(b, p, J.values);
        for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
          len = nm.at(w[e]!);
          if (p + 2 * len + JSON_ITEM > b.length) {
            out.commit(p);
            b = out.reserve(2 * len + JSON_ITEM);
            p = out.mark;
          }
          const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
          if (i) b[p++] = 44;
          b[p++] = 123;
          p = putQuoted(b, putBytes(b, p, J.itemName), nm, esc);
          p = putBytes(b, p, J.itemVal);
          p = putBytes(b, p, asciiBytes(String(kflag ? BigInt.asIntN(64, u) : u)));
          p = putBytes(b, p, J.itemEnd);
        }
        p = putBytes(b, p, vlen ? J.arrayEnd : J.emptyArrayEnd);
        break;
      case BTF_KIND_FWD:
        p = putBytes(b, p, kflag ? J.fwdUnion : J.fwdStruct);
        break;
      case BTF_KIND_FUNC:
        p = putUint(b, putBytes(b, p, J.typeId), w[o + 2]!);
        p = putBytes(b, p, J.linkage[Math.min(vlen, 3)]!);
        break;
      case BTF_KIND_FUNC_PROTO:
        p = putUint(b, putBytes(b, p, J.retTypeId), w[o + 2]!);
        p = putUint(b, putBytes(b, p, J.vlen), vlen);
        p = putBytes(b, p, J.params);
        for (let i = 0, q = o + 3; i < vlen; i++, q += 2) {
          len = nm.at(w[q]!);
          if (p + 2 * len + JSON_ITEM > b.length) {
            out.commit(p);
            b = out.reserve(2 * len + JSON_ITEM);
            p = out.mark;
          }
          if (i) b[p++] = 44;
          b[p++] = 123;
          p = putQuoted(b, putBytes(b, p, J.itemName), nm, esc);
          p = putUint(b, putBytes(b, p, J.itemTypeId), w[q + 1]!);
          p = putBytes(b, p, J.itemEnd);
        }
        p = putBytes(b, p, vlen ? J.arrayEnd : J.emptyArrayEnd);
        break;
      case BTF_KIND_VAR: {
        const l = w[o + 3]!;
        p = putUint(b, putBytes(b, p, J.typeId), w[o + 2]!);
        p = putBytes(b, p, J.linkage[Math.min(l, 3)]!);
        break;
      }
      case BTF_KIND_DATASEC:
        p = putUint(b, putBytes(b, p, J.size), w[o + 2]!);
        p = putUint(b, putBytes(b, p, J.vlen), vlen);
        p = putBytes(b, p, J.vars);
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          if (p + JSON_ITEM > b.length) {
            out.commit(p);
            b = out.reserve(JSON_ITEM);
            p = out.mark;
          }
          if (i) b[p++] = 44;
          b[p++] = 123;
          p = putUint(b, putBytes(b, p, J.itemFirstTypeId), w[v]!);
          p = putUint(b, putBytes(b, p, J.itemOffset), w[v + 1]!);
          p = putUint(b, putBytes(b, p, J.itemSize), w[v + 2]!);
          p = putBytes(b, p, J.itemEnd);
        }
        p = putBytes(b, p, vlen ? J.arrayEnd : J.emptyArrayEnd);
        break;
      case BTF_KIND_FLOAT:
        p = putUint(b, putBytes(b, p, J.size), w[o + 2]!);
        break;
      case BTF_KIND_DECL_TAG:
        p = putUint(b, putBytes(b, p, J.typeId), w[o + 2]!);
        p = putInt(b, putBytes(b, p, J.componentIdx), w[o + 3]! | 0);
        break;
      default:
        break;
    }
    p = putBytes(b, p, J.typeEnd);
  }
  p = putBytes(b, p, recs.n ? J.endFull : J.endEmpty);
  out.commit(p);
  out.flush();
}

/** Returns the bpftool JSON dump of `btf` as a string. */
export function jsonDump(btf: Btf, opts: JsonDumpOptions = {}): string {
  return bytesToText(collectBytes((s) => writeJsonDump(btf, s, opts)));
}
