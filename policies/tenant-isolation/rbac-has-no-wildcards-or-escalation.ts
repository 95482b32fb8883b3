import { type ResourceValidation, validateResourceOfType } from "@pulumi/policy";
import { ruleId, terraformType } from "../lib/terraform-type";
import { blocks, isObject, strings } from "../lib/values";
import type { GovcloudResourcePolicy } from "../engine/types";

/** Verbs that let a subject grant itself or others more than it has. */
const ESCALATING = new Set(["bind", "escalate", "impersonate"]);

interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceUrls: readonly string[];
}

function check(rules: readonly PolicyRule[], report: (message: string) => void): void {
  rules.forEach((r, i) => {
    const wild = (["apiGroups", "resources", "verbs", "nonResourceUrls"] as const).filter((f) => r[f].some((v) => v.includes("*")));
    if (wild.length > 0) report(`rule ${i + 1} uses the wildcard "*" in ${wild.join(", ")}; list the API groups, resources and verbs it needs`);
    const escalating = r.verbs.filter((v) => ESCALATING.has(v.toLowerCase()));
    if (escalating.length > 0) {
      report(`rule ${i + 1} grants ${escalating.join(", ")} on ${r.resources.join(", ") || "(no resources)"}, which lets a subject escalate its own privileges`);
    }
  });
}

const typed = (type: string): ResourceValidation =>
  validateResourceOfType(terraformType(type), (props, _args, report) =>
    check(
      blocks(props.rule).map((r) => ({
        apiGroups: strings(r.api_groups),
        resources: strings(r.resources),
        verbs: strings(r.verbs),
        nonResourceUrls: strings(r.non_resource_urls),
      })),
      report,
    ),
  );

/**
 * Roles and ClusterRoles list what they allow: no "*" in API groups, resources, verbs or
 * non-resource URLs, and no `bind`, `escalate` or `impersonate`, which let the holder grant
 * itself more than it was given.
 */
const rule: GovcloudResourcePolicy = {
  name: ruleId(__filename),
  description: 'Roles and ClusterRoles use no "*" in apiGroups, resources, verbs or nonResourceURLs, and grant no bind, escalate or impersonate verb.',
  validateResource: [
    typed("kubernetes_role"),
    typed("kubernetes_role_v1"),
    typed("kubernetes_cluster_role"),
    typed("kubernetes_cluster_role_v1"),
    validateResourceOfType(terraformType("kubernetes_manifest"), (props, _args, report) => {
      const m = props.manifest;
      if (!isObject(m) || (m.kind !== "Role" && m.kind !== "ClusterRole")) return;
      check(
        blocks(m.rules).map((r) => ({
          apiGroups: strings(r.apiGroups),
          resources: strings(r.resources),
          verbs: strings(r.verbs),
          nonResourceUrls: strings(r.nonResourceURLs),
        })),
        report,
      );
    }),
  ],
};
export default rule;
