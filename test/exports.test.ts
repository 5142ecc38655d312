/**
 * The package's entry points, imported by name as a user would (a package
 * can import itself through its `exports` map): the root and every subpath
 * resolve, each subpath's module is named in package.json with its types,
 * they share one copy of each function with the root, and the internals stay
 * out of the root.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
};

/** What each subpath must export (a few names each), beside the root. */
const SUBPATHS: Record<string, string[]> = {
  './elf': ['parseElf', 'replaceSections', 'newBtfObject', 'ElfFile', 'SHT'],
  './object': [
    'openObject',
    'writeObject',
    'parseBtf',
    'readBtfFile',
    'fixupDatasecs',
    'datasecLayouts',
    'BTF_ELF_SEC',
  ],
  './dedup': ['dedup'],
  './emit': ['addMap', 'addGlobalVar', 'addFunction', 'PendingSections', 'addRefFirst', 'addStructFirst'],
  './inspect': ['listMaps', 'listVars', 'TypedDataDumper', 'parseMapDef'],
  './check': ['checkRawBtf', 'checkBtf', 'CHECK_KERNEL_VERSION'],
};

// A specifier in a variable: resolved by Node at run time, not by tsc.
const load = (spec: string): Promise<Record<string, unknown>> => import(spec) as Promise<Record<string, unknown>>;
const rootApi = await load('btfkit');

test('every subpath is in package.json with types and an import file that exist', () => {
  assert.equal(Object.keys(pkg.exports).sort(), ['.', './package.json', ...Object.keys(SUBPATHS)].sort());
  for (const sub of ['.', ...Object.keys(SUBPATHS)]) {
    const e = pkg.exports[sub];
    assert.type(e, 'object', sub);
    const { types, import: file } = e as { types: string; import: string };
    assert.ok(existsSync(join(root, types)), `${sub}: ${types}`);
    assert.ok(existsSync(join(root, file)), `${sub}: ${file}`);
  }
});

for (const [sub, names] of Object.entries(SUBPATHS)) {
  test(`btfkit/${sub.slice(2)} exports ${names.join(', ')}`, async () => {
    const api = await load(`btfkit/${sub.slice(2)}`);
    for (const n of names) {
      assert.ok(api[n] !== undefined, `${sub}: ${n}`);
      // The same function as the root's, when the root has it too.
      if (n in rootApi) assert.is(api[n], rootApi[n], `${sub}: ${n} is the root's`);
    }
  });
}

test('the root exports the public API and none of the internals', () => {
  for (const n of [
    'Btf',
    'BtfError',
    'openObject',
    'parseBtf',
    'dedup',
    'rawDump',
    'cDump',
    'listMaps',
    'addMap',
    'parseElf',
    'BtfExt',
    'parseCoreSpec',
    'relocateObject',
    'CoreTarget',
  ]) {
    assert.ok(rootApi[n] !== undefined, n);
  }
  for (const n of [
    'BtfContainer',
    'KIND_FIELDS',
    'ByteOut',
    'PendingSections',
    'addRefFirst',
    'addStructFirst',
    'MAP_ATTR_ORDER',
    'openBpfObject',
    'collectBytes',
    'bytesToText',
    'forEachTypeIdWord',
    'forEachStrWord',
  ]) {
    assert.not.ok(n in rootApi, n);
  }
});

test('Btf.parse reads raw BTF only; parseBtf also reads an object', async () => {
  const { Btf, parseBtf, isBtfError } = rootApi as {
    Btf: { parse(b: Uint8Array): { typeCount: number } };
    parseBtf(b: Uint8Array): { typeCount: number };
    isBtfError(e: unknown): boolean;
  };
  const obj = new Uint8Array(readFileSync(join(root, 'golden', 'obj', 'xdp_pkt_counter.o')));
  assert.throws(
    () => Btf.parse(obj),
    (e: unknown) =>
      isBtfError(e) && (e as { code: string }).code === 'EFORMAT' && /parseBtf/.test((e as Error).message),
  );
  const viaObject = parseBtf(obj);
  assert.ok(viaObject.typeCount > 1);
});

test('the .d.ts files describe the public API only, and a strict consumer compiles against them', () => {
  // The container's words, offsets and string set are marked @internal and
  // stripped (tsconfig stripInternal): a user sees Btf's methods, not its storage.
  const dts = readFileSync(join(root, 'dist', 'lib', 'container.d.ts'), 'utf8');
  for (const n of ['words', 'offs', 'strset', 'ensureModifiable', 'reserveWords', 'recordOf', 'replaceContents'])
    assert.not.ok(new RegExp(`\\b${n}\\b[(:?]`).test(dts), `container.d.ts shows ${n}`);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-dts-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'btfkit'));
    writeFileSync(
      join(dir, 'use.ts'),
      [
        "import { Btf, BTF_KIND_STRUCT, cDump, rawDump, isBtfError } from 'btfkit';",
        "import { openObject } from 'btfkit/object';",
        "import { checkBtf } from 'btfkit/check';",
        "import { listMaps } from 'btfkit/inspect';",
        'const b = Btf.empty();',
        "const i = b.addInt('int', 4, 1);",
        "const s = b.addStruct('s', 4);",
        "b.addField('x', i, 0, 0);",
        "const id: number | undefined = b.findByName('s', BTF_KIND_STRUCT);",
        'const n: string = b.type(s).kindName;',
        'export const out = [id, n, b.typeCount, cDump, rawDump, isBtfError, openObject, checkBtf, listMaps];',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['use.ts'],
      }),
    );
    const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
