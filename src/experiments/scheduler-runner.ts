/**
 * The PhaseRunner for threads > 1: the scheduler's parked helpers, each running a GC
 * participant built from the shared buffers (src/gc/participant.ts).
 */
import type { GcShared } from '../gc/gc-shared.ts';
import type { PhaseRunner } from '../gc/phase-runner.ts';
import type { GcOptions } from '../options.ts';

export async function startSchedulerRunner(_shared: GcShared, options: GcOptions): Promise<PhaseRunner> {
  throw new Error(`threads = ${options.threads} needs the parallel scheduler, which is not available yet`);
}
