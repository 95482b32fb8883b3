import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { DefaultDenyNetworkPolicy } from "./default-deny-network-policy";
import { podSecurityLabels } from "../estate/labels";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface PlatformNamespaceProps {
  /** Namespace name (DNS-1123 label). */
  readonly name: string;
  /** Kubernetes version of the cluster; pins the Pod Security Admission version labels. */
  readonly kubernetesVersion: string;
  /** Labels for the namespace and its policies. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Pod Security Admission level enforced in the namespace. Audit and warn stay at
   * `restricted` whatever is enforced, so exemptions remain visible.
   * @default "restricted"
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs more than `restricted`; recorded as an annotation for reviewers.
   * @default - none; required in config when podSecurity is not restricted
   */
  readonly exemptionReason?: string;
}

/**
 * A namespace for platform add-ons: Pod Security Admission labels and default-deny networking
 * (with DNS egress) from the start.
 */
export class PlatformNamespace extends Construct {
  public readonly namespace: NamespaceV1;
  public readonly networkPolicy: DefaultDenyNetworkPolicy;
  public readonly podSecurity: PodSecurityLevel;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    this.podSecurity = props.podSecurity ?? "restricted";

    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: { ...props.labels, ...podSecurityLabels(this.podSecurity, props.kubernetesVersion) },
        ...(props.exemptionReason === undefined
          ? {}
          : { annotations: { "govcloud.gov.vn/pod-security-exemption": props.exemptionReason } }),
      },
    });

    this.networkPolicy = new DefaultDenyNetworkPolicy(this, "isolation", {
      namespace: props.name,
      labels: props.labels,
      dependsOn: [this.namespace],
    });
  }
}
