import { describe, it, expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import { WORKLOADS } from '../../src/workloads/index.ts';
import { NO_WARMUP, SCALED_VARIANTS, SMALL, SMALL_HEAP } from '../helpers/small.ts';

const SMALL_OPTIONS = { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true } as const;

describe('workloads', () => {
  it('every built-in workload has small test parameters (or is a scaled variant of one that has) and a one-line description', () => {
    for (const w of Object.values(WORKLOADS)) {
      expect(SMALL[w.name] ?? SMALL[SCALED_VARIANTS[w.name]], w.name).toBeDefined();
      expect(w.description).not.toMatch(/\n/);
    }
  });

  for (const name of Object.keys(SMALL)) {
    it(`${name}: verifier clean after every GC over several seeds, digest stable run to run`, async () => {
      for (const seed of [1, 2, 3]) {
        const a = await runOne({ workload: name, seed, params: SMALL[name], options: SMALL_OPTIONS });
        expect(a.error, `seed ${seed}`).toBeNull();
        expect(a.verify.errors, `seed ${seed}`).toEqual([]);
        expect(a.verify.checks, `seed ${seed}`).toBe(a.events.length);
        expect(a.events.length, `seed ${seed}`).toBeGreaterThan(0);
        if (seed === 1) {
          const b = await runOne({ workload: name, seed, params: SMALL[name], options: SMALL_OPTIONS });
          expect(b.digest).toBe(a.digest);
        }
      }
    });
  }

  it('different seeds give different graphs', async () => {
    const a = await runOne({ workload: 'splay', seed: 1, params: SMALL.splay, options: NO_WARMUP });
    const b = await runOne({ workload: 'splay', seed: 2, params: SMALL.splay, options: NO_WARMUP });
    expect(a.digest).not.toBe(b.digest);
  });

  it('the digest does not depend on GC settings (semispace size, compaction)', async () => {
    const base = await runOne({ workload: 'fragmenter', params: SMALL.fragmenter, options: NO_WARMUP });
    for (const options of [{ maxSemiSpaceSize: 2 }, { neverCompact: true }, { compactionFragmentationPercent: 20 }, { initialOldSpaceSize: 0.5 }]) {
      const r = await runOne({ workload: 'fragmenter', params: SMALL.fragmenter, options: { ...options, ...NO_WARMUP, verifyHeap: true } });
      expect(r.verify.errors).toEqual([]);
      expect(r.digest, JSON.stringify(options)).toBe(base.digest);
    }
  });

  it('fragmenter dropAfter=1 keeps the heap at its size: only the kept records of the last cohort stay live, at threads 1 and 2', async () => {
    const params = { ...SMALL.fragmenter, dropAfter: 1 };
    const lastMark = (r: Awaited<ReturnType<typeof runOne>>) => r.events.filter((e) => e.type === 'mark-compact').at(-1)!.markedBytes;
    const growing = await runOne({ workload: 'fragmenter', params: SMALL.fragmenter, options: { ...SMALL_OPTIONS, threads: 1 } });
    const one = await runOne({ workload: 'fragmenter', params, options: { ...SMALL_OPTIONS, threads: 1 } });
    const two = await runOne({ workload: 'fragmenter', params, options: { ...SMALL_OPTIONS, threads: 2 } });
    for (const r of [growing, one, two]) {
      expect(r.error).toBeNull();
      expect(r.verify.errors).toEqual([]);
    }
    expect(two.digest).toBe(one.digest);
    // The same records are kept each round (dropAfter draws nothing); the growing heap's last mark
    // also finds the three earlier rounds' kept records: about 3 × cohort × keepPercent% records
    // of 2 + slots words.
    const { cohort, keepPercent, slots } = SMALL.fragmenter as { cohort: number; keepPercent: number; slots?: number };
    const recordBytes = (2 + (slots ?? 6)) * 4;
    const threeCohorts = (3 * cohort * keepPercent * recordBytes) / 100;
    const dropped = lastMark(growing) - lastMark(one);
    expect(dropped).toBeGreaterThan(0.8 * threeCohorts);
    expect(dropped).toBeLessThan(1.2 * threeCohorts);
  });
});
