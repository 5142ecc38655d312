/**
 * What the explorer's browser suites share (test/web.test.ts in Chromium,
 * test/web-firefox.test.ts in Firefox, bench/web.ts): the browsers, the
 * files they open, the CLI whose output the page must equal, and
 * `btfkit web` started on a free port.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, repoPath } from './golden.js';
import { cachedKernels } from './kernels.js';

/** Debian's chromium, and the flags the explorer's tests launch it with. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS: string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where the browser suites leave screenshots (and the files they pick). */
export const WEB_OUT: string = repoPath('test', 'output', 'web');
/** The golden object with maps and initialised variables. */
export const WEB_OBJ: string = repoPath('golden', 'obj', 'maps', 'maps_demo.o');
/** The built page, opened from disk. */
export const STATIC_PAGE: string = pathToFileURL(repoPath('dist', 'web', 'index.html')).href;

/** The kernel BTF the tests open: the running kernel's, else the newest cached one. */
export const VMLINUX: string | null = ((): string | null => {
  try {
    accessSync('/sys/kernel/btf/vmlinux', constants.R_OK);
    return '/sys/kernel/btf/vmlinux';
  } catch {
    return cachedKernels().at(-1)?.vmlinux ?? null;
  }
})();

const cliRuns = new Map<string, { stdout: string; stderr: string; status: number | null }>();

/**
 * Runs the CLI (the bundle users run). The browsers' suites ask the same
 * questions of the same files, which do not change during a run: each
 * command line runs once per process.
 */
export function cli(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const key = JSON.stringify(args);
  let r = cliRuns.get(key);
  if (!r) {
    const p = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
    r = { stdout: p.stdout, stderr: p.stderr, status: p.status };
    cliRuns.set(key, r);
  }
  return r;
}

/** Returns the id of the type `sel` names (`btfkit dump --type SEL` prints it first). */
export function idOf(file: string, sel: string): number {
  const m = /^\[(\d+)\]/.exec(cli(['dump', '--type', sel, file]).stdout);
  if (!m) throw new Error(`${sel}: not in ${file}`);
  return Number(m[1]);
}

/** Starts `btfkit web --port 0 ARGS` and resolves to its address once it prints it. */
export function serve(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, 'web', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve({ url: m[0], proc });
    });
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('exit', (code) => reject(new Error(`btfkit web exited ${code}: ${err}`)));
  });
}

/** The kernel BTF the CO-RE pages resolve against: the newest cached kernel's, else the running one's. */
export function coreKernel(): { path: string; name: string } | null {
  const path = cachedKernels().at(-1)?.vmlinux ?? VMLINUX;
  return path ? { path, name: basename(path) } : null;
}

/**
 * What `btfkit core OBJ --target K [ARGS]` prints on stdout (whatever its
 * exit status), with the two paths named as the page names them (their
 * base names).
 */
export function coreCli(obj: string, k: { path: string; name: string }, args: string[] = []): string {
  const r = cli(['core', obj, '--target', k.path, ...args]);
  if (r.stdout === '') throw new Error(`btfkit core ${obj}: exit ${r.status}: ${r.stderr}`);
  return r.stdout.replaceAll(obj, basename(obj)).replaceAll(k.path, k.name);
}
