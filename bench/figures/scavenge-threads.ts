// Reproduces a figure of docs/performance.md: per-thread busy, idle, objects and steals of a
// scavenge of the whole bench graph (bench/graph.ts) at one thread and at N, alternating, from
// the compiled build, with each thread's busy ns per object beside the one-thread figure:
//   npm run build && npx tsx bench/figures/scavenge-threads.ts [threads=2] [objects=1000000] [repetitions=5] [balance=steal[,balance...]]
// With several work-distribution schemes, one N-thread simulator each, all in the same rounds.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUTS, buildGraph, dropGraph, graphSimOptions, loadCompiledBuild } from '../graph.ts';
import type { WorkDistributionName } from '../../src/parallel/work-distribution.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Simulator, deps } = await loadCompiledBuild(ROOT);
const threads = Number(process.argv[2] ?? 2);
const n = Number(process.argv[3] ?? 1_000_000);
const reps = Number(process.argv[4] ?? 5);
const balances = (process.argv[5] ?? 'steal').split(',') as WorkDistributionName[];
const options = graphSimOptions(n);
const sims = [await Simulator.create({ ...options, threads: 1 })];
for (const balance of balances) sims.push(await Simulator.create({ ...options, threads, balance }));
try {
  for (const layout of LAYOUTS) {
    for (const sim of sims) {
      // Warm-up: the code optimised and both semispaces written once (no first-touch faults below).
      for (let i = 0; i < 2; i++) scavengeGraph(sim, layout);
    }
    for (let r = 0; r < reps; r++) {
      const line: string[] = [];
      for (const sim of sims) {
        const p = scavengeGraph(sim, layout);
        const rows = p.threads.map((t) => `t${t.thread} +${(t.startMs - p.startMs).toFixed(2)} busy ${t.busyMs.toFixed(1)} idle ${t.idleMs.toFixed(1)} ms ${t.objects} obj ${((t.busyMs * 1e6) / Math.max(1, t.objects)).toFixed(0)} ns/obj steals ${t.stealsSucceeded}/${t.stealsAttempted}`);
        const scheme = balances.length > 1 && sim.options.threads > 1 ? ` ${sim.options.balance}` : '';
        line.push(`threads ${sim.options.threads}${scheme}: ${p.durationMs.toFixed(1)} ms [${rows.join('; ')}]`);
      }
      console.log(`${layout}: ${line.join(' | ')}`);
    }
  }
} finally {
  for (const sim of sims) await sim.close();
}

function scavengeGraph(sim: (typeof sims)[number], layout: (typeof LAYOUTS)[number]) {
  const m = sim.mutator;
  dropGraph(m);
  m.collect('minor');
  buildGraph(m, deps, n, layout);
  m.collect('minor');
  return sim.gc.events.at(-1)!.parallel.find((x) => x.name === 'scavenge.parallel')!;
}
