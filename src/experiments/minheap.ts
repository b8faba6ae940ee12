/**
 * The minimum heap of a workload (running-ng's minheap, Blackburn et al.'s heap factors): the
 * smallest old-generation limit (`--max-old-space-size`) at which it completes, found by
 * bisection on a grid of `resolutionMb`, each probe a run in a fresh worker thread (an
 * out-of-memory failure cannot touch the next). Reported as the smallest size that completed and
 * the largest that failed, one resolution step apart. Main thread.
 */
import type { GcOptions } from '../options.ts';
import { OPTION_TABLE } from '../options.ts';
import { runTrialInWorker, type TrialOutcome } from './trial-worker-client.ts';
import { UsageError } from './run.ts';

export const MINHEAP_SCHEMA = 'gcsim/minheap@1';

export interface MinHeapSpec {
  workload: string;
  seed: number;
  params: Record<string, number>;
  /** Options of every probe (maxOldSpaceSize is the one bisected). */
  options: Partial<GcOptions>;
  /** Grid of the bisection in MB (a multiple of 0.25, the page-sized unit of sizes). */
  resolutionMb: number;
  /** The largest limit tried; the workload must complete there. */
  maxMb: number;
  trialTimeoutMs: number;
}

export interface MinHeapProbe {
  heapMb: number;
  completed: boolean;
  /** `oom: …` or another failure; null when it completed. */
  failure: string | null;
  gcs: number;
  hostMs: number;
}

export interface MinHeapResult {
  schema: typeof MINHEAP_SCHEMA;
  workload: string;
  seed: number;
  params: Record<string, number>;
  options: Partial<GcOptions>;
  resolutionMb: number;
  /** Smallest limit that completed (null: not even maxMb). */
  minHeapMb: number | null;
  /** Largest limit that failed (null: even the smallest possible limit completed). */
  failsAtMb: number | null;
  probes: MinHeapProbe[];
}

const LOWEST_MB = OPTION_TABLE.maxOldSpaceSize.min;

export function validateMinHeapSpec(s: MinHeapSpec): void {
  if (!(s.resolutionMb > 0) || !Number.isInteger(s.resolutionMb * 4)) throw new UsageError(`bad --resolution ${s.resolutionMb}: a positive multiple of 0.25 MB`);
  if (!(s.maxMb >= LOWEST_MB && s.maxMb <= OPTION_TABLE.maxOldSpaceSize.max)) throw new UsageError(`bad --max-old-space-size ${s.maxMb}: ${LOWEST_MB} to ${OPTION_TABLE.maxOldSpaceSize.max} MB`);
}

/** One probe: a run at an old-generation limit (a trial in a fresh worker). */
export type MinHeapRunner = (s: MinHeapSpec, heapMb: number) => Promise<TrialOutcome>;

export const runInWorker: MinHeapRunner = (s, heapMb) => {
  const initial = Math.min(s.options.initialOldSpaceSize ?? OPTION_TABLE.initialOldSpaceSize.default, heapMb);
  return runTrialInWorker(
    { workload: s.workload, seed: s.seed, params: s.params, options: { ...s.options, maxOldSpaceSize: heapMb, initialOldSpaceSize: initial } },
    { timeoutMs: s.trialTimeoutMs },
  );
};

export async function findMinHeap(s: MinHeapSpec, onProbe?: (p: MinHeapProbe) => void, run: MinHeapRunner = runInWorker): Promise<MinHeapResult> {
  validateMinHeapSpec(s);
  const probes: MinHeapProbe[] = [];
  const probe = async (heapMb: number): Promise<boolean> => {
    const o = await run(s, heapMb);
    const p: MinHeapProbe = {
      heapMb,
      completed: o.failure === null,
      failure: o.failure === null ? null : `${o.failure.kind}: ${o.failure.message}`,
      gcs: o.result?.events.length ?? 0,
      hostMs: o.hostMs,
    };
    probes.push(p);
    onProbe?.(p);
    if (o.failure !== null && o.failure.kind !== 'oom' && o.failure.kind !== 'timeout') {
      throw new UsageError(`${s.workload} failed at ${heapMb} MB for another reason than the heap size: ${p.failure}`);
    }
    return p.completed;
  };
  const done = (minHeapMb: number | null, failsAtMb: number | null): MinHeapResult => ({
    schema: MINHEAP_SCHEMA,
    workload: s.workload,
    seed: s.seed,
    params: s.params,
    options: s.options,
    resolutionMb: s.resolutionMb,
    minHeapMb,
    failsAtMb,
    probes,
  });
  if (!(await probe(s.maxMb))) return done(null, s.maxMb);
  const lowest = Math.max(LOWEST_MB, s.resolutionMb);
  if (lowest >= s.maxMb || (await probe(lowest))) return done(lowest >= s.maxMb ? s.maxMb : lowest, null);
  let lo = lowest; // fails
  let hi = s.maxMb; // completes
  const step = s.resolutionMb;
  while (hi - lo > step + 1e-9) {
    const mid = Math.max(lo + step, Math.min(hi - step, Math.round((lo + hi) / 2 / step) * step));
    if (await probe(mid)) hi = mid;
    else lo = mid;
  }
  return done(hi, lo);
}

/** `minimum heap of splay (seed 1): 12.5 MB (completes at 12.5 MB, fails at 12.25 MB; resolution 0.25 MB, 9 runs)`. */
export function minHeapLine(r: MinHeapResult): string {
  const what = `minimum heap of ${r.workload} (seed ${r.seed}${Object.keys(r.params).length > 0 ? `, ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}${r.options.threads !== undefined ? `, threads ${r.options.threads}` : ''})`;
  const runs = `${r.probes.length} run${r.probes.length === 1 ? '' : 's'}`;
  if (r.minHeapMb === null) return `${what}: does not complete even at ${r.failsAtMb} MB (${runs}); raise --max-old-space-size`;
  if (r.failsAtMb === null) return `${what}: at most ${r.minHeapMb} MB (it completes at the smallest limit tried; ${runs})`;
  return `${what}: ${r.minHeapMb} MB (completes at ${r.minHeapMb} MB, fails at ${r.failsAtMb} MB; resolution ${r.resolutionMb} MB, ${runs})`;
}
