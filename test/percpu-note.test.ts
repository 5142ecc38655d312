/**
 * `.percpu` and non-BPF objects in `maps`/`vars` (issue 13, defect 7): the
 * one-line note on stderr appears exactly for the objects libbpf 1.1.2
 * refuses to open because their code uses a `.percpu` variable (checked
 * against libbpf through the harness), and an object that is not for the
 * BPF machine is refused as libbpf refuses it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN } from './helpers/golden.js';
import { harnessPath, harnessSkipReason } from './helpers/harness.js';
import { allObjectPaths } from './helpers/objects.js';
import { skip } from './helpers/skip.js';
import { hasTool } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

const work = scratchDir('percpu');

function btfkit(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('the .percpu note appears exactly where libbpf 1.1.2 refuses the object', () => {
  const h = harnessPath();
  if (!h) return skip(`.percpu note not checked against libbpf: ${harnessSkipReason()}`);
  let noted = 0;
  for (const obj of allObjectPaths().filter((p) => !p.includes('.bpfeb.') && !p.includes('/maps/bad_defs'))) {
    const ours = btfkit(['maps', obj]);
    const note = ours.stderr.includes('note: its code uses .percpu');
    const libbpf = spawnSync(h, ['maps', obj], { encoding: 'utf8' });
    const refused = libbpf.status !== 0 && libbpf.stderr.includes('Relocation failed');
    if (note) noted++;
    assert.is(note, refused, `${obj}: note ${note}, libbpf refused ${refused}: ${libbpf.stderr.trim()}`);
  }
  assert.ok(noted >= 2, `objects with the note: ${noted}`);
});

test('maps and vars refuse an object that is not for the BPF machine', () => {
  if (!hasTool('clang-19')) return skip('clang-19 not installed: no i386 object to refuse');
  const src = join(work, 'i.c');
  writeFileSync(src, 'int x = 1;\n');
  const obj = join(work, 'i386.o');
  const cc = spawnSync('clang-19', ['-m32', '-c', '-g', '-o', obj, src], { encoding: 'utf8' });
  if (cc.status !== 0) return skip(`clang-19 -m32 failed: ${cc.stderr.trim()}`);
  for (const cmd of ['maps', 'vars']) {
    const r = btfkit([cmd, obj]);
    assert.is(r.status, 1, cmd);
    assert.match(r.stderr, /^btfkit: .*i386\.o: not a BPF object \(e_type 1, e_machine 3;/, cmd);
  }
  assert.is(btfkit(['sections', obj]).status, 0, 'other commands still read it');
});

test.run();
