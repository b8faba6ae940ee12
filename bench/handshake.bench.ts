/**
 * Round trip of an empty stop-the-world phase: the parked handshake (store + notify, helpers wake
 * from Atomics.wait, the main thread waits for the last) against a Piscina task per helper per
 * phase, threads = 2 and 4 (on a 2-core machine 4 is oversubscribed). "hot": phases back to back
 * (helpers still spinning from the last one, as inside one GC); "cold": 1 ms of main-thread work
 * before each phase, so helpers are asleep in Atomics.wait (the first phase of a GC). Also the
 * wake-up figure `lastWakeUs` (store+notify until the last helper had started).
 * Run: npx tsx bench/handshake.bench.ts
 */

import { Bench } from 'tinybench';
import { Scheduler } from '../src/scheduler/scheduler.ts';
import { PROBE_NOOP, createProbeData } from '../test/helpers/participants/probe-participant.ts';

const PROBE_MODULE = new URL('../test/helpers/participants/probe-participant.ts', import.meta.url).href;
const noop = (): void => {};
/** Main-thread work between cold phases: far longer than any helper spins before it sleeps. */
const COLD_GAP_MS = 1;

function median(xs: number[]): number {
  const s = xs.toSorted((a, b) => a - b);
  return s.length === 0 ? NaN : s[s.length >> 1];
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the mutator at work
  }
}

const rows: Record<string, string | number>[] = [];
for (const threads of [2, 4]) {
  for (const dispatch of ['parked', 'task'] as const) {
    const sched = await Scheduler.start({
      threads,
      dispatch,
      participantModule: PROBE_MODULE,
      participantData: createProbeData(threads),
    });
    for (const temp of ['hot', 'cold'] as const) {
      const wakes: number[] = [];
      const bench = new Bench({ time: temp === 'hot' ? 1500 : 2500, warmupTime: 200 });
      bench.add(
        `${dispatch} threads=${threads} ${temp}`,
        () => {
          sched.runPhase(PROBE_NOOP, 0, 'bench.noop', noop);
          wakes.push(sched.lastWakeUs);
        },
        temp === 'cold' ? { beforeEach: () => busyWait(COLD_GAP_MS) } : {},
      );
      bench.runSync();
      for (const t of bench.tasks) {
        const r = t.result;
        if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
        rows.push({
          task: t.name,
          'round trip p50 (µs)': +(r.latency.p50 * 1000).toFixed(1),
          'mean (µs)': +(r.latency.mean * 1000).toFixed(1),
          'p99 (µs)': +(r.latency.p99 * 1000).toFixed(1),
          'last wake p50 (µs)': +median(wakes).toFixed(1),
          samples: r.latency.samplesCount,
        });
      }
    }
    await sched.close();
  }
}
console.table(rows);
