// Reproduces a figure of docs/performance.md: `npx tsx bench/figures/many-heaps.ts [heaps=400]`.
// Makes default simulators one after another and drops them without closing them (as a careless
// script would), printing the resident set, the bitmap arenas' free space and the number of object
// arenas every 50: a dropped heap's ranges go back to their arenas when the heap is collected, a
// reused bitmap range is zeroed only where it was written, and an object arena none of whose
// ranges is in use is dropped, so the resident set stays near what the live heaps use.
import { Simulator } from '../../src/experiments/simulator.ts';
import { arenaFreeBytesForTesting, objectArenasForTesting } from '../../src/heap/wasm-arena.ts';

const heaps = Number(process.argv[2] ?? 400);
const MiB = 2 ** 20;
const t0 = performance.now();
for (let i = 0; i < heaps; i++) {
  const sim = await Simulator.create({ threads: 1, jitWarmup: false });
  sim.mutator.allocate(sim.mutator.arrayMap, 10);
  if (i % 50 === 0) {
    const free = arenaFreeBytesForTesting().map((b) => `${(b / MiB).toFixed(0)} MiB`).join(', ');
    console.log(`${i} heaps: resident ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, arenas free ${free}, ${objectArenasForTesting().length} object arena(s)`);
  }
  await new Promise((r) => setImmediate(r)); // lets finalizers run between heaps
}
console.log(`${heaps} heaps in ${((performance.now() - t0) / 1000).toFixed(1)} s, resident ${(process.memoryUsage().rss / MiB).toFixed(0)} MiB, ${arenaFreeBytesForTesting().length} bitmap arena(s), ${objectArenasForTesting().length} object arena(s)`);
