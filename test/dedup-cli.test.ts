/**
 * `btfkit dedup` and `btfkit merge`, run in-process; outputs compared with
 * libbpf's (the committed expected outputs of test/fixtures/dedup).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progressFor } from '../cli/common.js';
import { memoryIo } from '../cli/io.js';
import { Btf } from '../lib/btf.js';
import { parseBtf } from '../lib/object/open.js';
import { parseElf } from '../lib/elf/read.js';
import { isBtfError } from '../lib/errors.js';
import { goldenObject, isUsageError, readBytes, repoPath, runCli, sameBytes } from './helpers/golden.js';

const FIXTURES = repoPath('test', 'fixtures', 'dedup');
const tmp = mkdtempSync(join(tmpdir(), 'btfkit-dedup-cli-'));
const out = (name: string): string => join(tmp, name);
const mergeDir = [
  'merge_cgroup',
  'merge_core',
  'merge_file',
  'merge_skb',
  'merge_sock',
  'merge_task',
  'merge_task_files',
].map((n) => goldenObject(`merge/${n}`).obj);
const linked = goldenObject('merge/linked').obj;

test('dedup IN -o OUT writes what libbpf writes', async () => {
  for (const name of ['exec_ringbuf', 'tc_flow_classifier.bpfeb']) {
    const r = await runCli(['dedup', goldenObject(name).obj, '-o', out(`${name}.btf`)]);
    assert.is(r.error, undefined, String(r.error));
    assert.is(r.stderr, '');
    assert.ok(sameBytes(readBytes(out(`${name}.btf`)), readBytes(join(FIXTURES, `${name}.btf`))), name);
  }
});

test('dedup --stats prints counts per kind, string bytes and pass times; -j as JSON', async () => {
  let r = await runCli(['dedup', linked, '-o', out('l.btf'), '--stats']);
  assert.is(r.error, undefined, String(r.error));
  const text = new TextDecoder().decode(r.stdout);
  assert.match(text, /^kind\s+before\s+after\n/);
  assert.match(text, /\nSTRUCT\s+\d+\s+\d+\n/);
  assert.match(text, /\ntypes\s+1461\s+1457\n/);
  assert.match(text, /\nstring bytes\s+\d+\s+\d+\n/);
  assert.match(
    text,
    /\npasses \(ms\) {2}prep [\d.]+, strings [\d.]+, prim [\d.]+, struct [\d.]+, fwd [\d.]+, ref [\d.]+, compact [\d.]+, remap [\d.]+; total [\d.]+\n$/,
  );
  r = await runCli(['dedup', linked, '-o', out('l.btf'), '--stats', '-j']);
  const s = JSON.parse(new TextDecoder().decode(r.stdout)) as {
    types: { before: number; after: number };
    kinds: Record<string, { before: number; after: number }>;
    passes: unknown[];
  };
  assert.equal(s.types, { before: 1461, after: 1457 });
  assert.is(s.passes.length, 8);
  assert.is(
    Object.values(s.kinds).reduce((a, k) => a + k.after, 0),
    1457,
  );
  assert.ok(sameBytes(readBytes(out('l.btf')), readBytes(join(FIXTURES, 'linked.btf'))));
});

test('dedup --elf rewrites .BTF and .BTF.ext together, as btf__dedup with btf_ext', async () => {
  const r = await runCli(['dedup', linked, '-o', out('l.o'), '--elf']);
  assert.is(r.error, undefined, String(r.error));
  const elf = parseElf(readBytes(out('l.o')));
  assert.ok(sameBytes(elf.sectionData(elf.section('.BTF')!), readBytes(join(FIXTURES, 'linked.ext.btf'))), '.BTF');
  assert.ok(sameBytes(elf.sectionData(elf.section('.BTF.ext')!), readBytes(join(FIXTURES, 'linked.ext'))), '.BTF.ext');
  // everything else is the input's
  const input = parseElf(readBytes(linked));
  assert.equal(
    elf.sections.map((s) => s.name),
    input.sections.map((s) => s.name),
  );
  const text = elf.section('.text');
  if (text) assert.ok(sameBytes(elf.sectionData(text), input.sectionData(input.section('.text')!)));
});

test('dedup --base deduplicates split BTF against its base', async () => {
  const base = parseBtf(readBytes(goldenObject('exec_ringbuf').obj));
  const split = Btf.empty({ base });
  split.addBtf(parseBtf(readBytes(goldenObject('sched_switch_stats').obj)));
  writeFileSync(out('split.btf'), split.rawData());
  const r = await runCli([
    'dedup',
    out('split.btf'),
    '-B',
    goldenObject('exec_ringbuf').obj,
    '-o',
    out('split.out.btf'),
  ]);
  assert.is(r.error, undefined, String(r.error));
  assert.ok(
    sameBytes(readBytes(out('split.out.btf')), readBytes(join(FIXTURES, 'split-exec_ringbuf-sched_switch_stats.btf'))),
  );
});

test('merge IN... -o OUT equals libbpf btf__add_btf + btf__dedup; --no-dedup only appends', async () => {
  let r = await runCli(['merge', ...mergeDir, '-o', out('m.btf')]);
  assert.is(r.error, undefined, String(r.error));
  assert.ok(sameBytes(readBytes(out('m.btf')), readBytes(join(FIXTURES, 'merge-dir.btf'))));
  r = await runCli(['merge', ...mergeDir, '-o', out('m.raw.btf'), '--no-dedup']);
  assert.is(r.error, undefined, String(r.error));
  const m = Btf.empty();
  for (const f of mergeDir) m.addBtf(parseBtf(readBytes(f)));
  assert.ok(sameBytes(readBytes(out('m.raw.btf')), m.rawData()));
  r = await runCli(['merge', ...mergeDir, '-o', out('m.btf'), '--stats', '-j']);
  const s = JSON.parse(new TextDecoder().decode(r.stdout)) as {
    inputs: number;
    types: { before: number; after: number };
  };
  assert.is(s.inputs, 7);
  assert.is(s.types.before, m.nrTypes);
});

test('usage errors and bad inputs', async () => {
  let r = await runCli(['dedup', linked, '-o', out('x.btf'), '-j']);
  assert.ok(isUsageError(r.error), String(r.error));
  r = await runCli(['merge', linked, '-o', out('x.btf'), '--no-dedup', '--stats']);
  assert.ok(isUsageError(r.error), String(r.error));
  r = await runCli(['dedup', linked, '-o', '-', '--stats']);
  assert.ok(isUsageError(r.error), String(r.error));
  r = await runCli(['dedup', join(tmp, 'absent.btf'), '-o', out('x.btf')]);
  assert.ok(isBtfError(r.error) && r.error.code === 'EIO', String(r.error));
  r = await runCli(['dedup', linked]);
  assert.ok(r.error !== undefined, 'missing -o accepted');
});

test('progress: in place on a terminal for large inputs, nothing otherwise', () => {
  const quiet = memoryIo();
  assert.is(progressFor(quiet, 1_000_000).onProgress, undefined, 'not a terminal');
  const tty = { ...memoryIo(), stderrIsTTY: true };
  let err = '';
  tty.err = (s: string) => {
    err += s;
  };
  assert.is(progressFor(tty, 1000).onProgress, undefined, 'small input');
  const p = progressFor(tty, 1_000_000);
  p.onProgress!('struct', 50, 100);
  p.onProgress!('struct', 100, 100);
  p.done();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the progress line is drawn with CR and ESC [K
  assert.match(err, /^\rdedup: struct {4}50%\rdedup: struct {3}100%\r\x1b\[K$/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
