/**
 * The running kernel's module BTF files in the kernel's order (cli/common.ts
 * `kernelModuleOrder`, `runningModuleFiles`: what `check` searches for kptr
 * targets and what `core` takes its CO-RE candidates from, as libbpf loads
 * module BTF by BTF object id), and the files a directory argument stands for
 * (`dirFiles`: batch inputs, `core --target DIR`, `check --module DIR`).
 * This machine's /sys/kernel/btf may have no modules: the tests use a fake
 * directory and a fake /proc/modules.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dirFiles, kernelModuleOrder, runningModuleFiles } from '../cli/common.js';
import { kernels } from '../cli/core-matrix.js';
import { fromOsBytes, osPath } from '../lib/io.js';
import { scratchDir } from './helpers/scratch.js';

const work = scratchDir('modules');

/** /proc/modules as the kernel prints it: the newest module first. */
const PROC_MODULES = [
  'nf_tables 356352 0 - Live 0x0000000000000000',
  'xfs 2072576 1 - Live 0x0000000000000000',
  'ext4 1036288 2 - Live 0x0000000000000000',
  'crc16 12288 1 ext4, Live 0x0000000000000000',
  '',
].join('\n');

test('kernelModuleOrder: load order (/proc/modules reversed), unlisted modules first by name, vmlinux out', () => {
  const names = ['xfs', 'vmlinux', 'nf_tables', 'crc16', 'zbuiltin', 'ext4', 'abuiltin'];
  assert.equal(kernelModuleOrder(names, PROC_MODULES), ['abuiltin', 'zbuiltin', 'crc16', 'ext4', 'xfs', 'nf_tables']);
  // the order is the kernel's, not the names': a sorted list would put ext4 before crc16's dependants
  assert.not.equal(kernelModuleOrder(names, PROC_MODULES), [...names].filter((n) => n !== 'vmlinux').sort());
});

test('kernelModuleOrder: without /proc/modules, by name', () => {
  assert.equal(kernelModuleOrder(['xfs', 'vmlinux', 'ext4'], undefined), ['ext4', 'xfs']);
  assert.equal(kernelModuleOrder(['xfs', 'ext4'], ''), ['ext4', 'xfs']);
});

test('runningModuleFiles: a fake /sys/kernel/btf and /proc/modules', () => {
  const dir = join(work, 'sys-kernel-btf');
  mkdirSync(dir);
  for (const n of ['vmlinux', 'xfs', 'ext4', 'crc16', 'nf_tables', 'builtin_mod']) writeFileSync(join(dir, n), '');
  const proc = join(work, 'modules');
  writeFileSync(proc, PROC_MODULES);
  assert.equal(
    runningModuleFiles(dir, proc),
    ['builtin_mod', 'crc16', 'ext4', 'xfs', 'nf_tables'].map((n) => join(dir, n)),
  );
  // no /proc/modules: by name; no directory: none
  assert.equal(
    runningModuleFiles(dir, join(work, 'no-such-file')),
    ['builtin_mod', 'crc16', 'ext4', 'nf_tables', 'xfs'].map((n) => join(dir, n)),
  );
  assert.equal(runningModuleFiles(join(work, 'no-such-dir'), proc), []);
});

test("core without --target: the running kernel's modules are runningModuleFiles(), in that order", () => {
  // /sys/kernel/btf here may hold vmlinux alone; what core lists is what the shared helper lists
  let ks: ReturnType<typeof kernels>;
  try {
    ks = kernels([], undefined);
  } catch {
    return; // no readable vmlinux on this machine: nothing to compare
  }
  assert.is(ks.length, 1);
  const names = runningModuleFiles().map((f) => basename(f));
  assert.equal(
    ks[0]!.load().modules.map((m) => m.name),
    names,
  );
});

test('dirFiles: sorted by name, no dot files, no directories, links followed, non-UTF-8 names escaped', () => {
  const dir = join(work, 'inputs');
  mkdirSync(dir);
  for (const n of ['b.btf', 'a.btf', '.hidden', 'C.btf']) writeFileSync(join(dir, n), '');
  mkdirSync(join(dir, 'sub'));
  symlinkSync(join(dir, 'a.btf'), join(dir, 'link.btf'));
  symlinkSync(join(dir, 'sub'), join(dir, 'linkdir'));
  symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
  const odd = fromOsBytes(new Uint8Array([0x6f, 0x64, 0x64, 0xff]));
  writeFileSync(osPath(join(dir, odd)), '');
  assert.equal(
    dirFiles(dir),
    ['C.btf', 'a.btf', 'b.btf', 'dangling', 'link.btf', odd].map((n) => join(dir, n)),
  );
});

test.run();
