/**
 * The compiled build (dist/, `npm run build`) beside the sources, and whether it is at least as
 * new as every source file. Tests start their worker threads and child processes from it when it
 * is (`entryModuleUrl` under GCSIM_COMPILED_WORKERS=1, which vitest.config.ts sets; the CLI tests,
 * test/helpers/cli.ts): a worker that loads .ts sources registers tsx's hooks and transforms every
 * module first, four times the start-up of one that loads JavaScript. A stale or missing dist/
 * means the sources, so a test never runs a build older than the code under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, when this module runs from the sources (src/scheduler/). */
export const SOURCE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function newestMtimeMs(dir: string, ext: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** dist/ exists and was built after the last change to src/ and workers/ (the build empties dist/ first). */
export function compiledBuildIsFresh(root: string = SOURCE_ROOT): boolean {
  const builtMain = path.join(root, 'dist/src/cli/main.js');
  if (!fs.existsSync(builtMain)) return false;
  const built = fs.statSync(builtMain).mtimeMs;
  return built >= Math.max(newestMtimeMs(path.join(root, 'src'), '.ts'), newestMtimeMs(path.join(root, 'workers'), '.ts'));
}

let fresh: boolean | null = null;

/**
 * Where the compiled counterpart of source file `file` (under src/ or workers/ of the sources) is,
 * if the process asked for compiled workers (GCSIM_COMPILED_WORKERS=1) and dist/ is fresh (decided
 * once per process); null otherwise.
 */
export function compiledCounterpart(file: string): string | null {
  if (process.env.GCSIM_COMPILED_WORKERS !== '1') return null;
  const rel = path.relative(SOURCE_ROOT, file);
  if (rel.startsWith('..') || !/^(src|workers)[/\\].*\.ts$/.test(rel)) return null;
  if (fresh === null) fresh = compiledBuildIsFresh();
  if (!fresh) return null;
  const built = path.join(SOURCE_ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
  return fs.existsSync(built) ? built : null;
}
