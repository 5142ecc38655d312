/**
 * The kernel's BTF objects (issue 13, conventions): `btfkit list` over a
 * copy of /sys/kernel/btf made from the cached Debian kernels (vmlinux and
 * a few modules), its type counts checked against bpftool's dumps, and
 * `module:NAME` reading a module over vmlinux without -B.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN } from './helpers/golden.js';
import { cachedKernels, kernelModules, sampleModules } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';
import { hasTool } from './helpers/tools.js';
import { scratchDir } from './helpers/scratch.js';

const kernel = cachedKernels()[0];
const work = scratchDir('list');
const mods = kernel ? sampleModules(kernelModules(kernel), 3) : [];
if (kernel) {
  copyFileSync(kernel.vmlinux, join(work, 'vmlinux'));
  for (const m of mods) copyFileSync(m.path, join(work, m.name));
}

function btfkit(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('list: vmlinux first, then the modules by name, with sizes, type counts and ids', () => {
  if (!kernel) return skip('no cached kernel (golden/kernels.sh)', 'tool');
  const r = btfkit(['list', '-j', '--dir', work]);
  assert.is(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{
    name: string;
    size: number;
    types: number;
    firstId: number;
    base: string | null;
  }>;
  assert.equal(
    rows.map((x) => x.name),
    ['vmlinux', ...mods.map((m) => m.name).sort()],
  );
  const vm = rows[0]!;
  assert.is(vm.base, null);
  assert.is(vm.firstId, 1);
  assert.is(vm.size, kernel.manifest.vmlinuxSize);
  assert.ok(vm.types > 50_000);
  for (const m of rows.slice(1)) {
    assert.is(m.firstId, vm.types + 1);
    assert.is(m.base, 'vmlinux');
    assert.is(m.size, mods.find((x) => x.name === m.name)!.size);
  }
  const text = btfkit(['list', '--dir', work]).stdout.split('\n');
  assert.is(text[0], `${'name'.padEnd(Math.max(4, ...rows.map((x) => x.name.length)))}       size    types  ids`);
  assert.ok(text[1]!.startsWith('vmlinux '), text[1]);
  assert.ok(text[1]!.endsWith(` 1..${vm.types}`), text[1]);
  // BTFKIT_SYSFS_BTF points the default directory elsewhere, as module:NAME does
  assert.is(btfkit(['list', '-j'], { BTFKIT_SYSFS_BTF: work }).stdout, r.stdout);
  const missing = btfkit(['list', '--dir', join(work, 'absent')]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /^btfkit: .*absent: no such directory/);
});

test('list: type counts as bpftool dumps them (live)', () => {
  if (!kernel) return skip('no cached kernel (golden/kernels.sh)', 'tool');
  if (!hasTool('bpftool')) return skip('bpftool not installed', 'tool');
  const rows = JSON.parse(btfkit(['list', '-j', '--dir', work]).stdout) as Array<{ name: string; types: number }>;
  for (const row of rows) {
    const base = row.name === 'vmlinux' ? [] : ['-B', join(work, 'vmlinux')];
    const out = spawnSync('bpftool', ['btf', 'dump', 'file', join(work, row.name), ...base], {
      maxBuffer: 1 << 28,
    }).stdout.toString();
    assert.is(row.types, out.split('\n').filter((l) => l.startsWith('[')).length, row.name);
  }
});

test('module:NAME reads /sys/kernel/btf/NAME over vmlinux (dump, find, check)', () => {
  if (!kernel) return skip('no cached kernel (golden/kernels.sh)', 'tool');
  const env = { BTFKIT_SYSFS_BTF: work };
  const m = mods[0]!;
  const short = btfkit(['dump', `module:${m.name}`], env);
  const long = btfkit(['dump', '-B', join(work, 'vmlinux'), join(work, m.name)]);
  assert.is(short.status, 0, short.stderr);
  assert.ok(short.stdout.length > 0);
  assert.is(short.stdout, long.stdout);
  const first = /^\[(\d+)\] \w+ '([^'(][^']*)'/m.exec(short.stdout);
  if (first) {
    const f = btfkit(['find', '-x', first[2]!, `module:${m.name}`], env);
    assert.match(f.stdout, new RegExp(`^\\[${first[1]}\\] `, 'm'));
  }
  assert.is(btfkit(['check', `module:${m.name}`], env).status, 0);
  const bad = btfkit(['dump', 'module:no_such_module'], env);
  assert.is(bad.status, 1);
  assert.is(bad.stderr, `btfkit: ${join(work, 'no_such_module')}: no such file\n`);
  assert.is(btfkit(['dump', 'module:../x'], env).status, 1);
});

test.run();
