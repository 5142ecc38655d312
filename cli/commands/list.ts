/**
 * `btfkit list`: the kernel's BTF objects under /sys/kernel/btf/ (vmlinux,
 * then every module in name order), with their sizes and type counts, as
 * `bpftool btf list` shows the kernel's loaded BTF, for what can be read
 * without the `bpf()` syscall (and so without privileges). A module's BTF
 * is split BTF over vmlinux: its ids start after vmlinux's last.
 */
import { readdir, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { errnoText, fromOsBytes, osPath } from '../../lib/io.js';
import { readBtfFile } from '../../lib/object/open.js';
import { jsonText, sysfsBtfDir } from '../common.js';
import type { CliIo } from '../io.js';

interface Entry {
  name: string;
  path: string;
  size: number;
  types: number;
  firstId: number;
  base: string | null;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('list')
    .description(
      "list the kernel's BTF objects under /sys/kernel/btf (vmlinux and every module): sizes and type counts",
    )
    .option('--dir <dir>', "read this directory instead of /sys/kernel/btf (a copy, or another machine's)")
    .option('-j, --json', 'JSON output: an array of {name, path, size, types, firstId, base}')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .action(async (opts: { dir?: string; json?: boolean; pretty?: boolean }) => {
      const dir = (opts.dir ?? sysfsBtfDir()).replace(/\/+$/, '') || '/';
      let names: string[];
      try {
        names = (await readdir(osPath(dir), { encoding: 'buffer' }))
          .map((n) => fromOsBytes(n))
          .sort((a, b) => (a === 'vmlinux' ? -1 : b === 'vmlinux' ? 1 : a < b ? -1 : 1));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new BtfError(
          BtfErrorCode.Io,
          err.code === 'ENOENT' ? 'no such directory (a kernel without CONFIG_DEBUG_INFO_BTF?)' : errnoText(err),
          { file: dir },
        );
      }
      let vmlinux: Btf | undefined;
      const entries: Entry[] = [];
      for (const name of names) {
        const path = `${dir}/${name}`;
        const st = await stat(osPath(path));
        if (!st.isFile()) continue;
        const isBase = name === 'vmlinux';
        if (!isBase && vmlinux === undefined) vmlinux = await readBtfFile(`${dir}/vmlinux`);
        const btf = await readBtfFile(path, isBase ? {} : { base: vmlinux! });
        if (isBase) vmlinux = btf;
        entries.push({
          name,
          path,
          size: btf.rawData().length,
          types: btf.nrTypes,
          firstId: btf.startId,
          base: isBase ? null : 'vmlinux',
        });
      }
      if (opts.json) {
        io.out(jsonText(entries, opts.pretty));
        return;
      }
      const w = Math.max(4, ...entries.map((e) => e.name.length));
      const rows = [`${'name'.padEnd(w)}  ${'size'.padStart(9)}  ${'types'.padStart(7)}  ids`];
      for (const e of entries)
        rows.push(
          `${e.name.padEnd(w)}  ${`${e.size}B`.padStart(9)}  ${String(e.types).padStart(7)}  ${e.firstId}..${e.firstId + e.types - 1}`,
        );
      io.out(`${rows.join('\n')}\n`);
    });
}
