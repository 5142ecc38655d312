/**
 * Random deep type graphs (issue 12): each seed stacks random segments of
 * every shape (pointers, modifiers, arrays, prototypes through their return
 * or their parameter, typedefs, named and anonymous structs and unions;
 * test/helpers/deep.ts `randomDeep`) up to a few thousand levels under a
 * struct `s`, one seed in four with a reference loop under `s` too. Every
 * walk of the type graph runs on each: the C dump (id order, `--sort`,
 * `--type`), the raw and JSON dumps, sizes and alignment, layout, the
 * kernel's checks, typed data, dedup. Each must finish with a result or a
 * BtfError, never a stack overflow or another exception; and without a loop,
 * the C dump must equal bpftool's and the typed data libbpf's (through the
 * harness). The seeds share one time budget; BTFKIT_FUZZ_RUNS multiplies them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Btf } from '../lib/btf.js';
import { checkBtf } from '../lib/check/index.js';
import { dedup } from '../lib/dedup/index.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { writeCDump } from '../lib/dump/c.js';
import { writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import { isInputError } from '../lib/errors.js';
import { TypedDataDumper } from '../lib/inspect/typed-data.js';
import { paholeListing } from '../lib/layout/index.js';
import { typeQuery } from '../lib/query.js';
import { FuzzStats } from './helpers/fuzz-stats.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { randomDeep, type RandomDeep } from './helpers/deep.js';
import { rng } from './helpers/gen.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

const budget = new TimeBudget('deep-random', 40_000);
const stats = new FuzzStats('deep-random');
const tmp = scratchDir('deep-random');
const SEEDS = fuzzRuns(40);
/** Levels per seed at most. */
const MAX_LEVELS = 3000;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const cDump = (btf: Btf, opts: Parameters<typeof writeCDump>[2] = {}): string =>
  text(collectBytes((s) => writeCDump(btf, s, opts)));
const seeds = (): RandomDeep[] => {
  const out: RandomDeep[] = [];
  for (let seed = 1; seed <= SEEDS; seed++)
    out.push(stats.call('generate', () => randomDeep(seed, MAX_LEVELS, rng(seed * 7919))));
  return out;
};
const graphs = seeds();

/** Runs `walk`; returns its result, or the BtfError it threw; fails on anything else. */
function walk<T>(what: string, fn: () => T): T | Error {
  try {
    // The entry point is what follows the seed's description: 'c', 'sort', 'typed', 'dedup' ...
    return budget.time(what, () => stats.call(what.slice(what.lastIndexOf(': ') + 2), fn));
  } catch (e) {
    assert.ok(isInputError(e), `${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return e as Error;
  }
}

test(`random deep graphs: ${SEEDS} seeds through every walk end in a result or a BtfError`, () => {
  graphs.forEach((g, i) => {
    const { btf, root } = g;
    const what = (w: string): string => `seed ${i + 1} (${g.recipe}${g.loop ? ', loop' : ''}): ${w}`;
    const c = walk(what('c'), () => cDump(btf));
    walk(what('sort'), () => cDump(btf, { sort: true }));
    walk(what('type'), () => cDump(btf, { typeNames: ['s'] }));
    walk(what('raw'), () => collectBytes((s) => writeRawDump(btf, s)));
    walk(what('json'), () => collectBytes((s) => writeJsonDump(btf, s)));
    walk(what('query'), () => {
      const q = typeQuery(btf);
      return [q.alignOf(root), q.resolveSize(root), q.sizeOf(root)];
    });
    walk(what('layout'), () => {
      for (const chunk of paholeListing(btf)) assert.ok(chunk.length > 0);
    });
    walk(what('check'), () => checkBtf(btf));
    walk(what('typed'), () => new TypedDataDumper(btf).dump(root, new Uint8Array(g.size)));
    walk(what('typed, no zeroes'), () =>
      new TypedDataDumper(btf, { emitZeroes: false }).dump(root, new Uint8Array(g.size).fill(1)),
    );
    walk(what('dedup'), () => dedup(btf));
    if (!g.loop) assert.type(c, 'string', what('c: an error without a loop'));
  });
});

test('random deep graphs: without a loop, format c equals bpftool 7.1 (live)', () => {
  if (!hasTool('bpftool')) return skip('bpftool not installed: random deep C dumps not compared');
  const failures: string[] = [];
  graphs.forEach((g, i) => {
    if (g.loop) return;
    budget.time(`seed ${i + 1} bpftool`, () => {
      const file = join(tmp, `d${i + 1}.btf`);
      writeFileSync(file, g.btf.rawData());
      const r = stats.call('bpftool', () =>
        run('bpftool', ['btf', 'dump', 'file', file, 'format', 'c'], { timeoutMs: 120_000 }),
      );
      // bpftool overflows its stack on some deep chains (SIGSEGV): compared only where it copes;
      // btfkit must still print them.
      if (r.signal === 'SIGSEGV') {
        if (typeof stats.call('c', () => cDump(g.btf)) !== 'string') failures.push(`seed ${i + 1}: no C dump`);
      } else if (r.status !== 0) failures.push(`seed ${i + 1}: bpftool failed (${r.status})`);
      else if (r.stdout.toString() !== stats.call('c', () => cDump(g.btf)))
        failures.push(`seed ${i + 1} (${g.recipe}): differs`);
    });
  });
  assert.equal(failures, [], failures.join('\n'));
});

test('random deep graphs: without a loop, typed data equals libbpf 1.1.2, zeroes shown or not (live)', () => {
  const h = harnessPath();
  if (!h) return skip(harnessSkipReason());
  const errno: Record<string, number> = { EINVAL: -22, E2BIG: -7, ENOTSUP: -95 };
  const failures: string[] = [];
  graphs.forEach((g, i) => {
    if (g.loop) return;
    budget.time(`seed ${i + 1} libbpf`, () => {
      const file = join(tmp, `t${i + 1}.btf`);
      writeFileSync(file, g.btf.rawData());
      // Bytes 0, 1, 2 ... and zeroes after the first eight: some values zero, some not.
      const data = new Uint8Array(g.size);
      for (let k = 0; k < Math.min(8, data.length); k++) data[k] = k;
      const dataFile = join(tmp, `t${i + 1}.data`);
      writeFileSync(dataFile, data);
      for (const zeroes of [true, false]) {
        const r = stats.call('libbpf harness', () =>
          runHarness(['typed-data', ...(zeroes ? [] : ['--no-zeroes']), file, dataFile, String(g.root)]),
        );
        if (r.status !== 0) {
          failures.push(`seed ${i + 1}: harness failed (${r.status}) ${r.stderr.slice(0, 200)}`);
          continue;
        }
        const got = stats.call('typed', () =>
          new TypedDataDumper(g.btf, { libbpf11: true, emitZeroes: zeroes }).dump(g.root, data),
        );
        const code = got.error?.split(':')[0];
        const ours = `${got.text}\n${code ? `err ${errno[code] ?? code}\n` : ''}`;
        if (ours !== r.stdout.toString()) failures.push(`seed ${i + 1} (${g.recipe}) zeroes=${zeroes}: differs`);
      }
    });
  });
  assert.equal(failures, [], failures.join('\n'));
});

budget.check();
test.run();
