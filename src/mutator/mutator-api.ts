/**
 * The mutator API a workload is written against, as an interface with two implementations:
 * `Mutator` (mutator.ts), on gcsim's simulated heap, and `JsMutator` (src/v8/js-mutator.ts), on
 * V8's own heap as plain JS arrays and strings. A workload that uses only this interface runs
 * unchanged on both (DESIGN §7). Main thread only. V8: the embedder's view of factory.h and
 * handles.h.
 */

/** A handle: an index into the handle stack (the roots). 0 is the null handle. */
export type Handle = number;
export const NULL_HANDLE: Handle = 0;

/** Defines object maps (shapes): one per kind of object a workload allocates. */
export interface MapDefiner {
  /**
   * The map `name` for objects of `kind` (KIND_TAGGED or KIND_RAW), defined on first use; the
   * same name gives the same map. Map identities are dense and in definition order on both
   * backends, so digests agree.
   */
  define(name: string, kind: number, fields?: number): number;
}

/** A misuse of the mutator API: a bad handle or field, handle-stack overflow, too many globals. */
export class MutatorError extends Error {}

/**
 * The mutator API. The roots are a stack of handle scopes and named globals; the mutator holds
 * handles, never objects, so a collector may move objects under it. Fields of a tagged object
 * hold 31-bit integers (SMIs) or objects; raw-data objects (strings, byte arrays) hold 32-bit
 * words that no collector looks into.
 */
export interface MutatorApi {
  /** Defines object maps (`maps.define(name, KIND_TAGGED | KIND_RAW)`). */
  readonly maps: MapDefiner;
  /** The map of `allocateString` objects (raw). */
  readonly stringMap: number;
  /** A ready-made map for tagged arrays of any length. */
  readonly arrayMap: number;
  /** The map of `allocateCode` objects (raw, non-moving). */
  readonly codeMap: number;
  /** Work units the workload reported through `work()`. */
  readonly workUnits: number;
  /** Bytes allocated so far, in gcsim's object sizes (4-byte words, a two-word header). */
  readonly allocatedBytes: number;

  /** Opens a scope (a stack frame); returns the mark to close it with. */
  openScope(): number;
  /** Closes the scopes opened since `openScope` returned `mark`: their handles become invalid. */
  closeScope(mark: number): void;
  /** Closes the scope and carries one handle out of it (EscapableHandleScope). */
  escape(mark: number, h: Handle): Handle;
  /** Handles on the stack now (the handle-stack pointer). */
  readonly handleCount: number;

  /** Roots the object of `h` under `name` until it is replaced (a named global). */
  setGlobal(name: string, h: Handle): void;
  /** A new handle to the global `name` (the null handle when it was never set). */
  getGlobal(name: string): Handle;
  /** The names of the globals set so far, in the order they were first set. */
  globalNames(): string[];

  /** A tagged object of `slots` fields (all SMI 0) with map `map`; `tenured` asks for old space. */
  allocate(map: number, slots: number, tenured?: boolean): Handle;
  /** A raw-data object (a string of `bytes` bytes, rounded up to words) whose words are filled from `fill`. */
  allocateString(bytes: number, fill?: number, tenured?: boolean): Handle;
  /** A raw-data object of map `map` with `words` words filled from the seed `fill` (never scanned). */
  allocateRaw(map: number, words: number, fill?: number, tenured?: boolean): Handle;
  /** A code object (raw, never moved). */
  allocateCode(bytes: number, fill?: number): Handle;

  /** Fields (tagged) or words (raw) of the object of `h`. */
  length(h: Handle): number;
  /** `h` holds no object (the null handle, or a field that held a SMI). */
  isNull(h: Handle): boolean;
  /** Same object (or the same SMI)? */
  same(a: Handle, b: Handle): boolean;
  /** Field `i` as a new handle. */
  get(h: Handle, i: number): Handle;
  /** Is field `i` a SMI (no object)? */
  isSmiField(h: Handle, i: number): boolean;
  /** Field `i` as a small integer; throws MutatorError when it holds an object. */
  getSmi(h: Handle, i: number): number;
  /** Stores the 31-bit integer `n` into field `i`. */
  setSmi(h: Handle, i: number, n: number): void;
  /** Stores the object of handle `v` (or SMI 0 for the null handle) into field `i`. */
  set(h: Handle, i: number, v: Handle): void;
  /** Raw word `i` of a raw-data object. */
  readRaw(h: Handle, i: number): number;
  /** Writes raw word `i` of a raw-data object. */
  writeRaw(h: Handle, i: number, word: number): void;

  /** The workload reports completed work (for throughput figures). */
  work(units?: number): void;
  /** Explicit GC, like `global.gc()`. */
  collect(kind: 'minor' | 'major'): void;
}
