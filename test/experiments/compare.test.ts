import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/experiments/compare.ts';
import { compareTable, compareTally } from '../../src/report/compare-report.ts';
import { verdictText } from '../../src/report/tables.ts';
import { fakeRun, fakeSweep } from './sweep-fixtures.ts';

/** splay at threads 1 and 2, three trials each, pauses scaled by `k`. */
function sweep(k: number) {
  const trial = (threads: number, base: number[]) => fakeRun(threads, base.map((p) => p * k));
  return fakeSweep([
    [trial(1, [10, 20, 12]), trial(1, [11, 21, 12]), trial(1, [10, 22, 13])],
    [trial(2, [6, 12, 7]), trial(2, [6, 11, 8]), trial(2, [7, 12, 7])],
  ]);
}

describe('compare', { timeout: 10_000 }, () => {
  it('says slower where one file is clearly slower, pairing configurations by label', () => {
    const a = sweep(1);
    const b = sweep(3);
    const c = compareResults(a, 'a.json', b, 'b.json');
    expect(c.pairs.map((p) => [p.a.label, p.b.label])).toEqual([
      ['splay threads=1', 'splay threads=1'],
      ['splay threads=2', 'splay threads=2'],
    ]);
    for (const p of c.pairs) {
      const f = p.figures.find((x) => x.metric === 'pauses.p50')!;
      expect(f.ratio).toBeCloseTo(3, 12);
      expect(f.lo).toBeGreaterThan(1);
      expect(verdictText(f.metric, f.verdict)).toBe('slower');
      expect(verdictText('pauses.max', p.figures.find((x) => x.metric === 'pauses.max')!.verdict)).toBe('slower');
      expect(compareTally(p)).toMatch(/slower: \d+/);
    }
    // And the other way round: faster.
    const back = compareResults(b, 'b.json', a, 'a.json').pairs[0].figures.find((x) => x.metric === 'pauses.p50')!;
    expect(verdictText(back.metric, back.verdict)).toBe('faster');
  });

  it('says no significant change everywhere for a file compared with itself', () => {
    const a = sweep(1);
    const c = compareResults(a, 'a.json', a, 'a.json');
    expect(c.pairs).toHaveLength(2);
    for (const p of c.pairs) {
      expect(p.figures.length).toBeGreaterThan(20);
      for (const f of p.figures) expect([f.metric, f.verdict]).toEqual([f.metric, 'no significant change']);
      const t = compareTable(p);
      expect(t.rows.every((r) => r[4] === 'no significant change')).toBe(true);
      expect(t.rows[0][0]).toBe('pauses.count'); // headline figures first
    }
  });

  it('compares two configurations of one file named by axis values', () => {
    const a = sweep(1);
    const c = compareResults(a, 'a.json', a, 'a.json', { a: 'threads=1', b: 'threads=2' });
    expect(c.pairs).toHaveLength(1);
    const f = c.pairs[0].figures.find((x) => x.metric === 'pauses.p50')!;
    expect(verdictText(f.metric, f.verdict)).toBe('faster');
    expect(() => compareResults(a, 'a.json', a, 'a.json', { a: 'threads=3', b: 'threads=2' })).toThrow(/no configuration of a.json matches 'threads=3'/);
  });
});
