/**
 * `gcsim experiment` (what `npm start` runs): the default experiment, splay at 1, 2 and 4
 * threads (src/experiments/default-experiment.ts), run and reported exactly as `gcsim sweep`.
 */
import { Command } from 'commander';
import { defaultExperiment } from '../experiments/default-experiment.ts';
import { defaultOutDir } from '../report/sweep-output.ts';
import { validateSweepSpec } from '../experiments/sweep-matrix.ts';
import { applySmoke, commandLine, executeSweep, parseInteger } from './sweep-command.ts';
import { smokeMode } from '../experiments/smoke.ts';
import { UsageFailure } from './errors.ts';
import { UsageError } from '../experiments/run.ts';

export function experimentCommand(): Command {
  return new Command('experiment')
    .description('run the default experiment: splay at 1, 2 and 4 threads, 3 trials each, against threads = 1, with an HTML report')
    .option('-t, --trials <k>', 'measured trials per configuration', '3')
    .option('--warmup <w>', 'trials per configuration run first and discarded', '0')
    .option('-o, --out <dir>', 'output directory (default results/<date>-<time>)')
    .action(async (raw: { trials: string; warmup: string; out?: string }) => {
      const spec = defaultExperiment({ trials: parseInteger(raw.trials, '--trials', 1), warmup: parseInteger(raw.warmup, '--warmup', 0) });
      if (smokeMode()) applySmoke(spec);
      try {
        validateSweepSpec(spec);
      } catch (e) {
        if (e instanceof UsageError) throw new UsageFailure(e.message);
        throw e;
      }
      const outDir = raw.out ?? defaultOutDir();
      process.stdout.write(`Default experiment: splay at threads 1, 2 and 4, ${spec.trials} trial${spec.trials === 1 ? '' : 's'} each${spec.warmup > 0 ? ` after ${spec.warmup} warm-up` : ''}; results in ${outDir}\n`);
      process.exitCode = await executeSweep({ spec, outDir, crashForTesting: null, strict: false }, { command: commandLine() });
    });
}
