/**
 * The DATASEC layouts the inspectors work with: libbpf 1.1.2's open-time
 * DATASEC fixup, run read-only. It lives with the fixup itself in
 * lib/elf/fixup.ts ({@link datasecLayouts}); this module re-exports it.
 * @module
 */
export { datasecLayouts, type DatasecLayout, type LayoutEntry } from '../elf/fixup.js';
