/**
 * What `#io` is where there is no file system (the package.json `imports`
 * map's `browser` condition): the file entry points (`Btf.fromFile`,
 * `readBtfFile`) throw instead of pulling `node:fs` into a browser bundle.
 * Read the bytes another way (a `File`, `fetch`) and pass them to
 * `Btf.parse` or `parseBtf`.
 */
import { BtfError, BtfErrorCode } from './errors.js';

/** Throws BtfError(EIO): a browser has no file system to read `path` from. */
export async function readInput(path: string): Promise<Uint8Array> {
  throw new BtfError(BtfErrorCode.Io, 'no file system here: pass the bytes to Btf.parse or parseBtf', { file: path });
}
