/**
 * How a collector's main-thread half runs a parallel phase, without knowing about threads: the
 * scheduler implements this for `threads > 1`; `InlineRunner` runs the main thread's share
 * alone. Synchronous: the mutator is stopped inside an allocation while a phase runs. Background
 * phases (concurrent marking, concurrent sweeping) run on the helpers while the mutator goes on.
 */
export interface PhaseRunner {
  readonly threads: number;
  /**
   * Runs `phase` on every participant; `mainBody` is the main thread's share. `mainOnly`: the
   * main thread alone runs it, as at threads = 1 (no helper is woken). `joinAll`: every helper
   * takes part from the start, whatever the helper-join mode (owner marking deals the heap to
   * every thread).
   */
  run(phase: number, arg: number, name: string, mainBody: () => void, mainOnly?: boolean, joinAll?: boolean): void;
  /** Microseconds from the start of the last phase until every helper was running it. */
  readonly lastWakeUs: number;
  /** Helpers the last phase let join: what its work wanted when they were woken; 0 if none was woken. */
  readonly lastHelperLimit: number;
  /** ms from the start of the last phase until its helpers were woken; -1 if none was. */
  readonly lastWokenAfterMs: number;
  /** Helpers run `phase` while the main thread returns at once (threads > 1 only). */
  startBackground(phase: number, arg: number, name: string): void;
  backgroundDone(): boolean;
  joinBackground(): void;
  close(): Promise<void>;
}

export class InlineRunner implements PhaseRunner {
  readonly threads = 1;
  readonly lastWakeUs = 0;
  readonly lastHelperLimit = 0;
  readonly lastWokenAfterMs = -1;
  run(_phase: number, _arg: number, _name: string, mainBody: () => void): void {
    mainBody();
  }
  startBackground(_phase: number, _arg: number, name: string): void {
    throw new Error(`background phase ${name} needs helper threads (threads > 1)`);
  }
  backgroundDone(): boolean {
    return true;
  }
  joinBackground(): void {}
  async close(): Promise<void> {}
}
