/**
 * Validation of parsed BTF, as strict as the kernel's `btf_check_all_metas`
 * and `btf_check_all_types`, and never slower than one pass plus one walk.
 *
 * Pass 1 (records): every record's kind-specific rules: INT sizes and
 * encodings, names where a kind needs one and none where it must have none,
 * string offsets inside the string section, every type id word (from the
 * fields table) below the type count, FUNC linkage, VAR linkage, DECL_TAG
 * component index, FUNC_PROTO's variadic marker only last.
 *
 * Pass 2 (references): what a type id points at must make sense: FUNC to a
 * FUNC_PROTO, DATASEC entries to VAR or FUNC, VAR and members not to FUNC or
 * DATASEC, and no reference loop the kernel would reject. The kernel resolves
 * each type with a DFS whose mode is set by the first pointer, struct or
 * array on the path (`env_stack_push`): after a pointer, a struct, union,
 * FWD, FUNC_PROTO or array is a sink; after a struct or array, a pointer is a
 * sink. So `struct s { struct s *next; }` is fine, while
 * `typedef T *T` (PTR -> TYPEDEF -> PTR) or `struct a { struct a x; }` are
 * loops. A loop is reported at the type that closes it.
 */
import type { BtfContainer } from './container.js';
import { BtfError, BtfErrorCode } from './errors.js';
import { KIND_FIELDS } from './fields.js';
import {
  BTF_ELF_SEC,
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
  ELEM_WORDS,
  INFO_WORDS,
  NR_BTF_KINDS,
  TYPE_HDR_WORDS,
  infoKflag,
  infoKind,
  infoVlen,
  intBits,
  intEncoding,
  intOffset,
  kindName,
  memberBitfieldSize,
  memberBitOffset,
} from './kinds.js';

const mask = (...kinds: number[]): number => kinds.reduce((m, k) => m | (1 << k), 0);
/** Kinds that must be named, and kinds that must not be (kernel's *_check_meta). */
const NEEDS_NAME = mask(
  BTF_KIND_INT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_FWD,
  BTF_KIND_FUNC,
  BTF_KIND_VAR,
  BTF_KIND_DATASEC,
  BTF_KIND_FLOAT,
  BTF_KIND_DECL_TAG,
  BTF_KIND_TYPE_TAG,
);
const NO_NAME = mask(
  BTF_KIND_PTR,
  BTF_KIND_ARRAY,
  BTF_KIND_VOLATILE,
  BTF_KIND_CONST,
  BTF_KIND_RESTRICT,
  BTF_KIND_FUNC_PROTO,
);

/**
 * Checks every local type of `btf`; throws a BtfError naming the type id and
 * the byte offset (relative to the BTF data) of the first problem.
 */
export function validateTypes(btf: BtfContainer, byteBase: number, file?: string): void {
  const w = btf.words;
  const offs = btf.offs;
  const total = btf.typeCount;
  const strEnd = btf.startStrOff + btf.strLen;
  const start = btf.startId;
  // One closure for the whole walk; `cur` says which record it reports on.
  let cur = 0;
  const err = (code: BtfErrorCode, msg: string, word = 0): never => {
    const o = offs[cur]!;
    const kind = infoKind(w[o + 1]!);
    const name = w[o]! < strEnd ? safeName(btf, w[o]!) : '';
    throw new BtfError(code, `type [${start + cur}] ${kindName(kind)}${name ? ` '${name}'` : ''}: ${msg}`, {
      offset: byteBase + (o + word) * 4,
      typeId: start + cur,
      section: BTF_ELF_SEC,
      ...(file ? { file } : {}),
    });
  };
  for (let i = 0; i < btf.nrTypes; i++) {
    cur = i;
    const o = offs[i]!;
    const info = w[o + 1]!;
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    const kflag = infoKflag(info);
    if (kind === 0) err(BtfErrorCode.BadType, 'kind 0 (UNKN) is not a type');
    if (kind >= NR_BTF_KINDS) {
      // Known only from the layout section: its ids and strings are opaque,
      // but its name must still be a valid offset.
      if (w[o]! >= strEnd)
        err(BtfErrorCode.BadString, `name offset ${w[o]} is past the string section (${strEnd} bytes)`);
      continue;
    }
    const nameOff = w[o]!;
    if (nameOff >= strEnd)
      err(BtfErrorCode.BadString, `name offset ${nameOff} is past the string section (${strEnd} bytes)`);
    if (nameOff === 0 && NEEDS_NAME & (1 << kind)) err(BtfErrorCode.BadString, 'a name is required');
    if (nameOff !== 0 && NO_NAME & (1 << kind))
      err(BtfErrorCode.BadString, `name offset ${nameOff} given where none is allowed`);
    // vlen and kflag rules.
    switch (kind) {
      case BTF_KIND_INT: {
        if (vlen) err(BtfErrorCode.BadType, `vlen ${vlen} must be 0`);
        if (kflag) err(BtfErrorCode.BadType, 'kind_flag must be 0');
        const size = w[o + 2]!;
        if (size !== 1 && size !== 2 && size !== 4 && size !== 8 && size !== 16)
          err(BtfErrorCode.BadType, `invalid int size ${size}`, 2);
        const data = w[o + 3]!;
        const enc = intEncoding(data),
          off = intOffset(data),
          bits = intBits(data);
        if (data & 0xf0000000) err(BtfErrorCode.BadType, `int data 0x${data.toString(16)} has reserved bits set`, 3);
        if (bits > 128) err(BtfErrorCode.BadType, `int has ${bits} bits (at most 128)`, 3);
        if (off + bits > size * 8)
          err(BtfErrorCode.BadType, `int bit offset ${off} + bits ${bits} exceed size ${size}`, 3);
        if (enc & ~7 || (enc & (enc - 1)) !== 0)
          err(BtfErrorCode.BadType, `invalid int encoding 0x${enc.toString(16)}`, 3);
        break;
      }
      case BTF_KIND_PTR:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_ARRAY:
      case BTF_KIND_FLOAT:
        if (vlen) err(BtfErrorCode.BadType, `vlen ${vlen} must be 0`);
        if (kflag) err(BtfErrorCode.BadType, 'kind_flag must be 0');
        if (kind === BTF_KIND_FLOAT) {
          const s = w[o + 2]!;
          if (s !== 2 && s !== 4 && s !== 8 && s !== 12 && s !== 16)
            err(BtfErrorCode.BadType, `invalid float size ${s}`, 2);
        }
        if (kind === BTF_KIND_ARRAY && w[o + 2] !== 0) err(BtfErrorCode.BadType, `size ${w[o + 2]} must be 0`, 2);
        break;
      case BTF_KIND_TYPE_TAG:
        if (vlen) err(BtfErrorCode.BadType, `vlen ${vlen} must be 0`);
        break; // kind_flag marks a type attribute (libbpf master)
      case BTF_KIND_FWD:
        if (vlen) err(BtfErrorCode.BadType, `vlen ${vlen} must be 0`);
        break;
      case BTF_KIND_FUNC:
        if (vlen > 2) err(BtfErrorCode.BadType, `invalid func linkage ${vlen}`);
        if (kflag) err(BtfErrorCode.BadType, 'kind_flag must be 0');
        break;
      case BTF_KIND_VAR: {
        if (vlen) err(BtfErrorCode.BadType, `vlen ${vlen} must be 0`);
        if (kflag) err(BtfErrorCode.BadType, 'kind_flag must be 0');
        const linkage = w[o + 3]!;
        if (linkage > 2) err(BtfErrorCode.BadType, `invalid var linkage ${linkage}`, 3);
        break;
      }
      case BTF_KIND_DECL_TAG: {
        if (vlen) err(BtfErrorCode.BadType, `vlen ${vlen} must be 0`);
        const idx = w[o + 3]! | 0;
        if (idx < -1) err(BtfErrorCode.BadType, `invalid component_idx ${idx}`, 3);
        break;
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        const s = w[o + 2]!;
        // clang writes a forward-declared enum (`enum e;`) as size 0 with no
        // values; the kernel refuses it, but libbpf and bpftool read it and
        // real objects carry it, so it is the one exception we allow.
        if (s !== 1 && s !== 2 && s !== 4 && s !== 8 && !(s === 0 && vlen === 0 && kind === BTF_KIND_ENUM))
          err(BtfErrorCode.BadType, `invalid enum size ${s}`, 2);
        const esz = ELEM_WORDS[kind]!;
        for (let j = 0; j < vlen; j++) {
          const e = o + TYPE_HDR_WORDS + j * esz;
          if (w[e]! >= strEnd)
            err(BtfErrorCode.BadString, `value ${j}: name offset ${w[e]} is past the string section`, e - o);
          if (w[e] === 0) err(BtfErrorCode.BadString, `value ${j}: a name is required`, e - o);
        }
        break;
      }
      case BTF_KIND_FUNC_PROTO:
        if (kflag) err(BtfErrorCode.BadType, 'kind_flag must be 0');
        break;
      case BTF_KIND_DATASEC:
        if (kflag) err(BtfErrorCode.BadType, 'kind_flag must be 0');
        break;
      default:
        break;
    }
    // Type ids and item names, through the fields table.
    const f = KIND_FIELDS[kind]!;
    const fixed = f.fixedTypeIds;
    for (let k = 0; k < fixed.length; k++) {
      const t = w[o + fixed[k]!]!;
      if (t >= total) err(BtfErrorCode.BadTypeId, `invalid type id ${t}`, fixed[k]);
    }
    const elemIds = f.elemTypeIds,
      elemStrs = f.elemStrs;
    if (elemIds.length || elemStrs.length) {
      const esz = ELEM_WORDS[kind]!;
      const base = o + TYPE_HDR_WORDS + INFO_WORDS[kind]!;
      for (let j = 0; j < vlen; j++) {
        const e = base + j * esz;
        for (let k = 0; k < elemIds.length; k++) {
          const t = w[e + elemIds[k]!]!;
          if (t >= total)
            err(BtfErrorCode.BadTypeId, `${itemName(kind)} ${j}: invalid type id ${t}`, e + elemIds[k]! - o);
        }
        for (let k = 0; k < elemStrs.length; k++) {
          const s = w[e + elemStrs[k]!]!;
          if (s >= strEnd)
            err(
              BtfErrorCode.BadString,
              `${itemName(kind)} ${j}: name offset ${s} is past the string section (${strEnd} bytes)`,
              e + elemStrs[k]! - o,
            );
        }
      }
    }
    if (kind === BTF_KIND_FUNC_PROTO) {
      for (let j = 0; j < vlen; j++) {
        const e = o + TYPE_HDR_WORDS + j * 2;
        if (w[e + 1] === 0 && (j !== vlen - 1 || w[e] !== 0))
          err(
            BtfErrorCode.BadType,
            `param ${j}: void parameter is only allowed last and unnamed (variadic)`,
            e + 1 - o,
          );
      }
    }
    if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
      const size = w[o + 2]!;
      for (let j = 0; j < vlen; j++) {
        const e = o + TYPE_HDR_WORDS + j * 3;
        const off = w[e + 2]!;
        const bitOff = memberBitOffset(off, kflag);
        const bitSize = memberBitfieldSize(off, kflag);
        if (w[e + 1] === 0) err(BtfErrorCode.BadType, `member ${j}: member of type void`, e + 1 - o);
        if (bitOff + bitSize > size * 8) {
          err(
            BtfErrorCode.BadType,
            `member ${j}: bit offset ${bitOff} is past the ${kindName(kind).toLowerCase()} size ${size}`,
            e + 2 - o,
          );
        }
        if (kflag && bitSize > 128)
          err(BtfErrorCode.BadType, `member ${j}: bitfield size ${bitSize} exceeds 128`, e + 2 - o);
      }
    }
  }
  checkReferences(btf, byteBase, file);
}

function itemName(kind: number): string {
  switch (kind) {
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return 'member';
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return 'value';
    case BTF_KIND_FUNC_PROTO:
      return 'param';
    case BTF_KIND_DATASEC:
      return 'var';
    default:
      return 'item';
  }
}

function safeName(btf: BtfContainer, off: number): string {
  try {
    return btf.str(off);
  } catch {
    return '';
  }
}

/** The kernel's MAX_RESOLVE_DEPTH: how many unresolved types one resolution may stack. */
const MAX_RESOLVE_DEPTH = 32;

// Resolve modes (kernel's enum resolve_mode).
const TBD = 0,
  PTR = 1,
  STRUCT_OR_ARRAY = 2;

function isModifierOrTypedef(k: number): boolean {
  return (
    k === BTF_KIND_TYPEDEF ||
    k === BTF_KIND_VOLATILE ||
    k === BTF_KIND_CONST ||
    k === BTF_KIND_RESTRICT ||
    k === BTF_KIND_TYPE_TAG
  );
}

/**
 * Returns the `pos`-th type id a type's resolution waits for (the kernel's
 * per-kind resolve callbacks), or -1 when there are no more.
 */
function nextType(w: Uint32Array, o: number, kind: number, pos: number): number {
  switch (kind) {
    case BTF_KIND_PTR:
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
    case BTF_KIND_VAR:
    case BTF_KIND_DECL_TAG:
      return pos === 0 ? w[o + 2]! : -1;
    case BTF_KIND_ARRAY:
      return pos < 2 ? w[o + 3 + pos]! : -1;
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      return pos < infoVlen(w[o + 1]!) ? w[o + 4 + pos * 3]! : -1;
    case BTF_KIND_DATASEC:
      return pos < infoVlen(w[o + 1]!) ? w[o + 3 + pos * 3]! : -1;
    default:
      return -1;
  }
}

/** Whether `next` needs no resolution on this path (kernel's env_type_is_resolve_sink). */
function isSink(mode: number, next: number): boolean {
  switch (mode) {
    case TBD:
      return !(
        isModifierOrTypedef(next) ||
        next === BTF_KIND_PTR ||
        next === BTF_KIND_STRUCT ||
        next === BTF_KIND_UNION ||
        next === BTF_KIND_ARRAY ||
        next === BTF_KIND_VAR ||
        next === BTF_KIND_DATASEC ||
        next === BTF_KIND_DECL_TAG
      );
    case PTR:
      return !(isModifierOrTypedef(next) || next === BTF_KIND_PTR);
    default:
      return !(
        isModifierOrTypedef(next) ||
        next === BTF_KIND_ARRAY ||
        next === BTF_KIND_STRUCT ||
        next === BTF_KIND_UNION
      );
  }
}

function checkReferences(btf: BtfContainer, byteBase: number, file?: string): void {
  const start = btf.startId;
  const n = btf.nrTypes;
  const w = btf.words;
  const offs = btf.offs;
  const kindAt = (id: number): number => (id < start ? btf.kindOf(id) : infoKind(w[offs[id - start]! + 1]!));
  const fail = (code: BtfErrorCode, id: number, msg: string): never => {
    const o = offs[id - start]!;
    const kind = infoKind(w[o + 1]!);
    const name = safeName(btf, w[o]!);
    throw new BtfError(code, `type [${id}] ${kindName(kind)}${name ? ` '${name}'` : ''}: ${msg}`, {
      offset: byteBase + o * 4,
      typeId: id,
      section: BTF_ELF_SEC,
      ...(file ? { file } : {}),
    });
  };
  // Kind-of-target rules.
  for (let i = 0; i < n; i++) {
    const o = offs[i]!;
    const id = start + i;
    const kind = infoKind(w[o + 1]!);
    const vlen = infoVlen(w[o + 1]!);
    switch (kind) {
      case BTF_KIND_FUNC:
        if (kindAt(w[o + 2]!) !== BTF_KIND_FUNC_PROTO)
          fail(BtfErrorCode.BadTypeId, id, `type id ${w[o + 2]} is not a FUNC_PROTO`);
        break;
      case BTF_KIND_DATASEC:
        for (let j = 0; j < vlen; j++) {
          const t = w[o + 3 + j * 3]!;
          const k = kindAt(t);
          if (k !== BTF_KIND_VAR && k !== BTF_KIND_FUNC)
            fail(BtfErrorCode.BadTypeId, id, `var ${j}: type id ${t} is a ${kindName(k)}, not a VAR or FUNC`);
        }
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        for (let j = 0; j < vlen; j++) {
          const t = w[o + 3 + j * 3 + 1]!;
          const k = kindAt(t);
          if (
            k === BTF_KIND_FUNC ||
            k === BTF_KIND_DATASEC ||
            k === BTF_KIND_VAR ||
            k === BTF_KIND_DECL_TAG ||
            k === BTF_KIND_FUNC_PROTO
          ) {
            fail(BtfErrorCode.BadTypeId, id, `member ${j}: type id ${t} is a ${kindName(k)}`);
          }
        }
        break;
      case BTF_KIND_PTR:
      case BTF_KIND_TYPEDEF:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_CONST:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
      case BTF_KIND_VAR:
      case BTF_KIND_ARRAY: {
        const t = kind === BTF_KIND_ARRAY ? w[o + 3]! : w[o + 2]!;
        const k = kindAt(t);
        if (k === BTF_KIND_FUNC || k === BTF_KIND_DATASEC || k === BTF_KIND_VAR || k === BTF_KIND_DECL_TAG) {
          fail(BtfErrorCode.BadTypeId, id, `type id ${t} is a ${kindName(k)}`);
        }
        if (kind === BTF_KIND_VAR && (t === 0 || k === BTF_KIND_FUNC_PROTO))
          fail(BtfErrorCode.BadTypeId, id, `type id ${t} is not a data type`);
        break;
      }
      default:
        break;
    }
  }
  // Loops: iterative DFS per unresolved type, modes as in the kernel.
  const RESOLVED = 2,
    VISITING = 1;
  const state = new Uint8Array(n);
  const stackId = new Int32Array(n + 1);
  const stackPos = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (state[i]) continue;
    let mode = TBD;
    let sp = 0;
    const k0 = infoKind(w[offs[i]! + 1]!);
    if (k0 === BTF_KIND_PTR) mode = PTR;
    else if (k0 === BTF_KIND_STRUCT || k0 === BTF_KIND_UNION || k0 === BTF_KIND_ARRAY) mode = STRUCT_OR_ARRAY;
    state[i] = VISITING;
    stackId[0] = i;
    stackPos[0] = 0;
    sp = 1;
    while (sp > 0) {
      const li = stackId[sp - 1]!;
      const o = offs[li]!;
      const t = nextType(w, o, infoKind(w[o + 1]!), stackPos[sp - 1]!++);
      if (t < 0) {
        state[li] = RESOLVED;
        sp--;
        continue;
      }
      if (t < start) continue; // void or base: already checked
      const tl = t - start;
      const tk = infoKind(w[offs[tl]! + 1]!);
      if (tk >= NR_BTF_KINDS || state[tl] === RESOLVED || isSink(mode, tk)) continue;
      if (state[tl] === VISITING)
        fail(BtfErrorCode.Loop, start + li, `loop: type id ${t} refers back to itself through this type`);
      if (sp === MAX_RESOLVE_DEPTH) {
        // the kernel's env_stack_push: -E2BIG past MAX_RESOLVE_DEPTH unresolved types
        const o2 = offs[li]!;
        throw new BtfError(
          BtfErrorCode.TooBig,
          `type [${start + li}] ${kindName(infoKind(w[o2 + 1]!))}: reference chain deeper than ${MAX_RESOLVE_DEPTH} unresolved types`,
          { offset: byteBase + o2 * 4, typeId: start + li, section: BTF_ELF_SEC, ...(file ? { file } : {}) },
        );
      }
      if (mode === TBD) {
        if (tk === BTF_KIND_PTR) mode = PTR;
        else if (tk === BTF_KIND_STRUCT || tk === BTF_KIND_UNION || tk === BTF_KIND_ARRAY) mode = STRUCT_OR_ARRAY;
      }
      state[tl] = VISITING;
      stackId[sp] = tl;
      stackPos[sp] = 0;
      sp++;
    }
  }
}
