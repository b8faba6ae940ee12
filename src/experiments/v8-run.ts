/**
 * One run on V8's own heap (`--engine v8`): the workload runs on the V8 backend of the mutator
 * API (src/v8/js-mutator.ts) in a child `node` with --trace-gc-nvp and V8 flags translated from
 * gcsim's options, and V8's lines become the events of the same `gcsim/result@1` record, tagged
 * `engine: "v8"`. Sizes are translated by bytes per object: the workload runs once here on the
 * backend to count what it allocates (its census), the object sizes of this node are measured,
 * and every size option is scaled by V8 bytes over gcsim bytes (both recorded). Main thread.
 */
import { spawn, spawnSync } from 'node:child_process';
import { announceChildProcess } from './child-processes.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryModuleUrl } from '../scheduler/module-url.ts';
import type { GCEvent, RunError, RunResult, V8RunRecord } from '../metrics/result.ts';
import { summarizeRun } from '../metrics/summary.ts';
import { defaultOptions, type GcOptions, optionFlag } from '../options.ts';
import { JsMutator } from '../v8/js-mutator.ts';
import { gcsimBytesOf, measureV8ObjectBytes, v8BytesOf } from '../v8/size-model.ts';
import { type NvpRecord, nvpToEvent, parseNvp } from '../v8/nvp-parser.ts';
import { alignRun } from '../v8/align.ts';
import { Rng } from '../workloads/rng.ts';
import type { Workload } from '../workloads/workload.ts';
import type { V8ChildResult, V8ChildSpec } from './v8-child.ts';

const CHILD = fileURLToPath(entryModuleUrl('./v8-child.ts', import.meta.url));
/** V8's out-of-memory abort (node exits with SIGABRT's 128 + 6). */
const V8_OOM_EXIT = 134;

export class V8FlagError extends Error {}

export interface V8RunSpec {
  workload: Workload;
  /** The name or path the child loads the workload by. */
  workloadRef: string;
  seed: number;
  params: Record<string, number>;
  options: GcOptions;
  /** V8 (or node) flags passed to the child after the translated ones: they win. */
  v8Flags?: readonly string[];
  onEvent?: (ev: GCEvent) => void;
  timeoutMs?: number;
}

/** gcsim options with a V8 flag of the same meaning: (value, all options) -> flags. */
const FLAG_TRANSLATIONS: Partial<Record<keyof GcOptions, (o: GcOptions) => string[]>> = {
  threads: (o) => (o.threads === 1 ? ['--single-threaded-gc'] : [`--v8-pool-size=${o.threads - 1}`]),
  concurrentMarking: (o) => (o.concurrentMarking ? [] : ['--no-concurrent-marking']),
  concurrentMarkers: (o) => (o.concurrentMarkers < 0 ? [] : o.concurrentMarkers === 0 ? ['--no-concurrent-marking'] : [`--concurrent-marking-max-worker-num=${o.concurrentMarkers}`]),
  incrementalMarking: (o) => (o.incrementalMarking ? [] : ['--no-incremental-marking']),
  parallelScavenge: (o) => (o.parallelScavenge ? [] : ['--no-parallel-scavenge']),
  parallelMarking: (o) => (o.parallelMarking ? [] : ['--no-parallel-marking']),
  parallelCompaction: (o) => (o.parallelCompaction ? [] : ['--no-parallel-compaction']),
  concurrentSweeping: (o) => (o.concurrentSweeping ? [] : ['--no-concurrent-sweeping']),
  neverCompact: (o) => (o.neverCompact ? ['--never-compact'] : []),
  newSpacePages: () => [], // V8's new space is always made of pages
  casForwarding: () => [], // V8's scavenger always installs forwarding addresses with a CAS
  atomicMarking: () => [], // V8's marking visitors always set mark bits atomically (MarkingState)
  allocationSitePretenuring: (o) => [o.allocationSitePretenuring ? '--allocation-site-pretenuring' : '--no-allocation-site-pretenuring'],
  heapGrowingFactor: (o) => [`--heap-growing-percent=${Math.round((o.heapGrowingFactor - 1) * 100)}`],
};
/** Options translated as sizes (MB, scaled by the bytes-per-object factor). */
const SIZE_OPTIONS = ['maxSemiSpaceSize', 'maxOldSpaceSize', 'initialOldSpaceSize'] as const;
/** Options that only concern gcsim's own machinery: never reported as untranslated. */
const GCSIM_ONLY = new Set<string>(['engine', 'verifyHeap', 'jitWarmup', 'stallTimeoutMs', 'maxHandles', 'dispatch']);

/** The size translation and the child's flags for `o`, given the measured factor (V8 bytes / gcsim bytes). */
export function translateOptions(o: GcOptions, factor: number): Pick<V8RunRecord, 'sizesMb' | 'translatedFlags' | 'untranslated'> {
  const exact = (mb: number) => mb * factor;
  const semi = exact(o.maxSemiSpaceSize);
  // V8 rounds a semispace up to a power of two MB (Heap::ConfigureHeap): give it the nearest one.
  const sizesMb: V8RunRecord['sizesMb'] = {
    maxSemiSpaceSize: { gcsim: o.maxSemiSpaceSize, exact: semi, v8: 2 ** Math.max(0, Math.round(Math.log2(semi))) },
    maxOldSpaceSize: { gcsim: o.maxOldSpaceSize, exact: exact(o.maxOldSpaceSize), v8: Math.max(1, Math.ceil(exact(o.maxOldSpaceSize))) },
    initialOldSpaceSize: { gcsim: o.initialOldSpaceSize, exact: exact(o.initialOldSpaceSize), v8: Math.max(1, Math.round(exact(o.initialOldSpaceSize))) },
  };
  // V8 takes whole MB; new space is pinned (min = max), as gcsim's is fixed.
  const flags = [
    `--min-semi-space-size=${sizesMb.maxSemiSpaceSize.v8}`,
    `--max-semi-space-size=${sizesMb.maxSemiSpaceSize.v8}`,
    `--max-old-space-size=${sizesMb.maxOldSpaceSize.v8}`,
    `--initial-old-space-size=${sizesMb.initialOldSpaceSize.v8}`,
  ];
  for (const f of Object.values(FLAG_TRANSLATIONS)) flags.push(...f(o));
  const d = defaultOptions() as Record<string, unknown>;
  const untranslated = Object.keys(o).filter((k) => !(k in FLAG_TRANSLATIONS) && !(SIZE_OPTIONS as readonly string[]).includes(k) && !GCSIM_ONLY.has(k) && (o as Record<string, unknown>)[k] !== d[k]).map(optionFlag);
  return { sizesMb, translatedFlags: flags, untranslated };
}

let knownFlags: Set<string> | null = null;

/** Rejects a flag that neither node nor V8 knows (V8 would only warn and go on). */
export function checkV8Flags(flags: readonly string[]): void {
  if (knownFlags === null) {
    const out = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout ?? '';
    knownFlags = new Set([...out.matchAll(/^\s+--([\w-]+)/gm)].map((m) => m[1].replace(/_/g, '-')));
    for (const f of process.allowedNodeEnvironmentFlags) knownFlags.add(f.replace(/^--/, '').replace(/_/g, '-'));
    knownFlags.add('v8-pool-size');
  }
  for (const f of flags) {
    const m = /^--(?:no-)?([\w-]+)(=.*)?$/.exec(f);
    const name = m?.[1].replace(/_/g, '-');
    if (!m || name === undefined || !(knownFlags.has(name) || knownFlags.has(`no-${name}`))) throw new V8FlagError(`unknown V8 flag '${f}' (node --v8-options lists them)`);
  }
}

/** From source the child loads .ts modules through tsx (createRequire: a trial's worker has no import.meta.resolve). */
function childExecArgv(): string[] {
  return CHILD.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
}

interface ChildOutcome {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
}

function runChild(args: string[], timeoutMs: number): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    announceChildProcess(child.pid, false);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      announceChildProcess(child.pid, true);
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal, timedOut });
    });
  });
}

/** Runs `spec` on V8's heap in a child node and returns the result record. */
export async function runOnV8(spec: V8RunSpec): Promise<RunResult> {
  const passThrough = [...(spec.v8Flags ?? [])];
  checkV8Flags(passThrough);
  // The census: the same workload, seed and parameters on the backend, here, to count what it allocates.
  const census = new JsMutator();
  spec.workload.run(census, new Rng(spec.seed), spec.params);
  const objectBytes = measureV8ObjectBytes();
  const objects = census.census.taggedObjects + census.census.rawObjects;
  const gcsimBytes = gcsimBytesOf(census.census);
  const v8Bytes = v8BytesOf(census.census, objectBytes);
  const factor = gcsimBytes > 0 ? v8Bytes / gcsimBytes : 1;
  const t = translateOptions(spec.options, factor);
  const nodeFlags = ['--expose-gc', '--trace-gc-nvp', ...t.translatedFlags, ...passThrough];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-v8-'));
  const resultFile = path.join(dir, 'child.json');
  const childSpec: V8ChildSpec = { workload: spec.workloadRef, seed: spec.seed, params: spec.params, resultFile };
  const t0 = Date.now();
  const outcome = await runChild([...childExecArgv(), ...nodeFlags, CHILD, JSON.stringify(childSpec)], spec.timeoutMs ?? 600_000);
  let child: V8ChildResult | null = null;
  try {
    child = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as V8ChildResult;
  } catch {
    child = null;
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const parsed = parseNvp(outcome.stdout);
  let error: RunError | null = child?.error ?? null;
  if (child === null) {
    const firstErr = outcome.stderr.split('\n').find((l) => /FATAL ERROR|Error:/.test(l))?.trim();
    if (outcome.timedOut) error = { kind: 'error', message: `the V8 child did not finish within ${spec.timeoutMs ?? 600_000} ms` };
    else if (outcome.code === V8_OOM_EXIT || outcome.signal === 'SIGABRT' || /heap out of memory/.test(outcome.stderr)) error = { kind: 'oom', message: firstErr ?? 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' };
    else error = { kind: 'error', message: `the V8 child failed (exit ${String(outcome.code ?? outcome.signal)}): ${firstErr ?? outcome.stderr.trim().split('\n').pop() ?? ''}` };
  }

  // The run's lines: those of the isolate and window that match the GCs the child observed;
  // without its record (a crash), every line of the isolate that printed most.
  const byIsolate = new Map<string, NvpRecord[]>();
  for (const r of parsed.records) byIsolate.set(r.isolate, [...(byIsolate.get(r.isolate) ?? []), r]);
  let main: NvpRecord[] = [];
  let al = { first: -1, offsetMs: 0, spreadMs: Infinity };
  for (const recs of byIsolate.values()) {
    if (child) {
      const a = alignRun(recs, child.gcs);
      if (a.first >= 0 && a.spreadMs < al.spreadMs) [al, main] = [a, recs];
    } else if (recs.length > main.length) main = recs;
  }
  if (!child) al = { first: 0, offsetMs: 0, spreadMs: 0 };
  const runRecords = al.first >= 0 ? main.slice(al.first, al.first + (child ? child.gcs.length : main.length)) : [];
  if (child && al.first < 0 && child.gcs.length > 0) error ??= { kind: 'error', message: `V8's ${parsed.records.length} GC lines do not match the ${child.gcs.length} GCs the child observed` };
  const events = runRecords.map((r, i) => {
    const ev = nvpToEvent(r, i, 0);
    ev.startMs = child ? child.gcs[i].startTime - child.startMs : r.tsMs - ev.pauseMs;
    // V8's nvp lines carry no reason; a GC the workload asked for is V8's `testing`.
    if (child?.gcs[i].forced) {
      ev.reason = 'testing';
      ev.collectorReason = ev.type === 'mark-compact' ? 'testing' : '';
    }
    return ev;
  });
  for (const ev of events) spec.onEvent?.(ev);
  const wallMs = child?.wallMs ?? Math.max(0, Date.now() - t0);
  const v8: V8RunRecord = {
    nodeFlags,
    passThroughFlags: passThrough,
    ...t,
    objectBytes,
    census: census.census,
    bytesPerObject: { gcsim: objects > 0 ? gcsimBytes / objects : 0, v8: objects > 0 ? v8Bytes / objects : 0 },
    factor,
    baselineBytes: child?.baselineBytes ?? 0,
    gcLines: parsed.records.length,
    outsideRun: main.length - runRecords.length,
    otherIsolateLines: parsed.records.length - main.length,
    repairedLines: parsed.repaired,
    alignmentSpreadMs: Number.isFinite(al.spreadMs) ? al.spreadMs : -1,
    observedPauseMs: child ? events.map((_, i) => child.gcs[i].duration) : [],
    unparsed: parsed.unparsed,
    childExit: outcome.code ?? outcome.signal ?? null,
  };
  return {
    schema: 'gcsim/result@1',
    engine: 'v8',
    env: {
      node: process.version,
      v8: process.versions.v8,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      platform: process.platform,
      arch: process.arch,
    },
    config: { ...spec.options, engine: 'v8' },
    workload: { name: spec.workload.name, seed: spec.seed, params: spec.params },
    timeOriginMs: t0,
    events,
    warmup: null,
    timeline: [],
    heapSamples: events.flatMap((e) => [
      { tMs: e.startMs, usedBytes: e.beforeBytes, committedBytes: e.beforeCommittedBytes },
      { tMs: e.startMs + e.pauseMs, usedBytes: e.afterBytes, committedBytes: e.afterCommittedBytes },
    ]),
    summary: summarizeRun(events, wallMs, { workUnits: child?.workUnits ?? 0, allocatedBytes: v8Bytes }),
    verify: { checks: 0, errors: [] },
    digest: child?.digest ?? '',
    error,
    v8,
  };
}
