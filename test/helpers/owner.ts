/**
 * The shared check of the owner-partitioned phases (options ownerMarking and ownerScavenging):
 * every small workload, run with `options` at `threads` threads, leaves the heap one thread
 * leaves, with the verifier clean, every `phase` run by all the threads, and mail sent.
 */
import { expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import type { GcOptions } from '../../src/options.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from './small.ts';

const WORKLOADS = ['splay', 'gcbench', 'fragmenter', 'hide-and-seek'] as const;

export async function expectOwnedWorkloadsMatchOneThread(phase: 'mc.mark' | 'scavenge.parallel', threads: number, options: Partial<GcOptions>): Promise<void> {
  let phases = 0;
  let mailed = 0;
  for (const workload of WORKLOADS) {
    const params = SMALL[workload];
    // At least four pages of from-space, so that every thread owns some.
    const common = { ...SMALL_HEAP, maxSemiSpaceSize: 1, ...NO_WARMUP, verifyHeap: true, incrementalMarking: options.incrementalMarking };
    const base = await runOne({ workload, seed: 3, params, options: { ...common, threads: 1 } });
    const owned = await runOne({ workload, seed: 3, params, options: { ...common, ...options, threads, helperJoin: 'all' } });
    expect(base.error).toBeNull();
    expect(owned.error).toBeNull();
    expect(owned.verify.errors).toEqual([]);
    expect(owned.digest, workload).toBe(base.digest);
    for (const p of owned.events.flatMap((e) => e.parallel.filter((q) => q.name === phase))) {
      phases++;
      expect(p.threads.length).toBe(threads);
      mailed += p.threads.reduce((n, t) => n + (t.mailSent ?? 0), 0);
    }
  }
  // The phases split the heap: work went by mail.
  expect(phases).toBeGreaterThan(0);
  expect(mailed).toBeGreaterThan(0);
}
