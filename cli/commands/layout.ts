/** `btfkit layout [FILE]`: struct and union layouts as `pahole -F btf` prints them (lib/layout). */
import type { Command } from 'commander';
import { LayoutPrinter } from '../../lib/layout/index.js';
import { loadBtf } from '../common.js';
import type { CliIo } from '../io.js';

interface LayoutOpts {
  class_name?: string[];
  sizes?: boolean;
  holes?: string;
  expand_types?: boolean;
  exclude?: string;
  cacheline_size?: string;
  json?: boolean;
  base?: string;
  btf_base?: string;
}

// pahole keeps the last -C it is given (each replaces the one before), then splits it at commas.
const lastList = (v: string): string[] => v.split(',').filter((s) => s !== '');

export function register(program: Command, io: CliIo): void {
  program
    .command('layout')
    .description('print struct and union layouts as pahole does (offsets, holes, cachelines)')
    .argument('[file]', "raw BTF or an ELF object (the running kernel's when omitted)")
    .option(
      '-C, --class_name <names>',
      'only these structs or unions (comma-separated; the last -C wins, as in pahole)',
      lastList,
    )
    .option('--sizes', 'print name, size and number of holes')
    .option('-H, --holes <n>', 'only structs with at least N holes')
    .option('-E, --expand_types', 'expand the types of members')
    .option('-x, --exclude <prefix>', 'leave out structs whose name starts with PREFIX')
    .option('--cacheline_size <n>', 'cacheline size in bytes (default 64)')
    .option('-j, --json', 'JSON output')
    .option('-B, --base <file>', 'base BTF, for split BTF')
    .option('--btf_base <file>', 'base BTF, for split BTF (pahole spelling)')
    .action(async (file: string | undefined, opts: LayoutOpts) => {
      const btf = await loadBtf(file, opts.base ?? opts.btf_base);
      const cls = opts.cacheline_size !== undefined ? Number(opts.cacheline_size) : 64;
      const p = new LayoutPrinter(btf, { cachelineSize: cls > 0 ? cls : 64, expand: opts.expand_types ?? false });
      const nrHoles = opts.holes !== undefined ? Number(opts.holes) || 0 : 0;
      const chunks: string[] = [];
      const json: unknown[] = [];
      const emit = (id: number): void => {
        if (opts.json) json.push(p.layout(id));
        else if (opts.sizes)
          chunks.push(`${p.typeName(id).replace(/^(struct|union) /, '')}\t${p.tagSizeOf(id)}\t${p.holesOf(id)}\n`);
        else chunks.push(`${p.print(id)}\n`);
      };
      if (opts.class_name?.length) {
        for (const name of opts.class_name) {
          const id = p.findByName(name);
          if (!id) {
            io.err(`btfkit layout: '${name}' not found\n`);
            break;
          }
          p.findHoles(id);
          if (p.listed(id) || p.isNamedAggregate(id)) emit(id);
        }
      } else {
        const seen = new Set<string>();
        for (let id = 1; id < btf.typeCount; id++) {
          if (!p.listed(id)) continue;
          if (!p.filter(id, nrHoles, opts.exclude)) continue;
          const key = p.dedupKey(id);
          if (seen.has(key)) continue;
          seen.add(key);
          emit(id);
        }
      }
      if (opts.json) io.out(`${JSON.stringify(json)}\n`);
      else io.out(chunks.join(''));
    });
}
