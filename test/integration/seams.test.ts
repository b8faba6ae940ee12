/**
 * Every variant of every seam (write barrier, work distribution, compaction policy) keeps the
 * digest of every built-in workload at threads 1, 2 and 4, with the verifier on: the reachable
 * graph depends only on workload, parameters and seed, never on how the collector got there.
 * (Three threads, an odd count, runs the default variants in parallel.test.ts.)
 */
import { describe, it, expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import { WORKLOADS } from '../../src/workloads/index.ts';
import { BARRIER_NAMES } from '../../src/mutator/write-barrier.ts';
import { WORK_DISTRIBUTION_NAMES } from '../../src/parallel/work-distribution.ts';
import { COMPACTION_POLICY_NAMES } from '../../src/gc/compaction-policy.ts';
import { NO_WARMUP, SCALED_VARIANTS, SMALL, SMALL_HEAP } from '../helpers/small.ts';

const SEAMS = {
  barrier: BARRIER_NAMES,
  balance: WORK_DISTRIBUTION_NAMES,
  compactionPolicy: COMPACTION_POLICY_NAMES,
} as const;

const baseline = new Map<string, string>();
async function digestOf(workload: string, options: Record<string, unknown>): Promise<string> {
  const r = await runOne({ workload, params: SMALL[workload], options: { ...NO_WARMUP, ...SMALL_HEAP, verifyHeap: true, ...options } });
  const what = `${workload} ${JSON.stringify(options)}`;
  expect(r.error, what).toBeNull();
  expect(r.verify.errors, what).toEqual([]);
  return r.digest;
}

/**
 * Each non-default variant of each seam, combined so that a run exercises one variant of every
 * seam at once: combination k takes the (k + 1)-th variant of each seam (the first is the
 * default, which every other test runs), so every variant runs every workload at threads 1, 2 and 4.
 */
const COMBINATIONS: Record<string, string>[] = [];
for (let k = 0; k < Math.max(...Object.values(SEAMS).map((v) => v.length - 1)); k++) {
  const combo: Record<string, string> = {};
  for (const [option, variants] of Object.entries(SEAMS)) combo[option] = variants[1 + (k % (variants.length - 1))];
  COMBINATIONS.push(combo);
}

describe('seam variants', () => {
  it('every variant of every seam is in some combination', () => {
    for (const [option, variants] of Object.entries(SEAMS)) {
      expect(variants.length, option).toBeGreaterThanOrEqual(2);
      for (const v of variants.slice(1)) expect(COMBINATIONS.some((c) => c[option] === v), `${option} ${v}`).toBe(true);
    }
  });

  for (const combo of COMBINATIONS) {
    const name = Object.entries(combo).map(([k, v]) => `${k}=${v}`).join(' ');
    it(`${name} keeps every workload's digest at threads 1, 2 and 4`, async () => {
      // A scaled-down variant is its program at other defaults: run once, under the program's name.
      for (const workload of Object.keys(WORKLOADS).filter((w) => !(w in SCALED_VARIANTS))) {
        if (!baseline.has(workload)) baseline.set(workload, await digestOf(workload, { threads: 1 }));
        for (const threads of [1, 2, 4]) {
          expect(await digestOf(workload, { threads, ...combo }), `${workload} ${name} threads ${threads}`).toBe(baseline.get(workload));
        }
      }
    }, 180_000);
  }
});
