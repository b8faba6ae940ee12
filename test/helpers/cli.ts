/**
 * How a test starts the `gcsim` CLI in a child process. The compiled CLI (`bin/gcsim.mjs` over
 * dist/, what a user's `gcsim` runs) when dist/ is at least as new as every source file, since it
 * starts in half the time and its workers load plain JavaScript; otherwise the sources through tsx,
 * so a test never runs a build older than the code under test. `npm ci` builds dist/ (the
 * `prepare` script) and so does `.ci/run`; after editing src/, `npm run build` restores the fast path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/gcsim.mjs');
const BUILT_MAIN = path.join(ROOT, 'dist/src/cli/main.js');
const SOURCE_MAIN = path.join(ROOT, 'src/cli/main.ts');

function newestMtimeMs(dir: string, ext: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** dist/ exists and was built after the last change to src/ and workers/ (the build empties dist/ first). */
export function compiledBuildIsFresh(): boolean {
  if (!fs.existsSync(BUILT_MAIN)) return false;
  const built = fs.statSync(BUILT_MAIN).mtimeMs;
  return built >= Math.max(newestMtimeMs(path.join(ROOT, 'src'), '.ts'), newestMtimeMs(path.join(ROOT, 'workers'), '.ts'));
}

let cached: string[] | null = null;

/** The node arguments that run `gcsim` (append the CLI's own arguments); decided once per test file. */
export function gcsimNodeArgs(): string[] {
  if (cached === null) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    cached = compiledBuildIsFresh() ? [BIN] : ['--import', tsx, SOURCE_MAIN];
  }
  return cached;
}
