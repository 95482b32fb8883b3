/**
 * Tenant stacks synthesized on a worker thread (the second thread, or the policy gate's thread in
 * a re-synthesis): the main thread sends their shapes (plain data, without blocks), and the worker
 * builds the tenants it does not have and writes the stacks into a folder of its own, which the
 * main thread adopts (engine/parallel-synth.ts). Output is the same bytes as the main thread's.
 */
import type { Environment } from "../environments/schema";
import type { TenantStackShape } from "../estate/estate";
import { buildTenant, type Tenant, tenantId, type TenantTask } from "../estate/tenant-task";
import type { StackSource } from "../stacks/govcloud-app";
import { synthesisCode } from "./synthesis-code";
import { lazyTenantStack } from "./tenant-builders";

export interface TenantStacksJob {
  readonly environment: Environment;
  /** From a stack folder to the project root, for local state (stacks/govcloud-app.ts). */
  readonly stateRoot?: string;
  /** The plans of the tenant stacks this thread may take, without their blocks. */
  readonly plans: readonly TenantStackShape[];
  readonly outdir: string;
}

/**
 * Synthesizes the stacks that `source` hands out (names of `job.plans`) into `job.outdir`;
 * tenants not in `built` are built from their tasks. Returns the stacks written, in order.
 */
export function synthesizeTenantStacks(job: TenantStacksJob, source: StackSource, options: { readonly built?: ReadonlyMap<string, Tenant>; readonly onBatch?: (batch: readonly string[]) => void } = {}): string[] {
  const { synthesizeInBatches } = synthesisCode();
  const env = job.environment;
  const instancesOf = (task: TenantTask) => (options.built?.get(tenantId(task)) ?? buildTenant(env, task)).instances;
  const estate = { environment: env, tenantStacks: job.plans.map((plan) => lazyTenantStack(plan, instancesOf)), ...(job.stateRoot === undefined ? {} : { stateRoot: job.stateRoot }) };
  const written: string[] = [];
  synthesizeInBatches(estate, job.outdir, source, {
    onBatch: (_done, batch) => {
      written.push(...batch);
      options.onBatch?.(batch);
    },
  });
  return written;
}
