/**
 * DelayedSteal (src/parallel/delayed-steal.ts): in an owned phase a view pops without stealing,
 * and steals only once OWNED_STEAL_DELAY_MS have passed since it went idle while another thread
 * has published work; the view's scheme comes back at the end of the phase.
 */
import { describe, expect, it } from 'vitest';
import { Worklist, WorklistLocal } from '../../src/parallel/worklist.ts';
import { STEAL_NONE, STEAL_SEGMENT } from '../../src/parallel/work-distribution.ts';
import { DelayedSteal, OWNED_STEAL_DELAY_MS } from '../../src/parallel/delayed-steal.ts';

/** A delay no test waits out: `due()` right after `idle()` stays false however slow the machine. */
const LONG_MS = 60_000;

function setup(delayMs = OWNED_STEAL_DELAY_MS) {
  const wl = Worklist.create({ threads: 2, segmentSize: 4 });
  const victim = new WorklistLocal(wl, 0);
  const thief = new WorklistLocal(wl, 1);
  for (let v = 1; v <= 8; v++) victim.push(v);
  victim.publish();
  return { wl, victim, thief, steal: new DelayedSteal(thief, wl, delayMs) };
}

function waitMs(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: the delay is measured with performance.now()
  }
}

describe('DelayedSteal', () => {
  it('stops the view stealing for the phase and gives its scheme back at the end', () => {
    const { thief, steal } = setup();
    expect(thief.steal).toBe(STEAL_SEGMENT);
    steal.begin();
    expect(thief.steal).toBe(STEAL_NONE);
    expect(thief.pop()).toBe(0); // the victim's published work is not taken
    steal.end();
    expect(thief.steal).toBe(STEAL_SEGMENT);
    steal.end(); // twice is harmless
    expect(thief.steal).toBe(STEAL_SEGMENT);
    expect(thief.pop()).not.toBe(0);
  });

  it('comes due only after the delay since the view went idle, and then one pop steals', () => {
    const slow = setup(LONG_MS);
    slow.steal.begin();
    slow.steal.idle();
    expect(slow.steal.due()).toBe(false); // the delay has not passed
    slow.steal.end();
    const { thief, steal } = setup();
    steal.begin();
    steal.idle();
    waitMs(OWNED_STEAL_DELAY_MS * 2);
    expect(steal.due()).toBe(true);
    const v = steal.pop();
    expect(v).toBeGreaterThan(0);
    expect(thief.steal).toBe(STEAL_NONE); // only that pop stole
    // A delay that has passed since `begin()` but not since the next `idle()`: it starts over.
    const again = setup(300);
    again.steal.begin();
    waitMs(350);
    expect(again.steal.due()).toBe(true);
    again.steal.idle();
    expect(again.steal.due()).toBe(false);
    again.steal.end();
    steal.end();
  });

  it('never comes due with nothing published, nor under a scheme that never steals', () => {
    const wl = Worklist.create({ threads: 2, segmentSize: 4 });
    const a = new WorklistLocal(wl, 1);
    const steal = new DelayedSteal(a, wl);
    steal.begin();
    steal.idle();
    waitMs(OWNED_STEAL_DELAY_MS * 2);
    expect(steal.due()).toBe(false); // nothing published anywhere
    steal.end();
    const s = setup();
    s.thief.steal = STEAL_NONE; // --balance static
    s.steal.begin();
    s.steal.idle();
    waitMs(OWNED_STEAL_DELAY_MS * 2);
    expect(s.steal.due()).toBe(false);
    s.steal.end();
    expect(s.thief.steal).toBe(STEAL_NONE);
  });
});
