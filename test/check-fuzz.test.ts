// btfkit check against the running kernel, by structural mutation
// (helpers/btf-mutate.ts): seeds that load (builder BTF of every kind, the
// valid hand-written cases, libbpf's fixed-up BTF of the small golden
// objects) and seeds that do not (the golden objects' .BTF as written),
// mutated one rule at a time (kinds, vlens, kflags, sizes, type ids out of
// range, to themselves or in loops, name offsets off the end, mid-string or
// at bad identifiers, bitfields, enum sizes, linkage, DATASEC entries,
// strings without their last NUL, header fields), then compared with
// BPF_BTF_LOAD: verdict, errno and the log's last line. Module BTF mutants
// go through vmlinux + module as one BTF (check-split.test says why).
//
// Default: some 2000 base mutants and a few module ones (a few seconds);
// BTFKIT_FUZZ_RUNS=N multiplies them (the seeds stay: a failure replays),
// BTFKIT_CHECK_FUZZ_SEED picks another seed. On Linux 6.18.44 (December
// 2026): some 167,000 mutants at six seeds, 120 of vmlinux, 650 of modules,
// no disagreement.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { checkRawBtf, type CheckReport } from '../lib/check/index.js';
import { parseElf } from '../lib/elf/index.js';
import { BTF_KIND_FUNC_PROTO, BTF_KIND_INT, infoKind, infoVlen, intEncoding } from '../lib/kinds.js';
import { fuzzRuns, TimeBudget } from './helpers/budget.js';
import { ALL_KINDS, recordKinds, structuralMutant } from './helpers/btf-mutate.js';
import { CHECK_CASES, caseBytes } from './helpers/check-cases.js';
import { repoPath } from './helpers/golden.js';
import { kernelLoad, kernelSkipReason, type KernelVerdict } from './helpers/kernel.js';
import { cachedKernels, kernelModules, missingKernels } from './helpers/kernels.js';
import { rng } from './helpers/mutants.js';
import { allObjectPaths } from './helpers/objects.js';
import { randomBtf } from './helpers/random-btf.js';
import { skip } from './helpers/skip.js';

const kskip = kernelSkipReason();
const budget = new TimeBudget('check-fuzz', 30000);
const SEED = Number(process.env['BTFKIT_CHECK_FUZZ_SEED'] ?? 0xf0226);
const VMLINUX = '/sys/kernel/btf/vmlinux';

/** The last non-empty line of btfkit's first violation. */
function lastLine(r: CheckReport): string {
  return (
    (r.violations[0]?.line ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  );
}

/** '' when btfkit and the kernel agree on verdict, errno and (for a refusal) the log lines of the violation. */
function disagreement(r: CheckReport, k: KernelVerdict): string {
  if (r.ok !== k.ok)
    return `verdict: btfkit ${r.ok ? 'loads' : 'refuses'}, kernel ${k.ok ? 'loads' : `refuses (errno ${k.errno})`}: btfkit ${JSON.stringify(lastLine(r))}, kernel ${JSON.stringify(k.lastLine)}`;
  if (!k.ok && lastLine(r) !== k.lastLine)
    return `message: btfkit ${JSON.stringify(lastLine(r))}, kernel ${JSON.stringify(k.lastLine)}`;
  if (!k.ok && r.errno !== k.errno) return `errno: btfkit ${r.errno}, kernel ${k.errno}`;
  if (!k.ok) {
    // every line the kernel prints for it (a struct's line before its member's), not only the last
    const mine = (r.violations[0]?.lines ?? []).flatMap((l) => l.split('\n')).filter((l) => l.trim() !== '');
    const theirs = k.log.split('\n').filter((l) => l.trim() !== '');
    const tail = theirs.slice(Math.max(0, theirs.length - mine.length));
    if (JSON.stringify(tail) !== JSON.stringify(mine))
      return `log lines: btfkit ${JSON.stringify(mine)}, kernel ${JSON.stringify(tail)}`;
  }
  return '';
}

// ------------------------------------------------------------ the seeds

/** Every kind once, through the builder: bitfields with and without kind_flag, tags, a DATASEC of two vars. */
function everyKind(): Uint8Array {
  const b = Btf.empty();
  const int = b.addInt('int', 4, 1); // [1]
  const ptr = b.addPtr(int); // [2]
  const arr = b.addArray(int, int, 4); // [3]
  const s = b.addStruct('s', 32); // [4]
  b.addField('a', int, 0, 0);
  b.addField('b', int, 32, 3);
  b.addField('c', int, 35, 5);
  b.addField('p', ptr, 64, 0);
  b.addField('arr', arr, 128, 0);
  const u = b.addUnion('u', 8); // [5]
  b.addField('x', int, 0, 0);
  b.addField('y', ptr, 0, 0);
  const e = b.addEnum('e', 4); // [6]
  b.addEnumValue('E1', 1);
  b.addEnumValue('E2', -1);
  b.addFwd('fwd', 0); // [7]
  const td = b.addTypedef('td', s); // [8]
  const v = b.addVolatile(int); // [9]
  const c = b.addConst(v); // [10]
  b.addRestrict(ptr); // [11]
  const proto = b.addFuncProto(int); // [12]
  b.addFuncParam('p1', c);
  b.addFuncParam('p2', td);
  const fn = b.addFunc('f', 1, proto); // [13]
  const v1 = b.addVar('v1', 1, int); // [14]
  const v2 = b.addVar('v2', 0, u); // [15]
  const sec = b.addDatasec('.data', 16); // [16]
  b.addDatasecVarInfo(v1, 0, 4);
  b.addDatasecVarInfo(v2, 8, 8);
  void sec;
  b.addFloat('double', 8); // [17]
  b.addDeclTag('tag1', s, 1); // [18]
  b.addDeclTag('tag2', fn, 0); // [19]
  const tt = b.addTypeTag('user', int); // [20]
  b.addPtr(tt); // [21]
  const e64 = b.addEnum64('e64', 8, true); // [22]
  b.addEnum64Value('BIG', -2n);
  b.addEnum64Value('BIGGER', 1n << 40n);
  b.addStruct('bf', 16); // [23]: kind_flag bitfields over an enum and an int
  b.addField('k', e, 0, 4);
  b.addField('l', int, 4, 7);
  b.addField('m', e64, 64, 0);
  return b.rawData().slice();
}

/**
 * A random builder BTF (helpers/random-btf.ts: every kind) made loadable:
 * the kernel takes one INT encoding at a time (`char` there is CHAR|SIGNED)
 * and no unnamed parameter of a FUNC's prototype.
 */
function loadable(b: Btf): Uint8Array {
  const name = b.addStr('arg');
  for (let id = 1; id < b.typeCount; id++) {
    const [w, o] = b.recordOf(id);
    const k = infoKind(w[o + 1]!);
    if (k === BTF_KIND_INT && intEncoding(w[o + 3]!) === 3) b.setWord(id, 3, w[o + 3]! & ~(1 << 24));
    if (k === BTF_KIND_FUNC_PROTO)
      for (let i = 0; i < infoVlen(w[o + 1]!); i++)
        if (!w[o + 3 + 2 * i] && w[o + 4 + 2 * i]) b.setWord(id, 3 + 2 * i, name);
  }
  return b.rawData().slice();
}

const builderSeeds = [
  everyKind(),
  ...Array.from({ length: 12 }, (_, i) => loadable(randomBtf(0x5eed + i, 12 + 4 * i))),
];
const caseSeeds = CHECK_CASES.filter((c) => c.err === null).map(caseBytes);
const fixupDir = repoPath('test', 'fixtures', 'ext', 'fixup');
const fixedSeeds = readdirSync(fixupDir)
  .filter((f) => f.endsWith('.btf'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(fixupDir, f))))
  .filter((b) => b.length < 16 * 1024);
const goldenSeeds: Uint8Array[] = [];
for (const path of allObjectPaths()) {
  const elf = parseElf(new Uint8Array(readFileSync(path)), { file: path });
  const sec = elf.section('.BTF');
  if (sec && !path.includes('bpfeb') && sec.size < 16 * 1024) goldenSeeds.push(elf.sectionData(sec).slice());
}
const SEEDS = [...builderSeeds, ...builderSeeds, ...caseSeeds, ...fixedSeeds, ...goldenSeeds];

test('the seeds: every kind, most of them load', () => {
  const kinds = new Set(builderSeeds.flatMap((b) => recordKinds(b)));
  for (const k of ALL_KINDS) assert.ok(kinds.has(k), `no builder seed has kind ${k}`);
  assert.ok(fixedSeeds.length > 10 && goldenSeeds.length > 10);
  if (kskip) return;
  const v = kernelLoad(builderSeeds);
  const bad = v.flatMap((k, i) => (k.ok ? [] : [`builder seed ${i}: ${k.lastLine}`]));
  assert.equal(bad, []);
});

/** A small base BTF, for checking any input as split BTF over it. */
const SMALL_BASE = Btf.parse(everyKind());

/**
 * '' when the judgements the kernel cannot confirm here (as Linux 6.1; as
 * module BTF over a base) end in a verdict: checkRawBtf never throws for
 * malformed input.
 */
function neverThrows(b: Uint8Array): string {
  for (const [what, opts] of [
    ['--kernel 6.1', { kernel: '6.1' }],
    ['split', { base: SMALL_BASE }],
  ] as const) {
    try {
      checkRawBtf(b, opts);
    } catch (e) {
      return `${what}: threw ${String(e)}`;
    }
  }
  return '';
}

/** Runs `n` mutants of `seeds` through btfkit and the kernel; returns the disagreements. */
function fuzz(
  n: number,
  r: () => number,
  make: (
    r: () => number,
  ) => { bytes: Uint8Array; ops: string[]; check: Uint8Array; extra?: (k: KernelVerdict) => string } | null,
): { total: number; loaded: number; bad: string[]; byOp: Map<string, number> } {
  let total = 0,
    loaded = 0;
  const bad: string[] = [];
  const byOp = new Map<string, number>();
  while (total < n) {
    const batch: Array<NonNullable<ReturnType<typeof make>>> = [];
    for (let i = 0; i < 250 && total + batch.length < n; i++) {
      const m = make(r);
      if (m) batch.push(m);
    }
    const kv = kernelLoad(batch.map((m) => m.bytes));
    batch.forEach((m, i) => {
      total++;
      const k = kv[i]!;
      if (k.ok) loaded++;
      for (const op of m.ops) {
        const name = op.split(':')[0]!;
        byOp.set(name, (byOp.get(name) ?? 0) + 1);
      }
      const d =
        budget.time(m.ops.join('; '), () => disagreement(checkRawBtf(m.check), k)) ||
        m.extra?.(k) ||
        neverThrows(m.check) ||
        '';
      if (d && bad.length < 12) bad.push(`[${m.ops.join('; ')}] ${d}\n    ${Buffer.from(m.bytes).toString('base64')}`);
      else if (d) bad.push('');
    });
  }
  return { total, loaded, bad, byOp };
}

test('structural mutants of small BTF (some 2000): same verdict, errno and last log line as the kernel', () => {
  if (kskip) return skip(kskip, 'env');
  const r = rng(SEED);
  const res = fuzz(fuzzRuns(2000), r, (r) => {
    const m = structuralMutant(SEEDS[Math.floor(r() * SEEDS.length)]!, r);
    return m && { ...m, check: m.bytes };
  });
  const ops = [...res.byOp].sort((a, b) => b[1] - a[1]);
  console.log(
    `  check-fuzz: ${res.total} mutants (${res.loaded} loaded), ${res.bad.length} disagreements; operators: ${ops.map(([o, c]) => `${o} ${c}`).join(', ')}`,
  );
  assert.ok(res.loaded > res.total / 20, `only ${res.loaded} of ${res.total} load: the mutants test little`);
  assert.equal(res.bad.filter(Boolean), []);
});

test("structural mutants of the running kernel's vmlinux: same verdict, errno and last log line as the kernel", () => {
  if (kskip) return skip(kskip, 'env');
  if (!existsSync(VMLINUX)) return skip('no /sys/kernel/btf/vmlinux', 'env');
  const src = new Uint8Array(readFileSync(VMLINUX));
  const r = rng(SEED ^ 0x7e1);
  const res = fuzz(fuzzRuns(3), r, (r) => {
    const m = structuralMutant(src, r);
    return m && { ...m, check: m.bytes };
  });
  console.log(`  check-fuzz: ${res.total} vmlinux mutants (${res.loaded} loaded)`);
  assert.equal(
    res.bad.filter(Boolean).map((b) => b.slice(0, 600)),
    [],
  );
});

// ------------------------------------------------- module (split) BTF

/** Base and split raw BTF as one base BTF: header, base types, split types, base strings, split strings. */
function flatten(base: Uint8Array, split: Uint8Array): Uint8Array | null {
  const sec = (b: Uint8Array, at: number) => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = dv.getUint32(4, true),
      off = dv.getUint32(at, true),
      len = dv.getUint32(at + 4, true);
    return h + off + len <= b.length ? b.subarray(h + off, h + off + len) : null;
  };
  const parts = [sec(base, 8), sec(split, 8), sec(base, 16), sec(split, 16)];
  if (parts.some((p) => p === null)) return null;
  const [bt, st, bs, ss] = parts as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const out = new Uint8Array(24 + bt.length + st.length + bs.length + ss.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xeb9f, true);
  out[2] = 1;
  dv.setUint32(4, 24, true);
  dv.setUint32(12, bt.length + st.length, true);
  dv.setUint32(16, bt.length + st.length, true);
  dv.setUint32(20, bs.length + ss.length, true);
  let at = 24;
  for (const p of [bt, st, bs, ss]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const kernels = cachedKernels();
const missing = missingKernels(kernels);

test('structural mutants of module BTF over vmlinux: the meta pass agrees with the kernel', () => {
  if (missing.length) return skip(missing.join('; '));
  if (kskip) return skip(kskip, 'env');
  const r = rng(SEED ^ 0x5b1);
  const bad: string[] = [];
  let total = 0,
    refused = 0;
  for (const k of kernels) {
    const vb = new Uint8Array(readFileSync(k.vmlinux));
    const base = Btf.parse(vb);
    const small = kernelModules(k).filter((m) => m.size < 6000);
    const res = fuzz(fuzzRuns(4), r, (r) => {
      const mod = small[Math.floor(r() * small.length)]!;
      const src = new Uint8Array(readFileSync(mod.path));
      const m = structuralMutant(src, r, base.typeCount, base.strLen);
      if (!m) return null;
      // header mutants of the module say nothing of the flattened file
      if (m.ops.some((o) => !o.includes(':'))) return null;
      const flat = flatten(vb, m.bytes);
      if (!flat) return null;
      return {
        bytes: flat,
        check: flat,
        ops: [`${mod.name}`, ...m.ops],
        extra: (kv) => {
          const split = checkRawBtf(m.bytes, { base });
          const sv = split.violations[0];
          if (sv?.phase === 'meta') {
            refused++;
            if (kv.ok || kv.lastLine !== lastLine(split) || kv.errno !== split.errno)
              return `module: btfkit ${lastLine(split)}, the kernel's meta pass ${kv.ok ? 'ok' : kv.lastLine}`;
          } else if (!sv && !kv.ok && checkRawBtf(flat).violations[0]?.phase === 'meta')
            return `btfkit takes the module, the kernel refuses it: ${kv.lastLine}`;
          return '';
        },
      };
    });
    total += res.total;
    bad.push(...res.bad.filter(Boolean).map((b) => `${k.release}: ${b.slice(0, 400)}`));
  }
  console.log(`  check-fuzz: ${total} module mutants over vmlinux, ${refused} refused in the meta pass`);
  assert.equal(bad, []);
});

budget.check();
test.run();
