/**
 * The second thread (cli/second-thread.ts): reads its share of the agency files, then, when it
 * is to synthesize too, loads cdktf and the provider bindings while the main thread builds the
 * estate, and takes tenant stacks from the back of the shared queue.
 */
import { loadAgencyFile, toPortableAgency, type PortableAgency } from "../environments";
import { UserError } from "../environments/diagnostics";
import type * as GovcloudApp from "../stacks/govcloud-app";
import { serveBlocking } from "./blocking-worker";
import { StackQueue } from "./parallel-synth";
import type { LoadAnswer, LoadJob, SecondThreadRequest, SynthJob } from "./second-thread";

serveBlocking<SecondThreadRequest, LoadAnswer | string[]>((request) => {
  if (request.kind === "synth") return synthesize(request);
  const answer = load(request);
  // After the answer is sent: the main thread now builds the estate, and this core is free.
  if (request.thenSynthesize) setImmediate(synthesisCode);
  return answer;
});

function load(job: LoadJob): LoadAnswer {
  const counter = new Int32Array(job.next);
  const answer: (readonly [number, PortableAgency])[] = [];
  for (;;) {
    const start = Atomics.add(counter, 0, job.chunk);
    if (start >= job.files.length) break;
    for (let index = start; index < Math.min(start + job.chunk, job.files.length); index++) {
      const file = job.files[index] as string;
      let result;
      try {
        result = loadAgencyFile(file);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        result = error;
      }
      answer.push([index, toPortableAgency(result, file)]);
    }
  }
  return answer;
}

function synthesize(job: SynthJob): string[] {
  const { STACKS_PER_CLAIM, synthesizeInBatches } = synthesisCode();
  const queue = new StackQueue(job.stacks, job.queue, job.lowest);
  const written: string[] = [];
  synthesizeInBatches(job.estate, job.outdir, () => queue.takeBack(STACKS_PER_CLAIM), {
    onBatch: (_done, batch) => {
      written.push(...batch);
      queue.countWorkerDone(batch.length);
    },
  });
  return written;
}

/** cdktf and the constructs, loaded on first use: a thread that only reads files never needs them. */
function synthesisCode(): typeof GovcloudApp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../stacks/govcloud-app") as typeof GovcloudApp;
}
