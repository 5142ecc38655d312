// Level 1 against libbpf 1.1.2: `Btf.parse` accepts exactly what
// `btf__new` (`btfh parse-stream`) accepts, and gives the same type count,
// for the kernel selftests' raw_tests, the golden corpus, vmlinux, a module
// split over it, and seeded mutants (test/helpers/mutants.ts). The one
// difference is btfkit's own extension: a header of 32 bytes or more whose
// layout-section length (bytes 28-31) is non-zero is read as a layout
// section, which libbpf 1.1.2 does not know, and an info word is read with
// the newest headers' 7-bit kind and 24-bit vlen where libbpf 1.1.2 reads 5
// and 16 bits; those inputs are counted apart (and must stay a minority).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRawBtf } from '../lib/check/index.js';
import { jsonDump, rawDump } from '../lib/dump/raw.js';
import { hasTool, run } from './helpers/tools.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { isInputError } from '../lib/errors.js';
import { parseElf } from '../lib/elf/index.js';
import { CHECK_CASES, caseBytes } from './helpers/check-cases.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { allObjectPaths } from './helpers/objects.js';
import { mutate, randomBtf, rng } from './helpers/mutants.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { hasVmlinux, VMLINUX, vmlinuxBytes } from './helpers/golden.js';
import { skip } from './helpers/skip.js';

/** The mutant loop in all: about 2 s here; the budget leaves room for a busy machine. */
const budget = new TimeBudget('parse-oracle', 20_000);

/** libbpf's answer: the type count (btf__type_cnt) when it reads the input, else -errno. */
function libbpfParse(inputs: readonly Uint8Array[], base?: string): number[] {
  let n = 0;
  for (const b of inputs) n += 4 + b.length;
  const stdin = Buffer.alloc(n);
  let at = 0;
  for (const b of inputs) {
    stdin.writeUInt32LE(b.length, at);
    stdin.set(b, at + 4);
    at += 4 + b.length;
  }
  const r = runHarness(['parse-stream', ...(base ? [base] : [])], { input: stdin });
  if (r.status !== 0) throw new Error(`btfh parse-stream: ${r.stderr.trim()}`);
  const lines = r.stdout.toString('latin1').split('\n').filter(Boolean);
  assert.is(lines.length, inputs.length, 'one answer per input');
  return lines.map((l) => (l.startsWith('ok ') ? Number(l.slice(3)) : -Number(l.slice(4))));
}

/** btfkit's answer in the same form; anything but an input error is a crash and fails the test. */
function btfkitParse(b: Uint8Array, base?: Btf): { ids: number; why: string; offset: number } {
  try {
    return { ids: Btf.parse(b, base ? { base } : {}).typeCount, why: '', offset: -1 };
  } catch (e) {
    if (!isInputError(e)) throw e;
    return { ids: -1, why: e.message, offset: e.offset ?? -1 };
  }
}

/**
 * Whether btfkit refused the record at byte `offset` for bits of its info
 * word that libbpf 1.1.2 does not read: btfkit takes the kind from bits
 * 24-30 and vlen from bits 0-23 (newest headers, lib/kinds.ts), libbpf
 * 1.1.2 from bits 24-28 and 0-15.
 */
function wideInfoRefusal(b: Uint8Array, offset: number): boolean {
  if (offset < 0 || offset + 8 > b.length) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const info = dv.getUint32(offset + 4, dv.getUint16(0, true) === 0xeb9f);
  return ((info >>> 24) & 0x60) !== 0 || ((info >>> 16) & 0xff) !== 0;
}

/** Whether `b` carries btfkit's layout extension (a non-zero layout length in a 32-byte header). */
function hasLayoutExtension(b: Uint8Array): boolean {
  if (b.length < 32) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = dv.getUint16(0, true) === 0xeb9f;
  return dv.getUint32(4, le) >= 32 && dv.getUint32(28, le) !== 0;
}

interface Tally {
  total: number;
  accepted: number;
  layout: number;
  wideInfo: number;
  mismatches: string[];
}

/** Compares both answers for every input; returns the tally. */
function compare(inputs: readonly Uint8Array[], names: (i: number) => string, base?: { path: string; btf: Btf }) {
  const lib = libbpfParse(inputs, base?.path);
  const t: Tally = { total: 0, accepted: 0, layout: 0, wideInfo: 0, mismatches: [] };
  inputs.forEach((b, i) => {
    if (hasLayoutExtension(b)) {
      t.layout++;
      return;
    }
    t.total++;
    const { ids: ours, why, offset } = btfkitParse(b, base?.btf);
    const theirs = lib[i]!;
    if (ours < 0 && theirs > 0 && wideInfoRefusal(b, offset)) {
      t.wideInfo++;
      return;
    }
    if (theirs > 0) t.accepted++;
    if (ours > 0 !== theirs > 0 || (ours > 0 && ours !== theirs))
      t.mismatches.push(
        `${names(i)}: btfkit ${ours > 0 ? `reads ${ours} ids` : `refuses (${why})`}, libbpf ${theirs > 0 ? `reads ${theirs} ids` : `refuses (errno ${-theirs})`}`,
      );
  });
  return t;
}

function report(t: Tally): void {
  assert.ok(
    t.mismatches.length === 0,
    `${t.mismatches.length} of ${t.total} differ:\n  ${t.mismatches.slice(0, 10).join('\n  ')}`,
  );
}

const goldenBtf: Array<{ path: string; bytes: Uint8Array }> = [];
for (const path of allObjectPaths()) {
  const elf = parseElf(new Uint8Array(readFileSync(path)), { file: path });
  const sec = elf.section('.BTF');
  if (sec) goldenBtf.push({ path, bytes: elf.sectionData(sec).slice() });
}

test("raw_tests and btfkit's check cases: btfkit reads exactly what libbpf reads", () => {
  if (!harnessPath()) return skip(harnessSkipReason());
  const t = compare(CHECK_CASES.map(caseBytes), (i) => CHECK_CASES[i]!.name);
  report(t);
  // Most of the kernel's refusals are level 2's: level 1 reads them.
  assert.ok(t.accepted > t.total / 2, `libbpf read only ${t.accepted} of ${t.total}`);
});

test('golden corpus and vmlinux: btfkit reads exactly what libbpf reads', () => {
  if (!harnessPath()) return skip(harnessSkipReason());
  assert.ok(goldenBtf.length > 10);
  const inputs = goldenBtf.map((g) => g.bytes);
  const vm = vmlinuxBytes();
  if (vm) inputs.push(vm);
  const t = compare(inputs, (i) => goldenBtf[i]?.path ?? VMLINUX);
  report(t);
  assert.is(t.accepted, t.total);
});

test('seeded mutants (raw_tests, golden, random graphs, split over vmlinux): accept/reject and type count as libbpf', () => {
  if (!harnessPath()) return skip(harnessSkipReason());
  const seeds = [...CHECK_CASES.map(caseBytes), ...goldenBtf.map((g) => g.bytes).filter((b) => b.length < 64 * 1024)];
  const r = rng(Number(process.env['BTFKIT_PARSE_SEED'] ?? 0x11b));
  const runs = fuzzRuns(6000);
  const inputs: Uint8Array[] = [];
  for (let i = 0; i < runs; i++)
    inputs.push(i % 3 === 2 ? randomBtf(r) : mutate(seeds[Math.floor(r() * seeds.length)]!, r));
  const t = budget.time('mutants', () => compare(inputs, (i) => `mutant ${i}`));
  report(t);
  assert.ok(t.wideInfo + t.layout < t.total / 20, `${t.wideInfo} wide info words, ${t.layout} layout headers`);
  // Both sides must be exercised.
  assert.ok(t.accepted > t.total / 5 && t.accepted < t.total, `libbpf read ${t.accepted} of ${t.total}`);
});

test('split BTF over vmlinux: the same answers for mutants of a small split BTF', () => {
  if (!harnessPath()) return skip(harnessSkipReason());
  if (!hasVmlinux()) return skip('no /sys/kernel/btf/vmlinux', 'env');
  const base = Btf.parse(new Uint8Array(vmlinuxBytes()!));
  const split = Btf.empty({ base });
  const int = split.addInt('btfkit_split_int', 4, 1);
  const s = split.addStruct('btfkit_split', 8);
  split.addField('a', int, 0, 0);
  split.addField('b', 1, 32, 0);
  split.addPtr(s);
  const seed = split.rawData().slice();
  const r = rng(0x5b1);
  const inputs: Uint8Array[] = [seed];
  for (let i = 0; i < fuzzRuns(1500); i++) inputs.push(mutate(seed, r));
  const t = budget.time('split mutants', () =>
    compare(inputs, (i) => `split mutant ${i}`, { path: VMLINUX, btf: base }),
  );
  report(t);
  assert.ok(t.accepted > 0);
});

test('dump of what level 1 reads and level 2 refuses: raw and JSON as bpftool prints them, the raw_tests included (live)', () => {
  if (!hasTool('bpftool')) return skip('bpftool not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-level1-'));
  try {
    const file = join(dir, 'case.btf');
    let compared = 0,
      refusedByKernelRules = 0;
    const bad: string[] = [];
    for (const c of CHECK_CASES) {
      const b = caseBytes(c);
      let btf: Btf;
      try {
        btf = Btf.parse(b);
      } catch {
        continue;
      }
      if (!checkRawBtf(b).ok) refusedByKernelRules++;
      writeFileSync(file, b);
      const raw = run('bpftool', ['btf', 'dump', 'file', file]);
      const json = run('bpftool', ['-j', 'btf', 'dump', 'file', file]);
      compared++;
      if (rawDump(btf) !== raw.stdout.toString('utf8')) bad.push(`${c.name}: raw`);
      if (jsonDump(btf).trim() !== json.stdout.toString('utf8').trim()) bad.push(`${c.name}: json`);
    }
    assert.equal(bad, []);
    assert.ok(
      compared > 150 && refusedByKernelRules > 100,
      `${compared} compared, ${refusedByKernelRules} level-2-invalid`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

budget.check();

test.run();
