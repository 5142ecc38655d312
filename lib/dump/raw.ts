/**
 * The raw and JSON dumps: what `bpftool btf dump file FILE` and
 * `bpftool -j btf dump file FILE` print (bpftool v7.1.0, `dump_btf_type`),
 * byte for byte. Both walk the records of this BTF (not its base, as bpftool
 * does for split BTF) and read the words directly.
 */
import type { Btf } from '../btf.js';
import {
  BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM, BTF_KIND_ENUM64,
  BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
  BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG, BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_VAR,
  BTF_KIND_VOLATILE, infoKind, kindName,
} from '../kinds.js';
import { Chunker, JsonWriter, collect, type Write } from './out.js';

/** Options for the raw and JSON dumps. */
export interface RawDumpOptions {
  /** Only these type ids, in this order (bpftool's `root_type_ids`); defaults to every type of this BTF. */
  typeIds?: readonly number[];
}

function intEnc(enc: number): string {
  switch (enc) {
    case 0: return '(none)';
    case 1: return 'SIGNED';
    case 2: return 'CHAR';
    case 4: return 'BOOL';
    default: return 'UNKN';
  }
}

function linkageStr(l: number): string {
  return l === 0 ? 'static' : l === 1 ? 'global' : l === 2 ? 'extern' : '(unknown)';
}

function ids(btf: Btf, opts: RawDumpOptions): Iterable<number> {
  if (opts.typeIds) return opts.typeIds;
  const start = btf.startId, end = btf.typeCount;
  return { *[Symbol.iterator]() { for (let i = start; i < end; i++) yield i; } };
}

/** Writes the bpftool raw dump of `btf` to `write`. */
export function writeRawDump(btf: Btf, write: Write, opts: RawDumpOptions = {}): void {
  const out = new Chunker(write);
  const str = btf.nameReader();
  const name = (off: number): string => (off ? str(off) : '(anon)');
  const count = btf.typeCount;
  for (const id of ids(btf, opts)) {
    const [w, o] = btf.recordOf(id);
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = info & 0xffff;
    const kflag = info >>> 31;
    let s = `[${id}] ${kindName(kind)} '${name(w[o]!)}'`;
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[o + 3]!;
        s += ` size=${w[o + 2]} bits_offset=${(v >>> 16) & 0xff} nr_bits=${v & 0xff} encoding=${intEnc((v >>> 24) & 0xf)}`;
        break;
      }
      case BTF_KIND_PTR: case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF: case BTF_KIND_TYPE_TAG:
        s += ` type_id=${w[o + 2]}`;
        break;
      case BTF_KIND_ARRAY:
        s += ` type_id=${w[o + 3]} index_type_id=${w[o + 4]} nr_elems=${w[o + 5]}`;
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
        s += ` size=${w[o + 2]} vlen=${vlen}`;
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          const off = w[m + 2]!;
          const bitOff = kflag ? off & 0xffffff : off;
          const bitSz = kflag ? off >>> 24 : 0;
          s += `\n\t'${name(w[m]!)}' type_id=${w[m + 1]} bits_offset=${bitOff}`;
          if (bitSz) s += ` bitfield_size=${bitSz}`;
        }
        break;
      }
      case BTF_KIND_ENUM: {
        s += ` encoding=${kflag ? 'SIGNED' : 'UNSIGNED'} size=${w[o + 2]} vlen=${vlen}`;
        for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
          s += `\n\t'${name(w[e]!)}' val=${kflag ? w[e + 1]! | 0 : w[e + 1]!}`;
        }
        break;
      }
      case BTF_KIND_ENUM64: {
        s += ` encoding=${kflag ? 'SIGNED' : 'UNSIGNED'} size=${w[o + 2]} vlen=${vlen}`;
        for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
          const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
          s += `\n\t'${name(w[e]!)}' val=${kflag ? `${BigInt.asIntN(64, u)}LL` : `${u}ULL`}`;
        }
        break;
      }
      case BTF_KIND_FWD:
        s += ` fwd_kind=${kflag ? 'union' : 'struct'}`;
        break;
      case BTF_KIND_FUNC:
        s += ` type_id=${w[o + 2]} linkage=${linkageStr(vlen)}`;
        break;
      case BTF_KIND_FUNC_PROTO:
        s += ` ret_type_id=${w[o + 2]} vlen=${vlen}`;
        for (let i = 0, p = o + 3; i < vlen; i++, p += 2) s += `\n\t'${name(w[p]!)}' type_id=${w[p + 1]}`;
        break;
      case BTF_KIND_VAR:
        s += ` type_id=${w[o + 2]}, linkage=${linkageStr(w[o + 3]!)}`;
        break;
      case BTF_KIND_DATASEC:
        s += ` size=${w[o + 2]} vlen=${vlen}`;
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          const t = w[v]!;
          s += `\n\ttype_id=${t} offset=${w[v + 1]} size=${w[v + 2]}`;
          if (t < count) {
            if (t === 0) s += ` (UNKNOWN '(anon)')`;
            else {
              const [tw, to] = btf.recordOf(t);
              s += ` (${kindName(infoKind(tw[to + 1]!))} '${name(tw[to]!)}')`;
            }
          }
        }
        break;
      case BTF_KIND_FLOAT:
        s += ` size=${w[o + 2]}`;
        break;
      case BTF_KIND_DECL_TAG:
        s += ` type_id=${w[o + 2]} component_idx=${w[o + 3]! | 0}`;
        break;
      default:
        break;
    }
    out.add(s + '\n');
  }
  out.flush();
}

/** Returns the bpftool raw dump of `btf` as one string. */
export function rawDump(btf: Btf, opts: RawDumpOptions = {}): string {
  return collect((w) => writeRawDump(btf, w, opts));
}

/** Options for the JSON dump. */
export interface JsonDumpOptions extends RawDumpOptions {
  /** Pretty-print like `bpftool -p`. Defaults to false (compact, like `-j`). */
  pretty?: boolean;
}

/** Writes the bpftool JSON dump (`-j`, or `-p` when pretty) of `btf` to `write`. */
export function writeJsonDump(btf: Btf, write: Write, opts: JsonDumpOptions = {}): void {
  const out = new Chunker(write);
  const j = new JsonWriter(out, opts.pretty ?? false);
  const str = btf.nameReader();
  const name = (off: number): string => (off ? str(off) : '(anon)');
  j.startObject();
  j.name('types');
  j.startArray();
  for (const id of ids(btf, opts)) {
    const [w, o] = btf.recordOf(id);
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = info & 0xffff;
    const kflag = info >>> 31;
    j.startObject();
    j.numField('id', id);
    j.strField('kind', kindName(kind));
    j.strField('name', name(w[o]!));
    switch (kind) {
      case BTF_KIND_INT: {
        const v = w[o + 3]!;
        j.numField('size', w[o + 2]!);
        j.numField('bits_offset', (v >>> 16) & 0xff);
        j.numField('nr_bits', v & 0xff);
        j.strField('encoding', intEnc((v >>> 24) & 0xf));
        break;
      }
      case BTF_KIND_PTR: case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPEDEF: case BTF_KIND_TYPE_TAG:
        j.numField('type_id', w[o + 2]!);
        break;
      case BTF_KIND_ARRAY:
        j.numField('type_id', w[o + 3]!);
        j.numField('index_type_id', w[o + 4]!);
        j.numField('nr_elems', w[o + 5]!);
        break;
      case BTF_KIND_STRUCT: case BTF_KIND_UNION:
        j.numField('size', w[o + 2]!);
        j.numField('vlen', vlen);
        j.name('members');
        j.startArray();
        for (let i = 0, m = o + 3; i < vlen; i++, m += 3) {
          const off = w[m + 2]!;
          j.startObject();
          j.strField('name', name(w[m]!));
          j.numField('type_id', w[m + 1]!);
          j.numField('bits_offset', kflag ? off & 0xffffff : off);
          if (kflag && off >>> 24) j.numField('bitfield_size', off >>> 24);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_ENUM:
        j.strField('encoding', kflag ? 'SIGNED' : 'UNSIGNED');
        j.numField('size', w[o + 2]!);
        j.numField('vlen', vlen);
        j.name('values');
        j.startArray();
        for (let i = 0, e = o + 3; i < vlen; i++, e += 2) {
          j.startObject();
          j.strField('name', name(w[e]!));
          // bpftool passes the __s32 `val` to jsonw_uint_field, which
          // sign-extends it: unsigned values >= 2^31 print as 2^64 + val.
          const v = w[e + 1]! | 0;
          j.numField('val', kflag || v >= 0 ? v : (1n << 64n) + BigInt(v));
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_ENUM64:
        j.strField('encoding', kflag ? 'SIGNED' : 'UNSIGNED');
        j.numField('size', w[o + 2]!);
        j.numField('vlen', vlen);
        j.name('values');
        j.startArray();
        for (let i = 0, e = o + 3; i < vlen; i++, e += 3) {
          const u = (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!);
          j.startObject();
          j.strField('name', name(w[e]!));
          j.numField('val', kflag ? BigInt.asIntN(64, u) : u);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_FWD:
        j.strField('fwd_kind', kflag ? 'union' : 'struct');
        break;
      case BTF_KIND_FUNC:
        j.numField('type_id', w[o + 2]!);
        j.strField('linkage', linkageStr(vlen));
        break;
      case BTF_KIND_FUNC_PROTO:
        j.numField('ret_type_id', w[o + 2]!);
        j.numField('vlen', vlen);
        j.name('params');
        j.startArray();
        for (let i = 0, p = o + 3; i < vlen; i++, p += 2) {
          j.startObject();
          j.strField('name', name(w[p]!));
          j.numField('type_id', w[p + 1]!);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_VAR:
        j.numField('type_id', w[o + 2]!);
        j.strField('linkage', linkageStr(w[o + 3]!));
        break;
      case BTF_KIND_DATASEC:
        j.numField('size', w[o + 2]!);
        j.numField('vlen', vlen);
        j.name('vars');
        j.startArray();
        for (let i = 0, v = o + 3; i < vlen; i++, v += 3) {
          j.startObject();
          j.numField('type_id', w[v]!);
          j.numField('offset', w[v + 1]!);
          j.numField('size', w[v + 2]!);
          j.endObject();
        }
        j.endArray();
        break;
      case BTF_KIND_FLOAT:
        j.numField('size', w[o + 2]!);
        break;
      case BTF_KIND_DECL_TAG:
        j.numField('type_id', w[o + 2]!);
        j.numField('component_idx', w[o + 3]! | 0);
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

/** Returns the bpftool JSON dump of `btf` as one string. */
export function jsonDump(btf: Btf, opts: JsonDumpOptions = {}): string {
  return collect((w) => writeJsonDump(btf, w, opts));
}
