/**
 * The body of one trial's worker thread: exposes TrialApi over comlink on the parent port.
 * One worker runs one trial and is then terminated, so a crash, an out-of-memory or a leak in
 * one trial cannot touch the next. The run may start its own Piscina helpers (threads > 1).
 * Compiled, it is the worker's entry; from source it is loaded through trial-worker-boot.mjs
 * (see trial-worker-client.ts).
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { classifyError, runOne } from './run.ts';
import { nodeEndpoint } from './trial-worker-endpoint.ts';
import { CRASH_EXIT_CODE, type TrialApi, type TrialAnswer, type TrialProgress, type TrialSpec } from './trial-worker-api.ts';

/** Progress messages are rate-limited: a run can do thousands of GCs. */
const PROGRESS_INTERVAL_MS = 100;

export const trialApi: TrialApi = {
  async run(spec: TrialSpec, onProgress?: (p: TrialProgress) => void): Promise<TrialAnswer> {
    if (spec.crashForTesting === 'exit') process.exit(CRASH_EXIT_CODE);
    if (spec.crashForTesting === 'throw') {
      // Uncaught, outside the comlink call: the worker dies with an 'error' event, no answer.
      setImmediate(() => {
        throw new Error('trial crashed for testing (--crash-trial-for-testing)');
      });
      return new Promise<never>(() => undefined);
    }
    let gcs = 0;
    let lastSent = -Infinity;
    const t0 = performance.now();
    const onEvent = onProgress
      ? (ev: { type: TrialProgress['lastType']; pauseMs: number }) => {
          gcs++;
          const now = performance.now();
          if (now - lastSent < PROGRESS_INTERVAL_MS) return;
          lastSent = now;
          // Fire and forget: the reply would only arrive once this run yields.
          Promise.resolve(onProgress({ gcs, lastType: ev.type, lastPauseMs: ev.pauseMs, elapsedMs: now - t0 })).catch(() => undefined);
        }
      : undefined;
    try {
      const result = await runOne({ workload: spec.workload, seed: spec.seed, params: spec.params, options: spec.options, onEvent });
      return { result, failure: result.error ? { kind: result.error.kind, message: result.error.message } : null };
    } catch (e) {
      const err = classifyError(e);
      return { result: null, failure: { kind: err.kind, message: err.message } };
    }
  },
};

if (parentPort) Comlink.expose(trialApi, nodeEndpoint(parentPort));
