import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pauseSummary, percentileLinear, percentileNearestRank } from '../../src/metrics/pauses.ts';

describe('pauseSummary', () => {
  it('gives zeros for no pauses', () => {
    expect(pauseSummary([])).toEqual({ count: 0, totalMs: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });

  it('gives the value itself for one pause', () => {
    expect(pauseSummary([3.5])).toEqual({ count: 1, totalMs: 3.5, p50: 3.5, p90: 3.5, p95: 3.5, p99: 3.5, max: 3.5 });
  });

  it('uses nearest rank on 1..100 (p_q is the value q)', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted input
    expect(pauseSummary(v)).toEqual({ count: 100, totalMs: 5050, p50: 50, p90: 90, p95: 95, p99: 99, max: 100 });
  });

  it('rounds the rank up on small lists', () => {
    // n = 4: p50 → rank ceil(2) = 2; p90 → ceil(3.6) = 4; p99 → ceil(3.96) = 4.
    const s = pauseSummary([4, 1, 3, 2]);
    expect(s.p50).toBe(2);
    expect(s.p90).toBe(4);
    expect(s.p95).toBe(4);
    expect(s.p99).toBe(4);
    // n = 10: p90 → rank 9, p95 → rank ceil(9.5) = 10.
    const t = pauseSummary([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(t.p50).toBe(5);
    expect(t.p90).toBe(9);
    expect(t.p95).toBe(10);
  });

  it('rejects negative and non-finite pauses', () => {
    expect(() => pauseSummary([1, -1])).toThrow(RangeError);
    expect(() => pauseSummary([NaN])).toThrow(RangeError);
  });

  it('satisfies the nearest-rank definition on random lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (v, q) => {
          const sorted = [...v].sort((a, b) => a - b);
          const p = percentileNearestRank(sorted, q);
          const atMost = v.filter((x) => x <= p).length;
          const below = v.filter((x) => x < p).length;
          // At least q% are ≤ p, and fewer than q% are < p.
          expect(atMost * 100).toBeGreaterThanOrEqual(q * v.length);
          expect(below * 100).toBeLessThan(q * v.length);
          expect(v).toContain(p);
        },
      ),
    );
  });
});

describe('percentileLinear', () => {
  it('interpolates between ranks (type 7)', () => {
    expect(percentileLinear([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileLinear([1, 2, 3, 4], 0)).toBe(1);
    expect(percentileLinear([1, 2, 3, 4], 100)).toBe(4);
    expect(percentileLinear([10, 20], 90)).toBeCloseTo(19, 12);
    expect(percentileLinear([], 50)).toBe(0);
  });
});
