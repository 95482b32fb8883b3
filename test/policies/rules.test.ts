/**
 * Every rule's compliant and non-compliant fixtures, one module per pack under ./packs/
 * (mirroring policies/<pack>/). They run in this one test file because each test file is its
 * own process, and each process pays about a second to load @pulumi/policy. The last test checks
 * that they cover every rule by its id and every resource type the rule declares.
 */
import { describe, expect, it } from "vitest";
import { PACKS } from "../../policies/packs";
import { PARITY } from "../../policies/parity";
import { check, COVERAGE, declaredTypes, plain, TEST_CONFIG } from "./support";
import "./packs/kubernetes-security";
import "./packs/tenant-isolation";
import "./packs/data-residency";
import "./packs/backup";
import "./packs/green";
import "./packs/security-level";
import "./packs/personal-data";

describe("the issue's two misses, with every rule of every pack", () => {
  it("flag a namespace without a Pod Security label with a namespace rule, and a cluster-admin binding with an RBAC rule", async () => {
    const all = PACKS.flatMap((p) => p.rules.map((e) => e.rule.name));
    const doc = plain({
      kubernetes_namespace: { team: { metadata: { name: "team-x", labels: { "app.kubernetes.io/part-of": "govcloud" } } } },
      kubernetes_cluster_role_binding: {
        admins: {
          metadata: { name: "agency-admins" },
          role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subject: [{ kind: "Group", name: "bo-tai-chinh-admins", api_group: "rbac.authorization.k8s.io" }],
        },
      },
    });
    const findings = await check(all, doc, { config: { ...TEST_CONFIG, "systems-have-current-approval": { systems: [] } } });
    const by = (address: string) => findings.filter((f) => f.address === address && f.rule !== "objects-carry-green-labels").map((f) => f.rule);
    expect(by("kubernetes_namespace.team")).toContain("namespaces-enforce-pod-security");
    expect(by("kubernetes_cluster_role_binding.admins")).toContain("no-cluster-admin-bindings");
  });
});

describe("the themes the issue found missed, on legacy types written as plain blocks", () => {
  it("are each flagged by the rule for that theme", async () => {
    const all = PACKS.flatMap((p) => p.rules.map((e) => e.rule.name));
    const container = {
      name: "web",
      image: "registry.north.govcloud.gov.vn/a/web@sha256:" + "a".repeat(64),
      port: { container_port: 8080, host_port: 8080 },
      security_context: { capabilities: { add: ["NET_RAW", "SYS_ADMIN"] } },
    };
    const doc = plain({
      // No namespace (so: default), no service account, no pod security context, no resources.
      kubernetes_pod: { web: { metadata: { name: "web" }, spec: { container } } },
      kubernetes_deployment: { web: { metadata: { name: "web", namespace: "default" }, spec: { template: { metadata: {}, spec: { container } } } } },
    });
    const findings = await check(all, doc, { config: { ...TEST_CONFIG, "systems-have-current-approval": { systems: [] } } });
    for (const address of ["kubernetes_pod.web", "kubernetes_deployment.web"]) {
      const rules = new Set(findings.filter((f) => f.address === address).map((f) => f.rule));
      for (const theme of [
        "workloads-not-in-default-namespace",
        "default-service-accounts-not-used",
        "no-host-namespaces-or-host-paths",
        "pods-and-containers-set-security-context",
        "containers-drop-all-capabilities",
        "containers-set-requests-and-limits",
      ]) {
        expect(rules.has(theme), `${address}: ${theme}`).toBe(true);
      }
    }
  });
});

describe("the parity table (policies/parity.ts)", () => {
  it("names only real rules, gives every entry a rule or a reason, and lists each check once", () => {
    const rules = new Set(PACKS.flatMap((p) => p.rules.map((e) => e.rule.name)));
    for (const e of PARITY) {
      for (const r of e.rules) expect(rules.has(r), `${e.id} names ${r}`).toBe(true);
      if (e.status === "covered") expect(e.rules.length, e.id).toBeGreaterThan(0);
      else expect(e.note?.length ?? 0, `${e.id} needs its reason`).toBeGreaterThan(20);
    }
    expect(new Set(PARITY.map((e) => e.id)).size).toBe(PARITY.length);
    // The 42 check files of checkov/terraform/checks/resource/kubernetes/.
    expect(PARITY.filter((e) => e.tool === "Checkov")).toHaveLength(42);
  });
});

// Runs after every pack's fixtures above (a file's tests run in order): it reads what they showed.
describe("fixture coverage", () => {
  it("every rule, by id, has a passing and a failing fixture for every resource type it declares", () => {
    const missing: string[] = [];
    for (const pack of PACKS) {
      for (const { rule } of pack.rules) {
        const coverage = COVERAGE.get(rule.name);
        const types = declaredTypes(rule);
        if (coverage === undefined) {
          missing.push(`${rule.name}: no fixture runs it`);
        } else if (types.length === 0) {
          // A stack rule: it declares no types; it must pass one fixture and fail another.
          if (!coverage.anyPass) missing.push(`${rule.name}: no passing fixture`);
          if (!coverage.anyFail) missing.push(`${rule.name}: no failing fixture`);
        } else {
          for (const type of types) {
            if (!coverage.passed.has(type)) missing.push(`${rule.name}: no passing ${type} fixture`);
            if (!coverage.failed.has(type)) missing.push(`${rule.name}: no failing ${type} fixture`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
