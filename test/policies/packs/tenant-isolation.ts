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

// --- every RBAC type: legacy, _v1 and manifests ----------------------------------------------

const ROLE_TYPES = ["kubernetes_role", "kubernetes_role_v1", "kubernetes_cluster_role", "kubernetes_cluster_role_v1"] as const;
const BINDING_TYPES = ["kubernetes_role_binding", "kubernetes_role_binding_v1", "kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1"] as const;
type Rule = { api_groups: string[]; resources: string[]; verbs: string[] };
/** One role block for_each over `ok` and `bad`, each instance with its own rules. */
const roles = (type: string, ok: Rule[], bad: Rule[]) =>
  plain({ [type]: { r: { for_each: { ok: { rules: ok }, bad: { rules: bad } }, metadata: { name: "${each.key}" }, rule: "${each.value.rules}" } } });
const roleManifest = (rules: Record<string, string[]>[]) => ({ manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "x" }, rules } });

describe("rbac-has-no-wildcards-or-escalation, on every role type", () => {
  const rule = "rbac-has-no-wildcards-or-escalation";
  it.each(ROLE_TYPES)("passes a listed %s and flags a wildcard and an escalating one", async (type) => {
    const doc = roles(type, [{ api_groups: [""], resources: ["configmaps"], verbs: ["get"] }], [{ api_groups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate", "*"] }]);
    expect(summary(await check(rule, doc))).toEqual([
      `${type}.r["bad"]: rule 1 uses the wildcard "*" in verbs; list the API groups, resources and verbs it needs`,
      `${type}.r["bad"]: rule 1 grants escalate on roles, which lets a subject escalate its own privileges`,
    ]);
  });
  it("passes a listed ClusterRole manifest", async () => {
    expect(await check(rule, plain({ kubernetes_manifest: { r: roleManifest([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]) } }))).toEqual([]);
  });
});

describe("rbac-grants-no-secret-reads-or-exec", () => {
  const rule = "rbac-grants-no-secret-reads-or-exec";
  it.each(ROLE_TYPES)("flags a %s that reads secrets or execs into pods it cannot create", async (type) => {
    const doc = roles(
      type,
      [{ api_groups: [""], resources: ["configmaps", "pods"], verbs: ["get", "list"] }],
      [
        { api_groups: [""], resources: ["secrets"], verbs: ["get", "list"] },
        { api_groups: [""], resources: ["pods/exec"], verbs: ["create"] },
      ],
    );
    expect(summary(await check(rule, doc))).toEqual([
      `${type}.r["bad"]: rule 1 grants get, list on secrets to a role that cannot otherwise reach them; read a secret through the workload that mounts it`,
      `${type}.r["bad"]: rule 2 grants create on pods/exec, which runs commands inside containers the role cannot otherwise touch`,
    ]);
  });
  it("passes a role that may create pods: it can mount the secrets and run the commands anyway", async () => {
    const doc = roles(
      "kubernetes_cluster_role_v1",
      [
        { api_groups: ["apps"], resources: ["deployments"], verbs: ["create", "get"] },
        { api_groups: [""], resources: ["secrets"], verbs: ["get"] },
        { api_groups: [""], resources: ["pods/exec"], verbs: ["create"] },
      ],
      [{ api_groups: [""], resources: ["secrets"], verbs: ["watch"] }],
    );
    expect(summary(await check(rule, doc))).toEqual([
      'kubernetes_cluster_role_v1.r["bad"]: rule 1 grants watch on secrets to a role that cannot otherwise reach them; read a secret through the workload that mounts it',
    ]);
  });
  it("judges Role and ClusterRole manifests", async () => {
    expect(await check(rule, plain({ kubernetes_manifest: { r: roleManifest([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]) } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { r: roleManifest([{ apiGroups: [""], resources: ["pods/attach"], verbs: ["create"] }]) } })))).toEqual([
      "kubernetes_manifest.r: rule 1 grants create on pods/attach, which runs commands inside containers the role cannot otherwise touch",
    ]);
  });
});

const bindingDoc = (type: string, role: string, subjects: Record<string, Record<string, string>>) =>
  plain({
    [type]: {
      b: {
        for_each: Object.fromEntries(Object.entries(subjects).map(([k, s]) => [k, { subject: s }])),
        metadata: { name: "${each.key}", namespace: "ops" },
        role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subject: ["${each.value.subject}"],
      },
    },
  });

describe("no-cluster-admin-bindings", () => {
  const rule = "no-cluster-admin-bindings";
  it.each(BINDING_TYPES)("flags a %s that gives cluster-admin to anyone outside system:", async (type) => {
    const doc = bindingDoc(type, "cluster-admin", {
      masters: { kind: "Group", name: "system:masters", api_group: "rbac.authorization.k8s.io" },
      agency: { kind: "Group", name: "bo-tai-chinh-admins", api_group: "rbac.authorization.k8s.io" },
      robot: { kind: "ServiceAccount", name: "deployer", namespace: "ci" },
    });
    const scope = type.includes("cluster_role_binding") ? ["ClusterRoleBinding", "over the whole cluster"] : ["RoleBinding", "in its namespace, roles and bindings included"];
    expect(summary(await check(rule, doc))).toEqual([
      `${type}.b["agency"]: the ${scope[0]} gives cluster-admin to Group "bo-tai-chinh-admins", which can then do anything ${scope[1]}; grant a role that lists what it needs`,
      `${type}.b["robot"]: the ${scope[0]} gives cluster-admin to service account "ci"/"deployer", which can then do anything ${scope[1]}; grant a role that lists what it needs`,
    ]);
  });
  it("passes a binding of another role", async () => {
    expect(await check(rule, bindingDoc("kubernetes_cluster_role_binding_v1", "view", { agency: { kind: "Group", name: "auditors" } }))).toEqual([]);
  });
  it("judges binding manifests", async () => {
    const m = (role: string) => ({
      manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "x" }, roleRef: { kind: "ClusterRole", name: role }, subjects: [{ kind: "User", name: "alice" }] },
    });
    expect(await check(rule, plain({ kubernetes_manifest: { ok: m("view") } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { admin: m("cluster-admin") } })))).toEqual([
      'kubernetes_manifest.admin: the ClusterRoleBinding gives cluster-admin to User "alice", which can then do anything over the whole cluster; grant a role that lists what it needs',
    ]);
  });
});

describe("no-tenant-cluster-role-bindings, on every binding type", () => {
  const rule = "no-tenant-cluster-role-bindings";
  it.each(["kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1"])("passes a platform %s and flags one for a tenant service account", async (type) => {
    const doc = bindingDoc(type, "view", { platform: { kind: "ServiceAccount", name: "drill", namespace: "velero" }, tenant: { kind: "ServiceAccount", name: "web", namespace: "tenant-a" } });
    expect(summary(await check(rule, doc))).toEqual([`${type}.b["tenant"]: the ClusterRoleBinding grants cluster-wide access to service account tenant-a/web of a tenant namespace`]);
  });
  it("judges ClusterRoleBinding manifests", async () => {
    const m = (namespace: string) => ({
      manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "x" }, roleRef: { kind: "ClusterRole", name: "view" }, subjects: [{ kind: "ServiceAccount", name: "sa", namespace }] },
    });
    expect(await check(rule, plain({ kubernetes_manifest: { ok: m("velero") } }))).toEqual([]);
    expect(summary(await check(rule, plain({ kubernetes_manifest: { bad: m("tenant-b") } })))).toEqual([
      "kubernetes_manifest.bad: the ClusterRoleBinding grants cluster-wide access to service account tenant-b/sa of a tenant namespace",
    ]);
  });
});
