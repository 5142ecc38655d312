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

// ------------------------------------------------------------ file names
//
// Linux file names are bytes, not text: `caf\xe9.o` (Latin-1) is a name bpftool
// opens, but Node decodes the command line as UTF-8 and turns the byte into
// U+FFFD, a different name. btfkit keeps such names as Python's
// "surrogateescape" does: each byte that is not part of valid UTF-8 becomes
// the lone surrogate U+DC80 + byte, which no valid UTF-8 decodes to. The
// string then goes through the program as any name; `osPath` turns it back
// into the original bytes for the system, `osBytes` for printing.

/** Returns `bytes` (a file name as the system gives it) as a string, each byte of invalid UTF-8 as U+DC80 + byte. */
export function fromOsBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= bytes.length;
    for (let k = 1; ok && k < n; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
    if (ok && n === 3) {
      const c1 = bytes[i + 1]!;
      ok = !(b === 0xe0 && c1 < 0xa0) && !(b === 0xed && c1 >= 0xa0); // overlong, UTF-16 surrogates
    }
    if (ok && n === 4) {
      const c1 = bytes[i + 1]!;
      ok = !(b === 0xf0 && c1 < 0x90) && !(b === 0xf4 && c1 >= 0x90); // overlong, past U+10FFFF
    }
    if (ok) {
      out += new TextDecoder().decode(bytes.subarray(i, i + n));
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

/** Whether `s` holds an escaped byte (see {@link fromOsBytes}). */
function hasEscapes(s: string): boolean {
  return /[\udc80-\udcff]/.test(s);
}

/** Returns the bytes `s` stands for: UTF-8, each escaped byte (see {@link fromOsBytes}) as itself. */
export function osBytes(s: string): Uint8Array {
  if (!hasEscapes(s)) return new TextEncoder().encode(s);
  const enc = new TextEncoder();
  const parts: number[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xdc80 && c <= 0xdcff) parts.push(c - 0xdc00);
    else for (const x of enc.encode(ch)) parts.push(x);
  }
  return Uint8Array.from(parts);
}

/** Returns `path` as the file system wants it: the string itself, or its bytes when it holds escaped bytes. */
export function osPath(path: string): string | Buffer {
  return hasEscapes(path) ? Buffer.from(osBytes(path)) : path;
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
    const buf = readFileSync(path === STDIO_PATH ? 0 : osPath(path));
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
 * temporary file. An array of parts is written one after the other.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string | readonly Uint8Array[]): Promise<void> {
  const fail = (e: unknown): never => {
    throw new BtfError(BtfErrorCode.Io, `cannot write: ${errnoText(e)}`, { file: path });
  };
  let target = path;
  let st: Stats | null = null;
  try {
    target = fromOsBytes(await realpath(osPath(path), { encoding: 'buffer' }));
    st = await stat(osPath(target));
  } catch {
    // absent (or a dangling link, or unreadable): the temporary file and
    // rename create it or say why not
  }
  if (st && !st.isFile()) {
    if (st.isDirectory()) fail(Object.assign(new Error('EISDIR: is a directory'), { code: 'EISDIR' }));
    try {
      await writeFile(osPath(target), data);
    } catch (e) {
      fail(e);
    }
    return;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(osPath(tmp), data, st ? { mode: st.mode & 0o7777 } : {});
    if (st) {
      // writeFile's mode is filtered by the umask: set the bits exactly.
      await chmod(osPath(tmp), st.mode & 0o7777);
      await chown(osPath(tmp), st.uid, st.gid).catch(() => undefined);
    }
    await rename(osPath(tmp), osPath(target));
  } catch (e) {
    await unlink(osPath(tmp)).catch(() => undefined);
    fail(e);
  }
}

/** Returns whether `path` can be opened for reading. */
export async function readable(path: string): Promise<boolean> {
  try {
    const fh = await open(osPath(path), 'r');
    await fh.close();
    return true;
  } catch {
    return false;
  }
}
