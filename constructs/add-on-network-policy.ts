import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import {
  NetworkPolicyV1,
  type NetworkPolicyV1SpecEgressTo,
  type NetworkPolicyV1SpecIngressFrom,
} from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import type { ClusterAddresses } from "../estate/add-ons";
import type { NetworkAllow, NetworkPeer } from "../estate/network-allow";
import { LABEL_PREFIX } from "../estate/labels";

/** Names the baseline already uses in every platform namespace (constructs/default-deny-network-policy.ts). */
const RESERVED_NAMES: ReadonlySet<string> = new Set(["default-deny-all", "allow-dns-egress"]);
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Annotation with the reason for an allow rule. */
export const REASON_ANNOTATION = `${LABEL_PREFIX}/reason`;

export interface AddOnNetworkPolicyProps {
  /** The add-on's namespace (default-deny, from the baseline). */
  readonly namespace: string;
  /** The allow rules, from the add-on's descriptor (estate/add-ons/). */
  readonly allows: readonly NetworkAllow[];
  /** Where the API server and the nodes are, from `clusterAddresses`. */
  readonly addresses: ClusterAddresses;
  /** Labels for the policies. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * What must exist first, usually the namespace.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The allow rules an add-on needs in its default-deny namespace, one NetworkPolicy per rule so
 * that each can be reviewed (and audited) on its own. Every rule applies to all pods of the
 * namespace: the namespace holds one add-on, and pod labels are the chart's, not ours.
 */
export class AddOnNetworkPolicy extends Construct {
  /** The policies by rule name. */
  public readonly policies: ReadonlyMap<string, NetworkPolicyV1>;

  constructor(scope: Construct, id: string, props: AddOnNetworkPolicyProps) {
    super(scope, id);
    const problems = AddOnNetworkPolicy.validate(props.allows);
    if (problems.length > 0) {
      throw new Error(`network allows of namespace '${props.namespace}' are invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    const dependsOn = props.dependsOn ?? [];
    const policies = new Map<string, NetworkPolicyV1>();
    for (const allow of [...props.allows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const peers = renderPeers(allow.peers, props.addresses);
      const ports = (allow.ports ?? []).map((p) => ({ port: String(p.port), protocol: p.protocol ?? "TCP" }));
      const rule = { ...(peers === undefined ? {} : { peers }), ...(ports.length > 0 ? { ports } : {}) };
      policies.set(
        allow.name,
        new NetworkPolicyV1(this, `allow-${allow.name}`, {
          dependsOn,
          metadata: {
            name: `allow-${allow.name}`,
            namespace: props.namespace,
            labels: { ...props.labels },
            annotations: { [REASON_ANNOTATION]: allow.reason },
          },
          spec: {
            podSelector: {},
            policyTypes: [allow.direction === "ingress" ? "Ingress" : "Egress"],
            ...(allow.direction === "ingress"
              ? { ingress: [{ ...(rule.peers ? { from: rule.peers } : {}), ...(rule.ports ? { ports: rule.ports } : {}) }] }
              : { egress: [{ ...(rule.peers ? { to: rule.peers } : {}), ...(rule.ports ? { ports: rule.ports } : {}) }] }),
          },
        }),
      );
    }
    this.policies = policies;
  }

  /** Every problem with a list of allow rules. */
  public static validate(allows: readonly NetworkAllow[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const allow of allows) {
      const name = `allow-${allow.name}`;
      if (!NAME.test(allow.name) || name.length > 63) problems.push(`rule name '${allow.name}' must be a DNS-1123 label of at most 57 characters`);
      if (RESERVED_NAMES.has(name)) problems.push(`rule name '${allow.name}' is taken by the namespace baseline`);
      if (seen.has(allow.name)) problems.push(`rule name '${allow.name}' is used twice`);
      seen.add(allow.name);
      if (allow.peers.length === 0) problems.push(`rule '${allow.name}' has no peers; use { kind: "anywhere" } to allow any`);
      if (allow.peers.some((p) => p.kind === "anywhere") && allow.peers.length > 1) {
        problems.push(`rule '${allow.name}' combines 'anywhere' with other peers`);
      }
      for (const port of allow.ports ?? []) {
        if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) problems.push(`rule '${allow.name}' has invalid port ${port.port}`);
      }
      if (allow.reason.trim() === "") problems.push(`rule '${allow.name}' needs a reason`);
    }
    return problems;
  }
}

type Peer = NetworkPolicyV1SpecIngressFrom & NetworkPolicyV1SpecEgressTo;

/** `undefined` means "from/to anywhere": a rule without peers. */
function renderPeers(peers: readonly NetworkPeer[], addresses: ClusterAddresses): Peer[] | undefined {
  if (peers.some((p) => p.kind === "anywhere")) return undefined;
  // Selectors are never empty ({}): an empty block is easy to lose on the way to the API, and
  // `Exists` on the name label says "every namespace" without relying on it.
  const rendered = peers.flatMap((peer): Peer[] => {
    switch (peer.kind) {
      case "kubernetes-api":
        return addresses.kubernetesApi.map((cidr) => ({ ipBlock: { cidr } }));
      case "nodes":
        return addresses.nodes.map((cidr) => ({ ipBlock: { cidr } }));
      case "namespace":
        return [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.name } } }];
      case "all-namespaces":
        return [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "Exists" }] } }];
      case "tenant-namespaces":
        return [{ namespaceSelector: { matchExpressions: [{ key: `${LABEL_PREFIX}/tenant`, operator: "Exists" }] } }];
      case "anywhere":
        return [];
    }
  });
  // On a laptop the API server and the nodes are both "anywhere"; say it once.
  const unique = new Map(rendered.map((peer) => [JSON.stringify(peer), peer]));
  return [...unique.values()];
}
