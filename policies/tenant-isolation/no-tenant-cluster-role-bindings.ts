import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { AGENCY_LABEL, labelsOf, metadataOf, TENANT_LABEL, TENANT_NAMESPACE_PREFIX } from "../lib/tenancy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { blocks, isObject, text } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

interface Subject {
  readonly kind: unknown;
  readonly name: unknown;
  readonly namespace: unknown;
}

function check(metadata: Readonly<Record<string, unknown>> | undefined, subjects: readonly Subject[], report: (message: string) => void): void {
  const labels = labelsOf(metadata);
  for (const label of [TENANT_LABEL, AGENCY_LABEL]) {
    if (labels[label] !== undefined) report(`the ClusterRoleBinding belongs to a tenant (label ${label}=${text(labels[label])}); grant tenants access with RoleBindings in their namespace`);
  }
  for (const s of subjects) {
    if (s.kind === "ServiceAccount" && typeof s.namespace === "string" && s.namespace.startsWith(TENANT_NAMESPACE_PREFIX)) {
      report(`the ClusterRoleBinding grants cluster-wide access to service account ${String(s.namespace)}/${String(s.name)} of a tenant namespace`);
    }
  }
}

const typed = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) =>
    check(
      metadataOf(type, props),
      blocks(props.subject).map((s) => ({ kind: s.kind, name: s.name, namespace: s.namespace })),
      report,
    ),
  );

/**
 * A tenant never holds cluster-wide permissions: no ClusterRoleBinding is labelled as a
 * tenant's or an agency's, and none binds a service account of a tenant namespace
 * (`tenant-<agency>`). Tenants get access through RoleBindings in their own namespace.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: `No ClusterRoleBinding carries a ${TENANT_LABEL} or ${AGENCY_LABEL} label or binds a ServiceAccount of a tenant namespace (${TENANT_NAMESPACE_PREFIX}*).`,
  validateResource: [
    typed("kubernetes_cluster_role_binding"),
    typed("kubernetes_cluster_role_binding_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m) || m.kind !== "ClusterRoleBinding") return;
      check(
        metadataOf("kubernetes_manifest", props),
        blocks(m.subjects).map((s) => ({ kind: s.kind, name: s.name, namespace: s.namespace })),
        report,
      );
    }),
  ],
};
export default rule;
