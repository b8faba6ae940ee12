/**
 * Compaction policies, main thread, when marking starts: one function per policy from the old
 * pages' figures to the evacuation candidates (V8: MarkCompactCollector::CollectEvacuationCandidates).
 * A new policy is a row of `COMPACTION_POLICIES` (plus its test); `--compaction-policy` selects it.
 */
import { PAGE_BYTES } from '../heap/layout.ts';

/** One old page as a policy sees it. */
export interface PageFigures {
  page: number;
  /** Bytes in use on the page (live at the last mark-compact plus allocated since). */
  usedBytes: number;
}

/** The knobs every policy receives (from src/options.ts). */
export interface CompactionLimits {
  /** A page is a candidate when at least this % of it is free (V8: 70). */
  fragmentationPercent: number;
  /** At most this many live bytes are evacuated per GC (V8: 4 MB). */
  quotaBytes: number;
}

/** Pages (ids) to evacuate, chosen from `pages`. */
export type CompactionPolicyFn = (pages: readonly PageFigures[], limits: CompactionLimits) => number[];

/** Fills the quota with the emptiest pages first; none when that would not free a single page. */
function fillQuota(pool: PageFigures[], quotaBytes: number): number[] {
  pool.sort((a, b) => a.usedBytes - b.usedBytes || a.page - b.page);
  const chosen: number[] = [];
  let sum = 0;
  for (const c of pool) {
    if (sum + c.usedBytes > quotaBytes) break;
    sum += c.usedBytes;
    chosen.push(c.page);
  }
  // Evacuating n pages into ceil(sum / page) fresh ones must free at least one.
  if (chosen.length > 0 && Math.ceil(sum / PAGE_BYTES) >= chosen.length) return [];
  return chosen;
}

/** V8's heuristic: pages at least `fragmentationPercent` free, emptiest first, within the quota. */
export const v8Fragmentation: CompactionPolicyFn = (pages, limits) =>
  fillQuota(
    pages.filter((p) => PAGE_BYTES - p.usedBytes >= (limits.fragmentationPercent / 100) * PAGE_BYTES),
    limits.quotaBytes,
  );

/**
 * Cost-benefit (Sprite LFS, Immix's defragmentation): a page's benefit is the free bytes it
 * yields, its cost reading it and copying its live bytes (1 + 2u per page byte, u = live share);
 * pages are taken best ratio first within the quota, whatever their fragmentation, as long as
 * evacuating a page gains more than it costs.
 */
export const costBenefit: CompactionPolicyFn = (pages, limits) => {
  const scored = pages
    .map((p) => {
      const u = p.usedBytes / PAGE_BYTES;
      return { p, ratio: (1 - u) / (1 + 2 * u) };
    })
    .filter((s) => s.ratio > COST_BENEFIT_MIN_RATIO)
    .sort((a, b) => b.ratio - a.ratio || a.p.page - b.p.page);
  const chosen: number[] = [];
  let sum = 0;
  for (const s of scored) {
    if (sum + s.p.usedBytes > limits.quotaBytes) break;
    sum += s.p.usedBytes;
    chosen.push(s.p.page);
  }
  if (chosen.length > 0 && Math.ceil(sum / PAGE_BYTES) >= chosen.length) return [];
  return chosen;
};

/** Below this benefit/cost ratio a page is not worth copying: u above ~0.57 (ratio 1/5). */
const COST_BENEFIT_MIN_RATIO = 0.2;

/** Every old page with free memory, emptiest first, within the quota (V8 --stress-compaction-like). */
export const compactAll: CompactionPolicyFn = (pages, limits) =>
  fillQuota(
    pages.filter((p) => p.usedBytes < PAGE_BYTES),
    limits.quotaBytes,
  );

/** The policies, selected by `--compaction-policy`. */
export const COMPACTION_POLICIES = {
  v8: { select: v8Fragmentation, doc: "V8's: pages at least --compaction-fragmentation-percent free, emptiest first" },
  'cost-benefit': { select: costBenefit, doc: 'best free-bytes-gained / bytes-copied ratio first (LFS, Immix)' },
  'compact-all': { select: compactAll, doc: 'every page with free memory, emptiest first (stress compaction)' },
} as const satisfies Record<string, { select: CompactionPolicyFn; doc: string }>;

export type CompactionPolicyName = keyof typeof COMPACTION_POLICIES;
export const COMPACTION_POLICY_NAMES = Object.keys(COMPACTION_POLICIES) as CompactionPolicyName[];
