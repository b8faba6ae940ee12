/**
 * The PhaseRunner for threads > 1: the scheduler's parked helpers, each running a GC
 * participant (src/gc/participant.ts) built from the shared buffers, bumping the GC's own
 * heartbeat and filling its thread-stats table.
 */
import type { GcShared } from '../gc/gc-shared.ts';
import type { PhaseRunner } from '../gc/phase-runner.ts';
import type { GcOptions } from '../options.ts';
import { Scheduler } from '../scheduler/scheduler.ts';

export async function startSchedulerRunner(shared: GcShared, options: GcOptions): Promise<PhaseRunner> {
  return Scheduler.start({
    threads: options.threads,
    participantModule: new URL('../gc/participant.ts', import.meta.url).href,
    participantData: shared.buffers,
    dispatch: options.dispatch,
    stallTimeoutMs: options.stallTimeoutMs,
    heartbeat: shared.heartbeat,
    stats: shared.stats,
  });
}
