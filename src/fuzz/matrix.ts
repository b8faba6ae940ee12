/**
 * The collector configurations the fuzzer draws from: threads 1-4, work balance, barrier, how
 * marking runs (owner marking among them), sweeping, compaction, and small spaces so that a short program sees many GCs.
 * A case's configuration is the first thing drawn from its seed. A negative control narrows the
 * matrix to configurations where the mechanism it switches off matters.
 */
import type { FuzzRng } from './rng.ts';
import type { FuzzConfig, NegativeControl } from './ops.ts';

export type MarkingMode = 'concurrent' | 'incremental' | 'stop-the-world';

export const SEMI_SPACE_MB = [0.25, 0.5, 1] as const;
export const MAX_OLD_SPACE_MB = [4, 6, 8, 12, 16] as const;
export const INITIAL_OLD_SPACE_MB = [0.25, 0.5, 1, 2] as const;
/** Low thresholds make pages evacuation candidates after little garbage (V8's default is 70). */
export const FRAGMENTATION_PERCENT = [70, 70, 40, 20, 5] as const;
/**
 * A stalled helper is an error after this long. Above the default (1 s) because fuzz jobs share
 * the cores with each other: a descheduled helper is not a stall.
 */
export const FUZZ_STALL_TIMEOUT_MS = 5000;

export interface MatrixOptions {
  /** Highest thread count to draw (1-4). */
  threadsMax: number;
  negativeControl: NegativeControl | null;
}

export function markingMode(c: FuzzConfig): MarkingMode {
  if (c.incrementalMarking === false) return 'stop-the-world';
  return c.concurrentMarking === false ? 'incremental' : 'concurrent';
}

/** Draws one configuration. Every draw is made whatever the options, so they only clamp values. */
export function drawConfig(rng: FuzzRng, opts: MatrixOptions): FuzzConfig {
  const nc = opts.negativeControl;
  const threadsDrawn = rng.range(1, 4);
  const balance = rng.chance(0.7) ? 'steal' : 'static';
  const barrier = rng.chance(0.5) ? 'insertion' : 'satb';
  let marking: MarkingMode = rng.pick(['concurrent', 'concurrent', 'incremental', 'incremental', 'stop-the-world'] as const);
  const concurrentSweeping = rng.chance(0.6);
  const parallelCompaction = rng.chance(0.7);
  const neverCompact = rng.chance(0.15);
  let maxSemiSpaceSize: number = rng.pick(SEMI_SPACE_MB);
  const maxOldSpaceSize: number = rng.pick(MAX_OLD_SPACE_MB);
  const initialOldSpaceSize: number = Math.min(maxOldSpaceSize, rng.pick(INITIAL_OLD_SPACE_MB));
  const compactionFragmentationPercent: number = rng.pick(FRAGMENTATION_PERCENT);
  let helperJoin: 'dynamic' | 'all' = rng.chance(0.5) ? 'dynamic' : 'all';
  let parallelScavenge = rng.chance(0.8);
  // One draw, laid out so that owner marking falls where `chance(0.4)` put it before owner
  // scavenging and thread mark bitmaps existed (a seed keeps its configuration but for the new options).
  const owner = rng.weighted({ marking: 15, both: 25, scavenging: 15, bitmaps: 15, none: 30 });

  let threads = Math.min(threadsDrawn, Math.max(1, opts.threadsMax));
  if (nc === 'forwarding-cas') {
    // Two threads must race to copy one object.
    threads = Math.max(2, threads);
    maxSemiSpaceSize = Math.max(0.5, maxSemiSpaceSize);
    helperJoin = 'all'; // every helper in every scavenge, not only in those that run long
    parallelScavenge = true;
  }
  if (nc === 'mark-bit') {
    // Two markers must race for the bits of one bitmap word.
    threads = Math.max(2, threads);
    helperJoin = 'all';
  }
  // Owner marking and scavenging run where the options allow them: threads 2 or 4; owner
  // scavenging with every helper in every phase (owner marking's marks wake every helper in
  // either join mode).
  const ownerThreads = threads === 2 || threads === 4;
  const ownerMarking = ownerThreads && (owner === 'marking' || owner === 'both');
  const ownerScavenging = ownerThreads && helperJoin === 'all' && (owner === 'scavenging' || owner === 'both');
  // Thread mark bitmaps run at 2 to 4 threads, whatever the join mode (at one thread the option does nothing).
  const threadMarkBitmaps = owner === 'bitmaps';
  // Without marking while the mutator runs there is nothing for a marking barrier to do.
  if (nc === 'barrier' && marking === 'stop-the-world') marking = 'incremental';
  return {
    threads,
    balance,
    barrier,
    incrementalMarking: marking !== 'stop-the-world',
    concurrentMarking: marking === 'concurrent',
    concurrentSweeping,
    parallelCompaction,
    neverCompact,
    maxSemiSpaceSize,
    maxOldSpaceSize,
    initialOldSpaceSize,
    compactionFragmentationPercent,
    helperJoin,
    parallelScavenge,
    ownerMarking,
    ownerScavenging,
    threadMarkBitmaps,
    stallTimeoutMs: FUZZ_STALL_TIMEOUT_MS,
  };
}

/** A short, stable description of a configuration (summary lines and failure reports). */
export function describeConfig(c: FuzzConfig): string {
  const parts = [
    `threads ${c.threads ?? 1}`,
    c.balance ?? 'steal',
    c.barrier ?? 'insertion',
    `${markingMode(c)} marking`,
    c.concurrentSweeping === false ? 'sweeping in the pause' : 'concurrent sweeping',
    c.neverCompact ? 'never compact' : `compaction ${c.parallelCompaction === false ? 'on one thread' : 'parallel'} at ${c.compactionFragmentationPercent ?? 70}%`,
    `semispace ${c.maxSemiSpaceSize} MB`,
    `old ${c.initialOldSpaceSize}-${c.maxOldSpaceSize} MB`,
    `helpers join ${c.helperJoin ?? 'dynamic'}`,
  ];
  if (c.parallelScavenge === false) parts.push('scavenges on the main thread');
  if (c.ownerMarking === true) parts.push('owner marking');
  if (c.ownerScavenging === true) parts.push('owner scavenging');
  if (c.threadMarkBitmaps === true) parts.push('thread mark bitmaps');
  return parts.join(', ');
}

/** The `gcsim run`-style flags that give the same configuration. */
export function configFlags(c: FuzzConfig): string {
  return Object.entries(c)
    .map(([k, v]) => {
      const flag = '--' + k.replace(/[A-Z]/g, (ch) => '-' + ch.toLowerCase());
      return typeof v === 'boolean' ? (v ? flag : `--no-${flag.slice(2)}`) : `${flag} ${String(v)}`;
    })
    .join(' ');
}
