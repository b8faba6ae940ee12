// Reproduces a figure of docs/experiments.md (what a first empty scavenge is):
//   npx tsx bench/figures/cold-cache.ts [repetitions] [threads] [MB]
// An empty scavenge takes 10-20 us once its code and data are in the processor's caches, and
// several times that when they are not. This tells the two effects of a first GC apart: the JIT
// (code not yet optimised) and cold caches (optimised code whose instructions, objects and side
// tables have to come from memory again). A first simulator is warmed up (30 scavenges: its code
// is optimised and stays so for the whole process). Then, per repetition, a fresh simulator runs
// three groups of back-to-back scavenges of its empty heap: as it is made, at once again, and
// after the process has written MB megabytes of memory the collector never reads (default 32: more
// than this machine's caches). The code is the same optimised code in all three; a first scavenge
// of the third group as slow as the first of the first says that cache, not code, is what it pays.
import { Simulator } from '../../src/experiments/simulator.ts';
import { resolveOptions } from '../../src/options.ts';
import { median } from '../bench-kit.ts';

const reps = Number(process.argv[2] ?? 5);
const threads = Number(process.argv[3] ?? 1);
const mb = Number(process.argv[4] ?? 32);
if (!(reps >= 1) || !(threads >= 1 && threads <= 16) || !(mb >= 1)) {
  console.error('usage: npx tsx bench/figures/cold-cache.ts [repetitions >= 1] [threads 1-16] [MB >= 1]');
  process.exit(2);
}
const GROUP = 8;

/** `n` scavenges of `sim`'s heap, back to back: their pauses in µs. */
function scavenges(sim: Simulator, n: number): number[] {
  const out: number[] = [];
  for (let g = 0; g < n; g++) {
    sim.mutator.collect('minor');
    out.push(sim.gc.events.at(-1)!.pauseMs * 1000);
  }
  return out;
}

const options = resolveOptions({ threads, hostNice: 0 });
const warm = await Simulator.create(options);
scavenges(warm, 30);
await warm.close();

const flush = new Int32Array((mb << 20) >>> 2);
const groups = { fresh: [] as number[][], again: [] as number[][], flushed: [] as number[][] };
for (let r = 0; r < reps; r++) {
  const sim = await Simulator.create(options);
  groups.fresh.push(scavenges(sim, GROUP));
  groups.again.push(scavenges(sim, GROUP));
  for (let i = 0; i < flush.length; i += 16) flush[i] = i + r; // one store per 64-byte line
  groups.flushed.push(scavenges(sim, GROUP));
  await sim.close();
}
const fmt = (x: number) => x.toFixed(0);
console.log(`empty scavenges at threads = ${threads}, ${reps} fresh simulators, ${GROUP} back to back per group (µs)`);
console.log('group                      first (median, range)   later (median of medians)');
for (const [name, label] of [['fresh', 'a fresh heap'], ['again', 'the same heap, at once'], ['flushed', `after writing ${mb} MB elsewhere`]] as const) {
  const firsts = groups[name].map((g) => g[0]);
  const later = groups[name].map((g) => median(g.slice(1)));
  console.log(`${label.padEnd(27)}${fmt(median(firsts)).padStart(5)} (${fmt(Math.min(...firsts))}-${fmt(Math.max(...firsts))})${' '.repeat(12)}${fmt(median(later)).padStart(5)}`);
}
