#!/usr/bin/env node
// Builds the command line's two files in dist/bin/ (run by `npm run build`
// after tsc):
//
// - main.js, the bundle: dist/cli/main.js with every import (commander and
//   xxhash-wasm included) as one script, not a module: the body of
//   `(async function (require, __btfkitUrl) { ... })`. Node built-ins are
//   reached through that `require`, and `import.meta.url` reads
//   `__btfkitUrl`. A script is what V8 can cache: cli/bin.ts compiles it with
//   `vm.Script` and keeps V8's code cache of it (Node 20 has no compile cache
//   for modules; a module bundle spends some 20 ms compiling per run).
// - btfkit.mjs, the package's bin (cli/bin.ts), with the bundle's id (a hash
//   of its text: a cache made from another build is never used) built in.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bin');
const builtins = new Set(builtinModules);

/** Node built-ins as CommonJS modules over the script's `require`, so the bundle holds no `import` statement. */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) || args.kind === 'require-call') return undefined;
      return { path: `node:${name}`, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const mainFile = join(out, 'main.js');
await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: mainFile,
  define: { 'import.meta.url': '__btfkitUrl' },
  banner: { js: '(async function (require, __btfkitUrl) {' },
  footer: { js: '})' },
  plugins: [builtinsByRequire],
  logLevel: 'warning',
});
const text = readFileSync(mainFile, 'utf8');
// The checks that keep it a script: it compiles as one, and nothing of a module is left.
new Script(text, { filename: mainFile });
if (/\bimport\.meta\b/.test(text)) throw new Error(`${mainFile}: import.meta is left in the bundle`);
const id = createHash('sha256').update(text).digest('hex').slice(0, 16);

await build({
  entryPoints: [join(root, 'dist', 'cli', 'bin.js')],
  format: 'esm',
  platform: 'node',
  outfile: join(out, 'btfkit.mjs'),
  define: { __BTFKIT_BUNDLE_ID__: JSON.stringify(id) },
  logLevel: 'warning',
});
