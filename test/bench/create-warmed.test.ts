/**
 * `createWarmed` (bench/graph.ts): `npm run bench -- gc` warms each configuration as `gcsim run`
 * warms its measured run. The warm-up program runs on a scratch simulator, the measured simulator
 * takes over the scratch's helpers, and nothing of the warm-up is in the measured heap: the
 * simulator starts with no GC event, and the bench graph collected on it leaves the same digest as
 * on a simulator that was not warmed, verifier clean. Options a build rejects give null only where
 * the configuration is optional.
 */
import { describe, expect, it } from 'vitest';
import { type CompiledBuild, createWarmed, graphSimOptions, runGraphProgram } from '../../bench/graph.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { scratchHeap, warmUp } from '../../src/experiments/warmup.ts';
import { resolveOptions } from '../../src/options.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { Rng } from '../../src/workloads/rng.ts';
import { heapDigest } from '../../src/gc/digest.ts';
import { allVerifyErrors } from '../helpers/sim.ts';

const N = 20_000;
const deps = { kindTagged: KIND_TAGGED, rng: (s: number) => new Rng(s) };

/** The source build, its warm-up wrapped to record the simulators it warmed. */
function sourceBuild() {
  const warmed: { sim: Simulator; scavenges: number }[] = [];
  const build: CompiledBuild = {
    Simulator,
    deps,
    stale: false,
    warmup: {
      warmUp: (sim, ...rest) => {
        const report = warmUp(sim, ...rest);
        warmed.push({ sim, scavenges: report.scavenges });
        return report;
      },
      scratchHeap,
      resolveOptions,
    },
  };
  return { build, warmed };
}

/** The bench's mark work on `sim` (the random graph, promoted, then marked by a full GC): its digest and verifier errors. */
function markWork(sim: Simulator) {
  runGraphProgram(sim.mutator, deps, 'mark', 'random', N, (kind) => sim.mutator.collect(kind));
  return { digest: heapDigest(sim.heap).digest, errors: allVerifyErrors(sim) };
}

describe('createWarmed', () => {
  it('runs the warm-up program on a scratch simulator whose helpers the measured one takes over, leaving nothing in its heap', async () => {
    const options = { threads: 2, ...graphSimOptions(N), verifyHeap: true };
    const { build, warmed } = sourceBuild();
    const sim = (await createWarmed(build, options, true))!;
    const plain = await Simulator.create(options);
    try {
      expect(warmed).toHaveLength(1);
      expect(warmed[0].sim).not.toBe(sim);
      expect(warmed[0].scavenges).toBeGreaterThan(0);
      expect(sim.runner).toBe(warmed[0].sim.runner);
      expect(sim.gc.events).toEqual([]);
      const a = markWork(sim);
      const b = markWork(plain);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
      expect(a.digest).toBe(b.digest);
    } finally {
      await sim.close();
      await plain.close();
    }
  });

  it('makes a plain simulator when not asked to warm', async () => {
    const { build, warmed } = sourceBuild();
    const sim = (await createWarmed(build, { threads: 1, ...graphSimOptions(N) }, false))!;
    try {
      expect(warmed).toEqual([]);
      expect(sim.gc.events).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('gives null for options the build rejects only where the configuration is optional', async () => {
    const { build, warmed } = sourceBuild();
    const options = { threads: 1, ...graphSimOptions(N), noSuchOption: true };
    expect(await createWarmed(build, options, true, true)).toBeNull();
    expect(await createWarmed(build, options, false, true)).toBeNull();
    await expect(createWarmed(build, options, true)).rejects.toThrow(/unknown option/);
    expect(warmed).toEqual([]);
  });
});
