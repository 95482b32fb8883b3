/**
 * Energy and carbon of the agencies' workloads, estimated from what is declared: requests and
 * limits, replicas, GPUs and volumes, the node pools' power models and embodied emissions, and
 * each region's PUE, grid intensity and renewable share. Pure; docs/energy-and-placement.md has
 * the model with its sources, and `govcloud report energy` prints it.
 *
 * Per replica of a workload, the IT power is
 *
 *   P = cores × W_core × (s + (1 − s) × u) + GiB × W_GiB + GPUs × W_gpu × (s_gpu + (1 − s_gpu) × u)
 *
 * with the pool's watts and idle shares (s) and the environment's average utilisation u, plus
 * TiB × W_TiB for a stateful service's volumes, which draw power all year. A replica runs all
 * year, except a scheduled job, which runs (cron runs per year) × activeDeadlineSeconds, an
 * upper bound. Autoscaled services count at minReplicas; the upper bound figure takes limits,
 * maxReplicas and full load. Then
 *
 *   facility energy  = IT energy × PUE
 *   location-based   = facility energy × grid intensity (renewables do not lower it: GHG Protocol scope 2)
 *   market-based     = location-based × (1 − renewable share) (contracted or on-site renewables at zero)
 *   embodied         = kgCO2e per node / lifetime × the replica's share of a node × the share of the year it runs
 *   SCI              = (facility energy × grid intensity + embodied) / functional units per year (ISO/IEC 21031)
 */
import type { Agency, Workload } from "../environments/agency-schema";
import type { Environment, NodePool, Region } from "../environments/schema";
import { effectiveIntensity, type WorkloadPlacement } from "./placement";
import { nodeRole } from "./workload-instances";

export const HOURS_PER_YEAR = 8760;

/** Yearly figures of a workload, an agency, a region or the estate. */
export interface EnergyFigures {
  /** Energy the servers draw, kWh per year. */
  readonly itKWh: number;
  /** IT energy × PUE: what the datacenter draws for it, kWh per year. */
  readonly facilityKWh: number;
  /** Facility energy × grid intensity, tCO2e per year. */
  readonly locationTCO2e: number;
  /** Location-based less the renewable share of the site's electricity, tCO2e per year. */
  readonly marketTCO2e: number;
  /** The reserved share of the machines' embodied emissions, tCO2e per year. */
  readonly embodiedTCO2e: number;
  /** Facility energy at limits, largest scale and full load, kWh per year. */
  readonly upperBoundFacilityKWh: number;
}

export interface WorkloadEstimate extends EnergyFigures {
  readonly agencyId: string;
  readonly workload: string;
  readonly template: Workload["template"];
  readonly regionId: string;
  /** The node pool whose power model was used. */
  readonly pool: string;
  /** Replicas counted (minReplicas for autoscaled services; 1 for a scheduled job). */
  readonly replicas: number;
  /** Hours per year each replica runs. */
  readonly hoursPerYear: number;
  /** Software Carbon Intensity, when the workload declares a functional unit. */
  readonly sci?: { readonly functionalUnit: string; readonly perYear: number; readonly gCO2ePerUnit: number };
}

export interface PlacementSaving {
  readonly agencyId: string;
  readonly workload: string;
  readonly homeRegion: string;
  readonly region: string;
  readonly reason: WorkloadPlacement["reason"];
  readonly skipped: readonly string[];
  /** Effective intensity (gCO2e per IT kWh) of the home region and of the chosen one. */
  readonly homeIntensity: number;
  readonly regionIntensity: number;
  /** What running here instead of at home saves, tCO2e per year (negative: costs). */
  readonly savingMarketTCO2e: number;
  readonly savingLocationTCO2e: number;
}

export interface RegionEstimate extends EnergyFigures {
  readonly regionId: string;
  readonly pue: number;
  readonly renewableShare: number;
  readonly gridIntensityGCO2ePerKWh: number;
  /** gCO2e per kWh of IT load: grid × PUE × (1 − renewable share). */
  readonly effectiveIntensity: number;
}

export interface AgencyEstimate extends EnergyFigures {
  readonly agencyId: string;
  /** Regions its workloads run in, sorted. */
  readonly regions: readonly string[];
}

export interface EnergyEstimate {
  readonly environment: string;
  readonly averageUtilisation: number;
  /** Sorted by agency, then workload. */
  readonly workloads: readonly WorkloadEstimate[];
  /** Every agency, sorted by id. */
  readonly agencies: readonly AgencyEstimate[];
  /** Every region, sorted by id. */
  readonly regions: readonly RegionEstimate[];
  readonly total: EnergyFigures;
  /** Flexible workloads: where they run and what that saves against their home region. */
  readonly placements: readonly PlacementSaving[];
  /** Set when the estimate is one agency's share (`--agency`): its id; `total` is then its figures. */
  readonly agency?: string;
}

/**
 * The estimate for an estate: every workload in the region its placement chose.
 * `placements` is keyed `<agency-id>/<workload>` (Placement.workloads); a workload without an
 * entry runs in its home region.
 */
export function estimateEnergy(
  env: Environment,
  agencies: readonly Agency[],
  placements: ReadonlyMap<string, WorkloadPlacement> = new Map(),
): EnergyEstimate {
  const sorted = [...agencies].sort((a, b) => compare(a.id, b.id));
  const workloads: WorkloadEstimate[] = [];
  const savings: PlacementSaving[] = [];
  for (const agency of sorted) {
    for (const [name, workload] of Object.entries(agency.workloads).sort(([a], [b]) => compare(a, b))) {
      const placement = placements.get(`${agency.id}/${name}`);
      const regionId = placement?.region ?? agency.homeRegion;
      const estimate = estimateWorkload(env, regionId, agency.id, name, workload);
      workloads.push(estimate);
      if (placement?.flexible) {
        const atHome = regionId === agency.homeRegion ? estimate : estimateWorkload(env, agency.homeRegion, agency.id, name, workload);
        savings.push({
          agencyId: agency.id,
          workload: name,
          homeRegion: agency.homeRegion,
          region: regionId,
          reason: placement.reason,
          skipped: placement.skipped,
          homeIntensity: effectiveIntensity(regionOf(env, agency.homeRegion).energy),
          regionIntensity: effectiveIntensity(regionOf(env, regionId).energy),
          savingMarketTCO2e: atHome.marketTCO2e - estimate.marketTCO2e,
          savingLocationTCO2e: atHome.locationTCO2e - estimate.locationTCO2e,
        });
      }
    }
  }
  const agencyEstimates = sorted.map((agency) => {
    const own = workloads.filter((w) => w.agencyId === agency.id);
    return { agencyId: agency.id, regions: [...new Set(own.map((w) => w.regionId))].sort(), ...sum(own) };
  });
  const regionEstimates = Object.keys(env.regions)
    .sort()
    .map((regionId) => {
      const { energy } = regionOf(env, regionId);
      return {
        regionId,
        pue: energy.pue,
        renewableShare: energy.renewableShare,
        gridIntensityGCO2ePerKWh: energy.gridIntensityGCO2ePerKWh,
        effectiveIntensity: effectiveIntensity(energy),
        ...sum(workloads.filter((w) => w.regionId === regionId)),
      };
    });
  return {
    environment: env.name,
    averageUtilisation: env.green.averageUtilisation,
    workloads,
    agencies: agencyEstimates,
    regions: regionEstimates,
    total: sum(workloads),
    placements: savings,
  };
}

/** The yearly figures of one workload running in one region. */
export function estimateWorkload(env: Environment, regionId: string, agencyId: string, name: string, workload: Workload): WorkloadEstimate {
  const region = regionOf(env, regionId);
  const [poolName, pool] = poolFor(region, nodeRole(workload));
  const p = pool.power;
  const u = env.green.averageUtilisation;
  const { resources } = workload;
  const gpus = workload.template === "ai-inference" ? workload.gpus : 0;
  const storageTiB = workload.template === "stateful-service" ? workload.storageGiB / 1024 : 0;
  const replicas = "minReplicas" in workload ? workload.minReplicas : "replicas" in workload ? workload.replicas : 1;
  const maxReplicas = "maxReplicas" in workload ? workload.maxReplicas : replicas;
  const hours = runningHours(workload);

  const podWatts = (cores: number, memoryMiB: number, load: number) =>
    cores * p.wattsPerCore * (p.idleShare + (1 - p.idleShare) * load) +
    (memoryMiB / 1024) * p.wattsPerGiB +
    gpus * p.wattsPerGpu * (p.gpuIdleShare + (1 - p.gpuIdleShare) * load);
  // Volumes draw power all year, whether or not their pods run.
  const storageWatts = storageTiB * p.wattsPerTiB;
  const itKWh = (replicas * (podWatts(resources.cpu, resources.memoryMiB, u) * hours + storageWatts * HOURS_PER_YEAR)) / 1000;
  const upperItKWh = (maxReplicas * (podWatts(resources.cpuLimit, resources.memoryLimitMiB, 1) * hours + storageWatts * HOURS_PER_YEAR)) / 1000;

  const { energy } = region;
  const facilityKWh = itKWh * energy.pue;
  const locationTCO2e = (facilityKWh * energy.gridIntensityGCO2ePerKWh) / 1e6;
  const marketTCO2e = locationTCO2e * (1 - energy.renewableShare);
  // The replica's share of a machine: the scarcest of what it reserves there.
  const share = Math.max(resources.cpu / pool.cpu, resources.memoryMiB / 1024 / pool.memoryGiB, pool.gpus > 0 ? gpus / pool.gpus : 0);
  const embodiedTCO2e = (replicas * share * (pool.embodied.kgCO2ePerNode / pool.embodied.lifetimeYears) * (hours / HOURS_PER_YEAR)) / 1000;

  const sci =
    workload.functionalUnit === undefined
      ? undefined
      : {
          functionalUnit: workload.functionalUnit.name,
          perYear: workload.functionalUnit.perYear,
          gCO2ePerUnit: (facilityKWh * energy.gridIntensityGCO2ePerKWh + embodiedTCO2e * 1e6) / workload.functionalUnit.perYear,
        };
  return {
    agencyId,
    workload: name,
    template: workload.template,
    regionId,
    pool: poolName,
    replicas,
    hoursPerYear: hours,
    itKWh,
    facilityKWh,
    locationTCO2e,
    marketTCO2e,
    embodiedTCO2e,
    upperBoundFacilityKWh: upperItKWh * energy.pue,
    ...(sci === undefined ? {} : { sci }),
  };
}

/** Hours per year one replica runs: all year, or a scheduled job's runs × its deadline. */
export function runningHours(workload: Workload): number {
  if (workload.template !== "scheduled-job") return HOURS_PER_YEAR;
  const runs = cronRunsPerYear(workload.schedule) ?? 365;
  // concurrencyPolicy Forbid: runs never overlap, so a job never runs more than all year.
  return Math.min(HOURS_PER_YEAR, (runs * workload.activeDeadlineSeconds) / 3600);
}

/**
 * The node pool whose power model applies: the largest pool (most machines, then name) of the
 * role the workload runs on; else the largest non-system pool; else the largest pool.
 */
export function poolFor(region: Pick<Region, "cluster">, role: NodePool["role"]): [string, NodePool] {
  const pools = Object.entries(region.cluster.nodePools).sort(([a, x], [b, y]) => y.count - x.count || compare(a, b));
  const chosen = pools.find(([, p]) => p.role === role) ?? pools.find(([, p]) => p.role !== "system") ?? pools[0];
  if (chosen === undefined) throw new Error("internal: a region without node pools");
  return chosen;
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/**
 * How many times a five-field cron schedule fires in a (non-leap) year: numbers, names, `*`,
 * `?`, ranges, steps and lists, with cron's rule that a restricted day-of-month and day-of-week
 * match either. Undefined for syntax it does not know.
 */
export function cronRunsPerYear(schedule: string): number | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = [
    cronField(fields[0]!, 0, 59),
    cronField(fields[1]!, 0, 23),
    cronField(fields[2]!, 1, 31),
    cronField(fields[3]!, 1, 12, MONTH_NAMES, 1),
    cronField(fields[4]!, 0, 7, DAY_NAMES, 0),
  ];
  if (minute === undefined || hour === undefined || dom === undefined || month === undefined || dow === undefined) return undefined;
  if (dow.values.has(7)) dow.values.add(0);
  let days = 0;
  for (let i = 0; i < 365; i++) {
    const date = new Date(Date.UTC(2025, 0, 1 + i));
    if (!month.values.has(date.getUTCMonth() + 1)) continue;
    const domOk = dom.values.has(date.getUTCDate());
    const dowOk = dow.values.has(date.getUTCDay());
    if (!dom.any && !dow.any ? domOk || dowOk : domOk && dowOk) days++;
  }
  return minute.values.size * hour.values.size * days;
}

function cronField(text: string, min: number, max: number, names: readonly string[] = [], firstName = 0): { values: Set<number>; any: boolean } | undefined {
  const value = (s: string): number | undefined => {
    const named = names.indexOf(s.toLowerCase());
    if (named >= 0) return named + firstName;
    return /^\d+$/.test(s) ? Number(s) : undefined;
  };
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (range === undefined || extra !== undefined) return undefined;
    const step = stepText === undefined ? 1 : value(stepText);
    let from: number | undefined;
    let to: number | undefined;
    if (range === "*" || range === "?") [from, to] = [min, max];
    else if (range.includes("-")) [from, to] = range.split("-").map(value) as [number | undefined, number | undefined];
    else [from, to] = [value(range), stepText === undefined ? value(range) : max];
    if (from === undefined || to === undefined || step === undefined || step < 1 || from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, any: text === "*" || text === "?" };
}

function sum(items: readonly EnergyFigures[]): EnergyFigures {
  const total = { itKWh: 0, facilityKWh: 0, locationTCO2e: 0, marketTCO2e: 0, embodiedTCO2e: 0, upperBoundFacilityKWh: 0 };
  for (const item of items) {
    for (const key of Object.keys(total) as (keyof EnergyFigures)[]) total[key] += item[key];
  }
  return total;
}

function regionOf(env: Environment, regionId: string): Region {
  const region = env.regions[regionId];
  if (region === undefined) throw new Error(`internal: unknown region ${regionId}`);
  return region;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
