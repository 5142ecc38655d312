/**
 * Scratch directories for tests: each made under the system's temporary
 * directory, all removed by one exit hook when the test process ends.
 * test/run.mjs runs every suite in one process, so one hook for all of
 * them, not one per file (Node warns past ten `exit` listeners).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs: string[] = [];

/** Makes a fresh directory `$TMPDIR/btfkit-NAME-XXXXXX`, removed with everything in it when the process exits. */
export function scratchDir(name: string): string {
  if (dirs.length === 0) {
    process.on('exit', () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), `btfkit-${name}-`));
  dirs.push(dir);
  return dir;
}
