import { describe, expect, it } from 'vitest';
import { digestWarnings, hostGcWarnings, representativeTrial, trialMetrics } from '../../src/experiments/sweep-summary.ts';
import { headlineWarnings } from '../../src/report/tables.ts';
import { parseSweepResults } from '../../src/experiments/sweep-results.ts';
import { UsageError } from '../../src/experiments/run.ts';
import { fakeRun, fakeSweep, standardSweep } from './sweep-fixtures.ts';

describe('sweep warnings: host GCs in pauses', () => {
  it('warns, per configuration, when V8 collected the simulator\'s heap inside measured pauses', () => {
    const hit = fakeRun(2, [10, 20, 40, 12]);
    hit.summary.hostGc = { count: 5, ms: 9, pauses: 2, inPausesMs: 3.5 };
    const quiet = fakeRun(1, [10, 20, 40, 12]);
    quiet.summary.hostGc = { count: 3, ms: 4, pauses: 0, inPausesMs: 0 };
    const other = fakeRun(2, [10, 20, 40, 12]);
    other.summary.hostGc = { count: 1, ms: 1, pauses: 0, inPausesMs: 0 };
    const s = fakeSweep([[quiet, quiet], [hit, other]]);
    const w = hostGcWarnings(s);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('inside 2 measured pauses');
    expect(w[0]).toContain(`${s.configurations[1].label}: 2 (3.5 of 164 pause ms)`);
    expect(w[0]).not.toContain(s.configurations[0].label);
    expect(s.warnings).toContain(w[0]);
    // Runs that did not watch (older records) and runs with none: no warning.
    expect(hostGcWarnings(fakeSweep([[quiet, fakeRun(1, [10])], [fakeRun(2, [10]), fakeRun(2, [10])]]))).toEqual([]);
  });
});

describe('sweep summaries', () => {
  it('flattens a run into per-type pause, per-phase, imbalance and steal metrics', () => {
    const m = trialMetrics(fakeRun(2, [10, 20, 40, 12]));
    expect(m['pauses.count']).toBe(4);
    expect(m['pauses.max']).toBe(40);
    expect(m['scavenge.count']).toBe(2);
    expect(m['mark-compact.max']).toBe(20);
    expect(m['phase.scavenge.parallel']).toBeCloseTo(0.9 * (10 + 40));
    // thread 0 busy 0.9p - 0.1, thread 1 busy 0.6p - 0.1: max/mean > 1
    expect(m['imbalance.scavenge.parallel']).toBeGreaterThan(1);
    expect(m['steals.scavenge.parallel']).toBe(2);
    expect(m['participants.scavenge.parallel']).toBe(2);
    // Records without helperLimit (written before it existed) give no `allowed`; with it, the
    // main thread and the helpers the work let join, averaged over the phases.
    expect(m['allowed.scavenge.parallel']).toBeUndefined();
    const run = fakeRun(2, [10, 20, 40, 12]);
    const scavenges = run.events.filter((e) => e.type === 'scavenge');
    scavenges[0].parallel[0].helperLimit = 1;
    scavenges[1].parallel[0].helperLimit = 0;
    expect(trialMetrics(run)['allowed.scavenge.parallel']).toBe(1.5);
  });

  it('takes the median per metric and the representative trial; no speedup for concurrent marking against incremental', () => {
    const s = standardSweep();
    const [one, two] = s.configurations;
    expect(one.summary.ok).toBe(2);
    expect(one.summary.metrics['pauses.max'].median).toBe(40);
    expect(two.summary.metrics['pauses.totalMs'].median).toBeCloseTo((41 + 43) / 2);
    // threads = 2 marks concurrently, threads = 1 incrementally: two algorithms, no baseline.
    expect(one.summary.scaling).toBeNull();
    expect(two.summary.scaling).toBeNull();
    // Representative: the lower median by total pause, i.e. trial 0 (82 ms) of threads = 1.
    expect(representativeTrial(one.trials)!.trial).toBe(0);
    expect(s.failures).toEqual([]);
  });

  it('reports speedup of the parallel phases only, against threads = 1 marking the same way', () => {
    const s = fakeSweep(
      [
        [fakeRun(1, [10, 20, 40, 12]), fakeRun(1, [10, 21, 40, 12])],
        [fakeRun(2, [5, 10, 20, 6]), fakeRun(2, [5, 11, 21, 6])],
      ],
      { options: { threads: [1, 2], concurrentMarking: [false] } },
    );
    const [one, two] = s.configurations;
    const sc = two.summary.scaling!;
    expect(sc.baselineId).toBe(one.id);
    expect(Object.keys(sc.figures).sort()).toEqual(['phase.mc.evacuate.copy', 'phase.scavenge.parallel']);
    const b = one.summary.metrics['phase.scavenge.parallel'].median;
    const n = two.summary.metrics['phase.scavenge.parallel'].median;
    expect(sc.figures['phase.scavenge.parallel'].speedup).toBeCloseTo(b / n);
    expect(sc.figures['phase.scavenge.parallel'].efficiency).toBeCloseTo(b / n / 2);
    expect(sc.figures['pauses.totalMs']).toBeUndefined();
  });

  it('warns when trials disagree by more than 10%, headline metrics one line per configuration', () => {
    const s = fakeSweep([
      [fakeRun(1, [10, 20]), fakeRun(1, [10, 30])],
      [fakeRun(2, [5, 10]), fakeRun(2, [5, 10])],
    ]);
    expect(s.configurations[0].summary.warnings.some((w) => w.startsWith('pauses.max: 2 trials disagree by 40.0%'))).toBe(true);
    expect(s.configurations[1].summary.warnings).toEqual([]);
    const h = headlineWarnings(s);
    expect(h).toHaveLength(1);
    expect(h[0]).toMatch(/^splay threads=1: 2 trials disagree by more than 10% on .*pauses\.max \(40%\)/);
  });

  it('records failures and summarises only the trials that succeeded', () => {
    const oom = fakeRun(2, [5], { error: { kind: 'oom', message: 'FATAL ERROR: heap out of memory' } });
    const s = fakeSweep([
      [fakeRun(1, [10, 20]), fakeRun(1, [10, 20])],
      [oom, { kind: 'crash', message: 'trial worker exited with code 70 before answering' }],
    ]);
    const two = s.configurations[1];
    // No trial succeeded: the representative is the failed trial that measured something (the oom's partial record).
    expect(two.summary).toMatchObject({ ok: 0, failed: 2, representative: 1, scaling: null });
    expect(s.failures.map((f) => [f.index, f.label, f.kind])).toEqual([
      [1, 'splay threads=2', 'oom'],
      [3, 'splay threads=2', 'crash'],
    ]);
    expect(s.warnings).toContain('2 trials failed (see failures)');
  });

  it('flags a digest that depends on the configuration (DESIGN §4)', () => {
    const s = fakeSweep([
      [fakeRun(1, [10]), fakeRun(1, [10])],
      [fakeRun(2, [5], { digest: '1111111111111111' }), fakeRun(2, [5])],
    ]);
    const w = digestWarnings(s);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^digest differs between configurations of splay .*seed=1: abcdef0123456789 \(splay threads=1; splay threads=2\) vs 1111111111111111 \(splay threads=2\)/);
    expect(s.warnings).toContain(w[0]);
  });

  it('reads results back, and rejects what is not a sweep or run record with one line', () => {
    const s = standardSweep();
    expect(parseSweepResults(JSON.stringify(s)).configurations).toHaveLength(2);
    const wrapped = parseSweepResults(JSON.stringify(fakeRun(2, [5, 6])));
    expect(wrapped.configurations[0].label).toBe('splay threads=2');
    expect(wrapped.configurations[0].trials[0].status).toBe('ok');
    for (const [text, msg] of [
      ['{', /is not JSON/],
      ['{"schema":"other@1"}', /expected a gcsim\/sweep@1/],
      ['{"schema":"gcsim/sweep@1","status":"complete"}', /not a valid gcsim\/sweep@1 record: env/],
    ] as const) {
      expect(() => parseSweepResults(text, 'x.json')).toThrow(UsageError);
      expect(() => parseSweepResults(text, 'x.json')).toThrow(msg);
    }
  });
});
