/**
 * Input bytes as plain views.
 *
 * Callers hand btfkit any `Uint8Array`: a Node `Buffer` (often a slice of a
 * shared 8 KiB pool, and whose `slice()` is a view, not a copy), a
 * `subarray` at an odd offset of a larger buffer, a view over a
 * `SharedArrayBuffer`. Code that then calls `slice()` to take a private copy,
 * or builds a `DataView` over `.buffer` from offset 0, misreads or writes the
 * caller's bytes. Every entry point that takes bytes therefore passes them
 * through {@link inputBytes} first: the result is a plain `Uint8Array` over
 * the same memory (no copy), whose `slice()` copies and whose `subarray()`
 * stays plain. btfkit never writes to it.
 */
import { BtfError, BtfErrorCode } from './errors.js';

/**
 * Returns `bytes` as a plain `Uint8Array` view of the same memory (the
 * argument itself when it already is one); throws BtfError EINVAL when it
 * is not a `Uint8Array`. `what` names the argument in the message.
 */
export function inputBytes(bytes: unknown, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new BtfError(BtfErrorCode.InvalidArgument, `${what} expects a Uint8Array`);
  if (Object.getPrototypeOf(bytes) === Uint8Array.prototype) return bytes;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
