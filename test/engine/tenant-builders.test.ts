/**
 * Tenant builders (engine/tenant-builders.ts) are strategies for buildEstate: whichever builds
 * the tenants (the plain in-thread builder, the lazy one, a watch session's memo, a helper on
 * another thread), the estate has the same stacks, blocks and counts, and a plan copied to
 * another thread without its blocks gets the same blocks there.
 */
import { describe, expect, it } from "vitest";
import { EstateMemo } from "../../engine/estate-memo";
import { lazyTenants, lazyTenantStack, rememberedTenants, sharedTenants, type TenantHelper } from "../../engine/tenant-builders";
import { stackShape, tenantDigest } from "../../engine/tenant-keys";
import { loadEnvironmentConfig } from "../../environments";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate, type Estate } from "../../estate/estate";
import { buildTenant, type TenantTask } from "../../estate/tenant-task";
import { REPO_ROOT } from "../support/synth";

const config = loadEnvironmentConfig(REPO_ROOT, "national");
const lock = readShardLock(lockFilePath(config.environmentPath));

function estateOf(result: ReturnType<typeof buildEstate>): Estate {
  if (result.estate === undefined) throw new Error(result.problems.map((p) => p.message).join("\n"));
  return result.estate;
}

/** Everything an estate holds, its stacks' blocks included. */
function everything(estate: Estate) {
  return { ...estate, tenantStacks: estate.tenantStacks.map((plan) => ({ ...stackShape(plan), blocks: plan.blocks })) };
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
      answer = structuredClone(tasks).map((task) => [buildTenant(structuredClone(env), task).count, tenantDigest(task)] as const);
    },
    finish: () => answer,
  };
}

describe("tenant builders", () => {
  const plain = estateOf(buildEstate(config, lock));
  const tasks = plain.tenantStacks.reduce((n, plan) => n + plan.tenants.length, 0);

  it("give the estate the same stacks, blocks and counts as the plain builder", () => {
    expect(everything(estateOf(buildEstate(config, lock, { tenants: lazyTenants })))).toEqual(everything(plain));
    const memo = new EstateMemo();
    for (let run = 0; run < 2; run++) {
      expect(everything(estateOf(buildEstate(config, lock, { tenants: rememberedTenants(memo), agencyStep: memo.agencyStep })))).toEqual(everything(plain));
    }
    for (const share of [0.5, 1]) {
      const helper = copyingHelper(share);
      const helped = estateOf(buildEstate(config, lock, { tenants: sharedTenants(helper) }));
      expect(helper.given).toHaveLength(Math.floor(tasks * share));
      expect(everything(helped)).toEqual(everything(plain));
    }
  });

  it("hand over the last tenants, in region and agency order", () => {
    const helper = copyingHelper(0.5);
    buildEstate(config, lock, { tenants: sharedTenants(helper) });
    const order = (t: TenantTask) => `${t.regionId}/${t.agency.id}`;
    const all = plain.tenantStacks.flatMap((plan) => plan.tenants).map(order).sort();
    expect(helper.given.map(order)).toEqual(all.slice(all.length - helper.given.length));
  });

  it("merge a stack's blocks only when they are read", () => {
    let built = 0;
    const lazy = estateOf(buildEstate(config, lock, { tenants: lazyTenants }));
    const plan = lazy.tenantStacks[0];
    if (plan === undefined) throw new Error("no tenant stack");
    const counted = lazyTenantStack(stackShape(plan), (task) => {
      built++;
      return buildTenant(lazy.environment, task).instances;
    });
    expect(built).toBe(0);
    expect(counted.blocks).toEqual(plan.blocks);
    expect(built).toBe(plan.tenants.length);
  });

  it("give the same blocks on the thread a plan is copied to", () => {
    for (const plan of plain.tenantStacks) {
      const copy = structuredClone(stackShape(plan));
      const env = structuredClone(plain.environment);
      expect(lazyTenantStack(copy, (task) => buildTenant(env, task).instances).blocks).toEqual(plan.blocks);
    }
  });
});
