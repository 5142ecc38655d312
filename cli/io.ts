import { writeSync } from 'node:fs';
import { CHUNK_DONE } from '../lib/dump/bytes.js';
import { osBytes } from '../lib/io.js';

/**
 * What a command needs from its surroundings, so that tests can run the
 * commander program in-process and capture everything.
 */
export interface CliIo {
  /**
   * Writes to standard output; returns lib/dump/bytes.ts `CHUNK_DONE` when
   * the bytes were written out and the chunk may be filled again (so that
   * `(c) => io.out(c)` is a sink that lets a writer reuse its buffer).
   */
  out(chunk: string | Uint8Array): unknown;
  /** Writes to standard error. */
  err(chunk: string): void;
  /** Whether standard error is a terminal (progress is shown only then; ask only when progress could be shown). */
  stderrIsTTY: boolean;
  /** Environment variables. */
  env: Record<string, string | undefined>;
  /** The CLI's entry script, which serves batch work when started as a worker thread (cli/batch.ts); absent: no workers. */
  workerEntry?: URL;
}

/** Returns `c` for writing: a string holding escaped bytes of a file name (lib/io.ts `fromOsBytes`) as those bytes. */
function forOutput(c: string | Uint8Array): string | Uint8Array {
  return typeof c === 'string' && /[\udc80-\udcff]/.test(c) ? osBytes(c) : c;
}

/**
 * The process's own io; `workerEntry` is the entry script, for worker
 * threads. Standard output is written with `writeSync(1)`: Node's
 * `process.stdout` stream, made on first use, costs some 10 M instructions
 * (2 ms) of every run. The first write that fails (a closed pipe, a full
 * disk, a non-blocking descriptor) hands what is left to `process.stdout`
 * instead, for good: the stream meets the same failure and reports it to
 * `onStdoutError` (or waits for a non-blocking descriptor to drain), as
 * every write went through it before. Standard error is the stream, made
 * when first written or asked whether it is a terminal.
 */
export function processIo(
  workerEntry?: URL,
  onStdoutError?: (e: NodeJS.ErrnoException) => void,
): CliIo & { pendingOutput(): boolean; stdioHandles(): number } {
  let streamed = false;
  // Whether process.stderr was made (writing to it, or asking whether it is a terminal).
  let errMade = false;
  const toStream = (rest: Uint8Array): unknown => {
    if (!streamed) {
      streamed = true;
      if (onStdoutError) process.stdout.on('error', onStdoutError);
    }
    process.stdout.write(rest);
    // Files, pipes and terminals are written synchronously on Linux: nothing is left queued.
    return process.stdout.writableLength === 0 ? CHUNK_DONE : undefined;
  };
  return {
    ...(workerEntry ? { workerEntry } : {}),
    out: (c) => {
      const o = forOutput(c);
      const b = typeof o === 'string' ? Buffer.from(o, 'utf8') : o;
      if (streamed) return toStream(b);
      let at = 0;
      try {
        while (at < b.length) at += writeSync(1, b, at);
      } catch {
        return toStream(b.subarray(at));
      }
      return CHUNK_DONE;
    },
    err: (c) => {
      errMade = true;
      process.stderr.write(forOutput(c));
    },
    get stderrIsTTY() {
      errMade = true;
      return Boolean(process.stderr.isTTY);
    },
    env: process.env,
    /**
     * Whether output may still be on its way: a failed write handed standard
     * output to `process.stdout` (which may report on a later tick), or
     * standard error holds queued bytes (a non-blocking descriptor).
     */
    pendingOutput: () => streamed || (errMade && process.stderr.writableLength > 0),
    /** How many handles of the event loop are this io's own: standard error's, once made (a terminal or a pipe). */
    stdioHandles: () => (errMade ? 1 : 0),
  };
}

/** Returns an io that records output, for tests. */
export function memoryIo(
  env: Record<string, string | undefined> = {},
): CliIo & { stdout(): string; stdoutBytes(): Uint8Array; stderr(): string } {
  const outParts: Uint8Array[] = [];
  const errParts: string[] = [];
  const enc = new TextEncoder();
  return {
    out: (c) => {
      outParts.push(typeof c === 'string' ? enc.encode(c) : c);
    },
    err: (c) => {
      errParts.push(c);
    },
    stderrIsTTY: false,
    env,
    stdoutBytes() {
      const n = outParts.reduce((a, p) => a + p.length, 0);
      const all = new Uint8Array(n);
      let at = 0;
      for (const p of outParts) {
        all.set(p, at);
        at += p.length;
      }
      return all;
    },
    stdout() {
      return new TextDecoder().decode(this.stdoutBytes());
    },
    stderr() {
      return errParts.join('');
    },
  };
}
