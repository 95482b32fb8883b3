/**
 * Whether the tenant quotas placed in a region fit the region's declared capacity. Tenants run
 * on the general, storage and GPU pools (system pools are for the platform); the sum of quota
 * requests may exceed what those pools offer by the environment's overcommit ratio. A tenant in
 * its disaster-recovery region counts with `drReserveShare` of its quota.
 */
import type { Environment, Region } from "../environments/schema";

export interface RegionCapacity {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

/** What a region's tenant-facing node pools offer, before overcommit. */
export function regionCapacity(region: Region): RegionCapacity {
  let cpu = 0;
  let memoryGiB = 0;
  let gpus = 0;
  for (const pool of Object.values(region.cluster.nodePools)) {
    if (pool.role === "system") continue;
    cpu += pool.cpu * pool.count;
    memoryGiB += pool.memoryGiB * pool.count;
    gpus += pool.gpus * pool.count;
  }
  return { cpu, memoryGiB, gpus };
}

export interface TenantDemand {
  readonly agencyId: string;
  /** home: the agency's quota; dr: its reserve share; placement: flexible workloads placed in the region. */
  readonly role: "home" | "dr" | "placement";
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

export interface CapacityProblem {
  readonly resource: "cpu" | "memoryGiB" | "gpus";
  readonly message: string;
  /** Largest consumers first. */
  readonly consumers: readonly string[];
}

const UNITS = { cpu: "CPU cores", memoryGiB: "GiB of memory", gpus: "GPUs" } as const;

/** A region's capacity and what its tenants' quotas take of it. */
export interface RegionUsage {
  /** What the tenant-facing pools offer, before overcommit. */
  readonly capacity: RegionCapacity;
  /** Capacity × the environment's overcommit (GPUs are not overcommitted): what quotas may add up to. */
  readonly limits: RegionCapacity;
  /** The sum of the tenants' quotas, DR tenants at drReserveShare. */
  readonly used: RegionCapacity;
}

/** What the demands take of a region's capacity (the figures checkRegionCapacity judges). */
export function regionUsage(environment: Environment, regionId: string, demands: readonly TenantDemand[]): RegionUsage {
  const region = environment.regions[regionId];
  if (region === undefined) throw new Error(`internal: unknown region ${regionId}`);
  const capacity = regionCapacity(region);
  const { overcommit, drReserveShare } = environment.tenancy;
  const limits = { cpu: capacity.cpu * overcommit.cpu, memoryGiB: capacity.memoryGiB * overcommit.memory, gpus: capacity.gpus };
  const used = { cpu: 0, memoryGiB: 0, gpus: 0 };
  for (const resource of ["cpu", "memoryGiB", "gpus"] as const) used[resource] = demands.reduce((sum, d) => sum + shareOf(d, resource, drReserveShare), 0);
  return { capacity, limits, used };
}

function shareOf(d: TenantDemand, resource: keyof RegionCapacity, drReserveShare: number): number {
  return d[resource] * (d.role === "dr" ? drReserveShare : 1);
}

/** Every resource of a region whose demand exceeds its capacity, naming the largest consumers. */
export function checkRegionCapacity(environment: Environment, regionId: string, demands: readonly TenantDemand[]): CapacityProblem[] {
  const { capacity, limits, used } = regionUsage(environment, regionId, demands);
  const { overcommit, drReserveShare } = environment.tenancy;
  const problems: CapacityProblem[] = [];
  for (const resource of ["cpu", "memoryGiB", "gpus"] as const) {
    const share = (d: TenantDemand) => shareOf(d, resource, drReserveShare);
    const total = used[resource];
    if (total <= limits[resource] + 1e-9) continue;
    const consumers = [...demands]
      .filter((d) => share(d) > 0)
      .sort((a, b) => share(b) - share(a) || (a.agencyId < b.agencyId ? -1 : 1))
      .slice(0, 5)
      .map((d) => `${d.agencyId} ${round(share(d))}${d.role === "dr" ? " (DR reserve)" : d.role === "placement" ? " (placed workloads)" : ""}`);
    const overcommitNote = resource === "gpus" ? "GPUs are not overcommitted" : `× overcommit ${resource === "cpu" ? overcommit.cpu : overcommit.memory}`;
    problems.push({
      resource,
      consumers,
      message: `tenant quotas need ${round(total)} ${UNITS[resource]} but region ${regionId} offers ${round(capacity[resource])} (${overcommitNote} = ${round(limits[resource])}); largest consumers: ${consumers.join(", ")}. Add nodes, raise the overcommit, or move agencies to another home region`,
    });
  }
  return problems;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
