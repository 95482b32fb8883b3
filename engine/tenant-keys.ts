/**
 * Keys and digests of the estate's tenants, derived from the data itself: nothing here lists a
 * task's or a stack's fields, so a field added to TenantTask or to TenantStackShape changes the
 * keys without touching this file (test/engine/tenant-keys.test.ts).
 */
import type { TenantStackPlan, TenantStackShape } from "../estate/estate";
import type { TenantTask } from "../estate/tenant-task";
import { canonicalText, digest, digestOf } from "./digest";

/**
 * A digest of everything a tenant's blocks are built from besides the environment and the
 * agency: every other field of its task, whatever fields the task has. The agency is digested
 * apart: the same object serves several tasks, and its digest is computed once (engine/digest.ts).
 */
export function taskKey(task: TenantTask): string {
  return digestOf(taskInputs(task));
}

/** Every field of the task but its agency. */
function taskInputs(task: TenantTask): object {
  const { agency: _agency, ...inputs } = task;
  return inputs;
}

const tenantDigests = new WeakMap<TenantTask, string>();

/**
 * A digest of everything a tenant's blocks are built from (its task, agency included): the
 * agency's digest and the text of every other field, in one hash. The blocks are a function of
 * the task, the environment and the code, which every stack's fingerprint includes: digesting
 * the task is digesting the blocks, at a fiftieth of the bytes.
 */
export function tenantDigest(task: TenantTask): string {
  let value = tenantDigests.get(task);
  if (value === undefined) {
    value = digest(task.agency, canonicalText(taskInputs(task)));
    tenantDigests.set(task, value);
  }
  return value;
}

/** Records a digest computed elsewhere (the second thread digests the tenants it builds). */
export function knownTenantDigest(task: TenantTask, value: string): void {
  tenantDigests.set(task, value);
}

/**
 * A tenant stack's plan without its blocks, as plain data (to digest, or to copy to another
 * thread): every own field but `blocks`, read without calling a getter, so blocks merged on
 * first use stay unmerged.
 */
export function stackShape(plan: TenantStackPlan | TenantStackShape): TenantStackShape {
  const shape: Record<string, unknown> = {};
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(plan))) {
    if (key !== "blocks") shape[key] = descriptor.value;
  }
  return shape as unknown as TenantStackShape;
}
