/**
 * The JIT warm-up before a measured run: every GC phase runs on a scratch heap (a program, then
 * the measured workload itself within a budget), the measured run gets a fresh heap on the same
 * (rebound) helper threads, and nothing of the scratch run leaks into the measured one: the
 * digest and the GC count are those of a run without warm-up.
 */
import { describe, expect, it } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import { SMALL, SMALL_HEAP } from '../helpers/small.ts';

describe('warm-up', () => {
  for (const threads of [1, 2, 3]) {
    it(`runs every phase on a scratch heap, then measures a fresh heap on the same helpers (threads ${threads})`, async () => {
      const options = { ...SMALL_HEAP, threads, verifyHeap: true };
      const cold = await runOne({ workload: 'splay', params: SMALL.splay, options: { ...options, jitWarmup: false } });
      const warm = await runOne({ workload: 'splay', params: SMALL.splay, options });
      expect(cold.warmup).toBeNull();
      expect(warm.error).toBeNull();
      expect(warm.verify.errors).toEqual([]);
      const w = warm.warmup!;
      expect(w.stoppedBy).toBeNull();
      expect(w.rounds).toBeGreaterThan(0);
      expect(w.scavenges).toBeGreaterThan(0);
      expect(w.markCompacts).toBeGreaterThan(0);
      for (const phase of ['scavenge.parallel', 'mc.mark', 'mc.evacuate.copy', 'mc.evacuate.update_pointers']) expect(w.phasesRun[phase] ?? 0, phase).toBeGreaterThan(0);
      // then the workload itself on the scratch heap, until its second mark-compact (or it ends)
      expect(w.workload).not.toBeNull();
      expect(w.workload!.stoppedBy).toMatch(/^(budget: 2 mark-compacts|budget: 2000 ms|finished)$/);
      expect(w.workload!.scavenges + w.workload!.markCompacts).toBeGreaterThan(0);
      if (w.workload!.stoppedBy === 'budget: 2 mark-compacts') expect(w.workload!.markCompacts).toBe(2);
      if (threads > 1) {
        expect(w.helpersReused).toBe(true);
        expect(w.phasesRun['mc.background.mark'] ?? 0).toBeGreaterThan(0);
        expect(w.phasesRun['mc.background.sweep'] ?? 0).toBeGreaterThan(0);
      }
      // A fresh heap: the same graph as without warm-up, and with one thread (deterministic) the same GCs.
      expect(warm.digest).toBe(cold.digest);
      if (threads === 1) expect(warm.events.map((e) => e.type)).toEqual(cold.events.map((e) => e.type));
      expect(warm.events[0].startMs).toBeGreaterThanOrEqual(0);
    }, 60_000);
  }
});
