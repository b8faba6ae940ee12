/**
 * How a test starts the `gcsim` CLI in a child process. The compiled CLI (`bin/gcsim.mjs` over
 * dist/, what a user's `gcsim` runs) when dist/ is at least as new as every source file, since it
 * starts in half the time and its workers load plain JavaScript; otherwise the sources through tsx,
 * so a test never runs a build older than the code under test. `npm ci` builds dist/ (the
 * `prepare` script), and so do `.ci/run` and, after an edit to src/, vitest's global setup
 * (test/helpers/build-if-stale.ts).
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { compiledBuildIsFresh } from '../../src/scheduler/compiled-build.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/gcsim.mjs');
const SOURCE_MAIN = path.join(ROOT, 'src/cli/main.ts');

let cached: string[] | null = null;

/** The node arguments that run `gcsim` (append the CLI's own arguments); decided once per test file. */
export function gcsimNodeArgs(): string[] {
  if (cached === null) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    cached = compiledBuildIsFresh(ROOT) ? [BIN] : ['--import', tsx, SOURCE_MAIN];
  }
  return cached;
}
