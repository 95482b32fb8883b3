/**
 * The estate: from validated configuration to what must exist where. Places every agency's
 * tenants (home and disaster-recovery region), checks cross-file rules and capacity, assigns
 * tenant stacks, and collects each stack's for_each instances. Plain data; no cdktf.
 */
import type { EnvironmentConfig, LoadedAgency } from "../environments";
import type { Agency } from "../environments/agency-schema";
import { digest } from "./digest";
import type { EstateMemo } from "./estate-memo";
import { type Diagnostic, formatPath } from "../environments/diagnostics";
import type { Environment } from "../environments/schema";
import { ownershipLabels } from "../constructs/labels";
import { checkAgencies } from "./agency-checks";
import { addBackupScheduleInstances, backupCoverageProblems, type BackupPlan, planBackups } from "./backup";
import { checkRegionCapacity, type TenantDemand } from "./capacity";
import { tenantGreenLabels } from "./green-labels";
import { type Demand, hasFlexibleWorkload, type Placement, placedIn, placeWorkloads, regionOf, totalDemand } from "./placement";
import {
  addIngressControllerAllow,
  addTenantBaselineInstances,
  type DependencyEdge,
  dependencyEdges,
  isExposed,
} from "./tenant-baseline-instances";
import { type Blocks, countInstances, mergeBlocks, TENANT_LABELS, type TenantContext, type TenantRole, tenantNamespace } from "./tenant-model";
import { assignShards, type ShardLock, tenantStackName } from "./tenant-shards";
import { addWorkloadInstances } from "./workload-instances";

/** One tenant stack: the tenants of one shard in one region. */
export interface TenantStackPlan {
  readonly name: string;
  readonly regionId: string;
  readonly shard: number;
  /** Agency ids, sorted. */
  readonly agencies: readonly string[];
  readonly blocks: Blocks;
  readonly resources: number;
  /** Agencies renamed in this stack: new id -> former id (their instances get moved blocks). */
  readonly renames: ReadonlyMap<string, string>;
  /** Digests of what the tenants' own blocks are built from, in the order they were merged into `blocks` (for fingerprints). */
  readonly tenantDigests: readonly string[];
}

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

/** One agency's tenant in one region: its blocks, their instance count, and a digest of what they are built from. */
interface Tenant {
  readonly blocks: Blocks;
  readonly count: number;
  readonly digest: string;
}

/** Builds the estate, or returns every problem that prevents it. */
export function buildEstate(
  config: EnvironmentConfig,
  lock: ShardLock,
  memo?: EstateMemo,
): { estate?: Estate; problems: Diagnostic[] } {
  const env = config.environment.value;
  const problems = checkAgencies(config.environment, config.agencies, new Set(Object.keys(lock.agencies)), memo);
  problems.push(...backupCoverageProblems(config));
  // A model of an estate whose files contradict each other would only add noise.
  if (problems.length > 0) return { problems };

  const agencies = [...config.agencies].sort((a, b) => (a.value.id < b.value.id ? -1 : 1));
  const byId = new Map(agencies.map((a) => [a.value.id, a]));
  const placement = placeWorkloads(env, agencies.map((a) => a.value), memo);

  // Regions where each agency has workloads away from home (flexible placement).
  const awayIn = new Map<string, Set<string>>();
  for (const list of placement.away.values()) {
    for (const p of list) awayIn.set(p.agencyId, (awayIn.get(p.agencyId) ?? new Set()).add(p.region));
  }
  // Every tenant's instances, per region.
  const tenantBlocks = new Map<string, Map<string, Blocks>>(); // region -> agency -> blocks
  const demands = new Map<string, TenantDemand[]>();
  const tenants = new Map<Blocks, Tenant>();
  for (const regionId of Object.keys(env.regions).sort()) {
    const home = agencies.filter((a) => a.value.homeRegion === regionId);
    const edges = dependencyEdges(home.map((a) => a.value));
    const byAgency = new Map<string, Blocks>();
    const regionDemands: TenantDemand[] = [];
    for (const loaded of agencies) {
      // Flexible workloads placed here, away from home: a tenant of its own unless home or DR is here.
      const placed = awayIn.get(loaded.value.id)?.has(regionId) ? placedIn(placement, regionId, loaded.value.id) : [];
      const role: TenantRole | undefined =
        loaded.value.homeRegion === regionId ? "home" : loaded.value.drRegion === regionId ? "dr" : placed.length > 0 ? "placement" : undefined;
      if (role === undefined) continue;
      const id = loaded.value.id;
      const placedDemand = placed.length > 0 ? totalDemand(placed) : undefined;
      const agencyEdges = role === "home" ? edgesOf(edges, id) : [];
      const workloadRegions = hasFlexibleWorkload(loaded.value) ? Object.keys(loaded.value.workloads).map((name) => regionOf(placement, id, name)) : ["home"];
      const build = (): Blocks => {
        const ctx = tenantContext(env, regionId, loaded, role, placedDemand);
        const built: Blocks = new Map();
        addTenantBaselineInstances(ctx, agencyEdges, built);
        for (const [name, workload] of Object.entries(ctx.agency.workloads).sort(([a], [b]) => (a < b ? -1 : 1))) {
          if (regionOf(placement, id, name) === regionId) addWorkloadInstances(ctx, name, workload, built);
        }
        addBackupScheduleInstances(ctx, built);
        // A DR tenant that also runs placed workloads needs the ingress controller's allow for them.
        if (role === "dr" && placed.some((p) => isExposed(ctx.agency.workloads[p.workload]!.template))) addIngressControllerAllow(ctx, built);
        return built;
      };
      // Everything the tenant's blocks depend on besides the environment and the agency.
      const key = `tenant ${regionId} ${role} ${workloadRegions.join(",")} ${placed.length + agencyEdges.length === 0 ? "" : JSON.stringify([placed, agencyEdges])}`;
      // The blocks are a function of the agency and the key (and of the environment and the code,
      // which every stack's fingerprint includes): digesting those is digesting the blocks, at a
      // fiftieth of the bytes.
      const tenant = (): Tenant => {
        const blocks = build();
        return { blocks, count: countInstances(blocks), digest: digest(loaded.value, key) };
      };
      const built = memo === undefined ? tenant() : memo.remember(env, loaded.value, key, tenant);
      byAgency.set(id, built.blocks);
      tenants.set(built.blocks, built);
      const { quota } = tenantAgency(loaded.value, role, placedDemand);
      regionDemands.push({ agencyId: id, role, cpu: quota.cpu, memoryGiB: quota.memoryGiB, gpus: quota.gpus });
      // A DR tenant that also runs placed workloads needs room for them on top of its reserve.
      if (role === "dr" && placed.length > 0) regionDemands.push({ agencyId: id, role: "placement", ...totalDemand(placed) });
    }
    tenantBlocks.set(regionId, byAgency);
    demands.set(regionId, regionDemands);

    for (const problem of checkRegionCapacity(env, regionId, regionDemands)) {
      const at = config.environment.source.locate(["regions", regionId, "cluster", "nodePools"]);
      problems.push({ ...at, path: formatPath(["regions", regionId, "cluster", "nodePools"]), message: problem.message });
    }
  }

  const shardDemands = agencies.map((loaded) => ({
    agencyId: loaded.value.id,
    instancesByRegion: new Map(
      [...tenantBlocks].flatMap(([regionId, byAgency]) => {
        const blocks = byAgency.get(loaded.value.id);
        return blocks === undefined ? [] : [[regionId, (tenants.get(blocks) as Tenant).count] as const];
      }),
    ),
  }));
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

  type StackDraft = { regionId: string; shard: number; agencies: string[]; renames: Map<string, string>; parts: Blocks[] };
  const stacks = new Map<string, StackDraft>();
  for (const [regionId, byAgency] of tenantBlocks) {
    for (const [agencyId, blocks] of byAgency) {
      const shard = shards.assignment.get(agencyId) as number;
      const name = tenantStackName(regionId, shard);
      const stack: StackDraft = stacks.get(name) ?? { regionId, shard, agencies: [], renames: new Map(), parts: [] };
      stack.agencies.push(agencyId);
      const former = byId.get(agencyId)?.value.renamedFrom;
      if (former !== undefined) stack.renames.set(agencyId, former);
      stack.parts.push(blocks);
      stacks.set(name, stack);
    }
  }
  const merge = (parts: readonly Blocks[]): Blocks => {
    const blocks: Blocks = new Map();
    for (const part of parts) mergeBlocks(blocks, part);
    return blocks;
  };
  const tenantStacks = [...stacks]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, s]) => {
      const blocks = memo === undefined ? merge(s.parts) : memo.rememberMerged(env, name, s.parts, () => merge(s.parts));
      const resources = s.parts.reduce((n, part) => n + (tenants.get(part) as Tenant).count, 0);
      const { parts, ...rest } = s;
      return { name, ...rest, agencies: [...s.agencies].sort(), blocks, resources, tenantDigests: parts.map((part) => (tenants.get(part) as Tenant).digest) };
    });
  const backup = planBackups(env, agencies.map((a) => a.value), memo);
  return { estate: { environment: env, tenantStacks, lock: shards.lock, placement, ...(backup === undefined ? {} : { backup }) }, problems: [] };
}

/**
 * `placedDemand`: what the agency's workloads placed in this region need; a tenant that exists
 * only for them (role placement) gets exactly that as its quota.
 */
function tenantContext(env: Environment, regionId: string, loaded: LoadedAgency, role: TenantRole, placedDemand?: Demand): TenantContext {
  const agency = tenantAgency(loaded.value, role, placedDemand);
  const region = env.regions[regionId];
  if (region === undefined) throw new Error(`internal: unknown region ${regionId}`);
  const namespace = tenantNamespace(agency.id);
  return {
    environment: env,
    regionId,
    region,
    agency,
    role,
    namespace,
    labels: {
      ...ownershipLabels(env.name, regionId),
      [TENANT_LABELS.agency]: agency.id,
      [TENANT_LABELS.tenant]: namespace,
      [TENANT_LABELS.level]: agency.level,
      [TENANT_LABELS.classification]: agency.dataClassification,
      // Energy and carbon are attributed to the agency; the region's green labels come from the stack's aspect.
      ...tenantGreenLabels(agency),
    },
  };
}

/** The agency as its tenant in one region sees it: a placement tenant's quota is what its placed workloads need. */
function tenantAgency(agency: Agency, role: TenantRole, placedDemand: Demand | undefined): Agency {
  return role === "placement" && placedDemand !== undefined
    ? { ...agency, quota: { ...placedDemand, cpu: Math.ceil(placedDemand.cpu * 1000) / 1000, storageGiB: 0 } }
    : agency;
}

function edgesOf(edges: readonly DependencyEdge[], agencyId: string): DependencyEdge[] {
  return edges.filter((e) => e.from.agency === agencyId || e.to.agency === agencyId);
}
