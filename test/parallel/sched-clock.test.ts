/**
 * The run-queue clock (src/parallel/sched-clock.ts): a thread that has to share a core shows the
 * wait, and a run that asks for it records each thread's preemption per parallel phase.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SchedClock } from '../../src/parallel/sched-clock.ts';
import { runOne } from '../../src/experiments/run.ts';
import { SMALL, SMALL_HEAP } from '../helpers/small.ts';

const clock = SchedClock.open();
const BUSY_MS = 300;

/** Busy threads that spin until told to stop: with twice the cores of them, every thread waits. */
function startSpinners(n: number): { stop: () => Promise<void>; started: Promise<void> } {
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const w = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const f = new Int32Array(workerData); parentPort.postMessage('up');
       while (Atomics.load(f, 0) === 0) {}`,
      { eval: true, workerData: flag.buffer },
    );
    workers.push(w);
    ready.push(new Promise((res) => w.once('message', () => res())));
  }
  return {
    started: Promise.all(ready).then(() => undefined),
    stop: async () => {
      Atomics.store(flag, 0, 1);
      await Promise.all(workers.map((w) => new Promise((res) => w.once('exit', res))));
    },
  };
}

describe.skipIf(clock === null)('run-queue clock (Linux /proc/thread-self/schedstat)', () => {
  it('never goes back, and counts the time a busy thread waited for a shared core', async () => {
    const c = clock!;
    c.read();
    const first = c.runQueueMs;
    c.read();
    expect(c.runQueueMs).toBeGreaterThanOrEqual(first);
    const spinners = startSpinners(2 * availableParallelism());
    try {
      await spinners.started;
      c.read();
      const before = c.runQueueMs;
      const t0 = performance.now();
      while (performance.now() - t0 < BUSY_MS) {
        // spin: this thread is one of 2 x cores + 1 runnable threads
      }
      c.read();
      // Fair shares would make it wait about half of BUSY_MS; a tenth is a safe floor.
      expect(c.runQueueMs - before).toBeGreaterThan(BUSY_MS / 10);
    } finally {
      await spinners.stop();
    }
  }, 20_000);

  it('a run with recordPreemption has each thread\'s wait in every parallel phase; without, none', async () => {
    const options = { ...SMALL_HEAP, threads: 2, jitWarmup: false };
    const on = await runOne({ workload: 'splay', params: SMALL.splay, options: { ...options, recordPreemption: true } });
    const off = await runOne({ workload: 'splay', params: SMALL.splay, options });
    expect(on.error).toBeNull();
    const phases = on.events.flatMap((e) => e.parallel);
    expect(phases.length).toBeGreaterThan(0);
    for (const ph of phases) {
      for (const t of ph.threads) {
        expect(t.preemptedMs, `${ph.name} thread ${t.thread}`).toBeGreaterThanOrEqual(0);
        // a wait inside the phase, give or take the clock reads around it
        expect(t.preemptedMs!).toBeLessThanOrEqual(t.endMs - t.startMs + 1);
      }
    }
    for (const t of off.events.flatMap((e) => e.parallel).flatMap((ph) => ph.threads)) expect(t.preemptedMs).toBeUndefined();
  }, 60_000);
});

describe.skipIf(clock !== null)('run-queue clock where the machine has none', () => {
  it('recordPreemption is refused with one line', async () => {
    await expect(runOne({ workload: 'splay', params: SMALL.splay, options: { recordPreemption: true } })).rejects.toThrow(/recordPreemption needs/);
  });
});
