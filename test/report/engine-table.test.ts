import { describe, expect, it } from 'vitest';
import { engineTable, enginePairs } from '../../src/report/engine-table.ts';
import type { SweepResults } from '../../src/experiments/sweep-results.ts';

const config = (label: string, engine: string, m: Record<string, number>, factor?: number) => ({
  label,
  resolvedOptions: { engine },
  trials: [{ status: 'ok', result: factor === undefined ? {} : { v8: { factor } } }],
  summary: { ok: 1, metrics: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { median: v }])) },
});

describe('engineTable', () => {
  it('puts the configurations that differ only in engine side by side, with ratios gcsim / V8', () => {
    const s = {
      configurations: [
        config('splay engine=gcsim threads=1', 'gcsim', { 'scavenge.count': 150, 'mark-compact.count': 3, promotedBytes: 75 * 1048576, 'pauses.p50': 5, gcOverhead: 0.6 }),
        config('splay engine=v8 threads=1', 'v8', { 'scavenge.count': 120, 'mark-compact.count': 3, promotedBytes: 300 * 1048576, 'pauses.p50': 6, gcOverhead: 0.5 }, 3),
        config('splay engine=gcsim threads=2', 'gcsim', { 'scavenge.count': 150 }),
      ],
    } as unknown as SweepResults;
    expect(enginePairs(s).map((p) => p.key)).toEqual(['splay threads=1']);
    const t = engineTable(s);
    const row = (figure: string) => t.rows.find((r) => r[1].startsWith(figure))!;
    expect(row('scavenges')).toEqual(['splay threads=1', 'scavenges', '150', '120', '1.25']);
    expect(row('promoted MB, V8 in gcsim sizes')).toEqual(['splay threads=1', 'promoted MB, V8 in gcsim sizes (/3.00)', '75.00', '100.00', '0.75']);
    expect(row('GC share')).toEqual(['splay threads=1', 'GC share of wall time', '60.0%', '50.0%', '1.20']);
    expect(row('MMU')[4]).toBe('—'); // not measured: no ratio
  });
});
