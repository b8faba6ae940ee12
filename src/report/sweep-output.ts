/**
 * Where a sweep's results go: results.json (the whole record), results.csv, trace.json and
 * report.html in one directory. results.json is also written after every trial (atomically:
 * write, then rename), so a sweep killed outright still leaves what it measured.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SweepResults } from '../experiments/sweep-results.ts';
import { sweepCsv } from './csv.ts';
import { sweepTrace } from './sweep-trace.ts';
import { renderReportHtml } from './report-html.ts';

export const OUTPUT_FILES = { json: 'results.json', csv: 'results.csv', trace: 'trace.json', html: 'report.html' } as const;

export type OutputPaths = { [K in keyof typeof OUTPUT_FILES]: string };

/** `results/20250101-120000` (local time), relative to the working directory. */
export function defaultOutDir(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return path.join('results', `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`);
}

export function outputPaths(dir: string): OutputPaths {
  return {
    json: path.join(dir, OUTPUT_FILES.json),
    csv: path.join(dir, OUTPUT_FILES.csv),
    trace: path.join(dir, OUTPUT_FILES.trace),
    html: path.join(dir, OUTPUT_FILES.html),
  };
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function writeResultsJson(dir: string, s: SweepResults): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = outputPaths(dir).json;
  writeAtomic(file, JSON.stringify(s) + '\n');
  return file;
}

/** The files derived from results.json: CSV, trace and report (what `gcsim report` re-renders). */
export async function writeDerivedOutputs(dir: string, s: SweepResults): Promise<OutputPaths> {
  fs.mkdirSync(dir, { recursive: true });
  const p = outputPaths(dir);
  writeAtomic(p.csv, sweepCsv(s));
  writeAtomic(p.trace, JSON.stringify(sweepTrace(s)) + '\n');
  writeAtomic(p.html, await renderReportHtml(s));
  return p;
}

export async function writeSweepOutputs(dir: string, s: SweepResults): Promise<OutputPaths> {
  writeResultsJson(dir, s);
  return writeDerivedOutputs(dir, s);
}
