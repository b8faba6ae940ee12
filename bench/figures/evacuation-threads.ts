// Per-thread figures of the fragmenter compaction of docs/performance.md, one thread against two,
// all in one process and alternating, so that every configuration sees the same machine at the
// same moment:
//   npm run build && npx tsx bench/figures/evacuation-threads.ts [repetitions=6] [cohort=1000000] ['[{}, {"parallelScavenge": false}]']
// The third argument lists configurations as gcsim options (src/options.ts names); each gets a
// simulator at threads = 1 and one at threads = 2. By default: the defaults, and scavenges on the
// main thread alone (so both thread counts compact a heap whose young objects were promoted in
// the same order). Each repetition runs one fragmenter round (a cohort, half of it kept, two
// mark-compacts, the second of which evacuates its ~16 MB) on every simulator in turn, from the
// compiled build, after the JIT warm-up of all of them. A round's objects die with it, so each
// heap keeps its size: rounds up to its first compaction, untimed, grow it to that size, and the
// measured compactions copy into pages earlier rounds used (no first-touch page faults; the
// heap of `evacuation.ts` grows instead, as fragmenter's kept cohorts pile up, and its copies
// take them). Per compaction and thread: busy ns per object copied in
// `mc.evacuate.copy` and per slot updated in `mc.evacuate.update_pointers`, its waits for a core
// taken out, and any such wait of 0.5 ms or more (--record-preemption). The host's threads are
// lowered as in a measured run (SCHED_IDLE), keeping every simulator's collector threads.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { loadCompiledBuild } from '../graph.ts';
import { busyNsPerObject, median } from '../bench-kit.ts';
import type { Workload } from '../../src/workloads/workload.ts';
import type { PhaseRecord, ThreadPhaseStats } from '../../src/metrics/result.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reps = Number(process.argv[2] ?? 6);
const cohort = Number(process.argv[3] ?? 1_000_000);
let configs: unknown;
try {
  configs = JSON.parse(process.argv[4] ?? '[{}, {"parallelScavenge": false}]');
} catch {
  configs = null;
}
const isConfigList = (c: unknown): c is Record<string, unknown>[] => Array.isArray(c) && c.length > 0 && c.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
if (!(Number.isInteger(reps) && reps > 0 && Number.isInteger(cohort) && cohort >= 1000) || !isConfigList(configs)) {
  console.error('usage: evacuation-threads.ts [repetitions >= 1] [cohort >= 1000] [a JSON array of gcsim option objects]');
  process.exit(2);
}
const { Simulator, deps } = await loadCompiledBuild(ROOT);
const dist = (p: string) => import(pathToFileURL(path.join(ROOT, 'dist', 'src', p)).href);
const fragmenter = (await dist('workloads/fragmenter.js')).default as Workload;
const { warmUp } = (await dist('experiments/warmup.js')) as typeof import('../../src/experiments/warmup.ts');
const { IdlePolicySetter, lowerHostThreads } = (await dist('scheduler/host-threads.js')) as typeof import('../../src/scheduler/host-threads.ts');

const base = { compactionQuotaMb: 1024, compactionFragmentationPercent: 1, maxOldSpaceSize: 512, recordPreemption: true, recordPageFaults: true };
const params = { rounds: 1, cohort, slots: 6, keepPercent: 50 };
type Sim = Awaited<ReturnType<typeof Simulator.create>>;
interface Config { label: string; sims: [Sim, Sim] }
const runs: Config[] = [];
interface Phases { copy: PhaseRecord; update: PhaseRecord }

/** One fragmenter round; the compaction's copy and pointer-updating phases (null if it did not compact). */
function round(sim: Sim, seed: number): Phases | null {
  const from = sim.gc.events.length;
  // The round's handles (its table among them) die with the round: without this scope every
  // round's table and kept half would stay live, and the heap would grow by ~19 MB a round, each
  // compaction copying into pages never touched before.
  const scope = sim.mutator.openScope();
  fragmenter.run(sim.mutator, deps.rng(seed) as never, params);
  sim.mutator.closeScope(scope);
  for (const ev of sim.gc.events.slice(from)) {
    const copy = ev.parallel.find((p) => p.name === 'mc.evacuate.copy');
    const update = ev.parallel.find((p) => p.name === 'mc.evacuate.update_pointers');
    if (copy !== undefined && update !== undefined && copy.threads.reduce((a, t) => a + t.bytes, 0) >= (cohort * 8) << 1) return { copy, update };
  }
  return null;
}

// Busy time less the waits for a core, per object copied and per slot updated (4 bytes each).
const perObject: (t: ThreadPhaseStats) => number = busyNsPerObject;
const perSlot = (t: ThreadPhaseStats) => busyNsPerObject({ ...t, objects: t.bytes / 4 });

// The shell that runs chrt starts before any heap exists: starting a child forks this process,
// after which every page of every heap would fault once on its next write (as in a measured run).
const idleSetter = IdlePolicySetter.start();
try {
  for (const c of configs) {
    const sims: [Sim, Sim] = [await Simulator.create({ ...base, ...c, threads: 1 }), await Simulator.create({ ...base, ...c, threads: 2 })];
    runs.push({ label: Object.keys(c).length === 0 ? 'defaults' : JSON.stringify(c), sims });
  }
  const all = runs.flatMap((r) => r.sims);
  for (const sim of all) warmUp(sim);
  const host = await lowerHostThreads(all.flatMap((s) => s.collectorThreadIds()), 19, 'idle', idleSetter);
  console.log(`load ${os.loadavg()[0].toFixed(2)}; host threads lowered ${host.lowered}, SCHED_IDLE ${host.idle}; cohort ${cohort}; ${reps} repetitions`);
  // Per configuration: t2/t1 per repetition, and busy ns per thread [t1, t2 main, t2 helper].
  const figures = runs.map(() => ({ copy: [] as number[], update: [] as number[], nsCopy: [[], [], []] as number[][], nsUpdate: [[], [], []] as number[][] }));
  // Rounds until every configuration has `reps` with a compaction at both thread counts. The
  // rounds before a configuration's first such compaction, and that one, grow its heaps to their
  // steady size and are not counted: that compaction copies into pages never touched before (about
  // 4,100 first-touch faults at 16 MB), the later ones into pages that earlier rounds used and
  // released. A round whose GCs evacuated less than the cohort is run and not counted. At most
  // 3 × reps + 4.
  const grown = runs.map(() => false);
  for (let r = 0; figures.some((f) => f.copy.length < reps) && r <= 3 * reps + 4; r++) {
    for (const [k, run] of runs.entries()) {
      const f = figures[k];
      if (f.copy.length >= reps) continue;
      const [one, two] = run.sims.map((sim) => round(sim, r + 1));
      if (one === null || two === null) continue;
      if (!grown[k]) {
        grown[k] = true;
        continue;
      }
      f.copy.push(two.copy.durationMs / one.copy.durationMs);
      f.update.push(two.update.durationMs / one.update.durationMs);
      for (const [i, t] of [one.copy.threads[0], ...two.copy.threads].entries()) f.nsCopy[i]?.push(perObject(t));
      for (const [i, t] of [one.update.threads[0], ...two.update.threads].entries()) f.nsUpdate[i]?.push(perSlot(t));
      const row = (p: PhaseRecord, per: (t: ThreadPhaseStats) => number) =>
        `${p.durationMs.toFixed(1)} ms, ${p.pageFaults} faults (${p.threads.map((t) => `${t.busyMs.toFixed(1)} ms busy, ${per(t).toFixed(0)} ns${(t.preemptedMs ?? 0) >= 0.5 ? `, waited ${t.preemptedMs!.toFixed(1)} ms for a core` : ''}`).join('; ')})`;
      console.log(`rep ${r} ${run.label}: copy ${row(one.copy, perObject)} -> ${row(two.copy, perObject)}; update ${row(one.update, perSlot)} -> ${row(two.update, perSlot)}`);
    }
  }
  for (const [k, run] of runs.entries()) {
    const f = figures[k];
    const ns = (xs: number[][]) => `${median(xs[0]).toFixed(1)} alone, ${median(xs[1]).toFixed(1)} and ${median(xs[2]).toFixed(1)} at two`;
    console.log(`${run.label}: ${f.copy.length} repetitions; t2/t1 median copy ${median(f.copy).toFixed(2)}, update_pointers ${median(f.update).toFixed(2)}; busy ns per object copied ${ns(f.nsCopy)}, per slot updated ${ns(f.nsUpdate)}`);
  }
  console.log(`load ${os.loadavg()[0].toFixed(2)}`);
} finally {
  idleSetter.close(); // if the runs failed before using it
  for (const run of runs) for (const sim of run.sims) await sim.close();
}
