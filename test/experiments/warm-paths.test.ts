/**
 * The warm-up's rare paths (C_WARMUP_PATHS): while the warm-up program runs, every scavenging
 * thread also runs the code of a lost forwarding race and a promotion on an object of its own
 * (Scavenger.warmLostRace), the slow paths of the worklists, locks and termination on private
 * instances, and a page's first slot records and marking's rare paths on page 0, undone at once
 * (Participant.warmRarePaths, Marker.warmPaths). The program also scavenges while marking runs,
 * with large arrays live. None of it may change the heap the program sees: the verifier runs
 * after every GC of the program, at threads 1-4.
 */
import { describe, expect, it, vi } from 'vitest';
import { Simulator } from '../../src/experiments/simulator.ts';
import { warmUp } from '../../src/experiments/warmup.ts';
import { C_WARMUP_LOST_RACES, C_WARMUP_PATHS, META_WORDS, M_RS_COUNT, M_RS_OLD_COUNT } from '../../src/heap/heap.ts';
import { GcShared } from '../../src/gc/gc-shared.ts';
import { Participant } from '../../src/gc/participant.ts';
import { PAGE_WORDS } from '../../src/heap/layout.ts';
import { warmFirstRecords } from '../../src/heap/remembered-set.ts';
import { warmWorklistPaths } from '../../src/parallel/worklist.ts';
import { warmLockPaths } from '../../src/parallel/lock.ts';
import { warmTerminationPaths } from '../../src/parallel/termination.ts';
import { WORK_DISTRIBUTION_SCHEMES, workDistributionTag } from '../../src/parallel/work-distribution.ts';

describe('warm-up rare paths', () => {
  for (const threads of [1, 2, 4]) {
    it(`every scavenging thread loses a race of its own, and the heap stays valid (threads ${threads})`, async () => {
      const sim = await Simulator.create({ threads, verifyHeap: true, helperJoin: 'all' });
      try {
        const report = warmUp(sim);
        expect(report.stoppedBy).toBeNull();
        expect(sim.gc.verifyErrors).toEqual([]);
        expect(sim.gc.verifyChecks).toBeGreaterThan(0);
        // Every helper takes part in every scavenge of the program's 'all' rounds (in its
        // 'dynamic' rounds only those woken); one thread forwards with a plain store and has no
        // race to lose.
        if (threads === 1) expect(report.lostRaces).toBe(0);
        else {
          expect(report.lostRaces).toBeGreaterThan(report.scavenges); // helpers too
          expect(report.lostRaces).toBeLessThanOrEqual(threads * report.scavenges);
        }
        expect(sim.heap.ctl[C_WARMUP_PATHS]).toBe(0); // off again for what follows
        expect(sim.heap.ctl[C_WARMUP_LOST_RACES]).toBe(report.lostRaces);
        // Every thread found the shared lock word held once (one thread alone never can).
        expect(report.contendedLocks).toBe(threads === 1 ? 0 : threads);
        // The phases' per-thread figures count both: the program's scavenges hold every lost race
        // and every contended lock above (and any real ones); at one thread, none. The warm-up's
        // lock slow path on a private word (warmLockPaths) is not contention and is not counted.
        const scavengeRows = sim.gc.events.filter((e) => e.type === 'scavenge').flatMap((e) => e.parallel.flatMap((p) => p.threads));
        const total = (f: (t: (typeof scavengeRows)[number]) => number | undefined) => scavengeRows.reduce((s, t) => s + (f(t) ?? Number.NaN), 0);
        if (threads === 1) {
          expect(total((t) => t.racesLost)).toBe(0);
          expect(total((t) => t.locksContended)).toBe(0);
        } else {
          expect(total((t) => t.racesLost)).toBeGreaterThanOrEqual(report.lostRaces!);
          expect(total((t) => t.locksContended)).toBeGreaterThanOrEqual(report.contendedLocks!);
        }
        // Scavenges ran while marking was active (colour transfer, slots into candidates), with
        // live large arrays marked in chunks; the verifier above checked the heap after each.
        expect(report.scavengesWhileMarking).toBeGreaterThanOrEqual(1);
        expectPageZeroUnrecorded(sim);
      } finally {
        await sim.close();
      }
    }, 60_000);
  }

  it('the worklist slow paths lose and duplicate no entry, with every scheme', () => {
    for (const name of Object.keys(WORK_DISTRIBUTION_SCHEMES) as (keyof typeof WORK_DISTRIBUTION_SCHEMES)[]) {
      const popped = warmWorklistPaths(workDistributionTag(name));
      const steals = name !== 'static';
      // 1-25 and 27-30 pushed by one view and popped by the two; 26 pushed by the other, taken
      // only by stealing.
      const want = Array.from({ length: 30 }, (_, i) => i + 1).filter((v) => steals || v !== 26);
      expect([...popped].sort((x, y) => x - y), name).toEqual(want);
    }
  });

  it('a page\'s first slot records, warmed on page 0, are undone', async () => {
    const sim = await Simulator.create({ threads: 1, jitWarmup: false });
    try {
      warmFirstRecords(sim.heap);
      warmFirstRecords(sim.heap); // again: the page is found without records each time
      expectPageZeroUnrecorded(sim);
    } finally {
      await sim.close();
    }
  });

  for (const threads of [1, 2]) {
    it(`the rare paths of marking and of a scavenge during marking, warmed on page 0, leave no trace (threads ${threads})`, async () => {
      const sim = await Simulator.create({ threads, jitWarmup: false });
      try {
        const heap = sim.heap;
        const pageZero = (): number[] => [
          ...heap.mem.subarray(0, PAGE_WORDS),
          ...heap.markBits.subarray(0, PAGE_WORDS >>> 5),
          ...heap.pageMeta.subarray(0, META_WORDS),
          ...new Int32Array(sim.shared.buffers.threadLive),
        ];
        const before = pageZero();
        const participant = new Participant(GcShared.attach(sim.shared.buffers), threads - 1);
        const marker = participant.marker;
        const spy = vi.spyOn(marker as unknown as { visitChunk: () => void }, 'visitChunk');
        marker.warmPaths();
        marker.warmPaths(); // again: page 0 is found as it was each time
        expect(spy).toHaveBeenCalledTimes(2); // the large object's path ran
        // The scavenger's record of a promoted object's slot into a candidate, while marking.
        const own = participant.ctx.heap;
        const setBit = vi.spyOn(own, 'setBit');
        participant.scavenger.warmMarkingPaths();
        participant.scavenger.warmMarkingPaths();
        expect(setBit.mock.calls.filter(([base]) => base === own.rsOldBase)).toHaveLength(2);
        setBit.mockRestore();
        expect(heap.rsOldBits.subarray(0, PAGE_WORDS >>> 5).some((w) => w !== 0)).toBe(false);
        expect(pageZero()).toEqual(before);
        expect(participant.ctx.markingLocal.isLocalEmpty()).toBe(true);
        expectPageZeroUnrecorded(sim);
        expect(marker.objects).toBe(0);
        expect(marker.markedWords).toBe(0);
      } finally {
        await sim.close();
      }
    });
  }

  it('the termination warm-up finishes one private phase and leaves another, on any thread', () => {
    for (const threadId of [0, 1, 3]) expect(warmTerminationPaths(threadId)).toBe(true);
  });

  it('the lock warm-up leaves its word free', () => {
    expect(warmLockPaths()).toBe(0);
  });
});

/** Page 0 holds no object: no slot of it is recorded, and its record counts are 0. */
function expectPageZeroUnrecorded(sim: Simulator): void {
  const words = PAGE_WORDS >>> 5;
  expect(sim.heap.rsBits.subarray(0, words).every((w) => w === 0)).toBe(true);
  expect(sim.heap.rsOldBits.subarray(0, words).every((w) => w === 0)).toBe(true);
  expect(sim.heap.pageMeta[M_RS_COUNT]).toBe(0);
  expect(sim.heap.pageMeta[M_RS_OLD_COUNT]).toBe(0);
}
