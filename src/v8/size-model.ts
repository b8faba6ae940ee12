/**
 * How big the V8 backend's objects are on V8's heap, measured in this process (the same node
 * binary the child runs), and the translation of gcsim's sizes into V8 flags: a workload's
 * census (what it allocated, by shape) gives its bytes per object on each side, and every size
 * option is scaled by their ratio. Node 20 on 64-bit has no pointer compression: 8-byte fields
 * against gcsim's 4-byte words, plus a JSArray's separate backing store.
 */
import v8 from 'node:v8';
import { KIND_RAW, KIND_TAGGED } from '../heap/layout.ts';
import { type AllocationCensus, JsMutator } from './js-mutator.ts';

/** V8 bytes of the backend's objects: a tagged object of n fields, a raw object of w words. */
export interface V8ObjectBytes {
  /** Bytes of a tagged object with no field (JSArray + backing store headers, the map id element). */
  taggedBase: number;
  perField: number;
  /** Bytes of a raw object besides its words (RawObject + string header). */
  rawBase: number;
}

const SAMPLE = 4000;
const TRIES = 7;

/**
 * Bytes per object by which V8's used heap grows while `make` allocates SAMPLE objects: the
 * smallest of a few tries, leaving out those a GC interrupted (the used heap fell). Some tries
 * also carry V8's allocation mementos (16 bytes behind a literal while its allocation site is
 * being tracked for pretenuring); the smallest is the object alone.
 */
function measure(make: (m: JsMutator) => void): number {
  const sizes: number[] = [];
  for (let t = 0; t < TRIES; t++) {
    const m = new JsMutator();
    m.maps.define('Probe.Tagged', KIND_TAGGED);
    m.maps.define('Probe.Raw', KIND_RAW);
    const keep = new Array<unknown>(SAMPLE).fill(0);
    for (let i = 0; i < 8; i++) make(m); // the allocation sites warm up first
    m.closeScope(1);
    const before = v8.getHeapStatistics().used_heap_size;
    for (let i = 0; i < SAMPLE; i++) {
      make(m);
      keep[i] = m.stack[1];
      m.closeScope(1);
    }
    const grew = v8.getHeapStatistics().used_heap_size - before;
    if (grew > 0 && keep.length === SAMPLE) sizes.push(grew / SAMPLE);
  }
  return sizes.length > 0 ? Math.min(...sizes) : 0;
}

let cached: V8ObjectBytes | null = null;

/** The measured object sizes of this node (once per process). */
export function measureV8ObjectBytes(): V8ObjectBytes {
  if (cached) return cached;
  const t2 = measure((m) => m.allocate(m.arrayMap, 2));
  const t4 = measure((m) => m.allocate(m.arrayMap, 4));
  const r8 = measure((m) => m.allocateRaw(m.stringMap, 8, 1));
  // Fields are 8 bytes (no pointer compression in Node 20 on 64-bit); a measurement that says
  // otherwise was disturbed, and the layout is known.
  const perField = Math.round((t4 - t2) / 2 / 8) * 8 || 8;
  cached = { taggedBase: Math.round(t2 - 2 * perField), perField, rawBase: Math.round(r8 - 32) };
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
