/**
 * The layering the modules promise (DEVELOPERS.md "Layout"), read from the
 * import statements of lib/ and cli/ sources: no import cycle (type-only
 * imports included: a cycle of types is still two modules that cannot be
 * read one without the other), no command
 * importing another command (shared helpers live in cli/common.ts), and
 * lib/btf.ts, the public class, importing nothing of lib/elf/, lib/object/
 * or lib/dedup/ (BTF-and-ELF glue lives in lib/object/, above both).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Returns the repo-relative .ts files `file` imports: static imports and re-exports (type-only too), side-effect imports and `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const add = (spec: string): void => {
    if (spec.startsWith('.')) out.push(relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts')))); // not packages or node: builtins
  };
  for (const re of [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms,
    /^\s*import\s+'([^']+)'/gm,
    /\bimport\(\s*'([^']+)'\s*\)/g,
  ]) {
    for (let m = re.exec(text); m; m = re.exec(text)) add(m[1]!);
  }
  return out;
}

const files = [...sources(join(root, 'lib')), ...sources(join(root, 'cli'))].map((f) => relative(root, f));
const graph = new Map(files.map((f) => [f, importsOf(join(root, f))]));

test('every relative import names a source file that exists', () => {
  for (const [f, edges] of graph)
    for (const to of edges) assert.ok(graph.has(to), `${f} imports ${to}, which is not a source file`);
});

test('lib/ and cli/ have no import cycle', () => {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const cycles: string[] = [];
  // Explicit stack: iterative DFS over value imports.
  for (const start of files) {
    if (state.has(start)) continue;
    const stack: Array<{ f: string; i: number }> = [{ f: start, i: 0 }];
    state.set(start, 1);
    path.push(start);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const edges = graph.get(top.f) ?? [];
      if (top.i === edges.length) {
        state.set(top.f, 2);
        stack.pop();
        path.pop();
        continue;
      }
      const to = edges[top.i++]!;
      const s = state.get(to);
      if (s === 1) cycles.push([...path.slice(path.indexOf(to)), to].join(' -> '));
      else if (s === undefined && graph.has(to)) {
        state.set(to, 1);
        path.push(to);
        stack.push({ f: to, i: 0 });
      }
    }
  }
  assert.equal(cycles, []);
});

test('no command imports another command', () => {
  const bad: string[] = [];
  for (const [f, edges] of graph) {
    if (!f.startsWith('cli/commands/')) continue;
    for (const to of edges) if (to.startsWith('cli/commands/')) bad.push(`${f} -> ${to}`);
  }
  assert.equal(bad, []);
});

test('lib/btf.ts imports nothing of lib/elf/, lib/object/ or lib/dedup/', () => {
  const bad = graph.get('lib/btf.ts')!.filter((to) => /^lib\/(elf|object|dedup)\//.test(to));
  assert.equal(bad, []);
});

/**
 * The layers of DEVELOPERS.md, lowest first. A module imports only from its
 * own layer or below; within a layer, modules of different directories may
 * use one another (dump/ and emit/ read BTF alike), but no cycle forms.
 */
const LAYERS: readonly (readonly string[])[] = [
  [
    'lib/kinds.ts',
    'lib/errors.ts',
    'lib/input.ts',
    'lib/hash.ts',
    'lib/strings.ts',
    'lib/fields.ts',
    'lib/io.ts',
    'lib/io-browser.ts',
  ],
  ['lib/container.ts'],
  // lib/query.ts (the flat query layer, another branch) reads the container, below Btf.
  // lib/check/ (level 2, the kernel's verifier) reads the container only, so Btf.check() can call it.
  ['lib/check/', 'lib/view.ts', 'lib/query.ts'],
  ['lib/builder.ts'],
  ['lib/btf.ts'],
  ['lib/ext.ts', 'lib/core-spec.ts', 'lib/dump/', 'lib/dedup/', 'lib/emit/', 'lib/elf/', 'lib/layout/', 'lib/diff/'],
  ['lib/object/'],
  ['lib/inspect/', 'lib/core/'],
  // lib/gen/: code generators over an opened object (gen ts, gen skeleton)
  ['lib/gen/'],
  ['lib/index.ts'],
  ['cli/'],
];
const layerOf = (f: string): number =>
  LAYERS.findIndex((l) => l.some((p) => (p.endsWith('/') ? f.startsWith(p) : f === p)));

test('every module has a layer and imports only from its own layer or below', () => {
  const bad: string[] = [];
  for (const [f, edges] of graph) {
    const mine = layerOf(f);
    if (mine < 0) {
      bad.push(`${f}: in no layer (add it to LAYERS and to DEVELOPERS.md)`);
      continue;
    }
    for (const to of edges) if (layerOf(to) > mine) bad.push(`${f} (layer ${mine}) -> ${to} (layer ${layerOf(to)})`);
  }
  assert.equal(bad, []);
});

test('lib/ never imports cli/', () => {
  const bad: string[] = [];
  for (const [f, edges] of graph)
    if (f.startsWith('lib/')) for (const to of edges) if (to.startsWith('cli/')) bad.push(`${f} -> ${to}`);
  assert.equal(bad, []);
});

test.run();
