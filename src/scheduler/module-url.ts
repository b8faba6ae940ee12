/**
 * Where the entry module of another thread or process is, in either form gcsim runs in: the .ts
 * sources (under tsx or vitest) or the compiled .js of dist/ (`npm run build`, the package).
 * Used on the thread that starts Piscina helpers, trial workers and child processes.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledCounterpart } from './compiled-build.ts';

/**
 * The module `relative` (spelt as in the sources, ending in `.ts`) resolved against `base` (the
 * caller's `import.meta.url`), with the caller's own extension: the .ts file when the caller runs
 * from source, the compiled .js beside it in dist/ otherwise. A caller running from source gets
 * the compiled .js of dist/ instead when it asked for it and dist/ is fresh (tests:
 * `compiledCounterpart`).
 */
export function entryModuleUrl(relative: string, base: string): URL {
  const ext = path.extname(fileURLToPath(base));
  const url = new URL(relative.replace(/\.ts$/, ext), base);
  if (ext !== '.ts') return url;
  // Tests: the compiled build's entry when it is fresh (compiled-build.ts).
  const built = compiledCounterpart(fileURLToPath(url));
  return built === null ? url : pathToFileURL(built);
}

/**
 * The execArgv for a worker or child that loads `entry` (a URL, an href or a path): undefined
 * (inherit this process's) for compiled JavaScript, or when tsx is already loaded here (`tsx`,
 * `node --import tsx`, vitest's execArgv); otherwise this process's plus `--import tsx`, which
 * .ts entries need on Node 20.
 */
export function entryExecArgv(entry: URL | string): string[] | undefined {
  const where = entry instanceof URL ? entry.pathname : entry;
  if (!where.endsWith('.ts')) return undefined;
  if (process.execArgv.some((a) => a.includes('tsx'))) return undefined;
  return [...process.execArgv, '--import', 'tsx'];
}
