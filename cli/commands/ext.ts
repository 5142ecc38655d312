/**
 * `btfkit ext OBJ [-j]`: the records of `.BTF.ext` — func_info (section,
 * instruction, function, type id), line_info (file, line, column, source
 * text) and CO-RE relocations (type, access string, kind, and the access
 * path as libbpf's debug log prints it).
 */
import type { Command } from 'commander';
import { Btf, isElf } from '../../lib/btf.js';
import { BtfError, BtfErrorCode, isInputError } from '../../lib/errors.js';
import { BtfExt, CORE_RELO_KINDS, type ExtInfo } from '../../lib/ext.js';
import { readInput } from '../../lib/io.js';
import { parseCoreSpec } from '../../lib/core-spec.js';
import { openObject, readBtfFile } from '../../lib/object/open.js';
import { jsonText } from '../common.js';
import type { CliIo } from '../io.js';

/** BPF instructions are 8 bytes; `.BTF.ext` offsets are in bytes. */
const INSN_SIZE = 8;

/** What `ext -j` prints. */
export interface ExtReport {
  func_info: null | {
    rec_size: number;
    records: Array<{ section: string; insn_off: number; insn: number; type_id: number; name: string }>;
  };
  line_info: null | {
    rec_size: number;
    records: Array<{
      section: string;
      insn_off: number;
      insn: number;
      file: string;
      line: number;
      column: number;
      source: string;
    }>;
  };
  core_relo: null | {
    rec_size: number;
    records: Array<{
      section: string;
      insn_off: number;
      insn: number;
      type_id: number;
      type: string;
      access: string;
      kind: string;
      spec: string;
    }>;
  };
}

/** Returns `[KIND] name` of a type for the CO-RE table (`struct task_struct`, `typedef u32`). */
function typeLabel(btf: Btf, typeId: number): string {
  if (typeId === 0) return 'void';
  if (typeId >= btf.typeCount) return `<invalid type ${typeId}>`;
  const t = btf.type(typeId);
  return `${t.kindName.toLowerCase()} ${t.name || '(anon)'}`;
}

/** Returns the report `ext` prints, as a plain object. */
export function extReport(ext: BtfExt, btf: Btf): ExtReport {
  const size = (i: ExtInfo | null): number => i?.recSize ?? 0;
  return {
    func_info:
      ext.funcInfo === null
        ? null
        : {
            rec_size: size(ext.funcInfo),
            records: ext.funcInfos(btf).map((r) => ({
              section: r.section,
              insn_off: r.insnOff,
              insn: r.insnOff / INSN_SIZE,
              type_id: r.typeId,
              name: r.name,
            })),
          },
    line_info:
      ext.lineInfo === null
        ? null
        : {
            rec_size: size(ext.lineInfo),
            records: ext.lineInfos(btf).map((r) => ({
              section: r.section,
              insn_off: r.insnOff,
              insn: r.insnOff / INSN_SIZE,
              file: r.file,
              line: r.line,
              column: r.col,
              source: r.text,
            })),
          },
    core_relo:
      ext.coreRelo === null
        ? null
        : {
            rec_size: size(ext.coreRelo),
            records: ext.coreRelos(btf).map((r) => {
              let spec: string;
              try {
                spec = parseCoreSpec(btf, r.typeId, r.access, CORE_RELO_KINDS.indexOf(r.kind)).text;
              } catch (e) {
                if (!isInputError(e)) throw e;
                spec = `<invalid: ${e.message}>`;
              }
              return {
                section: r.section,
                insn_off: r.insnOff,
                insn: r.insnOff / INSN_SIZE,
                type_id: r.typeId,
                type: typeLabel(btf, r.typeId),
                access: r.access,
                kind: r.kind,
                spec,
              };
            }),
          },
  };
}

function table(header: string[], rows: string[][], right: ReadonlySet<number>): string {
  const all = [header, ...rows];
  const widths: number[] = [];
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return `${all
    .map(
      (r) =>
        '  ' +
        r
          .map((c, i) => (i === r.length - 1 ? c : right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n')}\n`;
}

/** Returns the human-readable tables of a report. */
export function formatExtReport(rep: ExtReport): string {
  let out = '';
  const head = (name: string, part: { rec_size: number; records: unknown[] } | null): string =>
    part === null ? `${name}: none\n` : `${name}: ${part.records.length} records of ${part.rec_size} bytes\n`;
  out += head('func_info', rep.func_info);
  if (rep.func_info?.records.length) {
    out += table(
      ['SECTION', 'INSN', 'TYPE_ID', 'FUNCTION'],
      rep.func_info.records.map((r) => [r.section, String(r.insn), String(r.type_id), r.name]),
      new Set([1, 2]),
    );
  }
  out += head('line_info', rep.line_info);
  if (rep.line_info?.records.length) {
    out += table(
      ['SECTION', 'INSN', 'FILE:LINE:COL', 'SOURCE'],
      rep.line_info.records.map((r) => [r.section, String(r.insn), `${r.file}:${r.line}:${r.column}`, r.source.trim()]),
      new Set([1]),
    );
  }
  out += head('core_relo', rep.core_relo);
  if (rep.core_relo?.records.length) {
    out += table(
      ['SECTION', 'INSN', 'TYPE_ID', 'TYPE', 'ACCESS', 'KIND', 'SPEC'],
      rep.core_relo.records.map((r) => [
        r.section,
        String(r.insn),
        String(r.type_id),
        r.type,
        r.access,
        r.kind,
        r.spec,
      ]),
      new Set([1, 2]),
    );
  }
  return out;
}

/**
 * Returns `bytes` parsed as a raw `.BTF.ext`; when they are not one, the
 * error says what they are instead (empty, raw `.BTF`, or neither), since
 * `ext` takes an object or a raw `.BTF.ext`.
 */
function parseRawExt(bytes: Uint8Array, file: string): BtfExt {
  const what = 'neither an ELF object nor a raw .BTF.ext';
  if (bytes.length === 0) throw new BtfError(BtfErrorCode.Format, `empty file: ${what}`, { file });
  try {
    return BtfExt.parse(bytes, { file });
  } catch (e) {
    if (!isInputError(e)) throw e;
    let isBtf = false;
    try {
      Btf.parse(bytes);
      isBtf = true;
    } catch {
      // not raw BTF either
    }
    if (isBtf) throw new BtfError(BtfErrorCode.Format, `raw BTF (a .BTF section), not .BTF.ext: ${what}`, { file });
    throw new BtfError(e.code, `${what}: ${e.detail}`, {
      file,
      ...(e.offset !== undefined ? { offset: e.offset } : {}),
    });
  }
}

export function register(program: Command, io: CliIo): void {
  program
    .command('ext')
    .description('print the .BTF.ext records of an object: func_info, line_info and CO-RE relocations')
    .argument('<obj>', 'an ELF object, or a raw .BTF.ext file with --btf')
    .option('-j, --json', 'JSON output')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .option('--btf <file>', 'the BTF the records refer to (raw BTF or an object); needed for a raw .BTF.ext')
    .action(async (file: string, opts: { json?: boolean; pretty?: boolean; btf?: string }) => {
      const bytes = await readInput(file);
      let ext: BtfExt | null;
      let btf: Btf | null;
      if (isElf(bytes)) {
        const obj = openObject(bytes, { file });
        ext = obj.ext;
        btf = opts.btf !== undefined ? await readBtfFile(opts.btf) : obj.btf;
      } else {
        ext = parseRawExt(bytes, file);
        if (opts.btf === undefined)
          throw new BtfError(
            BtfErrorCode.InvalidArgument,
            'a raw .BTF.ext needs --btf FILE for its strings and types',
            { file },
          );
        btf = await readBtfFile(opts.btf);
      }
      if (ext === null) throw new BtfError(BtfErrorCode.NotFound, 'no .BTF.ext section in the ELF object', { file });
      if (btf === null)
        throw new BtfError(BtfErrorCode.NotFound, 'no .BTF section in the ELF object (give --btf)', { file });
      const rep = extReport(ext, btf);
      io.out(opts.json ? jsonText(rep, opts.pretty) : formatExtReport(rep));
    });
}
