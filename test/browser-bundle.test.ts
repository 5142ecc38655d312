/**
 * The library in a browser: every entry point (the root and each subpath)
 * bundles with esbuild for `platform: 'browser'` without a Node built-in
 * (the package.json `imports` map sends `#io` to lib/io-browser.ts there),
 * and the bundle works: it parses an object's BTF from bytes and prints what
 * the library prints in Node, and its file entry points throw instead of
 * reaching for a file system.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parseBtf } from '../lib/object/open.js';
import { rawDump } from '../lib/dump/raw.js';
import { readBytes, repoPath } from './helpers/golden.js';

const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as {
  exports: Record<string, string | { import: string }>;
};
const entries = Object.entries(pkg.exports)
  .filter(([, v]) => typeof v === 'object')
  .map(([k, v]) => [k, repoPath((v as { import: string }).import)] as const);

test('every entry point bundles for the browser with no Node built-in and no lib/io.js', async () => {
  assert.ok(entries.length >= 7);
  for (const [sub, file] of entries) {
    const r = await build({
      entryPoints: [file],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs);
    assert.ok(inputs.length > 0, sub);
    for (const i of inputs) {
      assert.not.match(i, /^node:|(^|\/)io\.js$/, `${sub} pulls in ${i}`);
    }
    assert.ok(inputs.some((i) => i.endsWith('io-browser.js')) || sub !== '.', `${sub}: #io is io-browser.js`);
    const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((x) => x.path));
    assert.equal(imports, [], `${sub}: imports left outside the bundle`);
  }
});

test('the browser bundle parses bytes as the library does, and its file entry points throw EIO', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-browser-'));
  try {
    const out = join(dir, 'btfkit.js');
    await build({
      entryPoints: [repoPath('dist/lib/index.js')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outfile: out,
      logLevel: 'silent',
    });
    const api = (await import(pathToFileURL(out).href)) as {
      parseBtf: typeof parseBtf;
      rawDump: typeof rawDump;
      readBtfFile: (p: string) => Promise<unknown>;
      Btf: { fromFile: (p: string) => Promise<unknown> };
    };
    const obj = repoPath('golden/obj/maps/maps_demo.o');
    const bytes = readBytes(obj);
    assert.is(api.rawDump(api.parseBtf(bytes)), rawDump(parseBtf(bytes)));
    for (const f of [() => api.readBtfFile(obj), () => api.Btf.fromFile(obj)]) {
      try {
        await f();
        assert.unreachable('read a file without a file system');
      } catch (e) {
        assert.match(String((e as Error).message), /no file system here/);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
