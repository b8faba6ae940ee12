import { describe, expect, it } from 'vitest';
import { disagreementWarning, flattenRunSummary, median, summarizeTrials, trialStats } from '../../src/metrics/trials.ts';
import { summarizeRun } from '../../src/metrics/summary.ts';
import { gcEvent } from './fixtures.ts';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });
});

describe('trialStats', () => {
  it('agrees within 10% of the median', () => {
    const s = trialStats([100, 104, 96, 101]);
    expect(s).toMatchObject({ n: 4, median: 100.5, min: 96, max: 104, disagrees: false });
    expect(s.spread).toBeCloseTo(8 / 100.5, 15);
    expect(disagreementWarning('x', s)).toBeNull();
  });

  it('flags trials more than 10% apart, with a warning naming the metric', () => {
    const s = trialStats([10, 12, 10]);
    expect(s.spread).toBeCloseTo(0.2, 15);
    expect(s.disagrees).toBe(true);
    expect(disagreementWarning('pauses.p99', s)).toBe(
      'pauses.p99: 3 trials disagree by 20.0% of the median (> 10%): min 10, median 10, max 12',
    );
  });

  it('treats exactly 10% as agreeing, and a custom threshold', () => {
    expect(trialStats([100, 110, 105]).disagrees).toBe(false); // spread 10/105
    expect(trialStats([10, 11], 0.05).disagrees).toBe(true);
  });

  it('handles a zero median and failed trials', () => {
    expect(trialStats([0, 0, 0])).toMatchObject({ spread: 0, disagrees: false });
    expect(trialStats([0, 0, 1])).toMatchObject({ spread: Infinity, disagrees: true });
    expect(trialStats([NaN, 5, Infinity])).toMatchObject({ n: 1, median: 5, spread: 0 });
    expect(trialStats([])).toEqual({ n: 0, median: 0, min: 0, max: 0, spread: 0, disagrees: false, lo: 0, hi: 0 });
  });
});

describe('summarizeTrials', () => {
  it('summarises every metric of flattened run summaries and collects warnings', () => {
    const runs = [5, 5.1, 7].map((pause, i) =>
      flattenRunSummary(
        summarizeRun([gcEvent({ startMs: 10, pauseMs: pause })], 100 + i, { workUnits: 1000, allocatedBytes: 1 << 20, windowsMs: [10, 100 + i] }),
      ),
    );
    const t = summarizeTrials(runs);
    expect(t.metrics['pauses.max']).toMatchObject({ n: 3, median: 5.1, min: 5, max: 7, disagrees: true });
    expect(t.metrics['mmu@10'].n).toBe(3);
    expect(t.metrics['mmu@10'].median).toBeCloseTo(0.49, 12);
    expect(t.metrics['mmu@run'].n).toBe(3); // the run-length window lines up across trials
    expect(t.metrics['pauses.count'].disagrees).toBe(false);
    expect(t.warnings.some((w) => w.startsWith('pauses.max: 3 trials disagree'))).toBe(true);
    expect(t.warnings.some((w) => w.startsWith('pauses.count'))).toBe(false);
  });

  it('counts a metric missing from a trial as a failed trial', () => {
    const t = summarizeTrials([{ a: 1, b: 2 }, { a: 1 }]);
    expect(t.metrics.b.n).toBe(1);
    expect(t.metrics.a.n).toBe(2);
  });
});
