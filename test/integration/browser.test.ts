/**
 * The browser check: report.html opened in headless Chromium (Debian's `chromium`; CI installs
 * it, set CHROMIUM to use another binary). Fails on any console message (the report logs none
 * when healthy; its inline check logs an error per missing chart) or a missing chart, and saves
 * a screenshot in the test's temporary directory. Skipped, saying so, when Chromium is absent.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runOne } from '../../src/experiments/run.ts';
import { writeSweepOutputs } from '../../src/report/sweep-output.ts';
import { fakeSweep } from '../experiments/sweep-fixtures.ts';

function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return null;
}

const CHROMIUM = findChromium();
const SKIP_REASON = 'headless Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)';
if (!CHROMIUM) console.warn(`browser check skipped: ${SKIP_REASON}`);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--enable-logging=stderr',
  '--v=0',
];

function chromium(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-chromium-'));
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM!, [...FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      fs.rmSync(profile, { recursive: true, force: true });
      if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** Console messages Chromium logged for the page (`…:INFO:CONSOLE(12)] "text", source: …`). */
function consoleLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE(?:\(\d+\)|:\d+)?\]/.test(l));
}

interface Check {
  consoleLines: string[];
  expected: number;
  rendered: number | null;
  svgs: number;
}

/** Loads the page once: its DOM after scripts ran, its console, and optionally a screenshot. */
async function checkInBrowser(file: string, screenshot?: string): Promise<Check> {
  const shot = screenshot ? ['--window-size=1200,3000', `--screenshot=${screenshot}`] : [];
  const { stdout, stderr } = await chromium([...shot, '--dump-dom', pathToFileURL(file).href]);
  const html = fs.readFileSync(file, 'utf8');
  const expected = [...html.matchAll(/<figure class="chart" data-chart="[^"]+">/g)].length; // charts without data-empty
  const m = /<html[^>]*data-charts-rendered="(\d+)"/.exec(stdout);
  return { consoleLines: consoleLines(stderr), expected, rendered: m ? Number(m[1]) : null, svgs: (stdout.match(/<svg\b/g) ?? []).length };
}

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  it('renders every chart with no console message, and saves a screenshot', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-browser-'));
    // Real runs (in-process: test/integration/sweep.test.ts covers the worker path), small enough
    // to be quick, big enough for a mark-compact with a page map.
    const runs = [];
    for (const threads of [1, 2]) {
      runs.push([await runOne({ workload: 'splay', params: { treeSize: 1000, steps: 2 }, options: { threads, initialOldSpaceSize: 0.25 } })]);
    }
    const sweep = fakeSweep(runs, { params: { treeSize: [1000], steps: [2] }, options: { threads: [1, 2], initialOldSpaceSize: [0.25] }, trials: 1 });
    await writeSweepOutputs(dir, sweep);
    const report = path.join(dir, 'report.html');
    const html = fs.readFileSync(report, 'utf8');

    const png = path.join(dir, 'report.png');
    const c = await checkInBrowser(report, png);
    expect(c.consoleLines).toEqual([]);
    expect(c.expected).toBeGreaterThanOrEqual(4); // pauses, mmu, heap, a timeline at least
    expect(c.rendered).toBe(c.expected);
    expect(c.svgs).toBeGreaterThanOrEqual(c.expected);
    for (const name of ['pauses', 'mmu', 'heap', 'timeline-scavenge']) expect(html).toContain(`data-chart="${name}"><svg`);
    // The page map shows a mark-compact that chose evacuation candidates, or says that none did.
    expect(html).toMatch(/data-chart="page-map"><svg|data-chart="page-map" data-empty="none of the \d+ mark-compacts? with a page map chose evacuation candidates/);

    expect(fs.statSync(png).size).toBeGreaterThan(20_000);
    console.log(`browser check: screenshot in ${png}`);

    // Negative control: the same page with one chart's SVG cut out must fail the check.
    const broken = path.join(dir, 'broken.html');
    fs.writeFileSync(broken, html.replace(/(<figure class="chart" data-chart="mmu">)<svg[\s\S]*?<\/svg>/, '$1'));
    const b = await checkInBrowser(broken);
    expect(b.rendered).toBe(c.expected - 1);
    expect(b.consoleLines).toHaveLength(1);
    expect(b.consoleLines[0]).toContain('"gcsim report: chart "mmu" is missing or empty"');
  });
});
