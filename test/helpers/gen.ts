/**
 * Generators for tests: a seeded PRNG, hand-made raw BTF (any header, any
 * words, either byte order; malformed on purpose when a test wants it), and
 * a check that a failure is an input error and prompt.
 */
import * as assert from 'uvu/assert';
import { isInputError } from '../../lib/errors.js';
import { BTF_KIND_ARRAY, packInfo } from '../../lib/kinds.js';
import type { TimeBudget } from './budget.js';

/** Returns a deterministic PRNG (mulberry32) yielding u32 values. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A string section under construction: `off(s)` gives (and adds) a string's offset. */
export class Strings {
  private readonly parts: string[] = [''];
  private readonly offs = new Map<string, number>([['', 0]]);
  private len = 1;
  /** @param startOff string offset of the first byte (the base's str_len for split BTF). */
  constructor(
    private readonly startOff = 0,
    split = false,
  ) {
    if (split) {
      this.parts = [];
      this.offs.clear();
      this.len = 0;
    }
  }

  /** Returns the offset of `s`, adding it when new. */
  off(s: string): number {
    let o = this.offs.get(s);
    if (o === undefined) {
      o = this.startOff + this.len;
      this.offs.set(s, o);
      this.parts.push(s);
      this.len += Buffer.byteLength(s) + 1;
    }
    return o;
  }

  /** Returns the section bytes. */
  bytes(): Uint8Array {
    return new Uint8Array(Buffer.from(this.parts.map((p) => `${p}\0`).join(''), 'utf8'));
  }
}

/** Header fields of a hand-made BTF; unset ones are computed. */
export interface HeaderSpec {
  magic?: number;
  version?: number;
  flags?: number;
  hdrLen?: number;
  typeOff?: number;
  typeLen?: number;
  strOff?: number;
  strLen?: number;
  layoutOff?: number;
  layoutLen?: number;
}

/** What {@link rawBtf} assembles. */
export interface RawSpec {
  /** Type section words (host values; swapped for big-endian output). */
  types: readonly number[];
  /** String section bytes (default: the single empty string). */
  strings?: Uint8Array;
  /** Layout section bytes (`struct btf_layout` entries of 4 bytes each), placed between types and strings. */
  layout?: Uint8Array;
  /** Header overrides. */
  hdr?: HeaderSpec;
  bigEndian?: boolean;
}

/**
 * Returns raw BTF bytes assembled from `spec`; the header is 24 bytes, or 32
 * with a layout section, or `hdr.hdrLen` when that is 24..256 (another
 * `hdrLen` is written into the field only).
 */
export function rawBtf(spec: RawSpec): Uint8Array {
  const strs = spec.strings ?? new Uint8Array([0]);
  const layout = spec.layout ?? null;
  const h = spec.hdr ?? {};
  // the header as written; an absurd hdr_len is only a field value
  const hdrLen = h.hdrLen !== undefined && h.hdrLen >= 24 && h.hdrLen <= 256 ? h.hdrLen : layout ? 32 : 24;
  const typeLen = spec.types.length * 4;
  const layoutLen = layout ? layout.length : 0;
  const out = new Uint8Array(hdrLen + typeLen + layoutLen + strs.length);
  const dv = new DataView(out.buffer);
  const le = !spec.bigEndian;
  dv.setUint16(0, h.magic ?? 0xeb9f, le);
  dv.setUint8(2, h.version ?? 1);
  dv.setUint8(3, h.flags ?? 0);
  dv.setUint32(4, h.hdrLen ?? hdrLen, le);
  dv.setUint32(8, h.typeOff ?? 0, le);
  dv.setUint32(12, h.typeLen ?? typeLen, le);
  dv.setUint32(16, h.strOff ?? typeLen + layoutLen, le);
  dv.setUint32(20, h.strLen ?? strs.length, le);
  if (hdrLen >= 32) {
    dv.setUint32(24, h.layoutOff ?? (layout ? typeLen : 0), le);
    dv.setUint32(28, h.layoutLen ?? layoutLen, le);
  }
  spec.types.forEach((w, i) => dv.setUint32(hdrLen + i * 4, w >>> 0, le));
  if (layout) {
    for (let i = 0; i + 3 < layout.length; i += 4) {
      out[hdrLen + typeLen + i] = layout[i]!;
      out[hdrLen + typeLen + i + 1] = layout[i + 1]!;
      // flags: a u16
      dv.setUint16(hdrLen + typeLen + i + 2, layout[i + 2]! | (layout[i + 3]! << 8), le);
    }
  }
  out.set(strs, hdrLen + typeLen + layoutLen);
  return out;
}

/** Returns the words of a type record: `name_off, info, size_or_type, ...rest`. */
export function rec(
  kind: number,
  nameOff: number,
  vlen: number,
  sizeOrType: number,
  rest: readonly number[] = [],
  kflag = false,
): number[] {
  return [nameOff, packInfo(kind, kflag, vlen), sizeOrType >>> 0, ...rest.map((x) => x >>> 0)];
}

/** INT record words. */
export function intRec(nameOff: number, size: number, encoding = 0, bits = size * 8): number[] {
  return rec(1, nameOff, 0, size, [((encoding << 24) | bits) >>> 0]);
}

/** ARRAY record words. */
export function arrayRec(elemTypeId: number, indexTypeId: number, nelems: number): number[] {
  return rec(BTF_KIND_ARRAY, 0, 0, 0, [elemTypeId, indexTypeId, nelems]);
}

/** Returns how long `fn` took and what it threw (undefined when it returned). */
export function timed(fn: () => unknown): { ms: number; error: unknown } {
  const t = performance.now();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  return { ms: performance.now() - t, error };
}

let budget: TimeBudget | null = null;

/**
 * Makes {@link expectInputError} and {@link expectNoCrash} add their time to
 * `b` (null: to nothing). A suite sets it in `test.before` and clears it in
 * `test.after`.
 */
export function useBudget(b: TimeBudget | null): void {
  budget = b;
}

/**
 * Asserts that `fn` throws a BtfError or ElfError (never another exception);
 * returns the error. Its time counts against the budget set by {@link useBudget}.
 */
export function expectInputError(fn: () => unknown, what: string): Error & { code: string } {
  const { ms, error } = timed(fn);
  budget?.add(ms, what);
  assert.ok(error !== undefined, `${what}: no error thrown`);
  if (!isInputError(error)) {
    const e = error as Error;
    assert.unreachable(`${what}: threw ${e?.name ?? typeof e}: ${e?.message ?? String(e)}\n${e?.stack ?? ''}`);
  }
  return error as Error & { code: string };
}

/**
 * Asserts that `fn` either returns or throws an input error; returns the
 * error or undefined. Its time counts against the budget set by {@link useBudget}.
 */
export function expectNoCrash(fn: () => unknown, what: string): unknown {
  const { ms, error } = timed(fn);
  budget?.add(ms, what);
  if (error !== undefined && !isInputError(error)) {
    const e = error as Error;
    assert.unreachable(`${what}: threw ${e?.name ?? typeof e}: ${e?.message ?? String(e)}\n${e?.stack ?? ''}`);
  }
  return error;
}
