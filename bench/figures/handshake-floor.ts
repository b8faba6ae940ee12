// Reproduces a figure of docs/performance.md: run with `npx tsx bench/figures/handshake-floor.ts [reps]`.
// The pause of a scavenge with nothing to copy (string-tick, 2000 ticks; the scavenges after the
// 20th), per thread count, helper join ('all': every helper in every phase; 'dynamic': those that
// arrive in time, woken after 25 µs) and dispatch, interleaved over `reps` repetitions.
import { runOne } from '../../src/experiments/run.ts';
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const reps = Number(process.argv[2] ?? 1);
const configs = [
  [1, 'dynamic', 'parked'],
  [2, 'all', 'parked'], [2, 'dynamic', 'parked'], [2, 'all', 'task'], [2, 'dynamic', 'task'],
  [4, 'all', 'parked'], [4, 'dynamic', 'parked'],
] as const;
const rows = new Map<string, string[]>();
for (let rep = 0; rep < reps; rep++) {
  for (const [threads, helperJoin, dispatch] of configs) {
    const r = await runOne({ workload: 'string-tick', params: { ticks: 2000 }, options: { threads, helperJoin, dispatch } });
    const ev = r.events.slice(20);
    const threadsPerScavenge = ev.reduce((n, e) => n + (e.parallel[0]?.threads.length ?? 0), 0) / ev.length;
    const key = `threads=${threads} ${helperJoin.padEnd(7)} ${dispatch.padEnd(6)}`;
    const cell = `${(med(ev.map((e) => e.pauseMs)) * 1000).toFixed(0)} µs (parallel ${(med(ev.map((e) => e.phasesMs['scavenge.parallel'])) * 1000).toFixed(0)} µs, ${threadsPerScavenge.toFixed(2)} threads)`;
    rows.set(key, [...(rows.get(key) ?? []), cell]);
  }
}
console.log(`empty scavenge pause p50 per run (load ${(await import('node:os')).loadavg()[0].toFixed(1)} at the end)`);
for (const [k, v] of rows) console.log(`${k}  ${v.join(' | ')}`);
