// btfkit check: the kernel's special-field checks of struct metas
// (btf_parse_struct_metas, btf_parse_fields, btf_check_and_fixup_fields),
// on hand-built BTFs and their mutants, against the running kernel. The
// expected errnos below are what Linux 6.18 answered; the live tests ask it
// again, with the last line of its log.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { checkRawBtf, type CheckReport } from '../lib/check/index.js';
import { BIN } from './helpers/golden.js';
import { kernelLoad, kernelSkipReason, type KernelVerdict } from './helpers/kernel.js';
import { mutate, rng } from './helpers/mutants.js';
import { skip } from './helpers/skip.js';
import { fuzzRuns, TimeBudget } from './helpers/budget.js';
import { cachedKernels, kernelModules, missingKernels } from './helpers/kernels.js';

const VMLINUX = '/sys/kernel/btf/vmlinux';
const vmlinux = existsSync(VMLINUX) ? Btf.parse(new Uint8Array(readFileSync(VMLINUX))) : undefined;
const budget = new TimeBudget('check-fields', 4000);

interface FieldCase {
  name: string;
  /** The kernel's errno (0: it loads). */
  errno: number;
  /** True when the verdict depends on the kernel's own BTF (a kptr to one of its structs). */
  kernelTypes?: boolean;
  build: (b: Btf) => void;
}

/** [1] int, [2] struct bpf_spin_lock { int val; } */
function lock(b: Btf): { i: number; sl: number } {
  const i = b.addInt('int', 4, 1);
  const sl = b.addStruct('bpf_spin_lock', 4);
  b.addField('val', i, 0, 0);
  return { i, sl };
}
/** A struct `name` of `size` bytes with one int member. */
function opaque(b: Btf, name: string, size: number, i: number): number {
  const t = b.addStruct(name, size);
  b.addField('x', i, 0, 0);
  return t;
}
/** PTR -> TYPE_TAG `tag` -> struct `target` (4 bytes). */
function kptr(b: Btf, i: number, tag: string, target = 't'): number {
  return b.addPtr(b.addTypeTag(tag, opaque(b, target, 4, i)));
}

/**
 * struct v { int x; struct NODE n; }; struct s { [struct bpf_spin_lock l;] struct ROOT h; }
 * with a decl tag `contains` on s.h (or none).
 */
function graph(b: Btf, o: { contains?: string | null; lock?: boolean; root?: string; node?: string; nodeAt?: number }) {
  const { i, sl } = lock(b);
  const root = o.root ?? 'bpf_list_head',
    node = o.node ?? 'bpf_list_node';
  const nodeSize = node === 'bpf_rb_node' ? 32 : 24;
  const lh = opaque(b, root, 16, i);
  const ln = opaque(b, node, nodeSize, i);
  const v = b.addStruct('v', 8 + nodeSize + 8);
  b.addField('x', i, 0, 0);
  b.addField('n', ln, o.nodeAt ?? 64, 0);
  const withLock = o.lock ?? true;
  const s = b.addStruct('s', 24);
  if (withLock) b.addField('l', sl, 0, 0);
  b.addField('h', lh, 64, 0);
  const contains = o.contains === undefined ? 'contains:v:n' : o.contains;
  if (contains !== null) b.addDeclTag(contains, s, withLock ? 1 : 0);
  return { i, sl, lh, ln, v, s };
}

const CASES: FieldCase[] = [
  {
    name: 'a lock beside an int',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      b.addStruct('s', 8);
      b.addField('a', i, 0, 0);
      b.addField('l', sl, 32, 0);
    },
  },
  {
    name: 'two bpf_spin_locks',
    errno: 7,
    build: (b) => {
      const { sl } = lock(b);
      b.addStruct('s', 8);
      b.addField('a', sl, 0, 0);
      b.addField('l', sl, 32, 0);
    },
  },
  {
    name: 'a typedef named bpf_spin_lock counts as a second lock',
    errno: 7,
    build: (b) => {
      const { sl } = lock(b);
      const td = b.addTypedef('bpf_spin_lock', sl);
      b.addStruct('s', 8);
      b.addField('l', sl, 0, 0);
      b.addField('t', td, 32, 0);
    },
  },
  {
    name: 'a misaligned lock is no field: the record cannot be unset',
    errno: 14,
    build: (b) => {
      const { sl } = lock(b);
      b.addStruct('s', 8);
      b.addField('a', sl, 16, 0);
    },
  },
  {
    name: 'a bpf_spin_lock of 8 bytes is no lock',
    errno: 14,
    build: (b) => {
      const i = b.addInt('int', 4, 1);
      const sl = b.addStruct('bpf_spin_lock', 8);
      b.addField('val', i, 0, 0);
      b.addStruct('s', 8);
      b.addField('a', sl, 0, 0);
    },
  },
  {
    name: 'an array of locks in a struct with a lock',
    errno: 7,
    build: (b) => {
      const { i, sl } = lock(b);
      const a = b.addArray(i, sl, 2);
      b.addStruct('s', 12);
      b.addField('l', sl, 0, 0);
      b.addField('a', a, 32, 0);
    },
  },
  {
    name: 'a nested struct holding the lock',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      const inner = b.addStruct('inner', 8);
      b.addField('x', i, 0, 0);
      b.addField('l', sl, 32, 0);
      b.addStruct('outer', 12);
      b.addField('in', inner, 0, 0);
      b.addField('y', i, 64, 0);
    },
  },
  {
    name: 'bpf_spin_lock and bpf_res_spin_lock together',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const rl = opaque(b, 'bpf_res_spin_lock', 4, i);
      b.addStruct('s', 8);
      b.addField('l', sl, 0, 0);
      b.addField('r', rl, 32, 0);
    },
  },
  {
    name: 'two bpf_res_spin_locks: not an alloc obj field, never parsed',
    errno: 0,
    build: (b) => {
      const i = b.addInt('int', 4, 1);
      const rl = opaque(b, 'bpf_res_spin_lock', 4, i);
      b.addStruct('s', 8);
      b.addField('a', rl, 0, 0);
      b.addField('b', rl, 32, 0);
    },
  },
  {
    name: 'two bpf_refcounts (not unique)',
    errno: 0,
    build: (b) => {
      const i = b.addInt('int', 4, 1);
      const rc = opaque(b, 'bpf_refcount', 4, i);
      b.addStruct('s', 8);
      b.addField('a', rc, 0, 0);
      b.addField('b', rc, 32, 0);
    },
  },
  {
    name: 'a bpf_timer beside a lock (not a struct-meta field)',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      const t = opaque(b, 'bpf_timer', 16, i);
      b.addStruct('s', 24);
      b.addField('l', sl, 0, 0);
      b.addField('t', t, 64, 0);
    },
  },
  ...(
    [
      [30, 1, 0],
      [31, 1, 7],
      [12, 2, 0],
    ] as const
  ).map(
    ([depth, width, errno]): FieldCase => ({
      name: `a lock beside structs nested ${depth} deep, ${width} member${width > 1 ? 's' : ''} each`,
      errno,
      build: (b) => {
        const { i, sl } = lock(b);
        let prev = opaque(b, 'leaf', 4, i);
        for (let d = 0; d < depth; d++) {
          const s = b.addStruct(`n${d}`, 4);
          for (let k = 0; k < width; k++) b.addField(`m${k}`, prev, 0, 0);
          prev = s;
        }
        b.addStruct('root', 8);
        b.addField('l', sl, 0, 0);
        b.addField('t', prev, 32, 0);
      },
    }),
  ),
  // ---- kptrs
  {
    name: 'a kptr to a struct of the program',
    errno: 0,
    build: (b) => {
      const { i } = lock(b);
      const p = kptr(b, i, 'kptr');
      b.addStruct('s', 8);
      b.addField('p', p, 0, 0);
    },
  },
  {
    name: 'a pointer with an unknown type tag beside a lock',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const p = kptr(b, i, 'foo');
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', p, 64, 0);
    },
  },
  {
    name: 'an unknown type attribute (kind_flag) is ignored',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      const p = b.addPtr(b.addTypeAttr('foo', opaque(b, 't', 4, i)));
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', p, 64, 0);
    },
  },
  {
    name: 'volatile pointer with an unknown tag beside a lock',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const v = b.addVolatile(kptr(b, i, 'foo'));
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', v, 64, 0);
    },
  },
  {
    name: 'const pointer with an unknown tag (const is not skipped)',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      const c = b.addConst(kptr(b, i, 'foo'));
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', c, 64, 0);
    },
  },
  {
    name: 'a kptr to a union beside a lock',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const u = b.addUnion('t', 4);
      b.addField('x', i, 0, 0);
      const p = b.addPtr(b.addTypeTag('kptr', u));
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', p, 64, 0);
    },
  },
  {
    name: 'two type tags on a kptr beside a lock',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const p = b.addPtr(b.addTypeTag('kptr', b.addTypeTag('kptr', opaque(b, 't', 4, i))));
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', p, 64, 0);
    },
  },
  {
    name: 'a misaligned kptr',
    errno: 14,
    build: (b) => {
      const { i } = lock(b);
      const p = kptr(b, i, 'kptr');
      b.addStruct('s', 16);
      b.addField('x', i, 0, 0);
      b.addField('p', p, 32, 0);
    },
  },
  {
    name: 'a uptr beside a lock (not a struct-meta field)',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      const p = kptr(b, i, 'uptr');
      b.addStruct('s', 16);
      b.addField('l', sl, 0, 0);
      b.addField('p', p, 64, 0);
    },
  },
  ...[10, 11].map(
    (n): FieldCase => ({
      name: `a lock and ${n} kptrs (BTF_FIELDS_MAX is 11)`,
      errno: n === 10 ? 0 : 7,
      build: (b) => {
        const { i, sl } = lock(b);
        const p = kptr(b, i, 'kptr');
        b.addStruct('s', 8 + 8 * n);
        b.addField('l', sl, 0, 0);
        for (let k = 0; k < n; k++) b.addField(`p${k}`, p, 64 + 64 * k, 0);
      },
    }),
  ),
  {
    name: 'an array of 2 kptrs beside a lock',
    errno: 0,
    build: (b) => {
      const { i, sl } = lock(b);
      const a = b.addArray(i, kptr(b, i, 'kptr'), 2);
      b.addStruct('s', 24);
      b.addField('l', sl, 0, 0);
      b.addField('p', a, 64, 0);
    },
  },
  ...(
    [
      ['kptr', 'task_struct', 0],
      ['kptr', 'cgroup', 0],
      ['kptr', 'bpf_cpumask', 0],
      ['kptr', 'file', 2],
      ['kptr', 'sk_buff', 2],
      ['kptr_untrusted', 'file', 0],
      ['percpu_kptr', 'file', 0],
    ] as const
  ).map(
    ([tag, target, errno]): FieldCase => ({
      name: `a ${tag} to the kernel's struct ${target}`,
      errno,
      kernelTypes: true,
      build: (b) => {
        const { i } = lock(b);
        const p = kptr(b, i, tag, target);
        b.addStruct('s', 8);
        b.addField('p', p, 0, 0);
      },
    }),
  ),
  {
    // btf_parse_kptr looks the target up by __btf_name_by_offset's name,
    // "(anon)", which names no struct of the kernel's
    name: 'a kptr to an anonymous struct',
    errno: 0,
    kernelTypes: true,
    build: (b) => {
      const { i } = lock(b);
      const p = kptr(b, i, 'kptr', '');
      b.addStruct('s', 8);
      b.addField('p', p, 0, 0);
    },
  },
  // ---- lists and rbtrees
  { name: 'a list head with its lock and contains:v:n', errno: 0, build: (b) => void graph(b, {}) },
  { name: 'an rbtree root', errno: 0, build: (b) => void graph(b, { root: 'bpf_rb_root', node: 'bpf_rb_node' }) },
  { name: 'a list head without a lock', errno: 22, build: (b) => void graph(b, { lock: false }) },
  { name: 'a list head without contains', errno: 22, build: (b) => void graph(b, { contains: null }) },
  { name: 'contains: a member that is not there', errno: 2, build: (b) => void graph(b, { contains: 'contains:v:m' }) },
  { name: 'contains: a struct that is not there', errno: 2, build: (b) => void graph(b, { contains: 'contains:w:n' }) },
  { name: 'contains: no node', errno: 22, build: (b) => void graph(b, { contains: 'contains:v' }) },
  { name: 'contains: an empty node', errno: 22, build: (b) => void graph(b, { contains: 'contains:v:' }) },
  {
    name: 'contains: an empty type name finds the first anonymous struct',
    errno: 2,
    build: (b) => void graph(b, { contains: 'contains::n' }),
  },
  {
    name: 'two contains tags',
    errno: 22,
    build: (b) => {
      const { s } = graph(b, {});
      b.addDeclTag('contains:v:n', s, 1);
    },
  },
  { name: 'a list head naming an rb node', errno: 22, build: (b) => void graph(b, { node: 'bpf_rb_node' }) },
  // the node at 4 is no field of v (misaligned), so v has no record
  { name: 'a misaligned node', errno: 14, build: (b) => void graph(b, { nodeAt: 32 }) },
  {
    name: 'a value type with two members of the node name',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const lh = opaque(b, 'bpf_list_head', 16, i);
      const ln = opaque(b, 'bpf_list_node', 24, i);
      const v = b.addStruct('v', 56);
      b.addField('n', ln, 0, 0);
      b.addField('n', ln, 192, 0);
      const s = b.addStruct('s', 24);
      b.addField('l', sl, 0, 0);
      b.addField('h', lh, 64, 0);
      b.addDeclTag('contains:v:n', s, 1);
      void v;
    },
  },
  {
    name: 'a list node and an rb node need a refcount',
    errno: 22,
    build: (b) => {
      const i = b.addInt('int', 4, 1);
      const ln = opaque(b, 'bpf_list_node', 24, i);
      const rn = opaque(b, 'bpf_rb_node', 32, i);
      b.addStruct('v', 56);
      b.addField('l', ln, 0, 0);
      b.addField('r', rn, 192, 0);
    },
  },
  {
    name: 'a list node and an rb node with a refcount',
    errno: 0,
    build: (b) => {
      const i = b.addInt('int', 4, 1);
      const ln = opaque(b, 'bpf_list_node', 24, i);
      const rn = opaque(b, 'bpf_rb_node', 32, i);
      const rc = opaque(b, 'bpf_refcount', 4, i);
      b.addStruct('v', 64);
      b.addField('l', ln, 0, 0);
      b.addField('r', rn, 192, 0);
      b.addField('c', rc, 448, 0);
    },
  },
  {
    name: 'the node member is an array of nodes',
    errno: 22,
    build: (b) => {
      const { i, sl } = lock(b);
      const lh = opaque(b, 'bpf_list_head', 16, i);
      const ln = opaque(b, 'bpf_list_node', 24, i);
      const arr = b.addArray(i, ln, 1);
      const w = b.addStruct('w', 32);
      b.addField('x', i, 0, 0);
      b.addField('n', arr, 64, 0);
      const s = b.addStruct('s', 24);
      b.addField('l', sl, 0, 0);
      b.addField('h', lh, 64, 0);
      b.addDeclTag('contains:w:n', s, 1);
      void w;
    },
  },
  {
    name: 'a root that is a node owning another root: an ownership cycle',
    errno: 40,
    build: (b) => {
      const { i, sl } = lock(b);
      const lh = opaque(b, 'bpf_list_head', 16, i);
      const ln = opaque(b, 'bpf_list_node', 24, i);
      // struct a { lock; head contains:a:n; node n; }: a root and a node owning itself
      const a = b.addStruct('a', 48);
      b.addField('l', sl, 0, 0);
      b.addField('h', lh, 64, 0);
      b.addField('n', ln, 192, 0);
      b.addDeclTag('contains:a:n', a, 1);
    },
  },
];

function build(c: FieldCase): Uint8Array {
  const b = Btf.empty();
  c.build(b);
  return b.rawData().slice();
}
const bufs = CASES.map(build);
const opts = vmlinux ? { kernelBtf: vmlinux } : {};

/** The last line btfkit's first violation ends the kernel's log with. */
function lastLine(r: CheckReport): string {
  return (
    (r.violations[0]?.line ?? '')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .pop() ?? ''
  );
}
function disagreement(r: CheckReport, k: KernelVerdict): string {
  if (r.ok !== k.ok)
    return `verdict: btfkit ${r.ok ? 'loads' : `refuses (${r.violations[0]?.message})`}, kernel ${k.ok ? 'loads' : `refuses (errno ${k.errno})`}`;
  if (k.ok) return '';
  if (r.errno !== k.errno) return `errno: btfkit ${r.errno} (${r.violations[0]?.message}), kernel ${k.errno}`;
  if (lastLine(r) !== k.lastLine)
    return `last line: btfkit ${JSON.stringify(lastLine(r))}, kernel ${JSON.stringify(k.lastLine)}`;
  return '';
}

test('struct metas: each case gets the errno Linux 6.18 gave it', () => {
  const bad: string[] = [];
  CASES.forEach((c, i) => {
    if (c.kernelTypes && !vmlinux) return;
    const r = budget.time(c.name, () => checkRawBtf(bufs[i]!, opts));
    if (r.errno !== c.errno)
      bad.push(`${c.name}: errno ${r.errno} (${r.violations[0]?.message ?? ''}), expected ${c.errno}`);
    if (!r.ok) {
      const v = r.violations[0]!;
      if (v.phase !== 'fields') bad.push(`${c.name}: phase ${v.phase}`);
    }
  });
  assert.equal(bad, []);
});

test('struct metas: a refusal logs nothing of its own; the kernel log ends with the last type', () => {
  const c = CASES.findIndex((x) => x.name === 'two bpf_spin_locks');
  const r = checkRawBtf(bufs[c]!);
  const v = r.violations[0]!;
  assert.is(v.phase, 'fields');
  assert.is(v.line, '\tl type_id=2 bits_offset=32');
  assert.is(v.typeId, 3);
  assert.match(v.message, /\[3\] STRUCT 's': member 1: a second bpf_spin_lock/);
  assert.is(r.violations.length, 1);
});

test('--kernel 6.1 has no struct metas (they came with bpf_list_head in 6.2)', () => {
  CASES.forEach((c, i) => {
    const r = checkRawBtf(bufs[i]!, { kernel: '6.1', ...opts });
    assert.ok(!r.violations.some((v) => v.phase === 'fields'), c.name);
    // no type attribute (a kind_flag on TYPE_TAG, refused by 6.1's meta check): 6.1 loads it
    if (!c.name.includes('attribute')) assert.ok(r.ok, `${c.name}: ${r.violations[0]?.line}`);
  });
});

test('without the kernel BTF, every kptr target is the program own struct', () => {
  const c = CASES.findIndex((x) => x.name === "a kptr to the kernel's struct file");
  assert.ok(checkRawBtf(bufs[c]!).ok);
  if (!vmlinux) return;
  assert.is(checkRawBtf(bufs[c]!, { kernelBtf: () => vmlinux }).errno, 2);
  assert.is(Btf.parse(bufs[c]!).check({ kernelBtf: vmlinux }).errno, 2);
  assert.ok(Btf.parse(bufs[c]!).check({ kernelBtf: vmlinux, kernel: '6.1' }).ok);
});

// kptr targets in modules: bpf_find_btf_id searches vmlinux, then every
// module BTF in load order; the first with a STRUCT of the name decides.
// Debian 6.12's act_bpf defines struct tcf_bpf, which its vmlinux lacks.
const k612 = cachedKernels().find((k) => k.series === '6.12');
const modSkip = k612 ? '' : missingKernels(cachedKernels()).join('; ');
/** struct s { TAG struct NAME *p; } beside a bpf_spin_lock. */
function kptrTo(tag: string, name: string): Uint8Array {
  const b = Btf.empty();
  const { i } = lock(b);
  const p = kptr(b, i, tag, name);
  b.addStruct('s', 8);
  b.addField('p', p, 0, 0);
  return b.rawData().slice();
}

test('kptr targets in modules: found after vmlinux, in the order given, the first match deciding', () => {
  if (modSkip) return skip(modSkip);
  const vm = Btf.parse(new Uint8Array(readFileSync(k612!.vmlinux)));
  const mods = new Map(kernelModules(k612!).map((m) => [m.name, m.path]));
  const mod = (name: string) => ({
    name,
    btf: Btf.parse(new Uint8Array(readFileSync(mods.get(name)!)), { base: vm }),
  });
  const actBpf = mod('act_bpf'),
    actCsum = mod('act_csum');
  assert.ok(!vm.findByName('tcf_bpf'), 'vmlinux lacks struct tcf_bpf');
  const ref = kptrTo('kptr', 'tcf_bpf');
  // without the module, the program's own struct
  assert.ok(checkRawBtf(ref, { kernelBtf: vm }).ok);
  assert.ok(checkRawBtf(ref, { kernelBtf: vm, kernelModules: [actCsum] }).ok);
  // with it, a module's struct: no destructor kfunc, ENOENT, no log line of the kernel's own
  for (const modules of [[actBpf], [actCsum, actBpf], () => [actCsum, actBpf]]) {
    const r = checkRawBtf(ref, { kernelBtf: vm, kernelModules: modules });
    assert.is(r.errno, 2);
    assert.is(r.violations[0]!.phase, 'fields');
    assert.is(r.violations[0]!.line, '\tp type_id=5 bits_offset=0');
    assert.match(r.violations[0]!.message, /kptr at 0 to struct tcf_bpf of module act_bpf .*no destructor kfunc/);
    assert.is(Btf.parse(ref).check({ kernelBtf: vm, kernelModules: modules }).errno, 2);
  }
  // the first BTF with the name decides: vmlinux before any module
  const shadow = Btf.empty({ base: vm });
  shadow.addStruct('task_struct', 8);
  shadow.addStruct('tcf_bpf', 8);
  const early = { name: 'early', btf: Btf.parse(shadow.rawData().slice(), { base: vm }) };
  assert.ok(checkRawBtf(kptrTo('kptr', 'task_struct'), { kernelBtf: vm, kernelModules: [early] }).ok);
  assert.match(
    checkRawBtf(ref, { kernelBtf: vm, kernelModules: [early, actBpf] }).violations[0]!.message,
    /of module early /,
  );
  // only referenced kptrs need a destructor
  for (const tag of ['kptr_untrusted', 'percpu_kptr'])
    assert.ok(checkRawBtf(kptrTo(tag, 'tcf_bpf'), { kernelBtf: vm, kernelModules: [actBpf] }).ok, tag);
  // 6.1 has no struct metas
  assert.ok(checkRawBtf(ref, { kernelBtf: vm, kernelModules: [actBpf], kernel: '6.1' }).ok);
});

test('btfkit check --module FILE|DIR: the modules searched after --kernel-btf', () => {
  if (modSkip) return skip(modSkip);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-kmods-'));
  try {
    const file = join(dir, 'ref.btf');
    writeFileSync(file, kptrTo('kptr', 'tcf_bpf'));
    const mdir = join(dir, 'mods');
    mkdirSync(mdir);
    const mods = new Map(kernelModules(k612!).map((m) => [m.name, m.path]));
    for (const m of ['act_bpf', 'act_csum']) copyFileSync(mods.get(m)!, join(mdir, `${m}.btf`));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'check', '--kernel-btf', k612!.vmlinux, ...args, file], { encoding: 'utf8' });
    const none = run();
    assert.is(none.status, 0, none.stdout + none.stderr);
    const other = run('--module', join(mdir, 'act_csum.btf'));
    assert.is(other.status, 0, other.stdout + other.stderr);
    for (const args of [
      ['--module', join(mdir, 'act_bpf.btf')],
      ['--module', mdir],
    ]) {
      const r = run(...args);
      assert.is(r.status, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /\(ENOENT\); 1 violation:\n.*struct tcf_bpf of module act_bpf /);
    }
    const j = run('--module', join(mdir, 'act_csum.btf'), '--module', join(mdir, 'act_bpf.btf'), '-j');
    assert.is(j.status, 3);
    assert.match(JSON.parse(j.stdout).violations[0].message, /of module act_bpf /);
    const nokb = spawnSync(process.execPath, [BIN, 'check', '--kernel', '6.1', '--module', mdir, file], {
      encoding: 'utf8',
    });
    assert.is(nokb.status, 1, nokb.stdout + nokb.stderr);
    assert.match(nokb.stderr, /--module needs the kernel BTF/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('btfkit check: a struct-meta refusal in the human report, --kernel-btf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-fields-'));
  try {
    const file = join(dir, 'locks.btf');
    writeFileSync(file, bufs[CASES.findIndex((x) => x.name === 'two bpf_spin_locks')]!);
    const r = spawnSync(process.execPath, [BIN, 'check', file], { encoding: 'utf8' });
    assert.is(r.status, 3, r.stderr);
    assert.match(r.stdout, /would refuse it \(E2BIG\); 1 violation:/);
    assert.match(
      r.stdout,
      /\* \[3\] STRUCT 's': member 1: a second bpf_spin_lock \(no message of the kernel's own; its log ends: l type_id=2 bits_offset=32\) \(offset 0x40, type 3, the one the kernel reports\)/,
    );
    const kfile = join(dir, 'file.btf');
    writeFileSync(kfile, bufs[CASES.findIndex((x) => x.name === "a kptr to the kernel's struct file")]!);
    // a kernel BTF that knows struct file
    const kb = Btf.empty();
    kb.addStruct('file', 8);
    const kbtf = join(dir, 'kernel.btf');
    writeFileSync(kbtf, kb.rawData());
    const k = spawnSync(process.execPath, [BIN, 'check', '--kernel-btf', kbtf, kfile], { encoding: 'utf8' });
    assert.is(k.status, 3, k.stdout + k.stderr);
    assert.match(k.stdout, /ENOENT.*\n.*struct file, which has no destructor kfunc/);
    const empty = join(dir, 'empty.btf');
    const eb = Btf.empty();
    eb.addInt('int', 4, 1);
    writeFileSync(empty, eb.rawData());
    const n = spawnSync(process.execPath, [BIN, 'check', '--kernel-btf', empty, kfile], { encoding: 'utf8' });
    assert.is(n.status, 0, n.stdout + n.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const kskip = kernelSkipReason();

test('struct metas (live): same verdict, errno and last log line as the kernel', () => {
  if (kskip) return skip(kskip, 'env');
  const kv = kernelLoad(bufs);
  const bad: string[] = [];
  CASES.forEach((c, i) => {
    const d = disagreement(checkRawBtf(bufs[i]!, opts), kv[i]!);
    if (d) bad.push(`${c.name}: ${d}`);
    if (kv[i]!.errno !== c.errno) bad.push(`${c.name}: the kernel now says errno ${kv[i]!.errno}, expected ${c.errno}`);
  });
  assert.equal(bad, []);
});

test('struct metas (live): seeded mutants of the cases agree with the kernel', () => {
  if (kskip) return skip(kskip, 'env');
  const r = rng(Number(process.env['BTFKIT_CHECK_SEED'] ?? 0xf1e1d));
  const batch: Uint8Array[] = [];
  for (let i = 0, n = fuzzRuns(1000); i < n; i++) batch.push(mutate(bufs[Math.floor(r() * bufs.length)]!, r));
  const kv = kernelLoad(batch);
  const examples: string[] = [];
  let fields = 0;
  batch.forEach((b, i) => {
    const res = budget.time('mutant', () => checkRawBtf(b, opts));
    if (res.violations[0]?.phase === 'fields') fields++;
    const d = disagreement(res, kv[i]!);
    if (d && examples.length < 5) examples.push(`${Buffer.from(b).toString('base64')}: ${d}`);
  });
  console.log(`  check-fields: ${batch.length} mutants, ${fields} refused by the struct metas`);
  assert.equal(examples, []);
});

/**
 * A random BTF of structs made of special fields: locks, list and rbtree
 * roots and nodes, refcounts, kptrs (to the program's struct or the
 * kernel's), nested structs and arrays of them, laid out aligned or not,
 * with random `contains:` decl tags.
 */
function randomFields(r: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const b = Btf.empty();
  const i = b.addInt('int', 4, 1);
  // [type id, size, align, name]
  const pool: Array<[number, number, number, string]> = [[i, 4, 4, 'int']];
  for (const [name, size, align] of [
    ['bpf_spin_lock', 4, 4],
    ['bpf_res_spin_lock', 4, 4],
    ['bpf_list_head', 16, 8],
    ['bpf_list_node', 24, 8],
    ['bpf_rb_root', 16, 8],
    ['bpf_rb_node', 32, 8],
    ['bpf_refcount', 4, 4],
    ['bpf_timer', 16, 8],
  ] as const) {
    if (r() < 0.8) pool.push([opaque(b, name, size, i), size, align, name]);
  }
  const t = opaque(b, 't', 4, i);
  for (const tag of ['kptr', 'kptr', 'kptr_untrusted', 'percpu_kptr', 'uptr', 'foo']) {
    if (r() < 0.5) continue;
    const target = r() < 0.8 ? t : opaque(b, pick(['task_struct', 'file', 'cgroup']), 8, i);
    const p = b.addPtr(r() < 0.1 ? b.addTypeAttr(tag, target) : b.addTypeTag(tag, target));
    pool.push([r() < 0.1 ? b.addVolatile(p) : p, 8, 8, tag]);
  }
  const structs: Array<{ id: number; name: string; members: string[] }> = [];
  const nStructs = 1 + Math.floor(r() * 4);
  for (let k = 0; k < nStructs; k++) {
    const members: Array<[number, number]> = [];
    let off = 0;
    const n = 1 + Math.floor(r() * 5);
    for (let m = 0; m < n; m++) {
      let [id, size, align] = pick(pool);
      if (r() < 0.15) {
        const nelems = Math.floor(r() * 3);
        id = b.addArray(i, id, nelems);
        size *= nelems;
      }
      const prev = members[members.length - 1];
      // now and then a member over the previous one (the same offset) or a misaligned one
      off = prev && r() < 0.05 ? prev[1] : Math.ceil(off / align) * align + (r() < 0.08 ? 4 : 0);
      members.push([id, off]);
      off += size;
    }
    const size = Math.ceil(off / 8) * 8;
    const name = `s${k}`;
    const id = b.addStruct(name, size);
    const names = members.map((_, m) => pick(['a', 'b', 'n', 'h', `m${m}`]));
    members.forEach(([mt, mo], m) => b.addField(names[m]!, mt, mo * 8, 0));
    structs.push({ id, name, members: names });
    pool.push([id, size, 8, name]);
  }
  for (const s of structs) {
    for (let m = 0; m < s.members.length; m++) {
      if (r() < 0.3) continue;
      const v = pick(structs);
      const node = r() < 0.9 ? pick(v.members) : 'q';
      b.addDeclTag(`contains:${r() < 0.95 ? v.name : 'zz'}:${node}`, s.id, m);
    }
  }
  return b.rawData().slice();
}

test('struct metas (live): random structs of special fields agree with the kernel', () => {
  if (kskip) return skip(kskip, 'env');
  const r = rng(Number(process.env['BTFKIT_CHECK_SEED'] ?? 0x5eca1));
  const batch: Uint8Array[] = [];
  for (let i = 0, n = fuzzRuns(1000); i < n; i++) batch.push(randomFields(r));
  const kv = kernelLoad(batch);
  const examples: string[] = [];
  const errnos = new Map<number, number>();
  batch.forEach((b, i) => {
    const res = budget.time('random', () => checkRawBtf(b, opts));
    if (res.violations[0]?.phase === 'fields') errnos.set(res.errno, (errnos.get(res.errno) ?? 0) + 1);
    const d = disagreement(res, kv[i]!);
    if (d && examples.length < 5) examples.push(`${Buffer.from(b).toString('base64')}: ${d}`);
  });
  console.log(
    `  check-fields: ${batch.length} random structs, refused by the struct metas: ${[...errnos].map(([e, n]) => `${n} with errno ${e}`).join(', ')}`,
  );
  assert.ok(errnos.size >= 4, 'too few kinds of refusal');
  assert.equal(examples, []);
});

budget.check();
test.run();
