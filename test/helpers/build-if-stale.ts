/**
 * vitest's global setup (vitest.config.ts): rebuilds dist/ before the tests when it is missing or
 * older than a file of src/ or workers/, so that the helper threads, trial workers and CLI runs
 * that tests start load the compiled build of the code under test (src/scheduler/compiled-build.ts)
 * rather than the sources through tsx, which made the suite 1.4 times as long. A fresh dist/ (after
 * `npm ci` or `npm run build`) is left as it is. When the build fails, the tests run the sources.
 */
import { spawnSync } from 'node:child_process';
import { SOURCE_ROOT, compiledBuildIsFresh } from '../../src/scheduler/compiled-build.ts';

export default function setup(): void {
  if (compiledBuildIsFresh(SOURCE_ROOT)) return;
  process.stderr.write('dist/ is older than src/: running `npm run build` first (about 15 s)\n');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: SOURCE_ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.stderr.write('the build failed: the tests start their workers from the sources\n');
}
