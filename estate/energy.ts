/**
 * Energy and carbon of a site and of the agencies' workloads on it, estimated from what is
 * declared: the node inventory (control planes and every pool at its count and size), the
 * workloads' requests and limits, replicas, GPUs and volumes, the node pools' power models and
 * embodied emissions, and each region's PUE, grid intensity and renewable share. Pure;
 * docs/energy-and-placement.md has the model with its sources and a worked example, and
 * `govcloud report energy` prints it. The coefficients are in environments/energy-coefficients.ts.
 *
 * **The site.** Every powered machine counts, all year. A machine of a pool draws
 *
 *   floor    = vCPUs × W_core × s + GiB × W_GiB + GPUs × W_gpu × s_gpu + disk TiB × W_TiB     (idle)
 *   dynamic  = (vCPUs × W_core × (1 − s) + GPUs × W_gpu × (1 − s_gpu)) × load
 *
 * Control planes and system pools are the platform's, at the average utilisation u. A pool that
 * runs tenant workloads is split by what is reserved on it: each workload's share of the pool's
 * CPU, memory and GPU floor is its requests × replicas × (hours it runs / 8760) over the pool's
 * capacity, plus its own dynamic power at u; the add-ons' node agents (DaemonSets on every
 * node) are the platform's share, as are the machines' disks (OS and images); what nobody
 * reserved is idle, at the floor. If requests exceed a pool's capacity (overcommit), the shares
 * are scaled down so they fill it exactly. Add the agencies' volumes (all year) and, where
 * declared, the network (kWh per GB). So, per region,
 *
 *   site IT energy = allocated (agencies) + platform + idle, exactly.
 *
 * A workload's share works out to the per-replica power of the request-based estimate:
 *
 *   P = cores × W_core × (s + (1 − s) × u) + GiB × W_GiB + GPUs × W_gpu × (s_gpu + (1 − s_gpu) × u)
 *
 * plus TiB × W_TiB for a stateful service's volumes. A replica runs all year, except a
 * scheduled job, which runs (cron runs per year) × activeDeadlineSeconds, an upper bound.
 * Autoscaled services count at minReplicas; the upper bound figure takes limits, maxReplicas
 * and full load (the site's: every machine at full load). Then
 *
 *   facility energy  = IT energy × PUE
 *   location-based   = facility energy × grid intensity (renewables do not lower it: GHG Protocol scope 2)
 *   market-based     = location-based × (1 − renewable share) (contracted or on-site renewables at zero)
 *   embodied         = kgCO2e per machine / lifetime for every machine; a workload's part is its
 *                      replicas × the scarcest of its shares of a machine × the share of the year it runs
 *   SCI              = (facility energy × grid intensity + embodied) / functional units per year (ISO/IEC 21031)
 */
import type { Agency, Workload } from "../environments/agency-schema";
import type { Environment, NodePool, PowerModel, EmbodiedEmissions, Region } from "../environments/schema";
import { NODE_AGENTS, installedAddOns } from "./add-ons";
import { CCF } from "../environments/energy-coefficients";
import { carbonUsageEffectiveness, todayInVietnam } from "./green-targets";
import { effectiveIntensity, type WorkloadPlacement } from "./placement";
import { nodeRole } from "./workload-instances";
import { compare } from "../core/compare";
import { descriptorOf } from "../environments/workloads";

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

/** A site's figures split three ways; the parts add up to the whole (upper bounds excepted). */
export interface SiteSplit {
  /** The agencies' shares: what their workloads reserve, and their volumes. */
  readonly allocated: EnergyFigures;
  /** Control planes, system pools, the add-ons' node agents on tenant pools, machines' disks, the network. */
  readonly platform: EnergyFigures;
  /** Capacity of tenant pools nobody reserved, drawing its idle floor. */
  readonly idle: EnergyFigures;
}

/** The whole site (field names as before the split) and its split. */
export interface SiteFigures extends EnergyFigures, SiteSplit {}

/** One group of identical machines of a region: its control plane or a node pool. */
export interface MachineGroupEnergy {
  /** `control-plane`, or the pool's name. */
  readonly group: string;
  readonly role: NodePool["role"] | "control-plane";
  readonly machines: number;
  /** Idle power of one machine, W (CPU, memory and GPU floors and its disk). */
  readonly floorWatts: number;
  /** Power of one machine at full load, W. */
  readonly maxWatts: number;
  /** IT energy of the group, kWh per year, split as the site is. */
  readonly itKWh: number;
  readonly allocatedItKWh: number;
  readonly platformItKWh: number;
  readonly idleItKWh: number;
}

/** A target a KPI is checked against (green.targets), and how the region stands. */
export interface KpiTarget {
  readonly kpi: "PUE" | "REF" | "ERF" | "WUE" | "CUE";
  /** `<= 1.4`, `>= 0.2`. */
  readonly target: string;
  /** `meets`, or `exempt until YYYY-MM-DD (approved by ...)`; a region that misses a target without an exemption fails validation. */
  readonly status: string;
}

/** The site KPIs of ISO/IEC 30134 a region declares or the estimate derives. */
export interface SiteKpis {
  /** Power usage effectiveness (30134-2), declared: facility energy / IT energy. */
  readonly pue: number;
  /** Renewable energy factor (30134-3), declared (energy.renewableShare): renewable energy / facility energy. */
  readonly ref: number;
  /** Energy reuse factor (30134-6), declared; absent when the site declares none. */
  readonly erf?: number;
  /** Water usage effectiveness (30134-9), L per IT kWh, declared; absent when the site declares none. */
  readonly wue?: number;
  /** Yearly water use, litres: WUE × the site's IT energy; absent without a WUE. */
  readonly waterLitres?: number;
  /** Carbon usage effectiveness (30134-8), kgCO2e per IT kWh, location-based: PUE × grid intensity. */
  readonly cue: number;
  /** CUE with the renewable share at zero (market-based). */
  readonly cueMarket: number;
  readonly targets: readonly KpiTarget[];
}

export interface RegionEstimate extends SiteFigures {
  readonly regionId: string;
  readonly pue: number;
  readonly renewableShare: number;
  readonly gridIntensityGCO2ePerKWh: number;
  /** gCO2e per kWh of IT load: grid × PUE × (1 − renewable share). */
  readonly effectiveIntensity: number;
  /** Facility energy of every declared machine at idle, all year: the least the site can draw, kWh per year. */
  readonly idleFloorFacilityKWh: number;
  /** The control plane (when its size is declared) and every node pool. */
  readonly machines: readonly MachineGroupEnergy[];
  readonly kpis: SiteKpis;
  /** What the site total leaves out because the environment does not declare it. */
  readonly notCounted: readonly string[];
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
  /** Every agency, sorted by id: its share of the sites. */
  readonly agencies: readonly AgencyEstimate[];
  /** Every region, sorted by id: the whole site and its split. */
  readonly regions: readonly RegionEstimate[];
  /** Every site together, and its split. */
  readonly total: SiteFigures;
  /** Flexible workloads: where they run and what that saves against their home region. */
  readonly placements: readonly PlacementSaving[];
  /** Set when the estimate is one agency's share (`--agency`): its id; `total` is then its figures. */
  readonly agency?: string;
}

/**
 * The estimate for an estate: every site from its inventory, every workload in the region its
 * placement chose. `placements` is keyed `<agency-id>/<workload>` (Placement.workloads); a
 * workload without an entry runs in its home region. `today` (`YYYY-MM-DD`, Vietnamese time)
 * decides which green-target exemptions still hold.
 */
export function estimateEnergy(
  env: Environment,
  agencies: readonly Agency[],
  placements: ReadonlyMap<string, WorkloadPlacement> = new Map(),
  today: string = todayInVietnam(),
): EnergyEstimate {
  const sorted = [...agencies].sort((a, b) => compare(a.id, b.id));
  const parts: WorkloadParts[] = [];
  const savings: PlacementSaving[] = [];
  for (const agency of sorted) {
    for (const [name, workload] of Object.entries(agency.workloads).sort(([a], [b]) => compare(a, b))) {
      const placement = placements.get(`${agency.id}/${name}`);
      const regionId = placement?.region ?? agency.homeRegion;
      parts.push(workloadParts(env, regionId, agency.id, name, workload));
      if (placement?.flexible) {
        savings.push({
          agencyId: agency.id,
          workload: name,
          homeRegion: agency.homeRegion,
          region: regionId,
          reason: placement.reason,
          skipped: placement.skipped,
          homeIntensity: effectiveIntensity(regionOf(env, agency.homeRegion).energy),
          regionIntensity: effectiveIntensity(regionOf(env, regionId).energy),
          savingMarketTCO2e: 0,
          savingLocationTCO2e: 0,
        });
      }
    }
  }
  const sites = Object.keys(env.regions)
    .sort()
    .map((regionId) => siteEnergy(env, regionId, parts.filter((p) => p.regionId === regionId), today));
  const workloads = sites.flatMap((site) => site.workloads).sort((a, b) => compare(a.agencyId, b.agencyId) || compare(a.workload, b.workload));
  for (const [i, saving] of savings.entries()) {
    // The same reservation in both regions, before any overcommit scaling of either pool.
    const agency = sorted.find((a) => a.id === saving.agencyId)!;
    const workload = agency.workloads[saving.workload]!;
    const here = estimateWorkload(env, saving.region, agency.id, saving.workload, workload);
    const atHome = saving.region === saving.homeRegion ? here : estimateWorkload(env, saving.homeRegion, agency.id, saving.workload, workload);
    savings[i] = { ...saving, savingMarketTCO2e: atHome.marketTCO2e - here.marketTCO2e, savingLocationTCO2e: atHome.locationTCO2e - here.locationTCO2e };
  }
  const agencyEstimates = sorted.map((agency) => {
    const own = workloads.filter((w) => w.agencyId === agency.id);
    return { agencyId: agency.id, regions: [...new Set(own.map((w) => w.regionId))].sort(), ...sum(own) };
  });
  const regionEstimates = sites.map((site) => site.region);
  return {
    environment: env.name,
    averageUtilisation: env.green.averageUtilisation,
    workloads,
    agencies: agencyEstimates,
    regions: regionEstimates,
    total: {
      ...sum(regionEstimates),
      allocated: sum(regionEstimates.map((r) => r.allocated)),
      platform: sum(regionEstimates.map((r) => r.platform)),
      idle: sum(regionEstimates.map((r) => r.idle)),
    },
    placements: savings,
  };
}

/** The yearly figures of one workload running in one region, on a pool with room for it (no overcommit scaling). */
export function estimateWorkload(env: Environment, regionId: string, agencyId: string, name: string, workload: Workload): WorkloadEstimate {
  return workloadFigures(env, workloadParts(env, regionId, agencyId, name, workload), NO_SCALING);
}

/** What a workload reserves on its pool, and its energy before any overcommit scaling. */
interface WorkloadParts extends Pick<WorkloadEstimate, "agencyId" | "workload" | "template" | "regionId" | "pool" | "replicas" | "hoursPerYear"> {
  /** Reserved capacity averaged over the year: requests × replicas × hours / 8760. */
  readonly reserved: { readonly cpu: number; readonly memoryGiB: number; readonly gpus: number };
  /** Machines' worth of embodied emissions it reserves, averaged over the year. */
  readonly machineShare: number;
  /** IT energy, kWh per year, by what draws it. */
  readonly kWh: { readonly cpu: number; readonly memory: number; readonly gpu: number; readonly volume: number };
  readonly upperItKWh: number;
  readonly embodiedTCO2e: number;
  readonly functionalUnit?: Workload["functionalUnit"];
}

/** Factors (at most 1) that fit a pool's reservations into its capacity, per resource. */
interface Scaling {
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
  readonly embodied: number;
}

const NO_SCALING: Scaling = { cpu: 1, memory: 1, gpu: 1, embodied: 1 };

function workloadParts(env: Environment, regionId: string, agencyId: string, name: string, workload: Workload): WorkloadParts {
  const region = regionOf(env, regionId);
  const [poolName, pool] = poolFor(region, nodeRole(workload));
  const p = pool.power;
  const u = env.green.averageUtilisation;
  const { resources } = workload;
  const { replicas, maxReplicas, gpusPerReplica: gpus, storageGiBPerReplica } = descriptorOf(workload).sizing(workload);
  const storageTiB = storageGiBPerReplica / 1024;
  const hours = runningHours(workload);
  const years = (replicas * hours) / HOURS_PER_YEAR;

  const cores = resources.cpu;
  const memoryGiB = resources.memoryMiB / 1024;
  const cpuWatts = (c: number, load: number) => c * p.wattsPerCore * (p.idleShare + (1 - p.idleShare) * load);
  const gpuWatts = (load: number) => gpus * p.wattsPerGpu * (p.gpuIdleShare + (1 - p.gpuIdleShare) * load);
  // Volumes draw power all year, whether or not their pods run.
  const volumeKWh = (replicas * storageTiB * p.wattsPerTiB * HOURS_PER_YEAR) / 1000;
  const upperPod = cpuWatts(resources.cpuLimit, 1) + (resources.memoryLimitMiB / 1024) * p.wattsPerGiB + gpuWatts(1);
  const upperItKWh = (maxReplicas * upperPod * hours) / 1000 + (maxReplicas * storageTiB * p.wattsPerTiB * HOURS_PER_YEAR) / 1000;
  // The replica's share of a machine: the scarcest of what it reserves there.
  const share = Math.max(cores / pool.cpu, memoryGiB / pool.memoryGiB, pool.gpus > 0 ? gpus / pool.gpus : 0);
  return {
    agencyId,
    workload: name,
    template: workload.template,
    regionId,
    pool: poolName,
    replicas,
    hoursPerYear: hours,
    reserved: { cpu: cores * years, memoryGiB: memoryGiB * years, gpus: gpus * years },
    machineShare: share * years,
    kWh: {
      cpu: (replicas * cpuWatts(cores, u) * hours) / 1000,
      memory: (replicas * memoryGiB * p.wattsPerGiB * hours) / 1000,
      gpu: (replicas * gpuWatts(u) * hours) / 1000,
      volume: volumeKWh,
    },
    upperItKWh,
    embodiedTCO2e: (share * years * pool.embodied.kgCO2ePerNode) / pool.embodied.lifetimeYears / 1000,
    ...(workload.functionalUnit === undefined ? {} : { functionalUnit: workload.functionalUnit }),
  };
}

function workloadFigures(env: Environment, w: WorkloadParts, scale: Scaling): WorkloadEstimate {
  const { energy } = regionOf(env, w.regionId);
  const itKWh = w.kWh.cpu * scale.cpu + w.kWh.memory * scale.memory + w.kWh.gpu * scale.gpu + w.kWh.volume;
  const facilityKWh = itKWh * energy.pue;
  const locationTCO2e = (facilityKWh * energy.gridIntensityGCO2ePerKWh) / 1e6;
  const embodiedTCO2e = w.embodiedTCO2e * scale.embodied;
  const sci =
    w.functionalUnit === undefined
      ? undefined
      : {
          functionalUnit: w.functionalUnit.name,
          perYear: w.functionalUnit.perYear,
          gCO2ePerUnit: (facilityKWh * energy.gridIntensityGCO2ePerKWh + embodiedTCO2e * 1e6) / w.functionalUnit.perYear,
        };
  return {
    agencyId: w.agencyId,
    workload: w.workload,
    template: w.template,
    regionId: w.regionId,
    pool: w.pool,
    replicas: w.replicas,
    hoursPerYear: w.hoursPerYear,
    itKWh,
    facilityKWh,
    locationTCO2e,
    marketTCO2e: locationTCO2e * (1 - energy.renewableShare),
    embodiedTCO2e,
    upperBoundFacilityKWh: w.upperItKWh * energy.pue,
    ...(sci === undefined ? {} : { sci }),
  };
}

/** One machine's power model and size, for a pool or the control plane. */
interface Machine {
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly gpus: number;
  readonly diskGiB: number;
  readonly power: PowerModel;
  readonly embodied: EmbodiedEmissions;
}

/** Idle power of one machine, W, by part. */
function floorWatts(m: Machine): { cpu: number; memory: number; gpu: number; disk: number } {
  return {
    cpu: m.cpu * m.power.wattsPerCore * m.power.idleShare,
    memory: m.memoryGiB * m.power.wattsPerGiB,
    gpu: m.gpus * m.power.wattsPerGpu * m.power.gpuIdleShare,
    disk: (m.diskGiB / 1024) * m.power.wattsPerTiB,
  };
}

/** Power one machine adds at full load, W, by part. */
function dynamicWatts(m: Machine): { cpu: number; gpu: number } {
  return { cpu: m.cpu * m.power.wattsPerCore * (1 - m.power.idleShare), gpu: m.gpus * m.power.wattsPerGpu * (1 - m.power.gpuIdleShare) };
}

/** Per-node requests of the node agents of the add-ons the environment installs. */
function nodeAgentRequests(env: Environment): { cpu: number; memoryGiB: number } {
  const installed = new Set<string>(installedAddOns(env.platform));
  let cpu = 0;
  let memoryGiB = 0;
  for (const agent of Object.values(NODE_AGENTS)) {
    if (!installed.has(agent.addOn)) continue;
    cpu += cpuQuantity(agent.resources.requests.cpu);
    memoryGiB += memoryQuantity(agent.resources.requests.memory) / 1024 ** 3;
  }
  return { cpu, memoryGiB };
}

/** Kubernetes CPU quantity (`100m`, `1`) in cores. */
function cpuQuantity(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/** Kubernetes memory quantity (`128Mi`, `2Gi`) in bytes. */
function memoryQuantity(q: string): number {
  const units: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(q);
  if (m === null) throw new Error(`internal: memory quantity ${q}`);
  return Number(m[1]) * (m[2] === undefined ? 1 : units[m[2]]!);
}

/** IT energy (kWh per year) and embodied emissions (tCO2e per year), as parts of a site add them up. */
interface Part {
  itKWh: number;
  upperItKWh: number;
  embodiedTCO2e: number;
}

/** The site of one region, and the workloads running on it with their shares. */
function siteEnergy(env: Environment, regionId: string, parts: readonly WorkloadParts[], today: string): { region: RegionEstimate; workloads: WorkloadEstimate[] } {
  const region = regionOf(env, regionId);
  const u = env.green.averageUtilisation;
  const kWhPerYear = (watts: number) => (watts * HOURS_PER_YEAR) / 1000;
  const allocated: Part = { itKWh: 0, upperItKWh: 0, embodiedTCO2e: 0 };
  const platform: Part = { itKWh: 0, upperItKWh: 0, embodiedTCO2e: 0 };
  const idle: Part = { itKWh: 0, upperItKWh: 0, embodiedTCO2e: 0 };
  const machines: MachineGroupEnergy[] = [];
  const workloads: WorkloadEstimate[] = [];
  const notCounted: string[] = [];
  let floorKWh = 0;
  const agent = nodeAgentRequests(env);

  const groups: [string, MachineGroupEnergy["role"], number, Machine][] = [];
  const cp = region.cluster.controlPlane;
  if (cp !== undefined && cp.cpu !== undefined && cp.memoryGiB !== undefined) {
    groups.push(["control-plane", "control-plane", cp.replicas, { cpu: cp.cpu, memoryGiB: cp.memoryGiB, gpus: 0, diskGiB: cp.diskGiB, power: cp.power, embodied: cp.embodied }]);
  } else if (cp !== undefined) {
    notCounted.push("the control plane machines: declare cluster.controlPlane.cpu and memoryGiB (the flavor's)");
  } else {
    notCounted.push("the control plane: clusters that already exist declare none");
  }
  for (const [name, pool] of Object.entries(region.cluster.nodePools).sort(([a], [b]) => compare(a, b))) {
    groups.push([name, pool.role, pool.count, pool]);
  }

  for (const [group, role, count, m] of groups) {
    const floor = floorWatts(m);
    const dyn = dynamicWatts(m);
    const floorTotal = floor.cpu + floor.memory + floor.gpu + floor.disk;
    const maxTotal = floorTotal + dyn.cpu + dyn.gpu;
    const embodiedPerMachine = m.embodied.kgCO2ePerNode / m.embodied.lifetimeYears / 1000;
    floorKWh += count * kWhPerYear(floorTotal);
    const mine = parts.filter((w) => w.pool === group);
    const shared = role !== "system" && role !== "control-plane" ? true : mine.length > 0;
    const before = { a: allocated.itKWh, p: platform.itKWh, i: idle.itKWh };
    if (!shared) {
      // The platform's machines: all of them, busy at the average utilisation.
      platform.itKWh += count * kWhPerYear(floorTotal + (dyn.cpu + dyn.gpu) * u);
      platform.upperItKWh += count * kWhPerYear(maxTotal);
      platform.embodiedTCO2e += count * embodiedPerMachine;
    } else {
      const capacity = { cpu: count * m.cpu, memoryGiB: count * m.memoryGiB, gpus: count * m.gpus };
      const agents = { cpu: count * agent.cpu, memoryGiB: count * agent.memoryGiB };
      const demand = {
        cpu: agents.cpu + mine.reduce((n, w) => n + w.reserved.cpu, 0),
        memoryGiB: agents.memoryGiB + mine.reduce((n, w) => n + w.reserved.memoryGiB, 0),
        gpus: mine.reduce((n, w) => n + w.reserved.gpus, 0),
        machines: count * (m.cpu > 0 ? Math.max(agent.cpu / m.cpu, agent.memoryGiB / m.memoryGiB) : 0) + mine.reduce((n, w) => n + w.machineShare, 0),
      };
      const fit = (d: number, c: number) => (d > c && d > 0 ? c / d : 1);
      const scale: Scaling = { cpu: fit(demand.cpu, capacity.cpu), memory: fit(demand.memoryGiB, capacity.memoryGiB), gpu: fit(demand.gpus, capacity.gpus), embodied: fit(demand.machines, count) };
      // Per unit of capacity, a year: the floor of a vCPU, a GiB, a GPU, and a vCPU's and GPU's dynamic power at u.
      const perCpu = m.cpu > 0 ? floor.cpu / m.cpu : 0;
      const perGiB = m.memoryGiB > 0 ? floor.memory / m.memoryGiB : 0;
      const perGpu = m.gpus > 0 ? floor.gpu / m.gpus : 0;
      const dynCpu = m.cpu > 0 ? dyn.cpu / m.cpu : 0;
      const dynGpu = m.gpus > 0 ? dyn.gpu / m.gpus : 0;
      // The node agents and the machines' disks are the platform's.
      platform.itKWh +=
        kWhPerYear(agents.cpu * scale.cpu * (perCpu + dynCpu * u) + agents.memoryGiB * scale.memory * perGiB) + count * kWhPerYear(floor.disk);
      platform.upperItKWh += kWhPerYear(agents.cpu * scale.cpu * (perCpu + dynCpu) + agents.memoryGiB * scale.memory * perGiB) + count * kWhPerYear(floor.disk);
      const agentMachines = demand.machines - mine.reduce((n, w) => n + w.machineShare, 0);
      platform.embodiedTCO2e += agentMachines * scale.embodied * embodiedPerMachine;
      for (const w of mine) {
        const figures = workloadFigures(env, w, scale);
        workloads.push(figures);
        allocated.itKWh += figures.itKWh;
        allocated.upperItKWh += w.upperItKWh;
        allocated.embodiedTCO2e += figures.embodiedTCO2e;
      }
      // What nobody reserved: the floor of the rest of the capacity.
      const freeCpu = Math.max(0, capacity.cpu - demand.cpu * scale.cpu);
      const freeGiB = Math.max(0, capacity.memoryGiB - demand.memoryGiB * scale.memory);
      const freeGpus = Math.max(0, capacity.gpus - demand.gpus * scale.gpu);
      idle.itKWh += kWhPerYear(freeCpu * perCpu + freeGiB * perGiB + freeGpus * perGpu);
      idle.upperItKWh += kWhPerYear(freeCpu * (perCpu + dynCpu) + freeGiB * perGiB + freeGpus * (perGpu + dynGpu));
      idle.embodiedTCO2e += Math.max(0, count - demand.machines * scale.embodied) * embodiedPerMachine;
    }
    const volumes = mine.reduce((n, w) => n + w.kWh.volume, 0);
    const groupAllocated = allocated.itKWh - before.a - volumes;
    machines.push({
      group,
      role,
      machines: count,
      floorWatts: floorTotal,
      maxWatts: maxTotal,
      itKWh: groupAllocated + (platform.itKWh - before.p) + (idle.itKWh - before.i),
      allocatedItKWh: groupAllocated,
      platformItKWh: platform.itKWh - before.p,
      idleItKWh: idle.itKWh - before.i,
    });
  }
  const { energy } = region;
  if (energy.networkGBPerYear !== undefined) {
    const network = energy.networkGBPerYear * CCF.networkKWhPerGB.value;
    platform.itKWh += network;
    platform.upperItKWh += network;
  } else {
    notCounted.push("the network: declare energy.networkGBPerYear");
  }
  notCounted.push("storage beyond the agencies' volumes and the machines' disks (the block store's free capacity, replicas, backups)");

  const figures = (part: Part): EnergyFigures => {
    const facilityKWh = part.itKWh * energy.pue;
    const locationTCO2e = (facilityKWh * energy.gridIntensityGCO2ePerKWh) / 1e6;
    return {
      itKWh: part.itKWh,
      facilityKWh,
      locationTCO2e,
      marketTCO2e: locationTCO2e * (1 - energy.renewableShare),
      embodiedTCO2e: part.embodiedTCO2e,
      upperBoundFacilityKWh: part.upperItKWh * energy.pue,
    };
  };
  const split = { allocated: figures(allocated), platform: figures(platform), idle: figures(idle) };
  const site = figures({
    itKWh: allocated.itKWh + platform.itKWh + idle.itKWh,
    upperItKWh: allocated.upperItKWh + platform.upperItKWh + idle.upperItKWh,
    embodiedTCO2e: allocated.embodiedTCO2e + platform.embodiedTCO2e + idle.embodiedTCO2e,
  });
  return {
    region: {
      regionId,
      pue: energy.pue,
      renewableShare: energy.renewableShare,
      gridIntensityGCO2ePerKWh: energy.gridIntensityGCO2ePerKWh,
      effectiveIntensity: effectiveIntensity(energy),
      ...site,
      ...split,
      idleFloorFacilityKWh: floorKWh * energy.pue,
      machines,
      kpis: siteKpis(env, regionId, site.itKWh, today),
      notCounted,
    },
    workloads,
  };
}

/** The region's ISO/IEC 30134 KPIs and its green targets. */
function siteKpis(env: Environment, regionId: string, itKWh: number, today: string): SiteKpis {
  const { energy } = regionOf(env, regionId);
  const cue = carbonUsageEffectiveness(energy.pue, energy.gridIntensityGCO2ePerKWh);
  const exemption = env.green.exemptions.filter((e) => e.region === regionId && e.expires >= today).sort((a, b) => compare(b.expires, a.expires))[0];
  const status = (meets: boolean) => (meets ? "meets" : exemption === undefined ? "misses" : `exempt until ${exemption.expires} (approved by ${exemption.approvedBy})`);
  const t = env.green.targets;
  const targets: KpiTarget[] = [
    { kpi: "PUE", target: `<= ${t.maxPue}`, status: status(energy.pue <= t.maxPue + 1e-9) },
    { kpi: "REF", target: `>= ${t.minRenewableShare}`, status: status(energy.renewableShare >= t.minRenewableShare - 1e-9) },
  ];
  if (t.minErf !== undefined) targets.push({ kpi: "ERF", target: `>= ${t.minErf}`, status: status((energy.erf ?? -1) >= t.minErf - 1e-9) });
  if (t.maxWue !== undefined) targets.push({ kpi: "WUE", target: `<= ${t.maxWue}`, status: status(energy.wue !== undefined && energy.wue <= t.maxWue + 1e-9) });
  if (t.maxCue !== undefined) targets.push({ kpi: "CUE", target: `<= ${t.maxCue}`, status: status(cue <= t.maxCue + 1e-9) });
  return {
    pue: energy.pue,
    ref: energy.renewableShare,
    ...(energy.erf === undefined ? {} : { erf: energy.erf }),
    ...(energy.wue === undefined ? {} : { wue: energy.wue, waterLitres: energy.wue * itKWh }),
    cue,
    cueMarket: cue * (1 - energy.renewableShare),
    targets,
  };
}

/** Hours per year one replica runs: all year, unless its template says otherwise (a scheduled job's runs × its deadline). */
export function runningHours(workload: Workload): number {
  return descriptorOf(workload).runningHours?.(workload, HOURS_PER_YEAR) ?? HOURS_PER_YEAR;
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

/** How many times a cron schedule fires in a year, from the one cron module (core/cron.ts). */
export { cronRunsPerYear } from "../core/cron";

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
