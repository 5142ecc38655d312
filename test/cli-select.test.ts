/**
 * Choosing types (issue 13, conventions): `dump --type/--kind/--id` on the
 * raw and JSON dumps print exactly the chosen types' records of the
 * unfiltered dump (which test/golden.test.ts holds to bpftool's), and on
 * `-f c` the chosen types are the roots; `btfkit find` lists the matching
 * types of one or many files; `findByName` answers `undefined` when absent.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf, findTypes, kindName } from '../lib/index.js';
import { parseBtf } from '../lib/object/open.js';
import { BIN, readBytes, repoPath } from './helpers/golden.js';
import { hasTool } from './helpers/tools.js';
import { skip } from './helpers/skip.js';

const OBJ = repoPath('golden', 'obj', 'xdp_pkt_counter.o');
const FLOW = repoPath('golden', 'obj', 'tc_flow_classifier.o');

function btfkit(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** The raw dump cut into its records (`[id] ...` and the item lines under it), by id. */
function records(raw: string): Map<number, string> {
  const out = new Map<number, string>();
  let id = -1;
  for (const line of raw.split('\n')) {
    const m = /^\[(\d+)\] /.exec(line);
    if (m) id = Number(m[1]);
    if (id >= 0 && line !== '') out.set(id, `${out.get(id) ?? ''}${line}\n`);
  }
  return out;
}

const btf = parseBtf(readBytes(OBJ));
const full = records(btfkit('dump', OBJ).stdout);
const fullJson = (JSON.parse(btfkit('dump', '-j', OBJ).stdout) as { types: Array<{ id: number; kind: string }> }).types;

test('dump --kind/--id/--type: the chosen records of the unfiltered raw and JSON dumps, in id order', () => {
  const cases: Array<[string[], (id: number) => boolean]> = [
    [['--kind', 'struct'], (id) => btf.type(id).kindName === 'STRUCT'],
    [
      ['--kind', 'ptr,INT', '--kind', 'func-proto'],
      (id) => ['PTR', 'INT', 'FUNC_PROTO'].includes(btf.type(id).kindName),
    ],
    [['--id', '3-7'], (id) => id >= 3 && id <= 7],
    [['--id', '40-', '--id', '2'], (id) => id >= 40 || id === 2],
    [['--id', '1-30', '--kind', 'var'], (id) => id <= 30 && btf.type(id).kindName === 'VAR'],
    [['--type', 'xdp_md'], (id) => btf.type(id).name === 'xdp_md'],
    [['--type', 'struct datarec', '--type', '41'], (id) => btf.type(id).name === 'datarec' || id === 41],
    [['--kind', 'enum64'], () => false],
  ];
  for (const [args, keep] of cases) {
    const ids = [...full.keys()].filter(keep);
    const r = btfkit('dump', ...args, OBJ);
    assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.fixture(r.stdout, ids.map((id) => full.get(id)!).join(''), args.join(' '));
    const j = btfkit('dump', '-j', ...args, OBJ);
    assert.equal(JSON.parse(j.stdout), { types: fullJson.filter((t) => ids.includes(t.id)) }, `-j ${args.join(' ')}`);
  }
});

test('dump --type names no type: one line, status 1; -f c takes --kind/--id as roots', () => {
  const r = btfkit('dump', '--type', 'no_such_type', OBJ);
  assert.is(r.status, 1);
  assert.is(r.stderr, `btfkit: ${OBJ}: no type named 'no_such_type'\n`);
  const byKind = btfkit('dump', '-f', 'c', '--kind', 'struct', '--id', '20-30', OBJ);
  const byName = btfkit('dump', '-f', 'c', '--type', 'struct xdp_md', OBJ); // [24] is anonymous: no root of its own
  assert.is(byKind.status, 0, byKind.stderr);
  assert.fixture(byKind.stdout, byName.stdout);
});

test('dump --kind/--id/--type on raw dumps: the lines bpftool prints for those types (live)', () => {
  if (!hasTool('bpftool')) return skip('bpftool not installed', 'tool');
  const r = spawnSync('bpftool', ['btf', 'dump', 'file', FLOW]);
  const theirs = records(r.stdout.toString());
  const ours = btfkit('dump', '--kind', 'struct,typedef', FLOW).stdout;
  const ids = [...theirs.keys()].filter((id) => /^\[\d+\] (STRUCT|TYPEDEF) /.test(theirs.get(id)!));
  assert.ok(ids.length > 3);
  assert.fixture(ours, ids.map((id) => theirs.get(id)!).join(''));
});

test('find: substring, exact, regex, kinds, several files; -j', () => {
  assert.fixture(
    btfkit('find', 'xdp', OBJ).stdout,
    "[25] VAR 'xdp_stats_map'\n[27] STRUCT 'xdp_md'\n[29] FUNC 'xdp_count_prog'\n[41] ENUM 'xdp_action'\n",
  );
  assert.fixture(btfkit('find', '-x', 'xdp_md', OBJ).stdout, "[27] STRUCT 'xdp_md'\n");
  assert.fixture(btfkit('find', '-i', '-x', 'XDP_MD', OBJ).stdout, "[27] STRUCT 'xdp_md'\n");
  assert.fixture(
    btfkit('find', '--kind', 'struct,enum', 'xdp', OBJ).stdout,
    "[27] STRUCT 'xdp_md'\n[41] ENUM 'xdp_action'\n",
  );
  assert.fixture(
    btfkit('find', '-e', '^xdp_.*_(map|prog)$', OBJ).stdout,
    "[25] VAR 'xdp_stats_map'\n[29] FUNC 'xdp_count_prog'\n",
  );
  const two = btfkit('find', '-x', '__u32', OBJ, FLOW).stdout.split('\n').filter(Boolean);
  assert.is(two.length, 2);
  assert.ok(two[0]!.startsWith(`${OBJ}: [`) && two[1]!.startsWith(`${FLOW}: [`), two.join('\n'));
  assert.is(btfkit('find', 'no such name', OBJ).stdout, '');
  const j = JSON.parse(btfkit('-j', 'find', '-x', 'xdp_md', OBJ).stdout);
  assert.equal(j, [{ file: OBJ, id: 27, kind: 'STRUCT', name: 'xdp_md' }]);
});

test('findTypes answers what a walk over the views answers; findByName: undefined when absent, kind names', () => {
  for (const pattern of ['', 'a', 'flow', '__']) {
    const f = parseBtf(readBytes(FLOW));
    const want = [...f.ids()]
      .filter((id) => f.type(id).name !== '' && f.type(id).name.includes(pattern))
      .map((id) => ({ typeId: id, kind: f.kindOf(id), name: f.type(id).name }));
    assert.equal(findTypes(f, pattern), want, pattern);
  }
  const f = parseBtf(readBytes(FLOW));
  for (const name of ['__u32', 'flow_key', 'int', 'nope', '']) {
    const want = [...f.ids()]
      .filter((id) => f.type(id).name !== '' && f.type(id).name === name)
      .map((id) => ({ typeId: id, kind: f.kindOf(id), name }));
    assert.equal(findTypes(f, name, { match: 'exact' }), want, `exact ${name}`);
    assert.equal(findTypes(f, name.toUpperCase(), { match: 'exact', ignoreCase: true }), want, `exact -i ${name}`);
  }
  assert.is(btf.findByName('no_such_type'), undefined);
  assert.is(btf.findByName('xdp_md', 'STRUCT'), 27);
  assert.is(btf.findByName('xdp_md', 'union'), undefined);
  assert.is(btf.type(27).kindName, 'STRUCT');
  assert.is(kindName(btf.type(27).kind), 'STRUCT');
  assert.is(Btf.empty().findByName('int'), undefined);
});

test.run();
