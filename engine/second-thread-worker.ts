/**
 * The second thread (engine/second-thread.ts): reads its share of the agency files, then, when it
 * is to synthesize too, loads cdktf and the provider bindings while the main thread checks the
 * estate, builds the tenants it is sent and keeps them, and takes tenant stacks from the back of
 * the shared queue.
 */
import { type CompactAgency, readAgencyFile, shownInFolder, toCompact } from "./agency-read";
import { buildTenant, type Tenant, tenantId } from "../estate/tenant-task";
import { synthesizeTenantStacks } from "./worker-synthesis";
import { tenantDigest } from "./tenant-keys";
import { serveBlocking } from "./blocking-worker";
import { StackQueue } from "./parallel-synth";
import { loadSynthesisCodeStepwise, synthesisCode } from "./synthesis-code";
import type { LoadAnswer, LoadJob, SecondThreadRequest, SynthJob, TenantAnswer, TenantJob } from "./second-thread";

/** The tenants this thread built, kept for the stacks it synthesizes. */
const built = new Map<string, Tenant>();

serveBlocking<SecondThreadRequest, LoadAnswer | TenantAnswer | string[]>((request) => {
  if (request.kind === "tenants") return buildTenants(request);
  if (request.kind === "synth") return synthesize(request);
  const answer = load(request);
  // After the answer is sent: the main thread now checks the estate, and this core is free
  // until the tenants job comes.
  if (request.thenSynthesize) setImmediate(loadSynthesisCodeStepwise);
  return answer;
});

function buildTenants(job: TenantJob): TenantAnswer {
  built.clear();
  return job.tasks.map((task) => {
    const tenant = buildTenant(job.environment, task);
    built.set(tenantId(task), tenant);
    return [tenant.count, tenantDigest(task)] as const;
  });
}

function load(job: LoadJob): LoadAnswer {
  const counter = new Int32Array(job.next);
  const answer: (readonly [number, CompactAgency])[] = [];
  const shown = shownInFolder();
  for (;;) {
    const start = Atomics.add(counter, 0, job.chunk);
    if (start >= job.files.length) break;
    for (let index = start; index < Math.min(start + job.chunk, job.files.length); index++) {
      const file = job.files[index] as string;
      answer.push([index, toCompact(readAgencyFile(file, job.wanted, shown), file)]);
    }
  }
  return answer;
}

function synthesize(job: SynthJob): string[] {
  const { STACKS_PER_CLAIM } = synthesisCode();
  const queue = new StackQueue(job.stacks, job.queue, job.lowest);
  try {
    return synthesizeTenantStacks(job, () => queue.takeBack(STACKS_PER_CLAIM), { built, onBatch: (batch) => queue.countWorkerDone(batch.length) });
  } finally {
    built.clear();
  }
}
