/**
 * Result JSON → Chrome Trace Event Format (opens in Perfetto and chrome://tracing), and a
 * checker for the rules Perfetto silently enforces. One process per run, one track per thread
 * (`mutator`, `gc-worker-N`): a slice per GC on the mutator track with its sequential sub-phases
 * nested inside, a slice per thread per parallel phase, the tracer's main-thread steps
 * (incremental marking, lazy sweeping) on the mutator track and the helpers' concurrent marking
 * and sweeping on theirs, heap and barrier counters. Every run starts at time 0, so
 * configurations line up one under the other, in the order given.
 */

import type { GCEvent, PhaseRecord, RunResult } from '../metrics/result.ts';

export interface TraceEvent {
  ph: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  name: string;
  cat?: string;
  s?: string;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  metadata: Record<string, unknown>;
}

/** Track id of the host GCs (`RunResult.hostGcs`): above any gcsim thread's. */
export const HOST_GC_TID = 10_000;

/** Track id of a gcsim thread: tid 0 is left to process-level events, so thread t is tid t + 1. */
export function tidOf(thread: number): number {
  return thread + 1;
}

export function threadName(thread: number): string {
  return thread === 0 ? 'mutator' : `gc-worker-${thread}`;
}

/** Slice name of a GC on the mutator track, as Node's `v8` trace category names them. */
export function gcSliceName(type: GCEvent['type']): string {
  return type === 'scavenge' ? 'MinorGC' : 'MajorGC';
}

/**
 * V8 trace-event name of a gcsim phase on a thread (`V8.GC_<SCOPE>`): `scavenge.x` →
 * `SCAVENGER_SCAVENGE_X`, `mc.x.y` → `MC_X_Y`; on a helper thread the scope gains `BACKGROUND_`
 * after its collector prefix, and V8's own background names are used where they differ
 * (`mc.mark` → `MC_BACKGROUND_MARKING`, `mc.sweep` → `MC_BACKGROUND_SWEEPING`).
 */
export function phaseSliceName(phase: string, thread: number): string {
  // V8's own names for the background phases.
  if (phase === 'mc.background.mark') return 'V8.GC_MC_BACKGROUND_MARKING';
  if (phase === 'mc.background.sweep') return 'V8.GC_MC_BACKGROUND_SWEEPING';
  const up = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  let prefix: string;
  let rest: string;
  if (phase.startsWith('scavenge.')) {
    prefix = 'SCAVENGER';
    rest = `SCAVENGE_${up(phase.slice(9))}`;
  } else if (phase.startsWith('mc.')) {
    prefix = 'MC';
    rest = up(phase.slice(3));
    if (thread !== 0) {
      if (rest === 'MARK') rest = 'MARKING';
      else if (rest === 'SWEEP') rest = 'SWEEPING';
    }
  } else {
    return `V8.GC_${thread !== 0 ? 'BACKGROUND_' : ''}${up(phase)}`;
  }
  return `V8.GC_${prefix}_${thread !== 0 ? 'BACKGROUND_' : ''}${rest}`;
}

/** ms → µs, rounded to the ns so the JSON stays short. */
function us(ms: number): number {
  return Math.round(ms * 1e6) / 1e3;
}

interface Slice {
  tid: number;
  startUs: number;
  endUs: number;
  ev: TraceEvent;
}

/**
 * Perfetto drops a slice that partly overlaps another on its track. Our slices can, through
 * rounding or a helper's span outliving the pause, so per track: sort by start (longer first),
 * and cut a slice that starts inside the one below it but ends after it at that one's end,
 * recording the cut in args.truncatedUs.
 */
function nestSlices(slices: Slice[]): void {
  const byTid = new Map<number, Slice[]>();
  for (const s of slices) {
    let l = byTid.get(s.tid);
    if (l === undefined) byTid.set(s.tid, (l = []));
    l.push(s);
  }
  for (const list of byTid.values()) {
    list.sort((a, b) => a.startUs - b.startUs || b.endUs - a.endUs);
    const stack: Slice[] = [];
    for (const s of list) {
      while (stack.length > 0 && stack[stack.length - 1].endUs <= s.startUs) stack.pop();
      const top = stack[stack.length - 1];
      if (top !== undefined && s.endUs > top.endUs) {
        s.ev.args = { ...s.ev.args, truncatedUs: us((s.endUs - top.endUs) / 1e3) };
        s.endUs = top.endUs;
      }
      s.ev.dur = Math.round((s.endUs - s.startUs) * 1e3) / 1e3;
      stack.push(s);
    }
  }
}

/**
 * The Chrome trace of one or more runs. Run i is pid i + 1, named by its label and sorted in the
 * order given; its threads are every thread seen in its events and timeline plus
 * `config.threads` if set. Timestamps: µs since the start of each run, so runs line up at 0.
 */
export function toChromeTrace(results: readonly { label: string; result: RunResult }[]): ChromeTrace {
  const events: TraceEvent[] = [];

  results.forEach(({ label, result }, i) => {
    const pid = i + 1;
    const base = 0; // every run on its own clock, from 0
    const slices: Slice[] = [];
    const addSlice = (tid: number, startMs: number, endMs: number, name: string, args: Record<string, unknown>): void => {
      const startUs = us(base + startMs);
      const endUs = Math.max(startUs, us(base + endMs));
      const ev: TraceEvent = { ph: 'X', pid, tid, ts: startUs, dur: 0, name, cat: 'gc', args };
      slices.push({ tid, startUs, endUs, ev });
    };

    // Threads: 0 always, every participant, and the configured count.
    const threads = new Set<number>([0]);
    const configured = result.config.threads;
    if (typeof configured === 'number' && Number.isInteger(configured) && configured > 0) {
      for (let t = 0; t < configured; t++) threads.add(t);
    }
    for (const ev of result.events) for (const ph of ev.parallel) for (const t of ph.threads) threads.add(t.thread);
    const timeline = result.timeline ?? [];
    for (const iv of timeline) threads.add(iv.thread);

    events.push({ ph: 'M', pid, tid: 0, name: 'process_name', args: { name: label } });
    events.push({ ph: 'M', pid, tid: 0, name: 'process_sort_index', args: { sort_index: pid } });
    for (const t of [...threads].sort((a, b) => a - b)) {
      events.push({ ph: 'M', pid, tid: tidOf(t), name: 'thread_name', args: { name: threadName(t) } });
      events.push({ ph: 'M', pid, tid: tidOf(t), name: 'thread_sort_index', args: { sort_index: t } });
    }

    for (const ev of result.events) {
      addSlice(tidOf(0), ev.startMs, ev.startMs + ev.pauseMs, gcSliceName(ev.type), {
        index: ev.index,
        type: ev.type,
        reason: ev.reason,
        collectorReason: ev.collectorReason,
        beforeBytes: ev.beforeBytes,
        afterBytes: ev.afterBytes,
        ...(ev.pageFaults !== undefined ? { pageFaults: ev.pageFaults } : {}),
        ...(ev.hostGc !== undefined ? { hostGc: ev.hostGc } : {}),
      });
      for (const ph of ev.parallel) addPhase(ph, ev, addSlice);
    }
    const parallelNames = new Map<number, Set<string>>();
    for (const ev of result.events) parallelNames.set(ev.index, new Set(ev.parallel.map((p) => p.name)));
    for (const iv of timeline) {
      if (iv.kind === 'pause') continue; // the GC slices above
      // A parallel phase already has its per-thread slices; the rest of a pause's sub-phases are the main thread's alone.
      if (iv.kind === 'phase' && parallelNames.get(iv.gc)?.has(iv.name)) continue;
      const args: Record<string, unknown> = { kind: iv.kind, scope: iv.name, gc: iv.gc };
      if (iv.busyMs !== undefined) args.busyMs = iv.busyMs;
      if (iv.barrierRecords !== undefined) args.barrierRecords = iv.barrierRecords;
      addSlice(tidOf(iv.thread), iv.startMs, iv.startMs + iv.durationMs, phaseSliceName(iv.name, iv.thread), args);
      if (iv.barrierRecords !== undefined) {
        events.push({ ph: 'C', pid, tid: 0, ts: us(base + iv.startMs + iv.durationMs), name: 'marking barrier', args: { records: iv.barrierRecords } });
      }
    }
    // The host's own GCs (V8 collecting the simulator's heap on the main thread), on a track of
    // their own: one may begin before a pause and end inside it.
    if (result.hostGcs !== undefined && result.hostGcs.length > 0) {
      events.push({ ph: 'M', pid, tid: HOST_GC_TID, name: 'thread_name', args: { name: 'host GC (V8, main thread)' } });
      events.push({ ph: 'M', pid, tid: HOST_GC_TID, name: 'thread_sort_index', args: { sort_index: HOST_GC_TID } });
      for (const g of result.hostGcs) addSlice(HOST_GC_TID, g.startMs, g.startMs + g.durationMs, `V8.GC (host, ${g.kind})`, { kind: g.kind });
    }
    nestSlices(slices);
    for (const s of slices) events.push(s.ev);

    for (const h of result.heapSamples) {
      events.push({
        ph: 'C',
        pid,
        tid: 0,
        ts: us(base + h.tMs),
        name: 'heap',
        args: { usedKB: Math.round(h.usedBytes / 1024), committedKB: Math.round(h.committedBytes / 1024) },
      });
    }
    if (result.error !== null) {
      const end = result.summary.wallMs;
      events.push({ ph: 'i', pid, tid: tidOf(0), ts: us(base + end), name: `error: ${result.error.kind}`, s: 'p', args: { message: result.error.message } });
    }
  });

  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: { runs: results.map((r) => r.label), origins: results.map((r) => r.result.timeOriginMs) },
  };
}

function addPhase(
  ph: PhaseRecord,
  ev: GCEvent,
  addSlice: (tid: number, startMs: number, endMs: number, name: string, args: Record<string, unknown>) => void,
): void {
  for (const t of ph.threads) {
    addSlice(tidOf(t.thread), t.startMs, t.endMs, phaseSliceName(ph.name, t.thread), {
      phase: ph.name,
      gc: ev.index,
      busyMs: t.busyMs,
      idleMs: t.idleMs,
      objects: t.objects,
      bytes: t.bytes,
      stealsAttempted: t.stealsAttempted,
      stealsSucceeded: t.stealsSucceeded,
      ...(t.racesLost !== undefined ? { racesLost: t.racesLost } : {}),
      ...(t.locksContended !== undefined ? { locksContended: t.locksContended } : {}),
      ...(t.mailSent !== undefined ? { mailSent: t.mailSent } : {}),
      ...(t.preemptedMs !== undefined ? { preemptedMs: t.preemptedMs } : {}),
      ...(ph.pageFaults !== undefined ? { phasePageFaults: ph.pageFaults } : {}),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Checking

/** Slack for comparing slice ends: 1 ns, far below anything we time, far above float noise. */
const EPS_US = 1e-3;
/** A ts above this (~11.6 days in µs) is almost surely an absolute epoch time, not an offset. */
const MAX_RELATIVE_US = 1e12;

/**
 * Problems in a trace that would make Perfetto drop or misplace events, as human-readable
 * lines (empty when none): a missing traceEvents array, events without ph/pid/name, a ts or dur
 * that is not a finite number (or looks like epoch µs rather than an offset), a tid with slices
 * but no thread_name, a pid without process_name, an `E` with no open `B`, and two slices on one
 * tid that partly overlap (checked with a per-tid stack).
 */
export function checkTrace(trace: unknown): string[] {
  const problems: string[] = [];
  if (typeof trace !== 'object' || trace === null || !Array.isArray((trace as { traceEvents?: unknown }).traceEvents)) {
    return ['trace has no traceEvents array'];
  }
  const evs = (trace as { traceEvents: unknown[] }).traceEvents;
  const named = new Set<string>();
  const processNamed = new Set<number>();
  const usedTids = new Map<string, number>(); // pid:tid → first event index
  const pids = new Set<number>();
  interface Span { start: number; end: number; name: string; i: number }
  const spans = new Map<string, Span[]>();
  const open = new Map<string, { ts: number; name: string; i: number }[]>();

  evs.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`event ${i} is not an object`);
      return;
    }
    const e = raw as Partial<TraceEvent>;
    if (typeof e.ph !== 'string' || typeof e.pid !== 'number' || typeof e.name !== 'string') {
      problems.push(`event ${i} lacks ph, pid or name`);
      return;
    }
    pids.add(e.pid);
    const key = `${e.pid}:${e.tid ?? 0}`;
    if (e.ph === 'M') {
      if (e.name === 'thread_name') named.add(key);
      if (e.name === 'process_name') processNamed.add(e.pid);
      return;
    }
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) {
      problems.push(`event ${i} (${e.name}) has ts ${String(e.ts)}, not a finite number of µs`);
      return;
    }
    if (Math.abs(e.ts) > MAX_RELATIVE_US) {
      problems.push(`event ${i} (${e.name}) has ts ${e.ts}: an absolute time, not µs since the trace origin`);
    }
    if (e.ph === 'C') return; // counters belong to the process
    if (typeof e.tid !== 'number') {
      problems.push(`event ${i} (${e.name}) has no tid`);
      return;
    }
    if (!usedTids.has(key)) usedTids.set(key, i);
    if (e.ph === 'X') {
      if (typeof e.dur !== 'number' || !Number.isFinite(e.dur) || e.dur < 0) {
        problems.push(`event ${i} (${e.name}) has dur ${String(e.dur)}, not a finite number of µs ≥ 0`);
        return;
      }
      let l = spans.get(key);
      if (l === undefined) spans.set(key, (l = []));
      l.push({ start: e.ts, end: e.ts + e.dur, name: e.name, i });
    } else if (e.ph === 'B') {
      let l = open.get(key);
      if (l === undefined) open.set(key, (l = []));
      l.push({ ts: e.ts, name: e.name, i });
    } else if (e.ph === 'E') {
      const b = open.get(key)?.pop();
      if (b === undefined) problems.push(`event ${i}: E on pid:tid ${key} with no open B`);
      else {
        let l = spans.get(key);
        if (l === undefined) spans.set(key, (l = []));
        l.push({ start: b.ts, end: e.ts, name: b.name, i: b.i });
      }
    }
  });

  for (const [key, l] of open) for (const b of l) problems.push(`event ${b.i} (${b.name}): B on pid:tid ${key} never ends`);
  for (const [key, i] of usedTids) {
    if (!named.has(key)) problems.push(`pid:tid ${key} (first used by event ${i}) has no thread_name`);
  }
  for (const pid of pids) if (!processNamed.has(pid)) problems.push(`pid ${pid} has no process_name`);

  for (const [key, l] of spans) {
    l.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: Span[] = [];
    for (const s of l) {
      while (stack.length > 0 && stack[stack.length - 1].end <= s.start + EPS_US) stack.pop();
      const top = stack[stack.length - 1];
      if (top !== undefined && s.end > top.end + EPS_US) {
        problems.push(
          `pid:tid ${key}: slice ${s.i} (${s.name}, ${s.start}..${s.end} µs) partly overlaps slice ${top.i} (${top.name}, ${top.start}..${top.end} µs)`,
        );
        continue; // Perfetto drops it; keep checking against the rest
      }
      stack.push(s);
    }
  }
  return problems;
}
