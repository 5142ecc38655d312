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
// - btfkit.cjs, the package's bin (cli/bin.ts, as CommonJS), with the bundle's id (a hash
//   of its text: a cache made from another build is never used) built in,
//   and a second line for /bin/sh (SHELL_LINE).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bin');
const builtins = new Set(builtinModules);

/**
 * Node built-ins as CommonJS modules over the script's `require`, so the
 * bundle holds no `import` statement. Three are loaded on first use instead
 * ({@link lazyBuiltin}): node:child_process, which commander requires for
 * the executable subcommands btfkit has none of (loading it loads node:net
 * and node:dgram too, some 2 ms a run); node:worker_threads, which only
 * batches, `core` and the worker threads themselves use (1-2 ms a run;
 * cli/thread.ts tells the threads apart without it); node:fs/promises,
 * which only output files (`-o`) and `list` use (inputs are read
 * synchronously).
 */
const LAZY = new Set(['child_process', 'worker_threads', 'fs/promises']);
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z0-9_/:]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) || args.namespace === 'builtin') return undefined;
      if (args.kind === 'require-call' && !LAZY.has(name)) return undefined;
      return { path: `node:${name}`, namespace: 'builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: LAZY.has(args.path.replace(/^node:/, ''))
        ? lazyBuiltin(args.path)
        : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Returns the CommonJS source of built-in `name` loaded when one of its
 * exports is first read: an object of getters, one per export the built-in
 * has under the Node that builds.
 */
function lazyBuiltin(name) {
  const keys = Object.keys(createRequire(import.meta.url)(name)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  const getters = keys.map((k) => `get ${k}() { return load().${k}; },`).join(' ');
  return `let m; const load = () => (m ??= require(${JSON.stringify(name)})); module.exports = { ${getters} };`;
}

/**
 * The bin's second line, read by /bin/sh and by Node: for sh, `:` (a no-op)
 * and then the launch; for Node, the string ":" and a comment. The launch
 * sizes V8's pool of helper threads to the online CPUs less the one the
 * main thread runs on, at most Node's default of 4 (cli/bin.ts says why),
 * with sh's own `read` (no process started); the variables are sh's own,
 * not exported. It also tunes glibc's malloc (GLIBC_TUNABLES, before the
 * user's own tunables, so that theirs win; cli/bin.ts says why).
 */
const SHELL_LINE =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: `${...:+...}` is the shell's parameter expansion
  '":" //; unset NODE_EXTRA_CA_CERTS; export GLIBC_TUNABLES="glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"; btfkit_pool=4; btfkit_cpus=; read -r btfkit_cpus 2>/dev/null </sys/devices/system/cpu/online; ' +
  'case $btfkit_cpus in 0|0-1) btfkit_pool=1;; 0-2) btfkit_pool=2;; 0-3) btfkit_pool=3;; esac; ' +
  'exec node --v8-pool-size=$btfkit_pool "$0" "$@"';

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
  // Whitespace only (names kept, for stacks and profiles): 1,064 -> 660 KB, which
  // every run reads and keeps as a string, 2,817 -> 2,625 page faults a
  // `--version` (Node 20).
  minifyWhitespace: true,
  plugins: [builtinsByRequire],
  logLevel: 'warning',
});
const text = readFileSync(mainFile, 'utf8');
// The checks that keep it a script: it compiles as one, and nothing of a module is left.
new Script(text, { filename: mainFile });
if (/\bimport\.meta\b/.test(text)) throw new Error(`${mainFile}: import.meta is left in the bundle`);
// cli/bin.ts reads it as latin1.
if (/[\u0080-\uffff]/.test(text)) throw new Error(`${mainFile}: a byte past ASCII is in the bundle`);
const id = createHash('sha256').update(text).digest('hex').slice(0, 16);

await build({
  entryPoints: [join(root, 'dist', 'cli', 'bin.js')],
  // CommonJS: cli/bin.ts says why. Bundled: it imports cli/thread.ts.
  format: 'cjs',
  bundle: true,
  platform: 'node',
  outfile: join(out, 'btfkit.cjs'),
  define: { __BTFKIT_BUNDLE_ID__: JSON.stringify(id) },
  // Under the hashbang (#!/bin/sh, from cli/bin.ts): the shell line, see there.
  banner: { js: SHELL_LINE },
  logLevel: 'warning',
});
