// Reproduces a figure of docs/performance.md: `npx tsx bench/figures/warmup.ts WORKLOAD THREADS on|off|hot|v8`
// (one run per process, so each starts cold; bench/figures/warmup.sh interleaves them). Prints
// the first scavenge and the first mark-compact pause over the median of the later ones of the
// same kind, and the work each did, so that a first GC that simply had more to do is told apart
// from one that ran unoptimised code. `v8` runs the workload on V8's own heap (`--engine v8`),
// whose collector is compiled ahead of time: what its first GC pays is not JIT warm-up. Its
// pauses are the child's PerformanceObserver durations (µs resolution; nvp's have 0.1 ms).
// `hot` runs the workload twice in the process, both with the warm-up, and prints the second run:
// all its code has run a whole measured run before, so what its first GC still pays over the
// later ones is not the JIT (the best any warm-up can do), but what a fresh heap costs: caches
// and TLBs that hold none of it yet (bench/figures/cold-cache.ts).
import { runOne } from '../../src/experiments/run.ts';
import type { GCEvent } from '../../src/metrics/result.ts';

const [workload, threadsText, mode] = process.argv.slice(2);
const threads = Number(threadsText);
if (!['on', 'off', 'hot', 'v8'].includes(mode) || !(threads >= 1)) {
  console.error('usage: npx tsx bench/figures/warmup.ts WORKLOAD THREADS on|off|hot|v8');
  process.exit(2);
}
if (mode === 'hot') await runOne({ workload, options: { threads, jitWarmup: true } });
const r = mode === 'v8'
  ? await runOne({ workload, options: { threads, engine: 'v8' } })
  : await runOne({ workload, options: { threads, jitWarmup: mode !== 'off' } });
if (r.v8) for (const [i, e] of r.events.entries()) e.pauseMs = r.v8.observedPauseMs[i];
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] : NaN; };
const work = (e: GCEvent) => e.survivedBytes + e.promotedBytes + e.evacuatedBytes + (e.markedBytes ?? 0);
const parts: string[] = [];
for (const type of ['scavenge', 'mark-compact'] as const) {
  const evs = r.events.filter((e) => e.type === type);
  if (evs.length < 2) { parts.push(`${type} n/a (${evs.length} GC)`); continue; }
  const later = evs.slice(1);
  const ratio = evs[0].pauseMs / med(later.map((e) => e.pauseMs));
  const perByte = (e: GCEvent) => e.pauseMs / Math.max(1, work(e));
  const workRatio = perByte(evs[0]) / med(later.map(perByte));
  parts.push(`${type} first/median ${ratio.toFixed(2)} (${evs[0].pauseMs.toFixed(3)} / ${med(later.map((e) => e.pauseMs)).toFixed(3)} ms; per byte of work ${workRatio.toFixed(2)})`);
}
console.log(`${workload} threads=${threads} ${mode === 'v8' ? 'V8' : mode === 'hot' ? 'second run in a hot process' : `warm-up ${mode}`}: ${parts.join('; ')}${r.error ? ' error ' + r.error.message : ''}`);
