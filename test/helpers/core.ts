// CO-RE helpers for the tests: btfkit's relocations printed in the format of
// the harness's `btfh core` (test/harness/README.md), so that the two compare
// line by line, every result field, the patched instruction and both specs.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Btf } from '../../lib/btf.js';
import { CoreTarget, type CoreRelocation, relocateObject } from '../../lib/core/index.js';
import { openObject, parseBtf } from '../../lib/object/open.js';

function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i && i % 8 === 0 ? ' ' : '') + b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** One relocation as `btfh core [--log]` prints it. */
export function harnessLines(r: CoreRelocation, withLog: boolean): string {
  let s = `${r.section} #${r.index} insn_off=${r.insnOff} kind=${r.kind} local=[${r.localTypeId}] access=${r.access} -> `;
  if (r.problem && r.localSpec === null && r.res === null && r.log.length === 0) return `${s}error=-22\npatch: none\n`;
  if (r.err !== 0 || r.res === null) s += `error=${r.err}`;
  else {
    const x = r.res;
    s += `${x.poison ? 'poison' : 'ok'} orig=${x.origVal} new=${x.newVal} orig_sz=${x.origSize} new_sz=${x.newSize} orig_type=${x.origTypeId} new_type=${x.newTypeId} validate=${+x.validate} memsz_adj_fail=${+x.failMemszAdjust}`;
  }
  if (r.localSpec !== null) s += ` spec_local=${r.localSpec}`;
  if (r.err === 0 && r.targetSpec !== null) s += ` spec_target=${r.targetSpec}`;
  s += '\n';
  if (r.err !== 0 || r.res === null || !r.insnBefore || !r.insnAfter) s += 'patch: none\n';
  else
    s += `patch: insn #${r.insnOff / 8}: ${hex(r.insnBefore)} -> ${hex(r.insnAfter)}${r.patchErr ? ` error=${r.patchErr}` : ''}\n`;
  if (withLog) for (const l of r.log) s += `log: ${l}\n`;
  return s;
}

/** Loads a target as the harness does: TARGET alone (vmlinux), or TARGET split over BASE. */
export function loadTarget(target: string, base?: string): CoreTarget {
  if (base === undefined) return new CoreTarget(parseBtf(readFileSync(target)));
  const b: Btf = parseBtf(readFileSync(base));
  return new CoreTarget(b, [{ name: basename(target), btf: parseBtf(readFileSync(target), { base: b }) }]);
}

/** btfkit's answer for OBJ against a target, in the harness's format. */
export function coreText(obj: string, target: CoreTarget, withLog: boolean): string {
  const o = openObject(readFileSync(obj), { file: obj });
  return relocateObject(o, target)
    .map((r) => harnessLines(r, withLog))
    .join('');
}
