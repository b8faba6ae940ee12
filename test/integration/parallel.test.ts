/**
 * The parallel collectors on real helper threads (2 cores, up to 4 threads): the digest does not
 * depend on the thread count or the balance strategy, thousands of GCs run without a hang, a
 * verifier error or a duplicated object, and without the forwarding CAS duplicates appear.
 */
import { describe, it, expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { TEST_PLAIN_FORWARDING, TEST_PLAIN_MARKING } from '../../src/heap/heap.ts';
import { ROOT_CHUNK } from '../../src/gc/work-items.ts';
import { PHASE_MARK, PHASE_SCAVENGE } from '../../src/gc/phases.ts';
import { encodeTestFault, FAULT_EXIT, FAULT_HANG, FAULT_THROW } from '../../src/gc/fault-injection.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

describe('parallel collection', () => {
  for (const workload of Object.keys(SMALL)) {
    it(`${workload}: the same digest for threads 1-4 and both balance strategies, verifier clean`, async () => {
      const seeds = workload === 'splay' || workload === 'gcbench' ? [1, 2] : [1];
      for (const seed of seeds) {
        const base = await runOne({ workload, seed, params: SMALL[workload], options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads: 1 } });
        expect(base.error, `seed ${seed}`).toBeNull();
        for (const threads of [2, 3, 4]) {
          // static at threads 2 here; seams.test.ts runs it at threads 1, 2 and 4 beside other variants.
          for (const balance of threads === 2 ? (['steal', 'static'] as const) : (['steal'] as const)) {
            // Every helper in every phase ('all') or those that arrive in time ('dynamic', the default).
            const helperJoin = threads === 4 || balance === 'static' ? 'all' : 'dynamic';
            const r = await runOne({ workload, seed, params: SMALL[workload], options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads, balance, helperJoin } });
            const what = `seed ${seed} threads ${threads} ${balance} ${helperJoin}`;
            expect(r.error, what).toBeNull();
            expect(r.verify.errors, what).toEqual([]);
            expect(r.digest, what).toBe(base.digest);
            for (const e of r.events) {
              for (const p of e.parallel) {
                const ids = p.threads.map((t) => t.thread);
                expect(ids[0], what).toBe(0);
                expect(new Set(ids).size, what).toBe(ids.length);
                if (helperJoin === 'all') expect(ids.length, what).toBe(threads);
                else expect(ids.length, what).toBeLessThanOrEqual(threads);
              }
            }
          }
        }
      }
    }, 180_000);
  }
});

/**
 * Young objects referenced from handles spread over many root work items, so that threads race
 * to evacuate the same objects. Returns the number of handles that, after a scavenge, disagree
 * with the first handle of their object (a duplicated object), over `gcs` scavenges.
 */
async function sharedRootsScavenges(threads: number, gcs: number, flags: number, verifyEvery: number, stopAtFirst: boolean, helperJoin: 'all' | 'dynamic' = 'all') {
  const sim = await Simulator.create({ threads, maxSemiSpaceSize: 1, verifyHeap: false, helperJoin });
  sim.setTestFlagsForTesting(flags);
  const m = sim.mutator;
  const SHARED = 1500;
  const REFS = 12;
  let duplicates = 0;
  let done = 0;
  const errors: string[] = [];
  try {
    for (; done < gcs && !(stopAtFirst && duplicates > 0); done++) {
      const s = m.openScope();
      const first = m.handleCount;
      for (let i = 0; i < SHARED; i++) m.setSmi(m.allocate(m.arrayMap, 12), 0, i);
      // REFS more handles per object, in rounds: every root item of 4096 handles meets every object
      for (let r = 0; r < REFS; r++) for (let i = 0; i < SHARED; i++) m.escape(m.openScope(), first + i);
      m.collect('minor');
      for (let r = 0; r < REFS; r++) {
        for (let i = 0; i < SHARED; i++) if (!m.same(first + SHARED * (r + 1) + i, first + i)) duplicates++;
      }
      if (verifyEvery > 0 && done % verifyEvery === 0) errors.push(...sim.verify());
      m.closeScope(s);
    }
  } finally {
    await sim.close();
  }
  const joined = sim.gc.events.map((e) => e.parallel[0].threads.length);
  return { duplicates, gcs: done, errors, events: sim.gc.events.length, joined };
}

describe('parallel scavenge stress', () => {
  it('runs 2000 scavenges of shared objects on 4 threads without a hang, a verifier error or a duplicate', async () => {
    const r = await sharedRootsScavenges(4, 2000, 0, 100, false);
    expect(r.gcs).toBe(2000);
    expect(r.events).toBe(2000);
    expect(r.errors).toEqual([]);
    expect(r.duplicates).toBe(0);
  }, 180_000);

  it('runs 1000 scavenges on 4 threads whose helpers join each one late, mid-phase, without a verifier error or a duplicate', async () => {
    const r = await sharedRootsScavenges(4, 1000, 0, 100, false, 'dynamic');
    expect(r.gcs).toBe(1000);
    expect(r.errors).toEqual([]);
    expect(r.duplicates).toBe(0);
    // the helpers were woken only after the main thread had started: most scavenges had some
    expect(r.joined.filter((n) => n > 1).length).toBeGreaterThan(100);
  }, 180_000);

  it('negative control: with a plain store instead of the forwarding CAS, the stress test finds duplicated objects', async () => {
    const r = await sharedRootsScavenges(4, 3000, TEST_PLAIN_FORWARDING, 0, true);
    expect(r.duplicates).toBeGreaterThan(0);
  }, 180_000);

  it('runs a real workload through hundreds of GCs on 4 threads with the verifier after each', async () => {
    const r = await runOne({ workload: 'splay', params: { treeSize: 800, steps: 200, payloadDepth: 3 }, options: { threads: 4, maxSemiSpaceSize: 0.25, initialOldSpaceSize: 1, verifyHeap: true, jitWarmup: false } });
    expect(r.error).toBeNull();
    expect(r.verify.errors).toEqual([]);
    expect(r.events.length).toBeGreaterThan(100);
    expect(r.events.filter((e) => e.type === 'mark-compact').length).toBeGreaterThan(2);
  }, 180_000);
});

/**
 * Major GCs in which every thread races for the mark bits of the same objects: ROOT_CHUNK small
 * old objects (two words, 16 to a bitmap word) and COPIES more handles to each, so that every root
 * item holds all of them in the same order and the threads that claim items mark the same bitmap
 * words at the same time. After each GC the marked-object count must equal the first GC's (made
 * with the atomic or) and, every `verifyEvery` GCs, the verifier must find no live object left
 * unmarked. `flags` after the first GC (TEST_PLAIN_MARKING: the negative control).
 */
async function sharedRootsMarks(threads: number, gcs: number, flags: number, verifyEvery: number, stopAtFirst: boolean) {
  const sim = await Simulator.create({ threads, maxSemiSpaceSize: 1, verifyHeap: false, helperJoin: 'all', concurrentMarking: false, compactionQuotaMb: 0 });
  const m = sim.mutator;
  const COPIES = 6;
  let miscounts = 0;
  let done = 0;
  const errors: string[] = [];
  try {
    m.openScope();
    while (m.handleCount % ROOT_CHUNK !== 0) m.allocate(m.arrayMap, 0, true);
    const first = m.handleCount;
    for (let i = 0; i < ROOT_CHUNK; i++) m.allocate(m.arrayMap, 0, true);
    for (let r = 0; r < COPIES; r++) for (let i = 0; i < ROOT_CHUNK; i++) m.escape(m.openScope(), first + i);
    const marked = () => sim.gc.events.at(-1)!.parallel.find((p) => p.name === 'mc.mark')!.threads.reduce((x, t) => x + t.objects, 0);
    m.collect('major');
    const want = marked();
    sim.setTestFlagsForTesting(flags);
    for (; done < gcs && !(stopAtFirst && miscounts + errors.length > 0); done++) {
      m.collect('major');
      if (marked() !== want) miscounts++;
      if (verifyEvery > 0 && done % verifyEvery === 0) errors.push(...sim.verify());
    }
  } finally {
    await sim.close();
  }
  return { miscounts, errors, gcs: done };
}

describe('parallel mark stress', () => {
  it('runs 300 major GCs on 4 threads racing for the same mark bits: every object marked once, verifier clean', async () => {
    const r = await sharedRootsMarks(4, 300, 0, 10, false);
    expect(r.gcs).toBe(300);
    expect(r.miscounts).toBe(0);
    expect(r.errors).toEqual([]);
  }, 180_000);

  it('negative control: with a plain or instead of the atomic one, the stress test miscounts or leaves a live object unmarked', async () => {
    const r = await sharedRootsMarks(4, 2000, TEST_PLAIN_MARKING, 1, true);
    expect(r.miscounts + r.errors.length).toBeGreaterThan(0);
  }, 180_000);
});

describe('helper faults', () => {
  for (const [name, kind, phase, pattern] of [
    ['throws', FAULT_THROW, PHASE_SCAVENGE, /gc helper thread 2 failed in phase scavenge\.parallel: injected fault/],
    ['exits', FAULT_EXIT, PHASE_SCAVENGE, /gc helper thread 2 exited with code 7 in phase scavenge\.parallel/],
    ['stalls', FAULT_HANG, PHASE_MARK, /gc helper thread 2 stalled in phase mc\.mark/],
  ] as const) {
    it(`a helper that ${name} mid-phase ends the run with one error naming the thread and the phase, keeping what was measured`, async () => {
      const r = await runOne({
        workload: 'fragmenter',
        params: { rounds: 3, cohort: 5000 },
        // every helper in every phase, so that helper 2 surely runs the phase its fault is armed for
        options: { threads: 3, incrementalMarking: false, helperJoin: 'all' },
        testFault: encodeTestFault(2, phase, kind),
      });
      expect(r.error?.kind).toBe('fault');
      expect(r.error?.message).toMatch(pattern);
      expect(r.events.length).toBeGreaterThanOrEqual(1);
      expect(r.summary.pauses.count).toBe(r.events.length);
    }, 30_000);
  }
});
