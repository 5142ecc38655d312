/**
 * Packaging (issue 13, defect 9): the tarball's package.json declares no
 * scripts, so that installing it runs nothing and npm 11 warns about no
 * install script (`prepare`, which a clone needs to build, is left out);
 * `prepack`/`postpack` strip and restore package.json byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoPath } from './helpers/golden.js';
import { scratchDir } from './helpers/scratch.js';

const TOOL = repoPath('test', 'tools', 'pack-manifest.mjs');
const work = scratchDir('pack');

function tool(verb: string): number | null {
  return spawnSync(process.execPath, [TOOL, verb, work], { encoding: 'utf8' }).status;
}

test('package.json: prepack and postpack run the strip and restore; a clone still builds on install', () => {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['prepack']!, /npm run build && node test\/tools\/pack-manifest\.mjs strip$/);
  assert.is(pkg.scripts['postpack'], 'node test/tools/pack-manifest.mjs restore');
  assert.is(pkg.scripts['prepare'], 'npm run build');
});

test('strip: no scripts, everything else kept; restore: the same bytes; an interrupted pack is refused', () => {
  const original = readFileSync(repoPath('package.json'));
  copyFileSync(repoPath('package.json'), join(work, 'package.json'));
  assert.is(tool('strip'), 0);
  const packed = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as Record<string, unknown>;
  const want = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
  delete want['scripts'];
  assert.equal(packed, want);
  assert.is(tool('strip'), 1, 'a second strip before restore');
  assert.is(tool('restore'), 0);
  assert.ok(readFileSync(join(work, 'package.json')).equals(original));
  assert.not.ok(existsSync(join(work, '.package.json.orig')));
  assert.is(tool('restore'), 0, 'restore without a strip does nothing');
  assert.is(tool('bogus'), 2);
});

test.run();
