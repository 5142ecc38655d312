/**
 * `--bpftool 7.8`: every dump equals what bpftool 7.8.0 (libbpf 1.8) printed,
 * committed under golden/bpftool-7.8/ with its version: the raw text, `-j`,
 * `format c` (sorted, 7.8's default) and `format c unsorted` of every golden
 * object, of the kernel BTF kept there (vmlinux.btf.br, the machine's BTF the
 * goldens were made from) and of edge.btf (test/helpers/bpftool78.ts: small
 * enums, names that bytes and UTF-16 order differently, a backslash, kfunc
 * tags); `format c` of Debian's 6.1 and 6.12 kernels from the kernel cache.
 * Live, when BTFKIT_BPFTOOL78 names a bpftool 7.8 binary, the same inputs are
 * dumped by it and compared (a skip of kind 'env' otherwise: CI has 7.1).
 * The CLI: the flag, BTFKIT_BPFTOOL, --no-sort, --type with ids (root_id
 * over a module: ids in the order given, base types too), several files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { BTF_KIND_DECL_TAG } from '../lib/kinds.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { writeCDump } from '../lib/dump/c.js';
import { collectKfuncs } from '../lib/dump/kfuncs.js';
import { writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import { parseBtf } from '../lib/object/open.js';
import { typeQuery } from '../lib/query.js';
import { buildEdgeBtf, GOLDEN78, golden78, golden78Objects, type Golden78 } from './helpers/bpftool78.js';
import { firstDiff, readBytes, runCli, sameBytes } from './helpers/golden.js';
import { cachedKernels } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';
import { run } from './helpers/tools.js';

const OUTPUTS = [
  { ext: 'raw.txt', args: [] as string[] },
  { ext: 'json', args: ['-j'] },
  { ext: 'h', args: ['format', 'c'] },
  { ext: 'unsorted.h', args: ['format', 'c', 'unsorted'] },
] as const;
type Ext = (typeof OUTPUTS)[number]['ext'];

/** btfkit's dump of `btf` as bpftool 7.8 prints output `ext`. */
function dump78(btf: Btf, ext: Ext): Uint8Array {
  return collectBytes((sink) => {
    if (ext === 'raw.txt') writeRawDump(btf, sink);
    else if (ext === 'json') writeJsonDump(btf, sink, { bpftool: '7.8' });
    else writeCDump(btf, sink, { bpftool: '7.8', sort: ext === 'h' });
  });
}

function same(got: Uint8Array, want: Uint8Array, what: string): void {
  if (sameBytes(got, want)) return;
  const at = firstDiff(got, want);
  const show = (b: Uint8Array) => new TextDecoder().decode(b.subarray(Math.max(0, at - 120), at + 120));
  assert.unreachable(`${what}: differs at byte ${at}\n--- btfkit\n${show(got)}\n--- bpftool 7.8\n${show(want)}`);
}

const inputs: Golden78[] = [
  ...golden78Objects(),
  { name: 'edge', input: join(GOLDEN78, 'edge.btf'), suffix: '' },
  { name: 'vmlinux', input: null, suffix: '.br' },
];
const edge = join(GOLDEN78, 'edge.btf');
const inputBytes = (g: Golden78): Uint8Array => (g.input ? readBytes(g.input) : golden78('vmlinux.btf.br'));
const load = (g: Golden78): Btf => parseBtf(inputBytes(g));

test('golden/bpftool-7.8 records bpftool v7.8.0 with libbpf v1.8', () => {
  const v = new TextDecoder().decode(golden78('VERSION'));
  assert.match(v, /^bpftool v7\.8\.0\n/);
  assert.match(v, /using libbpf v1\.8\n/);
});

test('edge.btf is what buildEdgeBtf() builds', () => {
  same(buildEdgeBtf(), golden78('edge.btf'), 'edge.btf');
});

for (const g of inputs) {
  test(`${g.name}: raw, -j, format c and format c unsorted equal bpftool 7.8's`, () => {
    const btf = load(g);
    for (const { ext } of OUTPUTS) same(dump78(btf, ext), golden78(`${g.name}.${ext}${g.suffix}`), `${g.name}.${ext}`);
  });
}

for (const k of cachedKernels()) {
  test(`Debian ${k.release}: format c equals bpftool 7.8's`, () => {
    const btf = Btf.parse(readBytes(k.vmlinux));
    same(dump78(btf, 'h'), golden78(`debian-${k.release}.h.br`), `debian ${k.release}`);
  });
}

// Several files: bpftool 7.8's `-B VMLINUX btf dump file A file B ...`.
const MERGE_SETS = [
  ['8021q', 'garp', 'stp', 'llc'],
  ['nf_conntrack', 'nf_nat', 'nf_tables'],
];
for (const k of cachedKernels()) {
  for (const set of MERGE_SETS) {
    test(`Debian ${k.release}: ${set.join(' + ')} merged over vmlinux as bpftool 7.8 merges them`, async () => {
      const stem = `merge-${k.release}-${set[0]}`;
      const files = set.map((m) => join(k.dir, 'modules', `${m}.btf`));
      for (const [args, ext] of [
        [[], 'raw.txt'],
        [['-j'], 'json'],
        [['-f', 'c'], 'h.br'],
      ] as const) {
        const r = await runCli(['dump', '--bpftool', '7.8', '-B', k.vmlinux, ...args, ...files]);
        assert.is(r.error, undefined, String(r.error));
        same(r.stdout, golden78(`${stem}.${ext}`), `${stem}.${ext}`);
      }
    });
  }
}

// root_id over a module: bpftool 7.8 prints the ids in the order given, a
// base (vmlinux) type too; the raw and JSON dumps of --type alone do the same.
for (const k of cachedKernels()) {
  test(`Debian ${k.release}: --type ids over nf_conntrack as bpftool 7.8's root_id (order given, base types too)`, async () => {
    const start = Btf.parse(readBytes(k.vmlinux)).typeCount;
    const mod = join(k.dir, 'modules', 'nf_conntrack.btf');
    const types = [start + 5, 100, start, 1].flatMap((id) => ['--type', String(id)]);
    for (const [args, ext] of [
      [[], 'raw.txt'],
      [['-j'], 'json'],
    ] as const) {
      const r = await runCli(['dump', '--bpftool', '7.8', '-B', k.vmlinux, ...args, ...types, mod]);
      assert.is(r.error, undefined, String(r.error));
      same(r.stdout, golden78(`root-${k.release}-nf_conntrack.${ext}`), `root ${k.release} ${ext}`);
    }
    // 7.1 has no root_id: --type keeps the records of the module's own dump, in id order
    const own = await runCli(['dump', '-B', k.vmlinux, ...types, mod]);
    assert.is(
      new TextDecoder()
        .decode(own.stdout)
        .match(/^\[\d+\]/gm)
        ?.join(' '),
      `[${start}] [${start + 5}]`,
    );
  });
}

test('cli: several files merged as bpftool 7.8 merges them need a base', async () => {
  const r = await runCli(['dump', '--bpftool', '7.8', edge, edge]);
  assert.ok(r.error);
  assert.match(String(r.error), /base/);
});

test('addBtf: a split source over the same base keeps base ids and strings; another base is refused', () => {
  const base = Btf.parse(buildEdgeBtf());
  const n = base.typeCount;
  const mod = Btf.empty({ base });
  const p = mod.addPtr(1); // int, in the base
  mod.addTypedef('int_ptr', p);
  const merged = Btf.empty({ base });
  merged.addPtr(2);
  const first = merged.addBtf(Btf.parse(mod.rawData(), { base }));
  assert.is(first, n + 1);
  const raw = new TextDecoder().decode(collectBytes((sink) => writeRawDump(merged, sink)));
  assert.is(
    raw,
    `[${n}] PTR '(anon)' type_id=2\n[${n + 1}] PTR '(anon)' type_id=1\n[${n + 2}] TYPEDEF 'int_ptr' type_id=${n + 1}\n`,
  );
  const other = Btf.parse(buildEdgeBtf());
  assert.throws(() => Btf.empty({ base: other }).addBtf(Btf.parse(mod.rawData(), { base })), /same base/);
});

// ------------------------------------------------------------------ what 7.8 adds

test('edge: mode(byte) on 1-byte enums, mode(word) on 8-byte ones C would not widen, none on 2 bytes', () => {
  const h = new TextDecoder().decode(dump78(Btf.parse(buildEdgeBtf()), 'unsorted.h'));
  const closing = (name: string): string => {
    const at = h.indexOf(`enum ${name} {`);
    assert.ok(at >= 0, name);
    return h.slice(h.indexOf('}', at), h.indexOf(';', h.indexOf('}', at)) + 1);
  };
  assert.is(closing('e_byte'), '} __attribute__((mode(byte)));');
  assert.is(closing('e_byte64'), '} __attribute__((mode(byte)));');
  assert.is(closing('e_short'), '};');
  assert.is(closing('e_small64'), '};');
  assert.is(closing('e_word32'), '} __attribute__((mode(word)));');
  assert.is(closing('e_word64_lo'), '} __attribute__((mode(word)));');
  assert.is(closing('e_word64_big'), '};');
  assert.ok(h.includes('\tANON_BYTE = 2,\n} __attribute__((mode(byte)));'));
  // 7.1 prints none of it.
  const h71 = new TextDecoder().decode(collectBytes((s) => writeCDump(Btf.parse(buildEdgeBtf()), s)));
  assert.not.ok(h71.includes('mode('));
  assert.not.ok(h71.includes('BPF kfuncs'));
});

test('edge: kfuncs sorted by name bytes, fastcall marked, other tags ignored', () => {
  const btf = Btf.parse(buildEdgeBtf());
  const q = typeQuery(btf);
  const k = collectKfuncs(q);
  const names = Array.from(k.ids, (id) => btf.type(id).name);
  assert.equal(names, [
    'bpf_arena',
    'bpf_fast',
    'bpf_twice',
    'bpf_twice',
    'bpf_zed',
    'bpf_\u00e9',
    'bpf_\uff21',
    'bpf_\u{1f600}',
  ]);
  assert.equal(Array.from(k.fastcall), [0, 1, 0, 0, 0, 0, 0, 0]);
  // The sorted dump's sort finds the DECL_TAGs and hands them over; the
  // unsorted dump's kfunc block makes its own pass: the same block.
  const block = (sort: boolean) => {
    const h = new TextDecoder().decode(
      collectBytes((s) => writeCDump(Btf.parse(buildEdgeBtf()), s, { bpftool: '7.8', sort })),
    );
    return h.slice(h.indexOf('/* BPF kfuncs */'));
  };
  assert.ok(block(true).includes('bpf_twice'));
  assert.is(block(true), block(false));
  // Tags handed over give the kfuncs the own pass gives.
  const tags = Uint32Array.from(
    Array.from({ length: q.typeCount }, (_, id) => id).filter(
      (id) => id > 0 && btf.type(id).kind === BTF_KIND_DECL_TAG,
    ),
  );
  const given = collectKfuncs(q, tags);
  assert.equal(Array.from(given.ids), Array.from(k.ids));
  assert.equal(Array.from(given.fastcall), Array.from(k.fastcall));
  // --type dumps have no kfunc block, as in bpftool.
  const only = new TextDecoder().decode(
    collectBytes((s) => writeCDump(btf, s, { bpftool: '7.8', typeNames: ['zeta'] })),
  );
  assert.not.ok(only.includes('BPF kfuncs'));
  assert.ok(only.includes('#ifndef __bpf_fastcall'));
});

test('edge: JSON writes a backslash as \\\\ with 7.8, as \\n with 7.1', () => {
  const btf = Btf.parse(buildEdgeBtf());
  const j78 = new TextDecoder().decode(collectBytes((s) => writeJsonDump(btf, s, { bpftool: '7.8' })));
  const j71 = new TextDecoder().decode(collectBytes((s) => writeJsonDump(btf, s)));
  assert.ok(j78.includes('"name":"back\\\\slash"'));
  assert.ok(j71.includes('"name":"back\\nslash"'));
});

// ------------------------------------------------------------------ CLI

test('cli: --bpftool 7.8 and BTFKIT_BPFTOOL=7.8 print 7.8; format c sorted unless --no-sort', async () => {
  for (const [args, env, ext] of [
    [['-f', 'c', '--bpftool', '7.8'], {}, 'h'],
    [['-f', 'c'], { BTFKIT_BPFTOOL: '7.8' }, 'h'],
    [['-f', 'c', '--no-sort'], { BTFKIT_BPFTOOL: '7.8' }, 'unsorted.h'],
    [['-j', '--bpftool', '7.8'], {}, 'json'],
  ] as const) {
    const r = await runCli(['dump', edge, ...args], env);
    assert.is(r.error, undefined, String(r.error));
    same(r.stdout, golden78(`edge.${ext}`), `btfkit dump ${args.join(' ')}`);
  }
  // The flag wins over the variable; 7.1 stays unsorted without kfuncs.
  const r = await runCli(['dump', edge, '-f', 'c', '--bpftool', '7.1'], { BTFKIT_BPFTOOL: '7.8' });
  assert.is(r.error, undefined, String(r.error));
  assert.not.ok(new TextDecoder().decode(r.stdout).includes('BPF kfuncs'));
});

test('cli: --bpftool takes 7.1 or 7.8 only; --no-sort needs format c', async () => {
  const bad = await runCli(['dump', edge, '--bpftool', '7.5']);
  assert.ok(bad.error);
  const raw = await runCli(['dump', edge, '--no-sort']);
  assert.ok(raw.error);
  const env = await runCli(['dump', edge], { BTFKIT_BPFTOOL: '7.5' });
  assert.match(String(env.error), /BTFKIT_BPFTOOL=7\.5: expected 7\.1 or 7\.8/);
});

test('cli: --type takes an id as root_id does (decimal, 0x hex, 0 octal); 7.8 refuses a repeated id and a 17th', async () => {
  const dec = await runCli(['dump', edge, '-f', 'c', '--type', '3']);
  assert.is(dec.error, undefined, String(dec.error));
  for (const spec of ['0x3', '0X03', '03', ' +3']) {
    const r = await runCli(['dump', edge, '-f', 'c', '--type', spec]);
    assert.is(r.error, undefined, `${spec}: ${String(r.error)}`);
    same(r.stdout, dec.stdout, `--type '${spec}'`);
  }
  for (const spec of ['3x', '08', '0x']) {
    const r = await runCli(['dump', edge, '-f', 'c', '--type', spec]);
    assert.match(String(r.error), new RegExp(`can't parse ${spec} as root ID`), spec);
  }
  // bpftool 7.8: `duplicate root_id 3 supplied`, status 234 (-EINVAL); 7.1 has no root_id.
  const dup = await runCli(['dump', edge, '-f', 'c', '--bpftool', '7.8', '--type', '3', '--type', '0x3']);
  assert.is((dup.error as { exitCode?: number }).exitCode, 234);
  assert.is(dup.stderr, 'btfkit: duplicate root_id 3 supplied\n');
  assert.is(dup.stdout.length, 0);
  const many = Array.from({ length: 17 }, (_, i) => ['--type', String(i + 1)]).flat();
  const e2big = await runCli(['dump', edge, '-f', 'c', '--bpftool', '7.8', ...many]);
  assert.is((e2big.error as { exitCode?: number }).exitCode, 249);
  assert.is(e2big.stderr, 'btfkit: only 16 root_id are supported\n');
  const dup71 = await runCli(['dump', edge, '-f', 'c', '--type', '3', '--type', '3']);
  assert.is(dup71.error, undefined, String(dup71.error));
});

// ------------------------------------------------------------------ live

const live = process.env['BTFKIT_BPFTOOL78'];
test(`live: ${live ?? 'BTFKIT_BPFTOOL78'} prints what btfkit --bpftool 7.8 prints (live)`, async () => {
  if (!live)
    return skip(
      'BTFKIT_BPFTOOL78 (a bpftool 7.8.0 binary) not set: 7.8 not compared live (committed 7.8 goldens still checked)',
      'env',
    );
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-78-'));
  try {
    const v = run(live, ['version']);
    assert.match(v.stdout.toString('utf8'), /v7\.8\./);
    for (const g of inputs) {
      let path = g.input;
      if (!path) {
        path = join(dir, `${g.name}.btf`);
        writeFileSync(path, inputBytes(g));
      }
      const btf = load(g);
      for (const { ext, args } of OUTPUTS) {
        const r = run(live, [
          ...(ext === 'json' ? ['-j'] : []),
          'btf',
          'dump',
          'file',
          path,
          ...args.slice(ext === 'json' ? 1 : 0),
        ]);
        assert.is(r.status, 0, r.stderr.toString());
        same(dump78(btf, ext), new Uint8Array(r.stdout), `${g.name}.${ext} (live)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`live: ${live ?? 'BTFKIT_BPFTOOL78'} root_id forms and refusals as btfkit --bpftool 7.8 (live)`, async () => {
  if (!live) return skip('BTFKIT_BPFTOOL78 (a bpftool 7.8.0 binary) not set: root_id not compared live', 'env');
  const ours = await runCli(['dump', edge, '-f', 'c', '--bpftool', '7.8', '--type', '0x3', '--type', '05']);
  const theirs = run(live, ['btf', 'dump', 'file', edge, 'format', 'c', 'root_id', '0x3', 'root_id', '05']);
  assert.is(theirs.status, 0, theirs.stderr.toString());
  same(ours.stdout, new Uint8Array(theirs.stdout), 'root_id 0x3 root_id 05');
  const dup = run(live, ['btf', 'dump', 'file', edge, 'format', 'c', 'root_id', '3', 'root_id', '0x3']);
  const mine = await runCli(['dump', edge, '-f', 'c', '--bpftool', '7.8', '--type', '3', '--type', '0x3']);
  assert.is(dup.status, (mine.error as { exitCode?: number }).exitCode);
  assert.is(mine.stderr.replace(/^btfkit: /, 'Error: '), dup.stderr.toString());
});

test.run();
