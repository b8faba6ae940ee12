/**
 * Stealing in a phase whose heap is split among its threads (owner scavenging):
 * an object stolen from another thread was found by that thread, so its slots point mostly into
 * that thread's part of the heap and would go back to it as mail. A thread there pops without
 * stealing, and steals only once it has gone `OWNED_STEAL_DELAY_MS` without work of its own or
 * mail while others have published work: enough to balance threads that run at different
 * speeds, without the mail of stealing at every idle moment. On the neighbouring bench graph
 * (docs/performance.md, "Owner scavenging") stealing at once mailed 0.1-0.5 slots per object
 * against under 0.001 without stealing. Owner scavenging uses it; owner marking, where it left
 * threads idle for a fifth of the mark, steals at once.
 */
import { STEAL_NONE, type WorkDistributionLocal } from './work-distribution.ts';
import type { Worklist } from './worklist.ts';

/** How long a thread with no work and no mail waits before it steals. Mail usually comes sooner. */
export const OWNED_STEAL_DELAY_MS = 0.2;

export class DelayedSteal {
  /** The view's own scheme while a phase runs (its pops meanwhile never steal); STEAL_NONE otherwise. */
  private scheme = STEAL_NONE;
  private active = false;
  /** When this thread last ran out of work and mail (performance.now()). */
  private idleSince = 0;

  constructor(
    private readonly local: WorkDistributionLocal,
    private readonly shared: Worklist,
    private readonly delayMs = OWNED_STEAL_DELAY_MS,
  ) {}

  /** The start of an owned phase: this thread's pops stop stealing. */
  begin(): void {
    this.scheme = this.local.steal;
    this.local.steal = STEAL_NONE;
    this.active = true;
    this.idleSince = performance.now();
  }

  /** The end of the phase (also when it throws): the view's scheme back. */
  end(): void {
    if (!this.active) return;
    this.local.steal = this.scheme;
    this.scheme = STEAL_NONE;
    this.active = false;
  }

  /** This thread has run out of work and mail: the delay starts. */
  idle(): void {
    this.idleSince = performance.now();
  }

  /** The delay has passed since `idle()` and another thread has published work. */
  due(): boolean {
    return this.scheme !== STEAL_NONE && performance.now() - this.idleSince >= this.delayMs && !this.shared.isEmpty();
  }

  /** One pop under the view's own scheme (it may steal); 0 if it found nothing. */
  pop(): number {
    this.local.steal = this.scheme;
    const v = this.local.pop();
    this.local.steal = STEAL_NONE;
    return v;
  }
}
