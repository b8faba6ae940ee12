/**
 * Real heaps: a snapshot that `v8.writeHeapSnapshot()` wrote (of a small graph built in a child
 * node, plus one string that only a weak edge reaches) loads; after a full GC the reachable
 * objects and bytes equal a direct traversal of the snapshot's non-weak edges from its root,
 * done here on the JSON; the digest is the same at threads 1 to 4; the weak-only string is
 * collected; a file that is not a complete snapshot is one line and exit status 2.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { runOne } from '../../src/experiments/run.ts';
import { checkSnapshotFile, readSnapshot, SnapshotError } from '../../src/snapshot/snapshot-reader.ts';
import { isWorkloadFile, preloadWorkloadFiles } from '../../src/experiments/workload-file.ts';
import { WORKLOADS } from '../../src/workloads/index.ts';
import type { RunResult } from '../../src/metrics/result.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The child's graph: leaves with strings, a ring of cross links, a WeakMap (weak edges). */
const WRITER = String.raw`
const v8 = require('node:v8');
class Leaf { constructor(i) { this.i = i; this.name = 'leaf-' + i; this.next = null; } }
const leaves = [];
for (let i = 0; i < 300; i++) leaves.push(new Leaf(i));
for (let i = 0; i < 300; i++) leaves[i].next = leaves[(i * 7 + 1) % 300];
const side = new WeakMap();
for (let i = 0; i < 300; i += 10) side.set(leaves[i], { note: i });
globalThis.graph = { leaves, side };
v8.writeHeapSnapshot(process.argv[1]);
`;

/** Bytes of the string that only a weak edge reaches: a large object of its own. */
const WEAK_ONLY_BYTES = 1_000_000;

interface Json {
  snapshot: { meta: { node_fields: string[]; node_types: string[][]; edge_fields: string[]; edge_types: string[][] }; node_count: number; edge_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * The direct traversal, on the JSON: nodes reachable from node 0 over non-weak edges, and the
 * bytes of their objects in gcsim (docs/heap-snapshots.md: max(2 + edges, self size / 4) words).
 */
function traverse(s: Json, followWeak: boolean): { objects: number; bytes: number } {
  const nf = s.snapshot.meta.node_fields.length;
  const ef = s.snapshot.meta.edge_fields.length;
  const [selfF, countF] = ['self_size', 'edge_count'].map((f) => s.snapshot.meta.node_fields.indexOf(f));
  const [eTypeF, toF] = ['type', 'to_node'].map((f) => s.snapshot.meta.edge_fields.indexOf(f));
  const weak = s.snapshot.meta.edge_types[0].indexOf('weak');
  const n = s.nodes.length / nf;
  const first: number[] = [0];
  for (let i = 0; i < n; i++) first.push(first[i] + s.nodes[i * nf + countF]);
  const seen = new Set<number>([0]);
  const stack = [0];
  let bytes = 0;
  while (stack.length > 0) {
    const i = stack.pop()!;
    const edges = s.nodes[i * nf + countF];
    bytes += 4 * Math.max(2 + edges, Math.ceil(s.nodes[i * nf + selfF] / 4));
    for (let e = first[i]; e < first[i + 1]; e++) {
      if (!followWeak && s.edges[e * ef + eTypeF] === weak) continue;
      const t = s.edges[e * ef + toF] / nf;
      if (!seen.has(t)) {
        seen.add(t);
        stack.push(t);
      }
    }
  }
  return { objects: seen.size, bytes };
}

/** Appends a string node and a weak edge to it from the first `Leaf`. */
function addWeakOnlyString(s: Json): void {
  const meta = s.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const f = (name: string) => meta.node_fields.indexOf(name);
  const n = s.nodes.length / nf;
  const leaf = [...Array(n).keys()].find((i) => s.strings[s.nodes[i * nf + f('name')]] === 'Leaf' && s.nodes[i * nf + f('type')] === meta.node_types[0].indexOf('object'));
  if (leaf === undefined) throw new Error('no Leaf in the snapshot');
  let at = 0;
  for (let i = 0; i <= leaf; i++) at += s.nodes[i * nf + f('edge_count')];
  s.strings.push('a string only a weak edge reaches', 'weakOnly');
  const node = new Array<number>(nf).fill(0);
  node[f('type')] = meta.node_types[0].indexOf('string');
  node[f('name')] = s.strings.length - 2;
  node[f('id')] = 999_999_999;
  node[f('self_size')] = WEAK_ONLY_BYTES;
  s.nodes.push(...node);
  const edge = new Array<number>(ef).fill(0);
  edge[meta.edge_fields.indexOf('type')] = meta.edge_types[0].indexOf('weak');
  edge[meta.edge_fields.indexOf('name_or_index')] = s.strings.length - 1;
  edge[meta.edge_fields.indexOf('to_node')] = n * nf;
  s.edges.splice(at * ef, 0, ...edge);
  s.nodes[leaf * nf + f('edge_count')]++;
  s.snapshot.node_count++;
  s.snapshot.edge_count++;
}

let dir = '';
let file = '';
let json: Json;
const runs: RunResult[] = [];
/** The command line on a truncated file, started before the runs so that the two overlap. */
let cli: Promise<{ status: number | null; stderr: string }>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-snapshot-'));
  const written = path.join(dir, 'written.heapsnapshot');
  const w = spawnSync(process.execPath, ['-e', WRITER, written], { encoding: 'utf8' });
  expect(w.status, w.stderr).toBe(0);
  json = JSON.parse(fs.readFileSync(written, 'utf8')) as Json;
  addWeakOnlyString(json);
  file = path.join(dir, 'graph.heapsnapshot');
  fs.writeFileSync(file, JSON.stringify(json));
  const truncated = path.join(dir, 'truncated.heapsnapshot');
  fs.writeFileSync(truncated, fs.readFileSync(file, 'utf8').slice(0, 200_000));
  cli = new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'run', '--heap-snapshot', truncated], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
  // The same path in every run: the graph is read once and kept by its workload.
  // A fifth of the nodes start in new space and a scavenge runs before the full GC: the graph
  // crosses generations (old-to-new slots in the remembered set) before it is marked.
  const params = { young: 20, scavenges: 1, fullGcs: 1 };
  for (const threads of [1, 2, 3, 4]) runs.push(await runOne({ workload: file, params, options: { threads, verifyHeap: true, jitWarmup: false } }));
}, 60_000); // measured: 13 s in npm test at a load average of 13

describe('gcsim run --heap-snapshot', () => {
  it('loads a snapshot written by v8.writeHeapSnapshot(), every node an object', () => {
    const r = runs[0];
    expect(r.error).toBeNull();
    expect(r.workload.name).toBe('snapshot-graph');
    const facts = r.workload.facts!;
    expect(facts.nodes).toBe(json.snapshot.node_count);
    expect(facts.edges).toBe(json.snapshot.edge_count);
    expect(Number(facts.weakEdges)).toBeGreaterThan(30); // the WeakMap's entries, and ours
    expect(Number(facts.rootCategories)).toBeGreaterThan(10); // (Strong roots), (Handle scope), ...
    expect(Number(facts.youngNodes)).toBeGreaterThan(json.snapshot.node_count / 10);
    expect(r.events.map((e) => e.type)).toEqual(['scavenge', 'mark-compact']);
  });

  it('keeps after a full GC exactly what a traversal of the non-weak edges from the root reaches', () => {
    const direct = traverse(json, false);
    for (const r of runs) {
      const gc = r.events.at(-1)!;
      expect(gc.type).toBe('mark-compact');
      expect(r.verify.errors).toEqual([]);
      expect(r.reachable).toEqual(direct);
      expect(gc.markedBytes).toBe(direct.bytes);
      expect(r.workload.facts!.snapshotReachableObjects).toBe(direct.objects);
    }
  });

  it('gives the same digest at threads 1 to 4', () => {
    expect(new Set(runs.map((r) => r.digest)).size).toBe(1);
    expect(runs.map((r) => r.config.threads)).toEqual([1, 2, 3, 4]);
  });

  it('collects an object that only a weak edge reaches', () => {
    const withWeak = traverse(json, true);
    const direct = traverse(json, false);
    expect(withWeak.objects - direct.objects).toBe(1); // reachable only through the weak edge
    for (const r of runs) {
      const gc = r.events.at(-1)!;
      expect(gc.beforeBytes - gc.afterBytes).toBeGreaterThanOrEqual(WEAK_ONLY_BYTES);
      expect(r.reachable!.bytes).toBeLessThan(withWeak.bytes - WEAK_ONLY_BYTES + 1);
    }
  });
});

describe('a heap snapshot in a sweep', () => {
  it('is a workload file: the sweep checks its header and parameters without reading the graph', async () => {
    const other = path.join(dir, 'other.heapsnapshot');
    fs.copyFileSync(file, other);
    expect(isWorkloadFile('x.heapsnapshot')).toBe(true);
    const t0 = performance.now();
    await preloadWorkloadFiles(`splay,${other}`);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(Object.keys(WORKLOADS[other].params)).toEqual(['young', 'scavenges', 'fullGcs', 'churn']);
  });
});

describe('a file that is not a readable heap snapshot', () => {
  const tiny = (o: { nodes?: number[]; edges?: number[]; nodeCount?: number }) =>
    JSON.stringify({
      snapshot: { meta: json.snapshot.meta, node_count: o.nodeCount ?? 2, edge_count: (o.edges ?? [1, 0, 7]).length / 3 },
      nodes: o.nodes ?? [9, 0, 1, 0, 1, 0, 0, 2, 0, 3, 40, 0, 0, 0],
      edges: o.edges ?? [1, 0, 7],
      samples: [],
      locations: [],
      strings: ['', 's'],
    });

  it('reads a consistent hand-made snapshot (the control for the cases below)', async () => {
    const ok = path.join(dir, 'tiny.heapsnapshot');
    fs.writeFileSync(ok, tiny({}));
    const { graph } = await readSnapshot(ok);
    expect([graph.nodeCount, graph.edgeCount, graph.edgeTarget[0]]).toEqual([2, 1, 1]);
  });

  it('fails with one line, at once, whatever is wrong', async () => {
    const cases: Record<string, string> = {
      'not-json': 'hello',
      'no-header': '{"nodes":[]}',
      'bad-header': '{"snapshot":{"meta":{"node_fields":["x"]},"node_count":1,"edge_count":0},"nodes":[],"edges":[],"strings":[]}',
      'truncated-early': fs.readFileSync(file, 'utf8').slice(0, 200_000),
      'edge-outside': tiny({ edges: [1, 0, 700] }),
      'edge-counts': tiny({ nodes: [9, 0, 1, 0, 5, 0, 0, 2, 0, 3, 40, 0, 0, 0] }),
    };
    for (const [name, text] of Object.entries(cases)) {
      const f = path.join(dir, `${name}.heapsnapshot`);
      fs.writeFileSync(f, text);
      const t0 = performance.now();
      const e = await readSnapshot(f).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, name).toBeInstanceOf(SnapshotError);
      expect((e as Error).message, name).not.toContain('\n');
      expect(performance.now() - t0, name).toBeLessThan(1000);
    }
    expect(() => checkSnapshotFile(path.join(dir, 'missing.heapsnapshot'))).toThrow(/not found/);
  });

  it('is exit status 2 and one line on the command line', async () => {
    const r = await cli;
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated/);
  });
});
