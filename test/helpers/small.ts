/** Small workload parameters so a verified run takes well under a second. */
export const SMALL: Record<string, Record<string, number>> = {
  'string-tick': { ticks: 60 },
  gcbench: { longLivedDepth: 10, minDepth: 4, maxDepth: 12, arraySize: 20_000 },
  splay: { treeSize: 600, modifications: 40, payloadDepth: 3, steps: 20 },
  fragmenter: { rounds: 4, cohort: 6000, keepPercent: 10 },
  'hide-and-seek': { holders: 5000, treasures: 10_000, moves: 20_000 },
};

/** Small heaps, so that small workloads still see scavenges and marking cycles. */
export const SMALL_HEAP = { maxSemiSpaceSize: 0.25, initialOldSpaceSize: 1 } as const;

/**
 * For tests that run many small workloads to compare digests: no JIT warm-up before each run
 * (it changes no digest, and it is tested on its own in test/experiments/warmup.test.ts).
 */
export const NO_WARMUP = { jitWarmup: false } as const;
