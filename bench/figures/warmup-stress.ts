// Runs the JIT warm-up's program (src/experiments/warmup.ts) many times on small verified heaps
// and reports every run that the heap verifier stopped, with the words and page metadata where
// it stopped: a stress test for the program's rare-path warmers (lost forwarding races, contended
// locks, dynamic joins) at more threads than cores.
//   npx tsx bench/figures/warmup-stress.ts [runs=100] [threads=4]
// A run stopped by the verifier ends the warm-up early (the record's `warmup.stoppedBy`); the
// measured run's fresh heap is verified on its own. Exit status 1 if any run was stopped.
import { Simulator } from '../../src/experiments/simulator.ts';
import { warmUp } from '../../src/experiments/warmup.ts';
import { C_MARKING, META_WORDS } from '../../src/heap/heap.ts';
import { PAGE_BITS } from '../../src/heap/layout.ts';

const runs = Number(process.argv[2] ?? 100);
const threads = Number(process.argv[3] ?? 4);
if (!(Number.isInteger(runs) && runs > 0 && Number.isInteger(threads) && threads >= 1 && threads <= 16)) {
  console.error('usage: warmup-stress.ts [runs >= 1] [threads 1..16]');
  process.exit(2);
}
let stopped = 0;
const t0 = performance.now();
for (let i = 0; i < runs; i++) {
  const sim = await Simulator.create({ maxSemiSpaceSize: 0.25, initialOldSpaceSize: 1, threads, verifyHeap: true, helperJoin: 'all' });
  try {
    const r = warmUp(sim);
    if (r.stoppedBy === null) continue;
    stopped++;
    console.log(`run ${i}: ${r.stoppedBy}`);
    const at = /object at (\d+)/.exec(r.stoppedBy);
    if (at !== null) {
      const a = Number(at[1]);
      const page = a >>> PAGE_BITS;
      const ev = sim.gc.events.at(-1);
      const marked = (sim.heap.markBits[a >>> 5] & (1 << (a & 31))) !== 0;
      console.log(`  words from there: ${Array.from(sim.heap.mem.subarray(a, a + 8)).join(' ')}; its mark bit ${marked ? 'set' : 'clear'}; marking ${sim.heap.ctl[C_MARKING] !== 0 ? 'active' : 'not active'}`);
      console.log(`  page ${page} metadata: ${Array.from(sim.heap.pageMeta.subarray(page * META_WORDS, (page + 1) * META_WORDS)).join(' ')}`);
      if (ev !== undefined) console.log(`  last GC: ${ev.type} (${ev.reason}), objects per thread ${ev.parallel.map((p) => `${p.name} ${p.threads.map((t) => t.objects).join('/')}`).join(', ')}`);
    }
  } finally {
    await sim.close();
  }
}
console.log(`${stopped} of ${runs} warm-up programs at threads = ${threads} stopped by the verifier (${((performance.now() - t0) / runs).toFixed(0)} ms a run)`);
process.exit(stopped > 0 ? 1 : 0);
