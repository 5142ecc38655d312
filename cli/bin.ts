#!/usr/bin/env node
/**
 * The package's `bin` (dist/bin/btfkit.mjs): turns on Node's on-disk code
 * cache where the running Node has it (`module.enableCompileCache`, Node
 * 22.1 and later; about 5% of a `dump -f c` on Node 24), then loads the
 * bundled command line (dist/bin/main.mjs, built from cli/main.ts). The
 * cache applies only to modules loaded after it is on, hence this separate
 * file. Node 20 has no such call and runs the bundle as before;
 * NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
 */
import module from 'node:module';

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A built file beside the built bin (esbuild's output in dist/bin), not a source module: loaded by URL.
await import(new URL('./main.mjs', import.meta.url).href);
