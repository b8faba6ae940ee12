/**
 * How big the V8 backend's objects are on V8's heap, measured by a probe in a fresh process of
 * the same node binary the child runs, and the translation of gcsim's sizes into V8 flags: a workload's
 * census (what it allocated, by shape) gives its bytes per object on each side, and every size
 * option is scaled by their ratio. Node 20 on 64-bit has no pointer compression: 8-byte fields
 * against gcsim's 4-byte words, plus a JSArray's separate backing store.
 */
import { spawnSync } from 'node:child_process';
import type { AllocationCensus } from './js-mutator.ts';

/** V8 bytes of the backend's objects: a tagged object of n fields, a raw object of w words. */
export interface V8ObjectBytes {
  /** Bytes of a tagged object with no field (JSArray + backing store headers, the map id element). */
  taggedBase: number;
  perField: number;
  /** Bytes of a raw object besides its words (RawObject + string header). */
  rawBase: number;
}

/**
 * The probe, run by a fresh `node --expose-gc --no-allocation-site-pretenuring`: it allocates
 * the backend's shapes (js-mutator.ts: an array literal whose first element is not a constant, a
 * RawObject holding a latin1 string) and prints how much V8's used heap grew per object, the
 * smallest of a few tries, each after a full GC, in a new space large enough that no scavenge
 * interrupts a try. A fresh process, because a heap that has run a
 * workload (or a worker thread's) measures its own allocation-site state along with the objects.
 */
const PROBE = `
const v8 = require('node:v8');
class RawObject { constructor(m, s) { this.m = m; this.s = s; } }
const N = 4000, keep = new Array(N).fill(0);
function measure(make) {
  let best = Infinity;
  for (let i = 0; i < 20000; i++) make(i); // compiled and its feedback allocated before any try
  for (let t = 0; t < 5; t++) {
    gc();
    const before = v8.getHeapStatistics().used_heap_size;
    for (let i = 0; i < N; i++) keep[i] = make(i);
    const grew = v8.getHeapStatistics().used_heap_size - before;
    if (grew > 0) best = Math.min(best, grew / N);
    keep.fill(0);
  }
  return best;
}
const buf = Buffer.alloc(64, 7);
const out = {
  t2: measure((m) => [m, 0, 0]), t3: measure((m) => [m, 0, 0, 0]), t4: measure((m) => [m, 0, 0, 0, 0]),
  t10: measure((m) => { const a = new Array(11).fill(0); a[0] = m; return a; }),
  r8: measure((m) => new RawObject(m, buf.toString('latin1', 0, 32))), r16: measure((m) => new RawObject(m, buf.toString('latin1', 0, 64))),
};
process.stdout.write(JSON.stringify(out));
`;

let cached: V8ObjectBytes | null = null;

/** Bytes of a field: 8, or 4 in a node built with pointer compression. */
function fieldBytes(): number {
  const vars = (process.config as { variables?: Record<string, unknown> }).variables ?? {};
  return vars.v8_enable_pointer_compression === 1 || vars.v8_enable_pointer_compression === true ? 4 : 8;
}

/**
 * The measured object sizes of this node (once per process): the probe's growth per object at 2,
 * 3, 4 and 10 fields and at 8 and 16 raw words, less the fields' and words' bytes, smallest kept.
 */
export function measureV8ObjectBytes(): V8ObjectBytes {
  if (cached) return cached;
  const r = spawnSync(process.execPath, ['--expose-gc', '--no-allocation-site-pretenuring', '--min-semi-space-size=16', '--max-semi-space-size=16', '-e', PROBE], { encoding: 'utf8', timeout: 30_000 });
  const m = JSON.parse(r.stdout || '{}') as Record<string, number>;
  const perField = fieldBytes();
  const taggedBase = Math.min(m.t2 - 2 * perField, m.t3 - 3 * perField, m.t4 - 4 * perField, m.t10 - 10 * perField);
  const rawBase = Math.min(m.r8 - 32, m.r16 - 64);
  if (!Number.isFinite(taggedBase) || !Number.isFinite(rawBase)) throw new Error(`could not measure V8's object sizes: ${r.stderr || r.stdout}`);
  cached = { taggedBase: Math.round(taggedBase), perField, rawBase: Math.round(rawBase) };
  return cached;
}

/** V8 bytes of what the census counts, under the measured sizes (string bodies round up to 8 bytes). */
export function v8BytesOf(c: AllocationCensus, s: V8ObjectBytes): number {
  return c.taggedObjects * s.taggedBase + c.taggedFields * s.perField + c.rawObjects * s.rawBase + 4 * c.rawWords + 4 * c.rawOddObjects;
}

/** gcsim bytes of the same: a two-word header and 4-byte words. */
export function gcsimBytesOf(c: AllocationCensus): number {
  return 8 * (c.taggedObjects + c.rawObjects) + 4 * (c.taggedFields + c.rawWords);
}
