/**
 * Real kernels' BTF from Debian's kernel packages, as golden/kernels.sh
 * leaves it in its cache (`$BTFKIT_KERNEL_CACHE`, default
 * golden/.cache/kernels, outside git): per kernel release a `vmlinux.btf`,
 * `modules/NAME.btf` (split BTF over that vmlinux) and `manifest.json`.
 * Suites list what is there, pick deterministic samples of modules, and say
 * why they skip when the script has not run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from './golden.js';

/** The series golden/kernels.sh fetches by default; tests expect one kernel of each. */
export const KERNEL_SERIES = ['6.1', '6.12'] as const;

/** Where golden/kernels.sh keeps the kernels: `$BTFKIT_KERNEL_CACHE`, else golden/.cache/kernels. */
export const KERNEL_CACHE: string = process.env['BTFKIT_KERNEL_CACHE'] || repoPath('golden', '.cache', 'kernels');

/** What golden/kernels.sh records per kernel (manifest.json). */
export interface KernelManifest {
  package: string;
  version: string;
  release: string;
  series: string;
  debSize: number;
  debSha256: string;
  kernelCompression: string;
  moduleCompression: string;
  vmlinuxSize: number;
  vmlinuxSha256: string;
  modules: number;
  modulesWithoutBtf: string[];
}

/** One kernel in the cache. */
export interface CachedKernel {
  /** The kernel release, `6.1.0-57-cloud-amd64`: the directory's name. */
  release: string;
  series: string;
  /** Absolute path of the kernel's directory in the cache. */
  dir: string;
  /** Absolute path of its raw BTF. */
  vmlinux: string;
  manifest: KernelManifest;
}

/** One module's split BTF. */
export interface KernelModule {
  /** The module's name (`xfs` for xfs.ko). */
  name: string;
  /** Absolute path of its raw split BTF. */
  path: string;
  /** Path relative to the kernel's directory (`modules/xfs.btf`). */
  rel: string;
  size: number;
}

function seriesOrder(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

/** Returns every complete kernel in the cache (a manifest and a vmlinux.btf), oldest series first; [] without a cache. */
export function cachedKernels(): CachedKernel[] {
  if (!existsSync(KERNEL_CACHE)) return [];
  const out: CachedKernel[] = [];
  for (const release of readdirSync(KERNEL_CACHE).sort()) {
    const dir = join(KERNEL_CACHE, release);
    const manifestPath = join(dir, 'manifest.json');
    const vmlinux = join(dir, 'vmlinux.btf');
    if (release.startsWith('.') || !existsSync(manifestPath) || !existsSync(vmlinux)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as KernelManifest;
    out.push({ release, series: manifest.series, dir, vmlinux, manifest });
  }
  return out.sort((a, b) => seriesOrder(a.series, b.series) || a.release.localeCompare(b.release));
}

/**
 * Returns one line per expected series missing from the cache (`6.12: no
 * kernel in golden/.cache/kernels; run golden/kernels.sh`), [] when all are
 * there.
 */
export function missingKernels(kernels: readonly CachedKernel[]): string[] {
  const hint = existsSync(KERNEL_CACHE) ? '' : ' (no cache yet)';
  return KERNEL_SERIES.filter((s) => !kernels.some((k) => k.series === s)).map(
    (s) => `${s}: no kernel in ${KERNEL_CACHE}${hint}; run golden/kernels.sh`,
  );
}

/** Returns a kernel's modules, sorted by name. */
export function kernelModules(k: CachedKernel): KernelModule[] {
  const dir = join(k.dir, 'modules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.btf'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return { name: f.slice(0, -4), path, rel: `modules/${f}`, size: statSync(path).size };
    });
}

/**
 * Returns a deterministic sample of `mods`: `spread` modules evenly spaced in
 * name order, then the `largest` largest (by BTF size) not already taken, in
 * that order. `spread` of Infinity (or at least the count) returns them all.
 */
export function sampleModules(mods: readonly KernelModule[], spread: number, largest = 0): KernelModule[] {
  if (spread >= mods.length) return [...mods];
  const picked = new Set<KernelModule>();
  for (let i = 0; i < spread; i++) picked.add(mods[Math.floor(((i + 0.5) * mods.length) / spread)]!);
  const big = [...mods].sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
  for (const m of big) {
    if (largest <= 0) break;
    if (!picked.has(m)) {
      picked.add(m);
      largest--;
    }
  }
  return [...picked];
}

/** What {@link spawnAsync} resolves to. */
export interface AsyncRun {
  /** Exit status; null when killed. */
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

let spawnDir: string | undefined;
let spawnSeq = 0;

/**
 * Runs `cmd args` (no shell) in the background and resolves with its status
 * and output once it exits; rejects when it cannot start. Its stdout and
 * stderr go to temporary files, not pipes, so that it runs to the end while
 * the test computes btfkit's side synchronously (a full pipe would stop it).
 */
export function spawnAsync(cmd: string, args: readonly string[], opts: { cwd?: string } = {}): Promise<AsyncRun> {
  spawnDir ??= mkdtempSync(join(tmpdir(), 'btfkit-kernels-'));
  const base = join(spawnDir, String(spawnSeq++));
  const outFd = openSync(`${base}.out`, 'w');
  const errFd = openSync(`${base}.err`, 'w');
  const collect = (): { stdout: Buffer; stderr: string } => {
    const r = { stdout: readFileSync(`${base}.out`), stderr: readFileSync(`${base}.err`, 'utf8') };
    rmSync(`${base}.out`, { force: true });
    rmSync(`${base}.err`, { force: true });
    return r;
  };
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
        stdio: ['ignore', outFd, errFd],
      });
    } finally {
      closeSync(outFd);
      closeSync(errFd);
    }
    child.on('error', (e) => {
      collect();
      reject(e);
    });
    child.on('close', (status) => resolve({ status, ...collect() }));
  });
}

/** Removes what {@link spawnAsync} left behind (call from `test.after`). */
export function cleanupSpawns(): void {
  if (spawnDir !== undefined) rmSync(spawnDir, { recursive: true, force: true });
  spawnDir = undefined;
}
