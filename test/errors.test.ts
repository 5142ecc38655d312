/**
 * Error messages (issue 13, defect 6): a library error's message names the
 * file it is about; an offset inside a section of an ELF object is given
 * both ways (`.BTF+0x18, file offset 0x11d8`), and `offset` is the file's.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { BtfError, BtfErrorCode, isBtfError, messageWithoutFile } from '../lib/errors.js';
import { openObject, parseBtf, readBtfFile } from '../lib/object/open.js';
import { repoPath } from './helpers/golden.js';

const OBJ = repoPath('golden', 'obj', 'xdp_pkt_counter.o');

/** The object with the kind of its first type set to 31, and where its .BTF starts. */
function corrupted(): { bytes: Uint8Array; btfAt: number } {
  const bytes = new Uint8Array(readFileSync(OBJ));
  const btfAt = Buffer.from(bytes).indexOf(Buffer.from([0x9f, 0xeb, 1, 0, 24, 0, 0, 0]));
  bytes[btfAt + 24 + 7] = 0x1f;
  return { bytes, btfAt };
}

test('a file that cannot be read: the message names it', async () => {
  for (const read of [() => readBtfFile('/no/such/file.btf'), () => Btf.fromFile('/no/such/file.btf')]) {
    let err: unknown;
    try {
      await read();
    } catch (e) {
      err = e;
    }
    assert.ok(isBtfError(err));
    assert.is((err as BtfError).message, '/no/such/file.btf: no such file');
    assert.is((err as BtfError).detail, 'no such file');
  }
});

test('an offset inside .BTF of an object: section offset and file offset', () => {
  const { bytes, btfAt } = corrupted();
  for (const open of [() => parseBtf(bytes, { file: 'x.o' }), () => openObject(bytes, { file: 'x.o' })]) {
    let err: unknown;
    try {
      open();
    } catch (e) {
      err = e;
    }
    assert.ok(isBtfError(err));
    const e = err as BtfError;
    assert.is(e.offset, btfAt + 24);
    assert.is(e.sectionOffset, 24);
    assert.is(e.message, `x.o: type [1]: unknown kind 31 (.BTF+0x18, file offset 0x${(btfAt + 24).toString(16)})`);
    assert.is(
      messageWithoutFile(e),
      `type [1]: unknown kind 31 (.BTF+0x18, file offset 0x${(btfAt + 24).toString(16)})`,
    );
  }
});

test('raw BTF: one offset; no file, no prefix', () => {
  const e = new BtfError(BtfErrorCode.BadType, 'type [1]: unknown kind 31', { offset: 0x18 });
  assert.is(e.message, 'type [1]: unknown kind 31 (offset 0x18)');
  e.withFile('-');
  assert.is(e.message, '<stdin>: type [1]: unknown kind 31 (offset 0x18)');
});

test.run();
