/**
 * The worklist's hot paths on one thread: push+pop that stays in the local segments, push+pop
 * deep enough to publish and take back segments, publish + steal of whole segments between two
 * views, against a plain typed-array stack. Per-item figures are ns per push+pop pair (per segment
 * for publish/steal). `npm run bench -- worklist`, or alone: npx tsx bench/worklist.bench.ts
 */

import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Worklist, WorklistLocal } from '../src/parallel/worklist.ts';
import { benchOptions, benchMeta, perItem, runSync } from './bench-kit.ts';

/** Entries per iteration: enough to amortize tinybench's per-call overhead. */
const OPS = 4096;
let sink = 0;

export function suites(): Bench[] {
  const bench = new Bench(benchOptions('worklist (one thread)', 1000));
  runSync(bench);

  // Baseline: the cheapest stack there is.
  const plain = new Int32Array(OPS);
  const plainName = 'plain Int32Array stack: push+pop';
  bench.add(plainName, () => {
    let sp = 0;
    let acc = 0;
    for (let i = 1; i <= OPS; i++) plain[sp++] = i;
    while (sp > 0) acc += plain[--sp];
    sink += acc;
  });
  perItem(bench, plainName, OPS, 'push+pop');

  for (const segmentSize of [64, 256]) {
    const wl = Worklist.create({ threads: 2, segmentSize });
    const a = new WorklistLocal(wl, 0);
    const shallowName = `WorklistLocal seg=${segmentSize}: push+pop within a segment`;
    bench.add(shallowName, () => {
      // 16 pushes then 16 pops, OPS/16 times: never fills a segment
      let acc = 0;
      for (let r = 0; r < OPS / 16; r++) {
        for (let i = 1; i <= 16; i++) a.push(i);
        for (let i = 0; i < 16; i++) acc += a.pop();
      }
      sink += acc;
    });
    perItem(bench, shallowName, OPS, 'push+pop');
    const deepName = `WorklistLocal seg=${segmentSize}: ${OPS} pushes then ${OPS} pops (publish + take back)`;
    bench.add(deepName, () => {
      let acc = 0;
      for (let i = 1; i <= OPS; i++) a.push(i);
      for (let v = a.pop(); v !== 0; v = a.pop()) acc += v;
      sink += acc;
    });
    perItem(bench, deepName, OPS, 'push+pop');
  }

  const SEGMENTS = 64;
  const wl = Worklist.create({ threads: 2, segmentSize: 64 });
  const owner = new WorklistLocal(wl, 0);
  const thief = new WorklistLocal(wl, 1);
  const stealName = 'seg=64: owner fills+publishes a segment, thief steals+drains it';
  bench.add(stealName, () => {
    let acc = 0;
    for (let s = 0; s < SEGMENTS; s++) {
      for (let i = 1; i <= 64; i++) owner.push(i);
      owner.publish();
      for (let v = thief.pop(); v !== 0; v = thief.pop()) acc += v;
    }
    sink += acc;
  });
  perItem(bench, stealName, SEGMENTS, 'segment');
  return [bench];
}

/** Standalone: run and print ns per item. */
async function main(): Promise<void> {
  for (const bench of suites()) {
    bench.runSync();
    const rows: Record<string, string | number>[] = [];
    for (const t of bench.tasks) {
      const r = t.result;
      if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
      const per = benchMeta(bench).tasks.get(t.name)?.perItem;
      const n = per?.n ?? 1;
      rows.push({
        task: t.name,
        'p50 ns / item': +((r.latency.p50 * 1e6) / n).toFixed(2),
        'mean ns / item': +((r.latency.mean * 1e6) / n).toFixed(2),
        item: per?.unit ?? 'iteration',
        samples: r.latency.samplesCount,
      });
    }
    console.table(rows);
  }
  if (sink === 42) console.log(''); // keep the loops' results alive
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
