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

/** tsx's loader in an execArgv: `--import tsx`, `--require .../tsx/...`, `--import=tsx`. */
const LOADER_FLAG = /^(--import|--require|-r|--loader|--experimental-loader)$/;
const LOADER_FLAG_EQ = /^(--import|--require|--loader|--experimental-loader)=/;

/** `argv` without tsx's loader. */
export function withoutTsx(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (LOADER_FLAG.test(a) && argv[i + 1]?.includes('tsx')) i++;
    else if (!(LOADER_FLAG_EQ.test(a) && a.includes('tsx'))) out.push(a);
  }
  return out;
}

/**
 * The execArgv for a worker or child whose code is `entries` (URLs, hrefs or paths: its entry and
 * the modules it will import), started from a process with `parent` as its execArgv; undefined
 * means inherit `parent`.
 * - Any .ts among them: inherit when tsx is already loaded here (`tsx`, `node --import tsx`),
 *   otherwise `parent` plus `--import tsx`, which .ts entries need on Node 20 (vitest's test
 *   processes run without tsx: vitest transforms the sources itself).
 * - Only compiled JavaScript: `parent` without tsx's loader, which would otherwise load in every
 *   worker for nothing (`Simulator.create({ threads: 4 })` under tsx with compiled helpers took
 *   0.45-0.6 s with it and 0.17-0.25 s without).
 */
export function entryExecArgv(entries: readonly (URL | string)[], parent: readonly string[] = process.execArgv): string[] | undefined {
  const loaded = parent.some((a) => a.includes('tsx'));
  const ts = entries.some((e) => (e instanceof URL ? e.pathname : e).endsWith('.ts'));
  if (ts) return loaded ? undefined : [...parent, '--import', 'tsx'];
  return loaded ? withoutTsx(parent) : undefined;
}
