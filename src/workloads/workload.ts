/**
 * What a workload is: a seeded, parameterised mutator program written only against the mutator
 * API. Parameters are integers with defaults; `run` reports work units through `m.work()`.
 */
import type { Mutator } from '../mutator/mutator.ts';
import type { Rng } from './rng.ts';

export interface ParamSpec {
  default: number;
  min: number;
  doc: string;
}

export interface Workload {
  name: string;
  /** One line, for `gcsim workloads`. */
  description: string;
  params: Record<string, ParamSpec>;
  run(m: Mutator, rng: Rng, params: Record<string, number>): void;
}
