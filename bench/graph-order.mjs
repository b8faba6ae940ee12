/**
 * Where the benchmark graph's nodes go: shared by bench/graph.ts (gcsim's heap) and
 * bench/v8-graph-child.mjs (V8's heap), so both build the same shape with the same seeded
 * shuffle. Plain JavaScript, since the V8 child runs under plain `node` with nothing but the
 * graph in its heap; types in graph-order.d.mts.
 */

/** Pre-order index of each node of the implicit 3-ary tree (children of p: 3p+1..3p+3). */
export function depthFirstOrder(count) {
  const order = new Int32Array(count);
  const stack = new Int32Array(count);
  let sp = 0;
  let next = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const p = stack[--sp];
    order[p] = next++;
    for (let c = 3; c >= 1; c--) if (3 * p + c < count) stack[sp++] = 3 * p + c;
  }
  return order;
}

/** A seeded shuffle of 0..count-1 (Fisher-Yates); `int(k)` draws an integer in [0, k). */
export function randomOrder(count, int) {
  const a = new Int32Array(count);
  for (let i = 0; i < count; i++) a[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
