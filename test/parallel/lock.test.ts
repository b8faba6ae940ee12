/**
 * The futex mutex of src/parallel/lock.ts (the heap's and the worklists' lock) on real threads:
 * four threads on two cores, so holders are preempted and contenders sleep and are woken. Every
 * increment made under the lock is kept; without it, increments are lost (the negative control).
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { isLocked, lockWord, unlockWord } from '../../src/parallel/lock.ts';
import { COUNTER, LOCK, runCriticalLoop } from './lock-loop.ts';

const THREADS = 4;
const ITERATIONS = 20_000;

/** Runs the critical loop on the main thread and THREADS - 1 workers; returns the final count. */
async function count(useLock: boolean): Promise<number> {
  const words = new SharedArrayBuffer(16);
  const a = new Int32Array(words);
  const workers = Array.from({ length: THREADS - 1 }, () => new Worker(new URL('../helpers/lock-worker.mjs', import.meta.url), { workerData: { words, iterations: ITERATIONS, useLock } }));
  const done = workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  }));
  // Start once the workers are up, so the loops overlap.
  await new Promise((r) => setTimeout(r, 300));
  runCriticalLoop(a, ITERATIONS, useLock, lockWord, unlockWord);
  await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  expect(isLocked(a, LOCK)).toBe(false);
  return Atomics.load(a, COUNTER);
}

describe('lock', () => {
  it('keeps every increment made under it by four threads on two cores, and is free afterwards', async () => {
    expect(await count(true)).toBe(THREADS * ITERATIONS);
  }, 60_000);

  it('negative control: without the lock the same threads lose increments', async () => {
    let lost = 0;
    for (let attempt = 0; attempt < 5 && lost === 0; attempt++) lost = THREADS * ITERATIONS - (await count(false));
    expect(lost).toBeGreaterThan(0);
  }, 60_000);

  it('an uncontended lock and unlock leave the word free, and a held lock reads as held', () => {
    const a = new Int32Array(new SharedArrayBuffer(4));
    lockWord(a, 0);
    expect(isLocked(a, 0)).toBe(true);
    unlockWord(a, 0);
    expect(isLocked(a, 0)).toBe(false);
    expect(a[0]).toBe(0);
  });
});
