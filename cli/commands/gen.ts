/**
 * `btfkit gen min-core-btf INPUT OUTPUT OBJ...`: bpftool's
 * `gen min_core_btf` (7.1), byte for byte: the part of the kernel BTF INPUT
 * that the objects' CO-RE relocations use (lib/core/min.ts). With
 * `-B BASE`, INPUT is split BTF over BASE (a module over its vmlinux), which
 * bpftool 7.1 cannot read; the output is then one complete BTF.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { minCoreBtf } from '../../lib/core/min.js';
import { isInputError } from '../../lib/errors.js';
import { parseBtf } from '../../lib/object/open.js';
import { loadObject, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';

export function register(program: Command, io: CliIo): void {
  const gen = program.command('gen').description('generate BTF');
  gen
    .command('min-core-btf')
    .description("the part of a kernel's BTF that the objects' CO-RE relocations use (bpftool gen min_core_btf)")
    .argument('<input>', 'kernel BTF (raw, or an object with .BTF)')
    .argument('<output>', 'raw BTF file to write')
    .argument('<objects...>', 'BPF objects with CO-RE relocations')
    .option('-B, --base <file>', "vmlinux BTF; INPUT is then split BTF over it (a module's), searched after it")
    .action(async (input: string, output: string, objects: string[], opts: { base?: string }) => {
      const read = (file: string, base?: Btf): Btf => {
        try {
          return parseBtf(readFileSync(file), base ? { base } : {});
        } catch (e) {
          if (isInputError(e) && !e.file) e.withFile(file);
          throw e;
        }
      };
      const src = read(input, opts.base !== undefined ? read(opts.base) : undefined);
      const objs = [];
      for (const f of objects) objs.push(await loadObject(f, { ext: true }));
      await writeOutput(io, output, minCoreBtf(src, objs).rawData());
    });
}
