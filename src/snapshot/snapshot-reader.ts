/**
 * Reads a V8 `.heapsnapshot` file into a SnapshotGraph, streaming: the file goes chunk by chunk
 * through Chrome DevTools' own loader (heap-snapshot-toolkit's HeapSnapshotLoader, which parses
 * the node and edge arrays straight into typed arrays), and the result is copied into the
 * compact graph. Main thread (or a trial's worker). A file that is not a readable snapshot is a
 * SnapshotError with one line, found before parsing where it can be (header, tail), so a
 * truncated file of any size fails at once.
 */
import fs from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { type SnapshotGraph, type SnapshotRoot, WEAK_EDGE } from './snapshot-graph.ts';

/** A file that cannot be read as a heap snapshot; its message is one line. */
export class SnapshotError extends Error {}

/** The `snapshot` header of the file: the field layout and the counts. */
export interface SnapshotHeader {
  meta: {
    node_fields: string[];
    node_types: unknown[];
    edge_fields: string[];
    edge_types: unknown[];
  };
  node_count: number;
  edge_count: number;
  root_index?: number;
}

/** The header sits in the first kilobytes; a file whose first MiB holds none is not a snapshot. */
const HEADER_SEARCH_BYTES = 1 << 20;
/** Bytes read per chunk while streaming. */
const CHUNK_BYTES = 1 << 20;
/** Node and edge ordinals must fit the 31 bits of an edge word (and a SMI, for weak edges). */
const MAX_NODES = 0x3fffffff;

function fail(file: string, why: string): never {
  throw new SnapshotError(`heap snapshot '${file}': ${why}`);
}

function readRange(fd: number, position: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = fs.readSync(fd, buf, 0, length, position);
  return buf.toString('utf8', 0, n);
}

/** The JSON text of the object that starts at `text[start]` (a `{`), or null when it does not end in `text`. */
function balancedObject(text: string, start: number): string | null {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}

/**
 * Checks what can be checked without parsing: the file exists, begins with a snapshot header
 * whose field layout gcsim understands, and ends as a complete snapshot does (`]}`).
 * Returns the header. Takes well under a millisecond whatever the file's size.
 */
export function checkSnapshotFile(file: string): SnapshotHeader {
  let fd: number;
  try {
    if (!fs.statSync(file).isFile()) fail(file, 'not a file');
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    fail(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = readRange(fd, 0, Math.min(size, HEADER_SEARCH_BYTES));
    const m = /^\s*\{\s*"snapshot"\s*:\s*/.exec(head);
    if (!m) fail(file, 'not a heap snapshot (it does not begin with {"snapshot":)');
    const json = balancedObject(head, m[0].length);
    if (json === null) fail(file, 'truncated or corrupt header');
    let header: SnapshotHeader;
    try {
      header = JSON.parse(json) as SnapshotHeader;
    } catch {
      fail(file, 'corrupt header (not JSON)');
    }
    const meta = header.meta;
    const ok =
      meta !== undefined &&
      Array.isArray(meta.node_fields) &&
      Array.isArray(meta.edge_fields) &&
      Array.isArray(meta.node_types) &&
      Array.isArray(meta.node_types[0]) &&
      Array.isArray(meta.edge_types) &&
      Array.isArray(meta.edge_types[0]) &&
      ['type', 'name', 'self_size', 'edge_count'].every((f) => meta.node_fields.includes(f)) &&
      ['type', 'to_node'].every((f) => meta.edge_fields.includes(f)) &&
      (meta.edge_types[0] as unknown[]).includes('weak');
    if (!ok) fail(file, 'unknown snapshot layout (node fields type, name, self_size, edge_count and edge fields type, to_node expected)');
    if (!Number.isSafeInteger(header.node_count) || header.node_count < 1 || header.node_count > MAX_NODES) fail(file, `bad node_count ${String(header.node_count)}`);
    if (!Number.isSafeInteger(header.edge_count) || header.edge_count < 0) fail(file, `bad edge_count ${String(header.edge_count)}`);
    const tail = readRange(fd, Math.max(0, size - 64), Math.min(size, 64)).trimEnd();
    if (!tail.endsWith(']}')) fail(file, `truncated (${size} bytes; a snapshot ends with the strings array and "]}")`);
    return header;
  } finally {
    fs.closeSync(fd);
  }
}

/** DevTools' parsed snapshot before its own processing: the arrays exactly as in the file. */
interface ParsedSnapshot {
  nodes: BigUint32Array;
  containmentEdges: BigUint32Array;
  strings: string[];
}
/** DevTools' array of 32-bit values that may span several buffers (Platform.TypedArrayUtilities). */
interface BigUint32Array {
  readonly length: number;
  getValue(index: number): number;
}
interface DevToolsLoader {
  parsingComplete: Promise<void>;
  write(chunk: string): void;
  close(): void;
  buildSnapshot(port: unknown): Promise<object>;
}
interface DevToolsApi {
  HeapSnapshotLoader: { HeapSnapshotLoader: new (dispatcher?: unknown) => DevToolsLoader };
  SecondaryInitManager: new (port: unknown) => unknown;
}

/** The smallest snapshot DevTools processes: how the prototype of its JSHeapSnapshot class is found. */
const TINY_SNAPSHOT = JSON.stringify({
  snapshot: {
    meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['synthetic']], edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [['element', 'weak']] },
    node_count: 1,
    edge_count: 0,
  },
  nodes: [0, 0, 1, 0, 0],
  edges: [],
  strings: [''],
});

let jsHeapSnapshotPrototype: Promise<{ initialize?: unknown }> | null = null;

/** JSHeapSnapshot.prototype (DevTools exports the loader, not the class): from a tiny snapshot, once. */
function snapshotPrototype(api: DevToolsApi): Promise<{ initialize?: unknown }> {
  jsHeapSnapshotPrototype ??= (async () => {
    const loader = new api.HeapSnapshotLoader.HeapSnapshotLoader(undefined);
    loader.write(TINY_SNAPSHOT);
    loader.close();
    await loader.parsingComplete;
    const channel = new MessageChannel();
    try {
      new api.SecondaryInitManager(channel.port2);
      return Object.getPrototypeOf(await loader.buildSnapshot(channel.port1)) as { initialize?: unknown };
    } finally {
      channel.port1.close();
      channel.port2.close();
    }
  })();
  return jsHeapSnapshotPrototype;
}

/** readSnapshot calls under way in this thread that need DevTools' processing switched off. */
let rawBuilds = 0;

/**
 * What DevTools' loader parsed, before `JSHeapSnapshot.initialize()` runs. That step builds the
 * indexes of DevTools' views (retainers, dominators, retained sizes: three quarters of the load
 * time, none of it used here) and rewrites self sizes into DevTools' "shallow sizes" (an array's
 * or hidden object's size moved to the object that owns it), which would not be V8's objects.
 * While a build is under way the prototype gets an `initialize` of its own that only keeps the
 * object; the loader's exact version is pinned, and test/snapshot checks every size it reads.
 */
async function parsedSnapshot(api: DevToolsApi, loader: DevToolsLoader): Promise<ParsedSnapshot> {
  const proto = await snapshotPrototype(api);
  if (rawBuilds++ === 0) Object.defineProperty(proto, 'initialize', { configurable: true, value: () => Promise.resolve() });
  try {
    const built = (await loader.buildSnapshot(undefined)) as ParsedSnapshot & { firstEdgeIndexes?: unknown };
    // initialize() makes the edge index first: if it ran, the sizes are no longer V8's.
    if (built.firstEdgeIndexes !== undefined) throw new Error('heap-snapshot-toolkit processed the snapshot (a version other than the one pinned?)');
    return built;
  } finally {
    if (--rawBuilds === 0) delete proto.initialize;
  }
}

/** What loading took, for the result record. */
export interface SnapshotLoadStats {
  fileBytes: number;
  /** The streaming parse (DevTools' loader). */
  parseMs: number;
  /** Checks and the copy into the compact graph. */
  copyMs: number;
}

/**
 * Reads `file` into a SnapshotGraph. Throws SnapshotError (one line) for a file that is not a
 * complete, consistent heap snapshot.
 */
export async function readSnapshot(file: string): Promise<{ graph: SnapshotGraph; stats: SnapshotLoadStats }> {
  const header = checkSnapshotFile(file);
  const fileBytes = fs.statSync(file).size;
  const t0 = performance.now();
  // Loaded on first use: DevTools' loader is 200 KB of JavaScript that most commands never need.
  const { DevToolsAPI } = (await import('heap-snapshot-toolkit')) as unknown as { DevToolsAPI: DevToolsApi };
  const loader = new DevToolsAPI.HeapSnapshotLoader.HeapSnapshotLoader(undefined);
  let parseError: unknown = null;
  loader.parsingComplete.catch((e: unknown) => {
    parseError = e;
  });
  await new Promise<void>((resolve, reject) => {
    const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
    stream.on('data', (chunk) => loader.write(chunk as string));
    stream.on('end', resolve);
    stream.on('error', (e) => reject(new SnapshotError(`heap snapshot '${file}': cannot read (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
  });
  loader.close();
  // After close the loader finishes from what it holds, in microtasks. Still waiting for data
  // by the next macrotask means the arrays ended early: the loader would wait forever.
  let settled = false;
  const done = loader.parsingComplete.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise<void>((r) => setImmediate(r));
  if (!settled) fail(file, 'truncated (the node or edge array ends early)');
  await done;
  if (parseError !== null) fail(file, `corrupt (${firstLine(parseError)})`);
  let parsed: ParsedSnapshot;
  try {
    parsed = await parsedSnapshot(DevToolsAPI, loader);
  } catch (e) {
    fail(file, `corrupt (${firstLine(e)})`);
  }
  const t1 = performance.now();
  const graph = copyGraph(file, header, parsed);
  return { graph, stats: { fileBytes, parseMs: t1 - t0, copyMs: performance.now() - t1 } };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Copies the parsed arrays into the compact graph, checking every index it follows. */
function copyGraph(file: string, header: SnapshotHeader, s: ParsedSnapshot): SnapshotGraph {
  const meta = header.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const typeOffset = meta.node_fields.indexOf('type');
  const nameOffset = meta.node_fields.indexOf('name');
  const selfOffset = meta.node_fields.indexOf('self_size');
  const countOffset = meta.node_fields.indexOf('edge_count');
  const edgeTypeOffset = meta.edge_fields.indexOf('type');
  const toOffset = meta.edge_fields.indexOf('to_node');
  const typeNames = (meta.node_types[0] as unknown[]).map(String);
  const weak = (meta.edge_types[0] as unknown[]).indexOf('weak');
  const n = header.node_count;
  const m = header.edge_count;
  const nodes = s.nodes;
  const edges = s.containmentEdges;
  if (nodes.length !== n * nf) fail(file, `corrupt (${nodes.length / nf} nodes, header says ${n})`);
  if (edges.length !== m * ef) fail(file, `corrupt (${edges.length / ef} edges, header says ${m})`);
  const nodeType = new Uint8Array(n);
  const selfSize = new Uint32Array(n);
  const firstEdge = new Uint32Array(n + 1);
  let e = 0;
  for (let i = 0, p = 0; i < n; i++, p += nf) {
    const t = nodes.getValue(p + typeOffset);
    if (t >= typeNames.length) fail(file, `corrupt (node ${i} has type ${t})`);
    nodeType[i] = t;
    selfSize[i] = nodes.getValue(p + selfOffset);
    firstEdge[i] = e;
    e += nodes.getValue(p + countOffset);
  }
  if (e !== m) fail(file, `corrupt (the nodes' edge counts add up to ${e} edges, header says ${m})`);
  firstEdge[n] = m;
  const edgeTarget = new Uint32Array(m);
  let weakEdgeCount = 0;
  for (let k = 0, p = 0; k < m; k++, p += ef) {
    const to = edges.getValue(p + toOffset);
    const target = to / nf;
    if (to % nf !== 0 || target >= n) fail(file, `corrupt (edge ${k} points to node index ${to})`);
    if (edges.getValue(p + edgeTypeOffset) === weak) {
      edgeTarget[k] = (target | WEAK_EDGE) >>> 0;
      weakEdgeCount++;
    } else edgeTarget[k] = target;
  }
  const root = (header.root_index ?? 0) / nf;
  if (!Number.isInteger(root) || root >= n) fail(file, `corrupt (root node index ${String(header.root_index)})`);
  const name = (i: number): string => s.strings[nodes.getValue(i * nf + nameOffset)] ?? '';
  const synthetic = typeNames.indexOf('synthetic');
  // V8's root categories: the children of the `(GC roots)` node that the root points to.
  const roots: SnapshotRoot[] = [];
  for (let k = firstEdge[root]; k < firstEdge[root + 1]; k++) {
    const gcRoots = edgeTarget[k];
    if ((gcRoots & WEAK_EDGE) !== 0 || nodeType[gcRoots] !== synthetic || name(gcRoots) !== '(GC roots)') continue;
    for (let f = firstEdge[gcRoots]; f < firstEdge[gcRoots + 1]; f++) {
      const t = edgeTarget[f];
      if ((t & WEAK_EDGE) === 0) roots.push({ name: name(t), node: t });
    }
    break;
  }
  return { nodeCount: n, edgeCount: m, weakEdgeCount, nodeType, selfSize, firstEdge, edgeTarget, typeNames, root, roots };
}
