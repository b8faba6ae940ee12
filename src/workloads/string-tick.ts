/**
 * Seed 003's example: every tick allocates one 100,000-byte string into a local that goes out of
 * scope at once. With a 1 MiB semispace a scavenge comes about every ten ticks, each freeing
 * about 1 MB, and the heap does not grow.
 */
import { defineWorkload } from './workload.ts';

export default defineWorkload({
  name: 'string-tick',
  description: "seed 003's timer: one 100,000-byte string per tick, dropped at once (no growth)",
  params: {
    ticks: { default: 500, min: 1, doc: 'number of ticks' },
    bytes: { default: 100_000, min: 4, doc: 'string size in bytes' },
  },
  run(m, rng, p) {
    for (let t = 0; t < p.ticks; t++) {
      const s = m.openScope();
      m.allocateString(p.bytes, rng.int(1 << 30));
      m.closeScope(s);
      m.work(1);
    }
  },
});
