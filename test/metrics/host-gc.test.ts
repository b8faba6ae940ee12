import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { attachHostGc, hostGcKind, hostGcWithin, type HostGc } from '../../src/metrics/host-gc.ts';
import type { GCEvent } from '../../src/metrics/result.ts';
import { HostGcMonitor } from '../../src/experiments/host-gc-monitor.ts';
import { runOne } from '../../src/experiments/run.ts';
import { withSim } from '../helpers/sim.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

v8.setFlagsFromString('--expose-gc');
/** V8's `gc()`: a full collection of this thread's own heap, now. */
const hostGc = vm.runInNewContext('gc') as () => void;

const event = (startMs: number, pauseMs: number) => ({ startMs, pauseMs }) as GCEvent;

describe('host GCs placed in pauses', () => {
  it('counts a host GC in a pause by the part of it that overlaps', () => {
    const gcs: HostGc[] = [
      { startMs: 1000, durationMs: 2, kind: 'minor' }, // inside [999, 1010]
      { startMs: 1008, durationMs: 5, kind: 'major' }, // 2 ms of it inside
      { startMs: 1020, durationMs: 1, kind: 'minor' }, // after
    ];
    expect(hostGcWithin(gcs, 999, 1010)).toEqual({ count: 2, ms: 4, major: 1 });
    expect(hostGcWithin(gcs, 1014, 1019)).toBeNull();
    const events = [event(899, 11), event(914, 5), event(919.5, 1)];
    const s = attachHostGc(events, gcs, 100);
    expect(events[0].hostGc).toEqual({ count: 2, ms: 4, major: 1 });
    expect(events[1].hostGc).toBeUndefined();
    expect(events[2].hostGc).toEqual({ count: 1, ms: 0.5, major: 0 });
    expect(s).toEqual({ count: 3, ms: 8, pauses: 2, inPausesMs: 4.5 });
  });

  it('names the kinds of Node gc entries', () => {
    expect([1, 4, 8, 16, 0].map(hostGcKind)).toEqual(['minor', 'major', 'incremental', 'weakcb', 'other']);
  });

  it('finds a real host GC forced inside a pause, and not one forced between pauses', async () => {
    await withSim({ ...SMALL_HEAP }, async (sim) => {
      const m = sim.mutator;
      const monitor = HostGcMonitor.start();
      hostGc(); // between pauses: before the first
      m.collect('minor');
      // Inside the next pause: the mutator's afterGc hook runs before the pause's end is taken.
      const afterGc = m.afterGc.bind(m);
      m.afterGc = () => {
        afterGc();
        hostGc();
      };
      m.collect('major');
      m.afterGc = afterGc;
      m.collect('minor');
      const gcs = await monitor.stop();
      expect(gcs.filter((g) => g.kind === 'major').length).toBeGreaterThanOrEqual(2);
      const events = sim.gc.events.slice(-3);
      const s = attachHostGc(events, gcs, sim.originMs);
      expect(events[0].hostGc).toBeUndefined();
      expect(events[1].hostGc?.major).toBe(1);
      expect(events[1].hostGc!.ms).toBeGreaterThan(0);
      expect(events[1].hostGc!.ms).toBeLessThanOrEqual(events[1].pauseMs);
      expect(events[2].hostGc).toBeUndefined();
      expect(s.pauses).toBe(1);
    });
  });

  it('a run records the host GCs of its measured part', async () => {
    const r = await runOne({ workload: 'splay', params: SMALL.splay, options: NO_WARMUP });
    expect(r.summary.hostGc).toBeDefined();
    expect(r.hostGcs).toBeDefined();
    expect(r.summary.hostGc!.count).toBe(r.hostGcs!.length);
    expect(r.summary.hostGc!.pauses).toBe(r.events.filter((e) => e.hostGc !== undefined).length);
  });
});
