/** Small workload parameters so a verified run takes well under a second. */
export const SMALL: Record<string, Record<string, number>> = {
  'string-tick': { ticks: 60 },
  gcbench: { stretchDepth: 10, longLivedDepth: 10, minDepth: 4, maxDepth: 10, arraySize: 10_000 },
  splay: { treeSize: 600, modifications: 40, payloadDepth: 3, steps: 20 },
  fragmenter: { rounds: 4, cohort: 6000, keepPercent: 10 },
  'hide-and-seek': { holders: 5000, treasures: 10_000, moves: 20_000 },
};

/**
 * Built-in workloads that are another one's program at other defaults (a scaled-down variant):
 * tests run the program once, under its own name, with SMALL's parameters.
 */
export const SCALED_VARIANTS: Record<string, string> = { 'gcbench-small': 'gcbench' };

/** Small heaps, so that small workloads still see scavenges and marking cycles. */
export const SMALL_HEAP = { maxSemiSpaceSize: 0.25, initialOldSpaceSize: 1 } as const;

/**
 * For tests that run many small workloads to compare digests: no JIT warm-up before each run
 * (it changes no digest, and it is tested on its own in test/experiments/warmup.test.ts).
 */
export const NO_WARMUP = { jitWarmup: false } as const;
