/**
 * The compaction policies as pure functions from page figures to candidates, and the candidate
 * bytes a mark-compact reports for the policy it ran.
 */
import { describe, it, expect } from 'vitest';
import { COMPACTION_POLICIES, compactAll, costBenefit, v8Fragmentation } from '../../src/gc/compaction-policy.ts';
import { PAGE_BYTES } from '../../src/heap/layout.ts';
import { runOne } from '../../src/experiments/run.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

const LIMITS = { fragmentationPercent: 70, quotaBytes: 4 * 1048576 };
const pages = (...usedShares: number[]) => usedShares.map((u, i) => ({ page: 10 + i, usedBytes: Math.round(u * PAGE_BYTES) }));

describe('compaction policies', () => {
  it("v8: only pages at least 70% free, emptiest first", () => {
    expect(v8Fragmentation(pages(0.5, 0.1, 0.25, 0.9), LIMITS)).toEqual([11, 12]);
  });
  it('cost-benefit: any page worth copying, best ratio first, not only the 70%-free ones', () => {
    expect(costBenefit(pages(0.5, 0.1, 0.25, 0.9), LIMITS)).toEqual([11, 12, 10]);
  });
  it('compact-all: every page with free memory within the quota', () => {
    expect(compactAll(pages(0.5, 0.1, 0.25, 0.9, 1), LIMITS)).toEqual([11, 12, 10, 13]);
  });
  it('every policy respects the quota and never picks pages that would not free one', () => {
    for (const { select } of Object.values(COMPACTION_POLICIES)) {
      expect(select(pages(0.1, 0.1, 0.1), { ...LIMITS, quotaBytes: 0.15 * PAGE_BYTES })).toEqual([]);
      expect(select(pages(0.9), LIMITS)).toEqual([]);
    }
  });
  it('a mark-compact reports the bytes on its candidates', async () => {
    const r = await runOne({ workload: 'fragmenter', params: SMALL.fragmenter, options: { ...NO_WARMUP, ...SMALL_HEAP, compactionPolicy: 'compact-all', verifyHeap: true } });
    expect(r.error).toBeNull();
    const withCandidates = r.events.filter((e) => e.evacuationCandidates > 0);
    expect(withCandidates.length).toBeGreaterThan(0);
    for (const e of withCandidates) expect(e.evacuationCandidateBytes).toBeGreaterThan(0);
    for (const e of r.events.filter((e) => e.evacuationCandidates === 0)) expect(e.evacuationCandidateBytes).toBe(0);
  }, 60_000);
});
