/**
 * The bin run as a program (cli/bin.ts, first two lines from
 * cli/bundle.mjs): /bin/sh drops NODE_EXTRA_CA_CERTS, puts malloc's
 * tunables in GLIBC_TUNABLES and execs `node` on the same file,
 * which runs as `node BIN` does: same output, same exit status, arguments
 * and standard input passed through untouched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, repoPath } from './helpers/golden.js';

const OBJ = repoPath('golden', 'obj', 'maps', 'maps_demo.o');
const MISSING = join(tmpdir(), `btfkit-launch-missing-${process.pid}.o`);
/** This Node first on PATH, so that the launcher's `node` is the one running the tests. */
const ENV = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` };

function asProgram(args: string[], env: NodeJS.ProcessEnv = ENV) {
  return spawnSync(BIN, args, { env, encoding: 'buffer' });
}

function viaNode(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { env: ENV, encoding: 'buffer' });
}

test('the bin starts with #!/bin/sh and a line both sh and Node read', () => {
  const [first, second] = readFileSync(BIN, 'utf8').split('\n');
  assert.is(first, '#!/bin/sh');
  assert.match(
    second!,
    /^":" \/\/; unset NODE_EXTRA_CA_CERTS; .*; exec node --v8-pool-size=\$btfkit_pool "\$0" "\$@"$/,
  );
});

/** The bin's shell line (its second) with the `exec node ...` at its end replaced by `tail`: what sh runs before Node starts. */
function shellPart(tail: string): string {
  return readFileSync(BIN, 'utf8')
    .split('\n')[1]!
    .replace(/exec node .*$/, tail);
}

/** The pool size the launcher should pick: one helper per online CPU but the first, at most Node's default of 4. */
function expectedPool(): number {
  let online = '';
  try {
    online = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  } catch {
    return 4;
  }
  const m = /^0(?:-(\d+))?$/.exec(online);
  if (!m) return 4;
  const cpus = m[1] === undefined ? 1 : Number(m[1]) + 1;
  return Math.min(4, Math.max(1, cpus - 1));
}

test("the shell line picks the pool size for each CPU list, and Node's 4 without one", () => {
  // The shell part, with the CPU list read from a file of ours and the exec replaced by an echo.
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-launch-'));
  try {
    const cases: [string | null, string][] = [
      ['0', '1'],
      ['0-1', '1'],
      ['0-2', '2'],
      ['0-3', '3'],
      ['0-4', '4'],
      ['0-63', '4'],
      ['0,2-3', '4'],
      [null, '4'],
    ];
    for (const [online, pool] of cases) {
      const file = join(dir, 'online');
      rmSync(file, { force: true });
      if (online !== null) writeFileSync(file, `${online}\n`);
      const script = shellPart('echo "$btfkit_pool"').replace('/sys/devices/system/cpu/online', file);
      const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
      assert.is(r.stderr, '', String(online));
      assert.is(r.stdout.trim(), pool, String(online));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The malloc tunables the shell line puts first in GLIBC_TUNABLES (cli/bin.ts says why). */
const MALLOC = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';

test("the shell line puts btfkit's malloc tunables first in GLIBC_TUNABLES, before the user's own", () => {
  const script = shellPart('echo "$GLIBC_TUNABLES"; env | grep -c "^GLIBC_TUNABLES="');
  const env = { ...process.env };
  delete env['GLIBC_TUNABLES'];
  const cases: [string | undefined, string][] = [
    [undefined, MALLOC],
    ['', MALLOC],
    ['glibc.malloc.hugetlb=0', `${MALLOC}:glibc.malloc.hugetlb=0`],
    ['glibc.cpu.hwcaps=-AVX2:glibc.malloc.check=3', `${MALLOC}:glibc.cpu.hwcaps=-AVX2:glibc.malloc.check=3`],
  ];
  for (const [given, expected] of cases) {
    const r = spawnSync('/bin/sh', ['-c', script], {
      encoding: 'utf8',
      env: given === undefined ? env : { ...env, GLIBC_TUNABLES: given },
    });
    assert.is(r.stderr, '', String(given));
    // the value, and exported: the exec'd node sees it
    assert.is(r.stdout, `${expected}\n1\n`, String(given));
  }
});

test('as a program: the same bytes and status as node BIN, for output, usage errors and bad input', () => {
  for (const args of [['dump', OBJ], ['dump', '-j', OBJ], ['--version'], ['dump', '--bogus'], ['dump', MISSING]]) {
    const a = asProgram(args);
    const b = viaNode(args);
    assert.is(a.status, b.status, args.join(' '));
    assert.equal(a.stdout, b.stdout, args.join(' '));
    assert.equal(String(a.stderr), String(b.stderr), args.join(' '));
  }
  assert.is(asProgram(['dump', '--bogus']).status, 2);
  assert.is(asProgram(['dump', MISSING]).status, 1);
});

test('as a program: arguments with spaces, quotes, $ and globs reach btfkit as they were given', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-launch-'));
  try {
    const name = join(dir, `a b "c" $HOME * 'd'.o`);
    writeFileSync(name, readFileSync(OBJ));
    const a = asProgram(['dump', name]);
    assert.is(a.status, 0, String(a.stderr));
    assert.equal(a.stdout, viaNode(['dump', OBJ]).stdout);
    const missing = asProgram(['dump', join(dir, '$HOME *')]);
    assert.is(missing.status, 1);
    assert.ok(String(missing.stderr).includes('$HOME *'), String(missing.stderr));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('as a program: NODE_EXTRA_CA_CERTS is gone from the Node process, the malloc tunables are there, the rest of the environment is kept', async () => {
  const env: NodeJS.ProcessEnv = { ...ENV, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem', BTFKIT_LAUNCH_MARK: 'kept' };
  delete env['GLIBC_TUNABLES'];
  // `dump -` waits on standard input: read the process's environment while it waits.
  const child = spawn(BIN, ['dump', '-'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  let environ = '';
  let cmdline = '';
  for (let i = 0; i < 200; i++) {
    try {
      cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
      if (cmdline.split('\0')[0]!.endsWith('node')) {
        environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8');
        break;
      }
    } catch {
      // not yet there
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.stdin.end(readFileSync(OBJ));
  const status = await done;
  const vars = environ.split('\0');
  assert.ok(vars.includes('BTFKIT_LAUNCH_MARK=kept'), 'the environment was read from the node process');
  assert.ok(cmdline.includes(`\0--v8-pool-size=${expectedPool()}\0`), cmdline);
  // Its start only: glibc's loader ends each tunable it reads with a NUL in
  // the process's first copy of the environment, which /proc shows (Node's
  // process.env has the whole value; the shell test above checks it).
  const tunables = vars.find((v) => v.startsWith('GLIBC_TUNABLES='))?.slice('GLIBC_TUNABLES='.length);
  assert.ok(tunables && `${MALLOC}:`.startsWith(`${tunables}:`), `the malloc tunables reached node: ${tunables}`);
  assert.not.ok(
    vars.some((v) => v.startsWith('btfkit_')),
    "the shell's variables reached node",
  );
  assert.not.ok(
    vars.some((v) => v.startsWith('NODE_EXTRA_CA_CERTS=')),
    'NODE_EXTRA_CA_CERTS reached node',
  );
  assert.is(status, 0);
  assert.equal(Buffer.concat(out), viaNode(['dump', OBJ]).stdout);
});

test('as a program through a link without the .mjs ending, as npm installs bins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-launch-'));
  try {
    const link = join(dir, 'btfkit');
    symlinkSync(BIN, link);
    const r = spawnSync(link, ['dump', OBJ], { env: ENV, encoding: 'buffer' });
    assert.is(r.status, 0, String(r.stderr));
    assert.equal(r.stdout, viaNode(['dump', OBJ]).stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
