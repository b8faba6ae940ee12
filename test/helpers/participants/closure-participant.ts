/**
 * Test-only participant module: a parallel transitive closure over a random graph in shared
 * memory, the shape of a marking phase without a heap. Each node is claimed with a CAS on its
 * mark word and pushed; every thread drains with WorklistLocal + Terminator, beating its heartbeat
 * once per 64 nodes. `visits` counts how often each node was processed (must be exactly once).
 * Also the reference for how a GC body is meant to use the primitives.
 */

import { Terminator, type TerminatorBuffers } from '../../../src/parallel/termination.ts';
import { Worklist, WorklistLocal, type WorklistBuffers } from '../../../src/parallel/worklist.ts';
import { OBJECTS } from '../../../src/parallel/thread-stats.ts';
import type { ThreadContext } from '../../../src/parallel/thread-context.ts';

export const PHASE_CLOSURE = 1;

/** Out-edges per node slot; 0 = no edge. Node ids are 1..nodes. */
export const DEGREE = 4;

// meta words
const NODES = 0;
const ROOTS = 1;
const STEALING = 2;
/** Which worklist: 0 = default segments, 1 = tiny segments and a one-segment pool (forces growth). */
const WORKLIST = 3;

export interface ClosureData {
  maxNodes: number;
  maxRoots: number;
  meta: SharedArrayBuffer;
  edges: SharedArrayBuffer;
  roots: SharedArrayBuffer;
  marks: SharedArrayBuffer;
  visits: SharedArrayBuffer;
  worklists: WorklistBuffers[];
  terminator: TerminatorBuffers;
}

export function createClosureData(threads: number, maxNodes: number, maxRoots: number): ClosureData {
  return {
    maxNodes,
    maxRoots,
    meta: new SharedArrayBuffer(16),
    edges: new SharedArrayBuffer((maxNodes + 1) * DEGREE * 4),
    roots: new SharedArrayBuffer(maxRoots * 4),
    marks: new SharedArrayBuffer((maxNodes + 1) * 4),
    visits: new SharedArrayBuffer((maxNodes + 1) * 4),
    worklists: [
      Worklist.create({ threads }).buffers,
      Worklist.create({ threads, segmentSize: 3, initialSegments: 1 }).buffers,
    ],
    terminator: Terminator.create({ threads }).buffers,
  };
}

/** xorshift32 seeded through murmur3's finalizer (so nearby seeds give unrelated streams). */
export function rng(seed: number): () => number {
  let s = seed | 0;
  s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
  s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
  s = (s ^ (s >>> 16)) | 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export interface GraphSpec {
  seed: number;
  nodes: number;
  roots: number;
  stealing: boolean;
  tinySegments: boolean;
}

/**
 * Main thread, between phases: writes a random graph (random edges plus a few long chains, the
 * case where one thread holds all the work and the others must not terminate early), clears
 * marks and visits, resets the terminator and worklists. Returns the reachable set, computed
 * sequentially.
 */
export function prepareGraph(data: ClosureData, spec: GraphSpec): Uint8Array {
  const r = rng(spec.seed);
  const n = spec.nodes;
  const edges = new Int32Array(data.edges);
  edges.fill(0);
  for (let v = 1; v <= n; v++) {
    const k = Math.floor(r() * (DEGREE + 1));
    for (let e = 0; e < k; e++) edges[v * DEGREE + e] = 1 + Math.floor(r() * n);
  }
  // chains: v -> v+1 for a few long runs, in the last edge slot
  const chains = 1 + Math.floor(r() * 3);
  for (let c = 0; c < chains; c++) {
    const start = 1 + Math.floor(r() * n);
    const len = Math.min(n - start, Math.floor(r() * 5000));
    for (let v = start; v < start + len; v++) edges[v * DEGREE + DEGREE - 1] = v + 1;
  }
  const roots = new Int32Array(data.roots);
  for (let i = 0; i < spec.roots; i++) roots[i] = 1 + Math.floor(r() * n);
  const meta = new Int32Array(data.meta);
  meta[NODES] = n;
  meta[ROOTS] = spec.roots;
  meta[STEALING] = spec.stealing ? 1 : 0;
  meta[WORKLIST] = spec.tinySegments ? 1 : 0;
  new Int32Array(data.marks).fill(0);
  new Int32Array(data.visits).fill(0);
  for (const b of data.worklists) Worklist.attach(b).clear();
  Terminator.attach(data.terminator).reset();

  const reachable = new Uint8Array(n + 1);
  const stack: number[] = [];
  for (let i = 0; i < spec.roots; i++) {
    if (!reachable[roots[i]]) {
      reachable[roots[i]] = 1;
      stack.push(roots[i]);
    }
  }
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let e = 0; e < DEGREE; e++) {
      const w = edges[v * DEGREE + e];
      if (w !== 0 && !reachable[w]) {
        reachable[w] = 1;
        stack.push(w);
      }
    }
  }
  return reachable;
}

export function createParticipant(data: unknown, threadId: number, ctx: ThreadContext) {
  const d = data as ClosureData;
  const meta = new Int32Array(d.meta);
  const edges = new Int32Array(d.edges);
  const roots = new Int32Array(d.roots);
  const marks = new Int32Array(d.marks);
  const visits = new Int32Array(d.visits);
  const locals = d.worklists.map((b) => new WorklistLocal(Worklist.attach(b), threadId));
  const terminator = Terminator.attach(d.terminator, { heartbeat: ctx.heartbeat, stats: ctx.stats });
  for (const l of locals) l.wakeOnPublish(terminator.wakeSignal);
  const hb = ctx.heartbeat;
  const stats = ctx.stats;
  const threads = ctx.threads;

  function closure(): void {
    const local = locals[meta[WORKLIST]];
    local.stealing = meta[STEALING] !== 0;
    local.resetStats();
    const nroots = meta[ROOTS];
    // Roots are split round-robin: static balance has nothing else to go on.
    for (let i = threadId; i < nroots; i += threads) {
      const v = roots[i];
      if (marks[v] === 0 && Atomics.compareExchange(marks, v, 0, 1) === 0) local.push(v);
    }
    let processed = 0;
    for (;;) {
      for (let v = local.pop(); v !== 0; v = local.pop()) {
        Atomics.add(visits, v, 1);
        const base = v * DEGREE;
        for (let e = 0; e < DEGREE; e++) {
          const w = edges[base + e];
          // test, then test-and-set: the CAS decides who pushes w
          if (w !== 0 && marks[w] === 0 && Atomics.compareExchange(marks, w, 0, 1) === 0) local.push(w);
        }
        if ((++processed & 63) === 0) {
          hb.beat(threadId);
          // Share work when a peer starves and nothing is published (V8: ShareWork).
          if (local.stealing && terminator.hasIdleParticipants() && local.worklist.isEmpty()) local.publish();
        }
      }
      if (terminator.offerTermination(local)) break;
    }
    stats.add(threadId, OBJECTS, processed);
    stats.addSteals(threadId, local.stealsAttempted, local.stealsSucceeded);
  }

  return {
    runPhase(phase: number, _arg: number): void {
      if (phase !== PHASE_CLOSURE) throw new Error(`closure: unknown phase ${phase}`);
      closure();
    },
  };
}
