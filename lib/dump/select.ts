/**
 * Choosing types to print: the one place where a name given by a user
 * (`--type 'struct task_struct'`, `--kind struct`, `--id 10-20`, or a search
 * pattern of `btfkit find`) becomes type ids. The C dump takes the ids as
 * roots (and prints what they need); the raw and JSON dumps print exactly
 * the ids chosen, as lines of their unfiltered output (with bpftool 7.8's
 * `root_id`, `--type` alone: the ids in the order given, base types too).
 *
 * Names are compared as bytes against the string section (no string is
 * decoded for an exact name); a substring or a regular expression decodes
 * each name once. A name search visits every type once, in id order, base
 * types first, as libbpf's `btf__find_by_name_kind` does.
 */
import type { Btf } from '../btf.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import {
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  infoKflag,
  infoKind,
  kindByName,
  NR_BTF_KINDS,
} from '../kinds.js';
import { typeQuery, type TypeQuery } from '../query.js';

// Kinds that name a type C code can refer to by that name.
const NAMED_KINDS = new Set<number>([
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_TYPEDEF,
  BTF_KIND_FWD,
  BTF_KIND_INT,
  BTF_KIND_FLOAT,
]);

/**
 * Returns the type id a `--type` spec names when it is a number, read as
 * C's `strtoul(s, &end, 0)` reads bpftool 7.8's `root_id`: leading white
 * space and a `+`, then hex after `0x`, octal after `0`, else decimal; null
 * when the spec is not a number (a name).
 * @throws BtfError `EINVAL` for a spec that starts as a number and has more
 * after it (`3x`, `08`), in bpftool's words.
 */
export function parseTypeIdSpec(spec: string): number | null {
  const m = /^[\t\n\v\f\r ]*\+?(.*)$/s.exec(spec)!;
  const body = m[1]!;
  if (!/^[0-9]/.test(body)) return null;
  const id = /^0[xX][0-9a-fA-F]+$/.test(body)
    ? Number.parseInt(body.slice(2), 16)
    : /^0[0-7]*$/.test(body)
      ? Number.parseInt(body, 8)
      : /^[1-9][0-9]*$/.test(body)
        ? Number(body)
        : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new BtfError(BtfErrorCode.InvalidArgument, `can't parse ${spec} as root ID`);
  return id;
}

/**
 * Returns the ids `names` designate, in the order given, every match of a
 * name in id order: an id (decimal, `0x` hex or `0` octal: {@link
 * parseTypeIdSpec}); `struct NAME`, `union NAME` (a FWD of that
 * flavour too) or `enum NAME` (ENUM or ENUM64); else a bare NAME of any kind
 * C names a type by (struct, union, enum, typedef, fwd, int, float).
 * @throws BtfError `ENOENT` for an id out of range or a name no type has,
 * `EINVAL` for a number with more after it.
 */
export function resolveTypeNames(q: TypeQuery, names: readonly string[]): number[] {
  const { words: w, offs: off, typeCount: count } = q;
  const roots: number[] = [];
  for (const spec of names) {
    const s = spec.trim();
    const id = parseTypeIdSpec(spec);
    if (id !== null) {
      if (id < 1 || id >= count)
        throw new BtfError(BtfErrorCode.NotFound, `no type with id ${s} (ids go from 1 to ${count - 1})`);
      roots.push(id);
      continue;
    }
    const m = /^(struct|union|enum)\s+(\S+)$/.exec(s);
    const tag = m ? m[1]! : '';
    const name = new TextEncoder().encode(m ? m[2]! : s);
    const found: number[] = [];
    for (let id = 1; id < count; id++) {
      const o = off[id]!;
      const nameOff = w[o]!;
      if (nameOff === 0) continue;
      const info = w[o + 1]!;
      const kind = infoKind(info);
      const ok =
        tag === 'struct'
          ? kind === BTF_KIND_STRUCT || (kind === BTF_KIND_FWD && !infoKflag(info))
          : tag === 'union'
            ? kind === BTF_KIND_UNION || (kind === BTF_KIND_FWD && infoKflag(info))
            : tag === 'enum'
              ? kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64
              : NAMED_KINDS.has(kind);
      if (ok && q.strIs(nameOff, name)) found.push(id);
    }
    if (found.length === 0) throw new BtfError(BtfErrorCode.NotFound, `no type named '${s}'`);
    roots.push(...found);
  }
  return roots;
}

/**
 * Returns the kind number for a kind name as a user writes it (`struct`,
 * `FUNC_PROTO`, `func-proto`, or a number).
 * @throws BtfError `EINVAL` for anything else.
 */
export function parseKind(name: string): number {
  const s = name.trim();
  const k = /^\d+$/.test(s) ? Number(s) : kindByName(s.replace(/-/g, '_'));
  if (!(k >= 1 && k < NR_BTF_KINDS)) throw new BtfError(BtfErrorCode.InvalidArgument, `unknown kind '${name}'`);
  return k;
}

/**
 * Returns the inclusive id range of `N` or `N-M` (`M` may be left out, `N-`,
 * for "to the last").
 * @throws BtfError `EINVAL` for anything else.
 */
export function parseIdRange(spec: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:(-)\s*(\d*))?\s*$/.exec(spec);
  if (!m) throw new BtfError(BtfErrorCode.InvalidArgument, `bad id range '${spec}' (N, N-M or N-)`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : m[3] ? Number(m[3]) : Number.MAX_SAFE_INTEGER;
  if (hi < lo) throw new BtfError(BtfErrorCode.InvalidArgument, `bad id range '${spec}' (the end is before the start)`);
  return [lo, hi];
}

/** What {@link selectTypeIds} keeps: each list is a union, the lists together an intersection. */
export interface TypeSelection {
  /** Names as {@link resolveTypeNames} reads them. */
  types?: readonly string[];
  /** Kind numbers. */
  kinds?: readonly number[];
  /** Inclusive id ranges. */
  ids?: ReadonlyArray<readonly [number, number]>;
}

/**
 * Returns the ids of this BTF's own types (a split BTF's, not its base's:
 * what its raw dump prints) that `sel` keeps, in id order; undefined when
 * `sel` restricts nothing.
 * @throws BtfError `ENOENT` for a name in `sel.types` that no type has.
 */
export function selectTypeIds(btf: Btf, sel: TypeSelection): number[] | undefined {
  const types = sel.types?.length ? sel.types : undefined;
  const kinds = sel.kinds?.length ? new Set(sel.kinds) : undefined;
  const ids = sel.ids?.length ? sel.ids : undefined;
  if (!types && !kinds && !ids) return undefined;
  const q = typeQuery(btf);
  const named = types ? new Set(resolveTypeNames(q, types)) : undefined;
  const out: number[] = [];
  for (let id = btf.startId; id < q.typeCount; id++) {
    if (named && !named.has(id)) continue;
    if (kinds && !kinds.has(q.kind(id))) continue;
    if (ids && !ids.some(([lo, hi]) => id >= lo && id <= hi)) continue;
    out.push(id);
  }
  return out;
}

/**
 * Returns the ids `names` designate as bpftool 7.8's `root_id` arguments
 * make its raw and JSON dumps print them: in the order given, each once,
 * a split BTF's base types included ({@link resolveTypeNames}), where
 * {@link selectTypeIds} keeps this BTF's own types in id order.
 * @throws BtfError as {@link resolveTypeNames}.
 */
export function rootTypeIds(btf: Btf, names: readonly string[]): number[] {
  return [...new Set(resolveTypeNames(typeQuery(btf), names))];
}

/** How {@link findTypes} compares names. */
export type NameMatch = 'substring' | 'exact' | 'regex';

/** One type {@link findTypes} found. */
export interface FoundType {
  typeId: number;
  kind: number;
  name: string;
}

/**
 * Returns the named types of this BTF (its own types: a split BTF's, not its
 * base's) whose name matches `pattern` (`substring` by default; `exact`;
 * `regex`, a JavaScript regular expression), of the given kinds when
 * `kinds` is not empty, in id order.
 * @throws BtfError `EINVAL` for a regular expression that does not compile.
 */
export function findTypes(
  btf: Btf,
  pattern: string,
  opts: { match?: NameMatch; kinds?: readonly number[]; ignoreCase?: boolean } = {},
): FoundType[] {
  const q = typeQuery(btf);
  const kinds = opts.kinds?.length ? new Set(opts.kinds) : undefined;
  const match = opts.match ?? 'substring';
  let test: (name: string) => boolean;
  if (match === 'regex') {
    let re: RegExp;
    try {
      re = new RegExp(pattern, opts.ignoreCase ? 'iu' : 'u');
    } catch (e) {
      throw new BtfError(BtfErrorCode.InvalidArgument, `bad regular expression: ${(e as Error).message}`);
    }
    test = (name) => re.test(name);
  } else {
    const needle = opts.ignoreCase ? pattern.toLowerCase() : pattern;
    const fold = opts.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
    test = match === 'exact' ? (name) => fold(name) === needle : (name) => fold(name).includes(needle);
  }
  const out: FoundType[] = [];
  // A whole name, case kept: compared as bytes, no name decoded.
  const exact = match === 'exact' && !opts.ignoreCase ? new TextEncoder().encode(pattern) : undefined;
  for (let id = btf.startId; id < q.typeCount; id++) {
    const kind = q.kind(id);
    if (kinds && !kinds.has(kind)) continue;
    const nameOff = q.nameOff(id);
    if (nameOff === 0) continue;
    if (exact) {
      if (pattern !== '' && q.strIs(nameOff, exact)) out.push({ typeId: id, kind, name: pattern });
      continue;
    }
    let name: string;
    try {
      name = q.str(nameOff);
    } catch {
      continue; // past the strings: level 1 reads it, no pattern names it
    }
    if (test(name)) out.push({ typeId: id, kind, name });
  }
  return out;
}
