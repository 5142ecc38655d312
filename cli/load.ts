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
  // Like bpftool: a module's BTF under /sys/kernel/btf/ is split BTF over
  // the kernel's, which is taken as the base unless one is given.
  const implied = basePath === undefined && path.startsWith('/sys/kernel/btf/') && path !== VMLINUX ? VMLINUX : undefined;
  const baseFile = basePath ?? implied;
  const base = baseFile ? await Btf.fromFile(baseFile) : undefined;
  return Btf.fromFile(path, base ? { base } : {});
}
