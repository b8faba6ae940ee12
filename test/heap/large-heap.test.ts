/**
 * A heap above 4 GiB of address space: a 4 GiB old generation (the option's bound) whose first
 * ~4 GiB are taken by a large-object ballast nobody references, so the graph built next lies at
 * word addresses above 2^30 (tagged pointers there are negative int32 words). The ballast's
 * memory is never written (a fresh SharedArrayBuffer reads as zero), so the test needs little
 * RAM. The graph's digest must equal the same graph's in an ordinary small heap, and the
 * verifier must stay clean through scavenges and mark-compacts at threads 1 and 2. The object
 * area is larger than a wasm memory (4 GiB), so it is a SharedArrayBuffer of its own and the
 * scavenge's forwarding race is an `Atomics.compareExchange` (heap/wasm-arena.ts).
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { KIND_RAW, KIND_TAGGED, PAGE_WORDS, makeHeader } from '../../src/heap/layout.ts';
import { allocateLarge } from '../../src/heap/spaces/large-object-space.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import { Rng } from '../../src/workloads/rng.ts';
import { withSim } from '../helpers/sim.ts';

const OLD_MB = 4096;
const OBJECTS = 20_000;

/** Why this machine cannot run it, or null. */
function cannotRun(): string | null {
  if (os.totalmem() < 8 * 2 ** 30) return `needs 8 GiB of RAM, has ${(os.totalmem() / 2 ** 30).toFixed(1)}`;
  try {
    new SharedArrayBuffer(4.5 * 2 ** 30);
  } catch (e) {
    return `no 4.5 GiB SharedArrayBuffer here: ${(e as Error).message}`;
  }
  return null;
}
const skipReason = cannotRun();

/** Fills the old generation's first `pages` pages with one unreferenced raw large object. */
function ballast(sim: Simulator, pages: number): number {
  const map = sim.mutator.maps.define('Test.Ballast', KIND_RAW);
  if (pages === 0) return 0;
  const words = pages * PAGE_WORDS - 2;
  const a = allocateLarge(sim.heap, words, false);
  expect(a).toBeGreaterThan(0);
  sim.heap.mem[a] = makeHeader(map, KIND_RAW);
  sim.heap.mem[a + 1] = words - 2;
  return a;
}

/** Old and young objects with random edges both ways, rooted in globals; returns the digest after GCs. */
function buildAndCollect(sim: Simulator): { digest: string; maxAddr: number; errors: string[] } {
  const m = sim.mutator;
  const node = m.maps.define('Test.Node', KIND_TAGGED);
  const rng = new Rng(7);
  const s = m.openScope();
  const hs: number[] = [];
  let maxAddr = 0;
  for (let i = 0; i < OBJECTS; i++) {
    const h = m.allocate(node, 4, i % 3 !== 0);
    m.setSmi(h, 3, i);
    hs.push(h);
    maxAddr = Math.max(maxAddr, m.addressOf(h));
  }
  for (let i = 0; i < OBJECTS; i++) for (let f = 0; f < 3; f++) if (rng.int(4) !== 0) m.set(hs[i], f, hs[rng.int(OBJECTS)]);
  for (let g = 0; g < 16; g++) m.setGlobal(`g${g}`, hs[rng.int(OBJECTS)]);
  m.closeScope(s);
  // Verified after every GC by hand: verify mode would also zap the freed ballast (4 GiB of writes).
  const errors: string[] = [];
  for (const kind of ['minor', 'major', 'minor', 'minor', 'major'] as const) {
    m.collect(kind);
    errors.push(...sim.verify().map((e) => `after ${kind}: ${e}`));
  }
  return { digest: sim.digest(), maxAddr, errors };
}

describe.skipIf(skipReason !== null)(`a 4 GiB old generation${skipReason !== null ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('collects a graph above 2^30 words with the digest of the same graph in a small heap, threads 1 and 2', async () => {
    const small = await withSim({ threads: 1 }, (sim) => {
      ballast(sim, 0); // the same maps, defined in the same order
      return buildAndCollect(sim).digest;
    });
    for (const threads of [1, 2]) {
      const opts = { threads, maxOldSpaceSize: OLD_MB, initialOldSpaceSize: OLD_MB, maxSemiSpaceSize: 4, compactionFragmentationPercent: 1, verifyHeap: false };
      await withSim(opts, (sim) => {
        // Ballast up to just below 2^30 words: the graph's old pages lie above it.
        expect(sim.heap.buffers.mem).toBeInstanceOf(SharedArrayBuffer);
        const firstPage = sim.heap.poolFirstPage;
        ballast(sim, (1 << 14) - firstPage);
        const { digest, maxAddr, errors } = buildAndCollect(sim);
        expect(maxAddr).toBeGreaterThanOrEqual(2 ** 30);
        expect(errors).toEqual([]);
        expect(digest).toBe(small);
      });
    }
  }, 60_000);
});
