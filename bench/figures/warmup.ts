// Reproduces a figure of docs/performance.md: `npx tsx bench/figures/warmup.ts WORKLOAD THREADS on|off`
// (one run per process, so each starts cold; bench/figures/warmup.sh interleaves them). Prints
// the first scavenge and the first mark-compact pause over the median of the later ones of the
// same kind, and the work each did, so that a first GC that simply had more to do is told apart
// from one that ran unoptimised code.
import { runOne } from '../../src/experiments/run.ts';
import type { GCEvent } from '../../src/metrics/result.ts';

const [workload, threadsText, mode] = process.argv.slice(2);
const threads = Number(threadsText);
const r = await runOne({ workload, options: { threads, jitWarmup: mode !== 'off' } });
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
  parts.push(`${type} first/median ${ratio.toFixed(2)} (${evs[0].pauseMs.toFixed(2)} / ${med(later.map((e) => e.pauseMs)).toFixed(2)} ms; per byte of work ${workRatio.toFixed(2)})`);
}
console.log(`${workload} threads=${threads} warm-up ${mode}: ${parts.join('; ')}${r.error ? ' error ' + r.error.message : ''}`);
