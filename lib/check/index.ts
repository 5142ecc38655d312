/**
 * Level 2: would the running kernel load this BTF? `checkRawBtf` runs the
 * kernel's BTF verifier (`BPF_BTF_LOAD`: `btf_parse` in `kernel/bpf/btf.c`,
 * Linux 6.18) on raw bytes with its own header and section parsing, so it
 * judges inputs that `Btf.parse` (level 1) refuses; `checkBtf` does the same
 * for a parsed `Btf`. See verifier.ts for how the walk works.
 */
import type { BtfContainer } from '../container.js';
import { BtfError, BtfErrorCode } from '../errors.js';
import { BTF_KIND_STRUCT, infoKind5 } from '../kinds.js';
import { byteKeyAt } from '../strings.js';
import { checkStructMetas, IN_VMLINUX, type KernelStructLookup } from './fields.js';
import { parseKernelHeader } from './header.js';
import { Verifier, type VerifierBase } from './verifier.js';

/** The kernel version whose verifier this module follows. */
export const CHECK_KERNEL_VERSION = '6.18';

/** One violation, with the kernel's own words. */
export interface CheckViolation {
  /** The type concerned (0 for header and section problems). */
  typeId: number;
  /** Byte offset in the raw BTF of the type record, header field or section concerned. */
  offset: number;
  /** The kernel's message, e.g. `size == 0`. */
  message: string;
  /** The kernel log line it ends with, e.g. `[48] DATASEC .bss size=0 vlen=2 size == 0`. */
  line: string;
  /** Every log line the kernel prints for it (a struct's line before its member's). */
  lines: string[];
  /** The errno `BPF_BTF_LOAD` fails with when this is the first violation. */
  errno: number;
  /** Where the verifier found it. */
  phase: 'header' | 'meta' | 'resolve' | 'type-tags' | 'fields';
  /** True for the one the kernel reports (the first). */
  kernelFirst: boolean;
}

/** What {@link checkRawBtf} and {@link checkBtf} return. */
export interface CheckReport {
  /** Whether the kernel would load it. */
  ok: boolean;
  /** The errno of the kernel's refusal (0 when ok). */
  errno: number;
  /** Every violation found, in the kernel's order; the first is the kernel's. */
  violations: CheckViolation[];
  /** Types checked (void excluded). */
  typeCount: number;
  /** The kernel version followed. */
  kernel: string;
}

/**
 * The kernel versions whose verifier differs in a way this module knows:
 * '6.18' (the default, the newest followed) and '6.1' (Debian 12's), read
 * from 6.1's kernel/bpf/btf.c beside 6.18's behaviour (the running kernel):
 * - 6.1 refuses a kind_flag on TYPE_TAG and DECL_TAG (allowed since commit
 *   53ee0d66d7a6, 2025);
 * - 6.1's DATASEC names are identifiers (`.bss`, not `?.maps` or
 *   `license/x`); 6.18 takes any printable name (names.ts);
 * - 6.1 has no struct metas (`btf_parse_struct_metas` came with
 *   bpf_list_head in 6.2): special fields are not checked at BTF load
 *   (fields.ts).
 * The rest of 6.1's verifier (header, metas, resolution, FUNC_PROTO, type
 * tags, name length) reads the same. ENUM64, TYPE_TAG and DECL_TAG
 * themselves are older than 6.1.
 */
export const CHECK_KERNELS = ['6.18', '6.1'] as const;

/** One of {@link CHECK_KERNELS}. */
export type CheckKernel = (typeof CHECK_KERNELS)[number];

/** Options for {@link checkRawBtf}. */
export interface CheckOptions {
  /** Base BTF: the input is split (module) BTF, checked as `btf_parse_module` does. */
  base?: BtfContainer;
  /** The kernel to judge as. Defaults to the newest, {@link CHECK_KERNEL_VERSION}. */
  kernel?: CheckKernel;
  /**
   * The kernel's own BTF (vmlinux), for the one lookup the verifier makes
   * outside the input: a `kptr` field of a struct with special fields,
   * pointing to a struct the kernel knows, needs that struct's destructor
   * kfunc (`btf_parse_kptr`; lib/check/fields.ts lists them). Without it
   * (and without {@link CheckOptions.kernelModules}), every kptr target
   * counts as the program's own struct (always fine). A function is called
   * once, when the lookup is first needed.
   */
  kernelBtf?: BtfContainer | (() => BtfContainer | undefined);
  /**
   * The loaded modules' BTF (split BTF over {@link CheckOptions.kernelBtf}),
   * searched in this order after vmlinux for a kptr's target struct, as
   * `bpf_find_btf_id` searches every module BTF the kernel holds (in the
   * order the modules were loaded): the first BTF with a STRUCT of that name
   * decides. A referenced `kptr` to a module's struct is refused (ENOENT: no
   * module registers a destructor kfunc for its structs); `kptr_untrusted`
   * and `percpu_kptr` targets are fine wherever they are. Defaults to none.
   * A function is called once, when the lookup is first needed.
   */
  kernelModules?: readonly KernelModuleBtf[] | (() => readonly KernelModuleBtf[]);
}

/** One loaded module's BTF, for {@link CheckOptions.kernelModules}. */
export interface KernelModuleBtf {
  /** The module's name (as in /sys/kernel/btf/NAME), for messages. */
  name: string;
  /** Its BTF: split BTF over vmlinux's. */
  btf: BtfContainer;
}

function verifierBase(b: BtfContainer): VerifierBase {
  return { words: b.words, offs: b.offs, startId: b.startId, typeCount: b.typeCount, strs: b.stringSection() };
}

/**
 * Returns the kernel verifier's verdict on raw BTF bytes (native byte order,
 * as `BPF_BTF_LOAD` takes them), with every violation it finds. Never throws
 * for malformed input.
 */
export function checkRawBtf(data: Uint8Array, opts: CheckOptions = {}): CheckReport {
  const kernel = opts.kernel ?? CHECK_KERNEL_VERSION;
  if (!(CHECK_KERNELS as readonly string[]).includes(kernel))
    throw new BtfError(
      BtfErrorCode.InvalidArgument,
      `check: unknown kernel version ${String(kernel)} (${CHECK_KERNELS.join(', ')})`,
    );
  const report: CheckReport = { ok: true, errno: 0, violations: [], typeCount: 0, kernel };
  const split = opts.base !== undefined;
  const h = parseKernelHeader(data, split);
  if ('message' in h) {
    report.ok = false;
    report.errno = h.errno;
    report.violations.push({
      typeId: 0,
      offset: h.offset,
      message: h.message,
      line: h.message,
      lines: h.message ? [h.message] : [],
      errno: h.errno,
      phase: 'header',
      kernelFirst: true,
    });
    return report;
  }
  const typeStart = h.hdrLen + h.typeOff;
  const nWords = h.typeLen >>> 2;
  const at = data.byteOffset + typeStart;
  const words =
    at % 4 === 0
      ? new Uint32Array(data.buffer, at, nWords)
      : new Uint32Array(data.slice(typeStart, typeStart + nWords * 4).buffer);
  const strStart = h.hdrLen + h.strOff;
  const v = new Verifier(
    words,
    data.subarray(strStart, strStart + h.strLen),
    opts.base ? verifierBase(opts.base) : null,
    kernel === '6.1',
  );
  const walked = v.checkAllMetas(0, h.typeLen);
  if (walked) {
    if (!split) v.checkAllTypes();
    v.checkTypeTags();
  }
  // btf_parse_struct_metas (Linux 6.2 and later, BPF_BTF_LOAD only): it runs
  // on a sound type graph, so only when nothing came before it
  if (walked && !split && kernel !== '6.1' && !v.violations.length) {
    const p = checkStructMetas(
      { w: words, offs: v.offs, kinds: v.kinds, n: v.nrTypes, strs: data.subarray(strStart, strStart + h.strLen) },
      opts.kernelBtf || opts.kernelModules ? kernelStructLookup(opts.kernelBtf, opts.kernelModules) : undefined,
    );
    if (p) {
      const last = v.lastMetaLine();
      report.violations.push({
        typeId: p.typeId,
        offset: typeStart + v.offs[p.typeId]! * 4,
        message: p.message,
        line: last,
        lines: last ? [last] : [],
        errno: p.errno,
        phase: 'fields',
        kernelFirst: false,
      });
    }
  }
  report.typeCount = v.nrTypes - (split ? 0 : 1);
  for (const r of v.violations) {
    report.violations.push({
      typeId: r.typeId,
      offset: r.wordOff >= 0 ? typeStart + r.wordOff * 4 : typeStart,
      message: r.message,
      line: r.lines[r.lines.length - 1] ?? '',
      lines: r.lines,
      errno: -r.errno,
      phase: r.phase,
      kernelFirst: false,
    });
  }
  const first = report.violations[0];
  if (first) {
    first.kernelFirst = true;
    report.ok = false;
    report.errno = first.errno;
  }
  return report;
}

/**
 * `bpf_find_btf_id(name, BTF_KIND_STRUCT)`: vmlinux first, then each module
 * BTF in order (`idr_for_each_entry` over the kernel's BTF ids, skipping all
 * but modules); the first BTF with a STRUCT of that name wins. A module's
 * search (`btf_find_by_name_kind` from id 1) goes through vmlinux's types
 * again, which did not match, so only its own types are read here.
 */
function kernelStructLookup(
  vmlinuxSrc: CheckOptions['kernelBtf'],
  modulesSrc: CheckOptions['kernelModules'],
): KernelStructLookup {
  let vmlinux: BtfContainer | undefined | null = null;
  let modules: readonly KernelModuleBtf[] | null = null;
  return (name) => {
    if (vmlinux === null) vmlinux = typeof vmlinuxSrc === 'function' ? vmlinuxSrc() : vmlinuxSrc;
    const key = byteKeyAt(name, 0);
    if (vmlinux && ownStructNames(vmlinux).has(key)) return IN_VMLINUX;
    modules ??= (typeof modulesSrc === 'function' ? modulesSrc() : modulesSrc) ?? [];
    for (const m of modules) if (ownStructNames(m.btf).has(key)) return m.name;
    return null;
  };
}

/**
 * The names of each BTF's own STRUCTs, kept while it does not change: as
 * `byteKeyAt` keys, one char per byte (`strcmp` compares bytes, not UTF-8).
 */
const structNames = new WeakMap<BtfContainer, { modCount: number; typeCount: number; names: Set<string> }>();

function ownStructNames(btf: BtfContainer): Set<string> {
  let e = structNames.get(btf);
  if (!e || e.modCount !== btf.modCount || e.typeCount !== btf.typeCount) {
    const names = new Set<string>();
    const w = btf.words,
      offs = btf.offs;
    for (let i = 0; i < btf.nrTypes; i++) {
      const o = offs[i]!;
      if (infoKind5(w[o + 1]!) === BTF_KIND_STRUCT) names.add(byteKeyAt(btf.strBytes(w[o]!), 0));
    }
    e = { modCount: btf.modCount, typeCount: btf.typeCount, names };
    structNames.set(btf, e);
  }
  return e.names;
}

/**
 * Returns the kernel verifier's verdict on a parsed BTF (its raw bytes, over
 * its base when it is split BTF). See {@link checkRawBtf}.
 */
export function checkBtf(btf: BtfContainer, opts: CheckOptions = {}): CheckReport {
  const base = opts.base ?? btf.base ?? undefined;
  return checkRawBtf(btf.rawData(), {
    ...(base ? { base } : {}),
    ...(opts.kernel ? { kernel: opts.kernel } : {}),
    ...(opts.kernelBtf ? { kernelBtf: opts.kernelBtf } : {}),
    ...(opts.kernelModules ? { kernelModules: opts.kernelModules } : {}),
  });
}
