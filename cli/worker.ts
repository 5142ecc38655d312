/**
 * A worker thread of cli/batch.ts: started from the CLI's entry script
 * (cli/main.ts runs this instead of the program when it is not the main
 * thread) with a {@link WorkerSetup}; takes one {@link WorkItem} per
 * message, answers one {@link WorkResult} (its bytes transferred), ends on
 * `null`. Each base BTF is parsed once per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Btf } from '../lib/btf.js';
import { type WorkItem, type WorkResult, type WorkerSetup, runItem } from './batch.js';

/** Serves work items until the main thread sends `null`. */
export function serveWorker(): void {
  const port = parentPort;
  if (port === null) return;
  const { job } = workerData as WorkerSetup;
  const bases = new Map<string, Promise<Btf>>();
  // Items are done one at a time, in the order they came.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (item: WorkItem | null) => {
    queue = queue.then(async () => {
      if (item === null) {
        port.close();
        return;
      }
      const r: WorkResult = { ...(await runItem(job, item, bases)), index: item.index };
      port.postMessage(r, r.bytes ? [r.bytes.buffer as ArrayBuffer] : []);
    });
  });
}
