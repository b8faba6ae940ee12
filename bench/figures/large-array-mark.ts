// Reproduces a figure of docs/performance.md: run with `npx tsx bench/figures/large-array-mark.ts`.
import { Simulator } from '../../src/experiments/simulator.ts';
import { Rng } from '../../src/workloads/rng.ts';
const threads = Number(process.argv[2] ?? 2);
const N = Number(process.argv[3] ?? 500000);
const sim = await Simulator.create({ threads, incrementalMarking: false, maxOldSpaceSize: 512, initialOldSpaceSize: 512, maxSemiSpaceSize: 8 });
const m = sim.mutator;
const node = m.maps.define('n', 0);
const arr = m.allocate(m.arrayMap, N, true);
m.setGlobal('a', arr);
const rng = new Rng(1);
for (let i = 0; i < N; i++) { const s = m.openScope(); m.set(arr, i, m.allocate(node, 4, true)); m.closeScope(s); }
for (let i = 0; i < N; i++) { const s = m.openScope(); const o = m.get(arr, i); for (let f = 0; f < 3; f++) m.set(o, f, m.get(arr, rng.int(N))); m.closeScope(s); }
for (let k = 0; k < 6; k++) {
  m.collect('major');
  const e = sim.gc.events.at(-1)!;
  const mk = e.parallel.find(p => p.name === 'mc.mark')!;
  console.log(k, 'pause', e.pauseMs.toFixed(1), 'mark', mk.durationMs.toFixed(1), mk.threads.map(t => `t${t.thread} ${t.objects} obj ${t.busyMs.toFixed(1)}ms ${(t.busyMs * 1e6 / Math.max(1, t.objects)).toFixed(0)}ns/obj idle ${t.idleMs.toFixed(1)} steals ${t.stealsSucceeded}`).join(' | '));
}
await sim.close();
