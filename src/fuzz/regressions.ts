/**
 * Fuzz cases that once failed, kept as regression tests: each is a shrunk program with the
 * configuration it failed under and what it did before the fix; every one must now run `ok`
 * (`runCase(r.case)`). Found by `gcsim fuzz` (the numbers are the seeds and sizes it reported).
 */
import type { FuzzCase } from './ops.ts';
import type { Verdict } from './runner.ts';

export interface Regression {
  name: string;
  /** What went wrong, in one line. */
  defect: string;
  /** The verdict before the fix. */
  before: Verdict;
  case: FuzzCase;
}

export const REGRESSIONS: readonly Regression[] = [
  {
    name: 'satb-grey-young-object-dies-in-scavenge',
    defect:
      "barrier 'satb': old R -> young Y -> old T; marking starts; a black N takes Y's reference to T and replaces Y in R, " +
      'so the deletion barrier shades Y; Y dies in a scavenge during marking and T, reachable only through N, is never marked',
    before: 'lost',
    case: {
      seed: 0,
      config: { threads: 1, barrier: 'satb', concurrentMarking: false, maxSemiSpaceSize: 0.25, initialOldSpaceSize: 0.25, concurrentSweeping: false },
      negativeControl: null,
      ops: [
        { op: 'open' },
        { op: 'alloc', fields: 1, tenured: true }, // R
        { op: 'open' },
        { op: 'alloc', fields: 1, tenured: false }, // Y
        { op: 'alloc', fields: 1, tenured: true }, // T
        { op: 'store', dst: 1, field: 0, src: 0 }, // Y.1 = T
        { op: 'store', dst: 2, field: 0, src: 1 }, // R.1 = Y
        { op: 'close' },
        { op: 'burst', space: 'pointer', kb: 2048 }, // until marking starts
        { op: 'open' },
        { op: 'alloc', fields: 1, tenured: true }, // N, allocated black
        { op: 'load', src: 1, field: 0 }, // Y
        { op: 'copy', dst: 1, field: 0, src: 0, from: 0 }, // N.1 = Y.1 (T)
        { op: 'store', dst: 2, field: 0, src: 1 }, // R.1 = N: the barrier shades Y
        { op: 'close' },
        { op: 'collect', kind: 'minor' }, // Y dies
        { op: 'collect', kind: 'major' }, // T is freed
      ],
    },
  },
  {
    name: 'parallel-evacuation-near-the-heap-limit',
    defect:
      'threads 2, a 6 MB heap: "gc helper thread 1 failed in phase mc.evacuate.copy: no space for an evacuated object" ' +
      '(seed 4; about two runs in three failed: it depends on which thread copies what)',
    before: 'crash',
    case: {
      seed: 4,
      config: {
        threads: 2,
        balance: 'steal',
        barrier: 'satb',
        incrementalMarking: false,
        concurrentMarking: false,
        concurrentSweeping: false,
        parallelCompaction: true,
        neverCompact: false,
        maxSemiSpaceSize: 0.5,
        maxOldSpaceSize: 6,
        initialOldSpaceSize: 2,
        compactionFragmentationPercent: 5,
        stallTimeoutMs: 5000,
      },
      negativeControl: null,
      ops: [
        { op: 'alloc', fields: 5, tenured: true },
        { op: 'load', src: 1, field: 62 },
        { op: 'burst', space: 'pointer', kb: 3072 },
        { op: 'burst', space: 'data', kb: 3072 },
      ],
    },
  },
  {
    name: 'old-pointer-then-old-data-garbage-is-not-out-of-memory',
    defect:
      'garbage in the old pointer space, then in the old data space: "FATAL ERROR: Reached heap limit" with nothing live ' +
      '(freed pages stayed with the space that freed them) (seed 31)',
    before: 'spurious-oom',
    case: {
      seed: 31,
      config: {
        threads: 1,
        balance: 'steal',
        barrier: 'satb',
        incrementalMarking: false,
        concurrentMarking: false,
        concurrentSweeping: false,
        parallelCompaction: false,
        neverCompact: true,
        maxSemiSpaceSize: 1,
        maxOldSpaceSize: 4,
        initialOldSpaceSize: 1,
        compactionFragmentationPercent: 40,
        stallTimeoutMs: 5000,
      },
      negativeControl: null,
      ops: [
        { op: 'burst', space: 'pointer', kb: 4096 },
        { op: 'burst', space: 'data', kb: 2048 },
        { op: 'code', bytes: 4, seed: 360 },
      ],
    },
  },
  {
    name: 'large-object-after-fragmenting-never-compacted-pages',
    defect:
      'with --never-compact, pages each kept one small live object and every space kept a spare empty page: a large ' +
      'object found no page although nothing much was live (an allocation-failure GC now releases every empty page) (seed 100375)',
    before: 'spurious-oom',
    case: {
      seed: 100375,
      config: { threads: 1, balance: 'steal', barrier: 'insertion', incrementalMarking: false, concurrentMarking: false, concurrentSweeping: true, parallelCompaction: true, neverCompact: true, maxSemiSpaceSize: 1, maxOldSpaceSize: 4, initialOldSpaceSize: 0.5, compactionFragmentationPercent: 40, stallTimeoutMs: 5000 },
      negativeControl: null,
      ops: [
        { op: 'alloc', fields: 6, tenured: true },
        { op: 'code', bytes: 2, seed: 487 },
        { op: 'alloc', fields: 8, tenured: false },
        { op: 'raw', words: 1, tenured: false, seed: 203 },
        { op: 'churn', kb: 1229, fields: 4, keep: 0 },
        { op: 'cycle', n: 1, tenured: false },
        { op: 'burst', space: 'alternate', kb: 512 },
        { op: 'alloc', fields: 2, tenured: true },
        { op: 'collect', kind: 'major' },
        { op: 'alloc', fields: 2, tenured: true },
        { op: 'alloc', fields: 2, tenured: false },
        { op: 'burst', space: 'data', kb: 512 },
        { op: 'alloc', fields: 2, tenured: true },
        { op: 'alloc', fields: 2, tenured: false },
        { op: 'burst', space: 'alternate', kb: 512 },
        { op: 'alloc', fields: 2, tenured: false },
        { op: 'alloc', fields: 2, tenured: true },
        { op: 'burst', space: 'alternate', kb: 512 },
        { op: 'alloc', fields: 1, tenured: false },
        { op: 'collect', kind: 'minor' },
        { op: 'collect', kind: 'major' },
        { op: 'alloc', fields: 2, tenured: true },
        { op: 'large', words: 46585, raw: false, seed: 438 },
      ],
    },
  },
];
