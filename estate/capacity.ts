/**
 * Whether the tenant quotas placed in a region fit the region's declared capacity. Tenants run
 * on the general, storage and GPU pools (system pools are for the platform); the sum of quota
 * requests may exceed what those pools offer by the environment's overcommit ratio. A tenant in
 * its disaster-recovery region counts with `drReserveShare` of its quota.
 */
import type { Agency } from "../environments/agency-schema";
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

/** The agency whose quota alone overflows a region, and what of it would fit. */
export interface CapacityCulprit {
  readonly agencyId: string;
  /** home: its quota; dr: its quota times the DR reserve share. */
  readonly role: "home" | "dr";
  /** Its quota of the resource, as written in its file. */
  readonly quota: number;
  /** What the other tenants leave of the region, before the agency. */
  readonly room: number;
  /** The largest quota of the resource that fits (the room, over the DR reserve share for a DR tenant). */
  readonly fits: number;
}

export interface CapacityProblem {
  readonly resource: "cpu" | "memoryGiB" | "gpus";
  /** For the platform team: the region's numbers and its largest consumers. */
  readonly message: string;
  /** Largest consumers first. */
  readonly consumers: readonly string[];
  /** Capacity before and after overcommit. */
  readonly offered: number;
  readonly limit: number;
  readonly demand: number;
  /**
   * The one agency without whose quota the region would fit, when there is exactly one: the
   * overflow is its to fix. Undefined when several agencies share the blame.
   */
  readonly culprit?: CapacityCulprit;
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
    const remedy = resource === "gpus" ? "Add GPU nodes, or move agencies to another home region" : "Add nodes, raise the overcommit, or move agencies to another home region";
    // The one agency whose quota alone overflows the region: without it, the rest fits.
    const over = total - limits[resource];
    const alone = demands.filter((d) => share(d) >= over - 1e-9);
    const culpritDemand = alone.length === 1 ? alone[0] : undefined;
    const culprit =
      culpritDemand === undefined || culpritDemand.role === "placement"
        ? undefined
        : (() => {
            const room = Math.max(0, limits[resource] - (total - share(culpritDemand)));
            const perQuota = culpritDemand.role === "dr" ? drReserveShare : 1;
            const fits = resource === "gpus" ? Math.floor(room / perQuota + 1e-9) : Math.floor((room / perQuota) * 100 + 1e-9) / 100;
            return { agencyId: culpritDemand.agencyId, role: culpritDemand.role, quota: culpritDemand[resource], room: round(room), fits };
          })();
    problems.push({
      resource,
      consumers,
      offered: round(capacity[resource]),
      limit: round(limits[resource]),
      demand: round(total),
      ...(culprit === undefined ? {} : { culprit }),
      message: `tenant quotas need ${round(total)} ${UNITS[resource]} but region ${regionId} offers ${round(capacity[resource])} (${overcommitNote} = ${round(limits[resource])}); largest consumers: ${consumers.join(", ")}. ${remedy}`,
    });
  }
  return problems;
}

/** The unit of a resource, for messages. */
export function capacityUnit(resource: CapacityProblem["resource"]): string {
  return UNITS[resource];
}

/**
 * What each region has left for one more tenant after `agencies`' quotas: their home quotas and
 * DR reserves, against the region's capacity with overcommit (flexible placement aside).
 */
export function regionRoom(environment: Environment, agencies: readonly Agency[]): Map<string, RegionCapacity> {
  const { overcommit, drReserveShare } = environment.tenancy;
  const room = new Map<string, { cpu: number; memoryGiB: number; gpus: number }>();
  for (const [id, region] of Object.entries(environment.regions)) {
    const c = regionCapacity(region);
    room.set(id, { cpu: c.cpu * overcommit.cpu, memoryGiB: c.memoryGiB * overcommit.memory, gpus: c.gpus });
  }
  for (const agency of agencies) {
    for (const [regionId, share] of [[agency.homeRegion, 1], [agency.drRegion, drReserveShare]] as const) {
      const r = room.get(regionId);
      if (r === undefined) continue;
      r.cpu -= agency.quota.cpu * share;
      r.memoryGiB -= agency.quota.memoryGiB * share;
      r.gpus -= agency.quota.gpus * share;
    }
  }
  return room;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
