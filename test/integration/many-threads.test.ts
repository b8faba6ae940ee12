/**
 * Thread counts far above the cores (2 here), up to the option's bound of 16: helpers are
 * preempted in the middle of phases, steal from preempted owners and arrive late. The digest must
 * still equal the one-thread run's, and the verifier stay clean after every GC.
 */
import { describe, expect, it } from 'vitest';
import { resolveParams, runOne } from '../../src/experiments/run.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { WORKLOADS } from '../../src/workloads/index.ts';
import { Rng } from '../../src/workloads/rng.ts';
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

describe('switching who joins a phase between GCs', () => {
  // The warm-up runs its program with every helper in every phase, then the workload as the
  // measured run will ('dynamic'); helpers learn the mode of each phase from shared memory
  // (test/gc/participant-join.test.ts has the negative control).
  const params = { treeSize: 800, steps: 60, payloadDepth: 3 };

  /** splay with the mode flipped after every GC: what went wrong, or null (same digest, verifier clean). */
  async function flippedRun(threads: number, base: string): Promise<string | null> {
    const sim = await Simulator.create({ ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads, helperJoin: 'all' });
    try {
      let all = true;
      sim.gc.onEvent = () => {
        all = !all;
        sim.setHelperJoin(all ? 'all' : 'dynamic');
      };
      WORKLOADS.splay.run(sim.mutator, new Rng(1), resolveParams('splay', params));
      if (sim.gc.events.length <= 10) return `only ${sim.gc.events.length} GCs`;
      if (sim.gc.verifyErrors.length > 0) return `verifier: ${sim.gc.verifyErrors[0]}`;
      const digest = sim.digest();
      return digest === base ? null : `digest ${digest}, not ${base}`;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    } finally {
      await sim.close().catch(() => undefined);
    }
  }

  it('splay, the mode flipped after every GC at threads 2 and 4: the one-thread digest, verifier clean', async () => {
    const base = await runOne({ workload: 'splay', params, options: { ...SMALL_HEAP, ...NO_WARMUP, threads: 1 } });
    for (const threads of [2, 4]) expect(await flippedRun(threads, base.digest), `threads ${threads}`).toBeNull();
  }, 120_000);
});
