/**
 * Deep type graphs for the tests of issue 12: chains of one shape, `n`
 * levels over `int`, and the declaration C gives each (built here from the
 * rules of C, not by the dumper).
 */
import { Btf } from '../../lib/btf.js';

/** Every shape of chain: pointers, modifiers, arrays, prototypes through their return or their parameter, typedefs, named structs (inner first, or outer first with forward references), anonymous structs and unions. */
export const SHAPES = ['ptr', 'const', 'array', 'proto', 'param', 'typedef', 'struct', 'rstruct', 'anon'] as const;
export type Shape = (typeof SHAPES)[number];

/** A deep BTF and its outermost type (a typedef `t` over the chain, struct `s`, struct `r0`, or the last typedef or struct). */
export interface Deep {
  btf: Btf;
  root: number;
}

/** Returns a BTF of a chain of `n` levels of `shape` over `int`. */
export function deep(shape: Shape, n: number): Deep {
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1);
  let t = int;
  if (shape === 'rstruct') {
    // struct r0 { struct r1 a; }; ... each struct before the one it holds.
    const first = b.typeCount;
    for (let i = 0; i < n; i++) {
      b.addStruct(`r${i}`, 4);
      b.addField('a', i === n - 1 ? int : first + i + 1, 0, 0);
    }
    return { btf: b, root: first };
  }
  for (let i = 0; i < n; i++) {
    switch (shape) {
      case 'ptr':
        t = b.addPtr(t);
        break;
      case 'const':
        t = i % 2 ? b.addConst(t) : b.addVolatile(t);
        break;
      case 'array':
        t = b.addArray(int, t, 1);
        break;
      case 'proto': {
        const p = b.addFuncProto(t);
        b.addFuncParam('x', int);
        t = b.addPtr(p);
        break;
      }
      case 'param': {
        const p = b.addFuncProto(int);
        b.addFuncParam('x', t);
        t = b.addPtr(p);
        break;
      }
      case 'typedef':
        t = b.addTypedef(`t${i}`, t);
        break;
      case 'struct': {
        const s = b.addStruct(`s${i}`, 4);
        b.addField('a', t, 0, 0);
        t = s;
        break;
      }
      case 'anon': {
        const name = i === n - 1 ? 's' : null;
        const s = i % 2 ? b.addUnion(name, 4) : b.addStruct(name, 4);
        b.addField('a', t, 0, 0);
        t = s;
        break;
      }
    }
  }
  if (shape === 'typedef' || shape === 'struct' || shape === 'anon') return { btf: b, root: t };
  return { btf: b, root: b.addTypedef('t', t) };
}

/** The declaration C gives the chain (libbpf indents by at most 13 tabs); '' for the named chains. */
export function declOf(shape: Shape, n: number): string {
  switch (shape) {
    case 'ptr':
      return `typedef int ${'*'.repeat(n)}t;`;
    case 'const': {
      // Qualifiers go left of the type, innermost (i = 0, volatile) first.
      const q: string[] = [];
      for (let i = 0; i < n; i++) q.push(i % 2 ? 'const' : 'volatile');
      return `typedef ${q.join(' ')} int t;`;
    }
    case 'array':
      return `typedef int t${'[1]'.repeat(n)};`;
    case 'proto': {
      // libbpf puts a space between `*` and a parenthesis.
      let d = 't';
      for (let i = 0; i < n; i++) d = i ? `(* ${d})(int x)` : `(*${d})(int x)`;
      return `typedef int ${d};`;
    }
    case 'param':
      return `typedef int (*t)(${'int (*x)('.repeat(n - 1)}int x${')'.repeat(n - 1)});`;
    case 'anon': {
      const tabs = (k: number): string => '\t'.repeat(Math.min(k, 13));
      const kw = (i: number): string => (i % 2 ? 'union' : 'struct');
      const lines = [`${kw(n - 1)} s {`];
      for (let j = 1; j < n; j++) lines.push(`${tabs(j)}${kw(n - 1 - j)} {`);
      lines.push(`${tabs(n)}int a;`);
      for (let j = n - 1; j >= 1; j--) lines.push(`${tabs(j)}} a;`);
      lines.push('};');
      return lines.join('\n');
    }
    default:
      return '';
  }
}
