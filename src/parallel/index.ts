/**
 * GC-agnostic shared-memory primitives (worklist, termination, per-thread stats, heartbeat):
 * the explicit export list. Imports nothing else from src/.
 */

export {
  Worklist,
  WorklistLocal,
  DEFAULT_SEGMENT_SIZE,
  DEFAULT_MAX_POOL_BYTES,
  type WorklistBuffers,
  type WorklistOptions,
} from './worklist.ts';
export {
  Terminator,
  type TerminationWork,
  type TerminatorBuffers,
  type TerminatorContext,
} from './termination.ts';
export {
  ThreadStats,
  clockMs,
  START_MS,
  END_MS,
  IDLE_MS,
  OBJECTS,
  BYTES,
  STEALS_ATTEMPTED,
  STEALS_SUCCEEDED,
  type ThreadStatsRow,
} from './thread-stats.ts';
export {
  Heartbeat,
  StallWatch,
  PhaseAbortedError,
  isPhaseAborted,
  setCurrentHeartbeat,
  getCurrentHeartbeat,
  NO_PROGRESS,
  ABORT_NONE,
  ABORT_THREW,
  ABORT_EXITED,
  ABORT_STALLED,
  ABORT_NO_PROGRESS,
  ABORT_REQUESTED,
} from './heartbeat.ts';
export type { ThreadContext, Participant, CreateParticipant } from './thread-context.ts';
