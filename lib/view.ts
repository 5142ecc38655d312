/**
 * Light views over type records, and `inflate` to plain objects.
 *
 * A {@link TypeView} is a few fields (container, id, words, offset) created
 * on demand by `btf.type(id)`; every getter reads the words directly. Views
 * of a modifiable BTF are valid until the next modification (the words array
 * may move when it grows), like libbpf's `btf_type *` pointers.
 */
import type { BtfContainer } from './container.js';
import { BtfError, BtfErrorCode } from './errors.js';
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
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
  BTF_KIND_VOLATILE,
  infoKflag,
  infoKind,
  infoVlen,
  intBits,
  intEncoding,
  intOffset,
  kindHasSize,
  kindName,
  memberBitfieldSize,
  memberBitOffset,
} from './kinds.js';

/** A struct or union member. */
export interface Member {
  name: string;
  nameOff: number;
  typeId: number;
  /** Offset in bits from the start of the struct. */
  bitOffset: number;
  /** Bitfield size in bits; 0 when not a bitfield. */
  bitSize: number;
}

/** A FUNC_PROTO parameter. A last parameter with typeId 0 and no name marks a variadic function. */
export interface Param {
  name: string;
  nameOff: number;
  typeId: number;
}

/** An ENUM or ENUM64 value. `value` is a number for ENUM and a bigint for ENUM64. */
export interface EnumValue {
  name: string;
  nameOff: number;
  value: number | bigint;
}

/** A DATASEC entry. */
export interface SecInfo {
  typeId: number;
  offset: number;
  size: number;
}

/** A zero-copy view of one type record. */
export class TypeView {
  constructor(
    /** The container that holds the type (the base, for a base type of split BTF). */
    readonly btf: BtfContainer,
    readonly typeId: number,
    /** @internal */ readonly w: Uint32Array,
    /** @internal */ readonly o: number,
  ) {}

  get nameOff(): number {
    return this.w[this.o]!;
  }
  get info(): number {
    return this.w[this.o + 1]!;
  }
  get kind(): number {
    return infoKind(this.info);
  }
  /** The bpftool name of the kind (`STRUCT`, `FUNC_PROTO` ...). */
  get kindName(): string {
    return kindName(this.kind);
  }
  get vlen(): number {
    return infoVlen(this.info);
  }
  get kflag(): boolean {
    return infoKflag(this.info);
  }
  /** The name, `''` when anonymous. */
  get name(): string {
    return this.btf.str(this.nameOff);
  }
  /** The size word (INT, ENUM, ENUM64, STRUCT, UNION, DATASEC, FLOAT); 0 for other kinds. */
  get size(): number {
    return kindHasSize(this.kind) ? this.w[this.o + 2]! : 0;
  }
  /** The referenced type id (PTR, TYPEDEF, modifiers, FUNC, FUNC_PROTO return, VAR, DECL_TAG; ARRAY's element). */
  get typeRef(): number {
    return this.kind === BTF_KIND_ARRAY ? this.w[this.o + 3]! : kindHasSize(this.kind) ? 0 : this.w[this.o + 2]!;
  }

  // INT
  /** INT encoding bits (BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL). */
  get intEncoding(): number {
    return intEncoding(this.w[this.o + 3]!);
  }
  get intOffset(): number {
    return intOffset(this.w[this.o + 3]!);
  }
  get intBits(): number {
    return intBits(this.w[this.o + 3]!);
  }

  // ARRAY
  get elemTypeId(): number {
    return this.w[this.o + 3]!;
  }
  get indexTypeId(): number {
    return this.w[this.o + 4]!;
  }
  get nelems(): number {
    return this.w[this.o + 5]!;
  }

  /** FUNC linkage (from vlen) or VAR linkage (from the extra word). */
  get linkage(): number {
    return this.kind === BTF_KIND_VAR ? this.w[this.o + 3]! : this.vlen;
  }
  /** DECL_TAG component index, -1 for the whole declaration. */
  get componentIdx(): number {
    return this.w[this.o + 3]! | 0;
  }
  /** FWD: whether it declares a union (kind_flag). */
  get isUnionFwd(): boolean {
    return this.kflag;
  }
  /** ENUM/ENUM64: whether values are signed (kind_flag). */
  get isSigned(): boolean {
    return this.kflag;
  }

  /** Throws EINVAL unless this type is `ok` for the accessor and `i` indexes one of its vlen items. */
  private checkItem(i: number, what: string, ok: boolean): void {
    if (!ok || !Number.isInteger(i) || i < 0 || i >= this.vlen) {
      throw new BtfError(BtfErrorCode.InvalidArgument, `type [${this.typeId}] ${this.kindName}: no ${what} ${i}`, {
        typeId: this.typeId,
      });
    }
  }

  /** Returns member `i` of a STRUCT or UNION; throws EINVAL for another kind or an index out of range. */
  member(i: number): Member {
    this.checkItem(i, 'member', this.kind === BTF_KIND_STRUCT || this.kind === BTF_KIND_UNION);
    const e = this.o + 3 + i * 3;
    const off = this.w[e + 2]!;
    const kf = this.kflag;
    return {
      name: this.btf.str(this.w[e]!),
      nameOff: this.w[e]!,
      typeId: this.w[e + 1]!,
      bitOffset: memberBitOffset(off, kf),
      bitSize: memberBitfieldSize(off, kf),
    };
  }

  /** Returns the members of a STRUCT or UNION. */
  members(): Member[] {
    const out: Member[] = [];
    if (this.kind !== BTF_KIND_STRUCT && this.kind !== BTF_KIND_UNION) return out;
    for (let i = 0; i < this.vlen; i++) out.push(this.member(i));
    return out;
  }

  /** Returns the parameters of a FUNC_PROTO. */
  params(): Param[] {
    const out: Param[] = [];
    if (this.kind !== BTF_KIND_FUNC_PROTO) return out;
    for (let i = 0; i < this.vlen; i++) {
      const e = this.o + 3 + i * 2;
      out.push({ name: this.btf.str(this.w[e]!), nameOff: this.w[e]!, typeId: this.w[e + 1]! });
    }
    return out;
  }

  /** Returns value `i` of an ENUM (number, signed when kflag) or ENUM64 (bigint); throws EINVAL for another kind or an index out of range. */
  enumValue(i: number): EnumValue {
    this.checkItem(i, 'value', this.kind === BTF_KIND_ENUM || this.kind === BTF_KIND_ENUM64);
    if (this.kind === BTF_KIND_ENUM64) {
      const e = this.o + 3 + i * 3;
      const u = (BigInt(this.w[e + 2]!) << 32n) | BigInt(this.w[e + 1]!);
      return { name: this.btf.str(this.w[e]!), nameOff: this.w[e]!, value: this.kflag ? BigInt.asIntN(64, u) : u };
    }
    const e = this.o + 3 + i * 2;
    const v = this.w[e + 1]!;
    return { name: this.btf.str(this.w[e]!), nameOff: this.w[e]!, value: this.kflag ? v | 0 : v };
  }

  /** Returns the values of an ENUM or ENUM64. */
  enumValues(): EnumValue[] {
    const out: EnumValue[] = [];
    if (this.kind !== BTF_KIND_ENUM && this.kind !== BTF_KIND_ENUM64) return out;
    for (let i = 0; i < this.vlen; i++) out.push(this.enumValue(i));
    return out;
  }

  /** Returns the entries of a DATASEC. */
  secinfos(): SecInfo[] {
    const out: SecInfo[] = [];
    if (this.kind !== BTF_KIND_DATASEC) return out;
    for (let i = 0; i < this.vlen; i++) {
      const e = this.o + 3 + i * 3;
      out.push({ typeId: this.w[e]!, offset: this.w[e + 1]!, size: this.w[e + 2]! });
    }
    return out;
  }
}

/** A type as a plain object: a discriminated union on `kind` (the bpftool kind name). */
export type InflatedType =
  | { kind: 'VOID'; id: 0; name: '' }
  | { kind: 'INT'; id: number; name: string; size: number; encoding: number; bitsOffset: number; nrBits: number }
  | { kind: 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT'; id: number; name: string; typeId: number }
  | { kind: 'TYPE_TAG'; id: number; name: string; typeId: number; attr: boolean }
  | { kind: 'ARRAY'; id: number; name: string; typeId: number; indexTypeId: number; nelems: number }
  | { kind: 'STRUCT' | 'UNION'; id: number; name: string; size: number; members: Member[] }
  | { kind: 'ENUM' | 'ENUM64'; id: number; name: string; size: number; signed: boolean; values: EnumValue[] }
  | { kind: 'FWD'; id: number; name: string; fwdKind: 'struct' | 'union' }
  | { kind: 'FUNC'; id: number; name: string; typeId: number; linkage: number }
  | { kind: 'FUNC_PROTO'; id: number; name: string; retTypeId: number; params: Param[] }
  | { kind: 'VAR'; id: number; name: string; typeId: number; linkage: number }
  | { kind: 'DATASEC'; id: number; name: string; size: number; vars: SecInfo[] }
  | { kind: 'FLOAT'; id: number; name: string; size: number }
  | { kind: 'DECL_TAG'; id: number; name: string; typeId: number; componentIdx: number; attr: boolean }
  | { kind: 'UNKNOWN'; id: number; name: string; kindNumber: number };

/** Returns a plain object describing type `v`. */
export function inflateView(v: TypeView): InflatedType {
  const id = v.typeId;
  const name = v.name;
  switch (v.kind) {
    case BTF_KIND_INT:
      return {
        kind: 'INT',
        id,
        name,
        size: v.size,
        encoding: v.intEncoding,
        bitsOffset: v.intOffset,
        nrBits: v.intBits,
      };
    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
      return { kind: v.kindName as 'PTR', id, name, typeId: v.typeRef };
    case BTF_KIND_TYPE_TAG:
      return { kind: 'TYPE_TAG', id, name, typeId: v.typeRef, attr: v.kflag };
    case BTF_KIND_ARRAY:
      return { kind: 'ARRAY', id, name, typeId: v.elemTypeId, indexTypeId: v.indexTypeId, nelems: v.nelems };
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return { kind: v.kindName as 'STRUCT', id, name, size: v.size, members: v.members() };
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return { kind: v.kindName as 'ENUM', id, name, size: v.size, signed: v.kflag, values: v.enumValues() };
    case BTF_KIND_FWD:
      return { kind: 'FWD', id, name, fwdKind: v.kflag ? 'union' : 'struct' };
    case BTF_KIND_FUNC:
      return { kind: 'FUNC', id, name, typeId: v.typeRef, linkage: v.linkage };
    case BTF_KIND_FUNC_PROTO:
      return { kind: 'FUNC_PROTO', id, name, retTypeId: v.typeRef, params: v.params() };
    case BTF_KIND_VAR:
      return { kind: 'VAR', id, name, typeId: v.typeRef, linkage: v.linkage };
    case BTF_KIND_DATASEC:
      return { kind: 'DATASEC', id, name, size: v.size, vars: v.secinfos() };
    case BTF_KIND_FLOAT:
      return { kind: 'FLOAT', id, name, size: v.size };
    case BTF_KIND_DECL_TAG:
      return { kind: 'DECL_TAG', id, name, typeId: v.typeRef, componentIdx: v.componentIdx, attr: v.kflag };
    default:
      return { kind: 'UNKNOWN', id, name, kindNumber: v.kind };
  }
}
