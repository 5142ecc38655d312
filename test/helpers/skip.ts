/**
 * The one way a test says it cannot run: `return skip(reason)` at the top of
 * the test, never at module level (a test that is not registered is not
 * counted at all). The runner (test/run.mjs) counts such a test as skipped,
 * not passed, ends with `N passed, N skipped, N failed` and lists the reasons
 * once each. A test that skips only some of its checks and runs the rest
 * counts as skipped too: "passed" means every check of the test ran. Where
 * the live part of a check is easy to separate, make it a test of its own.
 *
 * With `BTFKIT_REQUIRE_TOOLS=1` (.ci/run sets it) a skip for a missing tool
 * is a failure instead: CI installs every tool, so a missing one is a broken
 * machine, not a reason to pass quietly. A skip for what CI cannot provide
 * (`'env'`: the running kernel's BTF, a bpftool newer than Debian's) stays a
 * skip in both modes.
 */

/** What a skip is for: a tool CI installs (`'tool'`) or the machine itself (`'env'`). */
export type SkipKind = 'tool' | 'env';

/** The runner's record, shared through globalThis with test/run.mjs. */
interface SkipLedger {
  /** The reasons the running test skipped; the runner reads and clears them when the test ends. */
  current: Set<string>;
  /** Every reason, with how many tests gave it. */
  reasons: Map<string, number>;
}

const KEY = '__btfkitSkips';

function ledger(): SkipLedger | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as SkipLedger | undefined;
}

/** Returns true when `BTFKIT_REQUIRE_TOOLS=1`: a missing tool fails instead of skipping. */
export function toolsRequired(): boolean {
  return process.env['BTFKIT_REQUIRE_TOOLS'] === '1';
}

/**
 * Marks the running test as skipped because of `reason` (one line: what is
 * missing and what is therefore not checked). Returns nothing, so a test can
 * `return skip(...)`. Throws (failing the test) when `kind` is `'tool'` and
 * {@link toolsRequired} is true. Defaults to `'tool'`.
 */
export function skip(reason: string, kind: SkipKind = 'tool'): void {
  if (kind === 'tool' && toolsRequired()) {
    throw new Error(`BTFKIT_REQUIRE_TOOLS=1: ${reason}`);
  }
  const l = ledger();
  if (l === undefined) {
    // run outside test/run.mjs: say it, at least
    console.log(`  skipped: ${reason}`);
    return;
  }
  l.current.add(reason);
}
