/**
 * The child `node` of `gcsim run --engine v8` (started by v8-run.ts with --expose-gc,
 * --trace-gc-nvp and the translated V8 flags): runs one workload on the V8 backend of the
 * mutator API and writes what V8's output does not say to a JSON file. V8 itself prints one
 * nvp line per GC on stdout; this file prints nothing there.
 *
 *   1. gc(): the start-up garbage goes (and the line it prints marks the start);
 *   2. the workload runs, with a PerformanceObserver recording every GC (kind, start, duration
 *      on the performance clock), so the parent can tell the run's nvp lines from the others;
 *   3. gc() again (marks the end), then the digest of the JS graph.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import { type PerformanceEntry, PerformanceObserver, constants } from 'node:perf_hooks';
import { JsMutator } from '../v8/js-mutator.ts';
import { jsHeapDigest } from '../v8/js-digest.ts';
import { Rng } from '../workloads/rng.ts';
import { resolveWorkload } from './workload-file.ts';

export interface V8ChildSpec {
  workload: string;
  seed: number;
  params: Record<string, number>;
  resultFile: string;
}

/** One GC the PerformanceObserver saw during the run (performance clock, ms). */
export interface ObservedGc {
  kind: 'scavenge' | 'mark-compact';
  startTime: number;
  duration: number;
  /** Asked for by the workload (`collect`, V8's kGCCallbackFlagForced). */
  forced: boolean;
}

export interface V8ChildResult {
  /** performance.now() when the workload started. */
  startMs: number;
  wallMs: number;
  gcs: ObservedGc[];
  /** V8's used heap after the start-up GC: what the process holds before the workload allocates. */
  baselineBytes: number;
  digest: string;
  objects: number;
  workUnits: number;
  allocatedBytes: number;
  census: JsMutator['census'];
  error: { kind: 'error'; message: string } | null;
}

const KINDS: Record<number, ObservedGc['kind']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
};

const gc = (globalThis as { gc?: (o?: { type: string }) => void }).gc;

async function main(spec: V8ChildSpec): Promise<void> {
  const w = await resolveWorkload(spec.workload);
  if (!w) throw new Error(`unknown workload '${spec.workload}'`);
  await w.prepare?.(); // a heap snapshot's graph is read here
  const m = new JsMutator();
  gc?.();
  const baselineBytes = v8.getHeapStatistics().used_heap_size;
  const gcs: ObservedGc[] = [];
  const take = (list: readonly PerformanceEntry[]): void => {
    for (const e of list) {
      const detail = (e as { detail?: { kind?: number; flags?: number } }).detail;
      const kind = KINDS[detail?.kind ?? -1];
      const forced = ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
      if (kind !== undefined) gcs.push({ kind, startTime: e.startTime, duration: e.duration, forced });
    }
  };
  const obs = new PerformanceObserver((l) => take(l.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  let error: V8ChildResult['error'] = null;
  const startMs = performance.now();
  try {
    w.run(m, new Rng(spec.seed), spec.params);
  } catch (e) {
    error = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
  }
  const wallMs = performance.now() - startMs;
  // GC entries are delivered from a later turn of the event loop.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  take(obs.takeRecords());
  obs.disconnect();
  gc?.();
  const d = jsHeapDigest(m);
  const result: V8ChildResult = {
    startMs,
    wallMs,
    gcs,
    baselineBytes,
    digest: d.digest,
    objects: d.objects,
    workUnits: m.workUnits,
    allocatedBytes: m.allocatedBytes,
    census: m.census,
    error,
  };
  fs.writeFileSync(spec.resultFile, JSON.stringify(result));
}

// No top-level await: from source the child is loaded through tsx's CommonJS hook (see v8-run.ts).
main(JSON.parse(process.argv[process.argv.length - 1]) as V8ChildSpec).catch((e: unknown) => {
  process.stderr.write(`gcsim v8 child: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
