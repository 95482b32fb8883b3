/**
 * The second synthesis thread: loads cdktf and the provider bindings while the main thread still
 * reads configuration, then synthesizes its share of the stacks into its own folder.
 */
import type { Estate } from "../estate/estate";
import { synthesizeInBatches } from "../stacks/govcloud-app";
import { serveBlocking } from "./blocking-worker";

export interface SynthJob {
  readonly estate: Estate;
  readonly only: readonly string[];
  readonly outdir: string;
}

serveBlocking<SynthJob, true>((job) => {
  synthesizeInBatches(job.estate, job.outdir, job.only);
  return true;
});
