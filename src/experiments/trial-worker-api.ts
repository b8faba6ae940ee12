/**
 * The contract between a sweep (main thread) and a trial's worker thread, called through
 * comlink: plain, structured-cloneable data only. A trial is one `runOne` in a fresh worker.
 */
import type { GCType, RunResult } from '../metrics/result.ts';
import type { GcOptions } from '../options.ts';

/** How a trial can end badly. `oom`/`fault`/`verify`/`error` come from the run itself
 * (`RunResult.error`, or an exception out of it); the rest are seen from the main thread. */
export type TrialFailureKind = 'oom' | 'fault' | 'verify' | 'error' | 'crash' | 'timeout' | 'interrupted';

export interface TrialFailure {
  kind: TrialFailureKind;
  message: string;
}

/** ForTesting: how to make a trial's worker die (see `gcsim sweep --crash-trial-for-testing`). */
export type CrashMode = 'throw' | 'exit';

export interface TrialSpec {
  workload: string;
  seed: number;
  params: Record<string, number>;
  options: Partial<GcOptions>;
  /** ForTesting: the worker dies this way instead of running (an uncaught throw or process.exit). */
  crashForTesting?: CrashMode | null;
}

/** Sent to the main thread as GCs happen (at most every PROGRESS_INTERVAL_MS). */
export interface TrialProgress {
  gcs: number;
  lastType: GCType;
  lastPauseMs: number;
  /** ms since the run started (the GC's end). */
  elapsedMs: number;
}

/** What `run` answers: the result (with `result.error` for a failed run), or an exception's text
 * when the run threw before it could produce one. */
export interface TrialAnswer {
  result: RunResult | null;
  failure: TrialFailure | null;
}

export interface TrialApi {
  run(spec: TrialSpec, onProgress?: (p: TrialProgress) => void): Promise<TrialAnswer>;
}

/** Exit status of a worker told to `exit` for testing. */
export const CRASH_EXIT_CODE = 70;
