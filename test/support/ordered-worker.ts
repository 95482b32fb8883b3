/**
 * A worker for test/engine/blocking-worker.test.ts: answers `{ id, delayMs, fail }` with the ids
 * it has handled so far, after waiting `delayMs` (asynchronously, so that a later request could
 * start meanwhile if requests were not handled one at a time); `fail` makes it throw instead.
 * `readEnv` names an environment variable to answer with instead, as the worker sees it now.
 */
import { serveBlocking } from "../../engine/blocking-worker";

const handled: number[] = [];

serveBlocking<{ id: number; delayMs: number; fail?: boolean; readEnv?: string }, (number | string)[]>(async ({ id, delayMs, fail, readEnv }) => {
  if (readEnv !== undefined) return [process.env[readEnv] ?? "unset"];
  handled.push(id);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (fail) throw new Error(`request ${id} failed`);
  handled.push(-id);
  return [...handled];
});
