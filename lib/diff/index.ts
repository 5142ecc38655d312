/**
 * A semantic diff of two BTFs: what changed by meaning, not by type id
 * (`btfkit diff A B`).
 *
 * The problem. Two BTFs of the same program (two kernel releases, an object
 * and its dedup, a BTF whose ids were permuted) number their types
 * differently, and the same type may be spelled by several records. A diff by
 * id reports everything; what a reader wants is: which named types appeared
 * or went away, and what changed inside those on both sides.
 *
 *   A: [7] STRUCT 'sk' size=16          B: [3] STRUCT 'sk' size=24
 *        'a' type_id=2 bits_offset=0         'a' type_id=9 bits_offset=0
 *        'b' type_id=4 bits_offset=64        'c' type_id=9 bits_offset=64
 *                                            'b' type_id=5 bits_offset=128
 *   ->  ~ struct sk: size 16 -> 24; + member c; ~ member b moved 8 -> 16
 *
 * Identity. A named type is identified by its kind and name (`struct sk`,
 * `enum e`, `typedef u32`, `func f`, ...; ENUM and ENUM64 are both `enum`).
 * Every other type is identified by its shape, written as a key string
 * ({@link Side.key}): a pointer is the key of what it points to plus `*`, an
 * array the element's key and its length, a prototype its return and
 * parameter keys, an anonymous struct, union or enum its members or values
 * in full. A reference to a named type stops at its name, so a change inside
 * `struct sk` is reported once, on `struct sk`, not on every type that
 * points to it. Anonymous types are never reported on their own: their
 * changes show in the details of the named type that contains them, their
 * members named by a path (`u.a`, or `a` for the members of an anonymous
 * member, which C reaches directly). Top-level anonymous enums (the
 * kernel's constants) are the exception that has no container: each is an
 * entry of its own, `(anonymous: NAME)`, matched across the sides by the
 * enumerator names it shares (see {@link anonEnumChanges}).
 *
 * The passes:
 *   1. per side, group the ids of named types by identity, and give every
 *      group member a signature: its own fields with member types as keys;
 *   2. an identity with the same set of signatures on both sides is
 *      unchanged. Equal signatures within one side count once: this is
 *      what deduplication merges of named types, so a BTF and its dedup
 *      compare equal without running it;
 *   3. what is left is an added, removed or changed entry; a changed pair is
 *      compared field by field into details (size, members added, removed,
 *      renamed at the same offset, moved, retyped, bitfield widths; enum
 *      values; typedef targets; prototypes; variables; DATASEC entries),
 *      types in C notation as a cast spells them (lib/dump/c-decl.ts).
 *
 *   side A:  identity -> [ids]  ─┐                    ┌─ added   (B only)
 *                                 ├─ signatures ──────┼─ removed (A only)
 *   side B:  identity -> [ids]  ─┘                    └─ changed (both, differing: details)
 *
 * A split BTF (a module over its vmlinux) is compared on its own types; the
 * base's types enter only as the names its members refer to. One exception:
 * a type (not a function, variable or section) that one side's module
 * defines and the other side's module does not, but whose vmlinux does, is
 * compared with that vmlinux definition instead of reported added or
 * removed: dedup leaves a copy of a vmlinux type in a module when it cannot
 * prove them equal (6.1's modules carry `struct module` and
 * `file_system_type` copies that 6.12's share with vmlinux), and the module
 * still has the type.
 *
 * Keys are memoised per id and computed on an explicit stack: a key waits
 * until the keys it is made of (only unnamed types go on) are known, so a
 * chain of any depth costs heap, not call stack; a type met again while its
 * own key is under way is a reference loop (hostile input): an ELOOP
 * BtfError naming the types of the loop and the file.
 */
import type { BtfContainer } from '../container.js';
import { CDeclWriter } from '../dump/c-decl.js';
import { BtfError, BtfErrorCode, isBtfError } from '../errors.js';
import { forEachTypeIdWord } from '../fields.js';
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
  intBits,
  intEncoding,
  intOffset,
  kindName,
  memberBitfieldSize,
  memberBitOffset,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';
import { StringReader } from '../strings.js';

/** One fact of a changed type (`what` says which; `text` is the human line without its sign). */
export interface DiffDetail {
  /**
   * `size`, `member-added`, `member-removed`, `member-renamed`, `member-moved`,
   * `member-retyped`, `bitfield`, `value-added`, `value-removed`,
   * `value-changed`, `signedness`, `target`, `return`, `params`, `param-retyped`,
   * `param-renamed`, `linkage`, `type`, `encoding`, `var-added`, `var-removed`,
   * `var-moved`, `var-resized`, `members` (unnamed members differ), and for
   * maps `map-type`, `key-size`, `value-size`, `max-entries`, `flags`.
   */
  what: string;
  /** The member, value, parameter or variable concerned (a path for members of anonymous types). */
  name?: string;
  /** The new name (`member-renamed`, `param-renamed`). */
  newName?: string;
  old?: string | number;
  new?: string | number;
  /** `+` (added), `-` (removed) or `~` (changed). */
  sign: '+' | '-' | '~';
  text: string;
}

/** One changed named type (the objects of `btfkit diff -j`). */
export interface TypeChange {
  change: 'added' | 'removed' | 'changed';
  /** `struct`, `union`, `enum`, `fwd`, `typedef`, `func`, `var`, `datasec`, `int`, `float`, `decl_tag`, `map`. */
  kind: string;
  name: string;
  details: DiffDetail[];
}

/** Options of {@link diffBtf}. */
export interface DiffOptions {
  /** Only this named type and the named types it reaches (in either BTF). */
  typeName?: string;
  /** The files of A and B, named by the errors about them. */
  fileA?: string;
  fileB?: string;
}

/** The identity kind of a named type (ENUM64 is an `enum`, a FWD a `fwd`). */
function kindLabel(kind: number): string {
  switch (kind) {
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return 'enum';
    default:
      return kindName(kind).toLowerCase();
  }
}

/** Whether kind `k` is identified by its name (when it has one). */
function namedKind(k: number): boolean {
  return (
    k === BTF_KIND_STRUCT ||
    k === BTF_KIND_UNION ||
    k === BTF_KIND_ENUM ||
    k === BTF_KIND_ENUM64 ||
    k === BTF_KIND_FWD ||
    k === BTF_KIND_TYPEDEF ||
    k === BTF_KIND_INT ||
    k === BTF_KIND_FLOAT ||
    k === BTF_KIND_FUNC ||
    k === BTF_KIND_VAR ||
    k === BTF_KIND_DATASEC ||
    k === BTF_KIND_DECL_TAG
  );
}

/** Whether kind `k` is a type dedup may leave a copy of in a module (not a function, variable, section or tag). */
function copiedKind(k: number): boolean {
  return namedKind(k) && k !== BTF_KIND_FUNC && k !== BTF_KIND_VAR && k !== BTF_KIND_DATASEC && k !== BTF_KIND_DECL_TAG;
}

/** A member of a struct or union with the members of anonymous ones flattened in (see the essay). */
interface FlatMember {
  path: string;
  bitOffset: number;
  bitfieldSize: number;
  typeId: number;
  key: string;
}

/** One BTF as the diff reads it: keys, identities, signatures, C spellings. */
class Side {
  readonly q: TypeQuery;
  private readonly keys: (string | undefined)[];
  // computeKeys' explicit stack (type, parts pushed), the parts of one type, and the types whose key is under way.
  private readonly keyStack: number[] = [];
  private readonly keyPartList: number[] = [];
  private keyOnPath: Uint8Array | undefined;
  private decl: CDeclWriter | null = null;
  /** Identity (`kind name`) -> ids, in id order. */
  readonly groups = new Map<string, number[]>();

  constructor(
    private readonly btf: BtfContainer,
    private readonly file: string | undefined,
  ) {
    try {
      this.q = typeQuery(btf);
      this.keys = new Array<string | undefined>(this.q.typeCount);
      this.strs = new StringReader(this.q.strs);
      this.group();
    } catch (e) {
      throw this.named(e);
    }
  }

  /** Returns `e` with this side's file recorded when it is a BtfError that names none. */
  private named(e: unknown): unknown {
    if (this.file !== undefined && isBtfError(e)) e.withFile(this.file);
    return e;
  }

  /** Pass 1's grouping of the named types by identity. */
  private group(): void {
    const { btf, q } = this;
    // Split BTF: its own types (what the base defines is the base's diff).
    for (let id = btf.startId; id < q.typeCount; id++) {
      const k = q.kind(id);
      if (!namedKind(k)) continue;
      q.checkKnown(id);
      if (q.nameOff(id) === 0) {
        // Top-level anonymous enums: grouped here, matched one by one by their enumerator names.
        if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) this.add('enum ', id);
        continue;
      }
      this.add(this.identity(id), id);
    }
    // A forward declaration of a type this BTF defines says nothing more (dedup drops it).
    for (const [ident, ids] of this.groups) {
      if (!ident.startsWith('fwd ')) continue;
      const name = ident.slice(4);
      const kept = ids.filter((id) => !this.groups.has(`${q.kflag(id) ? 'union' : 'struct'} ${name}`));
      if (kept.length === 0) this.groups.delete(ident);
      else this.groups.set(ident, kept);
    }
  }

  /**
   * Returns, for each of `identities` that the base (a split BTF's vmlinux)
   * defines as a struct, union, enum, typedef, forward declaration, INT or
   * FLOAT (the kinds a module may carry a copy of), the ids of those
   * definitions. One pass over the base's records: a name is compared as
   * bytes, and only when its first byte starts one of the names asked for.
   */
  baseDefinitions(identities: readonly string[]): Map<string, number[]> {
    const { btf, q } = this;
    const out = new Map<string, number[]>();
    if (btf.startId <= 1 || identities.length === 0) return out;
    const utf8 = new TextEncoder();
    const byFirst: Array<Array<{ label: string; name: Uint8Array; ident: string }> | undefined> = [];
    for (const ident of identities) {
      const sp = ident.indexOf(' ');
      const name = utf8.encode(ident.slice(sp + 1));
      if (name.length === 0) continue;
      const first = name[0]!;
      const list = byFirst[first] ?? [];
      byFirst[first] = list;
      list.push({ label: ident.slice(0, sp), name, ident });
    }
    const strs = q.strs;
    for (let id = 1; id < btf.startId; id++) {
      const k = q.kind(id);
      if (!copiedKind(k)) continue;
      const off = q.nameOff(id);
      const wanted = off === 0 ? undefined : byFirst[strs[off]!];
      if (wanted === undefined) continue;
      for (const w of wanted) {
        if (!q.strIs(off, w.name) || kindLabel(k) !== w.label) continue;
        const g = out.get(w.ident);
        if (g) g.push(id);
        else out.set(w.ident, [id]);
      }
    }
    return out;
  }

  private add(identity: string, id: number): void {
    const g = this.groups.get(identity);
    if (g) g.push(id);
    else this.groups.set(identity, [id]);
  }

  /** Strings by offset, each decoded once (member and parameter names repeat across thousands of types). */
  private readonly strs: StringReader;
  str(off: number): string {
    return this.strs.at(off);
  }

  name(id: number): string {
    return this.str(this.q.nameOff(id));
  }

  /** `kind name` of a named type; a DECL_TAG is named by its text and what it tags. */
  identity(id: number): string {
    const k = this.q.kind(id);
    if (k === BTF_KIND_DECL_TAG) return `decl_tag ${this.tagName(id)}`;
    return `${kindLabel(k)} ${this.name(id)}`;
  }

  /** A DECL_TAG's display name: `text` on `target` (`.member` or `(param N)` where it tags one). */
  tagName(id: number): string {
    const target = this.q.word(id, 2);
    const comp = this.q.word(id, 3) | 0;
    let on = this.key(target);
    if (comp >= 0) {
      const tk = this.q.kind(target);
      if (tk === BTF_KIND_STRUCT || tk === BTF_KIND_UNION) on += `.${this.str(this.q.word(target, 3 + comp * 3))}`;
      else on += ` param ${comp}`;
    }
    return `${this.name(id)} on ${on}`;
  }

  /** The identity key of type `id` (see the essay): names for named types, shapes for the rest. */
  key(id: number): string {
    if (id === 0) return 'void';
    if (id >= this.q.typeCount) return `<bad type ${id}>`;
    const s = this.keys[id];
    if (s !== undefined) return s;
    try {
      return this.computeKeys(id);
    } catch (e) {
      throw this.named(e);
    }
  }

  /**
   * Calls `fn` on each type whose key the key of `id` is made of (nothing
   * for a named struct, union or enum: its key is its name).
   */
  private keyParts(id: number, fn: (part: number) => void): void {
    const q = this.q;
    switch (q.kind(id)) {
      case BTF_KIND_PTR:
      case BTF_KIND_CONST:
      case BTF_KIND_VOLATILE:
      case BTF_KIND_RESTRICT:
      case BTF_KIND_TYPE_TAG:
        fn(q.word(id, 2));
        break;
      case BTF_KIND_ARRAY:
        fn(q.word(id, 3));
        break;
      case BTF_KIND_FUNC_PROTO:
        fn(q.word(id, 2));
        for (let i = 0; i < q.vlen(id); i++) fn(q.word(id, 4 + i * 2));
        break;
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        if (q.nameOff(id) === 0) for (let i = 0; i < q.vlen(id); i++) fn(q.word(id, 3 + i * 3 + 1));
        break;
    }
  }

  /**
   * Computes the key of `root` and of the unnamed types it is made of,
   * innermost first, on an explicit stack of (type, parts pushed); a part
   * whose key is under way (its parts pushed, not yet done) is a reference
   * loop.
   */
  private computeKeys(root: number): string {
    const q = this.q;
    const keys = this.keys;
    const st = this.keyStack;
    const parts = this.keyPartList;
    this.keyOnPath ??= new Uint8Array(q.typeCount);
    const onPath = this.keyOnPath;
    const push = (p: number): void => {
      if (p > 0 && p < q.typeCount && keys[p] === undefined) parts.push(p);
    };
    st.length = 0;
    q.checkKnown(root);
    st.push(root, 0);
    while (st.length) {
      const f = st.length - 2;
      const id = st[f]!;
      if (st[f + 1] === 0) {
        // A part pushed twice, or beside another made of it, may be known by now.
        if (keys[id] !== undefined) {
          st.length = f;
          continue;
        }
        st[f + 1] = 1;
        onPath[id] = 1;
        // Parts without a key yet, pushed last first (so the first is computed first).
        parts.length = 0;
        this.keyParts(id, push);
        if (parts.length) {
          for (let i = parts.length - 1; i >= 0; i--) {
            const p = parts[i]!;
            if (onPath[p]) this.keyLoop(p);
            q.checkKnown(p);
            st.push(p, 0);
          }
          continue;
        }
      }
      keys[id] = this.computeKey(id);
      onPath[id] = 0;
      st.length = f;
    }
    return keys[root]!;
  }

  /** Throws ELOOP for part `p`, whose key is under way: the types from it to the top of the key stack. */
  private keyLoop(p: number): never {
    const st = this.keyStack;
    const path: number[] = [];
    for (let j = 0; j < st.length; j += 2) if (st[j + 1] === 1) path.push(st[j]!);
    const loop = path.slice(path.indexOf(p));
    for (let j = 0; j < st.length; j += 2) this.keyOnPath![st[j]!] = 0;
    throw new BtfError(
      BtfErrorCode.Loop,
      `type [${p}]: reference loop through types ${[...loop, p].map((t) => `[${t}]`).join(' -> ')}, its key has no end`,
      { typeId: p },
    );
  }

  /** The key of `id`, the keys of its parts known (see {@link computeKeys}). */
  private computeKey(id: number): string {
    const q = this.q;
    const k = q.checkKnown(id);
    const named = q.nameOff(id) !== 0;
    switch (k) {
      case BTF_KIND_PTR:
        return `${this.key(q.word(id, 2))} *`;
      case BTF_KIND_CONST:
        return `const ${this.key(q.word(id, 2))}`;
      case BTF_KIND_VOLATILE:
        return `volatile ${this.key(q.word(id, 2))}`;
      case BTF_KIND_RESTRICT:
        return `restrict ${this.key(q.word(id, 2))}`;
      case BTF_KIND_TYPE_TAG:
        return `tag(${this.name(id)}) ${this.key(q.word(id, 2))}`;
      case BTF_KIND_ARRAY:
        return `${this.key(q.word(id, 3))}[${q.word(id, 5)}]`;
      case BTF_KIND_FUNC_PROTO: {
        let s = `${this.key(q.word(id, 2))}(`;
        for (let i = 0; i < q.vlen(id); i++) s += `${i ? ',' : ''}${this.key(q.word(id, 4 + i * 2))}`;
        return `${s})`;
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        if (named) return `${kindLabel(k)} ${this.name(id)}`;
        return `${kindLabel(k)}{${this.shape(id)}}`;
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        if (named) return `enum ${this.name(id)}`;
        return `enum{${this.enumShape(id)}}`;
      case BTF_KIND_FWD:
        return `${q.kflag(id) ? 'union' : 'struct'} ${this.name(id)}`;
      case BTF_KIND_INT:
      case BTF_KIND_FLOAT:
      case BTF_KIND_TYPEDEF:
        return named ? this.name(id) : `${kindLabel(k)}#${q.word(id, 2)}`;
      default:
        return `${kindLabel(k)} ${this.name(id)}`;
    }
  }

  /** The members of struct/union `id` as a string: size, then name:bit offset:bitfield:key. */
  shape(id: number): string {
    const q = this.q;
    const kflag = q.kflag(id);
    let s = `${q.word(id, 2)}`;
    for (let i = 0; i < q.vlen(id); i++) {
      const o = 3 + i * 3;
      const off = q.word(id, o + 2);
      s += `;${this.str(q.word(id, o))}:${memberBitOffset(off, kflag)}:${memberBitfieldSize(off, kflag)}:${this.key(q.word(id, o + 1))}`;
    }
    return s;
  }

  /** The values of enum `id` (size, signedness, then name=value). */
  enumShape(id: number): string {
    let s = `${this.q.word(id, 2)}${this.q.kflag(id) ? 's' : 'u'}`;
    for (const [n, v] of this.enumValues(id)) s += `;${n}=${v}`;
    return s;
  }

  /** The values of enum `id`, by name, as decimal strings (64-bit safe). */
  enumValues(id: number): Map<string, string> {
    const q = this.q;
    const signed = q.kflag(id);
    const m = new Map<string, string>();
    const e64 = q.kind(id) === BTF_KIND_ENUM64;
    for (let i = 0; i < q.vlen(id); i++) {
      let v: string;
      if (e64) {
        const lo = q.word(id, 3 + i * 3 + 1);
        const hi = q.word(id, 3 + i * 3 + 2);
        const u = (BigInt(hi) << 32n) | BigInt(lo);
        v = String(signed ? BigInt.asIntN(64, u) : u);
      } else {
        const w = q.word(id, 3 + i * 2 + 1);
        v = String(signed ? w | 0 : w);
      }
      m.set(this.str(q.word(id, 3 + i * (e64 ? 3 : 2))), v);
    }
    return m;
  }

  /** The signature of named type `id`: everything a change would show in (pass 1). */
  signature(id: number): string {
    const q = this.q;
    const k = q.kind(id);
    switch (k) {
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION:
        return this.shape(id);
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64:
        return this.enumShape(id);
      case BTF_KIND_TYPEDEF:
        return this.key(q.word(id, 2));
      case BTF_KIND_INT:
        return `${q.word(id, 2)}:${q.word(id, 3)}`;
      case BTF_KIND_FLOAT:
        return `${q.word(id, 2)}`;
      case BTF_KIND_FWD:
        return q.kflag(id) ? 'union' : 'struct';
      case BTF_KIND_FUNC: {
        const p = q.word(id, 2);
        let s = `${q.vlen(id)}:${this.key(q.word(p, 2))}(`;
        if (q.kind(p) === BTF_KIND_FUNC_PROTO)
          for (let i = 0; i < q.vlen(p); i++)
            s += `${this.str(q.word(p, 3 + i * 2))}:${this.key(q.word(p, 4 + i * 2))},`;
        return s;
      }
      case BTF_KIND_VAR:
        return `${q.word(id, 3)}:${this.key(q.word(id, 2))}`;
      case BTF_KIND_DATASEC: {
        let s = `${q.word(id, 2)}`;
        for (let i = 0; i < q.vlen(id); i++) {
          const o = 3 + i * 3;
          s += `;${this.key(q.word(id, o))}@${q.word(id, o + 1)}+${q.word(id, o + 2)}`;
        }
        return s;
      }
      default:
        return '';
    }
  }

  /** Type `id` in C notation, as a cast spells it (`struct sk *`, `int[4]`, `void (*)(int)`). */
  c(id: number): string {
    if (id === 0) return 'void';
    this.decl ??= new CDeclWriter(this.btf, null);
    try {
      return this.decl.castText(id, false);
    } catch (e) {
      throw this.named(e);
    }
  }

  /** Members of struct/union `id`, anonymous members' members flattened in under their paths. */
  flatMembers(id: number): FlatMember[] {
    const out: FlatMember[] = [];
    const q = this.q;
    // Explicit stack of (type, path prefix, bit base, next member index): members in declaration order.
    const stack: Array<[number, string, number, number]> = [[id, '', 0, 0]];
    // The structs and unions on the stack: one met again is inside itself (hostile input).
    const onPath = new Set<number>([id]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [t, prefix, base, i] = top;
      if (i >= q.vlen(t)) {
        onPath.delete(t);
        stack.pop();
        continue;
      }
      top[3] = i + 1;
      const o = 3 + i * 3;
      const kflag = q.kflag(t);
      const name = this.str(q.word(t, o));
      const typeId = q.word(t, o + 1);
      const off = q.word(t, o + 2);
      const bitOffset = base + memberBitOffset(off, kflag);
      const anon = this.anonAggregate(typeId);
      if (anon) {
        if (name !== '') {
          const k = q.kind(anon) === BTF_KIND_UNION ? 'union' : 'struct';
          out.push({ path: prefix + name, bitOffset, bitfieldSize: 0, typeId, key: `${k} {...}` });
        }
        if (onPath.has(anon))
          throw this.named(
            new BtfError(BtfErrorCode.Loop, `type [${id}]: anonymous member of type [${anon}] inside itself`, {
              typeId: id,
            }),
          );
        onPath.add(anon);
        stack.push([anon, name === '' ? prefix : `${prefix + name}.`, bitOffset, 0]);
        continue;
      }
      if (name === '') continue; // unnamed bitfield padding
      out.push({
        path: prefix + name,
        bitOffset,
        bitfieldSize: memberBitfieldSize(off, kflag),
        typeId,
        key: this.key(typeId),
      });
    }
    return out;
  }

  /** The anonymous struct or union under `id`'s modifiers (0: none). */
  private anonAggregate(id: number): number {
    const q = this.q;
    // A chain longer than the number of types is a loop.
    for (let n = 0; n < q.typeCount && id > 0 && id < q.typeCount; n++) {
      const k = q.kind(id);
      if (k === BTF_KIND_CONST || k === BTF_KIND_VOLATILE || k === BTF_KIND_RESTRICT || k === BTF_KIND_TYPE_TAG) {
        id = q.word(id, 2);
        continue;
      }
      return (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION) && q.nameOff(id) === 0 ? id : 0;
    }
    return 0;
  }

  /** The named types `id` reaches (identities), itself included: what `--type` keeps. */
  reach(ids: readonly number[]): Set<string> {
    const q = this.q;
    const seen = new Uint8Array(q.typeCount);
    const out = new Set<string>();
    const stack = [...ids];
    while (stack.length) {
      const id = stack.pop()!;
      if (id <= 0 || id >= q.typeCount || seen[id]) continue;
      seen[id] = 1;
      const k = q.kind(id);
      if (namedKind(k) && q.nameOff(id) !== 0) out.add(this.identity(id));
      forEachTypeIdWord(q.words, q.offs[id]!, (wi) => stack.push(q.words[wi]!));
    }
    return out;
  }
}

const bytesText = (bits: number): string => (bits % 8 === 0 ? `${bits / 8}` : `${Math.floor(bits / 8)}:${bits % 8}`);

/** Compares two structs or unions member by member. */
function memberDetails(a: Side, ia: number, b: Side, ib: number, out: DiffDetail[]): void {
  const sa = a.q.word(ia, 2);
  const sb = b.q.word(ib, 2);
  if (sa !== sb) out.push({ what: 'size', old: sa, new: sb, sign: '~', text: `size: ${sa} -> ${sb}` });
  const ma = a.flatMembers(ia);
  const mb = b.flatMembers(ib);
  const byA = new Map<string, FlatMember>();
  const byB = new Map<string, FlatMember>();
  for (const m of ma) if (!byA.has(m.path)) byA.set(m.path, m);
  for (const m of mb) if (!byB.has(m.path)) byB.set(m.path, m);
  const onlyB = mb.filter((m) => !byA.has(m.path));
  const renamedTo = new Set<FlatMember>();
  const n0 = out.length;
  for (const m of ma) {
    if (byB.has(m.path)) continue;
    const r = onlyB.find(
      (x) => !renamedTo.has(x) && x.bitOffset === m.bitOffset && x.bitfieldSize === m.bitfieldSize && x.key === m.key,
    );
    if (r) {
      renamedTo.add(r);
      out.push({
        what: 'member-renamed',
        name: m.path,
        newName: r.path,
        sign: '~',
        text: `member ${m.path} renamed to ${r.path} (offset ${bytesText(m.bitOffset)})`,
      });
      continue;
    }
    out.push({
      what: 'member-removed',
      name: m.path,
      old: a.c(m.typeId),
      sign: '-',
      text: `member ${m.path}: ${a.c(m.typeId)}${m.bitfieldSize ? `:${m.bitfieldSize}` : ''} (offset ${bytesText(m.bitOffset)})`,
    });
  }
  for (const m of mb) {
    const o = byA.get(m.path);
    if (!o) {
      if (renamedTo.has(m)) continue;
      out.push({
        what: 'member-added',
        name: m.path,
        new: b.c(m.typeId),
        sign: '+',
        text: `member ${m.path}: ${b.c(m.typeId)}${m.bitfieldSize ? `:${m.bitfieldSize}` : ''} (offset ${bytesText(m.bitOffset)})`,
      });
      continue;
    }
    if (o.key !== m.key) {
      const oc = a.c(o.typeId);
      const nc = b.c(m.typeId);
      out.push({
        what: 'member-retyped',
        name: m.path,
        old: oc,
        new: nc,
        sign: '~',
        text: `member ${m.path}: type ${oc} -> ${nc}`,
      });
    }
    if (o.bitfieldSize !== m.bitfieldSize) {
      out.push({
        what: 'bitfield',
        name: m.path,
        old: o.bitfieldSize,
        new: m.bitfieldSize,
        sign: '~',
        text: `member ${m.path}: bitfield width ${o.bitfieldSize} -> ${m.bitfieldSize}`,
      });
    }
    if (o.bitOffset !== m.bitOffset) {
      out.push({
        what: 'member-moved',
        name: m.path,
        old: o.bitOffset,
        new: m.bitOffset,
        sign: '~',
        text: `member ${m.path}: offset ${bytesText(o.bitOffset)} -> ${bytesText(m.bitOffset)}`,
      });
    }
  }
  if (out.length === n0 && sa === sb)
    out.push({ what: 'members', sign: '~', text: 'unnamed members (bitfield padding) differ' });
}

function enumDetails(a: Side, ia: number, b: Side, ib: number, out: DiffDetail[]): void {
  const sa = a.q.word(ia, 2);
  const sb = b.q.word(ib, 2);
  if (sa !== sb) out.push({ what: 'size', old: sa, new: sb, sign: '~', text: `size: ${sa} -> ${sb}` });
  if (a.q.kflag(ia) !== b.q.kflag(ib)) {
    const s = (f: boolean): string => (f ? 'signed' : 'unsigned');
    out.push({
      what: 'signedness',
      old: s(a.q.kflag(ia)),
      new: s(b.q.kflag(ib)),
      sign: '~',
      text: `${s(a.q.kflag(ia))} -> ${s(b.q.kflag(ib))}`,
    });
  }
  valueDetails(a.enumValues(ia), b.enumValues(ib), out);
}

function valueDetails(va: Map<string, string>, vb: Map<string, string>, out: DiffDetail[]): void {
  for (const [n, v] of va)
    if (!vb.has(n)) out.push({ what: 'value-removed', name: n, old: v, sign: '-', text: `${n} = ${v}` });
  for (const [n, v] of vb) {
    const o = va.get(n);
    if (o === undefined) out.push({ what: 'value-added', name: n, new: v, sign: '+', text: `${n} = ${v}` });
    else if (o !== v)
      out.push({ what: 'value-changed', name: n, old: o, new: v, sign: '~', text: `${n}: ${o} -> ${v}` });
  }
}

const LINKAGE = ['static', 'global', 'extern'];

function funcDetails(a: Side, ia: number, b: Side, ib: number, out: DiffDetail[]): void {
  const la = a.q.vlen(ia);
  const lb = b.q.vlen(ib);
  if (la !== lb) {
    const o = LINKAGE[la] ?? String(la);
    const n = LINKAGE[lb] ?? String(lb);
    out.push({ what: 'linkage', old: o, new: n, sign: '~', text: `linkage: ${o} -> ${n}` });
  }
  const pa = a.q.word(ia, 2);
  const pb = b.q.word(ib, 2);
  const ra = a.q.word(pa, 2);
  const rb = b.q.word(pb, 2);
  if (a.key(ra) !== b.key(rb)) {
    const o = a.c(ra);
    const n = b.c(rb);
    out.push({ what: 'return', old: o, new: n, sign: '~', text: `return type: ${o} -> ${n}` });
  }
  const na = a.q.vlen(pa);
  const nb = b.q.vlen(pb);
  if (na !== nb) out.push({ what: 'params', old: na, new: nb, sign: '~', text: `parameters: ${na} -> ${nb}` });
  for (let i = 0; i < Math.min(na, nb); i++) {
    const ta = a.q.word(pa, 4 + i * 2);
    const tb = b.q.word(pb, 4 + i * 2);
    const nma = a.q.str(a.q.word(pa, 3 + i * 2));
    const nmb = b.q.str(b.q.word(pb, 3 + i * 2));
    if (a.key(ta) !== b.key(tb)) {
      const o = a.c(ta);
      const n = b.c(tb);
      out.push({
        what: 'param-retyped',
        name: nmb || `#${i + 1}`,
        old: o,
        new: n,
        sign: '~',
        text: `parameter ${i + 1} (${nmb || nma || 'unnamed'}): type ${o} -> ${n}`,
      });
    }
    if (nma !== nmb)
      out.push({
        what: 'param-renamed',
        name: nma,
        newName: nmb,
        sign: '~',
        text: `parameter ${i + 1}: renamed ${nma || '(unnamed)'} -> ${nmb || '(unnamed)'}`,
      });
  }
  for (let i = nb; i < na; i++) {
    const t = a.q.word(pa, 4 + i * 2);
    const nm = a.q.str(a.q.word(pa, 3 + i * 2));
    out.push({ what: 'param-removed', name: nm, old: a.c(t), sign: '-', text: `parameter ${i + 1}: ${a.c(t)} ${nm}` });
  }
  for (let i = na; i < nb; i++) {
    const t = b.q.word(pb, 4 + i * 2);
    const nm = b.q.str(b.q.word(pb, 3 + i * 2));
    out.push({ what: 'param-added', name: nm, new: b.c(t), sign: '+', text: `parameter ${i + 1}: ${b.c(t)} ${nm}` });
  }
}

function datasecDetails(a: Side, ia: number, b: Side, ib: number, out: DiffDetail[]): void {
  const sa = a.q.word(ia, 2);
  const sb = b.q.word(ib, 2);
  if (sa !== sb) out.push({ what: 'size', old: sa, new: sb, sign: '~', text: `size: ${sa} -> ${sb}` });
  const entries = (s: Side, id: number): Map<string, [number, number]> => {
    const m = new Map<string, [number, number]>();
    for (let i = 0; i < s.q.vlen(id); i++) {
      const o = 3 + i * 3;
      const v = s.q.word(id, o);
      const nm = v > 0 && v < s.q.typeCount ? s.name(v) : `#${v}`;
      m.set(nm, [s.q.word(id, o + 1), s.q.word(id, o + 2)]);
    }
    return m;
  };
  const ea = entries(a, ia);
  const eb = entries(b, ib);
  for (const [n, [off, sz]] of ea)
    if (!eb.has(n)) out.push({ what: 'var-removed', name: n, sign: '-', text: `${n} (offset ${off}, size ${sz})` });
  for (const [n, [off, sz]] of eb) {
    const o = ea.get(n);
    if (!o) {
      out.push({ what: 'var-added', name: n, sign: '+', text: `${n} (offset ${off}, size ${sz})` });
      continue;
    }
    if (o[0] !== off)
      out.push({ what: 'var-moved', name: n, old: o[0], new: off, sign: '~', text: `${n}: offset ${o[0]} -> ${off}` });
    if (o[1] !== sz)
      out.push({ what: 'var-resized', name: n, old: o[1], new: sz, sign: '~', text: `${n}: size ${o[1]} -> ${sz}` });
  }
}

/** The details of a changed pair of named types of the same identity. */
function details(a: Side, ia: number, b: Side, ib: number): DiffDetail[] {
  const out: DiffDetail[] = [];
  const k = a.q.kind(ia);
  const qa = a.q;
  const qb = b.q;
  switch (k) {
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      memberDetails(a, ia, b, ib, out);
      break;
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      enumDetails(a, ia, b, ib, out);
      break;
    case BTF_KIND_TYPEDEF: {
      const o = a.c(qa.word(ia, 2));
      const n = b.c(qb.word(ib, 2));
      out.push({ what: 'target', old: o, new: n, sign: '~', text: `now ${n} (was ${o})` });
      break;
    }
    case BTF_KIND_INT: {
      const sa = qa.word(ia, 2);
      const sb = qb.word(ib, 2);
      if (sa !== sb) out.push({ what: 'size', old: sa, new: sb, sign: '~', text: `size: ${sa} -> ${sb}` });
      const da = qa.word(ia, 3);
      const db = qb.word(ib, 3);
      const enc = (d: number): string => `encoding ${intEncoding(d)}, offset ${intOffset(d)}, bits ${intBits(d)}`;
      if (da !== db)
        out.push({ what: 'encoding', old: enc(da), new: enc(db), sign: '~', text: `${enc(da)} -> ${enc(db)}` });
      break;
    }
    case BTF_KIND_FLOAT: {
      const sa = qa.word(ia, 2);
      const sb = qb.word(ib, 2);
      out.push({ what: 'size', old: sa, new: sb, sign: '~', text: `size: ${sa} -> ${sb}` });
      break;
    }
    case BTF_KIND_FWD: {
      const s = (f: boolean): string => (f ? 'union' : 'struct');
      out.push({ what: 'kind', old: s(qa.kflag(ia)), new: s(qb.kflag(ib)), sign: '~', text: 'struct/union changed' });
      break;
    }
    case BTF_KIND_FUNC:
      funcDetails(a, ia, b, ib, out);
      break;
    case BTF_KIND_VAR: {
      const la = qa.word(ia, 3);
      const lb = qb.word(ib, 3);
      if (la !== lb) {
        const o = LINKAGE[la] ?? String(la);
        const n = LINKAGE[lb] ?? String(lb);
        out.push({ what: 'linkage', old: o, new: n, sign: '~', text: `linkage: ${o} -> ${n}` });
      }
      if (a.key(qa.word(ia, 2)) !== b.key(qb.word(ib, 2))) {
        const o = a.c(qa.word(ia, 2));
        const n = b.c(qb.word(ib, 2));
        out.push({ what: 'type', old: o, new: n, sign: '~', text: `type: ${o} -> ${n}` });
      }
      break;
    }
    case BTF_KIND_DATASEC:
      datasecDetails(a, ia, b, ib, out);
      break;
  }
  return out;
}

/**
 * The changes of the top-level anonymous enums (the kernel's constants),
 * which no named type contains. Each enum is an entry of its own, matched
 * across the sides by its enumerator names: equal enums (same size,
 * signedness, names and values) drop out, counted once per side as dedup
 * would merge them; of the rest, the pairs sharing the most enumerator names
 * are paired first (ties in id order), each enum at most once, and a pair is
 * `changed` with its values' details. An enum left unpaired is `removed` or
 * `added`. An entry is named after an enumerator: for a pair, the first of
 * A's that B's has too, else the enum's first (`(anonymous: NAME)`).
 */
function anonEnumChanges(sa: Side, ga: readonly number[], sb: Side, gb: readonly number[]): TypeChange[] {
  const distinct = (s: Side, ids: readonly number[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const id of ids) {
      const sig = s.enumShape(id);
      if (!m.has(sig)) m.set(sig, id);
    }
    return m;
  };
  const da = distinct(sa, ga);
  const db = distinct(sb, gb);
  const onlyA: Map<string, string>[] = [];
  const idsA: number[] = [];
  const onlyB: Map<string, string>[] = [];
  for (const [sig, id] of da)
    if (!db.has(sig)) {
      onlyA.push(sa.enumValues(id));
      idsA.push(id);
    }
  for (const [sig, id] of db) if (!da.has(sig)) onlyB.push(sb.enumValues(id));
  // Enumerator name -> the A enums that have it.
  const byName = new Map<string, number[]>();
  onlyA.forEach((va, i) => {
    for (const n of va.keys()) {
      const l = byName.get(n);
      if (l) l.push(i);
      else byName.set(n, [i]);
    }
  });
  const pairs: Array<[shared: number, ai: number, bi: number]> = [];
  onlyB.forEach((vb, bi) => {
    const shared = new Map<number, number>();
    for (const n of vb.keys()) for (const ai of byName.get(n) ?? []) shared.set(ai, (shared.get(ai) ?? 0) + 1);
    for (const [ai, c] of shared) pairs.push([c, ai, bi]);
  });
  pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  const pairedA = new Int32Array(onlyA.length).fill(-1);
  const pairedB = new Uint8Array(onlyB.length);
  for (const [, ai, bi] of pairs) {
    if (pairedA[ai] !== -1 || pairedB[bi]) continue;
    pairedA[ai] = bi;
    pairedB[bi] = 1;
  }
  const label = (n: string | undefined): string => (n === undefined ? '(anonymous)' : `(anonymous: ${n})`);
  const first = (v: Map<string, string>): string | undefined => v.keys().next().value;
  const out: TypeChange[] = [];
  onlyA.forEach((va, ai) => {
    const bi = pairedA[ai]!;
    if (bi < 0) {
      out.push({ change: 'removed', kind: 'enum', name: label(first(va)), details: [] });
      return;
    }
    const vb = onlyB[bi]!;
    const d: DiffDetail[] = [];
    valueDetails(va, vb, d);
    let name: string | undefined;
    for (const n of va.keys())
      if (vb.has(n)) {
        name = n;
        break;
      }
    out.push({ change: 'changed', kind: 'enum', name: label(name), details: d });
  });
  onlyB.forEach((vb, bi) => {
    if (!pairedB[bi]) out.push({ change: 'added', kind: 'enum', name: label(first(vb)), details: [] });
  });
  return out;
}

/**
 * Whether named types `ia` of side `a` and `ib` of side `b` have equal
 * {@link Side.signature}s, compared field by field without making the two
 * strings (the common case of pass 2: one definition on each side).
 */
function sameSignature(a: Side, ia: number, b: Side, ib: number): boolean {
  const qa = a.q;
  const qb = b.q;
  const k = qa.kind(ia);
  const kb = qb.kind(ib);
  switch (k) {
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      if (kb !== k) break;
      const n = qa.vlen(ia);
      if (qa.word(ia, 2) !== qb.word(ib, 2) || qb.vlen(ib) !== n) return false;
      const fa = qa.kflag(ia);
      const fb = qb.kflag(ib);
      for (let i = 0; i < n; i++) {
        const o = 3 + i * 3;
        const oa = qa.word(ia, o + 2);
        const ob = qb.word(ib, o + 2);
        if (
          memberBitOffset(oa, fa) !== memberBitOffset(ob, fb) ||
          memberBitfieldSize(oa, fa) !== memberBitfieldSize(ob, fb) ||
          a.str(qa.word(ia, o)) !== b.str(qb.word(ib, o)) ||
          a.key(qa.word(ia, o + 1)) !== b.key(qb.word(ib, o + 1))
        )
          return false;
      }
      return true;
    }
    case BTF_KIND_TYPEDEF:
      if (kb !== k) break;
      return a.key(qa.word(ia, 2)) === b.key(qb.word(ib, 2));
    case BTF_KIND_FUNC: {
      if (kb !== k) break;
      const pa = qa.word(ia, 2);
      const pb = qb.word(ib, 2);
      if (qa.vlen(ia) !== qb.vlen(ib) || a.key(qa.word(pa, 2)) !== b.key(qb.word(pb, 2))) return false;
      const na = qa.kind(pa) === BTF_KIND_FUNC_PROTO ? qa.vlen(pa) : 0;
      const nb = qb.kind(pb) === BTF_KIND_FUNC_PROTO ? qb.vlen(pb) : 0;
      if (na !== nb) return false;
      for (let i = 0; i < na; i++)
        if (
          a.str(qa.word(pa, 3 + i * 2)) !== b.str(qb.word(pb, 3 + i * 2)) ||
          a.key(qa.word(pa, 4 + i * 2)) !== b.key(qb.word(pb, 4 + i * 2))
        )
          return false;
      return true;
    }
  }
  return a.signature(ia) === b.signature(ib);
}

/** `kind name` split at its first space. */
function splitIdentity(ident: string): [kind: string, name: string] {
  const sp = ident.indexOf(' ');
  return [ident.slice(0, sp), ident.slice(sp + 1)];
}

/**
 * Returns what changed from BTF `a` to BTF `b` (see the essay), one entry per
 * named type, sorted by change (removed, added, changed), then name, then
 * kind. An empty array: the two BTFs declare the same types.
 * @throws BtfError `ETYPE` for a kind btfkit does not know, `ELOOP` for
 *   types that reference one another in a loop without a name, `ENOENT`
 *   when `opts.typeName` names no type in either BTF.
 */
export function diffBtf(a: BtfContainer, b: BtfContainer, opts: DiffOptions = {}): TypeChange[] {
  const sa = new Side(a, opts.fileA);
  const sb = new Side(b, opts.fileB);
  let keep: Set<string> | null = null;
  if (opts.typeName !== undefined) {
    const name = opts.typeName;
    const roots = (s: Side): number[] => {
      const out: number[] = [];
      for (const [ident, ids] of s.groups) if (ident.slice(ident.indexOf(' ') + 1) === name) out.push(...ids);
      return out;
    };
    const ra = roots(sa);
    const rb = roots(sb);
    if (ra.length === 0 && rb.length === 0)
      throw new BtfError(BtfErrorCode.NotFound, `no type named '${name}' in either BTF`);
    keep = sa.reach(ra);
    for (const k of sb.reach(rb)) keep.add(k);
  }
  const out: TypeChange[] = [];
  const visit = (ident: string, ga: readonly number[], gb: readonly number[]): void => {
    if (keep && !keep.has(ident)) return;
    if (ident === 'enum ') {
      out.push(...anonEnumChanges(sa, ga, sb, gb));
      return;
    }
    // A module's copy of a type the other side's vmlinux defines: compared with that definition (see the essay).
    if (ga.length === 0) ga = inBaseA.get(ident) ?? none;
    else if (gb.length === 0) gb = inBaseB.get(ident) ?? none;
    // The common case, one definition on each side: their signatures are equal or they changed.
    if (ga.length === 1 && gb.length === 1) {
      if (sameSignature(sa, ga[0]!, sb, gb[0]!)) return;
      const [kind, name] = splitIdentity(ident);
      out.push({ change: 'changed', kind, name, details: details(sa, ga[0]!, sb, gb[0]!) });
      return;
    }
    if (ga.length === 0 || gb.length === 0) {
      const [kind, name] = splitIdentity(ident);
      out.push({ change: ga.length ? 'removed' : 'added', kind, name, details: [] });
      return;
    }
    // Signatures, equal ones counted once (pass 2).
    const sigA = new Map<string, number>();
    const sigB = new Map<string, number>();
    for (const id of ga) {
      const s = sa.signature(id);
      if (!sigA.has(s)) sigA.set(s, id);
    }
    for (const id of gb) {
      const s = sb.signature(id);
      if (!sigB.has(s)) sigB.set(s, id);
    }
    const onlyA: number[] = [];
    const onlyB: number[] = [];
    for (const [s, id] of sigA) if (!sigB.has(s)) onlyA.push(id);
    for (const [s, id] of sigB) if (!sigA.has(s)) onlyB.push(id);
    if (onlyA.length === 0 && onlyB.length === 0) return;
    const [kind, name] = splitIdentity(ident);
    // A name defined on both sides, some definitions differing: pair them in id order.
    const n = Math.min(onlyA.length, onlyB.length);
    for (let i = 0; i < n; i++)
      out.push({ change: 'changed', kind, name, details: details(sa, onlyA[i]!, sb, onlyB[i]!) });
    for (let i = n; i < onlyA.length; i++) out.push({ change: 'removed', kind, name, details: [] });
    for (let i = n; i < onlyB.length; i++) out.push({ change: 'added', kind, name, details: [] });
  };
  const none: readonly number[] = [];
  // The copied kinds' identities one side's module lacks, looked up in that side's vmlinux at once.
  const lacking = (from: Side, other: Side): string[] => {
    const out: string[] = [];
    for (const [ident, ids] of from.groups)
      if (ident !== 'enum ' && !other.groups.has(ident) && copiedKind(from.q.kind(ids[0]!))) out.push(ident);
    return out;
  };
  const inBaseA = sa.baseDefinitions(lacking(sb, sa));
  const inBaseB = sb.baseDefinitions(lacking(sa, sb));
  for (const [ident, ga] of sa.groups) visit(ident, ga, sb.groups.get(ident) ?? none);
  for (const [ident, gb] of sb.groups) if (!sa.groups.has(ident)) visit(ident, none, gb);
  const rank = { removed: 0, added: 1, changed: 2 } as const;
  out.sort(
    (x, y) =>
      rank[x.change] - rank[y.change] ||
      (x.name < y.name ? -1 : x.name > y.name ? 1 : 0) ||
      (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0),
  );
  return out;
}

/** A map definition as {@link diffMaps} compares it (lib/inspect's `MapInfo` has these fields). */
export interface MapFacts {
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags: number;
}

/**
 * Returns the map definitions that differ between two objects' lists
 * (matched by name): kind `map`, details `map-type`, `key-size`,
 * `value-size`, `max-entries`, `flags`. `label` spells a map type.
 */
export function diffMaps(
  a: readonly MapFacts[],
  b: readonly MapFacts[],
  label: (type: number) => string | number = (t) => t,
): TypeChange[] {
  const out: TypeChange[] = [];
  const ma = new Map(a.map((m) => [m.name, m]));
  const mb = new Map(b.map((m) => [m.name, m]));
  for (const m of a) if (!mb.has(m.name)) out.push({ change: 'removed', kind: 'map', name: m.name, details: [] });
  for (const m of b) if (!ma.has(m.name)) out.push({ change: 'added', kind: 'map', name: m.name, details: [] });
  for (const m of b) {
    const o = ma.get(m.name);
    if (!o) continue;
    const d: DiffDetail[] = [];
    const cmp = (what: string, title: string, x: string | number, y: string | number): void => {
      if (x !== y) d.push({ what, old: x, new: y, sign: '~', text: `${title}: ${x} -> ${y}` });
    };
    cmp('map-type', 'type', label(o.type), label(m.type));
    cmp('key-size', 'key size', o.keySize, m.keySize);
    cmp('value-size', 'value size', o.valueSize, m.valueSize);
    cmp('max-entries', 'max entries', o.maxEntries, m.maxEntries);
    cmp('flags', 'flags', `0x${o.mapFlags.toString(16)}`, `0x${m.mapFlags.toString(16)}`);
    if (d.length) out.push({ change: 'changed', kind: 'map', name: m.name, details: d });
  }
  return out;
}

/** Returns the human form of `changes`: grouped by change, `+`/`-`/`~` lines, and a summary line. */
export function formatDiff(changes: readonly TypeChange[]): string {
  const parts: string[] = [];
  const count = { removed: 0, added: 0, changed: 0 };
  for (const c of changes) count[c.change]++;
  const titles = [
    ['removed', '-'],
    ['added', '+'],
    ['changed', '~'],
  ] as const;
  for (const [change, sign] of titles) {
    if (!count[change]) continue;
    parts.push(`${change} (${count[change]}):\n`);
    for (const c of changes) {
      if (c.change !== change) continue;
      parts.push(`${sign} ${c.kind} ${c.name}\n`);
      for (const d of c.details) parts.push(`    ${d.sign} ${d.text}\n`);
    }
  }
  parts.push(`${count.removed} removed, ${count.added} added, ${count.changed} changed\n`);
  return parts.join('');
}
