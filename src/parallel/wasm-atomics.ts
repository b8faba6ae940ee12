/**
 * Atomic read-modify-write on shared memory at close to the cost of the instruction. On Node 20
 * (V8 11.3) every `Atomics.*` call is a call into a builtin (`Builtins_AtomicsOr` in a `perf`
 * profile). TurboFan does inline a call from JavaScript into WebAssembly when the call site always
 * calls the same function, and a wasm `i32.atomic.rmw.or` is one locked instruction. Setting a
 * clear mark bit after a plain test costs 13 ns with `Atomics.or`, 6.9 ns with `setBit` below and
 * 2.0 ns with a plain `|=` (`npm run bench -- bodies`, "atomic mark bit"). So the tables that
 * threads race on, the mark bitmap and the remembered sets, and the object area, whose header
 * words scavenging threads race to forward, live in shared `WebAssembly.Memory`s
 * (heap/wasm-arena.ts), and their racing updates go through this module.
 *
 * One instance per memory and thread, cached by the memory's id (a random word pair at bytes
 * 0–7, written by whoever created it): a memory posted to a worker arrives as a new object, and a
 * second instance would give the call sites a second target (deoptimising them).
 */

/** The parts of the WebAssembly API used here (the project's TypeScript libs leave it out). */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: true }) => SharedWasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes per wasm page. */
export const WASM_PAGE_BYTES = 65536;

/**
 * ```wat
 * (module
 *   (import "env" "memory" (memory 1 65536 shared))
 *   ;; Sets bit `addr` of the bitmap at byte offset `base`; 1 if this call set it, 0 if it was set.
 *   (func (export "setBit") (param $base i32) (param $addr i32) (result i32) (local $m i32)
 *     (i32.add (local.get $base) (i32.shl (i32.shr_u (local.get $addr) (i32.const 5)) (i32.const 2)))
 *     (local.tee $m (i32.shl (i32.const 1) (local.get $addr)))   ;; shl takes the count mod 32
 *     (i32.atomic.rmw.or)
 *     (i32.eqz (i32.and (local.get $m))))
 *   ;; Clears the bits `mask` of word `word` of the bitmap at byte offset `base`.
 *   (func (export "clearBits") (param $base i32) (param $word i32) (param $mask i32)
 *     (drop (i32.atomic.rmw.and
 *       (i32.add (local.get $base) (i32.shl (local.get $word) (i32.const 2)))
 *       (i32.xor (local.get $mask) (i32.const -1))))))
 * ```
 */
const SET_BIT_BODY = [
  0x01, 0x01, 0x7f, // one local, i32
  0x20, 0x00, 0x20, 0x01, 0x41, 0x05, 0x76, 0x41, 0x02, 0x74, 0x6a, // base + ((addr >>> 5) << 2)
  0x41, 0x01, 0x20, 0x01, 0x74, 0x22, 0x02, // m = 1 << addr
  0xfe, 0x33, 0x02, 0x00, // i32.atomic.rmw.or align=4 offset=0
  0x20, 0x02, 0x71, 0x45, // (old & m) == 0
  0x0b,
];
const CLEAR_BITS_BODY = [
  0x00, // no locals
  0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74, 0x6a, // base + (word << 2)
  0x20, 0x02, 0x41, 0x7f, 0x73, // ~mask
  0xfe, 0x2c, 0x02, 0x00, 0x1a, // i32.atomic.rmw.and align=4 offset=0, drop the old value
  0x0b,
];
/**
 * `(func (export "cas") (param $base i32) (param $addr i32) (param $expected i32) (param $replacement i32) (result i32)
 *   (i32.atomic.rmw.cmpxchg (i32.add (local.get $base) (i32.shl (local.get $addr) (i32.const 2)))
 *     (local.get $expected) (local.get $replacement)))`: word `addr` of the table at byte `base`;
 * returns the word it found.
 */
const CAS_BODY = [
  0x00, // no locals
  0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74, 0x6a, // base + (addr << 2)
  0x20, 0x02, 0x20, 0x03, // expected, replacement
  0xfe, 0x48, 0x02, 0x00, // i32.atomic.rmw.cmpxchg align=4 offset=0
  0x0b,
];
const CODE = [0x03, SET_BIT_BODY.length, ...SET_BIT_BODY, CLEAR_BITS_BODY.length, ...CLEAR_BITS_BODY, CAS_BODY.length, ...CAS_BODY];
const TYPES = [0x03, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x00, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f];
/** A name as the export section encodes it: its length, then its bytes. */
const exportName = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
const EXPORTS = [0x03, ...exportName('setBit'), 0x00, 0x00, ...exportName('clearBits'), 0x00, 0x01, ...exportName('cas'), 0x00, 0x02];
const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, TYPES.length, ...TYPES, // types: (i32, i32) -> i32; (i32, i32, i32) -> (); (i32, i32, i32, i32) -> i32
  // import "env" "memory": shared memory, min 1, max 65536 pages
  0x02, 0x12, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x01, 0x80, 0x80, 0x04,
  0x03, 0x04, 0x03, 0x00, 0x01, 0x02, // three functions, of types 0, 1 and 2
  0x07, EXPORTS.length, ...EXPORTS,
  0x0a, CODE.length, ...CODE,
]);

let compiled: object | null = null;

export interface WasmAtomics {
  /** Sets bit `addr` of the bitmap that starts at byte `base` of the memory; 1 if this call set it. */
  setBit(base: number, addr: number): number;
  /** Clears the bits `mask` of word `word` of the bitmap that starts at byte `base`. */
  clearBits(base: number, word: number, mask: number): void;
  /** Compare-and-exchange of word `addr` of the table at byte `base`; returns the word it found. */
  cas(base: number, addr: number, expected: number, replacement: number): number;
}

/**
 * Weakly: an instance lives as long as something uses it (a heap's `setBit`, `clearBits` and
 * `cas`), so that a memory no heap uses any more can be collected (heap/wasm-arena.ts drops an
 * object arena once none of its ranges is in use).
 */
const instances = new Map<string, WeakRef<WasmAtomics>>();

function idOf(memory: SharedWasmMemory): string {
  const w = new Int32Array(memory.buffer, 0, 2);
  return `${w[0]}:${w[1]}`;
}

/** A shared memory of `pages` wasm pages (fixed size: it never grows) with a fresh id at bytes 0–7. */
export function createSharedMemory(pages: number): SharedWasmMemory {
  const memory = new Wasm.Memory({ initial: pages, maximum: pages, shared: true });
  crypto.getRandomValues(new Int32Array(memory.buffer, 0, 2));
  return memory;
}

/** This thread's instance for `memory` (one per memory id, so every call site sees one target). */
export function atomicsFor(memory: SharedWasmMemory): WasmAtomics {
  const id = idOf(memory);
  let a = instances.get(id)?.deref();
  if (a === undefined) {
    compiled ??= new Wasm.Module(MODULE_BYTES);
    a = new Wasm.Instance(compiled, { env: { memory } }).exports as WasmAtomics;
    instances.set(id, new WeakRef(a));
  }
  return a;
}
