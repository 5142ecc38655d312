/**
 * The Node-only file helpers: reading inputs and writing outputs atomically
 * (temporary file in the same directory, then rename), so that a failure
 * never leaves a half-written or clobbered file.
 */
import { readFileSync } from 'node:fs';
import { rename, stat, unlink, writeFile, open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BtfError, BtfErrorCode } from './errors.js';

/**
 * Returns the system's words for a failed file operation, lower case and
 * without the code and syscall Node wraps them in: `no space left on
 * device` for `ENOSPC: no space left on device, write`.
 */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const m = /^[A-Z0-9_]+: (.*?)(?:, \w+(?: '.*')?)?$/s.exec(String(err?.message ?? e));
  return (m ? m[1]! : String(err?.message ?? e)).toLowerCase();
}

/** Returns the bytes of `path`; throws BtfError(EIO) naming the file. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    // Synchronous on purpose: for sysfs files like /sys/kernel/btf/vmlinux
    // the thread-pool read is several times slower (30 ms against 5 ms).
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error).message);
    throw new BtfError(BtfErrorCode.Io, why, { file: path });
  }
}

/**
 * Writes `data` to `path` through a temporary file and rename, so a failure
 * never leaves a half-written or clobbered file. Where `path` exists and is
 * not a regular file (a device or FIFO such as /dev/stdout), a rename would
 * replace the device node itself, so those are written in place.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  let special = false;
  try {
    const st = await stat(path);
    special = !st.isFile() && !st.isDirectory();
  } catch {
    // absent (or unreadable): the temporary file and rename create it or say why not
  }
  if (special) {
    try {
      await writeFile(path, data);
    } catch (e) {
      throw new BtfError(BtfErrorCode.Io, `cannot write: ${(e as Error).message}`, { file: path });
    }
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new BtfError(BtfErrorCode.Io, `cannot write: ${(e as Error).message}`, { file: path });
  }
}

/** Returns whether `path` can be opened for reading. */
export async function readable(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    await fh.close();
    return true;
  } catch {
    return false;
  }
}
