/**
 * The messages between the fuzz parent and a case-running child process (over the IPC channel
 * of `child_process.fork`). The child says when a case starts, so that the parent's deadline
 * counts the case and not the child's start-up, and when it ends, with the result.
 */
import type { FuzzCase } from './ops.ts';
import type { CaseOptions } from './program.ts';
import type { CaseResult } from './runner.ts';

export type ChildRequest =
  /** Run the case of a seed (the child generates it) or a given case. */
  { type: 'run'; id: number; seed: number; caseOptions: CaseOptions; case: FuzzCase | null; deadlineMs: number };

export type ChildMessage =
  | { type: 'start'; id: number }
  | { type: 'end'; id: number; result: CaseResult }
  /** The case could not be run at all (a bad configuration in a case file). */
  | { type: 'error'; id: number; message: string };
