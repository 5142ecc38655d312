/**
 * lib/emit: maps, global variables and functions written exactly as clang
 * writes them.
 *
 * The proof runs on the golden objects: every map, variable and function is
 * built again with the emitters into the object's own BTF (from what the
 * inspector reads back, or from a hand-written spec), and then (a) every new
 * record that is not a VAR or DATASEC must be structurally identical to a
 * record clang wrote, and (b) after `dedup(btf)` the object has exactly one
 * more type per VAR added, nothing else. From scratch, the emitters must
 * reproduce clang's type ids: the seed's xdp1_kern.o `rxcnt`, the first maps
 * of xdp_pkt_counter.o, and a BPF_ANNOTATE_KV_PAIR annotation.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { isBtfError } from '../lib/errors.js';
import { forEachStrWord, forEachTypeIdWord } from '../lib/fields.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_DATASEC,
  BTF_KIND_DECL_TAG,
  BTF_KIND_FUNC,
  BTF_KIND_VAR,
  infoKind,
  infoVlen,
  recordWords,
} from '../lib/kinds.js';
import { rawDump } from '../lib/dump/raw.js';
import { addRefFirst, addStructFirst, findPtr } from '../lib/emit/common.js';
import { PendingSections, addGlobalVar, findDatasec } from '../lib/emit/datasec.js';
import { addFunction } from '../lib/emit/func.js';
import { type MapSpec, addLegacyMapAnnotation, addMap } from '../lib/emit/maps.js';
import { mapSpecOf, parseMapDef } from '../lib/inspect/maps.js';
import { btfSection, readBytes, readText, repoPath } from './helpers/golden.js';
import { INSPECTED_DIRS } from './helpers/objects.js';
import { parseBtf } from '../lib/object/open.js';
import { dedup } from '../lib/dedup/index.js';

const objects = (() => {
  const out: Array<{ name: string; path: string }> = [];
  for (const dir of INSPECTED_DIRS) {
    for (const f of readdirSync(repoPath(dir)).sort())
      if (f.endsWith('.o') && !f.endsWith('.bpfeb.o')) out.push({ name: basename(f, '.o'), path: repoPath(dir, f) });
  }
  out.push({ name: 'linked', path: repoPath('golden/expected/merge/linked.o') });
  return out.map((o) => ({ ...o, btf: btfSection(readBytes(o.path)) }));
})();
const SEED_XDP1 = readText(repoPath('test/fixtures/maps/xdp1_kern.seed.txt'));
const XDP_PKT_RAW = readText(repoPath('golden/expected/xdp_pkt_counter.raw.txt'));
const LEGACY_RAW = readText(repoPath('test/fixtures/maps/legacy_kv.raw.txt'));

// ------------------------------------------------------------------ helpers

/** Whether records `a` and `b` of `btf` describe the same type (names, numbers and referenced types, recursively). */
function same(btf: Btf, a: number, b: number, assumed = new Set<string>()): boolean {
  if (a === b) return true;
  if (a === 0 || b === 0) return false;
  const key = `${a}:${b}`;
  if (assumed.has(key)) return true;
  assumed.add(key);
  const [wa, oa] = btf.recordOf(a);
  const [wb, ob] = btf.recordOf(b);
  const info = wa[oa + 1]!;
  if (info !== wb[ob + 1]) return false;
  const n = recordWords(infoKind(info), infoVlen(info));
  const ids = new Set<number>();
  forEachTypeIdWord(wa, oa, (i) => ids.add(i - oa));
  const strs = new Set<number>();
  forEachStrWord(wa, oa, (i) => strs.add(i - oa));
  for (let i = 0; i < n; i++) {
    if (i === 1) continue;
    const x = wa[oa + i]!;
    const y = wb[ob + i]!;
    if (ids.has(i)) {
      if (!same(btf, x, y, assumed)) return false;
    } else if (strs.has(i)) {
      if (btf.str(x) !== btf.str(y)) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

/**
 * Asserts that every type added after `oldCount`, other than VARs and
 * DATASECs, is the same as one clang wrote; returns the number of VARs added.
 */
function onlyVarsAdded(btf: Btf, oldCount: number, what: string): number {
  let vars = 0;
  for (let id = oldCount; id < btf.typeCount; id++) {
    const k = btf.kindOf(id);
    if (k === BTF_KIND_VAR) {
      vars++;
      continue;
    }
    assert.ok(k !== BTF_KIND_DATASEC, `${what}: a new DATASEC [${id}]`);
    let found = false;
    for (let old = 1; old < oldCount && !found; old++) found = btf.infoOf(old) === btf.infoOf(id) && same(btf, id, old);
    assert.ok(found, `${what}: new type [${id}] ${btf.type(id).kindName} '${btf.nameOf(id)}' is not one clang wrote`);
  }
  return vars;
}

/** Asserts that dedup leaves exactly `vars` more types than the original has after dedup. */
function dedupAddsOnly(orig: Uint8Array, rebuilt: Btf, vars: number, what: string): void {
  const a = parseBtf(orig);
  dedup(a);
  const b = parseBtf(rebuilt.rawData());
  dedup(b);
  assert.is(b.nrTypes, a.nrTypes + vars, `${what}: after dedup`);
}

const dumpUpTo = (raw: string, last: number): string => {
  const cut = raw.indexOf(`\n[${last + 1}] `);
  return cut < 0 ? raw : raw.slice(0, cut + 1);
};

// ---------------------------------------------------- rebuilding the corpus

for (const o of objects) {
  const orig = parseBtf(o.btf);
  const mapsSec = findDatasec(orig, '.maps');
  const mapVars =
    mapsSec > 0
      ? orig
          .type(mapsSec)
          .secinfos()
          .map((e) => e.typeId)
      : [];
  const good = mapVars.filter((v) => {
    try {
      parseMapDef(orig, orig.resolveType(orig.wordOf(v, 2)), 'x');
      return true;
    } catch {
      return false;
    }
  });
  if (good.length) {
    for (const reuse of [true, false]) {
      test(`${o.name}: every map rebuilt ${reuse ? "reusing clang's types" : 'from fresh records'} adds only its VAR`, () => {
        const btf = parseBtf(o.btf);
        const before = btf.typeCount;
        const entries = btf.type(mapsSec).vlen;
        for (const v of good) addMap(btf, mapSpecOf(btf, v), { reuse });
        assert.is(btf.type(mapsSec).vlen, entries + good.length, 'entries appended to the same .maps DATASEC');
        const vars = onlyVarsAdded(btf, before, o.name);
        assert.is(vars, good.length);
        parseBtf(btf.rawData());
        dedupAddsOnly(o.btf, btf, vars, o.name);
      });
    }
  }

  test(`${o.name}: every global variable and function rebuilt adds only VARs`, () => {
    const btf = parseBtf(o.btf);
    const before = btf.typeCount;
    let added = 0;
    for (let id = 1; id < before; id++) {
      const v = btf.type(id);
      if (v.kind === BTF_KIND_DATASEC && v.name !== '.maps') {
        for (const e of v.secinfos()) {
          const k = btf.kindOf(e.typeId);
          if (k === BTF_KIND_VAR) {
            addGlobalVar(btf, {
              name: btf.nameOf(e.typeId),
              type: btf.wordOf(e.typeId, 2),
              section: v.name,
              linkage: btf.wordOf(e.typeId, 3),
              size: e.size,
            });
            added++;
          } else if (k === BTF_KIND_FUNC) {
            addFunction(btf, {
              name: btf.nameOf(e.typeId),
              proto: btf.wordOf(e.typeId, 2),
              linkage: 'extern',
              section: v.name,
            });
          }
        }
      }
      if (v.kind === BTF_KIND_FUNC) {
        const tags = new Map<number, string[]>();
        for (let t = 1; t < before; t++) {
          if (btf.kindOf(t) === BTF_KIND_DECL_TAG && btf.wordOf(t, 2) === id) {
            const idx = btf.type(t).componentIdx;
            tags.set(idx, [...(tags.get(idx) ?? []), btf.nameOf(t)]);
          }
        }
        const proto = btf.type(v.typeRef);
        addFunction(btf, {
          name: v.name,
          linkage: v.linkage,
          ret: proto.typeRef,
          params: proto
            .params()
            .filter((p, i, a) => !(i === a.length - 1 && p.typeId === 0))
            .map((p, i) => ({ name: p.name, type: p.typeId, declTags: tags.get(i) ?? [] })),
          variadic: proto.params().some((p, i, a) => i === a.length - 1 && p.typeId === 0),
          declTags: tags.get(-1) ?? [],
        });
      }
    }
    assert.is(onlyVarsAdded(btf, before, o.name), added);
    parseBtf(btf.rawData());
    dedupAddsOnly(o.btf, btf, added, o.name);
  });
}

// ------------------------------------------------- hand-written declarations

test('maps_demo: its maps, written by hand as in the C source, add only their VARs', () => {
  const src = objects.find((o) => o.name === 'maps_demo')!;
  const btf = parseBtf(src.btf);
  const before = btf.typeCount;
  const u32 = btf.findByName('__u32')!;
  const u64 = btf.findByName('__u64')!;
  const specs: MapSpec[] = [
    {
      name: 'flows',
      type: 'BPF_MAP_TYPE_HASH',
      maxEntries: 1024,
      key: u32,
      value: btf.findByName('val')!,
      mapFlags: 1,
      pinning: 'by_name',
      order: ['type', 'max_entries', 'key', 'value', 'map_flags', 'pinning'],
    },
    {
      name: 'recent',
      type: 'lru_hash',
      maxEntries: 128,
      key: btf.findByName('point')!,
      value: u64,
      mapFlags: 4,
      numaNode: 1,
      order: ['type', 'max_entries', 'key', 'value', 'map_flags', 'numa_node'],
    },
    { name: 'counters', type: 6, maxEntries: 4, key: u32, value: u64, order: ['type', 'max_entries', 'key', 'value'] },
    { name: 'events', type: 'ringbuf', maxEntries: 256 * 1024 },
    { name: 'perf', type: 'perf_event_array', keySize: 4, valueSize: 4 },
    {
      name: 'seen_bloom',
      type: 'bloom_filter',
      maxEntries: 64,
      value: u64,
      mapExtra: 3,
      order: ['type', 'max_entries', 'value', 'map_extra'],
    },
    {
      name: 'inner_a',
      type: 'array',
      maxEntries: 8,
      key: u32,
      value: u32,
      structName: 'inner',
      order: ['type', 'max_entries', 'key', 'value'],
    },
    {
      name: 'outer',
      type: 'array_of_maps',
      maxEntries: 2,
      key: u32,
      innerMap: btf.findByName('inner')!,
      order: ['type', 'max_entries', 'key', 'values'],
      values: { slots: ['inner_a'] },
    },
    {
      name: 'outer_noinner',
      type: 'hash_of_maps',
      maxEntries: 2,
      key: u32,
      valueSize: 4,
      order: ['type', 'max_entries', 'key', 'value_size'],
    },
    {
      // __array(values, int (struct xdp_md *)): a prototype without parameter names
      name: 'jmp_table',
      type: 'prog_array',
      maxEntries: 4,
      key: u32,
      order: ['type', 'max_entries', 'key', 'values'],
      values: {
        proto: (b) => {
          const p = b.addFuncProto(b.findByName('int')!);
          b.addFuncParam(null, findPtr(b, b.findByName('xdp_md')!));
          return p;
        },
        slots: [null, 'xdp_pass'],
      },
    },
  ];
  const results = specs.map((s) => addMap(btf, s));
  assert.equal(results[7]!.slots, [{ index: 0, offset: results[7]!.offset + 24, name: 'inner_a' }]);
  assert.is(onlyVarsAdded(btf, before, 'maps_demo'), specs.length);
  dedupAddsOnly(src.btf, btf, specs.length, 'maps_demo');
});

test('cgroup_skb_policy: an anonymous inner definition, written by hand', () => {
  const src = objects.find((o) => o.name === 'cgroup_skb_policy')!;
  const btf = parseBtf(src.btf);
  const before = btf.typeCount;
  const u32 = btf.findByName('__u32')!;
  const bucket = btf.findByName('rate_bucket')!;
  addMap(btf, {
    name: 'rate_tables',
    type: 'array_of_maps',
    maxEntries: 4,
    key: u32,
    order: ['type', 'max_entries', 'key', 'values'],
    innerMap: {
      type: 'array',
      maxEntries: 64,
      key: u32,
      value: bucket,
      order: ['type', 'max_entries', 'key', 'value'],
    },
  });
  addMap(btf, {
    name: 'verdict_stats',
    type: 'percpu_array',
    maxEntries: 2,
    key: u32,
    order: ['type', 'max_entries', 'key', 'value'],
    value: (b) => b.addArray(b.findByName('__ARRAY_SIZE_TYPE__')!, b.findByName('__u64')!, 3),
  });
  assert.is(onlyVarsAdded(btf, before, 'cgroup_skb_policy'), 2);
  dedupAddsOnly(src.btf, btf, 2, 'cgroup_skb_policy');
});

// ------------------------------------------------------------ from scratch

/** `typedef NAME ...` over `unsigned TYPE`, numbered as clang numbers it (typedef first). */
const typedefOf = (name: string, base: (b: Btf) => number) => (b: Btf) => addRefFirst(b, 'typedef', base, name);

test('the seed: xdp1_kern.o built from scratch prints what the seed shows', () => {
  const btf = Btf.empty();
  const pending = new PendingSections();
  let u32 = 0;
  addMap(
    btf,
    {
      name: 'rxcnt',
      type: 'BPF_MAP_TYPE_PERCPU_ARRAY',
      key: typedefOf('u32', (b) => (u32 = addRefFirst(b, 'typedef', (c) => c.addInt('unsigned int', 4, 0), '__u32'))),
      value: (b) => b.addInt('long', 8, BTF_INT_SIGNED),
      maxEntries: 256,
      order: ['type', 'key', 'value', 'max_entries'],
    },
    { pending, layout: 'clang' },
  );
  const xdpMd = (b: Btf) =>
    addStructFirst(b, {
      name: 'xdp_md',
      size: 24,
      members: ['data', 'data_end', 'data_meta', 'ingress_ifindex', 'rx_queue_index', 'egress_ifindex'].map((n, i) => ({
        name: n,
        type: u32,
        bitOffset: i * 32,
      })),
    });
  addFunction(btf, {
    name: 'xdp_prog1',
    ret: btf.findByName('int')!,
    params: [{ name: 'ctx', type: (b) => addRefFirst(b, 'ptr', xdpMd) }],
  });
  addGlobalVar(
    btf,
    {
      name: '_license',
      section: 'license',
      type: (b) => b.addArray(btf.findByName('__ARRAY_SIZE_TYPE__')!, b.addInt('char', 1, BTF_INT_SIGNED), 4),
    },
    { pending },
  );
  pending.emit(btf);
  assert.fixture(rawDump(btf), SEED_XDP1);
  // and clang-19 writes the same for golden/src/maps/xdp1_kern.bpf.c
  assert.fixture(rawDump(parseBtf(objects.find((o) => o.name === 'xdp1_kern')!.btf)), SEED_XDP1);
});

test('the seed: rxcnt alone, fixed-up layout', () => {
  const btf = Btf.empty();
  const u32 = btf.addTypedef('u32', btf.addTypedef('__u32', btf.addInt('unsigned int', 4, 0)));
  const r = addMap(btf, {
    name: 'rxcnt',
    type: 'percpu_array',
    key: u32,
    value: btf.addInt('long', 8, BTF_INT_SIGNED),
    maxEntries: 256,
  });
  assert.is(r.size, 32);
  assert.equal(btf.inflate(r.datasecId), {
    kind: 'DATASEC',
    id: r.datasecId,
    name: '.maps',
    size: 32,
    vars: [{ typeId: r.varId, offset: 0, size: 32 }],
  });
  const def = parseMapDef(btf, r.structId, 'rxcnt');
  assert.equal([def.type, def.keySize, def.valueSize, def.maxEntries, def.keyTypeId], [6, 4, 8, 256, u32]);
});

test("xdp_pkt_counter.o: its two maps from scratch get clang's ids [1]..[25]", () => {
  const btf = Btf.empty();
  const pending = new PendingSections();
  addMap(
    btf,
    {
      name: 'proto_count',
      type: 'array',
      keySize: 4,
      valueSize: 8,
      maxEntries: 256,
      order: ['type', 'key_size', 'value_size', 'max_entries'],
    },
    { pending },
  );
  let u64 = 0;
  addMap(
    btf,
    {
      name: 'xdp_stats_map',
      type: 'percpu_array',
      order: ['type', 'key', 'value', 'max_entries'],
      maxEntries: 5,
      key: typedefOf('__u32', (b) => b.addInt('unsigned int', 4, 0)),
      value: (b) =>
        addStructFirst(b, {
          name: 'datarec',
          size: 16,
          members: [
            {
              name: 'rx_packets',
              type: (c) => (u64 = addRefFirst(c, 'typedef', (d) => d.addInt('unsigned long long', 8, 0), '__u64')),
              bitOffset: 0,
            },
            { name: 'rx_bytes', type: () => u64, bitOffset: 64 },
          ],
        }),
    },
    { pending },
  );
  assert.fixture(rawDump(btf), dumpUpTo(XDP_PKT_RAW, 25));
});

test("BPF_ANNOTATE_KV_PAIR from scratch gets clang's ids; into legacy_kv.o it adds only its VAR", () => {
  const btf = Btf.empty();
  const pending = new PendingSections();
  let u32 = 0;
  let u64 = 0;
  const flowKey = (b: Btf) =>
    addStructFirst(b, {
      name: 'flow_key',
      size: 16,
      members: [
        {
          name: 'saddr',
          type: (c) => (u32 = typedefOf('__u32', (d) => d.addInt('unsigned int', 4, 0))(c)),
          bitOffset: 0,
        },
        { name: 'daddr', type: () => u32, bitOffset: 32 },
        { name: 'sport', type: typedefOf('__u16', (d) => d.addInt('unsigned short', 2, 0)), bitOffset: 64 },
        { name: 'dport', type: () => btf.findByName('__u16')!, bitOffset: 80 },
        { name: 'proto', type: typedefOf('__u8', (d) => d.addInt('unsigned char', 1, 0)), bitOffset: 96 },
      ],
    });
  const flowStats = (b: Btf) =>
    addStructFirst(b, {
      name: 'flow_stats',
      size: 16,
      members: [
        {
          name: 'packets',
          type: (c) => (u64 = typedefOf('__u64', (d) => d.addInt('unsigned long long', 8, 0))(c)),
          bitOffset: 0,
        },
        { name: 'bytes', type: () => u64, bitOffset: 64 },
      ],
    });
  const r = addLegacyMapAnnotation(btf, { name: 'flow_map', key: flowKey, value: flowStats }, { pending });
  assert.is(r.size, 32);
  assert.fixture(rawDump(btf), dumpUpTo(LEGACY_RAW, 12));

  const src = objects.find((o) => o.name === 'legacy_kv')!;
  const obj = parseBtf(src.btf);
  const before = obj.typeCount;
  addLegacyMapAnnotation(obj, {
    name: 'flow_map',
    key: obj.findByName('flow_key')!,
    value: obj.findByName('flow_stats')!,
  });
  assert.is(onlyVarsAdded(obj, before, 'legacy_kv'), 1);
  assert.is(obj.type(findDatasec(obj, '.maps.flow_map')).vlen, 2);
  dedupAddsOnly(src.btf, obj, 1, 'legacy_kv');
});

// ------------------------------------------------------------- global data

test('global variables: natural offsets, explicit offsets kept sorted, sizes kept right, overlaps refused', () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const char = btf.addInt('char', 1, BTF_INT_SIGNED);
  const long = btf.addInt('long', 8, BTF_INT_SIGNED);
  const a = addGlobalVar(btf, { name: 'a', type: int, section: '.data' });
  const c = addGlobalVar(btf, { name: 'c', type: char, section: '.data' });
  const l = addGlobalVar(btf, { name: 'l', type: long, section: '.data' });
  assert.equal([a.offset, c.offset, l.offset], [0, 4, 8]);
  const s = addGlobalVar(btf, { name: 's', type: char, section: '.data', offset: 5, linkage: 'static' });
  assert.equal(btf.inflate(a.datasecId), {
    kind: 'DATASEC',
    id: a.datasecId,
    name: '.data',
    size: 16,
    vars: [
      { typeId: a.varId, offset: 0, size: 4 },
      { typeId: c.varId, offset: 4, size: 1 },
      { typeId: s.varId, offset: 5, size: 1 },
      { typeId: l.varId, offset: 8, size: 8 },
    ],
  });
  assert.is(btf.type(s.varId).linkage, 0);
  try {
    addGlobalVar(btf, { name: 'x', type: int, section: '.data', offset: 6 });
    assert.unreachable('overlap accepted');
  } catch (e) {
    assert.ok(isBtfError(e));
    assert.match((e as Error).message, /section \.data: x at 6\.\.10 overlaps l at 8\.\.16/);
  }
  const t = addGlobalVar(btf, { name: 't', type: int, section: '.data', offset: 100, declTags: ['tag:a', 'tag:b'] });
  assert.is(btf.type(t.datasecId).size, 104);
  assert.equal(
    t.declTagIds.map((id) => [btf.nameOf(id), btf.type(id).componentIdx]),
    [
      ['tag:a', -1],
      ['tag:b', -1],
    ],
  );
});

test('a DATASEC that is not the last type gets its entry spliced in; ids stay, the BTF stays valid', () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const first = addGlobalVar(btf, { name: 'first', type: int, section: '.bss' });
  const ptr = btf.addPtr(int);
  const st = btf.addStruct('after', 4);
  btf.addField('x', int, 0, 0);
  const second = addGlobalVar(btf, { name: 'second', type: int, section: '.bss' });
  assert.is(second.datasecId, first.datasecId);
  const re = parseBtf(btf.rawData());
  assert.equal(re.inflate(first.datasecId), {
    kind: 'DATASEC',
    id: first.datasecId,
    name: '.bss',
    size: 8,
    vars: [
      { typeId: first.varId, offset: 0, size: 4 },
      { typeId: second.varId, offset: 4, size: 4 },
    ],
  });
  assert.is(re.type(ptr).typeRef, int);
  assert.is(re.type(st).members()[0]!.name, 'x');
  assert.is(re.nameOf(second.varId), 'second');
});

test('clang layout, clang-style DATASECs, externs, and PendingSections sorted by name', () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const pending = new PendingSections();
  addGlobalVar(btf, { name: 'r', type: int, section: '.rodata' }, { pending });
  addGlobalVar(btf, { name: 'k', type: int, section: '.kconfig', linkage: 'extern' }, { pending });
  addGlobalVar(btf, { name: 'd', type: int, section: '.data' }, { pending });
  addGlobalVar(btf, { name: 's', type: int, section: '.data', linkage: 'static', offset: 12 }, { pending });
  addFunction(btf, { name: 'bpf_rcu_read_lock', linkage: 'extern', section: '.ksyms' }, { pending });
  assert.equal(pending.names(), ['.data', '.kconfig', '.ksyms', '.rodata']);
  const ids = pending.emit(btf);
  assert.equal([...ids.keys()], ['.data', '.kconfig', '.ksyms', '.rodata']);
  const data = btf.inflate(ids.get('.data')!);
  assert.equal(data.kind === 'DATASEC' && [data.size, data.vars.map((v) => v.offset)], [0, [0, 12]]);
  // an existing clang-style DATASEC (size 0, entries) stays clang-style
  addGlobalVar(btf, { name: 'd2', type: int, section: '.data' });
  assert.equal(
    btf
      .type(ids.get('.data')!)
      .secinfos()
      .map((e) => e.offset),
    [0, 12, 0],
  );
  assert.is(btf.type(ids.get('.data')!).size, 0);
  // externs: offset 0, no size
  const k2 = addGlobalVar(btf, { name: 'k2', type: int, section: '.kconfig', linkage: 'extern' });
  assert.equal([k2.offset, btf.type(k2.datasecId).size], [0, 0]);
  const ks = btf.type(ids.get('.ksyms')!).secinfos();
  assert.equal(
    ks.map((e) => [btf.nameOf(e.typeId), e.offset, e.size]),
    [['bpf_rcu_read_lock', 0, 0]],
  );
  // layout: 'clang' on a fresh section
  const c = addGlobalVar(btf, { name: 'z', type: int, section: '.bss' }, { layout: 'clang' });
  assert.equal([c.offset, btf.type(c.datasecId).size], [0, 0]);
});

// ---------------------------------------------------------------- functions

test("functions: clang's order for defined and extern functions, decl tags, variadic", () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  // defined: parameter types, then FUNC_PROTO, then return type, then FUNC, then tags
  const f = addFunction(btf, {
    name: 'log_event',
    linkage: 'global',
    ret: (b) => b.addInt('long', 8, BTF_INT_SIGNED),
    variadic: true,
    params: [
      {
        name: 'fmt',
        type: (b) => addRefFirst(b, 'ptr', (c) => c.addInt('char', 1, BTF_INT_SIGNED)),
        declTags: ['arg:nonnull'],
      },
    ],
    declTags: ['subprog:global'],
  });
  assert.fixture(
    rawDump(btf),
    [
      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED",
      "[2] PTR '(anon)' type_id=3",
      "[3] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=SIGNED",
      "[4] FUNC_PROTO '(anon)' ret_type_id=5 vlen=2",
      "\t'fmt' type_id=2",
      "\t'(anon)' type_id=0",
      "[5] INT 'long' size=8 bits_offset=0 nr_bits=64 encoding=SIGNED",
      "[6] FUNC 'log_event' type_id=4 linkage=global",
      "[7] DECL_TAG 'arg:nonnull' type_id=6 component_idx=0",
      "[8] DECL_TAG 'subprog:global' type_id=6 component_idx=-1",
      '',
    ].join('\n'),
  );
  assert.equal(f.declTagIds, [7, 8]);
  // extern: FUNC_PROTO first, then the return and parameter types
  const before = btf.typeCount;
  const k = addFunction(btf, {
    name: 'bpf_task_acquire',
    linkage: 'extern',
    section: '.ksyms',
    ret: (b) => b.addPtr(0),
    params: [{ type: (b) => b.addFloat('double', 8) }],
  });
  assert.equal([k.protoId, k.funcId], [before, before + 3]);
  assert.is(btf.type(k.protoId).typeRef, before + 1);
  assert.is(btf.type(k.protoId).params()[0]!.typeId, before + 2);
  assert.is(btf.type(k.funcId).linkage, 2);
  assert.ok(k.datasecId! > 0);
  void int;
});

// ------------------------------------------------------------------ errors

test('bad specs are refused with EINVAL, naming the map', () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, BTF_INT_SIGNED);
  const bad: Array<[MapSpec, RegExp]> = [
    [{ name: 'm', type: 'no_such_type' }, /map 'm': unknown map type no_such_type/],
    [{ name: 'm', type: 'hash', innerMap: { type: 'array' } }, /needs an array_of_maps or hash_of_maps/],
    [
      { name: 'm', type: 'array_of_maps', innerMap: { type: 'array', pinning: 'by_name' } },
      /inner map definition cannot be pinned/,
    ],
    [
      { name: 'm', type: 'array_of_maps', innerMap: { type: 'array_of_maps', innerMap: { type: 'array' } } },
      /multi-level inner maps/,
    ],
    [
      {
        name: 'm',
        type: 'prog_array',
        values: { proto: int },
        maxEntries: 1,
        order: ['type', 'values', 'max_entries'],
      },
      /'values' must be the last member/,
    ],
    [{ name: 'm', type: 'array', maxEntries: -1 }, /max_entries: -1 is not a u32/],
    [{ name: 'm', type: 'array', key: 999 }, /map 'm': key: invalid type id 999/],
    [{ name: 'm', type: 'array', order: ['type', 'key'] }, /'order' names key/],
    [{ name: '', type: 'array' }, /a name is required/],
  ];
  for (const [spec, re] of bad) {
    const n = btf.typeCount;
    try {
      addMap(btf, spec);
      assert.unreachable(`accepted ${JSON.stringify(spec)}`);
    } catch (e) {
      assert.ok(isBtfError(e), String(e));
      assert.match((e as Error).message, re);
    }
    void n;
  }
  try {
    addFunction(btf, { name: 'f', proto: int });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /function 'f': type \[1\] is not a FUNC_PROTO/);
  }
});

test.run();
