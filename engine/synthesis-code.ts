/**
 * The synthesis code: cdktf, the provider bindings and our stacks. Loading it takes about half a
 * second, so commands load it when first needed. On two threads, `govcloud synth` loads it while
 * the other thread is busy: the main thread while the worker starts and reads the first files
 * (it then reads more of them), the worker while the main thread checks the estate
 * (engine/second-thread.ts).
 */
import type * as GovcloudApp from "../stacks/govcloud-app";

export function synthesisCode(): typeof GovcloudApp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../stacks/govcloud-app") as typeof GovcloudApp;
}

/** The synthesis code in steps of at most a third of a second each. */
const STEPS = ["cdktf", "../constructs/tenant-baseline", "../constructs/tenant-workloads", "../stacks/govcloud-app"];

/**
 * Loads the synthesis code one step per turn of the event loop, for a worker between jobs: a job
 * that comes meanwhile waits for one step, not for all of them. `then` runs after the last step.
 */
export function loadSynthesisCodeStepwise(step = 0, then?: () => void): void {
  const module = STEPS[step];
  if (module === undefined) {
    then?.();
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(module);
  setImmediate(() => loadSynthesisCodeStepwise(step + 1, then));
}
