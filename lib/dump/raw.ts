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
import { ByteOut, bytesToText, collectBytes, type ByteSink } from './bytes.js';

/** Options for the raw and JSON dumps. */
export interface RawDumpOptions {
  /** Only these type ids, in this order (bpftool's `root_type_ids`); defaults to every type of this BTF. */
  typeIds?: readonly number[];
}

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

/** Writes the bpftool raw dump of `btf` to `sink`, as bytes. */
export function writeRawDump(btf: Btf, sink: ByteSink, opts: RawDumpOptions = {}): void {
  const out = new ByteOut(sink);
  const count = btf.typeCount;
  // Names are copied straight from the string section that holds them.
  const own = btf.stringSection();
  const ownStart = btf.startStrOff;
  const strEnd = ownStart + btf.strLen;
  // bpftool's btf_str(): '(anon)' for 0, '(invalid)' past the strings (level 1 reads those)
  const name = (off: number): void => {
    if (off >= strEnd) out.ascii('(invalid)');
    else if (off >= ownStart && off !== 0) out.cstr(own, off - ownStart);
    else if (off) out.bytes(btf.strBytes(off));
    else out.ascii('(anon)');
  };
  const recs = new Records(btf, opts);
  for (let k = 0; k < recs.n; k++) {
    const id = recs.at(k);
    const w = recs.w,
      o = recs.o;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen16(info);
    const kflag = infoKflag(info);
    out.byte(91); // [
    out.uint(id);
    out.ascii('] ');
    out.ascii(kindName(kind));
    out.ascii(" '");
    name(w[o]!);
    out.byte(39);
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[o + 3]!;
        out.ascii(' size=');
        out.uint(w[o + 2]!);
        out.ascii(' bits_offset=');
        out.uint(intOffset(v));
        out.ascii(' nr_bits=');
        out.uint(intBits(v));
        out.ascii(' encoding=');
        out.ascii(intEnc(intEncoding(v)));
        break;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_TYPE_TAG:
        out.ascii(' type_id=');
        out.uint(w[o + 2]!);
        break;
      case BTF_KIND_ARRAY:
        out.ascii(' type_id=');
        out.uint(w[o + 3]!);
        out.ascii(' index_type_id=');
        out.uint(w[o + 4]!);
        out.ascii(' nr_elems=');
        out.uint(w[o + 5]!);
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        out.ascii(' size=');
        out.uint(w[o + 2]!);
        out.ascii(' vlen=');
        out.uint(vlen);
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          const off = w[m + 2]!;
          out.ascii("\n\t'");
          name(w[m]!);
          out.ascii("' type_id=");
          out.uint(w[m + 1]!);
          out.ascii(' bits_offset=');
          out.uint(memberBitOffset(off, kflag));
          const bits = memberBitfieldSize(off, kflag);
          if (bits) {
            out.ascii(' bitfield_size=');
            out.uint(bits);
          }
        }
        break;
      }
      case BTF_KIND_ENUM:
        out.ascii(kflag ? ' encoding=SIGNED size=' : ' encoding=UNSIGNED size=');
        out.uint(w[o + 2]!);
        out.ascii(' vlen=');
        out.uint(vlen);
        for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
          out.ascii("\n\t'");
          name(w[e]!);
          out.ascii("' val=");
          if (kflag) out.int(w[e + 1]! | 0);
          else out.uint(w[e + 1]!);
        }
        break;
      case BTF_KIND_ENUM64:
        out.ascii(kflag ? ' encoding=SIGNED size=' : ' encoding=UNSIGNED size=');
        out.uint(w[o + 2]!);
        out.ascii(' vlen=');
        out.uint(vlen);
        for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
          const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
          out.ascii("\n\t'");
          name(w[e]!);
          out.ascii("' val=");
          out.ascii(kflag ? `${BigInt.asIntN(64, u)}LL` : `${u}ULL`);
        }
        break;
      case BTF_KIND_FWD:
        out.ascii(kflag ? ' fwd_kind=union' : ' fwd_kind=struct');
        break;
      case BTF_KIND_FUNC:
        out.ascii(' type_id=');
        out.uint(w[o + 2]!);
        out.ascii(' linkage=');
        out.ascii(linkageStr(vlen));
        break;
      case BTF_KIND_FUNC_PROTO:
        out.ascii(' ret_type_id=');
        out.uint(w[o + 2]!);
        out.ascii(' vlen=');
        out.uint(vlen);
        for (let i = 0, p = o + 3; i < vlen; i++, p += 2) {
          out.ascii("\n\t'");
          name(w[p]!);
          out.ascii("' type_id=");
          out.uint(w[p + 1]!);
        }
        break;
      case BTF_KIND_VAR:
        out.ascii(' type_id=');
        out.uint(w[o + 2]!);
        out.ascii(', linkage=');
        out.ascii(linkageStr(w[o + 3]!));
        break;
      case BTF_KIND_DATASEC:
        out.ascii(' size=');
        out.uint(w[o + 2]!);
        out.ascii(' vlen=');
        out.uint(vlen);
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          const t = w[v]!;
          out.ascii('\n\ttype_id=');
          out.uint(t);
          out.ascii(' offset=');
          out.uint(w[v + 1]!);
          out.ascii(' size=');
          out.uint(w[v + 2]!);
          if (t < count) {
            // bpftool prints the entry's kind and name; void reads as an all-zero record.
            const [tw, to] = t === 0 ? [ZERO, 0] : btf.recordOf(t);
            out.ascii(' (');
            out.ascii(kindName(infoKind(tw[to + 1]!)));
            out.ascii(" '");
            name(tw[to]!);
            out.ascii("')");
          }
        }
        break;
      case BTF_KIND_FLOAT:
        out.ascii(' size=');
        out.uint(w[o + 2]!);
        break;
      case BTF_KIND_DECL_TAG:
        out.ascii(' type_id=');
        out.uint(w[o + 2]!);
        out.ascii(' component_idx=');
        out.int(w[o + 3]! | 0);
        break;
      default:
        break;
    }
    out.byte(10);
  }
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
 * bpftool's `json_writer.c` over bytes: the same separators, the same
 * pretty-printing (4-space indent, a newline before each member, none before
 * array elements) and the same string escapes, including bpftool 7.1's
 * quirk of writing a backslash as `\n`. A single quote is written as is
 * (checked against bpftool v7.1.0 live: its json_writer no longer escapes it).
 */
class JsonBytesWriter {
  private depth = 0;
  private sep = 0;
  constructor(
    readonly out: ByteOut,
    private readonly pretty: boolean,
    /** What a backslash becomes: `\n` (bpftool 7.1) or `\\`. */
    private readonly backslash: string,
  ) {}

  private eol(): void {
    if (!this.pretty) return;
    this.out.byte(10);
    for (let i = 0; i < this.depth; i++) this.out.ascii('    ');
  }
  private eor(): void {
    if (this.sep) this.out.byte(this.sep);
    this.sep = 44;
  }
  private begin(c: number): void {
    this.eor();
    this.out.byte(c);
    this.depth++;
    this.sep = 0;
  }
  private end(c: number): void {
    this.depth--;
    if (this.sep) this.eol();
    this.out.byte(c);
    this.sep = 44;
  }
  startObject(): void {
    this.begin(123);
  }
  endObject(): void {
    this.end(125);
  }
  startArray(): void {
    this.begin(91);
  }
  endArray(): void {
    this.end(93);
  }
  /** Writes a property name (ASCII). */
  name(n: string): void {
    this.eor();
    this.eol();
    this.sep = 0;
    this.out.byte(34);
    this.out.ascii(n);
    this.out.ascii(this.pretty ? '": ' : '":');
  }
  uint(v: number): void {
    this.eor();
    this.out.uint(v);
  }
  int(v: number): void {
    this.eor();
    this.out.int(v);
  }
  big(v: bigint): void {
    this.eor();
    this.out.ascii(String(v));
  }
  /** Writes a quoted string from raw bytes with bpftool's escapes. */
  strBytes(b: Uint8Array): void {
    this.eor();
    quoteBytes(this.out, b, this.backslash);
  }
  /** Writes a quoted ASCII string. */
  str(s: string): void {
    this.eor();
    this.out.byte(34);
    this.out.ascii(s);
    this.out.byte(34);
  }
  uintField(n: string, v: number): void {
    this.name(n);
    this.uint(v);
  }
  intField(n: string, v: number): void {
    this.name(n);
    this.int(v);
  }
  strField(n: string, s: string): void {
    this.name(n);
    this.str(s);
  }
  /** Ends the document as bpftool's `jsonw_destroy` does: a newline. */
  finish(): void {
    this.out.byte(10);
  }
}

function quoteBytes(out: ByteOut, b: Uint8Array, backslash: string): void {
  out.byte(34);
  let plain = true;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 9 || c === 10 || c === 13 || c === 12 || c === 8 || c === 92 || c === 34) {
      plain = false;
      break;
    }
  }
  if (plain) out.bytes(b);
  else {
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      switch (c) {
        case 9:
          out.ascii('\\t');
          break;
        case 10:
          out.ascii('\\n');
          break;
        case 13:
          out.ascii('\\r');
          break;
        case 12:
          out.ascii('\\f');
          break;
        case 8:
          out.ascii('\\b');
          break;
        case 92:
          out.ascii(backslash); // sic: bpftool 7.1 writes a backslash as \n
          break;
        case 34:
          out.ascii('\\"');
          break;
        default:
          out.byte(c);
      }
    }
  }
  out.byte(34);
}

/** Writes the bpftool JSON dump (`-j`, or `-p` when pretty) of `btf` to `sink`. */
export function writeJsonDump(btf: Btf, sink: ByteSink, opts: JsonDumpOptions = {}): void {
  const out = new ByteOut(sink);
  const j = new JsonBytesWriter(out, opts.pretty ?? false, opts.bpftool === '7.8' ? '\\\\' : '\\n');
  const ANON = new TextEncoder().encode('(anon)');
  const INVALID = new TextEncoder().encode('(invalid)');
  const strEnd = btf.startStrOff + btf.strLen;
  const nameField = (off: number): void => {
    j.name('name');
    j.strBytes(off >= strEnd ? INVALID : off ? btf.strBytes(off) : ANON);
  };
  j.startObject();
  j.name('types');
  j.startArray();
  const recs = new Records(btf, opts);
  for (let k = 0; k < recs.n; k++) {
    const id = recs.at(k);
    const w = recs.w,
      o = recs.o;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen16(info);
    const kflag = infoKflag(info);
    j.startObject();
    j.uintField('id', id);
    j.strField('kind', kindName(kind));
    nameField(w[o]!);
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[o + 3]!;
        j.uintField('size', w[o + 2]!);
        j.uintField('bits_offset', intOffset(v));
        j.uintField('nr_bits', intBits(v));
        j.strField('encoding', intEnc(intEncoding(v)));
        break;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_TYPE_TAG:
        j.uintField('type_id', w[o + 2]!);
        break;
      case BTF_KIND_ARRAY:
        j.uintField('type_id', w[o + 3]!);
        j.uintField('index_type_id', w[o + 4]!);
        j.uintField('nr_elems', w[o + 5]!);
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        j.uintField('size', w[o + 2]!);
        j.uintField('vlen', vlen);
        j.name('members');
        j.startArray();
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          const off = w[m + 2]!;
          j.startObject();
          nameField(w[m]!);
          j.uintField('type_id', w[m + 1]!);
          j.uintField('bits_offset', memberBitOffset(off, kflag));
          const bits = memberBitfieldSize(off, kflag);
          if (bits) j.uintField('bitfield_size', bits);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_ENUM:
        j.strField('encoding', kflag ? 'SIGNED' : 'UNSIGNED');
        j.uintField('size', w[o + 2]!);
        j.uintField('vlen', vlen);
        j.name('values');
        j.startArray();
        for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
          j.startObject();
          nameField(w[e]!);
          // bpftool passes the __s32 `val` to jsonw_uint_field, which
          // sign-extends it: unsigned values >= 2^31 print as 2^64 + val.
          const v = w[e + 1]! | 0;
          j.name('val');
          if (kflag) j.int(v);
          else if (v >= 0) j.uint(v);
          else j.big((1n << 64n) + BigInt(v));
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_ENUM64:
        j.strField('encoding', kflag ? 'SIGNED' : 'UNSIGNED');
        j.uintField('size', w[o + 2]!);
        j.uintField('vlen', vlen);
        j.name('values');
        j.startArray();
        for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
          const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
          j.startObject();
          nameField(w[e]!);
          j.name('val');
          j.big(kflag ? BigInt.asIntN(64, u) : u);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_FWD:
        j.strField('fwd_kind', kflag ? 'union' : 'struct');
        break;
      case BTF_KIND_FUNC:
        j.uintField('type_id', w[o + 2]!);
        j.strField('linkage', linkageStr(vlen));
        break;
      case BTF_KIND_FUNC_PROTO:
        j.uintField('ret_type_id', w[o + 2]!);
        j.uintField('vlen', vlen);
        j.name('params');
        j.startArray();
        for (let i = 0, p = o + 3; i < vlen; i++, p += 2) {
          j.startObject();
          nameField(w[p]!);
          j.uintField('type_id', w[p + 1]!);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_VAR:
        j.uintField('type_id', w[o + 2]!);
        j.strField('linkage', linkageStr(w[o + 3]!));
        break;
      case BTF_KIND_DATASEC:
        j.uintField('size', w[o + 2]!);
        j.uintField('vlen', vlen);
        j.name('vars');
        j.startArray();
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          j.startObject();
          j.uintField('type_id', w[v]!);
          j.uintField('offset', w[v + 1]!);
          j.uintField('size', w[v + 2]!);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_FLOAT:
        j.uintField('size', w[o + 2]!);
        break;
      case BTF_KIND_DECL_TAG:
        j.uintField('type_id', w[o + 2]!);
        j.intField('component_idx', w[o + 3]! | 0);
        break;
      default:
        break;
    }
    j.endObject();
  }
  j.endArray();
  j.endObject();
  j.finish();
  out.flush();
}

/** Returns the bpftool JSON dump of `btf` as a string. */
export function jsonDump(btf: Btf, opts: JsonDumpOptions = {}): string {
  return bytesToText(collectBytes((s) => writeJsonDump(btf, s, opts)));
}
