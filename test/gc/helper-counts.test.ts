/**
 * How many helpers a phase wakes for comes from its work, as V8's jobs answer GetMaxConcurrency:
 * evacuation wants one thread per four 256 KB pages not yet evacuated (PageEvacuationJob: one
 * worker per MB), so about 1 MB of new space is evacuated by the main thread alone even with three
 * helpers; more pages bring the helpers in. Pointer updating wants one thread per item, at most 8,
 * and a scavenge one thread per MB of semispace and one more, at most 8 (NumberOfScavengeTasks).
 * In the background at most 7 helpers mark (by default) and 3 sweep, as V8's tasks.
 */
import { describe, expect, it } from 'vitest';
import { withSim, allVerifyErrors } from '../helpers/sim.ts';
import { EVACUATION_ITEMS_PER_THREAD, GcShared, MAX_POINTER_UPDATE_THREADS, scavengeThreads } from '../../src/gc/gc-shared.ts';
import { Participant } from '../../src/gc/participant.ts';
import { MAX_CONCURRENT_SWEEPERS, PHASE_EVACUATE, PHASE_MARK, PHASE_SCAVENGE, PHASE_SWEEP_BACKGROUND, PHASE_UPDATE_POINTERS } from '../../src/gc/phases.ts';
import { ITEM_PAGE } from '../../src/gc/work-items.ts';
import { KIND_TAGGED, PAGE_BITS } from '../../src/heap/layout.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import { runOne } from '../../src/experiments/run.ts';
import { concurrentMarkerCount, resolveOptions } from '../../src/options.ts';
import type { GCEvent } from '../../src/metrics/result.ts';

/** Keeps `bytes` of young 64-byte records alive from a global table. */
function youngRecords(sim: Simulator, bytes: number): void {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED);
  const n = Math.floor(bytes / 64);
  const table = m.allocate(m.arrayMap, n, true); // old: only the records are young
  m.setGlobal('table', table);
  for (let i = 0; i < n; i++) {
    const s = m.openScope();
    const o = m.allocate(rec, 14);
    m.setSmi(o, 0, i);
    m.set(table, i, o);
    m.closeScope(s);
  }
}

/**
 * GCs a test may take to see helpers join a long phase: each joins unless the machine keeps it off
 * every core for the whole phase (tens of ms), and the loop stops at the first GC that shows it.
 */
const ATTEMPTS = 6;

const phaseThreads = (e: GCEvent, name: string) => e.parallel.find((p) => p.name === name)?.threads.length ?? 0;
const helperLimit = (e: GCEvent, name: string) => e.parallel.find((p) => p.name === name)?.helperLimit;
const copyThreads = (e: GCEvent) => phaseThreads(e, 'mc.evacuate.copy');

describe('the work decides how many helpers join (dynamic join)', () => {
  it('wantedHelpers: evacuation one thread per four items not yet done, the main thread counted; pointer updating one per item up to 8', async () => {
    await withSim({ threads: 16 }, (sim) => {
      const shared = sim.shared;
      const helpers = 15;
      const wanted = (phase: number, items: number, of = helpers) => {
        shared.items.clear();
        for (let i = 0; i < items; i++) shared.items.add(ITEM_PAGE, i);
        return shared.wantedHelpers(phase, of);
      };
      expect(EVACUATION_ITEMS_PER_THREAD).toBe(4);
      // The main thread holds one item: with r unclaimed, r + 1 are not done.
      expect([0, 1, 3, 4, 7, 8, 11, 12, 59, 63, 200].map((r) => wanted(PHASE_EVACUATE, r))).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 14, 15, 15]);
      expect([0, 1, 2, 6, 7, 100].map((r) => wanted(PHASE_UPDATE_POINTERS, r))).toEqual([0, 1, 2, 6, MAX_POINTER_UPDATE_THREADS - 1, 7]);
      // Marking wants every helper while it has shared work.
      expect([0, 1].map((r) => wanted(PHASE_MARK, r))).toEqual([0, helpers]);
      expect(wanted(PHASE_EVACUATE, 200, 2)).toBe(2); // never more helpers than there are
    });
  });

  it('scavengeThreads: one per MB of semispace and one more, at most 8; a scavenge with work wants that many less the main thread', async () => {
    const MB = 1 << 20;
    expect([0.25, 0.5, 1, 1.5, 2, 3, 7, 8, 16, 64].map((m) => scavengeThreads(m * MB))).toEqual([1, 1, 2, 2, 3, 4, 8, 8, 8, 8]);
    for (const [semi, helpers] of [[0.25, 0], [1, 1], [3, 3], [16, 7]] as const) {
      await withSim({ threads: 1, maxSemiSpaceSize: semi }, (sim) => {
        const shared = sim.shared;
        shared.items.clear();
        expect(shared.wantedHelpers(PHASE_SCAVENGE, 15)).toBe(0); // no work
        shared.items.add(ITEM_PAGE, 0);
        expect(shared.wantedHelpers(PHASE_SCAVENGE, 15), `${semi} MB`).toBe(helpers);
        expect(shared.wantedHelpers(PHASE_SCAVENGE, 1)).toBe(Math.min(1, helpers));
      });
    }
  });

  it('a scavenge of a 1 MB semispace takes one helper at threads = 4; of a 4 MB semispace, more', async () => {
    const opts = { threads: 4, helperJoin: 'dynamic' as const };
    await withSim({ ...opts, maxSemiSpaceSize: 1 }, (sim) => {
      youngRecords(sim, 0.8 * 1024 * 1024);
      sim.mutator.collect('minor');
      const e = sim.gc.events[sim.gc.events.length - 1];
      expect(e.type).toBe('scavenge');
      expect(e.survivedBytes + e.promotedBytes).toBeGreaterThan(0.7 * 1024 * 1024);
      expect(phaseThreads(e, 'scavenge.parallel')).toBeLessThanOrEqual(2);
      expect(helperLimit(e, 'scavenge.parallel')).toBeLessThanOrEqual(1); // the record says why
      expect(allVerifyErrors(sim)).toEqual([]);
    });
    await withSim({ ...opts, maxSemiSpaceSize: 4 }, (sim) => {
      let most = 0;
      for (let gc = 0; gc < ATTEMPTS && most < 3; gc++) {
        youngRecords(sim, 3.5 * 1024 * 1024);
        sim.mutator.collect('minor');
        const e = sim.gc.events[sim.gc.events.length - 1];
        if (e.survivedBytes + e.promotedBytes > 3 * 1024 * 1024) most = Math.max(most, phaseThreads(e, 'scavenge.parallel'));
      }
      expect(most).toBeGreaterThan(2);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  }, 60_000);

  it('about 0.75 MB of young objects is evacuated by the main thread alone at threads = 4; 6 MB brings helpers in', async () => {
    const opts = { threads: 4, helperJoin: 'dynamic' as const, incrementalMarking: false, maxSemiSpaceSize: 8 };
    await withSim(opts, (sim) => {
      youngRecords(sim, 0.75 * 1024 * 1024); // 3 pages of new space, no candidates
      sim.mutator.collect('major');
      const e = sim.gc.events[sim.gc.events.length - 1];
      expect(e.type).toBe('mark-compact');
      expect(e.evacuationCandidates).toBe(0);
      expect(e.survivedBytes + e.promotedBytes).toBeGreaterThan(0.7 * 1024 * 1024);
      // It ran long enough for the lazy wake (25 µs), which asked and was told no helper.
      expect(e.phasesMs['mc.evacuate.copy']).toBeGreaterThan(0.1);
      expect(copyThreads(e)).toBe(1);
      expect(helperLimit(e, 'mc.evacuate.copy')).toBe(0);
      expect(e.parallel.find((p) => p.name === 'mc.evacuate.copy')!.wokenAfterMs).toBeUndefined(); // no helper was woken
      expect(allVerifyErrors(sim)).toEqual([]);
    });
    await withSim(opts, (sim) => {
      youngRecords(sim, 6 * 1024 * 1024); // 24 pages: the main thread and 3 helpers
      // The helpers join a copy of tens of ms unless the machine keeps them off every core.
      let most = 0;
      for (let gc = 0; gc < ATTEMPTS && most < 2; gc++) {
        sim.mutator.collect('major');
        const e = sim.gc.events[sim.gc.events.length - 1];
        if (e.survivedBytes + e.promotedBytes > 5 * 1024 * 1024) most = Math.max(most, copyThreads(e));
        if (copyThreads(e) > 1) {
          const copy = e.parallel.find((p) => p.name === 'mc.evacuate.copy')!;
          expect(copy.helperLimit).toBeGreaterThanOrEqual(copyThreads(e) - 1);
          // Woken after the lazy wake's 25 µs on the main thread; no helper starts before it is woken.
          expect(copy.wokenAfterMs).toBeGreaterThanOrEqual(0.025);
          for (const t of copy.threads.filter((x) => x.thread > 0)) expect(t.startMs).toBeGreaterThanOrEqual(copy.startMs + copy.wokenAfterMs! - 0.05);
        }
        youngRecords(sim, 6 * 1024 * 1024);
      }
      expect(most).toBeGreaterThan(1);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  }, 60_000);

  it('background: at most 7 helpers mark by default (any number when asked) and at most 3 sweep', async () => {
    expect(concurrentMarkerCount(resolveOptions({ threads: 4 }))).toBe(3);
    expect(concurrentMarkerCount(resolveOptions({ threads: 16 }))).toBe(7);
    expect(concurrentMarkerCount(resolveOptions({ threads: 16, concurrentMarkers: 15 }))).toBe(15);
    expect(MAX_CONCURRENT_SWEEPERS).toBe(3);
    const params = { treeSize: 2000, modifications: 200, steps: 40 };
    const heap = { jitWarmup: false, maxSemiSpaceSize: 0.25, initialOldSpaceSize: 1 };
    const r = await runOne({ workload: 'splay', params, options: { ...heap, threads: 9 } });
    expect(r.error).toBeNull();
    expect(r.digest).toBe((await runOne({ workload: 'splay', params, options: { ...heap, threads: 1 } })).digest);
    const threadsOf = (name: string) => new Set(r.timeline.filter((i) => i.name === name).map((i) => i.thread));
    const marking = threadsOf('mc.background.mark');
    const sweeping = threadsOf('mc.background.sweep');
    expect(marking.size).toBeGreaterThan(0);
    expect(sweeping.size).toBeGreaterThan(0);
    expect(Math.max(...marking)).toBeLessThanOrEqual(7);
    expect(Math.max(...sweeping)).toBeLessThanOrEqual(3);
  }, 60_000);

  it('a helper beyond the background sweepers claims no page; with no limit it does (deterministic, on this thread)', async () => {
    await withSim({ threads: MAX_CONCURRENT_SWEEPERS + 2, verifyHeap: false }, (sim) => {
      const m = sim.mutator;
      const page = m.addressOf(m.allocate(m.arrayMap, 4, true)) >>> PAGE_BITS; // an old page
      const shared = sim.shared;
      const beyond = new Participant(GcShared.attach(shared.buffers), MAX_CONCURRENT_SWEEPERS + 1);
      shared.sweepItems.clear();
      shared.sweepItems.add(ITEM_PAGE, page);
      beyond.runPhase(PHASE_SWEEP_BACKGROUND, MAX_CONCURRENT_SWEEPERS);
      expect(shared.sweepItems.remaining()).toBe(1);
      // Negative control: with no limit the same helper takes the page. (The page is swept with
      // no marks, so its objects are freed: nothing runs on this heap afterwards.)
      beyond.runPhase(PHASE_SWEEP_BACKGROUND, 0);
      expect(shared.sweepItems.remaining()).toBe(0);
    });
  });
});
