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

function describe(message: string, ctx: ErrorContext): string {
  const where: string[] = [];
  if (ctx.offset !== undefined) where.push(`offset 0x${ctx.offset.toString(16)}`);
  return where.length ? `${message} (${where.join(', ')})` : message;
}

/** A malformed or unsupported BTF input, or an invalid builder call. */
export class BtfError extends Error {
  override readonly name = 'BtfError';
  readonly code: BtfErrorCode;
  offset: number | undefined;
  typeId: number | undefined;
  section: string | undefined;
  file: string | undefined;
  /** The message without the file prefix and offset suffix. */
  readonly detail: string;

  constructor(code: BtfErrorCode, detail: string, ctx: ErrorContext = {}) {
    super(describe(detail, ctx));
    this.code = code;
    this.detail = detail;
    this.offset = ctx.offset;
    this.typeId = ctx.typeId;
    this.section = ctx.section;
    this.file = ctx.file;
  }

  /** Returns this error with the file name recorded (used by file helpers). */
  withFile(file: string): this {
    if (this.file === undefined) this.file = file;
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
  readonly detail: string;
  readonly typeId: number | undefined = undefined;

  constructor(code: BtfErrorCode, detail: string, ctx: ErrorContext = {}) {
    super(describe(detail, ctx));
    this.code = code;
    this.detail = detail;
    this.offset = ctx.offset;
    this.section = ctx.section;
    this.file = ctx.file;
  }

  withFile(file: string): this {
    if (this.file === undefined) this.file = file;
    return this;
  }
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
