/**
 * A vitest reporter (vitest.config.ts) that names every test whose run took more than a third of
 * its timeout: such a test may time out on a loaded machine, and the project keeps each test
 * three times under its timeout. It prints nothing when every test is within that margin.
 */
import type { Reporter, TestModule } from 'vitest/node';

export interface TimedTest {
  name: string;
  durationMs: number;
  timeoutMs: number;
}

/** The tests that ran longer than `1 / factor` of their timeout, slowest share first, one line each. */
export function nearTimeout(tests: readonly TimedTest[], factor = 3): string[] {
  return tests
    .filter((t) => t.timeoutMs > 0 && t.durationMs * factor > t.timeoutMs)
    .sort((a, b) => b.durationMs / b.timeoutMs - a.durationMs / a.timeoutMs)
    .map((t) => `${(t.durationMs / 1000).toFixed(1)} s of a ${(t.timeoutMs / 1000).toFixed(0)} s timeout: ${t.name}`);
}

export default class TimeoutMarginReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const tests: TimedTest[] = [];
    for (const m of modules) {
      const file = m.moduleId.startsWith(process.cwd()) ? m.moduleId.slice(process.cwd().length + 1) : m.moduleId;
      for (const t of m.children.allTests()) {
        tests.push({ name: `${file} > ${t.fullName}`, durationMs: t.diagnostic()?.duration ?? 0, timeoutMs: t.options.timeout ?? 0 });
      }
    }
    const rows = nearTimeout(tests);
    if (rows.length > 0) console.log(`\n${rows.length} test(s) took more than a third of their timeout:\n  ${rows.join('\n  ')}\n`);
  }
}
