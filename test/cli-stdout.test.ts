/**
 * Standard output that cannot be written (issue 13, defect 2): every command
 * that prints, with stdout on /dev/full, says so in one line,
 * `btfkit: <stdout>: no space left on device`, and exits 1; a pipe closed by
 * its reader (`btfkit dump | head -1`) stays silent and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, repoPath } from './helpers/golden.js';
import { skip } from './helpers/skip.js';

const OBJ = repoPath('golden', 'obj', 'xdp_pkt_counter.o');
const DATA = repoPath('golden', 'obj', 'ext', 'fixup_edges.o');
const VMLINUX = '/sys/kernel/btf/vmlinux';
const BIG = existsSync(VMLINUX) ? VMLINUX : DATA;

const PRINTING: string[][] = [
  ['dump', OBJ],
  ['dump', '-j', OBJ],
  ['dump', '-p', OBJ],
  ['dump', '-f', 'c', OBJ],
  ['dump', BIG],
  ['dump', '-f', 'c', BIG],
  ['stats', OBJ],
  ['stats', '-j', OBJ],
  ['maps', DATA],
  ['maps', '-j', DATA],
  ['vars', DATA],
  ['vars', '-j', DATA],
  ['sections', OBJ],
  ['sections', '-j', OBJ],
  ['ext', OBJ],
  ['ext', '-j', OBJ],
  ['extract', OBJ, '-o', '-'],
  ['dedup', '--stats', OBJ, '-o', '/dev/null'],
  ['--help'],
  ['dump', '--help'],
];

test('stdout on /dev/full: one line, status 1, for every printing command', () => {
  if (!existsSync('/dev/full')) return skip('/dev/full is missing: failed writes to stdout not checked', 'env');
  for (const args of PRINTING) {
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      const what = `btfkit ${args.join(' ')} > /dev/full`;
      assert.is(r.stderr, 'btfkit: <stdout>: no space left on device\n', `${what}: stderr`);
      assert.is(r.status, 1, `${what}: exit status`);
    } finally {
      closeSync(fd);
    }
  }
});

test('a pipe closed by its reader: silent, status 0', () => {
  const r = spawnSync(
    'bash',
    ['-c', `"${process.execPath}" "${BIN}" dump -f c "${BIG}" | head -c 10 >/dev/null; echo -n "\${PIPESTATUS[0]}"`],
    { encoding: 'utf8' },
  );
  assert.is(r.stderr, '');
  assert.is(r.stdout, '0');
  const s = spawnSync(
    'bash',
    ['-c', `"${process.execPath}" "${BIN}" dump "${BIG}" | head -c 10 >/dev/null; echo -n "\${PIPESTATUS[0]}"`],
    { encoding: 'utf8' },
  );
  assert.is(s.stderr, '');
  assert.is(s.stdout, '0');
});

test.run();
