/**
 * Marking counts the mark-bit races each thread loses (`racesLost` of the `mc.mark` row): a bit
 * it found clear that another thread set before its atomic or. Real races are too rare and too
 * timing-dependent to test on, so one thread marking with the atomic or (option atomicMarking)
 * plays both sides: the heap's `setBit` is wrapped so that, for every K-th bit, "another thread"
 * sets the bit and pushes the object first (on the same worklist, as the winner pushes on its
 * own), and the marker's own atomic or then finds it set. The marker must count each such loss,
 * and the marked heap must be the same as without them: the loser skips the push, the winner's
 * push has the object visited once.
 */
import { describe, expect, it } from 'vitest';
import { allVerifyErrors, withSim } from '../helpers/sim.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { heapDigest } from '../../src/gc/digest.ts';

const N = 4_000;
const K = 7;

/** N records in old space, each pointing to the one before and to a shared one; one major GC. */
async function markWithLosses(loseEvery: number) {
  return withSim({ threads: 1, atomicMarking: true, concurrentMarking: false, neverCompact: true, verifyHeap: true }, (sim) => {
    const m = sim.mutator;
    const rec = m.maps.define('record', KIND_TAGGED);
    m.setGlobal('shared', m.allocate(rec, 2, true));
    m.setGlobal('list', m.allocate(rec, 2, true));
    for (let i = 1; i < N; i++) {
      const s = m.openScope();
      const o = m.allocate(rec, 2, true);
      m.set(o, 0, m.getGlobal('list'));
      m.set(o, 1, m.getGlobal('shared'));
      m.setGlobal('list', o);
      m.closeScope(s);
    }
    const heap = sim.heap;
    const setBit = heap.setBit;
    const winnerWorklist = sim.gc.markingSink.worklist;
    let calls = 0;
    let lost = 0;
    (heap as { setBit: typeof setBit }).setBit = (base, addr) => {
      if (base === heap.markBase && loseEvery > 0 && ++calls % loseEvery === 0 && setBit(base, addr) !== 0) {
        winnerWorklist.push(addr); // the other thread won: it pushes the object
        lost++;
      }
      return setBit(base, addr);
    };
    try {
      m.collect('major');
    } finally {
      (heap as { setBit: typeof setBit }).setBit = setBit;
    }
    const mark = sim.gc.events.at(-1)!.parallel.find((p) => p.name === 'mc.mark')!;
    return { lost, counted: mark.threads.reduce((s, t) => s + (t.racesLost ?? Number.NaN), 0), digest: heapDigest(heap).digest, errors: allVerifyErrors(sim) };
  });
}

describe('marking counts the mark-bit races it loses', () => {
  it('counts every lost race, and a lost race loses no object', async () => {
    const clean = await markWithLosses(0);
    const racy = await markWithLosses(K);
    expect(clean.errors).toEqual([]);
    expect(racy.errors).toEqual([]);
    expect(clean.counted).toBe(0);
    expect(racy.lost).toBeGreaterThanOrEqual(N / K - 1);
    expect(racy.counted).toBe(racy.lost);
    expect(racy.digest).toBe(clean.digest);
  });
});
