/**
 * What each workload template needs, as for_each instances. The body of every block is fixed
 * per template (constructs/tenant-workloads.ts); everything that differs between workloads is a
 * value here, so the block's instances are plain, reviewable data.
 *
 * Instances are keyed `<agency-id>/<workload>`; the persistent volume claims of a stateful
 * service are keyed `<agency-id>/<workload>/<ordinal>`.
 */
import { createHash } from "node:crypto";
import type { Workload, WorkloadTemplate } from "../environments/agency-schema";
import { hostOf } from "../environments/schema";
import { LABEL_PREFIX } from "./labels";
import { sortedEntries } from "../core/compare";
import { millicores } from "./tenant-baseline-instances";
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
} as const;

export type WorkloadKind = keyof typeof WORKLOAD_RESOURCE_TYPES;

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

type Of<T extends WorkloadTemplate> = Extract<Workload, { template: T }>;

/**
 * Adds every instance one workload needs: its service account and configuration, the workload
 * itself, and the services, ingress, autoscaler, disruption budget and volumes its template
 * promises. Which tenants run workloads (home, not standby) is the caller's decision.
 *
 * @throws Error when the image or model is not from one of the environment's in-country
 *   registries: the agency checks reject that first, so reaching here is a bug.
 */
export function addWorkloadInstances(ctx: TenantContext, name: string, workload: Workload, blocks: Blocks): void {
  assertInCountry(ctx, name, workload);
  const key = `${ctx.agency.id}/${name}`;
  const add = (kind: WorkloadKind, values: Record<string, unknown>, instanceKey = key): void =>
    addInstance(blocks, workloadBlock(workload.template, kind), instanceKey, values);
  const labels = workloadLabels(ctx, name, workload);
  const meta = { name, namespace: ctx.namespace, labels };
  const selector = workloadSelector(kubernetesId(ctx.agency), name);
  const env = containerEnv(workload);

  add("serviceAccount", meta);
  add("configMap", { ...meta, name: configMapName(name), data: env });

  const pod = podValues(ctx, name, workload, env);
  const service = (port: number) => ({ ...meta, selector, port });
  const disruptionBudget = { ...meta, selector };

  switch (workload.template) {
    case "web-service":
    case "open-data-api":
      // No replicas: the autoscaler owns the count between min and max.
      add("deployment", { ...meta, selector, ...pod, port: workload.port, health_path: workload.healthPath });
      add("service", service(workload.port));
      add("ingress", ingressValues(ctx, name, workload, meta));
      add("autoscaler", { ...meta, target: name, min_replicas: workload.minReplicas, max_replicas: workload.maxReplicas });
      add("disruptionBudget", disruptionBudget);
      return;
    case "worker":
      add("deployment", { ...meta, selector, ...pod, replicas: workload.replicas, health_command: workload.healthCommand });
      add("disruptionBudget", disruptionBudget);
      return;
    case "scheduled-job":
      add("cronJob", {
        ...meta,
        ...pod,
        schedule: workload.schedule,
        active_deadline_seconds: workload.activeDeadlineSeconds,
        health_command: workload.healthCommand,
      });
      return;
    case "stateful-service": {
      const storageClass = workload.storageClass ?? tenantStorageClass(ctx.environment) ?? null;
      const storage = `${workload.storageGiB}Gi`;
      add("statefulSet", {
        ...meta,
        selector,
        ...pod,
        replicas: workload.replicas,
        port: workload.port,
        service: name,
        storage_class: storageClass,
        storage,
      });
      add("service", service(workload.port));
      add("disruptionBudget", disruptionBudget);
      // The claims the StatefulSet controller looks for (<claim template>-<set>-<ordinal>), created
      // first and protected, so that no change to the workload can delete an agency's data.
      for (let ordinal = 0; ordinal < workload.replicas; ordinal++) {
        add("volumeClaim", { ...meta, name: `data-${name}-${ordinal}`, storage_class: storageClass, storage }, `${key}/${ordinal}`);
      }
      return;
    }
    case "ai-inference":
      add("deployment", { ...meta, selector, ...pod, replicas: workload.replicas, port: workload.port, health_path: workload.healthPath });
      add("service", service(workload.port));
      return;
  }
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
  return sorted({
    ...workload.labels,
    ...ctx.labels,
    ...workloadSelector(kubernetesId(ctx.agency), name),
    [TENANT_LABELS.workload]: name,
    [TENANT_LABELS.template]: workload.template,
    [TENANT_LABELS.system]: workload.system,
  });
}

/** Environment variables of the container; the platform's own variables win over the agency's. */
function containerEnv(workload: Workload): Record<string, string> {
  const platform: Record<string, string> =
    workload.template === "open-data-api" ? { READ_ONLY: "true" } : workload.template === "ai-inference" ? { MODEL_URI: workload.model } : {};
  return sorted({ ...workload.env, ...platform });
}

/** Values that every pod template of the workload uses. */
function podValues(ctx: TenantContext, name: string, workload: Workload, env: Record<string, string>): Record<string, unknown> {
  const exposed = workload.template === "web-service" || workload.template === "open-data-api";
  const gpus = workload.template === "ai-inference" ? { "nvidia.com/gpu": String(workload.gpus) } : {};
  const { resources } = workload;
  return {
    pod_labels: sorted({ ...workloadLabels(ctx, name, workload), ...(exposed ? { [TENANT_LABELS.ingress]: "true" } : {}) }),
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
export function nodeRole(workload: Workload): "general" | "gpu" | "storage" {
  if (workload.template === "ai-inference") return "gpu";
  if (workload.template === "stateful-service") return "storage";
  return "general";
}

/** The public entry of a web service or open data API: TLS from the platform's issuer. */
function ingressValues(
  ctx: TenantContext,
  name: string,
  workload: Of<"web-service"> | Of<"open-data-api">,
  meta: Record<string, unknown>,
): Record<string, unknown> {
  const { tenancy } = ctx.environment;
  const annotations: Record<string, string> = { [CLUSTER_ISSUER_ANNOTATION]: tenancy.clusterIssuer };
  if (workload.template === "open-data-api") {
    const nginx = "nginx.ingress.kubernetes.io";
    Object.assign(annotations, {
      [`${nginx}/limit-rps`]: String(workload.rateLimitPerSecond),
      // Concurrent connections per client address, scaled with the request budget.
      [`${nginx}/limit-connections`]: String(workload.rateLimitPerSecond),
      // Anyone may read open data from a browser; nobody may write, and no cookies are sent.
      [`${nginx}/enable-cors`]: "true",
      [`${nginx}/cors-allow-origin`]: "*",
      [`${nginx}/cors-allow-methods`]: "GET, HEAD, OPTIONS",
      [`${nginx}/cors-allow-credentials`]: "false",
    });
  }
  return {
    ...meta,
    annotations: sorted(annotations),
    ingress_class: tenancy.ingressClass,
    host: workload.host,
    tls_secret: `${name}-tls`,
    service: name,
    port: workload.port,
  };
}

/** Images and models come only from the regions' registry mirrors (checked for users in agency-checks). */
function assertInCountry(ctx: TenantContext, name: string, workload: Workload): void {
  const registries = new Set(Object.values(ctx.environment.regions).map((r) => r.registries.images));
  const sources = [workload.image.split("/")[0] as string, ...(workload.template === "ai-inference" ? [hostOf(workload.model)] : [])];
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
  return createHash("sha256").update(text).digest("hex");
}
