/**
 * The messages between the page (web/main.ts) and its worker (web/worker.ts):
 * the page asks, the worker answers with plain data. Every request carries a
 * sequence number the answer repeats.
 */

/** A loaded file, as the list shows it. */
export interface FileSummary {
  /** The name the page and URLs use (the file's base name). */
  name: string;
  /** The base file's name, for split BTF. */
  base: string | null;
  /** Whether the file is an ELF object (it then has an object page). */
  object: boolean;
  /** First id of this file's own types (1, or past the base's). */
  startId: number;
  /** Last id + 1. */
  typeCount: number;
  /** Kind number per own type (index `id - startId`). */
  kinds: Uint8Array;
  /** Name per own type ('' for anonymous). */
  names: string[];
}

/** A type id with what a link shows: `[id] KIND 'name'`, and the file that holds it. */
export interface TypeRef {
  file: string;
  id: number;
  kind: string;
  name: string;
  /** Where the link comes from: a member's or parameter's name, or the role ('type', 'element', ...). */
  via: string;
}

/** A type's page. */
export interface TypePage {
  file: string;
  id: number;
  kind: string;
  name: string;
  /** What `btfkit dump --id ID` prints for the type (bpftool's raw lines). */
  raw: string;
  /** What `btfkit dump -f c --type ID` prints. */
  c: string;
  /** What `btfkit layout -C NAME` prints, for a named struct or union; else ''. */
  layout: string;
  /** The layout picture (`btfkit layout --svg`), or ''. */
  layoutSvg: string;
  refs: TypeRef[];
  referrers: TypeRef[];
  /** Whether kind and name find this type (the URL can then name it: `#/FILE/struct/NAME`). */
  named: boolean;
  /** Milliseconds the worker spent. */
  ms: number;
}

/** An object's page. */
export interface ObjectPage {
  file: string;
  /** What `btfkit maps` prints. */
  maps: string;
  /** What `btfkit vars` prints. */
  vars: string;
  /** Problems the CLI prints on stderr (one line each). */
  problems: string[];
  functions: TypeRef[];
  /** `.BTF.ext`: per section, the numbers of func info, line info and CO-RE records. */
  ext: string;
  /** The number of CO-RE relocation records (the page then offers to resolve them against a kernel). */
  coreRelos: number;
}

/** One CO-RE relocation as `btfkit core` prints it. */
export interface CoreLine {
  /** Its line (newline included). */
  line: string;
  /** libbpf's log lines printed after it with `--log` (newlines included), or ''. */
  log: string;
  status: 'ok' | 'poison' | 'error';
}

/** An object's CO-RE relocations against a kernel: what `btfkit core OBJ --target KERNEL [--log]` prints. */
export interface CorePage {
  file: string;
  /** The loaded file resolved against (for split BTF, a module over its base). */
  target: string;
  relocations: CoreLine[];
  /** The last line, `OBJ against KERNEL: N relocations: A ok, B poisoned, C failed` (newline included). */
  summary: string;
  counts: { ok: number; poison: number; error: number };
  /** The relocations libbpf would refuse (`SECTION#INDEX`). */
  failing: string[];
  /** The one-line error the CLI prints after the lines (a malformed record, a CO-RE section cut short), or null. */
  problem: string | null;
}

/** One node of the type graph, placed in layers (depth) by the worker. */
export interface GraphNode {
  id: number;
  file: string;
  label: string;
  depth: number;
}

/** An edge of the type graph: from node index to node index, with its label. */
export interface GraphEdge {
  from: number;
  to: number;
  label: string;
}

/** A request from the page. */
export type Request =
  | { op: 'open'; name: string; bytes: Uint8Array; base: string | null }
  | { op: 'search'; file: string; query: string; exact: boolean; kind: number }
  | { op: 'type'; file: string; id: number }
  | { op: 'byName'; file: string; kind: string; name: string }
  | { op: 'object'; file: string }
  | { op: 'graph'; file: string; id: number; depth: number }
  | { op: 'diff'; a: string; b: string }
  | { op: 'core'; file: string; target: string; log: boolean };

/** The answer: the value, or the one-line error the CLI prints. */
export type Reply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: string };
