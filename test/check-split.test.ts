// btfkit check of split (module) BTF, judged as the kernel judges module BTF
// (btf_parse_module: header, strings, the meta pass and the type-tag check
// over the base; no resolution). Real modules of Debian's 6.1 and 6.12
// kernels over their own vmlinux must all pass, as 6.18 and as 6.1.
//
// The kernel cannot be asked directly: BPF_BTF_LOAD takes no base BTF (its
// attributes are the data, the log, flags and a token fd; Linux 6.18), and
// module BTF is only parsed when a module is loaded. What it can be asked:
// the same records as one base BTF, vmlinux's types and strings followed by
// the module's (the ids and string offsets stay the same). Its meta pass
// then checks the module's records exactly as btf_parse_module does, so a
// module mutant btfkit refuses in the meta pass must be refused there with
// the same last log line, and one btfkit accepts must not fail there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { checkRawBtf, type CheckReport } from '../lib/check/index.js';
import { BIN } from './helpers/golden.js';
import { kernelLoad, kernelSkipReason } from './helpers/kernel.js';
import { cachedKernels, kernelModules, missingKernels, sampleModules } from './helpers/kernels.js';
import { INTERESTING, rng } from './helpers/mutants.js';
import { skip } from './helpers/skip.js';
import { fuzzRuns } from './helpers/budget.js';

const kernels = cachedKernels();
const missing = missingKernels(kernels);

/** Base and split raw BTF as one base BTF: header, base types, split types, base strings, split strings. */
function flatten(base: Uint8Array, split: Uint8Array): Uint8Array {
  const sec = (b: Uint8Array, at: number) => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = dv.getUint32(4, true),
      off = dv.getUint32(at, true),
      len = dv.getUint32(at + 4, true);
    return b.subarray(h + off, h + off + len);
  };
  const parts = [sec(base, 8), sec(split, 8), sec(base, 16), sec(split, 16)] as const;
  const typeLen = parts[0].length + parts[1].length,
    strLen = parts[2].length + parts[3].length;
  const out = new Uint8Array(24 + typeLen + strLen);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0xeb9f, true);
  out[2] = 1;
  dv.setUint32(4, 24, true);
  dv.setUint32(12, typeLen, true);
  dv.setUint32(16, typeLen, true);
  dv.setUint32(20, strLen, true);
  let at = 24;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A copy of `split` with one word of its type section changed. */
function mutateTypes(split: Uint8Array, r: () => number): Uint8Array {
  const b = split.slice();
  const dv = new DataView(b.buffer);
  const h = dv.getUint32(4, true),
    off = dv.getUint32(8, true),
    len = dv.getUint32(12, true);
  const at = h + off + 4 * Math.floor(r() * (len >>> 2));
  const old = dv.getUint32(at, true);
  const how = r();
  const v =
    how < 0.4
      ? old ^ (1 << Math.floor(r() * 32))
      : how < 0.7
        ? INTERESTING[Math.floor(r() * INTERESTING.length)]!
        : old + Math.floor(r() * 7) - 3;
  dv.setUint32(at, v >>> 0, true);
  return b;
}

function line(r: CheckReport): string {
  return (
    (r.violations[0]?.line ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  );
}

test('real modules: every 6.1 and 6.12 module passes over its own vmlinux, as 6.18 and as 6.1 would take it', () => {
  if (missing.length) return skip(missing.join('; '));
  let n = 0;
  const bad: string[] = [];
  for (const k of kernels) {
    const vb = new Uint8Array(readFileSync(k.vmlinux));
    const base = Btf.parse(vb);
    const v = checkRawBtf(vb);
    if (!v.ok) bad.push(`${k.release} vmlinux: ${line(v)}`);
    for (const m of kernelModules(k)) {
      const b = new Uint8Array(readFileSync(m.path));
      for (const kernel of ['6.18', '6.1'] as const) {
        const r = checkRawBtf(b, { base, kernel });
        if (!r.ok) bad.push(`${k.release} ${m.name} (${kernel}): ${line(r)}`);
      }
      n++;
    }
  }
  assert.ok(n > 2000, `only ${n} modules`);
  assert.equal(bad, []);
});

test('btfkit check MODULE -B vmlinux: exit 0 for real modules, 3 for a broken one', () => {
  if (missing.length) return skip(missing.join('; '));
  const k = kernels[kernels.length - 1]!;
  const mods = sampleModules(kernelModules(k), 3);
  const run = spawnSync(process.execPath, [BIN, 'check', '-B', k.vmlinux, ...mods.map((m) => m.path)], {
    encoding: 'utf8',
  });
  assert.is(run.status, 0, run.stdout + run.stderr);
  assert.is(run.stdout.match(/would load it/g)?.length, 3);
  // without -B the module's ids point past its own types
  const alone = spawnSync(process.execPath, [BIN, 'check', mods[0]!.path], { encoding: 'utf8' });
  assert.is(alone.status !== 0, true, alone.stdout);
});

test('split BTF: a meta violation of a module type names its id past the base', () => {
  if (missing.length) return skip(missing.join('; '));
  const k = kernels[0]!;
  const base = Btf.parse(new Uint8Array(readFileSync(k.vmlinux)));
  const m = sampleModules(kernelModules(k), 1)[0]!;
  const b = new Uint8Array(readFileSync(m.path));
  const dv = new DataView(b.buffer);
  const h = dv.getUint32(4, true) + dv.getUint32(8, true);
  dv.setUint32(h + 4, (31 << 24) >>> 0, true); // the first module type: kind 31
  const r = checkRawBtf(b, { base });
  assert.not.ok(r.ok);
  assert.is(r.violations[0]!.line, `[${base.typeCount}] Invalid kind:31`);
  assert.is(r.violations[0]!.typeId, base.typeCount);
});

const kskip = kernelSkipReason();

test('split mutants (live): the kernel meta pass over vmlinux + module agrees with btfkit on the module', () => {
  if (missing.length) return skip(missing.join('; '));
  if (kskip) return skip(kskip, 'env');
  const r = rng(Number(process.env['BTFKIT_CHECK_SEED'] ?? 0x5b117));
  const bad: string[] = [];
  let refused = 0,
    total = 0;
  for (const k of kernels) {
    const vb = new Uint8Array(readFileSync(k.vmlinux));
    const base = Btf.parse(vb);
    // small modules: each load carries all of vmlinux (some 5 MB, a third of a second in the kernel)
    const small = kernelModules(k).filter((m) => m.size < 4096);
    const batch: Array<{ what: string; split: Uint8Array; flat: Uint8Array }> = [];
    for (let i = 0, n = fuzzRuns(4); i < n; i++) {
      const m = small[Math.floor(r() * small.length)]!;
      const src = new Uint8Array(readFileSync(m.path));
      const split = i === 0 ? src : mutateTypes(src, r);
      batch.push({ what: `${k.release} ${m.name}${i ? ` mutant ${i}` : ''}`, split, flat: flatten(vb, split) });
    }
    const kv = kernelLoad(batch.map((x) => x.flat));
    batch.forEach((x, i) => {
      total++;
      const kr = kv[i]!;
      const flat = checkRawBtf(x.flat);
      const split = checkRawBtf(x.split, { base });
      if (flat.ok !== kr.ok || (!kr.ok && (line(flat) !== kr.lastLine || flat.errno !== kr.errno)))
        bad.push(`${x.what}: flattened: btfkit ${flat.ok ? 'ok' : line(flat)}, kernel ${kr.ok ? 'ok' : kr.lastLine}`);
      const sv = split.violations[0];
      if (sv && sv.phase === 'meta') {
        refused++;
        if (kr.ok || kr.lastLine !== line(split) || kr.errno !== split.errno)
          bad.push(`${x.what}: module: btfkit ${line(split)}, kernel's meta pass ${kr.ok ? 'ok' : kr.lastLine}`);
      } else if (!sv && !kr.ok && flat.violations[0]?.phase === 'meta')
        bad.push(`${x.what}: btfkit takes the module, the kernel's meta pass refuses it: ${kr.lastLine}`);
    });
  }
  console.log(`  check-split: ${total} modules and mutants over their vmlinux, ${refused} refused in the meta pass`);
  assert.equal(bad, []);
});

test("/sys/kernel/btf: every module's BTF passes over the running kernel's vmlinux", () => {
  const dir = '/sys/kernel/btf';
  const mods = existsSync(dir) ? readdirSync(dir).filter((f) => f !== 'vmlinux') : [];
  if (!mods.length) return skip('no module BTF in /sys/kernel/btf (a kernel without loaded modules)', 'env');
  const base = Btf.parse(new Uint8Array(readFileSync(join(dir, 'vmlinux'))));
  const bad = mods.flatMap((m) => {
    const r = checkRawBtf(new Uint8Array(readFileSync(join(dir, m))), { base });
    return r.ok ? [] : [`${m}: ${line(r)}`];
  });
  assert.equal(bad, []);
});

test.run();
