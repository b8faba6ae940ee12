import { describe, expect, it } from 'vitest';
import { VisitTable } from '../../src/gc/digest.ts';

describe('VisitTable', () => {
  it('numbers addresses in first-visit order and keeps them through growth', () => {
    const t = new VisitTable();
    const ref = new Map<number, number>();
    let x = 12345;
    let wrong = 0;
    for (let i = 0; i < 200_000; i++) {
      // addresses anywhere in the 31-bit range, with repeats
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      const a = (x >>> 1) % (i < 100_000 ? 2 ** 31 : 150_000);
      if (!ref.has(a)) ref.set(a, ref.size);
      if (t.idOf(a) !== ref.get(a)) wrong++;
    }
    expect(wrong).toBe(0);
    expect(t.size).toBe(ref.size);
    expect(Array.from(t.order.subarray(0, t.size))).toEqual([...ref.keys()]);
  });
});
