/**
 * The second synthesis thread. It starts while the main thread still reads configuration, loads
 * cdktf and the provider bindings, then waits for its share of the stacks, synthesizes them into
 * its own folder and signals the main thread, which is blocked in `Atomics.wait`.
 */
import { type MessagePort, workerData } from "node:worker_threads";
import type { Estate } from "../estate/estate";
import { buildApp } from "../stacks/govcloud-app";
import { withoutTokenStackTraces } from "../stacks/stack-traces";

export interface SynthJob {
  readonly estate: Estate;
  readonly only: readonly string[];
  readonly outdir: string;
}

export type SynthJobResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly stack?: string };

const done = new Int32Array(workerData.signal as SharedArrayBuffer);
const port = workerData.port as MessagePort;

port.once("message", (job: SynthJob) => {
  let result: SynthJobResult;
  try {
    withoutTokenStackTraces(() => buildApp(job.estate, { outdir: job.outdir, only: new Set(job.only) }).synth());
    result = { ok: true };
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined };
  }
  port.postMessage(result);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
  port.close();
});
