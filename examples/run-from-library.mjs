/**
 * The library side of the same experiment: run the queue workload file with `runOne` at one and
 * two threads, for each marking barrier, and print one line per run. Run it with
 * `node examples/run-from-library.mjs` in a project where gcsim is installed.
 */
import { fileURLToPath } from 'node:url';
import { BARRIER_VARIANTS, runOne } from 'gcsim';

const workload = fileURLToPath(new URL('./queue-workload.mjs', import.meta.url));
const params = { messages: Number(process.argv[2] ?? 50_000), window: 5_000 };
for (const barrier of Object.keys(BARRIER_VARIANTS)) {
  for (const threads of [1, 2]) {
    const r = await runOne({ workload, params, options: { threads, barrier, maxSemiSpaceSize: 0.25, jitWarmup: false } });
    if (r.error !== null) throw new Error(`${barrier} threads=${threads}: ${r.error.kind}: ${r.error.message}`);
    const p = r.summary.pauses;
    console.log(`${r.workload.name} barrier=${barrier} threads=${threads}: ${p.count} GCs, max pause ${p.max.toFixed(2)} ms, digest ${r.digest}`);
  }
}
