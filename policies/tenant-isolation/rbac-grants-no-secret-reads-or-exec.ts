import { type RbacRule, roleValidations } from "../lib/rbac";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

const READ = ["get", "list", "watch"];
/** Resources whose `create` starts a pod, in the core and apps/batch API groups. */
const POD_CREATORS: Readonly<Record<string, readonly string[]>> = {
  "": ["pods", "replicationcontrollers"],
  apps: ["deployments", "statefulsets", "daemonsets", "replicasets"],
  batch: ["jobs", "cronjobs"],
};
/** Subresources that run a command in, or attach to, a running container. */
const EXEC = ["pods/exec", "pods/attach"];

const has = (list: readonly string[], value: string) => list.includes(value) || list.includes("*");

/** Whether a role can create pods in its scope, by creating a pod or a controller of pods. */
function createsPods(rules: readonly RbacRule[]): boolean {
  return rules.some(
    (r) => has(r.verbs, "create") && Object.entries(POD_CREATORS).some(([group, resources]) => has(r.apiGroups, group) && resources.some((res) => has(r.resources, res))),
  );
}

function check(rules: readonly RbacRule[], report: (message: string) => void): void {
  // Whoever may create pods can already mount any secret of the namespace and run any command;
  // reading secrets or exec adds nothing to such a role, and is flagged where it does add power.
  if (createsPods(rules)) return;
  rules.forEach((r, i) => {
    if (!has(r.apiGroups, "")) return;
    const reads = READ.filter((v) => has(r.verbs, v));
    if (reads.length > 0 && has(r.resources, "secrets")) report(`rule ${i + 1} grants ${reads.join(", ")} on secrets to a role that cannot otherwise reach them; read a secret through the workload that mounts it`);
    const exec = EXEC.filter((res) => r.resources.includes(res));
    if (has(r.verbs, "create") && exec.length > 0) report(`rule ${i + 1} grants create on ${exec.join(", ")}, which runs commands inside containers the role cannot otherwise touch`);
  });
}

/**
 * Roles and ClusterRoles do not read Secrets (get, list or watch on `secrets`) or run commands in
 * containers (create on `pods/exec` or `pods/attach`), unless the same role may create pods in the
 * same scope: Kubernetes gives whoever can create a pod every secret of its namespace (a pod can
 * mount any of them) and any command (a pod runs what it is told), so for such a role these
 * grants add nothing and are not flagged. Wildcards are the business of
 * rbac-has-no-wildcards-or-escalation.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description:
    "No Role or ClusterRole that cannot create pods grants get, list or watch on secrets, or create on pods/exec or pods/attach.",
  validateResource: roleValidations(check),
};
export default rule;
