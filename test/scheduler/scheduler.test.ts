import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadId as mainOsThread } from 'node:worker_threads';
import { GCThreadError, Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.ts';
import { TEST_JOIN_CLOSED_PHASES } from '../../src/scheduler/control-block.ts';
import { Terminator } from '../../src/parallel/termination.ts';
import { START_MS, END_MS } from '../../src/parallel/thread-stats.ts';
import {
  FAULT_BLOCK,
  FAULT_EXIT,
  FAULT_LOOP,
  FAULT_THROW,
  PROBE_BACKGROUND,
  PROBE_COUNT,
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

async function startProbe(threads: number, dispatch: 'parked' | 'task' = 'parked', more: Partial<SchedulerOptions> = {}) {
  const data = createProbeData(threads);
  const sched = await Scheduler.start({ threads, participantModule: PROBE_MODULE, participantData: data, dispatch, ...more });
  const main = createParticipant(data, 0, sched.context(0));
  return { data, sched, main };
}

/** A probe scheduler for `fn`, closed afterwards. */
async function withProbe<T>(threads: number, dispatch: 'parked' | 'task', more: Partial<SchedulerOptions>, fn: (env: Awaited<ReturnType<typeof startProbe>>) => T | Promise<T>): Promise<T> {
  const env = await startProbe(threads, dispatch, more);
  try {
    return await fn(env);
  } finally {
    await env.sched.close();
  }
}

/** The main thread's share of a long phase: beats until helpers 1-3 have each run it (20 s at most). */
function beatUntilHelpersRan(sched: Scheduler, data: ProbeData): void {
  const ids = new Int32Array(data.ids);
  const deadline = performance.now() + 20_000;
  while ((ids[2] === 0 || ids[4] === 0 || ids[6] === 0) && performance.now() < deadline) sched.heartbeat.beat(0);
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

/** A phase whose main-thread share beats until helpers 1-3 have run it: all three join and run it. */
function expectAllJoinLongPhase({ data, sched, main }: Awaited<ReturnType<typeof startProbe>>, arg: number, name: string): void {
  new Int32Array(data.ids).fill(0);
  sched.runPhase(PROBE_IDS, arg, name, () => {
    main.runPhase(PROBE_IDS, arg);
    beatUntilHelpersRan(sched, data);
  });
  expect(sched.lastJoined).toBe(3);
  expectAllRan(data, 4, arg);
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

/**
 * 'dynamic' join (V8's job model): helpers take part in a phase only if they arrive before the
 * main thread has finished it, and are woken only once a phase runs longer than lazyWakeUs.
 */
describe('Scheduler, dynamic join', () => {
  /** Runs `phases` PROBE_COUNT phases; returns helper runs counted by the helpers and by the scheduler. */
  function countPhases(env: Awaited<ReturnType<typeof startProbe>>, phases: number): { ran: number; joined: number } {
    const { data, sched, main } = env;
    const runs = new Int32Array(data.runs);
    runs.fill(0);
    let joined = 0;
    for (let i = 0; i < phases; i++) {
      sched.runPhase(PROBE_COUNT, i, 'test.count', () => main.runPhase(PROBE_COUNT, i));
      joined += sched.lastJoined;
    }
    // Every helper answers the last wake-up before a phase of every helper ('all') starts.
    sched.helperJoin = 'all';
    sched.runPhase(PROBE_COUNT, 0, 'test.count', () => main.runPhase(PROBE_COUNT, 0));
    sched.helperJoin = 'dynamic';
    joined += sched.lastJoined;
    let ran = 0;
    for (let t = 1; t < sched.threads; t++) ran += Atomics.load(runs, t);
    expect(Atomics.load(runs, 0)).toBe(phases + 1);
    return { ran, joined };
  }

  for (const dispatch of ['parked', 'task'] as const) {
    it(`${dispatch}: a short phase does not wake the helpers; a long one wakes them and each joins`, async () => {
      await withProbe(4, dispatch, { helperJoin: 'dynamic' }, ({ data, sched, main }) => {
        for (let i = 0; i < 50; i++) {
          new Int32Array(data.ids).fill(0);
          sched.runPhase(PROBE_IDS, i, 'test.short', () => main.runPhase(PROBE_IDS, i));
          expect(sched.lastJoined).toBe(0);
          expect(sched.lastWakeUs).toBe(0);
          const ids = new Int32Array(data.ids);
          for (let t = 1; t < 4; t++) expect(ids[2 * t]).toBe(0);
          for (let t = 1; t < 4; t++) expect(sched.stats.get(t, START_MS)).toBe(0);
        }
        // A main-thread share that beats and goes on until every helper has run the phase.
        expectAllJoinLongPhase({ data, sched, main }, 100, 'test.long');
      });
    }, 60_000);
  }

  it('a long phase whose work no helper could take (sharedWork says none) wakes nobody; once it says some, every helper joins', async () => {
    await withProbe(4, 'parked', { helperJoin: 'dynamic' }, ({ data, sched, main }) => {
      let shared = false;
      let asked = 0;
      sched.sharedWork = {
        wantedHelpers: (phase, helpers) => {
          expect(phase).toBe(PROBE_IDS);
          expect(helpers).toBe(3);
          asked++;
          return shared ? helpers : 0;
        },
      };
      // Beats for 5 ms, far past the 25 µs lazy wake, with nothing a helper could take.
      new Int32Array(data.ids).fill(0);
      sched.runPhase(PROBE_IDS, 7, 'test.private', () => {
        main.runPhase(PROBE_IDS, 7);
        const until = performance.now() + 5;
        while (performance.now() < until) sched.heartbeat.beat(0);
      });
      expect(asked).toBeGreaterThan(0);
      expect(sched.lastJoined).toBe(0);
      const ids = new Int32Array(data.ids);
      for (let t = 1; t < 4; t++) expect(ids[2 * t]).toBe(0);
      // The same long phase once work is visible: a beat wakes them.
      shared = true;
      expectAllJoinLongPhase({ data, sched, main }, 8, 'test.shared');
    });
  }, 60_000);

  it('a long phase whose work wants fewer helpers than there are lets only that many join; the others skip it and the next phase has them all', async () => {
    await withProbe(4, 'parked', { helperJoin: 'dynamic' }, ({ data, sched, main }) => {
      let wanted = 1;
      sched.sharedWork = { wantedHelpers: () => wanted };
      const runs = new Int32Array(data.runs);
      for (const want of [1, 2]) {
        wanted = want;
        runs.fill(0);
        // Beats until the wanted helpers have run (20 s at most), then 20 ms more: time for the
        // others, woken too, to arrive and be turned away.
        sched.runPhase(PROBE_COUNT, 0, 'test.limited', () => {
          main.runPhase(PROBE_COUNT, 0);
          const helperRuns = () => Atomics.load(runs, 1) + Atomics.load(runs, 2) + Atomics.load(runs, 3);
          const deadline = performance.now() + 20_000;
          while (helperRuns() < want && performance.now() < deadline) sched.heartbeat.beat(0);
          const until = performance.now() + 20;
          while (performance.now() < until) sched.heartbeat.beat(0);
        });
        expect(sched.lastJoined).toBe(want);
        let ran = 0;
        for (let t = 1; t < 4; t++) ran += Atomics.load(runs, t);
        expect(ran).toBe(want);
      }
      // Negative control of the limit: a phase whose work wants every helper gets them all.
      wanted = 3;
      expectAllJoinLongPhase({ data, sched, main }, 9, 'test.all');
    });
  }, 60_000);

  it('a helper that arrives after the main thread closed the phase skips it; every helper that ran was waited for', async () => {
    const { ran, joined } = await withProbe(4, 'parked', { helperJoin: 'dynamic', lazyWakeUs: 0 }, (env) => countPhases(env, 300));
    expect(ran).toBe(joined);
  }, 60_000);

  it('negative control: helpers that join closed phases run phases nobody waited for, and the count shows it', async () => {
    const { ran, joined } = await withProbe(4, 'parked', { helperJoin: 'dynamic', lazyWakeUs: 0 }, (env) => {
      env.sched.setTestFlagsForTesting(TEST_JOIN_CLOSED_PHASES);
      return countPhases(env, 300);
    });
    expect(ran).toBeGreaterThan(joined);
  }, 60_000);
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
