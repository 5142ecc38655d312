#!/usr/bin/env node
// The package.json that goes into the tarball, without `scripts`.
//
// A clone needs `prepare` (npm install builds dist/); a user installing the
// packed tarball does not (dist/ is in it), and npm 11 warns about every
// dependency that declares an install script (`prepare` included) that the
// user's `allowScripts` does not cover. So `npm pack` and `npm publish`
// strip the scripts from package.json for the moment of packing (prepack)
// and put the file back byte for byte afterwards (postpack).
//
//   node test/tools/pack-manifest.mjs strip|restore [DIR]   (DIR: the repo root by default)
//
// `strip` keeps the original as DIR/.package.json.orig and refuses to run
// when one is already there (an interrupted pack: run `restore` first).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [verb, dirArg] = process.argv.slice(2);
const dir = dirArg ?? fileURLToPath(new URL('../..', import.meta.url));
const manifest = join(dir, 'package.json');
const saved = join(dir, '.package.json.orig');

if (verb === 'strip') {
  if (existsSync(saved)) {
    console.error(`pack-manifest: ${saved} exists (an interrupted pack?): run 'restore' first`);
    process.exit(1);
  }
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  delete pkg.scripts;
  renameSync(manifest, saved);
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (verb === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error('usage: pack-manifest.mjs strip|restore [DIR]');
  process.exit(2);
}
