/** The second thread of cli/parallel-load.ts: loads chunks of agency files until none are left. */
import { loadAgencyFile, toPortableAgency, type PortableAgency } from "../environments";
import { UserError } from "../environments/diagnostics";
import { serveBlocking } from "./blocking-worker";
import type { LoadAnswer, LoadJob } from "./parallel-load";

serveBlocking<LoadJob, LoadAnswer>((job) => {
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
});
