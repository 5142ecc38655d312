/**
 * `btfkit gen ts` (lib/gen/ts.ts): the generated module compiles under
 * `tsc --strict`; for every section of every golden object, the initial
 * bytes decoded by the generated codecs and printed in libbpf's typed-data
 * format (by the printer below, which walks the BTF and reads the decoded
 * JS values) equal `btfkit vars`; `encode(decode(b))` is `b`, for the
 * initial bytes and for random ones; a per-CPU value of 4 CPUs round-trips.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Btf } from '../lib/btf.js';
import { SHT, parseElf } from '../lib/elf/read.js';
import { isBtfError, isInputError } from '../lib/errors.js';
import { genTs, tsMemberKeys } from '../lib/gen/ts.js';
import { listMaps } from '../lib/inspect/maps.js';
import { TypedDataDumper, formatF, formatLongDouble } from '../lib/inspect/typed-data.js';
import { listVars, varLine } from '../lib/inspect/vars.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_ARRAY,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FLOAT,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  infoKflag,
  infoVlen,
  intEncoding,
  memberBitOffset,
  memberBitfieldSize,
} from '../lib/kinds.js';
import { type BpfObject, openObject } from '../lib/object/open.js';
import { typeQuery } from '../lib/query.js';
import { isUsageError, readBytes, repoPath, runCli } from './helpers/golden.js';
import { rng } from './helpers/gen.js';
import { TimeBudget, fuzzRuns } from './helpers/budget.js';
import { mutate, rng as mutRng } from './helpers/mutants.js';
import { allObjectPaths } from './helpers/objects.js';
import { run } from './helpers/tools.js';

const TSC = repoPath('node_modules', '.bin', 'tsc');
const budget = new TimeBudget('gen-ts', 30_000);
const dir = mkdtempSync(join(tmpdir(), 'btfkit-gen-ts-'));
const paths = allObjectPaths();
const stem = (p: string): string => p.slice(repoPath('').length).replace(/^\//, '').replace(/[/.]/g, '_');

interface Case {
  path: string;
  name: string;
  obj: BpfObject;
}
/**
 * Returns typed_values.o with strings replaced in place (same length) in its
 * .BTF and, with `symbols`, in .strtab too (a variable renamed in both).
 */
function renamed(pairs: ReadonlyArray<readonly [string, string]>, symbols = false): Uint8Array {
  const bytes = readBytes(repoPath('golden', 'obj', 'maps', 'typed_values.o')).slice();
  const elf = parseElf(bytes);
  const sec = elf.sections.find((x) => x.name === '.BTF')!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + sec.offset, sec.size);
  const strs = sec.offset + dv.getUint32(4, true) + dv.getUint32(16, true);
  const areas: Array<[number, number]> = [[strs, strs + dv.getUint32(20, true)]];
  if (symbols) {
    const st = elf.sections.find((x) => x.name === '.strtab')!;
    areas.push([st.offset, st.offset + st.size]);
  }
  const enc = new TextEncoder();
  for (const [from, to] of pairs) {
    for (const [start, end] of areas) {
      const at = Buffer.from(bytes.subarray(start, end)).indexOf(enc.encode(`\0${from}\0`));
      assert.ok(at >= 0 && from.length === to.length, from);
      bytes.set(enc.encode(to), start + at + 1);
    }
  }
  return bytes;
}

/** typed_values.o with the symbol of variable `name` moved to `value` (ELF64 .symtab, little-endian). */
function movedSymbol(name: string, value: number): Uint8Array {
  const bytes = readBytes(repoPath('golden', 'obj', 'maps', 'typed_values.o')).slice();
  const elf = parseElf(bytes);
  const sym = elf.symbols.find((x) => x.name === name)!;
  const symtab = elf.sections.find((x) => x.type === SHT.SYMTAB)!;
  new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(symtab.offset + sym.index * 24 + 8, BigInt(value), true);
  return bytes;
}

const cases: Case[] = [
  ...paths.map((p) => ({ path: p, name: stem(p), obj: openObject(readBytes(p), { file: p, ext: false }) })),
  // Bad input: a struct, an enum, an enumerator and a member whose names are
  // not identifiers or take a name the module uses (Array), and two
  // variables that overlap.
  {
    path: 'renamed_typed_values.o',
    name: 'renamed_typed_values',
    obj: openObject(
      renamed([
        ['mixed', '3i-ed'],
        ['color', 'Array'],
        ['RED', 'a b'],
        ['small', 'sm.ll'],
      ]),
      { file: 'renamed_typed_values.o', ext: false },
    ),
  },
  {
    // the same variable name in .bss and .data.custom
    path: 'dupvars_typed_values.o',
    name: 'dupvars_typed_values',
    obj: openObject(renamed([['custom_s', 'null_ptr']], true), { file: 'dupvars_typed_values.o', ext: false }),
  },
  {
    path: 'overlap_typed_values.o',
    name: 'overlap_typed_values',
    obj: openObject(movedSymbol('one', 16), { file: 'overlap_typed_values.o', ext: false }),
  },
];
mkdirSync(join(dir, 'ts'));
mkdirSync(join(dir, 'js'));
for (const c of cases) {
  const out = genTs(c.obj, { file: basename(c.path) });
  writeFileSync(join(dir, 'ts', `${c.name}.ts`), out.ts);
  writeFileSync(join(dir, 'js', `${c.name}.js`), out.js);
  writeFileSync(join(dir, 'js', `${c.name}.d.ts`), out.dts);
}
// A consumer of the .js + .d.ts pair: the declarations must type-check what the .ts allows.
writeFileSync(
  join(dir, 'js', 'use.ts'),
  `${cases.map((c, i) => `import * as m${i} from './${c.name}.js';`).join('\n')}\n` +
    `export const all = [${cases.map((_, i) => `m${i}`).join(', ')}].map((m) => [m.LE, m.maps.length, m.sections.map((s) => s.size), m.cString(m.cBytes('x', 2))]);\n`,
);
const tscArgs = [
  '--ignoreConfig',
  '--strict',
  '--target',
  'es2020',
  '--module',
  'es2020',
  '--lib',
  'es2020',
  '--skipLibCheck',
  'false',
];
const compiled = run(TSC, [
  ...tscArgs,
  '--outDir',
  join(dir, 'out'),
  ...cases.map((c) => join(dir, 'ts', `${c.name}.ts`)),
]);
mkdirSync(join(dir, 'out'), { recursive: true });
writeFileSync(join(dir, 'out', 'package.json'), '{"type":"module"}');
writeFileSync(join(dir, 'js', 'package.json'), '{"type":"module"}');

// biome-ignore lint/suspicious/noExplicitAny: the generated modules are typed by their own .d.ts, not here
type Gen = Record<string, any>;
const modules = new Map<string, { fromTs: Gen; js: Gen }>();
for (const c of cases) {
  modules.set(c.name, {
    fromTs: await import(pathToFileURL(join(dir, 'out', `${c.name}.js`)).href),
    js: await import(pathToFileURL(join(dir, 'js', `${c.name}.js`)).href),
  });
}

/** The initial value libbpf gives an internal map: the section's bytes, then zeroes (all zeroes for NOBITS and .kconfig). */
function initialBytes(obj: BpfObject, section: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const sec = section === '.kconfig' ? undefined : obj.elf.sections.find((s) => s.name === section);
  if (sec && sec.type !== SHT.NOBITS) out.set(obj.elf.sectionData(sec).subarray(0, size));
  return out;
}

/**
 * libbpf's typed-data format (`btf_dump__dump_type_data`, compact, with
 * zeroes, char arrays as libbpf >= 1.5), printed from decoded JS values: the
 * BTF says the shape and the casts (through one TypedDataDumper's name
 * state, as `vars` has it), the values come from the generated codecs.
 */
class Printer {
  private out = '';
  private depth = 0;
  private isArrayMember = false;
  private isArrayChar = false;
  private isArrayTerminated = false;
  private readonly q;
  constructor(
    private readonly btf: Btf,
    private readonly names: TypedDataDumper,
    private readonly le: boolean,
  ) {
    this.q = typeQuery(btf);
  }

  /** `at`: where the value lies in libbpf's buffer (a variable's offset in its section), which alignment is judged by. */
  print(typeId: number, v: unknown, at = 0): string {
    this.out = '';
    this.depth = 0;
    this.isArrayMember = false;
    this.isArrayChar = false;
    this.isArrayTerminated = false;
    this.value('', typeId, v, at, 0);
    return this.out;
  }

  private emit(s: string): void {
    this.out += s + (this.depth === 0 ? '' : ',');
  }

  private value(fname: string, id: number, v: unknown, at: number, bitSz: number): void {
    if (fname) this.out += `.${fname} = `;
    if (!this.isArrayMember) this.out += `(${this.names.typeName(id)})`;
    const t = this.q.skipModsAndTypedefs(id);
    const k = this.q.kind(t);
    const size = this.q.sizeOf(t);
    if (bitSz) {
      const u = BigInt.asUintN(bitSz, BigInt(v as number | bigint));
      if (k === BTF_KIND_INT) {
        this.emit(`0x${u.toString(16)}`);
        return;
      }
      this.enumText(t, this.enumBits(t, u));
      return;
    }
    switch (k) {
      case BTF_KIND_INT: {
        if (size === 16) {
          const u = BigInt.asUintN(128, v as bigint);
          this.emit(`0x${u.toString(16)}`);
          return;
        }
        if (size !== 1) {
          this.emit(String(v));
          return;
        }
        const b = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number) & 0xff;
        if (this.isArrayChar) {
          if (this.isArrayTerminated) return;
          if (b === 0) {
            this.emit("'\\0'");
            this.isArrayTerminated = true;
            return;
          }
          if (b >= 0x20 && b <= 0x7e) {
            this.emit(`'${String.fromCharCode(b)}'`);
            return;
          }
        }
        const signed = (intEncoding(this.q.word(t, 3)) & BTF_INT_SIGNED) !== 0;
        this.emit(String(signed ? (b << 24) >> 24 : b));
        return;
      }
      case BTF_KIND_FLOAT: {
        this.emit(size === 16 ? formatLongDouble(v as Uint8Array, this.le) : formatF(v as number));
        return;
      }
      case BTF_KIND_PTR: {
        const a = this.q.alignOf(id);
        const p = BigInt(v as bigint);
        this.emit(a > 0 && at % a === 0 && p === 0n ? '(nil)' : `0x${p.toString(16)}`);
        return;
      }
      case BTF_KIND_ENUM:
      case BTF_KIND_ENUM64: {
        const a = this.q.alignOf(id);
        this.enumText(t, a > 0 && at % a === 0 ? BigInt(v as number | bigint) : 0n);
        return;
      }
      case BTF_KIND_ARRAY: {
        const elemId = this.q.word(t, 3);
        const n = this.q.word(t, 5);
        const elemSize = this.q.sizeOf(elemId);
        const et = this.q.skipModsAndTypedefs(elemId);
        if (this.q.kind(et) === BTF_KIND_INT && elemSize === 1) this.isArrayChar = true;
        const items = v as ArrayLike<unknown>;
        assert.is(items.length, n, `array [${t}] has ${n} elements`);
        this.depth++;
        this.out += '[';
        const wasMember = this.isArrayMember;
        const wasTerminated = this.isArrayTerminated;
        this.isArrayMember = true;
        this.isArrayTerminated = false;
        for (let i = 0; i < n && !this.isArrayTerminated; i++) this.value('', elemId, items[i], at + i * elemSize, 0);
        this.isArrayMember = wasMember;
        this.isArrayTerminated = wasTerminated;
        this.depth--;
        this.emit(']');
        return;
      }
      case BTF_KIND_STRUCT:
      case BTF_KIND_UNION: {
        const keys = tsMemberKeys(this.btf, t);
        const [w, o] = this.btf.recordOf(t);
        const kflag = infoKflag(w[o + 1]!);
        const rec = v as Record<string, unknown>;
        this.depth++;
        this.out += '{';
        for (let i = 0; i < infoVlen(w[o + 1]!); i++) {
          const m = o + 3 + i * 3;
          const off = memberBitOffset(w[m + 2]!, kflag);
          assert.ok(keys[i]! in rec, `member ${keys[i]} decoded`);
          this.value(
            this.btf.str(w[m]!),
            w[m + 1]!,
            rec[keys[i]!],
            at + Math.floor(off / 8),
            memberBitfieldSize(w[m + 2]!, kflag),
          );
        }
        this.depth--;
        this.emit('}');
        return;
      }
      default:
        throw new Error(`kind ${k} not printed here`);
    }
  }

  private enumBits(t: number, raw: bigint): bigint {
    const esize = this.q.word(t, 2);
    const signed = infoKflag(this.q.info(t));
    return esize >= 8
      ? BigInt.asIntN(64, raw)
      : signed
        ? BigInt.asIntN(esize * 8, raw)
        : BigInt.asUintN(esize * 8, raw);
  }

  private enumText(t: number, value: bigint): void {
    const [w, o] = this.btf.recordOf(t);
    const n = infoVlen(w[o + 1]!);
    const signed = infoKflag(w[o + 1]!);
    if (this.q.kind(t) === BTF_KIND_ENUM) {
      for (let i = 0; i < n; i++)
        if (value === BigInt(w[o + 3 + i * 2 + 1]! | 0)) {
          this.emit(this.btf.str(w[o + 3 + i * 2]!));
          return;
        }
      // libbpf's `is_signed ? "%d" : "%u"` has the delimiter on "%u" only: a signed value prints without it
      if (signed) this.out += String(BigInt.asIntN(32, value));
      else this.emit(String(BigInt.asUintN(32, value)));
      return;
    }
    for (let i = 0; i < n; i++) {
      const e = o + 3 + i * 3;
      if (value === BigInt.asIntN(64, (BigInt(w[e + 2]!) << 32n) | BigInt(w[e + 1]!))) {
        this.emit(this.btf.str(w[e]!));
        return;
      }
    }
    if (signed) this.out += `${BigInt.asIntN(64, value)}LL`;
    else this.emit(`${BigInt.asUintN(64, value)}ULL`);
  }
}

test('the generated modules compile under tsc --strict (and noUnused*, noUncheckedIndexedAccess, exactOptionalPropertyTypes)', () => {
  assert.is(compiled.status, 0, compiled.stdout.toString() + compiled.stderr);
});

test('the --js modules with their .d.ts type-check (a consumer importing every one)', () => {
  const r = run(TSC, [...tscArgs, '--noEmit', '--allowJs', 'false', join(dir, 'js', 'use.ts')]);
  assert.is(r.status, 0, r.stdout.toString() + r.stderr);
});

for (const c of cases) {
  test(`${c.name}: every section decoded and printed as libbpf does equals btfkit vars (.ts and --js)`, () => {
    const vars = listVars(c.obj);
    const expected = vars.filter((v) => v.error === undefined);
    const { fromTs, js } = modules.get(c.name)!;
    const btf = c.obj.btf!;
    const internal = listMaps(c.obj).maps.filter((m) => m.internal);
    for (const mod of [fromTs, js]) {
      const printer = new Printer(btf, new TypedDataDumper(btf), c.obj.elf.littleEndian);
      const lines: string[] = [];
      for (const s of mod['sections'] as Array<{
        name: string;
        map: string;
        size: number;
        variables: Array<{ name: string; key: string }>;
      }>) {
        const m = internal.find((x) => x.name === s.map)!;
        assert.is(m.valueSize, s.size);
        const decoded = mod[`decode${exportName(mod, s.name)}`](initialBytes(c.obj, m.section, s.size));
        const lay = c.obj.layouts.get(m.btfValueTypeId)!;
        const vs = lay.entries.filter((e) => e.kind === 'VAR');
        s.variables.forEach((v, i) => {
          const vt = btf.wordOf(vs[i]!.typeId, 2);
          lines.push(
            varLine({
              section: s.name,
              map: s.map,
              name: v.name,
              varId: 0,
              offset: 0,
              size: 0,
              value: printer.print(vt, decoded[v.key], vs[i]!.offset),
            }),
          );
        });
      }
      assert.fixture(lines.join('\n'), expected.map((v) => varLine(v)).join('\n'));
    }
  });

  test(`${c.name}: encode(decode(b)) is b for every section, initial and random bytes`, () => {
    const { fromTs, js } = modules.get(c.name)!;
    const next = rng(0x9e37 + c.name.length);
    const internal = listMaps(c.obj).maps.filter((m) => m.internal);
    for (const mod of [fromTs, js]) {
      for (const s of mod['sections'] as Array<{ name: string; map: string; size: number }>) {
        const m = internal.find((x) => x.name === s.map)!;
        const n = exportName(mod, s.name);
        const samples = [initialBytes(c.obj, m.section, s.size)];
        for (let i = 0; i < 8; i++) samples.push(Uint8Array.from({ length: s.size }, () => next() & 0xff));
        for (const b of samples) {
          const again = mod[`encode${n}`](mod[`decode${n}`](b));
          assert.equal(Array.from(again), Array.from(b), `${s.name}`);
        }
      }
    }
  });
}

/** Returns the name the module gives a section's codecs (its interface), found through `sizeofX` and the table order. */
function exportName(mod: Gen, section: string): string {
  const secs = mod['sections'] as Array<{ name: string; size: number }>;
  const base = section
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  const s = secs.find((x) => x.name === section)!;
  for (const cand of [base, `${base}_2`, `${base}_3`])
    if (mod[`sizeof${cand}`] === s.size && mod[`decode${cand}`]) return cand;
  throw new Error(`no codec for ${section}`);
}

test('a per-CPU section value of 4 CPUs round-trips at 8-byte strides (.percpu, percpu_sections.o)', () => {
  const c = cases.find((x) => x.name === 'golden_obj_maps_percpu_sections_o')!;
  const m = listMaps(c.obj).maps.find((x) => x.section === '.percpu')!;
  assert.ok(m.cpuValueSize! % 8 === 0 && m.cpuValueSize! >= m.valueSize);
  for (const mod of Object.values(modules.get(c.name)!)) {
    const init = initialBytes(c.obj, '.percpu', m.valueSize);
    const buf = new Uint8Array(4 * m.cpuValueSize!);
    for (let cpu = 0; cpu < 4; cpu++) {
      buf.set(init, cpu * m.cpuValueSize!);
      buf[cpu * m.cpuValueSize!] = cpu + 1; // misses = cpu + 1
    }
    const vals = mod['decodePercpuValues'](buf);
    assert.is(vals.length, 4);
    assert.equal(
      vals.map((v: { misses: number }) => v.misses),
      [1, 2, 3, 4],
    );
    assert.equal(Array.from(mod['encodePercpuValues'](vals)), Array.from(buf));
    assert.equal(mod['decodePercpuValues'](buf, 2).length, 2);
    assert.throws(() => mod['decodePercpuValues'](buf, 5), /5 CPUs need/);
  }
});

test('a PERCPU map value of 4 CPUs round-trips (perf_bperf_counters.o)', () => {
  const c = cases.find((x) => x.name === 'golden_obj_perf_bperf_counters_o')!;
  const maps = listMaps(c.obj).maps.filter((m) => !m.internal && m.cpuValueSize !== null);
  assert.ok(maps.length > 0);
  const next = rng(77);
  for (const mod of Object.values(modules.get(c.name)!)) {
    for (const m of maps) {
      const fn = m.name
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((p) => p[0]!.toUpperCase() + p.slice(1))
        .join('');
      const buf = new Uint8Array(4 * m.cpuValueSize!);
      for (let cpu = 0; cpu < 4; cpu++)
        for (let i = 0; i < m.valueSize; i++) buf[cpu * m.cpuValueSize! + i] = next() & 0xff;
      const vals = mod[`decode${fn}ValueValues`](buf);
      assert.is(vals.length, 4);
      assert.equal(Array.from(mod[`encode${fn}ValueValues`](vals)), Array.from(buf), m.name);
    }
  }
});

test('every map key and value: random bytes round-trip, and print as libbpf prints the bytes', () => {
  let checked = 0;
  for (const c of cases) {
    const btf = c.obj.btf!;
    for (const mod of Object.values(modules.get(c.name)!)) {
      const next = rng(0x51 + c.name.length);
      const printer = new Printer(btf, new TypedDataDumper(btf), c.obj.elf.littleEndian);
      const ref = new TypedDataDumper(btf, { littleEndian: c.obj.elf.littleEndian });
      for (const m of listMaps(c.obj).maps) {
        if (m.internal) continue;
        const base = m.name
          .split(/[^A-Za-z0-9]+/)
          .filter(Boolean)
          .map((p) => p[0]!.toUpperCase() + p.slice(1))
          .join('');
        for (const [part, typeId, size] of [
          ['Key', m.btfKeyTypeId, m.keySize],
          ['Value', m.btfValueTypeId, m.valueSize],
        ] as const) {
          if (size === 0) continue;
          const fn = [base, `${base}_2`, `${base}_3`].map((b) => `${b}${part}`).find((f) => mod[`decode${f}`]);
          assert.ok(fn, `${c.name}: map ${m.name}: no ${part} codec`);
          for (let k = 0; k < 4; k++) {
            const b = Uint8Array.from({ length: size }, () => next() & 0xff);
            const v = mod[`decode${fn}`](b);
            assert.equal(Array.from(mod[`encode${fn}`](v)), Array.from(b), `${c.name} ${m.name} ${part}`);
            if (!typeId) continue;
            const want = ref.dump(typeId, b);
            if (want.error !== undefined) continue;
            assert.is(printer.print(typeId, v), want.text, `${c.name} ${m.name} ${part}`);
            checked++;
          }
        }
      }
    }
  }
  assert.ok(checked > 100, `${checked} keys and values printed`);
});

test('the map table is libbpf-after-open data', () => {
  for (const c of cases) {
    const mod = modules.get(c.name)!.js;
    const want = listMaps(c.obj).maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.mapFlags]);
    assert.equal(
      (mod['maps'] as Array<Record<string, unknown>>).map((m) => [
        m['name'],
        m['typeNumber'],
        m['keySize'],
        m['valueSize'],
        m['maxEntries'],
        m['flags'],
      ]),
      want,
      c.name,
    );
  }
});

test('a value changed through the codecs is what vars prints (maps_demo.o .data cfg.limit, .rodata tag)', () => {
  const c = cases.find((x) => x.name === 'golden_obj_maps_maps_demo_o')!;
  const mod = modules.get(c.name)!.fromTs;
  const m = listMaps(c.obj).maps.find((x) => x.section === '.data')!;
  const d = mod['decodeData'](initialBytes(c.obj, '.data', m.valueSize));
  d.cfg.limit = 42n;
  d.cfg.color = mod['Color'].RED;
  d.cfg.name = mod['cBytes']('zz', 12);
  const bytes = mod['encodeData'](d);
  const btf = c.obj.btf!;
  const lay = c.obj.layouts.get(m.btfValueTypeId)!;
  const cfg = lay.entries.find((e) => e.name === 'cfg')!;
  const text = new TypedDataDumper(btf).dump(btf.wordOf(cfg.typeId, 2), bytes, cfg.offset, cfg.size).text;
  assert.match(text, ".name = (char[12])['z','z','\\0',]");
  assert.match(text, '.color = (enum color)RED');
  assert.match(text, '.limit = (__u64)42,');
  assert.is(mod['cString'](d.cfg.name), 'zz');
});

test('cString/cBytes: UTF-8, NUL-terminated, refusals', () => {
  const mod = modules.get(cases[0]!.name)!.js;
  assert.is(mod['cString'](mod['cBytes']('héllo €𝄞', 16)), 'héllo €𝄞');
  assert.is(mod['cString'](Uint8Array.of(0x61, 0xff, 0x62, 0, 0x63)), 'a\ufffdb');
  assert.throws(() => mod['cBytes']('abc', 2), /does not fit/);
});

test('big-endian objects decode in their own byte order (tc_flow_classifier.bpfeb.o)', () => {
  const be = modules.get('golden_obj_tc_flow_classifier_bpfeb_o')!.js;
  const le = modules.get('golden_obj_tc_flow_classifier_o')!.js;
  assert.is(be['LE'], false);
  const cb = cases.find((x) => x.name === 'golden_obj_tc_flow_classifier_bpfeb_o')!;
  const cl = cases.find((x) => x.name === 'golden_obj_tc_flow_classifier_o')!;
  const n = exportName(be, '.data.classify_cfg');
  const a = be[`decode${n}`](initialBytes(cb.obj, '.data.classify_cfg', be[`sizeof${n}`]));
  const b = le[`decode${n}`](initialBytes(cl.obj, '.data.classify_cfg', le[`sizeof${n}`]));
  delete a.$bytes;
  delete b.$bytes;
  assert.equal(a, b);
});

test('CLI: gen ts prints the module, -o writes it, --js writes .js and .d.ts', async () => {
  const obj = repoPath('golden', 'obj', 'maps', 'maps_demo.o');
  const r = await runCli(['gen', 'ts', obj]);
  assert.is(r.error, undefined, r.stderr);
  const printed = new TextDecoder().decode(r.stdout);
  assert.ok(printed.includes('export function decodeData('));
  const o = join(dir, 'cli.ts');
  assert.is((await runCli(['gen', 'ts', obj, '-o', o])).error, undefined);
  assert.is(readFileSync(o, 'utf8'), printed);
  assert.is(new TextDecoder().decode((await runCli(['gen', 'ts', obj, '-o', '-'])).stdout), printed, '-o - is stdout');
  assert.is((await runCli(['gen', 'ts', obj, '--js', '-o', join(dir, 'cli2.ts')])).error, undefined);
  assert.ok(readFileSync(join(dir, 'cli2.js'), 'utf8').includes('export function decodeData(bytes, offset = 0) {'));
  assert.ok(
    readFileSync(join(dir, 'cli2.d.ts'), 'utf8').includes(
      'export declare function decodeData(bytes: Uint8Array, offset?: number): Data;',
    ),
  );
  const u = await runCli(['gen', 'ts', obj, '--js']);
  assert.ok(isUsageError(u.error) && u.error.exitCode === 2);
  assert.match(String((u.error as Error).message), '--js needs -o FILE');
});

test('bad input: no .BTF is one clear error', async () => {
  const o = openObject(readBytes(repoPath('golden', 'obj', 'maps', 'maps_demo.o')), { file: 'x.o', ext: false });
  try {
    genTs({ ...o, btf: null });
    assert.unreachable();
  } catch (e) {
    assert.ok(isBtfError(e));
    assert.match((e as Error).message, 'no .BTF section');
  }
});

test('bad input: names that are not identifiers are escaped, with a comment giving the C name', () => {
  const ts = readFileSync(join(dir, 'ts', 'renamed_typed_values.ts'), 'utf8');
  assert.ok(ts.includes('export interface _3iEd {'), 'struct 3i-ed');
  assert.ok(ts.includes('/* "Array": named Array_2, Array being taken */'));
  assert.ok(ts.includes('export const Array_2 = { a_b: 1,'));
  assert.ok(ts.includes('sm_ll: number; /** C member "sm.ll" (renamed: not an identifier or taken) */'));
  const core = readFileSync(join(dir, 'ts', 'golden_obj_merge_merge_core_o.ts'), 'utf8');
  assert.ok(
    core.includes(
      'dump_bpf_maps____fmt: Uint8Array; /** C name "dump_bpf_maps.___fmt" (not an identifier, or taken); static */',
    ),
  );
  assert.ok(core.includes("{ name: 'dump_bpf_maps.___fmt', key: 'dump_bpf_maps____fmt', offset: 0, size: 34 },"));
  const tv = readFileSync(join(dir, 'ts', 'golden_obj_maps_typed_values_o.ts'), 'utf8');
  assert.ok(tv.includes('/* "dup": named Dup_2, Dup being taken */'), 'two structs named dup');
});

test('bad input: the same variable name in two sections: one property in each section interface', () => {
  const mod = modules.get('dupvars_typed_values')!.js;
  const secs = (mod['sections'] as Array<{ name: string; variables: Array<{ name: string; key: string }> }>).filter(
    (x) => x.variables.some((v) => v.name === 'null_ptr'),
  );
  assert.equal(
    secs.map((x) => x.name),
    ['.bss', '.data.custom'],
  );
  for (const x of secs) assert.ok(x.variables.find((v) => v.name === 'null_ptr')!.key === 'null_ptr');
});

test('bad input: variables that overlap are both decoded, and said to overlap', () => {
  const ts = readFileSync(join(dir, 'ts', 'overlap_typed_values.ts'), 'utf8');
  assert.match(ts, /one: number; \/\*\* overlaps "m2" \*\//);
});

test('bad input: a variable outside its section is one clear error', () => {
  const o = openObject(movedSymbol('one', 4096), { file: 'out.o', ext: false });
  assert.throws(
    () => genTs(o),
    (e: Error) =>
      isBtfError(e) &&
      /section \.data: variable 'one' at 4096 \+ 1 lies outside the section's \d+ bytes/.test(e.message),
  );
});

test('mutated .BTF: genTs returns a module that compiles, or throws an input error; never a raw error', () => {
  const runs = fuzzRuns(60);
  const out = join(dir, 'mutants');
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  const r = mutRng(0x6e7473);
  for (const rel of ['maps/maps_demo.o', 'maps/typed_values.o', 'maps/percpu_sections.o']) {
    const bytes = readBytes(repoPath('golden', 'obj', ...rel.split('/')));
    const sec = parseElf(bytes).sections.find((x) => x.name === '.BTF')!;
    const btf = bytes.subarray(sec.offset, sec.offset + sec.size);
    for (let i = 0; i < runs; i++) {
      const m = bytes.slice();
      m.set(mutate(btf, r), sec.offset);
      budget.time(`${rel} mutant ${i}`, () => {
        try {
          const o = openObject(m, { file: 'm.o', ext: false });
          const ts = genTs(o).ts;
          const f = join(out, `m${files.length}.ts`);
          writeFileSync(f, ts);
          files.push(f);
        } catch (e) {
          assert.ok(isInputError(e), `${rel} mutant ${i}: ${(e as Error).stack}`);
        }
      });
    }
  }
  assert.ok(files.length > 0);
  const res = run(TSC, [...tscArgs, '--noEmit', ...files]);
  assert.is(res.status, 0, res.stdout.toString().slice(0, 2000));
});

budget.check();

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
