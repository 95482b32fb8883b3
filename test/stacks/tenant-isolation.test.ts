/**
 * Every tenant of the national estate, in every region it lives in, has every isolation piece.
 * Checked over all tenants of the synthesized output, not a sample; the sample estate renders every
 * kind of workload resource and every trait a template can have, so this covers each template's
 * tenants (a template is its kinds and traits: environments/workloads/).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizedOutput } from "../support/synthesized";
import { WORKLOAD_KINDS, WORKLOAD_TEMPLATE_ENTRIES, type WorkloadTemplate, workloadTemplateOf } from "../../environments/workloads";
import { WORKLOAD_RESOURCE_TYPES } from "../../estate/workload-instances";
import { readStacks, type TerraformJson } from "../support/synth";

type Body = Record<string, unknown> & { for_each?: Record<string, Record<string, unknown>>; lifecycle?: { prevent_destroy?: boolean } };

let tenantStacks: Array<[string, TerraformJson]>;

beforeAll(() => {
  const outdir = synthesizedOutput("national");
  tenantStacks = [...readStacks(outdir)].filter(([name]) => name.startsWith("tenants-"));
});

function block(doc: TerraformJson, type: string, name: string): Body | undefined {
  return doc.resource?.[type]?.[name] as Body | undefined;
}

function keysOf(doc: TerraformJson, type: string, name: string): string[] {
  return Object.keys(block(doc, type, name)?.for_each ?? {});
}

describe("tenant isolation in national", () => {
  it("renders every kind and trait of the workload templates, so every template's tenants are covered", () => {
    const templates = new Set<string>();
    for (const [, doc] of tenantStacks) {
      for (const [type, byName] of Object.entries(doc.resource ?? {})) {
        if (!/deployment|stateful_set|cron_job/.test(type)) continue;
        for (const body of Object.values(byName) as Body[]) {
          for (const values of Object.values(body.for_each ?? {})) {
            const labels = (values.pod_labels ?? {}) as Record<string, string>;
            if (labels["govcloud.gov.vn/template"]) templates.add(labels["govcloud.gov.vn/template"]);
          }
        }
      }
    }
    // Each trait value and each kind any template has, national's workloads have too.
    const traitsOf = (entries: readonly { traits: object }[]) => new Set(entries.flatMap((e) => Object.entries(e.traits).map(([k, v]) => `${k}=${String(v)}`)));
    const used = [...templates].map((t) => workloadTemplateOf(t as WorkloadTemplate));
    expect([...traitsOf(WORKLOAD_TEMPLATE_ENTRIES)].filter((t) => !traitsOf(used).has(t))).toEqual([]);
    const types = new Set(tenantStacks.flatMap(([, doc]) => Object.keys(doc.resource ?? {})));
    const kinds = WORKLOAD_KINDS.filter((kind) => WORKLOAD_TEMPLATE_ENTRIES.some((e) => e.rendering[kind] !== undefined));
    expect(kinds.filter((kind) => !types.has(WORKLOAD_RESOURCE_TYPES[kind]))).toEqual([]);
    expect(used.length).toBeGreaterThan(0);
  });

  it("gives every tenant namespace restricted Pod Security, a quota, a limit range, default-deny networking, RBAC and a tokenless default service account", () => {
    let tenants = 0;
    for (const [stack, doc] of tenantStacks) {
      const namespaces = block(doc, "kubernetes_namespace_v1", "tenant");
      expect(namespaces?.lifecycle?.prevent_destroy, stack).toBe(true);
      for (const [agency, ns] of Object.entries(namespaces?.for_each ?? {})) {
        tenants++;
        const where = `${stack}: ${agency}`;
        expect(ns.name, where).toBe(`tenant-${agency}`);
        expect((ns.name as string).length).toBeLessThanOrEqual(63);
        expect(ns.labels, where).toMatchObject({
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
          "govcloud.gov.vn/agency": agency,
        });
        for (const [type, name] of [
          ["kubernetes_resource_quota_v1", "tenant"],
          ["kubernetes_limit_range_v1", "tenant"],
          ["kubernetes_network_policy_v1", "default_deny"],
          ["kubernetes_network_policy_v1", "allow_dns"],
          ["kubernetes_default_service_account_v1", "tenant"],
        ] as const) {
          expect(keysOf(doc, type, name), `${where}: ${type}.${name}`).toContain(agency);
        }
        for (const role of ["admins", "developers", "viewers"]) {
          expect(keysOf(doc, "kubernetes_role_binding_v1", `tenant_${role}`).some((k) => k.startsWith(`${agency}/`)), `${where}: ${role}`).toBe(true);
        }
      }
      // Bodies shared by all instances: deny everything, mount no token, bind namespaced roles only.
      expect(block(doc, "kubernetes_network_policy_v1", "default_deny")?.spec).toEqual({ pod_selector: {}, policy_types: ["Ingress", "Egress"] });
      expect(block(doc, "kubernetes_default_service_account_v1", "tenant")?.automount_service_account_token).toBe(false);
      for (const role of ["admins", "developers", "viewers"]) {
        expect(block(doc, "kubernetes_role_binding_v1", `tenant_${role}`)?.role_ref).toMatchObject({ kind: "ClusterRole" });
      }
      expect(Object.keys(doc.resource ?? {}).filter((t) => /cluster_role/.test(t)), stack).toEqual([]);
    }
    expect(tenants).toBeGreaterThanOrEqual(16); // 8 agencies × home and DR region
  });

  it("gives every quota hard limits, and forbids LoadBalancer and NodePort services", () => {
    for (const [stack, doc] of tenantStacks) {
      for (const [agency, quota] of Object.entries(block(doc, "kubernetes_resource_quota_v1", "tenant")?.for_each ?? {})) {
        expect(quota.hard, `${stack}: ${agency}`).toMatchObject({ "services.loadbalancers": "0", "services.nodeports": "0" });
        expect(Object.keys(quota.hard as object)).toEqual(expect.arrayContaining(["requests.cpu", "limits.cpu", "requests.memory", "limits.memory"]));
      }
    }
  });

  it("allows traffic between agencies only along declared dependencies, on both ends", () => {
    const egress = new Set<string>();
    const ingress = new Set<string>();
    for (const [, doc] of tenantStacks) {
      keysOf(doc, "kubernetes_network_policy_v1", "allow_egress_to_dependency").forEach((k) => egress.add(k));
      keysOf(doc, "kubernetes_network_policy_v1", "allow_ingress_from_dependent").forEach((k) => ingress.add(k));
    }
    // Declared in the sample estate: Hà Nội's portal calls the Ministry of Finance's portal.
    expect(egress).toContain("thanh-pho-ha-noi/dich-vu-cong->bo-tai-chinh/portal");
    expect([...ingress].sort()).toEqual([...egress].sort());
  });
});
