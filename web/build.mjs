#!/usr/bin/env node
// Builds the explorer (web/) into dist/web/: the page and its worker bundled
// by esbuild for browsers (the library from its TypeScript sources; `#io`
// resolves to lib/io-browser through package.json's browser condition), and
// the static files beside them. Run by `npm run build` after tsc.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'web', 'main.ts'), join(root, 'web', 'worker.ts')],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['chrome120', 'firefox121'],
  minify: true,
  outdir: out,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'web', f), join(out, f));
