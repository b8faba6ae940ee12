/**
 * A heap snapshot as a workload: `run` rebuilds the snapshot's object graph in the heap through
 * the mutator API (one object per node, a slot per edge, at least the node's self size), roots it
 * as V8 rooted it, drops every handle, and then runs the collections its parameters ask for,
 * optionally re-linking a seeded fraction of edges before each. Main thread (or a trial's worker).
 *
 *   tagged node (has edges): [header][length][edge 0]...[edge k-1][SMI 0 ... up to the self size]
 *   raw node (no edges):     [header][length][raw words ... up to the self size]
 *
 * A weak edge is stored as the SMI of its target's ordinal, so marking never follows it, as V8's
 * marker does not (V8 then clears or updates weak slots; gcsim has no weak references).
 */
import path from 'node:path';
import { KIND_RAW, KIND_TAGGED } from '../heap/layout.ts';
import type { Handle, MutatorApi } from '../mutator/mutator-api.ts';
import { MAX_GLOBALS } from '../mutator/mutator.ts';
import { defineWorkload, type Workload } from '../workloads/workload.ts';
import type { Rng } from '../workloads/rng.ts';
import { EDGE_TARGET, WEAK_EDGE, type SnapshotGraph, graphBytes, nodeWords, reachableFrom, type Reachable } from './snapshot-graph.ts';
import { checkSnapshotFile, readSnapshot, SnapshotError, type SnapshotLoadStats } from './snapshot-reader.ts';

const PARAMS = {
  young: { default: 0, min: 0, max: 100, doc: 'percent of the nodes (seeded choice) allocated in new space, the rest in old space' },
  scavenges: { default: 0, min: 0, max: 10_000, doc: 'scavenges to run after loading' },
  fullGcs: { default: 1, min: 0, max: 10_000, doc: 'full mark-compacts to run after the scavenges' },
  churn: { default: 0, min: 0, max: 100, doc: 'percent of the reachable non-weak edges (seeded choice) re-linked before every collection' },
} as const;

/** Globals: `(root)` for the snapshot's root, one per V8 root category, `(churn hosts)`. */
const ROOT_GLOBAL = '(root)';
const CHURN_GLOBAL = '(churn hosts)';
/** Root categories beyond this many stay reachable through `(root)` only (the globals are a fixed table). */
const MAX_ROOT_GLOBALS = MAX_GLOBALS - 2;
/** Handles a churn round holds before it closes its scope and opens a new one. */
const CHURN_SCOPE_EDGES = 1024;
/** Heap sizes suggested for a snapshot: the old generation holds the graph this many times over, for compaction room. */
const OLD_SPACE_PER_GRAPH = 2;
const MB = 1048576;
/** gcsim's largest old generation (the --max-old-space-size bound). */
const MAX_OLD_SPACE_MB = 4096;
const MAX_SEMI_SPACE_MB = 64;
/** The handle stack's largest size (--max-handles), less room for the run's other handles. */
const MAX_HANDLES = 1 << 26;
const HANDLE_SLACK = 65_536;
const MAX_NODES = MAX_HANDLES - HANDLE_SLACK;

/** A heap snapshot's workload: a Workload with the loaded graph's figures. */
export interface SnapshotWorkload extends Workload<typeof PARAMS> {
  readonly file: string;
  /** The loaded graph (after `prepare`), or null. */
  graph(): SnapshotGraph | null;
}

/** The file names `gcsim` reads as heap snapshots. */
export function isSnapshotFile(nameOrPath: string): boolean {
  return nameOrPath.endsWith('.heapsnapshot');
}

/** `dir/My App.heapsnapshot` -> `snapshot-my-app`. */
function workloadName(file: string): string {
  const base = path.basename(file, '.heapsnapshot').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return `snapshot-${base === '' ? 'file' : base}`.slice(0, 64);
}

/**
 * The workload of a heap snapshot file. Checks the file's header and tail now (a file that is
 * not a complete snapshot throws SnapshotError at once); `prepare()` reads the graph, once.
 */
export function snapshotWorkload(file: string): SnapshotWorkload {
  checkSnapshotFile(file);
  let graph: SnapshotGraph | null = null;
  let reading: Promise<void> | null = null;
  let load: SnapshotLoadStats | null = null;
  let expected: Reachable | null = null;
  let allBytes = 0;
  let last: Record<string, number> = {};

  const run = (m: MutatorApi, rng: Rng, p: { young: number; scavenges: number; fullGcs: number; churn: number }): void => {
    if (graph === null || expected === null) throw new Error(`heap snapshot '${file}' was not loaded (prepare() first)`);
    last = {};
    const t0 = performance.now();
    const built = buildGraph(m, graph, rng, p.young, p.churn, expected.marks);
    const buildMs = performance.now() - t0;
    for (let i = 0; i < p.scavenges; i++) {
      if (built.churnEdges > 0) churn(m, built.churnSlots, rng);
      m.collect('minor');
      m.work(1);
    }
    for (let i = 0; i < p.fullGcs; i++) {
      if (built.churnEdges > 0) churn(m, built.churnSlots, rng);
      m.collect('major');
      m.work(1);
    }
    last = { buildMs, youngNodes: built.youngNodes, churnEdges: built.churnEdges, rootGlobals: built.rootGlobals };
  };

  const w = defineWorkload({
    name: workloadName(file),
    description: `the object graph of the heap snapshot ${file}`,
    params: PARAMS,
    run,
    prepare() {
      reading ??= readSnapshot(file).then((r) => {
        const t0 = performance.now();
        const bytes = graphBytes(r.graph);
        if (r.graph.nodeCount > MAX_NODES) throw new SnapshotError(`heap snapshot '${file}': ${r.graph.nodeCount} nodes; gcsim builds at most ${MAX_NODES} (one handle each while building)`);
        if (bytes > MAX_OLD_SPACE_MB * MB) throw new SnapshotError(`heap snapshot '${file}': its graph takes ${Math.ceil(bytes / MB)} MB, more than gcsim's largest heap (${MAX_OLD_SPACE_MB} MB)`);
        expected = reachableFrom(r.graph, [r.graph.root]);
        allBytes = bytes;
        graph = r.graph;
        load = { ...r.stats, copyMs: r.stats.copyMs + performance.now() - t0 };
      });
      // A file that could not be read is tried again by the next run.
      return reading.catch((e: unknown) => {
        reading = null;
        throw e;
      });
    },
    suggestedOptions(p): Record<string, number> {
      if (graph === null) return {};
      // Room for the whole graph, so that loading it starts no GC: the first collection is the
      // first one the run asks for. New space holds the young part (up to its 64 MB limit).
      const oldMb = Math.ceil((allBytes * OLD_SPACE_PER_GRAPH) / MB) + 16;
      const youngMb = Math.ceil((allBytes * (p.young / 100) * 1.25) / MB / 0.25) * 0.25;
      return {
        maxOldSpaceSize: Math.min(MAX_OLD_SPACE_MB, Math.max(128, oldMb)),
        initialOldSpaceSize: Math.min(MAX_OLD_SPACE_MB, Math.ceil(allBytes / MB) + 8),
        maxSemiSpaceSize: Math.min(MAX_SEMI_SPACE_MB, Math.max(1, youngMb)),
        maxHandles: Math.min(MAX_HANDLES, Math.max(1 << 20, graph.nodeCount + HANDLE_SLACK)),
      };
    },
    facts() {
      if (graph === null || load === null || expected === null) return { file };
      return {
        file,
        fileBytes: load.fileBytes,
        nodes: graph.nodeCount,
        edges: graph.edgeCount,
        weakEdges: graph.weakEdgeCount,
        rootCategories: graph.roots.length,
        selfBytes: sumSelf(graph),
        graphBytes: allBytes,
        snapshotReachableObjects: expected.objects,
        snapshotReachableBytes: expected.bytes,
        snapshotReachableSelfBytes: expected.selfBytes,
        parseMs: round(load.parseMs),
        copyMs: round(load.copyMs),
        ...last,
        ...(last.buildMs !== undefined ? { buildMs: round(last.buildMs) } : {}),
      };
    },
  });
  return Object.freeze({ ...w, file, graph: () => graph }) as SnapshotWorkload;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function sumSelf(g: SnapshotGraph): number {
  let s = 0;
  for (let i = 0; i < g.nodeCount; i++) s += g.selfSize[i];
  return s;
}

interface Built {
  youngNodes: number;
  rootGlobals: number;
  churnEdges: number;
  /** Slot index of each churned edge, in the order of the `(churn hosts)` array. */
  churnSlots: Int32Array;
}

/**
 * Allocates every node (young ones first chosen by `rng`), stores every edge, sets the globals and
 * closes the scope that held one handle per node, so that only the roots keep the graph alive.
 */
function buildGraph(m: MutatorApi, g: SnapshotGraph, rng: Rng, youngPercent: number, churnPercent: number, reachable: Uint8Array): Built {
  const { nodeCount, firstEdge, edgeTarget, nodeType } = g;
  const tagged: number[] = [];
  const raw: number[] = [];
  for (const t of g.typeNames) {
    tagged.push(m.maps.define(`snapshot ${t}`, KIND_TAGGED));
    raw.push(m.maps.define(`snapshot ${t} (data)`, KIND_RAW));
  }
  const scope = m.openScope();
  const handles = new Int32Array(nodeCount);
  let youngNodes = 0;
  for (let i = 0; i < nodeCount; i++) {
    const young = youngPercent > 0 && rng.int(100) < youngPercent;
    if (young) youngNodes++;
    const words = nodeWords(g, i);
    handles[i] =
      firstEdge[i + 1] === firstEdge[i]
        ? m.allocateRaw(raw[nodeType[i]], words - 2, i, !young)
        : m.allocate(tagged[nodeType[i]], words - 2, !young);
  }
  for (let i = 0; i < nodeCount; i++) {
    const first = firstEdge[i];
    const end = firstEdge[i + 1];
    if (first === end) continue;
    const h = handles[i];
    for (let e = first; e < end; e++) {
      const t = edgeTarget[e];
      if ((t & WEAK_EDGE) !== 0) m.setSmi(h, e - first, t & EDGE_TARGET);
      else m.set(h, e - first, handles[t]);
    }
  }
  m.setGlobal(ROOT_GLOBAL, handles[g.root]);
  const seen = new Map<string, number>();
  let rootGlobals = 0;
  for (const r of g.roots.slice(0, MAX_ROOT_GLOBALS)) {
    const k = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, k);
    m.setGlobal(k === 1 ? r.name : `${r.name} #${k}`, handles[r.node]);
    rootGlobals++;
  }
  let churnSlots = new Int32Array(0);
  if (churnPercent > 0) {
    // The hosts of the churned edges, chosen among reachable nodes, stay reachable from a global
    // array (a program holds the objects it mutates); their old targets may become garbage.
    const hosts: number[] = [];
    const slots: number[] = [];
    for (let i = 0; i < nodeCount; i++) {
      if (reachable[i] === 0) continue;
      for (let e = firstEdge[i]; e < firstEdge[i + 1]; e++) {
        if ((edgeTarget[e] & WEAK_EDGE) !== 0 || rng.int(100) >= churnPercent) continue;
        hosts.push(i);
        slots.push(e - firstEdge[i]);
      }
    }
    const arr = m.allocate(m.arrayMap, hosts.length, true);
    for (let c = 0; c < hosts.length; c++) m.set(arr, c, handles[hosts[c]]);
    m.setGlobal(CHURN_GLOBAL, arr);
    churnSlots = Int32Array.from(slots);
  }
  m.closeScope(scope);
  return { youngNodes, rootGlobals, churnEdges: churnSlots.length, churnSlots };
}

/** Re-links every churned edge to the host of another churned edge, chosen by `rng`. */
function churn(m: MutatorApi, slots: Int32Array, rng: Rng): void {
  const n = slots.length;
  let scope = m.openScope();
  let arr: Handle = m.getGlobal(CHURN_GLOBAL);
  for (let c = 0; c < n; c++) {
    if (c % CHURN_SCOPE_EDGES === 0 && c > 0) {
      m.closeScope(scope);
      scope = m.openScope();
      arr = m.getGlobal(CHURN_GLOBAL);
    }
    m.set(m.get(arr, c), slots[c], m.get(arr, rng.int(n)));
  }
  m.closeScope(scope);
}
