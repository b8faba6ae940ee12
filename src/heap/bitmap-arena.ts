/**
 * Where the heaps' bitmaps live (the mark bitmap and the two remembered sets): ranges of one
 * shared `WebAssembly.Memory` per thread that creates heaps (normally the main thread), so that
 * threads set and clear their bits with wasm atomics that TurboFan inlines
 * (parallel/wasm-atomics.ts). One memory for every heap of a process, not one per heap: the
 * measured run's heap then has the same `setBit` as its warm-up's scratch heap, and each call
 * site keeps its single target.
 *
 * The memory is 2 GiB of address space, fixed (a shared memory cannot move), committed page by
 * page as it is touched; the largest heap (2^31 words) needs 768 MiB. A heap gives its range back
 * when its simulator closes, or when it is collected; a range is zeroed when it is handed out
 * again, block by block where it was written. Should one memory fill up, another is made (its
 * call sites then see a second target).
 */
import { WASM_PAGE_BYTES, createSharedMemory, type SharedWasmMemory } from '../parallel/wasm-atomics.ts';

const ARENA_PAGES = 32768; // 2 GiB: byte offsets stay positive int32s
/** The first page holds the memory's id (see wasm-atomics.ts). */
const HEADER_BYTES = WASM_PAGE_BYTES;

/** A range of an arena: `bytes` bytes from byte `offset` of `memory`. */
export interface ArenaRange {
  memory: SharedWasmMemory;
  offset: number;
  bytes: number;
}

class Arena {
  readonly memory = createSharedMemory(ARENA_PAGES);
  /** Free ranges [start, end) in bytes, sorted and coalesced; `dirty` if a heap has used them. */
  private free: { start: number; end: number; dirty: boolean }[] = [{ start: HEADER_BYTES, end: ARENA_PAGES * WASM_PAGE_BYTES, dirty: false }];

  take(bytes: number): number {
    for (let k = 0; k < this.free.length; k++) {
      const f = this.free[k];
      if (f.end - f.start < bytes) continue;
      const offset = f.start;
      if (f.dirty) zeroWrittenBlocks(new Int32Array(this.memory.buffer, offset, bytes >>> 2));
      f.start += bytes;
      if (f.start === f.end) this.free.splice(k, 1);
      return offset;
    }
    return -1;
  }

  give(offset: number, bytes: number): void {
    const free = this.free;
    let k = 0;
    while (k < free.length && free[k].start < offset) k++;
    free.splice(k, 0, { start: offset, end: offset + bytes, dirty: true });
    // Coalesce with the neighbours; a merged range is dirty if either part is.
    for (let j = Math.min(k + 1, free.length - 1); j >= Math.max(1, k); j--) {
      if (free[j - 1].end === free[j].start) {
        free[j - 1] = { start: free[j - 1].start, end: free[j].end, dirty: free[j - 1].dirty || free[j].dirty };
        free.splice(j, 1);
      }
    }
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

const arenas: Arena[] = [];

/** A zeroed range of at least `bytes` bytes (whole wasm pages). */
export function allocateInArena(bytes: number): ArenaRange {
  const size = Math.ceil(bytes / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
  if (size > ARENA_PAGES * WASM_PAGE_BYTES - HEADER_BYTES) throw new RangeError(`a table of ${bytes} bytes does not fit an arena`);
  for (const a of arenas) {
    const offset = a.take(size);
    if (offset >= 0) return { memory: a.memory, offset, bytes: size };
  }
  const a = new Arena();
  arenas.push(a);
  return { memory: a.memory, offset: a.take(size), bytes: size };
}

/** Gives a range back (only on the thread that allocated it). */
export function releaseToArena(range: ArenaRange): void {
  const a = arenas.find((x) => x.memory === range.memory);
  if (a === undefined) throw new Error('releaseToArena: not an arena of this thread');
  a.give(range.offset, range.bytes);
}

/** ForTesting: free bytes of this thread's arenas. */
export function arenaFreeBytesForTesting(): number[] {
  return arenas.map((a) => a.freeBytes);
}
