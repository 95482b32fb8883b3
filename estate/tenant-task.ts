/**
 * One agency's tenant in one region, as a task: everything its for_each instances are built
 * from, as plain data. Building a tenant is most of the time it takes to build a national
 * estate, and tenants are independent, so a second thread can build some of them (and keep
 * them for the stacks it synthesizes) from tasks copied to it; any thread can build any tenant
 * again from its task, with the same result. Who builds them is a strategy (estate/tenant-builder.ts).
 */
import type { Agency } from "../environments/agency-schema";
import type { Environment } from "../environments/schema";
import { ownershipLabels } from "./labels";
import { addBackupScheduleInstances } from "./backup";
import { tenantGreenLabels } from "./green-labels";
import { type Demand, totalDemand, type WorkloadPlacement } from "./placement";
import { addIngressControllerAllow, addTenantBaselineInstances, type DependencyEdge, isExposed } from "./tenant-baseline-instances";
import { addInstance, type Blocks, type InstanceValues, kubernetesId, TENANT_LABELS, type TenantContext, type TenantRole, tenantNamespace } from "./tenant-model";
import { addWorkloadInstances } from "./workload-instances";
import { merged } from "../core/merged";

export interface TenantTask {
  readonly regionId: string;
  readonly agency: Agency;
  readonly role: TenantRole;
  /** The agency's flexible workloads placed in this region, away from home. */
  readonly placed: readonly WorkloadPlacement[];
  /** Dependency edges from or to the agency's workloads (home tenants only). */
  readonly edges: readonly DependencyEdge[];
  /** The agency's workloads that run in this region, sorted. */
  readonly workloads: readonly string[];
}

/**
 * A tenant's instances as one flat list: block, key and values, for each instance in the order
 * they were added. A tenant's blocks are nearly as many maps as it has instances (119,663 inner
 * maps for the 3,400-agency estate's 126,497 instances), and the estate holds every tenant until
 * its stack is written: held as maps, its tenants took 88 MB, as these lists 60 MB, and building
 * the estate took 3.25 s instead of 3.30 s (medians of five alternated runs, loadEstate alone).
 * A tenant stack's blocks are merged from these lists, when the stack is synthesized.
 */
export type TenantInstances = readonly (string | InstanceValues)[];

/** A built tenant: its instances and their count. */
export interface Tenant {
  readonly instances: TenantInstances;
  readonly count: number;
}

/** The tenant's id in an estate: `<region>/<agency-id>` (an agency has one tenant per region). */
export function tenantId(task: Pick<TenantTask, "regionId" | "agency">): string {
  return `${task.regionId}/${task.agency.id}`;
}

/** Builds one tenant: a pure function of the environment and the task. */
export function buildTenant(env: Environment, task: TenantTask): Tenant {
  const instances: (string | InstanceValues)[] = [];
  for (const [block, byKey] of tenantBlocks(env, task)) for (const [key, values] of byKey) instances.push(block, key, values);
  return { instances, count: instances.length / 3 };
}

function tenantBlocks(env: Environment, task: TenantTask): Blocks {
  const placedDemand = task.placed.length > 0 ? totalDemand(task.placed) : undefined;
  const ctx = tenantContext(env, task.regionId, task.agency, task.role, placedDemand);
  const blocks: Blocks = new Map();
  addTenantBaselineInstances(ctx, task.edges, blocks);
  for (const name of task.workloads) addWorkloadInstances(ctx, name, ctx.agency.workloads[name]!, blocks);
  addBackupScheduleInstances(ctx, blocks);
  // A DR tenant that also runs placed workloads needs the ingress controller's allow for them.
  if (task.role === "dr" && task.placed.some((p) => isExposed(ctx.agency.workloads[p.workload]!))) addIngressControllerAllow(ctx, blocks);
  return blocks;
}

/** The blocks of a tenant stack: its tenants' instances, in order. */
export function mergeTenants(parts: readonly TenantInstances[]): Blocks {
  const blocks: Blocks = new Map();
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 3) addInstance(blocks, part[i] as string, part[i + 1] as string, part[i + 2] as InstanceValues);
  }
  return blocks;
}

/**
 * `placedDemand`: what the agency's workloads placed in this region need; a tenant that exists
 * only for them (role placement) gets exactly that as its quota.
 */
function tenantContext(env: Environment, regionId: string, agency: Agency, role: TenantRole, placedDemand?: Demand): TenantContext {
  const tenant = tenantAgency(agency, role, placedDemand);
  const region = env.regions[regionId];
  if (region === undefined) throw new Error(`internal: unknown region ${regionId}`);
  const namespace = tenantNamespace(kubernetesId(tenant));
  return {
    environment: env,
    regionId,
    region,
    agency: tenant,
    role,
    namespace,
    labels: merged(
      ownershipLabels(env.name, regionId),
      {
        [TENANT_LABELS.agency]: tenant.id,
        [TENANT_LABELS.tenant]: namespace,
        [TENANT_LABELS.level]: tenant.level,
        [TENANT_LABELS.classification]: tenant.dataClassification,
      },
      // Energy and carbon are attributed to the agency; the region's green labels come from the stack's aspect.
      tenantGreenLabels(tenant),
    ),
  };
}

/** The agency as its tenant in one region sees it: a placement tenant's quota is what its placed workloads need. */
export function tenantAgency(agency: Agency, role: TenantRole, placedDemand: Demand | undefined): Agency {
  return role === "placement" && placedDemand !== undefined
    ? merged(agency, { quota: merged(placedDemand, { cpu: Math.ceil(placedDemand.cpu * 1000) / 1000, storageGiB: 0 }) })
    : agency;
}
