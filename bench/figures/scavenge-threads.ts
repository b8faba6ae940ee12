// Reproduces a figure of docs/performance.md: per-thread busy, idle, objects and steals of a
// scavenge of the whole bench graph (bench/graph.ts) at one thread and at N, alternating, from
// the compiled build, with each thread's busy ns per object beside the one-thread figure:
//   npm run build && npx tsx bench/figures/scavenge-threads.ts [threads=2] [objects=1000000] [repetitions=5] [balance=steal[,balance...]] [--plain-forwarding] [--pin]
// With several work-distribution schemes, one N-thread simulator each, all in the same rounds.
// Each simulator is warmed as `gcsim run` warms a measured run (`createWarmed`, bench/graph.ts).
// --plain-forwarding adds one more N-thread simulator whose measured scavenges install forwarding
// addresses with a plain store instead of a CAS (the ForTesting switch TEST_PLAIN_FORWARDING):
// what the CAS costs. Unsafe: two threads may both copy an object (the graph is thrown away after
// each scavenge, and that simulator is used for nothing else). --pin pins the main thread to CPU 0
// and helper k of each simulator to CPU k (mod the CPUs), as the island figures do.
// As a measured run does, the process's other threads (V8's compilers and JS-heap GC workers) run
// at nice 19 in SCHED_IDLE once the code is warm, so they do not take a core from a collector
// thread in mid-phase; each thread's wait for a core is printed all the same (pre, ms) and left out
// of its ns per object (the machine's own threads still take a core now and then: docs/performance.md).
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LAYOUTS, buildGraph, createWarmed, dropGraph, graphSimOptions, loadCompiledBuild } from '../graph.ts';
import type { WorkDistributionName } from '../../src/parallel/work-distribution.ts';
import { ThreadPinner, busyNsPerObject, median, withTestFlags } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const build = await loadCompiledBuild(ROOT);
const { deps } = build;
const { IdlePolicySetter, LineShell, lowerHostThreads } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'scheduler', 'host-threads.js')).href)) as typeof import('../../src/scheduler/host-threads.ts');
// Started before any heap exists: it forks this process, after which every page of a heap would fault once.
const idleSetter = IdlePolicySetter.start();
const pinner = process.argv.includes('--pin') ? ThreadPinner.start(LineShell) : null;
const args = process.argv.slice(2).filter((a) => a !== '--plain-forwarding' && a !== '--pin' && a !== '--owner');
const OWNER = process.argv.includes('--owner');
const threads = Number(args[0] ?? 2);
const n = Number(args[1] ?? 1_000_000);
const reps = Number(args[2] ?? 5);
const balances = (args[3] ?? 'steal').split(',') as WorkDistributionName[];
const { TEST_PLAIN_FORWARDING } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'heap', 'heap.js')).href)) as typeof import('../../src/heap/heap.ts');
const options = { ...graphSimOptions(n), recordPageFaults: true, recordPreemption: true };
const sims = [await createWarmed(build, { ...options, threads: 1 }, true)];
for (const balance of balances) sims.push(await createWarmed(build, { ...options, threads, balance }, true));
if (OWNER) for (const balance of balances) sims.push(await createWarmed(build, { ...options, threads, balance, helperJoin: 'all', ownerScavenging: true }, true));
const plain = process.argv.includes('--plain-forwarding') ? await createWarmed(build, { ...options, threads }, true) : null;
if (plain !== null) sims.push(plain);
try {
  let lowered = false;
  for (const layout of LAYOUTS) {
    for (const sim of sims) {
      // Warm-up: the code optimised and both semispaces written once (no first-touch faults below).
      for (let i = 0; i < 2; i++) scavengeGraph(sim, layout);
    }
    if (!lowered) {
      const host = await lowerHostThreads(sims.flatMap((sim) => sim.collectorThreadIds()), 19, 'idle', idleSetter);
      let pinned = '';
      if (pinner !== null) {
        const cpus = availableParallelism();
        const pins = sims.flatMap((sim) => sim.collectorThreadIds().map((tid, k) => [tid, k % cpus] as const));
        pinned = `; collector threads pinned ${await pinner.pin(pins)} of ${pins.length}`;
      }
      console.log(`host threads lowered ${host.lowered}, SCHED_IDLE ${host.idle}${pinned}`);
      lowered = true;
    }
    const speedups = sims.map(() => [] as number[]); // per simulator: threads = 1 over it, per round
    for (let r = 0; r < reps; r++) {
      const line: string[] = [];
      let oneMs = NaN;
      for (const [k, sim] of sims.entries()) {
        const p = scavengeGraph(sim, layout);
        if (k === 0) oneMs = p.durationMs;
        else speedups[k].push(oneMs / p.durationMs);
        const rows = p.threads.map((t) => `t${t.thread} +${(t.startMs - p.startMs).toFixed(2)} busy ${t.busyMs.toFixed(1)} pre ${(t.preemptedMs ?? 0).toFixed(2)} idle ${t.idleMs.toFixed(1)} ms ${t.objects} obj ${busyNsPerObject(t).toFixed(0)} ns/obj steals ${t.stealsSucceeded}/${t.stealsAttempted}${t.mailSent !== undefined ? ` mailed ${t.mailSent}` : ''}`);
        const woken = p.wokenAfterMs === undefined ? '' : `, helpers woken at +${p.wokenAfterMs.toFixed(2)}`;
        line.push(`${label(sim)}: ${p.durationMs.toFixed(1)} ms, ${p.pageFaults} faults${woken} [${rows.join('; ')}]`);
      }
      console.log(`${layout}: ${line.join(' | ')}`);
    }
    console.log(`${layout}: speedup over threads 1, median of rounds: ${sims.slice(1).map((sim, i) => `${label(sim)} ${median(speedups[i + 1]).toFixed(2)}`).join(', ')}`);
  }
} finally {
  idleSetter.close();
  pinner?.close();
  for (const sim of sims) await sim.close();
}

/** A simulator's name in the lines: its thread count, its scheme when several are compared, and plain forwarding. */
function label(sim: (typeof sims)[number]): string {
  const scheme = balances.length > 1 && sim.options.threads > 1 ? ` ${sim.options.balance}` : '';
  return `threads ${sim.options.threads}${scheme}${sim === plain ? ' plain forwarding' : ''}${sim.options.ownerScavenging ? ' owner' : ''}`;
}

function scavengeGraph(sim: (typeof sims)[number], layout: (typeof LAYOUTS)[number]) {
  const m = sim.mutator;
  dropGraph(m);
  m.collect('minor');
  buildGraph(m, deps, n, layout);
  withTestFlags(sim, sim === plain ? TEST_PLAIN_FORWARDING : 0, () => m.collect('minor'));
  return sim.gc.events.at(-1)!.parallel.find((x) => x.name === 'scavenge.parallel')!;
}
