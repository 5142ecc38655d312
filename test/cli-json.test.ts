/**
 * JSON everywhere (issue 13, conventions): `-j`/`-p` before or after the
 * command, `-p` wherever `-j` is (bpftool's layout: four spaces, one member
 * per line), refused by a command that prints no JSON; `vars -j` gives each
 * value as JSON with libbpf's text beside it.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prettyJson } from '../cli/common.js';
import { BIN, repoPath } from './helpers/golden.js';

const OBJ = repoPath('golden', 'obj', 'xdp_pkt_counter.o');
const DATA = repoPath('golden', 'obj', 'global_data_layout.o');

function btfkit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Every command that prints a table, with arguments; each has -j and -p. */
const TABLES: string[][] = [
  ['stats', OBJ],
  ['sections', OBJ],
  ['maps', OBJ],
  ['vars', DATA],
  ['ext', OBJ],
  ['check', OBJ],
  ['layout', OBJ],
  ['find', 'xdp', OBJ],
];

test('-j and -p before or after the command; -p is -j laid out', () => {
  for (const [cmd, ...rest] of TABLES) {
    const after = btfkit(cmd!, '-j', ...rest);
    const before = btfkit('-j', cmd!, ...rest);
    assert.ok(after.stdout.length > 2, `${cmd} -j: ${after.stderr}`);
    assert.is(before.stdout, after.stdout, `${cmd}: -j before the command`);
    const pretty = btfkit('-p', cmd!, ...rest);
    assert.is(pretty.stdout, btfkit(cmd!, cmd === 'vars' ? '-p' : '--pretty', ...rest).stdout, `${cmd}: -p`);
    assert.is(pretty.stdout, `${prettyJson(after.stdout.trimEnd())}\n`, `${cmd}: -p lays out -j`);
    assert.equal(JSON.parse(pretty.stdout), JSON.parse(after.stdout), `${cmd}: same JSON`);
  }
  // dump -p: bpftool's own pretty dump (test/golden.test.ts), before the command too
  assert.is(btfkit('-p', 'dump', OBJ).stdout, btfkit('dump', '-p', OBJ).stdout);
  assert.is(btfkit('-j', 'dump', OBJ).stdout, btfkit('dump', '-j', OBJ).stdout);
  // after the command, --pretty is the command's own: vars' multi-line text values
  const text = btfkit('vars', '--pretty', DATA).stdout;
  assert.ok(text.startsWith('.data sample_rate = (int)1\n'), text.slice(0, 80));
  assert.match(text, /= \(struct rate_limiter\)\{\n\t\.tokens = \(__u64\)100,\n/);
  const r = btfkit('-j', 'convert', OBJ, '-o', '/dev/null');
  assert.is(r.status, 2);
  assert.is(r.stderr, "btfkit: -j: 'convert' prints no JSON (see 'btfkit convert --help')\n");
});

test('prettyJson: bpftool layout, strings and big numbers kept', () => {
  assert.is(
    prettyJson('{"a":[1,2],"b":{},"c":[],"d":"x,{:}\\"]"}'),
    '{\n    "a": [\n        1,\n        2\n    ],\n    "b": {},\n    "c": [],\n    "d": "x,{:}\\"]"\n}',
  );
  assert.is(prettyJson('[18446744073709551615]'), '[\n    18446744073709551615\n]');
});

test('vars -j: values as JSON (numbers, booleans, strings for char arrays, objects, arrays), libbpf text beside', () => {
  const r = btfkit('vars', '-j', DATA);
  const vars = JSON.parse(r.stdout) as Array<{ name: string; value: unknown; text: string }>;
  const by = new Map(vars.map((v) => [v.name, v]));
  assert.is(by.get('sample_rate')!.value, 1);
  assert.is(by.get('sample_rate')!.text, '(int)1');
  assert.equal(by.get('limiter')!.value, { tokens: 100, last_ns: 0, burst: 100, per_sec: 50 });
  assert.is(by.get('creat_only')!.value, false);
  assert.is(by.get('path_prefix')!.value, '/etc/');
  assert.equal(by.get('per_mode_counts')!.value, [0, 0, 0, 0, 0, 0, 0, 0]);
  const lut = by.get('flag_bit_lut')!.value as number[][];
  assert.is(lut.length, 4);
  assert.is(lut[0]!.length, 8);
  // every value's text is the line `vars` prints
  const lines = btfkit('vars', DATA).stdout.split('\n').filter(Boolean);
  assert.equal(
    vars.map((v) => `${(v as unknown as { section: string }).section} ${v.name} = ${v.text}`),
    lines,
  );
});

test.run();
