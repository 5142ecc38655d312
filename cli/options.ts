/**
 * Options shared by several commands, kept apart from the command modules so
 * that defining a command does not load the code behind it.
 */
import { Option } from 'commander';

/** The `--fixup` modes: libbpf's whole open-time pass, or only `btf_fixup_datasec`. */
export type FixupMode = 'open' | 'datasec';

/**
 * Returns the `--fixup` flag. It takes no value, so that `dump --fixup OBJ`
 * reads OBJ as the file; `--fixup-mode` ({@link fixupModeOption}) picks the
 * mode, `preset` when only `--fixup` is given.
 */
export function fixupFlag(preset: FixupMode): Option {
  return new Option(
    '--fixup',
    `fix up DATASEC sizes and offsets from the ELF sections and symbols first, as libbpf does (mode '${preset}', see --fixup-mode)`,
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
export function fixupMode(opts: { fixup?: boolean; fixupMode?: string }, preset: FixupMode): FixupMode | undefined {
  if (opts.fixupMode !== undefined) return opts.fixupMode as FixupMode;
  return opts.fixup ? preset : undefined;
}
