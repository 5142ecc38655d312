/**
 * What `btfkit core` prints for an object relocated against a kernel, as
 * text, for the command line and the explorer alike (no Node API here: a
 * browser runs it). One relocation is one human line
 * (`SEC #N insn I KIND LOCAL -> RESULT [TARGET]`), one JSON record, and,
 * with `--log`, libbpf's debug-log lines; an object against a kernel is a
 * *cell*: those lines in file order and a summary line, or one matrix line
 * (`FILE\tKERNEL\tSUMMARY: failing relocations`) when several kernels are
 * printed side by side.
 * @module
 */
import type { Btf } from '../btf.js';
import { RELO_KIND_STR } from '../core-spec.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import type { BpfObject } from '../object/open.js';
import { CoreTarget } from './cands.js';
import { relocationStatus } from './impact.js';
import { type CoreRelocation, coreReloCutProblem, relocateObject } from './index.js';

/** libbpf's negative errno values by name, as the human line prints them. */
const ERRNO: Record<number, string> = { [-7]: 'E2BIG', [-22]: 'EINVAL', [-34]: 'ERANGE', [-95]: 'EOPNOTSUPP' };

/** A spec without its `<kind> ` prefix (the line names the kind once). */
function dropKind(spec: string | null): string {
  return spec === null ? '' : spec.replace(/^<[a-z0-9_]+> /, '');
}

/** Returns a relocation kind's name as libbpf prints it (`byte_off`), or `kind N` for an unknown one. */
function kindName(kind: number): string {
  return RELO_KIND_STR[kind] ?? `kind ${kind}`;
}

/**
 * Returns the human line of one relocation, as `btfkit core` prints it
 * (newline included): section, record index, instruction index, kind, the
 * local spec, then the verdict (`ok ORIG -> NEW`, `poison ...`, `error
 * ERRNO: libbpf's reason`) and the target spec.
 */
export function relocationLine(r: CoreRelocation): string {
  const local = r.localSpec !== null ? dropKind(r.localSpec) : `[${r.localTypeId}] ${r.access}`;
  let s = `${r.section} #${r.index} insn ${r.insnOff / 8} ${kindName(r.kind)} ${local} -> `;
  const st = relocationStatus(r);
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

/**
 * Returns the JSON record of one relocation as `btfkit core -j` prints it:
 * one line (newline included), camelCase keys, values past 2^53 exact.
 */
export function relocationJson(r: CoreRelocation, file: string, kernel: string): string {
  const x = r.res;
  const str = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
  const num = (v: bigint | number | undefined): string => (v === undefined ? 'null' : String(v));
  return `{"file":${JSON.stringify(file)},"kernel":${JSON.stringify(kernel)},"section":${JSON.stringify(r.section)},"index":${r.index},"insnOff":${r.insnOff},"kind":${JSON.stringify(kindName(r.kind))},"localTypeId":${r.localTypeId},"access":${JSON.stringify(r.access)},"status":"${relocationStatus(r)}","errno":${r.err || r.patchErr},"origVal":${num(x?.origVal)},"newVal":${num(x?.newVal)},"origSize":${num(x?.origSize)},"newSize":${num(x?.newSize)},"origTypeId":${num(x?.origTypeId)},"newTypeId":${num(x?.newTypeId)},"validate":${x ? x.validate : null},"failMemszAdjust":${x ? x.failMemszAdjust : null},"localSpec":${str(r.localSpec)},"targetSpec":${str(r.targetSpec)},"target":${str(r.target)}${r.problem ? `,"problem":${JSON.stringify(r.problem.message)}` : ''}}\n`;
}

/** What a cell prints: `json` one record per relocation, `log` libbpf's lines too, `matrix` one line per cell. */
export interface CoreCellOptions {
  json?: boolean | undefined;
  log?: boolean | undefined;
  /** A poisoned relocation counts as refused too (`--strict`). */
  strict?: boolean | undefined;
  matrix?: boolean | undefined;
  /** Lays out each JSON record (given as one line without its newline); defaults to the one line. */
  jsonLayout?: ((line: string) => string) | undefined;
}

/** One relocation of a cell with its texts (each made on first use: a matrix prints neither). */
export class CoreRelocationText {
  readonly relocation: CoreRelocation;
  readonly status: 'ok' | 'poison' | 'error';
  /**
   * libbpf's debug-log lines printed after the human line with `--log`
   * (no newlines): the section's `found N CO-RE relocations` before its
   * first relocation, then the relocation's own lines. Empty unless the
   * cell was made with `log`.
   */
  readonly log: readonly string[];
  readonly #file: string;
  readonly #kernel: string;
  #line: string | undefined;
  #json: string | undefined;

  constructor(relocation: CoreRelocation, file: string, kernel: string, log: readonly string[]) {
    this.relocation = relocation;
    this.status = relocationStatus(relocation);
    this.log = log;
    this.#file = file;
    this.#kernel = kernel;
  }

  /** The human line (newline included; see {@link relocationLine}). */
  get line(): string {
    this.#line ??= relocationLine(this.relocation);
    return this.#line;
  }

  /** The JSON record, one line (newline included; see {@link relocationJson}). */
  get json(): string {
    this.#json ??= relocationJson(this.relocation, this.#file, this.#kernel);
    return this.#json;
  }
}

/** One object against one kernel: its relocations with their texts, the text the CLI prints, and the verdict. */
export interface CoreCell {
  relocations: CoreRelocationText[];
  /** What `btfkit core` prints for the cell (every line newline-terminated). */
  text: string;
  /** Relocations per verdict. */
  counts: { ok: number; poison: number; error: number };
  /** The relocations libbpf would refuse (`SECTION#INDEX`; poisoned ones too with `strict`). */
  failing: string[];
  /** The summary (`N relocations: A ok, B poisoned, C failed`), without the file and kernel. */
  summary: string;
  /** Whether libbpf would refuse the object (with `strict`: also when a relocation is poisoned). */
  refused: boolean;
  /** The first malformed record (or the CO-RE section cut short), in output order; null when none. */
  problem: BtfError | null;
}

/**
 * Relocates `obj` against `target` (lib/core's relocateObject) and returns
 * the cell as `btfkit core` prints it for `file` and `kernel`. libbpf's log
 * lines are collected when `log` is set or for one kernel's human lines
 * (an error's reason comes from the log).
 *
 * @throws BtfError (EINVAL... `Format`) when the object has no `.BTF`, and what relocateObject throws.
 */
export function coreCell(
  file: string,
  obj: BpfObject,
  kernel: string,
  target: CoreTarget,
  opts: CoreCellOptions = {},
): CoreCell {
  if (!obj.btf) throw new BtfError(BtfErrorCode.Format, 'the object has no .BTF section', { file });
  const matrix = opts.matrix === true;
  const json = opts.json === true;
  const rel = relocateObject(obj, target, { log: opts.log === true || (!matrix && !json) });
  const counts = { ok: 0, poison: 0, error: 0 };
  const failing: string[] = [];
  const relocations: CoreRelocationText[] = [];
  let refused = false;
  let problem: BtfError | null = null;
  let text = '';
  // libbpf's `sec '...': found N CO-RE relocations`, before a section's first record
  const perSection = new Map<string, number>();
  if (opts.log) for (const r of rel) perSection.set(r.section, (perSection.get(r.section) ?? 0) + 1);
  for (const r of rel) {
    const log: string[] = [];
    if (opts.log) {
      const n = perSection.get(r.section);
      if (n !== undefined) {
        log.push(`libbpf: sec '${r.section}': found ${n} CO-RE relocations`);
        perSection.delete(r.section);
      }
      for (const l of r.log) log.push(l);
    }
    const t = new CoreRelocationText(r, file, kernel, log);
    relocations.push(t);
    counts[t.status]++;
    if (t.status === 'error' || (opts.strict && t.status === 'poison')) {
      refused = true;
      failing.push(`${r.section}#${r.index}`);
    }
    problem ??= r.problem;
    if (json) text += opts.jsonLayout ? `${opts.jsonLayout(t.json.trimEnd())}\n` : t.json;
    else if (!matrix) {
      text += t.line;
      for (const l of log) text += `${l}\n`;
    }
  }
  // a CO-RE section cut short: its complete records are above, the first missing one fails the run
  problem ??= coreReloCutProblem(obj);
  const summary = `${rel.length} relocation${rel.length === 1 ? '' : 's'}: ${counts.ok} ok, ${counts.poison} poisoned, ${counts.error} failed`;
  if (!json) {
    if (matrix) text += `${file}\t${kernel}\t${summary}${failing.length ? `: ${failing.join(' ')}` : ''}\n`;
    else text += `${file} against ${kernel}: ${summary}\n`;
  }
  return { relocations, text, counts, failing, summary, refused, problem };
}

/** A kernel for {@link coreReport}: vmlinux BTF and, optionally, its modules' split BTF (searched after it). */
export interface CoreKernel {
  vmlinux: Btf;
  modules?: ReadonlyArray<{ name: string; btf: Btf | (() => Btf) }> | undefined;
  /** The kernel's name in the lines. Defaults to `vmlinux`. */
  name?: string | undefined;
}

/**
 * Returns what `btfkit core FILE --target KERNEL` prints for an opened
 * object (lib/object's openObject, with `ext`) against one kernel: every
 * relocation with its verdict, human line, JSON record and libbpf's log
 * lines (`log` defaults to true here), and the cell's text and summary.
 * `file` names the object in the summary and the JSON (defaults to the
 * object's file, else its name).
 *
 * @throws BtfError when the object has no `.BTF`, or is big-endian.
 */
export function coreReport(
  obj: BpfObject,
  kernel: CoreKernel,
  opts: Omit<CoreCellOptions, 'matrix'> & { file?: string } = {},
): CoreCell {
  const target = new CoreTarget(kernel.vmlinux, kernel.modules ?? []);
  const file = opts.file ?? obj.file ?? obj.name;
  return coreCell(file, obj, kernel.name ?? 'vmlinux', target, { ...opts, log: opts.log ?? true, matrix: false });
}
