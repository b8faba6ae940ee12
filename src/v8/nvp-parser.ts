/**
 * V8's `--trace-gc-nvp` lines (one per GC, `[pid:isolate] T ms: pause=… gc=s|ms|mc …`) parsed
 * into gcsim's GC events (`gcsim/result@1`). Pure. A line that is not a GC line V8 prints, or
 * that has a token that is not `name=value`, is returned in `unparsed` with the reason: the
 * caller reports it, nothing is dropped silently. V8: gc-tracer.cc (GCTracer::PrintNVP).
 *
 * V8 prints a line's `[pid:isolate] T ms: ` prefix and its body in two calls, so when two
 * isolates of one process (the main one and, say, a module loader's worker) print at once, a
 * prefix can land before another isolate's whole line, its body on the next line. Such a pair is
 * put back together (`repaired`); anything else that does not parse is reported.
 */
import type { GCEvent, GCType, IncrementalMarkingStats } from '../metrics/result.ts';

/** One GC line: V8's timestamp (ms since the isolate started, printed when the GC ended) and its fields. */
export interface NvpRecord {
  /** 1-based line number in the child's stdout. */
  line: number;
  /** V8's isolate address: each isolate of the process has its own GCs. */
  isolate: string;
  tsMs: number;
  type: GCType;
  /** V8's collector code: `s` (scavenge), `ms`/`mc` (mark-sweep / mark-compact). */
  gc: string;
  fields: Record<string, number>;
}

export interface UnparsedLine {
  line: number;
  text: string;
  reason: string;
}

export interface NvpParse {
  records: NvpRecord[];
  unparsed: UnparsedLine[];
  /** Lines rebuilt from a prefix and a body that another isolate's line had split. */
  repaired: number;
}

const PREFIX = /^\[(\d+):(0x[0-9a-fA-F]+)\]\s+(\d+(?:\.\d+)?) ms: (.*)$/;
/** A prefix whose body was pushed to a later line by another isolate's line. */
const SPLIT_PREFIX = /^(\[\d+:0x[0-9a-fA-F]+\]\s+\d+(?:\.\d+)? ms: )(\[\d+:0x[0-9a-fA-F]+\].*)$/;
const TOKEN = /^([A-Za-z_][\w.]*)=(\S*)$/;
/** V8's `gc=` codes and the gcsim collector each is. `mmc` (minor mark-compact) has none. */
const GC_CODES: Record<string, GCType> = { s: 'scavenge', ms: 'mark-compact', mc: 'mark-compact' };

/** Parses a child's stdout. Blank lines are ignored; every other line is a record or unparsed. */
export function parseNvp(text: string): NvpParse {
  const records: NvpRecord[] = [];
  const unparsed: UnparsedLine[] = [];
  const lines = text.split('\n');
  /** Prefixes waiting for their body, oldest first. */
  const pending: { prefix: string; line: number }[] = [];
  let repaired = 0;
  const take = (textOfLine: string, line: number): void => {
    const r = parseNvpLine(textOfLine, line);
    if ('reason' in r) unparsed.push(r);
    else records.push(r);
  };
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i].replace(/\r$/, '');
    if (raw.trim() === '') continue;
    for (let m = SPLIT_PREFIX.exec(raw); m !== null; m = SPLIT_PREFIX.exec(raw)) {
      pending.push({ prefix: m[1], line: i + 1 });
      raw = m[2];
    }
    if (pending.length > 0 && !raw.startsWith('[') && raw.startsWith('pause=')) {
      const p = pending.shift()!;
      repaired++;
      take(p.prefix + raw, p.line);
      continue;
    }
    take(raw, i + 1);
  }
  for (const p of pending) unparsed.push({ line: p.line, text: p.prefix, reason: 'a line prefix whose body never came' });
  return { records, unparsed, repaired };
}

export function parseNvpLine(text: string, line = 1): NvpRecord | UnparsedLine {
  const m = PREFIX.exec(text);
  if (!m) return { line, text, reason: 'not a V8 --trace-gc-nvp line' };
  const fields: Record<string, number> = {};
  let gc = '';
  for (const tok of m[4].trim().split(/\s+/)) {
    const t = TOKEN.exec(tok);
    if (!t) return { line, text, reason: `token '${tok}' is not name=value` };
    if (t[1] === 'gc') {
      gc = t[2];
      continue;
    }
    const n = Number(t[2].endsWith('%') ? t[2].slice(0, -1) : t[2]);
    if (t[2] === '' || !Number.isFinite(n)) return { line, text, reason: `value of ${t[1]} is not a number: '${t[2]}'` };
    fields[t[1]] = n;
  }
  const type = GC_CODES[gc];
  if (type === undefined) return { line, text, reason: gc === '' ? 'no gc= field' : `collector gc=${gc} has no gcsim counterpart` };
  if (!('pause' in fields)) return { line, text, reason: 'no pause= field' };
  return { line, isolate: m[2], tsMs: Number(m[3]), type, gc, fields };
}

/** Fields that are sizes, counts, rates or ratios, not phase times. */
const NOT_PHASES = /(_size_|_size$|^allocated$|^promoted$|^new_space_|^nodes_|_ratio|_rate|_throughput|_count$|_speed$|^unmapper_chunks$|^pause$|^mutator$|^reduce_memory$|^time_to_safepoint$|_duration$|_longest_step$)/;

/**
 * The GC event of a record. `offsetMs` is V8's timestamp of the run's start (V8 prints its own
 * clock, which the caller aligns with the run); V8 prints a line when the GC ends, so the event
 * starts a pause earlier. V8 prints no reason in this format: `reason` is empty.
 */
export function nvpToEvent(r: NvpRecord, index: number, offsetMs: number): GCEvent {
  const f = r.fields;
  const get = (k: string): number => f[k] ?? 0;
  const pauseMs = get('pause');
  const mc = r.type === 'mark-compact';
  const phasesMs: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) {
    if (NOT_PHASES.test(k)) continue;
    phasesMs[mc && !k.startsWith('heap.') ? `mc.${k}` : k] = v;
  }
  const promotedBytes = get('promoted');
  let incremental: IncrementalMarkingStats | null = null;
  if (mc && (get('incremental_steps_count') > 0 || get('incremental_walltime_duration') > 0)) {
    incremental = {
      stepsMs: get('incremental'),
      steps: get('incremental_steps_count'),
      biggestStepMs: get('incremental_longest_step'),
      walltimeMs: get('incremental_walltime_duration'),
      concurrentMsPerThread: 'background.mark' in f ? [get('background.mark')] : [],
      barrierRecords: 0,
      floatingGarbageBytes: null,
    };
  }
  return {
    index,
    type: r.type,
    reason: '',
    collectorReason: '',
    startMs: r.tsMs - offsetMs - pauseMs,
    pauseMs,
    timeToSafepointMs: get('time_to_safepoint'),
    beforeBytes: get('total_size_before'),
    afterBytes: get('total_size_after'),
    beforeCommittedBytes: get('total_size_before'),
    afterCommittedBytes: get('total_size_after'),
    phasesMs,
    parallel: [],
    survivedBytes: Math.max(0, get('new_space_survived') - promotedBytes),
    promotedBytes,
    evacuatedBytes: 0,
    incremental,
    evacuationCandidates: 0,
    evacuationCandidateBytes: 0,
    abortedCandidates: 0,
    releasedPages: 0,
    markedBytes: 0,
    sweptPages: 0,
    pageMap: null,
  };
}
