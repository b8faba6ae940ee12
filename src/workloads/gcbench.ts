/**
 * Boehm's GCBench (Ellis, Kovac, Boehm): a long-lived binary tree and a long-lived array stay
 * live while many short-lived trees of increasing depth are built top-down (writes into older
 * objects: the write barrier) and bottom-up (young-to-young only). Depths are scaled down from
 * the original 16/20 so a run takes seconds.
 */
import type { Handle, MutatorApi as Mutator } from '../mutator/mutator-api.ts';
import { defineWorkload } from './workload.ts';

const LEFT = 0;
const RIGHT = 1;

export default defineWorkload({
  name: 'gcbench',
  description: "Boehm's GCBench: a long-lived binary tree plus many short-lived ones built top-down and bottom-up",
  params: {
    longLivedDepth: { default: 16, min: 1, doc: 'depth of the long-lived tree' },
    minDepth: { default: 4, min: 1, doc: 'depth of the smallest short-lived trees' },
    maxDepth: { default: 16, min: 1, doc: 'depth of the largest short-lived trees' },
    arraySize: { default: 250_000, min: 1, doc: 'words in the long-lived raw array' },
  },
  run(m, rng, p) {
    const node = m.maps.define('GCBench.Node', 0);
    const treeSize = (d: number) => (1 << (d + 1)) - 1;
    // stretch the heap with a temporary tree
    let s = m.openScope();
    makeTree(m, node, p.maxDepth + 1);
    m.closeScope(s);
    // long-lived data
    s = m.openScope();
    const longLived = m.allocate(node, 4);
    populate(m, node, p.longLivedDepth, longLived);
    m.setGlobal('longLivedTree', longLived);
    const array = m.allocateRaw(m.maps.define('GCBench.Array', 1), p.arraySize, rng.int(1 << 30));
    m.setGlobal('longLivedArray', array);
    m.closeScope(s);
    for (let d = p.minDepth; d <= p.maxDepth; d += 2) {
      const iters = Math.max(1, Math.floor((2 * treeSize(p.maxDepth)) / treeSize(d) / 8));
      for (let i = 0; i < iters; i++) {
        const s1 = m.openScope();
        const top = m.allocate(node, 4);
        populate(m, node, d, top);
        m.closeScope(s1);
        const s2 = m.openScope();
        makeTree(m, node, d);
        m.closeScope(s2);
        m.work(2);
      }
    }
  },
});

/** Top-down: the parent exists before its children (old-to-young stores once it is promoted). */
function populate(m: Mutator, node: number, depth: number, n: Handle): void {
  if (depth <= 0) return;
  const s = m.openScope();
  const l = m.allocate(node, 4);
  m.set(n, LEFT, l);
  const r = m.allocate(node, 4);
  m.set(n, RIGHT, r);
  populate(m, node, depth - 1, l);
  populate(m, node, depth - 1, r);
  m.closeScope(s);
}

/** Bottom-up: children first, then the parent that points to them. */
function makeTree(m: Mutator, node: number, depth: number): Handle {
  const s = m.openScope();
  const n = m.allocate(node, 4);
  if (depth > 0) {
    m.set(n, LEFT, makeTree(m, node, depth - 1));
    m.set(n, RIGHT, makeTree(m, node, depth - 1));
  }
  return m.escape(s, n);
}
