import { describe, expect, it } from 'vitest';
import { nvpToEvent, parseNvp } from '../../src/v8/nvp-parser.ts';
import { alignRun } from '../../src/v8/align.ts';

// Real lines of node 20 (V8 11.3) with --trace-gc-nvp, shortened to the fields the parser uses.
const SCAVENGE =
  '[21846:0x1da83090]       74 ms: pause=0.5 mutator=0.7 gc=s reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00 scavenge=0.51 scavenge.roots=0.08 scavenge.parallel=0.38 background.scavenge.parallel=0.30 incremental.steps_count=0 scavenge_throughput=1486212 total_size_before=4282520 total_size_after=3621120 holes_size_before=160 allocated=634976 promoted=180056 new_space_survived=280312 nodes_promoted=8 promotion_ratio=18.5% average_survival_ratio=28.8% new_space_allocation_throughput=909707.7 unmapper_chunks=0';
const MARK_COMPACT =
  '[21846:0x1da83090]      102 ms: pause=5.0 mutator=3.5 gc=mc reduce_memory=0 time_to_safepoint=0.00 heap.prologue=0.00 evacuate=0.5 evacuate.copy=0.2 mark=3.6 mark.roots=0.2 sweep=0.0 incremental=0.4 incremental_longest_step=0.3 incremental_steps_count=2 incremental_walltime_duration=8 background.mark=6.2 total_size_before=13020120 total_size_after=6334104 allocated=915752 promoted=915744 new_space_survived=915744 compaction_speed=4691311';

describe('parseNvp', () => {
  it("turns V8's lines into gcsim events: type, pause, sizes, promoted, per-phase times", () => {
    const p = parseNvp(`${SCAVENGE}\n${MARK_COMPACT}\n`);
    expect(p.unparsed).toEqual([]);
    expect(p.records.map((r) => [r.type, r.tsMs, r.isolate])).toEqual([
      ['scavenge', 74, '0x1da83090'],
      ['mark-compact', 102, '0x1da83090'],
    ]);
    const s = nvpToEvent(p.records[0], 0, 10);
    expect(s).toMatchObject({ type: 'scavenge', pauseMs: 0.5, beforeBytes: 4282520, afterBytes: 3621120, promotedBytes: 180056, survivedBytes: 100256, incremental: null });
    expect(s.startMs).toBeCloseTo(74 - 10 - 0.5);
    expect(s.phasesMs).toMatchObject({ scavenge: 0.51, 'scavenge.roots': 0.08, 'scavenge.parallel': 0.38 });
    expect(s.phasesMs).not.toHaveProperty('total_size_before');
    const mc = nvpToEvent(p.records[1], 1, 0);
    expect(mc.phasesMs).toMatchObject({ 'mc.mark': 3.6, 'mc.evacuate.copy': 0.2, 'mc.background.mark': 6.2 });
    expect(mc.incremental).toMatchObject({ steps: 2, biggestStepMs: 0.3, walltimeMs: 8, concurrentMsPerThread: [6.2] });
  });

  it('reports every line it cannot parse, with the reason, and drops none', () => {
    const p = parseNvp(['Hello from a workload', SCAVENGE.replace('gc=s', 'gc=mmc'), SCAVENGE.replace('pause=0.5', 'pause=abc'), SCAVENGE.replace(' gc=s', ' gc=s stray'), SCAVENGE].join('\n'));
    expect(p.records.length).toBe(1);
    expect(p.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [1, 'not a V8 --trace-gc-nvp line'],
      [2, 'collector gc=mmc has no gcsim counterpart'],
      [3, "value of pause is not a number: 'abc'"],
      [4, "token 'stray' is not name=value"],
    ]);
  });

  it("puts back a line whose prefix another isolate's line split from its body", () => {
    const other = SCAVENGE.replace('0x1da83090', '0x7fe47c000f00').replace('   74 ms', '  939 ms');
    const [prefix, body] = [MARK_COMPACT.slice(0, MARK_COMPACT.indexOf('pause=')), MARK_COMPACT.slice(MARK_COMPACT.indexOf('pause='))];
    const p = parseNvp(`${prefix}${other}\n${body}\n`);
    expect(p.unparsed).toEqual([]);
    expect(p.repaired).toBe(1);
    expect(p.records.map((r) => [r.isolate, r.type])).toEqual([
      ['0x7fe47c000f00', 'scavenge'],
      ['0x1da83090', 'mark-compact'],
    ]);
  });
});

describe('alignRun', () => {
  it("finds the run's window between the marker GCs by kind and a steady clock offset", () => {
    const recs = [
      { tsMs: 10, type: 'mark-compact' as const },
      { tsMs: 20, type: 'scavenge' as const },
      { tsMs: 25, type: 'mark-compact' as const }, // marker before the run
      { tsMs: 30, type: 'scavenge' as const },
      { tsMs: 31, type: 'scavenge' as const },
      { tsMs: 32, type: 'scavenge' as const },
      { tsMs: 40, type: 'mark-compact' as const }, // marker after
      { tsMs: 41, type: 'scavenge' as const },
    ];
    const observed = [29.5, 30.5, 31.5].map((end) => ({ kind: 'scavenge' as const, startTime: end + 100 - 0.2, duration: 0.2 }));
    expect(alignRun(recs, observed)).toMatchObject({ first: 3, offsetMs: -99.5, spreadMs: 0 });
    expect(alignRun(recs, [...observed, ...observed, ...observed]).first).toBe(-1);
  });
});
