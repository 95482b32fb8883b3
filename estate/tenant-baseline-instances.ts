/**
 * What every tenant namespace gets, as for_each instances: the namespace (Pod Security
 * Admission `restricted`), its quota and limit range, default-deny networking with explicit
 * allows, RoleBindings to the agency's groups and a default service account without a token.
 */
import type { Workload } from "../environments/agency-schema";
import { descriptorOf } from "../environments/workloads";
import { podSecurityLabels } from "./labels";
import { type Blocks, type TenantContext, TENANT_LABELS, addInstance, kubernetesId, servicePort, workloadSelector, tenantNamespace } from "./tenant-model";
import { merged } from "../core/merged";

/**
 * Blocks of the tenant baseline, as `<resource type>.<name>`: the Terraform address of the block
 * in every tenant stack; instances add `["<key>"]`.
 */
export const BASELINE_BLOCKS = {
  namespace: "kubernetes_namespace_v1.tenant",
  quota: "kubernetes_resource_quota_v1.tenant",
  limitRange: "kubernetes_limit_range_v1.tenant",
  defaultServiceAccount: "kubernetes_default_service_account_v1.tenant",
  denyAll: "kubernetes_network_policy_v1.default_deny",
  allowDns: "kubernetes_network_policy_v1.allow_dns",
  allowSameNamespace: "kubernetes_network_policy_v1.allow_same_namespace",
  allowIngressController: "kubernetes_network_policy_v1.allow_ingress_controller",
  allowMonitoring: "kubernetes_network_policy_v1.allow_monitoring",
  egressToDependency: "kubernetes_network_policy_v1.allow_egress_to_dependency",
  ingressFromDependent: "kubernetes_network_policy_v1.allow_ingress_from_dependent",
  admins: "kubernetes_role_binding_v1.tenant_admins",
  developers: "kubernetes_role_binding_v1.tenant_developers",
  viewers: "kubernetes_role_binding_v1.tenant_viewers",
} as const;

/** A call from one workload to another agency's service, in one region. */
export interface DependencyEdge {
  /** `agency` is the agency id (instance keys); `names` its Kubernetes id (object names, selectors). */
  readonly from: { readonly agency: string; readonly names: string; readonly workload: string };
  readonly to: { readonly agency: string; readonly names: string; readonly workload: string; readonly port: number };
}

/** Namespaces of platform components that talk to tenants. */
const INGRESS_NAMESPACE = "ingress-nginx";
const MONITORING_NAMESPACE = "monitoring";

/**
 * Adds the baseline of one tenant. `edges` are the dependency edges of this region in which the
 * tenant's agency is either side; only the home tenant (where workloads run) gets them.
 */
export function addTenantBaselineInstances(ctx: TenantContext, edges: readonly DependencyEdge[], blocks: Blocks): void {
  const { agency, namespace, environment } = ctx;
  const key = agency.id;
  const labels = ctx.labels;
  const meta = (name: string) => ({ name, namespace, labels });

  addInstance(blocks, BASELINE_BLOCKS.namespace, key, {
    name: namespace,
    labels: merged(labels, podSecurityLabels("restricted", ctx.region.cluster.kubernetesVersion)),
    annotations: {
      "govcloud.gov.vn/display-name": agency.displayName,
      "govcloud.gov.vn/tenant-role": ctx.role,
    },
  });
  addInstance(blocks, BASELINE_BLOCKS.quota, key, merged(meta("tenant-quota"), { hard: quotaHard(ctx) }));
  addInstance(blocks, BASELINE_BLOCKS.limitRange, key, merged(meta("tenant-limits"), limitRange()));
  addInstance(blocks, BASELINE_BLOCKS.defaultServiceAccount, key, { namespace, labels });

  addInstance(blocks, BASELINE_BLOCKS.denyAll, key, meta("default-deny-all"));
  addInstance(blocks, BASELINE_BLOCKS.allowDns, key, meta("allow-dns-egress"));
  addInstance(blocks, BASELINE_BLOCKS.allowSameNamespace, key, meta("allow-same-namespace"));
  if (MONITORING_NAMESPACE in environment.platform.namespaces) {
    addInstance(blocks, BASELINE_BLOCKS.allowMonitoring, key, merged(meta("allow-monitoring-scrape"), { from_namespace: MONITORING_NAMESPACE }));
  }

  // Tenants that run workloads: home, and placement tenants of flexible workloads (a DR tenant
  // that runs placed workloads gets the allow from the estate, through addIngressControllerAllow).
  if (ctx.role !== "dr") {
    if (Object.values(agency.workloads).some(isExposed)) addIngressControllerAllow(ctx, blocks);
    for (const edge of edges) addEdgeInstances(ctx, edge, blocks);
  }

  for (const [role, block] of [
    ["admin", BASELINE_BLOCKS.admins],
    ["developer", BASELINE_BLOCKS.developers],
    ["viewer", BASELINE_BLOCKS.viewers],
  ] as const) {
    for (const group of groupsFor(ctx, role)) {
      addInstance(blocks, block, `${key}/${group}`, merged(meta(`govcloud-${role}-${dnsSafe(group)}`), { cluster_role: `govcloud-tenant-${role}`, group }));
    }
  }
}

/** Whether a workload is published through an Ingress (the ingress controller must reach it). */
export function isExposed(workload: Workload): boolean {
  return descriptorOf(workload).traits.exposed;
}

/** Lets the shared ingress controller reach the tenant's pods labelled for ingress. */
export function addIngressControllerAllow(ctx: TenantContext, blocks: Blocks): void {
  addInstance(blocks, BASELINE_BLOCKS.allowIngressController, ctx.agency.id, {
    name: "allow-ingress-controller",
    namespace: ctx.namespace,
    labels: ctx.labels,
    from_namespace: INGRESS_NAMESPACE,
    pod_labels: { [TENANT_LABELS.ingress]: "true" },
  });
}

function addEdgeInstances(ctx: TenantContext, edge: DependencyEdge, blocks: Blocks): void {
  const edgeKey = `${edge.from.agency}/${edge.from.workload}->${edge.to.agency}/${edge.to.workload}`;
  const common = { labels: ctx.labels, port: String(edge.to.port) };
  if (edge.from.agency === ctx.agency.id) {
    addInstance(
      blocks,
      BASELINE_BLOCKS.egressToDependency,
      edgeKey,
      merged(common, {
        name: `egress-${edge.from.workload}-to-${edge.to.names}-${edge.to.workload}`,
        namespace: ctx.namespace,
        pod_labels: workloadSelector(edge.from.names, edge.from.workload),
        peer_namespace: tenantNamespace(edge.to.names),
        peer_labels: workloadSelector(edge.to.names, edge.to.workload),
      }),
    );
  }
  if (edge.to.agency === ctx.agency.id) {
    addInstance(
      blocks,
      BASELINE_BLOCKS.ingressFromDependent,
      edgeKey,
      merged(common, {
        name: `ingress-${edge.to.workload}-from-${edge.from.names}-${edge.from.workload}`,
        namespace: ctx.namespace,
        pod_labels: workloadSelector(edge.to.names, edge.to.workload),
        peer_namespace: tenantNamespace(edge.from.names),
        peer_labels: workloadSelector(edge.from.names, edge.from.workload),
      }),
    );
  }
}

/** Identity-provider groups for a role: the agency's own, or `<Kubernetes id>-admins` and so on. */
function groupsFor(ctx: TenantContext, role: "admin" | "developer" | "viewer"): string[] {
  const configured = ctx.agency.access[`${role}s`];
  return [...new Set(configured ?? [`${kubernetesId(ctx.agency)}-${role}s`])].sort();
}

/** A group name as part of a Kubernetes object name. */
function dnsSafe(group: string): string {
  const safe = group.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return safe.slice(0, 200) || "group";
}

/** ResourceQuota `hard`: requests from the agency's quota, limits by the environment's ratio. */
function quotaHard(ctx: TenantContext): Record<string, string> {
  const { quota } = ctx.agency;
  const ratio = ctx.environment.tenancy.limitsToRequests;
  return {
    "requests.cpu": millicores(quota.cpu),
    "limits.cpu": millicores(quota.cpu * ratio.cpu),
    "requests.memory": `${Math.ceil(quota.memoryGiB * 1024)}Mi`,
    "limits.memory": `${Math.ceil(quota.memoryGiB * 1024 * ratio.memory)}Mi`,
    "requests.storage": `${quota.storageGiB}Gi`,
    "requests.nvidia.com/gpu": String(quota.gpus),
    // Tenants are reached through the shared ingress controller only.
    "services.loadbalancers": "0",
    "services.nodeports": "0",
  };
}

/** Defaults for containers that do not say what they need, and a ceiling for one container. */
function limitRange(): Record<string, Record<string, string>> {
  return {
    default_limits: { cpu: "500m", memory: "512Mi" },
    default_requests: { cpu: "100m", memory: "128Mi" },
    max: { cpu: "16", memory: "64Gi" },
  };
}

export function millicores(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

/** Dependency edges of the agencies in one region (both ends run there). */
export function dependencyEdges(agencies: readonly TenantContext["agency"][]): DependencyEdge[] {
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const edges: DependencyEdge[] = [];
  for (const agency of agencies) {
    for (const [name, workload] of Object.entries(agency.workloads)) {
      for (const dep of workload.dependsOn) {
        const target = byId.get(dep.agency)?.workloads[dep.workload];
        const port = target === undefined ? undefined : servicePort(target);
        if (port === undefined) continue; // reported by checkAgencies
        const names = kubernetesId(byId.get(dep.agency) as TenantContext["agency"]);
        edges.push({ from: { agency: agency.id, names: kubernetesId(agency), workload: name }, to: { agency: dep.agency, names, workload: dep.workload, port } });
      }
    }
  }
  return edges;
}
