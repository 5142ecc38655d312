#!/usr/bin/env node
// Lists every name exported by a module of lib/ or cli/ that no other module
// of lib/, cli/, test/ or bench/ imports, and that no public entry point
// re-exports (lib/index.ts and the subpath modules package.json's `exports`
// names). Such an export is dead code or should not be exported. Exit status
// 1 when it finds one. Part of `npm run lint`.
//
//   node test/tools/unused-exports.mjs
//
// A parse with regular expressions, enough for this codebase's ESM:
//   export function|class|const|let|var|interface|type|enum NAME
//   export { a, b as c }            export { a as b } from './x.js'
//   export * from './x.js'          import { a, type b } from './x.js'
//   import * as ns from './x.js'    (every export of x counts as used)
//   const { a, b } = await import('./x.js')   (await import('./x.js')).a
//   () => import('./x.js')          (every export of x counts as used)
//   import(`./commands/${name}.js`) (every export of the matching modules)
//   'dist/lib/x.js' in a .mjs script (every export of lib/x.ts)
// A use of a name inside its own module does not count: that name need not
// be exported.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rel = (p) => relative(root, p);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures' && name !== 'build') walk(p, out);
    } else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The source without comments (strings kept; a `//` inside quotes is left alone). */
function stripComments(src) {
  let out = '';
  let i = 0;
  let quote = null;
  while (i < src.length) {
    const c = src[i];
    if (quote) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === quote) quote = null;
      i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
      i++;
    }
  }
  return out;
}

/** Resolves an import specifier of `from` to a repository file, or null (a package). */
function resolveSpec(from, spec) {
  if (!spec.startsWith('.')) return null;
  const p = resolve(dirname(from), spec);
  for (const cand of [p.replace(/\.js$/, '.ts'), p.replace(/\.mjs$/, '.mts'), p, `${p}.ts`, join(p, 'index.ts')]) {
    if (existsSync(cand) && statSync(cand).isFile()) return cand;
  }
  return null;
}

/** `a, type b, c as d` -> [['a','a'], ['b','b'], ['c','d']] (imported or local name first, then the other side). */
function names(list) {
  return list
    .split(',')
    .map((s) => s.trim().replace(/^type\s+/, ''))
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(s);
      return m ? [m[1], m[2] ?? m[1]] : null;
    })
    .filter((x) => x !== null);
}

const lineOf = (src, index) => src.slice(0, index).split('\n').length;

const checked = [...walk(join(root, 'lib')), ...walk(join(root, 'cli'))];
const users = [...checked, ...walk(join(root, 'test')), ...walk(join(root, 'bench'))];

/** file -> Map(name -> { line, kind, from?: [file, name] }) */
const exportsOf = new Map();
/** file -> files whose exports it re-exports with `export *` */
const starFrom = new Map();
const used = new Set();
const key = (file, name) => `${file}#${name}`;
const useAll = (file) => {
  for (const name of exportsOf.get(file)?.keys() ?? []) used.add(key(file, name));
};

const sources = new Map(users.map((f) => [f, stripComments(readFileSync(f, 'utf8'))]));

for (const file of checked) {
  const src = sources.get(file);
  const ex = new Map();
  const decl =
    /^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(function\*?|class|const|let|var|interface|type|enum)\s+([\w$]+)/gm;
  for (const m of src.matchAll(decl)) ex.set(m[2], { line: lineOf(src, m.index), kind: m[1] });
  const list = /^export\s+(type\s+)?\{([^}]*)\}(?:\s*from\s*['"]([^'"]+)['"])?/gm;
  for (const m of src.matchAll(list)) {
    const target = m[3] ? resolveSpec(file, m[3]) : null;
    for (const [inner, outer] of names(m[2])) {
      ex.set(outer, {
        line: lineOf(src, m.index),
        kind: m[3] ? 're-export' : 'export',
        ...(target ? { from: [target, inner] } : {}),
      });
    }
  }
  const star = /^export\s+\*\s+from\s*['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(star)) {
    const target = resolveSpec(file, m[1]);
    if (target) starFrom.set(file, [...(starFrom.get(file) ?? []), target]);
  }
  exportsOf.set(file, ex);
}

// Public entry points: package.json `exports` and `imports` (and main/types) mapped back from dist/ to the sources.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const entries = new Set();
const addEntry = (target) => {
  if (typeof target === 'string') {
    const m = /^\.?\/?dist\/((?:lib|cli)\/.+)\.(?:d\.ts|js)$/.exec(target);
    if (m) entries.add(join(root, `${m[1]}.ts`));
  } else if (target && typeof target === 'object') {
    for (const v of Object.values(target)) addEntry(v);
  }
};
addEntry(pkg.exports);
// package.json `imports` (`#io`): the module a condition picks is an entry point too.
addEntry(pkg.imports);
addEntry(pkg.main);
addEntry(pkg.types);

for (const file of users) {
  const src = sources.get(file);
  const importFrom =
    /\bimport\s+(?:type\s+)?(?:([\w$]+)\s*,\s*)?(?:\{([^}]*)\}|\*\s+as\s+[\w$]+)?\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of src.matchAll(importFrom)) {
    const target = resolveSpec(file, m[3]);
    if (!target || target === file) continue;
    if (m[2] !== undefined) for (const [name] of names(m[2])) used.add(key(target, name));
    else if (/\*\s+as/.test(m[0])) useAll(target);
    if (m[1]) used.add(key(target, 'default'));
  }
  // import('./x.js'): `const { a } = await import(...)` and `(await import(...)).a` use a;
  // any other use of the module (the command table's loaders) uses every export
  for (const m of src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const target = resolveSpec(file, m[1]);
    if (!target || target === file) continue;
    const before = src.slice(Math.max(0, m.index - 300), m.index);
    const destructured = /(?:const|let|var)\s*\{([^}]*)\}\s*=\s*await\s+$/.exec(before);
    const member = /^\)\.([\w$]+)/.exec(src.slice(m.index + m[0].length));
    if (destructured) {
      for (const part of destructured[1].split(',')) {
        const name = part.trim().split(/\s*:\s*/)[0];
        if (name) used.add(key(target, name));
      }
    } else if (member && /\(\s*await\s+$/.test(before)) used.add(key(target, member[1]));
    else useAll(target);
  }
  // import(`./commands/${name}.js`): every module the pattern can name
  for (const m of src.matchAll(/import\(\s*`([^`]*\$\{[^`]*)`\s*\)/g)) {
    const pattern = resolve(dirname(file), m[1]);
    const re = new RegExp(
      `^${pattern
        .split(/\$\{[^}]*\}/)
        .map((s) => s.replace(/[.*+?^()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}$`,
    );
    for (const target of checked) if (re.test(target.replace(/\.ts$/, '.js'))) useAll(target);
  }
  // scripts that load the build: 'dist/lib/x.js'
  if (file.endsWith('.mjs')) {
    for (const m of src.matchAll(/['"`][^'"`]*dist\/((?:lib|cli)\/[\w/.-]+)\.js['"`]/g)) {
      const target = join(root, `${m[1]}.ts`);
      if (exportsOf.has(target)) useAll(target);
    }
  }
}

for (const file of entries) useAll(file);

// Propagate: a used re-export uses its source; a used name of a module with
// `export *` uses the same name of the modules it re-exports.
for (let changed = true; changed; ) {
  changed = false;
  const mark = (k) => {
    if (!used.has(k)) {
      used.add(k);
      changed = true;
    }
  };
  for (const [file, ex] of exportsOf) {
    for (const [name, e] of ex) if (e.from && used.has(key(file, name))) mark(key(e.from[0], e.from[1]));
    for (const target of starFrom.get(file) ?? []) {
      for (const name of exportsOf.get(target)?.keys() ?? []) {
        if (entries.has(file) || used.has(key(file, name))) mark(key(target, name));
      }
    }
  }
}

const unused = [];
for (const [file, ex] of exportsOf) {
  if (entries.has(file)) continue;
  for (const [name, e] of ex)
    if (!used.has(key(file, name))) unused.push(`${rel(file)}:${e.line}: ${name} (${e.kind})`);
}
if (unused.length > 0) {
  console.log(
    `unused exports (${unused.length}): exported from lib/ or cli/, imported by no other module and not public:`,
  );
  for (const u of unused) console.log(`  ${u}`);
  process.exitCode = 1;
} else {
  console.log('unused exports: none');
}
