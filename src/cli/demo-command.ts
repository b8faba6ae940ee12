/** `gcsim demo`: a short demonstration: string-tick with --trace-gc, then splay's pause summary. */
import { Command } from 'commander';
import { runOne } from '../experiments/run.ts';
import { formatTraceGcLog, isolateAddress } from '../report/trace-gc.ts';

export function demoCommand(): Command {
  return new Command('demo').description('a short demonstration run').action(async () => {
    const tick = await runOne({ workload: 'string-tick', params: { ticks: 40 } });
    console.log("string-tick (seed 003's example), --trace-gc:");
    for (const l of formatTraceGcLog(tick.events, { pid: process.pid, isolate: isolateAddress(process.pid) })) console.log(l);
    const sp = await runOne({ workload: 'splay', params: { steps: 60 } });
    const p = sp.summary.pauses;
    console.log(`splay: ${p.count} GCs, pause p50 ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms, max ${p.max.toFixed(2)} ms, digest ${sp.digest}`);
  });
}
