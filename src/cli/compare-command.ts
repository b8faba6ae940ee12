/**
 * `gcsim compare A B`: two results.json files (or one file and two of its configurations, with
 * --a and --b) figure by figure, with the ratio B / A, its interval and a verdict. Prints a table
 * per configuration pair; with --out writes compare.html, compare.json and compare.csv there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { readSweepResults } from '../experiments/sweep-results.ts';
import { summarizeSweep } from '../experiments/sweep-summary.ts';
import { compareResults } from '../experiments/compare.ts';
import { UsageError } from '../experiments/run.ts';
import { compareTable, compareTally, pairTitle, renderCompareHtml, statisticsLine } from '../report/compare-report.ts';
import { formatTextTable } from '../report/tables.ts';
import { csvLine } from '../report/csv.ts';
import { UsageFailure, checkWritable, makeOutputDir } from './errors.ts';

export function compareCommand(): Command {
  return new Command('compare')
    .description('compare two results.json (or two configurations of one): every figure with the ratio B / A, its 95% interval and a verdict')
    .argument('<a>', 'results.json of the baseline (A)')
    .argument('[b]', 'results.json to judge (B); default: A itself, with --a and --b naming two of its configurations')
    .option('--a <config>', "A's configuration: its label, id (c0) or axis values (threads=1)")
    .option('--b <config>', "B's configuration, likewise")
    .option('-o, --out <dir>', 'also write compare.html, compare.json and compare.csv here')
    .action((fileA: string, fileB: string | undefined, raw: { a?: string; b?: string; out?: string }) => {
      if (fileB === undefined && (raw.a === undefined || raw.b === undefined)) {
        throw new UsageFailure('compare needs two results.json files, or one with --a and --b naming two of its configurations');
      }
      let comparison;
      try {
        const a = summarizeSweep(readSweepResults(fileA));
        const b = fileB === undefined ? a : summarizeSweep(readSweepResults(fileB));
        comparison = compareResults(a, fileA, b, fileB ?? fileA, { a: raw.a, b: raw.b });
      } catch (e) {
        if (e instanceof UsageError) throw new UsageFailure(e.message);
        throw e;
      }
      if (raw.out !== undefined) {
        makeOutputDir(raw.out);
        checkWritable(path.join(raw.out, 'compare.html'));
      }
      const lines: string[] = [statisticsLine(comparison)];
      for (const p of comparison.pairs) {
        lines.push('', pairTitle(p), `  ${compareTally(p)}`, formatTextTable(compareTable(p)));
      }
      if (comparison.unmatched.length > 0) lines.push('', `Without a partner: ${comparison.unmatched.join('; ')}`);
      if (raw.out !== undefined) {
        fs.writeFileSync(path.join(raw.out, 'compare.html'), renderCompareHtml(comparison));
        fs.writeFileSync(path.join(raw.out, 'compare.json'), JSON.stringify(comparison) + '\n');
        const csv = [csvLine(['a_config', 'b_config', 'figure', 'a_median', 'a_ci_lo', 'a_ci_hi', 'b_median', 'b_ci_lo', 'b_ci_hi', 'ratio', 'ratio_lo', 'ratio_hi', 'verdict', 'a_trials', 'b_trials'])];
        for (const p of comparison.pairs) {
          for (const f of p.figures) csv.push(csvLine([p.a.label, p.b.label, f.metric, f.a.median, f.a.lo, f.a.hi, f.b.median, f.b.lo, f.b.hi, f.ratio, f.lo, f.hi, f.verdict, f.baselineN, f.n]));
        }
        fs.writeFileSync(path.join(raw.out, 'compare.csv'), csv.join('\n') + '\n');
        lines.push('', `Report: ${path.join(raw.out, 'compare.html')} (and compare.json, compare.csv)`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
