/**
 * The builder: libbpf's `btf__add_*` family in camelCase, with the same
 * arguments in the same order, the same validation and the same returned ids,
 * so that the same sequence of calls gives the same bytes as libbpf 1.1.2's
 * `btf__raw_data`.
 *
 * Every method follows libbpf's order: check arguments, make the container
 * modifiable, reserve words, add strings, commit, return the new id. Where
 * libbpf returns -EINVAL or -E2BIG, we throw a BtfError with code EINVAL or
 * E2BIG and leave the container unchanged. Methods that append to the last
 * type (addField, addEnumValue, addFuncParam, addDatasecVarInfo) return
 * nothing, where libbpf returns 0.
 *
 * Like libbpf, type ids given to the builder are only range-checked against
 * the id limit, not against existing types: a forward reference to a type
 * added later is legal while building.
 */
import { BtfContainer } from './container.js';
import { BtfError, BtfErrorCode } from './errors.js';
import { ELEM_BASE, ELEM_SIZE, STR_ELEM_POS, forEachStrWord, shiftTypeIds } from './fields.js';
import { STR_HASHED, hashStringStarts } from './hash.js';
import {
  BTF_FUNC_EXTERN,
  BTF_FUNC_GLOBAL,
  BTF_FUNC_STATIC,
  BTF_FWD_ENUM,
  BTF_FWD_STRUCT,
  BTF_FWD_UNION,
  BTF_INT_BOOL,
  BTF_INT_CHAR,
  BTF_INT_SIGNED,
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
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_GLOBAL_EXTERN,
  BTF_VAR_STATIC,
  infoKflag,
  infoKind,
  infoVlen,
  packInfo,
  packIntData,
  packMemberOffset,
} from './kinds.js';

/** libbpf's BTF_MAX_NR_TYPES: the only bound a builder type id argument is checked against. */
const MAX_NR_TYPES = 0x7fffffff;

function invalid(msg: string): never {
  throw new BtfError(BtfErrorCode.InvalidArgument, msg);
}

function checkTypeId(what: string, id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_NR_TYPES) invalid(`${what}: invalid type id ${id}`);
}

function checkU32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) invalid(`${what}: ${v} is not a u32`);
}

/** Returns an enumerator value as a bigint: an integral number or a bigint, else EINVAL (libbpf takes an integer type). */
function enumValueArg(what: string, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return invalid(`${what}: ${String(value)} is not an integer`);
}

function isEmpty(name: string | null | undefined): boolean {
  return name === null || name === undefined || name === '';
}

/** A container with libbpf's builder API. */
export class BtfBuilder extends BtfContainer {
  /** Adds a name if non-empty, returning its offset (0 for none). */
  private nameOff(name: string | null | undefined): number {
    return isEmpty(name) ? 0 : this.addStr(name!);
  }

  /** Appends a 3-word header plus `extra` words; returns the offset of the header. */
  private begin(extra: number): number {
    this.ensureModifiable();
    return this.reserveWords(3 + extra);
  }

  /** Returns the offset of the last local type when it is one of `kinds`, else throws. */
  private lastOf(what: string, ...kinds: number[]): number {
    if (this.nrTypes === 0) invalid(`${what}: no type to add to`);
    const o = this.offs[this.nrTypes - 1]!;
    if (!kinds.includes(infoKind(this.words[o + 1]!)))
      invalid(
        `${what}: the last type is not a ${kinds.length > 2 ? 'suitable type' : kinds.map(kindLabel).join(' or ')}`,
      );
    return o;
  }

  /** Grows the record of the last type by `n` words (an item); returns the item's offset. */
  private appendItem(last: number, n: number, kflag?: boolean): number {
    this.ensureModifiable();
    const at = this.reserveWords(n);
    this.typeWords += n;
    const info = this.words[last + 1]!;
    this.words[last + 1] = packInfo(infoKind(info), kflag ?? infoKflag(info), infoVlen(info) + 1);
    return at;
  }

  /** Adds an INT (`btf__add_int`): `encoding` is a mask of BTF_INT_SIGNED, BTF_INT_CHAR, BTF_INT_BOOL. Returns the new type id. */
  addInt(name: string, byteSize: number, encoding: number): number {
    if (isEmpty(name)) invalid('addInt: a name is required');
    if (!Number.isInteger(byteSize) || !byteSize || byteSize & (byteSize - 1) || byteSize > 16)
      invalid(`addInt: invalid size ${byteSize}`);
    if (!Number.isInteger(encoding) || encoding & ~(BTF_INT_SIGNED | BTF_INT_CHAR | BTF_INT_BOOL))
      invalid(`addInt: invalid encoding ${encoding}`);
    const o = this.begin(1);
    const nameOff = this.addStr(name);
    const w = this.words;
    w[o] = nameOff;
    w[o + 1] = packInfo(BTF_KIND_INT, 0, 0);
    w[o + 2] = byteSize;
    w[o + 3] = packIntData(encoding, 0, byteSize * 8);
    return this.commitType(4);
  }

  /** Adds a FLOAT of 2, 4, 8, 12 or 16 bytes (`btf__add_float`). Returns the new type id. */
  addFloat(name: string, byteSize: number): number {
    if (isEmpty(name)) invalid('addFloat: a name is required');
    if (byteSize !== 2 && byteSize !== 4 && byteSize !== 8 && byteSize !== 12 && byteSize !== 16)
      invalid(`addFloat: invalid size ${byteSize}`);
    const o = this.begin(0);
    const nameOff = this.addStr(name);
    this.words[o] = nameOff;
    this.words[o + 1] = packInfo(BTF_KIND_FLOAT, 0, 0);
    this.words[o + 2] = byteSize;
    return this.commitType(3);
  }

  private addRef(kind: number, what: string, name: string | null, refTypeId: number, info?: number): number {
    checkTypeId(what, refTypeId);
    const o = this.begin(0);
    const nameOff = this.nameOff(name);
    this.words[o] = nameOff;
    this.words[o + 1] = info ?? packInfo(kind, 0, 0);
    this.words[o + 2] = refTypeId;
    return this.commitType(3);
  }

  /** Adds a PTR to `refTypeId` (`btf__add_ptr`). Returns the new type id. */
  addPtr(refTypeId: number): number {
    return this.addRef(BTF_KIND_PTR, 'addPtr', null, refTypeId);
  }

  /** Adds an ARRAY of `nelems` elements (`btf__add_array`). Returns the new type id. */
  addArray(indexTypeId: number, elemTypeId: number, nelems: number): number {
    checkTypeId('addArray', indexTypeId);
    checkTypeId('addArray', elemTypeId);
    checkU32('addArray: nelems', nelems);
    const o = this.begin(3);
    const w = this.words;
    w[o] = 0;
    w[o + 1] = packInfo(BTF_KIND_ARRAY, 0, 0);
    w[o + 2] = 0;
    w[o + 3] = elemTypeId;
    w[o + 4] = indexTypeId;
    w[o + 5] = nelems;
    return this.commitType(6);
  }

  private addComposite(kind: number, name: string | null, byteSize: number): number {
    checkU32('size', byteSize);
    const o = this.begin(0);
    const nameOff = this.nameOff(name);
    this.words[o] = nameOff;
    this.words[o + 1] = packInfo(kind, 0, 0);
    this.words[o + 2] = byteSize;
    return this.commitType(3);
  }

  /** Adds an empty STRUCT (`btf__add_struct`); add members with addField. Returns the new type id. */
  addStruct(name: string | null, byteSize: number): number {
    return this.addComposite(BTF_KIND_STRUCT, name, byteSize);
  }

  /** Adds an empty UNION (`btf__add_union`); add members with addField. Returns the new type id. */
  addUnion(name: string | null, byteSize: number): number {
    return this.addComposite(BTF_KIND_UNION, name, byteSize);
  }

  /**
   * Adds a member to the last added STRUCT or UNION (`btf__add_field`). A
   * non-zero `bitSize` or an offset that is not a multiple of 8 makes it a
   * bitfield and sets the kind_flag.
   */
  addField(name: string | null, typeId: number, bitOffset: number, bitSize: number): void {
    const last = this.lastOf('addField', BTF_KIND_STRUCT, BTF_KIND_UNION);
    checkTypeId('addField', typeId);
    checkU32('addField: bit offset', bitOffset);
    checkU32('addField: bit size', bitSize);
    const isBitfield = bitSize !== 0 || bitOffset % 8 !== 0;
    if (isBitfield && (bitSize === 0 || bitSize > 255 || bitOffset > 0xffffff))
      invalid(`addField: invalid bitfield ${bitOffset}:${bitSize}`);
    if (infoKind(this.words[last + 1]!) === BTF_KIND_UNION && bitOffset)
      invalid('addField: union members must be at offset 0');
    this.ensureModifiable();
    this.reserveWords(3);
    const nameOff = this.nameOff(name);
    const kflag = isBitfield || infoKflag(this.words[last + 1]!);
    const m = this.appendItem(last, 3, kflag);
    this.words[m] = nameOff;
    this.words[m + 1] = typeId;
    this.words[m + 2] = packMemberOffset(bitOffset, bitSize);
  }

  private addEnumCommon(kind: number, name: string | null, byteSize: number, isSigned: boolean): number {
    if (!Number.isInteger(byteSize) || !byteSize || byteSize & (byteSize - 1) || byteSize > 8)
      invalid(`invalid enum size ${byteSize}`);
    const o = this.begin(0);
    const nameOff = this.nameOff(name);
    this.words[o] = nameOff;
    this.words[o + 1] = packInfo(kind, isSigned, 0);
    this.words[o + 2] = byteSize;
    return this.commitType(3);
  }

  /** Adds an empty ENUM (`btf__add_enum`); add values with addEnumValue. Returns the new type id. */
  addEnum(name: string | null, byteSize: number): number {
    return this.addEnumCommon(BTF_KIND_ENUM, name, byteSize, false);
  }

  /**
   * Adds a value to the last added ENUM (`btf__add_enum_value`). Values from
   * INT_MIN to UINT_MAX are accepted (E2BIG otherwise); a negative value marks
   * the enum signed.
   */
  addEnumValue(name: string, value: number | bigint): void {
    const last = this.lastOf('addEnumValue', BTF_KIND_ENUM);
    if (isEmpty(name)) invalid('addEnumValue: a name is required');
    const v = enumValueArg('addEnumValue', value);
    if (v < -0x80000000n || v > 0xffffffffn)
      throw new BtfError(BtfErrorCode.TooBig, `addEnumValue: ${v} does not fit in 32 bits`);
    this.ensureModifiable();
    this.reserveWords(2);
    const nameOff = this.addStr(name);
    const e = this.appendItem(last, 2, v < 0n ? true : undefined);
    this.words[e] = nameOff;
    this.words[e + 1] = Number(BigInt.asUintN(32, v));
  }

  /** Adds an empty ENUM64 (`btf__add_enum64`); add values with addEnum64Value. Returns the new type id. */
  addEnum64(name: string | null, byteSize: number, isSigned: boolean): number {
    if (typeof isSigned !== 'boolean') invalid(`addEnum64: isSigned ${String(isSigned)} is not a boolean`);
    return this.addEnumCommon(BTF_KIND_ENUM64, name, byteSize, isSigned);
  }

  /** Adds a 64-bit value to the last added ENUM64 (`btf__add_enum64_value`); negative values are stored as two's complement. */
  addEnum64Value(name: string, value: bigint | number): void {
    const last = this.lastOf('addEnum64Value', BTF_KIND_ENUM64);
    if (isEmpty(name)) invalid('addEnum64Value: a name is required');
    const v = BigInt.asUintN(64, enumValueArg('addEnum64Value', value));
    this.ensureModifiable();
    this.reserveWords(3);
    const nameOff = this.addStr(name);
    const e = this.appendItem(last, 3);
    this.words[e] = nameOff;
    this.words[e + 1] = Number(v & 0xffffffffn);
    this.words[e + 2] = Number(v >> 32n);
  }

  /**
   * Adds a forward declaration (`btf__add_fwd`): BTF_FWD_STRUCT or
   * BTF_FWD_UNION give a FWD, BTF_FWD_ENUM an empty 4-byte ENUM, as in libbpf.
   */
  addFwd(name: string, fwdKind: number): number {
    if (isEmpty(name)) invalid('addFwd: a name is required');
    switch (fwdKind) {
      case BTF_FWD_STRUCT:
      case BTF_FWD_UNION:
        return this.addRef(BTF_KIND_FWD, 'addFwd', name, 0, packInfo(BTF_KIND_FWD, fwdKind === BTF_FWD_UNION, 0));
      case BTF_FWD_ENUM:
        return this.addEnum(name, 4);
      default:
        return invalid(`addFwd: invalid fwd kind ${fwdKind}`);
    }
  }

  /** Adds a TYPEDEF (`btf__add_typedef`). Returns the new type id. */
  addTypedef(name: string, refTypeId: number): number {
    if (isEmpty(name)) invalid('addTypedef: a name is required');
    return this.addRef(BTF_KIND_TYPEDEF, 'addTypedef', name, refTypeId);
  }

  /** Adds a VOLATILE modifier (`btf__add_volatile`). Returns the new type id. */
  addVolatile(refTypeId: number): number {
    return this.addRef(BTF_KIND_VOLATILE, 'addVolatile', null, refTypeId);
  }

  /** Adds a CONST modifier (`btf__add_const`). Returns the new type id. */
  addConst(refTypeId: number): number {
    return this.addRef(BTF_KIND_CONST, 'addConst', null, refTypeId);
  }

  /** Adds a RESTRICT modifier (`btf__add_restrict`). Returns the new type id. */
  addRestrict(refTypeId: number): number {
    return this.addRef(BTF_KIND_RESTRICT, 'addRestrict', null, refTypeId);
  }

  /** Adds a TYPE_TAG (`btf__add_type_tag`). Returns the new type id. */
  addTypeTag(value: string, refTypeId: number): number {
    if (isEmpty(value)) invalid('addTypeTag: a value is required');
    return this.addRef(BTF_KIND_TYPE_TAG, 'addTypeTag', value, refTypeId);
  }

  /**
   * Adds a type attribute: a TYPE_TAG with kind_flag set
   * (`btf__add_type_attr`, libbpf master; not in libbpf 1.1.2).
   */
  addTypeAttr(value: string, refTypeId: number): number {
    if (isEmpty(value)) invalid('addTypeAttr: a value is required');
    return this.addRef(BTF_KIND_TYPE_TAG, 'addTypeAttr', value, refTypeId, packInfo(BTF_KIND_TYPE_TAG, true, 0));
  }

  /** Adds a FUNC over a FUNC_PROTO (`btf__add_func`); linkage is BTF_FUNC_STATIC, _GLOBAL or _EXTERN. */
  addFunc(name: string, linkage: number, protoTypeId: number): number {
    if (isEmpty(name)) invalid('addFunc: a name is required');
    if (linkage !== BTF_FUNC_STATIC && linkage !== BTF_FUNC_GLOBAL && linkage !== BTF_FUNC_EXTERN)
      invalid(`addFunc: invalid linkage ${linkage}`);
    return this.addRef(BTF_KIND_FUNC, 'addFunc', name, protoTypeId, packInfo(BTF_KIND_FUNC, 0, linkage));
  }

  /** Adds a FUNC_PROTO returning `retTypeId` (`btf__add_func_proto`); add params with addFuncParam. */
  addFuncProto(retTypeId: number): number {
    return this.addRef(BTF_KIND_FUNC_PROTO, 'addFuncProto', null, retTypeId);
  }

  /** Adds a parameter to the last added FUNC_PROTO (`btf__add_func_param`); a void, unnamed last parameter means variadic. */
  addFuncParam(name: string | null, typeId: number): void {
    checkTypeId('addFuncParam', typeId);
    const last = this.lastOf('addFuncParam', BTF_KIND_FUNC_PROTO);
    this.ensureModifiable();
    this.reserveWords(2);
    const nameOff = this.nameOff(name);
    const p = this.appendItem(last, 2);
    this.words[p] = nameOff;
    this.words[p + 1] = typeId;
  }

  /** Adds a VAR (`btf__add_var`); linkage is BTF_VAR_STATIC, _GLOBAL_ALLOCATED or _GLOBAL_EXTERN. */
  addVar(name: string, linkage: number, typeId: number): number {
    if (isEmpty(name)) invalid('addVar: a name is required');
    if (linkage !== BTF_VAR_STATIC && linkage !== BTF_VAR_GLOBAL_ALLOCATED && linkage !== BTF_VAR_GLOBAL_EXTERN)
      invalid(`addVar: invalid linkage ${linkage}`);
    checkTypeId('addVar', typeId);
    const o = this.begin(1);
    const nameOff = this.addStr(name);
    const w = this.words;
    w[o] = nameOff;
    w[o + 1] = packInfo(BTF_KIND_VAR, 0, 0);
    w[o + 2] = typeId;
    w[o + 3] = linkage;
    return this.commitType(4);
  }

  /** Adds an empty DATASEC (`btf__add_datasec`); add entries with addDatasecVarInfo. */
  addDatasec(name: string, byteSize: number): number {
    if (isEmpty(name)) invalid('addDatasec: a name is required');
    checkU32('addDatasec: size', byteSize);
    const o = this.begin(0);
    const nameOff = this.addStr(name);
    this.words[o] = nameOff;
    this.words[o + 1] = packInfo(BTF_KIND_DATASEC, 0, 0);
    this.words[o + 2] = byteSize;
    return this.commitType(3);
  }

  /** Adds an entry (VAR or FUNC id, offset, size) to the last added DATASEC (`btf__add_datasec_var_info`). */
  addDatasecVarInfo(varTypeId: number, offset: number, byteSize: number): void {
    const last = this.lastOf('addDatasecVarInfo', BTF_KIND_DATASEC);
    checkTypeId('addDatasecVarInfo', varTypeId);
    checkU32('addDatasecVarInfo: offset', offset);
    checkU32('addDatasecVarInfo: size', byteSize);
    const e = this.appendItem(last, 3);
    this.words[e] = varTypeId;
    this.words[e + 1] = offset;
    this.words[e + 2] = byteSize;
  }

  private addDeclTagCommon(
    what: string,
    value: string,
    refTypeId: number,
    componentIdx: number,
    kflag: boolean,
  ): number {
    if (isEmpty(value) || !Number.isInteger(componentIdx) || componentIdx < -1 || componentIdx > 0x7fffffff) {
      invalid(`${what}: invalid value or component index ${componentIdx}`);
    }
    checkTypeId(what, refTypeId);
    const o = this.begin(1);
    const nameOff = this.addStr(value);
    const w = this.words;
    w[o] = nameOff;
    w[o + 1] = packInfo(BTF_KIND_DECL_TAG, kflag, 0);
    w[o + 2] = refTypeId;
    w[o + 3] = componentIdx >>> 0;
    return this.commitType(4);
  }

  /** Adds a DECL_TAG on a type, or on its member/param `componentIdx` (-1 for the whole) (`btf__add_decl_tag`). */
  addDeclTag(value: string, refTypeId: number, componentIdx: number): number {
    return this.addDeclTagCommon('addDeclTag', value, refTypeId, componentIdx, false);
  }

  /** Adds a declaration attribute: a DECL_TAG with kind_flag set (`btf__add_decl_attr`, libbpf master). */
  addDeclAttr(value: string, refTypeId: number, componentIdx: number): number {
    return this.addDeclTagCommon('addDeclAttr', value, refTypeId, componentIdx, true);
  }

  /**
   * Copies one type of `src` into this BTF (`btf__add_type`): strings are
   * re-added here, type ids are copied as they are. Returns the new type id.
   */
  addType(src: BtfContainer, srcTypeId: number): number {
    if (!(src instanceof BtfContainer)) invalid('addType: the source is not a BTF');
    if (!Number.isInteger(srcTypeId) || srcTypeId <= 0 || srcTypeId >= src.typeCount)
      invalid(`addType: invalid source type id ${srcTypeId}`);
    const [sw, so] = src.recordOf(srcTypeId);
    const n = src.recordSize(sw[so + 1]!, srcTypeId, so * 4);
    const o = this.begin(n - 3);
    this.words.set(sw.subarray(so, so + n), o);
    forEachStrWord(this.words, o, (i) => {
      const off = this.words[i]!;
      if (off) this.words[i] = this.addStrBytes(src.strBytes(off));
    });
    return this.commitType(n);
  }

  /**
   * Appends every type of `src` (`btf__add_btf`): type ids are shifted past
   * this BTF's last id, strings re-added (and deduplicated) here. Split BTF
   * `src` is accepted when this BTF is split over the same base object (as
   * libbpf 1.8 does; 1.1.2 refuses every split source): references to base
   * types and base strings stay as they are. Returns the id of the first
   * appended type.
   */
  addBtf(src: BtfContainer): number {
    if (!(src instanceof BtfContainer)) invalid('addBtf: the source is not a BTF');
    if (src.base && src.base !== this.base)
      throw new BtfError(
        BtfErrorCode.InvalidArgument,
        'addBtf: a split BTF source needs this BTF split over the same base (libbpf: -ENOTSUP)',
      );
    this.ensureModifiable();
    const cnt = src.nrTypes;
    const n = src.typeWords;
    const o = this.reserveWords(n);
    const w = this.words;
    w.set(src.words.subarray(0, n), o);
    // A split source over this BTF's own base keeps its references to base
    // types and base strings as they are.
    const srcStart = src.startId;
    const srcStrStart = src.startStrOff;
    const shift = this.startId + this.nrTypes - srcStart;
    const first = this.startId + this.nrTypes;
    // libbpf's per-source-offset cache: each distinct source offset is
    // interned once. Every string of the source is hashed up front, in bulk
    // (lib/hash.ts): a slot with the top bit set holds the hash of the string
    // starting there, not yet interned; below 2^31 it is the offset interned
    // (0 for the empty string, which is simply interned again); 0 elsewhere
    // (an offset inside a string, interned the slow way and then cached).
    // Offsets past the source section read as the empty string and are not
    // cached.
    // (A copy when adding a BTF to itself: interning grows this section.)
    const srcStrs = src === this ? src.stringSection().slice() : src.stringSection();
    const nStrs = srcStrs.length;
    const strMap = new Uint32Array(nStrs);
    const strings = hashStringStarts(srcStrs, strMap);
    // Room for the source's strings at once, unless this section is already
    // as large (then most are likely here: a second copy of the same BTF).
    if (this.strLen < nStrs) this.reserveStrings(nStrs, strings);
    if (this.nrTypes + cnt > this.offs.length) {
      const g = new Uint32Array(Math.max(16, this.offs.length * 2, this.nrTypes + cnt));
      g.set(this.offs);
      this.offs = g;
    }
    const offs = this.offs;
    const srcOffs = src.offs;
    for (let t = 0; t < cnt; t++) {
      const at = o + srcOffs[t]!;
      // The string words (name, then each item's name), then the type ids, as
      // forEachStrWord / forEachTypeIdWord visit them, over the flat tables.
      rewriteStrWord(this, w, at, srcStrStart, srcStrs, strMap);
      const info = w[at + 1]!;
      const kind = infoKind(info);
      if (kind < STR_ELEM_POS.length) {
        const sp = STR_ELEM_POS[kind]!;
        if (sp >= 0) {
          const step = ELEM_SIZE[kind]!;
          for (let i = infoVlen(info), e = at + ELEM_BASE[kind]! + sp; i > 0; i--, e += step)
            rewriteStrWord(this, w, e, srcStrStart, srcStrs, strMap);
        }
        if (shift !== 0) shiftTypeIds(w, at, srcStart, shift);
      }
      offs[this.nrTypes++] = at;
    }
    this.typeWords += n;
    return first;
  }
}

/**
 * Rewrites the string offset in `w[i]`, one of `addBtf`'s source `src`
 * (section `srcStrs` from offset `srcStrStart`), to the offset of the same
 * string in `dst`, interning it the first time (see `addBtf` for what
 * `strMap` holds). A module function, not a closure: each `addBtf` call
 * would make a new closure, and the optimised loop calling it would
 * deoptimise on the second call.
 */
function rewriteStrWord(
  dst: BtfContainer,
  w: Uint32Array,
  i: number,
  srcStrStart: number,
  srcStrs: Uint8Array,
  strMap: Uint32Array,
): void {
  const off = w[i]!;
  if (!off || off < srcStrStart) return;
  const loc = off - srcStrStart;
  const nStrs = srcStrs.length;
  let m = loc < nStrs ? strMap[loc]! : 0;
  if (m >= STR_HASHED) {
    let e = srcStrs.indexOf(0, loc);
    if (e < 0) e = nStrs;
    m = dst.addStrHashed(srcStrs, loc, e - loc, m);
    strMap[loc] = m;
  } else if (m === 0) {
    let e = loc < nStrs ? srcStrs.indexOf(0, loc) : -1;
    if (e < 0) e = nStrs;
    m = dst.addStrBytes(srcStrs.subarray(Math.min(loc, e), e));
    if (loc < nStrs) strMap[loc] = m;
  }
  w[i] = m;
}

function kindLabel(k: number): string {
  switch (k) {
    case BTF_KIND_STRUCT:
      return 'STRUCT';
    case BTF_KIND_UNION:
      return 'UNION';
    case BTF_KIND_ENUM:
      return 'ENUM';
    case BTF_KIND_ENUM64:
      return 'ENUM64';
    case BTF_KIND_FUNC_PROTO:
      return 'FUNC_PROTO';
    case BTF_KIND_DATASEC:
      return 'DATASEC';
    default:
      return String(k);
  }
}
