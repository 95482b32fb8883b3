/**
 * What each workload template needs, as for_each instances. The body of every block is fixed
 * per template (constructs/tenant-workloads.ts); everything that differs between workloads is a
 * value here, so the block's instances are plain, reviewable data.
 *
 * Instances are keyed `<agency-id>/<workload>`; the persistent volume claims of a stateful
 * service are keyed `<agency-id>/<workload>/<ordinal>`.
 */
import { hash } from "node:crypto";
import type { Workload, WorkloadTemplate } from "../environments/agency-schema";
import { type NodeRole, type WorkloadInstanceContext, type WorkloadKind, descriptorOf } from "../environments/workloads";
import { LABEL_PREFIX } from "./labels";
import { sortedEntries } from "../core/compare";
import { millicores } from "./tenant-baseline-instances";
import { merged } from "../core/merged";
import {
  type Blocks,
  type TenantContext,
  TENANT_LABELS,
  addInstance,
  priorityClassFor,
  tenantStorageClass,
  workloadSelector,
  kubernetesId,
} from "./tenant-model";

export type { WorkloadKind } from "../environments/workloads";

/** The Terraform resource type of each kind of resource a workload can need. */
export const WORKLOAD_RESOURCE_TYPES = {
  serviceAccount: "kubernetes_service_account_v1",
  configMap: "kubernetes_config_map_v1",
  volumeClaim: "kubernetes_persistent_volume_claim_v1",
  deployment: "kubernetes_deployment_v1",
  statefulSet: "kubernetes_stateful_set_v1",
  cronJob: "kubernetes_cron_job_v1",
  service: "kubernetes_service_v1",
  ingress: "kubernetes_ingress_v1",
  autoscaler: "kubernetes_horizontal_pod_autoscaler_v2",
  disruptionBudget: "kubernetes_pod_disruption_budget_v1",
} as const satisfies Record<WorkloadKind, string>;

/**
 * The block of one kind of resource of one template, as `<resource type>.<name>` with the
 * template as the name: `kubernetes_ingress_v1.web_service`.
 */
export function workloadBlock(template: WorkloadTemplate, kind: WorkloadKind): string {
  return `${WORKLOAD_RESOURCE_TYPES[kind]}.${template.replaceAll("-", "_")}`;
}

/** Node label that says what a pool is for (set on every machine by the Cluster API templates). */
export const NODE_ROLE_LABEL = "node-role.govcloud.gov.vn/role";

/** Pod annotation that changes with the workload's configuration, so pods restart to pick it up. */
export const CONFIG_HASH_ANNOTATION = `${LABEL_PREFIX}/config-sha256`;

/** Ingress annotation naming the cert-manager ClusterIssuer that signs the host's certificate. */
const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/**
 * Adds every instance one workload needs: its service account and configuration, then what its
 * template promises (environments/workloads/<template>.ts: the workload itself, and its
 * services, ingress, autoscaler, disruption budget and volumes). Which tenants run workloads
 * (home, not standby) is the caller's decision.
 *
 * @throws Error when the image or model is not from one of the environment's in-country
 *   registries: the agency checks reject that first, so reaching here is a bug.
 */
export function addWorkloadInstances(ctx: TenantContext, name: string, workload: Workload, blocks: Blocks): void {
  const descriptor = descriptorOf(workload);
  assertInCountry(ctx, name, workload);
  const key = `${ctx.agency.id}/${name}`;
  const add = (kind: WorkloadKind, values: Record<string, unknown>, instanceKey = key): void =>
    addInstance(blocks, workloadBlock(workload.template, kind), instanceKey, values);
  const labels = workloadLabels(ctx, name, workload);
  const meta = { name, namespace: ctx.namespace, labels };
  const selector = workloadSelector(kubernetesId(ctx.agency), name);
  const env = containerEnv(workload);

  add("serviceAccount", meta);
  add("configMap", merged(meta, { name: configMapName(name), data: env }));

  const parts: WorkloadInstanceContext = {
    name,
    key,
    meta,
    selector,
    pod: podValues(ctx, name, workload, env),
    defaultStorageClass: () => tenantStorageClass(ctx.environment) ?? null,
    add,
    service: (port) => merged(meta, { selector, port }),
    disruptionBudget: () => merged(meta, { selector }),
    ingress: (host, port, annotations = {}) => ingressValues(ctx, name, meta, host, port, annotations),
  };
  descriptor.instances(workload, parts);
}

/** Name of the ConfigMap holding a workload's environment variables. */
export function configMapName(workload: string): string {
  return `${workload}-env`;
}

/** Name of the Secret a workload's secret environment variables come from, unless it names one. */
export function defaultSecretName(workload: string): string {
  return `${workload}-secrets`;
}

/**
 * Labels of every object of a workload. The agency's own labels come first, so that they can
 * never override a key that selectors, isolation or policies depend on.
 */
function workloadLabels(ctx: TenantContext, name: string, workload: Workload): Record<string, string> {
  return sorted(
    merged(workload.labels, ctx.labels, workloadSelector(kubernetesId(ctx.agency), name), {
      [TENANT_LABELS.workload]: name,
      [TENANT_LABELS.template]: workload.template,
      [TENANT_LABELS.system]: workload.system,
    }),
  );
}

/** Environment variables of the container; the platform's own variables win over the agency's. */
function containerEnv(workload: Workload): Record<string, string> {
  const descriptor = descriptorOf(workload);
  const platform: Record<string, string> = merged(descriptor.traits.readOnly ? { READ_ONLY: "true" } : undefined, descriptor.platformEnv?.(workload));
  return sorted(merged(workload.env, platform));
}

/** Values that every pod template of the workload uses. */
function podValues(ctx: TenantContext, name: string, workload: Workload, env: Record<string, string>): Record<string, unknown> {
  const descriptor = descriptorOf(workload);
  const exposed = descriptor.traits.exposed;
  const gpusPerReplica = descriptor.sizing(workload).gpusPerReplica;
  const gpus = gpusPerReplica > 0 ? { "nvidia.com/gpu": String(gpusPerReplica) } : {};
  const { resources } = workload;
  return {
    pod_labels: sorted(merged(workloadLabels(ctx, name, workload), exposed ? { [TENANT_LABELS.ingress]: "true" } : undefined)),
    pod_annotations: { [CONFIG_HASH_ANNOTATION]: sha256(JSON.stringify(env)) },
    image: workload.image,
    requests: { cpu: millicores(resources.cpu), memory: `${resources.memoryMiB}Mi`, ...gpus },
    limits: { cpu: millicores(resources.cpuLimit), memory: `${resources.memoryLimitMiB}Mi`, ...gpus },
    node_selector: { [NODE_ROLE_LABEL]: nodeRole(workload) },
    // null leaves the pod at the cluster's default priority.
    priority_class_name: priorityClassFor(ctx, workload) ?? null,
    config_map: configMapName(name),
    secret_name: workload.secretName ?? defaultSecretName(name),
  };
}

/** The node pool role a workload runs on. */
export function nodeRole(workload: Workload): NodeRole {
  return descriptorOf(workload).traits.nodeRole;
}

/** The public entry of an exposed workload: TLS from the platform's issuer, plus the template's annotations. */
function ingressValues(
  ctx: TenantContext,
  name: string,
  meta: Record<string, unknown>,
  host: string,
  port: number,
  extra: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const { tenancy } = ctx.environment;
  const annotations: Record<string, string> = { [CLUSTER_ISSUER_ANNOTATION]: tenancy.clusterIssuer, ...extra };
  return merged(meta, {
    annotations: sorted(annotations),
    ingress_class: tenancy.ingressClass,
    host,
    tls_secret: `${name}-tls`,
    service: name,
    port,
  });
}

/** Images and models come only from the regions' registry mirrors (checked for users in agency-checks). */
function assertInCountry(ctx: TenantContext, name: string, workload: Workload): void {
  const registries = new Set(Object.values(ctx.environment.regions).map((r) => r.registries.images));
  const sources = [workload.image.split("/")[0] as string, ...(descriptorOf(workload).artifacts?.(workload) ?? []).map((a) => a.host)];
  for (const host of sources) {
    if (!registries.has(host)) {
      throw new Error(`internal: ${ctx.agency.id}/${name} pulls from ${host}, which is not an in-country registry; checkAgencies should have rejected it`);
    }
  }
}

function sorted<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(sortedEntries(record));
}

function sha256(text: string): string {
  return hash("sha256", text, "hex");
}
