/**
 * The shape of the tenant part of the estate: what each agency gets in each region, as plain
 * data. Tenant resources are rendered as one Terraform resource block per kind with `for_each`
 * over instances keyed by agency id (`kubernetes_namespace_v1.tenant["so-y-te-ha-noi"]`), so a
 * block's instances are a map from a stable key to the values of that instance.
 * See docs/tenant-stacks.md for why.
 */
import type { Agency, Workload } from "../environments/agency-schema";
import type { Environment, Region } from "../environments/schema";
import { LABEL_PREFIX, LABELS } from "./labels";

/** JSON-compatible values of one for_each instance. */
export type InstanceValues = Readonly<Record<string, unknown>>;

/**
 * Block (`<resource type>.<name>`, the block's Terraform address) -> instance key -> values.
 * Each block becomes one resource with `for_each`; instances are addressed `<block>["<key>"]`.
 */
export type Blocks = Map<string, Map<string, InstanceValues>>;

/** Adds one instance; a key used twice in a block is a bug in the model, not a user error. */
export function addInstance(blocks: Blocks, block: string, key: string, values: InstanceValues): void {
  let instances = blocks.get(block);
  if (instances === undefined) {
    instances = new Map();
    blocks.set(block, instances);
  }
  if (instances.has(key)) throw new Error(`internal: duplicate instance ${block}["${key}"]`);
  instances.set(key, values);
}

/**
 * Whether the tenant runs the agency's workloads (home), stands by for recovery (dr; it may also
 * run flexible workloads placed there), or exists only for flexible workloads placed in a region
 * that is neither (placement, with a quota of just what they need). See estate/placement.ts.
 */
export type TenantRole = "home" | "dr" | "placement";

/** Everything needed to render one agency's tenant in one region. */
export interface TenantContext {
  readonly environment: Environment;
  readonly regionId: string;
  readonly region: Region;
  readonly agency: Agency;
  readonly role: TenantRole;
  /** The tenant namespace (`tenant-<agency-id>`), the same in every region. */
  readonly namespace: string;
  /** Labels every object of this tenant carries (ownership, environment, region, agency). */
  readonly labels: Readonly<Record<string, string>>;
}

/** Label keys on tenant objects. Agencies cannot set keys under the platform prefix. */
export const TENANT_LABELS = {
  agency: `${LABEL_PREFIX}/agency`,
  tenant: `${LABEL_PREFIX}/tenant`,
  level: `${LABEL_PREFIX}/agency-level`,
  classification: `${LABEL_PREFIX}/data-classification`,
  workload: `${LABEL_PREFIX}/workload`,
  template: `${LABEL_PREFIX}/template`,
  system: `${LABEL_PREFIX}/system`,
  /** On pods that the ingress controller may reach. */
  ingress: `${LABEL_PREFIX}/ingress`,
  appName: "app.kubernetes.io/name",
  ...LABELS,
} as const;

/**
 * The id an agency's Kubernetes objects are named after: its namespace (`tenant-<id>`), its
 * workloads' selectors and its default groups. A rename keeps it (the names force replacements):
 * `originalId`, else `renamedFrom`, else the id.
 */
export function kubernetesId(agency: Pick<Agency, "id" | "renamedFrom" | "originalId">): string {
  return agency.originalId ?? agency.renamedFrom ?? agency.id;
}

/** The namespace of an agency's tenant, from its Kubernetes id (kubernetesId). */
export function tenantNamespace(agencyId: string): string {
  return `tenant-${agencyId}`;
}

/** Pod labels that identify one workload; selectors and network policies use exactly these. */
export function workloadSelector(agencyId: string, workloadName: string): Record<string, string> {
  return { [TENANT_LABELS.appName]: workloadName, [TENANT_LABELS.agency]: agencyId };
}

/** The port a workload serves on, if it serves one. */
export function servicePort(workload: Workload): number | undefined {
  return "port" in workload ? workload.port : undefined;
}

/** Templates whose service other agencies may depend on. */
export function servesOthers(workload: Workload): boolean {
  return servicePort(workload) !== undefined;
}

/**
 * Priority of a workload's pods: systems of cybersecurity level 4 and 5 get the high class when
 * the environment defines it. Returns undefined when the environment defines neither class.
 */
export function priorityClassFor(ctx: TenantContext, workload: Workload): string | undefined {
  const level = ctx.agency.systems[workload.system]?.securityLevel ?? 1;
  const classes = ctx.environment.platform.priorityClasses;
  if (level >= 4 && "govcloud-tenant-high" in classes) return "govcloud-tenant-high";
  if ("govcloud-tenant-default" in classes) return "govcloud-tenant-default";
  return undefined;
}

/** StorageClass of tenant volumes: `tenancy.storageClass`, else the environment's default class. */
export function tenantStorageClass(environment: Environment): string | undefined {
  if (environment.tenancy.storageClass !== undefined) return environment.tenancy.storageClass;
  return Object.entries(environment.platform.storageClasses).find(([, sc]) => sc.isDefault)?.[0];
}
