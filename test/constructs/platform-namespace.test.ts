import { describe, expect, it } from "vitest";
import { PlatformNamespace } from "../../constructs/platform-namespace";
import { resourcesOf, synthConstructs } from "../support/synth";

const labels = { "app.kubernetes.io/managed-by": "govcloud" };

function synth(props: Partial<ConstructorParameters<typeof PlatformNamespace>[2]> = {}) {
  return synthConstructs((stack) => {
    new PlatformNamespace(stack, "ns", { name: "ingress-nginx", kubernetesVersion: "v1.31.4", labels, ...props });
  });
}

function onlyNamespace(doc: ReturnType<typeof synth>) {
  const namespaces = Object.values(resourcesOf(doc, "kubernetes_namespace_v1"));
  expect(namespaces).toHaveLength(1);
  return namespaces[0]!.metadata as { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
}

describe("PlatformNamespace", () => {
  it("enforces the restricted profile by default, pinned to the cluster's minor version", () => {
    const meta = onlyNamespace(synth());
    expect(meta.name).toBe("ingress-nginx");
    expect(meta.labels).toMatchObject({
      ...labels,
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.31",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    expect(meta.annotations).toBeUndefined();
  });

  it("keeps auditing and warning at restricted when enforcement is relaxed, and records why", () => {
    const meta = onlyNamespace(synth({ podSecurity: "privileged", exemptionReason: "node-agent needs hostPath" }));
    expect(meta.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(meta.labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
    expect(meta.labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
    expect(meta.annotations).toEqual({ "govcloud.gov.vn/pod-security-exemption": "node-agent needs hostPath" });
  });

  it("denies all ingress and egress, allows only DNS, and creates the policies after the namespace", () => {
    const doc = synth();
    const policies = Object.values(resourcesOf(doc, "kubernetes_network_policy_v1")) as Array<{
      metadata: { name: string; namespace: string };
      spec: { pod_selector: unknown; policy_types: string[]; egress?: unknown[]; ingress?: unknown[] };
      depends_on: string[];
    }>;
    const byName = new Map(policies.map((p) => [p.metadata.name, p]));
    expect([...byName.keys()].sort()).toEqual(["allow-dns-egress", "default-deny-all"]);

    const deny = byName.get("default-deny-all")!;
    expect(deny.metadata.namespace).toBe("ingress-nginx");
    expect(deny.spec.pod_selector).toEqual({});
    expect(deny.spec.policy_types).toEqual(["Ingress", "Egress"]);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();

    const dns = byName.get("allow-dns-egress")!;
    expect(dns.spec.policy_types).toEqual(["Egress"]);
    expect(JSON.stringify(dns.spec.egress)).toContain('"port":"53"');

    for (const p of policies) expect(p.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\./)]);
  });
});
