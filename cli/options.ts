/**
 * Options shared by several commands, kept apart from the command modules so
 * that defining a command does not load the code behind it.
 */
import { CommanderError, Option } from 'commander';

/** The CommanderError code of a usage error a command found itself (exit status 2). */
export const USAGE_ERROR = 'btfkit.usage';

/**
 * Returns the error a command throws for bad usage (options that exclude
 * each other, a missing one): `cli/main.ts` prints it as one line,
 * `btfkit: MESSAGE (see 'btfkit COMMAND --help')`, and exits with status 2,
 * as it does for the argument parser's own errors.
 */
export function usageError(command: string, message: string): CommanderError {
  return new CommanderError(2, USAGE_ERROR, `${message} (see 'btfkit ${command} --help')`);
}
import type { BpftoolVersion } from '../lib/dump/raw.js';

/** The `--fixup` modes: libbpf's whole open-time pass, or only `btf_fixup_datasec`. */
export type FixupMode = 'open' | 'datasec';

/**
 * The one `--fixup` default, for every command that has the flag: what
 * `bpf_object__open` hands the kernel. `attach`, where the modes give
 * different objects (externs), asks for an explicit `--fixup-mode` instead.
 */
const DEFAULT_FIXUP: FixupMode = 'open';

/**
 * Returns the `--fixup` flag. It takes no value, so that `dump --fixup OBJ`
 * reads OBJ as the file; `--fixup-mode` ({@link fixupModeOption}) picks the
 * mode, {@link DEFAULT_FIXUP} when only `--fixup` is given.
 */
export function fixupFlag(): Option {
  return new Option(
    '--fixup',
    `fix up DATASEC sizes and offsets from the ELF sections and symbols first, as libbpf does (mode '${DEFAULT_FIXUP}', see --fixup-mode)`,
  );
}

/**
 * Returns the `--fixup-mode MODE` option. `open` does what `bpf_object__open`
 * does to BTF (externs and DATASECs: what libbpf loads); `datasec` only
 * fixes DATASEC sizes, offsets, `__hidden` linkage and order, leaving
 * `.kconfig`/`.ksyms` externs as they are (what the static linker writes,
 * and what libbpf can still open).
 */
export function fixupModeOption(): Option {
  return new Option(
    '--fixup-mode <mode>',
    "implies --fixup: 'open' (everything bpf_object__open does to BTF, .kconfig/.ksyms externs included) or 'datasec' (sizes, offsets, __hidden and order only; externs kept, so libbpf can still open the object)",
  ).choices(['open', 'datasec']);
}

/** Returns the fixup mode the `--fixup`/`--fixup-mode` options ask for, or undefined. */
export function fixupMode(opts: { fixup?: boolean; fixupMode?: string }): FixupMode | undefined {
  if (opts.fixupMode !== undefined) return opts.fixupMode as FixupMode;
  return opts.fixup ? DEFAULT_FIXUP : undefined;
}

const BPFTOOL_VERSIONS = ['7.1', '7.8'] as const;

/**
 * Returns the `--bpftool VERSION` option: whose output to match, Debian 12's
 * bpftool 7.1.0 (the default, the one CI runs) or bpftool 7.8.0 with libbpf
 * 1.8. Without it, `BTFKIT_BPFTOOL` decides ({@link bpftoolVersion}).
 */
export function bpftoolOption(): Option {
  return new Option(
    '--bpftool <version>',
    "match this bpftool's output: '7.1' (Debian 12's 7.1.0, the default) or '7.8' (7.8.0 with libbpf 1.8: sorted format c, kfunc prototypes, mode() on small enums, fixed JSON escapes); default from BTFKIT_BPFTOOL",
  ).choices(BPFTOOL_VERSIONS);
}

/**
 * Returns the bpftool version `--bpftool` or else the `BTFKIT_BPFTOOL`
 * variable of `env` names, '7.1' when neither does; undefined for a variable
 * naming no known version (the caller reports it).
 */
export function bpftoolVersion(
  opts: { bpftool?: string },
  env: Record<string, string | undefined>,
): BpftoolVersion | undefined {
  const v = opts.bpftool ?? (env['BTFKIT_BPFTOOL'] || '7.1');
  return (BPFTOOL_VERSIONS as readonly string[]).includes(v) ? (v as BpftoolVersion) : undefined;
}
