/**
 * The wasm atomics (src/parallel/wasm-atomics.ts) and the arenas that the bitmaps and the heaps'
 * object areas live in (src/heap/wasm-arena.ts). Four threads on two cores race to set the same
 * bits: each bit is won by exactly one thread and none is lost; with a plain read-modify-write
 * instead (the negative control) bits are lost or won twice. (The forwarding CAS races in every
 * parallel scavenge: test/gc/parallel-scavenge.test.ts, test/gc/scavenger-interleaving.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { atomicsFor, createSharedMemory } from '../../src/parallel/wasm-atomics.ts';
import { allocateInArena, allocateObjectArea, arenaFreeBytesForTesting, objectArenasForTesting, releaseToArena } from '../../src/heap/wasm-arena.ts';
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

  it('cas exchanges word base + 4 * addr only when it holds the expected word and returns the word found, above 2 GiB too', () => {
    const memory = createSharedMemory(65536); // 4 GiB of address space; two pages are written
    const { cas } = atomicsFor(memory);
    for (const offset of [65536, 3 * 2 ** 30]) {
      const words = new Int32Array(memory.buffer, offset, 8);
      words[5] = 11;
      const base = offset | 0; // as Heap.memBase: negative above 2^31
      expect(cas(base, 5, 12, 99)).toBe(11);
      expect(words[5]).toBe(11);
      expect(cas(base, 5, 11, 99)).toBe(11);
      expect(words[5]).toBe(99);
      expect(cas(base, 4, 0, -7)).toBe(0);
      expect([...words]).toEqual([0, 0, 0, 0, -7, 99, 0, 0]);
    }
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

describe('object arena', () => {
  const arenaOf = (r: { memory: unknown }) => objectArenasForTesting().find((a) => a.memory === r.memory);

  it('gives only address space never written; drops an arena none of whose ranges is in use', () => {
    const x = allocateObjectArea(1 << 20)!;
    const y = allocateObjectArea(1 << 20)!;
    expect(y.memory).toBe(x.memory);
    expect(y.offset).toBeGreaterThanOrEqual(x.offset + x.bytes);
    new Int32Array(x.memory.buffer, x.offset, x.bytes / 4).fill(-1);
    releaseToArena(x);
    // Not x's range, though it is the lowest free one.
    const z = allocateObjectArea(1 << 20)!;
    expect(z.memory).toBe(x.memory);
    expect(z.offset).toBeGreaterThan(y.offset);
    // Take all the never-written room left (address space only): the next area, too large for
    // x's range alone, comes from a new arena.
    const rest = allocateObjectArea(arenaOf(x)!.freeBytes - x.bytes)!;
    expect(rest.memory).toBe(x.memory);
    const w = allocateObjectArea(1 << 16)!;
    expect(w.memory).not.toBe(x.memory);
    expect(new Int32Array(w.memory.buffer, w.offset, w.bytes / 4).every((v) => v === 0)).toBe(true);
    for (const r of [y, z, rest]) {
      expect(arenaOf(x)).toBeDefined();
      releaseToArena(r);
    }
    expect(arenaOf(x)).toBeUndefined();
    releaseToArena(w);
    expect(arenaOf(w)).toBeUndefined();
  });

  it('has no room for an area above 4 GiB: the heap takes a SharedArrayBuffer of its own', () => {
    expect(allocateObjectArea(4 * 2 ** 30)).toBeNull();
  });

  it('two live simulators share one arena and one cas; closing the last drops the arena', async () => {
    const a = await Simulator.create({ threads: 2 });
    const b = await Simulator.create({ threads: 2 });
    try {
      const ra = a.heap.buffers.mem as { memory: unknown; offset: number; bytes: number };
      const rb = b.heap.buffers.mem as { memory: unknown; offset: number; bytes: number };
      expect(ra.memory).toBeDefined();
      expect(rb.memory).toBe(ra.memory);
      expect(b.heap.cas).toBe(a.heap.cas);
      expect(rb.offset >= ra.offset + ra.bytes || ra.offset >= rb.offset + rb.bytes).toBe(true);
    } finally {
      await a.close();
      expect(arenaOf(b.heap.buffers.mem as { memory: unknown })).toBeDefined();
      await b.close();
    }
    expect(arenaOf(b.heap.buffers.mem as { memory: unknown })).toBeUndefined();
  }, 30_000);
});
