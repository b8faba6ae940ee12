/**
 * The wasm atomic that sets mark bits (src/parallel/wasm-atomics.ts) and the arena the mark
 * bitmaps live in (src/heap/bitmap-arena.ts). Four threads on two cores race to set the same
 * bits: each bit is won by exactly one thread and none is lost; with a plain read-modify-write
 * instead (the negative control) bits are lost or won twice.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { atomicsFor, createSharedMemory } from '../../src/parallel/wasm-atomics.ts';
import { allocateInArena, arenaFreeBytesForTesting, releaseToArena } from '../../src/heap/bitmap-arena.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { BITMAP_BASE, setBitsLoop } from './set-bit-loop.ts';

const THREADS = 4;
const BITS = 1 << 20;

/** Runs the race on the main thread and THREADS - 1 workers: total wins and bits left clear. */
async function race(plain: boolean): Promise<{ wins: number; clear: number }> {
  const memory = createSharedMemory(Math.ceil((BITMAP_BASE + BITS / 8) / 65536));
  const sync = new SharedArrayBuffer(4);
  const workers = Array.from({ length: THREADS - 1 }, () => new Worker(new URL('../helpers/set-bit-worker.mjs', import.meta.url), { workerData: { memory, sync, threads: THREADS, bits: BITS, plain } }));
  const results = workers.map((w) => new Promise<number>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  }));
  await new Promise((r) => setTimeout(r, 100));
  const mine = setBitsLoop(memory, new Int32Array(sync), THREADS, BITS, plain);
  const wins = mine + (await Promise.all(results)).reduce((s, n) => s + n, 0);
  await Promise.all(workers.map((w) => w.terminate()));
  const words = new Int32Array(memory.buffer, BITMAP_BASE, BITS >>> 5);
  let clear = 0;
  for (let i = 0; i < words.length; i++) clear += 32 - popcount(words[i]);
  return { wins, clear };
}

function popcount(w: number): number {
  let n = 0;
  for (let x = w >>> 0; x !== 0; x &= x - 1) n++;
  return n;
}

describe('wasm atomics', () => {
  it('setBit sets one bit of the word at base + 4 * (addr >>> 5) and says whether it was this call; clearBits clears a mask', () => {
    const memory = createSharedMemory(1);
    const { setBit } = atomicsFor(memory);
    const words = new Int32Array(memory.buffer, BITMAP_BASE, 4);
    expect(setBit(BITMAP_BASE, 37)).toBe(1);
    expect(setBit(BITMAP_BASE, 37)).toBe(0);
    expect(setBit(BITMAP_BASE, 31)).toBe(1);
    expect(setBit(BITMAP_BASE, 64)).toBe(1);
    expect([...words]).toEqual([1 << 31, 1 << 5, 1, 0]);
    const { clearBits } = atomicsFor(memory);
    words[3] = 0b1111;
    clearBits(BITMAP_BASE, 3, 0b0101);
    expect(words[3]).toBe(0b1010);
    clearBits(BITMAP_BASE, 0, -1);
    expect(words[0]).toBe(0);
    // Bytes 0–7 (the memory's id) were not touched, and one instance serves the memory.
    expect(atomicsFor(memory)).toBe(atomicsFor(memory));
  });

  it('four threads on two cores racing for the same bits: each bit won once, none lost', async () => {
    expect(await race(false)).toEqual({ wins: BITS, clear: 0 });
  }, 60_000);

  it('negative control: a plain read-modify-write loses bits or lets two threads win one', async () => {
    let broken = false;
    for (let attempt = 0; attempt < 5 && !broken; attempt++) {
      const r = await race(true);
      broken = r.wins !== BITS || r.clear !== 0;
    }
    expect(broken).toBe(true);
  }, 60_000);
});

describe('bitmap arena', () => {
  it('hands out zeroed, disjoint ranges and takes them back, coalesced', () => {
    const a = allocateInArena(100_000);
    const b = allocateInArena(70_000);
    const before = arenaFreeBytesForTesting();
    expect(a.memory).toBe(b.memory);
    expect(a.bytes % 65536).toBe(0);
    expect(a.bytes).toBeGreaterThanOrEqual(100_000);
    expect(b.offset >= a.offset + a.bytes || a.offset >= b.offset + b.bytes).toBe(true);
    new Int32Array(a.memory.buffer, a.offset, a.bytes >>> 2).fill(-1);
    releaseToArena(a);
    // The range comes back dirty and is zeroed when it is handed out again.
    const c = allocateInArena(100_000);
    expect(c.offset).toBe(a.offset);
    expect(new Int32Array(c.memory.buffer, c.offset, c.bytes >>> 2).every((w) => w === 0)).toBe(true);
    // Words written here and there (one block's middle, the last word) are zeroed too.
    const cw = new Int32Array(c.memory.buffer, c.offset, c.bytes >>> 2);
    cw[1500] = 7;
    cw[cw.length - 1] = -1;
    releaseToArena(c);
    const d = allocateInArena(100_000);
    expect(d.offset).toBe(c.offset);
    expect(new Int32Array(d.memory.buffer, d.offset, d.bytes >>> 2).every((w) => w === 0)).toBe(true);
    releaseToArena(d);
    releaseToArena(b);
    const after = arenaFreeBytesForTesting();
    expect(after[0]).toBe(before[0] + a.bytes + b.bytes);
  });

  it('a simulator gives its heap\'s bitmaps back when its helpers have stopped, once', async () => {
    releaseToArena(allocateInArena(1)); // this thread's arena exists
    const before = arenaFreeBytesForTesting()[0];
    const sim = await Simulator.create({ threads: 2 });
    const taken = before - arenaFreeBytesForTesting()[0];
    expect(taken).toBeGreaterThan(0);
    // A second close while the first waits for the helpers is the same close: the range is
    // still the helpers' until they have stopped, and it comes back once.
    const first = sim.close();
    expect(sim.close()).toBe(first);
    expect(arenaFreeBytesForTesting()[0]).toBe(before - taken);
    await first;
    expect(arenaFreeBytesForTesting()[0]).toBe(before);
  }, 30_000);
});
