/**
 * The engine's tenant builders for buildEstate (estate/tenant-builder.ts). All give the blocks of
 * the plain in-thread builder; they differ in where and when the work is done:
 * - every builder here merges a tenant stack's blocks on first use (`blocks` is a getter), so a
 *   thread builds only the stacks it synthesizes, and commands that never synthesize none;
 * - `rememberedTenants` keeps tenants and merged stacks between the runs of a watch session;
 * - `sharedTenants` hands a share of the tenants to another thread (the second thread), which
 *   keeps their blocks for the stacks it synthesizes; this thread builds them again only for a
 *   stack it synthesizes itself.
 */
import type { Environment } from "../environments/schema";
import type { BuildingTenants, TenantBuilder, TenantStackPlan, TenantStackShape } from "../estate/tenant-builder";
import type { Blocks } from "../estate/tenant-model";
import { buildTenant, mergeTenants, type Tenant, type TenantInstances, type TenantTask } from "../estate/tenant-task";
import type { EstateMemo } from "./estate-memo";
import { knownTenantDigest, stackShape, taskKey, tenantDigest } from "./tenant-keys";
import { merged } from "../core/merged";

/** A tenant stack whose blocks are merged from the instances of each tenant (`instancesOf`) on first use. */
export function lazyTenantStack(
  shape: TenantStackShape,
  instancesOf: (task: TenantTask) => TenantInstances,
  merge: (parts: readonly TenantInstances[]) => Blocks = mergeTenants,
): TenantStackPlan {
  let blocks: Blocks | undefined;
  return {
    ...stackShape(shape),
    get blocks(): Blocks {
      blocks ??= merge(shape.tenants.map(instancesOf));
      return blocks;
    },
  };
}

/** Builds every tenant here, in turn; merges stacks on first use. */
export const lazyTenants: TenantBuilder = {
  start(environment, tasks) {
    const built = new Map<TenantTask, Tenant>(tasks.map((task) => [task, buildTenant(environment, task)]));
    const instancesOf = (task: TenantTask) => (built.get(task) ?? buildTenant(environment, task)).instances;
    return { counts: () => tasks.map((task) => (built.get(task) as Tenant).count), stack: (shape) => lazyTenantStack(shape, instancesOf) };
  },
};

/** Builds each tenant only when its agency or task changed since `memo` last saw it (watch sessions). */
export function rememberedTenants(memo: EstateMemo): TenantBuilder {
  return {
    start(environment, tasks) {
      // The digest is remembered with the tenant: digesting an agency is most of the work.
      const tenantOf = (task: TenantTask) => {
        const tenant = memo.remember(environment, task.agency, taskKey(task), () => merged(buildTenant(environment, task), { digest: tenantDigest(task) }));
        knownTenantDigest(task, tenant.digest);
        return tenant;
      };
      const built = tasks.map(tenantOf);
      return {
        counts: () => built.map((tenant) => tenant.count),
        stack: (shape) => lazyTenantStack(shape, (task) => tenantOf(task).instances, (parts) => memo.rememberMerged(environment, shape.name, parts, () => mergeTenants(parts))),
      };
    },
  };
}

/**
 * Another thread that builds tenants and keeps their blocks for the stacks it synthesizes
 * (engine/second-thread.ts).
 */
export interface TenantHelper {
  /** The fraction of the tenants (the last ones, in region and agency order) to hand over. */
  readonly share: number;
  /** Starts building `tasks` elsewhere and returns at once. */
  start(environment: Environment, tasks: readonly TenantTask[]): void;
  /** Blocks until they are built; their instance counts and digests, in task order. */
  finish(): readonly (readonly [count: number, digest: string])[];
}

/** Builds the helper's share of the tenants on its thread and the rest here, at the same time. */
export function sharedTenants(helper: TenantHelper): TenantBuilder {
  return {
    start(environment, tasks): BuildingTenants {
      const handedOver = Math.floor(tasks.length * helper.share);
      const here = tasks.slice(0, tasks.length - handedOver);
      // Started even with nothing to hand over: the other thread then forgets the tenants of an
      // earlier build (with the tenant counts cache, a re-synthesis may build none up front).
      helper.start(environment, tasks.slice(here.length));
      const built = new Map<TenantTask, Tenant>(here.map((task) => [task, buildTenant(environment, task)]));
      // Tenants built elsewhere are built again here only for a stack this thread synthesizes.
      const instancesOf = (task: TenantTask) => (built.get(task) ?? buildTenant(environment, task)).instances;
      return {
        counts: () => {
          const theirs = helper.finish();
          theirs.forEach(([, digest], i) => knownTenantDigest(tasks[here.length + i] as TenantTask, digest));
          return [...here.map((task) => (built.get(task) as Tenant).count), ...theirs.map(([count]) => count)];
        },
        stack: (shape) => lazyTenantStack(shape, instancesOf),
      };
    },
  };
}
