/**
 * The one xxhash instance of the library. Initialised once, with top-level
 * await, so that every constructor that needs a hash stays synchronous.
 *
 * xxhash-wasm's `h32Raw` copies its argument into the module's memory on
 * every call, which costs more than hashing a short name; interning a whole
 * string section (`addBtf`) calls it some 120,000 times on vmlinux. So the
 * module's own exports are kept as well (its `xxh32(ptr, len, seed)` over
 * its memory, `mem`): {@link hashStringStarts} copies a section into that
 * memory a chunk at a time and hashes every string in place, with the same
 * values `h32Raw` gives. xxhash-wasm does not hand out its instance, so it is
 * caught as it is made (`WebAssembly.instantiate` wrapped for that one
 * call); when it cannot be, the bulk path falls back to `h32Raw`.
 */
import xxhash from 'xxhash-wasm';

/** The little of the WebAssembly API used here (the compiler's lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface XxhExports {
  mem: WasmMemory;
  xxh32: (ptr: number, len: number, seed: number) => number;
}
interface WasmApi {
  instantiate: (...args: unknown[]) => Promise<unknown>;
}

const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let exportsSeen: XxhExports | null = null;
const instantiate = wasmApi.instantiate;
const hasher = await (async () => {
  wasmApi.instantiate = async (...args: unknown[]): Promise<unknown> => {
    const r = await instantiate.apply(wasmApi, args);
    const ex = (r as { instance?: { exports?: Partial<XxhExports> } }).instance?.exports;
    if (ex?.mem?.buffer instanceof ArrayBuffer && typeof ex.xxh32 === 'function') exportsSeen = ex as XxhExports;
    return r;
  };
  try {
    return await xxhash();
  } finally {
    wasmApi.instantiate = instantiate;
  }
})();
const xxh: XxhExports | null = exportsSeen;

/** Returns the 32-bit xxhash of `bytes` (seed 0). */
export const hash32: (bytes: Uint8Array, seed?: number) => number = hasher.h32Raw;

/** The bit {@link hashStringStarts} sets on every hash it writes. */
export const STR_HASHED = 0x80000000;

/**
 * Hashes every NUL-terminated string of `section` (its offset 0, and every
 * offset after a NUL) and writes `(hash32(string) | STR_HASHED) >>> 0` to
 * `out[offset]`, leaving the other slots of `out` (at least as long as the
 * section) alone; returns the number of strings. The top bit tells a hash
 * from 0 (no string starts here) and from anything a caller writes over it
 * below 2^31, such as a string offset; the low 31 bits are the hash's and
 * index a hash table as the full hash would. A last string without a NUL
 * is hashed up to the end of the section.
 */
export function hashStringStarts(section: Uint8Array, out: Uint32Array): number {
  const n = section.length;
  let count = 0;
  if (xxh === null) {
    for (let p = 0; p < n; count++) {
      let e = section.indexOf(0, p);
      if (e < 0) e = n;
      out[p] = (hasher.h32Raw(section.subarray(p, e)) | STR_HASHED) >>> 0;
      p = e + 1;
    }
    return count;
  }
  const { mem, xxh32 } = xxh;
  for (let base = 0; base < n; ) {
    // h32Raw may have grown the memory since the last chunk.
    const m = new Uint8Array(mem.buffer);
    let end = Math.min(n, base + m.length);
    if (end < n) end = section.lastIndexOf(0, end - 1) + 1;
    if (end <= base) {
      // One string longer than the module's memory: h32Raw grows it.
      let e = section.indexOf(0, base);
      if (e < 0) e = n;
      out[base] = (hasher.h32Raw(section.subarray(base, e)) | STR_HASHED) >>> 0;
      count++;
      base = e + 1;
      continue;
    }
    m.set(section.subarray(base, end), 0);
    for (let p = base; p < end; count++) {
      let e = section.indexOf(0, p);
      if (e < 0 || e > end) e = end;
      out[p] = (xxh32(p - base, e - p, 0) | STR_HASHED) >>> 0;
      p = e + 1;
    }
    base = end;
  }
  return count;
}
