/**
 * Integration: every golden object dumps exactly as bpftool v7.1.0 printed it
 * (raw and JSON, committed under golden/expected/), through the library and
 * through `btfkit dump`; the running kernel's BTF dumps exactly as bpftool
 * prints it live (raw and pretty JSON).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Btf } from '../lib/btf.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { jsonDump, rawDump, writeJsonDump, writeRawDump } from '../lib/dump/raw.js';
import {
  VMLINUX,
  firstDiff,
  goldenObjects,
  readBytes,
  repoPath,
  runCli,
  sameBytes,
  text,
  vmlinuxBytes,
} from './helpers/golden.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';
import { parseBtf } from '../lib/object/open.js';

const golden = goldenObjects().map((g) => ({
  ...g,
  bytes: readBytes(g.obj),
  rawExp: readBytes(g.raw),
  jsonExp: readBytes(g.json),
}));
const vmlinux = vmlinuxBytes();
const bpftool = hasTool('bpftool');
const NO_BPFTOOL = 'bpftool not installed: live comparisons not run (committed goldens still checked)';
const namesPath = repoPath('test', 'fixtures', 'btf', 'names.btf');
const names = {
  btf: readBytes(namesPath),
  raw: readBytes(repoPath('test', 'fixtures', 'btf', 'names.raw.txt')),
  json: readBytes(repoPath('test', 'fixtures', 'btf', 'names.json')),
  pretty: readBytes(repoPath('test', 'fixtures', 'btf', 'names.pretty.json')),
};

const rawOf = (btf: Btf): Uint8Array => collectBytes((s) => writeRawDump(btf, s));
const jsonOf = (btf: Btf, pretty = false): Uint8Array => collectBytes((s) => writeJsonDump(btf, s, { pretty }));

/** Compares bytes; on a difference, shows a line diff of the text. */
function sameOutput(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (sameBytes(actual, expected)) return;
  const at = firstDiff(actual, expected);
  assert.fixture(text(actual), text(expected), `${what}: first difference at byte ${at}`);
  assert.unreachable(`${what}: bytes differ at ${at} (text equal after UTF-8 decoding)`);
}

test('the corpus is complete', () => {
  assert.ok(golden.length >= 25, `only ${golden.length} golden objects`);
  assert.ok(
    golden.some((g) => g.bigEndian),
    'no big-endian objects',
  );
  assert.ok(golden.some((g) => g.name === 'merge/linked'));
});

for (const g of golden) {
  test(`${g.name}: rawDump()/jsonDump() strings equal the goldens`, () => {
    const btf = parseBtf(g.bytes, { file: g.obj });
    assert.fixture(rawDump(btf), text(g.rawExp));
    assert.fixture(jsonDump(btf), text(g.jsonExp));
  });

  test(`${g.name}: raw dump equals bpftool's`, () => {
    const btf = parseBtf(g.bytes, { file: g.obj });
    sameOutput(rawOf(btf), g.rawExp, g.name);
  });

  test(`${g.name}: JSON dump equals bpftool -j`, () => {
    const btf = parseBtf(g.bytes, { file: g.obj });
    sameOutput(jsonOf(btf), g.jsonExp, g.name);
  });

  test(`${g.name}: btfkit dump and dump -j print the same bytes`, async () => {
    const r = await runCli(['dump', g.obj]);
    assert.is(r.error, undefined, String(r.error));
    assert.is(r.stderr, '');
    sameOutput(r.stdout, g.rawExp, `btfkit dump ${g.name}`);
    const j = await runCli(['dump', '-j', g.obj]);
    assert.is(j.error, undefined, String(j.error));
    sameOutput(j.stdout, g.jsonExp, `btfkit dump -j ${g.name}`);
  });
}

test('names with quotes, backslashes, control bytes and invalid UTF-8 print byte for byte as bpftool prints them', () => {
  const btf = parseBtf(names.btf);
  sameOutput(rawOf(btf), names.raw, 'names raw');
  sameOutput(jsonOf(btf), names.json, 'names -j');
  sameOutput(jsonOf(btf, true), names.pretty, 'names -p');
});

test('names: bpftool prints the committed bytes (live)', () => {
  if (!bpftool) return skip(NO_BPFTOOL);
  sameOutput(run('bpftool', ['btf', 'dump', 'file', namesPath]).stdout, names.raw, 'names raw (live)');
  sameOutput(run('bpftool', ['-j', 'btf', 'dump', 'file', namesPath]).stdout, names.json, 'names -j (live)');
  sameOutput(run('bpftool', ['-p', 'btf', 'dump', 'file', namesPath]).stdout, names.pretty, 'names -p (live)');
});

test('empty containers and a BTF without types print as bpftool prints them (live)', () => {
  if (!bpftool) return skip(NO_BPFTOOL);
  const full = Btf.empty();
  const int = full.addInt('int', 4, 1);
  full.addStruct('no_members', 0);
  full.addUnion(null, 0);
  full.addEnum('no_values', 4);
  full.addFuncProto(int);
  full.addDatasec('.bss', 0);
  full.addEnum('big', 4);
  full.addEnumValue('B', 0x80000000);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-golden-'));
  try {
    for (const [what, btf] of [
      ['empty containers', full],
      ['no types', Btf.empty()],
    ] as const) {
      const file = join(dir, 'x.btf');
      writeFileSync(file, btf.rawData());
      const back = parseBtf(btf.rawData());
      sameOutput(rawOf(back), run('bpftool', ['btf', 'dump', 'file', file]).stdout, `${what} raw`);
      sameOutput(jsonOf(back), run('bpftool', ['-j', 'btf', 'dump', 'file', file]).stdout, `${what} -j`);
      sameOutput(jsonOf(back, true), run('bpftool', ['-p', 'btf', 'dump', 'file', file]).stdout, `${what} -p`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('golden objects: pretty JSON equals bpftool -p (live)', () => {
  if (!bpftool) return skip(NO_BPFTOOL);
  for (const g of golden) {
    const r = run('bpftool', ['-p', 'btf', 'dump', 'file', g.obj]);
    assert.is(r.status, 0, r.stderr);
    sameOutput(jsonOf(parseBtf(g.bytes), true), r.stdout, `${g.name} -p`);
  }
});

const NO_VMLINUX = `${VMLINUX} not readable: the kernel BTF not compared`;
const kernel = vmlinux ? parseBtf(vmlinux, { file: VMLINUX }) : null;

test('vmlinux: raw dump equals bpftool (live)', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!bpftool) return skip(NO_BPFTOOL);
  const r = run('bpftool', ['btf', 'dump', 'file', VMLINUX]);
  assert.is(r.status, 0, r.stderr);
  sameOutput(rawOf(kernel), r.stdout, 'vmlinux raw');
});

test('vmlinux: pretty JSON equals bpftool -p (live)', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!bpftool) return skip(NO_BPFTOOL);
  const r = run('bpftool', ['-p', 'btf', 'dump', 'file', VMLINUX]);
  assert.is(r.status, 0, r.stderr);
  sameOutput(jsonOf(kernel, true), r.stdout, 'vmlinux -p');
});

test('vmlinux: btfkit dump with no FILE prints the kernel BTF as the library does', async () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  const r = await runCli(['dump']);
  assert.is(r.error, undefined, String(r.error));
  sameOutput(r.stdout, rawOf(kernel), 'btfkit dump');
});

test.run();
