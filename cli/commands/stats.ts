/** `btfkit stats FILE`: types per kind, string bytes, section sizes; `-j` for JSON. */
import type { Command } from 'commander';
import { kindName, NR_BTF_KINDS, infoKind } from '../../lib/kinds.js';
import type { Btf } from '../../lib/btf.js';
import type { CliIo } from '../io.js';
import { loadBtf } from '../load.js';

/** Returns the statistics of a BTF as a plain object. */
export function btfStats(btf: Btf): {
  types: number; firstId: number; kinds: Record<string, number>; strings: number; stringBytes: number;
  typeBytes: number; headerBytes: number; totalBytes: number; endian: string; layout: boolean;
} {
  const counts = new Array<number>(NR_BTF_KINDS + 1).fill(0);
  for (let i = 0; i < btf.nrTypes; i++) {
    const k = infoKind(btf.words[btf.offs[i]! + 1]!);
    counts[k < NR_BTF_KINDS ? k : NR_BTF_KINDS]!++;
  }
  const kinds: Record<string, number> = {};
  for (let k = 1; k <= NR_BTF_KINDS; k++) if (counts[k]) kinds[k < NR_BTF_KINDS ? kindName(k) : 'UNKNOWN'] = counts[k]!;
  const strs = btf.stringSection();
  let n = 0;
  for (let i = 0; i < strs.length; i++) if (strs[i] === 0) n++;
  const raw = btf.rawData();
  const hdrLen = raw[4]! | (raw[5]! << 8) | (raw[6]! << 16) | (raw[7]! << 24);
  return {
    types: btf.nrTypes, firstId: btf.startId, kinds, strings: n, stringBytes: strs.length,
    typeBytes: btf.typeWords * 4, headerBytes: btf.bigEndian ? (raw[7]! | (raw[6]! << 8) | (raw[5]! << 16) | (raw[4]! << 24)) : hdrLen,
    totalBytes: raw.length, endian: btf.endianness(), layout: btf.emitLayout,
  };
}

export function register(program: Command, io: CliIo): void {
  program
    .command('stats')
    .description('count types per kind and show string and section sizes')
    .argument('[file]', "raw BTF or an ELF object (the running kernel's when omitted)")
    .option('-j, --json', 'JSON output')
    .option('-B, --base <file>', 'base BTF, for split BTF')
    .action(async (file: string | undefined, opts: { json?: boolean; base?: string }) => {
      const btf = await loadBtf(file, opts.base);
      const s = btfStats(btf);
      if (opts.json) {
        io.out(JSON.stringify(s) + '\n');
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
      io.out(lines.join('\n') + '\n');
    });
}
