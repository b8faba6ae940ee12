/**
 * Piscina entry of the gc helper threads: thin on purpose. Reads workerData (the scheduler's
 * SABs, the participant module's URL and data) and hands each task to `src/scheduler/helper.ts`.
 * No top-level await in this file's import graph: under tsx, Piscina loads it through require.
 */

import { workerData } from 'node:worker_threads';
import { handleTask, type HelperTask, type HelperWorkerData } from '../src/scheduler/helper.ts';

export default function gcWorker(task: HelperTask): Promise<unknown> {
  return handleTask(workerData as HelperWorkerData, task);
}
