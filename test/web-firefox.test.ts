/**
 * The explorer in Firefox: Debian's stock `firefox-esr` driven over
 * WebDriver BiDi (test/helpers/bidi.ts), the flows of test/web.test.ts that
 * say most about a second engine: open vmlinux, search `task_struct`, its C
 * view byte for byte as `btfkit dump -f c --type`, follow a member's type
 * and back, an object's maps and variables, a type's URL after a reload,
 * CO-RE relocations against a kernel as `btfkit core` prints them, a
 * corrupt file's one-line error, and the built page opened from disk
 * (file://). Screenshots go to
 * test/output/web/firefox-*.png; the two timings (pick vmlinux -> list,
 * open task_struct) are printed and asserted loosely.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FIREFOX, Firefox, type FirefoxPage } from './helpers/bidi.js';
import { timeScale } from './helpers/budget.js';
import { readBytes, repoPath } from './helpers/golden.js';
import { skip } from './helpers/skip.js';
import { cli, coreCli, coreKernel, idOf, STATIC_PAGE, serve, VMLINUX, WEB_OBJ, WEB_OUT } from './helpers/web.js';

// Functions run in the page: its globals, for the type checker only.
interface PageElement {
  textContent: string | null;
  checked: boolean;
  value: string;
  click(): void;
  closest(selector: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  dispatchEvent(e: unknown): boolean;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  body: { dataset: Record<string, string | undefined> };
};
declare const location: { hash: string };
declare const history: { back(): void };
declare const Event: new (type: string, init?: { bubbles: boolean }) => unknown;

const NOT_INSTALLED = `firefox-esr is not installed (${FIREFOX}): the explorer is not tested in Firefox`;

let firefox: Firefox | null = null;
const servers: ChildProcess[] = [];
let n = 0;

async function browser(): Promise<Firefox> {
  firefox ??= await Firefox.launch();
  return firefox;
}

async function shot(page: FirefoxPage, name: string): Promise<void> {
  mkdirSync(WEB_OUT, { recursive: true });
  await page.screenshot(join(WEB_OUT, `firefox-${String(++n).padStart(2, '0')}-${name}.png`));
}

/** A fresh tab on `url` (a served page or the file), ready (preloads done). */
async function openUrl(url: string): Promise<FirefoxPage> {
  const page = await (await browser()).newPage();
  await page.goto(url);
  await page.waitFor(() => document.body.dataset['ready'] === '1');
  return page;
}

/** A fresh tab of a server started with `args`. */
async function openPage(args: string[] = [], hash = ''): Promise<FirefoxPage> {
  const { url, proc } = await serve(args);
  servers.push(proc);
  return openUrl(url + hash);
}

/** Picks `path` in the page's file input (BiDi hands the browser paths: the page sees the file's base name). */
async function pick(page: FirefoxPage, path: string): Promise<void> {
  await page.setFiles('#pick', [path]);
}

const titleIs = (t: string) => document.getElementById('title')?.textContent === t;
const text = (id: string) => document.getElementById(id)?.textContent ?? null;

async function searchAndOpen(page: FirefoxPage, query: string, label: string): Promise<void> {
  await page.evaluate((q) => {
    const exact = document.getElementById('exact')!;
    if (!exact.checked) {
      exact.checked = true;
      exact.dispatchEvent(new Event('change', { bubbles: true }));
    }
    const s = document.getElementById('search')!;
    s.value = q;
    s.dispatchEvent(new Event('input', { bubbles: true }));
  }, query);
  await page.waitFor((l) => [...document.querySelectorAll('#list .row')].some((r) => r.textContent === l), label);
  await page.evaluate(
    (l) => [...document.querySelectorAll('#list .row')].find((r) => r.textContent === l)!.click(),
    label,
  );
  await page.waitFor(titleIs, label);
}

function missing(): boolean {
  return !existsSync(FIREFOX);
}

test('firefox: vmlinux: open -> list, search task_struct, its C view is `btfkit dump -f c --type` byte for byte', async () => {
  if (missing()) return skip(NOT_INSTALLED);
  if (!VMLINUX) return skip('no kernel BTF (/sys/kernel/btf/vmlinux or golden/.cache/kernels)', 'env');
  // The page names a file after its path's base name: pick a copy named vmlinux.
  mkdirSync(WEB_OUT, { recursive: true });
  const path = join(WEB_OUT, 'vmlinux');
  copyFileSync(VMLINUX, path);
  const page = await openPage();
  const t0 = performance.now();
  await pick(page, path);
  await page.waitFor(() => document.querySelector('#list .row') !== null);
  const openMs = performance.now() - t0;
  assert.match((await page.evaluate(text, 'count')) ?? '', / of \d+ types$/);
  await shot(page, 'vmlinux-list');

  const t1 = performance.now();
  await searchAndOpen(page, 'task_struct', `[${idOf(VMLINUX, 'struct task_struct')}] STRUCT 'task_struct'`);
  await page.waitFor(() => document.getElementById('c') !== null);
  const typeMs = performance.now() - t1;
  const timings = await page.evaluate(
    () => (globalThis as unknown as { btfkitTimings: Record<string, number> }).btfkitTimings,
  );
  const want = cli(['dump', '-f', 'c', '--type', 'struct task_struct', VMLINUX]);
  assert.is(want.status, 0);
  assert.ok((await page.evaluate(text, 'c')) === want.stdout, 'C view differs from btfkit dump -f c --type');
  assert.is(await page.evaluate(text, 'raw'), cli(['dump', '--type', 'struct task_struct', VMLINUX]).stdout);
  assert.is(await page.evaluate(() => location.hash), '#/vmlinux/struct/task_struct');
  await shot(page, 'task_struct');
  console.log(
    `\n  web (firefox): open vmlinux -> list ${openMs.toFixed(0)} ms (in the page: drop -> list ${timings['drop']!.toFixed(0)} ms), ` +
      `task_struct page ${typeMs.toFixed(0)} ms (page ${timings['type']!.toFixed(0)} ms, worker ${timings['typeWorker']!.toFixed(0)} ms)`,
  );
  assert.ok(timings['drop']! < 3000 * timeScale(), `drop -> list took ${timings['drop']} ms`);
  assert.ok(timings['type']! < 2000 * timeScale(), `task_struct page took ${timings['type']} ms`);

  // A member's type: `mm` is a struct mm_struct *: its link goes to the pointer, then to the struct.
  const mmId = idOf(VMLINUX, 'struct mm_struct');
  await page.evaluate(() =>
    [...document.querySelectorAll('#refs li')]
      .find((li) => li.querySelector('.via')?.textContent === '  mm')!
      .querySelector('a')!
      .click(),
  );
  await page.waitFor(() => document.getElementById('title')?.textContent?.includes(' PTR '));
  await page.evaluate((id) => document.querySelector(`#refs a[href$="/id/${id}"]`)!.click(), mmId);
  await page.waitFor(titleIs, `[${mmId}] STRUCT 'mm_struct'`);
  assert.is(await page.evaluate(() => location.hash), '#/vmlinux/struct/mm_struct');
  // Back twice: task_struct again.
  await page.evaluate(() => history.back());
  await page.waitFor(() => document.getElementById('title')?.textContent?.includes(' PTR '));
  await page.evaluate(() => history.back());
  await page.waitFor(() => document.getElementById('title')?.textContent?.endsWith("STRUCT 'task_struct'"));
  assert.equal(page.errors, []);
  await page.close();
});

test('firefox: a golden object: its maps and variables as `btfkit maps` and `btfkit vars` print them', async () => {
  if (missing()) return skip(NOT_INSTALLED);
  const page = await openPage([WEB_OBJ], '#/maps_demo.o/object');
  await page.waitFor(() => document.getElementById('maps') !== null);
  assert.is(await page.evaluate(text, 'maps'), cli(['maps', WEB_OBJ]).stdout);
  assert.is(await page.evaluate(text, 'vars'), cli(['vars', WEB_OBJ]).stdout);
  await shot(page, 'object');
  assert.equal(page.errors, []);
  await page.close();
});

test('firefox: a corrupt file: the CLI one-line error, and the page stays usable', async () => {
  if (missing()) return skip(NOT_INSTALLED);
  mkdirSync(WEB_OUT, { recursive: true });
  const path = join(WEB_OUT, 'corrupt.o');
  writeFileSync(path, readBytes(WEB_OBJ).slice(0, 300));
  const want = cli(['dump', path]);
  assert.is.not(want.status, 0);
  const page = await openPage();
  await pick(page, path);
  await page.waitFor(() => (document.getElementById('error')?.textContent ?? '') !== '');
  assert.is(`${await page.evaluate(text, 'error')}\n`, want.stderr.replaceAll(path, 'corrupt.o'));
  await shot(page, 'corrupt');
  await pick(page, WEB_OBJ);
  await page.waitFor(() => document.querySelector('#list .row') !== null);
  assert.is(await page.evaluate(text, 'error'), '');
  await page.close();
});

test('firefox: the URL of a type reopens it after reload', async () => {
  if (missing()) return skip(NOT_INSTALLED);
  const page = await openPage([WEB_OBJ]);
  const [, id, name] = /^\[(\d+)\] STRUCT '(\w+)'/m.exec(cli(['dump', WEB_OBJ]).stdout)!;
  const title = `[${id}] STRUCT '${name}'`;
  await page.evaluate((h) => (location.hash = h), `#/maps_demo.o/struct/${name}`);
  await page.waitFor(titleIs, title);
  await page.reload();
  await page.waitFor(() => document.body.dataset['ready'] === '1');
  await page.waitFor(titleIs, title);
  assert.equal(page.errors, []);
  await page.close();
});

test('firefox: CO-RE: an object against a loaded kernel BTF, line for line as `btfkit core OBJ --target K`', async () => {
  if (missing()) return skip(NOT_INSTALLED);
  const k = coreKernel();
  if (!k) return skip('no kernel BTF (golden/.cache/kernels or /sys/kernel/btf/vmlinux)', 'env');
  const obj = repoPath('golden', 'obj', 'core', 'core_task.o');
  const page = await openPage([k.path, obj], `#/core_task.o/core/${k.name}`);
  await page.waitFor(() => document.getElementById('core') !== null);
  const want = coreCli(obj, k);
  assert.is(await page.evaluate(text, 'core'), want);
  const marked = await page.evaluate(
    () => [...document.querySelectorAll('#core .relo.poison, #core .relo.error')].length,
  );
  assert.is(marked, want.split('\n').filter((l) => / -> (poison|error)\b/.test(l)).length);
  await shot(page, 'core');
  assert.equal(page.errors, []);
  await page.close();
});

test('firefox: the built page from disk (file://): pick an object, see its list and a type page as the CLI prints it', async () => {
  if (missing()) return skip(NOT_INSTALLED);
  const page = await openUrl(STATIC_PAGE);
  await pick(page, WEB_OBJ);
  await page.waitFor(() => document.querySelector('#list .row') !== null);
  const types = /types\s+(\d+)/.exec(cli(['stats', WEB_OBJ]).stdout)![1];
  assert.is(await page.evaluate(text, 'count'), `${types} of ${types} types`);
  const [, id, name] = /^\[(\d+)\] STRUCT '(\w+)'/m.exec(cli(['dump', WEB_OBJ]).stdout)!;
  const file = basename(WEB_OBJ);
  await page.evaluate((h) => (location.hash = h), `#/${file}/struct/${name}`);
  await page.waitFor(titleIs, `[${id}] STRUCT '${name}'`);
  assert.is(await page.evaluate(text, 'raw'), cli(['dump', '--type', `struct ${name}`, WEB_OBJ]).stdout);
  assert.is(await page.evaluate(text, 'c'), cli(['dump', '-f', 'c', '--type', `struct ${name}`, WEB_OBJ]).stdout);
  await page.evaluate((h) => (location.hash = h), `#/${file}/object`);
  await page.waitFor(() => document.getElementById('maps') !== null);
  assert.is(await page.evaluate(text, 'maps'), cli(['maps', WEB_OBJ]).stdout);
  await shot(page, 'static-file');
  assert.equal(page.errors, []);
  await page.close();
});

test.after(async () => {
  await firefox?.close();
  for (const s of servers) s.kill();
});

test.run();
