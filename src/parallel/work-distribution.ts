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
import type { Worklist } from './worklist.ts';

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
  /** The scheme, by tag (`workDistributionTag`): whose published segments `pop()` may take. */
  steal: number;
  /** Under a scheme that never steals, the one thread whose published segments `pop()` may still take; -1 none. */
  dealer: number;
  stealsAttempted: number;
  stealsSucceeded: number;
  resetStats(): void;
}

/**
 * How a thief takes work: detaches published segments of thread `victim` from `wl` and returns
 * the first of them, linked through their NEXT words and ending in NIL (one segment: its NEXT is
 * NIL), or NIL when it found none. The thief keeps the first segment to pop from and publishes the
 * rest on its own stack, so only an owner ever pushes on its stack (the termination contract).
 * Any thread; uses only the shared-stack primitives of `Worklist` (each takes the victim's lock).
 */
export type StealFn = (wl: Worklist, victim: number) => number;

/**
 * The schemes, selected by `--balance`: a new scheme is one row here (plus its test). A row's
 * `steal` runs only on the slow path of `pop()`, when the thread's own work is gone; `null` never
 * takes another thread's work.
 */
export const WORK_DISTRIBUTION_SCHEMES = {
  steal: { doc: "steal one whole segment at a time (V8's worklist)", steal: (wl, victim) => wl.takeSegment(victim) },
  'steal-half': { doc: "steal half of a victim's published segments at once (steal-half)", steal: (wl, victim) => wl.takeHalf(victim) },
  'steal-oldest': { doc: "steal a victim's oldest published segment (the thief's end of a work-stealing deque)", steal: (wl, victim) => wl.takeOldest(victim) },
  static: { doc: 'keep what was dealt; no stealing', steal: null },
} as const satisfies Record<string, { doc: string; steal: StealFn | null }>;

export type WorkDistributionName = keyof typeof WORK_DISTRIBUTION_SCHEMES;
export const WORK_DISTRIBUTION_NAMES = Object.keys(WORK_DISTRIBUTION_SCHEMES) as WorkDistributionName[];

/**
 * A scheme's tag: its index in the table, the small integer a thread's configuration carries to
 * helpers (functions cannot cross threads; each thread looks the function up by tag).
 */
export function workDistributionTag(name: WorkDistributionName): number {
  return WORK_DISTRIBUTION_NAMES.indexOf(name);
}

/** The steal function of a tag (null: no stealing). */
export function stealFunction(tag: number): StealFn | null {
  const name = WORK_DISTRIBUTION_NAMES[tag];
  if (name === undefined) throw new RangeError(`work distribution: no scheme with tag ${tag}`);
  return WORK_DISTRIBUTION_SCHEMES[name].steal;
}

/** Tags of the built-in schemes, for tests and callers that pick one directly. */
export const STEAL_SEGMENT = workDistributionTag('steal');
export const STEAL_HALF = workDistributionTag('steal-half');
export const STEAL_OLDEST = workDistributionTag('steal-oldest');
export const STEAL_NONE = workDistributionTag('static');
