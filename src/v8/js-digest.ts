/**
 * The heap digest of the V8 backend's graph, taken the same canonical way as gcsim's
 * (src/gc/digest.ts, with its Hasher): breadth-first from the handle stack, then the globals;
 * map ids, lengths, SMI values as tagged words (n << 1), raw words, and pointers as the visit
 * number of their target. The same workload and seed give the same digest on both backends.
 */
import { Hasher, type DigestResult } from '../gc/digest.ts';
import { type JsMutator, type JsObject, type JsValue, RawObject } from './js-mutator.ts';

export function jsHeapDigest(m: JsMutator): DigestResult {
  const ids = new Map<JsObject, number>();
  const queue: JsObject[] = [];
  const hs = new Hasher();
  let words = 0;
  const ref = (v: JsValue): void => {
    if (typeof v === 'number') {
      hs.add(0);
      hs.add(v << 1);
      return;
    }
    let id = ids.get(v);
    if (id === undefined) {
      id = ids.size;
      ids.set(v, id);
      queue.push(v);
    }
    hs.add(1);
    hs.add(id);
  };
  const roots = m.rootValues();
  hs.add(roots.length + 1); // gcsim hashes the stack pointer: slot 0 is the null handle
  for (const v of roots) ref(v);
  hs.add(m.globals.size);
  for (const v of m.globals.values()) ref(v);
  for (let q = 0; q < queue.length; q++) {
    const o = queue[q];
    if (o instanceof RawObject) {
      const s = o.s;
      const len = s.length >>> 2;
      hs.add(o.m);
      hs.add(len);
      words += 2 + len;
      for (let c = 0; c < len * 4; c += 4) hs.add(s.charCodeAt(c) | (s.charCodeAt(c + 1) << 8) | (s.charCodeAt(c + 2) << 16) | (s.charCodeAt(c + 3) << 24));
    } else {
      const len = o.length - 1;
      hs.add(o[0] as number);
      hs.add(len);
      words += 2 + len;
      for (let i = 1; i <= len; i++) ref(o[i]);
    }
  }
  return { digest: hs.hex(), objects: queue.length, words };
}
