/**
 * The participant module of bench/handshake.bench.ts: one phase that does nothing, so a phase's
 * time is the handshake alone (wake the helpers, run, arrive). Runs in every helper thread and,
 * for participant 0, on the main thread.
 */
import type { Participant, ThreadContext } from '../../src/parallel/thread-context.ts';

export const NOOP_PHASE = 0;

export function createParticipant(_data: unknown, _threadId: number, _ctx: ThreadContext): Participant {
  return {
    runPhase(phase: number): void {
      if (phase !== NOOP_PHASE) throw new Error(`noop participant: unknown phase ${phase}`);
    },
  };
}
