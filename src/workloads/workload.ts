/**
 * What a workload is: a seeded, parameterised mutator program written only against the mutator
 * API (`MutatorApi`: it runs unchanged on gcsim's heap and on V8's), made with `defineWorkload`.
 * Parameters are integers with bounds and defaults; `run`
 * reports work units through `m.work()`. Built-in workloads and user workload files alike.
 */
import type { MutatorApi } from '../mutator/mutator-api.ts';
import type { Rng } from './rng.ts';

/** One integer parameter of a workload. */
export interface ParamSpec {
  /** The value when none is given. */
  default: number;
  /** The smallest value allowed. */
  min: number;
  /** The largest value allowed (default: no bound). */
  max?: number;
  /** One line for `gcsim workloads --params`. */
  doc: string;
}

/** A workload's parameter values, one integer per declared parameter. */
export type ParamValues<P extends Record<string, ParamSpec>> = { [K in keyof P]: number };

/** A seeded, parameterised mutator program (what `defineWorkload` returns). */
export interface Workload<P extends Record<string, ParamSpec> = Record<string, ParamSpec>> {
  /** The name runs and results use (`[a-z0-9][a-z0-9-]*`). */
  readonly name: string;
  /** One line, for `gcsim workloads`. */
  readonly description: string;
  readonly params: P;
  /** The program: allocate and mutate through `m`, draw randomness only from `rng`. */
  run(m: MutatorApi, rng: Rng, params: ParamValues<P>): void;
  /** Loads what `run` reads before the run starts (a heap snapshot's graph); awaited by the runner. */
  prepare?(): Promise<void>;
  /** Option values this workload needs unless the run sets them (a heap snapshot's heap size), by option name. */
  suggestedOptions?(params: ParamValues<P>): Record<string, number>;
  /** Figures about the workload's input and its last run (a heap snapshot's nodes and edges), for the result record. */
  facts?(): Record<string, number | string>;
}

/** Marks an object made by `defineWorkload` (a registered symbol: any copy of gcsim agrees). */
export const WORKLOAD_BRAND: unique symbol = Symbol.for('gcsim.workload') as never;

/** Thrown by `defineWorkload` and the file loader for a malformed workload. */
export class WorkloadDefinitionError extends Error {}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Defines a workload: checks the definition and returns it, frozen and branded. The parameter
 * table types the `params` that `run` receives.
 */
export function defineWorkload<P extends Record<string, ParamSpec>>(def: Workload<P>): Workload<P> {
  const problem = workloadProblem(def);
  if (problem !== null) throw new WorkloadDefinitionError(problem);
  const params = Object.freeze(Object.fromEntries(Object.entries(def.params).map(([k, s]) => [k, Object.freeze({ ...s })]))) as P;
  const run = def.run;
  const hooks = { prepare: def.prepare, suggestedOptions: def.suggestedOptions, facts: def.facts };
  return Object.freeze({ name: def.name, description: def.description, params, run, ...hooks, [WORKLOAD_BRAND]: true });
}

/** Why `w` is not a well-formed workload, or null. */
export function workloadProblem(w: unknown): string | null {
  if (typeof w !== 'object' || w === null) return 'a workload must be an object made by defineWorkload';
  const d = w as Partial<Workload>;
  if (typeof d.name !== 'string' || !NAME.test(d.name)) return `bad workload name ${JSON.stringify(d.name)}: lower-case letters, digits and '-'`;
  if (typeof d.description !== 'string') return `workload ${d.name}: description must be a string`;
  if (typeof d.run !== 'function') return `workload ${d.name}: run must be a function (m, rng, params) => void`;
  if (typeof d.params !== 'object' || d.params === null) return `workload ${d.name}: params must be an object of { default, min, max?, doc }`;
  for (const [k, s] of Object.entries(d.params)) {
    const ok = typeof s === 'object' && s !== null && Number.isInteger(s.default) && Number.isInteger(s.min) && (s.max === undefined || Number.isInteger(s.max)) && typeof s.doc === 'string';
    if (!ok) return `workload ${d.name}: parameter ${k} must be { default, min, max?, doc } with integer bounds`;
    if (s.default < s.min || (s.max !== undefined && s.default > s.max)) return `workload ${d.name}: parameter ${k}: default ${s.default} is outside its bounds`;
  }
  return null;
}
