/**
 * Carbon-aware placement: which region each workload runs in. A workload with `placement: home`
 * runs in its agency's home region. A `flexible` one runs in the allowed region with the lowest
 * effective carbon intensity that still has room for it:
 *
 * - allowed: public and internal data may run in any region of the environment (all in Vietnam);
 *   confidential and secret data only in the agency's home or disaster-recovery region; and the
 *   region must have a node pool of the role the workload needs (GPU, storage, general);
 * - effective intensity: grid intensity × PUE × (1 − renewable share), gCO2e per kWh of IT load
 *   (the market-based figure of estate/energy.ts); ties go to the region id that sorts first;
 * - room: what the region's tenant pools offer (with the overcommit ratios) minus every agency's
 *   home quota and disaster-recovery reserve there, reserved first, minus the flexible workloads
 *   placed before this one. Flexible workloads are placed in a fixed order (agency id, then
 *   workload name), each at its largest scale (`workloadFootprint`). The home region needs no
 *   room: the agency's quota there already covers every one of its workloads, so home is always
 *   a feasible fallback;
 * - a flexible workload in an in-cluster dependency (it calls another workload with `dependsOn`,
 *   or another calls it) stays in its home region: in-cluster calls never cross regions.
 *
 * So a workload's region depends only on itself, its agency and the regions, except when room
 * runs out: then agencies earlier in the order, and every agency's home quota, come first. Pure.
 */
import type { Agency, Workload } from "../environments/agency-schema";
import type { EnergyProfile, Environment } from "../environments/schema";
import { workloadFootprint } from "./agency-checks";
import { regionCapacity } from "./capacity";
import { nodeRole } from "./workload-instances";
import { compare, sortedBy } from "../core/compare";

/** CPU cores, GiB of memory and GPUs. */
export interface Demand {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

/** Why a workload runs where it does. */
export type PlacementReason =
  /** `placement: home`. */
  | "home"
  /** Flexible, and this allowed region has the lowest effective intensity (it may be home). */
  | "lowest-carbon"
  /** Flexible, but every allowed region with lower intensity lacked room. */
  | "capacity"
  /** Flexible, but in an in-cluster dependency: stays home. */
  | "dependency";

export interface WorkloadPlacement {
  readonly agencyId: string;
  readonly workload: string;
  readonly flexible: boolean;
  readonly homeRegion: string;
  /** Where the workload runs. */
  readonly region: string;
  readonly reason: PlacementReason;
  /** Allowed regions considered, lowest effective intensity first (flexible workloads only). */
  readonly candidates: readonly { readonly regionId: string; readonly intensity: number }[];
  /** Lower-carbon allowed regions passed over for lack of room. */
  readonly skipped: readonly string[];
  /** What the workload needs at its largest scale. */
  readonly footprint: Demand;
}

/**
 * Plain data (the estate is copied to synthesis threads): read it with regionOf and placedIn.
 * `workloads` is a getter that fills the map on first use (structuredClone copies the map).
 */
export interface Placement {
  /** Every workload, keyed `<agency-id>/<workload>`. */
  readonly workloads: ReadonlyMap<string, WorkloadPlacement>;
  /** Workloads running away from home, keyed `<region>/<agency-id>`. */
  readonly away: ReadonlyMap<string, readonly WorkloadPlacement[]>;
}

/** The region a workload runs in. */
export function regionOf(placement: Placement, agencyId: string, workload: string): string {
  const p = placement.workloads.get(`${agencyId}/${workload}`);
  if (p === undefined) throw new Error(`internal: no placement for ${agencyId}/${workload}`);
  return p.region;
}

/** The agency's workloads that run in `regionId` although it is not their home region. */
export function placedIn(placement: Placement, regionId: string, agencyId: string): readonly WorkloadPlacement[] {
  return placement.away.get(`${regionId}/${agencyId}`) ?? [];
}

/** Effective carbon intensity of a region: gCO2e per kWh of IT load, after PUE and renewables. */
export function effectiveIntensity(energy: Pick<EnergyProfile, "pue" | "renewableShare" | "gridIntensityGCO2ePerKWh">): number {
  return energy.gridIntensityGCO2ePerKWh * energy.pue * (1 - energy.renewableShare);
}

/** The regions a workload's data may be processed in. */
export function allowedRegions(env: Pick<Environment, "regions">, agency: Pick<Agency, "homeRegion" | "drRegion" | "dataClassification">): string[] {
  const all = Object.keys(env.regions).sort();
  if (agency.dataClassification === "confidential" || agency.dataClassification === "secret") {
    return all.filter((id) => id === agency.homeRegion || id === agency.drRegion);
  }
  return all;
}

/**
 * Places every workload of every agency. Agencies must have passed the cross-file checks.
 *
 * Only agencies with a flexible workload are placed up front: they decide `away`, which is all
 * that building the estate reads. Every other agency runs everything at home, whatever the others
 * do, so `workloads` (read by reports) adds their placements when first read, in the same order.
 */
export function placeWorkloads(env: Environment, agencies: readonly Agency[]): Placement {
  const sorted = sortedBy(agencies, (a) => a.id);
  // What flexible placement needs, computed once and only when there is a flexible workload.
  let shared: { remaining: Map<string, Demand>; related: Set<string>; intensity: Map<string, number> } | undefined;
  const flexible = new Map<Agency, WorkloadPlacement[]>();

  for (const agency of sorted) {
    // Most agencies have no flexible workload: everything stays home, whatever the others do.
    if (!hasFlexibleWorkload(agency)) continue;
    shared ??= {
      remaining: roomAfterQuotas(env, sorted),
      related: dependencyRelated(sorted),
      intensity: new Map(Object.entries(env.regions).map(([id, region]) => [id, effectiveIntensity(region.energy)])),
    };
    const { remaining, related, intensity } = shared;
    const placements: WorkloadPlacement[] = [];
    flexible.set(agency, placements);
    for (const [name, workload] of Object.entries(agency.workloads).sort(([a], [b]) => compare(a, b))) {
      const key = `${agency.id}/${name}`;
      if (workload.placement !== "flexible") {
        placements.push(homePlacement(agency, name, workload));
        continue;
      }
      const base = { agencyId: agency.id, workload: name, homeRegion: agency.homeRegion, footprint: footprint(workload) };
      const role = nodeRole(workload);
      const candidates = allowedRegions(env, agency)
        .filter((id) => id === agency.homeRegion || Object.values(env.regions[id]!.cluster.nodePools).some((p) => p.role === role && p.count > 0))
        .map((regionId) => ({ regionId, intensity: intensity.get(regionId) as number }))
        .sort((a, b) => (Math.abs(a.intensity - b.intensity) > 1e-9 ? a.intensity - b.intensity : compare(a.regionId, b.regionId)));
      if (related.has(key)) {
        placements.push({ ...base, flexible: true, region: agency.homeRegion, reason: "dependency", candidates, skipped: [] });
        continue;
      }
      const skipped: string[] = [];
      let region = agency.homeRegion;
      for (const candidate of candidates) {
        if (candidate.regionId === agency.homeRegion) break;
        const room = remaining.get(candidate.regionId) as Demand;
        if (fits(base.footprint, room)) {
          remaining.set(candidate.regionId, subtract(room, base.footprint));
          region = candidate.regionId;
          break;
        }
        skipped.push(candidate.regionId);
      }
      placements.push({ ...base, flexible: true, region, reason: skipped.length > 0 ? "capacity" : "lowest-carbon", candidates, skipped });
    }
  }

  // Home placements are never away: only flexible agencies can have workloads elsewhere.
  const away = new Map<string, WorkloadPlacement[]>();
  for (const placements of flexible.values()) {
    for (const p of placements) {
      if (p.region === p.homeRegion) continue;
      const at = `${p.region}/${p.agencyId}`;
      away.set(at, [...(away.get(at) ?? []), p]);
    }
  }
  let workloads: Map<string, WorkloadPlacement> | undefined;
  return {
    get workloads(): ReadonlyMap<string, WorkloadPlacement> {
      if (workloads === undefined) {
        workloads = new Map();
        for (const agency of sorted) {
          for (const p of flexible.get(agency) ?? homePlacements(agency)) workloads.set(`${agency.id}/${p.workload}`, p);
        }
      }
      return workloads;
    },
    away,
  };
}

/** Whether any of the agency's workloads may run away from home (else all run at home). */
export function hasFlexibleWorkload(agency: Agency): boolean {
  return Object.values(agency.workloads).some((w) => w.placement === "flexible");
}

/** The placements of an agency without flexible workloads: all at home. */
function homePlacements(agency: Agency): WorkloadPlacement[] {
  return Object.entries(agency.workloads)
    .sort(([a], [b]) => compare(a, b))
    .map(([name, workload]) => homePlacement(agency, name, workload));
}

function homePlacement(agency: Agency, name: string, workload: Workload): WorkloadPlacement {
  // A literal, not a spread: thousands are made per build.
  const home = agency.homeRegion;
  return { agencyId: agency.id, workload: name, homeRegion: home, footprint: footprint(workload), flexible: false, region: home, reason: "home", candidates: [], skipped: [] };
}

/** The sum of some workloads' footprints: the quota of the tenant they were placed in. */
export function totalDemand(placements: readonly Pick<WorkloadPlacement, "footprint">[]): Demand {
  return placements.reduce<Demand>(
    (sum, p) => ({ cpu: sum.cpu + p.footprint.cpu, memoryGiB: sum.memoryGiB + p.footprint.memoryGiB, gpus: sum.gpus + p.footprint.gpus }),
    { cpu: 0, memoryGiB: 0, gpus: 0 },
  );
}

function footprint(workload: Workload): Demand {
  const f = workloadFootprint(workload);
  return { cpu: f.cpu, memoryGiB: f.memoryGiB, gpus: f.gpus };
}

/** What each region offers tenants after every home quota and disaster-recovery reserve. */
function roomAfterQuotas(env: Environment, agencies: readonly Agency[]): Map<string, Demand> {
  const { overcommit, drReserveShare } = env.tenancy;
  const room = new Map<string, Demand>();
  for (const [id, region] of Object.entries(env.regions)) {
    const capacity = regionCapacity(region);
    room.set(id, { cpu: capacity.cpu * overcommit.cpu, memoryGiB: capacity.memoryGiB * overcommit.memory, gpus: capacity.gpus });
  }
  for (const agency of agencies) {
    for (const [id, share] of [
      [agency.homeRegion, 1],
      [agency.drRegion, drReserveShare],
    ] as const) {
      const r = room.get(id);
      if (r === undefined) continue;
      room.set(id, subtract(r, { cpu: agency.quota.cpu * share, memoryGiB: agency.quota.memoryGiB * share, gpus: agency.quota.gpus * share }));
    }
  }
  return room;
}

/** `<agency>/<workload>` of both ends of every in-cluster dependency. */
function dependencyRelated(agencies: readonly Agency[]): Set<string> {
  const related = new Set<string>();
  for (const agency of agencies) {
    for (const [name, workload] of Object.entries(agency.workloads)) {
      for (const dep of workload.dependsOn) {
        related.add(`${agency.id}/${name}`);
        related.add(`${dep.agency}/${dep.workload}`);
      }
    }
  }
  return related;
}

function fits(need: Demand, room: Demand): boolean {
  return need.cpu <= room.cpu + 1e-9 && need.memoryGiB <= room.memoryGiB + 1e-9 && need.gpus <= room.gpus + 1e-9;
}

function subtract(a: Demand, b: Demand): Demand {
  return { cpu: a.cpu - b.cpu, memoryGiB: a.memoryGiB - b.memoryGiB, gpus: a.gpus - b.gpus };
}
