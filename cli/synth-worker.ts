/**
 * The second synthesis thread: loads cdktf and the provider bindings while the main thread still
 * reads configuration, then takes tenant stacks from the back of the shared queue and
 * synthesizes them into its own folder until the queue is empty. Answers with the stacks it wrote.
 */
import type { Estate } from "../estate/estate";
import { STACKS_PER_CLAIM, synthesizeInBatches } from "../stacks/govcloud-app";
import { serveBlocking } from "./blocking-worker";
import { StackQueue } from "./parallel-synth";

export interface SynthJob {
  /** The estate with the plans of only the tenant stacks this thread may take. */
  readonly estate: Estate;
  readonly stacks: readonly string[];
  readonly queue: SharedArrayBuffer;
  readonly lowest: number;
  readonly outdir: string;
}

serveBlocking<SynthJob, string[]>((job) => {
  const queue = new StackQueue(job.stacks, job.queue, job.lowest);
  const written: string[] = [];
  synthesizeInBatches(job.estate, job.outdir, () => queue.takeBack(STACKS_PER_CLAIM), {
    onBatch: (_done, batch) => {
      written.push(...batch);
      queue.countWorkerDone(batch.length);
    },
  });
  return written;
});
