/**
 * The fuzzer's program vocabulary: a program is a list of plain-data ops (JSON as written), run
 * against the public mutator API and the shadow model in lockstep. Operands name locals by their
 * distance from the top of the handle stack and fields by index modulo the object's size, so an
 * op keeps a meaning (or becomes a no-op) when the ops before it are deleted while shrinking.
 */
import { z } from 'zod';
import type { GcOptions } from '../options.ts';

/** Globals the programs use, named `fuzz.g0` … */
export const GLOBALS = 8;
/** User fields of an ordinary tagged object (field 0 always holds the object's id as a SMI). */
export const MAX_FIELDS = 8;

export type Space = 'pointer' | 'data' | 'alternate';

export type Op =
  // allocation: each pushes one local holding the new object
  | { op: 'alloc'; fields: number; tenured: boolean }
  | { op: 'empty'; tenured: boolean }
  | { op: 'string'; bytes: number; tenured: boolean; seed: number }
  | { op: 'raw'; words: number; tenured: boolean; seed: number }
  | { op: 'code'; bytes: number; seed: number }
  | { op: 'large'; words: number; raw: boolean; seed: number }
  // structures: each pushes one local holding the entry object
  | { op: 'chain'; n: number; tenured: boolean }
  | { op: 'cycle'; n: number; tenured: boolean }
  | { op: 'fan'; n: number; tenured: boolean; childTenured: boolean }
  /** `n` young objects, each then held by `copies` more handles (threads race to copy them). */
  | { op: 'share'; n: number; copies: number }
  /** Replaces `n` fields of the object in local `dst`, from field `start` on, by fresh objects. */
  | { op: 'refill'; dst: number; n: number; start: number; fields: number; tenured: boolean }
  // fields
  | { op: 'store'; dst: number; field: number; src: number }
  | { op: 'storeSmi'; dst: number; field: number; value: number }
  | { op: 'storeNull'; dst: number; field: number }
  /** dst.field = src.from */
  | { op: 'copy'; dst: number; field: number; src: number; from: number }
  /** Hide-and-seek: dst.to = src.field, then src.field = null (moves the reference). */
  | { op: 'move'; src: number; field: number; dst: number; to: number }
  /** Pushes a local holding src.field. */
  | { op: 'load'; src: number; field: number }
  /** Pushes `n` more handles to the value of local `src`. */
  | { op: 'dup'; src: number; n: number }
  // handle scopes and globals
  | { op: 'open' }
  | { op: 'close' }
  | { op: 'escape'; src: number }
  | { op: 'setGlobal'; g: number; src: number }
  | { op: 'clearGlobal'; g: number }
  | { op: 'getGlobal'; g: number }
  // collections and garbage
  | { op: 'collect'; kind: 'minor' | 'major' }
  /** About `kb` KB of young garbage of up to `fields` fields, `keep` objects held at a time. */
  | { op: 'churn'; kb: number; fields: number; keep: number }
  /** Tenured garbage until marking starts (or a mark-compact happens), at most `kb` KB. */
  | { op: 'burst'; space: Space; kb: number };

export type OpName = Op['op'];

export const NEGATIVE_CONTROLS = ['barrier', 'remembered-set', 'forwarding-cas', 'mark-bit'] as const;
export type NegativeControl = (typeof NEGATIVE_CONTROLS)[number];

/** The collector options a case sets (the rest keep their defaults). */
export type FuzzConfig = Partial<GcOptions>;

/** One fuzz case, as saved in a failure file and replayed by `gcsim fuzz --replay`. */
export interface FuzzCase {
  seed: number;
  config: FuzzConfig;
  negativeControl: NegativeControl | null;
  ops: Op[];
}

export const CASE_SCHEMA = 'gcsim/fuzz-case@1';

// ---- validation of case files ---------------------------------------------------------------------
const idx = z.number().int().min(0).max(1 << 20);
const size = (max: number) => z.number().int().min(0).max(max);
const seed = z.number().int().min(0).max(0x7fffffff);

const OP_SCHEMA = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('alloc'), fields: size(MAX_FIELDS), tenured: z.boolean() }),
  z.strictObject({ op: z.literal('empty'), tenured: z.boolean() }),
  z.strictObject({ op: z.literal('string'), bytes: size(1 << 22), tenured: z.boolean(), seed }),
  z.strictObject({ op: z.literal('raw'), words: size(1 << 20), tenured: z.boolean(), seed }),
  z.strictObject({ op: z.literal('code'), bytes: size(1 << 22), seed }),
  z.strictObject({ op: z.literal('large'), words: size(1 << 22), raw: z.boolean(), seed }),
  z.strictObject({ op: z.literal('chain'), n: size(100_000), tenured: z.boolean() }),
  z.strictObject({ op: z.literal('cycle'), n: size(100_000), tenured: z.boolean() }),
  z.strictObject({ op: z.literal('fan'), n: size(100_000), tenured: z.boolean(), childTenured: z.boolean() }),
  z.strictObject({ op: z.literal('share'), n: size(100_000), copies: size(64) }),
  z.strictObject({ op: z.literal('refill'), dst: idx, n: size(100_000), start: idx, fields: size(MAX_FIELDS), tenured: z.boolean() }),
  z.strictObject({ op: z.literal('store'), dst: idx, field: idx, src: idx }),
  z.strictObject({ op: z.literal('storeSmi'), dst: idx, field: idx, value: size(0x3fffffff) }),
  z.strictObject({ op: z.literal('storeNull'), dst: idx, field: idx }),
  z.strictObject({ op: z.literal('copy'), dst: idx, field: idx, src: idx, from: idx }),
  z.strictObject({ op: z.literal('move'), src: idx, field: idx, dst: idx, to: idx }),
  z.strictObject({ op: z.literal('load'), src: idx, field: idx }),
  z.strictObject({ op: z.literal('dup'), src: idx, n: size(100_000) }),
  z.strictObject({ op: z.literal('open') }),
  z.strictObject({ op: z.literal('close') }),
  z.strictObject({ op: z.literal('escape'), src: idx }),
  z.strictObject({ op: z.literal('setGlobal'), g: size(GLOBALS - 1), src: idx }),
  z.strictObject({ op: z.literal('clearGlobal'), g: size(GLOBALS - 1) }),
  z.strictObject({ op: z.literal('getGlobal'), g: size(GLOBALS - 1) }),
  z.strictObject({ op: z.literal('collect'), kind: z.enum(['minor', 'major']) }),
  z.strictObject({ op: z.literal('churn'), kb: size(1 << 20), fields: size(64), keep: size(4096) }),
  z.strictObject({ op: z.literal('burst'), space: z.enum(['pointer', 'data', 'alternate']), kb: size(1 << 20) }),
]);

const CASE_FILE_SCHEMA = z.object({
  schema: z.literal(CASE_SCHEMA),
  seed,
  config: z.record(z.string(), z.unknown()),
  negativeControl: z.enum(NEGATIVE_CONTROLS).nullable(),
  ops: z.array(OP_SCHEMA),
});

export class CaseFileError extends Error {}

/** Parses a saved case (the `case` part of a failure file, or the file itself). */
export function parseCase(json: unknown): FuzzCase {
  const body = json !== null && typeof json === 'object' && 'case' in json ? (json as { case: unknown }).case : json;
  const r = CASE_FILE_SCHEMA.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CaseFileError(`not a ${CASE_SCHEMA} case: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  return { seed: r.data.seed, config: r.data.config as FuzzConfig, negativeControl: r.data.negativeControl, ops: r.data.ops as Op[] };
}

export function caseToJson(c: FuzzCase): Record<string, unknown> {
  return { schema: CASE_SCHEMA, seed: c.seed, config: c.config, negativeControl: c.negativeControl, ops: c.ops };
}
