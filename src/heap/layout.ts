/**
 * The memory image's vocabulary: tagged values, object headers, page geometry, space ids.
 * Pure constants and tiny inline-able helpers; used by every thread. V8: objects.h, globals.h,
 * memory-chunk-layout.h.
 *
 * Tagged value (one Int32 word)
 *
 *     31                                  1  0
 *   +-------------------------------------+---+
 *   |  31-bit small integer (SMI)          | 0 |     v >> 1 is the value
 *   +-------------------------------------+---+
 *   |  word address of an object           | 1 |     v >>> 1 is the address
 *   +-------------------------------------+---+
 *
 * Header (the object's first word: the "map word")
 *
 *     31                           3  2  1  0
 *   +-----------------------------+-----+---+
 *   | map address (map space)      |kind | 0 |   an ordinary header
 *   +-----------------------------+-----+---+
 *   | forwarding address (word address)  | 1 |   during evacuation: a tagged pointer to the copy
 *   +------------------------------------+---+
 *
 * Object: [header][length = body words][body...]; size = 2 + length words. A one-word filler has
 * no length word. Fillers have map address 0. Address 0 is null and never holds an object.
 */

export type Addr = number;

// ---- tagged values -------------------------------------------------------------------------
export const SMI_MAX = 0x3fffffff;
export const SMI_MIN = -0x40000000;
/** The tagged SMI 0, which the mutator also reads as "null". */
export const NULL_VALUE = 0;

export function isPtr(v: number): boolean {
  return (v & 1) === 1;
}
export function ptrAddr(v: number): Addr {
  return v >>> 1;
}
export function tagPtr(addr: Addr): number {
  return (addr << 1) | 1;
}
export function tagSmi(n: number): number {
  return n << 1;
}
export function untagSmi(v: number): number {
  return v >> 1;
}

// ---- object headers --------------------------------------------------------------------------
/** Body of tagged slots, scanned by the collectors (arrays, records, maps' fields are raw). */
export const KIND_TAGGED = 0;
/** Body of raw words, never scanned (strings, byte arrays, code, maps). */
export const KIND_RAW = 1;
/** Free space of 2 or more words: [header][length][body]; body word 0 links free-list nodes. */
export const KIND_FILLER = 2;
/** Free space of exactly one word. */
export const KIND_FILLER1 = 3;

export const FILLER_HEADER = KIND_FILLER << 1;
export const FILLER1_HEADER = KIND_FILLER1 << 1;
/** Words of header + length. */
export const HEADER_WORDS = 2;

export function makeHeader(mapAddr: Addr, kind: number): number {
  return (mapAddr << 3) | (kind << 1);
}
export function headerKind(h: number): number {
  return (h >>> 1) & 3;
}
export function headerMap(h: number): Addr {
  return h >>> 3;
}
export function isForwarded(h: number): boolean {
  return (h & 1) === 1;
}
/** Size in words of the object at `addr` whose header word is `h` (not forwarded). */
export function sizeFromHeader(mem: Int32Array, addr: Addr, h: number): number {
  return h === FILLER1_HEADER ? 1 : HEADER_WORDS + mem[addr + 1];
}

// ---- pages -----------------------------------------------------------------------------------
/** 256 KiB pages, V8's kPageSizeBits = 18 (in words: 2^16). */
export const PAGE_BITS = 16;
export const PAGE_WORDS = 1 << PAGE_BITS;
export const PAGE_BYTES = PAGE_WORDS * 4;
export const WORD_BYTES = 4;
/** Objects above V8's kMaxRegularHeapObjectSize (128 KiB) get a large-object chunk of their own. */
export const MAX_REGULAR_OBJECT_WORDS = (128 * 1024) / WORD_BYTES;

export function pageOf(addr: Addr): number {
  return addr >>> PAGE_BITS;
}
export function pageStart(page: number): Addr {
  return page << PAGE_BITS;
}

// ---- spaces ----------------------------------------------------------------------------------
export const SPACE_FREE = 0; // page in the pool, owned by no space
export const SPACE_NEW = 1;
export const SPACE_OLD_POINTER = 2;
export const SPACE_OLD_DATA = 3;
export const SPACE_CODE = 4;
export const SPACE_MAP = 5;
export const SPACE_LO = 6;
export const SPACE_RESERVED = 7; // page 0: holds null
export const SPACE_NAMES = ['free', 'new', 'old_pointer', 'old_data', 'code', 'map', 'lo', 'reserved'] as const;
/** Paged spaces with free lists, in the order their state is laid out in the control block. */
export const PAGED_SPACES = [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE, SPACE_MAP] as const;
