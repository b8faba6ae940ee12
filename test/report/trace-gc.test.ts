import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MarkCompactMutatorUtilization,
  backgroundMs,
  formatPhaseWorkers,
  formatTraceGc,
  formatTraceGcLog,
  formatTraceGcNvp,
  isolateAddress,
  printfFixed,
} from '../../src/report/trace-gc.ts';
import type { GCEvent } from '../../src/metrics/result.ts';
import { MB, gcEvent, phase, threadStats } from '../metrics/fixtures.ts';

/** The Node 20 --trace-gc regex from notes/formats.md. */
const TRACE_GC_RE =
  /^\[(\d+):(0x[0-9a-f]+)\]\s+(\d+) ms: (\S+(?: \(reduce\))?(?: \(interleaved\))?) ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ ([\d.]+) ms\s+(?:\(\+ ([\d.]+) ms in (\d+) steps[^)]*\) )?\(average mu = ([\d.]+), current mu = ([\d.]+)\) ([^;]*);\s?(.*)$/;

/** The NVP parser from notes/formats.md. */
const parseNvp = (l: string): Record<string, string> =>
  Object.fromEntries(l.slice(l.indexOf(' ms: ') + 5).trim().split(/\s+/).map((kv) => kv.split('=')));

describe('printfFixed', () => {
  it('rounds like glibc printf (exact binary value, ties to even)', () => {
    // Expected strings produced by glibc's printf("%.*f") on the same doubles.
    const cases: [number, number, string][] = [
      [0.125, 2, '0.12'],
      [0.375, 2, '0.38'],
      [2.5, 0, '2'],
      [3.5, 0, '4'],
      [0.5, 0, '0'],
      [1.5, 0, '2'],
      [1.005, 2, '1.00'],
      [21.5, 0, '22'],
      [0.0625, 3, '0.062'],
      [2.675, 2, '2.67'],
      [1e21, 1, '1000000000000000000000.0'],
      [0.05, 1, '0.1'],
      [0.15, 1, '0.1'],
      [0.25, 1, '0.2'],
      [0.35, 1, '0.3'],
      [5e-324, 3, '0.000'],
      [-0, 1, '-0.0'],
      [-2.5, 0, '-2'],
      [-0.04, 1, '-0.0'],
      [99.95, 1, '100.0'],
      [1234567.5, 0, '1234568'],
      [NaN, 1, 'nan'],
      [Infinity, 1, 'inf'],
    ];
    for (const [x, p, s] of cases) expect(printfFixed(x, p), `${x} %.${p}f`).toBe(s);
  });

  it('pads to a width like %8.0f', () => {
    expect(printfFixed(22, 0, 8)).toBe('      22');
    expect(printfFixed(123456789, 0, 8)).toBe('123456789');
  });

  it('agrees with toFixed except on exact ties', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 6 }), (x, p) => {
        const twice = x * 10 ** p * 2;
        const maybeTie = Number.isInteger(twice) && Math.abs(twice) % 2 === 1;
        if (!maybeTie && !Object.is(x, -0) && !(x < 0 && Number(x.toFixed(p)) === 0)) {
          expect(printfFixed(x, p)).toBe(x.toFixed(p));
        }
      }),
    );
  });
});

describe('MarkCompactMutatorUtilization', () => {
  it('reproduces V8 GCTracerTest.MutatorUtilization', () => {
    const mu = new MarkCompactMutatorUtilization(0);
    expect([mu.average, mu.current]).toEqual([1, 1]);
    mu.recordMarkCompact(200, 100);
    expect([mu.current, mu.average]).toEqual([0.5, 0.5]);
    mu.recordMarkCompact(400, 100);
    expect([mu.current, mu.average]).toEqual([0.5, 0.5]);
    mu.recordMarkCompact(600, 200);
    expect(mu.current).toBe(0);
    expect(mu.average).toBe(50 / 200);
    mu.recordMarkCompact(800, 0);
    expect(mu.current).toBe(1);
    expect(mu.average).toBe(125 / 200);
  });

  it('counts only mark-compacts, with their incremental steps', () => {
    const mu = new MarkCompactMutatorUtilization();
    mu.observe(gcEvent({ type: 'scavenge', startMs: 10, pauseMs: 5 }));
    expect(mu.current).toBe(1);
    mu.observe(
      gcEvent({
        type: 'mark-compact',
        startMs: 90,
        pauseMs: 10,
        incremental: { stepsMs: 10, steps: 3, biggestStepMs: 5, walltimeMs: 50, concurrentMsPerThread: [], barrierRecords: 0, floatingGarbageBytes: 0 },
      }),
    );
    expect(mu.current).toBe(0.8); // 20 ms of GC in the 100 ms since the start
    expect(mu.average).toBe(0.8);
  });
});

const sampleScavenge = gcEvent({
  type: 'scavenge',
  startMs: 20.43,
  pauseMs: 1.57,
  beforeBytes: 3.9 * MB,
  beforeCommittedBytes: 4 * MB,
  afterBytes: 3.7 * MB,
  afterCommittedBytes: 5 * MB,
  reason: 'allocation failure',
  collectorReason: '',
});

const sampleMarkCompact = gcEvent({
  type: 'mark-compact',
  startMs: 213.39,
  pauseMs: 44.61,
  beforeBytes: 56 * MB,
  beforeCommittedBytes: 73.7 * MB,
  afterBytes: 48.5 * MB,
  afterCommittedBytes: 83.2 * MB,
  reason: 'finalize incremental marking via stack guard',
  collectorReason: 'GC in old space requested',
  incremental: { stepsMs: 1.8, steps: 5, biggestStepMs: 1.3, walltimeMs: 2.39, concurrentMsPerThread: [], barrierRecords: 0, floatingGarbageBytes: 0 },
});

describe('formatTraceGc', () => {
  const ctx = { pid: 3638, isolate: '0x104f3c40', muAverage: 1, muCurrent: 1 };

  it('reproduces the Node 20 scavenge line byte for byte', () => {
    expect(formatTraceGc(sampleScavenge, ctx)).toBe(
      '[3638:0x104f3c40]       22 ms: Scavenge 3.9 (4.0) -> 3.7 (5.0) MB, 1.57 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
    );
  });

  it('reproduces the Node 20 incremental mark-compact line byte for byte', () => {
    expect(formatTraceGc(sampleMarkCompact, ctx)).toBe(
      '[3638:0x104f3c40]      258 ms: Mark-Compact 56.0 (73.7) -> 48.5 (83.2) MB, 44.61 / 0.00 ms  (+ 1.8 ms in 5 steps since start of marking, biggest step 1.3 ms, walltime since start of marking 47 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via stack guard; GC in old space requested',
    );
  });

  it('prints (reduce), a given time and the mu values', () => {
    const l = formatTraceGc(sampleScavenge, { ...ctx, muAverage: 0.9876, muCurrent: 0.5, timeMs: 123456.7, reduceMemory: true });
    expect(l).toContain('  123457 ms: Scavenge (reduce) 3.9');
    expect(l).toContain('(average mu = 0.988, current mu = 0.500)');
    expect(TRACE_GC_RE.test(l)).toBe(true);
  });

  it('rejects an isolate that %p would not print', () => {
    expect(() => formatTraceGc(sampleScavenge, { ...ctx, isolate: '104f3c40' })).toThrow(RangeError);
    expect(isolateAddress(0x5581c0a0)).toBe('0x5581c0a0');
  });

  const eventArb: fc.Arbitrary<GCEvent> = fc
    .record({
      mc: fc.boolean(),
      startMs: fc.double({ min: 0, max: 1e7, noNaN: true }),
      pauseMs: fc.double({ min: 0, max: 5000, noNaN: true }),
      before: fc.integer({ min: 0, max: 2 ** 40 }),
      after: fc.integer({ min: 0, max: 2 ** 40 }),
      committed: fc.integer({ min: 0, max: 2 ** 40 }),
      incremental: fc.option(
        fc.record({
          stepsMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
          steps: fc.integer({ min: 0, max: 1e6 }),
          biggestStepMs: fc.double({ min: 0, max: 1e3, noNaN: true }),
          walltimeMs: fc.double({ min: 0, max: 1e5, noNaN: true }),
        }),
      ),
      reason: fc.constantFrom('allocation failure', 'testing', 'idle task', 'finalize incremental marking via stack guard'),
      collectorReason: fc.constantFrom('', 'GC in old space requested', 'promotion failure'),
    })
    .map((r) =>
      gcEvent({
        type: r.mc ? 'mark-compact' : 'scavenge',
        startMs: r.startMs,
        pauseMs: r.pauseMs,
        beforeBytes: r.before,
        afterBytes: r.after,
        beforeCommittedBytes: r.committed,
        afterCommittedBytes: r.committed,
        reason: r.reason,
        collectorReason: r.collectorReason,
        incremental:
          r.incremental === null ? null : { ...r.incremental, concurrentMsPerThread: [], barrierRecords: 0, floatingGarbageBytes: 0 },
      }),
    );

  it('produces lines that the notes regex parses back into the same fields', () => {
    fc.assert(
      fc.property(
        eventArb,
        fc.integer({ min: 1, max: 4_000_000 }),
        fc.integer({ min: 1, max: 2 ** 47 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (ev, pid, iso, muAverage, muCurrent) => {
          const isolate = isolateAddress(iso);
          const line = formatTraceGc(ev, { pid, isolate, muAverage, muCurrent });
          const m = TRACE_GC_RE.exec(line);
          expect(m, line).not.toBeNull();
          if (m === null) return;
          expect(Number(m[1])).toBe(pid);
          expect(m[2]).toBe(isolate);
          expect(Math.abs(Number(m[3]) - (ev.startMs + ev.pauseMs))).toBeLessThanOrEqual(0.5);
          expect(m[4]).toBe(ev.type === 'scavenge' ? 'Scavenge' : 'Mark-Compact');
          expect(Math.abs(Number(m[5]) - ev.beforeBytes / MB)).toBeLessThanOrEqual(0.05);
          expect(Math.abs(Number(m[6]) - ev.beforeCommittedBytes / MB)).toBeLessThanOrEqual(0.05);
          expect(Math.abs(Number(m[7]) - ev.afterBytes / MB)).toBeLessThanOrEqual(0.05);
          expect(Math.abs(Number(m[8]) - ev.afterCommittedBytes / MB)).toBeLessThanOrEqual(0.05);
          expect(Math.abs(Number(m[9]) - ev.pauseMs)).toBeLessThanOrEqual(0.005);
          expect(Number(m[10])).toBe(0);
          if (ev.type === 'mark-compact' && ev.incremental !== null) {
            expect(Math.abs(Number(m[11]) - ev.incremental.stepsMs)).toBeLessThanOrEqual(0.05);
            expect(Number(m[12])).toBe(ev.incremental.steps);
          } else {
            expect(m[11]).toBeUndefined();
          }
          expect(Math.abs(Number(m[13]) - muAverage)).toBeLessThanOrEqual(0.0005);
          expect(Math.abs(Number(m[14]) - muCurrent)).toBeLessThanOrEqual(0.0005);
          expect(m[15]).toBe(ev.reason);
          expect(m[16]).toBe(ev.collectorReason);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('formatTraceGcNvp', () => {
  const scav = gcEvent({
    index: 1,
    type: 'scavenge',
    startMs: 18,
    pauseMs: 1.04,
    timeToSafepointMs: 0.012,
    beforeBytes: 5 * MB,
    afterBytes: 4 * MB,
    promotedBytes: 1000,
    survivedBytes: 2000,
    phasesMs: { scavenge: 1.0, 'scavenge.roots': 0.125, 'scavenge.parallel': 0.7 },
    parallel: [
      phase('scavenge.parallel', [
        threadStats(0, 18.2, 18.9, { busyMs: 0.6 }),
        threadStats(1, 18.2, 18.9, { busyMs: 0.5 }),
        threadStats(2, 18.25, 18.9, { busyMs: 0.25 }),
      ]),
    ],
  });

  it('prints the prefix, the leading keys, the phases, background sums and the tail', () => {
    const prev = gcEvent({ startMs: 2, pauseMs: 1.4, afterBytes: 3 * MB });
    const line = formatTraceGcNvp(scav, { pid: 3722, isolate: '0x24929c40', previous: prev });
    expect(line.startsWith('[3722:0x24929c40]       19 ms: pause=1.0 mutator=14.6 gc=s reduce_memory=0 time_to_safepoint=0.01 ')).toBe(true);
    const kv = parseNvp(line);
    expect(kv).toMatchObject({
      pause: '1.0',
      mutator: '14.6',
      gc: 's',
      scavenge: '1.00',
      'scavenge.roots': '0.12', // 0.125 is a tie: printf rounds to even
      'scavenge.parallel': '0.70',
      'background.scavenge.parallel': '0.75',
      total_size_before: String(5 * MB),
      total_size_after: String(4 * MB),
      allocated: String(2 * MB),
      promoted: '1000',
      new_space_survived: '2000',
    });
    expect(Object.keys(kv)[0]).toBe('pause');
  });

  it('names mark-compact keys as V8 does and adds the incremental keys', () => {
    const mc = gcEvent({
      type: 'mark-compact',
      startMs: 100,
      pauseMs: 20,
      phasesMs: { 'mc.mark': 5, 'mc.evacuate.copy': 3, 'mc.sweep': 1 },
      parallel: [phase('mc.evacuate.copy', [threadStats(0, 105, 108), threadStats(1, 105, 107.5)])],
      incremental: { stepsMs: 4, steps: 7, biggestStepMs: 1.25, walltimeMs: 30, concurrentMsPerThread: [], barrierRecords: 0, floatingGarbageBytes: 0 },
      evacuatedBytes: 4096,
      evacuationCandidates: 3,
      evacuationCandidateBytes: 0,
      abortedCandidates: 0,
      releasedPages: 0,
      markedBytes: 0,
      sweptPages: 0,
    });
    const kv = parseNvp(formatTraceGcNvp(mc, { pid: 1, isolate: '0x1' }));
    expect(kv).toMatchObject({
      gc: 'mc',
      mutator: '100.0',
      mark: '5.00',
      'evacuate.copy': '3.00',
      sweep: '1.00',
      'background.evacuate.copy': '2.50',
      incremental: '4.0',
      incremental_steps_count: '7',
      incremental_longest_step: '1.2',
      incremental_walltime_duration: '50',
      'gcsim.evacuated': '4096',
      'gcsim.evacuation_candidates': '3',
      'gcsim.aborted_candidates': '0',
      'gcsim.marked': '0',
      'gcsim.swept_pages': '0',
      'gcsim.released_pages': '0',
    });
  });

  it('sums helper busy time, leaving out the main thread', () => {
    expect(backgroundMs(scav.parallel[0])).toBe(0.75);
  });
});

describe('formatPhaseWorkers', () => {
  it('prints G1-style rows per parallel phase', () => {
    const ev = gcEvent({
      parallel: [
        phase('scavenge.parallel', [
          threadStats(0, 0, 2, { busyMs: 1.9, idleMs: 0.1, objects: 95, bytes: 1000, stealsAttempted: 4, stealsSucceeded: 1 }),
          threadStats(1, 0, 4, { busyMs: 3.7, idleMs: 0.3, objects: 1, bytes: 24, stealsAttempted: 10, stealsSucceeded: 7 }),
        ]),
      ],
    });
    expect(formatPhaseWorkers(ev)).toEqual([
      '    scavenge.parallel (ms): Min: 1.9, Avg: 2.8, Max: 3.7, Diff: 1.8, Sum: 5.6, Workers: 2',
      '      Idle (ms): Min: 0.1, Avg: 0.2, Max: 0.3, Diff: 0.2, Sum: 0.4, Workers: 2',
      '      Objects: Min: 1, Avg: 48.0, Max: 95, Diff: 94, Sum: 96, Workers: 2',
      '      Bytes: Min: 24, Avg: 512.0, Max: 1000, Diff: 976, Sum: 1024, Workers: 2',
      '      Steals Attempted: Min: 4, Avg: 7.0, Max: 10, Diff: 6, Sum: 14, Workers: 2',
      '      Steals Succeeded: Min: 1, Avg: 4.0, Max: 7, Diff: 6, Sum: 8, Workers: 2',
    ]);
    expect(formatPhaseWorkers(gcEvent())).toEqual([]);
  });

  it('adds each thread\'s wait for a CPU when the run recorded it', () => {
    const ev = gcEvent({
      parallel: [
        phase('mc.evacuate.copy', [
          threadStats(0, 0, 20, { busyMs: 20, preemptedMs: 0 }),
          threadStats(1, 0, 28, { busyMs: 28, preemptedMs: 8.2 }),
        ]),
      ],
    });
    expect(formatPhaseWorkers(ev).at(-1)).toBe('      Preempted (ms): Min: 0.0, Avg: 4.1, Max: 8.2, Diff: 8.2, Sum: 8.2, Workers: 2');
  });

  it('adds the races each thread lost and the locks it found held, when the record has them', () => {
    const rows = (extra: object[]) =>
      formatPhaseWorkers(gcEvent({ parallel: [phase('scavenge.parallel', [threadStats(0, 0, 2, { busyMs: 2, ...extra[0] }), threadStats(1, 0, 2, { busyMs: 2, ...extra[1] })])] }));
    expect(rows([{}, {}]).some((l) => l.includes('Races Lost') || l.includes('Locks Contended'))).toBe(false); // an older record
    expect(rows([{ racesLost: 0, locksContended: 2 }, { racesLost: 3, locksContended: 0 }]).slice(-2)).toEqual([
      '      Races Lost: Min: 0, Avg: 1.5, Max: 3, Diff: 3, Sum: 3, Workers: 2',
      '      Locks Contended: Min: 0, Avg: 1.0, Max: 2, Diff: 2, Sum: 2, Workers: 2',
    ]);
  });

  it('adds the mark targets each thread mailed, where one did (owner marking)', () => {
    const rows = (extra: object[]) =>
      formatPhaseWorkers(gcEvent({ parallel: [phase('mc.mark', [threadStats(0, 0, 2, { busyMs: 2, ...extra[0] }), threadStats(1, 0, 2, { busyMs: 2, ...extra[1] })])] }));
    expect(rows([{}, {}]).some((l) => l.includes('Mail Sent'))).toBe(false);
    expect(rows([{ mailSent: 40 }, {}]).at(-1)).toBe('      Mail Sent: Min: 0, Avg: 20.0, Max: 40, Diff: 40, Sum: 40, Workers: 2');
  });

  it('says how many threads the phase\'s work let take part when the record has it', () => {
    const copy = phase('mc.evacuate.copy', [threadStats(0, 0, 3, { busyMs: 3 })]);
    copy.helperLimit = 0; // about 1 MB of pages: the main thread alone, as V8 would
    expect(formatPhaseWorkers(gcEvent({ parallel: [copy] })).at(-1)).toBe('      Allowed Workers: 1');
    copy.helperLimit = 3;
    expect(formatPhaseWorkers(gcEvent({ parallel: [copy] })).at(-1)).toBe('      Allowed Workers: 4');
  });

  it('adds the phase\'s page faults when the run recorded them', () => {
    const copy = phase('mc.evacuate.copy', [threadStats(0, 0, 3, { busyMs: 3 })]);
    expect(formatPhaseWorkers(gcEvent({ parallel: [copy] })).some((l) => l.includes('Page Faults'))).toBe(false);
    copy.pageFaults = 4102;
    expect(formatPhaseWorkers(gcEvent({ parallel: [copy] })).at(-1)).toBe('      Page Faults: 4102');
  });
});

describe('formatTraceGcLog', () => {
  it('tracks mu across the run and feeds the previous event to NVP lines', () => {
    const evs = [
      gcEvent({ index: 0, type: 'scavenge', startMs: 10, pauseMs: 1 }),
      gcEvent({ index: 1, type: 'mark-compact', startMs: 90, pauseMs: 10 }),
      gcEvent({ index: 2, type: 'scavenge', startMs: 150, pauseMs: 2 }),
    ];
    const lines = formatTraceGcLog(evs, { pid: 7, isolate: '0xabc' });
    expect(lines.map((l) => TRACE_GC_RE.exec(l)?.slice(13, 15))).toEqual([
      ['1.000', '1.000'],
      ['0.900', '0.900'],
      ['0.900', '0.900'],
    ]);
    const nvp = formatTraceGcLog(evs, { pid: 7, isolate: '0xabc', nvp: true });
    expect(nvp.map((l) => parseNvp(l).mutator)).toEqual(['10.0', '79.0', '50.0']);
    const withWorkers = formatTraceGcLog([scavWithPhase()], { pid: 7, isolate: '0xabc', workers: true });
    expect(withWorkers).toHaveLength(7);
  });
});

function scavWithPhase(): GCEvent {
  return gcEvent({ parallel: [phase('scavenge.parallel', [threadStats(0, 0, 1), threadStats(1, 0, 1)])] });
}
