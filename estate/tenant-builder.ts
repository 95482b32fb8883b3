/**
 * How buildEstate builds its tenants: a strategy, so that the estate stays a pure function of the
 * validated configuration whoever builds them. The default builds each tenant in turn on this
 * thread and merges every tenant stack's blocks at once; the engine supplies builders that spread
 * tenants over two threads, remember them between runs, or merge a stack's blocks only when it is
 * synthesized (engine/tenant-builders.ts). Every builder gives the same blocks for the same tasks.
 */
import type { Environment } from "../environments/schema";
import type { Blocks } from "./tenant-model";
import { buildTenant, mergeTenants, type Tenant, type TenantTask } from "./tenant-task";
import { merged } from "../core/merged";

/** One tenant stack without its blocks: plain data, which can cross to another thread. */
export interface TenantStackShape {
  readonly name: string;
  readonly regionId: string;
  readonly shard: number;
  /** Agency ids, sorted. */
  readonly agencies: readonly string[];
  readonly resources: number;
  /** Agencies renamed in this stack: new id -> former id (their instances get moved blocks). */
  readonly renames: ReadonlyMap<string, string>;
  /** The stack's tenants, in the order their blocks are merged into `blocks`. */
  readonly tenants: readonly TenantTask[];
}

/** One tenant stack: its shape and its for_each instances (its tenants' blocks, merged in order). */
export interface TenantStackPlan extends TenantStackShape {
  readonly blocks: Blocks;
}

export interface TenantBuilder {
  /**
   * Starts building the tenants of `tasks` (all of the estate's, in estate order). buildEstate
   * plans backups before it asks for the results, so a builder may build elsewhere meanwhile.
   */
  start(environment: Environment, tasks: readonly TenantTask[]): BuildingTenants;
}

export interface BuildingTenants {
  /** The instance count of each tenant, in task order (waits for tenants built elsewhere). */
  counts(): readonly number[];
  /** A tenant stack with its blocks: its tenants' blocks merged in order (mergeTenants). */
  stack(shape: TenantStackShape): TenantStackPlan;
}

/** Builds every tenant in turn on this thread, and every stack's blocks at once. */
export const inThreadTenants: TenantBuilder = {
  start(environment, tasks) {
    const built = new Map<TenantTask, Tenant>(tasks.map((task) => [task, buildTenant(environment, task)]));
    return {
      counts: () => tasks.map((task) => (built.get(task) as Tenant).count),
      stack: (shape) => merged(shape, { blocks: mergeTenants(shape.tenants.map((task) => (built.get(task) ?? buildTenant(environment, task)).instances)) }),
    };
  },
};
