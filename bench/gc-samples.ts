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
  /** gcsim: the longest wait of any thread for a core in the measured phase (option recordPreemption), where recorded. */
  waitMs?: number;
  /** Left out of medians and ratios for that wait (`BENCH_GC_WAITS=drop`, `dropLongWaits`). */
  waited?: boolean;
}

/**
 * The main phase's ms, or NaN for a pause a host GC fell in, or one left out for a thread's wait
 * for a core: such a sample is left out of medians and ratios.
 */
export function phaseOf(s: Sample): number {
  return isKept(s) ? s.phaseMs : NaN;
}

/** Whether a sample counts in medians and ratios: no host GC in its pause, not left out for a wait. */
export function isKept(s: Sample): boolean {
  return s.hostGcMs === undefined && s.waited !== true;
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

/** Waits of 1 ms or more for a core: each thread's, in the measured phase, counted per configuration. */
const LONG_WAIT_MS = 1;

/** Did a thread wait LONG_WAIT_MS or more for a core in this sample's phase? */
function longWait(s: Sample): boolean {
  return s.waitMs !== undefined && s.waitMs >= LONG_WAIT_MS;
}

/** Marks the gcsim samples in which a thread waited LONG_WAIT_MS or more for a core, which medians and ratios then leave out. */
export function dropLongWaits(samples: Map<string, Sample[]>): void {
  for (const xs of samples.values()) for (const s of xs) if (longWait(s)) s.waited = true;
}

/**
 * The same samples with every phase in which a thread waited LONG_WAIT_MS or more for a core left
 * out (copies; `samples` is not changed), or null when no such phase was recorded: the speedups
 * of the same rounds without the phases the machine took a core from.
 */
export function withoutLongWaits(samples: Map<string, Sample[]>): Map<string, Sample[]> | null {
  const out = new Map<string, Sample[]>();
  let any = false;
  for (const [k, xs] of samples) {
    out.set(
      k,
      xs.map((s) => {
        const long = longWait(s);
        any ||= long && isKept(s);
        return long ? { ...s, waited: true } : { ...s };
      }),
    );
  }
  return any ? out : null;
}

/**
 * Says how many measured gcsim phases had a thread wait 1 ms or more for a core (runnable, not
 * running: preempted by another thread of the machine), per configuration. By default those
 * phases stay in the medians and ratios (V8's children cannot be measured the same way): the line
 * says how much of the spread the machine may have added. `dropped`: they were left out.
 */
export function waitNote(configs: string[], samples: Map<string, Sample[]>, dropped = false): string {
  const per = new Map<string, { long: number; of: number; maxMs: number }>();
  for (const [k, xs] of samples) {
    const c = k.slice(k.lastIndexOf('|') + 1);
    for (const s of xs) {
      if (s.waitMs === undefined) continue;
      const t = per.get(c) ?? { long: 0, of: 0, maxMs: 0 };
      t.of++;
      if (s.waitMs >= LONG_WAIT_MS) t.long++;
      t.maxMs = Math.max(t.maxMs, s.waitMs);
      per.set(c, t);
    }
  }
  if (per.size === 0) return 'Waits for a core: not recorded (no /proc/thread-self/schedstat).';
  const parts = configs.filter((c) => per.has(c)).map((c) => `${c} ${per.get(c)!.long} of ${per.get(c)!.of} (longest ${per.get(c)!.maxMs.toFixed(1)} ms)`);
  return `Waits for a core (measured gcsim phases in which a thread waited ${LONG_WAIT_MS} ms or more, ${dropped ? 'left out of the medians and ratios above (BENCH_GC_WAITS=drop)' : 'kept in the figures above'}): ${parts.join(', ')}.`;
}
