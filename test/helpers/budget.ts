/**
 * Time in the fuzz-style suites: never a wall-clock limit per case (a busy
 * machine once failed "ELF flip run 320 took 153.0 ms"), but one total per
 * suite, over the time its cases spent, checked by the suite's last test.
 *
 * - `BTFKIT_TIME_SCALE` (default 1) multiplies every budget: set it on a slow
 *   or shared machine, or under a profiler.
 * - `BTFKIT_FUZZ_RUNS` (default 1) multiplies the iteration counts of the
 *   seeded random loops (developer mode: `BTFKIT_FUZZ_RUNS=20 npm test`);
 *   the budgets grow with it. The seeds stay the same, so a failure names a
 *   run that can be replayed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';

function positive(name: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return 1;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return v;
}

/** Returns BTFKIT_TIME_SCALE, the factor every time budget is multiplied by. Defaults to 1. */
export function timeScale(): number {
  return positive('BTFKIT_TIME_SCALE');
}

/** Returns BTFKIT_FUZZ_RUNS, the factor fuzz-style loops multiply their iteration counts by. Defaults to 1. */
export function fuzzFactor(): number {
  return positive('BTFKIT_FUZZ_RUNS');
}

/** Returns `n` iterations scaled by {@link fuzzFactor} (at least 1). */
export function fuzzRuns(n: number): number {
  return Math.max(1, Math.round(n * fuzzFactor()));
}

/**
 * The time the timed cases of one suite may take in all. Create one per
 * suite at module level, time the cases with {@link TimeBudget.time} or
 * {@link TimeBudget.add}, and call {@link TimeBudget.check} once, after the
 * suite's other tests are registered: it registers the test that compares.
 */
export class TimeBudget {
  private spent = 0;
  private cases = 0;
  private slowest = { ms: 0, what: '' };

  /**
   * @param suite the suite's name, for the message.
   * @param ms the total in milliseconds at BTFKIT_TIME_SCALE=1 and
   *   BTFKIT_FUZZ_RUNS=1 (several times what a busy 2-core machine takes).
   */
  constructor(
    readonly suite: string,
    readonly ms: number,
  ) {}

  /** Adds one case's time. */
  add(ms: number, what: string): void {
    this.spent += ms;
    this.cases++;
    if (ms > this.slowest.ms) this.slowest = { ms, what };
  }

  /** Runs `fn`, adds its time, and returns what it returned (or rethrows). */
  time<T>(what: string, fn: () => T): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      this.add(performance.now() - t, what);
    }
  }

  /** Returns the budget in milliseconds, scaled by BTFKIT_TIME_SCALE and BTFKIT_FUZZ_RUNS. */
  limit(): number {
    return this.ms * timeScale() * Math.max(1, fuzzFactor());
  }

  /** Registers the test asserting that the timed cases stayed within {@link limit}. */
  check(): void {
    test(`${this.suite}: the timed cases stay within the suite's time budget`, () => {
      const limit = this.limit();
      assert.ok(
        this.spent < limit,
        `${this.cases} cases took ${this.spent.toFixed(0)} ms in all, over the budget of ${limit.toFixed(0)} ms ` +
          `(raise BTFKIT_TIME_SCALE on a slow machine); the slowest: ${this.slowest.what}, ${this.slowest.ms.toFixed(1)} ms`,
      );
    });
  }
}
