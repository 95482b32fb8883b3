import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "../lib/resource-of-type";
import { ruleId, terraformType } from "../lib/terraform-type";
import { block, blocks, isObject, show, text } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/** The ClusterRole that allows everything. */
export const CLUSTER_ADMIN = "cluster-admin";

interface Subject {
  readonly kind: unknown;
  readonly name: unknown;
  readonly namespace: unknown;
}

/** Kubernetes' own identities (`system:masters`, `system:serviceaccount:kube-system:...`). */
function isSystem(s: Subject): boolean {
  return typeof s.name === "string" && s.name.startsWith("system:");
}

function check(kind: "ClusterRoleBinding" | "RoleBinding", roleRef: Readonly<Record<string, unknown>> | undefined, subjects: readonly Subject[], report: (message: string) => void): void {
  if (roleRef?.kind !== "ClusterRole" || roleRef.name !== CLUSTER_ADMIN) return;
  const scope = kind === "ClusterRoleBinding" ? "over the whole cluster" : "in its namespace, roles and bindings included";
  for (const s of subjects) {
    if (isSystem(s)) continue;
    const who = s.kind === "ServiceAccount" ? `service account ${show(s.namespace)}/${show(s.name)}` : `${text(s.kind) || "subject"} ${show(s.name)}`;
    report(`the ${kind} gives ${CLUSTER_ADMIN} to ${who}, which can then do anything ${scope}; grant a role that lists what it needs`);
  }
}

const typed = (type: string, kind: "ClusterRoleBinding" | "RoleBinding"): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) =>
    check(kind, block(props.role_ref), blocks(props.subject).map((s) => ({ kind: s.kind, name: s.name, namespace: s.namespace })), report),
  );

/**
 * Nobody outside Kubernetes' own `system:` identities is bound to `cluster-admin`, by a
 * ClusterRoleBinding (everything, everywhere) or a RoleBinding (everything in a namespace,
 * including granting itself more): administrators and agencies get roles that list what they do,
 * and break-glass access is granted at the time it is needed, not left in configuration.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: `No ClusterRoleBinding or RoleBinding binds the ${CLUSTER_ADMIN} ClusterRole to a subject whose name does not start with system:.`,
  validateResource: [
    typed("kubernetes_cluster_role_binding", "ClusterRoleBinding"),
    typed("kubernetes_cluster_role_binding_v1", "ClusterRoleBinding"),
    typed("kubernetes_role_binding", "RoleBinding"),
    typed("kubernetes_role_binding_v1", "RoleBinding"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m) || (m.kind !== "ClusterRoleBinding" && m.kind !== "RoleBinding")) return;
      check(m.kind, isObject(m.roleRef) ? m.roleRef : undefined, blocks(m.subjects).map((s) => ({ kind: s.kind, name: s.name, namespace: s.namespace })), report);
    }),
  ],
};
export default rule;
