/**
 * `btfkit stats [FILE...]`: types per kind, string bytes, section sizes;
 * `-j` for JSON. Several files, a directory or `-O DIR` make a batch
 * (cli/batch.ts).
 */
import type { Command } from 'commander';
import { batchInputs, batchOptions, isBatch, jobsCount, runBatch } from '../batch.js';
import { loadBtf } from '../common.js';
import type { CliIo } from '../io.js';
import { type StatsJob, outputSuffix, runStats } from '../jobs.js';

export function register(program: Command, io: CliIo): void {
  const cmd = program
    .command('stats')
    .description('count types per kind and show string and section sizes')
    .argument('[files...]', "raw BTF or ELF objects, or directories of them (the running kernel's when omitted)")
    .option('-j, --json', 'JSON output')
    .option('-p, --pretty', 'pretty JSON output (implies -j)')
    .option('-B, --base <file>', 'base BTF, for split BTF');
  for (const o of batchOptions()) cmd.addOption(o);
  cmd.action(
    async (
      files: string[],
      opts: { json?: boolean; pretty?: boolean; base?: string; outputDir?: string; jobs?: string },
    ) => {
      const job: StatsJob = { command: 'stats', json: Boolean(opts.json), pretty: Boolean(opts.pretty) };
      if (isBatch(files, opts)) {
        const inputs = batchInputs('stats', files, {
          base: opts.base,
          outDir: opts.outputDir,
          suffix: outputSuffix(job),
        });
        await runBatch(io, job, inputs, { jobs: jobsCount('stats', opts), outDir: opts.outputDir });
        return;
      }
      runStats(job, await loadBtf(files[0], opts.base), (c) => io.out(c));
    },
  );
}
