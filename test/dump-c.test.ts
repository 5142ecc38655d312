/**
 * The C header dump (lib/dump/c.ts): every golden object dumps exactly as
 * bpftool v7.1.0 printed it (`format c`, committed under golden/expected/),
 * the running kernel's BTF exactly as bpftool prints it live, `--sort` as
 * bpftool 7.5+ sorts (committed goldens from bpftool v7.7.0, and live when
 * BTFKIT_BPFTOOL_SORTED names such a bpftool), `--type` as libbpf's
 * `btf_dump__dump_type` of those roots (a small C oracle over the system
 * libbpf, built when cc and libbpf-dev exist), and the headers compile with
 * clang-19 and reproduce every struct's size and member offsets.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { parseBtf } from '../lib/object/open.js';
import { collectBytes } from '../lib/dump/bytes.js';
import { cDump, writeCDump, type CDumpOptions } from '../lib/dump/c.js';
import { BtfErrorCode, isBtfError } from '../lib/errors.js';
import {
  BTF_FUNC_GLOBAL,
  BTF_FWD_STRUCT,
  BTF_FWD_UNION,
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_CONST,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_RESTRICT,
  BTF_KIND_STRUCT,
  BTF_KIND_TYPE_TAG,
  BTF_KIND_TYPEDEF,
  BTF_KIND_UNION,
  BTF_KIND_VOLATILE,
  BTF_VAR_GLOBAL_ALLOCATED,
} from '../lib/kinds.js';
import {
  VMLINUX,
  firstDiff,
  goldenObjects,
  isUsageError,
  readBytes,
  readText,
  repoPath,
  runCli,
  sameBytes,
  text,
  vmlinuxBytes,
} from './helpers/golden.js';
import { hasTool, run } from './helpers/tools.js';
import { skip } from './helpers/skip.js';
import { scratchDir } from './helpers/scratch.js';

// ------------------------------------------------------------------ fixtures

interface CGolden {
  name: string;
  obj: string;
  header: string;
}

const cGoldens: CGolden[] = goldenObjects().map((g) => ({
  name: g.name,
  obj: g.obj,
  header: g.raw.replace(/\.raw\.txt$/, '.h'),
}));
const cDir = repoPath('golden', 'expected', 'c');
for (const f of readdirSync(cDir).sort()) {
  if (f.endsWith('.o'))
    cGoldens.push({ name: `c/${f.slice(0, -2)}`, obj: join(cDir, f), header: join(cDir, `${f.slice(0, -2)}.h`) });
}
const sortedDir = join(cDir, 'sorted');
const sortedGoldens = readdirSync(sortedDir)
  .filter((f) => f.endsWith('.h'))
  .sort()
  .map((f) => {
    const name = f.slice(0, -2);
    const obj = name === 'linked' ? repoPath('golden', 'expected', 'merge', 'linked.o') : join(cDir, `${name}.o`);
    return { name, obj, header: join(sortedDir, f) };
  });
const parsed = new Map<string, Btf>();
function load(path: string): Btf {
  let b = parsed.get(path);
  if (!b) {
    b = parseBtf(readBytes(path), { file: path });
    parsed.set(path, b);
  }
  return b;
}

const vmlinux = vmlinuxBytes();
const kernel = vmlinux ? parseBtf(vmlinux, { file: VMLINUX }) : null;
const bpftool = hasTool('bpftool');
const clang = hasTool('clang-19');
const tmp = scratchDir('dump-c');

const dumpBytes = (btf: Btf, opts: CDumpOptions = {}): Uint8Array => collectBytes((s) => writeCDump(btf, s, opts));

/** Compares bytes; on a difference, shows a line diff of the text. */
function sameOutput(actual: Uint8Array | string, expected: Uint8Array | string, what: string): void {
  const a = typeof actual === 'string' ? new TextEncoder().encode(actual) : actual;
  const e = typeof expected === 'string' ? new TextEncoder().encode(expected) : expected;
  if (sameBytes(a, e)) return;
  const at = firstDiff(a, e);
  assert.fixture(text(a), text(e), `${what}: first difference at byte ${at}`);
  assert.unreachable(`${what}: bytes differ at ${at}`);
}

/** The types of a header: what lies between bpftool's preamble and epilogue. */
function body(h: string): string {
  const start = h.indexOf('#endif\n\n') + 8;
  const end = h.lastIndexOf('#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n');
  return h.slice(start, end);
}

/**
 * What newer bpftool prints, less what it adds around the types and less the
 * enum mode() attributes of newer libbpf (neither is about order): the
 * __ksym/__weak/__bpf_fastcall macros, the kfunc prototypes.
 */
function withoutNewerExtras(h: string): string {
  return h
    .replace(
      /#ifndef __ksym\n[\s\S]*?#endif\n\n#ifndef __weak\n[\s\S]*?#endif\n\n#ifndef __bpf_fastcall\n[\s\S]*?#endif\n#endif\n\n/,
      '',
    )
    .replace(/\n\/\* BPF kfuncs \*\/\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n[\s\S]*?#endif\n\n/, '')
    .replaceAll(' __attribute__((mode(byte)))', '')
    .replaceAll(' __attribute__((mode(word)))', '');
}

// ------------------------------------------------------- the libbpf oracle

/*
 * libbpf's own emitter, for roots chosen by the test: btf__parse[_split] and
 * btf_dump__dump_type(id) for each id given (every id when none). The system
 * libbpf is 1.1.2, whose output differs from Debian's bpftool 7.1.0 (built
 * from the 6.1 kernel's libbpf) in two known ways that `fromLibbpf112` undoes.
 */
const ORACLE_C = `
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

static void print(void *ctx, const char *fmt, va_list args)
{
	(void)ctx;
	vfprintf(stdout, fmt, args);
}

int main(int argc, char **argv)
{
	struct btf *base = NULL, *btf;
	struct btf_dump *d;
	int i = 1, err;

	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		base = btf__parse(argv[2], NULL);
		if (!base)
			return 3;
		i = 3;
	}
	if (i >= argc)
		return 2;
	btf = btf__parse_split(argv[i++], base);
	if (!btf)
		return 3;
	d = btf_dump__new(btf, print, NULL, NULL);
	if (!d)
		return 3;
	if (i == argc) {
		for (unsigned int id = 1; id < btf__type_cnt(btf); id++)
			if ((err = btf_dump__dump_type(d, id)))
				return fprintf(stderr, "dump_type %u: %d\\n", id, err), 1;
	}
	for (; i < argc; i++)
		if ((err = btf_dump__dump_type(d, atoi(argv[i]))))
			return fprintf(stderr, "dump_type %s: %d\\n", argv[i], err), 1;
	fflush(stdout);
	return 0;
}
`;

const oracle: { path: string | null; reason: string } = (() => {
  if (!hasTool('cc')) return { path: null, reason: 'no C compiler (cc)' };
  const src = join(tmp, 'oracle.c');
  const out = join(tmp, 'oracle');
  writeFileSync(src, ORACLE_C);
  const r = run('cc', ['-O2', '-Wall', '-o', out, src, '-lbpf']);
  if (r.status !== 0)
    return { path: null, reason: `cannot build the libbpf oracle (libbpf-dev missing?): ${r.stderr.split('\n')[0]}` };
  return { path: out, reason: '' };
})();

/** libbpf 1.1.2's text as the 6.1 kernel's libbpf prints it: no enum mode(), `(void)` for empty prototypes. */
function fromLibbpf112(s: string): string {
  return s
    .replaceAll(' __attribute__((mode(byte)))', '')
    .replaceAll(' __attribute__((mode(word)))', '')
    .replaceAll('()', '(void)');
}

/** Returns libbpf's dump of `file` for `ids` (every type when empty), as bpftool 7.1 would print it, without the preamble. */
function libbpfDump(file: string, ids: number[] = [], base?: string): string {
  const r = run(oracle.path!, [...(base ? ['-b', base] : []), file, ...ids.map(String)]);
  assert.is(r.status, 0, `oracle failed: ${r.stderr}`);
  return fromLibbpf112(r.stdout.toString('utf8'));
}

/** Writes `btf` as raw BTF into the scratch directory; returns the path. */
function scratch(btf: Btf, name: string): string {
  const p = join(tmp, name);
  writeFileSync(p, btf.rawData());
  return p;
}

// ------------------------------------------------------------------ goldens

test('the C goldens cover the corpus and the C feature programs', () => {
  assert.ok(cGoldens.length >= 30, `only ${cGoldens.length} C goldens`);
  for (const f of ['c_layout', 'c_decls', 'c_enums', 'c_order', 'c_clash']) {
    assert.ok(
      cGoldens.some((g) => g.name === `c/${f}`),
      `golden/expected/c/${f}.o missing`,
    );
  }
  assert.ok(sortedGoldens.length >= 6, 'sorted goldens missing');
});

for (const g of cGoldens) {
  test(`${g.name}: format c equals bpftool's`, () => {
    sameOutput(dumpBytes(load(g.obj)), readBytes(g.header), g.name);
  });
}

test('cDump() returns the same text as writeCDump()', () => {
  for (const g of cGoldens.slice(0, 5)) assert.is(cDump(load(g.obj)), readText(g.header), g.name);
});

test('golden C headers exercise the features they are for', () => {
  const h = (n: string): string => readText(join(cDir, `${n}.h`));
  const layout = h('c_layout');
  for (const s of [
    'unsigned int a: 3;',
    'long: 49;',
    'long: 0;',
    ' __attribute__((packed));',
    'struct empty {};',
    'unsigned char data[0];',
    '__int128 s;',
  ]) {
    assert.ok(layout.includes(s), `c_layout.h lacks ${s}`);
  }
  const decls = h('c_decls');
  for (const s of [
    'int (*matrix_ops[2][3])(int, int);',
    'void (* (*get_cleanup)(int))(void);',
    'int (*row)[4];',
    'typedef int (*logger_fn)(const char *, ...);',
    'int * restrict rp;',
    'const char * const ccp;',
    'btf_type_tag("rcu"))) __attribute__((btf_type_tag("percpu"))) *multi;',
    'char cube[2][3][4];',
  ]) {
    assert.ok(decls.includes(s), `c_decls.h lacks ${s}`);
  }
  assert.not.ok(decls.includes('decl_tag'), 'decl tags are not printed');
  const enums = h('c_enums');
  for (const s of [
    'COLD = -40,',
    'BIG_U_MAX = 18446744073709551615ULL,',
    'BIG_S_MIN = -9223372036854775808LL,',
    'typedef enum {',
    '\tenum {\n\t\tINLINE_X = 1,',
  ]) {
    assert.ok(enums.includes(s), `c_enums.h lacks ${s}`);
  }
  const clash = h('c_clash');
  for (const s of [
    'struct clash___2 {',
    'struct clash___3 {',
    'typedef char clash_t___2;',
    'LOW___2 = 10,',
    'LOW___3 = 100,',
    'typedef unsigned int MID___2;',
    'struct clash_u___2 {',
  ]) {
    assert.ok(clash.includes(s), `c_clash.h lacks ${s}`);
  }
  const order = h('c_order');
  for (const s of [
    'struct node;\n\ntypedef struct node node_t;\n\nstruct node {',
    'struct b;\n\nstruct a {',
    'union never_defined;',
    'typedef __builtin_va_list my_va_list;',
  ]) {
    assert.ok(order.includes(s), `c_order.h lacks ${s}`);
  }
});

for (const g of sortedGoldens) {
  test(`sorted/${g.name}: --sort equals bpftool v7.7.0's sorted order`, () => {
    sameOutput(cDump(load(g.obj), { sort: true }), withoutNewerExtras(readText(g.header)), `sorted ${g.name}`);
  });
}

test('--sort reorders but prints the same definitions', () => {
  const g = sortedGoldens.find((s) => s.name === 'linked')!;
  const btf = load(g.obj);
  const plain = cDump(btf);
  const sorted = cDump(btf, { sort: true });
  assert.is.not(sorted, plain);
  // The same definitions, give or take forward declarations (put where the
  // order needs them) and which of two same-named types is met first.
  const defs = (s: string): string[] =>
    body(s)
      .split('\n\n')
      .filter((b) => !/^(struct|union) \w+;$/.test(b))
      .map((b) => b.replace(/___\d+\b/g, ''))
      .sort();
  assert.equal(defs(sorted), defs(plain));
});

// ------------------------------------------------------------------ options

test('pragma: false leaves out the preserve_access_index block only', () => {
  const g = cGoldens.find((c) => c.name === 'c/c_order')!;
  const full = cDump(load(g.obj));
  const bare = cDump(load(g.obj), { pragma: false });
  assert.ok(bare.startsWith('#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\nstruct node;\n'));
  assert.ok(bare.endsWith('};\n\n#endif /* __VMLINUX_H__ */\n'));
  assert.not.ok(bare.includes('pragma'));
  assert.is(
    bare,
    full.replace(/#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute (push .*|pop)\n#endif\n\n/g, ''),
  );
});

test('typeNames: a struct and what it needs, in dependency order', () => {
  const btf = load(join(cDir, 'c_order.o'));
  const h = body(cDump(btf, { typeNames: ['struct holder'] }));
  assert.is(
    h,
    [
      'typedef struct {\n\tint x;\n\tint y;\n} point_t;\n\n',
      'typedef union {\n\tunsigned int word;\n\tunsigned char bytes[4];\n} word_t;\n\n',
      'struct opaque;\n\n',
      'typedef struct opaque *opaque_handle;\n\n',
      'struct incomplete;\n\n',
      'typedef struct incomplete incomplete_t;\n\n',
      'union never_defined;\n\n',
      'typedef __builtin_va_list my_va_list;\n\n',
      'struct holder {\n\tpoint_t origin;\n\tword_t w;\n\topaque_handle h;\n\tincomplete_t *inc;\n\tunion never_defined *u;\n',
      '\tmy_va_list *args;\n\tstruct holder *self;\n\tstruct {\n\t\tstruct holder *up;\n\t\tpoint_t at;\n\t} anon;\n};\n\n',
    ].join(''),
  );
});

test('typeNames: name forms, several roots, nothing twice', () => {
  const btf = load(join(cDir, 'c_clash.o'));
  const clashes = body(cDump(btf, { typeNames: ['clash'] }));
  assert.is((clashes.match(/^struct clash(___\d)? \{/gm) ?? []).length, 3, 'a plain name takes every type so named');
  assert.is(body(cDump(btf, { typeNames: ['union clash_u'] })), 'union clash_u {\n\tint i;\n\tfloat f;\n};\n\n');
  assert.is(body(cDump(btf, { typeNames: ['struct clash_u'] })), 'struct clash_u {\n\tlong l;\n};\n\n');
  assert.is(
    body(cDump(btf, { typeNames: ['enum level', 'enum level'] })),
    'enum level {\n\tLOW = 0,\n\tHIGH = 1,\n};\n\nenum level___2 {\n\tLOW___2 = 10,\n\tMID = 11,\n\tHIGH___2 = 12,\n};\n\n',
  );
  const id = btf.findByName('clash_u', BTF_KIND_UNION)!;
  assert.is(cDump(btf, { typeNames: [String(id)] }), cDump(btf, { typeNames: ['union clash_u'] }));
  // Functions and variables are not types.
  for (const bad of ['no_such_type', 'struct clash_u___2', 'union clash', '999999', 'clash_prog', 'g_clash']) {
    try {
      cDump(btf, { typeNames: [bad] });
      assert.unreachable(`${bad} was accepted`);
    } catch (e) {
      assert.ok(isBtfError(e) && e.code === BtfErrorCode.NotFound, `${bad}: ${String(e)}`);
    }
  }
});

test('sort: the type bpftool sorts first is dumped only when something needs it', () => {
  // bpftool sorts ids 0..n-1 and dumps entries 1..n-1: with an anonymous
  // enum sorting before void, that enum is never printed (bpftool 7.7.0 does
  // the same with this very BTF).
  const b = Btf.empty();
  b.addEnum(null, 4);
  b.addEnumValue('AAA_FIRST', 1);
  const int = b.addInt('int', 4, BTF_INT_SIGNED);
  b.addEnum(null, 4);
  b.addEnumValue('ZZZ', 1);
  b.addStruct('s', 4);
  b.addField('x', int, 0, 0);
  assert.is(body(cDump(b, { sort: true })), 'enum {\n\tZZZ = 1,\n};\n\nstruct s {\n\tint x;\n};\n\n');
  assert.ok(body(cDump(b)).startsWith('enum {\n\tAAA_FIRST = 1,\n};\n\n'));
});

// ------------------------------------------------------- built BTF, libbpf

/** Small BTFs for the corners the corpus does not reach. */
const built: Array<{ name: string; btf: Btf; expect?: string }> = [];
{
  // A pointer cycle (a forward declaration), an embedded struct defined
  // first, and unresolved FWDs of both kinds.
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED); // [1]
  const pa = b.addPtr(4); // [2] struct a *
  const pb = b.addPtr(5); // [3] struct b *
  b.addStruct('a', 16); // [4] struct a { struct b *peer; int id; }
  b.addField('peer', pb, 0, 0);
  b.addField('id', int, 64, 0);
  b.addStruct('b', 24); // [5] struct b { struct a embedded; struct a *back; }
  b.addField('embedded', 4, 0, 0);
  b.addField('back', pa, 128, 0);
  const pu = b.addPtr(b.addFwd('later_u', BTF_FWD_UNION));
  const ps = b.addPtr(b.addFwd('later_s', BTF_FWD_STRUCT));
  b.addStruct('c', 16);
  b.addField('u', pu, 0, 0);
  b.addField('s', ps, 64, 0);
  built.push({ name: 'fwd-cycle', btf: b });
}
{
  // Packed, padding with a 4-byte long (ptr size 4), bitfields across units.
  const b = Btf.empty();
  const long = b.addInt('long int', 4, BTF_INT_SIGNED);
  const ch = b.addInt('char', 1, BTF_INT_SIGNED);
  const ll = b.addInt('long long int', 8, BTF_INT_SIGNED);
  b.addStruct('p32', 24);
  b.addField('c', ch, 0, 0);
  b.addField('l', long, 32, 0);
  b.addField('bits', long, 72, 5);
  b.addField('more', long, 77, 20);
  b.addField('q', ll, 128, 0);
  b.addStruct('odd', 7);
  b.addField('c', ch, 8, 0);
  b.addField('l', long, 16, 0);
  b.addStruct('gap', 13);
  b.addField('a', ch, 0, 0);
  b.addField('b', ch, 96, 0);
  built.push({ name: 'ptr32-padding', btf: b });
}
{
  // Names: enum forward declarations are not counted, ENUM64 ones are;
  // __Poly8_t gets libbpf's alias, __gnuc_va_list its fix, __builtin_va_list
  // is never defined, an enumerator clashes with a typedef name.
  const b = Btf.empty();
  b.addEnum('e', 4);
  b.addEnum('e', 4);
  b.addEnum64('e64', 8, false);
  b.addEnum64('e64', 8, false);
  const poly = b.addInt('__Poly8_t', 1, 0);
  const ui = b.addInt('unsigned int', 4, 0);
  b.addTypedef('__gnuc_va_list', 0);
  const bva = b.addTypedef('__builtin_va_list', b.addPtr(0));
  b.addTypedef('va_user', bva);
  b.addEnum('colors', 4);
  b.addEnumValue('RED', 1);
  b.addEnumValue('GREEN', 2);
  b.addTypedef('RED', ui);
  b.addTypedef('RED', poly);
  b.addEnum('one_byte', 1);
  b.addEnumValue('ONE', 1);
  b.addEnum('eight', 8);
  b.addEnumValue('EIGHT', 8);
  b.addEnum64('sixty_four', 8, true);
  b.addEnum64Value('MINUS', -2n);
  b.addEnum64Value('HUGE', 1n << 40n);
  built.push({ name: 'names', btf: b });
}
{
  // Declarators: cv-qualified arrays (GCC), volatile noreturn function
  // pointers (GCC), prototypes without arguments, variadic, type tags on void,
  // anonymous enums top-level and referenced, and kinds printed as nothing.
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED); // [1]
  const carr = b.addConst(b.addArray(int, int, 4)); // [2] int[4], [3] const
  b.addFuncProto(0); // [4] void (void)
  const pvproto = b.addPtr(b.addVolatile(4)); // [5] volatile, [6] *
  const fmt = b.addPtr(b.addConst(b.addInt('char', 1, BTF_INT_SIGNED))); // [7] char, [8] const, [9] *
  const protoVar = b.addFuncProto(int); // [10] int (const char *, ...)
  b.addFuncParam('fmt', fmt);
  b.addFuncParam(null, 0);
  const pprintf = b.addPtr(protoVar); // [11]
  const tagged = b.addPtr(b.addTypeTag('user', 0)); // [12] tag, [13] *
  const anonRef = b.addEnum(null, 4);
  b.addEnumValue('REF_A', 0); // [14]
  b.addEnum(null, 4);
  b.addEnumValue('TOP_A', 0);
  b.addEnumValue('TOP_B', -1); // [15]
  const anonS = b.addStruct(null, 8);
  b.addField('x', int, 0, 0); // [16]
  const s = b.addStruct('decls', 56); // [17]
  b.addField('carr', carr, 0, 0);
  b.addField('noreturn', pvproto, 128, 0);
  b.addField('printf', pprintf, 192, 0);
  b.addField('uptr', tagged, 256, 0);
  b.addField('e', anonRef, 320, 0);
  b.addField(null, anonS, 384, 0);
  const ps = b.addPtr(s); // [18]
  const fp = b.addFuncProto(int);
  b.addFuncParam('d', ps); // [19]
  const f = b.addFunc('use_decls', BTF_FUNC_GLOBAL, fp); // [20]
  b.addDeclTag('tag', f, -1); // [21]
  const v = b.addVar('g', BTF_VAR_GLOBAL_ALLOCATED, s); // [22]
  b.addDatasec('.bss', 56);
  b.addDatasecVarInfo(v, 0, 56); // [23]
  b.addFloat('double', 8); // [24]
  built.push({ name: 'decls', btf: b });
}
{
  // A long name that clashes: libbpf cuts NAME___2 to 255 bytes.
  const b = Btf.empty();
  const int = b.addInt('int', 4, BTF_INT_SIGNED);
  const long = 'n'.repeat(254);
  b.addStruct(long, 4);
  b.addField('a', int, 0, 0);
  b.addStruct(long, 4);
  b.addField('b', int, 0, 0);
  built.push({ name: 'long-names', btf: b, expect: `${`struct ${long}___`.slice(0, 7 + 255)} {\n\tint b;\n};\n\n` });
}

/** Why the libbpf oracle cannot run ('' when it can). */
const NO_ORACLE = `libbpf oracle unavailable (${oracle.reason}): built BTF and --type not compared with libbpf`;

for (const c of built) {
  const expect = c.expect;
  if (expect !== undefined) {
    test(`built BTF '${c.name}': ends with the expected text`, () => {
      const ours = body(cDump(c.btf));
      assert.ok(ours.endsWith(expect), ours);
    });
  }
  test(`built BTF '${c.name}': dumps as libbpf does`, () => {
    if (!oracle.path) return skip(NO_ORACLE);
    assert.fixture(body(cDump(c.btf)), libbpfDump(scratch(c.btf, `${c.name}.btf`)));
  });
}

test('built BTF: expected text for the corners', () => {
  const names = body(cDump(built.find((c) => c.name === 'names')!.btf));
  assert.ok(
    names.startsWith(
      'enum e;\n\nenum e;\n\nenum e64;\n\nenum e64___2;\n\ntypedef __builtin_va_list __gnuc_va_list;\n\n',
    ),
    names,
  );
  assert.ok(names.includes('typedef unsigned char __Poly8_t;\n\n'), names);
  assert.ok(names.includes('typedef __builtin_va_list va_user;\n\n'));
  assert.not.ok(names.includes('typedef void *__builtin_va_list'));
  assert.ok(names.includes('typedef unsigned int RED___2;\n\n'), names);
  assert.ok(names.includes('typedef __Poly8_t RED___3;\n\n'), names);
  assert.ok(names.includes('enum one_byte {\n\tONE = 1,\n};'), 'no mode(byte), as the 6.1 libbpf');
  assert.ok(names.includes('MINUS = -2LL,\n\tHUGE = 1099511627776LL,'), names);
  const decls = body(cDump(built.find((c) => c.name === 'decls')!.btf));
  assert.ok(decls.includes('\tint carr[4];\n'), decls);
  assert.ok(decls.includes('\tvoid (*noreturn)(void);\n'), decls);
  assert.ok(decls.includes('\tint (*printf)(const char *fmt, ...);\n'), decls);
  assert.ok(decls.includes('\tvoid __attribute__((btf_type_tag("user"))) *uptr;\n'), decls);
  assert.ok(decls.includes('\tenum {\n\t\tREF_A = 0,\n\t} e;\n'), decls);
  assert.ok(decls.includes('enum {\n\tTOP_A = 0,\n\tTOP_B = -1,\n};\n\n'), decls);
  // An 8-byte anonymous struct of one int at byte 48: `long: 0` moves it
  // there, and another makes its size 8.
  assert.ok(decls.includes('\tlong: 0;\n\tstruct {\n\t\tint x;\n\t\tlong: 0;\n\t};\n'), decls);
  assert.not.ok(/use_decls|\.bss|double|\btag\b/.test(decls), decls);
  const p32 = body(cDump(built.find((c) => c.name === 'ptr32-padding')!.btf));
  assert.ok(
    p32.includes(
      '\tchar c;\n\tlong int l;\n\tchar: 8;\n\tlong int bits: 5;\n\tlong int more: 20;\n\tlong long int q;\n',
    ),
    p32,
  );
  // `long` is 32 bits where `long int` is 4 bytes.
  assert.ok(p32.includes('struct gap {\n\tchar a;\n\tlong: 32;\n\tlong: 32;\n\tchar b;\n};'), p32);
  assert.ok(
    p32.includes('struct odd {\n\tchar: 8;\n\tchar c;\n\tlong int l;\n\tchar: 8;\n} __attribute__((packed));'),
    p32,
  );
});

/** A BTF with a cycle C cannot declare: struct a { struct b b; }; struct b { struct a a; }. */
function loopBtf(): Btf {
  const c = Btf.empty();
  const int = c.addInt('int', 4, BTF_INT_SIGNED); // [1]
  c.addStruct('fine', 4);
  c.addField('x', int, 0, 0); // [2]
  c.addStruct('a', 4);
  c.addField('b', 4, 0, 0); // [3] struct a { struct b b; }
  c.addStruct('b', 4);
  c.addField('a', 3, 0, 0); // [4] struct b { struct a a; }
  return c;
}

test('a cycle C cannot declare throws ELOOP, after the types before it', () => {
  const c = loopBtf();
  const chunks: Uint8Array[] = [];
  try {
    writeCDump(c, (chunk) => chunks.push(chunk.slice()));
    assert.unreachable('no error');
  } catch (e) {
    assert.ok(isBtfError(e) && e.code === BtfErrorCode.Loop, String(e));
    assert.is(e.typeId, 3);
  }
  const out = text(Buffer.concat(chunks));
  assert.ok(out.endsWith('struct fine {\n\tint x;\n};\n\n'), out);
});

test('libbpf refuses that cycle too', () => {
  if (!oracle.path) return skip(NO_ORACLE);
  const r = run(oracle.path, [scratch(loopBtf(), 'loop.btf')]);
  assert.is.not(r.status, 0, 'libbpf dumps the loop too?');
});

/** A split BTF over a base of two types. */
function splitOverBase(): { baseBytes: Uint8Array; split: Btf } {
  const base = Btf.empty();
  const int = base.addInt('int', 4, BTF_INT_SIGNED);
  base.addStruct('base_s', 4);
  base.addField('x', int, 0, 0);
  const baseBytes = base.rawData();
  const baseParsed = parseBtf(baseBytes);
  const split = Btf.empty({ base: baseParsed });
  const s = split.addStruct('split_s', 8);
  split.addField('b', 2, 0, 0);
  split.addField('y', int, 32, 0);
  void s;
  return { baseBytes, split };
}

test('split BTF: the base types are dumped too, as bpftool does', () => {
  const h = body(cDump(splitOverBase().split));
  assert.is(h, 'struct base_s {\n\tint x;\n};\n\nstruct split_s {\n\tstruct base_s b;\n\tint y;\n};\n\n');
});

test('split BTF: libbpf dumps the same', () => {
  if (!oracle.path) return skip(NO_ORACLE);
  const { baseBytes, split } = splitOverBase();
  const basePath = join(tmp, 'base.btf');
  writeFileSync(basePath, baseBytes);
  assert.is(body(cDump(split)), libbpfDump(scratch(split, 'split.btf'), [], basePath));
});

// ------------------------------------------------------------------ the CLI

test('btfkit dump -f c prints the golden bytes; options reach the emitter', async () => {
  const g = cGoldens.find((c) => c.name === 'c/c_order')!;
  const r = await runCli(['dump', '-f', 'c', g.obj]);
  assert.is(r.error, undefined, String(r.error));
  sameOutput(r.stdout, readBytes(g.header), 'btfkit dump -f c');
  const t = await runCli(['dump', '-f', 'c', '--type', 'struct node', '--type', 'point_t', '--no-pragma', g.obj]);
  assert.is(r.error, undefined, String(t.error));
  assert.is(text(t.stdout), cDump(load(g.obj), { typeNames: ['struct node', 'point_t'], pragma: false }));
  const s = await runCli(['dump', '-f', 'c', '--sort', g.obj]);
  assert.is(text(s.stdout), cDump(load(g.obj), { sort: true }));
});

test('btfkit dump: C-only options need -f c; -f c has no JSON', async () => {
  const g = cGoldens.find((c) => c.name === 'c/c_order')!;
  // --type chooses types of the raw and JSON dumps too (test/cli-select.test.ts)
  for (const args of [['--sort'], ['--no-pragma'], ['-f', 'c', '-j'], ['-f', 'c', '-p']]) {
    const r = await runCli(['dump', ...args, g.obj]);
    assert.ok(isUsageError(r.error), `${args.join(' ')}: ${String(r.error)}`);
    assert.is(r.stdout.length, 0);
  }
  const missing = await runCli(['dump', '-f', 'c', '--type', 'nope', g.obj]);
  assert.ok(isBtfError(missing.error) && missing.error.code === BtfErrorCode.NotFound, String(missing.error));
});

// ------------------------------------------------------------- the kernel

/**
 * Whether bpftool 7.1's header gets the size of `id` wrong, so that no
 * layout can be asserted for it or what embeds it: an enum whose size is not
 * 4 (the 6.1 libbpf prints no `mode(byte)`/`mode(word)`, so the compiler
 * makes it 4 bytes, unless an ENUM64 value needs 8), or a union larger than
 * its members (libbpf pads structs, never unions: an over-aligned union
 * shrinks). Also what embeds `__builtin_va_list`, whose size the target
 * decides (x86's kernel, the BPF target's compiler).
 */
function lossy(btf: Btf, id: number, memo = new Map<number, boolean>()): boolean {
  if (id === 0) return false;
  const known = memo.get(id);
  if (known !== undefined) return known;
  memo.set(id, false);
  const t = btf.type(id);
  let r = false;
  switch (t.kind) {
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      r =
        t.size !== 4 &&
        !(
          t.kind === BTF_KIND_ENUM64 &&
          t.size === 8 &&
          t.enumValues().some((v) => BigInt.asUintN(64, BigInt(v.value)) >> 32n !== 0n)
        );
      break;
    case BTF_KIND_TYPEDEF:
      // The compiler's own va_list, whose size depends on the target.
      r = t.name === '__builtin_va_list' || lossy(btf, t.typeRef, memo);
      break;
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
      r = lossy(btf, t.typeRef, memo);
      break;
    case BTF_KIND_ARRAY:
      r = lossy(btf, btf.wordOf(id, 3), memo);
      break;
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
      let max = 0;
      for (const m of t.members()) {
        if (lossy(btf, m.typeId, memo)) r = true;
        if (m.bitSize === 0) max = Math.max(max, m.bitOffset / 8 + Math.max(0, btf.resolveSize(m.typeId)));
      }
      if (t.kind === BTF_KIND_UNION && t.size > max) r = true;
      break;
    }
    default:
      break;
  }
  memo.set(id, r);
  return r;
}

/**
 * `_Static_assert`s on the size and member offsets of every uniquely named
 * struct/union (non-bitfield, named members) whose layout bpftool's header
 * can keep (see {@link lossy}).
 */
function layoutAsserts(btf: Btf): string {
  // Struct, union and enum names share C's tag namespace: a name used twice
  // prints as NAME___2 the second time, so only unique ones are checked.
  const seen = new Map<string, number>();
  for (let id = 1; id < btf.typeCount; id++) {
    const k = btf.kindOf(id);
    if (
      (k === BTF_KIND_STRUCT || k === BTF_KIND_UNION || k === BTF_KIND_ENUM || k === BTF_KIND_ENUM64) &&
      btf.wordOf(id, 0)
    ) {
      const name = btf.nameOf(id);
      seen.set(name, seen.has(name) ? -1 : id);
    }
  }
  const memo = new Map<number, boolean>();
  const lines: string[] = [];
  for (const [name, id] of seen) {
    if (id < 0) continue;
    const k = btf.kindOf(id);
    if ((k !== BTF_KIND_STRUCT && k !== BTF_KIND_UNION) || lossy(btf, id, memo)) continue;
    const tag = `${k === BTF_KIND_STRUCT ? 'struct' : 'union'} ${name}`;
    const t = btf.type(id);
    lines.push(`_Static_assert(sizeof(${tag}) == ${t.size}, "${tag}");`);
    for (const m of t.members()) {
      if (m.name && m.bitSize === 0)
        lines.push(`_Static_assert(__builtin_offsetof(${tag}, ${m.name}) == ${m.bitOffset / 8}, "${tag}.${m.name}");`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Compiles `header` plus `prog` with clang-19 -target bpf; returns clang's exit status and errors. */
function compile(name: string, header: string, prog: string): { status: number | null; stderr: string } {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  writeFileSync(join(tmp, `${name}.h`), header);
  writeFileSync(join(tmp, `${name}.bpf.c`), `#include "${name}.h"\n${prog}`);
  const r = run(
    'clang-19',
    ['-g', '-O2', '-target', 'bpf', '-Wall', '-c', join(tmp, `${name}.bpf.c`), '-o', join(tmp, `${name}.o`)],
    { timeoutMs: 120_000 },
  );
  return { status: r.status, stderr: r.stderr.split('\n').slice(0, 20).join('\n') };
}

const KERNEL_PROG = `
#define SEC(name) __attribute__((section(name), used))
struct {
	int (*type)[1];
	int (*max_entries)[1];
} seen SEC(".maps");
SEC("tp_btf/sched_switch")
int on_switch(unsigned long long *ctx)
{
	struct task_struct *next = (struct task_struct *)ctx[2];
	return next->pid + (int)sizeof(struct sk_buff);
}
char LICENSE[] SEC("license") = "GPL";
`;

const NO_VMLINUX = `${VMLINUX} not readable: the kernel BTF not dumped`;
const NO_CLANG = 'clang-19 not installed: generated headers not compiled';
/** The kernel's header, dumped once by the first test that needs it. */
let kernelHeader: Uint8Array | undefined;
const vmlinuxHeader = (k: Btf): Uint8Array => (kernelHeader ??= dumpBytes(k));

test('vmlinux: format c equals bpftool (live)', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!bpftool) return skip('bpftool not installed: vmlinux.h not compared live (committed goldens still checked)');
  const r = run('bpftool', ['btf', 'dump', 'file', VMLINUX, 'format', 'c']);
  assert.is(r.status, 0, r.stderr);
  sameOutput(vmlinuxHeader(kernel), r.stdout, 'vmlinux.h');
});

test('vmlinux: btfkit dump -f c with no FILE prints it too', async () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  const r = await runCli(['dump', '-f', 'c']);
  assert.is(r.error, undefined, String(r.error));
  sameOutput(r.stdout, vmlinuxHeader(kernel), 'btfkit dump -f c');
});

const sortedTool = process.env['BTFKIT_BPFTOOL_SORTED'];
test(`vmlinux: --sort equals ${sortedTool ?? 'BTFKIT_BPFTOOL_SORTED'}'s sorted order (live)`, () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  // CI has Debian's bpftool (7.1), which does not sort: this one is never required
  if (!sortedTool)
    return skip(
      'BTFKIT_BPFTOOL_SORTED (a bpftool 7.5 or later) not set: sorted vmlinux.h not compared live (committed sorted goldens still checked)',
      'env',
    );
  const r = run(sortedTool, ['btf', 'dump', 'file', VMLINUX, 'format', 'c']);
  assert.is(r.status, 0, r.stderr);
  sameOutput(cDump(kernel, { sort: true }), withoutNewerExtras(r.stdout.toString('utf8')), 'sorted vmlinux.h');
});

test('vmlinux: typeNames dumps what libbpf dumps for those roots', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!oracle.path) return skip(NO_ORACLE);
  const roots = ['struct task_struct', 'struct sk_buff', 'union bpf_attr'];
  const ids = [
    kernel.findByName('task_struct', BTF_KIND_STRUCT)!,
    kernel.findByName('sk_buff', BTF_KIND_STRUCT)!,
    kernel.findByName('bpf_attr', BTF_KIND_UNION)!,
  ];
  assert.ok(ids.every((i) => i > 0));
  assert.fixture(body(cDump(kernel, { typeNames: roots })), libbpfDump(VMLINUX, ids));
});

test('vmlinux: the header compiles with clang-19 -target bpf and keeps every layout', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!clang) return skip(NO_CLANG);
  const r = compile('vmlinux', text(vmlinuxHeader(kernel)), KERNEL_PROG + layoutAsserts(kernel));
  assert.is(r.status, 0, r.stderr);
});

test('vmlinux: --type task_struct alone compiles; --sort compiles', () => {
  if (!kernel) return skip(NO_VMLINUX, 'env');
  if (!clang) return skip(NO_CLANG);
  const one = compile('task', cDump(kernel, { typeNames: ['struct task_struct', 'struct sk_buff'] }), KERNEL_PROG);
  assert.is(one.status, 0, one.stderr);
  const sorted = compile('sorted', cDump(kernel, { sort: true }), KERNEL_PROG);
  assert.is(sorted.status, 0, sorted.stderr);
});

test('golden C headers compile and keep the layouts of their structs', () => {
  if (!clang) return skip(NO_CLANG);
  for (const name of ['c_layout', 'c_decls', 'c_enums', 'c_order', 'c_clash']) {
    const btf = load(join(cDir, `${name}.o`));
    const r = compile(name, cDump(btf), layoutAsserts(btf));
    assert.is(r.status, 0, `${name}: ${r.stderr}`);
  }
});

test('split BTF: the base part is shared across dumps, unless a split type uses an anonymous enum of the base', () => {
  // [1] int, [2] enum { A = 1 } (top-level: nothing in the base uses it), [3] struct s { int x; }
  const base = Btf.empty();
  const int = base.addInt('int', 4, 1);
  const anon = base.addEnum(null, 4);
  base.addEnumValue('A', 1);
  const s = base.addStruct('s', 4);
  base.addField('x', int, 0, 0);
  const split = (useEnum: boolean, name: string): { split: Btf; flat: Btf } => {
    const build = (b: Btf): void => {
      const ptr = b.addPtr(s);
      b.addStruct(name, 16);
      b.addField('e', useEnum ? anon : int, 0, 0);
      b.addField('p', ptr, 64, 0);
    };
    const sp = Btf.empty({ base });
    build(sp);
    // The same types in one BTF print the same header.
    const flat = Btf.empty();
    flat.addBtf(base);
    build(flat);
    return { split: sp, flat };
  };
  for (const [useEnum, name] of [
    [false, 't1'],
    [true, 't2'],
    [false, 's'],
  ] as const) {
    const { split: sp, flat } = split(useEnum, name);
    for (const opts of [{}, { bpftool: '7.8', sort: false }] as const) {
      assert.fixture(cDump(sp, opts), cDump(flat, opts), `${name} ${JSON.stringify(opts)}`);
      assert.fixture(cDump(sp, opts), cDump(flat, opts), `${name} again`);
    }
  }
});

test.run();
