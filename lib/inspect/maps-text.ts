/**
 * The plain-text listing of `btfkit maps`: each map's type, flags, key and
 * value sizes with their BTF types, and the variables of the internal maps
 * (the CLI prints it, the web explorer shows it).
 */
import { BTF_KIND_DATASEC } from '../kinds.js';
import type { BpfObject } from '../object/open.js';
import type { MapInfo, MapList } from './maps.js';
import { mapTypeLabel } from './maps.js';
import { TypedDataDumper } from './typed-data.js';

function bytes(n: number, what: string): string {
  return what ? `${n}B (${what})` : `${n}B`;
}

/** Returns the plain-text listing of `btfkit maps`. */
export function mapsText(obj: BpfObject, list: MapList): string {
  const names = obj.btf ? new TypedDataDumper(obj.btf) : null;
  const tname = (id: number) =>
    !id || !names
      ? ''
      : obj.btf!.kindOf(id) === BTF_KIND_DATASEC
        ? `DATASEC ${obj.btf!.nameOf(id)}`
        : names.typeName(id, false);
  const out: string[] = [];
  const head = (m: MapInfo, indent: string, label: string) => {
    const tags: string[] = [`flags 0x${m.mapFlags.toString(16)}`];
    if (m.internal) tags.push(`internal ${m.section}`);
    if (m.legacy) tags.push('legacy SEC("maps")');
    if (m.mmapable) tags.push('mmapable');
    if (m.frozen) tags.push('frozen');
    out.push(`${indent}${label}: ${mapTypeLabel(m.type)}  ${tags.join('  ')}`);
    const line = [
      `key ${bytes(m.keySize, tname(m.btfKeyTypeId))}`,
      `value ${bytes(m.valueSize, tname(m.btfValueTypeId))}`,
      `max_entries ${m.maxEntries}`,
    ];
    if (m.numaNode) line.push(`numa_node ${m.numaNode}`);
    if (m.mapExtra) line.push(`map_extra ${m.mapExtra}`);
    out.push(`${indent}\t${line.join('  ')}`);
    if (m.pinPath) out.push(`${indent}\tpinned by name: ${m.pinPath}`);
  };
  for (const m of list.maps) {
    head(m, '', m.name === m.kernelName ? m.name : `${m.name} (${m.kernelName})`);
    if (m.innerMap) head(m.innerMap, '\t', `inner map ${m.innerMap.name}`);
    if (m.initialSlots.length)
      out.push(`\tinitial values: ${m.initialSlots.map((s) => `[${s.index}] ${s.name}`).join(', ')}`);
    if (m.cpuValueSize !== null && m.internal)
      out.push(`\tper-CPU: each CPU starts from ${m.cpuValueSize}B of initial value`);
    for (const v of m.variables) {
      out.push(
        `\t${String(v.offset).padStart(6)} ${String(v.size).padStart(5)}  ${v.linkage === 'global' ? '' : `${v.linkage} `}${tname(v.typeId)} ${v.name}`,
      );
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
