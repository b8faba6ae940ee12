/**
 * Keeping the host's threads out of the collector's way (src/scheduler/host-threads.ts): every
 * thread of the process but the mutator's and the GC helpers' gets the nice value of hostNice
 * and, with hostSched idle (the default), the policy SCHED_IDLE; the collector's threads keep
 * theirs. Each test file runs in a process of its own (vitest forks), so the lowered threads are
 * this file's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdlePolicySetter, SCHED_IDLE, kernelThreadId, schedPolicyOf } from '../../src/scheduler/host-threads.ts';
import { Simulator } from '../../src/experiments/simulator.ts';
import { GCThreadError, Scheduler, type GCThreadFaultKind } from '../../src/scheduler/scheduler.ts';
import { stallHint } from '../../src/experiments/run.ts';
import { SMALL_HEAP } from '../helpers/small.ts';
import { gcsimNodeArgs } from '../helpers/cli.ts';
import type { RunResult } from '../../src/metrics/result.ts';

const linux = kernelThreadId() > 0;
/** chrt(1) sets SCHED_IDLE; without it the nice value alone is applied. */
const chrt = linux && spawnSync('chrt', ['--version'], { stdio: 'ignore' }).status === 0;

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
    const sim = await Simulator.create({ ...SMALL_HEAP, threads: 3, hostNice: 19, hostSched: 'nice' }); // the suite's default is 0 (vitest.config.ts)
    try {
      const helpers = (sim.runner as Scheduler).helperKernelTids();
      const keep = [kernelThreadId(), ...helpers];
      expect(helpers).toHaveLength(2);
      expect(new Set(keep).size).toBe(3);
      for (const tid of keep) expect(readdirSync('/proc/self/task')).toContain(String(tid));
      const keptBefore = keep.map(niceOf);
      const { lowered, idle } = await sim.lowerHostThreads();
      expect(lowered).toBeGreaterThan(0); // at least V8's platform workers
      expect(idle).toBe(0); // hostSched nice: the nice value alone
      expect(keep.map(niceOf)).toEqual(keptBefore);
      const others = readdirSync('/proc/self/task').map(Number).filter((t) => !keep.includes(t));
      for (const tid of others) expect(niceOf(tid), `thread ${tid}`).toBe(19);
      for (const tid of others) expect(schedPolicyOf(tid), `thread ${tid}`).not.toBe(SCHED_IDLE);
      // The collector still runs on the lowered process.
      sim.mutator.collect('major');
      expect(sim.gc.events.at(-1)!.type).toBe('mark-compact');
    } finally {
      await sim.close();
    }
  }, 30_000);

  // After the test above: its threads are at nice 19 already; this one adds the policy.
  it.skipIf(!chrt)('hostSched idle also puts them in SCHED_IDLE; the collector threads keep their policy', async () => {
    const sim = await Simulator.create({ ...SMALL_HEAP, threads: 2, hostNice: 19, hostSched: 'idle' });
    try {
      const keep = [kernelThreadId(), ...(sim.runner as Scheduler).helperKernelTids()];
      expect(keep).toHaveLength(2);
      const { lowered, idle } = await sim.lowerHostThreads(IdlePolicySetter.start());
      expect(lowered).toBeGreaterThan(0);
      const others = readdirSync('/proc/self/task').map(Number).filter((t) => !keep.includes(t));
      for (const tid of others) expect(schedPolicyOf(tid), `thread ${tid}`).toBe(SCHED_IDLE);
      expect(idle).toBe(lowered);
      for (const tid of keep) expect(schedPolicyOf(tid), `thread ${tid}`).toBe(0); // SCHED_OTHER
      sim.mutator.collect('major');
      expect(sim.gc.events.at(-1)!.type).toBe('mark-compact');
    } finally {
      await sim.close();
    }
  }, 30_000);

  it('hostNice 0 leaves every thread alone', async () => {
    const sim = await Simulator.create({ ...SMALL_HEAP, threads: 2, hostNice: 0 });
    try {
      expect(await sim.lowerHostThreads()).toEqual({ lowered: 0, idle: 0 });
    } finally {
      await sim.close();
    }
  });

  // A measured run starts the shell that runs chrt before it makes any heap (IdlePolicySetter).
  it.skipIf(!chrt)('a measured run puts the lowered threads in SCHED_IDLE; without a shell it keeps the nice value alone', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gcsim-host-'));
    try {
      const run = (pathVar: string): RunResult => {
        const json = path.join(dir, 'r.json');
        const r = spawnSync(process.execPath, [...gcsimNodeArgs(), 'run', '--workload', 'string-tick', '--param', 'ticks=50', '--json', json], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, GCSIM_HOST_NICE: '19', PATH: pathVar },
        });
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(readFileSync(json, 'utf8')) as RunResult;
      };
      const withShell = run(process.env.PATH ?? '');
      expect(withShell.hostThreadsLowered).toBeGreaterThan(0);
      expect(withShell.hostThreadsIdle).toBe(withShell.hostThreadsLowered);
      const noShell = run('/nonexistent');
      expect(noShell.hostThreadsLowered).toBeGreaterThan(0);
      expect(noShell.hostThreadsIdle).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('stallHint', () => {
  const stall = (kind: GCThreadFaultKind) => new GCThreadError(-1, 'scavenge.parallel', kind, 'gc phase scavenge.parallel made no progress');
  it('names the lowered host threads in a stalled phase, and nothing otherwise', () => {
    expect(stallHint(stall('no-progress'), { lowered: 11, idle: 11 })).toMatch(/in SCHED_IDLE: if other processes kept every core busy, .* --host-nice 0/);
    expect(stallHint(stall('stalled'), { lowered: 11, idle: 0 })).toMatch(/at a high nice value/);
    expect(stallHint(stall('no-progress'), { lowered: 0, idle: 0 })).toBe('');
    expect(stallHint(stall('threw'), { lowered: 11, idle: 11 })).toBe('');
    expect(stallHint(new Error('other'), { lowered: 11, idle: 11 })).toBe('');
  });
});
