/**
 * The built-in workloads, by name, each one module made with `defineWorkload` (as a user's
 * workload file is); a new built-in workload is one file plus a line here.
 */
import type { Workload } from './workload.ts';
import stringTick from './string-tick.ts';
import gcbench, { gcbenchSmall } from './gcbench.ts';
import splay from './splay.ts';
import fragmenter from './fragmenter.ts';
import hideAndSeek from './hide-and-seek.ts';

export const BUILTIN_WORKLOADS: readonly Workload[] = [stringTick, gcbench, gcbenchSmall, splay, fragmenter, hideAndSeek];

/**
 * Workloads by name: the built-ins, plus each workload file loaded in this thread under the path
 * it was given by (see load-workload.ts).
 */
export const WORKLOADS: Record<string, Workload> = Object.fromEntries(BUILTIN_WORKLOADS.map((w) => [w.name, w]));

export { defineWorkload, type Workload, type ParamSpec, type ParamValues } from './workload.ts';
