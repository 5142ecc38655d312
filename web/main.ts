/**
 * The explorer's page: files in, a virtual-scrolled type list, a page per
 * type and per object, all answers from the worker (web/worker.ts). The
 * URL names what is shown (`#/FILE/struct/NAME`, `#/FILE/id/N`,
 * `#/FILE/object`, `#/FILE/core/KERNEL`), so back/forward and shared links work; the list shows
 * only the rows in view, so 127k types cost what 50 do.
 */
import { KIND_NAMES as BPFTOOL_KIND_NAMES } from '../lib/kinds.js';
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

const ROW = 20;
/** bpftool's kind names (lib/kinds.ts), kind 0 shortened for the list's column. */
const KIND_NAMES: readonly string[] = ['UNKN', ...BPFTOOL_KIND_NAMES.slice(1)];

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

// ------------------------------------------------------------------ worker

/** The worker's bundled source (web/build.mjs puts it here): a classic worker from a blob: URL starts from file:// too. */
declare const WORKER_SOURCE: string;
const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' })));
let seq = 0;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let workerReady: () => void = () => undefined;
/** Resolves when the worker has said it listens (sequence number 0). */
const ready = new Promise<void>((resolve) => (workerReady = resolve));
worker.onmessage = (ev: MessageEvent<Reply>) => {
  const r = ev.data;
  if (r.seq === 0) return workerReady();
  const p = pending.get(r.seq);
  if (!p) return;
  pending.delete(r.seq);
  if (r.ok) p.resolve(r.value);
  else p.reject(new Error(r.error));
};

async function ask<T>(req: Request, transfer: Transferable[] = []): Promise<T> {
  await ready;
  const s = ++seq;
  return new Promise<T>((resolve, reject) => {
    pending.set(s, { resolve: resolve as (v: unknown) => void, reject });
    worker.postMessage({ seq: s, req }, transfer);
  });
}

// ------------------------------------------------------------------ state

const files = new Map<string, FileSummary>();
let current: FileSummary | null = null;
/** The ids the list shows (the search result). */
let shown: Uint32Array = new Uint32Array(0);
let selected = -1;
/** Timings for the tests and the curious: milliseconds. */
const timings: Record<string, number> = {};
(globalThis as unknown as { btfkitTimings: Record<string, number> }).btfkitTimings = timings;

function setError(msg: string): void {
  $('error').textContent = msg;
}

function setStatus(msg: string): void {
  $('status').textContent = msg;
}

function kindName(k: number): string {
  return KIND_NAMES[k] ?? `UNKN`;
}

function rowLabel(f: FileSummary, id: number): string {
  const i = id - f.startId;
  const name = f.names[i]!;
  return `[${id}] ${kindName(f.kinds[i]!)} '${name || '(anon)'}'`;
}

// ------------------------------------------------------------------ files

/** Opens `bytes` as `name` (over `base` when given) in the worker and shows its list. */
async function openFile(name: string, bytes: Uint8Array, base: string | null): Promise<FileSummary | null> {
  const t0 = performance.now();
  setError('');
  setStatus(`reading ${name}…`);
  try {
    const f = await ask<FileSummary>({ op: 'open', name, bytes, base }, [bytes.buffer]);
    files.set(name, f);
    for (const sel of [$('file'), $('base'), $('diffwith')] as HTMLSelectElement[]) {
      if (![...sel.options].some((o) => o.value === name)) sel.append(new Option(name, name));
    }
    await showFile(name);
    timings['open'] = performance.now() - t0;
    setStatus(
      `${name}: ${f.typeCount - f.startId} types${base ? ` over ${base}` : ''} (${Math.round(timings['open'])} ms)`,
    );
    return f;
  } catch (e) {
    setError((e as Error).message);
    setStatus('');
    return null;
  }
}

async function openFiles(list: FileList | File[]): Promise<void> {
  const t0 = performance.now();
  const base = ($('base') as HTMLSelectElement).value || null;
  let last: FileSummary | null = null;
  for (const file of Array.from(list)) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    last = (await openFile(file.name, bytes, base)) ?? last;
  }
  // From the drop (or pick) to a list on the screen, file reading included.
  timings['drop'] = performance.now() - t0;
  if (last) location.hash = `#/${encodeURIComponent(last.name)}`;
}

/** Shows file `name`'s list (the page stays as it is). */
async function showFile(name: string): Promise<void> {
  const f = files.get(name);
  if (!f) return;
  if (current !== f) {
    current = f;
    ($('file') as HTMLSelectElement).value = name;
    const obj = $('objlink') as HTMLAnchorElement;
    obj.hidden = !f.object;
    obj.href = `#/${encodeURIComponent(name)}/object`;
    await runSearch();
  }
}

// ------------------------------------------------------------------ list

async function runSearch(): Promise<void> {
  const f = current;
  if (!f) return;
  const query = ($('search') as HTMLInputElement).value;
  const exact = ($('exact') as HTMLInputElement).checked;
  const kind = Number(($('kind') as HTMLSelectElement).value);
  const ids = await ask<Uint32Array>({ op: 'search', file: f.name, query, exact, kind });
  if (f !== current) return;
  shown = ids;
  selected = ids.length ? 0 : -1;
  $('count').textContent = `${ids.length} of ${f.typeCount - f.startId} types`;
  $('spacer').style.height = `${ids.length * ROW}px`;
  $('list').scrollTop = 0;
  renderList();
}

function renderList(): void {
  const list = $('list');
  const f = current;
  for (const r of [...list.querySelectorAll('.row')]) r.remove();
  if (!f) return;
  const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
  const last = Math.min(shown.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 5);
  const frag = document.createDocumentFragment();
  for (let i = first; i < last; i++) {
    const id = shown[i]!;
    const row = el('div', rowLabel(f, id), i === selected ? 'row sel' : 'row');
    row.style.top = `${i * ROW}px`;
    row.dataset['id'] = String(id);
    row.dataset['index'] = String(i);
    row.setAttribute('role', 'option');
    frag.append(row);
  }
  list.append(frag);
}

function select(i: number, open: boolean): void {
  if (!shown.length) return;
  selected = Math.max(0, Math.min(shown.length - 1, i));
  const list = $('list');
  const top = selected * ROW;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (top + ROW > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW - list.clientHeight;
  renderList();
  if (open && current) location.hash = typeHash(current.name, shown[selected]!);
}

function typeHash(file: string, id: number): string {
  return `#/${encodeURIComponent(file)}/id/${id}`;
}

/** The URL of a type: by kind and name where the name finds it, else by id. */
function namedHash(p: TypePage): string {
  if (p.named) return `#/${encodeURIComponent(p.file)}/${p.kind.toLowerCase()}/${encodeURIComponent(p.name)}`;
  return typeHash(p.file, p.id);
}

// ------------------------------------------------------------------ pages

function refList(refs: TypeRef[], id: string): HTMLUListElement {
  const ul = el('ul', undefined, 'refs');
  ul.id = id;
  for (const r of refs) {
    const li = el('li');
    if (r.id === 0) li.append(el('span', '[0] void', 'muted'));
    else {
      const a = el('a', `[${r.id}] ${r.kind} '${r.name || '(anon)'}'`);
      a.href = typeHash(r.file, r.id);
      li.append(a);
    }
    if (r.via) li.append(el('span', `  ${r.via}`, 'via'));
    ul.append(li);
  }
  if (!refs.length) ul.append(el('li', 'none', 'muted'));
  return ul;
}

function pre(id: string, text: string): HTMLPreElement {
  const p = el('pre', text);
  p.id = id;
  return p;
}

async function showType(file: string, id: number): Promise<void> {
  const t0 = performance.now();
  const p = await ask<TypePage>({ op: 'type', file, id });
  const page = $('page');
  page.replaceChildren();
  const h = el('h2', `[${p.id}] ${p.kind} '${p.name || '(anon)'}'`);
  h.id = 'title';
  page.append(h);
  if (p.file !== file) page.append(el('div', `in ${p.file}`, 'muted'));
  page.append(el('h3', 'raw'), pre('raw', p.raw));
  page.append(el('h3', 'C'), pre('c', p.c));
  if (p.layout) {
    page.append(el('h3', 'layout'), pre('layout', p.layout));
    if (p.layoutSvg) {
      const d = el('div');
      d.id = 'layout-svg';
      d.innerHTML = p.layoutSvg;
      page.append(d);
    }
  }
  page.append(el('h3', `refers to (${p.refs.length})`), refList(p.refs, 'refs'));
  page.append(el('h3', `referred to by (${p.referrers.length})`), refList(p.referrers, 'referrers'));
  const g = el('h3', 'graph, depth ');
  const depth = el('select');
  depth.id = 'depth';
  for (const d of [1, 2, 3, 4]) depth.append(new Option(String(d), String(d), d === 2, d === 2));
  g.append(depth);
  const gbox = el('div');
  gbox.id = 'graph';
  page.append(g, gbox);
  const draw = async () => drawGraph(gbox, p.file, p.id, Number(depth.value));
  depth.onchange = draw;
  page.scrollTop = 0;
  timings['type'] = performance.now() - t0;
  timings['typeWorker'] = p.ms;
  document.title = `${p.name || p.id} — btfkit`;
  // The URL names the type by kind and name where that finds it (a link to share).
  if (location.hash === typeHash(file, id) && p.file === file) history.replaceState(null, '', namedHash(p));
  void draw();
}

const SVG = 'http://www.w3.org/2000/svg';

/** Draws the type graph: one column per depth, nodes as links, edges as labelled lines. */
async function drawGraph(box: HTMLElement, file: string, id: number, depth: number): Promise<void> {
  const { nodes, edges } = await ask<{ nodes: GraphNode[]; edges: GraphEdge[] }>({ op: 'graph', file, id, depth });
  const colW = 260;
  const rowH = 26;
  const perLayer: number[] = [];
  const pos = nodes.map((n) => {
    const row = perLayer[n.depth] ?? 0;
    perLayer[n.depth] = row + 1;
    return { x: 10 + n.depth * colW, y: 10 + row * rowH };
  });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'graph');
  svg.setAttribute('width', String(20 + perLayer.length * colW));
  svg.setAttribute('height', String(20 + Math.max(1, ...perLayer) * rowH));
  svg.setAttribute('font-family', 'ui-monospace, monospace');
  svg.setAttribute('font-size', '11');
  for (const e of edges) {
    const a = pos[e.from]!;
    const b = pos[e.to]!;
    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('x1', String(a.x + 200));
    line.setAttribute('y1', String(a.y + 9));
    line.setAttribute('x2', String(b.x));
    line.setAttribute('y2', String(b.y + 9));
    line.setAttribute('stroke', '#aab');
    const t = document.createElementNS(SVG, 'title');
    t.textContent = e.label;
    line.append(t);
    svg.append(line);
  }
  nodes.forEach((n, i) => {
    const p = pos[i]!;
    const a = document.createElementNS(SVG, 'a');
    if (n.id !== 0) a.setAttribute('href', typeHash(n.file, n.id));
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', String(p.x));
    r.setAttribute('y', String(p.y));
    r.setAttribute('width', '200');
    r.setAttribute('height', '18');
    r.setAttribute('rx', '3');
    r.setAttribute('fill', i === 0 ? '#fe9' : '#fff');
    r.setAttribute('stroke', '#88a');
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', String(p.x + 4));
    t.setAttribute('y', String(p.y + 13));
    t.textContent = n.label.length > 32 ? `${n.label.slice(0, 31)}…` : n.label;
    const tip = document.createElementNS(SVG, 'title');
    tip.textContent = n.label;
    a.append(r, t, tip);
    svg.append(a);
  });
  box.replaceChildren(svg);
}

/** Shows an object's page; with `target`, its CO-RE relocations resolved against that loaded kernel BTF. */
async function showObject(file: string, target: string | null = null): Promise<void> {
  const o = await ask<ObjectPage>({ op: 'object', file });
  const page = $('page');
  page.replaceChildren();
  const h = el('h2', `object ${o.file}`);
  h.id = 'title';
  page.append(h);
  if (o.problems.length) page.append(pre('problems', `${o.problems.join('\n')}\n`));
  page.append(el('h3', 'maps'), pre('maps', o.maps || '(none)\n'));
  page.append(el('h3', 'global variables'), pre('vars', o.vars || '(none)\n'));
  page.append(el('h3', `functions (${o.functions.length})`), refList(o.functions, 'functions'));
  if (o.ext) page.append(el('h3', '.BTF.ext'), pre('ext', o.ext));
  if (o.coreRelos) page.append(...coreSection(o.file, o.coreRelos, target));
  document.title = `${o.file} — btfkit`;
}

/** The log checkbox's state, kept across CO-RE pages. */
let coreLog = false;

/**
 * The object page's CO-RE section: a kernel BTF to resolve against (a
 * loaded file, or one opened here), then the relocations as `btfkit core
 * OBJ --target KERNEL` prints them, failures marked, and the counts.
 */
function coreSection(file: string, records: number, target: string | null): HTMLElement[] {
  const h = el('h3', `CO-RE relocations (${records}) against `);
  const sel = el('select');
  sel.id = 'core-target';
  sel.append(new Option('choose a kernel BTF…', ''));
  for (const f of files.values()) if (f.name !== file && !f.object) sel.append(new Option(f.name, f.name));
  for (const f of files.values()) if (f.name !== file && f.object) sel.append(new Option(f.name, f.name));
  sel.value = target ?? '';
  const coreHash = (t: string) => `#/${encodeURIComponent(file)}/core/${encodeURIComponent(t)}`;
  sel.onchange = () => {
    location.hash = sel.value ? coreHash(sel.value) : `#/${encodeURIComponent(file)}/object`;
  };
  const open = el('label', 'open… ', 'pick');
  const input = el('input');
  input.type = 'file';
  input.id = 'core-pick';
  open.append(input);
  input.onchange = async () => {
    const picked = input.files?.[0];
    if (!picked) return;
    const f = await openFile(picked.name, new Uint8Array(await picked.arrayBuffer()), null);
    input.value = '';
    if (f) location.hash = coreHash(f.name);
  };
  const logBox = el('label', ' libbpf log', 'muted');
  const cb = el('input');
  cb.type = 'checkbox';
  cb.id = 'core-log';
  cb.checked = coreLog;
  logBox.prepend(cb);
  h.append(sel, ' ', open, ' ', logBox);
  const box = el('div');
  box.id = 'core-box';
  const run = async () => {
    if (!target) {
      box.replaceChildren(
        el('div', 'Pick the kernel BTF the object would load on to see each relocation resolved.', 'muted'),
      );
      return;
    }
    box.replaceChildren(el('div', `resolving against ${target}…`, 'muted'));
    try {
      showCore(box, await ask<CorePage>({ op: 'core', file, target, log: coreLog }));
    } catch (e) {
      box.replaceChildren(pre('core-error', `${(e as Error).message}\n`));
    }
  };
  cb.onchange = () => {
    coreLog = cb.checked;
    void run();
  };
  void run();
  return [h, box];
}

/** Fills the CO-RE box: the summary, the lines (each relocation's verdict marked), a problem line. */
function showCore(box: HTMLElement, c: CorePage): void {
  const summary = el('div', undefined, c.failing.length ? 'core-summary failed' : 'core-summary');
  summary.id = 'core-summary';
  summary.append(
    el('span', `${c.counts.ok} ok`, 'ok'),
    ', ',
    el('span', `${c.counts.poison} poisoned`, c.counts.poison ? 'poison' : ''),
    ', ',
    el('span', `${c.counts.error} failed`, c.counts.error ? 'error' : ''),
    c.failing.length ? ` — libbpf would refuse the load: ${c.failing.join(' ')}` : '',
  );
  const p = el('pre', undefined, 'core');
  p.id = 'core';
  for (const r of c.relocations) {
    p.append(el('span', r.line, `relo ${r.status}`));
    if (r.log) p.append(el('span', r.log, 'log'));
  }
  p.append(el('span', c.summary, 'total'));
  box.replaceChildren(summary, p);
  if (c.problem) box.append(pre('core-problem', `${c.problem}\n`));
}

async function showDiff(a: string, b: string): Promise<void> {
  const text = await ask<string>({ op: 'diff', a, b });
  const page = $('page');
  page.replaceChildren();
  const h = el('h2', `diff ${a} ${b}`);
  h.id = 'title';
  page.append(h, pre('diff', text));
  document.title = `diff ${a} ${b} — btfkit`;
}

// ------------------------------------------------------------------ routing

/** Shows what the URL names: `#/FILE`, `#/FILE/object`, `#/FILE/core/KERNEL`, `#/FILE/id/N`, `#/FILE/KIND/NAME`, `#/A/diff/B`. */
async function route(): Promise<void> {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [file, what, name] = parts;
  if (!file || !files.has(file)) return;
  setError('');
  try {
    await showFile(file);
    if (what === 'object') return await showObject(file);
    if (what === 'core' && name !== undefined) {
      if (!files.has(name)) throw new Error(`${name}: no such file loaded (open it, then pick it as the kernel)`);
      return await showObject(file, name);
    }
    if (what === 'diff' && name !== undefined && files.has(name)) return await showDiff(file, name);
    if (what === undefined || name === undefined) return;
    const id = what === 'id' ? Number(name) : await ask<number>({ op: 'byName', file, kind: what, name });
    await showType(file, id);
    const i = shown.indexOf(id);
    if (i >= 0 && i !== selected) select(i, false);
  } catch (e) {
    setError((e as Error).message);
  }
}

// ------------------------------------------------------------------ wiring

function wire(): void {
  const kind = $('kind') as HTMLSelectElement;
  KIND_NAMES.forEach((k, i) => {
    if (i > 0) kind.append(new Option(k.toLowerCase(), String(i)));
  });
  // Typing searches after a short pause; Enter or an arrow searches at once if a search is due.
  let timer = 0;
  let due = false;
  const searchNow = async () => {
    clearTimeout(timer);
    if (due) {
      due = false;
      await runSearch();
    }
  };
  $('search').addEventListener('input', () => {
    clearTimeout(timer);
    due = true;
    timer = window.setTimeout(() => void searchNow(), 80);
  });
  $('exact').addEventListener('change', () => void runSearch());
  kind.addEventListener('change', () => void runSearch());
  $('search').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      const open = e.key === 'Enter';
      void searchNow().then(() => {
        $('list').focus();
        select(selected, open);
      });
    }
  });
  const list = $('list');
  list.addEventListener('scroll', renderList);
  list.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
    if (row) select(Number(row.dataset['index']), true);
  });
  list.addEventListener('keydown', (e) => {
    const page = Math.max(1, Math.floor(list.clientHeight / ROW) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) select(selected + moves[e.key]!, false);
    else if (e.key === 'Home') select(0, false);
    else if (e.key === 'End') select(shown.length - 1, false);
    else if (e.key === 'Enter') select(selected, true);
    else return;
    e.preventDefault();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
      e.preventDefault();
      $('search').focus();
    }
  });
  $('pick').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    if (input.files) void openFiles(input.files).then(() => (input.value = ''));
  });
  $('diffwith').addEventListener('change', (e) => {
    const sel = e.target as HTMLSelectElement;
    if (current && sel.value)
      location.hash = `#/${encodeURIComponent(current.name)}/diff/${encodeURIComponent(sel.value)}`;
    sel.value = '';
  });
  $('file').addEventListener('change', (e) => {
    location.hash = `#/${encodeURIComponent((e.target as HTMLSelectElement).value)}`;
  });
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    if (e.dataTransfer?.files.length) void openFiles(e.dataTransfer.files);
  });
  window.addEventListener('hashchange', () => void route());
}

/** Opens the files `btfkit web FILE...` serves (files.json beside the page; absent for static hosting and file://). */
async function preload(): Promise<void> {
  let list: { name: string; url: string; base: string | null }[] = [];
  if (location.protocol === 'file:') return;
  try {
    const r = await fetch('files.json');
    if (r.ok) list = (await r.json()) as typeof list;
  } catch {
    // static hosting: nothing to preload
  }
  for (const f of list) {
    const r = await fetch(f.url);
    if (r.ok) await openFile(f.name, new Uint8Array(await r.arrayBuffer()), f.base);
  }
}

wire();
void preload().then(async () => {
  if (location.hash) await route();
  document.body.dataset['ready'] = '1';
});
