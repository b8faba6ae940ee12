/**
 * ForTesting: a GC participant that fails on request, the way a buggy or dying helper would
 * (throw, process exit, hang), to test the scheduler's fault handling. The scheduler loads this
 * module instead of participant.ts only when a run asks for fault injection (RunSpec.testFault),
 * so production helpers never check for faults. Helper threads only.
 */
import { C_TEST_FAULT } from '../heap/heap.ts';
import { GcShared, type GcBuffers } from './gc-shared.ts';
import { Participant } from './participant.ts';

/** Faults a helper can be told to commit in a phase (the C_TEST_FAULT word). */
export const FAULT_THROW = 1;
export const FAULT_EXIT = 2;
export const FAULT_HANG = 3;
/** Exit status of a helper that commits FAULT_EXIT. */
export const FAULT_EXIT_STATUS = 7;

/** The C_TEST_FAULT word: helper `thread` commits `kind` when it next runs `phase`. */
export function encodeTestFault(thread: number, phase: number, kind: number): number {
  return (thread << 8) | (phase << 2) | kind;
}

class FaultInjectingParticipant extends Participant {
  override runPhase(phase: number, arg: number): void {
    const ctl = this.shared.heap.ctl;
    const fault = ctl[C_TEST_FAULT];
    if (fault !== 0 && fault >>> 8 === this.threadId && ((fault >>> 2) & 63) === phase) {
      const kind = fault & 3;
      if (kind === FAULT_THROW) throw new Error('injected fault');
      if (kind === FAULT_EXIT) process.exit(FAULT_EXIT_STATUS);
      if (kind === FAULT_HANG) for (;;) Atomics.wait(ctl, C_TEST_FAULT, ctl[C_TEST_FAULT], 1000);
    }
    super.runPhase(phase, arg);
  }
}

/** Entry point for helper threads when fault injection is on (see participant.ts). */
export function createParticipant(data: unknown, threadId: number): { runPhase(phase: number, arg: number): void } {
  return new FaultInjectingParticipant(GcShared.attach(data as GcBuffers), threadId);
}
