/**
 * Which tenant stack each agency lives in. Terraform cannot move a resource between two states,
 * so an agency, once placed, stays in its stack: the assignment is recorded in a lock file and
 * only new agencies are placed, first fit, into stacks filled to `stackFillFactor` of
 * `maxResourcesPerStack` (the rest is room for the agencies already there to grow). Adding,
 * removing or editing one agency therefore never moves another.
 */
import type { ShardLock } from "../environments/tenant-stack-lock";

export interface ShardDemand {
  readonly agencyId: string;
  /** Resource instances the agency needs in each region it has a tenant in. */
  readonly instancesByRegion: ReadonlyMap<string, number>;
}

export interface ShardLimits {
  readonly maxResourcesPerStack: number;
  readonly stackFillFactor: number;
}

export interface ShardProblem {
  readonly agencyId: string;
  readonly message: string;
}

export interface ShardAssignment {
  /** agency id -> stack number. */
  readonly assignment: ReadonlyMap<string, number>;
  /** The lock to record: the assignment, for agencies that exist. */
  readonly lock: ShardLock;
  /** region -> stack number -> resource instances. */
  readonly load: ReadonlyMap<string, ReadonlyMap<number, number>>;
  readonly problems: readonly ShardProblem[];
}

/** The stack name of a region's tenant shard: `tenants-<region>-<nnn>`. */
export function tenantStackName(regionId: string, shard: number): string {
  return `tenants-${regionId}-${String(shard).padStart(3, "0")}`;
}

/** Places new agencies and checks that no stack exceeds its limit. Pure and deterministic. */
export function assignShards(demands: readonly ShardDemand[], lock: ShardLock, limits: ShardLimits): ShardAssignment {
  const assignment = new Map<string, number>();
  const load = new Map<string, Map<number, number>>();
  const add = (region: string, shard: number, n: number) => {
    const byShard = load.get(region) ?? new Map<number, number>();
    byShard.set(shard, (byShard.get(shard) ?? 0) + n);
    load.set(region, byShard);
  };
  const sorted = [...demands].sort((a, b) => (a.agencyId < b.agencyId ? -1 : a.agencyId > b.agencyId ? 1 : 0));

  // Agencies already placed stay where they are.
  const pending: ShardDemand[] = [];
  for (const demand of sorted) {
    const shard = lock.agencies[demand.agencyId];
    if (shard === undefined) {
      pending.push(demand);
      continue;
    }
    assignment.set(demand.agencyId, shard);
    for (const [region, n] of demand.instancesByRegion) add(region, shard, n);
  }

  // New agencies: the first stack with room in every region they need, else a new stack.
  const fill = Math.floor(limits.maxResourcesPerStack * limits.stackFillFactor);
  const problems: ShardProblem[] = [];
  for (const demand of pending) {
    let shard = 0;
    const fits = (s: number) => [...demand.instancesByRegion].every(([region, n]) => (load.get(region)?.get(s) ?? 0) + n <= fill);
    const largest = Math.max(0, ...demand.instancesByRegion.values());
    if (largest > limits.maxResourcesPerStack) {
      problems.push({
        agencyId: demand.agencyId,
        message: `needs ${largest} resources in one region, more than a tenant stack may hold (tenancy.maxResourcesPerStack = ${limits.maxResourcesPerStack})`,
      });
      continue;
    }
    while (!fits(shard) && shard < 10_000) shard++;
    if (!fits(shard)) {
      // Only an agency bigger than the fill level gets here: it takes a stack of its own.
      shard = 1 + Math.max(-1, ...[...load.values()].flatMap((m) => [...m.keys()]));
    }
    assignment.set(demand.agencyId, shard);
    for (const [region, n] of demand.instancesByRegion) add(region, shard, n);
  }

  // Agencies that grew can push a stack over the limit; name the largest in it.
  for (const [region, byShard] of load) {
    for (const [shard, n] of byShard) {
      if (n <= limits.maxResourcesPerStack) continue;
      const members = sorted
        .filter((d) => assignment.get(d.agencyId) === shard && d.instancesByRegion.has(region))
        .sort((a, b) => (b.instancesByRegion.get(region) ?? 0) - (a.instancesByRegion.get(region) ?? 0));
      const top = members.slice(0, 3).map((d) => `${d.agencyId} (${d.instancesByRegion.get(region)})`);
      for (const member of members.slice(0, 1)) {
        problems.push({
          agencyId: member.agencyId,
          message: `tenant stack ${tenantStackName(region, shard)} would hold ${n} resources, over tenancy.maxResourcesPerStack = ${limits.maxResourcesPerStack}; largest: ${top.join(", ")}. Raise the limit, or shrink an agency; agencies never move between stacks on their own, since Terraform cannot move state between stacks`,
        });
      }
    }
  }

  const agencies: Record<string, number> = {};
  for (const [id, shard] of [...assignment].sort(([a], [b]) => (a < b ? -1 : 1))) agencies[id] = shard;
  return { assignment, lock: { agencies }, load, problems };
}
