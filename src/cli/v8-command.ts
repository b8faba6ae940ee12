/**
 * `gcsim v8`: `gcsim run --engine v8` with V8's own flags passed through to the child node
 * (`--v8-flags "--single-threaded-gc --no-concurrent-marking"`). Prints the events in V8's
 * --trace-gc format, the size translation, and every V8 line that was not parsed. Exit status:
 * 0 ok, 1 run failure, 2 bad usage, 134 V8's out-of-memory.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { runOne } from '../experiments/run.ts';
import { addOptionFlags, collectOptions } from './options-cli.ts';
import { formatTraceGc, isolateAddress, MarkCompactMutatorUtilization } from '../report/trace-gc.ts';
import type { GCEvent, RunResult } from '../metrics/result.ts';
import { UsageFailure, checkWritable } from './errors.ts';
import { EXIT_OOM, EXIT_RUN_FAILED, addWorkloadOptions, workloadArgs } from './run-command.ts';

/** `"--a --b=1"` or `"--a,--b=1"` -> ['--a', '--b=1']; each must look like a flag. */
export function parseV8Flags(text: string | undefined): string[] {
  if (text === undefined) return [];
  const flags = text.split(/[\s,]+/).filter((f) => f !== '');
  for (const f of flags) if (!/^--[\w-]+(=\S+)?$/.test(f)) throw new UsageFailure(`bad --v8-flags item '${f}': V8 flags look like --name or --name=value`);
  return flags;
}

/** The lines `gcsim v8` prints after a run: the translation and what V8 printed that was not parsed. */
export function v8RunLines(r: RunResult): string[] {
  const v = r.v8;
  if (!v) return [];
  const lines = [
    `V8 sizes: x${v.factor.toFixed(2)} (bytes per object: gcsim ${v.bytesPerObject.gcsim.toFixed(1)}, V8 ${v.bytesPerObject.v8.toFixed(1)}); child flags: ${v.nodeFlags.join(' ')}`,
  ];
  if (v.untranslated.length > 0) lines.push(`not translated (no V8 counterpart): ${v.untranslated.join(', ')}`);
  if (v.unparsed.length > 0) {
    lines.push(`gcsim: ${v.unparsed.length} line(s) of V8's output not parsed (kept in the record's v8.unparsed):`);
    for (const u of v.unparsed.slice(0, 10)) lines.push(`  line ${u.line}: ${u.reason}: ${u.text.slice(0, 160)}`);
  }
  return lines;
}

export function v8Command(): Command {
  const cmd = addWorkloadOptions(new Command('v8').description("run one workload on V8's own heap in a child node (same as run --engine v8) and report V8's GCs in gcsim's record"), false)
    .option('--v8-flags <flags>', 'V8 or node flags for the child, after the translated ones (e.g. "--single-threaded-gc --no-concurrent-marking")')
    .option('--trace-gc', "print one line per GC in V8's --trace-gc format")
    .option('--json <file>', 'write the gcsim/result@1 record to this file');
  addOptionFlags(cmd);
  cmd.action(async (raw: Record<string, unknown>) => {
    const { workload, seed, params } = workloadArgs(raw, false);
    const options = collectOptions(raw);
    if (options.engine === 'gcsim') throw new UsageFailure('gcsim v8 runs on V8: use gcsim run for --engine gcsim');
    options.engine = 'v8';
    const v8Flags = parseV8Flags(raw.v8Flags as string | undefined);
    const json = raw.json as string | undefined;
    if (json) checkWritable(json);
    const mu = new MarkCompactMutatorUtilization(0);
    const isolate = isolateAddress(process.pid);
    const onEvent = (ev: GCEvent) => {
      mu.observe(ev);
      if (raw.traceGc) console.log(formatTraceGc(ev, { pid: process.pid, isolate, muAverage: mu.average, muCurrent: mu.current }));
    };
    const result = await runOne({ workload, seed, params, options, onEvent, v8Flags });
    if (json) fs.writeFileSync(json, JSON.stringify(result, null, 1) + '\n');
    const s = result.summary;
    const f = (x: number) => x.toFixed(2);
    const by = s.pausesByType;
    console.error(
      `${result.workload.name} seed=${seed} engine=v8: ${by.scavenge?.count ?? 0} scavenges, ${by['mark-compact']?.count ?? 0} mark-compacts, ` +
        `promoted ${(result.events.reduce((a, e) => a + e.promotedBytes, 0) / 1048576).toFixed(1)} MB, pause p50 ${f(s.pauses.p50)} p95 ${f(s.pauses.p95)} max ${f(s.pauses.max)} ms, ` +
        `GC ${f(s.gcMs)} of ${f(s.wallMs)} ms (${(100 * s.gcOverhead).toFixed(1)}%), digest ${result.digest}`,
    );
    for (const l of v8RunLines(result)) console.error(l);
    if (result.error) {
      console.error(result.error.kind === 'oom' ? result.error.message : `gcsim: ${result.error.kind}: ${result.error.message}`);
      process.exitCode = result.error.kind === 'oom' ? EXIT_OOM : EXIT_RUN_FAILED;
    }
  });
  return cmd;
}
