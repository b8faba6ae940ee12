import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_RESAMPLES, bootstrapMedianCi, bootstrapRatioCi, geometricMean, ratioVerdict } from '../../src/metrics/intervals.ts';

/** P(Binomial(n, p) >= k). */
function binomialTail(n: number, p: number, k: number): number {
  let sum = 0;
  for (let j = k; j <= n; j++) {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (n - i)) / (i + 1);
    sum += c * p ** j * (1 - p) ** (n - j);
  }
  return sum;
}

describe('bootstrapMedianCi', { timeout: 10_000 }, () => {
  it('matches the exact percentile-bootstrap interval of a known sample', () => {
    // The bootstrap distribution of the median of 1..11 is known exactly: the median of a
    // resample is <= k when at least 6 of its 11 draws are <= k, i.e. P = P(Bin(11, k/11) >= 6).
    const sample = Array.from({ length: 11 }, (_, i) => i + 1);
    const cdf = (k: number): number => binomialTail(11, k / 11, 6);
    const lo = sample.find((k) => cdf(k) > 0.025)!;
    const hi = sample.find((k) => cdf(k) >= 0.975)!;
    expect([lo, hi]).toEqual([3, 9]);
    // Far enough from the 2.5% / 97.5% cut that 2000 resamples cannot land on the other side.
    expect(cdf(2)).toBeLessThan(0.01);
    expect(cdf(3)).toBeGreaterThan(0.04);
    expect(bootstrapMedianCi(sample)).toEqual({ lo: 3, hi: 9 });
  });

  it('is reproducible (seeded), degenerate for equal values, a point for one value', () => {
    const v = [3.1, 2.7, 5.9, 4.4, 3.3, 3.0, 6.2];
    expect(bootstrapMedianCi(v)).toEqual(bootstrapMedianCi(v));
    expect(bootstrapMedianCi([2, 2, 2])).toEqual({ lo: 2, hi: 2 });
    expect(bootstrapMedianCi([7])).toEqual({ lo: 7, hi: 7 });
    expect(bootstrapMedianCi([NaN])).toEqual({ lo: NaN, hi: NaN });
    // Three trials: the 2.5% and 97.5% points of the resampled medians are the min and the max.
    expect(bootstrapMedianCi([10, 12, 30])).toEqual({ lo: 10, hi: 30 });
    expect(BOOTSTRAP_RESAMPLES).toBeGreaterThanOrEqual(1000);
  });
});

describe('bootstrapRatioCi and ratioVerdict', { timeout: 10_000 }, () => {
  it('says higher when B is clearly above A, lower when below, and no change against itself', () => {
    const a = [10, 11, 12, 10.5];
    const b = [20, 21, 22, 20.5];
    const up = bootstrapRatioCi(b, a);
    expect(up.ratio).toBeCloseTo(20.75 / 10.75, 12);
    expect(up.lo).toBeGreaterThan(1);
    expect(up.lo).toBeGreaterThanOrEqual(20 / 12);
    expect(up.hi).toBeLessThanOrEqual(22 / 10);
    expect(ratioVerdict(up)).toBe('higher');
    expect(ratioVerdict(bootstrapRatioCi(a, b))).toBe('lower');
    const same = bootstrapRatioCi(a, a);
    expect(same.ratio).toBe(1);
    expect(same.lo).toBeLessThan(1);
    expect(same.hi).toBeGreaterThan(1);
    expect(ratioVerdict(same)).toBe('no significant change');
  });

  it('needs two trials a side, and a baseline that is not zero', () => {
    expect(ratioVerdict(bootstrapRatioCi([5], [2]))).toBe('too few trials');
    expect(ratioVerdict(bootstrapRatioCi([5], [5]))).toBe('no significant change');
    expect(ratioVerdict(bootstrapRatioCi([1, 2], [0, 0]))).toBe('n/a');
    expect(bootstrapRatioCi([0, 0], [0, 0])).toMatchObject({ ratio: 1, lo: 1, hi: 1 });
  });
});

describe('geometricMean', { timeout: 10_000 }, () => {
  it('is the n-th root of the product, NaN when a ratio is not positive', () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(geometricMean([0.5, 2, 1])).toBeCloseTo(1, 12);
    expect(geometricMean([1, 0])).toBeNaN();
    expect(geometricMean([])).toBeNaN();
  });
});
