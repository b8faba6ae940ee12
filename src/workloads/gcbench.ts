/**
 * Boehm's GCBench (Ellis, Kovac, Boehm; GCBench.java), with its constants by default: a
 * temporary tree of depth 18 stretches the heap, a long-lived tree of depth 16 and a long-lived
 * array of 500,000 doubles stay live, and for each depth d = 4, 6, ..., 16, NumIters(d) =
 * 2 * TreeSize(18) / TreeSize(d) trees are built top-down (Populate: parent first, children
 * stored into it: old-to-young writes once it is promoted), then as many bottom-up (MakeTree:
 * both children built first, then the parent that points to them: young-to-young only).
 *
 * What differs from the original: a Node is a tagged object of 4 fields (left, right and the two
 * int fields i, j, as in the Java class); the array is a raw object of 2 words per double, filled
 * whole from the seed (the original fills half with 1.0/i); no timing or printing. `gcbench-small`
 * is the same program scaled down (stretch 16, long-lived 14, largest 14, 125,000 doubles: a
 * quarter of the live data, a sixteenth of the work) so that a run takes a fraction of a
 * second: it is not Boehm's benchmark.
 */
import type { Handle, MutatorApi as Mutator } from '../mutator/mutator-api.ts';
import { defineWorkload } from './workload.ts';

const LEFT = 0;
const RIGHT = 1;
/** Left, right, i, j (GCBench.java's Node). */
const NODE_FIELDS = 4;

interface GcbenchDefaults {
  stretchDepth: number;
  longLivedDepth: number;
  maxDepth: number;
  arraySize: number;
}

function gcbench(name: string, description: string, d: GcbenchDefaults) {
  return defineWorkload({
    name,
    description,
    params: {
      stretchDepth: { default: d.stretchDepth, min: 0, max: 28, doc: 'depth of the temporary tree that stretches the heap; also sets NumIters (kStretchTreeDepth)' },
      longLivedDepth: { default: d.longLivedDepth, min: 0, max: 28, doc: 'depth of the long-lived tree (kLongLivedTreeDepth)' },
      minDepth: { default: 4, min: 0, max: 28, doc: 'depth of the smallest short-lived trees (kMinTreeDepth)' },
      maxDepth: { default: d.maxDepth, min: 0, max: 28, doc: 'depth of the largest short-lived trees (kMaxTreeDepth)' },
      arraySize: { default: d.arraySize, min: 1, max: 100_000_000, doc: 'doubles in the long-lived array, 8 bytes each (kArraySize)' },
    },
    run(m, rng, p) {
      const node = m.maps.define('GCBench.Node', 0);
      const treeSize = (depth: number) => 2 ** (depth + 1) - 1;
      const numIters = (depth: number) => Math.floor((2 * treeSize(p.stretchDepth)) / treeSize(depth));
      // Stretch the memory space quickly.
      let s = m.openScope();
      makeTree(m, node, p.stretchDepth);
      m.closeScope(s);
      // A long-lived tree and a long-lived array.
      s = m.openScope();
      const longLived = m.allocate(node, NODE_FIELDS);
      populate(m, node, p.longLivedDepth, longLived);
      m.setGlobal('longLivedTree', longLived);
      const array = m.allocateRaw(m.maps.define('GCBench.Array', 1), 2 * p.arraySize, rng.int(1 << 30));
      m.setGlobal('longLivedArray', array);
      m.closeScope(s);
      for (let depth = p.minDepth; depth <= p.maxDepth; depth += 2) {
        const iters = numIters(depth);
        for (let i = 0; i < iters; i++) {
          const s1 = m.openScope();
          populate(m, node, depth, m.allocate(node, NODE_FIELDS));
          m.closeScope(s1);
          m.work(1);
        }
        for (let i = 0; i < iters; i++) {
          const s2 = m.openScope();
          makeTree(m, node, depth);
          m.closeScope(s2);
          m.work(1);
        }
      }
    },
  });
}

export default gcbench('gcbench', "Boehm's GCBench with its constants: long-lived tree 16 and 500,000 doubles, short-lived trees top-down and bottom-up", {
  stretchDepth: 18,
  longLivedDepth: 16,
  maxDepth: 16,
  arraySize: 500_000,
});

/** Scaled down, named as such: the same program with smaller depths and array. */
export const gcbenchSmall = gcbench('gcbench-small', "GCBench scaled down (stretch 16, long-lived 14, 125,000 doubles): a sixteenth of the work, not Boehm's original", {
  stretchDepth: 16,
  longLivedDepth: 14,
  maxDepth: 14,
  arraySize: 125_000,
});

/** Top-down (Populate): the parent exists before its children, which are stored into it. */
function populate(m: Mutator, node: number, depth: number, n: Handle): void {
  if (depth <= 0) return;
  const s = m.openScope();
  const l = m.allocate(node, NODE_FIELDS);
  m.set(n, LEFT, l);
  const r = m.allocate(node, NODE_FIELDS);
  m.set(n, RIGHT, r);
  populate(m, node, depth - 1, l);
  populate(m, node, depth - 1, r);
  m.closeScope(s);
}

/** Bottom-up (MakeTree): both children first, then the parent that points to them. */
function makeTree(m: Mutator, node: number, depth: number): Handle {
  const s = m.openScope();
  if (depth <= 0) return m.escape(s, m.allocate(node, NODE_FIELDS));
  const l = makeTree(m, node, depth - 1);
  const r = makeTree(m, node, depth - 1);
  const n = m.allocate(node, NODE_FIELDS);
  m.set(n, LEFT, l);
  m.set(n, RIGHT, r);
  return m.escape(s, n);
}
