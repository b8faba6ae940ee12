/**
 * The object graph of a V8 heap snapshot in a compact form: one entry per node (its type, self
 * size and first edge) and one word per edge (its target, with the top bit set for a weak edge),
 * in typed arrays, so a graph of millions of nodes costs a few bytes per node and edge. Built
 * once per file by snapshot-reader.ts; read by the workload that rebuilds it in the simulated
 * heap, and by the traversal that says what a full GC must keep. Main thread (or a trial's worker).
 *
 *   edgeTarget[e]:  bit 31 = weak edge   bits 0-30 = target node ordinal
 *   node i's edges: edgeTarget[firstEdge[i] .. firstEdge[i + 1])
 */

/** Bit 31 of an edge word: the edge is weak (V8 does not mark through it). */
export const WEAK_EDGE = 0x80000000;
/** Bits 0-30: the target node's ordinal. */
export const EDGE_TARGET = 0x7fffffff;

/** A V8 root category: a child of the snapshot's `(GC roots)` node, e.g. `(Strong roots)`. */
export interface SnapshotRoot {
  name: string;
  node: number;
}

export interface SnapshotGraph {
  nodeCount: number;
  edgeCount: number;
  weakEdgeCount: number;
  /** Index into `typeNames` (V8's node types: hidden, array, string, object, ...). */
  nodeType: Uint8Array;
  /** V8's self size of each node, in bytes. */
  selfSize: Uint32Array;
  /** nodeCount + 1 entries: node i's edges are firstEdge[i] .. firstEdge[i + 1]. */
  firstEdge: Uint32Array;
  edgeTarget: Uint32Array;
  typeNames: readonly string[];
  /** The snapshot's root node (DevTools' `(root)`, node 0 unless the snapshot says otherwise). */
  root: number;
  /** The root categories under `(GC roots)`, in snapshot order (empty when there is none). */
  roots: readonly SnapshotRoot[];
}

/** Words of the simulated object for a node: header and length, a slot per edge, and at least its self size. */
export function nodeWords(g: SnapshotGraph, i: number): number {
  const edges = g.firstEdge[i + 1] - g.firstEdge[i];
  return Math.max(2 + edges, Math.ceil(g.selfSize[i] / 4));
}

export interface Reachable {
  objects: number;
  /** Bytes of their simulated objects (nodeWords x 4). */
  bytes: number;
  /** Their V8 self sizes. */
  selfBytes: number;
  /** One byte per node: 1 when reachable. */
  marks: Uint8Array;
}

/**
 * What a full GC keeps: the nodes reachable from `starts` over non-weak edges (depth-first over
 * an explicit stack; no recursion, no allocation per node).
 */
export function reachableFrom(g: SnapshotGraph, starts: readonly number[]): Reachable {
  const marks = new Uint8Array(g.nodeCount);
  const stack = new Uint32Array(g.nodeCount);
  const { firstEdge, edgeTarget, selfSize } = g;
  let sp = 0;
  let objects = 0;
  let words = 0;
  let selfBytes = 0;
  for (const s of starts) {
    if (marks[s] === 0) {
      marks[s] = 1;
      stack[sp++] = s;
    }
  }
  while (sp > 0) {
    const i = stack[--sp];
    const first = firstEdge[i];
    const end = firstEdge[i + 1];
    objects++;
    words += Math.max(2 + end - first, Math.ceil(selfSize[i] / 4));
    selfBytes += selfSize[i];
    for (let e = first; e < end; e++) {
      const t = edgeTarget[e];
      if ((t & WEAK_EDGE) !== 0 || marks[t] !== 0) continue;
      marks[t] = 1;
      stack[sp++] = t;
    }
  }
  return { objects, bytes: words * 4, selfBytes, marks };
}

/** Bytes of the simulated objects of every node (what loading the snapshot allocates). */
export function graphBytes(g: SnapshotGraph): number {
  let words = 0;
  for (let i = 0; i < g.nodeCount; i++) words += nodeWords(g, i);
  return words * 4;
}
