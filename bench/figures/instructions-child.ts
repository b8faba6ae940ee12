// The gcsim half of bench/figures/instructions.ts, run (bundled, under plain node) inside
// callgrind: builds the bench graph (bench/graph.ts) in the compiled build at BUILD, runs the
// program of bench/gc.bench.ts three times on a smaller graph (so the collector's code is
// optimised), then once more on N objects with the measured GC between `os.loadavg()` and
// `os.freemem()`: callgrind zeroes its counts on entering uv_loadavg and dumps them on entering
// uv_get_free_memory, so the dump holds that GC alone. It prints how many host GCs (V8
// collecting this process's own heap) fell inside that window: their instructions are counted.
//   node .instructions-child.bundle.mjs BUILD scavenge|mark neighbouring|random N
import os from 'node:os';
import { type Layout, type Work, graphSimOptions, loadCompiledBuild, runGraphProgram } from '../graph.ts';
import { HostGcMonitor } from '../../src/experiments/host-gc-monitor.ts';
import { hostGcWithin } from '../../src/metrics/host-gc.ts';

const [root, work, layout, nArg] = process.argv.slice(2);
const n = Number(nArg);
const { Simulator, deps } = await loadCompiledBuild(root);
// Sweeping in the pause, as under V8's --single-threaded-gc: no helper sweeps while the main
// thread runs, so nothing of the count depends on how valgrind schedules the threads.
const sim = await Simulator.create({ threads: 1, ...graphSimOptions(n), concurrentSweeping: false });
const m = sim.mutator;

let from = 0;
let to = 0;
function round(size: number, measured: boolean): void {
  runGraphProgram(m, deps, work as Work, layout as Layout, size, (kind) => {
    if (measured) {
      os.loadavg();
      from = performance.timeOrigin + performance.now();
    }
    m.collect(kind);
    if (measured) {
      to = performance.timeOrigin + performance.now();
      os.freemem();
    }
  });
}

for (let i = 0; i < 3; i++) round(Math.min(n, 200_000), false);
// V8 collecting this process's own heap inside the window is counted with the GC: reported.
const monitor = HostGcMonitor.start();
round(n, true);
const hostGc = hostGcWithin(await monitor.stop(), from, to);
const ev = sim.gc.events[sim.gc.events.length - 1];
process.stdout.write(`${JSON.stringify({ objects: n, pauseMs: ev.pauseMs, hostGcs: hostGc?.count ?? 0 })}\n`);
await sim.close();
