/**
 * Sweeps over many machines: a shard runs a deterministic slice of the matrix's measured trials
 * (trial index mod n = i − 1, in the one seeded plan every shard computes alike) and appends one
 * JSON line per trial to `trials-<i>-of-<n>.jsonl`, after a header line naming the matrix; a
 * killed shard keeps every line it wrote and no file is rewritten per trial. `gcsim merge` reads
 * the shards back into one sweep record, refusing shards of different matrices. Main thread.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError, environment } from './run.ts';
import { expandMatrix, planTrials, type SweepSpec } from './sweep-matrix.ts';
import { SWEEP_SCHEMA, type ConfigurationRecord, type SweepResults, type TrialRecord } from './sweep-results.ts';
import { summarizeSweep } from './sweep-summary.ts';
import { packageVersionOf } from './code-version.ts';

export const SHARD_SCHEMA = 'gcsim/shard@1';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface ShardHeader {
  schema: typeof SHARD_SCHEMA;
  kind: 'header';
  /** Hash of the spec without what may differ between shards: shards of one matrix share it. */
  matrix: string;
  spec: SweepSpec;
  shard: Shard;
  command: string | null;
  createdAt: string;
  env: SweepResults['env'];
  host: string;
  codeVersion: string;
}

export interface ShardTrialLine {
  kind: 'trial';
  matrix: string;
  shard: Shard;
  configId: string;
  label: string;
  host: string;
  codeVersion: string;
  record: TrialRecord;
}

/** `2/3` → { index: 2, count: 3 }; throws UsageError. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const bad = (): never => {
    throw new UsageError(`bad --shard '${text}': I/N with 1 <= I <= N, e.g. 2/8`);
  };
  if (!m) bad();
  const index = Number(m![1]);
  const count = Number(m![2]);
  if (!Number.isSafeInteger(count) || count < 1 || count > 100_000 || index < 1 || index > count) bad();
  return { index, count };
}

/**
 * The shard from the command line or the environment: `--shard I/N`; else a Slurm job array
 * (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN: shard ID − MIN + 1 of
 * COUNT); else a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based) with `--shards N`
 * giving the count (Kubernetes does not export it). Null: no sharding.
 */
export function shardFrom(cli: { shard?: string; shards?: string }, env: NodeJS.ProcessEnv = process.env): Shard | null {
  if (cli.shard !== undefined) return parseShard(cli.shard);
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  const slurmCount = env.SLURM_ARRAY_TASK_COUNT;
  if (slurmId !== undefined && slurmCount !== undefined) {
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? 0);
    return parseShard(`${Number(slurmId) - min + 1}/${slurmCount}`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (cli.shards === undefined) throw new UsageError('JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): give the number of shards with --shards N (the Job\'s completions)');
    return parseShard(`${Number(env.JOB_COMPLETION_INDEX) + 1}/${cli.shards}`);
  }
  if (cli.shards !== undefined) throw new UsageError('--shards N needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); otherwise give --shard I/N');
  return null;
}

/** The spec's identity: shards of one sweep agree on it (the output directory and shard may differ). */
export function matrixHash(spec: SweepSpec): string {
  const stable = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, stable(x)]))
      : Array.isArray(v)
        ? v.map(stable)
        : v;
  const { trialTimeoutMs: _timeout, ...rest } = spec;
  return createHash('sha256').update(JSON.stringify(stable(rest))).digest('hex').slice(0, 16);
}

/** Whether a planned measured trial belongs to a shard. */
export function inShard(index: number, shard: Shard | null): boolean {
  return shard === null || index % shard.count === shard.index - 1;
}

export function shardFileName(shard: Shard): string {
  return `trials-${shard.index}-of-${shard.count}.jsonl`;
}

let cachedVersion: string | null = null;
/** `0.1.0+<commit>` (the commit when the sources are a git checkout), for every trial line. */
export function codeVersion(): string {
  if (cachedVersion !== null) return cachedVersion;
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: path.dirname(new URL(import.meta.url).pathname), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).trim();
  } catch {
    commit = '';
  }
  cachedVersion = packageVersionOf() + (commit ? `+${commit}` : '');
  return cachedVersion;
}

/** Appends JSON lines to a shard's file: one write per line, never a rewrite. */
export class ShardWriter {
  readonly file: string;
  private readonly matrix: string;
  private readonly host = os.hostname();
  private readonly version = codeVersion();
  private readonly labels: Map<string, string>;

  constructor(dir: string, spec: SweepSpec, readonly shard: Shard, command: string | null) {
    this.file = path.join(dir, shardFileName(shard));
    this.matrix = matrixHash(spec);
    this.labels = new Map(expandMatrix(spec).map((c) => [c.id, c.label]));
    if (fs.existsSync(this.file)) throw new UsageError(`'${this.file}' exists: a shard never overwrites one (move it away, or use another --out)`);
    const header: ShardHeader = {
      schema: SHARD_SCHEMA,
      kind: 'header',
      matrix: this.matrix,
      spec,
      shard,
      command,
      createdAt: new Date().toISOString(),
      env: environment(),
      host: this.host,
      codeVersion: this.version,
    };
    fs.writeFileSync(this.file, JSON.stringify(header) + '\n', { flag: 'wx' });
  }

  append(record: TrialRecord): void {
    const line: ShardTrialLine = { kind: 'trial', matrix: this.matrix, shard: this.shard, configId: record.configId, label: this.labels.get(record.configId) ?? record.configId, host: this.host, codeVersion: this.version, record };
    fs.appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

export interface ShardFile {
  file: string;
  header: ShardHeader;
  trials: ShardTrialLine[];
  /** A last line cut short (the shard was killed while writing it): skipped. */
  truncated: boolean;
}

/** Reads one shard file; throws UsageError for anything but a cut-short last line. */
export function readShardFile(file: string): ShardFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = text.split('\n');
  const truncated = lines[lines.length - 1] !== '';
  const complete = truncated ? lines.slice(0, -1) : lines.slice(0, -1);
  let header: ShardHeader | null = null;
  const trials: ShardTrialLine[] = [];
  complete.forEach((l, i) => {
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      throw new UsageError(`${file}:${i + 1}: not a JSON line`);
    }
    const o = v as { kind?: unknown; schema?: unknown };
    if (i === 0) {
      if (o.schema !== SHARD_SCHEMA || o.kind !== 'header') throw new UsageError(`${file}: not a gcsim shard file (expected a ${SHARD_SCHEMA} header line)`);
      header = v as ShardHeader;
    } else if (o.kind === 'trial') trials.push(v as ShardTrialLine);
    else throw new UsageError(`${file}:${i + 1}: not a trial line`);
  });
  if (header === null) throw new UsageError(`${file}: empty shard file`);
  return { file, header, trials, truncated };
}

/** The shard files (`trials-*.jsonl`) in the given directories (or files). */
export function findShardFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      throw new UsageError(`cannot read '${p}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) if (/^trials-\d+-of-\d+\.jsonl$/.test(f)) out.push(path.join(p, f));
    } else out.push(p);
  }
  if (out.length === 0) throw new UsageError(`no shard files (trials-I-of-N.jsonl) in ${paths.join(', ')}`);
  return out;
}

/**
 * Joins shards into one sweep record: the same matrix (else UsageError), each trial once (a
 * trial index seen twice is an error), configurations in matrix order, trials in run order.
 */
export function mergeShards(files: readonly ShardFile[]): { results: SweepResults; notes: string[] } {
  const first = files[0].header;
  const notes: string[] = [];
  for (const f of files) {
    if (f.header.matrix !== first.matrix) {
      throw new UsageError(`${f.file} is a shard of another sweep (matrix ${f.header.matrix}, not ${first.matrix} of ${files[0].file}): merge only shards of one sweep`);
    }
    if (f.header.shard.count !== first.shard.count) throw new UsageError(`${f.file} is shard ${f.header.shard.index}/${f.header.shard.count}, ${files[0].file} of ${first.shard.count}: the sweep was split two ways`);
    if (f.truncated) notes.push(`${f.file}: its last line was cut short (the shard was killed while writing it) and is skipped`);
    for (const t of f.trials) if (t.matrix !== first.matrix) throw new UsageError(`${f.file}: a trial line of another sweep`);
  }
  const spec = first.spec;
  const configs = expandMatrix(spec);
  const records: ConfigurationRecord[] = configs.map((c) => ({ ...c, trials: [], summary: { ok: 0, failed: 0, representative: null, metrics: {}, warnings: [], scaling: null } }));
  const byId = new Map(records.map((r) => [r.id, r]));
  const seen = new Set<number>();
  for (const f of files) {
    for (const t of f.trials) {
      if (seen.has(t.record.index)) throw new UsageError(`trial ${t.record.index} appears twice (${f.file}): a shard was merged twice or run twice`);
      seen.add(t.record.index);
      const r = byId.get(t.configId);
      if (!r) throw new UsageError(`${f.file}: trial of unknown configuration ${t.configId}`);
      r.trials.push(t.record);
    }
  }
  for (const r of records) r.trials.sort((a, b) => a.index - b.index);
  const planned = planTrials(spec, configs).filter((t) => !t.warmup).length;
  const shardsSeen = new Set(files.map((f) => f.header.shard.index));
  const missing: number[] = [];
  for (let i = 1; i <= first.shard.count; i++) if (!shardsSeen.has(i)) missing.push(i);
  if (missing.length > 0) notes.push(`missing shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${first.shard.count}`);
  const results: SweepResults = {
    schema: SWEEP_SCHEMA,
    createdAt: files.map((f) => f.header.createdAt).sort()[0],
    finishedAt: new Date().toISOString(),
    status: seen.size === planned ? 'complete' : 'interrupted',
    command: `gcsim merge (${files.length} shard${files.length === 1 ? '' : 's'} of: ${first.command ?? 'gcsim sweep'})`,
    env: first.env,
    spec,
    plannedTrials: planned,
    configurations: records,
    failures: [],
    warnings: [],
  };
  return { results: summarizeSweep(results), notes };
}
