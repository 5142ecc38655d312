// Every command that reads a file, on damaged files (helpers/elf-mutate.ts:
// objects cut at every section boundary, section and ELF header fields,
// symbols, relocations, .BTF.ext records and counts, .BTF words; and
// helpers/btf-mutate.ts's raw BTF mutants). robust.test, malformed.test,
// errors.test and inputs.test call the library; this suite runs the
// command line, in process (createProgram over memoryIo) for the many
// cases and as the real bin for a sample. A command may succeed or fail;
// what it may not do:
// - throw anything but a BtfError/ElfError (a TypeError or RangeError is
//   a bug even though main.ts prints it on one line) or a usage error;
// - print more than one line on stderr, or exit with a status other than
//   0, 1, 2 or 3 (the bin);
// - take more than ~2 s (scaled by BTFKIT_TIME_SCALE) or, as the bin, more
//   than 400 MB (in process the suites share one heap: no measure there);
// - leave a file written by -o (or --ext) behind when it fails;
// - change its input.
// BTFKIT_FUZZ_RUNS multiplies the random mutants (the seeds stay; some 8 s
// by default, 100 s at 8), BTFKIT_CLI_FUZZ_SEED picks others, and
// BTFKIT_CLI_FUZZ_SAVE=DIR keeps every input that showed a problem.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseElf } from '../lib/elf/read.js';
import { replaceSections } from '../lib/elf/write.js';
import { isInputError } from '../lib/errors.js';
import { fuzzFactor, fuzzRuns, TimeBudget, timeScale } from './helpers/budget.js';
import { structuralMutant, toBigEndian } from './helpers/btf-mutate.js';
import { elfMutant, sectionBoundaries } from './helpers/elf-mutate.js';
import { memoryIo } from '../cli/io.js';
import { BIN, btfSection, isUsageError, readBytes, repoPath } from './helpers/golden.js';
import { rng } from './helpers/mutants.js';
import { scratchDir } from './helpers/scratch.js';

const budget = new TimeBudget('cli-fuzz', 60_000);
const tmp = scratchDir('cli-fuzz');
const SLOW_MS = 2000 * timeScale();
/** BTFKIT_CLI_FUZZ_SEED: other mutants (the default seeds are fixed). */
const SEED = Number(process.env['BTFKIT_CLI_FUZZ_SEED'] ?? 0);

const SEED_OBJECTS = [
  'golden/obj/ext/fixup_edges.o', // maps, .bss, .data, .rodata
  'golden/obj/ext/core_kinds.o', // CO-RE relocations of every kind
  'golden/obj/global_data_layout.o',
  'golden/obj/xdp_dispatch_tailcall.o',
  'golden/obj/core/core_task.o',
  'golden/obj/ext/fixup_edges.bpfeb.o',
  'golden/obj/maps/legacy_kv.o', // a legacy maps section
  'golden/obj/maps/typed_values.o',
  'golden/obj/maps/percpu_sections.o',
  'golden/obj/gen/gen_static_data.o',
  'golden/obj/tcp_cc_struct_ops.o', // struct_ops
  'golden/obj/kprobe_latency.o', // many programs and relocation sections
];
const seeds = SEED_OBJECTS.map((p) => ({ path: p, bytes: readBytes(repoPath(p)) }));
/** `set`'s assignment per seed: its first variable (an int, an array or a struct) given a value. */
const SET_ARGS: Record<string, string> = {
  'golden/obj/ext/fixup_edges.o': '.data.g_first=7',
  'golden/obj/global_data_layout.o': '.data.limiter.burst=2',
  'golden/obj/xdp_dispatch_tailcall.o': '.rodata.nr_cpus=4',
  'golden/obj/maps/typed_values.o': '.data.m1.name[1]=1',
  'golden/obj/maps/percpu_sections.o': '.percpu.hits=3',
  'golden/obj/gen/gen_static_data.o': '.rodata.limit=9',
  'golden/obj/kprobe_latency.o': '.rodata.slow_threshold_ns=100',
};
/** Stands for the seed's SET_ARGS entry in a command line. */
const SETVAR = '<set>';
// a clean raw BTF for the commands that take a second input (core's target, diff's other side)
const TARGET = join(tmp, 'target.btf');
writeFileSync(TARGET, btfSection(readBytes(repoPath('golden/obj/core/core_task.o'))));

const IN = join(tmp, 'in.o'),
  OUT = join(tmp, 'out'),
  OUT2 = join(tmp, 'out2'),
  OUTDIR = join(tmp, 'outdir');

/** Every command that reads an object, with the options that take other paths through it. */
const OBJECT_COMMANDS: readonly (readonly string[])[] = [
  ['dump', IN],
  ['dump', '-f', 'c', IN],
  ['dump', '-j', IN],
  ['dump', '--fixup', '-f', 'c', IN],
  ['convert', IN, '-o', OUT],
  ['stats', IN],
  ['maps', IN],
  ['maps', '-j', IN],
  ['vars', IN],
  ['vars', '-j', IN],
  ['dedup', IN, '-o', OUT],
  ['dedup', '--elf', IN, '-o', OUT],
  ['merge', IN, TARGET, '-o', OUT],
  ['sections', IN],
  ['sections', '-j', IN],
  ['extract', IN, '-o', OUT, '--ext', OUT2],
  ['extract', '--object', '--fixup', IN, '-o', OUT],
  ['attach', IN, '--btf', TARGET, '-o', OUT],
  ['attach', TARGET, '--btf', IN, '--ext', IN, '-o', OUT],
  ['ext', IN],
  ['ext', '-j', IN],
  ['check', IN],
  ['check', '--fixup', IN],
  ['core', IN, '-t', TARGET],
  ['core', '-j', '--log', IN, '-t', TARGET],
  ['gen', 'skeleton', IN],
  ['gen', 'subskeleton', IN],
  ['gen', 'ts', IN],
  ['gen', 'min-core-btf', TARGET, OUT, IN],
  ['layout', IN],
  ['layout', '-j', IN],
  ['set', IN, SETVAR, '-o', OUT],
  ['diff', IN, TARGET],
  ['find', 'a', IN],
  ['dump', '--fixup-mode', 'open', '-j', IN],
  ['check', '--kernel', '6.1', IN],
  ['core', '--strict', IN, '-t', TARGET],
  ['maps', '--relaxed', IN],
  ['vars', '--pretty', '--libbpf11', IN],
  ['extract', '--fixup-mode', 'open', IN, '-o', OUT],
  ['diff', '--object', IN, TARGET, TARGET],
  ['layout', '-E', '-C', 'btfkit_core,counter', '-R', IN],
  ['stats', '-j', IN],
  // many inputs: the batch path (worker threads for several)
  ['stats', IN, TARGET],
  ['dump', '-O', OUTDIR, IN, TARGET],
  // a damaged base under a clean split BTF
  ['dump', '-B', IN, TARGET],
  ['layout', '--btf_base', IN, TARGET],
  ['check', '-B', IN, TARGET],
  ['find', '-B', IN, 'a', TARGET],
];
/** The commands that read raw BTF. */
const RAW_COMMANDS: readonly (readonly string[])[] = [
  ['dump', IN],
  ['dump', '-f', 'c', IN],
  ['dump', '-p', IN],
  ['dump', '-B', TARGET, IN],
  ['convert', IN, '--endian', 'big', '-o', OUT],
  ['stats', IN],
  ['dedup', IN, '-o', OUT],
  ['merge', TARGET, IN, '-o', OUT],
  ['check', IN],
  ['check', '-B', TARGET, IN],
  ['layout', IN],
  ['layout', '-E', IN],
  ['diff', TARGET, IN],
  ['find', '-e', '.', IN],
  ['core', TARGET.replace('target.btf', 'none.o'), '-t', IN],
  ['attach', 'golden/obj/core/core_task.o', '--btf', IN, '-o', OUT],
  ['dump', '-B', IN, TARGET],
  ['dedup', '-B', IN, TARGET, '-o', OUT],
  ['diff', '-B', IN, TARGET, TARGET],
  ['stats', IN, IN, TARGET],
];

/** runCli, keeping each write to stderr apart. */
async function runCommand(args: readonly string[]): Promise<{ error: unknown; errParts: string[] }> {
  const { createProgram } = await import('../cli/program.js');
  const io = memoryIo();
  const errParts: string[] = [];
  io.err = (c) => {
    errParts.push(c);
  };
  const program = await createProgram(io);
  let error: unknown;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { error, errParts };
}

interface Finding {
  what: string;
  args: string;
  problem: string;
}

/** Runs one command on `bytes` (written to IN) in process; returns what is wrong, or ''. */
async function runOne(bytes: Uint8Array, args: readonly string[], mustFail = false): Promise<string> {
  writeFileSync(IN, bytes);
  rmSync(OUT, { force: true });
  rmSync(OUT2, { force: true });
  rmSync(OUTDIR, { recursive: true, force: true });
  const t = performance.now();
  const r = await runCommand(args.map((a) => (a.startsWith('golden/') ? repoPath(a) : a)));
  const ms = performance.now() - t;
  budget.add(ms, args.join(' '));
  const problems: string[] = [];
  const e = r.error;
  if (e !== undefined && !isInputError(e) && !isUsageError(e) && !(e as { code?: string }).code?.startsWith('btfkit.'))
    problems.push(
      `threw ${(e as Error).name ?? typeof e}: ${(e as Error).message}\n${(e as Error).stack?.split('\n').slice(1, 4).join('\n')}`,
    );
  if (ms > SLOW_MS) problems.push(`took ${ms.toFixed(0)} ms`);
  if (mustFail && e === undefined) problems.push('succeeded on an object cut short');
  // a command may report several problems (maps: one per map), each on a line of its own, then fail
  for (const part of r.errParts)
    if (!/^btfkit( layout)?: [^\n]*\n$/.test(part))
      problems.push(`stderr not one btfkit line: ${JSON.stringify(part.slice(0, 300))}`);
  if (e !== undefined && /\n/.test((e as Error).message ?? ''))
    problems.push(`a message of several lines: ${JSON.stringify((e as Error).message.slice(0, 300))}`);
  const failed = e !== undefined && !((e as { code?: string }).code === 'btfkit.exitStatus');
  if (failed && (existsSync(OUT) || existsSync(OUT2))) problems.push('an output file written despite the error');
  if (failed && args.includes(OUTDIR) && existsSync(OUTDIR) && readdirSync(OUTDIR).length > 1)
    problems.push(`-O wrote ${readdirSync(OUTDIR).join(', ')} despite the error`);
  if (!Buffer.from(readFileSync(IN)).equals(bytes)) problems.push('the input file changed');
  return problems.join('; ');
}

async function runAll(
  inputs: Array<{ what: string; bytes: Uint8Array; set?: string }>,
  commands: readonly (readonly string[])[],
  findings: Finding[],
  mustFail = false,
): Promise<number> {
  let runs = 0;
  for (const x of inputs) {
    for (const args of commands) {
      runs++;
      const p = await runOne(
        x.bytes,
        args.map((a) => (a === SETVAR ? (x.set ?? 'counter=1') : a)),
        mustFail,
      );
      if (p) {
        findings.push({ what: x.what, args: args.join(' ').replaceAll(tmp, '$T'), problem: p });
        // BTFKIT_CLI_FUZZ_SAVE=DIR keeps each input that showed a problem, to replay it
        const save = process.env['BTFKIT_CLI_FUZZ_SAVE'];
        if (save) writeFileSync(join(save, `case-${findings.length}-${args[0]}.bin`), x.bytes);
      }
    }
  }
  return runs;
}

function report(findings: Finding[]): string[] {
  // one line per distinct problem (the first input that shows it)
  const seen = new Map<string, string>();
  for (const f of findings) {
    const key = `${f.args.split(' ')[0]} ${f.problem.split('\n')[0]!.replace(/\d+/g, 'N')}`;
    if (!seen.has(key)) seen.set(key, `${f.what}: btfkit ${f.args}: ${f.problem}`);
  }
  return [...seen.values()];
}

test('objects cut at every section boundary: every command fails cleanly or succeeds', async () => {
  const findings: Finding[] = [];
  const inputs: Array<{ what: string; bytes: Uint8Array }> = [];
  for (const s of seeds.slice(0, 2)) {
    for (const at of sectionBoundaries(s.bytes))
      inputs.push({ what: `${s.path} cut at ${at}`, bytes: s.bytes.slice(0, at) });
  }
  // most cuts fail the same way at once: a sample of them through every command, all of them through the ELF readers
  const r = rng(0xc07 ^ SEED);
  const sample = inputs.filter(() => r() < Math.min(1, 0.03 * fuzzFactor()));
  const runs =
    (await runAll(sample, OBJECT_COMMANDS, findings, true)) +
    (await runAll(
      inputs,
      [
        ['sections', IN],
        ['dump', IN],
      ],
      findings,
      true,
    ));
  console.log(`  cli-fuzz: ${inputs.length} cuts, ${runs} runs`);
  assert.equal(report(findings), []);
});

test('damaged objects (section headers, ELF header, symbols, relocations, .BTF.ext, .BTF): every command', async () => {
  const findings: Finding[] = [];
  const r = rng(0xe1f ^ SEED);
  const inputs: Array<{ what: string; bytes: Uint8Array }> = [];
  for (let i = 0, n = fuzzRuns(12); i < n; i++) {
    const s = seeds[i % seeds.length]!;
    const m = elfMutant(s.bytes, r);
    if (m)
      inputs.push({
        what: `${s.path}: ${m.what}`,
        bytes: m.bytes,
        ...(SET_ARGS[s.path] ? { set: SET_ARGS[s.path] } : {}),
      });
  }
  const runs = await runAll(inputs, OBJECT_COMMANDS, findings);
  console.log(`  cli-fuzz: ${inputs.length} damaged objects, ${runs} runs`);
  assert.equal(report(findings), []);
});

test('objects carrying a structurally damaged .BTF (any size, the rest of the object intact): every command', async () => {
  const findings: Finding[] = [];
  const r = rng(0x0b7f ^ SEED);
  const inputs: Array<{ what: string; bytes: Uint8Array }> = [];
  const le = seeds.filter((s) => !s.path.includes('bpfeb'));
  for (let i = 0, n = fuzzRuns(8); i < n; i++) {
    const s = le[i % le.length]!;
    const elf = parseElf(s.bytes, { file: s.path });
    const m = structuralMutant(btfSection(s.bytes), r);
    if (m)
      inputs.push({
        what: `${s.path}: .BTF ${m.ops.join('; ')}`,
        bytes: replaceSections(elf, new Map([['.BTF', m.bytes]])),
        ...(SET_ARGS[s.path] ? { set: SET_ARGS[s.path] } : {}),
      });
  }
  const runs = await runAll(inputs, OBJECT_COMMANDS, findings);
  console.log(`  cli-fuzz: ${inputs.length} objects with a damaged .BTF, ${runs} runs`);
  assert.equal(report(findings), []);
});

test('damaged raw BTF: every command that reads BTF', async () => {
  const findings: Finding[] = [];
  const r = rng(0xb7f ^ SEED);
  const inputs: Array<{ what: string; bytes: Uint8Array }> = [];
  const raw = seeds.filter((s) => !s.path.includes('bpfeb')).map((s) => btfSection(s.bytes));
  for (let i = 0, n = fuzzRuns(12); i < n; i++) {
    const m = structuralMutant(raw[i % raw.length]!, r);
    // every other one in big-endian byte order
    if (m)
      inputs.push({
        what: `${m.ops.join('; ')}${i & 1 ? ' (big-endian)' : ''}`,
        bytes: i & 1 ? toBigEndian(m.bytes) : m.bytes,
      });
  }
  const runs = await runAll(inputs, RAW_COMMANDS, findings);
  console.log(`  cli-fuzz: ${inputs.length} raw BTF mutants, ${runs} runs`);
  assert.equal(report(findings), []);
});

test('the bin on damaged objects: exit 0-3, at most one line on stderr, no stack trace, bounded time and memory', () => {
  const r = rng(0xb1 ^ SEED);
  const bad: string[] = [];
  const time = existsSync('/usr/bin/time');
  for (let i = 0, n = fuzzRuns(4); i < n; i++) {
    const s = seeds[i % seeds.length]!;
    const m = elfMutant(s.bytes, r);
    if (!m) continue;
    writeFileSync(IN, m.bytes);
    const args = OBJECT_COMMANDS[Math.floor(r() * OBJECT_COMMANDS.length)]!;
    const cmd = time ? '/usr/bin/time' : process.execPath;
    const argv = time ? ['-f', 'rss=%M', process.execPath, BIN, ...args] : [BIN, ...args];
    const t = performance.now();
    const p = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 20_000 * timeScale() });
    const ms = performance.now() - t;
    let stderr = p.stderr ?? '';
    const rss = /rss=(\d+)\s*$/.exec(stderr);
    if (rss) stderr = stderr.slice(0, rss.index).replace(/Command exited with non-zero status \d+\n$/, '');
    const lines = stderr.split('\n').filter((l) => l !== '');
    const what = `${s.path} (${m.what}): btfkit ${args.join(' ').replaceAll(tmp, '$T')}`;
    if (p.status === null) bad.push(`${what}: killed (${p.signal}) after ${ms.toFixed(0)} ms`);
    else if (![0, 1, 2, 3].includes(p.status)) bad.push(`${what}: exit status ${p.status}`);
    if (lines.some((l) => !/^btfkit( layout)?: /.test(l)))
      bad.push(`${what}: stderr ${JSON.stringify(stderr.slice(0, 300))}`);
    if (rss && Number(rss[1]) > 400 * 1024) bad.push(`${what}: ${rss[1]} kB resident`);
    if (ms > SLOW_MS + 1000) bad.push(`${what}: ${ms.toFixed(0)} ms`);
  }
  assert.equal(bad, []);
});

budget.check();
test.run();
