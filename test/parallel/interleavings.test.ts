/**
 * Work distribution and termination on one thread, V8-style: two thread views of one worklist
 * and one terminator, interleaved by hand, so that a steal (newest segment, oldest segment and
 * steal-half) and
 * each way out of `offerTermination` happen deterministically.
 */
import { describe, it, expect } from 'vitest';
import { Worklist, WorklistLocal } from '../../src/parallel/worklist.ts';
import { Terminator } from '../../src/parallel/termination.ts';
import { STEAL_HALF, STEAL_NONE, STEAL_OLDEST, STEAL_SEGMENT, WORK_DISTRIBUTION_NAMES, stealFunction, workDistributionTag } from '../../src/parallel/work-distribution.ts';

function twoViews(steal: number, segmentSize = 2): { wl: Worklist; a: WorklistLocal; b: WorklistLocal } {
  const wl = Worklist.create({ threads: 2, segmentSize });
  const a = new WorklistLocal(wl, 0);
  const b = new WorklistLocal(wl, 1);
  a.steal = b.steal = steal;
  return { wl, a, b };
}

describe('the scheme table', () => {
  it('every row round-trips through its tag, and a view takes the row of the tag it is given', () => {
    for (const name of WORK_DISTRIBUTION_NAMES) {
      const tag = workDistributionTag(name);
      const { a } = twoViews(tag);
      expect(a.steal).toBe(tag);
      expect(a.stealing).toBe(stealFunction(tag) !== null);
    }
    expect(stealFunction(STEAL_NONE)).toBeNull();
    expect(() => stealFunction(WORK_DISTRIBUTION_NAMES.length)).toThrow(/no scheme/);
  });

  it('each steal function returns a NIL-terminated chain it owns (one segment for steal)', () => {
    for (const tag of [STEAL_SEGMENT, STEAL_OLDEST, STEAL_HALF]) {
      const { wl, a } = twoViews(tag);
      for (let v = 1; v <= 8; v++) a.push(v);
      a.publish();
      const first = stealFunction(tag)!(wl, 0);
      let n = 0;
      for (let s = first; s !== -1; s = wl.nextInChain(s)) n++;
      expect(n).toBe(tag === STEAL_HALF ? 2 : 1);
      expect(wl.publishedSegments(0)).toBe(4 - n);
    }
  });
});

describe('stealing, two views on one thread', () => {
  it('steal: an idle thread takes exactly one published segment of another', () => {
    const { wl, a, b } = twoViews(STEAL_SEGMENT);
    for (let v = 1; v <= 8; v++) a.push(v);
    a.publish();
    expect(wl.publishedSegments(0)).toBe(4);
    const got = b.pop();
    expect(got).toBeGreaterThan(0);
    expect(b.stealsSucceeded).toBe(1);
    expect(wl.publishedSegments(0)).toBe(3);
    expect(wl.publishedSegments(1)).toBe(0);
    expect(b.localSize()).toBe(1);
  });

  it('steal-half: takes half of the victim stack, keeps one segment, republishes the rest on its own stack', () => {
    const { wl, a, b } = twoViews(STEAL_HALF);
    for (let v = 1; v <= 8; v++) a.push(v);
    a.publish();
    expect(wl.publishedSegments(0)).toBe(4);
    const first = b.pop();
    expect(first).toBeGreaterThan(0);
    expect(b.stealsSucceeded).toBe(1);
    expect(wl.publishedSegments(0)).toBe(2);
    expect(wl.publishedSegments(1)).toBe(1);
    // Nothing lost or duplicated: both views together drain exactly 1..8.
    const seen = [first];
    for (let v = b.pop(); v !== 0; v = b.pop()) seen.push(v);
    for (let v = a.pop(); v !== 0; v = a.pop()) seen.push(v);
    expect(seen.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(wl.size()).toBe(0);
  });

  it('steal-oldest: takes the first segment the victim published, and the victim keeps popping its newest', () => {
    const { wl, a, b } = twoViews(STEAL_OLDEST);
    for (let v = 1; v <= 8; v++) a.push(v);
    a.publish();
    // Segments of two: [1,2] was published first, [7,8] last.
    expect(b.pop()).toBe(2);
    expect(b.pop()).toBe(1);
    expect(wl.publishedSegments(0)).toBe(3);
    expect(a.pop()).toBe(8);
    // The middle of a longer stack: [3,4] is now the oldest.
    expect(b.pop()).toBe(4);
    const seen = [8, 4];
    for (let v = b.pop(); v !== 0; v = b.pop()) seen.push(v);
    for (let v = a.pop(); v !== 0; v = a.pop()) seen.push(v);
    expect(seen.sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(wl.size()).toBe(0);
    // A stack of one segment: the oldest is the top.
    a.push(9);
    a.publish();
    expect(b.pop()).toBe(9);
    expect(wl.publishedSegments(0)).toBe(0);
  });

  it('steal-half of a single segment takes it whole', () => {
    const { wl, a, b } = twoViews(STEAL_HALF);
    a.push(1);
    a.push(2);
    a.publish();
    expect(b.pop()).toBe(2);
    expect(b.pop()).toBe(1);
    expect(wl.publishedSegments(0) + wl.publishedSegments(1)).toBe(0);
  });
});

describe('termination, two participants on one thread', () => {
  it('an idle participant leaves when another publishes, steals, and both then terminate', () => {
    const { wl, a, b } = twoViews(STEAL_SEGMENT);
    const term = Terminator.create({ threads: 2 });
    let polls = 0;
    // Thread 0 is idle. While it waits, "thread 1" runs: publishes work, which 0 then sees.
    const leaving = term.offerTermination({
      threadId: 0,
      hasVisibleWork: () => {
        if (polls++ === 0) {
          b.push(7);
          b.publish();
        }
        return a.hasVisibleWork();
      },
    });
    expect(leaving).toBe(false);
    expect(term.hasIdleParticipants()).toBe(false);
    expect(a.pop()).toBe(7); // the steal
    expect(a.stealsSucceeded).toBe(1);
    // Now 0 goes idle again; while it waits, thread 1 runs dry too and is the last to go idle.
    let inner: boolean | null = null;
    const done = term.offerTermination({
      threadId: 0,
      hasVisibleWork: () => {
        if (inner === null) {
          expect(b.pop()).toBe(0);
          inner = term.offerTermination(b);
        }
        return a.hasVisibleWork();
      },
    });
    expect(inner).toBe(true);
    expect(done).toBe(true);
    expect(term.isDone()).toBe(true);
    expect(wl.size()).toBe(0);
  });
});
