/**
 * `Btf`: the public class. The container and the builder live in
 * container.ts and builder.ts; this module adds construction (parse, empty,
 * fromFile), views and libbpf's queries (find by name, resolve size and type,
 * alignment).
 *
 * It knows raw BTF only: BTF inside an ELF object is read by the object
 * layer above it (lib/object/open.ts `parseBtf`, `openObject`), and dedup
 * (lib/dedup/) is a function over a Btf, so this module imports neither
 * lib/elf/ nor lib/dedup/.
 */
import { inputBytes } from './input.js';
import { BtfBuilder } from './builder.js';
import { checkBtf, type CheckOptions, type CheckReport } from './check/index.js';
import { BtfError, BtfErrorCode, isInputError } from './errors.js';
import { BTF_MAGIC, kindByName } from './kinds.js';
import { MAX_RESOLVE_DEPTH, SizeFailure, typeQuery } from './query.js';
import { encodeStr } from './strings.js';
import { TypeView, inflateView, type InflatedType } from './view.js';

/** Options for {@link Btf.parse} and {@link Btf.fromFile}. */
export interface BtfOptions {
  /** Base BTF for split BTF (module BTF over vmlinux). */
  base?: Btf;
  /** File name for error messages. */
  file?: string;
}

/** Returns true when `bytes` starts with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Returns true when `bytes` starts with the BTF magic in either byte order. */
export function isRawBtf(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f));
}

/**
 * BTF: types and strings, read-only until first modified, with libbpf's
 * builder (`addInt`, `addStruct`, ...) and queries. Mirrors libbpf's
 * `struct btf`.
 */
export class Btf extends BtfBuilder {
  declare base: Btf | null;

  /** Returns a new empty BTF (`btf__new_empty`), or an empty split BTF over `base` (`btf__new_empty_split`). */
  static empty(opts: { base?: Btf } = {}): Btf {
    const b = new Btf();
    b.init(opts.base ?? null, true);
    return b;
  }

  /**
   * Returns the BTF parsed from raw BTF `bytes` in either byte order
   * (`btf__parse_raw`; `parseBtf` also reads an ELF object's `.BTF`, as
   * `btf__parse` does). Level 1: accepts exactly what libbpf 1.1.2's
   * `btf__new` accepts (header and section bounds, the string section's
   * first and last NUL, known kinds, or kinds the layout section sizes, and
   * records that fit), and nothing of the kernel's rules: type ids and
   * string offsets are not checked here, and every consumer ends in a
   * BtfError on one that is out of range. {@link check} is level 2. Throws a
   * BtfError naming the offset and type id of the first problem.
   *
   * @throws BtfError `EFORMAT` for anything but raw BTF (an ELF object
   *   included: the message points to `parseBtf`).
   */
  static parse(input: Uint8Array, opts: BtfOptions = {}): Btf {
    const bytes = inputBytes(input, 'Btf.parse');
    const fileOpt = opts.file ? { file: opts.file } : {};
    if (isElf(bytes)) {
      throw new BtfError(BtfErrorCode.Format, 'an ELF object, not raw BTF (read it with parseBtf or openObject)', {
        offset: 0,
        ...fileOpt,
      });
    }
    if (!isRawBtf(bytes)) {
      throw new BtfError(BtfErrorCode.Format, 'neither raw BTF nor an ELF object (bad magic)', {
        offset: 0,
        ...fileOpt,
      });
    }
    const b = new Btf();
    b.init(opts.base ?? null, false);
    b.loadRaw(bytes, opts);
    return b;
  }

  /** Returns the raw BTF read from a file (`readBtfFile` also reads an object's `.BTF`). Node only. */
  static async fromFile(path: string, opts: { base?: Btf } = {}): Promise<Btf> {
    const { readInput } = (await import('#io')) as typeof import('./io.js');
    const bytes = await readInput(path);
    try {
      return Btf.parse(bytes, { ...opts, file: path });
    } catch (e) {
      if (isInputError(e)) e.withFile(path);
      throw e;
    }
  }

  /**
   * Returns the kernel verifier's verdict on this BTF (level 2, `checkBtf`
   * of lib/check: what `BPF_BTF_LOAD` would say, every violation listed, the
   * kernel's first marked). `opts.kernel` judges as an older kernel
   * ('6.1'); `opts.kernelBtf` is the kernel's BTF and `opts.kernelModules`
   * its modules' BTF, where kptr targets of the struct metas are looked up,
   * vmlinux first, then each module in order (see `CheckOptions`). Never
   * throws for malformed BTF.
   */
  check(opts: Pick<CheckOptions, 'kernel' | 'kernelBtf' | 'kernelModules'> = {}): CheckReport {
    return checkBtf(this, {
      ...(this.base ? { base: this.base } : {}),
      ...(opts.kernel ? { kernel: opts.kernel } : {}),
      ...(opts.kernelBtf ? { kernelBtf: opts.kernelBtf } : {}),
      ...(opts.kernelModules ? { kernelModules: opts.kernelModules } : {}),
    });
  }

  // ------------------------------------------------------------------ views

  /** Returns a view of type `typeId` (`btf__type_by_id`); throws ENOENT when out of range. Void has no view. */
  type(typeId: number): TypeView {
    const c = this.checkId(typeId);
    return new TypeView(c, typeId, c.words, c.offs[typeId - c.startId]!);
  }

  /** Returns type `typeId` as a plain object (`{ kind: 'VOID' }` for 0). */
  inflate(typeId: number): InflatedType {
    if (typeId === 0) return { kind: 'VOID', id: 0, name: '' };
    return inflateView(this.type(typeId));
  }

  /** Iterates over the ids of this BTF's own types (base types excluded). */
  *ids(): IterableIterator<number> {
    for (let i = 0; i < this.nrTypes; i++) yield this.startId + i;
  }

  // ---------------------------------------------------------------- queries

  /**
   * Returns the id of the first type named `name` (of `kind`, a kind number
   * or its bpftool name such as `'STRUCT'`, when given), searching the base
   * first, or `undefined` when there is none (libbpf's
   * `btf__find_by_name[_kind]`, which returns -ENOENT). `void` is id 0.
   * @throws BtfError `EINVAL` for a kind name that is not one.
   */
  findByName(name: string, kind?: number | string): number | undefined {
    const k = typeof kind === 'string' ? kindByName(kind) : kind;
    if (k !== undefined && k < 0)
      throw new BtfError(BtfErrorCode.InvalidArgument, `findByName: unknown kind '${String(kind)}'`);
    if (name === 'void' || k === 0) return 0;
    const needle = encodeStr(name);
    if (needle.includes(0)) return undefined;
    const q = typeQuery(this);
    // The layer lists base types first, as libbpf searches.
    for (let id = 1; id < q.typeCount; id++) {
      if (k !== undefined && q.kind(id) !== k) continue;
      if (q.strIs(q.nameOff(id), needle)) return id;
    }
    return undefined;
  }

  /**
   * Pointer size in bytes (`btf__pointer_size`): the size of the first INT,
   * by id, named like `long` with size 4 or 8 (libbpf's
   * `determine_ptr_size`), the base's when it already found one; defaults to
   * 8. See lib/query.ts.
   */
  pointerSize(): number {
    return typeQuery(this).ptrSize;
  }

  /**
   * Returns the size in bytes of a type, following typedefs, modifiers,
   * VARs, DECL_TAGs and arrays (`btf__resolve_size`). Throws ENOENT for an id
   * out of range, EINVAL for a type without size (void, FUNC, FWD, a chain
   * deeper than 32) and E2BIG when the size overflows 32 bits.
   */
  resolveSize(typeId: number): number {
    if (typeId !== 0) this.checkId(typeId);
    const q = typeQuery(this);
    const size = q.resolveSize(typeId);
    if (size >= 0) return size;
    switch (size) {
      case SizeFailure.NoSize:
        throw new BtfError(
          BtfErrorCode.InvalidArgument,
          `type [${typeId}]: ${this.type(q.failId).kindName} has no size`,
          { typeId },
        );
      case SizeFailure.ArrayOverflow:
        throw new BtfError(BtfErrorCode.TooBig, `type [${typeId}]: array size overflows`, { typeId });
      case SizeFailure.SizeOverflow:
        throw new BtfError(BtfErrorCode.TooBig, `type [${typeId}]: size overflows`, { typeId });
      default:
        throw new BtfError(
          BtfErrorCode.InvalidArgument,
          `type [${typeId}]: no size (void, or deeper than ${MAX_RESOLVE_DEPTH} references)`,
          { typeId },
        );
    }
  }

  /**
   * Returns the id reached by skipping typedefs, modifiers and VARs
   * (`btf__resolve_type`); throws ENOENT for an id out of range and EINVAL on
   * void or a chain of 32 or more.
   */
  resolveType(typeId: number): number {
    if (typeId !== 0) this.checkId(typeId);
    const id = typeQuery(this).resolveType(typeId);
    if (id < 0)
      throw new BtfError(BtfErrorCode.InvalidArgument, `type [${typeId}]: resolves to void or loops`, { typeId });
    return id;
  }

  /**
   * Returns the alignment in bytes of a type (`btf__align_of`): 1 for a
   * packed struct; throws ENOENT for an id out of range and EINVAL for kinds
   * without one (naming the type that has none).
   */
  alignOf(typeId: number): number {
    if (typeId !== 0) this.checkId(typeId);
    const q = typeQuery(this);
    const a = q.alignOf(typeId);
    if (a >= 0) return a;
    const id = q.failId;
    throw new BtfError(
      BtfErrorCode.InvalidArgument,
      `type [${id}]: ${id === 0 ? 'void' : this.type(id).kindName} has no alignment`,
      { typeId: id },
    );
  }

  /** Returns the magic every BTF starts with. */
  static readonly MAGIC = BTF_MAGIC;
}
