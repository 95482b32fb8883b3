/** tenant-isolation: every rule has a compliant and a non-compliant fixture. */
import { describe, expect, it } from "vitest";
import { check, plain, summary } from "../support";
import type { TerraformJsonDocument } from "../../../policies/engine/expand";

describe("rbac-has-no-wildcards-or-escalation", () => {
  const rule = "rbac-has-no-wildcards-or-escalation";
  const role = (verbs: string[], resources = ["pods"]) => ({
    metadata: { name: "tenant-developer" },
    rule: [{ api_groups: [""], resources: ["configmaps"], verbs: ["get"] }, { api_groups: [""], resources, verbs }],
  });
  it("passes roles that list what they allow", async () => {
    expect(await check(rule, plain({ kubernetes_cluster_role_v1: { dev: role(["get", "list", "watch"]) } }))).toEqual([]);
  });
  it("flags wildcards and escalating verbs", async () => {
    expect(summary(await check(rule, plain({ kubernetes_cluster_role_v1: { dev: role(["*"], ["*"]) } })))).toEqual([
      'kubernetes_cluster_role_v1.dev: rule 2 uses the wildcard "*" in resources, verbs; list the API groups, resources and verbs it needs',
    ]);
    expect(summary(await check(rule, plain({ kubernetes_role_v1: { dev: role(["bind", "get"], ["rolebindings"]) } })))).toEqual([
      "kubernetes_role_v1.dev: rule 2 grants bind on rolebindings, which lets a subject escalate its own privileges",
    ]);
  });
  it("reads Role manifests too", async () => {
    const manifest = { manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", rules: [{ apiGroups: ["*"], resources: ["pods"], verbs: ["impersonate"] }] } };
    expect(summary(await check(rule, plain({ kubernetes_manifest: { r: manifest } })))).toEqual([
      'kubernetes_manifest.r: rule 1 uses the wildcard "*" in apiGroups; list the API groups, resources and verbs it needs',
      "kubernetes_manifest.r: rule 1 grants impersonate on pods, which lets a subject escalate its own privileges",
    ]);
  });
});

describe("no-tenant-cluster-role-bindings", () => {
  const rule = "no-tenant-cluster-role-bindings";
  const binding = (subject: Record<string, string>, labels: Record<string, string> = {}) => ({
    metadata: { name: "b", labels },
    role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    subject: [subject],
  });
  it("passes platform bindings", async () => {
    expect(
      await check(rule, plain({ kubernetes_cluster_role_binding_v1: { b: binding({ kind: "ServiceAccount", name: "kepler", namespace: "kepler" }) } })),
    ).toEqual([]);
  });
  it("flags bindings of tenant service accounts and tenant-labelled bindings", async () => {
    const doc = plain({
      kubernetes_cluster_role_binding_v1: {
        sa: binding({ kind: "ServiceAccount", name: "web", namespace: "tenant-bo-y-te" }),
        labelled: binding({ kind: "Group", name: "bo-y-te-admins" }, { "govcloud.gov.vn/agency": "bo-y-te" }),
      },
    });
    expect(summary(await check(rule, doc))).toEqual([
      "kubernetes_cluster_role_binding_v1.labelled: the ClusterRoleBinding belongs to a tenant (label govcloud.gov.vn/agency=bo-y-te); grant tenants access with RoleBindings in their namespace",
      "kubernetes_cluster_role_binding_v1.sa: the ClusterRoleBinding grants cluster-wide access to service account tenant-bo-y-te/web of a tenant namespace",
    ]);
  });
});

describe("tenant-namespaces-are-isolated", () => {
  const rule = "tenant-namespaces-are-isolated";
  const agencies = ["agency-a", "agency-b"];
  /** The tenant baseline as the tenant stacks write it: one for_each block per kind. */
  function baseline(options: { enforce?: (agency: string) => string; without?: { kind: string; agency: string } } = {}): Record<string, TerraformJsonDocument> {
    const over = (kind: string, value: (agency: string) => Record<string, unknown>) =>
      Object.fromEntries(agencies.filter((a) => !(options.without?.kind === kind && options.without.agency === a)).map((a) => [a, value(a)]));
    const meta = { name: "${each.value.name}", namespace: "${each.value.namespace}" };
    return {
      "tenants-north-000": {
        resource: {
          kubernetes_namespace_v1: {
            tenant: {
              for_each: over("namespace", (a) => ({
                name: `tenant-${a}`,
                labels: { "govcloud.gov.vn/tenant": `tenant-${a}`, "pod-security.kubernetes.io/enforce": options.enforce?.(a) ?? "restricted" },
              })),
              lifecycle: { prevent_destroy: true },
              metadata: { name: "${each.value.name}", labels: "${each.value.labels}" },
            },
          },
          kubernetes_resource_quota_v1: {
            tenant: { for_each: over("quota", (a) => ({ name: "quota", namespace: `tenant-${a}` })), metadata: meta, spec: { hard: { "requests.cpu": "4" } } },
          },
          kubernetes_limit_range_v1: {
            tenant: {
              for_each: over("limits", (a) => ({ name: "limits", namespace: `tenant-${a}` })),
              metadata: meta,
              spec: { limit: [{ type: "Container", default: { cpu: "500m" } }] },
            },
          },
          kubernetes_network_policy_v1: {
            default_deny: {
              for_each: over("deny", (a) => ({ name: "default-deny-all", namespace: `tenant-${a}` })),
              metadata: meta,
              spec: { pod_selector: {}, policy_types: ["Ingress", "Egress"] },
            },
            allow_dns: {
              for_each: over("dns", (a) => ({ name: "allow-dns", namespace: `tenant-${a}` })),
              metadata: meta,
              spec: { pod_selector: {}, policy_types: ["Egress"], egress: [{ ports: [{ port: "53", protocol: "UDP" }] }] },
            },
          },
        },
      },
    };
  }
  it("passes namespaces with PSA restricted, quota, limits and default deny", async () => {
    expect(await check(rule, baseline())).toEqual([]);
  });
  it("names the namespace instance that lacks a LimitRange", async () => {
    expect(summary(await check(rule, baseline({ without: { kind: "limits", agency: "agency-b" } })))).toEqual([
      'kubernetes_namespace_v1.tenant["agency-b"]: tenant namespace "tenant-agency-b" has no LimitRange in this stack',
    ]);
  });
  it("flags a namespace that is not restricted, and one without default deny", async () => {
    const findings = await check(rule, baseline({ enforce: (a) => (a === "agency-a" ? "baseline" : "restricted"), without: { kind: "deny", agency: "agency-b" } }));
    expect(summary(findings)).toEqual([
      `kubernetes_namespace_v1.tenant["agency-a"]: tenant namespace "tenant-agency-a" does not enforce Pod Security 'restricted' (label pod-security.kubernetes.io/enforce is "baseline")`,
      'kubernetes_namespace_v1.tenant["agency-b"]: tenant namespace "tenant-agency-b" has no default-deny NetworkPolicy in this stack (empty pod selector, policy types Ingress and Egress, no rules)',
    ]);
    expect(findings.every((f) => f.stack === "tenants-north-000")).toBe(true);
  });
});
