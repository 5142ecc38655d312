/**
 * lib/layout and `btfkit layout`: struct and union layouts as pahole 1.24
 * prints them from BTF. Without pahole: the facts of a struct built with
 * the builder (holes, bitfields, padding, inferred alignment) and its
 * printed text, as pahole printed it for the same BTF. With pahole (live):
 * the listing, byte for byte, of every golden object with each option, of
 * the cached Debian kernels and a sample of their modules (split BTF over
 * their vmlinux), of the running kernel, and the CLI on one object.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { BtfError, BtfErrorCode } from '../lib/errors.js';
import { LayoutPrinter, type ListingOptions, paholeListing } from '../lib/layout/index.js';
import { layoutSvg } from '../lib/layout/svg.js';
import { readBtfFile } from '../lib/object/open.js';
import { BIN, VMLINUX, repoPath } from './helpers/golden.js';
import { cachedKernels, kernelModules, missingKernels, sampleModules } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';
import { hasTool } from './helpers/tools.js';

const PAHOLE = '/usr/bin/pahole';
const havePahole = (): boolean => existsSync(PAHOLE) || hasTool('pahole');

/** Every object under golden/obj, sorted. */
function goldenObjs(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.o')) out.push(join(d, e.name));
    }
  };
  walk(repoPath('golden', 'obj'));
  return out.sort();
}

/** pahole's arguments for listing options. */
function paholeArgs(o: ListingOptions): string[] {
  const a: string[] = [];
  if (o.classNames) a.push('-C', o.classNames.join(','));
  if (o.sizes) a.push('--sizes');
  if (o.holes) a.push('-H', String(o.holes));
  if (o.expand) a.push('-E');
  if (o.exclude) a.push('-x', o.exclude);
  if (o.cachelineSize) a.push('--cacheline_size', String(o.cachelineSize));
  if (o.suppressAligned) a.push('--suppress_aligned_attribute');
  if (o.reorganize) a.push('-R');
  return a;
}

function pahole(file: string, o: ListingOptions, base?: string): string {
  const r = spawnSync(PAHOLE, ['-F', 'btf', ...(base ? ['--btf_base', base] : []), ...paholeArgs(o), file], {
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, `pahole ${file}: ${r.stderr}`);
  return r.stdout;
}

const listing = (btf: Btf, o: ListingOptions): string => [...paholeListing(btf, o)].join('');

/** Line and text of the first difference, for failure messages. */
function firstLineDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if (x[i] !== y[i]) return `line ${i + 1}: pahole ${JSON.stringify(x[i])} btfkit ${JSON.stringify(y[i])}`;
  return 'equal';
}

function same(file: string, o: ListingOptions, btf: Btf, base?: string): number {
  const want = pahole(file, o, base);
  const got = listing(btf, o);
  assert.ok(want === got, `${file} ${paholeArgs(o).join(' ')}: ${firstLineDiff(want, got)}`);
  return (want.match(/^(struct|union) /gm) ?? []).length;
}

// struct s { char a; /* 3 byte hole */ int b; unsigned x:3, y:5; /* 24 bit hole */ long z; char c; /* 7 padding */ }
function sample(): Btf {
  const btf = Btf.empty();
  const ch = btf.addInt('char', 1, 1);
  const int = btf.addInt('int', 4, 1);
  const uint = btf.addInt('unsigned int', 4, 0);
  const long = btf.addInt('long', 8, 1);
  const s = btf.addStruct('s', 32);
  btf.addField('a', ch, 0, 0);
  btf.addField('b', int, 32, 0);
  btf.addField('x', uint, 64, 3);
  btf.addField('y', uint, 67, 5);
  btf.addField('z', long, 128, 0);
  btf.addField('c', ch, 192, 0);
  assert.is(s, 5);
  return btf;
}

// What pahole 1.24 printed for sample() (written as raw BTF, `pahole -F btf FILE`).
const SAMPLE_TEXT = `struct s {
\tchar                       a;                    /*     0     1 */

\t/* XXX 3 bytes hole, try to pack */

\tint                        b;                    /*     4     4 */
\tunsigned int               x:3;                  /*     8: 0  4 */
\tunsigned int               y:5;                  /*     8: 3  4 */

\t/* XXX 24 bits hole, try to pack */
\t/* XXX 4 bytes hole, try to pack */

\tlong                       z;                    /*    16     8 */
\tchar                       c;                    /*    24     1 */

\t/* size: 32, cachelines: 1, members: 6 */
\t/* sum members: 14, holes: 2, sum holes: 7 */
\t/* sum bitfield members: 8 bits, bit holes: 1, sum bit holes: 24 bits */
\t/* padding: 7 */
\t/* last cacheline: 32 bytes */
};
`;

test('the facts of a built struct: holes, bit holes, padding, bitfield positions', () => {
  const p = new LayoutPrinter(sample());
  const l = p.layout(5);
  assert.is(l.size, 32);
  assert.is(l.holes, 2);
  assert.is(l.sumHoles, 7);
  assert.is(l.bitHoles, 1);
  assert.is(l.sumBitHoles, 24);
  assert.is(l.padding, 7);
  assert.equal(
    l.members.map((m) => [m.name, m.type, m.byteOffset, m.byteSize, m.bitfieldSize, m.bitfieldOffset, m.holeBefore]),
    [
      ['a', 'char', 0, 1, 0, 0, 0],
      ['b', 'int', 4, 4, 0, 0, 3],
      ['x', 'unsigned int', 8, 4, 3, 0, 0],
      ['y', 'unsigned int', 8, 4, 5, 3, 0],
      ['z', 'long', 16, 8, 0, 0, 4],
      ['c', 'char', 24, 1, 0, 0, 0],
    ],
  );
});

test('a cacheline size that is no positive whole number of bytes is refused (EINVAL), in the listing and the picture', () => {
  for (const bad of [0, -64, 32.5, Number.NaN, 2 ** 31]) {
    assert.throws(
      () => new LayoutPrinter(sample(), { cachelineSize: bad }),
      (e: Error) => {
        return e instanceof BtfError && e.code === BtfErrorCode.InvalidArgument && /cacheline size/.test(e.message);
      },
    );
    const l = new LayoutPrinter(sample()).layout(5);
    assert.throws(
      () => layoutSvg(l, { cachelineSize: bad }),
      (e: Error) => e instanceof BtfError,
    );
  }
  assert.is(new LayoutPrinter(sample(), { cachelineSize: 32 }).layout(5).cachelines, 1);
  assert.is(new LayoutPrinter(sample(), { cachelineSize: 16 }).layout(5).cachelines, 2);
});

test('the text of a built struct is what pahole printed for it', () => {
  assert.fixture(listing(sample(), {}), SAMPLE_TEXT);
});

test('the text of a built struct equals pahole on the same raw BTF (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 's.btf');
    const btf = sample();
    writeFileSync(f, btf.rawData());
    for (const o of [{}, { sizes: true }, { cachelineSize: 16 }, { classNames: ['s'] }] as ListingOptions[])
      same(f, o, btf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Unnamed members (clang never writes them; the builder does): pahole hands
// their NULL name to printf's %s, which glibc prints as `(null)`, also after
// the `* ` of a pointer to an anonymous struct and before an array's `[2]`; a
// function pointer, an anonymous struct and a named struct print no name.
function unnamed(): Btf {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, 1);
  btf.addInt('long', 8, 1);
  const td = btf.addTypedef('myint', int);
  const an = btf.addStruct('', 4);
  btf.addField('q', int, 0, 0);
  const pan = btf.addPtr(an);
  const nm = btf.addStruct('nm', 4);
  btf.addField('z', int, 0, 0);
  const pnm = btf.addPtr(nm);
  const arr = btf.addArray(int, int, 2);
  const fp = btf.addFuncProto(int);
  btf.addFuncParam('', int);
  const pfp = btf.addPtr(fp);
  btf.addStruct('un', 56);
  btf.addField('', int, 0, 0);
  btf.addField('', td, 32, 0);
  btf.addField('', pan, 64, 0);
  btf.addField('', pnm, 128, 0);
  btf.addField('', arr, 192, 0);
  btf.addField('', pfp, 256, 0);
  btf.addField('', int, 320, 3);
  btf.addField('', an, 352, 0);
  btf.addField('', nm, 384, 0);
  btf.addUnion('uu', 8);
  btf.addField('', int, 0, 0);
  btf.addField('', pan, 0, 0);
  btf.addField('', arr, 0, 0);
  return btf;
}

// What pahole 1.24 printed for `pahole -F btf -C un,uu` on unnamed() written as raw BTF.
const UNNAMED_TEXT = `struct un {
\tint                        (null);               /*     0     4 */
\tmyint                      (null);               /*     4     4 */
\tstruct {
\t\tint        q;                    /*     0     4 */
\t} * (null); /*     8     8 */
\tstruct nm *                (null);               /*    16     8 */
\tint                        (null)[2];            /*    24     8 */
\tint                        (*)(int);             /*    32     8 */
\tint                        (null):3;             /*    40: 0  4 */

\t/* XXX 29 bits hole, try to pack */

\tstruct {
\t\tint                q;                    /*    44     4 */
\t};                                               /*    44     4 */
\tstruct nm                  ;                     /*    48     4 */

\t/* size: 56, cachelines: 1, members: 9 */
\t/* sum members: 48 */
\t/* sum bitfield members: 3 bits, bit holes: 1, sum bit holes: 29 bits */
\t/* padding: 4 */
\t/* last cacheline: 56 bytes */
};
union uu {
\tint                        (null);             /*     0     4 */
\tstruct {
\t\tint        q;                  /*     0     4 */
\t} * (null); /*     0     8 */
\tint                        (null)[2];          /*     0     8 */
};
`;

test('unnamed members print as (null), as pahole printed them', () => {
  assert.fixture(listing(unnamed(), { classNames: ['un', 'uu'] }), UNNAMED_TEXT);
});

test('unnamed members equal pahole on the same raw BTF, with each option (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 'un.btf');
    const btf = unnamed();
    writeFileSync(f, btf.rawData());
    for (const o of [{}, { expand: true }, { classNames: ['un'], reorganize: true }] as ListingOptions[])
      same(f, o, btf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Every object with the first three; the rest on every fourth object.
// Overlapping members, a member before the one printed above it, a union
// smaller than its member, an empty struct, and 300 holes (pahole counts holes
// in a uint8_t: 299 holes print as 43).
function odd(): Btf {
  const btf = Btf.empty();
  const ch = btf.addInt('char', 1, 1);
  const int = btf.addInt('int', 4, 1);
  btf.addStruct('ovl', 4);
  btf.addField('a', int, 0, 0);
  btf.addField('b', int, 16, 0);
  btf.addStruct('back', 8);
  btf.addField('a', int, 32, 0);
  btf.addField('b', int, 0, 0);
  btf.addUnion('u', 2);
  btf.addField('a', int, 0, 0);
  btf.addStruct('empty', 0);
  btf.addStruct('many', 1200);
  for (let i = 0; i < 300; i++) btf.addField(`m${i}`, ch, i * 32, 0);
  return btf;
}

test("odd structs: pahole's wrapped counters and negative holes, never a crash", () => {
  const btf = odd();
  const p = new LayoutPrinter(btf);
  const many = p.layout(7);
  assert.is(many.members.length, 300);
  assert.is(many.holes, 299 & 255);
  const ovl = listing(btf, { classNames: ['ovl'] });
  assert.match(ovl, '/* XXX 65534 bytes hole, try to pack */');
  assert.match(ovl, 'BRAIN FART ALERT!');
});

test('odd structs equal pahole on the same raw BTF (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 'odd.btf');
    const btf = odd();
    writeFileSync(f, btf.rawData());
    for (const o of [{}, { sizes: true }, { holes: 40 }] as ListingOptions[]) same(f, o, btf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const OPTIONS: ListingOptions[] = [{}, { expand: true }, { cachelineSize: 16 }];
const MORE: ListingOptions[] = [
  { sizes: true },
  { holes: 1 },
  { exclude: 'x' },
  { cachelineSize: 128 },
  { suppressAligned: true },
];

/** The distinct names of `btf`'s typedefs and enums, in id order (what `-C` also prints, as pahole does). */
function typedefAndEnumNames(btf: Btf): string[] {
  const names = new Set<string>();
  for (let id = 1; id < btf.typeCount; id++) {
    const t = btf.type(id);
    if ((t.kindName === 'TYPEDEF' || t.kindName === 'ENUM' || t.kindName === 'ENUM64') && t.name) names.add(t.name);
  }
  return [...names];
}

// struct r { char a; long b; char c; int d; short e; long f; char g; }: holes after a, c, e and g.
function reorg(): Btf {
  const btf = Btf.empty();
  const ch = btf.addInt('char', 1, 1);
  const sh = btf.addInt('short', 2, 1);
  const int = btf.addInt('int', 4, 1);
  const long = btf.addInt('long', 8, 1);
  btf.addStruct('r', 40);
  btf.addField('a', ch, 0, 0);
  btf.addField('b', long, 64, 0);
  btf.addField('c', ch, 128, 0);
  btf.addField('d', int, 160, 0);
  btf.addField('e', sh, 192, 0);
  btf.addField('f', long, 256, 0);
  btf.addField('g', ch, 320, 0);
  return btf;
}

// What pahole 1.24 printed for `pahole -F btf -R -C r` on reorg() written as raw BTF.
const REORG_TEXT = `struct r {
\tchar                       a;                    /*     0     1 */
\tchar                       c;                    /*     1     1 */
\tshort                      e;                    /*     2     2 */
\tchar                       g;                    /*     4     1 */

\t/* XXX 3 bytes hole, try to pack */

\tlong                       b;                    /*     8     8 */

\t/* XXX 4 bytes hole, try to pack */

\tint                        d;                    /*    20     4 */
\tlong                       f;                    /*    24     8 */

\t/* size: 32, cachelines: 1, members: 7 */
\t/* sum members: 25, holes: 2, sum holes: 7 */
\t/* last cacheline: 32 bytes */
};   /* saved 8 bytes! */
`;

// Raw BTF without an INT named like \`long\`, with a type tag (a kind pahole 1.24 drops)
// reached through pointers, a pointer to pointer, a function pointer's parameter, a
// typedef and a const pointer, and as a member's own type. pahole's pointer size is
// libbpf's btf__pointer_size: 0 here (an ELF object's class would give 8), so pointer
// members are 0 bytes; each place it cannot find the tag prints its own
// \`<ERROR(function:line): ...>\`, and an \`<ERROR\` member drops what came before it
// (\`const \`) from the offset comment's column.
function noLong(): Btf {
  const b = Btf.empty();
  const ch = b.addInt('char', 1, 1);
  const int = b.addInt('int', 4, 1);
  const tt = b.addTypeTag('user', int); // [3]
  const pint = b.addPtr(int);
  const ptt = b.addPtr(tt);
  const pptt = b.addPtr(ptt);
  const fp = b.addFuncProto(int);
  b.addFuncParam('z', ptt);
  b.addFuncParam('w', int);
  const pfp = b.addPtr(fp);
  b.addTypedef('td_tt', tt);
  const tdp = b.addTypedef('tdp', ptt);
  const cptt = b.addConst(ptt);
  b.addStruct('s', 56);
  b.addField('a', ch, 0, 0);
  b.addField('p', pint, 64, 0);
  b.addField('tp', ptt, 128, 0);
  b.addField('pp', pptt, 192, 0);
  b.addField('fn', pfp, 256, 0);
  b.addField('cp', cptt, 320, 0);
  b.addField('t', tdp, 384, 0);
  b.addField('b', int, 416, 0);
  b.addStruct('s_first', 8);
  b.addField('first', tt, 0, 0);
  b.addField('b', int, 32, 0);
  return b;
}

// What pahole 1.24 printed for noLong() written as raw BTF (\`pahole -F btf FILE\`, stdout;
// "BTF: idx: 3, Unknown kind 18" went to stderr). A union with a member of the tag's
// type, or -R (a division by the pointer size), crash it.
const NO_LONG_TEXT = `struct s {
\tchar                       a;                    /*     0     1 */

\t/* XXX 7 bytes hole, try to pack */

\tint *                      p;                    /*     8     0 */

\t/* XXX 8 bytes hole, try to pack */

\t<ERROR                    > tp;                  /*    16     0 */

\t/* XXX 8 bytes hole, try to pack */

\t<ERROR(tag__ptr_name:496): 0x3 not found!> * * pp; /*    24     0 */

\t/* XXX 8 bytes hole, try to pack */

\tint                        (*fn)(<ERROR(ftype__fprintf_parms:1142): 3 not found!>
, int w); /*    32     0 */

\t/* XXX 8 bytes hole, try to pack */

\tconst <ERROR              > cp;                        /*    40     0 */

\t/* XXX 8 bytes hole, try to pack */

\ttdp                        t;                    /*    48     0 */

\t/* XXX 4 bytes hole, try to pack */

\tint                        b __attribute__((__aligned__(64))); /*    52     4 */

\t/* size: 56, cachelines: 1, members: 8 */
\t/* sum members: 5, holes: 7, sum holes: 51 */
\t/* forced alignments: 1, forced holes: 1, sum forced holes: 4 */
\t/* last cacheline: 56 bytes */
};
struct s_first {
\t<ERROR(__class__fprintf:1609): 3 not found!>
\tint                        b __attribute__((__aligned__(8))); /*     4     4 */

\t/* size: 8, cachelines: 1, members: 2 */
\t/* forced alignments: 1 */
\t/* last cacheline: 8 bytes */

\t/* BRAIN FART ALERT! 8 bytes != 4 (member bytes) + 0 (member bits) + 0 (byte holes) + 0 (bit holes), diff = 32 bits */
};
`;

test("raw BTF without a long: pahole's pointer size 0 and its not-found texts, as pahole printed them", () => {
  assert.fixture(listing(noLong(), {}), NO_LONG_TEXT);
  assert.is(
    listing(noLong(), { classNames: ['td_tt'] }),
    'typedef <ERROR(typedef__fprintf:317): 3 not found!>\n td_tt;\n',
  );
  assert.is(
    listing(noLong(), { classNames: ['tdp'] }),
    'typedef <ERROR(typedef__fprintf:331): 3 not found!>\n *tdp;\n',
  );
});

test('raw BTF without a long equals pahole on the same raw BTF, with each option (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 'nolong.btf');
    const btf = noLong();
    writeFileSync(f, btf.rawData());
    const opts: ListingOptions[] = [
      {},
      { expand: true },
      { sizes: true },
      { suppressAligned: true },
      { classNames: ['td_tt'] },
      { classNames: ['tdp'] },
    ];
    for (const o of opts) same(f, o, btf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A bitfield of a type pahole cannot find (a type tag) after a bit hole: the error of
// __class__fprintf's bit-hole branch, then the member as an anonymous bitfield.
function bitHoleTag(): Btf {
  const b = Btf.empty();
  const ch = b.addInt('char', 1, 1);
  const int = b.addInt('int', 4, 1);
  b.addInt('long', 8, 1);
  const tt = b.addTypeTag('user', int);
  b.addStruct('s_bfh', 8);
  b.addField('a', int, 0, 3);
  b.addField('b', tt, 8, 5);
  b.addField('c', int, 16, 4);
  b.addField('d', ch, 32, 0);
  return b;
}

test('a bitfield of a type pahole cannot find after a bit hole: its error line, as pahole printed it (and live)', () => {
  const text = listing(bitHoleTag(), {});
  // what pahole 1.24 printed for bitHoleTag() written as raw BTF
  assert.ok(
    text.includes(
      '\t/* XXX 5 bits hole, try to pack */\n\t<ERROR(__class__fprintf:1546): 4 not found!>\n\tint                        :5;\n\n\tint                        c:4;',
    ),
    text,
  );
});

test('a bitfield of a type pahole cannot find after a bit hole equals pahole on the same raw BTF (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 'bfh.btf');
    writeFileSync(f, bitHoleTag().rawData());
    same(f, {}, bitHoleTag());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an object gives pahole the pointer size of its ELF class, its raw .BTF that of a long (here none: 0) (live)', async () => {
  if (!havePahole()) return skip('pahole is not installed');
  const obj = repoPath('golden', 'obj', 'xcheck', 'xcheck_ttag.o');
  const elfBtf = await readBtfFile(obj);
  assert.match(listing(elfBtf, { classNames: ['inner'] }), /ip;\s+\/\*\s+0\s+8 \*\//);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 'xcheck_ttag.btf');
    writeFileSync(f, elfBtf.rawData());
    const raw = await readBtfFile(f);
    assert.match(listing(raw, { classNames: ['inner'] }), /ip;\s+\/\*\s+0\s+0 \*\//);
    for (const o of [{}, { expand: true }, { sizes: true }, { classNames: ['uip_t', 'cb_t'] }] as ListingOptions[])
      same(f, o, raw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-R: the reorganized struct and its savings, as pahole printed them', () => {
  assert.fixture(listing(reorg(), { classNames: ['r'], reorganize: true }), REORG_TEXT);
  // Without -C, -R changes nothing (pahole ignores it); a -C type that is not a struct prints nothing.
  assert.is(listing(reorg(), { reorganize: true }), listing(reorg(), {}));
  assert.is(listing(reorg(), { classNames: ['long'], reorganize: true }), '');
});

test('-R on a built struct equals pahole on the same raw BTF (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-layout-'));
  try {
    const f = join(dir, 'r.btf');
    const btf = reorg();
    writeFileSync(f, btf.rawData());
    same(f, { classNames: ['r'], reorganize: true }, btf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The distinct names of `btf`'s structs, every `step`-th, in id order. */
function structNames(btf: Btf, step = 1): string[] {
  const names = new Set<string>();
  for (let id = 1; id < btf.typeCount; id++) {
    const t = btf.type(id);
    if (t.kindName === 'STRUCT' && t.name) names.add(t.name);
  }
  return [...names].filter((_, i) => i % step === 0);
}

test('-R -C on every struct of every golden object equals pahole (live)', async () => {
  if (!havePahole()) return skip('pahole is not installed');
  let n = 0;
  for (const f of goldenObjs()) {
    const btf = await readBtfFile(f);
    const names = structNames(btf);
    if (!names.length) continue;
    same(f, { classNames: names, reorganize: true }, btf);
    n += names.length;
  }
  assert.ok(n > 100, `only ${n} structs`);
});

test('-C on typedefs and enums of every golden object equals pahole (live)', async () => {
  if (!havePahole()) return skip('pahole is not installed');
  let n = 0;
  for (const f of goldenObjs()) {
    const btf = await readBtfFile(f);
    const names = typedefAndEnumNames(btf);
    if (!names.length) continue;
    same(f, { classNames: names }, btf);
    same(f, { classNames: names, expand: true }, btf);
    n += names.length;
  }
  assert.ok(n > 100, `only ${n} names`);
});

test('every golden object, with each option, equals pahole -F btf (live)', async () => {
  if (!havePahole()) return skip('pahole is not installed');
  let structs = 0;
  const objs = goldenObjs();
  for (const [i, f] of objs.entries()) {
    const btf = await readBtfFile(f);
    for (const o of i % 4 === 0 ? [...OPTIONS, ...MORE] : OPTIONS) structs += same(f, o, btf);
  }
  assert.ok(structs > 300, `only ${structs} structs compared`);
});

test('the cached Debian kernels and a sample of their modules equal pahole (live)', async () => {
  if (!havePahole()) return skip('pahole is not installed');
  const kernels = cachedKernels();
  const missing = missingKernels(kernels);
  if (missing.length) return skip(missing.join('; '), 'env');
  for (const k of kernels) {
    const base = await readBtfFile(k.vmlinux);
    same(k.vmlinux, {}, base);
    same(k.vmlinux, { classNames: ['task_struct', 'sk_buff'], expand: true }, base);
    same(k.vmlinux, { suppressAligned: true }, base);
    same(k.vmlinux, { classNames: typedefAndEnumNames(base) }, base);
    // Every 4th struct (pahole takes one argument of at most 128 KiB).
    same(k.vmlinux, { classNames: structNames(base, 4), reorganize: true }, base);
    for (const m of sampleModules(kernelModules(k), 500).slice(0, 2)) {
      const btf = await readBtfFile(m.path, { base });
      same(m.path, {}, btf, k.vmlinux);
    }
  }
});

test("the running kernel's BTF equals pahole (live)", async () => {
  if (!havePahole()) return skip('pahole is not installed');
  if (!existsSync(VMLINUX)) return skip('no /sys/kernel/btf/vmlinux', 'env');
  const btf = await readBtfFile(VMLINUX);
  same(VMLINUX, { sizes: true, holes: 2 }, btf);
  same(VMLINUX, { classNames: ['list_head', 'no_such_struct_here', 'page'] }, btf);
});

test('btfkit layout: CLI equals pahole, -C takes the last list, a missing name is said on stderr (live)', () => {
  if (!havePahole()) return skip('pahole is not installed');
  const f = repoPath('golden', 'obj', 'maps', 'maps_demo.o');
  const cli = (args: string[]) => spawnSync(process.execPath, [BIN, 'layout', ...args, f], { encoding: 'utf8' });
  const r = cli([]);
  assert.is(r.status, 0);
  assert.is(r.stdout, pahole(f, {}));
  const c = cli(['-C', 'nope', '-C', 'config,point']);
  assert.is(c.stdout, pahole(f, { classNames: ['config', 'point'] }));
  const m = cli(['-C', 'nope']);
  assert.is(m.status, 0);
  assert.is(m.stdout, '');
  assert.is(m.stderr, `btfkit layout: ${f}: no struct or union named 'nope'\n`);
  const j = JSON.parse(cli(['-j', '-C', 'config']).stdout) as { name: string; members: { holeBefore: number }[] }[];
  assert.is(j[0]?.name, 'config');
  assert.is(j[0]?.members[2]?.holeBefore, 3);
});

test.run();
