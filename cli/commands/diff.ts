/**
 * `btfkit diff A B`: what changed from A to B by meaning (types matched by
 * kind and name, never by id; lib/diff), and for two objects their map
 * definitions. Exit status 0 when equal, 3 when different, 1 for bad input.
 */
import { CommanderError, type Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { type TypeChange, diffBtf, diffMaps, formatDiff } from '../../lib/diff/index.js';
import { listMaps, mapTypeLabel } from '../../lib/inspect/maps.js';
import { readInput } from '../../lib/io.js';
import { isElf } from '../../lib/btf.js';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { openObject, readBtfFile, type BpfObject } from '../../lib/object/open.js';
import { CoreTarget } from '../../lib/core/index.js';
import { coreImpact } from '../../lib/core/impact.js';
import { basePathFor, loadObject } from '../common.js';
import type { CliIo } from '../io.js';

/** Exit status when the inputs differ (as `diff` and `cmp` use 1, but 1 is btfkit's bad input). */
const EXIT_DIFFERENT = 3;

interface DiffOpts {
  object: string[];
  json?: boolean;
  type?: string;
  base?: string;
  baseB?: string;
}

/** The BTF of `file` (raw or an object's `.BTF`), and the object when it is one. */
async function load(file: string, basePath: string | undefined): Promise<{ btf: Btf; obj: BpfObject | null }> {
  const baseFile = basePathFor(file, basePath);
  const base = baseFile ? await readBtfFile(baseFile) : undefined;
  const bytes = await readInput(file);
  if (!isElf(bytes)) return { btf: await readBtfFile(file, base ? { base } : {}), obj: null };
  const obj = openObject(bytes, { file, ...(base ? { base } : {}), ext: false });
  if (!obj.btf) throw new BtfError(BtfErrorCode.NotFound, 'no .BTF section', { file });
  return { btf: obj.btf, obj };
}

export function register(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description('what changed between two BTFs: types added, removed and changed, matched by name (exit 3: different)')
    .argument('<a>', 'the old BTF: raw BTF or an ELF object')
    .argument('<b>', 'the new BTF: raw BTF or an ELF object')
    .option('-j, --json', 'JSON: one object per changed type ({change, kind, name, details})')
    .option('--type <name>', 'only this type and the named types it reaches')
    .option('-B, --base <file>', 'base BTF of both inputs (of A only with --base-b), for split BTF')
    .option('--base-b <file>', "base BTF of B, when A's and B's differ (modules of two kernels)")
    .option(
      '--object <file>',
      "a BPF object (repeatable): list only its CO-RE relocations whose result changes from A to B (kernels' BTF)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (fa: string, fb: string, opts: DiffOpts) => {
      const [a, b] = await Promise.all([load(fa, opts.base), load(fb, opts.baseB ?? opts.base)]);
      // With --object, only the relocations: what the kernel change does to those objects.
      const changes: TypeChange[] = opts.object.length
        ? []
        : diffBtf(a.btf, b.btf, { fileA: fa, fileB: fb, ...(opts.type !== undefined ? { typeName: opts.type } : {}) });
      if (a.obj && b.obj && opts.type === undefined && !opts.object.length) {
        const ma = listMaps(a.obj, { relaxed: true }).maps;
        const mb = listMaps(b.obj, { relaxed: true }).maps;
        changes.push(...diffMaps(ma, mb, (t) => String(mapTypeLabel(t))));
      }
      if (opts.object.length) {
        const ta = new CoreTarget(a.btf);
        const tb = new CoreTarget(b.btf);
        for (const f of opts.object) {
          const obj = await loadObject(f, { ext: true });
          if (!obj.btf) throw new BtfError(BtfErrorCode.Format, 'the object has no .BTF section', { file: f });
          changes.push(...coreImpact(obj, f, ta, tb));
        }
      }
      if (opts.json)
        io.out(
          `${JSON.stringify(changes.map(({ change, kind, name, details }) => ({ change, kind, name, details: details.map(({ sign: _s, ...d }) => d) })))}\n`,
        );
      else io.out(formatDiff(changes));
      if (changes.length) throw new CommanderError(EXIT_DIFFERENT, 'btfkit.exitStatus', '');
    });
}
