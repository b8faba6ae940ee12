import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSweep } from '../../src/experiments/sweep-runner.ts';
import type { SweepSpec } from '../../src/experiments/sweep-matrix.ts';
import type { SweepResults } from '../../src/experiments/sweep-results.ts';
import { ShardWriter, matrixHash, mergeShards, parseShard, readShardFile, shardFrom } from '../../src/experiments/sweep-shards.ts';

/** Four small trials (string-tick, no JIT warm-up): ~1-2 s each on a loaded 2-core machine. */
const SPEC: SweepSpec = {
  workloads: ['string-tick'],
  params: { ticks: [20] },
  options: { threads: [1, 2], jitWarmup: [false] },
  trials: 2,
  warmup: 0,
  seed: 5,
  varySeed: true,
  trialTimeoutMs: 60_000,
};
/** Measured: the whole sweep plus three shards ran in ~26 s with six trials each; 3x and more. */
const TIMEOUT_MS = 150_000;

function trialSet(s: SweepResults): string[] {
  return s.configurations
    .flatMap((c) => c.trials.map((t) => `${c.label} #${t.index} seed=${t.seed} ${t.status} ${t.result?.digest ?? '-'}`))
    .sort();
}

async function runShard(dir: string, i: number, n: number, spec = SPEC, signalAfter = Infinity): Promise<string> {
  const shard = { index: i, count: n };
  const w = new ShardWriter(dir, spec, shard, 'test');
  const ac = new AbortController();
  let ended = 0;
  await runSweep(spec, {
    shard,
    signal: ac.signal,
    onTrialEnd: (_t, _c, _o, r) => {
      if (r !== null) w.append(r);
      if (++ended >= signalAfter) ac.abort();
    },
  });
  return w.file;
}

describe('sharded sweeps', { timeout: 10_000 }, () => {
  it('shards 1/3, 2/3 and 3/3 merged equal the unsharded sweep (configurations, seeds, digests)', { timeout: TIMEOUT_MS }, async () => {
    const whole = await runSweep(SPEC);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-shards-'));
    const files: string[] = [];
    for (let i = 1; i <= 3; i++) files.push(await runShard(dir, i, 3));
    const shards = files.map(readShardFile);
    // Trial index mod 3: shard 1 gets trials 0 and 3, shard 2 trial 1, shard 3 trial 2.
    expect(shards.map((s) => s.trials.length)).toEqual([2, 1, 1]);
    for (const s of shards) {
      for (const t of s.trials) {
        expect(t).toMatchObject({ kind: 'trial', matrix: matrixHash(SPEC), host: os.hostname() });
        expect(t.codeVersion).toMatch(/^\d+\.\d+\.\d+/);
        expect(t.record.seed).toBe(SPEC.seed + t.record.trial);
      }
    }
    const { results, notes } = mergeShards(shards);
    expect(notes).toEqual([]);
    expect(results.status).toBe('complete');
    expect(trialSet(results)).toEqual(trialSet(whole));
    expect(results.configurations.map((c) => c.summary.ok)).toEqual([2, 2]);
  });

  it("keeps every line of an interrupted shard valid, and merges what it has", { timeout: TIMEOUT_MS }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-shard-int-'));
    const file = await runShard(dir, 1, 1, SPEC, 2);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3); // the header and two trials
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    // A kill while a line was written leaves it cut short: skipped with a note, the rest merge.
    fs.appendFileSync(file, lines[2].slice(0, 40));
    const read = readShardFile(file);
    expect(read.truncated).toBe(true);
    const { results, notes } = mergeShards([read]);
    expect(results.status).toBe('interrupted');
    expect(results.configurations.reduce((n, c) => n + c.trials.length, 0)).toBe(2);
    expect(notes[0]).toMatch(/cut short/);
  });

  it('refuses shards of different matrices, and a shard file that exists', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-shard-mix-'));
    const a = new ShardWriter(path.join(dir), SPEC, { index: 1, count: 2 }, null).file;
    fs.mkdirSync(path.join(dir, 'b'));
    const b = new ShardWriter(path.join(dir, 'b'), { ...SPEC, trials: 4 }, { index: 2, count: 2 }, null).file;
    expect(() => mergeShards([readShardFile(a), readShardFile(b)])).toThrow(/shard of another sweep/);
    expect(() => new ShardWriter(dir, SPEC, { index: 1, count: 2 }, null)).toThrow(/exists/);
  });

  it('reads the shard from --shard, a Slurm job array or a Kubernetes Indexed Job', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/3/4']) expect(() => parseShard(bad)).toThrow(/bad --shard/);
    expect(shardFrom({}, {})).toBeNull();
    expect(shardFrom({}, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' })).toEqual({ index: 1, count: 4 });
    expect(shardFrom({}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 4, count: 4 });
    expect(shardFrom({ shards: '8' }, { JOB_COMPLETION_INDEX: '7' })).toEqual({ index: 8, count: 8 });
    expect(() => shardFrom({}, { JOB_COMPLETION_INDEX: '0' })).toThrow(/--shards N/);
    expect(shardFrom({ shard: '1/2' }, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 1, count: 2 });
  });
});
