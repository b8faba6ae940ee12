/**
 * The main-thread side of a trial: starts a fresh worker thread, calls TrialApi.run through
 * comlink with a progress callback, and turns every way the worker can fail (an uncaught throw,
 * process.exit, a timeout, an interrupt) into a TrialFailure instead of an exception or a hang.
 *
 * The worker's entry is trial-worker.js in a compiled build (started directly, plain ESM). From
 * source it is trial-worker.ts, and Node 20 cannot start a worker on a .ts file even under tsx:
 * the worker starts on trial-worker-boot.mjs, which installs tsx's ESM hooks in the worker and
 * imports the .ts entry as an ES module. The worker's execArgv carries tsx (inherited when the
 * parent runs under tsx: `tsx main.ts`, `node --import tsx`; added as
 * `--import tsx` otherwise) for the Piscina helpers the trial starts, which inherit it.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './trial-worker-endpoint.ts';
import { ChildProcessWatch } from './child-processes.ts';
import { entryExecArgv, entryModuleUrl } from '../scheduler/module-url.ts';
import type { TrialAnswer, TrialApi, TrialFailure, TrialProgress, TrialSpec } from './trial-worker-api.ts';
import type { RunResult } from '../metrics/result.ts';

const ENTRY = fileURLToPath(entryModuleUrl('./trial-worker.ts', import.meta.url));
/** Only a .ts entry needs the boot file. */
const BOOT = ENTRY.endsWith('.ts') ? fileURLToPath(new URL('./trial-worker-boot.mjs', import.meta.url)) : null;

/** How a trial's worker is started: its file, argv and execArgv (see the header). */
function trialWorkerStart(): { file: string; argv: string[]; execArgv: string[] | undefined } {
  return BOOT === null
    ? { file: ENTRY, argv: [], execArgv: undefined }
    : { file: BOOT, argv: [ENTRY], execArgv: entryExecArgv([ENTRY]) };
}

export interface TrialOutcome {
  /** The run's record (complete, or up to its failure); null when the worker died first. */
  result: RunResult | null;
  failure: TrialFailure | null;
  /** Wall time on the main thread, worker start-up and tear-down included. */
  hostMs: number;
}

export interface TrialRunOptions {
  onProgress?: (p: TrialProgress) => void;
  /** Kill the worker and report `timeout` after this long. */
  timeoutMs?: number;
  /** Abort: kill the worker and report `interrupted`. */
  signal?: AbortSignal;
  /** ForTesting: leave the child processes of a failed trial running (the negative control). */
  keepChildProcessesForTesting?: boolean;
}

/** Runs one trial in a fresh worker thread. Never throws for a failure of the trial. */
export async function runTrialInWorker(spec: TrialSpec, opts: TrialRunOptions = {}): Promise<TrialOutcome> {
  const t0 = performance.now();
  const interrupted = (): TrialOutcome => ({ result: null, failure: { kind: 'interrupted', message: 'interrupted before the trial ended' }, hostMs: performance.now() - t0 });
  if (opts.signal?.aborted) return interrupted();

  const start = trialWorkerStart();
  const worker = new Worker(start.file, { argv: start.argv, ...(start.execArgv ? { execArgv: start.execArgv } : {}) });
  const children = new ChildProcessWatch(worker.threadId);
  const api = Comlink.wrap<TrialApi>(nodeEndpoint(worker));
  const progress = opts.onProgress ? Comlink.proxy(opts.onProgress) : undefined;

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const answer = await new Promise<TrialAnswer>((resolve) => {
    let settled = false;
    const settle = (a: TrialAnswer): void => {
      if (settled) return;
      settled = true;
      resolve(a);
    };
    const fail = (kind: TrialFailure['kind'], message: string): void => settle({ result: null, failure: { kind, message } });
    worker.once('error', (e: Error) => fail('crash', `trial worker crashed: ${e.message}`));
    worker.once('exit', (code: number) => fail('crash', `trial worker exited with code ${code} before answering`));
    if (opts.timeoutMs !== undefined && Number.isFinite(opts.timeoutMs)) {
      timer = setTimeout(() => fail('timeout', `trial took longer than ${opts.timeoutMs} ms`), opts.timeoutMs);
    }
    if (opts.signal) {
      onAbort = () => fail('interrupted', 'interrupted before the trial ended');
      opts.signal.addEventListener('abort', onAbort, { once: true });
    }
    api.run(spec, progress).then(settle, (e: unknown) => fail('crash', `trial worker failed: ${e instanceof Error ? e.message : String(e)}`));
  });
  if (timer) clearTimeout(timer);
  if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
  worker.removeAllListeners('error');
  worker.on('error', () => undefined); // a late error from a dying worker is not news
  api[Comlink.releaseProxy]();
  await worker.terminate();
  // A worker's end does not end the processes it started (the V8 engine's child node): a failed
  // trial's are killed here, so they cannot take a core from the trials after it.
  if (answer.failure !== null && opts.keepChildProcessesForTesting !== true) {
    const killed = await children.killRunning();
    if (killed.length > 0) answer.failure.message += ` (killed its child process${killed.length === 1 ? '' : 'es'} ${killed.join(', ')})`;
  }
  children.close();
  return { ...answer, hostMs: performance.now() - t0 };
}
