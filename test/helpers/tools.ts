/**
 * External tools for tests: whether one is installed, and running one.
 * Suites skip (test/helpers/skip.ts) when a tool they compare against is missing.
 */
import { spawnSync } from 'node:child_process';

const found = new Map<string, boolean>();

/** Returns true when `name` is on PATH (`command -v` in sh); cached per name. */
export function hasTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
    found.set(name, ok);
  }
  return ok;
}

/** What {@link run} returns. */
export interface RunResult {
  /** Exit status; null when the tool could not start or was killed. */
  status: number | null;
  /** The signal that ended the tool (`SIGSEGV` when it crashed), or null. */
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Options for {@link run}. */
export interface RunOptions {
  /** Bytes written to the tool's stdin. */
  input?: Uint8Array;
  /** Working directory. */
  cwd?: string;
  /** Kill the tool after this many milliseconds. Defaults to 60000. */
  timeoutMs?: number;
}

/** Returns the exit status, stdout and stderr of `cmd args` (no shell). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(cmd, args, {
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const stderr = r.stderr ? r.stderr.toString('utf8') : '';
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: r.error ? `${stderr}${String(r.error)}\n` : stderr,
  };
}
