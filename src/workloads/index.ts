/** The built-in workloads, by name. */
import type { Workload } from './workload.ts';
import { stringTick } from './string-tick.ts';
import { gcbench } from './gcbench.ts';
import { splay } from './splay.ts';
import { fragmenter } from './fragmenter.ts';
import { hideAndSeek } from './hide-and-seek.ts';

export const WORKLOADS: Record<string, Workload> = Object.fromEntries([stringTick, gcbench, splay, fragmenter, hideAndSeek].map((w) => [w.name, w]));

export type { Workload } from './workload.ts';
