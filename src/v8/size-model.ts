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
const TRIES = 5;

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

/** Bytes of a field: 8, or 4 in a node built with pointer compression. */
function fieldBytes(): number {
  const vars = (process.config as { variables?: Record<string, unknown> }).variables ?? {};
  return vars.v8_enable_pointer_compression === 1 || vars.v8_enable_pointer_compression === true ? 4 : 8;
}

/**
 * The measured object sizes of this node (once per process). A field is a pointer (fieldBytes);
 * the fixed part is measured at several field counts and the smallest kept, so that a 16-byte
 * memento behind some of the samples does not count (the child decides pretenuring itself).
 */
export function measureV8ObjectBytes(): V8ObjectBytes {
  if (cached) return cached;
  const perField = fieldBytes();
  let taggedBase = Infinity;
  for (const n of [2, 3, 4, 6]) taggedBase = Math.min(taggedBase, measure((m) => m.allocate(m.arrayMap, n)) - n * perField);
  const rawBase = Math.min(measure((m) => m.allocateRaw(m.stringMap, 8, 1)) - 32, measure((m) => m.allocateRaw(m.stringMap, 16, 1)) - 64);
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
