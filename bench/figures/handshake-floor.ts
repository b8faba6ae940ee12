// Reproduces a figure of docs/performance.md: run with `npx tsx bench/figures/handshake-floor.ts`.
import { runOne } from '../../src/experiments/run.ts';
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
for (const threads of [1, 2, 4]) for (const dispatch of ['parked', 'task'] as const) {
  if (threads === 1 && dispatch === 'task') continue;
  const r = await runOne({ workload: 'string-tick', params: { ticks: 2000 }, options: { threads, dispatch } });
  const ev = r.events.slice(20);
  const ph: Record<string, number[]> = {};
  for (const e of ev) for (const [k, v] of Object.entries(e.phasesMs)) (ph[k] ??= []).push(v);
  console.log(`threads=${threads} ${dispatch}: empty scavenge pause p50 ${(med(ev.map(e => e.pauseMs)) * 1000).toFixed(0)} us; ` + Object.entries(ph).map(([k, v]) => `${k} ${(med(v) * 1000).toFixed(0)}us`).join(', ') + `; wake p50 ${(med(ev.map(e => e.timeToSafepointMs)) * 1000).toFixed(0)} us`);
}
