// Reproduces a figure of docs/performance.md (evacuation and pointer updating at two threads):
//   npm run build && npx tsx bench/figures/evacuation.ts [pairs] [--host-nice-0] [--host-sched-nice] [--anchor] [-- gcsim options]
// Runs fragmenter with 16 MB evacuated per compaction (the command below) at threads 1 and 2,
// interleaved pair by pair, from the compiled build, each run in a process of its own. Per run:
// the median over its compactions of `mc.evacuate.copy` (and of the page faults in it) and
// `mc.evacuate.update_pointers`, the longest wait for a core of any thread in those phases
// (--record-preemption), and the latest a helper joined one of them after the main thread woke it. Per pair: threads 2 over threads 1.
// Also the copy's median over only the compactions in which no thread of the phase waited 1 ms or
// more for a core (V8's compiler threads take one now and then at threads = 2: docs/parallel.md
// §3): the collector's scaling with that wait left out, printed beside the figure that keeps it.
// Also each thread's ns per object copied, its waits for a core left out (median over threads and
// compactions): at two threads against one alone, what sharing the machine costs each thread.
// Each flag adds a threads = 2 run per pair with the host's threads lowered another way, to show
// what lowering them changes: --host-nice-0 leaves them alone (--host-nice 0), --host-sched-nice
// gives them nice 19 without SCHED_IDLE (--host-sched nice). --anchor runs, after each pair, the
// same copy and pointer updating as plain loops (copy-anchor.ts, two repetitions, in a process of
// its own): what two threads gain on this machine at that moment, beside what gcsim gains.
// Options after `--` go to every gcsim run (`-- --no-parallel-scavenge`: both thread counts
// compact a heap promoted by one thread, in the same order). fragmenter's kept halves stay live
// to the end of the run, so its heap grows by 16 MB a round and every compaction copies into pages
// never written before; `-- --param dropAfter=1` drops each round's half a round later, so that
// from the second round on the heap keeps its size and the copies go to pages used before.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/metrics/result.ts';
import { busyNsPerObject, median, medianRange } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dashes = process.argv.indexOf('--');
const own = dashes < 0 ? process.argv : process.argv.slice(0, dashes);
const passed = dashes < 0 ? [] : process.argv.slice(dashes + 1);
/** The figure's command; an option or `--param` given after `--` replaces its value here. */
const ARGS = ['run', ...overridable([
  ['--workload', 'fragmenter'], ['--param', 'cohort=1000000'], ['--param', 'keepPercent=50'], ['--param', 'rounds=4'],
  ['--compaction-quota-mb', '1024'], ['--compaction-fragmentation-percent', '1'], ['--max-old-space-size', '512'],
]), '--record-preemption', '--record-page-faults'];

function overridable(defaults: [string, string][]): string[] {
  const given = (flag: string, value: string) =>
    passed.some((a, i) => a === flag && (flag !== '--param' || passed[i + 1]?.split('=')[0] === value.split('=')[0]));
  return defaults.filter(([flag, value]) => !given(flag, value)).flat();
}
const pairs = Number(own[2] ?? 3);
const dir = mkdtempSync(path.join(os.tmpdir(), 'gcsim-evac-'));

interface Figures { copyMs: number; updateMs: number; waitMs: number; joinMs: number; copyFaults: number; unwaitedCopyMs: number; nsPerObject: number }

/** A phase's thread waited this long for a core: the compaction is left out of `unwaitedCopyMs`. */
const WAITED_MS = 1;

function run(threads: number, extra: string[]): Figures {
  const json = path.join(dir, 'r.json');
  execFileSync(process.execPath, [path.join(ROOT, 'bin/gcsim.mjs'), ...ARGS, ...passed, '--threads', String(threads), ...extra, '--json', json], { stdio: 'ignore' });
  const r = JSON.parse(readFileSync(json, 'utf8')) as RunResult;
  const copy: number[] = [], update: number[] = [], faults: number[] = [], unwaited: number[] = [], ns: number[] = [];
  let waitMs = 0;
  let joinMs = 0;
  // The compactions: copy phases that moved ~16 MB (the warm-up's are on another heap; young-only copies are small).
  for (const ev of r.events) {
    const c = ev.parallel.find((p) => p.name === 'mc.evacuate.copy');
    if (c === undefined || c.threads.reduce((a, t) => a + t.bytes, 0) < 8 << 20) continue;
    copy.push(c.durationMs);
    if (c.threads.every((t) => (t.preemptedMs ?? 0) < WAITED_MS)) unwaited.push(c.durationMs);
    faults.push(c.pageFaults ?? NaN);
    // Each thread's time per object copied while it ran: its busy time less its waits for a core.
    for (const t of c.threads) if (t.objects > 0) ns.push(busyNsPerObject(t));
    const u = ev.parallel.find((p) => p.name === 'mc.evacuate.update_pointers');
    if (u !== undefined) update.push(u.durationMs);
    for (const ph of [c, u]) {
      for (const t of ph?.threads ?? []) {
        waitMs = Math.max(waitMs, t.preemptedMs ?? 0);
        if (t.thread > 0 && ph!.wokenAfterMs !== undefined) joinMs = Math.max(joinMs, t.startMs - ph!.startMs - ph!.wokenAfterMs);
      }
    }
  }
  return { copyMs: median(copy), updateMs: median(update), waitMs, joinMs, copyFaults: median(faults), unwaitedCopyMs: unwaited.length > 0 ? median(unwaited) : NaN, nsPerObject: median(ns) };
}

const fmt = (f: Figures) => `copy ${f.copyMs.toFixed(1)} ms (${f.copyFaults} page faults; ${f.nsPerObject.toFixed(1)} ns per object per thread), update ${f.updateMs.toFixed(1)} ms, longest wait for a core ${f.waitMs.toFixed(1)} ms` + (f.joinMs > 0 ? `, latest join ${f.joinMs.toFixed(2)} ms` : '');
const variants = [
  { flag: '--host-nice-0', args: ['--host-nice', '0'] },
  { flag: '--host-sched-nice', args: ['--host-sched', 'nice'] },
].filter((v) => own.includes(v.flag)).map((v) => ({ ...v, copy: [] as number[], update: [] as number[] }));
const ratios = { copy: [] as number[], update: [] as number[], unwaitedCopy: [] as number[] };
const anchor = own.includes('--anchor') ? { copy: [] as number[], update: [] as number[] } : null;

/** copy-anchor.ts's ratios (copy into fresh pages, as gcsim's growing heap does; pointer updating). */
function runAnchor(): { copy: number[]; update: number[] } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/figures/copy-anchor.ts'), '2', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { copyFresh: number[]; update: number[] };
  return { copy: r.copyFresh, update: r.update };
}
console.log(`load ${os.loadavg()[0].toFixed(2)}; ${pairs} pairs${passed.length > 0 ? `; with ${passed.join(' ')}` : ''}`);
try {
  for (let p = 0; p < pairs; p++) {
    const one = run(1, []);
    const two = run(2, []);
    ratios.copy.push(two.copyMs / one.copyMs);
    ratios.update.push(two.updateMs / one.updateMs);
    const unwaited = two.unwaitedCopyMs / one.unwaitedCopyMs;
    if (Number.isFinite(unwaited)) ratios.unwaitedCopy.push(unwaited);
    console.log(`pair ${p + 1}: threads 1: ${fmt(one)}; threads 2: ${fmt(two)}; t2/t1 copy ${(two.copyMs / one.copyMs).toFixed(2)}, update ${(two.updateMs / one.updateMs).toFixed(2)}, copy without a wait ${Number.isFinite(unwaited) ? unwaited.toFixed(2) : 'n/a'}`);
    if (anchor !== null) {
      const a = runAnchor();
      anchor.copy.push(...a.copy);
      anchor.update.push(...a.update);
      console.log(`        plain loops: t2/t1 copy ${a.copy.map((x) => x.toFixed(2)).join(', ')}, update ${a.update.map((x) => x.toFixed(2)).join(', ')}`);
    }
    for (const v of variants) {
      const other = run(2, v.args);
      v.copy.push(other.copyMs / one.copyMs);
      v.update.push(other.updateMs / one.updateMs);
      console.log(`        threads 2, ${v.args.join(' ')}: ${fmt(other)}; t2/t1 copy ${(other.copyMs / one.copyMs).toFixed(2)}, update ${(other.updateMs / one.updateMs).toFixed(2)}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`t2/t1, median of pairs (range): copy ${medianRange(ratios.copy)}, update_pointers ${medianRange(ratios.update)}; load ${os.loadavg()[0].toFixed(2)}`);
console.log(`copy over compactions in which no thread waited ${WAITED_MS} ms or more for a core: t2/t1 ${ratios.unwaitedCopy.length > 0 ? medianRange(ratios.unwaitedCopy) : 'n/a'} (${ratios.unwaitedCopy.length} of ${pairs} pairs had such compactions at both thread counts)`);
if (anchor !== null) console.log(`plain loops (copy-anchor.ts), t2/t1 median of repetitions (range): copy ${medianRange(anchor.copy)}, update_pointers ${medianRange(anchor.update)}`);
for (const v of variants) console.log(`with ${v.args.join(' ')}: copy ${medianRange(v.copy)}, update_pointers ${medianRange(v.update)}`);
