/**
 * Keeping the host's threads out of the collector's way (src/scheduler/host-threads.ts): every
 * thread of the process but the mutator's and the GC helpers' gets the nice value of hostNice,
 * and the collector's threads keep theirs. Each test file runs in a process of its own (vitest
 * forks), so the lowered threads are this file's.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelThreadId } from '../../src/scheduler/host-threads.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { SMALL_HEAP } from '../helpers/small.ts';

const linux = kernelThreadId() > 0;

/** A thread's nice value: field 19 of /proc/self/task/<tid>/stat (after the command in parentheses). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.skipIf(!linux)('host threads (Linux)', () => {
  it('the main thread of a process is its pid', () => {
    expect(kernelThreadId()).toBe(process.pid);
  });

  it('lowers every thread but the mutator and the helpers, which keep their nice value', async () => {
    const sim = await Simulator.create({ ...SMALL_HEAP, threads: 3, hostNice: 19 }); // the suite's default is 0 (vitest.config.ts)
    try {
      const helpers = (sim.runner as Scheduler).helperKernelTids();
      const keep = [kernelThreadId(), ...helpers];
      expect(helpers).toHaveLength(2);
      expect(new Set(keep).size).toBe(3);
      for (const tid of keep) expect(readdirSync('/proc/self/task')).toContain(String(tid));
      const keptBefore = keep.map(niceOf);
      const lowered = sim.lowerHostThreads();
      expect(lowered).toBeGreaterThan(0); // at least V8's platform workers
      expect(keep.map(niceOf)).toEqual(keptBefore);
      const others = readdirSync('/proc/self/task').map(Number).filter((t) => !keep.includes(t));
      for (const tid of others) expect(niceOf(tid), `thread ${tid}`).toBe(19);
      // The collector still runs on the lowered process.
      sim.mutator.collect('major');
      expect(sim.gc.events.at(-1)!.type).toBe('mark-compact');
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('hostNice 0 leaves every thread alone', async () => {
    const sim = await Simulator.create({ ...SMALL_HEAP, threads: 2, hostNice: 0 });
    try {
      expect(sim.lowerHostThreads()).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
