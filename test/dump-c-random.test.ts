/**
 * The C dump on random BTF against bpftool: a few hundred random builder
 * scripts (every kind; test/helpers/random-btf.ts) written as raw BTF and
 * printed by both (`bpftool btf dump file F format c`). Each seed is a case;
 * the cases share one time budget; BTFKIT_FUZZ_RUNS multiplies the seeds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectBytes } from '../lib/dump/bytes.js';
import { writeCDump } from '../lib/dump/c.js';
import { FuzzStats } from './helpers/fuzz-stats.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { randomBtf } from './helpers/random-btf.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

const bpftool = hasTool('bpftool');
const tmp = scratchDir('dump-c-random');
const budget = new TimeBudget('dump-c-random', 30_000);
const stats = new FuzzStats('dump-c-random');
const SEEDS = fuzzRuns(300);

test('random BTF: format c equals bpftool 7.1 (live)', () => {
  if (!bpftool) return skip('bpftool not installed: random C dumps not compared');
  const failures: string[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    budget.time(`seed ${seed}`, () => {
      const btf = stats.call('generate', () => randomBtf(seed, 20 + (seed % 60)));
      const file = join(tmp, `r${seed}.btf`);
      writeFileSync(file, btf.rawData());
      let ours: string;
      try {
        ours = stats.call('cDump', () => new TextDecoder().decode(collectBytes((s) => writeCDump(btf, s))));
      } catch (e) {
        failures.push(`seed ${seed}: ${String(e)}`);
        return;
      }
      const r = stats.call('bpftool', () => run('bpftool', ['btf', 'dump', 'file', file, 'format', 'c']));
      if (r.status !== 0) failures.push(`seed ${seed}: bpftool failed: ${r.stderr.slice(0, 200)}`);
      else if (r.stdout.toString() !== ours && failures.length < 5) {
        const a = ours.split('\n'),
          e = r.stdout.toString().split('\n');
        let i = 0;
        while (a[i] === e[i]) i++;
        failures.push(`seed ${seed}: line ${i + 1}: btfkit '${a[i]}', bpftool '${e[i]}'`);
      }
    });
  }
  assert.equal(failures, [], failures.join('\n'));
});

budget.check();
test.run();
