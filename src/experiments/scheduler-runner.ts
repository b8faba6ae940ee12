/**
 * The PhaseRunner for threads > 1: the scheduler's parked helpers, each running a GC
 * participant (src/gc/participant.ts) built from the shared buffers, bumping the GC's own
 * heartbeat and filling its thread-stats table. From dist/, the helpers load the compiled
 * participant.js.
 */
import type { GcShared } from '../gc/gc-shared.ts';
import type { PhaseRunner } from '../gc/phase-runner.ts';
import type { GcOptions } from '../options.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { entryModuleUrl } from '../scheduler/module-url.ts';

/** `faultInjection`: ForTesting, helpers run gc/fault-injection.ts, which fails on request. */
export async function startSchedulerRunner(shared: GcShared, options: GcOptions, faultInjection = false): Promise<PhaseRunner> {
  return Scheduler.start({
    threads: options.threads,
    participantModule: entryModuleUrl(faultInjection ? '../gc/fault-injection.ts' : '../gc/participant.ts', import.meta.url).href,
    participantData: shared.buffers,
    dispatch: options.dispatch,
    helperJoin: options.helperJoin,
    stallTimeoutMs: options.stallTimeoutMs,
    heartbeat: shared.heartbeat,
    stats: shared.stats,
  });
}
