/**
 * Many inputs in one process (cli/batch.ts, issue 17 "Beyond the C tools"):
 * `dump FILE...`, a directory and `-O DIR` print for each file exactly what
 * the one-file command prints (in-process, on the golden objects), and, run
 * as users run it (the bundle, worker threads), what bpftool prints per
 * module of a real kernel; one bad file among many prints its one-line
 * error, the others complete, and the status is 1.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { BTF_INT_SIGNED } from '../lib/kinds.js';
import { BIN, firstDiff, repoPath, runCli, sameBytes } from './helpers/golden.js';
import { cachedKernels, kernelModules, missingKernels, sampleModules } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';
import { hasTool } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

// Raw BTF files take the vmlinux.btf beside them or in their parent as their base:
// the work directory sits inside a directory of its own, so that a vmlinux.btf
// left in the system's temporary directory is never found.
const top = scratchDir('batch');
const work = mkdtempSync(join(top, 'work-'));

const OBJS = ['global_data_layout.o', 'kprobe_latency.o', 'exec_ringbuf.o'].map((n) => repoPath('golden', 'obj', n));
const enc = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Returns the one-file command's output for each file, joined as a batch prints them on stdout. */
async function expectedStdout(
  files: readonly string[],
  args: readonly string[],
  command = 'dump',
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < files.length; i++) {
    const one = await runCli([command, ...args, files[i]!]);
    assert.is(one.error, undefined);
    parts.push(enc.encode(`${i > 0 ? '\n' : ''}==> ${files[i]} <==\n`), one.stdout);
  }
  return concat(parts);
}

for (const args of [[], ['-j'], ['-p'], ['-f', 'c']]) {
  test(`dump ${args.join(' ')} FILE...: each file as the one-file command prints it, after its header`, async () => {
    const r = await runCli(['dump', ...args, ...OBJS]);
    assert.is(r.error, undefined, String(r.error));
    assert.is(r.stderr, '');
    const want = await expectedStdout(OBJS, args);
    assert.ok(sameBytes(r.stdout, want), `first difference at byte ${firstDiff(r.stdout, want)}`);
  });
}

for (const [command, ...args] of [['stats'], ['stats', '-j'], ['layout'], ['layout', '-j'], ['layout', '--sizes']]) {
  test(`${command} ${args.join(' ')} FILE...: each file as the one-file command prints it, after its header`, async () => {
    const r = await runCli([command!, ...args, ...OBJS]);
    assert.is(r.error, undefined, String(r.error));
    assert.is(r.stderr, '');
    const want = await expectedStdout(OBJS, args, command);
    assert.ok(sameBytes(r.stdout, want), `first difference at byte ${firstDiff(r.stdout, want)}`);
  });
}

test('layout -C NAME FILE...: the unknown name noted per file, in input order', async () => {
  const r = await runCli(['layout', '-C', 'no_such_struct', ...OBJS]);
  assert.is(r.error, undefined, String(r.error));
  assert.is(r.stderr, OBJS.map((f) => `btfkit layout: ${f}: no struct or union named 'no_such_struct'\n`).join(''));
});

test('dump DIR -O OUT: one file per input, named after it, as the one-file command prints it', async () => {
  const dir = join(work, 'objs');
  mkdirSync(dir);
  for (const f of OBJS) copyFileSync(f, join(dir, f.split('/').pop()!));
  const out = join(work, 'out-c');
  const r = await runCli(['dump', '-f', 'c', '-O', out, dir]);
  assert.is(r.error, undefined, String(r.error));
  assert.is(r.stdout.length, 0);
  assert.equal(readdirSync(out).sort(), ['exec_ringbuf.h', 'global_data_layout.h', 'kprobe_latency.h']);
  for (const f of OBJS) {
    const one = await runCli(['dump', '-f', 'c', f]);
    const name = f.split('/').pop()!.replace(/\.o$/, '.h');
    assert.ok(sameBytes(readFileSync(join(out, name)), one.stdout), name);
  }
});

test('dump DIR: ELF objects beside a vmlinux.btf are read alone; vmlinux.btf itself too', async () => {
  const dir = join(work, 'beside');
  mkdirSync(dir);
  const conv = await runCli(['convert', OBJS[0]!, '-o', join(dir, 'vmlinux.btf')]);
  assert.is(conv.error, undefined, String(conv.error));
  for (const f of OBJS.slice(1)) copyFileSync(f, join(dir, f.split('/').pop()!));
  const files = readdirSync(dir)
    .sort()
    .map((n) => join(dir, n));
  const r = await runCli(['dump', dir]);
  assert.is(r.error, undefined, String(r.error));
  const want = await expectedStdout(files, []);
  assert.ok(sameBytes(r.stdout, want), `first difference at byte ${firstDiff(r.stdout, want)}`);
});

test('dump -O: two inputs with one output name are a usage error', async () => {
  const r = await runCli(['dump', '-O', join(work, 'clash'), OBJS[0]!, OBJS[0]!]);
  assert.is((r.error as { exitCode?: number }).exitCode, 2);
  assert.match(String((r.error as Error).message), /would both write/);
});

test('dump FILE...: a bad file prints its one-line error, the others complete, status 1', async () => {
  const bad = join(work, 'bad.btf');
  writeFileSync(bad, 'not btf');
  const missing = join(work, 'missing.btf');
  const r = await runCli(['dump', OBJS[0]!, bad, missing, OBJS[1]!]);
  assert.is((r.error as { code?: string; exitCode?: number }).code, 'btfkit.exitStatus');
  assert.is((r.error as { exitCode?: number }).exitCode, 1);
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 2, r.stderr);
  assert.ok(lines[0]!.startsWith(`btfkit: ${bad}: `), lines[0]);
  assert.is(lines[1], `btfkit: ${missing}: no such file`);
  const want = await expectedStdout([OBJS[0]!, OBJS[1]!], []);
  assert.ok(sameBytes(r.stdout, want));
});

test('dump -f c FILE...: a file that fails midway prints what came before, then its error, as the one-file command', async () => {
  // struct a { struct b b; }; struct b { struct a a; }: a cycle C cannot declare (ELOOP after struct fine).
  const c = Btf.empty();
  const int = c.addInt('int', 4, BTF_INT_SIGNED);
  c.addStruct('fine', 4);
  c.addField('x', int, 0, 0);
  c.addStruct('a', 4);
  c.addField('b', 4, 0, 0);
  c.addStruct('b', 4);
  c.addField('a', 3, 0, 0);
  const loop = join(work, 'loop.btf');
  writeFileSync(loop, c.rawData());
  const one = await runCli(['dump', '-f', 'c', loop]);
  assert.ok(one.error !== undefined && one.stdout.length > 0);
  const r = await runCli(['dump', '-f', 'c', loop, OBJS[0]!]);
  assert.is((r.error as { exitCode?: number }).exitCode, 1);
  assert.is(r.stderr, `btfkit: ${(one.error as Error).message}\n`);
  const second = await runCli(['dump', '-f', 'c', OBJS[0]!]);
  const wantAll = concat([
    enc.encode(`==> ${loop} <==\n`),
    one.stdout,
    enc.encode(`\n==> ${OBJS[0]} <==\n`),
    second.stdout,
  ]);
  assert.ok(sameBytes(r.stdout, wantAll), `first difference at byte ${firstDiff(r.stdout, wantAll)}`);
});

test('dump --jobs 0 is a usage error', async () => {
  const r = await runCli(['dump', '--jobs', '0', ...OBJS]);
  assert.is((r.error as { exitCode?: number }).exitCode, 2);
});

// ---------------------------------------------------------------- real kernels, worker threads, bpftool

const kernels = cachedKernels();
for (const why of missingKernels(kernels)) test(`kernel cache: ${why}`, () => skip(why, 'env'));

/** Runs the bundle (worker threads, as users run it). */
function btfkit(args: readonly string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

function bpftool(args: readonly string[]): Buffer {
  const r = spawnSync('bpftool', [...args], { maxBuffer: 1 << 30 });
  assert.is(r.status, 0, `bpftool ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

for (const [i, k] of kernels.entries()) {
  // The first kernel: its whole modules/ directory; the others a sample (the suite stays a few seconds).
  const whole = i === 0;
  test(`${k.release}: dump --jobs 2 -O DIR ${whole ? 'modules/' : 'MODULE...'}: every module written; a sample identical to bpftool -B, one run per module`, () => {
    if (!hasTool('bpftool')) return skip('bpftool not installed: batch dumps of modules not compared');
    const mods = whole ? kernelModules(k) : sampleModules(kernelModules(k), 40);
    const out = join(work, `${k.release}-raw`);
    const r = btfkit([
      'dump',
      '--jobs',
      '2',
      '-O',
      out,
      ...(whole ? [join(k.dir, 'modules')] : mods.map((m) => m.path)),
    ]);
    assert.is(r.status, 0, r.stderr);
    assert.is(readdirSync(out).length, mods.length);
    for (const m of sampleModules(mods, whole ? 10 : 4, 2)) {
      const want = bpftool(['btf', 'dump', 'file', m.path, '-B', k.vmlinux]);
      const got = readFileSync(join(out, `${m.name}.txt`));
      assert.ok(sameBytes(got, want), `${m.rel}: first difference at byte ${firstDiff(got, want)}`);
    }
  });
  if (i !== kernels.length - 1) continue;
  test(`${k.release}: dump -f c --jobs 2 MODULE...: stdout with headers, each identical to bpftool format c`, () => {
    if (!hasTool('bpftool')) return skip('bpftool not installed: batch dumps of modules not compared');
    const sample = sampleModules(kernelModules(k), 2, 1);
    const r = btfkit(['dump', '-f', 'c', '--jobs', '2', ...sample.map((m) => m.path)]);
    assert.is(r.status, 0, r.stderr);
    const want = concat(
      sample.flatMap((m, i) => [
        enc.encode(`${i > 0 ? '\n' : ''}==> ${m.path} <==\n`),
        bpftool(['btf', 'dump', 'file', m.path, '-B', k.vmlinux, 'format', 'c']),
      ]),
    );
    assert.ok(sameBytes(r.stdout, want), `first difference at byte ${firstDiff(r.stdout, want)}`);
  });
}

test('dedup -O DIR IN...: each output as `dedup IN -o OUT` writes it; -O is required for many inputs', async () => {
  const out = join(work, 'dedup');
  const r = await runCli(['dedup', '-O', out, ...OBJS]);
  assert.is(r.error, undefined, String(r.error));
  for (const f of OBJS) {
    const one = join(work, 'one.btf');
    const o = await runCli(['dedup', f, '-o', one]);
    assert.is(o.error, undefined, String(o.error));
    const name = f.split('/').pop()!.replace(/\.o$/, '.btf');
    assert.ok(sameBytes(readFileSync(join(out, name)), readFileSync(one)), name);
  }
  const many = await runCli(['dedup', ...OBJS]);
  assert.is((many.error as { exitCode?: number }).exitCode, 2);
  const inPlace = await runCli(['dedup', '-O', out, join(out, 'kprobe_latency.btf')]);
  assert.match(String((inPlace.error as Error).message), /would replace its input/);
});

test('dedup --jobs 2 -O DIR MODULE...: split dedup over the vmlinux beside them, as one-file dedup -B', () => {
  const k = kernels[0];
  if (k === undefined) return skip('no kernel in the cache: run golden/kernels.sh', 'env');
  const mods = sampleModules(kernelModules(k), 3);
  const out = join(work, 'dedup-mods');
  const r = btfkit(['dedup', '--jobs', '2', '-O', out, ...mods.map((m) => m.path)]);
  assert.is(r.status, 0, r.stderr);
  for (const m of mods) {
    const one = join(work, `one-${m.name}.btf`);
    const o = btfkit(['dedup', '-B', k.vmlinux, m.path, '-o', one]);
    assert.is(o.status, 0, o.stderr);
    assert.ok(sameBytes(readFileSync(join(out, `${m.name}.btf`)), readFileSync(one)), m.rel);
  }
});

test('worker threads: a bad file among modules prints its error, the others complete, status 1', () => {
  const k = kernels[0];
  if (k === undefined) return skip('no kernel in the cache: run golden/kernels.sh', 'env');
  const mods = sampleModules(kernelModules(k), 6);
  const bad = join(work, 'bad-module.btf');
  writeFileSync(bad, 'not btf');
  const files = [mods[0]!.path, bad, ...mods.slice(1).map((m) => m.path)];
  const r = btfkit(['dump', '--jobs', '2', '-B', k.vmlinux, ...files]);
  assert.is(r.status, 1);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.ok(r.stderr.startsWith(`btfkit: ${bad}: `), r.stderr);
  const headers = r.stdout.toString('latin1').match(/^==> .* <==$/gm) ?? [];
  assert.equal(
    headers,
    files.filter((f) => f !== bad).map((f) => `==> ${f} <==`),
  );
});

test.run();
