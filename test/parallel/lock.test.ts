/**
 * The futex mutex of src/parallel/lock.ts (the heap's and the worklists' lock) on real threads:
 * four threads on two cores, so holders are preempted and contenders sleep and are woken. Every
 * increment made under the lock is kept; without it, increments are lost (the negative control).
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { isLocked, lockWord, unlockWord, warmContendedLock } from '../../src/parallel/lock.ts';
import { COUNTER, LOCK, runCriticalLoop } from './lock-loop.ts';

const THREADS = 4;
/** Per thread, under the lock: every acquisition contended, each a few hundred ns. */
const LOCKED_ITERATIONS = 20_000;
/** Per thread, without the lock: enough overlap to lose increments even on a loaded machine. */
const UNLOCKED_ITERATIONS = 200_000;

/** Runs the critical loop on the main thread and THREADS - 1 workers; returns the count lost. */
async function lost(useLock: boolean): Promise<number> {
  const iterations = useLock ? LOCKED_ITERATIONS : UNLOCKED_ITERATIONS;
  const words = new SharedArrayBuffer(16);
  const a = new Int32Array(words);
  const workers = Array.from({ length: THREADS - 1 }, () => new Worker(new URL('../helpers/lock-worker.mjs', import.meta.url), { workerData: { words, threads: THREADS, iterations, useLock } }));
  const done = workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
  }));
  // The main thread waits at the start line too, once the workers have had time to start.
  await new Promise((r) => setTimeout(r, 100));
  runCriticalLoop(a, THREADS, iterations, useLock, lockWord, unlockWord);
  await Promise.all(done);
  await Promise.all(workers.map((w) => w.terminate()));
  expect(isLocked(a, LOCK)).toBe(false);
  return THREADS * iterations - Atomics.load(a, COUNTER);
}

describe('lock', () => {
  it('keeps every increment made under it by four threads on two cores, and is free afterwards', async () => {
    expect(await lost(true)).toBe(0);
  }, 60_000);

  it('negative control: without the lock the same threads lose increments', async () => {
    let n = 0;
    for (let attempt = 0; attempt < 5 && n === 0; attempt++) n = await lost(false);
    expect(n).toBeGreaterThan(0);
  }, 60_000);

  it('an uncontended lock and unlock leave the word free, and a held lock reads as held', () => {
    const a = new Int32Array(new SharedArrayBuffer(4));
    lockWord(a, 0);
    expect(isLocked(a, 0)).toBe(true);
    unlockWord(a, 0);
    expect(isLocked(a, 0)).toBe(false);
    expect(a[0]).toBe(0);
  });

  it('warmContendedLock: alone it never finds the word held and gives up; against a holder it takes the slow path once, counts itself and returns', async () => {
    // Words: 0 the lock, 1 the count of threads that have met it held.
    const alone = new Int32Array(new SharedArrayBuffer(8));
    expect(warmContendedLock(alone, 0, 1, 2, false, 2)).toBe(false); // nobody else takes it
    expect(Array.from(alone)).toEqual([0, 0]);
    alone[1] = 2;
    expect(warmContendedLock(alone, 0, 1, 2, true, 10_000)).toBe(true); // met before, and so has everyone: at once
    // The main thread holds the word until the worker has gone through lockWord's slow path
    // (the word reads CONTENDED), then lets it go: the worker took it, counted itself, and says so.
    const a = new Int32Array(new SharedArrayBuffer(8));
    lockWord(a, 0);
    const w = new Worker(new URL('../helpers/lock-worker.mjs', import.meta.url), { workerData: { words: a.buffer, warmMs: 20_000 } });
    const answer = new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    try {
      for (let k = 0; k < 10_000 && Atomics.load(a, 0) !== 2; k++) await new Promise((r) => setTimeout(r, 2));
      expect(Atomics.load(a, 0)).toBe(2);
      unlockWord(a, 0);
      expect(await answer).toBe(true);
      expect(Atomics.load(a, 1)).toBe(1);
      expect(isLocked(a, 0)).toBe(false);
    } finally {
      await w.terminate();
    }
  }, 60_000);
});
