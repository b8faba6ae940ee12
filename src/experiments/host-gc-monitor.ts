/**
 * Watches the host's own GCs on this thread (V8 collecting the simulator's JavaScript heap)
 * through a Node `gc` performance observer: nothing runs in a gcsim pause to watch them. Node
 * reports a GC on a later turn of the event loop, so `stop()` waits one turn before it takes the
 * entries. metrics/host-gc.ts places them in the pauses.
 */
import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { type HostGc, hostGcKind } from '../metrics/host-gc.ts';

export class HostGcMonitor {
  private readonly gcs: HostGc[] = [];
  private readonly observer: PerformanceObserver;

  private constructor() {
    this.observer = new PerformanceObserver((list) => this.add(list.getEntries()));
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Watches from now. */
  static start(): HostGcMonitor {
    return new HostGcMonitor();
  }

  /**
   * The host GCs since `start()`, start times on the clock of `performance.timeOrigin +
   * performance.now()`, and stops watching. Waits a turn of the event loop for Node's reports.
   */
  async stop(): Promise<HostGc[]> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.add(this.observer.takeRecords());
    this.observer.disconnect();
    return this.gcs;
  }

  private add(entries: readonly PerformanceEntry[]): void {
    for (const e of entries) {
      const detail = (e as PerformanceEntry & { detail?: { kind?: number } }).detail;
      this.gcs.push({ startMs: performance.timeOrigin + e.startTime, durationMs: e.duration, kind: hostGcKind(detail?.kind ?? 0) });
    }
  }
}
