/**
 * The engine's second entry point, for process start-up (the first is engine/index.ts): starts
 * the threads a command will want before the command's modules load, so that their loading
 * overlaps with the CLI's. bin/govcloud.cjs calls it for `govcloud synth`; a thread that the
 * command then does not use costs the second core a little and ends with the process.
 *
 * Loads nothing heavy (engine/gate-thread.ts, engine/thread-setting.ts).
 */
import { keepGateThread, keepNoMoreGateThreads, startGateThread } from "./gate-thread";
import { gateThreadWillSynthesize } from "./thread-setting";

/**
 * Starts the policy gate's thread of a coming `govcloud synth` into `outdir` (not a watch
 * session, which has the synthesis code on its main thread) while the CLI loads, about a third
 * of a second earlier than the command itself would. Into an output with stacks to reuse (a
 * re-synthesis), it loads the synthesis code before the packs: it will synthesize the stacks that
 * changed (engine/synth.ts).
 */
export function startPolicyGateThread(outdir: string): void {
  const worker = startGateThread({ preloadSynthesis: gateThreadWillSynthesize(outdir) });
  if (!keepGateThread(worker)) worker.close();
  // The command synthesizes once: its gate's thread ends when the gate closes.
  keepNoMoreGateThreads();
}
