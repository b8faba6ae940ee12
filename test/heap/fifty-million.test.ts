/**
 * Scale: 50M live objects (1.2 GB of objects), built as the bench graph (bench/graph.ts,
 * neighbouring layout), scavenged within new space, promoted and marked at threads 1 and 2. The
 * digest must count every object and agree between the thread counts, and the verifier must be
 * clean. Opt-in (about 4 minutes on two cores, over 5 GB of RAM; skipped below 12 GiB):
 *   GCSIM_LARGE_TESTS=1 npx vitest run test/heap/fifty-million.test.ts
 * npm test skips it and says why; bench/figures/scale.ts times the same graph at 1M-50M objects.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/experiments/simulator.ts';
import { heapDigest } from '../../src/gc/digest.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { Rng } from '../../src/workloads/rng.ts';
import { buildGraph, dropGraph } from '../../bench/graph.ts';

const N = 50_000_000;

function skipReason(): string | null {
  if (process.env.GCSIM_LARGE_TESTS !== '1') return 'opt-in: set GCSIM_LARGE_TESTS=1';
  if (os.totalmem() < 12 * 2 ** 30) return `needs 12 GiB of RAM, has ${(os.totalmem() / 2 ** 30).toFixed(1)}`;
  return null;
}
const skip = skipReason();

describe.skipIf(skip !== null)(`50M live objects${skip !== null ? ` (skipped: ${skip})` : ''}`, () => {
  it('scavenges, promotes and marks the 50M-object graph at threads 1 and 2 with one digest, verifier clean', async () => {
    const graphMb = (N * 6 * 4) / 1048576;
    const digests: string[] = [];
    for (const threads of [1, 2]) {
      const sim = await Simulator.create({
        threads,
        maxSemiSpaceSize: Math.ceil(graphMb * 1.2),
        maxOldSpaceSize: Math.min(4096, Math.ceil(graphMb * 2.5) + 64),
        initialOldSpaceSize: Math.min(4096, Math.ceil(graphMb * 2.5) + 64),
        maxHandles: 2 ** Math.ceil(Math.log2(N + 4096)),
        jitWarmup: false,
      });
      try {
        const m = sim.mutator;
        buildGraph(m, { kindTagged: KIND_TAGGED, rng: (s) => new Rng(s) }, N, 'neighbouring');
        m.collect('minor'); // copied within new space
        m.collect('major'); // promoted
        m.collect('major'); // marked in old space
        const kinds = sim.gc.events.map((e) => e.type);
        expect(kinds).toEqual(['scavenge', 'mark-compact', 'mark-compact']);
        expect(sim.gc.events[0].survivedBytes).toBeGreaterThanOrEqual(N * 24);
        expect(sim.gc.events[2].markedBytes).toBeGreaterThanOrEqual(N * 24);
        expect(sim.verify()).toEqual([]);
        sim.gc.stopHelpers();
        m.prepareForGc();
        const d = heapDigest(sim.heap);
        expect(d.objects).toBeGreaterThanOrEqual(N);
        digests.push(d.digest);
        dropGraph(m);
      } finally {
        await sim.close();
      }
    }
    expect(digests[1]).toBe(digests[0]);
  }, 1_800_000);
});
