/**
 * CO-RE impact of a kernel change (`btfkit diff A B --object OBJ`): which of
 * an object's relocations resolve differently against kernel B than against
 * kernel A. Each relocation is resolved against both (lib/core, libbpf
 * 1.1.2's rules) and compared by its verdict and, when it resolves, by the
 * value patched in and the size of the field: a member that moved changes a
 * field offset, one that grew a byte size, one that went away turns a
 * resolved load into a poisoned one.
 */
import { RELO_KIND_STR } from '../core-spec.js';
import type { DiffDetail, TypeChange } from '../diff/index.js';
import type { BpfObject } from '../object/open.js';
import type { CoreTarget } from './cands.js';
import { type CoreRelocation, relocateObject } from './index.js';

/**
 * Returns the verdict on a relocation: `error` fails the load, `poison` is
 * an instruction the verifier rejects only if reached (a guarded access to
 * what the kernel lacks), `ok` resolved and patched.
 */
export function relocationStatus(r: CoreRelocation): 'ok' | 'poison' | 'error' {
  if (r.err !== 0 || r.res === null || r.patchErr !== 0) return 'error';
  if (r.res.poison) return 'poison';
  if (r.insnAfter && r.insnAfter[0] === 0x85 && r.insnBefore?.[0] !== 0x85) return 'poison'; // fail_memsz_adjust
  return 'ok';
}

/** A relocation's result in a few words: `ok 16 (size 8)`, `poisoned`, `error -22`. */
function resultText(r: CoreRelocation): string {
  const st = relocationStatus(r);
  if (st === 'error') return `error ${r.err || r.patchErr}`;
  if (st === 'poison') return 'poisoned';
  const x = r.res!;
  return `ok ${x.newVal}${x.newSize !== x.origSize || x.newSize ? ` (size ${x.newSize})` : ''}`;
}

/**
 * Returns the relocations of `obj` whose result differs between kernels `a`
 * and `b`: one entry each, kind `relocation`, named by file, program
 * section, record index, relocation kind and access, with a `result` detail.
 */
export function coreImpact(obj: BpfObject, file: string, a: CoreTarget, b: CoreTarget): TypeChange[] {
  const ra = relocateObject(obj, a, { patch: true });
  const rb = relocateObject(obj, b, { patch: true });
  const out: TypeChange[] = [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    const tx = resultText(x);
    const ty = resultText(y);
    if (tx === ty) continue;
    // The local spec starts with the kind (`<byte_off> [6] struct task_struct.pid ...`).
    const spec =
      x.localSpec ?? y.localSpec ?? `<${RELO_KIND_STR[x.kind] ?? `kind ${x.kind}`}> [${x.localTypeId}] ${x.access}`;
    const d: DiffDetail = { what: 'result', old: tx, new: ty, sign: '~', text: `${tx} -> ${ty}` };
    out.push({
      change: 'changed',
      kind: 'relocation',
      name: `${file} ${x.section} #${x.index} ${spec}`,
      details: [d],
    });
  }
  return out;
}
