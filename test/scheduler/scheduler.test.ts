import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadId as mainOsThread } from 'node:worker_threads';
import { GCThreadError, Scheduler } from '../../src/scheduler/scheduler.ts';
import { Terminator } from '../../src/parallel/termination.ts';
import { START_MS, END_MS } from '../../src/parallel/thread-stats.ts';
import {
  FAULT_BLOCK,
  FAULT_EXIT,
  FAULT_LOOP,
  FAULT_THROW,
  PROBE_BACKGROUND,
  PROBE_FAULT,
  PROBE_IDS,
  PROBE_NOOP,
  PROBE_TERMINATE,
  RELEASE,
  createParticipant,
  createProbeData,
  injectFaultForTesting,
  type ProbeData,
} from '../helpers/participants/probe-participant.ts';

const PROBE_MODULE = new URL('../helpers/participants/probe-participant.ts', import.meta.url).href;

async function startProbe(threads: number, dispatch: 'parked' | 'task' = 'parked') {
  const data = createProbeData(threads);
  const sched = await Scheduler.start({ threads, participantModule: PROBE_MODULE, participantData: data, dispatch });
  const main = createParticipant(data, 0, sched.context(0));
  return { data, sched, main };
}

function expectAllRan(data: ProbeData, threads: number, arg: number): void {
  const ids = new Int32Array(data.ids);
  const os = new Set<number>();
  for (let t = 0; t < threads; t++) {
    expect(ids[2 * t], `thread ${t}`).toBe(arg + t + 1);
    os.add(ids[2 * t + 1]);
  }
  expect(os.size).toBe(threads); // every participant on its own OS thread
  expect(ids[1]).toBe(mainOsThread);
}

describe('Scheduler', () => {
  describe.each(['parked', 'task'] as const)('with %s dispatch', (dispatch) => {
    let env: Awaited<ReturnType<typeof startProbe>>;
    beforeAll(async () => {
      env = await startProbe(4, dispatch);
    });
    afterAll(async () => {
      await env?.sched.close();
    });

    it('runs each phase on every thread, the main thread included', () => {
      const { data, sched, main } = env;
      for (let arg = 0; arg < 200; arg += 10) {
        new Int32Array(data.ids).fill(0);
        sched.runPhase(PROBE_IDS, arg, 'test.ids', () => main.runPhase(PROBE_IDS, arg));
        expectAllRan(data, 4, arg);
      }
      for (let t = 0; t < 4; t++) {
        expect(sched.stats.get(t, START_MS)).toBeGreaterThan(0);
        expect(sched.stats.get(t, END_MS)).toBeGreaterThanOrEqual(sched.stats.get(t, START_MS));
      }
      expect(sched.lastWakeUs).toBeGreaterThanOrEqual(0);
    });

    it('runs a background phase while the main thread goes on, then joins it', () => {
      const { data, sched } = env;
      const control = new Int32Array(data.control);
      new Int32Array(data.ids).fill(0);
      Atomics.store(control, RELEASE, 0);
      sched.startBackground(PROBE_BACKGROUND, 50, 'test.background');
      expect(sched.backgroundDone()).toBe(false); // helpers wait for RELEASE, which only we set
      expect(() => sched.runPhase(PROBE_NOOP, 0, 'test.noop', () => {})).toThrow(/joinBackground/);
      Atomics.store(control, RELEASE, 1);
      Atomics.notify(control, RELEASE);
      sched.joinBackground();
      expect(sched.backgroundDone()).toBe(true);
      const ids = new Int32Array(data.ids);
      for (let t = 1; t < 4; t++) expect(ids[2 * t]).toBe(50 + t + 1);
      expect(ids[0]).toBe(0); // the main thread took no part
    });

    it("rethrows the main thread's own error once the helpers have stopped, and stays usable", () => {
      const { data, sched, main } = env;
      expect(() =>
        sched.runPhase(PROBE_IDS, 0, 'test.main-throws', () => {
          throw new Error('main bug');
        }),
      ).toThrow('main bug');
      new Int32Array(data.ids).fill(0);
      sched.runPhase(PROBE_IDS, 7, 'test.ids', () => main.runPhase(PROBE_IDS, 7));
      expectAllRan(data, 4, 7);
    });
  });

  it('runs everything on the main thread with threads = 1, without a pool', async () => {
    const { data, sched, main } = await startProbe(1);
    sched.runPhase(PROBE_IDS, 3, 'test.ids', () => main.runPhase(PROBE_IDS, 3));
    expect(new Int32Array(data.ids)[0]).toBe(4);
    sched.startBackground(PROBE_BACKGROUND, 0, 'test.background');
    expect(sched.backgroundDone()).toBe(true);
    sched.joinBackground();
    expect(sched.liveWorkersForTesting()).toBe(0);
    await sched.close();
  });

  it('fails start() with a clear error when a helper cannot build its participant', async () => {
    await expect(
      Scheduler.start({
        threads: 2,
        participantModule: new URL('../helpers/participants/does-not-exist.ts', import.meta.url).href,
        participantData: null,
      }),
    ).rejects.toThrow(/gc helper thread 1 failed to start/);
  });
});

describe('Scheduler faults', () => {
  const cases = [
    { name: 'throws', kind: FAULT_THROW, phase: PROBE_FAULT, dispatch: 'parked', message: /gc helper thread 2 failed in phase mc\.mark: boom/ },
    { name: 'calls process.exit', kind: FAULT_EXIT, phase: PROBE_FAULT, dispatch: 'parked', message: /gc helper thread 2 exited with code 3 in phase mc\.mark/ },
    { name: 'loops forever', kind: FAULT_LOOP, phase: PROBE_FAULT, dispatch: 'parked', message: /gc helper thread 2 stalled in phase mc\.mark/ },
    { name: 'throws while the main thread waits in the terminator', kind: FAULT_THROW, phase: PROBE_TERMINATE, dispatch: 'parked', message: /gc helper thread 2 failed in phase mc\.mark: boom/ },
    { name: 'blocks forever while the main thread waits in the terminator', kind: FAULT_BLOCK, phase: PROBE_TERMINATE, dispatch: 'parked', message: /gc helper thread 2 stalled in phase mc\.mark/ },
    { name: 'throws (task dispatch)', kind: FAULT_THROW, phase: PROBE_FAULT, dispatch: 'task', message: /gc helper thread 2 failed in phase mc\.mark: boom/ },
    { name: 'calls process.exit (task dispatch)', kind: FAULT_EXIT, phase: PROBE_TERMINATE, dispatch: 'task', message: /gc helper thread 2 exited with code 3 in phase mc\.mark/ },
  ] as const;

  // 3 threads (main + helpers 1 and 2) keep pool start-up short; helper 2 is the culprit.
  it.each(cases)('reports a helper that $name as one GCThreadError within 2 s, then closes cleanly', async (c) => {
    const { data, sched, main } = await startProbe(3, c.dispatch);
    try {
      // a healthy phase first: the fault must not be an accident of start-up
      sched.runPhase(PROBE_IDS, 0, 'test.ids', () => main.runPhase(PROBE_IDS, 0));
      injectFaultForTesting(data, 2, c.kind);
      Terminator.attach(data.terminator).reset();
      const t0 = performance.now();
      let err: unknown = null;
      try {
        sched.runPhase(c.phase, 0, 'mc.mark', () => main.runPhase(c.phase, 0));
      } catch (e) {
        err = e;
      }
      const elapsedMs = performance.now() - t0;
      expect(err).toBeInstanceOf(GCThreadError);
      const g = err as GCThreadError;
      expect(g.message).toMatch(c.message);
      expect(g.thread).toBe(2);
      expect(g.phase).toBe('mc.mark');
      expect(elapsedMs).toBeLessThan(2000);
      // refuses further phases with the same error
      expect(() => sched.runPhase(PROBE_NOOP, 0, 'test.after', () => {})).toThrow(g);
    } finally {
      await sched.close();
    }
    expect(sched.liveWorkersForTesting()).toBe(0);
  });

  it('reports a phase in which every helper waits for a participant that never offers termination', async () => {
    const { data, sched } = await startProbe(3);
    try {
      injectFaultForTesting(data, -1, FAULT_THROW); // no culprit: nobody faults
      Terminator.attach(data.terminator).reset(); // 3 participants, but the main thread won't offer
      const t0 = performance.now();
      let err: unknown = null;
      try {
        sched.runPhase(PROBE_TERMINATE, 0, 'mc.mark', () => {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GCThreadError);
      expect((err as GCThreadError).kind).toBe('no-progress');
      expect((err as GCThreadError).message).toMatch(/gc phase mc\.mark made no progress/);
      expect(performance.now() - t0).toBeLessThan(2000);
    } finally {
      await sched.close();
    }
    expect(sched.liveWorkersForTesting()).toBe(0);
  });
});
