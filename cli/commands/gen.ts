/**
 * `btfkit gen min-core-btf INPUT OUTPUT OBJ...`: bpftool's
 * `gen min_core_btf` (7.1), byte for byte: the part of the kernel BTF INPUT
 * that the objects' CO-RE relocations use (lib/core/min.ts).
 *
 * `btfkit gen ts OBJ [-o FILE] [--js]`: TypeScript bindings for the object's
 * global data and maps (lib/gen/ts.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { minCoreBtf } from '../../lib/core/min.js';
import { isInputError } from '../../lib/errors.js';
import { genTs } from '../../lib/gen/ts.js';
import { STDIO_PATH, readInput, writeFileAtomic } from '../../lib/io.js';
import { openObject, parseBtf } from '../../lib/object/open.js';
import { loadObject, usageError, writeOutput } from '../common.js';
import type { CliIo } from '../io.js';

export function register(program: Command, io: CliIo): void {
  const gen = program.command('gen').description('generate BTF');
  gen
    .command('min-core-btf')
    .description("the part of a kernel's BTF that the objects' CO-RE relocations use (bpftool gen min_core_btf)")
    .argument('<input>', 'kernel BTF (raw, or an object with .BTF)')
    .argument('<output>', 'raw BTF file to write')
    .argument('<objects...>', 'BPF objects with CO-RE relocations')
    .action(async (input: string, output: string, objects: string[]) => {
      let src: Btf;
      try {
        src = parseBtf(readFileSync(input));
      } catch (e) {
        if (isInputError(e) && !e.file) e.withFile(input);
        throw e;
      }
      const objs = [];
      for (const f of objects) objs.push(await loadObject(f, { ext: true }));
      await writeOutput(io, output, minCoreBtf(src, objs).rawData());
    });
  gen
    .command('ts')
    .description("TypeScript types and DataView codecs for an object's global data and maps")
    .argument('<obj>', 'a BPF ELF object')
    .option('-o, --output <file>', 'write the module to FILE instead of stdout')
    .option('--js', 'write FILE.js and FILE.d.ts (FILE without its .ts/.js) instead of a .ts module')
    .action(async (file: string, opts: { output?: string; js?: boolean }) => {
      const out = genTs(openObject(await readInput(file), { file, ext: false }));
      if (opts.js) {
        if (opts.output === undefined || opts.output === STDIO_PATH) throw usageError('gen ts', '--js needs -o FILE');
        const stem = opts.output.replace(/\.(d\.ts|ts|js|mjs)$/, '');
        await writeFileAtomic(`${stem}.js`, out.js);
        await writeFileAtomic(`${stem}.d.ts`, out.dts);
      } else if (opts.output !== undefined) {
        await writeOutput(io, opts.output, new TextEncoder().encode(out.ts));
      } else {
        io.out(out.ts);
      }
    });
}
