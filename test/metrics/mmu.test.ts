import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bmuAt,
  bmuCurve,
  compileTimeline,
  defaultWindows,
  mmuAndBmu,
  mmuAt,
  mmuCurve,
  overallUtilization,
  worstWindow,
  type UtilizationTimeline,
} from '../../src/metrics/mmu.ts';

const run = (wallMs: number, pauses: [number, number][], utilization?: [number, number, number][]): UtilizationTimeline => ({
  wallMs,
  pauses: pauses.map(([startMs, durationMs]) => ({ startMs, durationMs })),
  utilization: utilization?.map(([startMs, durationMs, util]) => ({ startMs, durationMs, util })),
});

// ---------------------------------------------------------------------------------------------
// A brute-force reference, written independently of the implementation: u(t) by scanning every
// interval, integrals by splitting at every edge, and the minimum over every window start where
// an edge of the window meets an edge of the timeline (which is exact, see mmu.ts).

interface Iv { s: number; e: number; u: number }

function intervals(tl: UtilizationTimeline): Iv[] {
  const out: Iv[] = tl.pauses.map((p) => ({ s: p.startMs, e: p.startMs + p.durationMs, u: 0 }));
  for (const g of tl.utilization ?? []) out.push({ s: g.startMs, e: g.startMs + g.durationMs, u: g.util });
  return out;
}

function utilAt(ivs: Iv[], t: number): number {
  let u = 1;
  for (const iv of ivs) if (iv.s <= t && t < iv.e && iv.u < u) u = iv.u;
  return u;
}

function edges(tl: UtilizationTimeline): number[] {
  const T = tl.wallMs;
  const set = new Set<number>([0, T]);
  for (const iv of intervals(tl)) {
    for (const v of [iv.s, iv.e]) if (v > 0 && v < T) set.add(v);
  }
  return [...set].sort((a, b) => a - b);
}

/** F(t) = ∫₀ᵗ u at every edge, from u sampled at the midpoint of each elementary piece. */
const prefixCache = new WeakMap<UtilizationTimeline, { xs: number[]; F: number[]; us: number[] }>();
function prefix(tl: UtilizationTimeline): { xs: number[]; F: number[]; us: number[] } {
  let p = prefixCache.get(tl);
  if (p === undefined) {
    const ivs = intervals(tl);
    const xs = edges(tl);
    const F = [0];
    const us: number[] = [];
    for (let i = 0; i + 1 < xs.length; i++) {
      us.push(utilAt(ivs, (xs[i] + xs[i + 1]) / 2));
      F.push(F[i] + us[i] * (xs[i + 1] - xs[i]));
    }
    prefixCache.set(tl, (p = { xs, F, us }));
  }
  return p;
}

function F(tl: UtilizationTimeline, t: number): number {
  const { xs, F: P, us } = prefix(tl);
  let i = 0;
  while (i + 2 < xs.length && xs[i + 1] <= t) i++;
  return P[i] + (us.length > 0 ? us[i] * (t - xs[i]) : 0);
}

function integral(tl: UtilizationTimeline, a: number, b: number): number {
  return F(tl, b) - F(tl, a);
}

function bruteMmu(tl: UtilizationTimeline, w: number): number {
  const T = tl.wallMs;
  if (w >= T) return integral(tl, 0, T) / T;
  let best = Infinity;
  for (const x of edges(tl)) {
    for (const s of [x, x - w]) {
      if (s < 0 || s > T - w) continue;
      best = Math.min(best, integral(tl, s, s + w) / w);
    }
  }
  return best;
}

function bruteBmu(tl: UtilizationTimeline, w: number): number {
  const T = tl.wallMs;
  if (w >= T) return integral(tl, 0, T) / T;
  let best = bruteMmu(tl, w);
  const xs = edges(tl);
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      if (xs[j] - xs[i] >= w) best = Math.min(best, integral(tl, xs[i], xs[j]) / (xs[j] - xs[i]));
    }
  }
  return best;
}

/** The minimum over a fine grid of window starts: an upper bound on MMU, within 2·step/w of it. */
function gridMmu(tl: UtilizationTimeline, w: number, steps: number): number {
  const T = tl.wallMs;
  if (w >= T) return integral(tl, 0, T) / T;
  let best = Infinity;
  for (let k = 0; k <= steps; k++) {
    const s = ((T - w) * k) / steps;
    best = Math.min(best, integral(tl, s, s + w) / w);
  }
  return best;
}

/** Random small timelines: non-overlapping pauses (built from gaps), optional partial-utilisation intervals. */
const timelineArb = fc
  .record({
    grid: fc.constantFrom(1, 0.5, 0.25, 0), // 0 = arbitrary doubles, else values on this grid
    gaps: fc.array(fc.tuple(fc.double({ min: 0, max: 20, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { maxLength: 30 }),
    tail: fc.double({ min: 0, max: 20, noNaN: true }),
    durScale: fc.constantFrom(1, 0.2, 0.05), // short pauses make MMU(w) > 0, so BMU's pair search matters
    segs: fc.array(
      fc.tuple(fc.double({ min: -5, max: 120, noNaN: true }), fc.double({ min: 0, max: 40, noNaN: true }), fc.constantFrom(0, 0.25, 0.5, 0.9)),
      { maxLength: 3 },
    ),
  })
  .map(({ grid, gaps, tail, durScale, segs }) => {
    const q = (v: number): number => (grid === 0 ? v : Math.round(v / grid) * grid);
    const pauses: [number, number][] = [];
    let t = 0;
    for (const [gap, dur] of gaps) {
      t += q(gap);
      pauses.push([t, q(dur * durScale)]);
      t += q(dur * durScale);
    }
    const wallMs = Math.max(q(t + tail), 1);
    return run(wallMs, pauses, segs.map(([s, d, u]) => [q(s), q(d), u]));
  });

const windowArb = (tl: UtilizationTimeline) =>
  fc.oneof(fc.double({ min: 0.01, max: tl.wallMs * 1.2, noNaN: true }), fc.constantFrom(1, 2, 5, 10, tl.wallMs));

describe('MMU', () => {
  it('is exact for one 10 ms pause in a 100 ms run', () => {
    const tl = run(100, [[40, 10]]);
    expect(mmuAt(tl, 5)).toBe(0);
    expect(mmuAt(tl, 10)).toBe(0);
    expect(mmuAt(tl, 20)).toBe(0.5);
    expect(mmuAt(tl, 50)).toBeCloseTo(0.8, 15);
    expect(mmuAt(tl, 100)).toBeCloseTo(0.9, 15);
    expect(worstWindow(tl, 20).util).toBe(0.5);
  });

  it('is exact for a pause at the very start or end of the run', () => {
    expect(mmuAt(run(100, [[0, 10]]), 20)).toBe(0.5);
    expect(mmuAt(run(100, [[90, 10]]), 20)).toBe(0.5);
    expect(mmuAt(run(100, [[90, 10]]), 10)).toBe(0);
    expect(worstWindow(run(100, [[0, 10]]), 10)).toEqual({ windowMs: 10, util: 0, startMs: 0 });
  });

  it('is exact for two pauses close together', () => {
    // Pauses [10,20) and [25,35): any 15 ms window holds at most 10 ms of pause.
    const tl = run(100, [[25, 10], [10, 10]]); // unsorted on purpose
    expect(mmuAt(tl, 10)).toBe(0);
    expect(mmuAt(tl, 15)).toBeCloseTo(1 / 3, 15);
    expect(mmuAt(tl, 20)).toBeCloseTo(0.25, 15); // [10,30] holds 15 ms of pause
    expect(mmuAt(tl, 25)).toBeCloseTo(0.2, 15); // [10,35] holds both
    expect(mmuAt(tl, 50)).toBeCloseTo(0.6, 15);
    expect(worstWindow(tl, 25).startMs).toBe(10);
  });

  it('clamps windows longer than the run to the run', () => {
    const tl = run(100, [[40, 10]]);
    expect(mmuAt(tl, 1000)).toBeCloseTo(0.9, 15);
    expect(bmuAt(tl, 1000)).toBeCloseTo(0.9, 15);
    expect(mmuCurve(tl, [1000])).toEqual([{ windowMs: 1000, util: mmuAt(tl, 100) }]);
    expect(overallUtilization(tl)).toBeCloseTo(0.9, 15);
  });

  it('is 1 without pauses, and for an empty run', () => {
    const tl = run(100, []);
    for (const w of [0, 1, 50, 100, 500]) {
      expect(mmuAt(tl, w)).toBe(1);
      expect(bmuAt(tl, w)).toBe(1);
    }
    expect(mmuAt(run(0, []), 10)).toBe(1);
    expect(mmuAt(run(0, [[0, 5]]), 10)).toBe(1);
    expect(mmuCurve(run(0, []))).toEqual([]);
  });

  it('gives the lowest utilisation for windows → 0', () => {
    expect(mmuAt(run(100, [[40, 10]]), 0)).toBe(0);
    expect(mmuAt(run(100, [], [[10, 10, 0.25]]), 0)).toBe(0.25);
    expect(bmuAt(run(100, [], [[10, 10, 0.25]]), 0)).toBe(0.25);
  });

  it('clips pauses to the run and merges overlapping ones', () => {
    const tl = run(100, [[-5, 10], [95, 20], [50, 10], [55, 10]]);
    const p = compileTimeline(tl);
    expect(Array.from(p.x)).toEqual([0, 5, 50, 65, 95, 100]);
    expect(Array.from(p.u)).toEqual([0, 1, 0, 1, 0]);
    expect(mmuAt(tl, 15)).toBe(0);
    expect(mmuAt(tl, 100)).toBeCloseTo(0.75, 15);
  });

  it('accounts for partial utilisation', () => {
    // The mutator gets half its thread during [20, 60).
    const tl = run(100, [], [[20, 40, 0.5]]);
    expect(mmuAt(tl, 10)).toBe(0.5);
    expect(mmuAt(tl, 40)).toBe(0.5);
    expect(mmuAt(tl, 50)).toBeCloseTo(0.6, 15);
    expect(mmuAt(tl, 100)).toBeCloseTo(0.8, 15);
    // A pause inside it wins (utilisation 0), the lowest of overlapping segments wins.
    const t2 = run(100, [[30, 10]], [[20, 40, 0.5], [50, 30, 0.25]]);
    expect(Array.from(compileTimeline(t2).u)).toEqual([1, 0.5, 0, 0.5, 0.25, 1]);
    expect(mmuAt(t2, 20)).toBeCloseTo((10 * 0.5 + 10 * 0) / 20, 15);
  });

  it('rejects bad input', () => {
    expect(() => compileTimeline(run(NaN, []))).toThrow(RangeError);
    expect(() => compileTimeline(run(10, [[1, -1]]))).toThrow(RangeError);
    expect(() => compileTimeline(run(10, [], [[1, 1, 1.5]]))).toThrow(RangeError);
  });

  it('matches the brute force on random timelines', () => {
    fc.assert(
      fc.property(timelineArb.chain((tl) => fc.tuple(fc.constant(tl), windowArb(tl))), ([tl, w]) => {
        const exact = mmuAt(tl, w);
        expect(exact).toBeCloseTo(bruteMmu(tl, w), 9);
        const ww = worstWindow(tl, w);
        if (w < tl.wallMs) expect(integral(tl, ww.startMs, ww.startMs + w) / w).toBeCloseTo(exact, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('is never above a fine grid of window positions, and close to it', () => {
    fc.assert(
      fc.property(timelineArb.chain((tl) => fc.tuple(fc.constant(tl), windowArb(tl))), ([tl, w]) => {
        const steps = 400;
        const exact = mmuAt(tl, w);
        const grid = gridMmu(tl, w, steps);
        expect(exact).toBeLessThanOrEqual(grid + 1e-9);
        if (w < tl.wallMs) expect(grid - exact).toBeLessThanOrEqual((2 * (tl.wallMs - w)) / steps / w + 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('handles 100k pauses × 30 windows quickly (a guard against quadratic behaviour)', () => {
    const pauses: [number, number][] = [];
    let t = 0;
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 100_000; i++) {
      t += 0.5 + rnd() * 10;
      const d = 0.05 + rnd() * 2;
      pauses.push([t, d]);
      t += d;
    }
    const tl = run(t + 1, pauses);
    const windows = defaultWindows(tl.wallMs, 1e-4).slice(-30);
    expect(windows).toHaveLength(30);
    // Typically ~0.2 s for MMU and ~0.4 s for both; a quadratic algorithm would take minutes and
    // hit the test timeout. Timings themselves belong in bench/, not in assertions.
    const curve = mmuCurve(tl, windows);
    const both = mmuAndBmu(tl, windows);
    expect(curve).toHaveLength(windows.length);
    expect(both.mmu).toEqual(curve);
  });
});

describe('BMU', () => {
  it('is MMU when MMU is monotone (one pause)', () => {
    const tl = run(100, [[40, 10]]);
    expect(bmuAt(tl, 1)).toBe(0);
    expect(bmuAt(tl, 20)).toBeCloseTo(0.5, 15);
    expect(bmuAt(tl, 50)).toBeCloseTo(0.8, 15);
    expect(bmuAt(tl, 100)).toBeCloseTo(0.9, 15);
  });

  it('sees the worse longer window (two pauses close together)', () => {
    // MMU(15) = 1/3 but MMU(25) = 0.2, so BMU(15) = 0.2.
    const tl = run(100, [[10, 10], [25, 10]]);
    expect(bmuAt(tl, 10)).toBe(0);
    expect(bmuAt(tl, 15)).toBeCloseTo(0.2, 15);
    expect(bmuAt(tl, 25)).toBeCloseTo(0.2, 15);
    expect(bmuAt(tl, 30)).toBeCloseTo(1 / 3, 15);
  });

  it('is exact over the continuum of windows, not only the listed ones', () => {
    // Periodic 10 ms pauses every 20 ms: MMU(20) = 0.5 but MMU(30) = 1/3 (two pauses in 30 ms).
    const tl = run(100, [[0, 10], [20, 10], [40, 10], [60, 10], [80, 10]]);
    expect(mmuAt(tl, 20)).toBe(0.5);
    expect(mmuAt(tl, 30)).toBeCloseTo(1 / 3, 15);
    expect(bmuCurve(tl, [20, 100])[0].util).toBeCloseTo(1 / 3, 15);
  });

  it('matches the brute force on random timelines', () => {
    fc.assert(
      fc.property(timelineArb.chain((tl) => fc.tuple(fc.constant(tl), windowArb(tl))), ([tl, w]) => {
        expect(bmuAt(tl, w)).toBeCloseTo(bruteBmu(tl, w), 9);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the tangent to the hull, not the latest start (found by a random search)', () => {
    // In these the worst long window does not start at the latest candidate start.
    const a: UtilizationTimeline = {
      wallMs: 54.87034225463867,
      pauses: [
        { startMs: 18.44034194946289, durationMs: 4.2453765869140625 },
        { startMs: 31.825695037841797, durationMs: 0.8308277130126953 },
        { startMs: 36.69207191467285, durationMs: 0.4220619201660156 },
        { startMs: 42.619428634643555, durationMs: 1.9803752899169922 },
      ],
      utilization: [
        { startMs: 8.244772522488347, durationMs: 24.98931884765625, util: 0.6851530075073242 },
        { startMs: 42.01009782624169, durationMs: 29.12032127380371, util: 0.16467666625976562 },
        { startMs: 31.81889869548104, durationMs: 5.591526031494141, util: 0.28560733795166016 },
      ],
    };
    expect(bmuAt(a, 21.28563878657195)).toBeCloseTo(bruteBmu(a, 21.28563878657195), 12);
    expect(bmuAt(a, 21.28563878657195)).toBeCloseTo(0.33101961926222173, 12);
    const b: UtilizationTimeline = {
      wallMs: 85.20076286792755,
      pauses: [
        { startMs: 19.721896648406982, durationMs: 11.83156967163086 },
        { startMs: 32.81988859176636, durationMs: 3.4600070118904114 },
        { startMs: 44.83683258295059, durationMs: 0.7155040502548218 },
        { startMs: 63.76598542928696, durationMs: 13.551936149597168 },
        { startMs: 84.82585167884827, durationMs: 0.37048614025115967 },
      ],
      utilization: [
        { startMs: 17.929583983949783, durationMs: 17.493438720703125, util: 0.19230937957763672 },
        { startMs: 10.25905684572831, durationMs: 10.647268742322922, util: 0.8255135416984558 },
        { startMs: 18.58916790577848, durationMs: 8.03415298461914, util: 0.9729852676391602 },
      ],
    };
    expect(bmuAt(b, 48.859634283820284)).toBeCloseTo(bruteBmu(b, 48.859634283820284), 12);
  });

  it('is nondecreasing, at most MMU(x) for every x ≥ w, and equal to the overall utilisation at the run length', () => {
    fc.assert(
      fc.property(timelineArb, (tl) => {
        const ws = [...defaultWindows(tl.wallMs, 0.1)];
        const { mmu, bmu } = mmuAndBmu(tl, ws);
        for (let i = 0; i < ws.length; i++) {
          expect(bmu[i].util).toBeLessThanOrEqual(mmu[i].util + 1e-12);
          if (i > 0) expect(bmu[i].util).toBeGreaterThanOrEqual(bmu[i - 1].util - 1e-12);
          for (let j = i; j < ws.length; j++) expect(bmu[i].util).toBeLessThanOrEqual(mmu[j].util + 1e-12);
        }
        expect(bmu[ws.length - 1].util).toBeCloseTo(overallUtilization(tl), 12);
      }),
      { numRuns: 100 },
    );
  });
});

describe('defaultWindows', () => {
  it('steps 1-2-5 from 1 ms and ends with the run length', () => {
    expect(defaultWindows(1000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    expect(defaultWindows(123.4)).toEqual([1, 2, 5, 10, 20, 50, 100, 123.4]);
    expect(defaultWindows(0.5)).toEqual([0.5]);
    expect(defaultWindows(0)).toEqual([]);
    expect(defaultWindows(1, 0.1)).toEqual([0.1, 0.2, 0.5, 1]);
    expect(defaultWindows(3, 0.3)).toEqual([0.5, 1, 2, 3]);
  });
});
