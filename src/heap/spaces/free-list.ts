/**
 * Free lists of the paged spaces, segregated by size class, in shared memory. Callers hold the
 * heap lock. A node is a filler object whose first body word links the next node. Blocks under
 * 3 words cannot hold a node and are left as fillers (wasted), as in V8's FreeListMany.
 *
 *   freeLists (Int32Array): per paged space, NUM_CLASSES heads then the free-word count
 *   | head[0] ... head[NUM_CLASSES-1] | freeWords |   x PAGED_SPACES.length
 */
import { type Addr, FILLER_HEADER, PAGED_SPACES, PAGE_BITS, SPACE_OLD_POINTER } from '../layout.ts';
import { Heap, META_WORDS, M_FLAGS, M_USED_WORDS, PAGE_EVACUATION_CANDIDATE } from '../heap.ts';

/**
 * Class lower bounds in words: V8's 24, 32, 48 ... 256 bytes in 16-byte steps, then 512 B ... 64 KiB
 * in powers of two, with 4-byte words and a first class for the 12-20 byte blocks our smaller
 * words allow.
 */
export const CLASS_MIN_WORDS = Int32Array.from([
  3, 6, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
]);
export const NUM_CLASSES = CLASS_MIN_WORDS.length;
export const MIN_FREE_BLOCK_WORDS = 3;
const STRIDE = NUM_CLASSES + 1;
export const FREE_LIST_WORDS = PAGED_SPACES.length * STRIDE;

export function pagedSpaceIndex(space: number): number {
  return space - PAGED_SPACES[0];
}

export function sizeClass(words: number): number {
  let c = NUM_CLASSES - 1;
  // A request under the first bound (a 2-word object) is class 0 too: reading below it would
  // take the previous space's free-word count as a block address.
  while (c > 0 && CLASS_MIN_WORDS[c] > words) c--;
  return c;
}

/** Adds [addr, addr + words) to `space`'s free list (formats it as a filler node). */
export function freeListAdd(heap: Heap, space: number, addr: Addr, words: number): void {
  heap.formatFiller(addr, words);
  if (words < MIN_FREE_BLOCK_WORDS) return;
  const fl = heap.freeLists;
  const base = pagedSpaceIndex(space) * STRIDE;
  const c = sizeClass(words);
  heap.mem[addr + 2] = fl[base + c];
  fl[base + c] = addr;
  fl[base + NUM_CLASSES] += words;
}

/**
 * First-fit search of a class is bounded: a list of many blocks just too small would otherwise
 * make every allocation walk it (quadratic). Past the bound the caller takes a fresh page.
 */
const MAX_SEARCH_NODES = 32;

/**
 * Removes and returns a block of at least `words` from `space`'s free list, or 0. First a class
 * whose every block fits (take its head), then a bounded first-fit search of the request's class.
 */
export function freeListTake(heap: Heap, space: number, words: number): Addr {
  const fl = heap.freeLists;
  const mem = heap.mem;
  const pm = heap.pageMeta;
  const base = pagedSpaceIndex(space) * STRIDE;
  const c = sizeClass(words);
  const first = CLASS_MIN_WORDS[c] >= words ? c : c + 1;
  for (let k = first; k < NUM_CLASSES; k++) {
    let head = fl[base + k];
    // Blocks on evacuation candidates leave the list as they come up: nothing new lands on a page
    // about to be evacuated, and no pass over a list of millions of blocks when marking starts.
    while (head !== 0 && (pm[(head >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) {
      fl[base + k] = mem[head + 2];
      evict(heap, base, head);
      head = fl[base + k];
    }
    if (head !== 0) {
      fl[base + k] = mem[head + 2];
      fl[base + NUM_CLASSES] -= blockWords(mem, head);
      return head;
    }
  }
  if (first !== c) {
    let prev = 0;
    let budget = MAX_SEARCH_NODES;
    for (let n = fl[base + c]; n !== 0 && budget-- > 0; n = mem[n + 2]) {
      if ((pm[(n >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) {
        if (prev === 0) fl[base + c] = mem[n + 2];
        else mem[prev + 2] = mem[n + 2];
        evict(heap, base, n);
        continue; // prev stays
      }
      if (blockWords(mem, n) >= words) {
        if (prev === 0) fl[base + c] = mem[n + 2];
        else mem[prev + 2] = mem[n + 2];
        fl[base + NUM_CLASSES] -= blockWords(mem, n);
        return n;
      }
      prev = n;
    }
  }
  return 0;
}

/** A block unlinked because its page is an evacuation candidate: no longer free, not allocated either. */
function evict(heap: Heap, base: number, node: Addr): void {
  const words = blockWords(heap.mem, node);
  heap.freeLists[base + NUM_CLASSES] -= words;
  addUsedWords(heap, node, words);
}

export function blockWords(mem: Int32Array, node: Addr): number {
  return 2 + mem[node + 1];
}

export function freeListWords(heap: Heap, space: number): number {
  return heap.freeLists[pagedSpaceIndex(space) * STRIDE + NUM_CLASSES];
}

/** Empties `space`'s free list (before sweeping rebuilds it). */
export function freeListReset(heap: Heap, space: number): void {
  const base = pagedSpaceIndex(space) * STRIDE;
  heap.freeLists.fill(0, base, base + STRIDE);
}

/** Calls `fn(node, words, sizeClass)` for every node of `space`'s free list (verification). */
export function forEachFreeNode(heap: Heap, space: number, fn: (node: Addr, words: number, c: number) => void): void {
  const fl = heap.freeLists;
  const base = pagedSpaceIndex(space) * STRIDE;
  let budget = heap.mem.length / MIN_FREE_BLOCK_WORDS;
  for (let c = 0; c < NUM_CLASSES; c++) {
    for (let n = fl[base + c]; n !== 0; n = heap.mem[n + 2]) {
      if (--budget < 0) throw new Error(`the free list of space ${space} is cyclic (more nodes than the heap can hold)`);
      if (n < 0 || n >= heap.mem.length || heap.mem[n] !== FILLER_HEADER) throw new Error(`free-list node ${n} of space ${space} is not a filler`);
      fn(n, blockWords(heap.mem, n), c);
    }
  }
}

export function addUsedWords(heap: Heap, addr: Addr, words: number): void {
  Atomics.add(heap.pageMeta, (addr >>> PAGE_BITS) * META_WORDS + M_USED_WORDS, words);
}

/** This thread ran `warmFreeListPathsOnce` (module state: one per thread's isolate). */
let warmedOnThisThread = false;

/**
 * `warmFreeListPaths` on a private heap, once per thread: the warm-up calls it on the main thread
 * before the mutator's first allocation, and every participant in its first warm-up scavenge.
 */
export function warmFreeListPathsOnce(): void {
  if (warmedOnThisThread) return;
  warmedOnThisThread = true;
  warmFreeListPaths();
}

/** The private heap of `warmFreeListPaths`: two old pages. */
const WARM_HEAP_GEOMETRY = { semiPages: 1, oldPages: 2, headroomPages: 0, maxHandles: 16 };
/**
 * Rounds of `warmFreeListPaths`: V8 gives a function its feedback vector only once it has run
 * about eight times its bytecode (`--interrupt-budget-factor-for-feedback-allocation`); what ran
 * before leaves no feedback.
 */
const WARM_ROUNDS = 16;

/**
 * Warm-up only: runs the free list's rare paths on a small private heap (made for it unless given),
 * on the calling thread: a class head on an evacuation candidate dropped before the next block is
 * taken, and a first-fit search of a class that drops a candidate's block and unlinks blocks from
 * the middle of the list. They are met when a marking cycle has candidates; a thread that met none
 * in the warm-up deoptimised there in a measured run (splay). Must run before the code that
 * inlines `freeListTake` is optimised (the allocation path of the mutator): code compiled without
 * the feedback keeps its deoptimisation however much feedback comes later. Returns the blocks
 * taken in the last round, in order (for tests).
 */
export function warmFreeListPaths(heap: Heap = Heap.create(WARM_HEAP_GEOMETRY, FREE_LIST_WORDS)): Addr[] {
  const space = SPACE_OLD_POINTER;
  heap.lock();
  const p1 = heap.takePage(space);
  const p2 = heap.takePage(space);
  heap.unlock();
  const a1 = p1 << PAGE_BITS;
  const a2 = p2 << PAGE_BITS;
  heap.pageMeta[p1 * META_WORDS + M_FLAGS] |= PAGE_EVACUATION_CANDIDATE;
  let taken: Addr[] = [];
  // Repeated: the first rounds leave no feedback (WARM_ROUNDS).
  for (let round = 0; round < WARM_ROUNDS; round++) {
    freeListReset(heap, space);
    taken = [];
    freeListAdd(heap, space, a2, 50);
    freeListAdd(heap, space, a1, 50); // the class head, on the candidate p1
    taken.push(freeListTake(heap, space, 40)); // drops a1, takes a2
    // 66 words: class 64's blocks are searched first-fit (class 128 and above are empty).
    freeListAdd(heap, space, a2 + 100, 70); // fits
    freeListAdd(heap, space, a1 + 200, 65); // on the candidate
    freeListAdd(heap, space, a2 + 300, 65); // too small: the others are unlinked after it
    taken.push(freeListTake(heap, space, 66)); // a2 + 100
    freeListAdd(heap, space, a2 + 400, 70);
    freeListAdd(heap, space, a1 + 300, 65); // the head, on the candidate: dropped first
    taken.push(freeListTake(heap, space, 66)); // a2 + 400 (a2 + 300 stays, too small)
  }
  return taken;
}
