import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Inherited by the Piscina workers that tests start: without tsx they cannot load .ts entries.
    execArgv: ['--import', 'tsx'],
    // Tests measure nothing: leave V8's compiler threads at their priority (src/options.ts).
    // Worker threads and children start from dist/ when it is fresh (src/scheduler/compiled-build.ts).
    env: { GCSIM_HOST_NICE: '0', GCSIM_COMPILED_WORKERS: '1' },
    // Rebuilds dist/ first when a source file is newer (test/helpers/build-if-stale.ts).
    globalSetup: ['./test/helpers/build-if-stale.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    maxWorkers: 2,
    // Names any test that took more than a third of its timeout (none should).
    reporters: ['default', './test/helpers/timeout-margin-reporter.ts'],
  },
});
