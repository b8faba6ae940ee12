// Reproduces a figure of docs/performance.md: run with `npx tsx bench/figures/finalization.ts`.
import { runOne } from '../../src/experiments/run.ts';
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const cases: [string, Record<string, number>][] = process.argv[3] === 'fg' ? [] : [['splay', {}], ['gcbench', { longLivedDepth: 19, maxDepth: 16 }]];
const trials = Number(process.argv[2] ?? 2);
for (const [w, params] of cases) for (const threads of [1, 2, 4]) {
  const stw: number[] = [], fin: number[] = [], util: number[] = [], ratio: number[] = [];
  for (let t = 0; t < trials; t++) {
    const a = await runOne({ workload: w, params, options: { threads, incrementalMarking: false } });
    const b = await runOne({ workload: w, params, options: { threads } });
    const mcA = a.events.filter(e => e.type === 'mark-compact').map(e => e.pauseMs);
    const fins = b.events.filter(e => e.incremental !== null);
    stw.push(Math.max(...mcA)); fin.push(Math.max(...fins.map(e => e.pauseMs)));
    for (const f of fins) {
      const wall = f.incremental!.walltimeMs; const start = f.startMs - wall;
      const sc = b.events.filter(e => e.type === 'scavenge' && e.startMs >= start && e.startMs < f.startMs).reduce((x, e) => x + e.pauseMs, 0);
      util.push(1 - (f.incremental!.stepsMs + sc) / wall);
    }
  }
  console.log(`${w} threads=${threads}: largest STW mark-compact pause (median of trials) ${med(stw).toFixed(1)} ms, largest finalization pause ${med(fin).toFixed(1)} ms, ratio ${(med(fin) / med(stw)).toFixed(2)}, mutator utilization while marking ${(100 * med(util)).toFixed(0)}%`);
}
for (const barrier of ['insertion', 'satb'] as const) {
  const r = await runOne({ workload: 'splay', options: { threads: 2, barrier, verifyHeap: true } });
  const fins = r.events.filter(e => e.incremental !== null);
  console.log(`splay threads=2 ${barrier}: floating garbage per cycle ${fins.map(e => ((e.incremental!.floatingGarbageBytes ?? 0) / 1048576).toFixed(2) + ' MB').join(', ')}; barrier records ${fins.map(e => e.incremental!.barrierRecords).join(', ')}; verify errors ${r.verify.errors.length}`);
}
