/**
 * `btfkit find PATTERN [FILE...]`: the named types whose name matches
 * PATTERN (a substring by default; `--exact`, `--regex`), of the kinds
 * `--kind` gives, in one or many files (the running kernel's BTF when none),
 * printed as `[ID] KIND 'NAME'` (bpftool's raw type line, without the
 * details), each line after its file's name when there are several files;
 * `-j`/`-p` for JSON.
 */
import type { Command } from 'commander';
import { findTypes, type NameMatch } from '../../lib/dump/select.js';
import { kindName } from '../../lib/kinds.js';
import { collect, jsonText, kindsOption, loadBtf, usageError, VMLINUX } from '../common.js';
import type { CliIo } from '../io.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('find')
    .description('list the types whose name matches PATTERN (id, kind, name), in one or many files')
    .argument('<pattern>', 'a part of the name (or the whole name with --exact, a regular expression with --regex)')
    .argument('[files...]', "raw BTF, ELF objects or module:NAME (the running kernel's BTF when none)")
    .option('-x, --exact', 'the whole name')
    .option('-e, --regex', 'PATTERN is a regular expression (JavaScript syntax)')
    .option('-i, --ignore-case', 'ignore case')
    .option('--kind <kind>', 'only types of this kind (struct, func, ...; repeatable, or a comma list)', collect, [])
    .option('-B, --base <file>', 'base BTF, for split BTF')
    .option('-j, --json', 'JSON output: an array of {file, id, kind, name}')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .action(
      async (
        pattern: string,
        files: string[],
        opts: {
          exact?: boolean;
          regex?: boolean;
          ignoreCase?: boolean;
          kind: string[];
          base?: string;
          json?: boolean;
          pretty?: boolean;
        },
      ) => {
        if (opts.exact && opts.regex) throw usageError('find', '--exact and --regex exclude each other');
        const match: NameMatch = opts.exact ? 'exact' : opts.regex ? 'regex' : 'substring';
        const kinds = kindsOption('find', opts.kind);
        if (match === 'regex') {
          try {
            new RegExp(pattern, 'u');
          } catch (e) {
            throw usageError('find', `--regex: ${(e as Error).message}`);
          }
        }
        const inputs: Array<string | undefined> = files.length ? files : [undefined];
        const many = inputs.length > 1;
        const found: Array<{ file: string; id: number; kind: string; name: string }> = [];
        for (const file of inputs) {
          const btf = await loadBtf(file, opts.base);
          const shown = file ?? VMLINUX;
          for (const t of findTypes(btf, pattern, { match, kinds, ignoreCase: Boolean(opts.ignoreCase) })) {
            if (opts.json) found.push({ file: shown, id: t.typeId, kind: kindName(t.kind), name: t.name });
            else io.out(`${many ? `${shown}: ` : ''}[${t.typeId}] ${kindName(t.kind)} '${t.name}'\n`);
          }
        }
        if (opts.json) io.out(jsonText(found, opts.pretty));
      },
    );
}
