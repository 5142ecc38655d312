/**
 * The one xxhash instance of the library. Initialised once, with top-level
 * await, so that every constructor that needs a hash stays synchronous.
 */
import xxhash from 'xxhash-wasm';

const hasher = await xxhash();

/** Returns the 32-bit xxhash of `bytes` (seed 0). */
export const hash32: (bytes: Uint8Array, seed?: number) => number = hasher.h32Raw;
