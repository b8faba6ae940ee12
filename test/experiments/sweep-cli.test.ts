import { describe, expect, it } from 'vitest';
import { parseCrashForTesting, parseParamLists, sweepInvocationFromCli } from '../../src/cli/sweep-command.ts';
import { UsageFailure } from '../../src/cli/errors.ts';

/** What commander hands the action: strings as typed (option names camelCased). */
function cli(raw: Record<string, unknown>) {
  return sweepInvocationFromCli({ trials: '3', warmup: '0', seed: '1', trialTimeout: '600000', ...raw });
}

describe('gcsim sweep command line', () => {
  it('turns every option of the table given as a comma list into an axis', () => {
    const inv = cli({ workload: 'splay,gcbench', threads: '1,2,4', balance: 'steal,static', maxSemiSpaceSize: '1,2', concurrentMarking: 'true,false', out: '/tmp/x' });
    expect(inv.spec.workloads).toEqual(['splay', 'gcbench']);
    expect(inv.spec.options).toEqual({ threads: [1, 2, 4], maxSemiSpaceSize: [1, 2], balance: ['steal', 'static'], concurrentMarking: [true, false] });
    expect(inv.spec.trials).toBe(3);
    expect(inv.outDir).toBe('/tmp/x');
    expect(inv.crashForTesting).toBeNull();
  });

  it('defaults the output directory to results/<date>-<time>', () => {
    expect(cli({ workload: 'splay' }).outDir).toMatch(/^results\/\d{8}-\d{6}$/);
  });

  it('parses parameter lists and the ForTesting crash', () => {
    expect(parseParamLists(['treeSize=500,1000', 'steps=5'])).toEqual({ treeSize: [500, 1000], steps: [5] });
    expect(parseCrashForTesting('3')).toEqual({ index: 3, mode: 'throw' });
    expect(parseCrashForTesting('0:exit')).toEqual({ index: 0, mode: 'exit' });
  });

  for (const [what, raw, msg] of [
    ['an empty workload list', { workload: '' }, /empty list for --workload/],
    ['an unknown workload', { workload: 'splay,nope' }, /unknown workload 'nope'/],
    ['an empty option list', { workload: 'splay', threads: '' }, /empty list for --threads/],
    ['an empty list item', { workload: 'splay', threads: '1,,2' }, /empty item in --threads/],
    ['a bad option value', { workload: 'splay', threads: '1,x' }, /bad value 'x' for --threads/],
    ['a bad enum value', { workload: 'splay', balance: 'steal,fair' }, /bad value 'fair' for --balance: one of steal, steal-half, steal-oldest, static/],
    ['zero trials', { workload: 'splay', trials: '0' }, /bad --trials '0'/],
    ['non-numeric trials', { workload: 'splay', trials: 'many' }, /bad --trials 'many'/],
    ['a negative warm-up', { workload: 'splay', warmup: '-1' }, /bad --warmup/],
    ['a malformed parameter', { workload: 'splay', param: ['treeSize'] }, /bad --param 'treeSize'/],
    ['a non-integer parameter', { workload: 'splay', param: ['treeSize=1.5'] }, /bad --param treeSize '1.5'/],
    ['an unknown parameter', { workload: 'splay', param: ['nope=1'] }, /unknown parameter 'nope'/],
    ['a malformed crash spec', { workload: 'splay', crashTrialForTesting: 'x' }, /--crash-trial-for-testing/],
  ] as const) {
    it(`rejects ${what} with a one-line UsageFailure`, () => {
      let err: unknown;
      try {
        cli(raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageFailure);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});
