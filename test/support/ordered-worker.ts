/**
 * A worker for test/engine/blocking-worker.test.ts: answers `{ id, delayMs, fail }` with the ids
 * it has handled so far, after waiting `delayMs` (asynchronously, so that a later request could
 * start meanwhile if requests were not handled one at a time); `fail` makes it throw instead.
 */
import { serveBlocking } from "../../engine/blocking-worker";

const handled: number[] = [];

serveBlocking<{ id: number; delayMs: number; fail?: boolean }, number[]>(async ({ id, delayMs, fail }) => {
  handled.push(id);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (fail) throw new Error(`request ${id} failed`);
  handled.push(-id);
  return [...handled];
});
