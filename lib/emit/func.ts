/**
 * Functions: a FUNC over a FUNC_PROTO, with parameter names, linkage and
 * `btf_decl_tag` annotations, as clang writes them.
 *
 * ```
 *   int xdp_prog1(struct xdp_md *ctx)       [15] PTR '(anon)' type_id=16
 *                                           [16] STRUCT 'xdp_md' ...
 *                                           [17] FUNC_PROTO '(anon)' ret_type_id=2 vlen=1
 *                                                   'ctx' type_id=15
 *                                           [18] FUNC 'xdp_prog1' type_id=17 linkage=global
 * ```
 *
 * clang's order (`BTFDebug::beginFunctionImpl`, `processFuncPrototypes`):
 * for a function defined here, the parameter types first, then the
 * FUNC_PROTO, then the return type, then the FUNC; for an extern function
 * (a `__ksym` kfunc, or a function of another object), the FUNC_PROTO first,
 * then the return and parameter types, then the FUNC, with linkage extern.
 * DECL_TAGs follow the FUNC: the parameters' (component index = parameter
 * number from 0) in parameter order, then the function's (-1). An extern
 * function declared in a section (`.ksyms`) also gets an entry there, offset
 * 0 and size 0.
 * @module
 */
import type { Btf } from '../btf.js';
import { BTF_FUNC_EXTERN, BTF_FUNC_GLOBAL, BTF_FUNC_STATIC, BTF_KIND_FUNC_PROTO } from '../kinds.js';
import { type TypeArg, invalid, listArg, resolveTypeArg } from './common.js';
import { type EmitOptions, placeInSection } from './datasec.js';

/** FUNC linkage by name or number (BTF_FUNC_STATIC, _GLOBAL, _EXTERN). */
export type FuncLinkage = 'static' | 'global' | 'extern' | number;

/** A parameter for {@link addFunction}. */
export interface FuncParamSpec {
  /** Omitted or empty for an unnamed parameter (clang's extern prototypes have none). */
  name?: string | null;
  type: TypeArg;
  /** `btf_decl_tag` values on this parameter. */
  declTags?: readonly string[];
}

/** A function for {@link addFunction}. */
export interface FunctionSpec {
  name: string;
  /** `'global'` (the default), `'static'` or `'extern'`. */
  linkage?: FuncLinkage;
  /** Return type; void by default. */
  ret?: TypeArg;
  params?: readonly FuncParamSpec[];
  /** A last `...` parameter (type 0, no name). */
  variadic?: boolean;
  /** An existing FUNC_PROTO to use instead of `ret`/`params` (their `declTags` still apply). */
  proto?: number;
  /** `btf_decl_tag` values on the function. */
  declTags?: readonly string[];
  /** The section of an extern function (`.ksyms` for kfuncs); it gets a DATASEC entry of size 0. */
  section?: string;
}

/** What {@link addFunction} created. */
export interface AddFunctionResult {
  funcId: number;
  protoId: number;
  /** Parameters' tags first, then the function's. */
  declTagIds: number[];
  /** The DATASEC when `section` was given (-1 when recorded in a PendingSections). */
  datasecId?: number;
}

function funcLinkage(l: FuncLinkage | undefined, what: string): number {
  switch (l) {
    case undefined:
    case 'global':
      return BTF_FUNC_GLOBAL;
    case 'static':
      return BTF_FUNC_STATIC;
    case 'extern':
      return BTF_FUNC_EXTERN;
    default:
      if (l === BTF_FUNC_STATIC || l === BTF_FUNC_GLOBAL || l === BTF_FUNC_EXTERN) return l;
      return invalid(`${what}: invalid linkage ${String(l)}`);
  }
}

/**
 * Adds a function: its FUNC_PROTO (unless `proto` is given), its FUNC and
 * its DECL_TAGs, in clang's order, and for an extern function with a
 * `section`, its DATASEC entry. Returns the ids. Throws EINVAL for a missing
 * name, a bad linkage or type, or a `proto` that is not a FUNC_PROTO.
 */
export function addFunction(btf: Btf, spec: FunctionSpec, opts: EmitOptions = {}): AddFunctionResult {
  if (!spec || typeof spec.name !== 'string' || !spec.name) invalid('addFunction: a name is required');
  const what = `function '${spec.name}'`;
  const linkage = funcLinkage(spec.linkage, what);
  const params = listArg(spec.params, `${what}: params`);
  const declTags = listArg(spec.declTags, `${what}: declTags`);
  params.forEach((p, i) => {
    if (typeof p !== 'object' || p === null) invalid(`${what}: parameter ${i} is not a parameter spec`);
    if (p.name !== undefined && p.name !== null && typeof p.name !== 'string')
      invalid(`${what}: parameter ${i}: name ${String(p.name)} is not a string`);
    listArg(p.declTags, `${what}: parameter ${i}: declTags`);
  });
  if (spec.section !== undefined && typeof spec.section !== 'string')
    invalid(`${what}: section ${String(spec.section)} is not a string`);
  let protoId: number;
  if (spec.proto !== undefined) {
    if (spec.ret !== undefined || spec.variadic) invalid(`${what}: 'proto' excludes 'ret' and 'variadic'`);
    if (
      !Number.isInteger(spec.proto) ||
      spec.proto <= 0 ||
      spec.proto >= btf.typeCount ||
      btf.kindOf(spec.proto) !== BTF_KIND_FUNC_PROTO
    ) {
      invalid(`${what}: type [${spec.proto}] is not a FUNC_PROTO`);
    }
    protoId = spec.proto;
    if (spec.params && params.length > btf.vlenOf(protoId)) invalid(`${what}: more parameters than the prototype has`);
  } else if (linkage === BTF_FUNC_EXTERN) {
    protoId = btf.addFuncProto(0);
    for (const p of params) btf.addFuncParam(p.name ?? null, 0);
    if (spec.variadic) btf.addFuncParam(null, 0);
    btf.setWord(protoId, 2, resolveTypeArg(btf, spec.ret ?? 0, `${what}: return type`, true));
    params.forEach((p, i) =>
      btf.setWord(protoId, 3 + i * 2 + 1, resolveTypeArg(btf, p.type, `${what}: parameter ${i}`)),
    );
  } else {
    const types = params.map((p, i) => resolveTypeArg(btf, p.type, `${what}: parameter ${i}`));
    protoId = btf.addFuncProto(0);
    params.forEach((p, i) => btf.addFuncParam(p.name ?? null, types[i]!));
    if (spec.variadic) btf.addFuncParam(null, 0);
    btf.setWord(protoId, 2, resolveTypeArg(btf, spec.ret ?? 0, `${what}: return type`, true));
  }
  const funcId = btf.addFunc(spec.name, linkage, protoId);
  const declTagIds: number[] = [];
  params.forEach((p, i) => {
    for (const t of p.declTags ?? []) declTagIds.push(btf.addDeclTag(t, funcId, i));
  });
  for (const t of declTags) declTagIds.push(btf.addDeclTag(t, funcId, -1));
  const result: AddFunctionResult = { funcId, protoId, declTagIds };
  if (spec.section !== undefined) {
    result.datasecId = placeInSection(
      btf,
      spec.section,
      { typeId: funcId, size: 0, align: 1, extern: true },
      opts,
    ).datasecId;
  }
  return result;
}
