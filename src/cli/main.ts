/**
 * The gcsim command line (commander). Commands are thin: they parse, call experiments/ and
 * report/, and turn failures into one line on stderr with a distinct exit status.
 */
import { Command, CommanderError } from 'commander';
import { runCommand } from './run-command.ts';
import { workloadsCommand } from './workloads-command.ts';
import { demoCommand } from './demo-command.ts';
import { sweepCommand } from './sweep-command.ts';
import { reportCommand } from './report-command.ts';
import { experimentCommand } from './experiment-command.ts';
import { compareCommand } from './compare-command.ts';
import { mergeCommand } from './merge-command.ts';
import { minheapCommand } from './minheap-command.ts';
import { fuzzCommand } from './fuzz-command.ts';
import { sampleSnapshotCommand } from './sample-snapshot-command.ts';
import { v8Command } from './v8-command.ts';
import { EXIT_USAGE, UsageFailure } from './errors.ts';
import { packageVersion } from './version.ts';
import { rejectRepeatedFlags } from './options-cli.ts';
import { UsageError } from '../experiments/run.ts';
import { OptionError } from '../options.ts';

export function buildProgram(): Command {
  const program = new Command('gcsim')
    .description("a parallel simulator of V8's Orinoco garbage collector")
    .version(packageVersion(), '-V, --version', 'print the gcsim version')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  for (const c of [runCommand(), workloadsCommand(), demoCommand(), sweepCommand(), reportCommand(), experimentCommand(), compareCommand(), mergeCommand(), minheapCommand(), fuzzCommand(), sampleSnapshotCommand(), v8Command()]) {
    c.exitOverride().configureOutput({ outputError: () => undefined });
    program.addCommand(c);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = buildProgram();
    rejectRepeatedFlags(program, argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      process.stderr.write(`gcsim: ${e.message.replace(/^error: /, '')}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageFailure || e instanceof UsageError || e instanceof OptionError) {
      process.stderr.write(`gcsim: ${e.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`gcsim: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
