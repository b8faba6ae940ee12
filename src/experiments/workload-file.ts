/**
 * User workloads from a file: a module whose default export was made by `defineWorkload`,
 * loaded in whichever thread runs it (the main thread for `gcsim run`, each trial's worker for
 * a sweep, so trials stay isolated) and registered in WORKLOADS under the path it was given by.
 * `.js`/`.mjs` load with plain node; `.ts` needs tsx (present when gcsim runs from source).
 * A `.heapsnapshot` file is a V8 heap snapshot's workload (src/snapshot/), its graph read by
 * the workload's `prepare()` when a run starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WORKLOADS } from '../workloads/index.ts';
import { type Workload, workloadProblem } from '../workloads/workload.ts';
import { isSnapshotFile, snapshotWorkload } from '../snapshot/snapshot-workload.ts';
import { SnapshotError } from '../snapshot/snapshot-reader.ts';

/** A workload file that cannot be used; its message is one line. */
export class WorkloadFileError extends Error {}

const FILE_EXTENSION = /\.(m?js|cjs|m?ts|cts)$/;

/** A workload given by a path rather than by a built-in name. */
export function isWorkloadFile(nameOrPath: string): boolean {
  return FILE_EXTENSION.test(nameOrPath) || isSnapshotFile(nameOrPath) || nameOrPath.includes('/') || nameOrPath.includes(path.sep);
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
  return text.split('\n')[0];
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    // Plain node cannot load TypeScript: use tsx's loader when it can be found.
    if ((e as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    let tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
    try {
      const api = 'tsx/esm/api'; // not a static import: tsx is optional
      ({ tsImport } = (await import(api)) as { tsImport: typeof tsImport });
    } catch {
      throw new WorkloadFileError(`cannot load '${file}': a .ts workload needs tsx (npm install tsx), or compile it to .js`);
    }
    return tsImport(url, import.meta.url);
  }
}

/** Loads and checks a workload file; throws WorkloadFileError with one line. */
export async function loadWorkloadFile(given: string): Promise<Workload> {
  if (isSnapshotFile(given)) {
    // A heap snapshot: its header and tail are checked now, its graph is read by prepare().
    try {
      return snapshotWorkload(given) as unknown as Workload;
    } catch (e) {
      throw e instanceof SnapshotError ? new WorkloadFileError(e.message) : e;
    }
  }
  const file = path.resolve(given);
  if (!fs.existsSync(file)) throw new WorkloadFileError(`workload file '${given}' not found`);
  if (!FILE_EXTENSION.test(file)) throw new WorkloadFileError(`workload file '${given}': expected a .js, .mjs or .ts module`);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file);
  } catch (e) {
    if (e instanceof WorkloadFileError) throw e;
    throw new WorkloadFileError(`cannot load workload file '${given}': ${firstLine(e)}`);
  }
  // A CommonJS or transpiled module may nest the default export once more.
  let w = mod.default;
  if (w !== null && typeof w === 'object' && !('run' in w) && 'default' in w) w = (w as { default: unknown }).default;
  if (w === undefined) throw new WorkloadFileError(`workload file '${given}' has no default export (export default defineWorkload({ ... }))`);
  const problem = workloadProblem(w);
  if (problem !== null) throw new WorkloadFileError(`workload file '${given}': ${problem}`);
  return w as Workload;
}

/**
 * The workload named `nameOrPath`: a built-in, or a file loaded now and registered in WORKLOADS
 * under the given string (so that parameter checks and sweeps find it). Undefined for an
 * unknown name; WorkloadFileError for a bad file.
 */
export async function resolveWorkload(nameOrPath: string): Promise<Workload | undefined> {
  const known = WORKLOADS[nameOrPath];
  if (known !== undefined) return known;
  if (!isWorkloadFile(nameOrPath)) return undefined;
  const w = await loadWorkloadFile(nameOrPath);
  WORKLOADS[nameOrPath] = w;
  return w;
}

/**
 * Loads every workload file of a comma-separated `--workload` list in this thread, so that a
 * sweep's matrix can check their parameters; each trial's worker loads its own copy again.
 */
export async function preloadWorkloadFiles(list: string): Promise<void> {
  for (const item of list.split(',').map((s) => s.trim())) if (item !== '' && isWorkloadFile(item)) await resolveWorkload(item);
}
