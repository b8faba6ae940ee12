// Runs splay and hide-and-seek on small verified heaps with owner scavenging (and, with --marking,
// owner marking) at more threads than cores, and counts the runs that failed, by phase: a stress
// of termination with mail (docs/parallel.md §2) and of waits that must not keep every core from
// the host's lowered threads (§3). Start two at once to load both cores the way two experiments
// side by side do:
//   for i in 1 2; do npx tsx bench/figures/owner-stress.ts 15 & done; wait
//   npx tsx bench/figures/owner-stress.ts [rounds=15] [threads=4] [--marking]
// Each round runs both workloads once, with seeds 3-7 in turn. The host's threads are lowered as in
// any measured run (--host-nice 19, SCHED_IDLE) unless GCSIM_HOST_NICE says otherwise. Prints
// one line per failed run, then the count; exit status 1 if any run failed.
import os from 'node:os';
import { runOne } from '../../src/experiments/run.ts';

const args = process.argv.slice(2);
const marking = args.includes('--marking');
const [roundsArg = '15', threadsArg = '4'] = args.filter((a) => a !== '--marking');
const rounds = Number(roundsArg);
const threads = Number(threadsArg);
if (!(Number.isInteger(rounds) && rounds > 0 && (threads === 2 || threads === 4 || threads === 8))) {
  console.error('usage: owner-stress.ts [rounds >= 1] [threads 2|4|8] [--marking]');
  process.exit(2);
}
const PARAMS: Record<string, Record<string, number>> = {
  splay: { treeSize: 600, modifications: 40, payloadDepth: 3, steps: 20 },
  'hide-and-seek': { holders: 5000, treasures: 10_000, moves: 20_000 },
};
const failed = new Map<string, number>();
let runs = 0;
const t0 = performance.now();
for (let k = 0; k < rounds; k++) {
  const seed = 3 + (k % 5);
  for (const workload of Object.keys(PARAMS)) {
    const r = await runOne({
      workload,
      seed,
      params: PARAMS[workload],
      options: { maxSemiSpaceSize: 1, initialOldSpaceSize: 1, jitWarmup: false, verifyHeap: true, incrementalMarking: !marking, threads, helperJoin: 'all', ownerScavenging: true, ownerMarking: marking },
    });
    runs++;
    if (r.error === null) continue;
    const phase = /phase ([a-z_.]+)/.exec(r.error.message)?.[1] ?? r.error.kind;
    failed.set(phase, (failed.get(phase) ?? 0) + 1);
    console.log(`${workload} seed ${seed}: ${r.error.kind}: ${r.error.message}`);
  }
}
const bad = [...failed.values()].reduce((a, b) => a + b, 0);
const byPhase = [...failed].map(([p, n]) => `${p} ${n}`).join(', ');
console.log(`owner-stress: ${bad} of ${runs} runs failed${bad > 0 ? ` (${byPhase})` : ''} in ${((performance.now() - t0) / 1000).toFixed(0)} s, threads ${threads}${marking ? ', owner marking too' : ''}, load ${os.loadavg()[0].toFixed(2)}`);
process.exit(bad > 0 ? 1 : 0);
