import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { Worklist, WorklistLocal } from '../../src/parallel/worklist.ts';

/** Pops everything a view can reach (its own, and with stealing, everyone's published entries). */
function drain(local: WorklistLocal): number[] {
  const out: number[] = [];
  for (let v = local.pop(); v !== 0; v = local.pop()) out.push(v);
  return out;
}

describe('Worklist', () => {
  it('pops what it pushed, last in first out, and 0 when empty', () => {
    const wl = Worklist.create({ threads: 1, segmentSize: 4 });
    const a = new WorklistLocal(wl, 0);
    expect(a.pop()).toBe(0);
    for (let i = 1; i <= 10; i++) a.push(i);
    expect(drain(a).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    a.push(7);
    a.push(8);
    expect(a.pop()).toBe(8);
    expect(a.pop()).toBe(7);
    expect(a.pop()).toBe(0);
    expect(a.isLocalEmpty()).toBe(true);
  });

  it('keeps local pushes private until published', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 8 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    for (let i = 1; i <= 5; i++) a.push(i);
    expect(wl.isEmpty()).toBe(true);
    expect(b.pop()).toBe(0);
    expect(b.hasVisibleWork()).toBe(false);
    expect(a.isLocalEmpty()).toBe(false);
    a.publish();
    expect(a.isLocalEmpty()).toBe(true);
    expect(wl.size()).toBe(5);
    expect(b.hasVisibleWork()).toBe(true);
    expect(drain(b).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(wl.isEmpty()).toBe(true);
  });

  it('publishes a full segment by itself, and a thief takes it whole', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 4 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    for (let i = 1; i <= 5; i++) a.push(i); // the 5th push publishes [1..4]
    expect(wl.size()).toBe(4);
    expect(wl.publishedSegments(0)).toBe(1);
    const first = b.pop();
    expect(b.stealsAttempted).toBe(1);
    expect(b.stealsSucceeded).toBe(1);
    expect(wl.size()).toBe(0); // the whole segment moved, not one entry
    expect(b.localSize()).toBe(3);
    const stolen = [first, ...drain(b)].sort();
    expect(stolen).toEqual([1, 2, 3, 4]);
    expect(drain(a)).toEqual([5]);
    expect(b.stealsSucceeded).toBe(1);
  });

  it('never steals in static mode', () => {
    const wl = Worklist.create({ threads: 3, segmentSize: 2 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    b.stealing = false;
    for (let i = 1; i <= 9; i++) a.push(i);
    a.publish();
    expect(wl.size()).toBe(9);
    expect(b.hasVisibleWork()).toBe(false);
    expect(b.pop()).toBe(0);
    expect(b.stealsAttempted).toBe(0);
    expect(wl.size()).toBe(9);
    // ...but takes back what it published itself
    b.push(100);
    b.publish();
    expect(b.hasVisibleWork()).toBe(true);
    expect(b.pop()).toBe(100);
    expect(b.pop()).toBe(0);
    expect(drain(a).length).toBe(9);
  });

  it('pops its own published segments before stealing', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 2 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    a.push(1);
    a.push(2);
    a.publish();
    b.push(3);
    b.push(4);
    b.publish();
    expect(drain(b).sort()).toEqual([1, 2, 3, 4]);
    expect(b.stealsSucceeded).toBe(1); // [3, 4] came back from its own stack, [1, 2] was stolen
  });

  it('grows the segment pool beyond its initial capacity without losing entries', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 4, initialSegments: 1 });
    const a = new WorklistLocal(wl, 0);
    const n = 100_000;
    for (let i = 1; i <= n; i++) a.push(i);
    a.publish();
    const { carved, capacity } = wl.poolStats();
    expect(carved).toBeGreaterThan(n / 4 - 1);
    expect(capacity).toBeGreaterThanOrEqual(carved);
    const b = new WorklistLocal(wl, 1);
    const seen = new Uint8Array(n + 1);
    for (let v = b.pop(); v !== 0; v = b.pop()) seen[v]++;
    for (let v = a.pop(); v !== 0; v = a.pop()) seen[v]++;
    let ok = 0;
    for (let i = 1; i <= n; i++) if (seen[i] === 1) ok++;
    expect(ok).toBe(n);
  });

  it('throws a clear error rather than drop entries when the pool is exhausted', () => {
    const wl = Worklist.create({ threads: 1, segmentSize: 4, initialSegments: 2, maxSegments: 2 });
    const a = new WorklistLocal(wl, 0);
    for (let i = 1; i <= 8; i++) a.push(i);
    expect(() => a.push(9)).toThrow(/segment pool exhausted/);
    // what was pushed is still there
    expect(drain(a).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reuses segments: a steady push/pop load does not grow the pool', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 8, initialSegments: 16 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    for (let round = 0; round < 1000; round++) {
      for (let i = 1; i <= 50; i++) a.push(i);
      a.publish();
      drain(b);
    }
    expect(wl.poolStats().carved).toBeLessThanOrEqual(16);
  });

  it('clear() drops published entries and keeps locals usable', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 4 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    for (let i = 1; i <= 20; i++) a.push(i);
    a.publish();
    b.push(99);
    wl.clear();
    expect(wl.isEmpty()).toBe(true);
    expect(a.pop()).toBe(0);
    expect(b.pop()).toBe(99); // private entries are the owner's business
    for (let i = 1; i <= 20; i++) a.push(i);
    expect(drain(a).length).toBe(20);
  });

  it('attaches to the same buffers (as another thread would)', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 4, initialSegments: 1 });
    const other = Worklist.attach(structuredClone(wl.buffers));
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(other, 1);
    for (let i = 1; i <= 40; i++) a.push(i); // grows the pool through `wl`
    a.publish();
    expect(other.size()).toBe(40);
    expect(drain(b).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  fcTest.prop(
    [
      fc.integer({ min: 1, max: 6 }), // segment size
      fc.integer({ min: 2, max: 4 }), // views
      fc.boolean(), // stealing
      fc.array(fc.tuple(fc.nat(3), fc.nat(9)), { minLength: 1, maxLength: 400 }),
    ],
    { numRuns: 150 },
  )('never loses or duplicates an entry under random operation sequences', (segmentSize, views, stealing, ops) => {
    const wl = Worklist.create({ threads: views, segmentSize, initialSegments: 1 });
    const locals = Array.from({ length: views }, (_, t) => {
      const l = new WorklistLocal(wl, t);
      l.stealing = stealing;
      return l;
    });
    const pushed = new Map<number, number>(); // value -> pushing view
    const popped = new Set<number>();
    let next = 1;
    for (const [view, op] of ops) {
      const l = locals[view % views];
      if (op < 5) {
        pushed.set(next, l.threadId);
        l.push(next++);
      } else if (op < 8) {
        const v = l.pop();
        if (v !== 0) {
          expect(popped.has(v)).toBe(false);
          expect(pushed.has(v)).toBe(true);
          if (!stealing) expect(pushed.get(v)).toBe(l.threadId); // static: only its own work
          popped.add(v);
        }
      } else {
        l.publish();
      }
    }
    for (const l of locals) {
      for (let v = l.pop(); v !== 0; v = l.pop()) {
        expect(popped.has(v)).toBe(false);
        popped.add(v);
      }
    }
    expect(popped.size).toBe(pushed.size);
    expect(wl.isEmpty()).toBe(true);
  });
});
