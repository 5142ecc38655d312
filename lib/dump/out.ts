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
