/**
 * The heap digest (DESIGN §4): a canonical hash of the graph reachable from the roots, taken in
 * breadth-first order from the handle stack, then the globals. It hashes map names, lengths, SMI
 * values, raw words, and pointers as the visit number of their target, never as addresses, so
 * the same workload and seed give the same digest whatever the thread count or collector.
 * Main thread, with helpers parked. Tolerates a corrupt heap (hashes the damage, never throws).
 */
import { type Addr, KIND_RAW, KIND_TAGGED, headerKind, headerMap } from '../heap/layout.ts';
import { type Heap, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_ROOT_SP } from '../heap/heap.ts';
import { isValidMap, MAP_NAME_ID } from '../heap/maps.ts';

/** The digest's hash (two 32-bit lanes, murmur3-style mixing): shared with the V8 backend's digest (src/v8/js-digest.ts). */
export class Hasher {
  h1 = 0x9747b28c | 0;
  h2 = 0x2f9be6cd | 0;
  add(x: number): void {
    let k = Math.imul(x | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    this.h1 ^= k;
    this.h1 = (this.h1 << 13) | (this.h1 >>> 19);
    this.h1 = (Math.imul(this.h1, 5) + 0xe6546b64) | 0;
    this.h2 = (Math.imul(this.h2 ^ (x | 0), 0x85ebca6b) + 0x27d4eb2f) | 0;
    this.h2 ^= this.h2 >>> 13;
  }
  hex(): string {
    const f = (h: number) => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return (h >>> 0).toString(16).padStart(8, '0');
    };
    return f(this.h1) + f(this.h2 ^ this.h1);
  }
}

export interface DigestResult {
  digest: string;
  objects: number;
  words: number;
}

/**
 * Visit numbers by address: open addressing over typed arrays, linear probing, grown at 5/8 full.
 * A JS Map would hold at most 2^24 entries; this holds the 2^31 a tagged word can address, at
 * 8 bytes per slot (16-27 bytes per visited object). Visit number i's address is `order[i]`.
 */
export class VisitTable {
  private keys = new Int32Array(1 << 12).fill(-1);
  private ids = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  /** Addresses in visit order: the breadth-first queue. */
  order = new Int32Array(1 << 12);
  size = 0;

  /** The visit number of `a` (≥ 0, < 2^31), giving it the next one (and queueing it) when new. */
  idOf(a: Addr): number {
    let i = Math.imul(a, 0x9e3779b1) & this.mask;
    const keys = this.keys;
    for (;;) {
      const k = keys[i];
      if (k === a) return this.ids[i];
      if (k === -1) break;
      i = (i + 1) & this.mask;
    }
    const id = this.size++;
    keys[i] = a;
    this.ids[i] = id;
    if (id >= this.order.length) {
      const o = new Int32Array(this.order.length * 2);
      o.set(this.order);
      this.order = o;
    }
    this.order[id] = a;
    if (this.size * 8 > (this.mask + 1) * 5) this.grow();
    return id;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const cap = oldKeys.length * 2;
    const keys = new Int32Array(cap).fill(-1);
    const ids = new Int32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const a = oldKeys[j];
      if (a === -1) continue;
      let i = Math.imul(a, 0x9e3779b1) & mask;
      while (keys[i] !== -1) i = (i + 1) & mask;
      keys[i] = a;
      ids[i] = oldIds[j];
    }
    this.keys = keys;
    this.ids = ids;
    this.mask = mask;
  }
}

export function heapDigest(heap: Heap): DigestResult {
  const mem = heap.mem;
  const seen = new VisitTable();
  const hs = new Hasher();
  let words = 0;
  const ref = (v: number): void => {
    if ((v & 1) === 0) {
      hs.add(0);
      hs.add(v);
      return;
    }
    hs.add(1);
    hs.add(seen.idOf(v >>> 1));
  };
  const ctl = heap.ctl;
  const sp = ctl[C_ROOT_SP];
  hs.add(sp);
  for (let r = 1; r < sp; r++) ref(heap.roots[r]);
  const gb = ctl[C_GLOBALS_BASE];
  const gn = ctl[C_GLOBALS_COUNT];
  hs.add(gn);
  for (let r = gb; r < gb + gn; r++) ref(heap.roots[r]);
  for (let q = 0; q < seen.size; q++) {
    const a = seen.order[q];
    if (a <= 0 || a + 1 >= mem.length) {
      hs.add(-1);
      continue;
    }
    const h = mem[a];
    const map = headerMap(h);
    if ((h & 1) !== 0 || !isValidMap(heap, map)) {
      hs.add(-2);
      hs.add(h);
      continue;
    }
    const len = mem[a + 1];
    const kind = headerKind(h);
    hs.add(mem[map + MAP_NAME_ID]);
    hs.add(len);
    if (len < 0 || a + 2 + len > mem.length) {
      hs.add(-3);
      continue;
    }
    words += 2 + len;
    if (kind === KIND_TAGGED) {
      for (let i = 0; i < len; i++) ref(mem[a + 2 + i]);
    } else if (kind === KIND_RAW) {
      for (let i = 0; i < len; i++) hs.add(mem[a + 2 + i]);
    }
  }
  return { digest: hs.hex(), objects: seen.size, words };
}
