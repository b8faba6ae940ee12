/**
 * The public API of the `gcsim` package (DESIGN §7): create a simulator from options, run a
 * workload, read the `gcsim/result@1` record, and the mutator API a workload is written against.
 * Everything else under src/ is internal and may change between versions.
 */

/**
 * One simulated heap with its collectors. `await Simulator.create(options)` builds it (starting
 * `threads - 1` helper threads); `sim.mutator` allocates into it and collects;
 * `sim.digest()` and `sim.verify()` check it; `await sim.close()` stops the helpers and must be
 * called before the process can exit.
 */
export { Simulator } from './experiments/simulator.ts';

/**
 * Validates a partial option set (the fields of {@link GcOptions}) and fills in the defaults;
 * throws an `OptionError` with one clear line on an unknown option or a bad value.
 */
export { resolveOptions } from './options.ts';

/**
 * Every collector option with its resolved value: threads, heap sizes, marking, barrier,
 * compaction and sweeping settings. `gcsim run --help` documents each one.
 */
export type { GcOptions } from './options.ts';

/** What {@link resolveOptions} and {@link Simulator.create} throw for a bad option set. */
export { OptionError } from './options.ts';

/**
 * Runs one built-in workload with a seed, parameters and options in a fresh simulator, and
 * returns its `gcsim/result@1` record. A run that fails (out of memory, a helper fault, a
 * verifier error) still resolves, with everything measured so far and `error` set; an unknown
 * workload, parameter or option rejects with a `UsageError`.
 */
export { runOne } from './experiments/run.ts';

/** What {@link runOne} takes: the workload's name, `seed`, `params`, `options` and an `onEvent` hook. */
export type { RunSpec } from './experiments/run.ts';

/** What {@link runOne} rejects with for an unknown workload, parameter or option. */
export { UsageError } from './experiments/run.ts';

/** The `gcsim/result@1` record of a run, and one GC event in it. */
export type { RunResult, GCEvent } from './metrics/result.ts';

/**
 * The mutator API, main thread only: handle scopes and named globals are the roots; objects are
 * allocated and read or written through handles, behind the write barriers; `collect()` forces
 * a GC. A simulator's mutator is `sim.mutator`.
 */
export type { Mutator } from './mutator/mutator.ts';

/**
 * What a workload is written against: the interface both backends implement, gcsim's `Mutator`
 * and the V8 backend that keeps objects as plain JS arrays (`gcsim run --engine v8`).
 */
export type { MutatorApi } from './mutator/mutator-api.ts';

/**
 * A reference to a heap object held by the mutator: an index into the root table, valid until
 * its handle scope closes, and stable while the object moves. 0 is the null handle.
 */
export type { Handle } from './mutator/mutator.ts';

/**
 * Object kinds for `mutator.maps.define(name, kind)`: a tagged object's fields are values and
 * references the collectors trace; a raw object's words are data they never look into.
 */
export { KIND_TAGGED, KIND_RAW } from './heap/layout.ts';

/** The built-in workloads by name (`splay`, `gcbench`, ...), each with its parameter table. */
export { WORKLOADS } from './workloads/index.ts';

/**
 * A seeded, parameterised mutator program: name, one-line description, parameter table, `run`.
 * Make one with {@link defineWorkload}.
 */
export type { Workload } from './workloads/index.ts';

/**
 * One integer parameter of a workload: `default`, `min`, optional `max`, and a one-line `doc`.
 * `gcsim run -p name=value` and sweeps check values against these bounds.
 */
export type { ParamSpec } from './workloads/index.ts';

/** The values `run` receives: one integer per parameter of the table. */
export type { ParamValues } from './workloads/index.ts';

/**
 * Defines a workload, as the default export of a workload module:
 * `export default defineWorkload({ name, description, params, run(m, rng, p) { ... } })`.
 * Checks the definition (throws on a bad name, parameter table or bounds) and types `p` from
 * the parameter table. `gcsim run --workload-file ./my.js` and `gcsim sweep -w ./my.js` run it;
 * so does {@link runOne} with `workload: './my.js'`.
 */
export { defineWorkload } from './workloads/index.ts';

/** The seeded random source a workload's `run` receives: `int(n)` in [0, n), `float()` in [0, 1). */
export type { Rng } from './workloads/rng.ts';

/**
 * Loads a workload file (a module whose default export was made by {@link defineWorkload}) and
 * checks it; rejects with a {@link WorkloadFileError} whose message is one line.
 */
export { loadWorkloadFile, WorkloadFileError } from './experiments/workload-file.ts';

/**
 * The marking-barrier variants `--barrier` selects (a row each: which values the slow path
 * shades, and the colour of objects allocated during marking).
 */
export { BARRIER_VARIANTS } from './mutator/write-barrier.ts';

/** The compaction policies `--compaction-policy` selects: functions from page figures to candidates. */
export { COMPACTION_POLICIES } from './gc/compaction-policy.ts';

/** The work-distribution schemes `--balance` selects. */
export { WORK_DISTRIBUTION_SCHEMES } from './parallel/work-distribution.ts';
