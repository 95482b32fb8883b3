/**
 * The second thread (engine/second-thread.ts): reads its share of the agency files, then, when it
 * is to synthesize too, loads cdktf and the provider bindings while the main thread checks the
 * estate, builds the tenants it is sent and keeps them, and takes tenant stacks from the back of
 * the shared queue.
 */
import { buildTenant, type Tenant, tenantId } from "../estate/tenant-task";
import { synthesizeTenantStacks } from "./worker-synthesis";
import { tenantDigest } from "./tenant-keys";
import { serveBlocking } from "./blocking-worker";
import { StackQueue } from "./parallel-synth";
import { loadSynthesisCodeStepwise, synthesisCode } from "./synthesis-code";
import type { SecondThreadRequest, SynthJob, TenantAnswer, TenantJob } from "./second-thread";
import { type LoadAnswer, readShare } from "./parallel-load";

/** The tenants this thread built, kept for the stacks it synthesizes. */
const built = new Map<string, Tenant>();

serveBlocking<SecondThreadRequest, LoadAnswer | TenantAnswer | string[]>((request) => {
  if (request.kind === "tenants") return buildTenants(request);
  if (request.kind === "synth") return synthesize(request);
  const answer = readShare(request);
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

function synthesize(job: SynthJob): string[] {
  const { STACKS_PER_CLAIM } = synthesisCode();
  const queue = new StackQueue(job.stacks, job.queue, job.lowest);
  try {
    return synthesizeTenantStacks(job, () => queue.takeBack(STACKS_PER_CLAIM), { built, onBatch: (batch) => queue.countWorkerDone(batch.length) });
  } finally {
    built.clear();
  }
}
