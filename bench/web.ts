/**
 * The explorer (issue 19) in headless Chromium: from picking the kernel's
 * BTF (the page's file input, what a drop does) to a usable type list, and
 * opening `struct task_struct`'s page, both measured inside the page
 * (web/main.ts `btfkitTimings`: the browser's own clock, not the test
 * driver's file transfer). Targets: 1.5 s and 200 ms. Runs alone:
 * `node dist/bench/web.js` (BENCH_RUNS, default 5).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { BIN } from '../test/helpers/golden.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Functions passed to page.evaluate run in the page: its global, for the type checker only.
declare const location: { hash: string };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Times the explorer on `file` (`runs` fresh pages) and prints the medians against the targets. */
export async function benchWeb(file: string, runs: number): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log('chromium: not installed; skipping the explorer timings (apt-get install chromium)');
    return;
  }
  const proc = spawn(process.execPath, [BIN, 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) =>
    proc.stdout!.on('data', (d: Buffer) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(d.toString());
      if (m) resolve(m[0]);
    }),
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  const buffer = readFileSync(file);
  const drop: number[] = [];
  const type: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="1"]');
      await page.setInputFiles('#pick', { name: 'vmlinux', mimeType: 'application/octet-stream', buffer });
      await page.waitForFunction(() => location.hash === '#/vmlinux');
      await page.evaluate(() => (location.hash = '#/vmlinux/struct/task_struct'));
      await page.waitForSelector('#c');
      const t = await page.evaluate(
        () => (globalThis as unknown as { btfkitTimings: Record<string, number> }).btfkitTimings,
      );
      drop.push(t['drop']!);
      type.push(t['type']!);
      await page.close();
    }
  } finally {
    await browser.close();
    proc.kill();
  }
  const line = (label: string, xs: number[], target: number) =>
    `${label.padEnd(44)} median ${median(xs).toFixed(0).padStart(5)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})  [target < ${target} ms: ${median(xs) < target ? 'ok' : 'MISSED'}]`;
  console.log(line('web: pick vmlinux -> usable list', drop, 1500));
  console.log(line('web: open struct task_struct', type, 200));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchWeb(process.env['BENCH_BTF'] ?? '/sys/kernel/btf/vmlinux', Number(process.env['BENCH_RUNS'] ?? 5));
}
