/**
 * `btfkit maps OBJ [-j]`: the maps libbpf 1.1.2 creates when it opens OBJ
 * (and, for a `.percpu` section, the per-CPU array map of a proposed libbpf
 * extension that no released libbpf supports), in libbpf's order.
 */
import type { Command } from 'commander';
import { BtfError, BtfErrorCode } from '../../lib/errors.js';
import { readInput } from '../../lib/io.js';
import { type MapInfo, type MapProblem, listMaps, mapTypeLabel } from '../../lib/inspect/maps.js';
import { type BpfObject, openObject } from '../../lib/object/open.js';
import { TypedDataDumper } from '../../lib/inspect/typed-data.js';
import { mapsText } from '../../lib/inspect/maps-text.js';
import { jsonText, percpuNote } from '../common.js';
import type { CliIo } from '../io.js';

/** A type as `{id, name}` for JSON, or null for id 0. */
function typeRef(obj: BpfObject, names: TypedDataDumper | null, typeId: number): { id: number; name: string } | null {
  if (!typeId || !obj.btf || !names) return null;
  return { id: typeId, name: names.typeName(typeId, false) };
}

/** Returns one map as the JSON object `btfkit maps -j` prints (bpftool's key names where they overlap). */
export function mapJson(
  obj: BpfObject,
  m: MapInfo,
  names: TypedDataDumper | null = obj.btf ? new TypedDataDumper(obj.btf) : null,
): Record<string, unknown> {
  return {
    name: m.name,
    type: mapTypeLabel(m.type),
    bytes_key: m.keySize,
    bytes_value: m.valueSize,
    max_entries: m.maxEntries,
    flags: m.mapFlags,
    numa_node: m.numaNode,
    map_extra: m.mapExtra,
    pinning: m.pinning === 1 ? 'by_name' : 'none',
    pin_path: m.pinPath,
    key_type: typeRef(obj, names, m.btfKeyTypeId),
    value_type: typeRef(obj, names, m.btfValueTypeId),
    inner_map: m.innerMap ? mapJson(obj, m.innerMap, names) : null,
    internal: m.internal,
    section: m.section,
    variables: m.variables.map((v) => ({
      name: v.name,
      offset: v.offset,
      size: v.size,
      linkage: v.linkage,
      type: typeRef(obj, names, v.typeId),
    })),
    kernel_name: m.kernelName,
    percpu_value_size: m.cpuValueSize,
    mmapable: m.mmapable,
    frozen: m.frozen,
    initial_value_size: m.initialValueSize,
    initial_values: m.initialSlots,
    legacy: m.legacy,
  };
}

/** Returns the problem as one line, naming the file. */
export function problemLine(file: string, p: MapProblem): string {
  return `btfkit: ${file}: ${p.message}\n`;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('maps')
    .description(
      'list the maps libbpf 1.1.2 creates when it opens a BPF object, and a per-CPU array map for each .percpu section (per-CPU global variables, which no libbpf release supports yet)',
    )
    .argument('<obj>', 'a BPF ELF object')
    .option('-j, --json', 'JSON output: an array, one object per map')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .option('--relaxed', 'ignore unknown map definition members, as libbpf with relaxed_maps')
    .option('--pin-root <dir>', 'pin root for maps pinned by name', '/sys/fs/bpf')
    .action(async (file: string, opts: { json?: boolean; pretty?: boolean; relaxed?: boolean; pinRoot: string }) => {
      const obj = openObject(await readInput(file), { file, ext: false, badBtf: 'record' });
      percpuNote(io, obj);
      const list = listMaps(obj, { relaxed: Boolean(opts.relaxed), pinRoot: opts.pinRoot });
      if (opts.json) {
        const names = obj.btf ? new TypedDataDumper(obj.btf) : null;
        io.out(
          jsonText(
            list.maps.map((m) => mapJson(obj, m, names)),
            opts.pretty,
          ),
        );
      } else {
        io.out(mapsText(obj, list));
      }
      for (const p of list.problems) io.err(problemLine(file, p));
      if (list.problems.length) {
        throw new BtfError(
          BtfErrorCode.Format,
          `${list.problems.length} problem${list.problems.length > 1 ? 's' : ''} (libbpf would not open this object); the other maps are listed`,
          { file },
        );
      }
    });
}
