import { describe, expect, it } from "vitest";
import { TenantClusterRoles } from "../../constructs/tenant-cluster-roles";
import { resourcesOf, synthConstructs } from "../support/synth";

interface Rule {
  api_groups: string[];
  resources: string[];
  verbs: string[];
  resource_names?: string[];
  non_resource_urls?: string[];
}

const labels = { "app.kubernetes.io/managed-by": "govcloud" };
const doc = synthConstructs((stack) => {
  new TenantClusterRoles(stack, "roles", { labels });
});
const roles = new Map(
  Object.values(resourcesOf(doc, "kubernetes_cluster_role_v1")).map((body) => {
    const role = body as unknown as { metadata: { name: string; labels: Record<string, string> }; rule: Rule[] };
    return [role.metadata.name, role];
  }),
);
const allRules = [...roles.entries()].flatMap(([name, role]) => role.rule.map((rule) => ({ role: name, rule })));
const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

/** Does any rule of a role grant one of `verbs` on `resource` in `group`? */
function grants(roleName: string, group: string, resource: string, verbs: readonly string[]): boolean {
  return roles
    .get(roleName)!
    .rule.some((r) => r.api_groups.includes(group) && r.resources.includes(resource) && r.verbs.some((v) => verbs.includes(v)));
}

describe("TenantClusterRoles", () => {
  it("creates the admin, developer and viewer roles, labelled", () => {
    expect([...roles.keys()].sort()).toEqual(["govcloud-tenant-admin", "govcloud-tenant-developer", "govcloud-tenant-viewer"]);
    for (const role of roles.values()) expect(role.metadata.labels).toEqual(labels);
  });

  it("spells out every rule: no wildcard in any group, resource or verb, no non-resource URL", () => {
    expect(allRules.length).toBeGreaterThan(0);
    for (const { role, rule } of allRules) {
      const all = [...rule.api_groups, ...rule.resources, ...rule.verbs, ...(rule.resource_names ?? [])];
      expect(all.some((s) => s.includes("*")), `${role}: ${JSON.stringify(rule)}`).toBe(false);
      expect(rule.resources.length, role).toBeGreaterThan(0);
      expect(rule.verbs.length, role).toBeGreaterThan(0);
      expect(rule.non_resource_urls, role).toBeUndefined();
    }
  });

  it("grants no bind, escalate or impersonate in any rule", () => {
    for (const { role, rule } of allRules) {
      for (const verb of ["bind", "escalate", "impersonate"]) expect(rule.verbs, `${role}: ${JSON.stringify(rule)}`).not.toContain(verb);
    }
  });

  it("grants nothing on nodes or other cluster-wide objects", () => {
    const clusterScoped = ["nodes", "persistentvolumes", "storageclasses", "clusterroles", "clusterrolebindings", "customresourcedefinitions", "priorityclasses"];
    for (const { role, rule } of allRules) {
      for (const resource of clusterScoped) expect(rule.resources, role).not.toContain(resource);
    }
  });

  it("leaves the namespace and what isolates it to the platform: no writes to namespaces, quotas, limits, network policies, RBAC", () => {
    const isolation: [string, string][] = [
      ["", "namespaces"],
      ["", "resourcequotas"],
      ["", "limitranges"],
      ["networking.k8s.io", "networkpolicies"],
      ["rbac.authorization.k8s.io", "roles"],
      ["rbac.authorization.k8s.io", "rolebindings"],
    ];
    for (const role of roles.keys()) {
      for (const [group, resource] of isolation) expect(grants(role, group, resource, WRITE_VERBS), `${role} writes ${resource}`).toBe(false);
    }
  });

  it("lets no tenant create DaemonSets, which would reach every node", () => {
    for (const role of roles.keys()) expect(grants(role, "apps", "daemonsets", WRITE_VERBS), role).toBe(false);
  });

  it("gives viewers neither secrets nor a way into running pods, and nothing to write", () => {
    for (const resource of ["secrets", "pods/exec", "pods/attach", "pods/portforward"]) {
      expect(grants("govcloud-tenant-viewer", "", resource, ["get", "list", "watch", "create"]), resource).toBe(false);
    }
    for (const { role, rule } of allRules.filter((r) => r.role === "govcloud-tenant-viewer")) {
      expect(rule.verbs.every((v) => ["get", "list", "watch"].includes(v)), `${role}: ${JSON.stringify(rule)}`).toBe(true);
    }
  });

  it("lets developers deploy and debug, and admins also publish services", () => {
    for (const role of ["govcloud-tenant-developer", "govcloud-tenant-admin"]) {
      expect(grants(role, "apps", "deployments", ["create"]), role).toBe(true);
      expect(grants(role, "", "secrets", ["create"]), role).toBe(true);
      expect(grants(role, "", "pods/exec", ["create"]), role).toBe(true);
    }
    expect(grants("govcloud-tenant-admin", "networking.k8s.io", "ingresses", ["create"])).toBe(true);
    expect(grants("govcloud-tenant-developer", "networking.k8s.io", "ingresses", ["create"])).toBe(false);
  });
});

describe("TenantClusterRoles with extra rules (tenancy.extraRoleRules)", () => {
  const extra = { apiGroups: ["monitoring.coreos.com"], resources: ["servicemonitors"], verbs: ["get", "list", "watch", "create"] };
  const withExtra = synthConstructs((stack) => {
    new TenantClusterRoles(stack, "roles", { labels, extraRules: { developer: [extra] } });
  });
  const rulesOf = (name: string) =>
    (Object.values(resourcesOf(withExtra, "kubernetes_cluster_role_v1")) as unknown as { metadata: { name: string }; rule: Rule[] }[]).find((r) => r.metadata.name === name)!.rule;

  it("appends them to that role only, after its own rules", () => {
    const developer = rulesOf("govcloud-tenant-developer");
    expect(developer).toHaveLength(roles.get("govcloud-tenant-developer")!.rule.length + 1);
    expect(developer.at(-1)).toEqual({ api_groups: extra.apiGroups, resources: extra.resources, verbs: extra.verbs });
    expect(rulesOf("govcloud-tenant-admin")).toEqual(roles.get("govcloud-tenant-admin")!.rule);
    expect(rulesOf("govcloud-tenant-viewer")).toEqual(roles.get("govcloud-tenant-viewer")!.rule);
  });
});
