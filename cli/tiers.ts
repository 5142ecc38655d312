/**
 * Which of V8's optimising tiers a command runs with: the bin (cli/bin.ts)
 * turns TurboFan, V8's top tier, off for a C dump (`dump -f c`, as bpftool
 * 7.1 or 7.8 prints it, one input or several merged) and for `layout`, on
 * Node 22 and later, where Maglev, V8's mid tier, is on by default, on a
 * machine of one or two CPUs (the bin gives V8 one helper thread there);
 * a batch of them turns it back on ({@link longRun}).
 *
 * Why. A C dump's hot code (and layout's) is spread over a hundred
 * functions. On two cores TurboFan compiles them one after another on its
 * one helper thread for most of the run: its queue is full from the first
 * struct on, and the dump's drivers (`orderRec`, `emitRec`, the declaration
 * steps) run in baseline code for about a third of the run waiting for
 * their turn.
 * Maglev compiles each in a fraction of the time; its code is slower once
 * there, which a one-shot C dump does not run long enough to notice. With
 * TurboFan off, Maglev's own inlining budget decides how long its compiles
 * take: 100 bytes of bytecode inlined into a function (small functions
 * always), where V8's default is 920.
 *
 * Node 24.22 over vmlinux, bin path, interleaved medians of 25 on a loaded
 * two-core machine: `-f c --bpftool 7.8` 244 -> 223 ms wall (403 -> 281 ms
 * CPU) with TurboFan off, then 158 -> 145 ms (233 -> 194 ms CPU) with
 * Maglev's budget at 100 (0 and none measured alike, 200 and 300 worse);
 * `-f c` over Debian's 6.12 kernel 186 -> 165 -> 172 ms on another
 * machine state (289 -> 209 -> 221 ms CPU, bpftool 121 ms); a small object
 * unchanged. Layout of vmlinux: 157 -> 157 ms with TurboFan off (256 ->
 * 233 ms CPU), 157 -> 143 and 156 -> 140 ms (256 -> 187, 252 -> 183 ms CPU)
 * with the budget too; `layout -C task_struct` 55.5 -> 53.0 ms. Left on,
 * because they ran faster with TurboFan: raw and JSON dumps (a few hot
 * loops that TurboFan compiles early: `-j` 101 -> 117 ms, raw 127 -> 137
 * ms without it, budget 100), batches (long runs, where TurboFan's code
 * pays). Node 20's Maglev is experimental (the 7.8 dump 282 -> 827 ms with
 * it alone) and stays off. With more CPUs the bin gives V8 more helper
 * threads (up to 4), TurboFan's queue drains that much sooner, and its
 * faster code may win again: not measured here (two-core machines only),
 * so those keep V8's default tiers.
 *
 * Long C dumps gain too: every module of Debian's 6.12 kernel merged over
 * its vmlinux (1,138 files, 3.6 MB of header from 300 of them) 408 -> 377
 * ms for 300 modules, 640 -> 621 ms for all (674 -> 460, 966 -> 734 ms CPU).
 * A batch does not (many files, a directory: seconds to a minute on worker
 * threads, where TurboFan's code pays back its compiles): `layout` over
 * those 1,138 modules took 48.4 -> 69.3 s without TurboFan, `dump -f c`
 * 7.0 -> 7.3 s. The bin cannot tell a batch from its arguments (it knows
 * no option's value), so a batch hands TurboFan back as it starts
 * ({@link longRun}), before its worker threads start.
 *
 * `tag` is the bin's cache tag for the command line (the command, then the
 * options given, `-f` and its value however spelt: `dump.-f.c.--bpftool`);
 * each tag has its own code cache file, made and checked under its own
 * flags.
 */
export function maglevOnly(tag: string, nodeMajor: number, cpus: number): boolean {
  if (nodeMajor < 22 || cpus > 2) return false;
  const parts = tag.split('.');
  if (parts.includes('-O') || parts.includes('--output-dir')) return false;
  return parts[0] === 'layout' || (parts[0] === 'dump' && parts.includes('-f') && parts.includes('c'));
}

/**
 * The V8 flags the bin sets for a command line ({@link maglevOnly}; `cpus`:
 * the CPUs this process may run on): none, or TurboFan off and Maglev's
 * inlining budget.
 */
export function tierFlags(tag: string, nodeMajor: number, cpus: number): string[] {
  return maglevOnly(tag, nodeMajor, cpus) ? ['--no-turbofan', '--max-maglev-inlined-bytecode-size-cumulative=100'] : [];
}

/**
 * Whether node's own command line (`execArgv`) sets the V8 flag that
 * `flag` sets (`--no-turbofan` and `--turbofan` are one flag; `--x=1` and
 * `--x` too): then node's wins.
 */
export function flagGiven(flag: string, execArgv: readonly string[]): boolean {
  const name = (f: string): string =>
    f
      .replace(/=.*$/, '')
      .replace(/^--no-/, '--')
      .replace(/_/g, '-');
  const n = name(flag);
  return execArgv.some((a) => name(a) === n);
}

/** Where the bin leaves the V8 flags it set (its inlining budget and {@link tierFlags}), for {@link longRun}. */
const SET_FLAGS = Symbol.for('btfkit.tierFlags');

/** Records the flags the bin set for this process. */
export function recordTierFlags(flags: readonly string[]): void {
  (globalThis as Record<symbol, unknown>)[SET_FLAGS] = flags;
}

/** The flags the bin set for this process (none when it set none, or in a library). */
function recordedTierFlags(): readonly string[] {
  return ((globalThis as Record<symbol, unknown>)[SET_FLAGS] as readonly string[] | undefined) ?? [];
}

/**
 * Hands TurboFan back for a long run (a batch: {@link maglevOnly} says
 * why), when the bin turned it off for this process; worker threads started
 * after this share the setting (V8's flags are per process). `setFlags` is
 * node:v8's `setFlagsFromString`. The bin sets its flags again before it
 * writes the code cache at exit, so that the cache is made under the flags
 * the next run compiles under.
 */
export function longRun(setFlags: (flags: string) => void): void {
  if (recordedTierFlags().includes('--no-turbofan')) setFlags('--turbofan');
}
