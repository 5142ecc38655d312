// btfkit check (lib/check) against the running kernel's BTF verifier: the
// hand-written cases (after the kernel's raw_tests), the golden corpus,
// vmlinux and seeded random mutations. Where BPF_BTF_LOAD is not permitted,
// the kernel comparisons are skipped (and say why); the cases' expected
// messages are still checked.
import { readFileSync, existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRawBtf, checkBtf, type CheckReport } from '../lib/check/index.js';
import { Btf } from '../lib/btf.js';
import { parseElf } from '../lib/elf/index.js';
import { openObject } from '../lib/object/open.js';
import { CHECK_CASES, caseBytes } from './helpers/check-cases.js';
import { INTERESTING, mutate, randomBtf, rng } from './helpers/mutants.js';
import { kernelLoad, kernelSkipReason, type KernelVerdict } from './helpers/kernel.js';
import { allObjectPaths } from './helpers/objects.js';
import { BIN, repoPath } from './helpers/golden.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VMLINUX = '/sys/kernel/btf/vmlinux';
const skip = kernelSkipReason();
if (skip) console.log(`  check.test: kernel comparisons skipped: ${skip}`);
/** Tests that need the kernel: counted as skipped when it cannot be asked. */
const kernelTest = skip ? test.skip : test;

/** The last line btfkit's first violation puts in the log (a name may hold a newline). */
function firstLine(r: CheckReport): string {
  return (
    (r.violations[0]?.line ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  );
}

/** '' when btfkit and the kernel agree on verdict and (for a refusal) the last log line. */
function disagreement(r: CheckReport, k: KernelVerdict): string {
  if (r.ok !== k.ok)
    return `verdict: btfkit ${r.ok ? 'loads' : 'refuses'}, kernel ${k.ok ? 'loads' : `refuses (errno ${k.errno})`}: btfkit ${JSON.stringify(firstLine(r))}, kernel ${JSON.stringify(k.lastLine)}`;
  if (!k.ok && firstLine(r) !== k.lastLine)
    return `message: btfkit ${JSON.stringify(firstLine(r))}, kernel ${JSON.stringify(k.lastLine)}`;
  if (!k.ok && r.errno !== k.errno) return `errno: btfkit ${r.errno}, kernel ${k.errno}`;
  return '';
}

const caseBufs = CHECK_CASES.map(caseBytes);

test('cases: verdict and message as expected', () => {
  CHECK_CASES.forEach((c, i) => {
    const r = checkRawBtf(caseBufs[i]!);
    if (c.err === null) assert.ok(r.ok, `${c.name}: refused: ${firstLine(r)}`);
    else {
      assert.not.ok(r.ok, `${c.name}: accepted`);
      assert.ok(
        firstLine(r).includes(c.err),
        `${c.name}: ${JSON.stringify(firstLine(r))} lacks ${JSON.stringify(c.err)}`,
      );
      assert.ok(r.violations[0]!.kernelFirst);
    }
  });
});

kernelTest('cases: same verdict, errno and last log line as the kernel', () => {
  const kv = kernelLoad(caseBufs);
  const bad: string[] = [];
  CHECK_CASES.forEach((c, i) => {
    const d = disagreement(checkRawBtf(caseBufs[i]!), kv[i]!);
    if (d) bad.push(`${c.name}: ${d}`);
  });
  assert.equal(bad, []);
});

test("every violation is listed, the kernel's first", () => {
  // a DATASEC of size 0 (meta) and a loop (resolve): the kernel stops at the first
  const c = CHECK_CASES.find((x) => x.name === 'datasec size 0')!;
  const loop = [0, 0x08000000, 3]; // [4] TYPEDEF (anon) -> [3]: an unnamed typedef, "Invalid name"
  const r = checkRawBtf(caseBytes({ ...c, words: [...c.words, ...loop] }));
  assert.is(r.violations.length, 2);
  assert.is(r.violations[0]!.line, '[3] DATASEC .bss size=0 vlen=1 size == 0');
  assert.ok(r.violations[0]!.kernelFirst);
  assert.not.ok(r.violations[1]!.kernelFirst);
  assert.is(r.violations[1]!.message, 'Invalid name');
  assert.is(r.violations[0]!.offset, 24 + 4 * 4 + 4 * 4);
});

const goldenBtf: Array<{ path: string; bytes: Uint8Array }> = [];
for (const path of allObjectPaths()) {
  const elf = parseElf(new Uint8Array(readFileSync(path)), { file: path });
  const sec = elf.section('.BTF');
  if (sec) goldenBtf.push({ path, bytes: elf.sectionData(sec).slice() });
}

test('btf.check() is checkBtf on the parsed BTF: level 1 reads what level 2 refuses', () => {
  for (const c of CHECK_CASES.slice(0, 60)) {
    const b = caseBytes(c);
    let btf: Btf;
    try {
      btf = Btf.parse(b);
    } catch {
      continue;
    }
    const r = btf.check();
    assert.is(r.ok, checkBtf(btf).ok, c.name);
    assert.is(r.ok, checkRawBtf(b).ok, c.name);
  }
});

kernelTest(
  "golden corpus after libbpf's open-time fixup (check --fixup): same verdict and message as the kernel",
  () => {
    const fixed: Array<{ path: string; bytes: Uint8Array }> = [];
    for (const path of allObjectPaths()) {
      const bytes = new Uint8Array(readFileSync(path));
      try {
        const obj = openObject(bytes, { file: path, fixup: { externs: true }, ext: false });
        if (obj.btf && !obj.btf.bigEndian) fixed.push({ path, bytes: obj.btf.rawData().slice() });
      } catch {
        // objects libbpf cannot open are the object suite's business
      }
    }
    assert.ok(fixed.length > 10);
    const kv = kernelLoad(fixed.map((f) => f.bytes));
    const bad: string[] = [];
    let loads = 0;
    fixed.forEach((f, i) => {
      if (kv[i]!.ok) loads++;
      const d = disagreement(checkRawBtf(f.bytes), kv[i]!);
      if (d) bad.push(`${f.path}: ${d}`);
    });
    assert.equal(bad, []);
    assert.ok(loads > fixed.length / 2, `only ${loads} of ${fixed.length} load after the fixup`);
  },
);

test('btfkit check --fixup checks what libbpf would load: exit 0 where the file as written is refused', () => {
  const obj = repoPath('golden', 'obj', 'exec_ringbuf.o');
  const asWritten = spawnSync(process.execPath, [BIN, 'check', obj], { encoding: 'utf8' });
  assert.is(asWritten.status, 3, asWritten.stderr);
  const fixedRun = spawnSync(process.execPath, [BIN, 'check', '--fixup', obj], { encoding: 'utf8' });
  assert.is(fixedRun.status, 0, fixedRun.stdout + fixedRun.stderr);
  assert.match(fixedRun.stdout, /would load it/);
});

test('--kernel 6.1: a kind_flag on TYPE_TAG or DECL_TAG is refused as before commit 53ee0d66d7a6; 6.18 takes it', () => {
  const strs = '\0int\0tag\0v\0';
  const INT = [1, (1 << 24) >>> 0, 4, ((1 << 24) | 32) >>> 0];
  const cases: Array<[string, number[]]> = [
    ['TYPE_TAG with kind_flag', [...INT, 5, ((18 << 24) | (1 << 31)) >>> 0, 1, 0, (2 << 24) >>> 0, 2]],
    ['DECL_TAG with kind_flag', [...INT, 9, (14 << 24) >>> 0, 1, 0, 5, ((17 << 24) | (1 << 31)) >>> 0, 2, 0xffffffff]],
  ];
  for (const [what, words] of cases) {
    const b = caseBytes({ name: what, words, strs, err: null });
    const now = checkRawBtf(b);
    assert.ok(now.ok, `${what}: ${firstLine(now)}`);
    const old = checkRawBtf(b, { kernel: '6.1' });
    assert.not.ok(old.ok, what);
    assert.is(old.violations[0]!.message, 'Invalid btf_info kind_flag', what);
    assert.is(old.kernel, '6.1');
    assert.is(Btf.parse(b).check({ kernel: '6.1' }).ok, false, what);
  }
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-kernel61-'));
  try {
    const file = join(dir, 'tag.btf');
    writeFileSync(file, caseBytes({ name: 'tag', words: cases[1]![1], strs, err: null }));
    assert.is(spawnSync(process.execPath, [BIN, 'check', file], { encoding: 'utf8' }).status, 0);
    const r = spawnSync(process.execPath, [BIN, 'check', '--kernel', '6.1', file], { encoding: 'utf8' });
    assert.is(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /the kernel \(6\.1\) would refuse it.*\n.*Invalid btf_info kind_flag/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--kernel 6.1: DATASEC names are identifiers there (printable names since 6.18 are refused)', () => {
  const words = [
    1,
    (1 << 24) >>> 0,
    4,
    ((1 << 24) | 32) >>> 0,
    1,
    (14 << 24) >>> 0,
    1,
    0,
    3,
    ((15 << 24) | 1) >>> 0,
    4,
    2,
    0,
    4,
  ];
  for (const [sec, ok61] of [
    ['.bss', true],
    ['.rodata.str1.1', true],
    ['?.maps', false],
    ['license/x', false],
    ['.data-1', false],
    ['a b', false],
  ] as const) {
    const b = caseBytes({ name: sec, words, strs: `\0v\0${sec}\0`, err: null });
    const now = checkRawBtf(b);
    assert.ok(now.ok, `${sec}: ${firstLine(now)}`);
    const old = checkRawBtf(b, { kernel: '6.1' });
    assert.is(old.ok, ok61, sec);
    if (!ok61) assert.is(old.violations[0]!.line, `[3] DATASEC ${sec} size=4 vlen=1 Invalid name`);
  }
});

kernelTest('golden corpus: same verdict and message as the kernel', () => {
  assert.ok(goldenBtf.length > 10);
  const kv = kernelLoad(goldenBtf.map((g) => g.bytes));
  const bad: string[] = [];
  goldenBtf.forEach((g, i) => {
    const d = disagreement(checkRawBtf(g.bytes), kv[i]!);
    if (d) bad.push(`${g.path}: ${d}`);
  });
  assert.equal(bad, []);
});

// what libbpf 1.1.2 makes of the same objects at open (DATASEC sizes and
// offsets fixed up: most of these load), committed by the fixup suite
const fixedDir = repoPath('test', 'fixtures', 'ext', 'fixup');
const fixedBtf = readdirSync(fixedDir)
  .filter((f) => f.endsWith('.btf'))
  .sort()
  .map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(join(fixedDir, f))) }));

kernelTest("libbpf's fixed-up BTF of the corpus: same verdict and message as the kernel", () => {
  assert.ok(fixedBtf.length > 10);
  const kv = kernelLoad(fixedBtf.map((g) => g.bytes));
  const bad: string[] = [];
  let loaded = 0;
  fixedBtf.forEach((g, i) => {
    const d = disagreement(checkRawBtf(g.bytes), kv[i]!);
    if (kv[i]!.ok) loaded++;
    if (d) bad.push(`${g.path}: ${d}`);
  });
  assert.equal(bad, []);
  assert.ok(loaded > 10, `only ${loaded} load`);
});

test('vmlinux is accepted, by the parsed Btf too', () => {
  if (!existsSync(VMLINUX)) return;
  const bytes = new Uint8Array(readFileSync(VMLINUX));
  const r = checkRawBtf(bytes);
  assert.ok(r.ok, firstLine(r));
  assert.ok(r.typeCount > 1000);
  assert.ok(checkBtf(Btf.parse(bytes)).ok);
});

test('split BTF is checked as module BTF: metas and type tags over the base', () => {
  const base = Btf.empty();
  base.addInt('int', 4, 1); // [1]
  base.addPtr(1); // [2]
  base.addStruct('s', 8); // [3]
  const split = Btf.empty({ base });
  split.addPtr(1);
  split.addConst(5); // [5] const -> itself: module BTF is not resolved, only tag-checked
  const r = checkBtf(split);
  assert.not.ok(r.ok);
  assert.is(r.violations[0]!.message, 'Max chain length or cycle detected');
  const ok = Btf.empty({ base });
  ok.addPtr(3);
  assert.ok(checkBtf(ok).ok);
});

test('btfkit check: exit status 0, 3 and 1, human and JSON output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-check-'));
  try {
    const good = join(dir, 'good.btf'),
      bad = join(dir, 'bad.btf');
    writeFileSync(good, caseBufs[0]!);
    const c = CHECK_CASES.find((x) => x.name === 'datasec size 0')!;
    writeFileSync(bad, caseBytes({ ...c, words: [...c.words, 0, 0x08000000, 3] }));
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8' });
    let r = run(good);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /good\.btf: ok, the kernel \(6\.18\) would load it \(3 types\)/);
    r = run(good, bad);
    assert.is(r.status, 3, r.stderr);
    assert.match(r.stdout, /bad\.btf: the kernel \(6\.18\) would refuse it \(EINVAL\); 2 violations:/);
    assert.match(
      r.stdout,
      / {2}\* \[3\] DATASEC \.bss size=0 vlen=1 size == 0 \(offset 0x38, type 3, the one the kernel reports\)/,
    );
    assert.match(r.stdout, / {2}- \[4\] TYPEDEF \(anon\) type_id=3 Invalid name \(offset 0x50, type 4\)/);
    r = run('-j', bad);
    assert.is(r.status, 3);
    const j = JSON.parse(r.stdout) as CheckReport & { file: string };
    assert.is(j.violations.length, 2);
    assert.is(j.violations[0]!.line, '[3] DATASEC .bss size=0 vlen=1 size == 0');
    r = run(join(dir, 'missing.btf'));
    assert.is(r.status, 1);
    assert.match(r.stderr, /missing\.btf/);
    r = run(repoPath('golden', 'obj', 'exec_ringbuf.o'));
    assert.is(r.status, 3, r.stderr);
    assert.match(r.stdout, /\* \[406\] DATASEC \.maps size=0 vlen=2 size == 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------- mutations

kernelTest('random mutations and random type graphs (seeded, ~6 s): same verdict and message as the kernel', () => {
  const seeds = [...caseBufs, ...goldenBtf.map((g) => g.bytes).filter((b) => b.length < 64 * 1024)];
  // BTFKIT_CHECK_SEED / BTFKIT_CHECK_MS: another seed or a longer soak
  const r = rng(Number(process.env['BTFKIT_CHECK_SEED'] ?? 0xb7f));
  const deadline = Date.now() + Number(process.env['BTFKIT_CHECK_MS'] ?? 6000);
  let total = 0,
    mismatches = 0,
    accepted = 0;
  const examples: string[] = [];
  while (Date.now() < deadline) {
    const batch: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) batch.push(i % 2 ? randomBtf(r) : mutate(seeds[Math.floor(r() * seeds.length)]!, r));
    const kv = kernelLoad(batch);
    batch.forEach((b, i) => {
      total++;
      const d = disagreement(checkRawBtf(b), kv[i]!);
      if (kv[i]!.ok) accepted++;
      if (d) {
        mismatches++;
        if (examples.length < 5) examples.push(`${Buffer.from(b).toString('base64')}: ${d}`);
      }
    });
  }
  console.log(
    `  check.test: ${total} mutants and random graphs (${accepted} loaded), ${total - mismatches} agree with the kernel, ${mismatches} do not`,
  );
  assert.ok(total >= 1000, `only ${total} mutants in the time budget`);
  assert.equal(examples, []);
});

kernelTest('vmlinux with one word changed (30 mutants): same verdict and message as the kernel', () => {
  if (!existsSync(VMLINUX)) return;
  const src = new Uint8Array(readFileSync(VMLINUX));
  const typeLen = new DataView(src.buffer).getUint32(12, true);
  const r = rng(0x5eed);
  const batch: Uint8Array[] = [];
  for (let i = 0; i < 30; i++) {
    const b = src.slice();
    const dv = new DataView(b.buffer);
    const at = 24 + 4 * Math.floor(r() * (typeLen >>> 2));
    const old = dv.getUint32(at, true);
    const v =
      r() < 0.5
        ? old ^ (1 << Math.floor(r() * 32))
        : r() < 0.5
          ? INTERESTING[Math.floor(r() * INTERESTING.length)]!
          : old + Math.floor(r() * 5) - 2;
    dv.setUint32(at, v >>> 0, true);
    batch.push(b);
  }
  const bad: string[] = [];
  kernelLoad(batch).forEach((k, i) => {
    const d = disagreement(checkRawBtf(batch[i]!), k);
    if (d) bad.push(`mutant ${i}: ${d}`);
  });
  assert.equal(bad, []);
});

test.run();
