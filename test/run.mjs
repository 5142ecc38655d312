#!/usr/bin/env node
// Runs every compiled uvu suite (dist/test/**/*.test.js) in one process and
// ends with the line `N passed, N skipped, N failed`. Exit status 1 when
// anything failed.
// Usage: node test/run.mjs [substring-filter]
//
// uvu counts a test that returned as passed. A test that could not run says
// so with skip() (test/helpers/skip.ts), which leaves its reason in the
// ledger below; when uvu then reports the test passed, it is counted (and
// marked ○) as skipped instead, and its reasons listed at the end with the
// number of tests that gave each.
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
/** The skip ledger test/helpers/skip.ts writes into. */
const ledger = { current: new Set(), reasons: new Map() };
globalThis.__btfkitSkips = ledger;
globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const { exec } = await import('uvu');
for (const [i, f] of files.entries()) {
  globalThis.UVU_INDEX = i;
  globalThis.UVU_QUEUE.push([relative(dir, f)]);
  await import(pathToFileURL(f).href);
}
// uvu prints its own summary through process.stdout.write; read the counts
// from it so the last line can be the plain `N passed, N skipped, N failed`.
// uvu also writes one mark per finished test, '• ' (passed) or '✘ '
// (failed): that is when a skip recorded by the test is counted.
// biome-ignore lint/suspicious/noControlCharactersInRegex: uvu's colours are ESC sequences
const ansi = /\x1b\[[0-9;]*m/g;
let tail = '';
let skipped = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const mark = String(chunk).replace(ansi, '');
  if (mark === '• ' || mark === '✘ ') {
    const reasons = [...ledger.current];
    ledger.current.clear();
    if (reasons.length > 0 && mark === '• ') {
      skipped++;
      for (const r of reasons) ledger.reasons.set(r, (ledger.reasons.get(r) ?? 0) + 1);
      chunk = String(chunk).includes('\x1b') ? '\x1b[33m○ \x1b[39m' : '○ ';
    }
  }
  tail = (tail + String(chunk)).slice(-400);
  return write(chunk, ...rest);
};
await exec(false);
process.stdout.write = write;
const plain = tail.replace(ansi, '');
const num = (re) => Number(re.exec(plain)?.[1] ?? 0);
const total = num(/Total:\s+(\d+)/),
  ran = num(/Passed:\s+(\d+)/),
  uvuSkipped = num(/Skipped:\s+(\d+)/);
const failed = total - ran;
if (ledger.reasons.size > 0) {
  console.log('Skipped, and why:');
  for (const [reason, n] of ledger.reasons) console.log(`  ${String(n).padStart(3)} × ${reason}`);
}
console.log(`${ran - skipped} passed, ${skipped + uvuSkipped} skipped, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
