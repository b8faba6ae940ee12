/**
 * The JIT warm-up before a measured run: every GC phase runs on a scratch heap (a program, then
 * the measured workload itself within a budget), the measured run gets a fresh heap on the same
 * (rebound) helper threads, and nothing of the scratch run leaks into the measured one: the
 * digest and the GC count are those of a run without warm-up.
 */
import { describe, expect, it } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { scratchHeap } from '../../src/experiments/warmup.ts';
import { OBJECT_ARENA_BYTES, allocateObjectArea, releaseToArena } from '../../src/heap/wasm-arena.ts';
import { resolveOptions } from '../../src/options.ts';
import { SMALL, SMALL_HEAP } from '../helpers/small.ts';

describe('warm-up', () => {
  for (const threads of [1, 2, 3]) {
    it(`runs every phase on a scratch heap, then measures a fresh heap on the same helpers (threads ${threads})`, async () => {
      const options = { ...SMALL_HEAP, threads, verifyHeap: true };
      const cold = await runOne({ workload: 'splay', params: SMALL.splay, options: { ...options, jitWarmup: false } });
      const warm = await runOne({ workload: 'splay', params: SMALL.splay, options });
      expect(cold.warmup).toBeNull();
      expect(warm.error).toBeNull();
      expect(warm.verify.errors).toEqual([]);
      const w = warm.warmup!;
      expect(w.stoppedBy).toBeNull();
      expect(w.rounds).toBeGreaterThan(0);
      expect(w.scavenges).toBeGreaterThan(0);
      expect(w.markCompacts).toBeGreaterThan(0);
      for (const phase of ['scavenge.parallel', 'mc.mark', 'mc.evacuate.copy', 'mc.evacuate.update_pointers']) expect(w.phasesRun[phase] ?? 0, phase).toBeGreaterThan(0);
      // then the workload itself on the scratch heap, until its second mark-compact (or it ends)
      expect(w.workload).not.toBeNull();
      expect(w.workload!.stoppedBy).toMatch(/^(budget: 2 mark-compacts|budget: 2000 ms|finished)$/);
      expect(w.workload!.scavenges + w.workload!.markCompacts).toBeGreaterThan(0);
      if (w.workload!.stoppedBy === 'budget: 2 mark-compacts') expect(w.workload!.markCompacts).toBe(2);
      if (threads > 1) {
        expect(w.helpersReused).toBe(true);
        expect(w.phasesRun['mc.background.mark'] ?? 0).toBeGreaterThan(0);
        expect(w.phasesRun['mc.background.sweep'] ?? 0).toBeGreaterThan(0);
      }
      // A fresh heap: the same graph as without warm-up, and with one thread (deterministic) the same GCs.
      expect(warm.digest).toBe(cold.digest);
      if (threads === 1) expect(warm.events.map((e) => e.type)).toEqual(cold.events.map((e) => e.type));
      expect(warm.events[0].startMs).toBeGreaterThanOrEqual(0);
    }, 60_000);
  }
});

describe("the warm-up's scratch heap", () => {
  it('has the measured options when both heaps fit one wasm memory, and for a heap too big for one', () => {
    for (const partial of [{}, { maxOldSpaceSize: 512 }, { maxOldSpaceSize: 1024, compactionQuotaMb: 512 }, { maxOldSpaceSize: 4096 }]) {
      const o = resolveOptions(partial);
      expect(scratchHeap(o).options).toBe(o);
    }
    expect(scratchHeap(resolveOptions({ maxOldSpaceSize: 512 })).keepRoomBytes).toBeGreaterThan(512 * 2 ** 20);
    expect(scratchHeap(resolveOptions({ maxOldSpaceSize: 4096 })).keepRoomBytes).toBe(0); // a SharedArrayBuffer of its own
  });

  it('keeps room for the measured heap in its memory, and the measured heap follows it there', async () => {
    const o = resolveOptions({ maxOldSpaceSize: 1024, threads: 1 });
    const plan = scratchHeap(o);
    const scratch = await Simulator.create(plan.options, { keepRoomBytes: plan.keepRoomBytes });
    const measured = await Simulator.create(o, { after: scratch.heap });
    try {
      expect(scratch.heap.mem.buffer).toBe(measured.heap.mem.buffer);
      expect(scratch.heap.cas).toBe(measured.heap.cas);
    } finally {
      await measured.close();
      await scratch.close();
    }
  });

  it('negative control: in a memory with room for one heap, not two, a pair placed without the room kept splits', () => {
    const o = resolveOptions({ maxOldSpaceSize: 1024, threads: 1 });
    const { keepRoomBytes } = scratchHeap(o);
    const bytes = keepRoomBytes - (64 << 20); // one heap's object area (the room less the slack)
    // A fresh memory (the only kind with all its bytes clean), of which 1200 MiB stay free.
    const filler = allocateObjectArea(OBJECT_ARENA_BYTES - 1200 * 2 ** 20, 1200 * 2 ** 20)!;
    const taken = [filler];
    try {
      // Without the room kept: the first heap goes into that memory, the second cannot follow.
      const a = allocateObjectArea(bytes, 0, filler.memory)!;
      const b = allocateObjectArea(bytes, 0, a.memory)!;
      taken.push(a, b);
      expect(a.memory).toBe(filler.memory);
      expect(b.memory).not.toBe(a.memory);
      // With it: the first goes where both fit, and the second follows.
      const c = allocateObjectArea(bytes, keepRoomBytes, filler.memory)!;
      const d = allocateObjectArea(bytes, 0, c.memory)!;
      taken.push(c, d);
      expect(c.memory).not.toBe(filler.memory);
      expect(d.memory).toBe(c.memory);
    } finally {
      for (const r of taken.reverse()) releaseToArena(r);
    }
  });

  for (const partial of [{ maxOldSpaceSize: 2048 }, { maxOldSpaceSize: 1024, compactionQuotaMb: 1024 }, { maxOldSpaceSize: 3000, threads: 4 }]) {
    it(`shrinks its old generation and quota until both fit one memory, with one cas (${JSON.stringify(partial)})`, async () => {
      const o = resolveOptions(partial);
      const { options: s, keepRoomBytes } = scratchHeap(o);
      expect(s.maxOldSpaceSize).toBeLessThan(o.maxOldSpaceSize);
      expect(s.maxOldSpaceSize).toBeGreaterThanOrEqual(1);
      expect(s.compactionQuotaMb).toBeLessThanOrEqual(o.compactionQuotaMb);
      expect({ ...s, maxOldSpaceSize: 0, compactionQuotaMb: 0 }).toEqual({ ...o, maxOldSpaceSize: 0, compactionQuotaMb: 0 });
      // Made one after the other at threads = 1 (no helpers), as a run makes them: one memory.
      const scratch = await Simulator.create({ ...s, threads: 1 }, { keepRoomBytes });
      const measured = await Simulator.create({ ...o, threads: 1 }, { after: scratch.heap });
      try {
        expect(scratch.heap.mem.buffer).toBe(measured.heap.mem.buffer);
        expect(scratch.heap.cas).toBe(measured.heap.cas);
        expect(scratch.heap.mem.byteLength + measured.heap.mem.byteLength).toBeLessThanOrEqual(OBJECT_ARENA_BYTES);
      } finally {
        await measured.close();
        await scratch.close();
      }
    });
  }

  it("a run's warm-up record gives the scratch heap's sizes only when they were made smaller", async () => {
    const small = await runOne({ workload: 'string-tick', params: { ticks: 50 }, options: { maxOldSpaceSize: 512 } });
    expect(small.error).toBeNull();
    expect(small.warmup!.scratchHeap).toBeUndefined();
    const big = await runOne({ workload: 'string-tick', params: { ticks: 50 }, options: { maxOldSpaceSize: 2048 } });
    expect(big.error).toBeNull();
    const expected = scratchHeap(resolveOptions({ maxOldSpaceSize: 2048 })).options;
    expect(big.warmup!.scratchHeap).toEqual({ maxOldSpaceSize: expected.maxOldSpaceSize, compactionQuotaMb: expected.compactionQuotaMb });
    expect(big.warmup!.scratchHeap!.maxOldSpaceSize).toBeLessThan(2048);
  });

  it('negative control: two heaps with the measured options get two memories and two targets for cas', async () => {
    const o = resolveOptions({ maxOldSpaceSize: 2048, threads: 1 });
    const a = await Simulator.create(o);
    const b = await Simulator.create(o);
    try {
      expect(a.heap.mem.buffer).not.toBe(b.heap.mem.buffer);
      expect(a.heap.cas).not.toBe(b.heap.cas);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
