/**
 * The benchmark graph of bench/gc.bench.ts, built through the mutator API: N objects of four
 * pointer fields forming a 3-ary tree (so marking can spread over threads) plus one extra edge
 * per object. `neighbouring` allocates the tree in depth-first order and points the extra edge
 * at the next object (most edges land nearby); `random` places tree nodes at random and points
 * the extra edge anywhere (a cache miss per edge). bench/v8-graph-child.mjs builds the same
 * shape, with the same seeded shuffle, out of plain JS objects for V8.
 */
import type { Mutator } from '../src/mutator/mutator.ts';

export const FIELDS = 4;
export const LAYOUTS = ['neighbouring', 'random'] as const;
export type Layout = (typeof LAYOUTS)[number];
export const GRAPH_GLOBAL = 'bench.graph';

/** What the builder needs besides the mutator: passed in, so compiled and source builds both work. */
export interface GraphDeps {
  kindTagged: number;
  rng: (seed: number) => { int(n: number): number };
}

/** Pre-order index of each node of the implicit 3-ary tree (children of p: 3p+1..3p+3). */
export function depthFirstOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  let next = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const p = stack[--sp];
    order[p] = next++;
    for (let c = 3; c >= 1; c--) if (3 * p + c < n) stack[sp++] = 3 * p + c;
  }
  return order;
}

function randomOrder(n: number, rng: { int(n: number): number }): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Builds the graph in new space and roots it in a global; every object is reachable. */
export function buildGraph(m: Mutator, deps: GraphDeps, n: number, layout: Layout, seed = 1): void {
  const map = m.maps.define('Bench.GraphNode', deps.kindTagged);
  const rng = deps.rng(seed);
  const s = m.openScope();
  const h = new Int32Array(n);
  for (let i = 0; i < n; i++) h[i] = m.allocate(map, FIELDS);
  const at = layout === 'neighbouring' ? depthFirstOrder(n) : randomOrder(n, rng);
  for (let p = 0; p < n; p++) {
    const host = h[at[p]];
    for (let c = 1; c <= 3; c++) {
      const q = 3 * p + c;
      if (q < n) m.set(host, c - 1, h[at[q]]);
    }
    m.set(host, 3, h[layout === 'neighbouring' ? (at[p] + 1) % n : rng.int(n)]);
  }
  m.setGlobal(GRAPH_GLOBAL, h[at[0]]);
  m.closeScope(s);
}

export function dropGraph(m: Mutator): void {
  m.setGlobal(GRAPH_GLOBAL, 0);
}
