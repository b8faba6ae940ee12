// Reproduces a figure of docs/performance.md: `npx tsx bench/figures/finalization.ts [trials]`.
// Per workload and thread count, interleaving the two configurations trial by trial: the largest
// major pause of a run that marks while the mutator runs (incremental or concurrent) over the
// largest mark-compact pause of the same workload with stop-the-world marking, the marking part
// of those two pauses (mc.mark), what the rest of the finalization pause is spent on, the
// mutator's utilisation while marking, when the helpers joined the pause's copy phase, and how
// long the thread that waited most waited for a core during that pause (--record-preemption;
// at threads = 4 on two cores the GC threads take cores from each other). Both with the JIT
// warm-up (the default).
import { runOne } from '../../src/experiments/run.ts';
import type { GCEvent } from '../../src/metrics/result.ts';

const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const cases: [string, Record<string, number>][] = [['splay', {}], ['gcbench', { longLivedDepth: 19, maxDepth: 16 }]];
const trials = Number(process.argv[2] ?? 3);
/** Where the machine can tell (Linux), each thread's wait for a core per parallel phase. */
const recordPreemption = (await import('../../src/parallel/sched-clock.ts')).SchedClock.available();
const largest = (evs: GCEvent[]) => evs.reduce((a, e) => (a === null || e.pauseMs > a.pauseMs ? e : a), null as GCEvent | null);
for (const [w, params] of cases) for (const threads of [1, 2, 4]) {
  const ratio: number[] = [], markRatio: number[] = [], util: number[] = [], stwMs: number[] = [], finMs: number[] = [], joinMs: number[] = [], waitMs: number[] = [];
  const rest = new Map<string, number[]>();
  for (let t = 0; t < trials; t++) {
    const a = await runOne({ workload: w, params, options: { threads, incrementalMarking: false, recordPreemption } });
    const b = await runOne({ workload: w, params, options: { threads, recordPreemption } });
    const stw = largest(a.events.filter((e) => e.type === 'mark-compact'));
    const fin = largest(b.events.filter((e) => e.type === 'mark-compact'));
    if (stw === null || fin === null) continue;
    stwMs.push(stw.pauseMs); finMs.push(fin.pauseMs);
    ratio.push(fin.pauseMs / stw.pauseMs);
    markRatio.push((fin.phasesMs['mc.mark'] ?? 0) / (stw.phasesMs['mc.mark'] ?? NaN));
    for (const [k, v] of Object.entries(fin.phasesMs)) (rest.get(k) ?? rest.set(k, []).get(k)!).push(v);
    // When the helpers joined the copy phase of that pause (ms after it began; dynamic join).
    const copy = fin.parallel.find((p) => p.name === 'mc.evacuate.copy');
    for (const t of copy?.threads ?? []) if (t.thread !== 0) joinMs.push(t.startMs - copy!.startMs);
    if (recordPreemption) {
      const perThread = new Map<number, number>();
      for (const ph of fin.parallel) for (const t of ph.threads) perThread.set(t.thread, (perThread.get(t.thread) ?? 0) + (t.preemptedMs ?? 0));
      waitMs.push(Math.max(0, ...perThread.values()));
    }
    for (const f of b.events.filter((e) => e.incremental !== null)) {
      const wall = f.incremental!.walltimeMs; const start = f.startMs - wall;
      let stopped = 0;
      for (const iv of b.timeline) if (iv.thread === 0 && (iv.kind === 'pause' || iv.kind === 'step')) stopped += Math.max(0, Math.min(f.startMs, iv.startMs + iv.durationMs) - Math.max(start, iv.startMs));
      util.push(1 - stopped / wall);
    }
  }
  const top = [...rest.entries()].map(([k, v]) => [k, med(v)] as const).sort((x, y) => y[1] - x[1]).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  console.log(`${w} threads=${threads}: largest major pause ${med(finMs).toFixed(1)} ms / stop-the-world ${med(stwMs).toFixed(1)} ms = ${med(ratio).toFixed(2)}; marking part ${med(markRatio).toFixed(3)}; finalization pause spent on: ${top}; mutator utilisation while marking ${(100 * med(util)).toFixed(0)}%${joinMs.length ? `; helpers joined its copy phase after ${med(joinMs).toFixed(2)} ms (median of ${joinMs.length})` : ''}${waitMs.length ? `; in that pause a thread waited up to ${med(waitMs).toFixed(1)} ms for a core (median; per trial ${waitMs.map((x) => x.toFixed(1)).join(', ')})` : ''}`);
}
