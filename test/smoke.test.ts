import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isBtfError, BtfError, BtfErrorCode } from '../lib/errors.js';

test('BtfError is recognised by name', () => {
  const e = new BtfError(BtfErrorCode.BadHeader, 'bad magic 0x1234', { offset: 0 });
  assert.ok(isBtfError(e));
  assert.is(e.message, 'bad magic 0x1234 (offset 0x0)');
});

test.run();
