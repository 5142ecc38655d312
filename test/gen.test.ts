/**
 * lib/gen/skeleton.ts: `btfkit gen skeleton` and `gen subskeleton` against
 * bpftool 7.1.0's, on every golden object (golden/obj/gen/ was written for
 * them: custom sections, `.kconfig`, padding, no maps, no BTF). The committed
 * expected files (test/fixtures/gen, regen.mjs) hold bpftool's output with
 * the embedded object elided; the live tests compare every byte. The headers
 * compile with `cc` against Debian's libbpf headers, and libbpf opens one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Btf } from '../lib/btf.js';
import { isBtfError } from '../lib/errors.js';
import { genSkeleton, genSubskeleton, type SkeletonOptions } from '../lib/gen/skeleton.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { writeCDump } from '../lib/dump/c.js';
import {
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FWD,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VAR,
} from '../lib/kinds.js';
import { fixupDatasecs } from '../lib/object/fixup.js';
import { openObject, writeObject } from '../lib/object/open.js';
import { typeQuery } from '../lib/query.js';
import { BIN, readBytes, repoPath, ROOT, text } from './helpers/golden.js';
import {
  elideElfBytes,
  embeddedBytes,
  SKEL_KINDS,
  type SkelKind,
  skelFixture,
  skeletonObjects,
} from './helpers/skel.js';
import { skip } from './helpers/skip.js';
import { hasTool, run } from './helpers/tools.js';

const OBJECTS = skeletonObjects();
const GEN: Record<SkelKind, (b: Uint8Array, o: SkeletonOptions) => Uint8Array> = {
  skeleton: genSkeleton,
  subskeleton: genSubskeleton,
};

/**
 * Where btfkit refuses on purpose what bpftool 7.1 does, and why (the
 * message starts so): a skeleton that does not compile, and a subskeleton
 * bpftool leaves empty with exit status 0.
 */
const REFUSED: Record<string, RegExp> = {
  'golden/obj/gen/gen_clash.o skeleton': /two maps take the field 'data'/,
  'golden/obj/gen/gen_clash.o subskeleton': /two maps take the field 'data'/,
  'golden/obj-nobtf/gen_nobtf_data.o skeleton': /data sections but no \.BTF/,
  'golden/obj/maps/maps_demo.o subskeleton': /internal map '\.rodata\.str1\.1' has no DATASEC/,
};

const rel = (p: string): string => relative(ROOT, p);

/** btfkit's output, or the error it throws (a BtfError or ElfError, never anything else). */
function generate(obj: string, kind: SkelKind, opts: SkeletonOptions = {}): { out: string } | { error: string } {
  try {
    return { out: text(GEN[kind](readBytes(obj), { file: rel(obj), ...opts })) };
  } catch (e) {
    if (!isBtfError(e) && !(e instanceof Error && e.name === 'ElfError')) throw e;
    return { error: (e as Error).message };
  }
}

test('gen skeleton and subskeleton equal the committed bpftool outputs (the object bytes elided)', () => {
  let same = 0;
  for (const obj of OBJECTS) {
    for (const kind of SKEL_KINDS) {
      const key = `${rel(obj)} ${kind}`;
      const r = generate(obj, kind);
      const h = skelFixture(obj, kind, 'h');
      if (REFUSED[key]) {
        assert.ok('error' in r && REFUSED[key].test(r.error), `${key}: refused (${'error' in r ? r.error : 'output'})`);
        continue;
      }
      if (existsSync(h)) {
        assert.ok('out' in r, `${key}: ${'error' in r ? r.error : ''}`);
        if ('out' in r) assert.fixture(elideElfBytes(r.out), readFileSync(h, 'utf8'), key);
        same++;
      } else {
        assert.ok(existsSync(skelFixture(obj, kind, 'err')), `${key}: no expected file (run regen.mjs)`);
        assert.ok('error' in r, `${key}: bpftool fails, btfkit printed a header`);
      }
    }
  }
  assert.ok(same >= 40, `${same} outputs compared`);
});

test('gen skeleton and subskeleton equal bpftool gen skeleton and subskeleton byte for byte (live)', () => {
  if (!hasTool('bpftool')) return skip('bpftool not installed');
  for (const obj of OBJECTS) {
    for (const kind of SKEL_KINDS) {
      const key = `${rel(obj)} ${kind}`;
      const b = run('bpftool', ['gen', kind, obj]);
      const r = generate(obj, kind);
      if (REFUSED[key]) {
        assert.is(b.status, 0, key);
        assert.ok('error' in r, key);
      } else if (b.status === 0 && b.stdout.length > 0) {
        assert.ok('out' in r, `${key}: ${'error' in r ? r.error : ''}`);
        if ('out' in r) assert.ok(r.out === b.stdout.toString('utf8'), `${key}: differs from bpftool`);
      } else {
        assert.ok(
          'error' in r,
          `${key}: bpftool fails (${b.stderr.trim().split('\n').pop()}), btfkit printed a header`,
        );
      }
    }
  }
});

test("gen skeleton with bpftool's 'name NAME' equals bpftool's (live)", () => {
  if (!hasTool('bpftool')) return skip('bpftool not installed');
  for (const [obj, name] of [
    ['golden/obj/gen/gen_sections.o', 'my_skel'],
    ['golden/obj/maps/maps_demo.o', 'a_rather_long_object_name_for_the_maps'],
  ] as const) {
    for (const kind of SKEL_KINDS) {
      if (kind === 'subskeleton' && obj.includes('maps_demo')) continue;
      const b = run('bpftool', ['gen', kind, repoPath(obj), 'name', name]);
      const r = generate(repoPath(obj), kind, { name });
      assert.is(b.status, 0);
      assert.ok('out' in r && r.out === b.stdout.toString('utf8'), `${obj} ${kind} name ${name}`);
    }
  }
});

test('the embedded bytes are the object, byte for byte', () => {
  for (const obj of ['golden/obj/gen/gen_sections.o', 'golden/obj-nobtf/gen_nobtf.o', 'golden/obj/xdp_pkt_counter.o']) {
    const r = generate(repoPath(obj), 'skeleton');
    assert.ok('out' in r, obj);
    if ('out' in r) assert.equal(embeddedBytes(r.out), new Uint8Array(readBytes(repoPath(obj))), obj);
  }
});

/** Names libbpf's header or the skeleton itself uses: never renamed. */
const KEEP = new Set([
  'packed',
  'aligned',
  'size_t',
  'errno',
  'bpf_object',
  'bpf_map',
  'bpf_program',
  'bpf_link',
  'bpf_object_skeleton',
  'bpf_map_skeleton',
  'bpf_prog_skeleton',
  'bpf_object_open_opts',
  'bpf_object_subskeleton',
  'bpf_var_skeleton',
]);

/**
 * Returns what a user's program would have before including the skeleton:
 * libbpf's header, then the C declarations of the variables' types (the
 * object's BTF as C, the types the VARs need), each type and enumerator name
 * renamed by a macro so that those the kernel's UAPI headers define too
 * (`enum xdp_action`, `__u32`) cannot clash.
 */
function prelude(btf: Btf | null): string {
  let s = '#include <bpf/libbpf.h>\n';
  if (!btf) return s;
  // The dump prints type tags as clang's btf_type_tag attribute, which gcc ignores
  // with a warning; emptied, `__attribute__(())` is valid C for both.
  s += '#define btf_type_tag(x)\n';
  const q = typeQuery(btf);
  const roots: string[] = [];
  const names = new Set<string>();
  for (let id = 1; id < btf.typeCount; id++) {
    const k = q.kind(id);
    if (k === BTF_KIND_VAR) roots.push(String(q.word(id, 2)));
    const typeName =
      k === BTF_KIND_STRUCT ||
      k === BTF_KIND_UNION ||
      k === BTF_KIND_TYPEDEF ||
      k === BTF_KIND_FWD ||
      k === BTF_KIND_ENUM;
    if (typeName || k === BTF_KIND_ENUM64) {
      const n = q.str(q.nameOff(id));
      if (n) names.add(n);
    }
    if (k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) {
      const step = k === BTF_KIND_ENUM ? 2 : 3;
      for (let i = 0; i < q.vlen(id); i++) names.add(q.str(q.word(id, 3 + step * i)));
    }
  }
  for (const n of names) if (!KEEP.has(n)) s += `#undef ${n}\n#define ${n} btfkit_${n}\n`;
  if (roots.length) s += text(collectBytes((sink) => writeCDump(btf, sink, { typeNames: roots, pragma: false })));
  return s;
}

/** Runs `cc args` without blocking the event loop; resolves to its status and stderr. */
function cc(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('cc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    p.on('close', (status) => resolve({ status, stderr }));
    p.on('error', (e) => resolve({ status: null, stderr: String(e) }));
  });
}

const LIBBPF_H = '/usr/include/bpf/libbpf.h';

test('every skeleton and subskeleton compiles with cc -Wall -Werror against libbpf-dev headers', async () => {
  if (!hasTool('cc')) return skip('no C compiler (cc)');
  if (!existsSync(LIBBPF_H)) return skip(`${LIBBPF_H} missing (apt-get install libbpf-dev)`);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-gen-'));
  try {
    const units: string[] = [];
    for (const obj of OBJECTS) {
      const r = rel(obj);
      const base = r
        .replace(/\.o$/, '')
        .split('/')
        .join('__')
        .replace(/[^A-Za-z0-9_]/g, '_');
      const sk = generate(obj, 'skeleton');
      if (!('out' in sk)) continue;
      // The subskeleton under its own name, so that both fit in one unit.
      const sub = generate(obj, 'subskeleton', { name: `sub_${base}` });
      writeFileSync(join(dir, `${base}.skel.h`), sk.out);
      if ('out' in sub) writeFileSync(join(dir, `${base}.subskel.h`), sub.out);
      const btf = openObject(readBytes(obj), { file: r, ext: false }).btf;
      writeFileSync(
        join(dir, `${base}.c`),
        `${prelude(btf)}\n#include "${base}.skel.h"\n${'out' in sub ? `#include "${base}.subskel.h"\n` : ''}`,
      );
      units.push(base);
    }
    assert.ok(units.length >= 20, `${units.length} objects`);
    // Two at a time: the machine's cores.
    const failures: string[] = [];
    for (let i = 0; i < units.length; i += 2) {
      const batch = units.slice(i, i + 2);
      const rs = await Promise.all(
        batch.map((u) => cc(['-std=gnu11', '-Wall', '-Werror', '-c', join(dir, `${u}.c`), '-o', join(dir, `${u}.o`)])),
      );
      rs.forEach((x, j) => {
        if (x.status !== 0) failures.push(`${batch[j]}: ${x.stderr.split('\n').slice(0, 6).join('\n')}`);
      });
    }
    assert.equal(failures, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("libbpf opens gen_sections' skeleton, and its subskeleton over that object, and reads the initial values through both", () => {
  if (!hasTool('cc')) return skip('no C compiler (cc)');
  if (!existsSync(LIBBPF_H)) return skip(`${LIBBPF_H} missing (apt-get install libbpf-dev)`);
  const obj = repoPath('golden/obj/gen/gen_sections.o');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-gen-'));
  try {
    const sk = generate(obj, 'skeleton');
    assert.ok('out' in sk);
    if (!('out' in sk)) return;
    writeFileSync(join(dir, 'gen_sections.skel.h'), sk.out);
    const sub = generate(obj, 'subskeleton', { name: 'sub_gen' });
    assert.ok('out' in sub);
    if (!('out' in sub)) return;
    writeFileSync(join(dir, 'sub_gen.h'), sub.out);
    const btf = openObject(readBytes(obj), { ext: false }).btf;
    writeFileSync(
      join(dir, 'main.c'),
      `#include <stdio.h>
${prelude(btf)}
#include "gen_sections.skel.h"
#include "sub_gen.h"
int main(void)
{
	struct gen_sections *s = gen_sections__open();
	if (!s) { perror("open"); return 1; }
	struct sub_gen *sub = sub_gen__open(s->obj);
	if (!sub) { perror("subskeleton open"); return 1; }
	printf("%d %u %u %u %llu %s\\n", *sub->data.ready, *sub->rodata.max_cpus, (*sub->data.grid)[2][1],
	       *sub->data_a_rather_long_name.long_sec_var, (unsigned long long)*sub->data_custom.custom_b,
	       *sub->rodata.banner);
	printf("%s %s\\n", bpf_map__name(sub->maps.bss), bpf_program__name(sub->progs.tc_second));
	sub_gen__destroy(sub);
	printf("%d %u %llu %u %u %d %u %s %d %llu %u %u\\n", s->data->ready, s->data->flag,
	       (unsigned long long)s->data->after_flag, s->data->grid[2][1], s->rodata->max_cpus,
	       (int)s->rodata->run_mode, s->rodata->bounds.hi, s->rodata->banner, s->rodata->tiny,
	       (unsigned long long)s->data_custom->custom_b, s->rodata_custom->ro_custom,
	       s->data_a_rather_long_name->long_sec_var);
	printf("%s %s %s %s\\n", bpf_map__name(s->maps.data), bpf_map__name(s->maps.data_a_rather_long_name),
	       bpf_program__name(s->progs.xdp_fourth), bpf_program__section_name(s->progs.tp_third));
	gen_sections__destroy(s);
	return 0;
}
`,
    );
    const lib = spawnSync('cc', ['-print-file-name=libbpf.a'], { encoding: 'utf8' }).stdout.trim() || 'libbpf.a';
    const exe = join(dir, 'main');
    const c = run('cc', ['-std=gnu11', '-Wall', '-o', exe, join(dir, 'main.c'), lib, '-lelf', '-lz']);
    assert.is(c.status, 0, c.stderr);
    const r = run(exe, []);
    assert.is(r.status, 0, r.stderr);
    assert.fixture(
      r.stdout.toString('utf8'),
      '1 8 6 14 12 gen-sections\ngen_sect.bss tc_second\n' +
        '1 2 3 6 8 7 100 gen-sections -1 12 13 14\ngen_sect.data .data.a_rather_long_name xdp_fourth tracepoint/syscalls/sys_enter_openat\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--percpu: .percpu sections get a map field and an initial-value struct; without it, output is unchanged', () => {
  // No .percpu section: the option changes nothing.
  for (const obj of ['golden/obj/gen/gen_sections.o', 'golden/obj/xdp_pkt_counter.o']) {
    const a = generate(repoPath(obj), 'skeleton');
    const b = generate(repoPath(obj), 'skeleton', { percpu: true });
    assert.ok('out' in a && 'out' in b && a.out === b.out, obj);
  }
  // Code that uses .percpu: libbpf 1.1 (and bpftool) refuse it; with the option, a skeleton.
  const obj = repoPath('golden/obj/maps/percpu_sections.o');
  const plain = generate(obj, 'skeleton');
  assert.ok('error' in plain && /bad map relo against 'hits' in section '\.percpu'.*--percpu/.test(plain.error));
  const r = generate(obj, 'skeleton', { percpu: true });
  assert.ok('out' in r, 'error' in r ? r.error : '');
  if (!('out' in r)) return;
  assert.match(r.out, /\t\tstruct bpf_map \*percpu;\n/);
  assert.match(r.out, /\tstruct percpu_sections__percpu \{\n(\t\t.*\n)+\t\} \*percpu;\n/);
  assert.match(r.out, /\ts->maps\[\d+\]\.mmaped = \(void \*\*\)&obj->percpu;\n/);
  assert.match(r.out, /_Static_assert\(sizeof\(s->percpu->hits\) == \d+/);
  assert.match(r.out, /per-CPU global data \(proposed libbpf extension, not in bpftool 7\.1\)/);
  const sub = generate(obj, 'subskeleton', { percpu: true });
  assert.ok('out' in sub && /\ts->vars\[\d+\]\.map = &obj->maps\.percpu;\n/.test(sub.out));
});

test('--percpu skeletons compile against libbpf-dev headers', async () => {
  if (!hasTool('cc')) return skip('no C compiler (cc)');
  if (!existsSync(LIBBPF_H)) return skip(`${LIBBPF_H} missing (apt-get install libbpf-dev)`);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-gen-'));
  try {
    for (const name of ['percpu_sections', 'percpu_ref', 'maps_demo']) {
      const obj = repoPath(`golden/obj/maps/${name}.o`);
      const r = generate(obj, 'skeleton', { percpu: true });
      assert.ok('out' in r, name);
      if (!('out' in r)) continue;
      writeFileSync(join(dir, `${name}.skel.h`), r.out);
      writeFileSync(
        join(dir, `${name}.c`),
        `${prelude(openObject(readBytes(obj), { ext: false }).btf)}\n#include "${name}.skel.h"\n`,
      );
      const c = await cc([
        '-std=gnu11',
        '-Wall',
        '-Werror',
        '-c',
        join(dir, `${name}.c`),
        '-o',
        join(dir, `${name}.o`),
      ]);
      assert.is(c.status, 0, c.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: one-line errors naming the problem', () => {
  const sections = repoPath('golden/obj/gen/gen_sections.o');
  const errOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(isBtfError(e) || (e instanceof Error && e.name === 'ElfError'), String(e));
      return (e as Error).message;
    }
    assert.unreachable('no error');
    return '';
  };
  const bytes = readBytes(sections);
  assert.match(
    errOf(() => genSkeleton(bytes, { name: 'bad-name' })),
    /name 'bad-name' is not a C identifier/,
  );
  assert.match(
    errOf(() => genSkeleton(bytes, { name: '9lives' })),
    /is not a C identifier/,
  );
  assert.match(
    errOf(() => genSkeleton(bytes, { file: 'dir/1st.o' })),
    /'1st' taken from the file name is not a C identifier/,
  );
  assert.match(
    errOf(() => genSkeleton(bytes)),
    /needs a name/,
  );
  assert.match(
    errOf(() => genSubskeleton(readBytes(repoPath('golden/obj-nobtf/gen_nobtf.o')), { file: 'gen_nobtf.o' })),
    /^gen_nobtf\.o: need btf type information for gen_nobtf$/,
  );
  assert.match(
    errOf(() => genSkeleton(readBytes(repoPath('golden/obj/xdp_pkt_counter.bpfeb.o')), { file: 'x.o' })),
    /endianness mismatch/,
  );
  assert.match(
    errOf(() => genSkeleton(readBytes(repoPath('golden/obj/maps/legacy_kv.o')), { file: 'legacy_kv.o' })),
    /legacy map definitions/,
  );
  assert.match(
    errOf(() => genSkeleton(readBytes(repoPath('golden/obj/merge/merge_skb.o')), { file: 'merge_skb.o' })),
    /extern 'submit_event'/,
  );
  assert.match(
    errOf(() => genSkeleton(new Uint8Array(16), { file: 'zero.o' })),
    /zero\.o/,
  );
  for (const e of [
    errOf(() => genSkeleton(bytes, { name: 'bad-name' })),
    errOf(() => genSkeleton(readBytes(repoPath('golden/obj/maps/bad_defs.o')), { file: 'bad_defs.o' })),
  ])
    assert.not.match(e, /\n/);
});

/**
 * gen_sections.o with its `.data` DATASEC fixed up (so that libbpf keeps
 * its offsets) and then `edit`ed: entry 1 is `flag` (1 byte at 4), entry 5
 * `hidden_total`, the last.
 */
function editedData(edit: (btf: Btf, secId: number) => void): Uint8Array {
  const obj = openObject(readBytes(repoPath('golden/obj/gen/gen_sections.o')), { file: 'gen_sections.o' });
  const btf = obj.btf!;
  fixupDatasecs(btf, obj.elf, { externs: false, hiddenStatic: false });
  const secId = btf.findByName('.data')!;
  edit(btf, secId);
  return writeObject(obj);
}

const overlapping = () => editedData((btf, id) => btf.setWord(id, 4 + 3 * 1, 2));
const outside = () => editedData((btf, id) => btf.setWord(id, 4 + 3 * 5, btf.wordOf(id, 2)));

test('a DATASEC whose variables overlap or lie outside the section: one-line errors', () => {
  for (const kind of SKEL_KINDS) {
    const err = (bytes: Uint8Array): string => {
      try {
        GEN[kind](bytes, { file: 'gen_sections.o' });
      } catch (e) {
        assert.ok(isBtfError(e), String(e));
        return (e as Error).message;
      }
      return '';
    };
    if (kind === 'skeleton')
      assert.match(
        err(overlapping()),
        /^gen_sections\.o: Something is wrong for \.data's variable 'flag': need offset 2, already at 4$/,
      );
    assert.match(
      err(outside()),
      /^gen_sections\.o: section \.data: variable 'hidden_total' \(offset (\d+), size 4\) lies outside the section \(\1 bytes\)$/,
    );
  }
});

test('a DATASEC whose variables overlap: bpftool fails too (live)', () => {
  if (!hasTool('bpftool')) return skip('bpftool not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-gen-'));
  try {
    const f = join(dir, 'gen_sections.o');
    writeFileSync(f, overlapping());
    const b = run('bpftool', ['gen', 'skeleton', f]);
    assert.is.not(b.status, 0);
    assert.match(b.stderr, /Something is wrong for \.data's variable #1: need offset 2, already at 4/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('btfkit gen skeleton and subskeleton on the command line', () => {
  const obj = repoPath('golden/obj/gen/gen_sections.o');
  const cli = (...args: string[]) => {
    const r = run(process.execPath, [BIN, 'gen', ...args]);
    return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr };
  };
  const a = cli('skeleton', obj, 'name', 'cli_skel');
  assert.is(a.code, 0, a.stderr);
  const r = generate(obj, 'skeleton', { name: 'cli_skel' });
  assert.ok('out' in r && a.stdout === r.out);
  const n = cli('subskeleton', obj, 'n', 'x');
  assert.is(n.code, 0, n.stderr);
  assert.match(n.stdout, /struct x \{/);
  const bad = cli('skeleton', obj, 'nom', 'x');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown arg nom/);
  const twice = cli('skeleton', obj, 'name', 'x', 'name', 'y');
  assert.is(twice.code, 2);
  assert.match(twice.stderr, /object name already specified/);
  const be = cli('skeleton', repoPath('golden/obj/xdp_pkt_counter.bpfeb.o'));
  assert.is(be.code, 1);
  assert.match(be.stderr, /endianness mismatch/);
  assert.is(be.stderr.trim().split('\n').length, 1, be.stderr);
});

test.run();
