/**
 * `btfkit maps` and lib/inspect/maps.ts: the maps libbpf 1.1.2 creates when
 * it opens an object, checked against libbpf through the C harness on every
 * golden object it can open (committed outputs under test/fixtures/maps/ when
 * the harness cannot run), and against btfkit's committed outputs for the
 * objects libbpf refuses (`.percpu` users, big-endian, legacy maps, bad
 * definitions, unlinked externs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { isBtfError } from '../lib/errors.js';
import { addGlobalVar } from '../lib/emit/datasec.js';
import { addMap } from '../lib/emit/maps.js';
import { datasecLayouts } from '../lib/object/fixup.js';
import { fixupDatasecs } from '../lib/object/fixup.js';
import { type MapInfo, internalMapName, listMaps, mapTypeLabel, parseMapDef } from '../lib/inspect/maps.js';
import { type BpfObject, objectName, openObject, parseBtf } from '../lib/object/open.js';
import { harnessPath, harnessSkipReason, runHarness } from './helpers/harness.js';
import { skip } from './helpers/skip.js';
import { readBytes, readText, repoPath, runCli } from './helpers/golden.js';
import { inspectorObjects } from './helpers/objects.js';

const FIX = repoPath('test', 'fixtures', 'maps');

/** Every object the maps and vars suites look at (as regen.mjs lists them). */
const objects = inspectorObjects();
const loaded = objects.map((o) => ({
  ...o,
  obj: openObject(readBytes(o.path), { file: o.rel, ext: false, badBtf: 'record' }),
}));
const fixture = (name: string): string | null => (existsSync(join(FIX, name)) ? readText(join(FIX, name)) : null);
const harness = harnessPath();

/** The harness's JSON line for a map (test/harness/README.md). */
export function libbpfLine(m: MapInfo): string {
  return JSON.stringify({
    name: m.name,
    type: mapTypeLabel(m.type),
    key_size: m.keySize,
    value_size: m.valueSize,
    max_entries: m.maxEntries,
    map_flags: m.mapFlags,
    numa_node: m.numaNode,
    map_extra: m.mapExtra,
    internal: m.internal,
    btf_key_type_id: m.btfKeyTypeId,
    btf_value_type_id: m.btfValueTypeId,
    pin_path: m.pinPath,
    initial_value_size: m.initialValueSize,
    inner_map: m.innerMap?.name ?? null,
  });
}

const lines = (maps: MapInfo[]): string => maps.map((m) => `${libbpfLine(m)}\n`).join('');
/** What libbpf 1.1.2 has: everything but the seed patch's `.percpu` maps. */
const withoutPercpu = (maps: MapInfo[]): MapInfo[] => maps.filter((m) => m.origin !== 'percpu');

test('the object list covers the corpus and the new map objects', () => {
  const names = objects.map((o) => o.name);
  for (const n of [
    'xdp_pkt_counter',
    'cgroup_skb_policy',
    'linked',
    'maps_demo',
    'percpu_ref',
    'xdp1_kern',
    'legacy_kv',
    'bad_defs',
    'percpu_sections',
    'typed_values',
  ]) {
    assert.ok(names.includes(n), n);
  }
});

for (const o of loaded) {
  test(`${o.name}: maps as committed (btfkit)`, () => {
    const list = listMaps(o.obj);
    assert.fixture(lines(list.maps), fixture(`${o.name}.btfkit.maps.jsonl`) ?? '(missing fixture)');
    const probs = list.problems.map((p) => `${p.message}\n`).join('');
    assert.fixture(probs, fixture(`${o.name}.btfkit.problems.txt`) ?? '');
  });

  const lib = fixture(`${o.name}.libbpf.maps.jsonl`);
  if (lib !== null) {
    test(`${o.name}: maps equal libbpf 1.1.2's (committed), but for .percpu`, () => {
      const list = listMaps(o.obj);
      assert.equal(list.problems, []);
      assert.fixture(lines(withoutPercpu(list.maps)), lib);
    });
  }

  test(`${o.name}: maps against libbpf through the harness`, () => {
    if (!harness) return skip(harnessSkipReason());
    const r = runHarness(['maps', o.path]);
    if (r.status === 0) {
      assert.fixture(r.stdout.toString('utf8'), lib ?? '(no committed libbpf output)');
      assert.fixture(lines(withoutPercpu(listMaps(o.obj).maps)), r.stdout.toString('utf8'));
      return;
    }
    // libbpf refuses these objects; btfkit lists them anyway.
    assert.is(lib, null, 'a committed libbpf output for an object libbpf refuses');
    assert.match(r.stderr, /Relocation failed|Endian mismatch|Operation not supported|No such file|Invalid argument/);
    assert.ok(listMaps(o.obj).maps.length > 0, 'btfkit lists maps where libbpf cannot');
  });
}

for (const twin of ['xdp_pkt_counter', 'xdp_dispatch_tailcall', 'tc_flow_classifier']) {
  test(`${twin}.bpfeb.o lists the same maps as the little-endian object`, () => {
    const be = openObject(readBytes(repoPath('golden', 'obj', `${twin}.bpfeb.o`)), {
      file: `golden/obj/${twin}.bpfeb.o`,
      ext: false,
      badBtf: 'record',
    });
    const le = loaded.find((o) => o.name === twin)!;
    assert.is(lines(listMaps(be).maps).replaceAll('.bpfeb', ''), lines(listMaps(le.obj).maps));
  });
}

const demo = loaded.find((o) => o.name === 'maps_demo')!.obj;

test('maps_demo: order, naming, flags, pinning, inner maps, ring buffer, kconfig (libbpf 1.1.2 rules)', () => {
  const { maps } = listMaps(demo);
  assert.equal(
    maps.map((m) => m.name),
    [
      'inner_a',
      'outer',
      'jmp_table',
      'flows',
      'counters',
      'recent',
      'events',
      'perf',
      'seen_bloom',
      'outer_noinner',
      'maps_dem.data',
      'maps_dem.rodata',
      '.data.stats',
      '.rodata.str1.1',
      'maps_dem.bss',
      'maps_dem.percpu',
      'maps_de.kconfig',
    ],
  );
  const by = (n: string) => maps.find((m) => m.name === n)!;
  assert.is(by('flows').pinPath, '/sys/fs/bpf/flows');
  assert.is(by('outer').innerMap?.name, 'outer.inner');
  assert.is(by('outer').innerMap?.maxEntries, 8);
  assert.equal(by('outer').initialSlots, [{ index: 0, name: 'inner_a' }]);
  assert.equal(by('jmp_table').initialSlots, [{ index: 1, name: 'xdp_pass' }]);
  assert.is(by('outer_noinner').innerMap, null);
  assert.is(by('maps_dem.rodata').mapFlags, 0x480);
  assert.ok(by('maps_dem.rodata').frozen);
  assert.is(by('.rodata.str1.1').mapFlags, 0x80);
  assert.is(by('.rodata.str1.1').btfValueTypeId, 0);
  assert.is(by('maps_de.kconfig').valueSize, 5);
  assert.equal(
    by('maps_dem.data').variables.map((v) => `${v.offset}:${v.name}:${v.linkage}`),
    ['0:sample_rate:global', '8:cfg:global', '48:hidden_counter:static', '52:greeting:global', '60:seq:static'],
  );
});

test('.percpu follows the seed patch: PERCPU_ARRAY, one entry, the whole section, not mmapable', () => {
  const o = loaded.find((x) => x.name === 'percpu_sections')!.obj;
  const { maps, problems } = listMaps(o);
  assert.equal(problems, []);
  const pc = maps.find((m) => m.name === 'percpu_s.percpu')!;
  assert.is(mapTypeLabel(pc.type), 'percpu_array');
  assert.equal(
    [pc.keySize, pc.valueSize, pc.maxEntries, pc.mapFlags, pc.mmapable, pc.frozen, pc.internal],
    [4, 16, 1, 0, false, false, true],
  );
  assert.equal(
    pc.variables.map((v) => v.name),
    ['misses', 'hits'],
  );
  const custom = maps.find((m) => m.section === '.percpu.scratch')!;
  assert.is(custom.name, '.percpu.scratch');
  assert.is(custom.valueSize, 12);
  // the maps libbpf has, in section order, with the per-CPU ones between
  assert.equal(
    maps.map((m) => m.name),
    ['totals', 'percpu_s.percpu', '.percpu.scratch', 'percpu_s.data', 'percpu_s.rodata'],
  );
});

test('bad definitions: each problem names the map and the member; the good maps are listed', () => {
  const o = loaded.find((x) => x.name === 'bad_defs')!.obj;
  const { maps, problems } = listMaps(o);
  assert.equal(
    maps.map((m) => m.name),
    ['good_array', 'good_ringbuf'],
  );
  assert.is(maps[1]!.maxEntries, 8192, 'ring buffer of 5000 bytes rounded up to 2 pages');
  const got = problems.map((p) => `${p.map}/${p.member ?? ''}`);
  assert.equal(got, [
    'not_a_map/',
    'int_type/type',
    'void_key/key',
    'no_type/type',
    'ptr_to_int/max_entries',
    'size_conflict/key',
    'unknown_attr/colour',
  ]);
  for (const p of problems) {
    assert.ok(p.message.includes(`map '${p.map}'`), p.message);
    if (p.member) assert.ok(p.message.includes(`member '${p.member}'`), p.message);
  }
  const relaxed = listMaps(o, { relaxed: true });
  assert.ok(
    relaxed.maps.some((m) => m.name === 'unknown_attr'),
    'relaxed: unknown members are ignored',
  );
  assert.is(relaxed.problems.length, 6);
});

/** The object with its BTF replaced (the layouts recomputed). */
function withBtf(obj: BpfObject, btf: Btf): BpfObject {
  return { ...obj, btf, layouts: datasecLayouts(btf, obj.elf) };
}

test('a DATASEC without an ELF section, or a variable without a symbol, is reported; the maps are still listed', () => {
  const o = loaded.find((x) => x.name === 'xdp_pkt_counter')!.obj;
  for (const layout of ['clang', 'fixed'] as const) {
    const btf = parseBtf(o.btf!.rawData());
    addGlobalVar(btf, { name: 'ghost', type: btf.findByName('__u32')!, section: '.data.ghost' }, { layout });
    const { maps, problems } = listMaps(withBtf(o, btf));
    assert.equal(
      problems.map((p) => p.section),
      ['.data.ghost'],
    );
    // clang's size 0 sends libbpf to the ELF section; a real size to the symbols
    assert.match(
      problems[0]!.message,
      layout === 'clang' ? /DATASEC \.data\.ghost has no ELF section/ : /no ELF symbol for variable 'ghost'/,
    );
    assert.equal(
      maps.map((m) => m.name),
      ['proto_count', 'xdp_stats_map', 'xdp_pkt_.rodata', 'xdp_pkt_.bss'],
    );
  }
});

test('a .maps section without its DATASEC, and a map var with static linkage', () => {
  const o = loaded.find((x) => x.name === 'xdp1_kern')!.obj;
  const b = Btf.empty();
  b.addInt('int', 4, 1);
  const noMaps = listMaps(withBtf(o, b));
  assert.equal(
    noMaps.problems.map((p) => p.message),
    ["DATASEC '.maps' not found"],
  );
  const b2 = parseBtf(o.btf!.rawData());
  const v = b2.findByName('rxcnt')!;
  b2.ensureModifiable();
  const [w, off] = b2.recordOf(v);
  w[off + 3] = 0;
  const st = listMaps(withBtf(o, b2));
  assert.match(st.problems[0]!.message, /map 'rxcnt': unsupported map linkage static/);
});

test('parseMapDef reads back what addMap wrote', () => {
  const btf = Btf.empty();
  const u32 = btf.addTypedef('__u32', btf.addInt('unsigned int', 4, 0));
  const inner = { type: 'array', key: u32, value: u32, maxEntries: 8 } as const;
  const r = addMap(btf, {
    name: 'outer',
    type: 'hash_of_maps',
    key: u32,
    maxEntries: 16,
    mapFlags: 1,
    numaNode: 2,
    pinning: 'by_name',
    mapExtra: 7,
    innerMap: inner,
  });
  const def = parseMapDef(btf, r.structId, 'outer');
  assert.equal(
    [
      def.type,
      def.keySize,
      def.valueSize,
      def.maxEntries,
      def.mapFlags,
      def.numaNode,
      def.pinning,
      def.mapExtra,
      def.keyTypeId,
    ],
    [13, 4, 4, 16, 1, 2, 1, 7, u32],
  );
  assert.equal(def.order, ['type', 'key', 'max_entries', 'map_flags', 'numa_node', 'pinning', 'map_extra', 'values']);
  assert.equal(
    [def.inner!.type, def.inner!.maxEntries, def.inner!.keyTypeId, def.inner!.valueTypeId],
    [2, 8, u32, u32],
  );
});

test("the inspectors' DATASEC layout agrees with the ELF layer's fixup wherever libbpf would open the object", () => {
  let compared = 0;
  for (const o of loaded) {
    if (!o.obj.btf) continue;
    const fixed = parseBtf(o.obj.btf.rawData());
    try {
      fixupDatasecs(fixed, o.obj.elf);
    } catch {
      // libbpf would refuse the object; the layouts carry a problem instead
      assert.ok(
        [...o.obj.layouts.values()].some((l) => l.problem) || o.name === 'legacy_kv' || o.name.startsWith('merge_'),
        o.name,
      );
      continue;
    }
    for (const lay of o.obj.layouts.values()) {
      const v = fixed.type(lay.typeId);
      assert.is(lay.size, v.size, `${o.name} ${lay.name} size`);
      // libbpf points a .ksyms FUNC's entry at its dummy_ksym VAR; the inspectors keep the FUNC
      const ids = (t: number, kind: string) => (kind === 'FUNC' && lay.name === '.ksyms' ? 'func' : t);
      assert.equal(
        lay.entries.map((e) => [ids(e.typeId, e.kind), e.offset, e.size]),
        v.secinfos().map((e, i) => [ids(e.typeId, lay.entries[i]?.kind ?? ''), e.offset, e.size]),
        `${o.name} ${lay.name} entries`,
      );
      for (const e of lay.entries)
        if (e.kind === 'VAR') assert.is(e.linkage, fixed.wordOf(e.typeId, 3), `${o.name} ${e.name} linkage`);
    }
    compared++;
  }
  assert.ok(compared >= 15, `${compared} objects compared`);
});

test('internal map names and object names, as libbpf makes them', () => {
  assert.is(objectName('dir/maps_demo.o'), 'maps_demo');
  assert.is(objectName('a_very_long_object_name.bpf.o'), 'a_very_long_obj');
  assert.is(objectName('x.y.z'), 'x');
  assert.is(internalMapName('maps_demo', '.data'), 'maps_dem.data');
  assert.is(internalMapName('maps_demo', '.bss'), 'maps_dem.bss');
  assert.is(internalMapName('maps_demo', '.rodata'), 'maps_dem.rodata');
  assert.is(internalMapName('maps_demo', '.kconfig'), 'maps_de.kconfig');
  assert.is(internalMapName('maps_demo', '.percpu'), 'maps_dem.percpu');
  assert.is(internalMapName('x', '.data'), 'x.data');
  assert.is(internalMapName('maps_demo', '.rodata.str1.1'), '.rodata.str1.1');
  assert.is(internalMapName('maps_demo', '.data.classify_cfg'), '.data.classify_');
  assert.is(internalMapName('my-obj', '.data'), 'my_obj.data');
});

test('ring buffer sizes follow the page size', () => {
  const o = loaded.find((x) => x.name === 'bad_defs')!.obj;
  const rb = (page: number) => listMaps(o, { pageSize: page }).maps.find((m) => m.name === 'good_ringbuf')!.maxEntries;
  assert.is(rb(4096), 8192);
  assert.is(rb(16384), 16384);
  assert.is(rb(65536), 65536);
});

test('legacy SEC("maps") maps get their key/value types from BPF_ANNOTATE_KV_PAIR', () => {
  const o = loaded.find((x) => x.name === 'legacy_kv')!.obj;
  const { maps, problems } = listMaps(o);
  assert.equal(problems, []);
  const flow = maps.find((m) => m.name === 'flow_map')!;
  assert.ok(flow.legacy);
  assert.equal([flow.type, flow.keySize, flow.valueSize, flow.maxEntries, flow.mapFlags], [1, 16, 16, 4096, 1]);
  assert.is(o.btf!.nameOf(flow.btfKeyTypeId), 'flow_key');
  assert.is(o.btf!.nameOf(flow.btfValueTypeId), 'flow_stats');
  const plain = maps.find((m) => m.name === 'counters')!;
  assert.equal([plain.btfKeyTypeId, plain.btfValueTypeId], [0, 0]);
});

test('btfkit maps: text listing', async () => {
  const r = await runCli(['maps', repoPath('golden/obj/maps/xdp1_kern.o')]);
  assert.is(r.error, undefined);
  assert.fixture(
    new TextDecoder().decode(r.stdout),
    ['rxcnt: percpu_array  flags 0x0', '\tkey 4B (u32)  value 8B (long)  max_entries 256', ''].join('\n'),
  );
});

test("btfkit maps -j: bpftool key names, then btfkit's", async () => {
  const r = await runCli(['maps', '-j', repoPath('golden', 'obj', 'maps', 'maps_demo.o')]);
  assert.is(r.error, undefined);
  const maps = JSON.parse(new TextDecoder().decode(r.stdout)) as Array<Record<string, unknown>>;
  assert.equal(Object.keys(maps[0]!).slice(0, 15), [
    'name',
    'type',
    'bytes_key',
    'bytes_value',
    'max_entries',
    'flags',
    'numa_node',
    'map_extra',
    'pinning',
    'pin_path',
    'key_type',
    'value_type',
    'inner_map',
    'internal',
    'section',
  ]);
  const flows = maps.find((m) => m['name'] === 'flows')!;
  assert.equal(
    [flows['type'], flows['bytes_key'], flows['bytes_value'], flows['flags'], flows['pinning'], flows['key_type']],
    ['hash', 4, 16, 1, 'by_name', { id: 8, name: '__u32' }],
  );
  const data = maps.find((m) => m['name'] === 'maps_dem.data')!;
  assert.equal((data['variables'] as unknown[])[1], {
    name: 'cfg',
    offset: 8,
    size: 40,
    linkage: 'global',
    type: { id: 77, name: 'struct config' },
  });
  assert.is((maps.find((m) => m['name'] === 'outer')!['inner_map'] as Record<string, unknown>)['name'], 'outer.inner');
});

test('btfkit maps on bad definitions: the good maps on stdout, one line per problem, exit status 1', async () => {
  const r = await runCli(['maps', repoPath('golden/obj/maps/bad_defs.o')]);
  assert.ok(isBtfError(r.error));
  assert.match(String((r.error as Error).message), /7 problems/);
  assert.match(new TextDecoder().decode(r.stdout), /^good_array: array/);
  const errs = r.stderr.trim().split('\n');
  assert.is(errs.length, 7);
  assert.match(errs[1]!, /bad_defs\.o: map 'int_type': member 'type': expected a pointer to an array, got INT$/);
});

test('btfkit maps on a file that is not ELF is a one-line error', async () => {
  const r = await runCli(['maps', repoPath('test/fixtures/builder/base.btf')]);
  assert.ok(r.error);
  assert.equal(r.stdout.length, 0);
});

test.run();
