/**
 * The parallel and background phases a collector asks the participants to run, by number (the
 * number crosses threads in the scheduler's control block). Collectors name a phase here;
 * `participant.ts` dispatches it to the per-thread body on every thread.
 */
export const PHASE_SCAVENGE = 1;
export const PHASE_MARK = 2;
export const PHASE_EVACUATE = 3;
export const PHASE_UPDATE_POINTERS = 4;
export const PHASE_SWEEP = 5;
/** Argument of PHASE_EVACUATE: helpers take no item (--no-parallel-compaction). */
export const EVACUATE_MAIN_THREAD_ONLY = 1;
/** Background: helpers 1..arg mark while the mutator runs. */
export const PHASE_CONCURRENT_MARK = 6;
/** Background: helpers sweep the queued pages while the mutator runs. */
export const PHASE_SWEEP_BACKGROUND = 7;
/** Helpers that sweep concurrently at most, the `arg` of PHASE_SWEEP_BACKGROUND (V8's Sweeper::kMaxSweeperTasks). */
export const MAX_CONCURRENT_SWEEPERS = 3;
