/**
 * Which of V8's optimising tiers a command runs with: the bin (cli/bin.ts)
 * turns TurboFan, V8's top tier, off for a C dump (`dump -f c`, either
 * bpftool's output, one input or several merged; not a batch with `-O`) on
 * Node 22 and later, where Maglev, V8's mid tier, is on by default.
 *
 * Why. A C dump's hot code is spread over a hundred functions. On two
 * cores TurboFan compiles them one after another on its one helper thread
 * for most of the run: its queue is full from the first struct on, and the
 * dump's drivers (`orderRec`, `emitRec`, the declaration steps) run in
 * baseline code for about a third of the run waiting for their turn.
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
 * unchanged. Left on, because they ran as fast or faster with TurboFan: raw
 * and JSON dumps (a few hot loops that TurboFan compiles early: `-j`
 * 133 -> 185 ms without it), layout (212 -> 214 ms wall, less CPU),
 * batches (long runs, where TurboFan's code pays). Node 20's Maglev is
 * experimental (the 7.8 dump 282 -> 827 ms with it alone) and stays off.
 *
 * `tag` is the bin's cache tag for the command line (the command, then the
 * options given, `-f` and its value however spelt: `dump.-f.c.--bpftool`);
 * each tag has its own code cache file, made and checked under its own
 * flags.
 */
export function maglevOnly(tag: string, nodeMajor: number): boolean {
  if (nodeMajor < 22) return false;
  const parts = tag.split('.');
  return (
    parts[0] === 'dump' &&
    parts.includes('-f') &&
    parts.includes('c') &&
    !parts.includes('-O') &&
    !parts.includes('--output-dir')
  );
}

/**
 * The V8 flags the bin sets for a command line ({@link maglevOnly}): none,
 * or TurboFan off and Maglev's inlining budget.
 */
export function tierFlags(tag: string, nodeMajor: number): string[] {
  return maglevOnly(tag, nodeMajor) ? ['--no-turbofan', '--max-maglev-inlined-bytecode-size-cumulative=100'] : [];
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
