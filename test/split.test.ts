/**
 * Split BTF (module BTF over vmlinux): ids and string offsets continue after
 * the base; dumps equal `bpftool btf dump file X -B BASE`; `addBtf` into an
 * empty split BTF gives libbpf's bytes. Fixtures: test/fixtures/btf/README.md.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { jsonDump, rawDump } from '../lib/dump/raw.js';
import { cDump } from '../lib/dump/c.js';
import { isInputError } from '../lib/errors.js';
import { BTF_KIND_STRUCT } from '../lib/kinds.js';
import {
  VMLINUX,
  goldenObject,
  readBytes,
  readText,
  repoPath,
  runCli,
  sameBytes,
  text,
  vmlinuxBytes,
} from './helpers/golden.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';
import { parseBtf } from '../lib/object/open.js';
import { checkBtf } from '../lib/check/index.js';

const fx = (name: string): string => repoPath('test', 'fixtures', 'btf', name);
const basePath = goldenObject('sched_switch_stats').obj;
const baseBytes = readBytes(basePath);
const addedPath = goldenObject('kprobe_latency').obj;
const addedBytes = readBytes(addedPath);
const splitBytes = readBytes(fx('split-golden.btf'));
const dedupBytes = readBytes(fx('split-golden.dedup.btf'));
const splitRaw = readText(fx('split-golden.raw.txt'));
const dedupRaw = readText(fx('split-golden.dedup.raw.txt'));
const dedupJson = readText(fx('split-golden.dedup.json'));
const vmSplitBytes = readBytes(fx('split-vmlinux.btf'));
const vmSplitRaw = readText(fx('split-vmlinux.raw.txt'));
const vmSplitBase = Object.fromEntries(
  readText(fx('split-vmlinux.base.txt'))
    .trim()
    .split('\n')
    .map((l) => l.split(' ') as [string, string]),
);
const vmlinux = vmlinuxBytes();
const bpftool = hasTool('bpftool');

const vmlinuxMatches = vmlinux !== null && createHash('sha256').update(vmlinux).digest('hex') === vmSplitBase['sha256'];
const NO_VMLINUX = `${VMLINUX} not readable: splits over the kernel BTF not checked`;
const NO_BPFTOOL = 'bpftool not installed: live bpftool -B comparisons not run (committed dumps still checked)';

function parseErr(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isInputError(e), String(e));
    return (e as { code: string }).code;
  }
  return 'ok';
}

test('ids and string offsets continue after the base', () => {
  const base = parseBtf(baseBytes);
  const split = parseBtf(dedupBytes, { base });
  assert.is(split.startId, base.typeCount);
  assert.is(split.startId, 499);
  assert.is(split.startStrOff, base.strLen);
  assert.is(split.typeCount, base.typeCount + split.nrTypes);
  assert.is(split.nrTypes, dedupRaw.split('\n').filter((l) => l.startsWith('[')).length);
  assert.equal([...split.ids()].slice(0, 2), [499, 500]);
  // every split name offset is either a base string or past the base strings
  for (const id of split.ids()) {
    const off = split.type(id).nameOff;
    assert.ok(off === 0 || off < base.strLen || off >= split.startStrOff);
    assert.is(split.nameOf(id), split.str(off));
  }
  // base types are reachable through the split BTF
  assert.is(split.nameOf(2), base.nameOf(2));
  assert.equal(split.inflate(5), base.inflate(5));
  assert.is(split.findByName('int')!, base.findByName('int')!, 'the base is searched first');
  const own = [...split.ids()].find((id) => split.kindOf(id) === BTF_KIND_STRUCT)!;
  assert.is(
    split.findByName(split.nameOf(own), BTF_KIND_STRUCT)!,
    base.findByName(split.nameOf(own), BTF_KIND_STRUCT)! ?? own,
  );
  assert.ok(split.resolveSize(own) > 0);
  assert.is(split.pointerSize(), 8);
});

test('split dumps equal bpftool -B (committed)', () => {
  const base = parseBtf(baseBytes);
  assert.fixture(rawDump(parseBtf(splitBytes, { base })), splitRaw);
  const dedup = parseBtf(dedupBytes, { base });
  assert.fixture(rawDump(dedup), dedupRaw);
  assert.fixture(jsonDump(dedup), dedupJson);
});

test('btfkit dump --base / -B prints the same bytes', async () => {
  for (const flag of ['--base', '-B']) {
    const r = await runCli(['dump', fx('split-golden.dedup.btf'), flag, basePath]);
    assert.is(r.error, undefined, String(r.error));
    assert.fixture(text(r.stdout), dedupRaw);
  }
  const j = await runCli(['dump', '-j', fx('split-golden.dedup.btf'), '-B', basePath]);
  assert.fixture(text(j.stdout), dedupJson);
});

test("addBtf into an empty split BTF gives libbpf's bytes (btf__new_empty_split + btf__add_btf)", () => {
  const base = parseBtf(baseBytes);
  const split = Btf.empty({ base });
  const first = split.addBtf(parseBtf(addedBytes));
  assert.is(first, base.typeCount);
  assert.ok(sameBytes(split.rawData(), splitBytes), 'bytes differ from split-golden.btf');
});

test('split BTF round trips: identity, other byte order, layout', () => {
  const base = parseBtf(baseBytes);
  for (const bytes of [splitBytes, dedupBytes]) {
    const split = parseBtf(bytes, { base });
    assert.ok(sameBytes(split.rawData(), bytes));
    split.ensureModifiable();
    assert.ok(sameBytes(split.rawData(), bytes), 'rebuilt');
    split.setEndianness('big');
    const be = parseBtf(split.rawData(), { base });
    assert.ok(be.bigEndian);
    assert.is(rawDump(be), rawDump(parseBtf(bytes, { base })));
    be.setEndianness('little');
    assert.ok(sameBytes(be.rawData(), bytes), 'swapped back');
    be.setLayout(true);
    const withLayout = parseBtf(be.rawData(), { base });
    assert.is(rawDump(withLayout), rawDump(parseBtf(bytes, { base })));
  }
});

test('a split BTF parsed without its base is an input error; over the wrong base, level 1 reads it as libbpf does and level 2 refuses it', () => {
  assert.not.equal(
    parseErr(() => parseBtf(dedupBytes)),
    'ok',
  );
  const small = parseBtf(readBytes(goldenObject('xdp_pkt_counter').obj));
  // libbpf 1.1.2's btf__new_split checks no type id or string offset
  const wrong = parseBtf(dedupBytes, { base: small });
  assert.is(wrong.startId, small.typeCount);
  for (const dump of [() => rawDump(wrong), () => jsonDump(wrong), () => cDump(wrong)]) {
    try {
      dump();
    } catch (e) {
      assert.ok(isInputError(e), String(e));
    }
  }
  assert.not.ok(checkBtf(wrong).ok);
});

test('new types and strings of a split BTF continue after the base; a split of a split continues after both', () => {
  const base = parseBtf(baseBytes);
  const mid = parseBtf(dedupBytes, { base });
  const top = Btf.empty({ base: mid });
  assert.is(top.startId, mid.typeCount);
  assert.is(top.startStrOff, base.strLen + mid.strLen);
  const s = top.addStr('only_in_top');
  assert.is(s, top.startStrOff);
  assert.is(top.addStr(mid.nameOf(mid.startId + 4)), mid.type(mid.startId + 4).nameOff || 0);
  const p = top.addPtr(mid.startId + 4);
  assert.is(p, mid.typeCount);
  const st = top.addStruct('only_in_top', 8);
  top.addField('base_int', base.findByName('int')!, 0, 0);
  const back = parseBtf(top.rawData(), { base: mid });
  assert.is(back.startId, p);
  assert.is(back.nameOf(st), 'only_in_top');
  assert.is(back.type(st).members()[0]!.name, 'base_int');
  assert.is(back.resolveSize(p), 8);
  assert.is(back.findByName('only_in_top')!, st);
});

test('split dumps equal bpftool -B (live)', () => {
  if (!bpftool) return skip(NO_BPFTOOL);
  const r = run('bpftool', ['btf', 'dump', 'file', fx('split-golden.dedup.btf'), '-B', basePath]);
  assert.is(r.status, 0, r.stderr);
  assert.fixture(rawDump(parseBtf(dedupBytes, { base: parseBtf(baseBytes) })), r.stdout.toString());
  const p = run('bpftool', ['-p', 'btf', 'dump', 'file', fx('split-golden.dedup.btf'), '-B', basePath]);
  assert.fixture(jsonDump(parseBtf(dedupBytes, { base: parseBtf(baseBytes) }), { pretty: true }), p.stdout.toString());
});

const kernel = vmlinux ? parseBtf(vmlinux, { file: VMLINUX }) : null;

test('split over vmlinux: ids continue at the kernel type count; dump equals bpftool -B (committed)', async () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!vmlinuxMatches)
    return skip(`${VMLINUX} is not the kernel split-vmlinux.btf was made on: its committed comparison not run`, 'env');
  const split = parseBtf(vmSplitBytes, { base: kernel });
  assert.is(split.startId, Number(vmSplitBase['type_count']));
  assert.is(split.startStrOff, Number(vmSplitBase['str_len']));
  assert.fixture(rawDump(split), vmSplitRaw);
  assert.ok(sameBytes(split.rawData(), vmSplitBytes));
  const r = await runCli(['dump', fx('split-vmlinux.btf'), '--base', VMLINUX]);
  assert.is(r.error, undefined, String(r.error));
  assert.fixture(text(r.stdout), vmSplitRaw);
});

test('a fresh split over the running kernel dumps as bpftool -B prints it (live)', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!bpftool) return skip(NO_BPFTOOL);
  const split = Btf.empty({ base: kernel });
  split.addBtf(parseBtf(addedBytes));
  assert.is(split.startId, kernel.typeCount);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-split-'));
  try {
    const file = join(dir, 'split.btf');
    writeFileSync(file, split.rawData());
    const r = run('bpftool', ['btf', 'dump', 'file', file, '-B', VMLINUX]);
    assert.is(r.status, 0, r.stderr);
    assert.fixture(rawDump(parseBtf(readBytes(file), { base: kernel })), r.stdout.toString());
    const j = run('bpftool', ['-j', 'btf', 'dump', 'file', file, '-B', VMLINUX]);
    assert.fixture(jsonDump(parseBtf(readBytes(file), { base: kernel })), j.stdout.toString());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
