/** Pre-order index of each node of the implicit 3-ary tree (children of p: 3p+1..3p+3). */
export function depthFirstOrder(count: number): Int32Array;
/** A seeded shuffle of 0..count-1 (Fisher-Yates); `int(k)` draws an integer in [0, k). */
export function randomOrder(count: number, int: (k: number) => number): Int32Array;
