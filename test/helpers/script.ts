/**
 * An interpreter of the libbpf builder script language of `btfh script`
 * (test/harness/README.md, "Builder scripts"): the same statements make the
 * same calls on a btfkit `Btf`, and print the same one line per call
 * (`ID`, `0`, or `err -ERRNO`), so that the bytes and the per-line results
 * can be compared with what libbpf produced for the same file.
 *
 * Script errors (bad syntax, unknown calls, out-of-range arguments ...) throw
 * a plain `Error` with `SCRIPT:LINE: message`, as btfh stops with exit 1.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Btf } from '../../lib/btf.js';
import { parseBtf } from '../../lib/object/open.js';
import { isBtfError } from '../../lib/errors.js';

/** What running a script gives. */
export interface ScriptResult {
  /** The BTF built (its `rawData()` is what btfh writes to OUT). */
  btf: Btf;
  /** One line per call statement, as btfh prints them (without newlines). */
  lines: string[];
}

type Tok = { kind: 'word' | 'str' | 'null'; text: string };
type Arg = string | null | number | bigint;

/** errno values of the codes the builder throws (libbpf returns -errno). */
const ERRNO: Record<string, number> = { EINVAL: 22, E2BIG: 7, ENOENT: 2, ENOMEM: 12, ENOTSUP: 95 };

/** Argument signature per call, one letter each (btfh.c `calls[]`). */
const SIGS: Record<string, string> = {
  add_str: 's',
  add_int: 'nui',
  add_float: 'nu',
  add_ptr: 'i',
  add_array: 'iiu',
  add_struct: 'nu',
  add_union: 'nu',
  add_field: 'niuu',
  add_enum: 'nu',
  add_enum_value: 'nl',
  add_enum64: 'nub',
  add_enum64_value: 'nL',
  add_fwd: 'ni',
  add_typedef: 'ni',
  add_volatile: 'i',
  add_const: 'i',
  add_restrict: 'i',
  add_type_tag: 'ni',
  add_func: 'nii',
  add_func_proto: 'i',
  add_func_param: 'ni',
  add_var: 'nii',
  add_datasec: 'nu',
  add_datasec_var_info: 'iuu',
  add_decl_tag: 'nii',
  load: 'ww',
  add_type: 'wu',
  add_btf: 'w',
  set_endianness: 'w',
};

class ScriptError extends Error {
  override readonly name = 'ScriptError';
}

/** Runs the script file at `path`. */
export function runScript(path: string): ScriptResult {
  return runScriptText(readFileSync(path, 'utf8'), { dir: dirname(path), name: basename(path) });
}

/** Runs a script given as text; relative paths are resolved against `dir`. */
export function runScriptText(text: string, where: { dir: string; name: string }): ScriptResult {
  let lineno = 0;
  const fail = (msg: string): never => {
    throw new ScriptError(`${where.name}:${lineno}: ${msg}`);
  };
  if (text.includes('\0')) fail('NUL byte in script');
  const resolve = (p: string): string => (isAbsolute(p) ? p : join(where.dir, p));
  const load = (p: string): Btf => {
    const path = resolve(p);
    let bytes: Uint8Array;
    try {
      const b = readFileSync(path);
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      return fail(`cannot read '${path}': ${(e as Error).message}`);
    }
    return parseBtf(bytes, { file: path });
  };

  let btf: Btf | null = null;
  const slots = new Map<string, Btf>();
  const lines: string[] = [];
  const rows = text.split('\n');
  if (rows.length && rows[rows.length - 1] === '') rows.pop();
  for (const line of rows) {
    lineno++;
    if (line.includes('\r')) fail('carriage return (use LF line endings)');
    if (line.startsWith('#') || /^[ \t]*$/.test(line)) continue;
    const tok = tokenize(line, fail);
    if (!btf) {
      if (tok[0]!.kind === 'word' && tok[0]!.text === 'new') {
        if (tok.length !== 1) fail('new takes no arguments');
        btf = Btf.empty();
      } else if (tok[0]!.kind === 'word' && tok[0]!.text === 'new_split') {
        if (tok.length !== 2 || tok[1]!.kind !== 'word') fail('usage: new_split BASEFILE');
        btf = Btf.empty({ base: load(tok[1]!.text) });
      } else {
        fail('the first statement must be `new` or `new_split BASEFILE`');
      }
      continue;
    }
    const name = tok[0]!.kind === 'word' ? tok[0]!.text : '';
    const sig = Object.hasOwn(SIGS, name) ? SIGS[name]! : fail(`unknown call '${tok[0]!.text}'`);
    if (tok.length - 1 !== sig.length)
      fail(`${name} takes ${sig.length} argument${sig.length === 1 ? '' : 's'}, got ${tok.length - 1}`);
    const a: Arg[] = [];
    for (let i = 0; i < sig.length; i++) a.push(parseArg(sig[i]!, tok[i + 1]!, `${name}: argument ${i + 1}`, fail));
    const b: Btf = btf;
    // biome-ignore lint/suspicious/noConfusingVoidType: the builder's add* return an id or nothing (void), as libbpf's
    const call = (): number | void => {
      // arguments are checked against the signature above; the builder checks their values
      const s = (i: number): never => a[i] as never;
      switch (name) {
        case 'add_str':
          return b.addStr(s(0));
        case 'add_int':
          return b.addInt(s(0), s(1), s(2));
        case 'add_float':
          return b.addFloat(s(0), s(1));
        case 'add_ptr':
          return b.addPtr(s(0));
        case 'add_array':
          return b.addArray(s(0), s(1), s(2));
        case 'add_struct':
          return b.addStruct(s(0), s(1));
        case 'add_union':
          return b.addUnion(s(0), s(1));
        case 'add_field':
          return b.addField(s(0), s(1), s(2), s(3));
        case 'add_enum':
          return b.addEnum(s(0), s(1));
        case 'add_enum_value':
          return b.addEnumValue(s(0), s(1));
        case 'add_enum64':
          return b.addEnum64(s(0), s(1), (a[2] as number) !== 0);
        case 'add_enum64_value':
          return b.addEnum64Value(s(0), s(1));
        case 'add_fwd':
          return b.addFwd(s(0), s(1));
        case 'add_typedef':
          return b.addTypedef(s(0), s(1));
        case 'add_volatile':
          return b.addVolatile(s(0));
        case 'add_const':
          return b.addConst(s(0));
        case 'add_restrict':
          return b.addRestrict(s(0));
        case 'add_type_tag':
          return b.addTypeTag(s(0), s(1));
        case 'add_func':
          return b.addFunc(s(0), s(1), s(2));
        case 'add_func_proto':
          return b.addFuncProto(s(0));
        case 'add_func_param':
          return b.addFuncParam(s(0), s(1));
        case 'add_var':
          return b.addVar(s(0), s(1), s(2));
        case 'add_datasec':
          return b.addDatasec(s(0), s(1));
        case 'add_datasec_var_info':
          return b.addDatasecVarInfo(s(0), s(1), s(2));
        case 'add_decl_tag':
          return b.addDeclTag(s(0), s(1), s(2));
        case 'load': {
          const slot = a[0] as string;
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(slot)) fail(`load: bad slot name '${slot}'`);
          if (slots.has(slot)) fail(`load: slot '${slot}' already loaded`);
          slots.set(slot, load(a[1] as string));
          return 0;
        }
        case 'add_type': {
          const src = slots.get(a[0] as string) ?? fail(`add_type: no slot '${a[0]}'`);
          if ((a[1] as number) >= src.typeCount) fail(`add_type: slot '${a[0]}' has no type ${a[1]}`);
          return b.addType(src, a[1] as number);
        }
        case 'add_btf': {
          const src = slots.get(a[0] as string) ?? fail(`add_btf: no slot '${a[0]}'`);
          return b.addBtf(src);
        }
        case 'set_endianness': {
          const e = a[0] as string;
          if (e !== 'big' && e !== 'little') fail(`set_endianness: expected big or little, got '${e}'`);
          b.setEndianness(e as 'big' | 'little');
          return 0;
        }
        default:
          return fail(`unknown call '${name}'`);
      }
    };
    try {
      const r = call();
      lines.push(String(r ?? 0));
    } catch (e) {
      if (e instanceof ScriptError || !isBtfError(e)) throw e;
      const errno = ERRNO[e.code];
      if (errno === undefined) throw new Error(`${where.name}:${lineno}: ${name} threw ${e.code}: ${e.message}`);
      lines.push(`err -${errno}`);
    }
  }
  if (!btf) fail('empty script (no `new` / `new_split`)');
  return { btf: btf!, lines };
}

/** Splits a statement into tokens separated by exactly one space (btfh.c `tokenize`). */
function tokenize(line: string, fail: (msg: string) => never): Tok[] {
  const out: Tok[] = [];
  let p = 0;
  for (;;) {
    if (out.length === 8) fail('too many arguments');
    if (line[p] === '"') {
      const close = line.indexOf('"', p + 1);
      if (close < 0) fail('unterminated string');
      out.push({ kind: 'str', text: line.slice(p + 1, close) });
      p = close + 1;
      if (p < line.length && line[p] !== ' ') fail('expected a space after a string');
    } else {
      let q = p;
      while (q < line.length && line[q] !== ' ') q++;
      if (q === p) fail('empty argument (use single spaces only)');
      const w = line.slice(p, q);
      if (w.includes('"') || w.includes('\t')) fail(`stray quote or tab in '${w}'`);
      out.push({ kind: w === 'NULL' ? 'null' : 'word', text: w });
      p = q;
    }
    if (p >= line.length) return out;
    p++; // the separating space
    if (p >= line.length) fail('trailing space');
  }
}

/** Returns sign and magnitude of `-?(0x[0-9a-fA-F]+|[0-9]+)`, or null. */
function lexNumber(s: string): { neg: boolean; mag: bigint } | null {
  const m = /^(-?)(0x[0-9a-fA-F]+|[0-9]+)$/.exec(s);
  if (!m) return null;
  const mag = BigInt(m[2]!);
  if (mag > 0xffffffffffffffffn) return null; // strtoull overflow in btfh
  return { neg: m[1] === '-', mag };
}

function parseArg(k: string, t: Tok, what: string, fail: (msg: string) => never): Arg {
  if (k === 'n' || k === 's') {
    if (t.kind === 'str') return t.text;
    if (t.kind === 'null' && k === 'n') return null;
    return fail(`${what} must be a quoted string${k === 'n' ? ' or NULL' : ''}`);
  }
  if (k === 'w') {
    if (t.kind === 'str') fail(`${what} must not be quoted`);
    return t.text;
  }
  const n = t.kind === 'word' ? lexNumber(t.text) : null;
  if (!n) return fail(`${what}: bad integer '${t.text}'`);
  const { neg, mag } = n;
  const range = (): never => fail(`${what} out of range: ${t.text}`);
  switch (k) {
    case 'i':
      if (neg ? mag > 0x80000000n : mag > 0x7fffffffn) range();
      return Number(neg ? -mag : mag);
    case 'u':
      if (neg || mag > 0xffffffffn) range();
      return Number(mag);
    case 'b':
      if (neg || mag > 1n) range();
      return Number(mag);
    case 'l':
      if (neg ? mag > 1n << 63n : mag > (1n << 63n) - 1n) range();
      return neg ? -mag : mag;
    case 'L':
      if (neg && mag > 1n << 63n) range();
      return neg ? BigInt.asUintN(64, -mag) : mag;
    default:
      return fail(`internal: bad signature letter '${k}'`);
  }
}
