/**
 * The initial value of every global variable, as libbpf holds it after
 * opening an object, printed through its BTF type.
 *
 * For each internal map (in {@link listMaps} order) whose BTF value type is a
 * DATASEC, and for each entry of that DATASEC in offset order (statics
 * included), the value is the entry's bytes of the map's initial value:
 * the section's bytes for `.data*`, `.rodata*` and `.percpu*`, zeroes for
 * `.bss*` and `.kconfig` (libbpf fills `.kconfig` only at load). Each is
 * printed by {@link TypedDataDumper} as `btf_dump__dump_type_data` prints it
 * with `.compact = true, .emit_zeroes = true`, one dumper for the whole
 * object (so `___2` name suffixes follow libbpf's), giving lines
 * `SECTION NAME = VALUE`.
 * @module
 */
import { SHT } from '../elf/read.js';
import { type MapList, checkBpfElf, listMaps } from './maps.js';
import type { BpfObject } from '../object/open.js';
import { type TypedDataOptions, TypedDataDumper } from './typed-data.js';
import { type JsonValue, typedJson } from './typed-json.js';

/** One variable and its printed initial value. */
export interface VarValue {
  /** The DATASEC (ELF section) name. */
  section: string;
  /** The internal map holding it. */
  map: string;
  name: string;
  /** The DATASEC entry's type (a VAR, unless the BTF is odd). */
  varId: number;
  offset: number;
  size: number;
  /** The value in libbpf's typed-data format; what was printed before an error, if any. */
  value: string;
  /** Why the value could not be printed in full (libbpf's error). */
  error?: string;
  /** With {@link ListVarsOptions.json}: the value as JSON (inspect/typed-json.ts); null where none can be read. */
  json?: JsonValue;
}

/** Options for {@link listVars}: the typed-data options, plus a map list already made. */
export interface ListVarsOptions extends TypedDataOptions {
  maps?: MapList;
  /** Also give each value as JSON (`json`). Defaults to false. */
  json?: boolean;
}

/**
 * Returns every global variable of `obj` with its initial value printed as
 * libbpf prints it (see the module comment).
 */
export function listVars(obj: BpfObject, opts: ListVarsOptions = {}): VarValue[] {
  checkBpfElf(obj);
  const out: VarValue[] = [];
  const btf = obj.btf;
  if (!btf) return out;
  const { maps: given, json, ...dumpOpts } = opts;
  const maps = (given ?? listMaps(obj)).maps;
  const dumper = new TypedDataDumper(btf, { littleEndian: obj.elf.littleEndian, ...dumpOpts });
  for (const m of maps) {
    if (!m.internal || !m.btfValueTypeId || m.initialValueSize === null) continue;
    const lay = obj.layouts.get(m.btfValueTypeId);
    if (!lay) continue;
    const init = initialValue(obj, m.section, m.valueSize);
    for (const e of lay.entries) {
      const v: VarValue = {
        section: lay.name,
        map: m.name,
        name: e.name || '?',
        varId: e.typeId,
        offset: e.offset,
        size: e.size,
        value: '',
      };
      if (e.kind !== 'VAR') {
        v.error = `EINVAL: DATASEC entry [${e.typeId}] is not a VAR`;
      } else if (e.offset + e.size > init.length) {
        v.error = `E2BIG: ${e.offset} + ${e.size} is past the ${init.length} bytes of the initial value`;
      } else {
        const r = dumper.dump(btf.wordOf(e.typeId, 2), init.bytes, e.offset, e.size);
        v.value = r.text;
        if (json) v.json = typedJson(btf, btf.wordOf(e.typeId, 2), init.bytes, e.offset, e.size, obj.elf.littleEndian);
        if (r.error !== undefined) v.error = r.error;
      }
      out.push(v);
    }
  }
  return out;
}

/**
 * libbpf's initial value of an internal map: `size` bytes, the section's
 * bytes and then zeroes (all zeroes for `.bss*` and `.kconfig`). Only the
 * section's bytes are returned: the typed-data dumper reads past them as
 * zeroes, so a corrupt size costs no allocation.
 */
function initialValue(obj: BpfObject, section: string, size: number): { bytes: Uint8Array; length: number } {
  const sec = section === '.kconfig' ? undefined : obj.elf.sections.find((s) => s.name === section);
  const bytes = sec && sec.type !== SHT.NOBITS ? obj.elf.sectionData(sec).subarray(0, size) : new Uint8Array(0);
  return { bytes, length: size };
}

/** Returns the `SECTION NAME = VALUE` line of a variable (without a newline). */
export function varLine(v: VarValue): string {
  return `${v.section} ${v.name} = ${v.value}`;
}
