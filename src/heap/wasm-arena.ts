/**
 * Where the heaps' racing memory lives: ranges of shared `WebAssembly.Memory`s per thread that
 * creates heaps (normally the main thread), so that threads update it with wasm atomics that
 * TurboFan inlines (parallel/wasm-atomics.ts). Two pools:
 *
 * - **Tables** (`allocateInArena`): the mark bitmap and the two remembered sets. One 2 GiB
 *   memory for every heap of the process, not one per heap: the measured run's heap then has the
 *   same `setBit` as its warm-up's scratch heap, and each call site keeps its single target. The
 *   largest heap (2^31 words) needs 768 MiB. A range is zeroed when it is handed out again, block
 *   by block where it was written. Should the memory fill up, another is made (its call sites
 *   then see a second target).
 * - **Object areas** (`allocateObjectArea`): the heap's words themselves, whose header words the
 *   scavenging threads race on (`Heap.cas`). 4 GiB memories (the most a wasm memory can hold);
 *   the scratch heap of the warm-up and the measured heap share one, and so its `cas`. A heap
 *   always gets address space that no heap has written: its first touches are page faults, as
 *   with a SharedArrayBuffer of its own, and experiments measure them (`--record-page-faults`).
 *   A range given back is not handed out again; a memory none of whose ranges is in use is
 *   dropped, and the pages its heaps wrote go back to the operating system once it is
 *   collected. A heap that does not fit the room left gets a new memory (its call sites then see
 *   a second target). An area larger than one memory (above 4 GiB) gets no range: the heap then
 *   has a SharedArrayBuffer of its own and `Atomics.compareExchange`.
 *
 * Every memory is committed page by page as it is touched. A heap gives its ranges back when its
 * simulator closes, or when it is collected.
 */
import { WASM_PAGE_BYTES, createSharedMemory, type SharedWasmMemory } from '../parallel/wasm-atomics.ts';

const TABLE_ARENA_PAGES = 32768; // 2 GiB: byte offsets stay positive int32s
const OBJECT_ARENA_PAGES = 65536; // 4 GiB: wasm's 32-bit addresses
/** The first page holds the memory's id (see wasm-atomics.ts). */
const HEADER_BYTES = WASM_PAGE_BYTES;
/** The most object-area bytes one memory holds: two heaps share one (and its `cas`) only within it. */
export const OBJECT_ARENA_BYTES = OBJECT_ARENA_PAGES * WASM_PAGE_BYTES - HEADER_BYTES;

/** A range of an arena: `bytes` bytes from byte `offset` of `memory`. */
export interface ArenaRange {
  memory: SharedWasmMemory;
  offset: number;
  bytes: number;
}

/** A free range [start, end) in bytes; `dirty` if a heap has used it. */
interface FreeRange {
  start: number;
  end: number;
  dirty: boolean;
}

class Arena {
  readonly memory: SharedWasmMemory;
  /** Free ranges, sorted; neighbours of the same dirtiness are coalesced. */
  private free: FreeRange[];
  /** Ranges handed out and not given back. */
  inUse = 0;

  constructor(pages: number) {
    this.memory = createSharedMemory(pages);
    this.free = [{ start: HEADER_BYTES, end: pages * WASM_PAGE_BYTES, dirty: false }];
  }

  /**
   * The offset of `bytes` bytes, zeroed; -1 if no free range holds them (no never-written one,
   * with `cleanOnly`), with `keepRoom` more bytes free after them in the same range.
   */
  take(bytes: number, cleanOnly: boolean, keepRoom = 0): number {
    for (let k = 0; k < this.free.length; k++) {
      const f = this.free[k];
      if (f.end - f.start < bytes + keepRoom || (cleanOnly && f.dirty)) continue;
      const offset = f.start;
      if (f.dirty) zeroWrittenBlocks(new Int32Array(this.memory.buffer, offset, bytes / 4));
      f.start += bytes;
      if (f.start === f.end) this.free.splice(k, 1);
      this.inUse++;
      return offset;
    }
    return -1;
  }

  give(offset: number, bytes: number): void {
    const free = this.free;
    let k = 0;
    while (k < free.length && free[k].start < offset) k++;
    free.splice(k, 0, { start: offset, end: offset + bytes, dirty: true });
    // Coalesce with dirty neighbours; a never-written range stays apart (object areas take only those).
    for (let j = Math.min(k + 1, free.length - 1); j >= Math.max(1, k); j--) {
      if (free[j - 1].end === free[j].start && free[j - 1].dirty === free[j].dirty) {
        free[j - 1] = { start: free[j - 1].start, end: free[j].end, dirty: free[j - 1].dirty };
        free.splice(j, 1);
      }
    }
    this.inUse--;
  }

  /** Bytes free, for tests. */
  get freeBytes(): number {
    return this.free.reduce((s, f) => s + f.end - f.start, 0);
  }
}

/**
 * Zeroes the 4 KiB blocks of `words` that hold a non-zero word. A block no heap wrote reads as
 * the kernel's zero page and stays uncommitted, where a plain `fill(0)` would commit the whole
 * range (a default heap's bitmaps are 13 MB, of which a short run writes a few pages).
 */
function zeroWrittenBlocks(words: Int32Array): void {
  const BLOCK = 1024;
  for (let b = 0; b < words.length; b += BLOCK) {
    const end = Math.min(b + BLOCK, words.length);
    for (let i = b; i < end; i++) {
      if (words[i] !== 0) {
        words.fill(0, i, end);
        break;
      }
    }
  }
}

const tableArenas: Arena[] = [];
const objectArenas: Arena[] = [];

/** `bytes` rounded up to whole wasm pages: what a range of an arena takes. */
export function roundToPages(bytes: number): number {
  return Math.ceil(bytes / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
}

/** A zeroed range of at least `bytes` bytes (whole wasm pages) for a heap's tables. */
export function allocateInArena(bytes: number): ArenaRange {
  const size = roundToPages(bytes);
  if (size > TABLE_ARENA_PAGES * WASM_PAGE_BYTES - HEADER_BYTES) throw new RangeError(`a table of ${bytes} bytes does not fit an arena`);
  for (const a of tableArenas) {
    const offset = a.take(size, false);
    if (offset >= 0) return { memory: a.memory, offset, bytes: size };
  }
  const a = new Arena(TABLE_ARENA_PAGES);
  tableArenas.push(a);
  return { memory: a.memory, offset: a.take(size, false), bytes: size };
}

/**
 * A range of at least `bytes` bytes that no heap has written, for a heap's object area; null if
 * no arena can hold it (above 4 GiB, or no 4 GiB memory could be made). `keepRoom`: only from a
 * memory with that many never-written bytes left after it, for a heap made next that must share
 * the memory (the warm-up's scratch heap keeps room for the measured heap); a new memory if none
 * has, and no room kept if even a new one cannot hold both. `near`: the memory to try first.
 */
export function allocateObjectArea(bytes: number, keepRoom = 0, near?: SharedWasmMemory): ArenaRange | null {
  const size = roundToPages(bytes);
  if (size > OBJECT_ARENA_BYTES) return null;
  const room = size + keepRoom <= OBJECT_ARENA_BYTES ? keepRoom : 0;
  // `near` first: the memory of the heap this one follows (the measured heap after its scratch heap).
  const order = near === undefined ? objectArenas : [...objectArenas.filter((a) => a.memory === near), ...objectArenas.filter((a) => a.memory !== near)];
  for (const a of order) {
    const offset = a.take(size, true, room);
    if (offset >= 0) return { memory: a.memory, offset, bytes: size };
  }
  let a: Arena;
  try {
    a = new Arena(OBJECT_ARENA_PAGES);
  } catch {
    return null; // no 4 GiB of address space for a memory here
  }
  objectArenas.push(a);
  return { memory: a.memory, offset: a.take(size, true), bytes: size };
}

/** Gives a range back (only on the thread that allocated it). */
export function releaseToArena(range: ArenaRange): void {
  const table = tableArenas.find((x) => x.memory === range.memory);
  if (table !== undefined) {
    table.give(range.offset, range.bytes);
    return;
  }
  const k = objectArenas.findIndex((x) => x.memory === range.memory);
  if (k < 0) throw new Error('releaseToArena: not an arena of this thread');
  objectArenas[k].give(range.offset, range.bytes);
  if (objectArenas[k].inUse === 0) objectArenas.splice(k, 1);
}

/** ForTesting: free bytes of this thread's table arenas. */
export function arenaFreeBytesForTesting(): number[] {
  return tableArenas.map((a) => a.freeBytes);
}

/** ForTesting: this thread's object arenas (dropped ones are gone) and their free bytes. */
export function objectArenasForTesting(): { memory: SharedWasmMemory; freeBytes: number }[] {
  return objectArenas.map((a) => ({ memory: a.memory, freeBytes: a.freeBytes }));
}
