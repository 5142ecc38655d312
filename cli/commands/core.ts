/**
 * `btfkit core OBJ... [--target FILE]... [--base FILE] [-j] [--log] [--strict]`:
 * would libbpf accept the objects' CO-RE relocations on that kernel? Each
 * relocation resolved as libbpf 1.1.2 resolves it at load time (lib/core/),
 * offline. One kernel: one line per relocation and a summary. Several
 * kernels (several `--target` without `--base`, or a directory of BTF
 * files): a matrix, object x kernel, with the relocations that fail.
 * Exit status 0 when libbpf would accept every relocation (resolved, or
 * poisoned as libbpf poisons guarded ones), 3 when one would fail the load
 * (with `--strict`, also when one is poisoned), 1 for bad input.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { RELO_KIND_STR } from '../../lib/core-spec.js';
import { relocationStatus } from '../../lib/core/impact.js';
import { CoreTarget, type CoreRelocation, relocateObject } from '../../lib/core/index.js';
import { BtfError, BtfErrorCode, isInputError } from '../../lib/errors.js';
import { parseBtf } from '../../lib/object/open.js';
import { loadObject, VMLINUX } from '../common.js';
import type { CliIo } from '../io.js';

/** The exit status for relocations libbpf would refuse. */
const EXIT_REFUSED = 3;

const ERRNO: Record<number, string> = { [-7]: 'E2BIG', [-22]: 'EINVAL', [-34]: 'ERANGE', [-95]: 'EOPNOTSUPP' };

/** A relocation's verdict: `error` fails the load, `poison` is an invalid call the verifier rejects only if reached. */
const statusOf = relocationStatus;

function readBtf(path: string, base?: Btf): Btf {
  try {
    return parseBtf(readFileSync(path), base ? { base } : {});
  } catch (e) {
    if (isInputError(e) && !e.file) e.withFile(path);
    throw e;
  }
}

/** The kernels to resolve against: name and its CoreTarget. */
function kernels(targets: string[], basePath: string | undefined): Array<{ name: string; target: CoreTarget }> {
  if (basePath !== undefined) {
    const base = readBtf(basePath);
    const mods = targets.map((t) => ({ name: basename(t).replace(/\.btf$/, ''), btf: () => readBtf(t, base) }));
    return [{ name: basePath, target: new CoreTarget(base, mods) }];
  }
  if (targets.length === 0) {
    const base = readBtf(VMLINUX);
    let names: string[] = [];
    try {
      names = readdirSync('/sys/kernel/btf').filter((n) => n !== 'vmlinux');
    } catch {
      names = [];
    }
    const mods = names.sort().map((n) => ({ name: n, btf: () => readBtf(join('/sys/kernel/btf', n), base) }));
    return [{ name: VMLINUX, target: new CoreTarget(base, mods) }];
  }
  const files: string[] = [];
  for (const t of targets) {
    if (statSync(t).isDirectory())
      for (const n of readdirSync(t).sort()) {
        const p = join(t, n);
        if (statSync(p).isFile()) files.push(p);
      }
    else files.push(t);
  }
  return files.map((f) => ({ name: f, target: new CoreTarget(readBtf(f)) }));
}

function dropKind(spec: string | null): string {
  return spec === null ? '' : spec.replace(/^<[a-z0-9_]+> /, '');
}

/** One human line per relocation. */
function line(r: CoreRelocation): string {
  const kind = RELO_KIND_STR[r.kind] ?? `kind ${r.kind}`;
  const local = r.localSpec !== null ? dropKind(r.localSpec) : `[${r.localTypeId}] ${r.access}`;
  let s = `${r.section} #${r.index} insn ${r.insnOff / 8} ${kind} ${local} -> `;
  const st = statusOf(r);
  if (r.problem) return `${s}error: ${r.problem.message}\n`;
  if (st === 'error') {
    const e = r.err || r.patchErr;
    const why = r.log.length ? r.log[r.log.length - 1]!.replace(/^libbpf: (prog '[^']*': relo #\d+: )?/, '') : '';
    return `${s}error ${ERRNO[e] ?? e}${why ? `: ${why}` : ''}\n`;
  }
  const x = r.res!;
  s += `${st} ${x.origVal} -> ${x.newVal}`;
  if (x.origSize !== x.newSize)
    s += ` (size ${x.origSize} -> ${x.newSize}${x.failMemszAdjust ? ', cannot adjust the load' : ''})`;
  if (r.targetSpec !== null) s += ` [${r.target}] ${dropKind(r.targetSpec)}`;
  else if (st === 'poison') s += ' (no target: the instruction becomes an invalid call)';
  else s += ' (no target)';
  return `${s}\n`;
}

function json(r: CoreRelocation, file: string, kernel: string): string {
  const x = r.res;
  const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
  const num = (v: bigint | number | undefined): string => (v === undefined ? 'null' : String(v));
  return `{"file":${JSON.stringify(file)},"kernel":${JSON.stringify(kernel)},"section":${JSON.stringify(r.section)},"index":${r.index},"insnOff":${r.insnOff},"kind":${JSON.stringify(RELO_KIND_STR[r.kind] ?? `kind ${r.kind}`)},"localTypeId":${r.localTypeId},"access":${JSON.stringify(r.access)},"status":"${statusOf(r)}","errno":${r.err || r.patchErr},"origVal":${num(x?.origVal)},"newVal":${num(x?.newVal)},"origSize":${num(x?.origSize)},"newSize":${num(x?.newSize)},"origTypeId":${num(x?.origTypeId)},"newTypeId":${num(x?.newTypeId)},"validate":${x ? x.validate : null},"failMemszAdjust":${x ? x.failMemszAdjust : null},"localSpec":${str(r.localSpec)},"targetSpec":${str(r.targetSpec)},"target":${str(r.target)}${r.problem ? `,"problem":${JSON.stringify(r.problem.message)}` : ''}}\n`;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('core')
    .description(
      'resolve CO-RE relocations as libbpf would at load time, offline (exit status 3 when libbpf would fail the load)',
    )
    .argument('<objects...>', 'BPF objects with CO-RE relocations (.BTF.ext)')
    .option(
      '-t, --target <file>',
      'kernel BTF (repeatable; a directory means every file in it); default: the running kernel and its modules',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('-B, --base <file>', "vmlinux BTF; the targets are then its modules' split BTF, searched after it")
    .option('-j, --json', 'one JSON object per relocation')
    .option('--log', "libbpf's debug-log lines for each relocation")
    .option('--strict', 'exit status 3 also when a relocation is poisoned')
    .action(
      async (
        objects: string[],
        opts: { target: string[]; base?: string; json?: boolean; log?: boolean; strict?: boolean },
      ) => {
        const ks = kernels(opts.target, opts.base);
        const objs = [];
        for (const f of objects) objs.push({ file: f, obj: await loadObject(f, { ext: true }) });
        let refused = false;
        let problem: BtfError | null = null;
        const matrix = ks.length > 1;
        for (const k of ks) {
          for (const { file, obj } of objs) {
            if (!obj.btf) throw new BtfError(BtfErrorCode.Format, 'the object has no .BTF section', { file });
            const rel = relocateObject(obj, k.target);
            const count = { ok: 0, poison: 0, error: 0 };
            const failing: string[] = [];
            for (const r of rel) {
              const st = statusOf(r);
              count[st]++;
              if (st === 'error' || (opts.strict && st === 'poison')) {
                refused = true;
                failing.push(`${r.section}#${r.index}`);
              }
              problem ??= r.problem;
              if (opts.json) io.out(json(r, file, k.name));
              else if (!matrix) {
                io.out(line(r));
                if (opts.log) for (const l of r.log) io.out(`${l}\n`);
              }
            }
            if (opts.json) continue;
            const summary = `${rel.length} relocation${rel.length === 1 ? '' : 's'}: ${count.ok} ok, ${count.poison} poisoned, ${count.error} failed`;
            if (matrix) io.out(`${file}\t${k.name}\t${summary}${failing.length ? `: ${failing.join(' ')}` : ''}\n`);
            else io.out(`${file} against ${k.name}: ${summary}\n`);
          }
        }
        if (problem) throw problem;
        if (refused) throw new CommanderError(EXIT_REFUSED, 'btfkit.exitStatus', '');
      },
    );
}
