/**
 * Tenants built elsewhere: an estate whose tenants are partly built by a helper (another thread
 * in `govcloud synth`) plans the same stacks, and a plan copied to another thread without its
 * blocks gets the same blocks there.
 */
import { describe, expect, it } from "vitest";
import { loadEnvironmentConfig } from "../../environments";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate, type Estate, portableTenantStackPlan, type TenantHelper, tenantStackPlan } from "../../estate/estate";
import { buildTenant, taskKey, type TenantTask } from "../../estate/tenant-task";
import { REPO_ROOT } from "../support/synth";

const config = loadEnvironmentConfig(REPO_ROOT, "national");
const lock = readShardLock(lockFilePath(config.environmentPath));

function estateOf(result: ReturnType<typeof buildEstate>): Estate {
  if (result.estate === undefined) throw new Error(result.problems.map((p) => p.message).join("\n"));
  return result.estate;
}

/** Everything a plan holds, blocks included. */
function plans(estate: Estate) {
  return estate.tenantStacks.map((plan) => ({ ...portableTenantStackPlan(plan), blocks: plan.blocks }));
}

/** A helper that builds its tasks from copies, as a thread would, and keeps nothing here. */
function copyingHelper(share: number): TenantHelper & { readonly given: TenantTask[] } {
  const given: TenantTask[] = [];
  let answer: (readonly [number, string])[] = [];
  return {
    share,
    given,
    start(env, tasks) {
      given.push(...tasks);
      answer = structuredClone(tasks).map((task) => {
        const tenant = buildTenant(structuredClone(env), task);
        return [tenant.count, tenant.digest] as const;
      });
    },
    finish: () => answer,
  };
}

describe("tenants built elsewhere", () => {
  const alone = estateOf(buildEstate(config, lock));
  const tasks = alone.tenantStacks.reduce((n, plan) => n + plan.tenants.length, 0);

  it("give the estate the same stacks, blocks, counts and digests as tenants built here", () => {
    for (const share of [0.5, 1]) {
      const helper = copyingHelper(share);
      const helped = estateOf(buildEstate(config, lock, { helper }));
      expect(helper.given).toHaveLength(Math.floor(tasks * share));
      expect(plans(helped)).toEqual(plans(alone));
    }
  });

  it("are the last ones, in region and agency order", () => {
    const helper = copyingHelper(0.5);
    buildEstate(config, lock, { helper });
    const order = (t: TenantTask) => `${t.regionId}/${t.agency.id}`;
    const all = alone.tenantStacks.flatMap((plan) => plan.tenants).map(order).sort();
    expect(helper.given.map(order)).toEqual(all.slice(all.length - helper.given.length));
  });

  it("get the same blocks on the thread a plan is copied to", () => {
    for (const plan of alone.tenantStacks) {
      const copy = structuredClone(portableTenantStackPlan(plan));
      const env = structuredClone(alone.environment);
      expect(tenantStackPlan(copy, (task) => buildTenant(env, task).blocks).blocks).toEqual(plan.blocks);
    }
  });

  it("have keys derived from every input: changing any field of any task changes its key", () => {
    const helper = copyingHelper(1);
    buildEstate(config, lock, { helper });
    const all = helper.given;
    expect(new Set(all.map(taskKey)).size).toBe(new Set(all.map((t) => JSON.stringify({ ...t, agency: undefined }))).size);
    for (const task of all) {
      const key = taskKey(task);
      expect(taskKey(structuredClone(task))).toBe(key);
      for (const field of Object.keys(task) as (keyof TenantTask)[]) {
        if (field === "agency") continue;
        // A value of the same field that differs: another task's, or one with something added.
        const other = all.find((t) => JSON.stringify(t[field]) !== JSON.stringify(task[field]));
        const changed = { ...task, [field]: other?.[field] ?? [task[field], "changed"] } as TenantTask;
        expect(taskKey(changed), `${task.regionId}/${task.agency.id}: ${field}`).not.toBe(key);
      }
    }
  });
});
