/**
 * Execution counts of the fuzz-style suites, for issue 12's closing note:
 * how many times each entry point (parse, rawDump, cDump, typed data, ...)
 * ran and how fast. A suite wraps each call in {@link FuzzStats.call}; with
 * `BTFKIT_FUZZ_STATS=1` set, one line per suite goes to stderr when the
 * process exits:
 *
 *     fuzz stats SUITE: ENTRY N calls (R/s), ..., total T in S s
 *
 * R is N over the time spent in that entry point; S is the suite's wall time
 * from the helper's creation to exit. Without the variable nothing is counted
 * or printed and `call` is a plain call: the tests check what they checked.
 */

/** True when BTFKIT_FUZZ_STATS asks for the counts. */
export function fuzzStatsEnabled(): boolean {
  const v = process.env.BTFKIT_FUZZ_STATS;
  return v !== undefined && v !== '' && v !== '0';
}

/** Per-suite execution counts of each entry point, printed at exit when enabled. */
export class FuzzStats {
  private readonly entries = new Map<string, { calls: number; ms: number }>();
  private readonly start = performance.now();
  readonly enabled = fuzzStatsEnabled();

  /** @param suite the suite's name, for the line printed. */
  constructor(readonly suite: string) {
    if (this.enabled) process.on('exit', () => process.stderr.write(`${this.line()}\n`));
  }

  /** Runs `fn` as one execution of `entry` and returns what it returned (or rethrows: a throw counts too). */
  call<T>(entry: string, fn: () => T): T {
    if (!this.enabled) return fn();
    const t = performance.now();
    try {
      return fn();
    } finally {
      const e = this.entries.get(entry) ?? { calls: 0, ms: 0 };
      e.calls++;
      e.ms += performance.now() - t;
      this.entries.set(entry, e);
    }
  }

  /** The stats line: every entry point's calls and rate, then the total and the wall time. */
  line(): string {
    let total = 0;
    const parts: string[] = [];
    for (const [entry, { calls, ms }] of this.entries) {
      total += calls;
      const rate = ms > 0 ? Math.round((calls * 1000) / ms) : calls;
      parts.push(`${entry} ${calls} calls (${rate}/s)`);
    }
    const s = ((performance.now() - this.start) / 1000).toFixed(1);
    return `fuzz stats ${this.suite}: ${[...parts, `total ${total} in ${s} s`].join(', ')}`;
  }
}
