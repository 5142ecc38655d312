/**
 * cli/thread.ts: the main thread and btfkit's worker threads told apart by
 * the mark in a worker's argv, without node:worker_threads.
 */
import { Worker } from 'node:worker_threads';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isWorkerThread, WORKER_ARG } from '../cli/thread.js';

test('the main thread is no worker', () => {
  assert.not.ok(isWorkerThread());
});

test('a worker started with the mark knows it, one started without it does not', async () => {
  const url = new URL('../cli/thread.js', import.meta.url).href;
  const ask = (argv: string[]) =>
    new Promise<boolean>((resolve, reject) => {
      const w = new Worker(
        `import(${JSON.stringify(url)}).then((m) => require('node:worker_threads').parentPort.postMessage(m.isWorkerThread()))`,
        { eval: true, argv },
      );
      w.once('message', (m: boolean) => {
        resolve(m);
        void w.terminate();
      });
      w.once('error', reject);
    });
  assert.is(await ask([WORKER_ARG]), true);
  assert.is(await ask([]), false);
  assert.is(await ask(['btfkit-worker']), false);
});

test('the mark holds a NUL: no argument of a command line can equal it', () => {
  assert.ok(WORKER_ARG.includes('\0'));
});

test.run();
