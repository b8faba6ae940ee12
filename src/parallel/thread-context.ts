/**
 * What a participant thread is given besides its own data: its id and the phase-wide signals.
 * Types only; the scheduler builds one per thread (the main thread's via `Scheduler.context(0)`),
 * and per-thread GC bodies accept it without knowing the scheduler. Counterpart of the
 * `JobDelegate` a V8 job task receives.
 */

import type { Heartbeat } from './heartbeat.ts';
import type { ThreadStats } from './thread-stats.ts';

export interface ThreadContext {
  /** 0 = the main thread, 1..threads-1 = helpers. */
  readonly threadId: number;
  readonly threads: number;
  /** Bump `heartbeat.beat(threadId)` about once per segment; it throws when the phase is aborted. */
  readonly heartbeat: Heartbeat;
  /** Per-phase figures: reset by the scheduler before each phase; start/end are filled in for you. */
  readonly stats: ThreadStats;
}

/** One thread's phase runner, built once per thread by the participant module. */
export interface Participant {
  runPhase(phase: number, arg: number): void;
}

/** The export a participant module must provide (`export function createParticipant`). */
export type CreateParticipant = (data: unknown, threadId: number, ctx: ThreadContext) => Participant;
