/**
 * `btfkit check FILE... [-B base] [-j]`: would the running kernel's BTF
 * verifier (BPF_BTF_LOAD) accept it? Lists every violation, the kernel's
 * own first. Exit status 0 when every file would load, 3 when one would not,
 * 1 when a file cannot be read at all.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { Btf } from '../../lib/btf.js';
import { CommanderError, Option } from 'commander';
import {
  CHECK_KERNELS,
  type CheckKernel,
  checkRawBtf,
  type CheckReport,
  type KernelModuleBtf,
} from '../../lib/check/index.js';
import { BtfError, BtfErrorCode, isInputError } from '../../lib/errors.js';
import { BTF_ELF_SEC } from '../../lib/kinds.js';
import { readBtfFile } from '../../lib/object/open.js';
import {
  basePathFor,
  collect,
  dirFiles,
  inputPath,
  jsonText,
  loadFixedBtf,
  runningModuleFiles,
  sectionOrRaw,
} from '../common.js';
import { osPath } from '../../lib/io.js';
import { fixupFlag, fixupMode, fixupModeOption } from '../options.js';
import type { CliIo } from '../io.js';

/** The exit status `cli/main.ts` returns for a refused file. */
export const EXIT_REFUSED = 3;

const ERRNO_NAMES: Record<number, string> = {
  2: 'ENOENT',
  7: 'E2BIG',
  14: 'EFAULT',
  17: 'EEXIST',
  22: 'EINVAL',
  40: 'ELOOP',
  524: 'ENOTSUPP',
};

/** The running kernel's BTF: kptr targets are looked up there (`btf_parse_kptr`). */
const KERNEL_BTF = '/sys/kernel/btf/vmlinux';
/** The running kernel's module BTFs, searched after vmlinux. */
const KERNEL_BTF_DIR = '/sys/kernel/btf';

/**
 * The module BTF files of `--module` arguments (a file, or a directory
 * standing for its files by name, vmlinux left out: cli/common.ts
 * `dirFiles`), in the order given.
 */
function moduleFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (!statSync(a).isDirectory()) out.push(a);
    else for (const f of dirFiles(a)) if (basename(f) !== 'vmlinux') out.push(f);
  }
  return out;
}

/** Returns the human report of one file. */
export function formatReport(file: string, r: CheckReport): string {
  if (r.ok) return `${file}: ok, the kernel (${r.kernel}) would load it (${r.typeCount} types)\n`;
  const n = r.violations.length;
  let s = `${file}: the kernel (${r.kernel}) would refuse it (${ERRNO_NAMES[r.errno] ?? `errno ${r.errno}`}); ${n} violation${n === 1 ? '' : 's'}:\n`;
  for (const v of r.violations) {
    const where = `offset 0x${v.offset.toString(16)}${v.typeId ? `, type ${v.typeId}` : ''}`;
    // the struct metas log nothing of their own: btfkit's words, then where the kernel's log ends
    const text =
      v.phase === 'fields'
        ? `${v.message} (no message of the kernel's own; its log ends: ${v.line.replace(/^\t/, '')})`
        : v.lines.length
          ? v.lines.map((l) => l.replace(/^\t/, '')).join(' | ')
          : `(no log line) ${v.message}`;
    s += `  ${v.kernelFirst ? '*' : '-'} ${text} (${where}${v.kernelFirst ? ', the one the kernel reports' : ''})\n`;
  }
  return s;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('check')
    .description(
      "judge BTF as the running kernel's verifier does at BPF_BTF_LOAD (exit status 3 when it would refuse it)",
    )
    .argument('<files...>', 'raw BTF or ELF objects with a .BTF section')
    .option('-B, --base <file>', 'base BTF: the files are split (module) BTF, checked as the kernel checks module BTF')
    .option('-j, --json', 'one JSON object per file')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .addOption(fixupFlag())
    .addOption(fixupModeOption())
    .option(
      '--kernel-btf <file>',
      `the kernel's BTF, where a struct's kptr targets are looked up (default: ${KERNEL_BTF} when judging as the newest kernel)`,
    )
    .addOption(
      new Option(
        '--module <file>',
        "a module's BTF (split over the kernel's), searched after the kernel's for a kptr's target struct, in the order given; repeatable; a directory gives its files by name",
      )
        .argParser(collect)
        .default([], `with the running kernel's BTF, every module in ${KERNEL_BTF_DIR}, in load order`),
    )
    .addOption(
      new Option(
        '--kernel <version>',
        "judge as this kernel: '6.18' (the default) or '6.1' (no kind_flag on type and decl tags, identifier DATASEC names, no struct metas)",
      ).choices([...CHECK_KERNELS]),
    )
    .action(
      async (
        files: string[],
        opts: {
          base?: string;
          json?: boolean;
          pretty?: boolean;
          fixup?: boolean;
          fixupMode?: string;
          kernel?: CheckKernel;
          kernelBtf?: string;
          module: string[];
        },
      ) => {
        // --fixup: the BTF libbpf hands BPF_BTF_LOAD after bpf_object__open
        // (DATASEC sizes and offsets from the ELF, externs), not the file's.
        const mode = fixupMode(opts);
        const kernelBtfPath =
          opts.kernelBtf ?? (opts.kernel === '6.1' || !existsSync(KERNEL_BTF) ? undefined : KERNEL_BTF);
        let kernelBtf: Btf | undefined;
        // read only when a kptr needs it
        const kernelBtfOnce = () => (kernelBtf ??= Btf.parse(readFileSync(kernelBtfPath!), { file: kernelBtfPath! }));
        // bpf_find_btf_id searches the modules after vmlinux: the running
        // kernel's own with its own BTF, else those given
        const modulePaths = opts.module.length
          ? moduleFiles(opts.module)
          : kernelBtfPath === KERNEL_BTF && !opts.kernelBtf
            ? runningModuleFiles(KERNEL_BTF_DIR)
            : [];
        if (modulePaths.length && !kernelBtfPath)
          throw new BtfError(BtfErrorCode.InvalidArgument, 'check: --module needs the kernel BTF (--kernel-btf FILE)');
        let modules: KernelModuleBtf[] | undefined;
        // read only when a kptr needs them
        const modulesOnce = () =>
          (modules ??= modulePaths.map((f) => ({
            name: basename(f).replace(/\.btf$/, ''),
            btf: Btf.parse(readFileSync(osPath(f)), { base: kernelBtfOnce(), file: f }),
          })));
        let refused = false;
        for (const arg of files) {
          const file = inputPath(arg);
          const basePath = basePathFor(file, opts.base);
          let report: CheckReport;
          try {
            const base = basePath ? await readBtfFile(basePath) : undefined;
            const bytes = mode
              ? (await loadFixedBtf(file, mode, basePath)).rawData().slice()
              : (await sectionOrRaw(file, BTF_ELF_SEC, BtfErrorCode.Format)).slice();
            report = checkRawBtf(bytes, {
              ...(base ? { base } : {}),
              ...(opts.kernel ? { kernel: opts.kernel } : {}),
              ...(kernelBtfPath ? { kernelBtf: kernelBtfOnce } : {}),
              ...(modulePaths.length ? { kernelModules: modulesOnce } : {}),
            });
          } catch (e) {
            if (isInputError(e) && !e.file) e.withFile(file);
            throw e;
          }
          if (!report.ok) refused = true;
          io.out(opts.json ? jsonText({ file, ...report }, opts.pretty) : formatReport(file, report));
        }
        if (refused) throw new CommanderError(EXIT_REFUSED, 'btfkit.exitStatus', '');
      },
    );
}
