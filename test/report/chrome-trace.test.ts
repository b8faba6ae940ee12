import { runOne } from '../../src/experiments/run.ts';
import { describe, expect, it } from 'vitest';
import { HOST_GC_TID, checkTrace, phaseSliceName, tidOf, toChromeTrace, type TraceEvent } from '../../src/report/chrome-trace.ts';
import type { RunResult } from '../../src/metrics/result.ts';
import { gcEvent, phase, runResult, threadStats } from '../metrics/fixtures.ts';

const ORIGIN = 1_700_000_000_000;

function sampleRun(timeOriginMs = ORIGIN): RunResult {
  return runResult({
    timeOriginMs,
    config: { threads: 3 },
    events: [
      gcEvent({
        index: 0,
        type: 'scavenge',
        reason: 'allocation failure',
        startMs: 10,
        pauseMs: 2,
        parallel: [
          phase('scavenge.parallel', [
            threadStats(0, 10.5, 11.5, { objects: 10, stealsSucceeded: 1 }),
            threadStats(1, 10.6, 11.5, { objects: 12 }),
          ]),
        ],
      }),
      gcEvent({
        index: 1,
        type: 'mark-compact',
        reason: 'testing',
        startMs: 50,
        pauseMs: 5,
        parallel: [
          // Concurrent marking by a helper before the pause, then parallel evacuation.
          phase('mc.mark', [threadStats(2, 40, 49)]),
          phase('mc.evacuate.copy', [threadStats(0, 51, 53), threadStats(2, 51, 52.5)]),
        ],
      }),
    ],
    heapSamples: [
      { tMs: 10, usedBytes: 4 << 20, committedBytes: 8 << 20 },
      { tMs: 12, usedBytes: 3 << 20, committedBytes: 8 << 20 },
    ],
  });
}

const byName = (evs: TraceEvent[], name: string): TraceEvent[] => evs.filter((e) => e.name === name);

describe('toChromeTrace', () => {
  const trace = toChromeTrace([{ label: 'gcsim t=3', result: sampleRun() }]);
  const evs = trace.traceEvents;

  it('passes its own check, also after a JSON round trip', () => {
    expect(checkTrace(trace)).toEqual([]);
    expect(checkTrace(JSON.parse(JSON.stringify(trace)))).toEqual([]);
  });

  it('names the process after the label and every thread track', () => {
    expect(byName(evs, 'process_name')).toEqual([{ ph: 'M', pid: 1, tid: 0, name: 'process_name', args: { name: 'gcsim t=3' } }]);
    const names = byName(evs, 'thread_name').map((e) => [e.tid, e.args?.name]);
    expect(names).toEqual([
      [1, 'mutator'],
      [2, 'gc-worker-1'],
      [3, 'gc-worker-2'],
    ]);
  });

  it('puts each GC on the mutator track, in µs from the origin', () => {
    const minor = byName(evs, 'MinorGC');
    expect(minor).toHaveLength(1);
    expect(minor[0]).toMatchObject({ ph: 'X', pid: 1, tid: 1, ts: 10_000, dur: 2_000, cat: 'gc' });
    expect(minor[0].args).toMatchObject({ reason: 'allocation failure', index: 0 });
    expect(byName(evs, 'MajorGC')[0]).toMatchObject({ tid: 1, ts: 50_000, dur: 5_000 });
  });

  it('puts each phase on each participant’s track with its own span', () => {
    expect(byName(evs, 'V8.GC_SCAVENGER_SCAVENGE_PARALLEL')[0]).toMatchObject({ tid: 1, ts: 10_500, dur: 1_000 });
    const bg = byName(evs, 'V8.GC_SCAVENGER_BACKGROUND_SCAVENGE_PARALLEL')[0];
    expect(bg).toMatchObject({ tid: 2, ts: 10_600 });
    expect(bg.dur).toBeCloseTo(900, 9);
    expect(bg.args).toMatchObject({ phase: 'scavenge.parallel', objects: 12, gc: 0 });
    expect(byName(evs, 'V8.GC_MC_BACKGROUND_MARKING')[0]).toMatchObject({ tid: 3, ts: 40_000, dur: 9_000 });
    expect(byName(evs, 'V8.GC_MC_EVACUATE_COPY')[0]).toMatchObject({ tid: 1, ts: 51_000, dur: 2_000 });
    expect(byName(evs, 'V8.GC_MC_BACKGROUND_EVACUATE_COPY')[0]).toMatchObject({ tid: 3, ts: 51_000, dur: 1_500 });
  });

  it('carries the page faults of a pause and of a phase when the run recorded them', () => {
    const run = sampleRun();
    run.events[1].pageFaults = 4200;
    run.events[1].parallel[1].pageFaults = 4100;
    const t = toChromeTrace([{ label: 'faults', result: run }]).traceEvents;
    expect(byName(t, 'MajorGC')[0].args).toMatchObject({ pageFaults: 4200 });
    for (const e of [...byName(t, 'V8.GC_MC_EVACUATE_COPY'), ...byName(t, 'V8.GC_MC_BACKGROUND_EVACUATE_COPY')]) expect(e.args).toMatchObject({ phasePageFaults: 4100 });
    // Not recorded: no such args.
    expect(byName(evs, 'MajorGC')[0].args).not.toHaveProperty('pageFaults');
    expect(byName(evs, 'V8.GC_MC_EVACUATE_COPY')[0].args).not.toHaveProperty('phasePageFaults');
  });

  it('adds heap counters', () => {
    const c = evs.filter((e) => e.ph === 'C');
    expect(c).toEqual([
      { ph: 'C', pid: 1, tid: 0, ts: 10_000, name: 'heap', args: { usedKB: 4096, committedKB: 8192 } },
      { ph: 'C', pid: 1, tid: 0, ts: 12_000, name: 'heap', args: { usedKB: 3072, committedKB: 8192 } },
    ]);
  });

  it('starts every run at time 0, in the order given, so configurations line up', () => {
    const t = toChromeTrace([
      { label: 'b', result: sampleRun(ORIGIN + 1000) },
      { label: 'a', result: sampleRun(ORIGIN) },
    ]);
    expect(checkTrace(t)).toEqual([]);
    const minors = byName(t.traceEvents, 'MinorGC');
    expect(minors.map((e) => [e.pid, e.ts])).toEqual([
      [1, 10_000],
      [2, 10_000],
    ]);
    expect(byName(t.traceEvents, 'process_name').map((e) => e.args?.name)).toEqual(['b', 'a']);
    expect(byName(t.traceEvents, 'process_sort_index').map((e) => e.args?.sort_index)).toEqual([1, 2]);
  });

  it('shows concurrent marking on the helper tracks outside every pause, steps on the mutator track, and nests a pause’s sub-phases', async () => {
    const r = await runOne({ workload: 'hide-and-seek', options: { threads: 2, verifyHeap: true } });
    expect(r.error).toBeNull();
    const t = toChromeTrace([{ label: 'hide-and-seek threads=2', result: r }]);
    expect(checkTrace(t)).toEqual([]);
    const pauses = t.traceEvents.filter((e) => e.ph === 'X' && (e.name === 'MinorGC' || e.name === 'MajorGC'));
    const inPause = (ts: number) => pauses.some((p) => ts >= p.ts! && ts < p.ts! + p.dur!);
    const marking = byName(t.traceEvents, 'V8.GC_MC_BACKGROUND_MARKING');
    expect(marking.length).toBeGreaterThan(0);
    expect(marking.every((e) => e.tid === tidOf(1))).toBe(true);
    expect(marking.some((e) => !inPause(e.ts!))).toBe(true);
    const steps = byName(t.traceEvents, 'V8.GC_MC_INCREMENTAL_START');
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((e) => e.tid === tidOf(0) && !inPause(e.ts!))).toBe(true);
    // A sequential sub-phase of a mark-compact pause, nested in its MajorGC slice.
    const sub = byName(t.traceEvents, 'V8.GC_MC_EVACUATE_CANDIDATES');
    expect(sub.length).toBeGreaterThan(0);
    expect(sub.every((e) => e.tid === tidOf(0) && inPause(e.ts!))).toBe(true);
    // Barrier work shows as a counter on the mutator's process.
    expect(byName(t.traceEvents, 'marking barrier').length).toBeGreaterThan(0);
  }, 60_000);

  it('cuts a phase that outlives its GC slice so that slices nest', () => {
    const r = sampleRun();
    r.events[0].parallel[0].threads[0].endMs = 12.5; // past the pause end at 12
    const t = toChromeTrace([{ label: 'x', result: r }]);
    expect(checkTrace(t)).toEqual([]);
    const s = byName(t.traceEvents, 'V8.GC_SCAVENGER_SCAVENGE_PARALLEL')[0];
    expect(s).toMatchObject({ ts: 10_500, dur: 1_500 });
    expect(s.args?.truncatedUs).toBe(500);
  });

  it('puts the host GCs on a track of their own, and notes one in the pause it fell in', () => {
    const r = sampleRun();
    // One inside the pause (10..12 ms), one starting before it and ending inside it.
    r.hostGcs = [
      { startMs: 9.5, durationMs: 1, kind: 'minor' },
      { startMs: 11, durationMs: 0.5, kind: 'major' },
    ];
    r.events[0].hostGc = { count: 2, ms: 1, major: 1 };
    const t = toChromeTrace([{ label: 'x', result: r }]);
    expect(checkTrace(t)).toEqual([]);
    const host = t.traceEvents.filter((e) => e.ph === 'X' && e.tid === HOST_GC_TID);
    expect(host.map((e) => [e.name, e.ts, e.dur])).toEqual([
      ['V8.GC (host, minor)', 9_500, 1_000],
      ['V8.GC (host, major)', 11_000, 500],
    ]);
    expect(byName(t.traceEvents, 'thread_name').some((e) => e.tid === HOST_GC_TID)).toBe(true);
    expect(byName(t.traceEvents, 'MinorGC')[0].args?.hostGc).toEqual({ count: 2, ms: 1, major: 1 });
  });

  it('marks a failed run', () => {
    const r = sampleRun();
    r.error = { kind: 'oom', message: 'FATAL ERROR: Reached heap limit' };
    const t = toChromeTrace([{ label: 'x', result: r }]);
    expect(t.traceEvents.some((e) => e.ph === 'i' && e.name === 'error: oom')).toBe(true);
    expect(checkTrace(t)).toEqual([]);
  });
});

describe('phaseSliceName', () => {
  it('uses V8 trace-event names, with BACKGROUND on helpers', () => {
    expect(phaseSliceName('scavenge.parallel', 0)).toBe('V8.GC_SCAVENGER_SCAVENGE_PARALLEL');
    expect(phaseSliceName('scavenge.parallel', 1)).toBe('V8.GC_SCAVENGER_BACKGROUND_SCAVENGE_PARALLEL');
    expect(phaseSliceName('mc.mark', 0)).toBe('V8.GC_MC_MARK');
    expect(phaseSliceName('mc.mark', 2)).toBe('V8.GC_MC_BACKGROUND_MARKING');
    expect(phaseSliceName('mc.sweep', 1)).toBe('V8.GC_MC_BACKGROUND_SWEEPING');
    expect(phaseSliceName('mc.evacuate.update_pointers', 1)).toBe('V8.GC_MC_BACKGROUND_EVACUATE_UPDATE_POINTERS');
    expect(phaseSliceName('other', 0)).toBe('V8.GC_OTHER');
  });
});

describe('checkTrace', () => {
  const meta = (pid: number, tid: number, name: string): TraceEvent[] => [
    { ph: 'M', pid, tid: 0, name: 'process_name', args: { name: 'p' } },
    { ph: 'M', pid, tid, name: 'thread_name', args: { name } },
  ];
  const x = (tid: number, ts: number, dur: number, name = 's'): TraceEvent => ({ ph: 'X', pid: 1, tid, ts, dur, name });

  it('accepts nested and disjoint slices and B/E pairs', () => {
    expect(
      checkTrace({
        traceEvents: [
          ...meta(1, 1, 'mutator'),
          x(1, 0, 100, 'outer'),
          x(1, 10, 20, 'inner'),
          x(1, 30, 70, 'inner2'), // ends exactly with outer
          x(1, 100, 5, 'after'), // starts exactly at outer's end
          { ph: 'B', pid: 1, tid: 1, ts: 200, name: 'b' },
          { ph: 'E', pid: 1, tid: 1, ts: 210, name: 'b' },
        ],
      }),
    ).toEqual([]);
  });

  it('reports partly overlapping slices on one track', () => {
    const p = checkTrace({ traceEvents: [...meta(1, 1, 'mutator'), x(1, 0, 100, 'a'), x(1, 50, 100, 'b')] });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/pid:tid 1:1: slice 3 \(b, 50\.\.150 µs\) partly overlaps slice 2 \(a, 0\.\.100 µs\)/);
  });

  it('reports overlaps between X and B/E slices', () => {
    const p = checkTrace({
      traceEvents: [...meta(1, 1, 'mutator'), x(1, 0, 100, 'a'), { ph: 'B', pid: 1, tid: 1, ts: 90, name: 'b' }, { ph: 'E', pid: 1, tid: 1, ts: 120, name: 'b' }],
    });
    expect(p).toHaveLength(1);
  });

  it('does not mix tracks: overlap on different tids is fine', () => {
    expect(checkTrace({ traceEvents: [...meta(1, 1, 'mutator'), ...meta(1, 2, 'gc-worker-1').slice(1), x(1, 0, 100), x(2, 50, 100)] })).toEqual([]);
  });

  it('reports a tid used without a thread_name, and a pid without a process_name', () => {
    const p = checkTrace({ traceEvents: [...meta(1, 1, 'mutator'), x(2, 0, 1), { ph: 'X', pid: 5, tid: 1, ts: 0, dur: 1, name: 'z' }] });
    expect(p).toContain('pid:tid 1:2 (first used by event 2) has no thread_name');
    expect(p).toContain('pid:tid 5:1 (first used by event 3) has no thread_name');
    expect(p).toContain('pid 5 has no process_name');
  });

  it('reports timestamps that are not finite µs offsets', () => {
    const p = checkTrace({
      traceEvents: [
        ...meta(1, 1, 'mutator'),
        x(1, NaN, 1, 'nan'),
        { ph: 'X', pid: 1, tid: 1, ts: null, dur: 1, name: 'null' } as unknown as TraceEvent, // NaN after JSON
        x(1, 1.7e15, 1, 'epoch'),
        x(1, 0, -1, 'negdur'),
        { ph: 'C', pid: 1, ts: Infinity, name: 'heap', args: {} },
      ],
    });
    expect(p.some((s) => s.includes('(nan) has ts NaN'))).toBe(true);
    expect(p.some((s) => s.includes('(null) has ts null'))).toBe(true);
    expect(p.some((s) => s.includes('(epoch) has ts 1700000000000000: an absolute time'))).toBe(true);
    expect(p.some((s) => s.includes('(negdur) has dur -1'))).toBe(true);
    expect(p.some((s) => s.includes('(heap) has ts Infinity'))).toBe(true);
  });

  it('reports unmatched B and E, malformed events and a missing traceEvents', () => {
    const p = checkTrace({
      traceEvents: [...meta(1, 1, 'mutator'), { ph: 'E', pid: 1, tid: 1, ts: 5, name: 'e' }, { ph: 'B', pid: 1, tid: 1, ts: 6, name: 'b' }, 42, { ph: 'X' }],
    });
    expect(p).toContain('event 2: E on pid:tid 1:1 with no open B');
    expect(p).toContain('event 3 (b): B on pid:tid 1:1 never ends');
    expect(p).toContain('event 4 is not an object');
    expect(p).toContain('event 5 lacks ph, pid or name');
    expect(checkTrace({})).toEqual(['trace has no traceEvents array']);
    expect(checkTrace(null)).toEqual(['trace has no traceEvents array']);
  });
});
