/**
 * The explorer's worker: it parses the files the page hands it and answers
 * every question about them with the library's own printers, so that the
 * page never blocks and shows what the CLI prints (raw lines from
 * lib/dump/raw, C from lib/dump/c as `dump -f c --type`, layouts from
 * lib/layout, maps and variables from lib/inspect, CO-RE relocations from
 * lib/core/format as `btfkit core OBJ --target KERNEL`).
 *
 * Per file it keeps the Btf and, built on first use, the referrer index: for
 * every type id the ids of the types that name it, as two typed arrays (a
 * start per id and the ids, counted then filled: two passes over the type
 * words, no object per type). Search scans a lower-cased copy of the names,
 * made once per file.
 */
import type { Btf } from '../lib/btf.js';
import { coreCell } from '../lib/core/format.js';
import { CoreTarget, coreReloCutProblem } from '../lib/core/index.js';
import { cDump } from '../lib/dump/c.js';
import { rawDump } from '../lib/dump/raw.js';
import { errorLine, isInputError } from '../lib/errors.js';
import { forEachTypeIdWord } from '../lib/fields.js';
import { diffBtf, diffMaps, formatDiff } from '../lib/diff/index.js';
import { mapsText } from '../lib/inspect/maps-text.js';
import { listMaps, mapTypeLabel } from '../lib/inspect/maps.js';
import { listVars, varLine } from '../lib/inspect/vars.js';
import {
  BTF_KIND_ARRAY,
  BTF_KIND_DATASEC,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO,
  BTF_KIND_STRUCT,
  BTF_KIND_UNION,
  kindName,
} from '../lib/kinds.js';
import { LayoutPrinter, paholeListing } from '../lib/layout/index.js';
import { layoutSvg } from '../lib/layout/svg.js';
import { type BpfObject, openObject, parseBtf } from '../lib/object/open.js';
import { isElf } from '../lib/btf.js';
import type {
  CorePage,
  FileSummary,
  GraphEdge,
  GraphNode,
  ObjectPage,
  Reply,
  Request,
  TypePage,
  TypeRef,
} from './protocol.js';

interface Loaded {
  name: string;
  bytes: Uint8Array;
  btf: Btf;
  base: Loaded | null;
  lower: string[] | null;
  refStart: Uint32Array | null;
  refIds: Uint32Array | null;
  /** The object opened with its `.BTF.ext` as `btfkit core` opens it, on first use. */
  coreObject: BpfObject | null;
  /** This file as a CO-RE target (its candidate index), on first use. */
  coreTarget: CoreTarget | null;
}

const files = new Map<string, Loaded>();

function fileOf(name: string): Loaded {
  const f = files.get(name);
  if (!f) throw new Error(`${name}: no such file loaded`);
  return f;
}

/** Returns the file that holds `id`: `f` or one of its bases. */
function ownerOf(f: Loaded, id: number): Loaded {
  let o = f;
  while (o.base && id < o.btf.startId) o = o.base;
  return o;
}

function open(name: string, bytes: Uint8Array, baseName: string | null): FileSummary {
  const base = baseName !== null ? fileOf(baseName) : null;
  let btf: Btf;
  try {
    btf = parseBtf(bytes, { file: name, ...(base ? { base: base.btf } : {}) });
  } catch (e) {
    if (isInputError(e)) e.withFile(name);
    throw e;
  }
  const f: Loaded = {
    name,
    bytes,
    btf,
    base,
    lower: null,
    refStart: null,
    refIds: null,
    coreObject: null,
    coreTarget: null,
  };
  files.set(name, f);
  const start = btf.startId;
  const n = btf.typeCount - start;
  const kinds = new Uint8Array(n);
  const names: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    kinds[i] = btf.kindOf(start + i);
    names[i] = btf.nameOf(start + i);
  }
  return { name, base: baseName, object: isElf(bytes), startId: start, typeCount: btf.typeCount, kinds, names };
}

function search(f: Loaded, query: string, exact: boolean, kind: number): Uint32Array {
  const btf = f.btf;
  const start = btf.startId;
  const n = btf.typeCount - start;
  const q = query.trim();
  const out = new Uint32Array(n);
  let k = 0;
  const idMatch = /^(?:#|id:)?(\d+)$/.exec(q);
  if (idMatch) {
    const id = Number(idMatch[1]);
    if (id >= start && id < btf.typeCount && (kind < 0 || btf.kindOf(id) === kind)) out[k++] = id;
    if (q.startsWith('#') || q.startsWith('id:')) return out.slice(0, k);
  }
  if (exact) {
    for (let i = 0; i < n; i++) {
      const id = start + i;
      if ((kind < 0 || btf.kindOf(id) === kind) && btf.nameOf(id) === q && id !== out[0]) out[k++] = id;
    }
    return out.slice(0, k);
  }
  if (!f.lower) {
    f.lower = new Array(n);
    for (let i = 0; i < n; i++) f.lower[i] = btf.nameOf(start + i).toLowerCase();
  }
  const lq = q.toLowerCase();
  const lower = f.lower;
  for (let i = 0; i < n; i++) {
    const id = start + i;
    if (idMatch && id === out[0]) continue;
    if ((kind < 0 || btf.kindOf(id) === kind) && (lq === '' || lower[i]!.includes(lq))) out[k++] = id;
  }
  return out.slice(0, k);
}

/** Builds `f`'s referrer index: for every id of the whole space, the own types that name it. */
function referrerIndex(f: Loaded): { start: Uint32Array; ids: Uint32Array } {
  if (f.refStart && f.refIds) return { start: f.refStart, ids: f.refIds };
  const btf = f.btf;
  const total = btf.typeCount;
  const count = new Uint32Array(total + 1);
  // Each referrer once per target: ids come in ascending order, so the last one seen says.
  let last = new Uint32Array(total);
  for (let id = btf.startId; id < total; id++) {
    const [w, off] = btf.recordOf(id);
    forEachTypeIdWord(w, off, (wi) => {
      const t = w[wi]!;
      if (t < total && last[t] !== id) {
        last[t] = id;
        count[t + 1]!++;
      }
    });
  }
  for (let i = 1; i <= total; i++) count[i]! += count[i - 1]!;
  const ids = new Uint32Array(count[total]!);
  const fill = count.slice(0, total);
  last = new Uint32Array(total);
  for (let id = btf.startId; id < total; id++) {
    const [w, off] = btf.recordOf(id);
    forEachTypeIdWord(w, off, (wi) => {
      const t = w[wi]!;
      if (t < total && last[t] !== id) {
        last[t] = id;
        ids[fill[t]!++] = id;
      }
    });
  }
  f.refStart = count;
  f.refIds = ids;
  return { start: count, ids };
}

function ref(f: Loaded, id: number, via: string): TypeRef {
  const o = ownerOf(f, id);
  return {
    file: o.name,
    id,
    kind: id === 0 ? 'VOID' : kindName(f.btf.kindOf(id)),
    name: id === 0 ? 'void' : f.btf.nameOf(id),
    via,
  };
}

/** Returns the types `id` names, each with the member, parameter or role it is named through. */
function refsOf(f: Loaded, id: number): TypeRef[] {
  const btf = f.btf;
  const kind = btf.kindOf(id);
  const out: TypeRef[] = [];
  if (kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) {
    for (const m of btf.type(id).members()) out.push(ref(f, m.typeId, m.name || '(anon)'));
    return out;
  }
  if (kind === BTF_KIND_FUNC_PROTO) {
    out.push(ref(f, btf.wordOf(id, 2), 'return'));
    for (const p of btf.type(id).params()) if (p.typeId || p.name) out.push(ref(f, p.typeId, p.name || '(anon)'));
    return out;
  }
  if (kind === BTF_KIND_DATASEC) {
    for (const s of btf.type(id).secinfos()) out.push(ref(f, s.typeId, `offset ${s.offset}`));
    return out;
  }
  if (kind === BTF_KIND_ENUM || kind === BTF_KIND_ENUM64) return out;
  // ARRAY: element type, then index type; every other kind: the one type it names.
  const [w, off] = btf.recordOf(id);
  let i = 0;
  forEachTypeIdWord(w, off, (wi) => {
    out.push(ref(f, w[wi]!, kind === BTF_KIND_ARRAY ? (i === 0 ? 'element' : 'index') : 'type'));
    i++;
  });
  return out;
}

function typePage(f: Loaded, id: number): TypePage {
  const t0 = performance.now();
  const btf = f.btf;
  if (!Number.isInteger(id) || id < 1 || id >= btf.typeCount) throw new Error(`${f.name}: no type [${id}]`);
  const o = ownerOf(f, id);
  if (o !== f) return typePage(o, id);
  const kind = btf.kindOf(id);
  const name = btf.nameOf(id);
  const raw = rawDump(btf, { typeIds: [id] });
  let c: string;
  try {
    c = cDump(btf, { typeNames: [String(id)] });
  } catch (e) {
    c = `${errorLine(e)}\n`;
  }
  let layout = '';
  let svg = '';
  if ((kind === BTF_KIND_STRUCT || kind === BTF_KIND_UNION) && name !== '' && btf.findByName(name, kind) === id) {
    const lo = { cachelineSize: 64, classNames: [name] };
    try {
      layout = [...paholeListing(btf, lo)].join('');
      const p = new LayoutPrinter(btf, lo);
      const agg = p.aggregateOf(id);
      if (agg) svg = layoutSvg(p.layout(agg), { cachelineSize: 64 });
    } catch (e) {
      layout = `${errorLine(e)}\n`;
    }
  }
  const refs = refsOf(f, id);
  const idx = referrerIndex(f);
  const referrers: TypeRef[] = [];
  for (let i = idx.start[id]!; i < idx.start[id + 1]!; i++) referrers.push(ref(f, idx.ids[i]!, ''));
  return {
    file: f.name,
    id,
    kind: kindName(kind),
    name,
    raw,
    c,
    layout,
    layoutSvg: svg,
    refs,
    referrers,
    named: name !== '' && btf.findByName(name, kind) === id,
    ms: performance.now() - t0,
  };
}

function byName(f: Loaded, kind: string, name: string): number {
  const k = kind === 'id' ? -1 : kindByNameLower(kind);
  if (kind === 'id') return Number(name);
  const id = k >= 0 ? f.btf.findByName(name, k) : f.btf.findByName(name);
  if (id === undefined) throw new Error(`${f.name}: no ${kind} named '${name}'`);
  return id;
}

function kindByNameLower(kind: string): number {
  for (let k = 0; k < 32; k++) if (kindName(k).toLowerCase() === kind.toLowerCase()) return k;
  return -1;
}

function objectPage(f: Loaded): ObjectPage {
  if (!isElf(f.bytes)) throw new Error(`${f.name}: not an ELF object`);
  const obj = openObject(f.bytes, { file: f.name, ext: false, badBtf: 'record' });
  const maps = listMaps(obj);
  const vars = listVars(obj, { maps, compact: true });
  const problems = maps.problems.map((p) => `btfkit: ${f.name}: ${p.message}`);
  for (const v of vars)
    if (v.error !== undefined) problems.push(`btfkit: ${f.name}: ${v.section} ${v.name}: ${v.error}`);
  const functions: TypeRef[] = [];
  if (obj.btf)
    for (let id = 1; id < obj.btf.typeCount; id++)
      if (obj.btf.kindOf(id) === BTF_KIND_FUNC) functions.push(ref(f, id, ''));
  let ext = '';
  let coreRelos = 0;
  try {
    // As `btfkit core` opens it: a CO-RE section cut short keeps its complete records (and says so).
    const withExt = openObject(f.bytes, { file: f.name, badBtf: 'record', partialCoreRelo: true });
    if (withExt.ext) ext = extSummary(withExt);
    const cut = coreReloCutProblem(withExt);
    if (cut) ext += `${errorLine(cut)}\n`;
    for (const sec of withExt.ext?.coreRelo?.secs ?? []) coreRelos += sec.numInfo;
  } catch (e) {
    ext = `${errorLine(e)}\n`;
  }
  return {
    file: f.name,
    maps: mapsText(obj, maps),
    vars: vars.map((v) => `${varLine(v)}\n`).join(''),
    problems,
    functions,
    ext,
    coreRelos,
  };
}

/**
 * Resolves `f`'s CO-RE relocations against `t` as `btfkit core F --target T`
 * does (a split `t`, a module over its base: as `btfkit core F -B BASE
 * --target T`), with lib/core/format's lines. The opened object and the
 * target's candidate index are kept for the next question.
 */
function corePage(f: Loaded, t: Loaded, log: boolean): CorePage {
  if (!isElf(f.bytes)) throw new Error(`${f.name}: not an ELF object`);
  f.coreObject ??= openObject(f.bytes, { file: f.name, ext: true, partialCoreRelo: true });
  t.coreTarget ??= t.base
    ? new CoreTarget(t.base.btf, [{ name: t.name.replace(/\.btf$/, ''), btf: t.btf }])
    : new CoreTarget(t.btf);
  const kernel = t.base ? t.base.name : t.name;
  const c = coreCell(f.name, f.coreObject, kernel, t.coreTarget, { log });
  const relocations = c.relocations.map((r) => ({
    line: r.line,
    log: r.log.map((l) => `${l}\n`).join(''),
    status: r.status,
  }));
  const before = relocations.reduce((n, r) => n + r.line.length + r.log.length, 0);
  return {
    file: f.name,
    target: t.name,
    relocations,
    summary: c.text.slice(before),
    counts: c.counts,
    failing: c.failing,
    problem: c.problem ? errorLine(c.problem) : null,
  };
}

function extSummary(obj: BpfObject): string {
  const ext = obj.ext!;
  const lines: string[] = [];
  for (const info of [ext.funcInfo, ext.lineInfo, ext.coreRelo]) {
    if (!info) continue;
    for (const s of info.secs)
      lines.push(`${info.kind}\t${obj.btf ? obj.btf.str(s.secNameOff) : s.secNameOff}\t${s.numInfo} records`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** The types `id` reaches, breadth first to `depth`, as layered nodes and labelled edges. */
function graph(f: Loaded, id: number, depth: number): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const index = new Map<number, number>();
  const label = (t: number) => {
    if (t === 0) return 'void';
    const n = f.btf.nameOf(t);
    return `[${t}] ${kindName(f.btf.kindOf(t))}${n ? ` ${n}` : ''}`;
  };
  const add = (t: number, d: number): number => {
    let i = index.get(t);
    if (i === undefined) {
      i = nodes.length;
      index.set(t, i);
      nodes.push({ id: t, file: ownerOf(f, t).name, label: label(t), depth: d });
    }
    return i;
  };
  add(id, 0);
  const MAX = 200;
  for (let qi = 0; qi < nodes.length && nodes.length < MAX; qi++) {
    const n = nodes[qi]!;
    if (n.depth >= depth || n.id === 0) continue;
    for (const r of refsOf(f, n.id)) {
      if (nodes.length >= MAX && !index.has(r.id)) break;
      edges.push({ from: qi, to: add(r.id, n.depth + 1), label: r.via });
    }
  }
  return { nodes, edges };
}

/** What `btfkit diff A B` prints: the semantic diff of the types, and of the maps for two objects. */
function diff(a: Loaded, b: Loaded): string {
  const changes = diffBtf(a.btf, b.btf);
  if (isElf(a.bytes) && isElf(b.bytes)) {
    const maps = (f: Loaded) =>
      listMaps(openObject(f.bytes, { file: f.name, ext: false, ...(f.base ? { base: f.base.btf } : {}) }), {
        relaxed: true,
      }).maps;
    changes.push(...diffMaps(maps(a), maps(b), (t) => String(mapTypeLabel(t))));
  }
  return formatDiff(changes);
}

function handle(req: Request): unknown {
  switch (req.op) {
    case 'open':
      return open(req.name, req.bytes, req.base);
    case 'search':
      return search(fileOf(req.file), req.query, req.exact, req.kind);
    case 'type':
      return typePage(fileOf(req.file), req.id);
    case 'byName':
      return byName(fileOf(req.file), req.kind, req.name);
    case 'object':
      return objectPage(fileOf(req.file));
    case 'graph':
      return graph(fileOf(req.file), req.id, req.depth);
    case 'diff':
      return diff(fileOf(req.a), fileOf(req.b));
    case 'core':
      return corePage(fileOf(req.file), fileOf(req.target), req.log);
  }
}

const scope = globalThis as unknown as {
  onmessage: ((ev: { data: { seq: number; req: Request } }) => void) | null;
  postMessage(msg: Reply, transfer?: Transferable[]): void;
};

scope.onmessage = (ev) => {
  const { seq, req } = ev.data;
  try {
    const value = handle(req);
    scope.postMessage({ seq, ok: true, value }, value instanceof Uint32Array ? [value.buffer] : []);
  } catch (e) {
    scope.postMessage({ seq, ok: false, error: errorLine(e) });
  }
};

// Messages that reach the worker before its evaluation ends (hash.ts awaits
// the xxhash module; web/build.mjs runs the bundle in an async function) are
// lost: the page sends nothing before this.
scope.postMessage({ seq: 0, ok: true, value: 'ready' });
