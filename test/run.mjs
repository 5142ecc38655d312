#!/usr/bin/env node
// Runs every compiled uvu suite (dist/test/**/*.test.js) in one process and
// ends with the line `N passed, N failed`. Exit status 1 when anything failed.
// Usage: node test/run.mjs [substring-filter]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'dist', 'test');
const filter = process.argv[2];

function walk(d, out = []) {
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = walk(dir).filter((f) => !filter || relative(dir, f).includes(filter));
globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const { exec } = await import('uvu');
for (const [i, f] of files.entries()) {
  globalThis.UVU_INDEX = i;
  globalThis.UVU_QUEUE.push([relative(dir, f)]);
  await import(pathToFileURL(f).href);
}
// uvu prints its own summary through process.stdout.write; read the counts
// from it so the last line can be the plain `N passed, N failed`.
let tail = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  tail = (tail + String(chunk)).slice(-400);
  return write(chunk, ...rest);
};
await exec(false);
process.stdout.write = write;
const plain = tail.replace(/\x1b\[[0-9;]*m/g, '');
const num = (re) => Number(re.exec(plain)?.[1] ?? 0);
const total = num(/Total:\s+(\d+)/), passed = num(/Passed:\s+(\d+)/);
const failed = total - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
