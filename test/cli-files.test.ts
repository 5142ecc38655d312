/**
 * Output files (issue 13, defect 5 and part of 6): replacing an existing
 * file keeps its permission bits, writes through a symlink instead of
 * replacing the link, and a failed write names the output, not a temporary
 * file.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, repoPath } from './helpers/golden.js';
import { scratchDir } from './helpers/scratch.js';

const OBJ = repoPath('golden', 'obj', 'global_data_layout.o');
const work = scratchDir('files');

function btfkit(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('attach -i keeps the mode of the object and writes through a symlink', () => {
  const real = join(work, 'real.o');
  const link = join(work, 'link.o');
  copyFileSync(OBJ, real);
  chmodSync(real, 0o640);
  symlinkSync('real.o', link);
  const r = btfkit('attach', '--fixup', '-i', link);
  assert.is(r.stderr, '');
  assert.is(r.status, 0);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.is(readlinkSync(link), 'real.o');
  assert.is(statSync(real).mode & 0o7777, 0o640, 'the mode is kept');
  assert.is.not(Buffer.compare(readFileSync(real), readFileSync(OBJ)), 0, 'the target was rewritten');
});

test('-o over an existing file keeps its mode (convert, extract, dedup, merge)', () => {
  const out = join(work, 'out.btf');
  for (const args of [
    ['convert', OBJ, '-o', out],
    ['extract', OBJ, '-o', out],
    ['dedup', OBJ, '-o', out],
    ['merge', OBJ, OBJ, '-o', out],
  ]) {
    writeFileSync(out, 'old');
    chmodSync(out, 0o600);
    const r = btfkit(...args);
    assert.is(r.status, 0, args.join(' '));
    assert.is(statSync(out).mode & 0o7777, 0o600, `${args[0]}: the mode is kept`);
    assert.is.not(readFileSync(out, 'utf8'), 'old');
  }
});

test('a failed write names the output, not a temporary file', () => {
  const out = join(work, 'no-such-dir', 'x.btf');
  const r = btfkit('convert', OBJ, '-o', out);
  assert.is(r.status, 1);
  assert.is(r.stderr, `btfkit: ${out}: cannot write: no such file or directory\n`);
  const dir = btfkit('convert', OBJ, '-o', work);
  assert.is(dir.status, 1);
  assert.is(dir.stderr, `btfkit: ${work}: cannot write: is a directory\n`);
});

/** Runs btfkit through sh, so that `printf` gives arguments bytes that are not UTF-8 (spawn's arguments are strings). */
function shBtfkit(script: string): { status: number | null; stdout: Buffer; stderr: Buffer } {
  const r = spawnSync('sh', ['-c', script, 'sh', process.execPath, BIN, work, OBJ], { maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('file names that are not UTF-8 open, are written and print as their bytes, as bpftool takes them', () => {
  const latin1 = Buffer.concat([Buffer.from(`${work}/caf`), Buffer.from([0xe9]), Buffer.from('.o')]);
  copyFileSync(OBJ, latin1);
  const dump = shBtfkit(`"$1" "$2" dump "$(printf '%s/caf\\351.o' "$3")"`);
  assert.is(dump.status, 0, dump.stderr.toString());
  assert.ok(dump.stdout.equals(spawnSync(process.execPath, [BIN, 'dump', OBJ]).stdout));
  // an output named so: the exact bytes, and a second write keeps going through it
  const out = shBtfkit(`"$1" "$2" convert "$4" -o "$(printf '%s/out\\377.btf' "$3")"`);
  assert.is(out.status, 0, out.stderr.toString());
  const made = Buffer.concat([Buffer.from(`${work}/out`), Buffer.from([0xff]), Buffer.from('.btf')]);
  assert.ok(statSync(made).size > 0);
  // errors print the name's bytes, not U+FFFD
  const missing = shBtfkit(`"$1" "$2" dump "$(printf '%s/gone\\351.o' "$3")"`);
  assert.is(missing.status, 1);
  assert.ok(
    missing.stderr.equals(
      Buffer.concat([Buffer.from(`btfkit: ${work}/gone`), Buffer.from([0xe9]), Buffer.from('.o: no such file\n')]),
    ),
    missing.stderr.toString(),
  );
  // a name that is valid UTF-8 is untouched
  const utf8 = join(work, 'café.o');
  copyFileSync(OBJ, utf8);
  assert.is(btfkit('dump', utf8).status, 0);
});

test.run();
