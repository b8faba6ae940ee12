import { describe, expect, it } from 'vitest';
import {
  ABORT_STALLED,
  ABORT_THREW,
  Heartbeat,
  NO_PROGRESS,
  PhaseAbortedError,
  StallWatch,
  isPhaseAborted,
} from '../../src/parallel/heartbeat.ts';
import { ThreadStats, clockMs, OBJECTS, START_MS, END_MS } from '../../src/parallel/thread-stats.ts';

describe('Heartbeat', () => {
  it('counts beats per thread and throws from beat() once aborted', () => {
    const hb = Heartbeat.create(3);
    hb.beat(1);
    hb.beat(1);
    hb.beat(2);
    expect(hb.beats(1)).toBe(2);
    expect(hb.beats(2)).toBe(1);
    expect(hb.abort(2, ABORT_THREW)).toBe(true);
    expect(hb.abort(1, ABORT_STALLED)).toBe(false); // the first abort wins
    expect(hb.abortedBy()).toBe(2);
    expect(hb.abortKind()).toBe(ABORT_THREW);
    let err: unknown = null;
    try {
      hb.beat(1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PhaseAbortedError);
    expect(isPhaseAborted(err)).toBe(true);
    hb.clearAbort();
    expect(hb.aborted()).toBe(false);
  });
});

describe('StallWatch', () => {
  it('names an armed, working thread whose heartbeat did not move for the timeout', () => {
    const hb = Heartbeat.create(3);
    const watch = new StallWatch(hb, 1000);
    hb.arm(1);
    hb.arm(2);
    watch.begin(0);
    let now = 0;
    for (; now <= 990; now += 10) {
      hb.beat(2); // thread 2 works, thread 1 is silent
      expect(watch.poll(now)).toBe(-1);
    }
    hb.beat(2);
    expect(watch.poll(1000)).toBe(1);
  });

  it('does not blame a thread that waits for the others, nor one that has finished', () => {
    const hb = Heartbeat.create(4);
    const watch = new StallWatch(hb, 1000);
    hb.arm(1);
    hb.arm(2);
    hb.arm(3);
    watch.begin(0);
    hb.setWaiting(1, true); // idle in the terminator: silent, but not stalled
    hb.disarm(3); // finished: silent, but not stalled
    for (let now = 10; now < 3000; now += 10) {
      hb.beat(2);
      expect(watch.poll(now)).toBe(-1);
    }
  });

  it('reports NO_PROGRESS when every thread still in the phase has been waiting for the timeout', () => {
    const hb = Heartbeat.create(3);
    const watch = new StallWatch(hb, 500);
    hb.arm(1);
    hb.arm(2);
    hb.setWaiting(1, true);
    hb.setWaiting(2, true);
    expect(pollUntilReported(watch)).toEqual({ r: NO_PROGRESS, now: 500 });
  });

  it('reports NO_PROGRESS when the main thread has waited the timeout with no helper in the phase', () => {
    const hb = Heartbeat.create(3); // helpers 1 and 2 never woken: neither is armed
    const watch = new StallWatch(hb, 500);
    expect(pollUntilReported(watch)).toEqual({ r: NO_PROGRESS, now: 500 });
  });

  it('starts over after a gap in polling (the main thread was busy with its own share)', () => {
    const hb = Heartbeat.create(2);
    const watch = new StallWatch(hb, 1000);
    hb.arm(1);
    watch.begin(0);
    expect(watch.poll(5000)).toBe(-1); // 5 s without polls: not 5 s of stall
    expect(watch.poll(5050)).toBe(-1);
    let r = -1;
    for (let now = 5050; r === -1; now += 50) r = watch.poll(now);
    expect(r).toBe(1);
  });
});

/** Begins `watch` at 0 ms and polls it every 10 ms until it reports something, or for 2 s. */
function pollUntilReported(watch: StallWatch): { r: number; now: number } {
  watch.begin(0);
  let r = -1;
  let now = 0;
  while (r === -1 && now < 2000) r = watch.poll((now += 10));
  return { r, now };
}

describe('ThreadStats', () => {
  it('keeps one row per thread and resets them', () => {
    const s = ThreadStats.create(2);
    const t0 = clockMs();
    s.markStart(1);
    s.add(1, OBJECTS, 5);
    s.add(1, OBJECTS, 2);
    s.addSteals(1, 3, 1);
    s.markEnd(1);
    const other = ThreadStats.attach(s.buffer);
    const row = other.row(1);
    expect(row.objects).toBe(7);
    expect(row.stealsAttempted).toBe(3);
    expect(row.stealsSucceeded).toBe(1);
    expect(row.startMs).toBeGreaterThanOrEqual(t0);
    expect(row.endMs).toBeGreaterThanOrEqual(row.startMs);
    expect(other.get(0, START_MS)).toBe(0);
    s.reset();
    expect(other.get(1, END_MS)).toBe(0);
    expect(other.rows()).toHaveLength(2);
  });
});
