// Reproduces a figure of docs/performance.md: per-thread busy, idle, objects, steals and lost races of a full
// mark of the bench graph (bench/graph.ts) at N threads, compiled build:
//   npm run build && npx tsx bench/figures/mark-threads.ts [threads=2] [objects=1000000] [repetitions=4] [balance=steal]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUTS, buildGraph, loadCompiledBuild } from '../graph.ts';
import type { WorkDistributionName } from '../../src/parallel/work-distribution.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Simulator, deps } = await loadCompiledBuild(ROOT);
const threads = Number(process.argv[2] ?? 2);
const n = Number(process.argv[3] ?? 1_000_000);
const reps = Number(process.argv[4] ?? 4);
const balance = (process.argv[5] ?? 'steal') as WorkDistributionName;
for (const layout of LAYOUTS) {
  const sim = await Simulator.create({ threads, maxSemiSpaceSize: 32, initialOldSpaceSize: 128, maxOldSpaceSize: 512, maxHandles: 1 << 21, concurrentMarking: false, balance });
  const m = sim.mutator;
  buildGraph(m, deps, n, layout);
  m.collect('minor');
  m.collect('minor');
  m.collect('major');
  for (let r = 0; r < reps; r++) {
    m.collect('major');
    const p = sim.gc.events.at(-1)!.parallel.find((x) => x.name === 'mc.mark')!;
    const rows = p.threads.map((t) => `t${t.thread} starts +${(t.startMs - p.startMs).toFixed(2)} ms, busy ${t.busyMs.toFixed(1)} idle ${t.idleMs.toFixed(1)} ms, ${t.objects} objects, steals ${t.stealsSucceeded}/${t.stealsAttempted}, races lost ${t.racesLost ?? 0}`);
    console.log(`${layout}: mc.mark ${p.durationMs.toFixed(1)} ms | ${rows.join(' | ')}`);
  }
  await sim.close();
}
