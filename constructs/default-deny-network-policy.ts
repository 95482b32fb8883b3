import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { NetworkPolicyV1, type NetworkPolicyV1SpecEgress } from "@cdktf/provider-kubernetes/lib/network-policy-v1";

/** Egress to the cluster DNS (kube-system, UDP and TCP 53): what every default-deny namespace allows. */
export const DNS_EGRESS_RULE: NetworkPolicyV1SpecEgress = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { port: "53", protocol: "UDP" },
    { port: "53", protocol: "TCP" },
  ],
};

export interface DefaultDenyNetworkPolicyProps {
  /** Namespace to isolate. */
  readonly namespace: string;
  /** Labels for the policies. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Let every pod resolve names through the cluster DNS (kube-system, UDP and TCP 53).
   * Without it almost nothing works, so turning it off is a deliberate choice.
   * @default true
   */
  readonly allowDnsEgress?: boolean;
  /**
   * What must exist first, usually the namespace. Names stay literal in the output (no
   * references), so reviewers and policies read them directly.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Denies all ingress and egress traffic of every pod in a namespace, then allows DNS.
 * Anything else a namespace needs is an explicit, separately reviewable allow policy.
 */
export class DefaultDenyNetworkPolicy extends Construct {
  public readonly denyAll: NetworkPolicyV1;
  public readonly allowDns?: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: DefaultDenyNetworkPolicyProps) {
    super(scope, id);
    const allowDnsEgress = props.allowDnsEgress ?? true;
    const dependsOn = props.dependsOn ?? [];

    this.denyAll = new NetworkPolicyV1(this, "deny-all", {
      dependsOn,
      metadata: { name: "default-deny-all", namespace: props.namespace, labels: { ...props.labels } },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });

    if (allowDnsEgress) {
      this.allowDns = new NetworkPolicyV1(this, "allow-dns", {
        dependsOn,
        metadata: { name: "allow-dns-egress", namespace: props.namespace, labels: { ...props.labels } },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [DNS_EGRESS_RULE],
        },
      });
    }
  }
}
