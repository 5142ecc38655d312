/**
 * The bin's V8 code cache (cli/bin.ts): made at the end of a first run, one
 * file per command, used by the next; a damaged file or one made under other
 * V8 flags is refused by V8, the run prints the same bytes, and the file is
 * made again; NODE_DISABLE_COMPILE_CACHE=1 makes none. Each case runs the
 * bin with TMPDIR pointing at a fresh directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { brotliDecompressSync } from 'node:zlib';
import { flagGiven, longRun, maglevOnly, recordTierFlags, tierFlags } from '../cli/tiers.js';
import { BIN, repoPath } from './helpers/golden.js';

const OBJ = repoPath('golden', 'obj', 'maps', 'maps_demo.o');

function bin(tmp: string, args: string[], opts: { flags?: string[]; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [...(opts.flags ?? []), BIN, ...args], {
    env: { ...process.env, TMPDIR: tmp, ...opts.env },
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  assert.is(r.status, 0, String(r.stderr));
  return r.stdout;
}

/** Returns the cache files under `tmp`, by name. */
function cacheFiles(tmp: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const d of readdirSync(tmp).filter((n) => n.startsWith('btfkit-compile-cache-'))) {
    for (const f of readdirSync(join(tmp, d))) files.set(f, readFileSync(join(tmp, d, f)));
  }
  return files;
}

function withTmp(fn: (tmp: string) => void): void {
  const tmp = mkdtempSync(join(tmpdir(), 'btfkit-bin-cache-'));
  try {
    fn(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('a first run makes the cache of its command, the next run prints the same bytes with it', () => {
  withTmp((tmp) => {
    const first = bin(tmp, ['dump', OBJ]);
    const files = cacheFiles(tmp);
    assert.equal(
      [...files.keys()].map((f) => f.replace(/^.*-/, '')),
      ['dump.v8'],
    );
    const [name] = [...files.keys()];
    assert.ok(name!.startsWith(`${process.version}-${process.arch}-`), name);
    assert.ok(files.get(name!)!.length > 1000);
    assert.equal(bin(tmp, ['dump', OBJ]), first);
    // a cache that V8 took is left as it is
    assert.equal(cacheFiles(tmp).get(name!), files.get(name!));
    bin(tmp, ['--version']);
    assert.is(cacheFiles(tmp).size, 2);
  });
});

test('each output of a command has its cache: raw, C (however -f is spelt) and JSON dumps; files never name one', () => {
  withTmp((tmp) => {
    const raw = bin(tmp, ['dump', OBJ]);
    const c = bin(tmp, ['dump', '-f', 'c', OBJ]);
    assert.equal(bin(tmp, ['dump', '--format=c', OBJ]), c);
    assert.equal(bin(tmp, ['dump', '-fc', OBJ]), c);
    assert.equal(bin(tmp, ['dump', '--format', 'c', OBJ]), c);
    bin(tmp, ['dump', '-j', OBJ]);
    assert.equal(bin(tmp, ['dump', OBJ]), raw);
    const tags = [...cacheFiles(tmp).keys()].map((f) => f.replace(/^v[\d.]+-[^-]+-[0-9a-f]{16}-/, '')).sort();
    assert.equal(tags, ['dump.-f.c.v8', 'dump.-j.v8', 'dump.v8']);
  });
});

test('a damaged cache file is refused: same output, and the file is made again', () => {
  withTmp((tmp) => {
    const want = bin(tmp, ['dump', '-j', OBJ]);
    const [[name, good]] = [...cacheFiles(tmp)] as [[string, Buffer]];
    const dir = readdirSync(tmp).find((n) => n.startsWith('btfkit-compile-cache-'))!;
    for (const bad of [good.subarray(0, good.length >> 1), Buffer.alloc(good.length, 0x5a), Buffer.alloc(0)]) {
      writeFileSync(join(tmp, dir, name), bad);
      assert.equal(bin(tmp, ['dump', '-j', OBJ]), want);
      assert.ok(cacheFiles(tmp).get(name)!.length > 1000, 'the cache was made again');
    }
  });
});

test('a cache made under other V8 flags is refused: same output', () => {
  withTmp((tmp) => {
    const want = bin(tmp, ['dump', OBJ], { flags: ['--no-opt'] });
    assert.equal(bin(tmp, ['dump', OBJ]), want);
    assert.equal(bin(tmp, ['dump', OBJ]), want);
  });
});

test('the inlining budget the bin sets, or one given to node, changes no output; each run takes its own cache', () => {
  const flags = ['--max-inlined-bytecode-size-cumulative=400'];
  for (const opts of [{}, { flags }]) {
    withTmp((tmp) => {
      const want = bin(tmp, ['dump', '-f', 'c', OBJ], opts);
      const before = cacheFiles(tmp);
      assert.is(before.size, 1);
      assert.equal(bin(tmp, ['dump', '-f', 'c', OBJ], opts), want);
      // V8 took the cache (same flags as when it was made): the file is left as it is
      assert.equal(cacheFiles(tmp), before);
      assert.equal(bin(tmp, ['dump', '-f', 'c', OBJ], { flags: ['--no-opt'] }), want);
    });
  }
});

test('making a cache removes the files not written for a week, and only those', () => {
  withTmp((tmp) => {
    const dir = join(tmp, `btfkit-compile-cache-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'old.v8'), 'x');
    writeFileSync(join(dir, 'recent.v8'), 'x');
    const eightDays = (Date.now() - 8 * 24 * 3600 * 1000) / 1000;
    utimesSync(join(dir, 'old.v8'), eightDays, eightDays);
    bin(tmp, ['dump', OBJ]);
    const names = [...cacheFiles(tmp).keys()];
    assert.ok(!names.includes('old.v8'), names.join(' '));
    assert.ok(names.includes('recent.v8'), names.join(' '));
    assert.is(names.length, 2);
  });
});

test('NODE_DISABLE_COMPILE_CACHE=1 makes no cache', () => {
  withTmp((tmp) => {
    bin(tmp, ['dump', OBJ], { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    assert.is(cacheFiles(tmp).size, 0);
  });
});

test('TurboFan is off for C dumps and layout on Node 22 and later, on for the rest (cli/tiers.ts)', () => {
  for (const major of [20, 21]) assert.not.ok(maglevOnly('dump.-f.c', major, 2));
  for (const major of [22, 24, 26]) {
    for (const tag of [
      'dump.-f.c',
      'dump.-f.c.--bpftool',
      'dump.-B.-f.c',
      'dump.--no-sort.-f.c',
      'layout',
      'layout.-C',
    ])
      assert.ok(maglevOnly(tag, major, 2) && maglevOnly(tag, major, 1), tag);
    for (const cpus of [3, 4, 64]) assert.not.ok(maglevOnly('dump.-f.c', major, cpus), String(cpus));
    for (const tag of [
      'dump',
      'dump.-j',
      'dump.-f.raw',
      'dump.-f.json',
      'dump.-f.c.-O',
      'dump.-O.-f.c',
      'dump.--output-dir.-f.c',
      'layout.-O',
      'gen.-f.c',
      'dedup.-o',
      '-',
    ])
      assert.not.ok(maglevOnly(tag, major, 2), tag);
  }
  assert.equal(tierFlags('dump.-j', 24, 2), []);
  assert.equal(tierFlags('dump.-f.c', 20, 2), []);
  assert.equal(tierFlags('dump.-f.c', 24, 2), ['--no-turbofan', '--max-maglev-inlined-bytecode-size-cumulative=100']);
});

test('a batch hands TurboFan back only when the bin turned it off', () => {
  const set: string[] = [];
  try {
    recordTierFlags(['--no-turbofan', '--max-maglev-inlined-bytecode-size-cumulative=100']);
    longRun((f) => set.push(f));
    assert.equal(set, ['--turbofan']);
    recordTierFlags([]);
    longRun((f) => set.push(f));
    assert.equal(set, ['--turbofan']);
  } finally {
    recordTierFlags([]);
  }
});

test("a V8 flag given to node is told apart from the bin's, however spelt", () => {
  assert.ok(flagGiven('--no-turbofan', ['--turbofan']));
  assert.ok(flagGiven('--no-turbofan', ['--inspect', '--no-turbofan']));
  assert.ok(
    flagGiven('--max-maglev-inlined-bytecode-size-cumulative=100', [
      '--max_maglev_inlined_bytecode_size_cumulative=50',
    ]),
  );
  assert.ok(flagGiven('--max-inlined-bytecode-size-cumulative', ['--max-inlined-bytecode-size-cumulative=400']));
  assert.not.ok(flagGiven('--max-inlined-bytecode-size-cumulative', ['--max-inlined-bytecode-size-cumulative-x=1']));
  assert.not.ok(flagGiven('--no-turbofan', ['--turbofan-x', '--maglev']));
  assert.not.ok(flagGiven('--no-turbofan', []));
});

test('a C dump of a kernel runs with the tiers cli/tiers.ts names for this Node: same bytes either way', () => {
  withTmp((tmp) => {
    const vmlinux = join(tmp, 'vmlinux.btf');
    writeFileSync(vmlinux, brotliDecompressSync(readFileSync(repoPath('golden', 'bpftool-7.8', 'vmlinux.btf.br'))));
    const major = Number(process.versions.node.split('.')[0]);
    const traced = bin(tmp, ['dump', '-f', 'c', vmlinux], { flags: ['--trace-opt'] }).toString('latin1');
    assert.is(/target TURBOFAN/.test(traced), !maglevOnly('dump.-f.c', major, availableParallelism()));
    // TurboFan given back on node's command line wins, and prints the same header
    const plain = bin(tmp, ['dump', '-f', 'c', vmlinux]);
    assert.equal(bin(tmp, ['dump', '-f', 'c', vmlinux], { flags: ['--turbofan'] }), plain);
    const raw = bin(tmp, ['dump', vmlinux], { flags: ['--trace-opt'] }).toString('latin1');
    assert.ok(/target TURBOFAN/.test(raw), 'a raw dump keeps TurboFan');
  });
});

test.run();
