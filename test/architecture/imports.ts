/**
 * The architecture as data: which folder of src/ (and bench/, workers/) may import which, read
 * from import lines. `importViolations` and `folderCycles` are pure, so a test can feed them a
 * synthetic tree; `readTree` reads the real one. STYLE.md "A layout that shows the design".
 */
import fs from 'node:fs';
import path from 'node:path';

/** A unit: `src/<folder>`, `src/<file>.ts` at the top, `bench`, `workers`, or `test`. */
export type Unit = string;

/**
 * Allowed imports between units (a unit may always import itself and npm packages). Reasons:
 * heap/, parallel/ and metrics/ are the bottom layer (the heap takes its lock from
 * parallel/lock.ts); the mutator sees the heap and owns the interface a collector implements
 * (mutator/collector-interface.ts); gc/ bodies see heap/,
 * parallel/ and counters, never the scheduler; workloads see only the mutator API; snapshot/
 * reads a V8 heap snapshot into a workload (the mutator API, plus the heap's kind constants);
 * experiments/ puts everything together; cli/ is thin.
 */
export const ALLOWED: Record<Unit, readonly Unit[]> = {
  'src/heap': ['src/parallel'],
  'src/parallel': [],
  'src/metrics': [],
  'src/mutator': ['src/heap'],
  'src/gc': ['src/heap', 'src/parallel', 'src/metrics', 'src/mutator'],
  'src/scheduler': ['src/parallel'],
  'src/workloads': ['src/mutator'],
  'src/v8': ['src/heap', 'src/mutator', 'src/gc', 'src/metrics'],
  'src/snapshot': ['src/heap', 'src/mutator', 'src/workloads'],
  'src/options.ts': ['src/mutator', 'src/gc', 'src/parallel'],
  'src/experiments': ['src/heap', 'src/parallel', 'src/metrics', 'src/mutator', 'src/gc', 'src/scheduler', 'src/workloads', 'src/options.ts', 'src/v8', 'src/snapshot'],
  'src/report': ['src/metrics', 'src/experiments', 'src/options.ts'],
  'src/fuzz': ['src/heap', 'src/parallel', 'src/metrics', 'src/mutator', 'src/gc', 'src/experiments', 'src/workloads', 'src/options.ts'],
  'src/cli': ['src/metrics', 'src/gc', 'src/workloads', 'src/experiments', 'src/report', 'src/fuzz', 'src/options.ts', 'src/v8', 'src/snapshot'],
  'src/index.ts': ['src/heap', 'src/parallel', 'src/metrics', 'src/mutator', 'src/gc', 'src/workloads', 'src/experiments', 'src/options.ts'],
  workers: ['src/scheduler'],
  bench: ['src/heap', 'src/parallel', 'src/metrics', 'src/mutator', 'src/gc', 'src/scheduler', 'src/workloads', 'src/experiments', 'src/options.ts'],
};

/**
 * Cycles between units that exist and are known, each with the file that closes it: a new
 * cycle fails the test. None today: report/ writes a sweep's outputs (report/sweep-output.ts)
 * from the records experiments/ produces, and experiments/ never imports report/.
 */
export const KNOWN_CYCLES: readonly (readonly Unit[])[] = [];

export interface SourceFile {
  /** Path from the repository root, with '/'. */
  path: string;
  text: string;
}

export function unitOf(file: string): Unit | null {
  const parts = file.split('/');
  if (parts[0] === 'src') return parts.length === 2 ? file : `src/${parts[1]}`;
  if (parts[0] === 'bench' || parts[0] === 'workers' || parts[0] === 'test') return parts[0];
  return null;
}

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Unit-to-unit imports of `files`: [from, to, "file: specifier"]. */
export function importEdges(files: readonly SourceFile[]): [Unit, Unit, string][] {
  const edges: [Unit, Unit, string][] = [];
  for (const f of files) {
    const from = unitOf(f.path);
    if (from === null) continue;
    for (const m of f.text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f.path), spec));
      const to = unitOf(target);
      if (to !== null && to !== from) edges.push([from, to, `${f.path}: ${spec}`]);
    }
  }
  return edges;
}

/** Imports the table does not allow, one line each; a unit missing from the table is one too. */
export function importViolations(files: readonly SourceFile[], allowed: Record<Unit, readonly Unit[]> = ALLOWED): string[] {
  const out: string[] = [];
  for (const f of files) {
    const u = unitOf(f.path);
    if (u !== null && u !== 'test' && !(u in allowed)) out.push(`${f.path}: unit ${u} has no row in the table`);
  }
  for (const [from, to, where] of importEdges(files)) {
    if (from === 'test') continue;
    if (!(allowed[from] ?? []).includes(to)) out.push(`${where} (${from} may not import ${to})`);
  }
  return [...new Set(out)];
}

/** Strongly connected groups of two or more units in the import graph (Tarjan). */
export function folderCycles(files: readonly SourceFile[]): Unit[][] {
  const graph = new Map<Unit, Set<Unit>>();
  for (const [from, to] of importEdges(files)) {
    if (from === 'test' || to === 'test') continue;
    if (!graph.has(from)) graph.set(from, new Set());
    if (!graph.has(to)) graph.set(to, new Set());
    graph.get(from)!.add(to);
  }
  let index = 0;
  const idx = new Map<Unit, number>();
  const low = new Map<Unit, number>();
  const stack: Unit[] = [];
  const on = new Set<Unit>();
  const out: Unit[][] = [];
  const visit = (v: Unit): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: Unit[] = [];
      for (;;) {
        const w = stack.pop()!;
        on.delete(w);
        group.push(w);
        if (w === v) break;
      }
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Every source file of src/, bench/ and workers/ under `root`. */
export function readTree(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const top of ['src', 'bench', 'workers']) {
    const dir = path.join(root, top);
    if (!fs.existsSync(dir)) continue;
    for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || !/\.(ts|mts|mjs|cjs|js)$/.test(e.name)) continue;
      const full = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
      out.push({ path: path.relative(root, full).split(path.sep).join('/'), text: fs.readFileSync(full, 'utf8') });
    }
  }
  return out;
}
