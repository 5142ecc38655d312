/**
 * Errors raised by btfkit. Every malformed input ends in one of these, never
 * in a RangeError or TypeError: callers (and `cli/main.ts`) can rely on
 * `isBtfError`/`isElfError` to tell bad input from a bug.
 */

/** Machine-readable error codes, stable across releases. */
export const BtfErrorCode = {
  /** The input is too short for what its header or a record promises. */
  Truncated: 'ETRUNC',
  /** Magic, version, flags or header length are wrong. */
  BadHeader: 'EHEADER',
  /** A section lies outside the data or overlaps another one. */
  BadSection: 'ESECTION',
  /** A type record is malformed (unknown kind, bad vlen, bad size ...). */
  BadType: 'ETYPE',
  /** A string offset is out of range or not the start of a string. */
  BadString: 'ESTRING',
  /** A type id is out of range. */
  BadTypeId: 'ETYPEID',
  /** A reference loop the kernel rejects. */
  Loop: 'ELOOP',
  /** An argument given to a builder or query function is invalid (libbpf's -EINVAL). */
  InvalidArgument: 'EINVAL',
  /** A name or id was looked up and not found (libbpf's -ENOENT). */
  NotFound: 'ENOENT',
  /** A limit was exceeded (too many types, too long a string table). */
  TooBig: 'E2BIG',
  /** Anything about an input file that is not BTF at all. */
  Format: 'EFORMAT',
  /** I/O failure reading or writing a file. */
  Io: 'EIO',
} as const;
export type BtfErrorCode = (typeof BtfErrorCode)[keyof typeof BtfErrorCode];

/** Where in the input a problem was found. All fields are optional. */
export interface ErrorContext {
  /** Byte offset in the input (relative to the start of the BTF data or file). */
  offset?: number;
  /** The type id concerned. */
  typeId?: number;
  /** The section concerned (`.BTF`, `.BTF.ext`, an ELF section name ...). */
  section?: string;
  /** The file the input came from. */
  file?: string;
}

/** The file name that stands for standard input (lib/io.ts `readInput('-')`). */
const STDIN_NAME = '-';

/** The context an error message is rendered from. */
interface Rendered {
  readonly detail: string;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly section: string | undefined;
  readonly sectionOffset: number | undefined;
}

/**
 * Returns the message of an error: `FILE: DETAIL (WHERE)`. WHERE is the
 * offset in the input; for a section inside an ELF object it names both,
 * `.BTF+0x18, file offset 0x11d8`, so that neither reading is a guess.
 */
function render(e: Rendered): string {
  const file = e.file === undefined ? '' : `${e.file === STDIN_NAME ? '<stdin>' : e.file}: `;
  let where = '';
  if (e.sectionOffset !== undefined && e.section !== undefined && e.offset !== undefined) {
    where = ` (${e.section}+0x${e.sectionOffset.toString(16)}, file offset 0x${e.offset.toString(16)})`;
  } else if (e.offset !== undefined) {
    where = ` (offset 0x${e.offset.toString(16)})`;
  }
  return `${file}${e.detail}${where}`;
}

/** A malformed or unsupported BTF input, or an invalid builder call. */
export class BtfError extends Error {
  override readonly name = 'BtfError';
  readonly code: BtfErrorCode;
  offset: number | undefined;
  typeId: number | undefined;
  section: string | undefined;
  file: string | undefined;
  /** The offset within `section` when the input is a section of a larger file (then `offset` is the file offset). */
  sectionOffset: number | undefined = undefined;
  /** The message without the file prefix and offset suffix. */
  readonly detail: string;

  constructor(code: BtfErrorCode, detail: string, ctx: ErrorContext = {}) {
    super(detail);
    this.code = code;
    this.detail = detail;
    this.offset = ctx.offset;
    this.typeId = ctx.typeId;
    this.section = ctx.section;
    this.file = ctx.file;
    this.message = render(this);
  }

  /** Returns this error with the file name recorded (used by file helpers); the message names it. */
  withFile(file: string): this {
    if (this.file === undefined) this.file = file;
    this.message = render(this);
    return this;
  }

  /**
   * Returns this error with its offset moved from `section`'s start to the
   * file's (`sectionFileOffset` is where the section starts); the message
   * gives both.
   */
  inSection(section: string, sectionFileOffset: number): this {
    if (this.offset !== undefined && this.sectionOffset === undefined) {
      this.sectionOffset = this.offset;
      this.offset += sectionFileOffset;
      this.section ??= section;
    }
    this.message = render(this);
    return this;
  }
}

/** A malformed ELF object (bad header, section table, symbol table ...). */
export class ElfError extends Error {
  override readonly name = 'ElfError';
  readonly code: BtfErrorCode;
  offset: number | undefined;
  section: string | undefined;
  file: string | undefined;
  /** As {@link BtfError.sectionOffset}. */
  sectionOffset: number | undefined = undefined;
  readonly detail: string;
  readonly typeId: number | undefined = undefined;

  constructor(code: BtfErrorCode, detail: string, ctx: ErrorContext = {}) {
    super(detail);
    this.code = code;
    this.detail = detail;
    this.offset = ctx.offset;
    this.section = ctx.section;
    this.file = ctx.file;
    this.message = render(this);
  }

  /** As {@link BtfError.withFile}. */
  withFile(file: string): this {
    if (this.file === undefined) this.file = file;
    this.message = render(this);
    return this;
  }

  /** As {@link BtfError.inSection}. */
  inSection(section: string, sectionFileOffset: number): this {
    if (this.offset !== undefined && this.sectionOffset === undefined) {
      this.sectionOffset = this.offset;
      this.offset += sectionFileOffset;
      this.section ??= section;
    }
    this.message = render(this);
    return this;
  }
}

/** Returns the message of `e` without its file prefix (for a report that names the file once). */
export function messageWithoutFile(e: BtfError | ElfError): string {
  return render({
    detail: e.detail,
    file: undefined,
    offset: e.offset,
    section: e.section,
    sectionOffset: e.sectionOffset,
  });
}

/** Returns true when `e` is a BtfError (checked by name, so it works across module copies). */
export function isBtfError(e: unknown): e is BtfError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'BtfError';
}

/** Returns true when `e` is an ElfError. */
export function isElfError(e: unknown): e is ElfError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ElfError';
}

/** Returns true for either of btfkit's input errors. */
export function isInputError(e: unknown): e is BtfError | ElfError {
  return isBtfError(e) || isElfError(e);
}

/** Returns `s` on one line: line breaks (a file name may hold one) shown as `\n`. */
export function oneLine(s: string): string {
  return s.replace(/\r?\n/g, '\\n');
}

/**
 * Returns the one line btfkit prints for an error, `btfkit: FILE: what is
 * wrong (offset 0x…)`: the CLI (cli/main.ts), each failed file of a batch,
 * and the explorer's worker.
 */
export function errorLine(e: unknown): string {
  return `btfkit: ${oneLine(e instanceof Error ? e.message : String(e))}`;
}
