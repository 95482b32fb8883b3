/**
 * The estate: from validated configuration to what must exist where. Places every agency's
 * tenants (home and disaster-recovery region), checks cross-file rules and capacity, assigns
 * tenant stacks, and collects each stack's for_each instances. Plain data; no cdktf.
 */
import type { EnvironmentConfig, LoadedAgency } from "../environments";
import { type AgencyStep, computeAgencyStep } from "./agency-step";
import { type Diagnostic, formatPath } from "../environments/diagnostics";
import type { Environment } from "../environments/schema";
import { checkAgencies } from "./agency-checks";
import { checkEnvironment } from "./environment-checks";
import { backupCoverageProblems, type BackupPlan, planBackups } from "./backup";
import { type CapacityProblem, capacityUnit, checkRegionCapacity, type TenantDemand } from "./capacity";
import { type Placement, placedIn, placeWorkloads, totalDemand } from "./placement";
import { type DependencyEdge, dependencyEdges } from "./tenant-baseline-instances";
import type { TenantRole } from "./tenant-model";
import { assignShards, tenantStackName } from "./tenant-shards";
import type { ShardLock } from "../environments/tenant-stack-lock";
import { inThreadTenants, type TenantBuilder, type TenantStackPlan } from "./tenant-builder";
import { tenantAgency, type TenantTask } from "./tenant-task";

export type { TenantStackPlan, TenantStackShape } from "./tenant-builder";

export interface Estate {
  readonly environment: Environment;
  /** Sorted by name. */
  readonly tenantStacks: readonly TenantStackPlan[];
  /** The tenant-stack lock to record (unchanged when no agency was added or removed). */
  readonly lock: ShardLock;
  /** Where every workload runs (estate/placement.ts): home, or the lowest-carbon region for flexible ones. */
  readonly placement: Placement;
  /** Backup locations, drills and home-tenant schedules (estate/backup.ts); undefined without a `backup` section. */
  readonly backup?: BackupPlan;
}

/**
 * How the estate is built, not what: every strategy gives the same estate for the same
 * configuration (the engine supplies faster ones, engine/tenant-builders.ts).
 */
export interface EstateStrategy {
  /** How tenants are built. @default inThreadTenants: each in turn, on this thread */
  readonly tenants?: TenantBuilder;
  /** How per-agency steps are evaluated. @default computeAgencyStep: every time */
  readonly agencyStep?: AgencyStep;
}

/** Builds the estate, or returns every problem that prevents it. */
export function buildEstate(config: EnvironmentConfig, lock: ShardLock, strategy: EstateStrategy = {}): { estate?: Estate; problems: Diagnostic[] } {
  const step = strategy.agencyStep ?? computeAgencyStep;
  const env = config.environment.value;
  // The environment's own cross-checks first: the agency checks assume a consistent environment.
  const environmentProblems = checkEnvironment(config.environment);
  if (environmentProblems.length > 0) return { problems: environmentProblems };
  const problems = checkAgencies(config.environment, config.agencies, new Set(Object.keys(lock.agencies)), step);
  problems.push(...backupCoverageProblems(config));
  // A model of an estate whose files contradict each other would only add noise.
  if (problems.length > 0) return { problems };

  const agencies = [...config.agencies].sort((a, b) => (a.value.id < b.value.id ? -1 : 1));
  const byId = new Map(agencies.map((a) => [a.value.id, a]));
  const placement = placeWorkloads(env, agencies.map((a) => a.value));

  // Every tenant, region by region, and each region's demand on its capacity.
  const tasks = tenantTasks(env, agencies, placement);
  const demands = new Map<string, TenantDemand[]>();
  for (const task of tasks) {
    const list = demands.get(task.regionId) ?? [];
    for (const demand of tenantDemands(task)) list.push(demand);
    demands.set(task.regionId, list);
  }
  for (const regionId of Object.keys(env.regions).sort()) {
    const regionDemands = demands.get(regionId) ?? [];
    for (const problem of checkRegionCapacity(env, regionId, regionDemands)) {
      problems.push(...capacityDiagnostics(config, env, regionId, problem, byId));
    }
  }

  // Tenants are built even after a capacity problem, to report shard problems too; but only
  // here: a builder that hands tenants to another thread expects a synthesis to follow.
  const building = (problems.length === 0 ? (strategy.tenants ?? inThreadTenants) : inThreadTenants).start(env, tasks);
  // Planned while a builder may still be building elsewhere.
  const backup = planBackups(env, agencies.map((a) => a.value), step, tasks);
  const counts = new Map(building.counts().map((count, i) => [tasks[i] as TenantTask, count]));
  const countOf = (task: TenantTask) => counts.get(task) as number;

  const instancesByRegion = new Map<string, Map<string, number>>(); // agency -> region -> instances
  for (const task of tasks) {
    const regions = instancesByRegion.get(task.agency.id) ?? new Map<string, number>();
    instancesByRegion.set(task.agency.id, regions.set(task.regionId, countOf(task)));
  }
  const shardDemands = agencies.map((loaded) => ({ agencyId: loaded.value.id, instancesByRegion: instancesByRegion.get(loaded.value.id) ?? new Map<string, number>() }));
  // A renamed agency stays in the stack of its former id: state cannot move between stacks.
  const agenciesLock: Record<string, number> = { ...lock.agencies };
  for (const loaded of agencies) {
    const former = loaded.value.renamedFrom;
    if (former !== undefined && agenciesLock[loaded.value.id] === undefined && agenciesLock[former] !== undefined) {
      agenciesLock[loaded.value.id] = agenciesLock[former];
    }
  }
  const shards = assignShards(shardDemands, { agencies: agenciesLock }, env.tenancy);
  for (const problem of shards.problems) {
    const loaded = byId.get(problem.agencyId) as LoadedAgency;
    problems.push({ ...loaded.source.locate(["workloads"]), path: "workloads", message: problem.message });
  }
  if (problems.length > 0) return { problems };

  type StackDraft = { regionId: string; shard: number; agencies: string[]; renames: Map<string, string>; tenants: TenantTask[] };
  const stacks = new Map<string, StackDraft>();
  for (const task of tasks) {
    const agencyId = task.agency.id;
    const shard = shards.assignment.get(agencyId) as number;
    const name = tenantStackName(task.regionId, shard);
    const stack: StackDraft = stacks.get(name) ?? { regionId: task.regionId, shard, agencies: [], renames: new Map(), tenants: [] };
    stack.agencies.push(agencyId);
    if (task.agency.renamedFrom !== undefined) stack.renames.set(agencyId, task.agency.renamedFrom);
    stack.tenants.push(task);
    stacks.set(name, stack);
  }
  const tenantStacks = [...stacks]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, s]) =>
      building.stack({
        name,
        regionId: s.regionId,
        shard: s.shard,
        agencies: [...s.agencies].sort(),
        resources: s.tenants.reduce((n, task) => n + countOf(task), 0),
        renames: s.renames,
        tenants: s.tenants,
      }),
    );
  return { estate: { environment: env, tenantStacks, lock: shards.lock, placement, ...(backup === undefined ? {} : { backup }) }, problems: [] };
}

/**
 * What one tenant asks of its region's capacity: its quota (a DR tenant's counts with the
 * environment's drReserveShare in checkRegionCapacity), and a DR tenant's placed workloads on top.
 */
export function tenantDemands(task: Pick<TenantTask, "agency" | "role" | "placed">): TenantDemand[] {
  const placedDemand = task.placed.length > 0 ? totalDemand(task.placed) : undefined;
  const { quota } = tenantAgency(task.agency, task.role, placedDemand);
  const demands: TenantDemand[] = [{ agencyId: task.agency.id, role: task.role, cpu: quota.cpu, memoryGiB: quota.memoryGiB, gpus: quota.gpus }];
  // A DR tenant that also runs placed workloads needs room for them on top of its reserve.
  if (task.role === "dr" && placedDemand !== undefined) demands.push({ agencyId: task.agency.id, role: "placement", ...placedDemand });
  return demands;
}

/**
 * Every agency's tenants, region by region (sorted), agencies sorted within a region: its home,
 * its disaster-recovery region, and regions where flexible workloads of its were placed.
 */
function tenantTasks(env: Environment, agencies: readonly LoadedAgency[], placement: Placement): TenantTask[] {
  // Regions where each agency has workloads away from home (flexible placement), and where each
  // of those workloads runs; every other workload runs at home.
  const awayIn = new Map<string, Set<string>>();
  const awayRegion = new Map<string, string>();
  for (const list of placement.away.values()) {
    for (const p of list) {
      awayIn.set(p.agencyId, (awayIn.get(p.agencyId) ?? new Set()).add(p.region));
      awayRegion.set(`${p.agencyId}/${p.workload}`, p.region);
    }
  }
  // Where each agency's workloads run, in the order written (the same for all of its tenants).
  const workloads = agencies.map(({ value: agency }) => {
    const names = Object.keys(agency.workloads);
    const regions = awayIn.has(agency.id) ? names.map((name) => awayRegion.get(`${agency.id}/${name}`) ?? agency.homeRegion) : undefined;
    return { names, regions, home: [...names].sort() };
  });
  const tasks: TenantTask[] = [];
  for (const regionId of Object.keys(env.regions).sort()) {
    const edges = edgesByAgency(dependencyEdges(agencies.filter((a) => a.value.homeRegion === regionId).map((a) => a.value)));
    agencies.forEach(({ value: agency }, index) => {
      // Flexible workloads placed here, away from home: a tenant of its own unless home or DR is here.
      const placed = awayIn.get(agency.id)?.has(regionId) ? placedIn(placement, regionId, agency.id) : [];
      const role: TenantRole | undefined = agency.homeRegion === regionId ? "home" : agency.drRegion === regionId ? "dr" : placed.length > 0 ? "placement" : undefined;
      if (role === undefined) return;
      const agencyEdges = role === "home" ? (edges.get(agency.id) ?? []) : [];
      const { names, regions, home } = workloads[index] as (typeof workloads)[number];
      const here = regions === undefined ? (role === "home" ? home : []) : names.filter((_, i) => regions[i] === regionId).sort();
      tasks.push({ regionId, agency, role, placed, edges: agencyEdges, workloads: here });
    });
  }
  return tasks;
}

/** Each agency's edges (either end), in the order of `edges`: one pass, not one per agency. */
function edgesByAgency(edges: readonly DependencyEdge[]): Map<string, DependencyEdge[]> {
  const byAgency = new Map<string, DependencyEdge[]>();
  const add = (agencyId: string, edge: DependencyEdge) => {
    const list = byAgency.get(agencyId);
    if (list === undefined) byAgency.set(agencyId, [edge]);
    else list.push(edge);
  };
  for (const edge of edges) {
    add(edge.from.agency, edge);
    if (edge.to.agency !== edge.from.agency) add(edge.to.agency, edge);
  }
  return byAgency;
}

/**
 * A capacity overflow, addressed to whoever can fix it. When one agency's quota alone overflows
 * the region, the first diagnostic is at that agency's quota line and says what fits; the
 * environment's node pools come second, as a hint for the platform team. Otherwise the
 * overflow is the platform's: one diagnostic at the node pools.
 */
function capacityDiagnostics(
  config: EnvironmentConfig,
  env: Environment,
  regionId: string,
  problem: CapacityProblem,
  byId: ReadonlyMap<string, LoadedAgency>,
): Diagnostic[] {
  const poolsPath = ["regions", regionId, "cluster", "nodePools"];
  const pools = { ...config.environment.source.locate(poolsPath), path: formatPath(poolsPath) };
  const culprit = problem.culprit;
  const loaded = culprit === undefined ? undefined : byId.get(culprit.agencyId);
  if (culprit === undefined || loaded === undefined) return [{ ...pools, message: problem.message }];
  const unit = capacityUnit(problem.resource);
  const field = ["quota", problem.resource];
  const overcommit = problem.resource === "cpu" ? env.tenancy.overcommit.cpu : problem.resource === "memoryGiB" ? env.tenancy.overcommit.memory : undefined;
  const offered = overcommit === undefined ? `${problem.offered} (GPUs are not overcommitted)` : `${problem.offered} × overcommit ${overcommit} = ${problem.limit}`;
  const where =
    culprit.role === "home"
      ? `home region ${regionId}`
      : `disaster-recovery region ${regionId}, which reserves ${Math.round(env.tenancy.drReserveShare * 100)}% of the quota`;
  const fix =
    culprit.fits <= 0
      ? `region ${regionId} has no ${unit} left for it; ${culprit.role === "home" ? "choose another homeRegion" : "choose another drRegion"} or ask the platform team for capacity`
      : `set quota.${problem.resource} to at most ${culprit.fits}${problem.resource === "gpus" ? "" : ", or ask the platform team for capacity"}`;
  const agencyLine = {
    ...loaded.source.locate(field),
    path: formatPath(field),
    message: `${culprit.quota} ${unit} do not fit in ${where}: it offers ${offered} and the other tenants leave ${culprit.room}; ${fix}`,
  };
  const at = loaded.source.locate(field);
  const remedy = overcommit === undefined ? "add GPU nodes" : `add nodes or raise tenancy.overcommit.${problem.resource === "cpu" ? "cpu" : "memory"}`;
  const hint = {
    ...pools,
    message: `hint for the platform team: tenant quotas need ${problem.demand} ${unit} in region ${regionId}, which offers ${offered}, because of ${culprit.agencyId}'s quota.${problem.resource} (${at.file}:${at.line}:${at.col}); to host it, ${remedy}`,
  };
  return [agencyLine, hint];
}
