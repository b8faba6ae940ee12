/**
 * A helper follows the join mode of the phase, not the one it was built with: the main thread's
 * terminator reset says (in shared memory) whether arriving helpers must join, and may change
 * between GCs (`Simulator.setHelperJoin`; the warm-up switches from 'all' to the run's mode). A
 * helper built under 'all' that arrives at a 'dynamic' phase the main thread has already finished
 * must be refused, not run it while nobody waits for it. Deterministic: both threads' steps are
 * taken in order on this thread.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/experiments/simulator.ts';
import { GcShared } from '../../src/gc/gc-shared.ts';
import { Participant } from '../../src/gc/participant.ts';
import { PHASE_MARK, PHASE_SCAVENGE } from '../../src/gc/phases.ts';
import { TEST_STALE_JOIN_MODE } from '../../src/heap/heap.ts';
import { OBJECTS, PREEMPTED_MS } from '../../src/parallel/thread-stats.ts';

/** Whether helper 1, built under 'all', ran `phase` after the main thread finished it alone under 'dynamic'. */
async function lateHelperRan(phase: number, testFlags: number): Promise<boolean> {
  const sim = await Simulator.create({ threads: 2, helperJoin: 'all' });
  try {
    sim.setTestFlagsForTesting(testFlags);
    const helper = new Participant(GcShared.attach(sim.shared.buffers), 1); // config: 'all'
    sim.setHelperJoin('dynamic');
    const shared = sim.shared;
    shared.resetTerminatorForPhase();
    expect(shared.terminator.participants).toBe(1);
    // The main thread's share is done, and it is the only participant: the phase is over.
    expect(shared.terminator.offerTermination({ threadId: 0, hasVisibleWork: () => false })).toBe(true);
    shared.stats.set(1, OBJECTS, 12345); // the row a helper that runs the phase resets
    helper.runPhase(phase, 0);
    return shared.stats.get(1, OBJECTS) !== 12345;
  } finally {
    await sim.close();
  }
}

describe('a helper and the join mode of the phase', () => {
  for (const [name, phase] of [['scavenge', PHASE_SCAVENGE], ['mark', PHASE_MARK]] as const) {
    it(`${name}: a helper built under 'all' is refused by a finished 'dynamic' phase`, async () => {
      expect(await lateHelperRan(phase, 0)).toBe(false);
    });

    it(`${name}: negative control: a helper that keeps its own mode (TEST_STALE_JOIN_MODE) runs the phase nobody waits for`, async () => {
      expect(await lateHelperRan(phase, TEST_STALE_JOIN_MODE)).toBe(true);
    });
  }
});

describe('a refused helper and --record-preemption', () => {
  it('records no wait for a phase it did not run (its row still shows the visit)', async () => {
    const sim = await Simulator.create({ threads: 2, helperJoin: 'dynamic', recordPreemption: true });
    try {
      const shared = sim.shared;
      const helper = new Participant(GcShared.attach(shared.buffers), 1);
      shared.resetTerminatorForPhase();
      expect(shared.terminator.offerTermination({ threadId: 0, hasVisibleWork: () => false })).toBe(true);
      shared.stats.reset(); // as the scheduler does before a phase: no wait measured yet
      expect(shared.stats.get(1, PREEMPTED_MS)).toBe(-1);
      helper.runPhase(PHASE_SCAVENGE, 0); // refused: the phase is over
      expect(shared.stats.get(1, PREEMPTED_MS)).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
