/**
 * `gcsim report results.json [--out DIR]`: re-renders report.html, results.csv and trace.json
 * from a sweep's results.json (or one `gcsim run --json` record) without running anything.
 * Summaries are recomputed from the trials, so reports of old results gain new metrics.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { readSweepResults } from '../experiments/sweep-results.ts';
import { summarizeSweep } from '../experiments/sweep-summary.ts';
import { outputPaths, writeDerivedOutputs, writeResultsJson } from '../report/sweep-output.ts';
import { UsageError } from '../experiments/run.ts';
import { printSummary } from './sweep-command.ts';
import { UsageFailure, checkWritable, makeOutputDir } from './errors.ts';

export function reportCommand(): Command {
  return new Command('report')
    .description('re-render report.html (and results.csv, trace.json) from a results.json, without re-running')
    .argument('<results>', 'results.json of `gcsim sweep`, or a `gcsim run --json` file')
    .option('-o, --out <dir>', 'output directory (default: the directory of <results>)')
    .action(async (file: string, raw: { out?: string }) => {
      let results;
      try {
        results = summarizeSweep(readSweepResults(file));
      } catch (e) {
        if (e instanceof UsageError) throw new UsageFailure(e.message);
        throw e;
      }
      const dir = raw.out ?? path.dirname(file);
      makeOutputDir(dir);
      const p = outputPaths(dir);
      checkWritable(p.html);
      // The report links results.json beside it: write one there unless it is the input itself.
      if (path.resolve(p.json) !== path.resolve(file)) writeResultsJson(dir, results);
      const paths = await writeDerivedOutputs(dir, results);
      printSummary(process.stdout, results, paths);
    });
}
