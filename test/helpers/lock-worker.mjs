// Worker body for test/parallel/lock.test.ts: takes the lock of src/parallel/lock.ts (imported as
// an ES module through tsx's hooks, as helpers do) around an increment that other threads would
// otherwise lose, `iterations` times. workerData: { words: SharedArrayBuffer, threads, iterations, useLock },
// or { words, warmMs }: runs the warm-up's `warmContendedLock` on word 0 and posts its answer.
import { workerData, parentPort } from 'node:worker_threads';

(await import('tsx/esm/api')).register();
const { lockWord, unlockWord } = await import('../../src/parallel/lock.ts');
const { runCriticalLoop } = await import('../parallel/lock-loop.ts');

const a = new Int32Array(workerData.words);
if (workerData.warmMs !== undefined) {
  // The warm-up's contended lock (test 'warmContendedLock ...'): whether it met the word held.
  const { warmContendedLock } = await import('../../src/parallel/lock.ts');
  parentPort.postMessage(warmContendedLock(a, 0, 1, 1, false, workerData.warmMs));
} else {
  runCriticalLoop(a, workerData.threads, workerData.iterations, workerData.useLock, lockWord, unlockWord);
  parentPort.postMessage('done');
}
