#!/usr/bin/env node
/**
 * The package's `bin` (dist/bin/btfkit.mjs): runs the bundled command line
 * (dist/bin/main.js, built from cli/main.ts by cli/bundle.mjs) with V8's
 * code cache, on every Node from 20 on.
 *
 * The bundle is a script, compiled with `vm.Script`: V8 hands back cached
 * data for a script (Node 20 has no compile cache for modules, and Node
 * 22's `module.enableCompileCache` covers only modules its loader loads).
 * The cache is made at the end of a run, so it holds the functions that run
 * compiled too, not only the top level; one file per command
 * (`dump`, `merge`, ...), since each runs different functions. It lives in
 * `$TMPDIR/btfkit-compile-cache-UID/`, named after the Node version, the
 * architecture, the bundle's id (a hash of its text, made by the build) and
 * the command. V8 checks its own version and flags and refuses data made
 * under others (`cachedDataRejected`); the run then compiles as without a
 * cache and writes a fresh file (atomically: a temporary name, then a
 * rename); files not written for a week go then (other builds' caches, or
 * a cache in use, made again). Any failure to read or write the cache is ignored. Worker
 * threads (batches, `core`) start here too and only read the cache.
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/** The bundle's id, built in by cli/bundle.mjs (esbuild's `define`). */
declare const __BTFKIT_BUNDLE_ID__: string;

// Node 22.1 and later: this file itself, through Node's own cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const file = fileURLToPath(new URL('./main.js', import.meta.url));
const source = readFileSync(file, 'utf8');
let cacheFile: string | null = null;
let cached: Buffer | undefined;
if (process.env['NODE_DISABLE_COMPILE_CACHE'] !== '1') {
  const command = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
  const dir = join(tmpdir(), `btfkit-compile-cache-${process.getuid?.() ?? 'user'}`);
  const tag = /^[a-z0-9-]{1,20}$/.test(command) ? command : '-';
  cacheFile = join(dir, `${process.version}-${process.arch}-${__BTFKIT_BUNDLE_ID__}-${tag}.v8`);
  try {
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
}
const script = new Script(source, { filename: file, ...(cached ? { cachedData: cached } : {}) });
if (cacheFile && isMainThread && (!cached || script.cachedDataRejected)) {
  const path = cacheFile;
  process.once('exit', () => {
    try {
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, path);
      const dir = join(path, '..');
      const old = Date.now() - 7 * 24 * 3600 * 1000;
      for (const f of readdirSync(dir)) if (statSync(join(dir, f)).mtimeMs < old) unlinkSync(join(dir, f));
    } catch {
      // no cache this time
    }
  });
}
const run = script.runInThisContext() as (require: NodeJS.Require, url: string) => Promise<void>;
// The bundle's `import.meta.url` is this file's: a worker thread it starts runs this bin again.
await run(module.createRequire(import.meta.url), import.meta.url);
