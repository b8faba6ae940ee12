/**
 * Option atomicMarking: the main thread marking alone sets mark bits with a plain or by default,
 * and with the wasm atomic or (`Heap.setBit`) when asked, as V8's marking visitors always do and
 * the threads of a parallel mark must. The marked heap is the same either way. Counted by wrapping
 * the heap's `setBit` (threads = 1 marks on this thread) around one full GC of a linked list.
 */
import { describe, expect, it } from 'vitest';
import { allVerifyErrors, withSim } from '../helpers/sim.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { heapDigest } from '../../src/gc/digest.ts';
import type { GcOptions } from '../../src/options.ts';

const N = 5_000;

/** Builds N linked records in old space, then counts the mark-bitmap setBit calls of one major GC. */
async function markOnce(opts: Partial<GcOptions>) {
  // neverCompact: no evacuation, whose black allocation sets mark bits atomically at any thread count.
  return withSim({ threads: 1, concurrentMarking: false, neverCompact: true, ...opts }, (sim) => {
    const m = sim.mutator;
    const rec = m.maps.define('record', KIND_TAGGED);
    m.setGlobal('list', m.allocate(rec, 2, true));
    for (let i = 1; i < N; i++) {
      const s = m.openScope();
      const o = m.allocate(rec, 2, true);
      m.set(o, 0, m.getGlobal('list'));
      m.setGlobal('list', o);
      m.closeScope(s);
    }
    const heap = sim.heap;
    const setBit = heap.setBit;
    let marks = 0;
    (heap as { setBit: typeof setBit }).setBit = (base, addr) => {
      if (base === heap.markBase) marks++;
      return setBit(base, addr);
    };
    try {
      m.collect('major');
    } finally {
      (heap as { setBit: typeof setBit }).setBit = setBit;
    }
    return { marks, digest: heapDigest(heap).digest, errors: allVerifyErrors(sim) };
  });
}

describe('option atomicMarking', () => {
  it('at threads = 1 sets every mark bit atomically when on, none when off, and marks the same heap', async () => {
    const plain = await markOnce({});
    const atomic = await markOnce({ atomicMarking: true });
    expect(plain.errors).toEqual([]);
    expect(atomic.errors).toEqual([]);
    expect(plain.marks).toBe(0);
    expect(atomic.marks).toBeGreaterThanOrEqual(N);
    expect(atomic.digest).toBe(plain.digest);
  });
});
