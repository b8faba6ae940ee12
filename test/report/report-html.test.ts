import { describe, expect, it } from 'vitest';
import { CHART_NAMES, markingCycleRows, renderReportHtml } from '../../src/report/report-html.ts';
import { fakeRun, fakeSweep, standardSweep } from '../experiments/sweep-fixtures.ts';

function figures(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<figure class="chart" data-chart="([^"]+)"([^>]*)>([\s\S]*?)<\/figure>/g)) out.set(m[1], m[2] + m[3]);
  return out;
}

describe('report.html', () => {
  it('is one self-contained page with an SVG for every chart', async () => {
    const html = await renderReportHtml(standardSweep());
    const figs = figures(html);
    expect([...figs.keys()]).toEqual([...CHART_NAMES]);
    for (const [name, body] of figs) {
      expect(body, name).toMatch(/^[^>]*<svg[\s\S]*<\/svg>/);
      expect(body, name).not.toContain('data-empty');
      expect(body, name).not.toContain('data-error');
    }
    // Nothing loaded from elsewhere: no external scripts, styles, images or fonts.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|<img\b|@import|url\(http/);
    expect(html).toMatch(/^<!doctype html>/);
    for (const s of ['Pause percentiles per configuration', 'splay threads=2', 'v20.20.2', '--threads', 'load average', 'Every trial succeeded']) expect(html).toContain(s);
    // The page map marks the candidate page.
    expect(figs.get('page-map')).toContain('evacuation candidate (1)');
  });

  it('names failed trials, escapes what it prints, and says why a chart is missing', async () => {
    const s = fakeSweep([
      [fakeRun(1, [10, 20]), fakeRun(1, [10, 20])],
      [{ kind: 'crash', message: 'died <badly> & "loudly"' }, { kind: 'crash', message: 'again' }],
    ]);
    s.configurations[0].trials.forEach((t) => t.result && (t.result.events = t.result.events.filter((e) => e.type === 'scavenge')));
    const html = await renderReportHtml(s);
    expect(html).toContain('died &lt;badly&gt; &amp; &quot;loudly&quot;');
    expect(html).not.toContain('<badly>');
    expect(html).toContain('2 trials failed');
    const figs = figures(html);
    expect(figs.get('page-map')).toMatch(/data-empty="no mark-compact recorded a page map"/);
    expect(figs.get('timeline-mark-compact')).toMatch(/data-empty=/);
    expect(figs.get('timeline-scavenge')).toContain('<svg');
  });

  it('renders a report with nothing successful without failing', async () => {
    const s = fakeSweep([[{ kind: 'crash', message: 'x' }], [{ kind: 'crash', message: 'y' }]]);
    const html = await renderReportHtml(s);
    const figs = figures(html);
    expect([...figs.values()].every((b) => b.includes('data-empty'))).toBe(true);
    expect(html).toContain('failed: crash: x');
  });

  it('lists each marking cycle with the mutator utilisation while it ran, from the timeline', async () => {
    const run = fakeRun(1, [10, 4]);
    // GC #1 (a mark-compact at 30 ms) finalized a cycle that started 20 ms earlier, at 10 ms.
    run.events[1].incremental = { stepsMs: 3, steps: 2, biggestStepMs: 2, walltimeMs: 20, concurrentMsPerThread: [5], barrierRecords: 7, floatingGarbageBytes: null };
    run.timeline = [
      { kind: 'pause', thread: 0, name: 'scavenge', startMs: 10, durationMs: 10, gc: 0 },
      { kind: 'step', thread: 0, name: 'mc.incremental', startMs: 22, durationMs: 1, gc: 1 },
      { kind: 'step', thread: 0, name: 'mc.incremental', startMs: 25, durationMs: 2, gc: 1 },
      { kind: 'pause', thread: 0, name: 'mark-compact', startMs: 30, durationMs: 4, gc: 1 },
    ];
    const s = fakeSweep([[run, run], [fakeRun(2, [5]), fakeRun(2, [5])]]);
    const rows = markingCycleRows(s);
    expect(rows).toEqual([['splay threads=1', 'incremental', '#1', '10.0', '20.0', '2', '3.0 (max 2.00)', '5.0', '35.0%', '7', '—', '4.0']]);
    const html = await renderReportHtml(s);
    expect(html).toContain('<h2 id="marking">Marking cycles</h2>');
  });
});

