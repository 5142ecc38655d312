/**
 * The Node-only file helpers: reading inputs and writing outputs atomically
 * (temporary file in the same directory, then rename), so that a failure
 * never leaves a half-written or clobbered file.
 */
import { readFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { chmod, chown, open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
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

/** The path that means standard input (for reading) or standard output (for writing). */
export const STDIO_PATH = '-';

/**
 * Returns the bytes of `path` (standard input for `-`); throws BtfError(EIO)
 * naming the file.
 */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    // Synchronous on purpose: for sysfs files like /sys/kernel/btf/vmlinux
    // the thread-pool read is several times slower (30 ms against 5 ms).
    const buf = readFileSync(path === STDIO_PATH ? 0 : path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : String((e as Error).message);
    throw new BtfError(BtfErrorCode.Io, why, { file: path });
  }
}

/**
 * Writes `data` to `path` through a temporary file and rename, so a failure
 * never leaves a half-written or clobbered file. Where `path` exists and is
 * not a regular file (a device or FIFO such as /dev/stdout), a rename would
 * replace the device node itself, so those are written in place.
 *
 * Replacing an existing file keeps what `sed -i --follow-symlinks` and
 * objcopy keep: a symlink is followed and its target replaced (the link
 * stays a link), and the file's permission bits and, where the process may
 * set them, owner and group carry over. Errors name `path`, never the
 * temporary file.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const fail = (e: unknown): never => {
    throw new BtfError(BtfErrorCode.Io, `cannot write: ${errnoText(e)}`, { file: path });
  };
  let target = path;
  let st: Stats | null = null;
  try {
    target = await realpath(path);
    st = await stat(target);
  } catch {
    // absent (or a dangling link, or unreadable): the temporary file and
    // rename create it or say why not
  }
  if (st && !st.isFile()) {
    if (st.isDirectory()) fail(Object.assign(new Error('EISDIR: is a directory'), { code: 'EISDIR' }));
    try {
      await writeFile(target, data);
    } catch (e) {
      fail(e);
    }
    return;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data, st ? { mode: st.mode & 0o7777 } : {});
    if (st) {
      // writeFile's mode is filtered by the umask: set the bits exactly.
      await chmod(tmp, st.mode & 0o7777);
      await chown(tmp, st.uid, st.gid).catch(() => undefined);
    }
    await rename(tmp, target);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    fail(e);
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
