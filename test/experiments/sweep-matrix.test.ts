import { describe, expect, it } from 'vitest';
import { expandMatrix, planTrials, validateSweepSpec } from '../../src/experiments/sweep-matrix.ts';
import { UsageError } from '../../src/experiments/run.ts';
import { spec } from './sweep-fixtures.ts';

describe('sweep matrix', () => {
  it('expands workloads x parameters x options in order, labelling every axis that varies', () => {
    const cs = expandMatrix(spec({ workloads: ['splay', 'gcbench'], options: { threads: [1, 2], balance: ['steal', 'static'] } }));
    expect(cs.map((c) => c.label)).toEqual([
      'splay balance=steal threads=1',
      'splay balance=static threads=1',
      'splay balance=steal threads=2',
      'splay balance=static threads=2',
      'gcbench balance=steal threads=1',
      'gcbench balance=static threads=1',
      'gcbench balance=steal threads=2',
      'gcbench balance=static threads=2',
    ]);
    expect(cs.map((c) => c.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect(cs[2].group).toBe('splay balance=steal');
    expect(cs[2].resolvedOptions).toMatchObject({ threads: 2, balance: 'steal', maxSemiSpaceSize: 1 });
    expect(cs[0].options).toEqual({ threads: 1, balance: 'steal' });
  });

  it('takes any option of the option table, and parameters, as axes', () => {
    const cs = expandMatrix(spec({ params: { treeSize: [100, 200] }, options: { maxSemiSpaceSize: [1, 2], concurrentMarking: [true, false] } }));
    expect(cs).toHaveLength(8);
    expect(cs[0].label).toBe('splay treeSize=100 max-semi-space-size=1 concurrent-marking=true threads=1');
    expect(cs[7].resolvedParams.treeSize).toBe(200);
    expect(cs[7].resolvedOptions).toMatchObject({ maxSemiSpaceSize: 2, concurrentMarking: false, threads: 1 });
  });

  it('plans warm-up trials first, then measured trials in a seeded random order', () => {
    const s = spec({ options: { threads: [1, 2, 4] }, trials: 4, warmup: 1, varySeed: true, seed: 7 });
    const configs = expandMatrix(s);
    const plan = planTrials(s, configs);
    expect(plan.slice(0, 3).every((t) => t.warmup)).toBe(true);
    expect(plan.slice(3).every((t) => !t.warmup)).toBe(true);
    expect(plan.slice(3).map((t) => t.index)).toEqual([...Array(12).keys()]);
    for (let c = 0; c < configs.length; c++) {
      const mine = plan.filter((t) => !t.warmup && t.configIndex === c);
      expect(mine.map((t) => t.trial)).toEqual([0, 1, 2, 3]); // numbered in run order
      expect(mine.map((t) => t.seed)).toEqual([7, 8, 9, 10]);
    }
    // Seeded: the same spec gives the same order; the order is not round after round.
    expect(planTrials(s, configs)).toEqual(plan);
    const order = plan.slice(3).map((t) => t.configIndex);
    expect(order).not.toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    const other = planTrials({ ...s, seed: 8 }, configs).slice(3).map((t) => t.configIndex);
    expect(other).not.toEqual(order);
  });

  for (const [what, over, msg] of [
    ['no workload', { workloads: [] }, /empty workload list/],
    ['an unknown workload', { workloads: ['nope'] }, /unknown workload 'nope'/],
    ['a workload twice', { workloads: ['splay', 'splay'] }, /listed twice/],
    ['zero trials', { trials: 0 }, /--trials 0/],
    ['negative warm-up', { warmup: -1 }, /--warmup -1/],
    ['an empty option list', { options: { threads: [] } }, /empty list for --threads/],
    ['an unknown option', { options: { bogus: [1] } as never }, /unknown option '--bogus'/],
    ['a repeated value', { options: { threads: [2, 2] } }, /--threads lists a value twice/],
    ['an option value out of range', { options: { threads: [0] } }, /--threads/],
    ['options that contradict each other', { options: { threads: [1, 2], concurrentMarkers: [1] } }, /--concurrent-markers.*in splay threads=1/],
    ['a parameter the workload lacks', { workloads: ['splay', 'string-tick'], params: { treeSize: [10] } }, /unknown parameter 'treeSize' for workload string-tick/],
    ['a bad parameter value', { params: { treeSize: [0] } }, /treeSize/],
  ] as const) {
    it(`rejects ${what} with a UsageError`, () => {
      expect(() => validateSweepSpec(spec(over as never))).toThrow(UsageError);
      expect(() => validateSweepSpec(spec(over as never))).toThrow(msg);
    });
  }
});
