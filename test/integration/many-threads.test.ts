/**
 * Thread counts far above the cores (2 here), up to the option's bound of 16: helpers are
 * preempted in the middle of phases, steal from preempted owners and arrive late. The digest must
 * still equal the one-thread run's, and the verifier stay clean after every GC.
 */
import { describe, expect, it } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import type { WorkDistributionName } from '../../src/parallel/work-distribution.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

const CASES: { workload: string; params: Record<string, number>; runs: [number, 'dynamic' | 'all', WorkDistributionName][] }[] = [
  // compacting mark-compacts: evacuation and pointer updating on every thread; thieves taking the
  // oldest segment, and the newest
  { workload: 'fragmenter', params: SMALL.fragmenter, runs: [[8, 'dynamic', 'steal-oldest'], [16, 'all', 'steal']] },
  // scavenges, concurrent marking on 15 helpers, finalization
  { workload: 'splay', params: { treeSize: 800, steps: 60, payloadDepth: 3 }, runs: [[16, 'all', 'steal']] },
];

describe('many threads on few cores', () => {
  for (const { workload, params, runs } of CASES) {
    it(`${workload}: ${runs.map(([t, j, b]) => `threads ${t} (${j}, ${b})`).join(' and ')} give the one-thread digest, verifier clean`, async () => {
      const base = await runOne({ workload, params, options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads: 1 } });
      expect(base.error).toBeNull();
      for (const [threads, helperJoin, balance] of runs) {
        const r = await runOne({ workload, params, options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads, helperJoin, balance } });
        const what = `threads ${threads} ${helperJoin} ${balance}`;
        expect(r.error, what).toBeNull();
        expect(r.verify.errors, what).toEqual([]);
        expect(r.digest, what).toBe(base.digest);
        expect(r.events.filter((e) => e.type === 'mark-compact').length, what).toBeGreaterThan(1);
        const ids = new Set<number>();
        for (const e of r.events) for (const p of e.parallel) for (const t of p.threads) ids.add(t.thread);
        expect(Math.max(...ids), what).toBeLessThan(threads);
        // with every helper in every phase, each of the threads took part
        if (helperJoin === 'all') expect(ids.size, what).toBe(threads);
      }
    }, 120_000);
  }
});
