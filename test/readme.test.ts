/**
 * The README's examples run: the library snippet (with `btfkit` pointing at
 * the built library) and every `btfkit ...` line of the command sections,
 * through the compiled binary, in a scratch directory that sees golden/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { BIN } from './helpers/golden.js';
import { skip } from './helpers/skip.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const cli = BIN;
const lib = new URL('../lib/index.js', import.meta.url).href;
const hasVmlinux = existsSync('/sys/kernel/btf/vmlinux');

function blocks(lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g');
  for (let m = re.exec(readme); m; m = re.exec(readme)) out.push(m[1]!);
  return out;
}

test('README opens with exactly two set-up commands', () => {
  const first = blocks('sh')[0]!.trim().split('\n');
  assert.equal(first, ['npm install && npx btfkit dump | head', 'npm test']);
});

test('the library example runs', () => {
  if (!hasVmlinux)
    return skip('/sys/kernel/btf/vmlinux not readable: the library example (which reads it) not run', 'env');
  const code = blocks('ts')[0]!.replace("from 'btfkit'", `from ${JSON.stringify(lib)}`);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /\[2\] STRUCT 'point' size=8 vlen=2/);
    assert.match(r.stdout, /\[3\] PTR '\(anon\)' type_id=2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the members-before-struct example runs and numbers as clang does', () => {
  const emit = new URL('../lib/emit/index.js', import.meta.url).href;
  const code = blocks('ts')[1]!
    .replace(/^ {2}/gm, '')
    .replace("from 'btfkit/emit'", `from ${JSON.stringify(emit)}`)
    .replace("from 'btfkit'", `from ${JSON.stringify(lib)}`);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-readme-'));
  try {
    const file = join(dir, 'example.mjs');
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(
      r.stdout,
      "[1] STRUCT 's' size=8 vlen=1\n\t'p' type_id=2 bits_offset=0\n[2] PTR '(anon)' type_id=3\n[3] STRUCT 't' size=0 vlen=0\n\n",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every btfkit command line in the README runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-readme-'));
  symlinkSync(join(root, 'golden'), join(dir, 'golden'));
  try {
    let ran = 0;
    for (const block of blocks('sh').slice(1)) {
      for (const raw of block.split('\n')) {
        const line = raw.replace(/#.*$/, '').trim();
        if (!line.startsWith('btfkit ')) continue;
        if (line.includes('/sys/kernel/btf/vmlinux') && !hasVmlinux) {
          skip('/sys/kernel/btf/vmlinux not readable: the README command lines that read it not run', 'env');
          continue;
        }
        if (line.includes('module.btf')) continue; // placeholder for a user's module BTF
        // Shell-like words: quotes group, as a shell would pass them.
        const args = [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!).slice(1);
        const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
        assert.is(r.status, 0, `${line}: ${r.stderr}`);
        ran++;
      }
    }
    assert.ok(ran >= 5, `ran ${ran} command lines`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
