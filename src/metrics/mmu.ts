/**
 * Minimum and bounded mutator utilisation (MMU, Cheng & Blelloch 2001; BMU, Sachindran et al.
 * 2004), computed exactly. Pure functions, any thread. Counterpart: Go's `internal/trace`
 * `MMUCurve`; definitions and how to read the curves are in docs/metrics.md.
 *
 * A run is compiled into a piecewise-constant utilisation u(t) on [0, wallMs] (0 inside a
 * stop-the-world pause, a fraction where the collector shares the mutator's thread, else 1) and
 * its prefix integral F(t) = ∫₀ᵗ u, which is continuous and piecewise linear.
 *
 * MMU(w) = min over t ∈ [0, T−w] of (F(t+w) − F(t)) / w. The numerator is piecewise linear in t
 * with corners only where t or t+w meets a breakpoint of u, so its minimum is at one of those
 * corners: we sweep the two sorted candidate lists {xᵢ} and {xᵢ − w} in merged order with two
 * monotone cursors, O(m) per window after an O(n log n) compile. Go's banded search is an
 * optimisation of the same idea; the sweep is exact and fast enough (100k pauses × 30 windows
 * takes a few tens of ms), so we keep it simple.
 *
 * BMU(w) = min over x ∈ [w, T] of MMU(x). Over the region {(s, e): e − s ≥ w} split by the
 * breakpoints into convex cells, (F(e) − F(s)) / (e − s) is linear-fractional on each cell, so its
 * minimum is at a cell vertex: either on the line e − s = w (that is MMU(w)) or at a pair of
 * breakpoints (xᵢ, xⱼ) with xⱼ − xᵢ ≥ w. The best pair is found with an upper convex hull of the
 * points (xᵢ, F(xᵢ)) and a tangent query per right end, O(m log m) per window.
 */

import type { MmuPoint } from './result.ts';

/** A stop-the-world interval: the mutator makes no progress from startMs for durationMs. */
export interface PauseInterval {
  startMs: number;
  durationMs: number;
}

/** An interval in which the mutator gets only `util` (0..1) of its thread (incremental or concurrent GC work). */
export interface UtilSegment {
  startMs: number;
  durationMs: number;
  util: number;
}

/**
 * The input of the MMU computation: a run of `wallMs` with its pauses (sorted or not, normally
 * non-overlapping) and optionally intervals of partial utilisation. Where intervals overlap the
 * lowest utilisation wins; a pause is utilisation 0. Everything is clipped to [0, wallMs].
 */
export interface UtilizationTimeline {
  wallMs: number;
  pauses: readonly PauseInterval[];
  utilization?: readonly UtilSegment[];
}

/**
 * The compiled step function: m pieces [x[i], x[i+1]) with utilisation u[i], adjacent pieces of
 * equal utilisation merged, and prefix integrals P[i] = F(x[i]). x[0] = 0, x[m] = wallMs.
 */
export interface UtilizationProfile {
  wallMs: number;
  x: Float64Array;
  u: Float64Array;
  P: Float64Array;
  /** Lowest utilisation of any piece (1 when there is none): the limit of MMU(w) as w → 0. */
  minUtil: number;
}

/** The worst window for a window size: where it starts and its utilisation. */
export interface WorstWindow {
  windowMs: number;
  util: number;
  /** Start of a window attaining the minimum, ms since the start of the run. */
  startMs: number;
}

export function compileTimeline(tl: UtilizationTimeline): UtilizationProfile {
  const T = tl.wallMs;
  if (!Number.isFinite(T)) throw new RangeError(`wallMs is ${T}`);
  if (T <= 0) {
    return { wallMs: Math.max(0, T), x: Float64Array.of(0), u: new Float64Array(0), P: Float64Array.of(0), minUtil: 1 };
  }
  // Gather the clipped intervals as parallel arrays.
  const segs = tl.utilization ?? [];
  const cap = tl.pauses.length + segs.length;
  const is = new Float64Array(cap);
  const ie = new Float64Array(cap);
  const iu = new Float64Array(cap);
  let n = 0;
  const add = (startMs: number, durationMs: number, util: number, what: string): void => {
    if (!Number.isFinite(startMs) || !Number.isFinite(durationMs) || durationMs < 0) {
      throw new RangeError(`${what} has start ${startMs} ms and duration ${durationMs} ms`);
    }
    if (!(util >= 0 && util <= 1)) throw new RangeError(`${what} has utilisation ${util}, not in [0, 1]`);
    const s = startMs < 0 ? 0 : startMs;
    const e = startMs + durationMs > T ? T : startMs + durationMs;
    if (e <= s || util === 1) return;
    is[n] = s;
    ie[n] = e;
    iu[n] = util;
    n++;
  };
  for (let k = 0; k < tl.pauses.length; k++) add(tl.pauses[k].startMs, tl.pauses[k].durationMs, 0, `pause ${k}`);
  for (let k = 0; k < segs.length; k++) add(segs[k].startMs, segs[k].durationMs, segs[k].util, `utilisation segment ${k}`);

  // Breakpoints: 0, T and every clipped edge, sorted and unique.
  const pts = new Float64Array(2 * n + 2);
  pts[0] = 0;
  pts[1] = T;
  for (let k = 0; k < n; k++) {
    pts[2 + 2 * k] = is[k];
    pts[3 + 2 * k] = ie[k];
  }
  pts.sort();
  let nb = 0;
  for (let k = 0; k < pts.length; k++) if (nb === 0 || pts[k] !== pts[nb - 1]) pts[nb++] = pts[k];
  const bx = pts.subarray(0, nb);

  // Intervals in start order; sweep the pieces with a min-heap (by util) of active intervals,
  // dropping expired ones lazily.
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => is[a] - is[b]);
  const heap = new Uint32Array(n);
  let hn = 0;
  const less = (a: number, b: number): boolean => iu[a] < iu[b];
  const heapPush = (v: number): void => {
    let i = hn++;
    heap[i] = v;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      const t = heap[i]; heap[i] = heap[p]; heap[p] = t;
      i = p;
    }
  };
  const heapPop = (): void => {
    heap[0] = heap[--hn];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < hn && less(heap[l], heap[m])) m = l;
      if (r < hn && less(heap[r], heap[m])) m = r;
      if (m === i) break;
      const t = heap[i]; heap[i] = heap[m]; heap[m] = t;
      i = m;
    }
  };

  const x = new Float64Array(nb);
  const u = new Float64Array(nb - 1);
  let m = 0; // pieces emitted
  let next = 0;
  let minUtil = 1;
  for (let k = 0; k + 1 < nb; k++) {
    const a = bx[k];
    while (next < n && is[order[next]] <= a) heapPush(order[next++]);
    while (hn > 0 && ie[heap[0]] <= a) heapPop();
    const util = hn > 0 ? iu[heap[0]] : 1;
    if (m > 0 && u[m - 1] === util) continue; // extend the previous piece
    x[m] = a;
    u[m] = util;
    if (util < minUtil) minUtil = util;
    m++;
  }
  x[m] = T;
  const P = new Float64Array(m + 1);
  for (let k = 0; k < m; k++) P[k + 1] = P[k] + u[k] * (x[k + 1] - x[k]);
  return { wallMs: T, x: x.slice(0, m + 1), u: u.slice(0, m), P, minUtil };
}

function asProfile(tl: UtilizationTimeline | UtilizationProfile): UtilizationProfile {
  return 'P' in tl ? tl : compileTimeline(tl);
}

/** Utilisation over the whole run, F(T)/T (1 for an empty run). */
export function overallUtilization(tl: UtilizationTimeline | UtilizationProfile): number {
  const p = asProfile(tl);
  const m = p.u.length;
  return p.wallMs > 0 ? clamp01(p.P[m] / p.wallMs) : 1;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * The worst window of size w: MMU(w) and where it starts (the earliest such start found by the
 * sweep). w ≥ wallMs is clamped to the run (the whole run is the only window); w ≤ 0 gives the
 * limit w → 0, the lowest utilisation of any piece, at that piece's start.
 */
export function worstWindow(tl: UtilizationTimeline | UtilizationProfile, windowMs: number): WorstWindow {
  const p = asProfile(tl);
  const { x, u, P } = p;
  const m = u.length;
  const T = p.wallMs;
  if (!(windowMs === windowMs)) throw new RangeError('window is NaN');
  if (m === 0) return { windowMs, util: 1, startMs: 0 };
  if (windowMs >= T) return { windowMs, util: clamp01(P[m] / T), startMs: 0 };
  if (windowMs <= 0) {
    let k = 0;
    for (let i = 1; i < m; i++) if (u[i] < u[k]) k = i;
    return { windowMs, util: u[k], startMs: x[k] };
  }
  const w = windowMs;
  const last = T - w; // latest window start
  let best = Infinity;
  let bestStart = 0;
  let ia = 0; // next breakpoint used as a window start
  let ib = 1; // next breakpoint used as a window end
  while (ib <= m && x[ib] < w) ib++;
  let pa = 0; // piece holding the start of an end-anchored window
  let pb = 0; // piece holding the end of a start-anchored window
  for (;;) {
    const ta = ia <= m && x[ia] <= last ? x[ia] : Infinity;
    const tb = ib <= m ? x[ib] - w : Infinity;
    if (ta === Infinity && tb === Infinity) break;
    let s: number;
    let fs: number;
    let fe: number;
    if (ta <= tb) {
      // Window [x[ia], x[ia] + w]: F at the start is exact, F at the end interpolated.
      s = ta;
      fs = P[ia];
      const e = s + w;
      while (pb < m - 1 && x[pb + 1] <= e) pb++;
      fe = P[pb] + u[pb] * (e - x[pb]);
      if (ta === tb) ib++;
      ia++;
    } else {
      // Window [x[ib] − w, x[ib]]: F at the end is exact.
      s = tb < 0 ? 0 : tb;
      fe = P[ib];
      while (pa < m - 1 && x[pa + 1] <= s) pa++;
      fs = P[pa] + u[pa] * (s - x[pa]);
      ib++;
    }
    const v = (fe - fs) / w;
    if (v < best) {
      best = v;
      bestStart = s;
    }
  }
  return { windowMs, util: clamp01(best), startMs: bestStart };
}

/** MMU(w): the least mutator utilisation over all windows of w ms (see worstWindow for edge cases). */
export function mmuAt(tl: UtilizationTimeline | UtilizationProfile, windowMs: number): number {
  return worstWindow(tl, windowMs).util;
}

/**
 * BMU(w) = min over x ∈ [w, wallMs] of MMU(x), exact over the continuum of x (not only over a
 * window list). Nondecreasing in w; BMU(w) ≤ MMU(w); BMU(w ≥ wallMs) is the overall utilisation.
 */
export function bmuAt(tl: UtilizationTimeline | UtilizationProfile, windowMs: number): number {
  const p = asProfile(tl);
  return bmuGiven(p, windowMs, worstWindow(p, windowMs).util);
}

/** BMU(w) knowing MMU(w): the lower of it and the best pair of breakpoints at least w apart. */
function bmuGiven(p: UtilizationProfile, windowMs: number, mmu: number): number {
  const { x, u, P } = p;
  const m = u.length;
  const T = p.wallMs;
  if (m === 0) return 1;
  if (windowMs >= T) return clamp01(P[m] / T);
  if (windowMs <= 0) return p.minUtil;
  const w = windowMs;
  let best = mmu;
  // Only breakpoints where u drops can start an optimal window of slack length, and only ones
  // where u rises can end it (moving the edge otherwise lowers the mean); 0 and T always count.
  const hx = new Float64Array(m + 1);
  const hy = new Float64Array(m + 1);
  let h = 0;
  let si = 0; // next start candidate to consider
  for (let j = 1; j <= m; j++) {
    if (j < m && !(u[j - 1] < u[j])) continue;
    const limit = x[j] - w;
    for (; si < m && x[si] <= limit; si++) {
      if (si > 0 && !(u[si - 1] > u[si])) continue;
      // Append (x[si], P[si]) to the upper hull, dropping points on or below the new chord.
      const px = x[si];
      const py = P[si];
      while (h >= 2 && (hx[h - 1] - hx[h - 2]) * (py - hy[h - 2]) - (hy[h - 1] - hy[h - 2]) * (px - hx[h - 2]) >= 0) h--;
      hx[h] = px;
      hy[h] = py;
      h++;
    }
    if (h === 0) continue;
    // Tangent from q = (x[j], P[j]) to the upper hull: the first vertex k whose next edge is no
    // steeper than the chord k→q. The predicate is monotone along an upper hull.
    const qx = x[j];
    const qy = P[j];
    let lo = 0;
    let hi = h - 1;
    while (lo < hi) {
      const k = (lo + hi) >> 1;
      if ((hy[k + 1] - hy[k]) * (qx - hx[k]) <= (qy - hy[k]) * (hx[k + 1] - hx[k])) hi = k;
      else lo = k + 1;
    }
    const v = (qy - hy[lo]) / (qx - hx[lo]);
    if (v < best) best = v;
  }
  return clamp01(best);
}

/**
 * The default window list: 1-2-5 steps from minMs (default 1 ms) up to but excluding wallMs,
 * then wallMs itself. Empty for a run of no length.
 */
export function defaultWindows(wallMs: number, minMs = 1): number[] {
  if (!(wallMs > 0) || !Number.isFinite(wallMs)) return [];
  if (!(minMs > 0)) throw new RangeError(`minMs is ${minMs}`);
  const out: number[] = [];
  let decade = Math.floor(Math.log10(minMs));
  for (;;) {
    let done = false;
    for (const d of [1, 2, 5]) {
      const v = Number((d * 10 ** decade).toPrecision(12));
      if (v < minMs) continue;
      if (v >= wallMs) {
        done = true;
        break;
      }
      out.push(v);
    }
    if (done) break;
    decade++;
  }
  out.push(wallMs);
  return out;
}

/** MMU at each window (default: defaultWindows(wallMs)), in the order given. */
export function mmuCurve(tl: UtilizationTimeline | UtilizationProfile, windowsMs?: readonly number[]): MmuPoint[] {
  const p = asProfile(tl);
  const ws = windowsMs ?? defaultWindows(p.wallMs);
  return ws.map((w) => ({ windowMs: w, util: worstWindow(p, w).util }));
}

/** BMU at each window (default: defaultWindows(wallMs)), in the order given. */
export function bmuCurve(tl: UtilizationTimeline | UtilizationProfile, windowsMs?: readonly number[]): MmuPoint[] {
  const p = asProfile(tl);
  const ws = windowsMs ?? defaultWindows(p.wallMs);
  return ws.map((w) => ({ windowMs: w, util: bmuAt(p, w) }));
}

/** Both curves over one compiled profile. */
export function mmuAndBmu(
  tl: UtilizationTimeline | UtilizationProfile,
  windowsMs?: readonly number[],
): { mmu: MmuPoint[]; bmu: MmuPoint[] } {
  const p = asProfile(tl);
  const ws = windowsMs ?? defaultWindows(p.wallMs);
  const mmu = mmuCurve(p, ws);
  return { mmu, bmu: mmu.map((pt) => ({ windowMs: pt.windowMs, util: bmuGiven(p, pt.windowMs, pt.util) })) };
}
