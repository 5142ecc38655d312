/**
 * Output plumbing shared by the dumps: text is gathered into chunks of about
 * 64 KiB and handed to a writer, so that a dump of vmlinux neither builds one
 * huge string nor makes a write per line (bpftool's line-buffered stdout
 * makes ~300k write calls for the same output).
 */

/** Receives chunks of output text. */
export type Write = (chunk: string) => void;

const LIMIT = 1 << 16;

/** Collects text and flushes it to a writer in chunks. */
export class Chunker {
  private buf = '';
  constructor(private readonly write: Write) {}

  add(s: string): void {
    this.buf += s;
    if (this.buf.length >= LIMIT) {
      this.write(this.buf);
      this.buf = '';
    }
  }

  flush(): void {
    if (this.buf) this.write(this.buf);
    this.buf = '';
  }
}

/** Runs `fn` with a writer that collects everything, and returns the text. */
export function collect(fn: (write: Write) => void): string {
  const parts: string[] = [];
  fn((s) => parts.push(s));
  return parts.join('');
}

/**
 * bpftool's `json_writer.c` reimplemented: the same separators, the same
 * pretty-printing (4-space indent, a newline before each member, none before
 * array elements) and the same string escapes, including bpftool's quirk of
 * writing a backslash as `\n` and a single quote as `\'`.
 */
export class JsonWriter {
  private depth = 0;
  private sep = '';
  constructor(private readonly out: Chunker, private readonly pretty: boolean) {}

  private eol(): void {
    if (!this.pretty) return;
    this.out.add('\n' + '    '.repeat(this.depth));
  }

  private eor(): void {
    if (this.sep) this.out.add(this.sep);
    this.sep = ',';
  }

  private begin(c: string): void {
    this.eor();
    this.out.add(c);
    this.depth++;
    this.sep = '';
  }

  private end(c: string): void {
    this.depth--;
    if (this.sep) this.eol();
    this.out.add(c);
    this.sep = ',';
  }

  startObject(): void { this.begin('{'); }
  endObject(): void { this.end('}'); }
  startArray(): void { this.begin('['); }
  endArray(): void { this.end(']'); }

  name(n: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.out.add(quote(n) + (this.pretty ? ': ' : ':'));
  }

  /** Writes a number or bigint verbatim. */
  num(v: number | bigint): void {
    this.eor();
    this.out.add(String(v));
  }

  str(s: string): void {
    this.eor();
    this.out.add(quote(s));
  }

  bool(b: boolean): void {
    this.eor();
    this.out.add(b ? 'true' : 'false');
  }

  null(): void {
    this.eor();
    this.out.add('null');
  }

  numField(n: string, v: number | bigint): void { this.name(n); this.num(v); }
  strField(n: string, s: string): void { this.name(n); this.str(s); }
  boolField(n: string, b: boolean): void { this.name(n); this.bool(b); }

  /** Ends the document as bpftool's `jsonw_destroy` does: a newline. */
  finish(): void {
    this.out.add('\n');
  }
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\t\n\r\f\b\\"']/;

/** Returns `s` quoted with bpftool's escapes (`jsonw_puts`). */
export function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let o = '"';
  for (const ch of s) {
    switch (ch) {
      case '\t': o += '\\t'; break;
      case '\n': o += '\\n'; break;
      case '\r': o += '\\r'; break;
      case '\f': o += '\\f'; break;
      case '\b': o += '\\b'; break;
      case '\\': o += '\\n'; break; // sic: bpftool 7.1 writes a backslash as \n
      case '"': o += '\\"'; break;
      case "'": o += "\\'"; break;
      default: o += ch;
    }
  }
  return o + '"';
}
