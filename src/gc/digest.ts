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

export function heapDigest(heap: Heap): DigestResult {
  const mem = heap.mem;
  const ids = new Map<Addr, number>();
  const queue: Addr[] = [];
  const hs = new Hasher();
  let words = 0;
  const ref = (v: number): void => {
    if ((v & 1) === 0) {
      hs.add(0);
      hs.add(v);
      return;
    }
    const a = v >>> 1;
    let id = ids.get(a);
    if (id === undefined) {
      id = ids.size;
      ids.set(a, id);
      queue.push(a);
    }
    hs.add(1);
    hs.add(id);
  };
  const ctl = heap.ctl;
  const sp = ctl[C_ROOT_SP];
  hs.add(sp);
  for (let r = 1; r < sp; r++) ref(heap.roots[r]);
  const gb = ctl[C_GLOBALS_BASE];
  const gn = ctl[C_GLOBALS_COUNT];
  hs.add(gn);
  for (let r = gb; r < gb + gn; r++) ref(heap.roots[r]);
  for (let q = 0; q < queue.length; q++) {
    const a = queue[q];
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
  return { digest: hs.hex(), objects: queue.length, words };
}
