/**
 * `btfkit vars OBJ [-j]`: the initial value of every global variable,
 * `SECTION NAME = VALUE`, VALUE as libbpf's `btf_dump__dump_type_data`
 * prints it (compact, with zeroes; char arrays as libbpf >= 1.5 prints them).
 */
import type { Command } from 'commander';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { readInput } from '../../lib/io.js';
import { BTF_KIND_VAR } from '../../lib/kinds.js';
import { listMaps } from '../../lib/inspect/maps.js';
import { openObject } from '../../lib/object/open.js';
import { TypedDataDumper } from '../../lib/inspect/typed-data.js';
import { listVars, varLine } from '../../lib/inspect/vars.js';
import { jsonText, percpuNote } from '../common.js';
import type { CliIo } from '../io.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('vars')
    .description("print every global variable's initial value as libbpf's btf_dump__dump_type_data does")
    .argument('<obj>', 'a BPF ELF object')
    .option(
      '-j, --json',
      "JSON output: an array, one object per variable, its value as JSON ('value') and as libbpf prints it ('text')",
    )
    .option('-p, --pretty-json', 'pretty JSON output (implies -j)')
    .option('--pretty', 'multi-line values (libbpf without .compact)')
    .option('--libbpf11', "print exactly as libbpf 1.1.2 (char arrays without '\\0', then 1-byte members left empty)")
    .action(
      async (file: string, opts: { json?: boolean; prettyJson?: boolean; pretty?: boolean; libbpf11?: boolean }) => {
        const obj = openObject(await readInput(file), { file, ext: false, badBtf: 'record' });
        percpuNote(io, obj);
        const maps = listMaps(obj);
        const vars = listVars(obj, {
          maps,
          compact: !opts.pretty,
          libbpf11: Boolean(opts.libbpf11),
          json: Boolean(opts.json),
        });
        if (opts.json) {
          const names = obj.btf ? new TypedDataDumper(obj.btf) : null;
          io.out(
            jsonText(
              vars.map((v) => ({
                section: v.section,
                map: v.map,
                name: v.name,
                offset: v.offset,
                size: v.size,
                type:
                  names && v.varId && obj.btf!.kindOf(v.varId) === BTF_KIND_VAR
                    ? names.typeName(obj.btf!.wordOf(v.varId, 2), false)
                    : null,
                value: v.json ?? null,
                text: v.value,
                ...(v.error !== undefined ? { error: v.error } : {}),
              })),
              opts.prettyJson,
            ),
          );
        } else {
          io.out(vars.map((v) => `${varLine(v)}\n`).join(''));
        }
        const bad = vars.filter((v) => v.error !== undefined);
        for (const v of bad) io.err(`btfkit: ${file}: ${v.section} ${v.name}: ${v.error}\n`);
        if (!obj.btf)
          throw new BtfError(BtfErrorCode.Format, obj.btfProblem ?? 'no .BTF section: the variables have no types', {
            file,
          });
        if (bad.length)
          throw new BtfError(
            BtfErrorCode.Format,
            `${bad.length} variable${bad.length > 1 ? 's' : ''} could not be printed in full`,
            { file },
          );
      },
    );
}
