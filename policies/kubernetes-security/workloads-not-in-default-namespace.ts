import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { metadataOf } from "../lib/tenancy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { isObject } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/**
 * Typed resources of namespaced kinds (each legacy type and its _v1 twin). Their
 * `metadata.namespace` defaults to `default` when it is left out. Not included: the resources
 * that patch an object someone else owns (kubernetes_labels, kubernetes_annotations, kubernetes_env,
 * *_v1_data) and kubernetes_default_service_account, which configures the default account of a
 * namespace (turning its token off in `default` is a good thing).
 */
export const NAMESPACED_TYPES: readonly string[] = [
  "kubernetes_config_map",
  "kubernetes_config_map_v1",
  "kubernetes_cron_job",
  "kubernetes_cron_job_v1",
  "kubernetes_daemonset",
  "kubernetes_daemon_set_v1",
  "kubernetes_deployment",
  "kubernetes_deployment_v1",
  "kubernetes_endpoints",
  "kubernetes_endpoints_v1",
  "kubernetes_endpoint_slice_v1",
  "kubernetes_horizontal_pod_autoscaler",
  "kubernetes_horizontal_pod_autoscaler_v1",
  "kubernetes_horizontal_pod_autoscaler_v2",
  "kubernetes_horizontal_pod_autoscaler_v2beta2",
  "kubernetes_ingress",
  "kubernetes_ingress_v1",
  "kubernetes_job",
  "kubernetes_job_v1",
  "kubernetes_limit_range",
  "kubernetes_limit_range_v1",
  "kubernetes_network_policy",
  "kubernetes_network_policy_v1",
  "kubernetes_persistent_volume_claim",
  "kubernetes_persistent_volume_claim_v1",
  "kubernetes_pod",
  "kubernetes_pod_v1",
  "kubernetes_pod_disruption_budget",
  "kubernetes_pod_disruption_budget_v1",
  "kubernetes_replication_controller",
  "kubernetes_replication_controller_v1",
  "kubernetes_resource_quota",
  "kubernetes_resource_quota_v1",
  "kubernetes_role",
  "kubernetes_role_v1",
  "kubernetes_role_binding",
  "kubernetes_role_binding_v1",
  "kubernetes_secret",
  "kubernetes_secret_v1",
  "kubernetes_service",
  "kubernetes_service_v1",
  "kubernetes_service_account",
  "kubernetes_service_account_v1",
  "kubernetes_stateful_set",
  "kubernetes_stateful_set_v1",
];

/** Built-in namespaced kinds: a kubernetes_manifest of one of these without a namespace lands in `default`. */
const NAMESPACED_KINDS: ReadonlySet<string> = new Set([
  "ConfigMap",
  "CronJob",
  "DaemonSet",
  "Deployment",
  "Endpoints",
  "EndpointSlice",
  "HorizontalPodAutoscaler",
  "Ingress",
  "Job",
  "LimitRange",
  "NetworkPolicy",
  "PersistentVolumeClaim",
  "Pod",
  "PodDisruptionBudget",
  "ReplicaSet",
  "ReplicationController",
  "ResourceQuota",
  "Role",
  "RoleBinding",
  "Secret",
  "Service",
  "ServiceAccount",
  "StatefulSet",
]);

const typed = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) => {
    const namespace = metadataOf(type, props)?.namespace;
    if (namespace === undefined || namespace === null || namespace === "") report("metadata.namespace is not set, so the object goes to the default namespace");
    else if (namespace === "default") report("the object is in the default namespace");
  });

/**
 * Nothing is deployed to the `default` namespace, which no tenant owns: it has no quota, no
 * default-deny network policy and no Pod Security label of govcloud's, and everything in it is
 * visible to whoever can read it. A typed resource without `metadata.namespace` lands there too.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "No namespaced object (workloads, services, config maps, secrets, service accounts, roles and bindings, ingresses...) is in the default namespace, by naming it or by leaving metadata.namespace out.",
  validateResource: [
    ...NAMESPACED_TYPES.map(typed),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m)) return;
      const namespace = isObject(m.metadata) ? m.metadata.namespace : undefined;
      if (namespace === "default") report(`the ${String(m.kind)} is in the default namespace`);
      else if ((namespace === undefined || namespace === null || namespace === "") && typeof m.kind === "string" && NAMESPACED_KINDS.has(m.kind)) {
        report(`the ${m.kind} sets no metadata.namespace, so it goes to the default namespace`);
      }
    }),
  ],
};
export default rule;
