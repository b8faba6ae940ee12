/**
 * The one table of knobs. Every collector option is declared here once, with its V8-style flag
 * name, type, default, bounds and one line of doc; the CLI, sweeps and the result JSON are all
 * generated from this table, so a new option appears everywhere without further code.
 * Validation is a zod schema built from the table. Sizes are in MB as in V8's flags.
 */
import { z } from 'zod';
import { BARRIER_NAMES } from './mutator/write-barrier.ts';
import { WORK_DISTRIBUTION_NAMES } from './parallel/work-distribution.ts';
import { COMPACTION_POLICY_NAMES } from './gc/compaction-policy.ts';

type Spec =
  | { kind: 'int' | 'number'; default: number; min: number; max: number; doc: string; unit?: string }
  | { kind: 'bool'; default: boolean; doc: string }
  | { kind: 'enum'; default: string; values: readonly string[]; doc: string };

export const OPTION_TABLE = {
  engine: { kind: 'enum', default: 'gcsim', values: ['gcsim', 'v8'], doc: "which heap runs the workload: gcsim's, or V8's own in a child node with --trace-gc-nvp (docs/fidelity.md)" },
  threads: { kind: 'int', default: 1, min: 1, max: 16, doc: 'threads in a parallel phase, counting the main thread (1 = no helpers)' },
  maxSemiSpaceSize: { kind: 'number', default: 1, min: 0.25, max: 2048, unit: 'MB', doc: 'size of each of the two semispaces of new space (MB, multiple of 0.25; the whole heap stays below 8 GiB of word addresses)' },
  maxOldSpaceSize: { kind: 'number', default: 128, min: 1, max: 4096, unit: 'MB', doc: 'heap limit of the old generation, large objects included (MB; up to 4 GiB, V8\'s pointer-compression cage)' },
  initialOldSpaceSize: { kind: 'number', default: 4, min: 0.25, max: 4096, unit: 'MB', doc: 'old-generation size that triggers the first mark-compact (MB)' },
  heapGrowingFactor: { kind: 'number', default: 2, min: 1.1, max: 8, doc: 'next mark-compact limit = live old-generation bytes x this factor' },
  balance: { kind: 'enum', default: 'steal', values: WORK_DISTRIBUTION_NAMES, doc: 'work distribution in parallel phases: a scheme of src/parallel/work-distribution.ts (steal = whole segments, static = none)' },
  dispatch: { kind: 'enum', default: 'parked', values: ['parked', 'task'], doc: 'how a parallel phase starts: wake parked helpers, or a Piscina task per phase' },
  helperJoin: { kind: 'enum', default: 'dynamic', values: ['dynamic', 'all'], doc: "who takes part in a stop-the-world phase: helpers that arrive before the main thread has finished it (dynamic, V8's job model), or every helper from the start (all)" },
  incrementalMarking: { kind: 'bool', default: true, doc: 'mark while the mutator runs, in steps or on helpers; off = stop-the-world mark-compact (V8 --incremental-marking)' },
  concurrentMarking: { kind: 'bool', default: true, doc: 'helpers mark while the mutator runs (V8 --concurrent-marking)' },
  concurrentMarkers: { kind: 'int', default: -1, min: -1, max: 15, doc: 'helpers that mark concurrently; -1 = threads - 1, at most 7 (V8 kMaxTasks)' },
  barrier: { kind: 'enum', default: 'insertion', values: BARRIER_NAMES, doc: 'marking barrier: a variant of src/mutator/write-barrier.ts (insertion = V8, shades the written value)' },
  newSpacePages: { kind: 'bool', default: false, doc: 'young objects do not straddle 256 KB new-space pages, as in V8 (off: one contiguous semispace, seed 003: ten 100 KB strings per MB)' },
  allocationSitePretenuring: { kind: 'bool', default: false, doc: 'allocate the objects of a map whose young objects mostly survive straight in old space (V8 --allocation-site-pretenuring, on in V8; docs/fidelity.md)' },
  parallelScavenge: { kind: 'bool', default: true, doc: 'scavenge on all threads (V8 --parallel-scavenge); off: the main thread alone, as at threads = 1, so the young objects it promotes lie in the same order' },
  casForwarding: { kind: 'bool', default: false, doc: "install every scavenge forwarding address with a CAS, also when the main thread scavenges alone, as V8's scavenger always does (so a speedup over threads = 1 compares the same code); off: a plain store when no other thread scavenges" },
  atomicMarking: { kind: 'bool', default: false, doc: "set every mark bit with an atomic or, also when the main thread marks alone, as V8's marking visitors always do (so a marking speedup over threads = 1 compares the same code); off: a plain or when no other thread marks" },
  parallelMarking: { kind: 'bool', default: true, doc: "mark in the stop-the-world pause on all threads (V8 --parallel-marking); off: the main thread alone, so a heap laid out by parallel scavenges can be marked by one thread (mark bits stay atomic at threads > 1)" },
  ownerMarking: { kind: 'bool', default: false, doc: "a stop-the-world mark on several threads deals the heap's 256 KB pages to them round robin; each thread sets the bits of its own pages alone, with a plain or, and mails the targets it finds in others' pages to their owner (Oancea et al., ISMM 2009; not V8: its markers set bits atomically); needs threads a power of two; its marks wake every helper from their start, under either --helper-join" },
  threadMarkBitmaps: { kind: 'bool', default: false, doc: "a stop-the-world mark on several threads gives each helper a mark bitmap of its own: a thread tests every thread's bitmap and sets bits in its own alone, with a plain or; the helpers' bitmaps are merged into the heap's after the mark, and an object two threads both marked has its live bytes counted once (not V8: its markers share one bitmap and set bits atomically); threads 2 to 4, not with --owner-marking" },
  ownerScavenging: { kind: 'bool', default: false, doc: "a scavenge on several threads deals from-space's 256 KB pages to them round robin; each thread copies the objects of its own pages alone and forwards them with a plain store, and mails the slots it finds pointing into others' pages to their owner, who updates them (not V8: its scavenger CASes every forwarding address); needs --helper-join all and threads a power of two" },
  parallelCompaction: { kind: 'bool', default: true, doc: 'evacuate candidate pages on all threads (V8 --parallel-compaction)' },
  concurrentSweeping: { kind: 'bool', default: true, doc: 'sweep old pages on helpers after the pause (V8 --concurrent-sweeping)' },
  neverCompact: { kind: 'bool', default: false, doc: 'sweep every page, evacuate none (V8 --never-compact)' },
  compactionPolicy: { kind: 'enum', default: 'v8', values: COMPACTION_POLICY_NAMES, doc: 'how evacuation candidates are chosen: a policy of src/gc/compaction-policy.ts (v8 = the fragmentation heuristic)' },
  compactionFragmentationPercent: { kind: 'int', default: 70, min: 1, max: 100, doc: 'a page is an evacuation candidate when at least this % of it is free (V8: 70)' },
  compactionQuotaMb: { kind: 'number', default: 4, min: 0, max: 1024, unit: 'MB', doc: 'at most this many live MB are evacuated per mark-compact (V8: 4)' },
  labSizeKb: { kind: 'int', default: 32, min: 1, max: 256, unit: 'KB', doc: 'linear allocation buffer size for GC threads copying objects (V8: 32)' },
  maxHandles: { kind: 'int', default: 1 << 20, min: 1024, max: 1 << 26, doc: 'capacity of the simulated handle stack and globals' },
  verifyHeap: { kind: 'bool', default: false, doc: 'run the heap verifier after every GC (V8 --verify-heap)' },
  jitWarmup: { kind: 'bool', default: true, doc: 'first run every GC phase on a scratch heap on the same threads, so the measured run times optimised collector code (gcsim run --no-warmup: off)' },
  hostNice: { kind: 'int', default: 19, min: 0, max: 19, doc: "nice value of the process's other threads (V8's compiler and JS-heap GC workers) during a measured run, so they do not preempt the collector's threads (0 = leave them; Linux; lasts for the process; env GCSIM_HOST_NICE changes the default)" },
  hostSched: { kind: 'enum', default: 'idle', values: ['idle', 'nice'], doc: "how --host-nice lowers the other threads: also put them in SCHED_IDLE, so that a collector thread that wakes takes its core at once (idle; Linux, needs chrt), or the nice value alone, under which the kernel lets a running thread finish its slice first (nice)" },
  preTouch: { kind: 'bool', default: false, doc: "write every 4 KiB page of the heap and of its side tables once when the heap is made, before the run (HotSpot's -XX:+AlwaysPreTouch): no first-touch page faults in pauses or in allocation; the whole heap is resident from the start" },
  recordPageFaults: { kind: 'bool', default: false, doc: "record the process's minor page faults in each pause and each parallel phase (a first write to a page, or one after a fork; about 1.5 us per pause and per phase)" },
  recordPreemption: { kind: 'bool', default: false, doc: 'record how long each thread of a parallel phase waited, runnable, for a CPU (Linux /proc/thread-self/schedstat; adds about 8 us per thread per phase)' },
  stallTimeoutMs: { kind: 'int', default: 1000, min: 50, max: 600000, doc: 'a parallel phase with no progress for this long is reported as stalled' },
} as const satisfies Record<string, Spec>;

export type OptionName = keyof typeof OPTION_TABLE;
type ValueOf<S> = S extends { kind: 'bool' } ? boolean : S extends { kind: 'enum'; values: readonly (infer V)[] } ? V : number;
export type GcOptions = { -readonly [K in OptionName]: ValueOf<(typeof OPTION_TABLE)[K]> };

export class OptionError extends Error {}

function schemaFor(spec: Spec): z.ZodType {
  switch (spec.kind) {
    case 'int':
      return z.number().int().min(spec.min).max(spec.max);
    case 'number':
      return z.number().finite().min(spec.min).max(spec.max);
    case 'bool':
      return z.boolean();
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
  }
}

const SCHEMA = z.strictObject(
  Object.fromEntries(Object.entries(OPTION_TABLE).map(([k, s]) => [k, schemaFor(s as Spec).optional()])),
);

export function defaultOptions(): GcOptions {
  return Object.fromEntries(Object.entries(OPTION_TABLE).map(([k, s]) => [k, s.default])) as GcOptions;
}

/** Validates a partial option set and fills in the defaults; throws OptionError with one clear line. */
export function resolveOptions(partial: Partial<Record<string, unknown>> = {}): GcOptions {
  const r = SCHEMA.safeParse(partial);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = issue.path.length > 0 ? String(issue.path[0]) : (issue as { keys?: string[] }).keys?.[0] ?? '?';
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      throw new OptionError(`unknown option '${keys.map(optionFlag).join(', ')}'`);
    }
    throw new OptionError(`bad value ${JSON.stringify(partial[name])} for ${optionFlag(name)}: ${describeSpec(name)}`);
  }
  const o = { ...defaultOptions(), ...environmentDefaults(), ...(r.data as Partial<GcOptions>) };
  if (!Number.isInteger(o.maxSemiSpaceSize * 4)) throw new OptionError(`bad value ${o.maxSemiSpaceSize} for --max-semi-space-size: a multiple of 0.25 MB (one page)`);
  if (o.threadMarkBitmaps && o.threads > 4) throw new OptionError(`bad value ${o.threads} for --threads with --thread-mark-bitmaps: at most 4`);
  if (o.threadMarkBitmaps && o.ownerMarking && o.threads > 1) throw new OptionError('--thread-mark-bitmaps and --owner-marking are two ways of sharing the mark: choose one');
  for (const [on, flag] of [[o.ownerMarking, '--owner-marking'], [o.ownerScavenging, '--owner-scavenging']] as const) {
    if (on && o.threads > 1 && (o.threads & (o.threads - 1)) !== 0) throw new OptionError(`bad value ${o.threads} for --threads with ${flag}: a power of two (1, 2, 4, 8 or 16)`);
  }
  // An owned mark wakes every helper from its start whatever the join mode; scavenges are many
  // and short, and an owned one would make every one of them pay that wake.
  if (o.ownerScavenging && o.threads > 1 && o.helperJoin !== 'all') throw new OptionError('--owner-scavenging needs --helper-join all: every thread must take part in a scavenge from its start');
  if (o.concurrentMarkers >= o.threads) throw new OptionError(`bad value ${o.concurrentMarkers} for --concurrent-markers: at most threads - 1 = ${o.threads - 1}`);
  if (o.initialOldSpaceSize > o.maxOldSpaceSize) o.initialOldSpaceSize = o.maxOldSpaceSize;
  return o;
}

/**
 * Defaults the environment may change: GCSIM_HOST_NICE (0-19) for `hostNice`. The test suite sets
 * it to 0: its processes measure nothing, and with V8's compiler threads at nice 19 two busy test
 * processes on two cores starved them (three integration files took 75-82 s against 65-67 s).
 */
function environmentDefaults(): Partial<GcOptions> {
  const nice = process.env.GCSIM_HOST_NICE;
  if (nice === undefined || nice === '') return {};
  const n = Number(nice);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new OptionError(`bad value ${JSON.stringify(nice)} for GCSIM_HOST_NICE: an integer from 0 to 19`);
  return { hostNice: n };
}

/** `maxSemiSpaceSize` -> `--max-semi-space-size` */
export function optionFlag(name: string): string {
  return '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** `max-semi-space-size` -> `maxSemiSpaceSize`, or undefined when no option has that flag. */
export function optionFromFlag(flag: string): OptionName | undefined {
  const name = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return name in OPTION_TABLE ? (name as OptionName) : undefined;
}

export function describeSpec(name: string): string {
  const s = (OPTION_TABLE as Record<string, Spec>)[name];
  if (!s) return 'unknown option';
  switch (s.kind) {
    case 'int':
      return `an integer from ${s.min} to ${s.max}`;
    case 'number':
      return `a number from ${s.min} to ${s.max}${s.unit ? ' ' + s.unit : ''}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${s.values.join(', ')}`;
  }
}

/** Parses one option value from command-line text, per the table. Throws OptionError. */
export function parseOptionValue(name: OptionName, text: string): GcOptions[OptionName] {
  const s = OPTION_TABLE[name] as Spec;
  if (s.kind === 'bool') {
    if (text === 'true' || text === '1' || text === '') return true;
    if (text === 'false' || text === '0') return false;
  } else if (s.kind === 'enum') {
    if (s.values.includes(text)) return text as GcOptions[OptionName];
  } else {
    const n = Number(text);
    if (text.trim() !== '' && Number.isFinite(n) && (s.kind === 'number' || Number.isInteger(n)) && n >= s.min && n <= s.max) return n;
  }
  throw new OptionError(`bad value '${text}' for ${optionFlag(name)}: ${describeSpec(name)}`);
}

/** Concurrent markers by default at most (V8's ConcurrentMarking::kMaxTasks). */
export const MAX_DEFAULT_CONCURRENT_MARKERS = 7;

/** Effective number of concurrent markers: by default every helper, at most 7, as V8 runs. */
export function concurrentMarkerCount(o: GcOptions): number {
  if (!o.concurrentMarking) return 0;
  return o.concurrentMarkers < 0 ? Math.min(o.threads - 1, MAX_DEFAULT_CONCURRENT_MARKERS) : o.concurrentMarkers;
}

/**
 * How a configuration marks, which decides what its marking figures can be compared with:
 * `stop-the-world` (no marking while the mutator runs), `incremental` (steps on the main thread,
 * as with one thread or --no-concurrent-marking), or `concurrent (N markers)` on helpers.
 */
export function markingMode(o: GcOptions): string {
  if (!o.incrementalMarking) return 'stop-the-world';
  const n = concurrentMarkerCount(o);
  return n > 0 && o.threads > 1 ? `concurrent (${n} marker${n === 1 ? '' : 's'})` : 'incremental';
}
