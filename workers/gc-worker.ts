/**
 * Piscina entry of the gc helper threads: thin on purpose. Reads workerData (the scheduler's
 * SABs, the participant module's URL and data) and hands each task to `src/scheduler/helper.ts`.
 * No top-level await anywhere in this import graph (tsx loads it through require in workers).
 */

import { workerData } from 'node:worker_threads';
import { handleTask, type HelperTask, type HelperWorkerData } from '../src/scheduler/helper.ts';

export default function gcWorker(task: HelperTask): Promise<unknown> {
  return handleTask(workerData as HelperWorkerData, task);
}
