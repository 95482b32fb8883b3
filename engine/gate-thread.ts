/**
 * The policy gate's thread (engine/policy-gate-worker.ts), and the one thread a process keeps
 * for its next gate: a thread started early (engine/start.ts), or the thread of the last gate
 * closed with no request in flight. The next gate takes it, with what it has loaded (the packs,
 * the synthesis code): about a second saved for each synthesis after the first in one process
 * (the tests, `govcloud pipeline`), and the CLI's start-up for `govcloud synth`, which runs one
 * synthesis and so keeps none after it (its thread stops as soon as its gate closes). Its requests
 * carry everything a check needs: a preparation replaces the settings of the one before, and a
 * check of another environment does not use them. Unreferenced, it never keeps the process alive.
 *
 * Light on purpose (no project imports but the blocking worker): engine/start.ts loads it before
 * the CLI's modules.
 */
import * as path from "node:path";
import { BlockingWorker } from "./blocking-worker";
import type { GateFinding, GateThreadOptions, GateThreadRequest } from "./policy-gate-worker";
import type { LoadAnswer } from "./parallel-load";

export type GateWorker = BlockingWorker<GateThreadRequest, GateFinding[] | string[] | string | LoadAnswer>;

let kept: GateWorker | undefined;
/** Set for a process that runs one synthesis: a closed gate's thread then stops at once. */
let keepNone = false;

/** Starts a gate's thread now: it loads the packs, and with `preloadSynthesis` the synthesis code first. */
export function startGateThread(options: GateThreadOptions): GateWorker {
  return new BlockingWorker(path.join(__dirname, "policy-gate-worker.cjs"), { ...options });
}

/** Keeps `worker` for the next gate; false (and nothing kept) when one is kept already, or none is to be. */
export function keepGateThread(worker: GateWorker): boolean {
  if (kept !== undefined || keepNone) return false;
  kept = worker;
  return true;
}

/**
 * For a process that runs one synthesis (`govcloud synth`): no gate's thread is kept once the
 * thread kept now is taken. A closed gate's thread then stops while the command finishes, instead
 * of at the process's exit, where Node waits for it (about 50 ms of a re-synthesis).
 */
export function keepNoMoreGateThreads(): void {
  keepNone = true;
}

/** The kept thread, if any; the caller owns it from now on. */
export function takeGateThread(): GateWorker | undefined {
  const worker = kept;
  kept = undefined;
  return worker;
}
