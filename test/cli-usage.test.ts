/**
 * Usage and `-` (issue 13, defects 3 and 4): bad usage exits 2 with one line
 * `btfkit: ... (see 'btfkit CMD --help')`, from the argument parser and from
 * the commands alike; `-` is standard input for every input and standard
 * output for every output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, repoPath } from './helpers/golden.js';
import { scratchDir } from './helpers/scratch.js';

const OBJ = repoPath('golden', 'obj', 'xdp_pkt_counter.o');
const DATA = repoPath('golden', 'obj', 'global_data_layout.o');
const work = scratchDir('usage');

function btfkit(args: string[], input?: Uint8Array): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

const USAGE: Array<[string[], string]> = [
  [['dump', '-f', 'c', '-j', OBJ], 'dump'],
  [['dump', '--sort', OBJ], 'dump'],
  [['dump', '--kind', 'structure', OBJ], 'dump'],
  [['dump', '--id', '9-3', OBJ], 'dump'],
  [['find', '-x', '-e', 'x', OBJ], 'find'],
  [['find', '-e', '(', OBJ], 'find'],
  [['-j', 'convert', OBJ, '-o', join(work, 'y')], 'convert'],
  [['completion', 'tcsh'], 'completion'],
  [['dump', '--bogus', OBJ], 'dump'],
  [['dump', '-f', 'x', OBJ], 'dump'],
  [['attach', OBJ], 'attach'],
  [['attach', '-i', '-o', join(work, 'z.o'), OBJ], 'attach'],
  [['dedup', '-j', OBJ, '-o', join(work, 'x')], 'dedup'],
  [['dedup', '--stats', OBJ, '-o', '-'], 'dedup'],
  [['merge', '-j', OBJ, '-o', join(work, 'x')], 'merge'],
  [['extract', OBJ, '-o', join(work, 's'), '--ext', join(work, 's')], 'extract'],
  [['convert', OBJ], 'convert'],
  [['bogus'], ''],
];

test('usage errors: status 2, one line, a hint to --help', () => {
  for (const [args, cmd] of USAGE) {
    const r = btfkit(args);
    const what = `btfkit ${args.join(' ')}`;
    assert.is(r.status, 2, `${what}: status`);
    assert.is(r.stdout.length, 0, `${what}: stdout`);
    assert.ok(r.stderr.startsWith('btfkit: '), `${what}: ${r.stderr}`);
    assert.is(r.stderr.split('\n').length, 2, `${what}: one line: ${r.stderr}`);
    assert.ok(r.stderr.endsWith(`(see 'btfkit${cmd ? ` ${cmd}` : ''} --help')\n`), `${what}: ${r.stderr}`);
  }
});

test('bad input is status 1, not 2', () => {
  const r = btfkit(['dump', join(work, 'absent.btf')]);
  assert.is(r.status, 1);
  assert.ok(r.stderr.startsWith(`btfkit: ${join(work, 'absent.btf')}: `), r.stderr);
});

test("'-' is standard input for every input", () => {
  const obj = readFileSync(OBJ);
  const data = readFileSync(DATA);
  for (const [args, input] of [
    [['dump'], obj],
    [['dump', '-j'], obj],
    [['dump', '-f', 'c'], obj],
    [['stats'], obj],
    [['sections'], obj],
    [['ext'], obj],
    [['maps'], data],
    [['vars'], data],
    [['check'], obj],
  ] as Array<[string[], Buffer]>) {
    const viaFile = btfkit([...args, input === obj ? OBJ : DATA]);
    const viaStdin = btfkit([...args, '-'], input);
    assert.is(viaStdin.status, viaFile.status, `${args.join(' ')} -: status`);
    // Names of the input may differ (the object name comes from the file name).
    if (args[0] !== 'sections' && args[0] !== 'maps' && args[0] !== 'check' && args[0] !== 'ext')
      assert.ok(viaStdin.stdout.equals(viaFile.stdout), `${args.join(' ')} -: output`);
    else assert.ok(viaStdin.stdout.length > 0, `${args.join(' ')} -: output`);
  }
  const bad = btfkit(['dump', '-'], Buffer.from('garbage'));
  assert.is(bad.status, 1);
  assert.ok(bad.stderr.startsWith('btfkit: <stdin>: '), bad.stderr);
});

test("'-o -' is standard output for every output, and no file named '-' appears", () => {
  const raw = btfkit(['convert', OBJ, '-o', join(work, 'x.btf')]);
  assert.is(raw.status, 0);
  const want = readFileSync(join(work, 'x.btf'));
  for (const args of [
    ['convert', OBJ, '-o', '-'],
    ['extract', OBJ, '-o', '-'],
  ]) {
    const r = btfkit(args);
    assert.is(r.status, 0, args.join(' '));
    assert.ok(r.stdout.equals(want), `${args.join(' ')}: the raw .BTF`);
  }
  for (const args of [
    ['dedup', OBJ, '-o', '-'],
    ['merge', OBJ, OBJ, '-o', '-'],
    ['attach', '--fixup', DATA, '-o', '-'],
    ['dedup', '--elf', DATA, '-o', '-'],
  ]) {
    const r = btfkit(args);
    assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    const file = join(work, `${args[0]}.out`);
    const f = btfkit([...args.slice(0, -1), file]);
    assert.is(f.status, 0);
    assert.ok(r.stdout.equals(readFileSync(file)), `${args.join(' ')}: same bytes as -o FILE`);
  }
  assert.not.ok(existsSync(join(process.cwd(), '-')), "no file named '-'");
});

test.run();
