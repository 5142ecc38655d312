/**
 * The explorer (web/, served by `btfkit web`, and the built page opened
 * from disk) in a real browser: Debian's chromium driven by playwright-core
 * (test/web-firefox.test.ts: the same flows in Firefox). Each step is
 * checked against what the CLI prints for the same file (types, maps,
 * variables, diff, CO-RE relocations, errors), and leaves a screenshot under
 * test/output/web/ for a person to look at. Timings (open vmlinux -> usable
 * list, open struct task_struct) are asserted loosely here (the targets are
 * 1.5 s and 200 ms; BTFKIT_TIME_SCALE scales the bounds) and printed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { openObject } from '../lib/object/open.js';
import { timeScale } from './helpers/budget.js';
import { readBytes, repoPath } from './helpers/golden.js';
import { cachedKernels, kernelModules } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';
import {
  CHROMIUM,
  CHROMIUM_FLAGS,
  cli,
  coreCli,
  coreKernel,
  idOf,
  STATIC_PAGE,
  serve,
  VMLINUX,
  WEB_OBJ,
  WEB_OUT,
} from './helpers/web.js';

// Functions passed to page.evaluate run in the page: its globals, for the type checker only.
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};
declare const location: { hash: string };

const OUT = WEB_OUT;
const OBJ = WEB_OBJ;

let browser: Browser | null = null;
const servers: ChildProcess[] = [];
let n = 0;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, `${String(++n).padStart(2, '0')}-${name}.png`) });
}

/** A fresh page of a server started with `args`, ready (preloads done). */
async function openPage(args: string[] = [], hash = ''): Promise<Page> {
  if (!browser) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const { url, proc } = await serve(args);
  servers.push(proc);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as unknown as { btfkitErrors: string[] }).btfkitErrors = errors;
  // No request leaves 127.0.0.1.
  await page.route(
    (u) => u.hostname !== '127.0.0.1',
    (r) => r.abort(),
  );
  await page.goto(url + hash);
  await page.waitForSelector('body[data-ready="1"]');
  return page;
}

/** Opens files through the page's file picker (what a drop does), one at a time, as `name`. */
async function pick(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.setInputFiles('#pick', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
}

/** Picks the file at `path` (the page names it after its base name; large files go by path, not through the protocol). */
async function pickPath(page: Page, path: string, input = '#pick'): Promise<void> {
  await page.setInputFiles(input, path);
}

async function searchAndOpen(page: Page, query: string, exact: boolean, label: string): Promise<void> {
  if (exact !== (await page.isChecked('#exact'))) await page.click('#exact');
  await page.fill('#search', query);
  await page.waitForFunction(
    (l) => [...document.querySelectorAll('#list .row')].some((r) => r.textContent === l),
    label,
  );
  await page.click(`#list .row >> text="${label}"`);
  await page.waitForFunction((l) => document.getElementById('title')?.textContent === l, label);
}

function browserMissing(): boolean {
  return !existsSync(CHROMIUM);
}

test('vmlinux: open -> list, search task_struct, its C view is `btfkit dump -f c --type` byte for byte', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  if (!VMLINUX) return skip('no kernel BTF (/sys/kernel/btf/vmlinux or golden/.cache/kernels)', 'env');
  const page = await openPage();
  // The page names a file after its path's base name: pick a copy named vmlinux.
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, 'vmlinux');
  copyFileSync(VMLINUX, path);
  const t0 = performance.now();
  await pickPath(page, path);
  await page.waitForSelector('#list .row');
  const openMs = performance.now() - t0;
  const count = await page.textContent('#count');
  const types = cli(['stats', VMLINUX]).stdout;
  assert.match(count ?? '', / of \d+ types$/);
  await shot(page, 'vmlinux-list');

  const t1 = performance.now();
  await searchAndOpen(page, 'task_struct', true, `[${idOf(VMLINUX, 'struct task_struct')}] STRUCT 'task_struct'`);
  await page.waitForSelector('#c');
  const typeMs = performance.now() - t1;
  const typeTimings = await page.evaluate(
    () => (globalThis as unknown as { btfkitTimings: Record<string, number> }).btfkitTimings,
  );
  const want = cli(['dump', '-f', 'c', '--type', 'struct task_struct', VMLINUX]);
  assert.is(want.status, 0);
  const got = await page.$eval('#c', (e) => e.textContent);
  assert.ok(got === want.stdout, 'C view differs from btfkit dump -f c --type');
  const raw = await page.$eval('#raw', (e) => e.textContent);
  assert.is(raw, cli(['dump', '--type', 'struct task_struct', VMLINUX]).stdout);
  assert.is(await page.evaluate(() => location.hash), '#/vmlinux/struct/task_struct');
  await shot(page, 'task_struct');
  console.log(
    `\n  web: open vmlinux -> list ${openMs.toFixed(0)} ms (in the page: drop -> list ${typeTimings['drop']!.toFixed(0)} ms), ` +
      `task_struct page ${typeMs.toFixed(0)} ms (page ${typeTimings['type']!.toFixed(0)} ms, worker ${typeTimings['typeWorker']!.toFixed(0)} ms); ${types.split('\n')[0]}`,
  );
  assert.ok(typeTimings['drop']! < 3000 * timeScale(), `drop -> list took ${typeTimings['drop']} ms`);
  assert.ok(typeTimings['type']! < 2000 * timeScale(), `task_struct page took ${typeTimings['type']} ms`);

  // A member's type: `mm` is a struct mm_struct *: its link goes to the pointer, then to the struct.
  const mmId = idOf(VMLINUX, 'struct mm_struct');
  await page.click('#refs li:has(.via:text-is("  mm")) a');
  await page.waitForFunction(() => document.getElementById('title')?.textContent?.includes(' PTR '));
  await page.click(`#refs a[href$="/id/${mmId}"]`);
  await page.waitForFunction(
    (t) => document.getElementById('title')?.textContent === t,
    `[${mmId}] STRUCT 'mm_struct'`,
  );
  assert.is(await page.evaluate(() => location.hash), '#/vmlinux/struct/mm_struct');
  assert.ok((await page.$$('#referrers a')).length > 0);
  await shot(page, 'mm_struct');
  // Back twice: task_struct again.
  await page.goBack();
  await page.goBack();
  await page.waitForFunction(() => document.getElementById('title')?.textContent?.endsWith("STRUCT 'task_struct'"));
  // Keyboard: / focuses the search, arrows move, Enter opens.
  await page.keyboard.press('/');
  await page.fill('#search', 'list_head');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('title')?.textContent?.endsWith("STRUCT 'list_head'"));
  assert.equal((page as unknown as { btfkitErrors: string[] }).btfkitErrors, []);
  await page.close();
});

test('a golden object: its maps and variables as `btfkit maps` and `btfkit vars` print them', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  const page = await openPage([OBJ], '#/maps_demo.o/object');
  await page.waitForSelector('#maps');
  assert.is(await page.$eval('#maps', (e) => e.textContent), cli(['maps', OBJ]).stdout);
  assert.is(await page.$eval('#vars', (e) => e.textContent), cli(['vars', OBJ]).stdout);
  assert.ok((await page.$$('#functions a')).length > 0);
  await shot(page, 'object');
  await page.close();
});

test('two objects side by side: the diff `btfkit diff A B` prints', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  const other = repoPath('golden', 'obj', 'maps', 'typed_values.o');
  const page = await openPage([OBJ, other], '#/maps_demo.o/diff/typed_values.o');
  await page.waitForSelector('#diff');
  const want = cli(['diff', OBJ, other]);
  assert.is(want.status, 3);
  assert.is(await page.$eval('#diff', (e) => e.textContent), want.stdout);
  await shot(page, 'diff');
  await page.close();
});

test('split BTF: a module over its vmlinux, ids after the base, raw lines as `btfkit dump -B`', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  const k = cachedKernels().at(-1);
  if (!k) return skip('no cached kernel (golden/kernels.sh)', 'env');
  const mod = kernelModules(k).find((m) => m.name === 'xfs') ?? kernelModules(k)[0]!;
  const page = await openPage();
  await pickPath(page, k.vmlinux);
  await page.waitForSelector('#list .row');
  await page.selectOption('#base', 'vmlinux.btf');
  await pickPath(page, mod.path);
  await page.waitForFunction((f) => location.hash === `#/${f}`, `${mod.name}.btf`);
  const first = await page.$eval('#list .row', (e) => (e as unknown as PageElement).dataset['id']);
  const want = cli(['dump', '-B', k.vmlinux, mod.path]).stdout;
  assert.ok(want.startsWith(`[${first}] `), `the module's first type is [${first}]`);
  await page.click('#list .row');
  await page.waitForSelector('#raw');
  const raw = await page.$eval('#raw', (e) => e.textContent);
  assert.is(raw, cli(['dump', '-B', k.vmlinux, mod.path, '--id', String(first)]).stdout);
  // A link into the base opens the base's type.
  const baseLink = await page.$('#refs a[href^="#/vmlinux.btf/"]');
  if (baseLink) {
    await baseLink.click();
    await page.waitForFunction(() => location.hash.startsWith('#/vmlinux.btf/'));
  }
  await shot(page, 'split-module');
  await page.close();
});

test('a corrupt file: the CLI one-line error, and the page stays usable', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  const page = await openPage();
  const bad = readBytes(OBJ).slice(0, 300);
  const good = readBytes(OBJ);
  const dir = repoPath('test', 'output', 'web');
  mkdirSync(dir, { recursive: true });
  // The CLI's line for the same bytes under the same name.
  const path = join(dir, 'corrupt.o');
  writeFileSync(path, bad);
  const want = cli(['dump', path]);
  assert.is.not(want.status, 0);
  await pick(page, 'corrupt.o', bad);
  await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
  const line = await page.textContent('#error');
  assert.is(`${line}\n`, want.stderr.replaceAll(path, 'corrupt.o'));
  await shot(page, 'corrupt');
  await pick(page, 'maps_demo.o', good);
  await page.waitForSelector('#list .row');
  assert.is(await page.textContent('#error'), '');
  await page.close();
});

test('the URL of a type reopens it after reload', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  const page = await openPage([OBJ]);
  const ids = cli(['dump', OBJ]).stdout.match(/^\[(\d+)\] STRUCT '(\w+)'/m);
  assert.ok(ids, 'a named struct in the object');
  await page.evaluate((h) => (location.hash = h), `#/maps_demo.o/struct/${ids![2]}`);
  const title = `[${ids![1]}] STRUCT '${ids![2]}'`;
  await page.waitForFunction((t) => document.getElementById('title')?.textContent === t, title);
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]');
  await page.waitForFunction((t) => document.getElementById('title')?.textContent === t, title);
  await shot(page, 'reload');
  await page.close();
});

test('CO-RE: an object against a loaded kernel BTF, line for line as `btfkit core OBJ --target K`; a kernel picked on the page', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  const k = coreKernel();
  if (!k) return skip('no kernel BTF (golden/.cache/kernels or /sys/kernel/btf/vmlinux)', 'env');
  const obj = repoPath('golden', 'obj', 'core', 'core_task.o');
  const page = await openPage([k.path, obj], `#/core_task.o/core/${k.name}`);
  await page.waitForSelector('#core');
  const want = coreCli(obj, k);
  assert.is(await page.$eval('#core', (e) => e.textContent), want);
  // Failures marked: one marked line per poisoned or failed relocation.
  const marked = await page.$$eval('#core .relo.poison, #core .relo.error', (es) => es.map((e) => e.textContent));
  assert.equal(
    marked,
    want
      .split('\n')
      .filter((l) => / -> (poison|error)\b/.test(l))
      .map((l) => `${l}\n`),
  );
  assert.match((await page.textContent('#core-summary')) ?? '', /^\d+ ok, [1-9]\d* poisoned, 0 failed/);
  await shot(page, 'core');
  // libbpf's log lines, as --log prints them.
  await page.click('#core-log');
  await page.waitForSelector('#core .log');
  assert.is(await page.$eval('#core', (e) => e.textContent), coreCli(obj, k, ['--log']));
  await page.close();

  // No kernel loaded yet: the object page offers to open one, then resolves against it.
  const other = repoPath('golden', 'obj', 'core', 'core_cands.o');
  const p2 = await openPage([other], '#/core_cands.o/object');
  await p2.waitForSelector('#core-pick', { state: 'attached' });
  await pickPath(p2, k.path, '#core-pick');
  await p2.waitForFunction((h) => location.hash === h, `#/core_cands.o/core/${k.name}`);
  await p2.waitForSelector('#core');
  assert.is(await p2.$eval('#core', (e) => e.textContent), coreCli(other, k));
  assert.is(await p2.$eval('#core-target', (e) => (e as unknown as { value: string }).value), k.name);
  assert.equal((p2 as unknown as { btfkitErrors: string[] }).btfkitErrors, []);
  await p2.close();

  // A CO-RE section cut short: the complete records' lines, then the CLI's error line.
  const bytes = readBytes(obj).slice();
  const sec = openObject(bytes).elf.section('.BTF.ext')!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dv.setUint32(sec.offset + 28, dv.getUint32(sec.offset + 28, true) - 4, true); // core_relo_len: the last record cut
  mkdirSync(OUT, { recursive: true });
  const cut = join(OUT, 'core_cut.o');
  writeFileSync(cut, bytes);
  const r = cli(['core', cut, '--target', k.path]);
  assert.is(r.status, 1);
  const p3 = await openPage([k.path, cut], `#/core_cut.o/core/${k.name}`);
  await p3.waitForSelector('#core-problem');
  assert.is(await p3.$eval('#core', (e) => e.textContent), coreCli(cut, k));
  assert.is(await p3.$eval('#core-problem', (e) => e.textContent), r.stderr.replaceAll(cut, 'core_cut.o'));
  assert.match((await p3.$eval('#ext', (e) => e.textContent)) ?? '', r.stderr.replaceAll(cut, 'core_cut.o'));
  await p3.close();
});

test('the built page from disk (file://): pick an object, see its list and a type page as the CLI prints it', async () => {
  if (browserMissing())
    return skip('chromium is not installed (/usr/bin/chromium): the explorer is not tested in a browser');
  if (!browser) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // Nothing but the page itself and its worker's blob: no fetch of a sibling file, nothing from the network.
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(STATIC_PAGE);
  await page.waitForSelector('body[data-ready="1"]');
  await pick(page, 'maps_demo.o', readBytes(OBJ));
  await page.waitForSelector('#list .row');
  assert.is(await page.textContent('#count'), `${countOf(OBJ)} of ${countOf(OBJ)} types`);
  const [, id, name] = /^\[(\d+)\] STRUCT '(\w+)'/m.exec(cli(['dump', OBJ]).stdout)!;
  await page.evaluate((h) => (location.hash = h), `#/maps_demo.o/struct/${name}`);
  await page.waitForFunction((t) => document.getElementById('title')?.textContent === t, `[${id}] STRUCT '${name}'`);
  assert.is(await page.$eval('#raw', (e) => e.textContent), cli(['dump', '--type', `struct ${name}`, OBJ]).stdout);
  assert.is(
    await page.$eval('#c', (e) => e.textContent),
    cli(['dump', '-f', 'c', '--type', `struct ${name}`, OBJ]).stdout,
  );
  await page.evaluate(() => (location.hash = '#/maps_demo.o/object'));
  await page.waitForSelector('#maps');
  assert.is(await page.$eval('#maps', (e) => e.textContent), cli(['maps', OBJ]).stdout);
  await shot(page, 'static-file');
  assert.equal(errors, []);
  assert.equal(
    requests.filter((u) => !u.startsWith('blob:')),
    [STATIC_PAGE],
  );
  await page.close();
});

/** The number of types of `file` (`btfkit stats`' first line). */
function countOf(file: string): number {
  const m = /types\s+(\d+)/.exec(cli(['stats', file]).stdout);
  if (!m) throw new Error(`${file}: no type count`);
  return Number(m[1]);
}

test.after(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

test.run();
