/**
 * The shared checks of the phases that split the heap or its mark bitmap among their threads
 * (options ownerMarking, ownerScavenging and threadMarkBitmaps): every small workload leaves the
 * heap one thread leaves, and a random old graph is marked as one thread marks it.
 */
import { expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import type { GcOptions } from '../../src/options.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import { KIND_TAGGED, PAGE_BITS } from '../../src/heap/layout.ts';
import { heapDigest } from '../../src/gc/digest.ts';
import { Rng } from '../../src/workloads/rng.ts';
import { allVerifyErrors } from './sim.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from './small.ts';

const WORKLOADS = ['splay', 'gcbench', 'fragmenter', 'hide-and-seek'] as const;

/**
 * Every small workload, run with `options` at `threads` threads (every helper in every phase
 * unless `options` says otherwise), leaves the heap one thread leaves, with the verifier clean
 * and every `phase` run by all the threads; with `mail`, some work went by mail.
 */
export async function expectOwnedWorkloadsMatchOneThread(phase: 'mc.mark' | 'scavenge.parallel', threads: number, options: Partial<GcOptions>, mail = true): Promise<void> {
  let phases = 0;
  let mailed = 0;
  for (const workload of WORKLOADS) {
    const params = SMALL[workload];
    // At least four pages of from-space, so that every thread owns some.
    const common = { ...SMALL_HEAP, maxSemiSpaceSize: 1, ...NO_WARMUP, verifyHeap: true, incrementalMarking: options.incrementalMarking };
    const base = await runOne({ workload, seed: 3, params, options: { ...common, threads: 1 } });
    const owned = await runOne({ workload, seed: 3, params, options: { ...common, helperJoin: 'all', ...options, threads } });
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
  expect(phases).toBeGreaterThan(0);
  // The phases split the heap: work went by mail.
  if (mail) expect(mailed).toBeGreaterThan(0);
}

/** Records of four slots in old space, linked at random: about 1.2 MB, five pages to deal out. */
export const N = 50_000;

/**
 * Builds the random graph of `seed` (`n` records, the first allocated in old space), then one full
 * stop-the-world GC with `flags` set; its figures, how many threads its mark had, and the pages
 * its records were allocated in. `straddle`: the graph's records lie half before the end of the
 * first page they are allocated in and half after it (the records before them left unreachable).
 */
export function collectRandomGraph(sim: Simulator, seed: number, flags: number, n = N, straddle = false) {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED);
  const rng = new Rng(seed);
  const s = m.openScope();
  const h: number[] = [];
  if (straddle) {
    const page = m.addressOf(m.allocate(rec, 4, true)) >>> PAGE_BITS;
    for (;;) {
      const r = m.allocate(rec, 4, true);
      h.push(r);
      if (m.addressOf(r) >>> PAGE_BITS !== page) break;
    }
    h.splice(0, Math.max(0, h.length - 1 - (n >> 1)));
  }
  while (h.length < n) h.push(m.allocate(rec, 4, true));
  for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) m.set(h[i], k, h[rng.int(n)]);
  m.setGlobal('root', h[0]);
  for (let i = 1; i < n; i += 97) m.setGlobal(`r${i}`, h[i]);
  // The pages the records were allocated in, each once (before the GC moves any).
  const pages = [...new Set(h.map((r) => m.addressOf(r) >>> PAGE_BITS))];
  m.closeScope(s);
  sim.setTestFlagsForTesting(flags);
  try {
    m.collect('major');
  } catch (e) {
    return { error: String(e), digest: '', errors: [] as string[], mailed: 0, threads: 0, pages };
  } finally {
    sim.setTestFlagsForTesting(0);
  }
  const mark = sim.gc.events.at(-1)!.parallel.find((p) => p.name === 'mc.mark')!;
  return { error: null, digest: heapDigest(sim.heap).digest, errors: allVerifyErrors(sim), mailed: mark.threads.reduce((n, t) => n + (t.mailSent ?? 0), 0), threads: mark.threads.length, pages };
}

