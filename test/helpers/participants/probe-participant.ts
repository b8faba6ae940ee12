/**
 * Test-only participant module for the scheduler: phases that record which thread ran them, a
 * background phase held open by the main thread, and faults injected ForTesting (a helper that
 * throws, calls process.exit, spins forever without a heartbeat, or blocks forever). Runs in every
 * helper thread and, for participant 0, on the main thread.
 */

import { threadId as osThreadId } from 'node:worker_threads';
import { Terminator, type TerminatorBuffers } from '../../../src/parallel/termination.ts';
import type { ThreadContext } from '../../../src/parallel/thread-context.ts';

export const PROBE_NOOP = 0;
/** Each thread writes arg + threadId and its OS thread id into `ids`. */
export const PROBE_IDS = 1;
/** Helpers beat until the main thread sets RELEASE, then write like PROBE_IDS. */
export const PROBE_BACKGROUND = 2;
/** The thread named in `control` commits the fault named there; the others return at once. */
export const PROBE_FAULT = 3;
/** Every thread offers termination (no work anywhere); the faulty thread faults first. */
export const PROBE_TERMINATE = 4;
/** Each thread adds 1 to its count of phases run (`runs[t]`). */
export const PROBE_COUNT = 5;

export const FAULT_NONE = 0;
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;
/** Spins forever without a heartbeat. */
export const FAULT_LOOP = 3;
/** Blocks forever in Atomics.wait. */
export const FAULT_BLOCK = 4;

// control words
const FAULT_THREAD = 0;
const FAULT_KIND = 1;
export const RELEASE = 2;
const NEVER = 3;

export interface ProbeData {
  /** Int32 [2t] = arg + t + 1, [2t + 1] = OS thread id. */
  ids: SharedArrayBuffer;
  control: SharedArrayBuffer;
  terminator: TerminatorBuffers;
  /** Int32 [t] = PROBE_COUNT phases thread t ran. */
  runs: SharedArrayBuffer;
}

export function createProbeData(threads: number): ProbeData {
  return {
    ids: new SharedArrayBuffer(threads * 8),
    control: new SharedArrayBuffer(16),
    terminator: Terminator.create({ threads }).buffers,
    runs: new SharedArrayBuffer(threads * 4),
  };
}

/** Arms a fault for the next PROBE_FAULT / PROBE_TERMINATE phase. Main thread, between phases. */
export function injectFaultForTesting(data: ProbeData, thread: number, kind: number): void {
  const c = new Int32Array(data.control);
  Atomics.store(c, FAULT_THREAD, thread);
  Atomics.store(c, FAULT_KIND, kind);
}

const noWork = (threadId: number) => ({ threadId, hasVisibleWork: () => false });

export function createParticipant(data: unknown, threadId: number, ctx: ThreadContext) {
  const d = data as ProbeData;
  const ids = new Int32Array(d.ids);
  const control = new Int32Array(d.control);
  const runs = new Int32Array(d.runs);
  const terminator = Terminator.attach(d.terminator, { heartbeat: ctx.heartbeat, stats: ctx.stats });
  const work = noWork(threadId);

  function fault(): void {
    if (Atomics.load(control, FAULT_THREAD) !== threadId) return;
    switch (Atomics.load(control, FAULT_KIND)) {
      case FAULT_THROW:
        throw new Error('boom');
      case FAULT_EXIT:
        process.exit(3);
        break;
      case FAULT_LOOP:
        for (;;) {
          // no heartbeat, no way out: only Worker.terminate() ends this
        }
      case FAULT_BLOCK:
        Atomics.wait(control, NEVER, 0);
        break;
    }
  }

  return {
    runPhase(phase: number, arg: number): void {
      switch (phase) {
        case PROBE_NOOP:
          return;
        case PROBE_COUNT:
          Atomics.add(runs, threadId, 1);
          return;
        case PROBE_IDS:
          ids[2 * threadId] = arg + threadId + 1;
          ids[2 * threadId + 1] = osThreadId;
          return;
        case PROBE_BACKGROUND:
          while (Atomics.load(control, RELEASE) === 0) {
            ctx.heartbeat.beat(threadId);
            Atomics.wait(control, RELEASE, 0, 5);
          }
          ids[2 * threadId] = arg + threadId + 1;
          ids[2 * threadId + 1] = osThreadId;
          return;
        case PROBE_FAULT:
          fault();
          return;
        case PROBE_TERMINATE:
          fault();
          while (!terminator.offerTermination(work)) {
            // no work ever appears
          }
          return;
        default:
          throw new Error(`probe: unknown phase ${phase}`);
      }
    },
  };
}
