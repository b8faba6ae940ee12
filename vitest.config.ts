import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // No `--import tsx` here: vitest transforms the tests and sources itself, and a worker or child
    // started on a .ts file gets tsx added (src/scheduler/module-url.ts). Loading tsx in every test
    // process and every worker it starts made the suite 1.5 times as long (298 s against 193 s).
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
