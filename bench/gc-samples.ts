/**
 * The samples of `npm run bench -- gc` (bench/gc.bench.ts) and the host GCs among them: a gcsim
 * pause in which V8 collected the bench process's own heap (src/metrics/host-gc.ts) measured that
 * too, and is left out of the medians and the paired ratios.
 */
import { type HostGc, hostGcWithin } from '../src/metrics/host-gc.ts';
import { median } from './bench-kit.ts';

export interface Sample {
  phaseMs: number;
  pauseMs: number;
  /** gcsim: the pause on the clock of `performance.timeOrigin + performance.now()`, to find host GCs in. */
  fromMs?: number;
  /** gcsim: ms of host GCs (V8 collecting this process's heap) inside the pause, when there were any. */
  hostGcMs?: number;
}

/** The main phase's ms, or NaN for a pause a host GC fell in: such a sample is left out of medians and ratios. */
export function phaseOf(s: Sample): number {
  return s.hostGcMs === undefined ? s.phaseMs : NaN;
}

export function finiteMedian(xs: readonly number[]): number {
  return median(xs.filter(Number.isFinite));
}

/**
 * Marks the gcsim samples whose pause a host GC (V8 collecting this process's heap) fell in,
 * which medians and ratios then leave out, and says which configurations had them.
 */
export function markHostGcs(configs: string[], samples: Map<string, Sample[]>, gcs: readonly HostGc[]): string {
  const hit = new Map<string, { pauses: number; ms: number }>();
  let measured = 0;
  for (const [k, xs] of samples) {
    const c = k.slice(k.lastIndexOf('|') + 1);
    for (const s of xs) {
      if (s.fromMs === undefined) continue;
      measured++;
      const h = hostGcWithin(gcs, s.fromMs, s.fromMs + s.pauseMs);
      if (h === null) continue;
      s.hostGcMs = h.ms;
      const t = hit.get(c) ?? { pauses: 0, ms: 0 };
      t.pauses++;
      t.ms += h.ms;
      hit.set(c, t);
    }
  }
  const head = `Host GCs (V8 collecting this process's own heap, main thread): ${gcs.length} during the rounds`;
  if (hit.size === 0) return `${head}; none inside any of the ${measured} measured gcsim pauses.`;
  const parts = configs.filter((c) => hit.has(c)).map((c) => `${c} ${hit.get(c)!.pauses} (${hit.get(c)!.ms.toFixed(1)} ms)`);
  return `${head}; inside measured gcsim pauses, left out of the medians and ratios above: ${parts.join(', ')} of ${measured}.`;
}

