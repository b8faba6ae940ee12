/**
 * Work distribution in a parallel phase: the interface the collectors' per-thread bodies use (one
 * thread's view of a shared worklist) and the table of schemes `--balance` selects. Any thread,
 * each through its own view. V8: heap/base/worklist.h (Worklist::Local); Whippet's tracer.h.
 *
 * Termination contract (termination.ts relies on it, whatever the scheme): a view's `pop()`
 * returns 0 only when its local entries and its own published entries are gone; only a view's
 * owner ever adds to what the view has published (thieves only take, and re-publish what they
 * took on their own stack); `hasVisibleWork()` is true whenever `pop()` could return an entry.
 * Then "every participant idle at once" means every entry was processed.
 */

/** Keep what was dealt: never take another thread's work (--balance static). */
export const STEAL_NONE = 0;
/** Take one whole published segment of another thread (V8's Worklist::Local::StealPopSegment). */
export const STEAL_SEGMENT = 1;
/** Take half of another thread's published segments in one lock hold (Hendler and Shavit's steal-half). */
export const STEAL_HALF = 2;

/** One thread's view of a shared worklist: what marking, scavenging and termination need. */
export interface WorkDistributionLocal {
  readonly threadId: number;
  /** Pushes a positive int32; private until published (a segment fills, or `publish()`). */
  push(v: number): void;
  /** An entry: local first, then own published, then (per scheme) other threads'. 0 if none. */
  pop(): number;
  /** Makes every local entry visible to other threads. */
  publish(): void;
  isLocalEmpty(): boolean;
  localSize(): number;
  /** Work `pop()` could find now (approximate); termination polls it while idle. */
  hasVisibleWork(): boolean;
  /** Discards the local entries. */
  clear(): void;
  stealsAttempted: number;
  stealsSucceeded: number;
  resetStats(): void;
}

/**
 * The schemes, selected by `--balance`. The tag is what the hot pop path branches on (one small
 * integer, no call through several implementations): a new scheme is a row here and a branch in
 * `WorklistLocal.popSlow` (worklist.ts), plus its test.
 */
export const WORK_DISTRIBUTION_SCHEMES = {
  steal: { tag: STEAL_SEGMENT, doc: "steal one whole segment at a time (V8's worklist)" },
  'steal-half': { tag: STEAL_HALF, doc: "steal half of a victim's published segments at once (steal-half)" },
  static: { tag: STEAL_NONE, doc: 'keep what was dealt; no stealing' },
} as const;

export type WorkDistributionName = keyof typeof WORK_DISTRIBUTION_SCHEMES;
export const WORK_DISTRIBUTION_NAMES = Object.keys(WORK_DISTRIBUTION_SCHEMES) as WorkDistributionName[];
