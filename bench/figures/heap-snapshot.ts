// Reproduces the figure of docs/heap-snapshots.md: `bash bench/figures/heap-snapshot.sh [objects] [runs]`
// (or `node --expose-gc --import tsx bench/figures/heap-snapshot.ts FILE [runs]`). Reads the
// snapshot once, then per run builds its graph on a fresh heap and marks it fully three times,
// threads 1 and 2 interleaved; prints one JSON line per run and the medians, with the load average.
import fs from 'node:fs';
import { runOne } from '../../src/experiments/run.ts';
import { resolveWorkload } from '../../src/experiments/workload-file.ts';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const FULL_GCS = 3;
const STALL_TIMEOUT_MS = 60_000;
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const w = (await resolveWorkload(file))!;
const loadStart = loadavg();
await w.prepare!();
const load = w.facts!();
console.log(JSON.stringify({ load, loadavg: [loadStart, loadavg()] }));
const marks: Record<number, number[]> = { 1: [], 2: [] };
const pauses: Record<number, number[]> = { 1: [], 2: [] };
const builds: number[] = [];
const loads: string[] = [];
let reachable = { objects: 0, bytes: 0 };
for (let r = 0; r < runs; r++) {
  for (const threads of r % 2 === 0 ? [1, 2] : [2, 1]) {
    const before = loadavg();
    // A generous stall deadline: on a loaded machine a helper may wait long for a core.
    const res = await runOne({ workload: file, params: { fullGcs: FULL_GCS }, options: { threads, stallTimeoutMs: STALL_TIMEOUT_MS } });
    if (res.error) throw new Error(res.error.message);
    const mcs = res.events.filter((e) => e.type === 'mark-compact');
    marks[threads].push(...mcs.map((e) => e.phasesMs['mc.mark']));
    pauses[threads].push(...mcs.map((e) => e.pauseMs));
    builds.push(Number(res.workload.facts!.buildMs));
    reachable = res.reachable!;
    loads.push(before);
    console.log(JSON.stringify({ run: r, threads, markMs: mcs.map((e) => +e.phasesMs['mc.mark'].toFixed(1)), pauseMs: mcs.map((e) => +e.pauseMs.toFixed(1)), buildMs: res.workload.facts!.buildMs, loadavg: before }));
    (globalThis as { gc?: () => void }).gc?.(); // let the last heap's shared buffers go
  }
}
const mb = (b: number) => (b / 1048576).toFixed(1);
console.log(`snapshot ${file}: ${mb(Number(load.fileBytes))} MB, ${load.nodes} nodes, ${load.edges} edges (${load.weakEdges} weak)`);
console.log(`read ${(Number(load.parseMs) + Number(load.copyMs)).toFixed(0)} ms (parse ${Number(load.parseMs).toFixed(0)}, copy ${Number(load.copyMs).toFixed(0)}); build median ${median(builds).toFixed(0)} ms`);
console.log(`reachable after full GCs: ${reachable.objects} objects, ${mb(reachable.bytes)} MB (V8 self sizes ${mb(Number(load.snapshotReachableSelfBytes))} MB)`);
for (const t of [1, 2]) console.log(`threads ${t}: full mark median ${median(marks[t]).toFixed(0)} ms, pause median ${median(pauses[t]).toFixed(0)} ms (${marks[t].length} mark-compacts)`);
console.log(`load averages before each run: ${loads.join(' | ')}`);
