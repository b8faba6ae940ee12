/**
 * `gcsim minheap --workload W`: the smallest old-generation limit at which a workload completes,
 * by bisection (src/experiments/minheap.ts), one line per probe on stderr and the result on
 * stdout (and as JSON with --json). Sweeps then take `--heap-factor` relative to it.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { findMinHeap, minHeapLine, type MinHeapSpec } from '../experiments/minheap.ts';
import { UsageError, resolveParams } from '../experiments/run.ts';
import { DEFAULT_TRIAL_TIMEOUT_MS } from '../experiments/sweep-matrix.ts';
import { OptionError, resolveOptions } from '../options.ts';
import { smokeMode, smokeParams } from '../experiments/smoke.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { SEED_MAX, SEED_MIN, addOptionFlags, collectOptions, parseIntArg, parseParams } from './options-cli.ts';
import { UsageFailure, checkWritable } from './errors.ts';

export function minheapCommand(): Command {
  const cmd = new Command('minheap')
    .description('find the smallest --max-old-space-size at which a workload completes (bisection), for heap factors')
    .requiredOption('-w, --workload <name>', 'workload to measure')
    .option('-s, --seed <n>', 'random seed', '1')
    .option('-p, --param <name=value...>', 'workload parameter(s)')
    .option('--resolution <mb>', 'bisection step in MB (a multiple of 0.25)', '0.25')
    .option('--json <file>', 'write the gcsim/minheap@1 record here')
    .option('--trial-timeout <ms>', 'a probe running longer than this counts as not completing', String(DEFAULT_TRIAL_TIMEOUT_MS));
  addOptionFlags(cmd);
  cmd.action(async (raw: Record<string, unknown>) => {
    const workload = String(raw.workload);
    let params = parseParams(raw.param as string[] | undefined);
    if (smokeMode()) params = { ...smokeParams(workload, params, Object.keys(WORKLOADS[workload]?.params ?? {})), ...params };
    const options = collectOptions(raw);
    // No JIT warm-up unless asked: the minimum heap does not depend on how fast the code runs.
    if (options.jitWarmup === undefined) options.jitWarmup = false;
    const resolution = Number(raw.resolution);
    const spec: MinHeapSpec = {
      workload,
      seed: parseIntArg(raw.seed, '--seed', SEED_MIN, SEED_MAX),
      params,
      options,
      resolutionMb: resolution,
      maxMb: options.maxOldSpaceSize ?? 128,
      trialTimeoutMs: parseIntArg(raw.trialTimeout, '--trial-timeout', 1, 1_000_000_000),
    };
    delete spec.options.maxOldSpaceSize;
    try {
      resolveParams(workload, params);
      resolveOptions(options);
    } catch (e) {
      if (e instanceof UsageError || e instanceof OptionError) throw new UsageFailure(e.message);
      throw e;
    }
    const json = raw.json as string | undefined;
    if (json) checkWritable(json);
    let result;
    try {
      result = await findMinHeap(spec, (p) =>
        process.stderr.write(`  ${p.heapMb} MB: ${p.completed ? `completes (${p.gcs} GCs)` : `fails (${p.failure?.split('\n')[0].slice(0, 100)})`}, ${(p.hostMs / 1000).toFixed(1)} s\n`),
      );
    } catch (e) {
      if (e instanceof UsageError) throw new UsageFailure(e.message);
      throw e;
    }
    if (json) fs.writeFileSync(json, JSON.stringify(result, null, 1) + '\n');
    process.stdout.write(minHeapLine(result) + '\n');
  });
  return cmd;
}
