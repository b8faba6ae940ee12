import { describe, expect, it } from 'vitest';
import { sweepCsv, csvField } from '../../src/report/csv.ts';
import { sweepTrace } from '../../src/report/sweep-trace.ts';
import { checkTrace } from '../../src/report/chrome-trace.ts';
import { formatTextTable, g1Rows, pauseTable } from '../../src/report/tables.ts';
import { gcEvent, phase, threadStats } from '../metrics/fixtures.ts';
import { OPTION_TABLE } from '../../src/options.ts';
import { fakeRun, fakeSweep, standardSweep } from '../experiments/sweep-fixtures.ts';

function parseCsv(text: string): string[][] {
  // Enough for our output: quoted fields may hold commas and doubled quotes, not newlines.
  return text
    .trim()
    .split('\n')
    .map((l) => {
      const out: string[] = [];
      const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
      for (let m = re.exec(l); m !== null; m = re.exec(l)) {
        out.push(m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
        if (m[2] === '') break;
      }
      return out;
    });
}

describe('results.csv', () => {
  it('has one row per trial and GC type, every option as a column', () => {
    const rows = parseCsv(sweepCsv(standardSweep()));
    const [header, ...body] = rows;
    for (const o of Object.keys(OPTION_TABLE)) expect(header).toContain(o);
    expect(body).toHaveLength(4 * 3);
    const col = (name: string) => header.indexOf(name);
    expect(body.map((r) => r[col('gc_type')]).slice(0, 3)).toEqual(['all', 'scavenge', 'mark-compact']);
    const first = body[0];
    expect(first[col('config')]).toBe('c0');
    expect(first[col('threads')]).toBe('1');
    expect(first[col('param.treeSize')]).toBe('8000'); // resolved: the default
    expect(first[col('status')]).toBe('ok');
    expect(Number(first[col('gcs')])).toBe(4);
    expect(Number(first[col('pause_max_ms')])).toBe(40);
    expect(Number(body[2][col('gcs')])).toBe(2); // mark-compact rows
    for (const r of body) expect(r).toHaveLength(header.length);
  });

  it('keeps a failed trial with its failure, and quotes what needs quoting', () => {
    const s = fakeSweep([
      [fakeRun(1, [10]), fakeRun(1, [10])],
      [fakeRun(2, [5]), { kind: 'crash', message: 'worker said "no", then died' }],
    ]);
    const rows = parseCsv(sweepCsv(s));
    const header = rows[0];
    const failed = rows.filter((r) => r[header.indexOf('status')] === 'failed');
    expect(failed).toHaveLength(3);
    expect(failed[0][header.indexOf('failure_kind')]).toBe('crash');
    expect(failed[0][header.indexOf('failure_message')]).toBe('worker said "no", then died');
    expect(failed[0][header.indexOf('gcs')]).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(NaN)).toBe('');
  });
});

describe('trace.json of a sweep', () => {
  it('holds one process per configuration (its representative trial) and passes checkTrace', () => {
    const t = sweepTrace(standardSweep());
    expect(checkTrace(t)).toEqual([]);
    const names = t.traceEvents.filter((e) => e.name === 'process_name').map((e) => (e.args as { name: string }).name);
    expect(names).toEqual(['splay threads=1 (trial 0)', 'splay threads=2 (trial 0)']);
    const threads = t.traceEvents.filter((e) => e.name === 'thread_name' && e.pid === 2).map((e) => (e.args as { name: string }).name);
    expect(threads).toEqual(['mutator', 'gc-worker-1']);
  });

  it('stays under its event budget, listing what it left out', () => {
    const t = sweepTrace(standardSweep(), 10);
    expect(new Set(t.traceEvents.map((e) => e.pid)).size).toBe(1);
    expect((t.metadata['gcsim-sweep'] as { omitted: string[] }).omitted).toEqual(['splay threads=2']);
  });
});

describe('pause table', () => {
  it('prints medians with their confidence intervals, the marking mode, work per GC, and failures in place of figures', () => {
    const s = fakeSweep([
      [fakeRun(1, [10, 20]), fakeRun(1, [10, 30])],
      [{ kind: 'crash', message: 'boom' }, { kind: 'crash', message: 'boom' }],
    ]);
    const text = formatTextTable(pauseTable(s));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^configuration\s+ok\s+marking\s+GCs\s+p50 ms\s+p95 ms\s+p99 ms\s+max ms\s+GC time\s+marked MB\/MC\s+evacuated MB\/MC\s+copied MB\/scavenge$/);
    // The median and its 95% bootstrap interval: p95 of the two trials is 20 and 30.
    expect(lines[2]).toMatch(/^splay threads=1\s+2\/2\s+incremental\s+2\s+10.0\s+25.0 \[20.0–30.0\]\s+25.0 \[20.0–30.0\]\s+25.0 \[20.0–30.0\]\s+\S+ \[\S+–\S+\]\s+0.00\s+0.00\s+0.00$/);
    expect(lines[3]).toMatch(/^splay threads=2\s+0\/2\s+failed: crash: boom$/);
  });
});

describe('per-worker rows of the report', () => {
  it('add each thread\'s wait for a CPU when the run recorded it', () => {
    const rec = (preemptedMs?: number) =>
      gcEvent({ parallel: [phase('mc.evacuate.copy', [threadStats(0, 0, 20, { busyMs: 20, preemptedMs }), threadStats(1, 0, 28, { busyMs: 28, preemptedMs: preemptedMs === undefined ? undefined : 8 })])] });
    const without = g1Rows(rec());
    expect(without.map((r) => r[1])).toEqual(['busy (ms)', 'idle (ms)', 'objects', 'steals']);
    const withWait = g1Rows(rec(0));
    expect(withWait.at(-1)).toEqual(['', 'waited for a CPU (ms)', '0.00', '4.00', '8.00', '8.00', '8.00', '2']);
  });
});
