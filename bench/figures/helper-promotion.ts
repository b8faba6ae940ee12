// Reproduces a figure of docs/performance.md: `npx tsx bench/figures/helper-promotion.ts [THREADS]`.
// Young objects that two mark-compacts first copy, then promote, after the warm-up program on a
// scratch heap, ten times; prints each promotion's mc.evacuate.copy time and bytes per thread, so
// a helper that runs slower code than the main thread (a different build of the collector, code
// not yet optimised) shows as a higher time for the same bytes. From source, helpers load the
// collector as ES modules like the compiled build (src/scheduler/helper.ts).
import { Simulator } from '../../src/experiments/simulator.ts';
import { warmUp } from '../../src/experiments/warmup.ts';

const threads = Number(process.argv[2] ?? 2);
const scratch = await Simulator.create({ threads, jitWarmup: false, verifyHeap: false, helperJoin: 'all' });
warmUp(scratch);
const sim = await Simulator.create({ threads, jitWarmup: false, verifyHeap: false }, { reuseHelpersOf: scratch });
await scratch.close();
const m = sim.mutator;
for (let rep = 0; rep < 10; rep++) {
  const n = 40_000;
  const s = m.openScope();
  const keep = m.allocate(m.arrayMap, n, true);
  for (let i = 0; i < n; i++) {
    const t = m.openScope();
    const o = m.allocate(m.arrayMap, 6);
    m.setSmi(o, 0, i);
    if (i > 0) m.set(o, 1, m.get(keep, i - 1));
    m.set(keep, i, o);
    m.closeScope(t);
  }
  m.collect('major');
  m.collect('major');
  m.closeScope(s);
  const e = sim.gc.events[sim.gc.events.length - 1];
  const p = e.parallel.find((x) => x.name === 'mc.evacuate.copy');
  const perThread = p?.threads.map((t) => `thread ${t.thread} ${t.busyMs.toFixed(2)} ms / ${t.bytes} B`).join(', ') ?? 'no copy phase';
  console.log(`repetition ${rep}: promoted ${e.promotedBytes} B, copy ${p?.durationMs.toFixed(2)} ms: ${perThread}`);
}
await sim.close();
