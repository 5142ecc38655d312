// The project's C harness over libbpf (test/harness/btfh.c, see its README).
//
// harnessPath() builds it once per process into test/harness/build/btfh when
// a C compiler (`cc`) and libbpf's headers (/usr/include/bpf/btf.h) exist, and
// returns null otherwise; harnessSkipReason() then says why, in one line.
// Set BTFKIT_SKIP_HARNESS=1 to act as if the harness were unavailable.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HarnessResult {
  stdout: Buffer;
  stderr: string;
  status: number;
}

const LIBBPF_HEADER = '/usr/include/bpf/btf.h';
const CFLAGS = ['-O2', '-g', '-Wall', '-Wextra'];

let built: { path: string | null; reason: string } | undefined;

/** The repository root: the first ancestor of this module with test/harness/btfh.c. */
function repoRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'test', 'harness', 'btfh.c'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

function hasCommand(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return r.error === undefined;
}

function firstLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '';
}

function build(): { path: string | null; reason: string } {
  if (process.env['BTFKIT_SKIP_HARNESS'] === '1') {
    return { path: null, reason: 'libbpf harness disabled by BTFKIT_SKIP_HARNESS=1' };
  }
  const root = repoRoot();
  if (root === null) return { path: null, reason: 'libbpf harness: test/harness/btfh.c not found' };
  if (!hasCommand('cc')) return { path: null, reason: 'libbpf harness: no C compiler (cc) on PATH' };
  if (!existsSync(LIBBPF_HEADER)) {
    return { path: null, reason: `libbpf harness: ${LIBBPF_HEADER} missing (apt-get install libbpf-dev)` };
  }
  const dir = join(root, 'test', 'harness');
  const out = join(dir, 'build', 'btfh');
  let r: SpawnSyncReturns<string>;
  if (hasCommand('make')) {
    // the Makefile rebuilds only when btfh.c changed, and renames into place
    r = spawnSync('make', ['-s', '-C', dir], { encoding: 'utf8' });
  } else {
    mkdirSync(join(dir, 'build'), { recursive: true });
    const tmp = `${out}.tmp.${process.pid}`;
    // libbpf.a, as the Makefile links it (`core` calls functions only the static archive exports)
    const lib = spawnSync('cc', ['-print-file-name=libbpf.a'], { encoding: 'utf8' }).stdout.trim() || 'libbpf.a';
    r = spawnSync('cc', [...CFLAGS, '-o', tmp, join(dir, 'btfh.c'), lib, '-lelf', '-lz'], { encoding: 'utf8' });
    if (r.status === 0) renameSync(tmp, out);
    else rmSync(tmp, { force: true });
  }
  if (r.error !== undefined || r.status !== 0 || !existsSync(out)) {
    const why = r.error?.message ?? firstLine(`${r.stderr ?? ''}\n${r.stdout ?? ''}`);
    return { path: null, reason: `libbpf harness: build failed: ${why || `exit status ${r.status}`}` };
  }
  return { path: out, reason: '' };
}

/** Path of the built harness, or null when it cannot be built here. */
export function harnessPath(): string | null {
  built ??= build();
  return built.path;
}

/** One line saying why harnessPath() is null ('' when it is available). */
export function harnessSkipReason(): string {
  built ??= build();
  return built.reason;
}

/**
 * Runs `btfh ARGS...` and returns its raw stdout, its stderr as text and its
 * exit status (128 + N when killed by signal N). Throws when the harness is
 * unavailable or cannot be started.
 */
export function runHarness(args: string[], opts?: { input?: Buffer }): HarnessResult {
  const path = harnessPath();
  if (path === null) throw new Error(harnessSkipReason());
  const r = spawnSync(path, args, {
    ...(opts?.input !== undefined ? { input: opts.input } : {}),
    maxBuffer: 1 << 30,
  });
  if (r.error !== undefined) throw r.error;
  let stderr = r.stderr.toString('utf8');
  let status = r.status;
  if (status === null) {
    const signal = r.signal ?? 'SIGKILL';
    status = 128 + (constants.signals[signal] ?? 9);
    stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}btfh: killed by ${signal}\n`;
  }
  return { stdout: r.stdout, stderr, status };
}
