/**
 * `gcsim merge DIR… [--out DIR]`: joins the shards of one sweep (the trials-I-of-N.jsonl files
 * of `gcsim sweep --shard I/N`) into one results.json, results.csv, trace.json and report.html,
 * refusing shards of different matrices.
 */
import path from 'node:path';
import { Command } from 'commander';
import { findShardFiles, mergeShards, readShardFile } from '../experiments/sweep-shards.ts';
import { defaultOutDir, writeSweepOutputs } from '../report/sweep-output.ts';
import { UsageError } from '../experiments/run.ts';
import { printSummary } from './sweep-command.ts';
import { UsageFailure, checkWritable, makeOutputDir } from './errors.ts';

export function mergeCommand(): Command {
  return new Command('merge')
    .description('join the shards of one sweep (gcsim sweep --shard I/N) into one results.json and report')
    .argument('<dirs...>', 'directories (or trials-I-of-N.jsonl files) written by the shards')
    .option('-o, --out <dir>', 'output directory (default results/<date>-<time>)')
    .action(async (dirs: string[], raw: { out?: string }) => {
      let merged;
      try {
        const files = findShardFiles(dirs).map(readShardFile);
        merged = mergeShards(files);
      } catch (e) {
        if (e instanceof UsageError) throw new UsageFailure(e.message);
        throw e;
      }
      const out = raw.out ?? defaultOutDir();
      makeOutputDir(out);
      checkWritable(path.join(out, 'results.json'));
      for (const n of merged.notes) process.stderr.write(`gcsim merge: ${n}\n`);
      const paths = await writeSweepOutputs(out, merged.results);
      printSummary(process.stdout, merged.results, paths);
    });
}
