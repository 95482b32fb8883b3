import { type RbacRule, roleValidations } from "../lib/rbac";
import { ruleId } from "../lib/terraform-type";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Verbs that let a subject grant itself or others more than it has. */
const ESCALATING = new Set(["bind", "escalate", "impersonate"]);

function check(rules: readonly RbacRule[], report: (message: string) => void): void {
  rules.forEach((r, i) => {
    const wild = (["apiGroups", "resources", "verbs", "nonResourceUrls"] as const).filter((f) => r[f].some((v) => v.includes("*")));
    if (wild.length > 0) report(`rule ${i + 1} uses the wildcard "*" in ${wild.join(", ")}; list the API groups, resources and verbs it needs`);
    const escalating = r.verbs.filter((v) => ESCALATING.has(v.toLowerCase()));
    if (escalating.length > 0) {
      report(`rule ${i + 1} grants ${escalating.join(", ")} on ${r.resources.join(", ") || "(no resources)"}, which lets a subject escalate its own privileges`);
    }
  });
}

/**
 * Roles and ClusterRoles list what they allow: no "*" in API groups, resources, verbs or
 * non-resource URLs, and no `bind`, `escalate` or `impersonate`, which let the holder grant
 * itself more than it was given.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: 'Roles and ClusterRoles use no "*" in apiGroups, resources, verbs or nonResourceURLs, and grant no bind, escalate or impersonate verb.',
  validateResource: roleValidations(check),
};
export default rule;
