/**
 * Shell completion (issue 13, conventions): `btfkit completion bash|zsh|fish`
 * describes every command, its options and their choices, from the program
 * itself. The bash script is run: completions asked as bash asks them.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMAND_NAMES } from '../cli/program.js';
import { BIN } from './helpers/golden.js';
import { hasTool } from './helpers/tools.js';
import { skip } from './helpers/skip.js';

function script(shell: string): string {
  const r = spawnSync(process.execPath, [BIN, 'completion', shell]);
  assert.is(r.status, 0, r.stderr.toString());
  return r.stdout.toString();
}

const bash = script('bash');

/** Returns what the bash script completes for `words` (the last one being completed). */
function complete(...words: string[]): string[] {
  const line = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', [
    '-c',
    `${bash}\nCOMP_WORDS=(btfkit ${line}); COMP_CWORD=${words.length}; _btfkit; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  return r.stdout.toString().split('\n').filter(Boolean).sort();
}

test('every command, option and choice is in every script', () => {
  const zsh = script('zsh');
  const fish = script('fish');
  for (const cmd of COMMAND_NAMES) {
    assert.ok(bash.includes(`'${cmd}')`), `bash: ${cmd}`);
    assert.ok(zsh.includes(`'${cmd}:`), `zsh: ${cmd}`);
    assert.ok(fish.includes(`-a ${cmd} `), `fish: ${cmd}`);
  }
  for (const s of [bash, zsh, fish]) {
    for (const word of ['fixup-mode', 'datasec', 'func_proto', 'min-core-btf', 'pretty', 'ignore-case'])
      assert.ok(s.includes(word), word);
  }
});

test('bash: commands, options, choices and kind names complete', () => {
  if (!hasTool('bash')) return skip('bash not installed', 'tool');
  assert.is(spawnSync('bash', ['-n', '-c', bash]).status, 0, 'bash -n');
  assert.equal(complete('de'), ['dedup']);
  assert.equal(complete('-j', 'ma'), ['maps']);
  assert.equal(complete('dump', '-f', ''), ['c', 'raw']);
  assert.equal(complete('dump', '--kind', 'fu'), ['func', 'func_proto']);
  assert.equal(complete('attach', 'x.o', '--fixup-mode', ''), ['datasec', 'open']);
  assert.equal(complete('gen', ''), ['--help', '-h', 'min-core-btf', 'skeleton', 'subskeleton', 'ts']);
  assert.ok(complete('find', '--').includes('--regex'));
  assert.equal(complete('completion', 'z'), []);
});

test('zsh parses its script (live)', () => {
  if (!hasTool('zsh')) return skip('zsh not installed', 'tool');
  assert.is(spawnSync('zsh', ['-n', '-c', script('zsh')]).status, 0, 'zsh -n');
});

/** Returns what fish completes for the command line `line` (fish's own `complete -C`). */
function fishComplete(fish: string, line: string): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', `${fish}\ncomplete -C '${line}'`]);
  assert.is(r.status, 0, r.stderr.toString());
  return r.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]!)
    .sort();
}

test('fish: commands, subcommands and choices complete (live)', () => {
  if (!hasTool('fish')) return skip('fish not installed', 'tool');
  const fish = script('fish');
  assert.is(spawnSync('fish', ['--no-config', '-n', '-c', fish]).status, 0, 'fish -n');
  assert.equal(fishComplete(fish, 'btfkit de'), ['dedup']);
  assert.equal(fishComplete(fish, 'btfkit dump --kind fu'), ['func', 'func_proto']);
  assert.equal(fishComplete(fish, 'btfkit gen '), ['min-core-btf', 'skeleton', 'subskeleton', 'ts']);
});

test.run();
