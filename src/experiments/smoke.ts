/**
 * Smoke mode (`GCSIM_SMOKE=1`): every command runs as written but as small as it can, to prove
 * that a command works rather than to measure anything. The docs test runs every command of the
 * docs this way. Sweeps and the default experiment run 1 trial per configuration, no warm-up
 * trials and no JIT warm-up; each workload runs at the small sizes below, for every parameter
 * the command does not set itself. Results record `smoke: true` in their spec.
 */

/** Parameters per workload in smoke mode (only those a workload has are applied). */
export const SMOKE_PARAMS: Record<string, Record<string, number>> = {
  splay: { treeSize: 400, steps: 8 },
  gcbench: { stretchDepth: 10, longLivedDepth: 10, maxDepth: 10, arraySize: 5_000 },
  'gcbench-small': { stretchDepth: 10, longLivedDepth: 10, maxDepth: 10, arraySize: 5_000 },
  'string-tick': { ticks: 30 },
  fragmenter: { rounds: 2, cohort: 4000 },
  'hide-and-seek': { holders: 2000, treasures: 2000, moves: 2000 },
};

export function smokeMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GCSIM_SMOKE === '1';
}

/** The smoke sizes of `workload` that `given` does not set and the workload has. */
export function smokeParams(workload: string, given: Record<string, unknown>, has: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(SMOKE_PARAMS[workload] ?? {})) if (!(k in given) && has.includes(k)) out[k] = v;
  return out;
}
