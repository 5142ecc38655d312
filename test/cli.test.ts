/**
 * The command line: `dump`, `convert` and `stats` run in-process through
 * `createProgram(memoryIo())` (commander's exitOverride: nothing exits), and
 * the installed binary (package.json's bin, the bundled CLI) for exit codes and the one-line
 * error format.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBtf } from '../lib/object/open.js';
import { rawDump } from '../lib/dump/raw.js';
import { isBtfError } from '../lib/errors.js';
import { ELEM_WORDS, INFO_WORDS, NR_BTF_KINDS } from '../lib/kinds.js';
import { Strings, intRec, rawBtf, rec } from './helpers/gen.js';
import { VERSION } from '../cli/program.js';
import {
  BIN,
  ROOT,
  btfSection,
  goldenObject,
  goldenObjects,
  readBytes,
  readText,
  repoPath,
  runCli,
  sameBytes,
  text,
} from './helpers/golden.js';
import { hasTool, run } from './helpers/tools.js';
import { skip } from './helpers/skip.js';
import { scratchDir } from './helpers/scratch.js';

const xdp = goldenObject('xdp_pkt_counter');
const xdpBE = goldenObject('xdp_pkt_counter.bpfeb');
const xdpRaw = readText(xdp.raw);
const xdpJson = readText(xdp.json);
const xdpSec = btfSection(readBytes(xdp.obj));
const statsTsv = readText(repoPath('golden', 'expected', 'stats.tsv'))
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'));
const pkg = JSON.parse(readText(repoPath('package.json'))) as { version: string };
const bin = BIN;
const converted = goldenObjects()
  .filter((o) => !o.name.startsWith('merge/'))
  .slice(0, 6)
  .concat([xdpBE])
  .map((g) => ({ ...g, rawText: readText(g.raw), leSec: btfSection(readBytes(g.obj.replace('.bpfeb.o', '.o'))) }));
const splitBase = goldenObject('sched_switch_stats').obj;
const splitFile = repoPath('test', 'fixtures', 'btf', 'split-golden.dedup.btf');
const splitRaw = readText(repoPath('test', 'fixtures', 'btf', 'split-golden.dedup.raw.txt'));

const work = scratchDir('cli');
let n = 0;
/** Returns a fresh empty directory. */
const freshDir = (): string => {
  const d = join(work, `d${n++}`);
  mkdirSync(d);
  return d;
};

// -------------------------------------------------------------------- dump

test('dump FILE prints the raw dump; -j and -p the JSON ones', async () => {
  const r = await runCli(['dump', xdp.obj]);
  assert.is(r.error, undefined, String(r.error));
  assert.fixture(text(r.stdout), xdpRaw);
  assert.is(r.stderr, '');
  const j = await runCli(['dump', '-j', xdp.obj]);
  assert.fixture(text(j.stdout), xdpJson);
  const p = await runCli(['dump', '-p', xdp.obj]);
  const pretty = text(p.stdout);
  assert.ok(pretty.startsWith('{\n    "types": [{\n'), pretty.slice(0, 40));
  assert.equal(JSON.parse(pretty), JSON.parse(xdpJson));
  const f = await runCli(['dump', '--format', 'raw', xdpBE.obj]);
  assert.fixture(text(f.stdout), xdpRaw, 'a big-endian object dumps like its twin');
});

test('dump of raw BTF (either byte order) equals dump of the object', async () => {
  const dir = freshDir();
  writeFileSync(join(dir, 'le.btf'), xdpSec);
  const be = parseBtf(xdpSec);
  be.setEndianness('big');
  writeFileSync(join(dir, 'be.btf'), be.rawData());
  for (const f of ['le.btf', 'be.btf']) {
    const r = await runCli(['dump', join(dir, f)]);
    assert.is(r.error, undefined, String(r.error));
    assert.fixture(text(r.stdout), xdpRaw);
  }
});

test('--version and --help', async () => {
  const v = await runCli(['--version']);
  assert.instance(v.error, CommanderError);
  assert.is((v.error as CommanderError).code, 'commander.version');
  assert.is(text(v.stdout).trim(), pkg.version);
  assert.is(VERSION, pkg.version, 'cli/program.ts VERSION is in step with package.json');
  for (const cmd of ['dump', 'convert', 'stats']) {
    const h = await runCli([cmd, '--help']);
    assert.instance(h.error, CommanderError);
    assert.is((h.error as CommanderError).exitCode, 0);
    assert.match(text(h.stdout), new RegExp(`Usage: btfkit ${cmd}`));
  }
});

// ------------------------------------------------------------------ errors

test('usage errors are CommanderErrors with a non-zero exit code', async () => {
  for (const args of [
    ['dump', '--bogus', xdp.obj],
    ['frobnicate'],
    ['convert', xdp.obj],
    ['convert', xdp.obj, '-o'],
    ['convert', xdp.obj, '-o', join(work, 'x.btf'), '--endian', 'middle'],
    ['dump', '--format', 'yaml', xdp.obj],
    ['stats', xdp.obj, 'extra'],
  ]) {
    const r = await runCli(args);
    assert.instance(r.error, CommanderError, args.join(' '));
    assert.ok((r.error as CommanderError).exitCode !== 0, args.join(' '));
    assert.ok(r.stderr.length > 0, `${args.join(' ')}: says why`);
  }
});

test('a missing file is a BtfError naming the file', async () => {
  const missing = join(work, 'no-such-file.o');
  for (const args of [
    ['dump', missing],
    ['stats', missing],
    ['convert', missing, '-o', join(work, 'out.btf')],
    ['dump', xdp.obj, '--base', missing],
  ]) {
    const r = await runCli(args);
    assert.ok(isBtfError(r.error), `${args.join(' ')}: ${String(r.error)}`);
    const e = r.error as { file?: string; message: string; code: string };
    assert.is(e.file, missing);
    assert.is(e.code, 'EIO');
    assert.match(e.message, /no such file/);
  }
  assert.not.ok(existsSync(join(work, 'out.btf')));
});

test('a malformed file is a BtfError naming the file and the offset', async () => {
  const dir = freshDir();
  const bad = xdpSec.slice();
  bad[8] = 2; // type_off: the types run into the strings
  writeFileSync(join(dir, 'bad.btf'), bad);
  const r = await runCli(['dump', join(dir, 'bad.btf')]);
  assert.ok(isBtfError(r.error), String(r.error));
  const e = r.error as { file?: string; offset?: number; message: string };
  assert.is(e.file, join(dir, 'bad.btf'));
  assert.is(e.offset, 8);
  assert.match(e.message, /runs into the string section.*\(offset 0x8\)$/);
  assert.is(r.stdout.length, 0, 'nothing printed');
});

// ----------------------------------------------------------------- convert

test('convert from an object extracts .BTF as raw BTF', async () => {
  const dir = freshDir();
  const out = join(dir, 'x.btf');
  const r = await runCli(['convert', xdp.obj, '-o', out]);
  assert.is(r.error, undefined, String(r.error));
  assert.ok(sameBytes(readBytes(out), xdpSec));
  assert.equal(readdirSync(dir), ['x.btf'], 'only the output file');
});

test('convert --endian big then dump equals the original dump; --endian little restores the bytes', async () => {
  const dir = freshDir();
  for (const g of converted) {
    const be = join(dir, 'be.btf');
    const r = await runCli(['convert', g.obj, '-o', be, '--endian', 'big']);
    assert.is(r.error, undefined, String(r.error));
    const bytes = readBytes(be);
    assert.equal([bytes[0], bytes[1]], [0xeb, 0x9f], `${g.name}: big-endian magic`);
    const d = await runCli(['dump', be]);
    assert.fixture(text(d.stdout), g.rawText);
    const le = join(dir, 'le.btf');
    await runCli(['convert', be, '-o', le, '--endian', 'little']);
    assert.ok(sameBytes(readBytes(le), g.leSec), `${g.name}: back to little`);
  }
});

test('convert --layout writes a 32-byte header with a layout section; --no-layout drops it', async () => {
  const dir = freshDir();
  const withLayout = join(dir, 'layout.btf');
  assert.is((await runCli(['convert', xdp.obj, '-o', withLayout, '--layout'])).error, undefined);
  const b = readBytes(withLayout);
  const dv = new DataView(b.buffer, b.byteOffset);
  assert.is(dv.getUint32(4, true), 32);
  assert.ok(dv.getUint32(28, true) > 0, 'layout_len');
  assert.fixture(text((await runCli(['dump', withLayout])).stdout), xdpRaw);
  const dropped = join(dir, 'plain.btf');
  assert.is((await runCli(['convert', withLayout, '-o', dropped, '--no-layout'])).error, undefined);
  const p = readBytes(dropped);
  assert.is(new DataView(p.buffer, p.byteOffset).getUint32(28, true), 0, 'layout_len dropped');
  assert.fixture(text((await runCli(['dump', dropped])).stdout), xdpRaw);
  // --layout on big-endian output
  const beLayout = join(dir, 'be-layout.btf');
  assert.is((await runCli(['convert', xdp.obj, '-o', beLayout, '--layout', '--endian', 'big'])).error, undefined);
  assert.fixture(rawDump(parseBtf(readBytes(beLayout))), xdpRaw);
});

test('kinds known only from the layout section: dump reads them; dedup, merge and convert --no-layout refuse with one error naming the kind and the file', async () => {
  const dir = freshDir();
  const s = new Strings();
  const types = [...intRec(s.off('int'), 4, 1), ...rec(25, s.off('mystery'), 1, 7, [1, 2])];
  const layout = new Uint8Array(26 * 4);
  for (let k = 0; k < NR_BTF_KINDS; k++) {
    layout[k * 4] = INFO_WORDS[k]! * 4;
    layout[k * 4 + 1] = ELEM_WORDS[k]! * 4;
  }
  layout[25 * 4 + 1] = 8;
  const file = join(dir, 'layout.btf');
  writeFileSync(file, rawBtf({ types, strings: s.bytes(), layout }));
  const dump = await runCli(['dump', file]);
  assert.is(dump.error, undefined, String(dump.error));
  for (const args of [
    ['dedup', file, '-o', join(dir, 'd.btf')],
    ['merge', file, '-o', join(dir, 'm.btf')],
    ['convert', file, '--no-layout', '-o', join(dir, 'c.btf')],
  ]) {
    const r = await runCli(args);
    assert.ok(isBtfError(r.error), `${args[0]}: ${String(r.error)}`);
    const e = r.error as { file?: string; typeId?: number; message: string };
    assert.is(e.file, file, args[0]);
    assert.is(e.typeId, 2, args[0]);
    assert.match(e.message, /type \[2\] kind 25: /, args[0]);
  }
  assert.equal(readdirSync(dir), ['layout.btf'], 'no output written');
  const kept = await runCli(['convert', file, '--endian', 'big', '-o', join(dir, 'be.btf')]);
  assert.is(kept.error, undefined, 'convert that keeps the layout section works');
});

test('convert writes atomically: a failure leaves no temporary file and no clobbered output', async () => {
  // a bad input: the existing output stays as it was
  const dir = freshDir();
  const out = join(dir, 'out.btf');
  writeFileSync(out, 'precious');
  const bad = join(dir, 'bad.btf');
  writeFileSync(bad, xdpSec.subarray(0, 100));
  const r1 = await runCli(['convert', bad, '-o', out]);
  assert.ok(isBtfError(r1.error), String(r1.error));
  assert.is(readText(out), 'precious');
  assert.equal(readdirSync(dir).sort(), ['bad.btf', 'out.btf']);
  // the output path is a directory: the rename fails after the data was written
  const dir2 = freshDir();
  mkdirSync(join(dir2, 'out.btf'));
  writeFileSync(join(dir2, 'out.btf', 'inside'), 'x');
  const r2 = await runCli(['convert', xdp.obj, '-o', join(dir2, 'out.btf')]);
  assert.ok(isBtfError(r2.error), String(r2.error));
  assert.is((r2.error as { file?: string }).file, join(dir2, 'out.btf'));
  assert.equal(readdirSync(dir2), ['out.btf'], 'no temporary file left behind');
  // a missing output directory
  const r3 = await runCli(['convert', xdp.obj, '-o', join(work, 'no', 'such', 'dir', 'x.btf')]);
  assert.ok(isBtfError(r3.error), String(r3.error));
  assert.not.ok(existsSync(join(work, 'no')));
  // success replaces the file in one step
  const r4 = await runCli(['convert', xdp.obj, '-o', out]);
  assert.is(r4.error, undefined);
  assert.ok(sameBytes(readBytes(out), xdpSec));
  assert.equal(readdirSync(dir).sort(), ['bad.btf', 'out.btf']);
});

test('convert to a FIFO (or a device such as /dev/stdout) writes into it instead of replacing it', async () => {
  if (!hasTool('mkfifo')) return skip('mkfifo not installed: output into a FIFO not checked');
  const dir = freshDir();
  const fifo = join(dir, 'pipe');
  assert.is(run('mkfifo', [fifo]).status, 0);
  const reader = spawn('cat', [fifo]);
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
  const r = await runCli(['convert', xdp.obj, '-o', fifo]);
  if (!statSync(fifo).isFIFO()) {
    reader.kill();
    assert.unreachable('the FIFO was replaced by a regular file');
  }
  await done;
  assert.is(r.error, undefined, String(r.error));
  assert.ok(sameBytes(new Uint8Array(Buffer.concat(chunks)), xdpSec));
  assert.equal(readdirSync(dir), ['pipe']);
});

test('convert of split BTF needs and keeps its base', async () => {
  const dir = freshDir();
  const out = join(dir, 'split-be.btf');
  const r = await runCli(['convert', splitFile, '--base', splitBase, '-o', out, '--endian', 'big']);
  assert.is(r.error, undefined, String(r.error));
  const d = await runCli(['dump', out, '-B', splitBase]);
  assert.fixture(text(d.stdout), splitRaw);
  // without its base, the split part does not parse
  assert.ok(isBtfError((await runCli(['dump', splitFile])).error));
});

// ------------------------------------------------------------------- stats

test('stats -j agrees with golden/expected/stats.tsv for every object', async () => {
  assert.ok(statsTsv.length >= 17);
  for (const [obj, types, btfBytes, , kinds] of statsTsv) {
    // stats.tsv names the linked object golden/merge/linked.o; it lives in golden/expected/merge/
    const path = obj === 'golden/merge/linked.o' ? goldenObject('merge/linked').obj : repoPath('golden', obj!);
    const r = await runCli(['stats', '-j', path]);
    assert.is(r.error, undefined, String(r.error));
    const s = JSON.parse(text(r.stdout)) as {
      types: number;
      totalBytes: number;
      kinds: Record<string, number>;
      endian: string;
      firstId: number;
    };
    assert.is(s.types, Number(types), obj);
    assert.is(s.totalBytes, Number(btfBytes), obj);
    assert.equal(Object.keys(s.kinds).sort(), kinds!.split(',').sort(), obj);
    assert.is(
      Object.values(s.kinds).reduce((a, b) => a + b, 0),
      s.types,
    );
    assert.is(s.endian, obj!.includes('bpfeb') ? 'big' : 'little');
    assert.is(s.firstId, 1);
  }
});

test('stats prints a readable summary', async () => {
  const r = await runCli(['stats', xdp.obj]);
  assert.is(r.error, undefined, String(r.error));
  const out = text(r.stdout);
  assert.match(out, /^types +51 \(ids 1\.\.51\)$/m);
  assert.match(out, /^ +STRUCT +4$/m);
  assert.match(out, /^total bytes +2405 \(little-endian\)$/m);
});

// ------------------------------------------------------------------ binary

test('the binary: exit 0 and output on success', () => {
  const r = run(process.execPath, [bin, 'dump', xdp.obj], { cwd: ROOT });
  assert.is(r.status, 0, r.stderr);
  assert.fixture(r.stdout.toString(), xdpRaw);
  const v = run(process.execPath, [bin, '--version']);
  assert.is(v.status, 0);
  assert.is(v.stdout.toString().trim(), pkg.version);
});

test('the binary: a bad input exits 1 with one line `btfkit: FILE: ...`', () => {
  const dir = freshDir();
  const bad = join(dir, 'bad.btf');
  writeFileSync(bad, xdpSec.subarray(0, 50));
  for (const [file, re] of [
    [bad, /^btfkit: .*bad\.btf: .+\(offset 0x[0-9a-f]+\)$/],
    [join(dir, 'missing.o'), /^btfkit: .*missing\.o: no such file$/],
  ] as const) {
    const r = run(process.execPath, [bin, 'dump', file]);
    assert.is(r.status, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, re);
    assert.ok(lines[0]!.includes(file), lines[0]);
    assert.is(r.stdout.length, 0);
  }
  // BTFKIT_DEBUG=1 adds the stack
  const d = spawnDebug(bad);
  assert.is(d.status, 1);
  assert.match(d.stderr, /\n\s+at /);
});

test('the binary: a usage error exits 2', () => {
  for (const args of [['dump', '--bogus'], ['convert', xdp.obj], ['nope']]) {
    const r = run(process.execPath, [bin, ...args]);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.length > 0);
  }
});

function spawnDebug(file: string) {
  const prev = process.env['BTFKIT_DEBUG'];
  process.env['BTFKIT_DEBUG'] = '1';
  try {
    return run(process.execPath, [bin, 'dump', file]);
  } finally {
    if (prev === undefined) delete process.env['BTFKIT_DEBUG'];
    else process.env['BTFKIT_DEBUG'] = prev;
  }
}

test.run();
