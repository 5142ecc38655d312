// lib/core/format.ts: btfkit core's lines, JSON records and cells, for the
// CLI and the explorer. coreReport (the explorer's entry) must give the
// bytes `btfkit core` prints, in every mode, against vmlinux alone and with
// a module searched after it.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coreReport, relocationJson, relocationLine } from '../lib/core/format.js';
import { relocationStatus } from '../lib/core/impact.js';
import { openObject, parseBtf } from '../lib/object/open.js';
import { prettyJson } from '../cli/common.js';
import { repoPath, runCli } from './helpers/golden.js';
import { cachedKernels, kernelModules } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';

const OBJECTS = ['core_task.o', 'core_cands.o', 'core_module.o'].map((n) => repoPath('golden', 'obj', 'core', n));
const kernel = cachedKernels()[0];

const MODES: ReadonlyArray<{ args: string[]; opts: { json?: boolean; log?: boolean; strict?: boolean } }> = [
  { args: [], opts: { log: false } },
  { args: ['--log'], opts: { log: true } },
  { args: ['-j'], opts: { json: true, log: false } },
  { args: ['--strict'], opts: { strict: true, log: false } },
];

test('coreReport prints what btfkit core prints against vmlinux (lines, --log, -j, -p)', async () => {
  if (!kernel) return skip('no cached kernel (golden/kernels.sh)', 'tool');
  const vmlinux = parseBtf(readFileSync(kernel.vmlinux));
  for (const file of OBJECTS) {
    const obj = openObject(readFileSync(file), { file, ext: true, partialCoreRelo: true });
    for (const m of MODES) {
      const cli = await runCli(['core', file, '-t', kernel.vmlinux, ...m.args]);
      const rep = coreReport(obj, { vmlinux, name: kernel.vmlinux }, m.opts);
      assert.fixture(rep.text, new TextDecoder().decode(cli.stdout), `${file} ${m.args.join(' ')}`);
      assert.is(rep.refused, cli.error !== undefined, `${file} ${m.args.join(' ')}: refused`);
    }
    const pretty = await runCli(['core', file, '-t', kernel.vmlinux, '-p']);
    const rep = coreReport(obj, { vmlinux, name: kernel.vmlinux }, { json: true, jsonLayout: prettyJson });
    assert.fixture(rep.text, new TextDecoder().decode(pretty.stdout), `${file} -p`);
  }
});

test('coreReport: each relocation has its status, line, JSON record and log lines; the summary counts them', () => {
  if (!kernel) return skip('no cached kernel (golden/kernels.sh)', 'tool');
  const vmlinux = parseBtf(readFileSync(kernel.vmlinux));
  const file = OBJECTS[0]!;
  const obj = openObject(readFileSync(file), { file, ext: true });
  const rep = coreReport(obj, { vmlinux });
  assert.ok(rep.relocations.length > 30);
  let text = '';
  for (const t of rep.relocations) {
    assert.is(t.status, relocationStatus(t.relocation));
    assert.is(t.line, relocationLine(t.relocation));
    assert.is(t.json, relocationJson(t.relocation, file, 'vmlinux'));
    const rec = JSON.parse(t.json) as Record<string, unknown>;
    assert.is(rec['status'], t.status);
    assert.is(rec['kernel'], 'vmlinux');
    text += t.line + t.log.map((l) => `${l}\n`).join('');
  }
  // log defaults to true: libbpf's lines follow each relocation's line
  assert.ok(rep.relocations.every((t) => t.log.length > 0));
  assert.match(rep.relocations[0]!.log[0]!, /^libbpf: sec '[^']+': found \d+ CO-RE relocations$/);
  assert.is(rep.text, `${text}${file} against vmlinux: ${rep.summary}\n`);
  const { ok, poison, error } = rep.counts;
  assert.is(ok + poison + error, rep.relocations.length);
  assert.is(rep.summary, `${rep.relocations.length} relocations: ${ok} ok, ${poison} poisoned, ${error} failed`);
  assert.is(rep.failing.length, error);
});

test('coreReport with a module searched after vmlinux prints what btfkit core --base prints', async () => {
  if (!kernel) return skip('no cached kernel (golden/kernels.sh)', 'tool');
  const m = kernelModules(kernel).find((x) => x.name === 'nf_conntrack');
  if (!m) return skip(`${kernel.release}: no nf_conntrack module in the cache`, 'env');
  const vmlinux = parseBtf(readFileSync(kernel.vmlinux));
  const file = OBJECTS[2]!;
  const obj = openObject(readFileSync(file), { file, ext: true });
  let loaded = 0;
  const modules = [
    {
      name: 'nf_conntrack',
      btf: () => {
        loaded++;
        return parseBtf(readFileSync(m.path), { base: vmlinux });
      },
    },
  ];
  const rep = coreReport(obj, { vmlinux, modules, name: kernel.vmlinux }, { log: true });
  assert.is(loaded, 1);
  const cli = await runCli(['core', file, '--base', kernel.vmlinux, '-t', m.path, '--log']);
  assert.fixture(rep.text, new TextDecoder().decode(cli.stdout));
  assert.ok(rep.relocations.some((t) => t.relocation.target === 'nf_conntrack'));
});

test.run();
