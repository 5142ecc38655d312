/** `btfkit stats FILE`: types per kind, string bytes, section sizes; `-j` for JSON. */
import type { Command } from 'commander';
import type { Btf } from '../../lib/btf.js';
import { NR_BTF_KINDS } from '../../lib/kinds.js';
import { countedKindName, jsonText, kindCounts, loadBtf } from '../common.js';
import type { CliIo } from '../io.js';

/** Returns the statistics of a BTF as a plain object. */
export function btfStats(btf: Btf): {
  types: number;
  firstId: number;
  kinds: Record<string, number>;
  strings: number;
  stringBytes: number;
  typeBytes: number;
  headerBytes: number;
  totalBytes: number;
  endian: string;
  layout: boolean;
} {
  const counts = kindCounts(btf);
  const kinds: Record<string, number> = {};
  for (let k = 1; k <= NR_BTF_KINDS; k++) if (counts[k]) kinds[countedKindName(k)] = counts[k]!;
  const strs = btf.stringSection();
  let n = 0;
  for (let i = 0; i < strs.length; i++) if (strs[i] === 0) n++;
  return {
    types: btf.nrTypes,
    firstId: btf.startId,
    kinds,
    strings: n,
    stringBytes: strs.length,
    typeBytes: btf.typeWords * 4,
    headerBytes: btf.headerLength(),
    totalBytes: btf.rawData().length,
    endian: btf.endianness(),
    layout: btf.hasLayout(),
  };
}

export function register(program: Command, io: CliIo): void {
  program
    .command('stats')
    .description('count types per kind and show string and section sizes')
    .argument('[file]', "raw BTF or an ELF object (the running kernel's when omitted)")
    .option('-j, --json', 'JSON output')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .option('-B, --base <file>', 'base BTF, for split BTF')
    .action(async (file: string | undefined, opts: { json?: boolean; pretty?: boolean; base?: string }) => {
      const btf = await loadBtf(file, opts.base);
      const s = btfStats(btf);
      if (opts.json) {
        io.out(jsonText(s, opts.pretty));
        return;
      }
      const lines = [
        `types        ${s.types} (ids ${s.firstId}..${s.firstId + s.types - 1})`,
        ...Object.entries(s.kinds).map(([k, v]) => `  ${k.padEnd(11)}${String(v).padStart(8)}`),
        `strings      ${s.strings} (${s.stringBytes} bytes)`,
        `type bytes   ${s.typeBytes}`,
        `header bytes ${s.headerBytes}${s.layout ? ' (with layout section)' : ''}`,
        `total bytes  ${s.totalBytes} (${s.endian}-endian)`,
      ];
      io.out(`${lines.join('\n')}\n`);
    });
}
