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

/** What {@link randomDeep} built. */
export interface RandomDeep extends Deep {
  /** The outermost type's size in bytes. */
  size: number;
  /** The graph has a reference loop (struct `s`'s member `b` goes into it). */
  loop: boolean;
  /** What was stacked, innermost first (`ptr x120, anon x7, ...`), for messages. */
  recipe: string;
}

/**
 * Returns a random deep BTF for `seed`: segments of random shapes and
 * lengths (up to `maxLevels` levels in all) stacked over `int`, under a
 * struct `s`; with `loops`, one seed in four also gets a pointer-array loop
 * that `s` refers to.
 */
export function randomDeep(seed: number, maxLevels: number, r: () => number, loops = true): RandomDeep {
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1);
  const shapes = ['ptr', 'const', 'array', 'proto', 'param', 'typedef', 'struct', 'anon'] as const;
  let t = int;
  let size = 4;
  let left = 1 + (r() % maxLevels);
  const recipe: string[] = [];
  let named = 0;
  while (left > 0) {
    const shape = shapes[r() % shapes.length]!;
    const n = Math.min(left, 1 + (r() % (r() % 4 === 0 ? 2000 : 40)));
    left -= n;
    recipe.push(`${shape} x${n}`);
    for (let i = 0; i < n; i++) {
      switch (shape) {
        case 'ptr':
          t = b.addPtr(t);
          size = 8;
          break;
        case 'const':
          t = r() % 2 ? b.addConst(t) : b.addVolatile(t);
          break;
        case 'array': {
          const k = size * 3 <= 4096 && r() % 8 === 0 ? 1 + (r() % 3) : 1;
          t = b.addArray(int, t, k);
          size *= k;
          break;
        }
        case 'proto': {
          const p = b.addFuncProto(t);
          b.addFuncParam('x', int);
          t = b.addPtr(p);
          size = 8;
          break;
        }
        case 'param': {
          const p = b.addFuncProto(int);
          b.addFuncParam(r() % 2 ? 'x' : null, t);
          t = b.addPtr(p);
          size = 8;
          break;
        }
        case 'typedef':
          t = b.addTypedef(`t${named++}`, t);
          break;
        case 'struct':
        case 'anon': {
          const name = shape === 'struct' ? `s${named++}` : null;
          const s = r() % 3 === 0 ? b.addUnion(name, size) : b.addStruct(name, size);
          b.addField('a', t, 0, 0);
          t = s;
          break;
        }
      }
    }
  }
  const loop = loops && seed % 4 === 0;
  let loopPtr = 0;
  if (loop) {
    // A pointer to an array of that pointer (level 1 reads it).
    loopPtr = b.typeCount;
    b.addPtr(loopPtr + 1);
    b.addArray(int, loopPtr, 2);
  }
  const root = b.addStruct('s', size + (loop ? 8 : 0) + ((8 - (size % 8)) % 8));
  b.addField('a', t, 0, 0);
  if (loop) b.addField('b', loopPtr, Math.ceil(size / 8) * 64, 0);
  return { btf: b, root, size: b.wordOf(root, 2), loop, recipe: recipe.join(', ') };
}
