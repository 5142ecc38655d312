/**
 * `btfkit set` (lib/inspect/set.ts): initial values written through their
 * BTF types. `btfkit vars` prints the new values; only the bytes of the
 * values change (checked byte by byte and, section by section, with
 * llvm-objcopy-19's dumps); libbpf opens the result (the harness's `vars`);
 * refusals name the assignment.
 */
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasFileData, parseElf } from '../lib/elf/read.js';
import { isBtfError, isInputError } from '../lib/errors.js';
import { setInitialValues, type SetResult } from '../lib/inspect/set.js';
import { listVars, varLine } from '../lib/inspect/vars.js';
import { openObject } from '../lib/object/open.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { isUsageError, readBytes, repoPath, runCli } from './helpers/golden.js';
import { skip } from './helpers/skip.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { mutate, rng as mutRng } from './helpers/mutants.js';
import { hasTool, run } from './helpers/tools.js';

const OBJCOPY = 'llvm-objcopy-19';
const budget = new TimeBudget('set', 20_000);
const tmp = mkdtempSync(join(tmpdir(), 'btfkit-set-'));
let count = 0;
const obj = (rel: string) => {
  const p = repoPath('golden', 'obj', ...rel.split('/'));
  return openObject(readBytes(p), { file: p, ext: false });
};
const varsText = (bytes: Uint8Array, libbpf11 = false): string[] =>
  listVars(openObject(bytes, { ext: false }), { libbpf11 }).map((v) => varLine(v));

/** Edits that every check below goes over: object, assignments, the vars lines expected after. */
const EDITS: ReadonlyArray<{ rel: string; set: string[]; lines: string[]; libbpf: boolean }> = [
  {
    rel: 'xdp_pkt_counter.o',
    set: ['.rodata.target_ifindex=7', '.rodata.count_bytes=false', '.rodata.default_action=XDP_DROP'],
    lines: [
      '.rodata target_ifindex = (__u32)7',
      '.rodata count_bytes = (_Bool)0',
      '.rodata default_action = (enum xdp_action)XDP_DROP',
    ],
    libbpf: true,
  },
  {
    rel: 'xdp_pkt_counter.bpfeb.o',
    set: ['.rodata.target_ifindex=0x01020304', '.rodata.default_action=3'],
    lines: ['.rodata target_ifindex = (__u32)16909060', '.rodata default_action = (enum xdp_action)XDP_TX'],
    libbpf: false,
  },
  {
    rel: 'maps/typed_values.o',
    set: [
      '.data.bits.c=-16',
      '.data.bits.d=0xffffffffff',
      '.data.bits.e=RED',
      '.data.grid[1]="x\\ty"',
      ".data.m1.small='Z'",
      '.data.m1.neg=-128',
      '.data.m2.name=abcdef',
      '.data.one=y',
      '.data.sbytes[1]=-2',
    ],
    lines: [
      '.data bits = (struct bits){.a = (unsigned int)0x5,.b = (unsigned int)0x64,.c = (int)0x10,.d = (__u64)0xffffffffff,.e = (enum color)RED,.f = (__u16)48879,}',
      ".data grid = (char[2][4])[['a','b','\\0',],['x',9,'y','\\0',],]",
      '.data one = (char)121',
      ".data sbytes = (__s8[3])[-1,-2,'\\0',]",
      ".data m1 = (struct mixed){.name = (char[6])['a','b','\\0',],.small = (__u8)'Z',.flag = (_Bool)1,.neg = (__s8)-128,.last = (char)'\\0',.after = (__u8)}",
    ],
    libbpf: true,
  },
  {
    rel: 'sockops_rtt.o',
    set: ['.rodata.ewma.alpha=0.5', '.rodata.ewma.report_scale=-2.25e3', '.rodata.ewma.min_samples=4294967295'],
    lines: [
      '.rodata ewma = (struct ewma_params){.alpha = (float)0.500000,.beta = (float)0.250000,.report_scale = (double)-2250.000000,.alpha_shift = (__u32)3,.beta_shift = (__u32)2,.min_samples = (__u32)4294967295,}',
    ],
    libbpf: true,
  },
  {
    rel: 'tc_flow_classifier.bpfeb.o',
    set: ['.data.classify_cfg.bulk_classid=65540', '.data.classify_cfg.realtime_ports[3]=443'],
    lines: [
      '.data.classify_cfg bulk_classid = (__u32)65540',
      '.data.classify_cfg realtime_ports = (__u16[4])[5004,5060,3478,443,]',
    ],
    libbpf: false,
  },
  {
    rel: 'merge/merge_core.o',
    set: ['.rodata.dump_bpf_maps.___fmt.1="%u\\n"'],
    lines: [".rodata dump_bpf_maps.___fmt.1 = (char[18])['%','u',10,'\\0',]"],
    libbpf: true,
  },
  {
    rel: 'maps/percpu_sections.o',
    set: ['.percpu.misses=9', '.percpu.scratch.scratch.tag=gpu'],
    lines: [
      '.percpu misses = (__u32)9',
      ".percpu.scratch scratch = (struct scratch){.depth = (__u32)1,.tag = (char[8])['g','p','u','\\0',],}",
    ],
    libbpf: false,
  },
];

const results = new Map<string, { before: Uint8Array; r: SetResult }>();
for (const e of EDITS) {
  const o = obj(e.rel);
  const r = setInitialValues(o, e.set);
  results.set(e.rel, { before: o.elf.bytes, r });
}

for (const e of EDITS) {
  test(`${e.rel}: vars prints the new values`, () => {
    const { r } = results.get(e.rel)!;
    const lines = varsText(r.bytes);
    for (const l of e.lines) assert.ok(lines.includes(l), `${l}\nnot in\n${lines.join('\n')}`);
  });

  test(`${e.rel}: only the bytes of the values changed`, () => {
    const { before, r } = results.get(e.rel)!;
    assert.is(r.bytes.length, before.length);
    const elf = parseElf(before);
    const inChange = (i: number): boolean =>
      r.changes.some((c) => {
        const s = elf.sections.find((x) => x.name === c.section)!;
        return i >= s.offset + c.offset && i < s.offset + c.offset + c.size;
      });
    let changed = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === r.bytes[i]) continue;
      changed++;
      assert.ok(inChange(i), `byte ${i} changed outside the values written`);
    }
    assert.ok(changed > 0);
  });
}

test('llvm-objcopy dumps every section unchanged but the ones edited, and those only in the values', () => {
  if (!hasTool(OBJCOPY)) return skip(`${OBJCOPY} missing (section dumps of edited objects)`);
  for (const e of EDITS) {
    const { before, r } = results.get(e.rel)!;
    const elf = parseElf(before);
    const files = [before, r.bytes].map((b) => {
      const f = join(tmp, `${count++}.o`);
      writeFileSync(f, b);
      return f;
    });
    const secs = elf.sections.filter((s) => s.index > 0 && hasFileData(s) && s.size > 0);
    const dumps = files.map((f, k) => {
      const args = secs.flatMap((s) => ['--dump-section', `${s.name}=${join(tmp, `d${k}-${s.index}`)}`]);
      const res = run(OBJCOPY, [...args, f, join(tmp, `${count++}.junk.o`)]);
      assert.is(res.status, 0, res.stderr);
      return secs.map((s) => readFileSync(join(tmp, `d${k}-${s.index}`)));
    });
    const edited = new Set(r.changes.map((c) => c.section));
    secs.forEach((s, i) => {
      const a = dumps[0]![i]!;
      const b = dumps[1]![i]!;
      assert.is(b.length, a.length, s.name);
      if (!edited.has(s.name)) return assert.ok(a.equals(b), `${e.rel}: ${s.name} unchanged`);
      for (let j = 0; j < a.length; j++)
        if (a[j] !== b[j])
          assert.ok(
            r.changes.some((c) => c.section === s.name && j >= c.offset && j < c.offset + c.size),
            `${e.rel}: ${s.name}+${j} changed outside a value`,
          );
    });
  }
});

test('libbpf opens every edited object and prints the new values (harness vars)', () => {
  const h = harnessPath();
  if (!h) return skip(harnessSkipReason());
  for (const e of EDITS.filter((x) => x.libbpf)) {
    const { r } = results.get(e.rel)!;
    const f = join(tmp, `${count++}.o`);
    writeFileSync(f, r.bytes);
    const res = runHarness(['vars', f]);
    assert.is(res.status, 0, res.stderr);
    const got = res.stdout.toString('utf8');
    assert.fixture(
      got,
      varsText(r.bytes, true)
        .map((l) => `${l}\n`)
        .join(''),
    );
    // libbpf 1.1.2 prints no '\0' in arrays of 1-byte integers (its whole output is compared above)
    for (const l of e.lines.filter((x) => !x.includes("'\\0'")))
      assert.ok(got.includes(l), `${e.rel}: libbpf prints ${l}`);
  }
});

/** Assignments refused, the object they are tried on, and a part of the message. */
const REFUSED: ReadonlyArray<[string, string, string]> = [
  ['xdp_pkt_counter.o', '.bss.packets_seen=1', '.bss.packets_seen: section .bss has no bytes in the file'],
  ['lsm_exec_guard.o', '.kconfig.CONFIG_HZ=100', '.kconfig.CONFIG_HZ: .kconfig holds externs'],
  ['xdp_pkt_counter.o', '.rodata.nope=1', ".rodata.nope: section .rodata has no variable 'nope'"],
  ['xdp_pkt_counter.o', '.rodata.default_action=XDP_NOPE', "'XDP_NOPE' is not an enumerator of enum xdp_action"],
  ['xdp_pkt_counter.o', '.rodata.count_bytes=2', ".rodata.count_bytes: '2' is not a bool"],
  [
    'xdp_pkt_counter.o',
    '.rodata.target_ifindex=-1',
    '.rodata.target_ifindex: -1 does not fit in __u32 (0..4294967295)',
  ],
  ['xdp_pkt_counter.o', '.rodata.target_ifindex=4294967296', 'does not fit in __u32'],
  ['xdp_pkt_counter.o', '.rodata.target_ifindex=12abc', "'12abc' is not an integer"],
  ['xdp_pkt_counter.o', '.rodata.target_ifindex.x=1', "'x': __u32 has no members"],
  ['xdp_pkt_counter.o', '.text.x=1', '.text.x: no such data section (the object has .rodata)'],
  ['xdp_pkt_counter.o', '.maps.xdp_stats=1', 'section .maps is not a global-data section'],
  ['xdp_pkt_counter.o', '.rodata.target_ifindex', 'expected SECTION.VAR=VALUE'],
  ['maps/typed_values.o', '.data.bits.c=16', '.data.bits.c: 16 does not fit in int:5 (-16..15)'],
  ['maps/typed_values.o', '.data.bits=1', 'struct bits takes no single value: give a member'],
  ['maps/typed_values.o', '.data.grid[2]=a', 'index 2 is past the 2 elements of char[2][4]'],
  ['maps/typed_values.o', '.data.grid[0]=abcde', "the string's 5 bytes do not fit in char[4]"],
  ['maps/typed_values.o', '.data.m1.nope=1', "struct mixed has no member 'nope'"],
  ['maps/typed_values.o', '.data.m1.small=256', 'does not fit in __u8 (0..255)'],
  ['maps/typed_values.o', '.data.m1.neg=-129', 'does not fit in __s8 (-128..127)'],
  ['sockops_rtt.o', '.rodata.ewma.alpha=1e39', '.rodata.ewma.alpha: 1e39 does not fit in float'],
  ['sockops_rtt.o', '.rodata.ewma.alpha=fast', "'fast' is not a number for float"],
];

test('refusals name the assignment', () => {
  for (const [rel, a, msg] of REFUSED) {
    try {
      setInitialValues(obj(rel), [a]);
      assert.unreachable(`${rel} ${a} accepted`);
    } catch (e) {
      assert.ok(isBtfError(e), String(e));
      assert.ok((e as Error).message.includes(msg), `${a}: ${(e as Error).message}`);
    }
  }
});

test('an object without .BTF is one clear error', () => {
  const o = obj('xdp_pkt_counter.o');
  assert.throws(
    () => setInitialValues({ ...o, btf: null }, ['.rodata.target_ifindex=1']),
    (e: Error) => isBtfError(e) && /no \.BTF section/.test(e.message),
  );
});

test('floats: inf, nan and exact values', () => {
  const r = setInitialValues(obj('sockops_rtt.o'), [
    '.rodata.ewma.alpha=-inf',
    '.rodata.ewma.beta=nan',
    '.rodata.ewma.report_scale=0.1',
  ]);
  assert.ok(
    varsText(r.bytes).includes(
      '.rodata ewma = (struct ewma_params){.alpha = (float)-inf,.beta = (float)nan,.report_scale = (double)0.100000,.alpha_shift = (__u32)3,.beta_shift = (__u32)2,.min_samples = (__u32)4,}',
    ),
  );
});

test('CLI: -o writes the object, -i replaces it atomically keeping its mode, usage errors', async () => {
  const src = repoPath('golden', 'obj', 'xdp_pkt_counter.o');
  const out = join(tmp, 'out.o');
  const r = await runCli(['set', src, '.rodata.target_ifindex=3', '-o', out]);
  assert.is(r.error, undefined, r.stderr);
  assert.ok(varsText(readBytes(out)).includes('.rodata target_ifindex = (__u32)3'));
  const dir = mkdtempSync(join(tmp, 'inplace-'));
  const f = join(dir, 'x.o');
  copyFileSync(src, f);
  chmodSync(f, 0o640);
  assert.is((await runCli(['set', f, '.rodata.target_ifindex=4', '-i'])).error, undefined);
  assert.ok(varsText(readBytes(f)).includes('.rodata target_ifindex = (__u32)4'));
  assert.is(statSync(f).mode & 0o777, 0o640);
  assert.equal(readdirSync(dir), ['x.o'], 'no temporary file left');
  const bad = await runCli(['set', f, '.rodata.target_ifindex=-4', '-i']);
  assert.ok(isBtfError(bad.error));
  assert.ok(varsText(readBytes(f)).includes('.rodata target_ifindex = (__u32)4'), 'a refused edit leaves the file');
  for (const args of [
    [src, '.rodata.target_ifindex=1'],
    [src, '.rodata.target_ifindex=1', '-i', '-o', out],
  ]) {
    const u = await runCli(['set', ...args]);
    assert.ok(isUsageError(u.error) && u.error.exitCode === 2, String(u.error));
  }
});

test('mutated .BTF: set writes or throws an input error; never a raw error', () => {
  const r = mutRng(0x736574);
  for (const e of EDITS.filter((x) => !x.rel.includes('bpfeb'))) {
    const bytes = readBytes(repoPath('golden', 'obj', ...e.rel.split('/')));
    const sec = parseElf(bytes).sections.find((x) => x.name === '.BTF')!;
    const btf = bytes.subarray(sec.offset, sec.offset + sec.size);
    for (let i = 0; i < fuzzRuns(40); i++) {
      const m = bytes.slice();
      m.set(mutate(btf, r), sec.offset);
      budget.time(`${e.rel} mutant ${i}`, () => {
        try {
          const out = setInitialValues(openObject(m, { file: 'm.o', ext: false }), e.set).bytes;
          assert.is(out.length, m.length);
        } catch (err) {
          assert.ok(isInputError(err), `${e.rel} mutant ${i}: ${(err as Error).stack}`);
        }
      });
    }
  }
});

budget.check();

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
