/**
 * The one byte-level output buffer of the dumps (raw, JSON, C, and the C
 * declarations of typed data): names are copied straight from the string
 * section and numbers written as ASCII digits, so a dump of vmlinux makes no
 * JS string per line and prints exactly the bytes bpftool prints, even for
 * names that are not valid UTF-8. Full 64 KiB chunks go to the sink.
 *
 * The C writer (c-decl.ts) extends it and writes into `buf` at `pos` itself
 * where it must (its declaration cache copies text out of the buffer).
 */
import { BtfError, BtfErrorCode } from '../errors.js';

/**
 * Receives output bytes; each chunk is fresh and may be kept, unless the
 * sink returns {@link CHUNK_DONE}.
 */
export type ByteSink = (chunk: Uint8Array) => unknown;

/**
 * What a {@link ByteSink} returns when it is done with a chunk: it wrote the
 * bytes out and keeps no reference to them, so the writer fills the same
 * buffer again instead of a fresh one (the command line's standard output,
 * written synchronously: a raw dump of vmlinux then keeps one 64 KiB buffer
 * instead of leaving some 190 for the GC, 12 MB of peak RSS).
 */
export const CHUNK_DONE: unique symbol = Symbol('btfkit.chunkDone');

const CHUNK = 1 << 16;
const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** A byte output buffer that hands full chunks to a sink. */
export class ByteOut {
  /** @internal the current chunk; `[0, pos)` is written. */
  protected buf: Uint8Array;
  /** @internal the write position in `buf`. */
  protected pos = 0;
  /** @internal how many times a chunk was handed to the sink. */
  protected flushes = 0;
  /** @internal bytes handed to the sink so far. */
  protected flushed = 0;

  /**
   * Returns a buffer over `sink`. `firstChunk` sizes the first chunk (the C
   * dump starts small, so that the path handing a full chunk over runs before
   * V8 optimises the writers, which it would otherwise deoptimise); later
   * chunks are 64 KiB.
   */
  constructor(
    private readonly sink: ByteSink,
    firstChunk = CHUNK,
  ) {
    this.buf = new Uint8Array(firstChunk);
  }

  /** Makes room for `n` more bytes in `buf`, flushing first when needed. */
  protected room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Writes an ASCII string (characters above 0x7f must not occur). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Writes a string as UTF-8 (ASCII through {@link ascii}). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        this.bytes(utf8Encoder.encode(s));
        return;
      }
    }
    this.ascii(s);
  }

  /** Bytes written so far, flushed or not (column arithmetic: the length of what was written since an earlier `offset`). */
  get offset(): number {
    return this.flushed + this.pos;
  }

  /** Writes `n` copies of byte `c` (nothing when `n` is not positive). */
  fill(c: number, n: number): void {
    if (n <= 0) return;
    this.room(n);
    // A loop: the runs are short (indents, column padding), shorter than a call to the native fill.
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = c;
    this.pos = p;
  }

  /** Writes one byte. */
  byte(c: number): void {
    // Through room, whose flush every writer shares: a chunk filling up on a
    // byte for the first time then meets code V8 has already seen.
    this.room(1);
    this.buf[this.pos++] = c;
  }

  /** Writes bytes. */
  bytes(src: Uint8Array): void {
    this.room(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Copies the NUL-terminated string at `off` of `src` (without the NUL). */
  cstr(src: Uint8Array, off: number): void {
    // One loop that copies up to the NUL while the chunk has room (names are
    // short: a scan by the native indexOf costs a call into C++ per name); a
    // full chunk is handed over and the copy goes on in the next. Every
    // operation runs on every call, the chunk's end on the same path as a
    // name's (one first met after V8 optimised a caller deoptimises it).
    const end = src.length;
    let i = off;
    for (;;) {
      this.room(1);
      const b = this.buf;
      let p = this.pos;
      const lim = Math.min(end, i + b.length - p);
      for (; i < lim; i++) {
        const c = src[i]!;
        if (c === 0) break;
        b[p++] = c;
      }
      this.pos = p;
      const last = lim === end;
      if (i < lim || last) return;
    }
  }

  /** Writes a non-negative integer below 2^53 in decimal. */
  uint(v: number): void {
    this.room(20);
    this.pos = putUint(this.buf, this.pos, v);
  }

  /** Writes a signed integer in decimal. */
  int(v: number): void {
    if (v < 0) {
      this.byte(45);
      this.uint(-v);
    } else this.uint(v);
  }

  /**
   * Returns the buffer with room for `n` more bytes from {@link mark}: the
   * flat writers (the raw and JSON dumps) write into it with
   * {@link putBytes}/{@link putUint} and hand the end back with
   * {@link commit}; the buffer changes when a chunk was flushed.
   */
  reserve(n: number): Uint8Array {
    this.room(n);
    return this.buf;
  }

  /** Returns the write position in the buffer {@link reserve} returned. */
  get mark(): number {
    return this.pos;
  }

  /** Sets the write position after writing into the buffer {@link reserve} returned, up to `pos`. */
  commit(pos: number): void {
    this.pos = pos;
  }

  /** Hands buffered bytes to the sink; the next bytes go to a fresh chunk unless the sink returned {@link CHUNK_DONE}. */
  flush(): void {
    this.flushes++;
    this.flushed += this.pos;
    const done = this.pos ? this.sink(this.buf.subarray(0, this.pos)) === CHUNK_DONE : false;
    if (!done || this.buf.length !== CHUNK) this.buf = new Uint8Array(CHUNK);
    this.pos = 0;
  }

  /**
   * Returns the buffered bytes as UTF-8 text and forgets them, without
   * involving the sink (for short pieces of text, such as a cast in typed
   * data). Nothing must have been flushed since the last call.
   */
  takeText(): string {
    const s = utf8.decode(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return s;
  }
}

/**
 * Writes `src` into `b` at `p`; returns the position after it. The caller
 * has made room ({@link ByteOut.reserve}). A loop: the pieces are short keys.
 */
export function putBytes(b: Uint8Array, p: number, src: Uint8Array): number {
  const n = src.length;
  for (let i = 0; i < n; i++) b[p + i] = src[i]!;
  return p + n;
}

/**
 * Writes the non-negative integer `v` (below 2^53) in decimal into `b` at
 * `p`; returns the position after it. The caller has made room for 20 bytes.
 *
 * The digits are counted by a chain of tests from the largest down and
 * written by a loop that runs at least once, so that the first small
 * numbers already meet every operation of the common path: a test met first
 * on a file's first large value, after V8 optimised the writers that inline
 * this, would deoptimise them. 2^30 and more (rare) go out of line.
 */
export function putUint(b: Uint8Array, p: number, v: number): number {
  if (v > 0x3fffffff) return putUintWide(b, p, v);
  const n =
    v >= 1e9
      ? 10
      : v >= 1e8
        ? 9
        : v >= 1e7
          ? 8
          : v >= 1e6
            ? 7
            : v >= 1e5
              ? 6
              : v >= 1e4
                ? 5
                : v >= 1e3
                  ? 4
                  : v >= 100
                    ? 3
                    : v >= 10
                      ? 2
                      : 1;
  const end = p + n;
  let x = v;
  for (let q = end - 1; q >= p; q--) {
    const d = (x / 10) | 0;
    b[q] = 48 + x - d * 10;
    x = d;
  }
  return end;
}

/** {@link putUint} of 2^30 and more. */
function putUintWide(b: Uint8Array, p: number, v: number): number {
  let n = 0;
  for (let x = v; x >= 1; x = Math.floor(x / 10)) n++;
  const end = p + n;
  let q = end;
  for (let x = v; x >= 1; x = Math.floor(x / 10)) b[--q] = 48 + (x % 10);
  return end;
}

/**
 * Returns the bytes of `src` packed for {@link putKey}: word 0 their count,
 * then the bytes four to a word, little-endian (the last word padded with
 * zeros).
 */
export function packKey(src: Uint8Array): Uint32Array {
  const k = new Uint32Array(1 + ((src.length + 3) >> 2));
  k[0] = src.length;
  for (let i = 0; i < src.length; i++) k[1 + (i >> 2)]! |= src[i]! << ((i & 3) * 8);
  return k;
}

/**
 * Writes the bytes packed in `key` ({@link packKey}) at `p` of the chunk
 * `dv` views; returns the position after them. Four bytes to a store, a
 * quarter of the stores of a byte loop (the keys are most of a raw or JSON
 * dump's bytes): up to 3 bytes past the end are written too, which the
 * caller's room must hold and its next write overwrites.
 */
export function putKey(dv: DataView, p: number, key: Uint32Array): number {
  const n = key.length;
  for (let i = 1, q = p; i < n; i++, q += 4) dv.setUint32(q, key[i]!, true);
  return p + key[0]!;
}

/** Returns the bytes of an ASCII string (for keys written with {@link putBytes}). */
export function asciiBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/** Largest output the string-returning dumps build (V8's string limit is about 2^29). */
const MAX_COLLECT = 1 << 29;

/**
 * Runs `fn` with a sink that collects everything; returns the bytes. Throws
 * BtfError E2BIG past 512 MiB: stream such output to a sink instead.
 */
export function collectBytes(fn: (sink: ByteSink) => void): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  fn((c) => {
    total += c.length;
    if (total > MAX_COLLECT) {
      throw new BtfError(
        BtfErrorCode.TooBig,
        `output larger than ${MAX_COLLECT} bytes; write it to a sink (writeRawDump, writeJsonDump, writeCDump) instead`,
      );
    }
    parts.push(c);
  });
  return concatBytes(parts);
}

/** Returns `parts` joined into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Returns the UTF-8 text of collected bytes. */
export function bytesToText(b: Uint8Array): string {
  return utf8.decode(b);
}
