/**
 * The rules of Roles and ClusterRoles, however they are written: as the provider's role and
 * cluster-role resources (`rule` blocks, snake_case fields) or as raw `kubernetes_manifest`
 * objects of kind Role or ClusterRole (`rules`, camelCase fields).
 */
import type { ResourceValidation } from "@pulumi/policy";
import { validateResourceOfType } from "./resource-of-type";
import { terraformType } from "./terraform-type";
import { blocks, isObject, strings } from "./values";

/** One rule of a Role or ClusterRole, with the fields of both spellings read the same way. */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceUrls: readonly string[];
}

/** The provider's resource types for Roles and ClusterRoles. */
export const ROLE_TYPES = ["kubernetes_role", "kubernetes_role_v1", "kubernetes_cluster_role", "kubernetes_cluster_role_v1"] as const;

/**
 * Validations that hand `check` the rules of every Role and ClusterRole: one per provider type,
 * and one for `kubernetes_manifest` objects of kind Role or ClusterRole.
 */
export function roleValidations(check: (rules: readonly RbacRule[], report: (message: string) => void) => void): ResourceValidation[] {
  return [
    ...ROLE_TYPES.map((type) =>
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
      ),
    ),
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
  ];
}
