/**
 * Loading inputs for commands: the default kernel BTF, `--base` for split
 * BTF, and the one-line "missing vmlinux" message.
 */
import { Btf } from '../lib/btf.js';
import { BtfError, BtfErrorCode } from '../lib/errors.js';
import { readable } from '../lib/io.js';

/** Where the running kernel's BTF lives. */
export const VMLINUX = '/sys/kernel/btf/vmlinux';

/** Returns the BTF of `file` (the kernel's when absent), over `base` when given. */
export async function loadBtf(file: string | undefined, basePath?: string): Promise<Btf> {
  const path = file ?? VMLINUX;
  if (file === undefined && !(await readable(VMLINUX))) {
    throw new BtfError(BtfErrorCode.Io, 'no FILE given and the running kernel has no BTF (CONFIG_DEBUG_INFO_BTF is off, or it is not readable)', { file: VMLINUX });
  }
  const base = basePath ? await Btf.fromFile(basePath) : undefined;
  return Btf.fromFile(path, base ? { base } : {});
}
