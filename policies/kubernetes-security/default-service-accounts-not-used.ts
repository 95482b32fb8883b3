import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { validatePodTemplates } from "../lib/pod-templates";
import { metadataOf } from "../lib/tenancy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { blocks, isFalse, isObject, show } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

function isDefault(name: unknown): boolean {
  return name === undefined || name === null || name === "" || name === "default";
}

/** A default service account (typed or manifest) must not mount its token. */
const defaultAccount = (type: string, named: boolean): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) => {
    if (named && metadataOf(type, props)?.name !== "default") return;
    const automount = props.automount_service_account_token;
    if (!isFalse(automount)) report(`the namespace's default service account does not set automount_service_account_token = false (it is ${show(automount)})`);
  });

function checkSubjects(subjects: readonly Readonly<Record<string, unknown>>[], report: (message: string) => void): void {
  for (const s of subjects) {
    if (s.kind === "ServiceAccount" && s.name === "default") report(`the binding grants a role to the default service account of namespace ${show(s.namespace)}; bind a dedicated service account`);
  }
}

const binding = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) => checkSubjects(blocks(props.subject), report));

/**
 * The default service account of a namespace is shared by every pod that names no other, so it
 * holds no rights and no token: pods run as a dedicated service account, or else do not mount a
 * token (automount_service_account_token = false); a default account (kubernetes_default_service_account,
 * or a service account named `default`) turns automounting off; and no RoleBinding or
 * ClusterRoleBinding grants it anything.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "Pods that run as the default service account set automount_service_account_token = false; default service accounts set automount_service_account_token = false; no RoleBinding or ClusterRoleBinding binds a default service account.",
  validateResource: [
    ...validatePodTemplates((pod, report) => {
      if (isDefault(pod.serviceAccountName) && !isFalse(pod.automountServiceAccountToken)) {
        report(
          `the pod runs as the default service account and mounts its token (automount_service_account_token is ${show(pod.automountServiceAccountToken)}); name a dedicated service account or set it to false`,
        );
      }
    }),
    defaultAccount("kubernetes_default_service_account", false),
    defaultAccount("kubernetes_default_service_account_v1", false),
    defaultAccount("kubernetes_service_account", true),
    defaultAccount("kubernetes_service_account_v1", true),
    binding("kubernetes_role_binding"),
    binding("kubernetes_role_binding_v1"),
    binding("kubernetes_cluster_role_binding"),
    binding("kubernetes_cluster_role_binding_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m)) return;
      if (m.kind === "RoleBinding" || m.kind === "ClusterRoleBinding") checkSubjects(blocks(m.subjects), report);
      if (m.kind === "ServiceAccount" && isObject(m.metadata) && m.metadata.name === "default" && !isFalse(m.automountServiceAccountToken)) {
        report(`the namespace's default service account does not set automountServiceAccountToken: false (it is ${show(m.automountServiceAccountToken)})`);
      }
    }),
  ],
};
export default rule;
