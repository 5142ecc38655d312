/**
 * The explorer (issue 19) in headless Chromium and in Firefox ESR: from
 * picking the kernel's BTF (the page's file input, what a drop does) to a
 * usable type list, and opening `struct task_struct`'s page, both measured
 * inside the page (web/main.ts `btfkitTimings`: the browser's own clock, not
 * the test driver's file transfer). Targets: 1.5 s and 200 ms. Runs alone:
 * `node dist/bench/web.js` (BENCH_RUNS, default 5).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { FIREFOX, Firefox } from '../test/helpers/bidi.js';
import { CHROMIUM, CHROMIUM_FLAGS, serve } from '../test/helpers/web.js';
import { median } from './common.js';

// Functions passed to page.evaluate run in the page: its globals, for the type checker only.
declare const location: { hash: string };
declare const document: { body: { dataset: Record<string, string | undefined> }; getElementById(id: string): unknown };

type Timings = Record<string, number>;

/** `runs` fresh Chromium pages: pick `file` as vmlinux, open task_struct; the page's timings of each. */
async function chromiumRuns(url: string, file: string, runs: number): Promise<Timings[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const buffer = readFileSync(file);
  const out: Timings[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="1"]');
      await page.setInputFiles('#pick', { name: 'vmlinux', mimeType: 'application/octet-stream', buffer });
      await page.waitForFunction(() => location.hash === '#/vmlinux');
      await page.evaluate(() => (location.hash = '#/vmlinux/struct/task_struct'));
      await page.waitForSelector('#c');
      out.push(await page.evaluate(() => (globalThis as unknown as { btfkitTimings: Timings }).btfkitTimings));
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** The same in Firefox ESR over WebDriver BiDi (the file is picked by path: a copy named vmlinux). */
async function firefoxRuns(url: string, file: string, runs: number): Promise<Timings[]> {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-bench-web-'));
  const path = join(dir, 'vmlinux');
  copyFileSync(file, path);
  const browser = await Firefox.launch();
  const out: Timings[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitFor(() => document.body.dataset['ready'] === '1');
      await page.setFiles('#pick', [path]);
      await page.waitFor(() => location.hash === '#/vmlinux');
      await page.evaluate(() => (location.hash = '#/vmlinux/struct/task_struct'));
      await page.waitFor(() => document.getElementById('c') !== null);
      out.push(await page.evaluate(() => (globalThis as unknown as { btfkitTimings: Timings }).btfkitTimings));
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Times the explorer on `file` (`runs` fresh pages per browser) and prints the medians against the targets. */
export async function benchWeb(file: string, runs: number): Promise<void> {
  const browsers: [string, string, string, typeof chromiumRuns][] = [
    ['chromium', CHROMIUM, 'apt-get install chromium', chromiumRuns],
    ['firefox', FIREFOX, 'apt-get install firefox-esr', firefoxRuns],
  ];
  const { url, proc } = await serve([]);
  try {
    for (const [name, exe, install, run] of browsers) {
      if (!existsSync(exe)) {
        console.log(`${name}: not installed; skipping its explorer timings (${install})`);
        continue;
      }
      const t = await run(url, file, runs);
      const line = (label: string, xs: number[], target: number) =>
        `${label.padEnd(44)} median ${median(xs).toFixed(0).padStart(5)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})  [target < ${target} ms: ${median(xs) < target ? 'ok' : 'MISSED'}]`;
      console.log(
        line(
          `web (${name}): pick vmlinux -> usable list`,
          t.map((x) => x['drop']!),
          1500,
        ),
      );
      console.log(
        line(
          `web (${name}): open struct task_struct`,
          t.map((x) => x['type']!),
          200,
        ),
      );
    }
  } finally {
    proc.kill();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchWeb(process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux', Number(process.env['BENCH_RUNS'] ?? 5));
}
