/**
 * Shrinking a failing case (delta debugging over its op list): cut everything after the op
 * that failed, try fewer threads, delete chunks of ops from large to single, then halve the
 * sizes left, keeping each change that still fails the same way, for a capped time. Runs
 * wherever `attempt` runs a case: in this process, or in a child that may be killed.
 */
import type { FuzzCase, Op } from './ops.ts';
import type { CaseResult, Verdict } from './runner.ts';

export interface ShrinkOptions {
  /** Stop trying after this long (the best case so far is returned). */
  timeLimitMs: number;
  /** Called after every successful reduction. */
  onReduced?: (c: FuzzCase, result: CaseResult) => void;
  /** Stop early (the best case so far is returned). */
  signal?: AbortSignal;
}

export interface ShrinkResult {
  case: FuzzCase;
  result: CaseResult;
  attempts: number;
  ms: number;
}

/** Two results are "the same failure" when their verdicts agree, and for crashes their messages (numbers aside). */
export function sameFailure(a: CaseResult, b: CaseResult): boolean {
  if (a.verdict !== b.verdict) return false;
  if (a.verdict !== 'crash') return true;
  return crashSignature(a.message) === crashSignature(b.message);
}

function crashSignature(message: string): string {
  return message
    .replace(/\(.*$/, '')
    .replace(/\d+/g, 'N')
    .slice(0, 80);
}

export async function shrinkCase(
  c: FuzzCase,
  failure: CaseResult,
  attempt: (c: FuzzCase) => Promise<CaseResult>,
  opts: ShrinkOptions,
): Promise<ShrinkResult> {
  const t0 = performance.now();
  const timeUp = () => performance.now() - t0 > opts.timeLimitMs || (opts.signal?.aborted ?? false);
  let best = c;
  let bestResult = failure;
  let attempts = 0;
  const tryCase = async (candidate: FuzzCase): Promise<boolean> => {
    if (timeUp()) return false;
    attempts++;
    const r = await attempt(candidate);
    if (!sameFailure(r, failure)) return false;
    best = candidate;
    bestResult = r;
    opts.onReduced?.(best, r);
    return true;
  };
  const tryOps = (ops: Op[]): Promise<boolean> => tryCase({ ...best, ops });

  // 1. Nothing after the op where the failure showed matters (when it showed during the ops).
  if (failure.opIndex >= 0 && failure.opIndex + 1 < c.ops.length) await tryOps(c.ops.slice(0, failure.opIndex + 1));

  // 2. Fewer threads: each later attempt starts faster (a helper costs ~0.3 s to start).
  for (const threads of [1, 2, 3]) {
    if (threads >= (best.config.threads ?? 1)) break;
    if (await tryCase({ ...best, config: { ...best.config, threads } })) break;
  }

  // 3. Delete chunks, halving the chunk size when a whole pass removes nothing.
  let chunk = Math.max(1, Math.floor(best.ops.length / 2));
  while (!timeUp()) {
    let removed = false;
    for (let i = best.ops.length - chunk; i > -chunk && !timeUp(); i -= chunk) {
      const from = Math.max(0, i);
      const ops = best.ops.slice(0, from).concat(best.ops.slice(i + chunk));
      if (ops.length === 0) continue;
      if (await tryOps(ops)) removed = true;
    }
    if (!removed) {
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }

  // 4. Halve sizes (objects in a structure, KB of garbage, handles per object).
  for (let i = 0; i < best.ops.length && !timeUp(); i++) {
    for (;;) {
      const smaller = halved(best.ops[i]);
      if (smaller === null) break;
      const ops = best.ops.slice();
      ops[i] = smaller;
      if (!(await tryOps(ops))) break;
    }
  }
  return { case: best, result: bestResult, attempts, ms: performance.now() - t0 };
}

/** The op with its main size halved, or null when it has none left to halve. */
function halved(op: Op): Op | null {
  switch (op.op) {
    case 'chain':
    case 'cycle':
    case 'fan':
    case 'refill':
    case 'dup':
      return op.n > 1 ? { ...op, n: op.n >> 1 } : null;
    case 'share':
      if (op.n > 1) return { ...op, n: op.n >> 1 };
      return op.copies > 1 ? { ...op, copies: op.copies >> 1 } : null;
    case 'churn':
    case 'burst':
      return op.kb > 1 ? { ...op, kb: op.kb >> 1 } : null;
    case 'string':
    case 'code':
      return op.bytes > 4 ? { ...op, bytes: op.bytes >> 1 } : null;
    case 'raw':
      return op.words > 1 ? { ...op, words: op.words >> 1 } : null;
    default:
      return null;
  }
}
