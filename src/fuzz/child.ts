/**
 * Entry of a fuzz child process: runs the cases its parent sends, one at a time, and reports
 * each start and end over IPC. A case that hangs inside a GC cannot be stopped in-process: the
 * parent kills this process and starts another. ForTesting: with GCSIM_FUZZ_TEST_SPIN=1 in its
 * environment the child spins forever once a case starts, as a GC that never returns would.
 */
import { caseForSeed } from './program.ts';
import { runCase } from './runner.ts';
import type { ChildMessage, ChildRequest } from './child-api.ts';

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

let queue: Promise<void> = Promise.resolve();

process.on('message', (req: ChildRequest) => {
  if (req.type !== 'run') return;
  queue = queue.then(async () => {
    send({ type: 'start', id: req.id });
    if (process.env.GCSIM_FUZZ_TEST_SPIN === '1') for (;;);
    try {
      const c = req.case ?? caseForSeed(req.seed, req.caseOptions);
      const result = await runCase(c, { deadlineMs: req.deadlineMs });
      send({ type: 'end', id: req.id, result });
    } catch (e) {
      send({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
});

// The parent closes the channel when it is done: exit then, even if a helper thread lingers.
process.on('disconnect', () => process.exit(0));
