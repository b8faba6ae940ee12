import { describe, expect, it } from 'vitest';
import { type Sample, dropLongWaits, finiteMedian, markHostGcs, phaseOf, waitNote, withoutLongWaits } from '../../bench/gc-samples.ts';
import type { HostGc } from '../../src/metrics/host-gc.ts';

describe('bench gc: pauses with a host GC in them', () => {
  it('leaves a gcsim pause a host GC fell in out of medians and ratios, and names its configuration', () => {
    const a: Sample[] = [
      { phaseMs: 40, pauseMs: 50, fromMs: 1000 },
      { phaseMs: 90, pauseMs: 100, fromMs: 2000 }, // a host GC at 2050
      { phaseMs: 42, pauseMs: 52, fromMs: 3000 },
    ];
    const b: Sample[] = [
      { phaseMs: 20, pauseMs: 25, fromMs: 1100 },
      { phaseMs: 21, pauseMs: 26, fromMs: 2200 },
      { phaseMs: 22, pauseMs: 27, fromMs: 3100 },
    ];
    const v8: Sample[] = [{ phaseMs: 60, pauseMs: 70 }]; // V8's child: no window, never marked
    const samples = new Map([
      ['scavenge|neighbouring|gcsim t=1', a],
      ['scavenge|neighbouring|gcsim t=2', b],
      ['scavenge|neighbouring|v8 default', v8],
    ]);
    const gcs: HostGc[] = [
      { startMs: 2050, durationMs: 4, kind: 'minor' },
      { startMs: 2500, durationMs: 10, kind: 'major' }, // between pauses
    ];
    const line = markHostGcs(['gcsim t=1', 'gcsim t=2', 'v8 default'], samples, gcs);
    expect(a.map((s) => s.hostGcMs)).toEqual([undefined, 4, undefined]);
    expect(b.every((s) => s.hostGcMs === undefined)).toBe(true);
    expect(finiteMedian(a.map(phaseOf))).toBe(41);
    // The paired ratio of the round with the host GC is left out.
    const ratios = a.map((s, i) => phaseOf(s) / phaseOf(b[i]));
    expect(ratios.filter(Number.isFinite)).toEqual([2, 42 / 22]);
    expect(line).toContain('2 during the rounds');
    expect(line).toContain('gcsim t=1 1 (4.0 ms) of 6');
    expect(line).not.toContain('gcsim t=2 ');
  });

  it('says so when no measured pause had one', () => {
    const samples = new Map([['mark|random|gcsim t=1', [{ phaseMs: 1, pauseMs: 2, fromMs: 10 }]]]);
    expect(markHostGcs(['gcsim t=1'], samples, [])).toBe("Host GCs (V8 collecting this process's own heap, main thread): 0 during the rounds; none inside any of the 1 measured gcsim pauses.");
  });

  it('counts the measured phases in which a thread waited 1 ms or more for a core, per configuration', () => {
    const samples = new Map<string, Sample[]>([
      ['mark|random|gcsim t=1', [{ phaseMs: 1, pauseMs: 2, waitMs: 0 }, { phaseMs: 1, pauseMs: 2, waitMs: 0.4 }]],
      ['mark|neighbouring|gcsim t=1', [{ phaseMs: 1, pauseMs: 2, waitMs: 1.0 }]],
      ['mark|random|gcsim t=2', [{ phaseMs: 1, pauseMs: 2, waitMs: 3.25 }, { phaseMs: 1, pauseMs: 2, waitMs: 0.99 }]],
      ['mark|random|v8 default', [{ phaseMs: 1, pauseMs: 2 }]], // not recorded: not counted
    ]);
    const line = waitNote(['gcsim t=1', 'gcsim t=2', 'v8 default'], samples);
    expect(line).toContain('gcsim t=1 1 of 3 (longest 1.0 ms), gcsim t=2 1 of 2 (longest 3.3 ms).');
    expect(line).not.toContain('v8 default');
    expect(waitNote(['v8 default'], new Map([['mark|random|v8 default', [{ phaseMs: 1, pauseMs: 2 }]]]))).toContain('not recorded');
  });

  it('BENCH_GC_WAITS=drop: a phase with a wait of 1 ms or more leaves the medians and ratios, the others stay', () => {
    const xs: Sample[] = [{ phaseMs: 10, pauseMs: 11, waitMs: 1.5 }, { phaseMs: 20, pauseMs: 21, waitMs: 0.5 }, { phaseMs: 30, pauseMs: 31 }];
    const samples = new Map([['scavenge|random|gcsim t=2', xs]]);
    expect(xs.map(phaseOf)).toEqual([10, 20, 30]);
    dropLongWaits(samples);
    expect(xs.map(phaseOf)).toEqual([NaN, 20, 30]);
    expect(waitNote(['gcsim t=2'], samples, true)).toContain('left out of the medians and ratios above (BENCH_GC_WAITS=drop)): gcsim t=2 1 of 2');
  });

  it('the speedups once more without long waits: copies with those phases left out, the samples kept as they were', () => {
    const t1: Sample[] = [{ phaseMs: 40, pauseMs: 41, waitMs: 0 }, { phaseMs: 40, pauseMs: 41, waitMs: 0 }, { phaseMs: 40, pauseMs: 41, waitMs: 0, hostGcMs: 2 }];
    const t2: Sample[] = [{ phaseMs: 30, pauseMs: 31, waitMs: 4 }, { phaseMs: 20, pauseMs: 21, waitMs: 0.2 }, { phaseMs: 20, pauseMs: 21, waitMs: 0.1 }];
    const samples = new Map([
      ['mark|random|gcsim t=1', t1],
      ['mark|random|gcsim t=2', t2],
    ]);
    const calm = withoutLongWaits(samples)!;
    const ratios = (m: Map<string, Sample[]>) => m.get('mark|random|gcsim t=1')!.map((s, i) => phaseOf(s) / phaseOf(m.get('mark|random|gcsim t=2')![i]));
    // All rounds but the host GC's count as they are; without waits, the round with the 4 ms wait drops out too.
    expect(ratios(samples).filter(Number.isFinite)).toEqual([40 / 30, 2]);
    expect(ratios(calm).filter(Number.isFinite)).toEqual([2]);
    expect(t2[0].waited).toBeUndefined();
    // Nothing to leave out (no long wait, or only in a phase already out): null, nothing printed twice.
    expect(withoutLongWaits(new Map([['mark|random|gcsim t=2', [t2[1], t2[2]]]]))).toBeNull();
    expect(withoutLongWaits(new Map([['mark|random|gcsim t=2', [{ phaseMs: 1, pauseMs: 2, waitMs: 3, hostGcMs: 1 }]]]))).toBeNull();
  });
});
