/**
 * `btfkit gen min-core-btf INPUT OUTPUT OBJ...`: bpftool's
 * `gen min_core_btf` (7.1), byte for byte: the part of the kernel BTF INPUT
 * that the objects' CO-RE relocations use (lib/core/min.ts). With
 * `-B BASE`, INPUT is split BTF over BASE (a module over its vmlinux), which
 * bpftool 7.1 cannot read; the output is then one complete BTF.
 *
 * `btfkit gen ts OBJ [-o FILE] [--js]`: TypeScript bindings for the object's
 * global data and maps (lib/gen/ts.ts).
 * `btfkit gen skeleton OBJ [name NAME]` and `gen subskeleton OBJ [name NAME]`:
 * bpftool's C skeleton and subskeleton (7.1), byte for byte
 * (lib/gen/skeleton.ts); `--percpu` adds the proposed `.percpu` sections.
 */
import type { Command } from 'commander';
import { minCoreBtf } from '../../lib/core/min.js';
import { genTs } from '../../lib/gen/ts.js';
import { STDIO_PATH, readInput, writeFileAtomic } from '../../lib/io.js';
import { openObject } from '../../lib/object/open.js';
import { genSkeleton, genSubskeleton, type SkeletonOptions } from '../../lib/gen/skeleton.js';
import { loadObject, readBtfSync, usageError, writeOutput } from '../common.js';
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
      const src = readBtfSync(input, opts.base !== undefined ? readBtfSync(opts.base) : undefined);
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
  for (const [cmd, fn, what] of [
    ['skeleton', genSkeleton, 'the C skeleton'],
    ['subskeleton', genSubskeleton, 'the C subskeleton'],
  ] as const) {
    gen
      .command(cmd)
      .description(`${what} of a BPF object, as bpftool gen ${cmd} prints it (7.1, byte for byte)`)
      .argument('<obj>', 'a BPF ELF object')
      .argument('[name...]', "'name NAME': the skeleton's name (default: the file's base name without .o)")
      .option(
        '--percpu',
        'also expose .percpu sections (proposed libbpf per-CPU global data; bpftool has no equivalent)',
      )
      .option('-o, --output <file>', 'write to FILE (default: standard output)')
      .action(async (file: string, rest: string[], opts: { percpu?: boolean; output?: string }) => {
        const sk: SkeletonOptions = { file, percpu: opts.percpu === true };
        // bpftool's own syntax: `name NAME` (any prefix of "name"), once.
        for (let i = 0; i < rest.length; i += 2) {
          const key = rest[i]!;
          if (!key || !'name'.startsWith(key)) throw usageError(`gen ${cmd}`, `unknown arg ${key}`);
          if (i + 1 >= rest.length) throw usageError(`gen ${cmd}`, `'${key}' needs a value`);
          if (sk.name !== undefined) throw usageError(`gen ${cmd}`, 'object name already specified');
          sk.name = rest[i + 1]!;
        }
        await writeOutput(io, opts.output ?? '-', fn(await readInput(file), sk));
      });
  }
}
