/** `gcsim sample-snapshot`: writes a V8 heap snapshot of a seeded object graph, to try `run --heap-snapshot` on. */
import { Command } from 'commander';
import { writeSampleSnapshot } from '../snapshot/sample-snapshot.ts';
import { checkWritable } from './errors.ts';
import { SEED_MAX, SEED_MIN, parseIntArg } from './options-cli.ts';

/** Records in the child's graph: each is about six snapshot nodes' worth of work, 150 bytes on disk. */
const MAX_OBJECTS = 20_000_000;

export function sampleSnapshotCommand(): Command {
  return new Command('sample-snapshot')
    .description('write a V8 heap snapshot of a seeded graph of JS objects (node + v8.writeHeapSnapshot)')
    .requiredOption('-o, --out <file>', 'the .heapsnapshot file to write')
    .option('--objects <n>', 'records in the graph (each with links, and strings or arrays on some)', '10000')
    .option('-s, --seed <n>', 'seed of the random links', '1')
    .action(async (raw: { out: string; objects: string; seed: string }) => {
      const objects = parseIntArg(raw.objects, '--objects', 1, MAX_OBJECTS);
      const seed = parseIntArg(raw.seed, '--seed', SEED_MIN, SEED_MAX);
      checkWritable(raw.out);
      const s = await writeSampleSnapshot(raw.out, objects, seed);
      console.error(`wrote ${s.file}: ${(s.bytes / 1048576).toFixed(1)} MB in ${(s.writeMs / 1000).toFixed(1)} s`);
    });
}
