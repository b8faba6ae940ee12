import { describe, expect, it } from 'vitest';
import { Terminator } from '../../src/parallel/termination.ts';
import { Heartbeat, PhaseAbortedError, setCurrentHeartbeat, ABORT_THREW } from '../../src/parallel/heartbeat.ts';
import { IDLE_MS, ThreadStats } from '../../src/parallel/thread-stats.ts';
import { Worklist, WorklistLocal } from '../../src/parallel/worklist.ts';

const work = (threadId: number, visible: () => boolean) => ({ threadId, hasVisibleWork: visible });

describe('Terminator', () => {
  it('terminates at once when the caller is the last participant to go idle', () => {
    const term = Terminator.create({ threads: 1 });
    expect(term.offerTermination(work(0, () => false))).toBe(true);
    expect(term.isDone()).toBe(true);
  });

  it('returns false as soon as work is visible, and leaves the idle count as it was', () => {
    const term = Terminator.create({ threads: 2 });
    expect(term.offerTermination(work(0, () => true))).toBe(false);
    expect(term.hasIdleParticipants()).toBe(false);
    expect(term.isDone()).toBe(false);
    // the other participant now finds itself the only idle one: not done
    expect(term.offerTermination(work(1, () => true))).toBe(false);
  });

  it('treats a WorklistLocal with private entries as having work', () => {
    const wl = Worklist.create({ threads: 2 });
    const a = new WorklistLocal(wl, 0);
    a.push(5);
    const term = Terminator.create({ threads: 2 });
    expect(term.offerTermination(a)).toBe(false);
  });

  it('sees entries published by another participant in steal mode only', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 2 });
    const a = new WorklistLocal(wl, 0);
    const b = new WorklistLocal(wl, 1);
    a.push(1);
    a.publish();
    expect(b.hasVisibleWork()).toBe(true);
    b.stealing = false;
    expect(b.hasVisibleWork()).toBe(false);
  });

  it('throws PhaseAbortedError from its wait when the phase is aborted', () => {
    const hb = Heartbeat.create(2);
    const term = Terminator.create({ threads: 2 }, { heartbeat: hb });
    hb.abort(1, ABORT_THREW);
    expect(() => term.offerTermination(work(0, () => false))).toThrow(PhaseAbortedError);
  });

  it('falls back to the thread heartbeat the scheduler installed', () => {
    const hb = Heartbeat.create(2);
    const term = Terminator.create(2);
    setCurrentHeartbeat(hb);
    try {
      hb.abort(1, ABORT_THREW);
      expect(() => term.offerTermination(work(0, () => false))).toThrow(/caused by thread 1/);
    } finally {
      setCurrentHeartbeat(null);
    }
  });

  it('records idle time per thread, in its own table and in the thread stats', () => {
    const stats = ThreadStats.create(2);
    const term = Terminator.create({ threads: 2, participants: 1 }, { stats });
    term.offerTermination(work(1, () => false));
    expect(term.idleMs(1)).toBeGreaterThanOrEqual(0);
    expect(stats.get(1, IDLE_MS)).toBe(term.idleMs(1));
    term.reset();
    expect(term.idleMs(1)).toBe(0);
    expect(term.isDone()).toBe(false);
  });
});
