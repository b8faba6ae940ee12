/**
 * The major GC's settings do not change the graph: every workload keeps its digest with marking
 * concurrent, incremental or stop-the-world, for every barrier variant, at threads 1 and 2 (and 4
 * with the insertion barrier; seams.test.ts runs the others at threads 1-4)
 * (threads 3 is held to the same digests by parallel.test.ts and seams.test.ts), and with
 * --no-parallel-compaction the helpers take no evacuation item.
 */
import { describe, it, expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

const BARRIERS = ['insertion', 'satb'] as const;

describe('major GC settings', () => {
  for (const workload of Object.keys(SMALL)) {
    it(`${workload}: the same digest with marking concurrent, incremental or stop-the-world, for each barrier, threads 1, 2 and 4`, async () => {
      let digest = '';
      for (const threads of [1, 2, 4]) {
        // satb at threads 4: seams.test.ts (with the other variants at threads 1-4)
        for (const barrier of threads === 4 ? BARRIERS.slice(0, 1) : BARRIERS) {
          // With one thread there is no helper: concurrent marking falls back to incremental.
          // Concurrent marking at threads 4 is held to the same digests by parallel.test.ts
          // (insertion) and seams.test.ts (the other barriers).
          for (const concurrentMarking of threads === 1 ? [false] : threads === 4 ? [false] : [true, false]) {
            const r = await runOne({ workload, params: SMALL[workload], options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads, barrier, concurrentMarking } });
            const what = `threads ${threads} ${barrier} concurrent ${concurrentMarking}`;
            expect(r.error, what).toBeNull();
            expect(r.verify.errors, what).toEqual([]);
            if (digest === '') digest = r.digest;
            expect(r.digest, what).toBe(digest);
          }
        }
      }
      const stw = await runOne({ workload, params: SMALL[workload], options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads: 2, incrementalMarking: false, concurrentSweeping: false, parallelCompaction: false } });
      expect(stw.verify.errors).toEqual([]);
      expect(stw.digest).toBe(digest);
      // --no-parallel-compaction: the helper takes no evacuation item
      for (const e of stw.events) for (const p of e.parallel) if (p.name === 'mc.evacuate.copy') for (const t of p.threads) if (t.thread !== 0) expect(t.objects).toBe(0);
    }, 240_000);
  }
});

