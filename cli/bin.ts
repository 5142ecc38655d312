#!/bin/sh
/**
 * The package's `bin` (dist/bin/btfkit.cjs): runs the bundled command line
 * (dist/bin/main.js, built from cli/main.ts by cli/bundle.mjs) with V8's
 * code cache, on every Node from 20 on.
 *
 * cli/bundle.mjs builds it as a CommonJS file: an ES module entry makes
 * Node 20 start its ES module loader first (2 ms a run; Node 24 has it in
 * its start-up snapshot). So this file uses `require` and `__filename`,
 * which the CommonJS wrapper gives it, and has no `await` at its top level.
 *
 * The bundle is a script, compiled with `vm.Script`: V8 hands back cached
 * data for a script (Node 20 has no compile cache for modules, and Node
 * 22's `module.enableCompileCache` covers only modules its loader loads,
 * which the bundle is not).
 * The cache is made at the end of a run, so it holds the functions that run
 * compiled too, not only the top level; one file per command and options
 * (`dump.-f.c`, `merge.-o`, ...: {@link cacheTag}), since each runs
 * different functions. It lives in
 * `$TMPDIR/btfkit-compile-cache-UID/`, named after the Node version, the
 * architecture, the bundle's id (a hash of its text, made by the build) and
 * that tag. V8 checks its own version and flags and refuses data made
 * under others (`cachedDataRejected`); the run then compiles as without a
 * cache and writes a fresh file (atomically: a temporary name, then a
 * rename); files not written for a week go then (other builds' caches, or
 * a cache in use, made again). Any failure to read or write the cache is ignored. Worker
 * threads (batches, `core`) start here too and only read the cache
 * (cli/thread.ts tells them apart).
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own.
 *
 * The file is also a shell script (cli/bundle.mjs writes its first two
 * lines): run as a program it starts in /bin/sh, which drops
 * NODE_EXTRA_CA_CERTS from the environment and execs `node` on itself, where
 * the second line is a string and a comment. Node 20 and 21 read the
 * certificates that variable names at start-up, before any script runs (on
 * a machine whose variable names the system's bundle: 30 ms of a 50 ms
 * `node -e 0`); btfkit opens no TLS connection, so it needs none of them.
 * Node 22 and later read them only when TLS is used. `node btfkit.cjs` runs
 * it as before.
 *
 * The shell also gives Node `--v8-pool-size`: one V8 helper thread per
 * online CPU but the first, at most 4 (Node's default, which it keeps where
 * /sys/devices/system/cpu/online is missing or names more than 4 CPUs).
 * Those threads run TurboFan's compile jobs and the GC's helpers. A
 * one-shot run asks for dozens of compile jobs at once; with more threads
 * than spare cores they take turns with the main thread on its own core.
 * On 2 cores, one helper instead of four takes 3-9% off every command's
 * wall time over a kernel (CHANGELOG has the figures), batches over worker
 * threads unchanged. The pool is a process option, so it cannot be set from
 * JavaScript: `node btfkit.cjs` keeps Node's default.
 *
 * And the shell tunes glibc's malloc, through GLIBC_TUNABLES (its three
 * settings first, a user's own tunables after them, so that theirs win):
 * - `glibc.malloc.hugetlb=1`: malloc asks the kernel for transparent huge
 *   pages (`madvise`) for its heap and its large blocks, which is where
 *   the input file, the typed arrays and TurboFan's compile zones live.
 *   Where THP is `madvise` (many distributions' default), memory is then
 *   touched in 2 MiB pages instead of 4 KiB ones;
 * - `glibc.malloc.mmap_threshold=33554432` and
 *   `glibc.malloc.trim_threshold=268435456`: blocks under 32 MiB come from
 *   the heap, and the heap is not given back to the kernel before 256 MiB
 *   of it are free, so a block freed and asked for again (typed arrays,
 *   compile zones) reuses pages already touched instead of mapping fresh
 *   ones (the first without the second measured worse: the heap was given
 *   back and touched again).
 * Page faults a run (Node 20, vmlinux, medians of 5; none -> hugetlb ->
 * all three): raw dump 5,172 -> 4,352 -> 3,646; `-j` 5,259 -> 4,564 ->
 * 3,851; `-f c` 6,988 -> 5,005 -> 4,098; `--bpftool 7.8` 8,745 -> 5,309 ->
 * 4,162; layout 9,817 -> 7,114 -> 5,886; dedup 9,037 -> 6,511 -> 3,938;
 * merge of vmlinux with itself 19,380 -> 9,092 -> 4,502; a small
 * object's 3,046 -> 3,020. Peak RSS 0-9% higher (merge 102 -> 109 MB; a
 * batch over 1,138 modules 291 -> 334 MB). On a virtual machine where a
 * fault costs 10-30 us (this one), interleaved medians: `dump -f c
 * --bpftool 7.8` 386 -> 335 ms with huge pages (Node 24 367 -> 311), then
 * 275 -> 258 ms with the thresholds too (on a quieter spell); raw 182 ->
 * 166; `-j` 196 -> 185; layout 309 -> 282; dedup 308 -> 259, then 286 ->
 * 235; merge 553 -> 436, then 462 -> 411; a batch `dump -f c -O` over
 * Debian 6.12's 1,138 modules 13.2 -> 11.5 s; a small object and `node -e
 * 0` alike. Where THP is `always` or `never` the first setting changes
 * nothing; where the C library is not glibc (2.35 or later for the
 * first), none does. btfkit starts no other process, so nothing else
 * inherits them.
 */
import type * as Fs from 'node:fs';
import type * as Os from 'node:os';
import type * as Path from 'node:path';
import type * as Url from 'node:url';
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';
import { isWorkerThread } from './thread.js';
import { flagGiven, recordTierFlags, tierFlags } from './tiers.js';

/**
 * Node's built-ins through CommonJS's `require`, never `import`: an import
 * of a built-in makes its ES module face, which reads every export (node:fs's
 * `promises` loads the whole fs/promises, readline and streams stack) and
 * costs a few milliseconds a run. The bundle reaches its built-ins through
 * the same function.
 */
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } =
  require('node:fs') as typeof Fs;
const { availableParallelism, tmpdir } = require('node:os') as typeof Os;
const { join } = require('node:path') as typeof Path;
const { pathToFileURL } = require('node:url') as typeof Url;
const { Script } = require('node:vm') as typeof Vm;

/**
 * TurboFan's inlining budget, smaller than V8's default (920 bytes of
 * bytecode inlined into one function, cumulative). btfkit is a one-shot
 * command whose hot functions run for a fraction of a second, so what counts
 * is how soon optimised code arrives more than how good it is once there:
 * with 150, TurboFan compiles smaller graphs and hands them over sooner. On
 * Node 20 and 22 that takes 5-15% off a kernel's layout, C dump, dedup and
 * merge; on Node 24 a few per cent of CPU (CHANGELOG has the figures; 100
 * and 250 measured worse or no better). Set before the bundle is compiled,
 * so V8's code cache is made and checked under the same flags. A budget
 * given on node's own command line wins.
 */
const INLINE_BUDGET = '--max-inlined-bytecode-size-cumulative=150';

/** The bundle's id, built in by cli/bundle.mjs (esbuild's `define`). */
declare const __BTFKIT_BUNDLE_ID__: string;

const file = join(__dirname, 'main.js');
// The bundle is ASCII (esbuild escapes the rest; cli/bundle.mjs checks), so
// latin1 reads the same text as UTF-8 would, without decoding it: 3 M
// instructions (0.5 ms) less a run.
const source = readFileSync(file, 'latin1');
/**
 * The cache's name for a run with `args`: the command, then the name of
 * each option given and the value of `-f`/`--format` however spelt
 * (`dump.-f.c.--bpftool`), never a file. A cache holds the functions of
 * the run that made it, and a C dump, a JSON dump and a raw one run
 * different functions: with one cache per command, whichever ran first
 * after a build would leave the others to compile theirs on every run (a
 * kernel's sorted C dump after a raw one: 21 M instructions more per run).
 * `-` for no command or an odd one.
 */
function cacheTag(args: readonly string[]): string {
  const command = args.find((a) => !a.startsWith('-')) ?? '';
  if (!/^[a-z0-9-]{1,20}$/.test(command)) return '-';
  const parts = [command];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-' || a === '--') continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    let format: string | undefined;
    if (name === '-f' || name === '--format') format = eq < 0 ? args[i + 1] : a.slice(eq + 1);
    else if (/^-f[a-z]/.test(name)) format = name.slice(2);
    const key = format !== undefined ? '-f' : name;
    if (/^--?[a-z0-9][a-z0-9-]{0,23}$/.test(key) && !parts.includes(key)) parts.push(key);
    if (format !== undefined && /^[a-z0-9]{1,8}$/.test(format) && !parts.includes(format)) parts.push(format);
  }
  const tag = parts.join('.');
  return tag.length <= 80 ? tag : command;
}

const tag = cacheTag(process.argv.slice(2));
/**
 * The V8 flags the bin sets: the inlining budget, and V8's top tier off
 * where it slows a one-shot run (cli/tiers.ts); a flag given to node wins.
 * Set before the bundle is compiled, so V8's code cache is made and checked
 * under them.
 */
const v8Flags = [
  INLINE_BUDGET,
  ...tierFlags(tag, Number(process.versions.node.split('.')[0]), availableParallelism()),
].filter((flag) => !flagGiven(flag, process.execArgv));
const setV8Flags = (): void => {
  for (const flag of v8Flags) (require('node:v8') as typeof V8).setFlagsFromString(flag);
};
setV8Flags();
recordTierFlags(v8Flags);

let cacheFile: string | null = null;
let cached: Buffer | undefined;
if (process.env['NODE_DISABLE_COMPILE_CACHE'] !== '1') {
  const dir = join(tmpdir(), `btfkit-compile-cache-${process.getuid?.() ?? 'user'}`);
  cacheFile = join(dir, `${process.version}-${process.arch}-${__BTFKIT_BUNDLE_ID__}-${tag}.v8`);
  try {
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
}
const script = new Script(source, { filename: file, ...(cached ? { cachedData: cached } : {}) });
if (cacheFile && !isWorkerThread() && (!cached || script.cachedDataRejected)) {
  const path = cacheFile;
  process.once('exit', () => {
    try {
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${process.pid}.tmp`;
      // The flags the bundle was compiled under (a batch changed them: cli/tiers.ts `longRun`).
      setV8Flags();
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, path);
      const dir = join(path, '..');
      const old = Date.now() - 7 * 24 * 3600 * 1000;
      for (const f of readdirSync(dir)) if (statSync(join(dir, f)).mtimeMs < old) unlinkSync(join(dir, f));
    } catch {
      // no cache this time
    }
  });
}
const run = script.runInThisContext() as (require: (id: string) => unknown, url: string) => Promise<void>;
// The bundle's `import.meta.url` is this file's: a worker thread it starts runs this bin again.
void run(require, pathToFileURL(__filename).href);
