#!/usr/bin/env node
// Builds the explorer (web/) into one file, dist/web/index.html, that works
// both served (`btfkit web`) and opened from disk (file://). Run by `npm run
// build` after tsc.
//
// From file:// a browser loads no module script and starts no worker from a
// sibling file (Chromium: the page's origin is opaque; a module worker from a
// blob: URL fails there too), and fetches of sibling files fail. So nothing
// is fetched at run time: the page's script and style are inlined, and the
// worker's source travels inside the page's script as a string, started as
// a classic worker from a blob: URL. esbuild's iife format cannot hold the
// top-level await of lib/hash.ts (the xxhash instance), so the worker is
// bundled as an ES module (no imports or exports left once bundled) and
// wrapped in an async function: the same statements, run as a classic
// script. The library comes from its TypeScript sources; `#io` resolves to
// lib/io-browser through package.json's browser condition. The
// Content-Security-Policy admits the inline script by its hash.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const common = {
  bundle: true,
  platform: 'browser',
  target: ['chrome120', 'firefox121'],
  minify: true,
  write: false,
  logLevel: 'warning',
};

const worker = await build({ ...common, entryPoints: [join(root, 'web', 'worker.ts')], format: 'esm' });
const workerJs = worker.outputFiles[0].text;
if (/^\s*(import|export)\b/m.test(workerJs))
  throw new Error('web/build.mjs: the worker bundle kept an import or export');
const workerSource = `"use strict";(async()=>{${workerJs}})();`;

const main = await build({
  ...common,
  entryPoints: [join(root, 'web', 'main.ts')],
  format: 'iife',
  define: { WORKER_SOURCE: JSON.stringify(workerSource) },
});
const mainJs = main.outputFiles[0].text.trimEnd();
const css = readFileSync(join(root, 'web', 'style.css'), 'utf8').trimEnd();
// The inline text must not end its element early (esbuild escapes `</script` in strings).
if (/<\/script/i.test(mainJs) || /<\/style/i.test(css))
  throw new Error('web/build.mjs: inline text closes its element');

const hash = createHash('sha256').update(mainJs).digest('base64');
let html = readFileSync(join(root, 'web', 'index.html'), 'utf8');
const put = (marker, text) => {
  if (!html.includes(marker)) throw new Error(`web/build.mjs: web/index.html lacks ${marker}`);
  html = html.replace(marker, () => text);
};
put('{{SCRIPT_HASH}}', `'sha256-${hash}'`);
put('<link rel="stylesheet" href="style.css">', `<style>\n${css}\n</style>`);
put('<script src="main.js"></script>', `<script>${mainJs}</script>`);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'index.html'), html);
