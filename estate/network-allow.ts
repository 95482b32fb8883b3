/**
 * The network allow rules of a platform add-on, as plain data: each add-on's descriptor
 * (estate/add-ons/) lists the connections it needs on top of its namespace's default-deny, and
 * constructs/add-on-network-policy.ts renders them as NetworkPolicies for the region.
 */

/**
 * Who is on the other side of an allowed connection. Add-ons name peers by role; the policy
 * construct turns roles into selectors and address ranges for the region.
 */
export type NetworkPeer =
  /** Any address: clients of the datacenter load balancer, or hosts only known by DNS name. */
  | { readonly kind: "anywhere" }
  /** The Kubernetes API server (its endpoints and its Service). */
  | { readonly kind: "kubernetes-api" }
  /** The cluster's nodes: kubelets and host-network exporters. */
  | { readonly kind: "nodes" }
  /** Every pod of one namespace, by name. */
  | { readonly kind: "namespace"; readonly name: string }
  /** Every pod of every namespace. */
  | { readonly kind: "all-namespaces" }
  /** Every pod of every tenant (agency) namespace. */
  | { readonly kind: "tenant-namespaces" };

export interface NetworkPort {
  readonly port: number;
  readonly protocol?: "TCP" | "UDP";
}

/** One reviewable allow rule of an add-on, on top of its namespace's default-deny. */
export interface NetworkAllow {
  /** Stable name; the policy is called `allow-<name>` (a rename replaces the policy). */
  readonly name: string;
  readonly direction: "ingress" | "egress";
  /** Peers; `anywhere` stands alone. */
  readonly peers: readonly NetworkPeer[];
  /**
   * Ports on the add-on's pods (ingress) or on the peers (egress).
   * @default - every port
   */
  readonly ports?: readonly NetworkPort[];
  /** Why the add-on needs it; recorded on the policy for reviewers. */
  readonly reason: string;
}

/** Every add-on talks to the API server: controllers watch it, webhooks' jobs patch it. */
export const KUBERNETES_API_EGRESS: NetworkAllow = {
  name: "kubernetes-api-egress",
  direction: "egress",
  peers: [{ kind: "kubernetes-api" }],
  // 443 is the `kubernetes` Service; 6443 is the API server itself, which is what the policy sees
  // when the CNI evaluates egress after the Service address is translated.
  ports: [{ port: 443 }, { port: 6443 }],
  reason: "controllers and hook jobs use the Kubernetes API",
};

/** The API server calls an add-on's admission webhook on the pod's own port. */
export function webhookIngress(ports: readonly number[]): NetworkAllow {
  return {
    name: "webhook-ingress",
    direction: "ingress",
    peers: [{ kind: "kubernetes-api" }],
    ports: ports.map((port) => ({ port })),
    reason: "the API server calls the admission webhook",
  };
}

/** Prometheus in the monitoring namespace scrapes the add-on's metrics ports. */
export function metricsIngress(ports: readonly number[]): NetworkAllow {
  return {
    name: "metrics-ingress",
    direction: "ingress",
    peers: [{ kind: "namespace", name: "monitoring" }],
    ports: ports.map((port) => ({ port })),
    reason: "Prometheus scrapes the add-on's metrics",
  };
}
