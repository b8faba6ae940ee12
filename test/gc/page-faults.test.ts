/**
 * Option recordPageFaults: each GC event and each parallel phase record the process's minor page
 * faults (getrusage) while they ran. A scavenge that copies into to-space pages never written
 * before faults once per 4 KiB page; a later one that copies as much into the same pages, written
 * by then, does not; nor does a first one into a heap made with option preTouch. Counts, not times.
 */
import { describe, expect, it } from 'vitest';
import { withSim } from '../helpers/sim.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import type { GCEvent } from '../../src/metrics/result.ts';

const LIVE_BYTES = 2 << 20;
const PAGE = 4096;

/** Keeps LIVE_BYTES of young 64-byte records alive from a global table `name`. */
function youngRecords(sim: Simulator, name: string): void {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED); // the same map when defined before
  const n = LIVE_BYTES / 64;
  const table = m.allocate(m.arrayMap, n, true);
  m.setGlobal(name, table);
  for (let i = 0; i < n; i++) {
    const s = m.openScope();
    m.set(table, i, m.allocate(rec, 14));
    m.closeScope(s);
  }
}

function scavenge(sim: Simulator): GCEvent {
  sim.mutator.collect('minor');
  return sim.gc.events[sim.gc.events.length - 1];
}

describe('page faults in pauses (recordPageFaults)', () => {
  for (const threads of [1, 2]) {
    it(`a first copy into fresh to-space pages counts a fault per page; a later one into the same pages does not (threads ${threads})`, async () => {
      await withSim({ threads, maxSemiSpaceSize: 8, recordPageFaults: true }, (sim) => {
        youngRecords(sim, 'first');
        const first = scavenge(sim); // copied within new space, into fresh to-space pages
        // Each later copy goes into the same to-space pages as the first. The counts are the
        // process's: another thread (V8's compiler threads, a helper's own JS heap) can fault
        // during a phase, and that only adds: up to 115 faults in one copy on a loaded machine,
        // against the first copy's 1,000 or so. So the least of up to five later copies is taken;
        // a round in which the old generation's limit started a GC of its own is left out.
        const later: GCEvent[] = [];
        for (let i = 0; i < 5; i++) {
          scavenge(sim); // promoted: new space is empty again
          const before = sim.gc.events.length;
          youngRecords(sim, `later${i}`);
          const ev = scavenge(sim);
          if (sim.gc.events.length === before + 1) later.push(ev);
        }
        expect(later.length).toBeGreaterThan(0);
        for (const ev of [first, ...later]) {
          const phase = ev.parallel.find((p) => p.name === 'scavenge.parallel')!;
          expect(ev.survivedBytes).toBeGreaterThanOrEqual(LIVE_BYTES);
          expect(ev.pageFaults).toBeGreaterThanOrEqual(phase.pageFaults!); // the pause holds the phase
        }
        const pages = LIVE_BYTES / PAGE;
        expect(first.parallel[0].pageFaults).toBeGreaterThanOrEqual(pages * 0.9);
        expect(Math.min(...later.map((ev) => ev.parallel[0].pageFaults!))).toBeLessThan(pages * 0.25);
      });
    }, 30_000);
  }

  for (const threads of [1, 2]) {
    it(`with preTouch, a first copy into to-space pages faults on few of them (threads ${threads})`, async () => {
      await withSim({ threads, maxSemiSpaceSize: 8, recordPageFaults: true, preTouch: true }, (sim) => {
        youngRecords(sim, 'first');
        const first = scavenge(sim); // the same copy that faults once per page above
        expect(first.survivedBytes).toBeGreaterThanOrEqual(LIVE_BYTES);
        // Other threads of the process may fault meanwhile (70 times once, in a CI run of the test
        // above): a quarter of the pages still tells this from a fault on each.
        expect(first.parallel[0].pageFaults).toBeLessThan((LIVE_BYTES / PAGE) * 0.25);
      });
    }, 30_000);
  }

  it('is absent when not recorded', async () => {
    await withSim({ threads: 1, maxSemiSpaceSize: 8 }, (sim) => {
      youngRecords(sim, 'table');
      const ev = scavenge(sim);
      expect(ev.pageFaults).toBeUndefined();
      expect(ev.parallel.every((p) => p.pageFaults === undefined)).toBe(true);
    });
  });
});
