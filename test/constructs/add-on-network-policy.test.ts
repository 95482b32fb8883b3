import { describe, expect, it } from "vitest";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { AddOnNetworkPolicy, type AddOnNetworkPolicyProps, REASON_ANNOTATION } from "../../constructs/add-on-network-policy";
import { KUBERNETES_API_EGRESS, metricsIngress, type NetworkAllow, webhookIngress } from "../../estate/network-allow";
import { resourcesOf, synthConstructs } from "../support/synth";

const provisioned = { kubernetesApi: ["10.10.0.0/22", "10.96.0.0/12"], nodes: ["10.10.0.0/22"] };
const laptop = { kubernetesApi: ["0.0.0.0/0"], nodes: ["0.0.0.0/0"] };

interface Policy {
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: {
    pod_selector: unknown;
    policy_types: string[];
    ingress?: { from?: unknown[]; ports?: unknown[] }[];
    egress?: { to?: unknown[]; ports?: unknown[] }[];
  };
  depends_on?: string[];
}

function synth(allows: readonly NetworkAllow[], overrides: Partial<AddOnNetworkPolicyProps> = {}): Map<string, Policy> {
  const doc = synthConstructs((stack) => {
    const ns = new NamespaceV1(stack, "ns", { metadata: { name: "ingress-nginx" } });
    new AddOnNetworkPolicy(stack, "network", {
      namespace: "ingress-nginx",
      allows,
      addresses: provisioned,
      labels: { "app.kubernetes.io/managed-by": "govcloud" },
      dependsOn: [ns],
      ...overrides,
    });
  });
  const policies = Object.values(resourcesOf(doc, "kubernetes_network_policy_v1")) as unknown as Policy[];
  return new Map(policies.map((p) => [p.metadata.name, p]));
}

describe("AddOnNetworkPolicy", () => {
  it("renders one policy per rule, for every pod of the namespace, after the namespace, with its reason", () => {
    const policies = synth([KUBERNETES_API_EGRESS, metricsIngress([10254])]);
    expect([...policies.keys()].sort()).toEqual(["allow-kubernetes-api-egress", "allow-metrics-ingress"]);
    for (const policy of policies.values()) {
      expect(policy.metadata.namespace).toBe("ingress-nginx");
      expect(policy.spec.pod_selector).toEqual({});
      expect(policy.metadata.annotations[REASON_ANNOTATION]).not.toBe("");
      expect(policy.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\./)]);
    }
  });

  it("allows the API server's endpoints and Service on 443 and 6443", () => {
    const policy = synth([KUBERNETES_API_EGRESS]).get("allow-kubernetes-api-egress")!;
    expect(policy.spec.policy_types).toEqual(["Egress"]);
    expect(policy.spec.egress).toEqual([
      {
        to: [{ ip_block: { cidr: "10.10.0.0/22" } }, { ip_block: { cidr: "10.96.0.0/12" } }],
        ports: [
          { port: "443", protocol: "TCP" },
          { port: "6443", protocol: "TCP" },
        ],
      },
    ]);
  });

  it("says 'anywhere' by leaving peers out", () => {
    const policy = synth([
      { name: "http-ingress", direction: "ingress", peers: [{ kind: "anywhere" }], ports: [{ port: 80 }], reason: "clients" },
    ]).get("allow-http-ingress")!;
    expect(policy.spec.policy_types).toEqual(["Ingress"]);
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: "80", protocol: "TCP" }] }]);
  });

  it("selects namespaces by name, all of them, or the tenants', never with an empty selector", () => {
    const policy = synth([
      {
        name: "mixed-egress",
        direction: "egress",
        peers: [{ kind: "namespace", name: "monitoring" }, { kind: "all-namespaces" }, { kind: "tenant-namespaces" }],
        reason: "test",
      },
    ]).get("allow-mixed-egress")!;
    expect(policy.spec.egress).toEqual([
      {
        to: [
          { namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } } },
          { namespace_selector: { match_expressions: [{ key: "kubernetes.io/metadata.name", operator: "Exists" }] } },
          { namespace_selector: { match_expressions: [{ key: "govcloud.gov.vn/tenant", operator: "Exists" }] } },
        ],
      },
    ]);
  });

  it("names the API server and the nodes once on a cluster whose addresses are unknown", () => {
    const policy = synth(
      [{ name: "api-and-nodes", direction: "egress", peers: [{ kind: "kubernetes-api" }, { kind: "nodes" }], reason: "test" }],
      { addresses: laptop },
    ).get("allow-api-and-nodes")!;
    expect(policy.spec.egress).toEqual([{ to: [{ ip_block: { cidr: "0.0.0.0/0" } }] }]);
  });

  it("renders the webhook rule from the API server's addresses", () => {
    const policy = synth([webhookIngress([8443])]).get("allow-webhook-ingress")!;
    expect(policy.spec.ingress?.[0]?.from).toEqual([{ ip_block: { cidr: "10.10.0.0/22" } }, { ip_block: { cidr: "10.96.0.0/12" } }]);
  });

  it("reports every invalid rule at once", () => {
    expect(
      AddOnNetworkPolicy.validate([
        KUBERNETES_API_EGRESS,
        KUBERNETES_API_EGRESS,
        { name: "dns-egress", direction: "egress", peers: [{ kind: "anywhere" }], reason: "x" },
        { name: "Bad", direction: "egress", peers: [], reason: " " },
        { name: "mixed", direction: "ingress", peers: [{ kind: "anywhere" }, { kind: "nodes" }], ports: [{ port: 70000 }], reason: "x" },
      ]),
    ).toEqual([
      "rule name 'kubernetes-api-egress' is used twice",
      "rule name 'dns-egress' is taken by the namespace baseline",
      "rule name 'Bad' must be a DNS-1123 label of at most 57 characters",
      "rule 'Bad' has no peers; use { kind: \"anywhere\" } to allow any",
      "rule 'Bad' needs a reason",
      "rule 'mixed' combines 'anywhere' with other peers",
      "rule 'mixed' has invalid port 70000",
    ]);
  });
});
