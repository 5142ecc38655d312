/**
 * The object lists several suites walk, kept in one place so that they agree
 * on what "every object" means.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoPath } from './golden.js';

/**
 * Returns every object under golden/obj (recursively, sorted by name per
 * directory), then golden/expected/merge/linked.o: the objects the ELF, ext
 * and object suites round-trip.
 */
export function allObjectPaths(): string[] {
  const out: string[] = [];
  (function walk(dir: string): void {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.o')) out.push(p);
    }
  })(repoPath('golden', 'obj'));
  out.push(repoPath('golden', 'expected', 'merge', 'linked.o'));
  return out;
}

/** An object the maps and vars suites inspect. */
export interface InspectedObject {
  name: string;
  path: string;
  /** Path relative to the repository root. */
  rel: string;
}

/** The directories whose objects the maps, vars and emit suites inspect (test/fixtures/maps/regen.mjs lists the same). */
export const INSPECTED_DIRS: readonly string[] = [
  'golden/obj',
  'golden/obj/merge',
  'golden/obj/maps',
  'golden/obj/xcheck',
];

/** Returns every little-endian object the maps and vars suites look at: those of {@link INSPECTED_DIRS}, then linked.o. */
export function inspectorObjects(): InspectedObject[] {
  const out: InspectedObject[] = [];
  for (const dir of INSPECTED_DIRS) {
    for (const f of readdirSync(repoPath(dir)).sort()) {
      if (f.endsWith('.o') && !f.endsWith('.bpfeb.o'))
        out.push({ name: basename(f, '.o'), path: repoPath(dir, f), rel: `${dir}/${f}` });
    }
  }
  out.push({ name: 'linked', path: repoPath('golden/expected/merge/linked.o'), rel: 'golden/expected/merge/linked.o' });
  return out;
}
