import { Construct } from "constructs";
import type { TerraformIterator, TerraformResource } from "cdktf";
import { DefaultServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/default-service-account-v1";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1, type NetworkPolicyV1Spec } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { BASELINE_BLOCKS } from "../estate/tenant-baseline-instances";
import type { Blocks } from "../estate/tenant-model";
import { DNS_EGRESS_RULE } from "./default-deny-network-policy";
import { forEachResource } from "./for-each";

export interface TenantBaselineProps {
  /** The stack's instances; only the baseline blocks (BASELINE_BLOCKS) are rendered here. */
  readonly blocks: Blocks;
}

/**
 * The isolation every tenant namespace gets, rendered as one `for_each` resource per kind keyed
 * by agency id: namespace (prevent_destroy), quota, limit range, default-deny networking and its
 * explicit allows, RoleBindings to the agency's groups, and a default service account that
 * mounts no token.
 */
export class TenantBaseline extends Construct {
  /** The namespaces block, which everything else in the stack depends on. */
  public readonly namespaces?: NamespaceV1;

  constructor(scope: Construct, id: string, props: TenantBaselineProps) {
    super(scope, id);
    const { blocks } = props;
    const nameOf = (block: string) => block.slice(block.indexOf(".") + 1);
    /** One for_each resource per block that has instances, with a readable, stable address. */
    const render = <R extends TerraformResource>(block: string, create: (it: TerraformIterator) => R): R | undefined => {
      const instances = blocks.get(block);
      if (instances === undefined || instances.size === 0) return undefined;
      const resource = forEachResource(this, instances, create);
      // kubernetes_namespace_v1.tenant["<agency-id>"], not a hashed construct path.
      resource.overrideLogicalId(nameOf(block));
      return resource;
    };
    const metadata = (it: TerraformIterator) => ({
      name: it.getString("name"),
      namespace: it.getString("namespace"),
      labels: it.getStringMap("labels"),
    });

    const namespaces = render(
      BASELINE_BLOCKS.namespace,
      (it) =>
        new NamespaceV1(this, "namespace", {
          forEach: it,
          metadata: { name: it.getString("name"), labels: it.getStringMap("labels"), annotations: it.getStringMap("annotations") },
          // Deleting a tenant namespace deletes the agency's data with it.
          lifecycle: { preventDestroy: true },
        }),
    );
    if (namespaces === undefined) return;
    this.namespaces = namespaces;
    const dependsOn = [namespaces];

    render(
      BASELINE_BLOCKS.quota,
      (it) => new ResourceQuotaV1(this, "quota", { forEach: it, dependsOn, metadata: metadata(it), spec: { hard: it.getStringMap("hard") } }),
    );
    render(
      BASELINE_BLOCKS.limitRange,
      (it) =>
        new LimitRangeV1(this, "limit-range", {
          forEach: it,
          dependsOn,
          metadata: metadata(it),
          spec: {
            limit: [
              {
                type: "Container",
                default: it.getStringMap("default_limits"),
                defaultRequest: it.getStringMap("default_requests"),
                max: it.getStringMap("max"),
              },
            ],
          },
        }),
    );
    render(
      BASELINE_BLOCKS.defaultServiceAccount,
      (it) =>
        new DefaultServiceAccountV1(this, "default-service-account", {
          forEach: it,
          dependsOn,
          metadata: { namespace: it.getString("namespace"), labels: it.getStringMap("labels") },
          automountServiceAccountToken: false,
        }),
    );

    const policies: Array<[string, (it: TerraformIterator) => NetworkPolicyV1Spec]> = [
      [BASELINE_BLOCKS.denyAll, () => ({ podSelector: {}, policyTypes: ["Ingress", "Egress"] })],
      [
        BASELINE_BLOCKS.allowDns,
        () => ({
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [DNS_EGRESS_RULE],
        }),
      ],
      [
        BASELINE_BLOCKS.allowSameNamespace,
        () => ({
          podSelector: {},
          policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [{ to: [{ podSelector: {} }] }],
        }),
      ],
      [
        BASELINE_BLOCKS.allowIngressController,
        (it) => ({
          podSelector: { matchLabels: it.getStringMap("pod_labels") },
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": it.getString("from_namespace") } } }] }],
        }),
      ],
      [
        BASELINE_BLOCKS.allowMonitoring,
        (it) => ({
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": it.getString("from_namespace") } } }] }],
        }),
      ],
      [
        BASELINE_BLOCKS.egressToDependency,
        (it) => ({
          podSelector: { matchLabels: it.getStringMap("pod_labels") },
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": it.getString("peer_namespace") } },
                  podSelector: { matchLabels: it.getStringMap("peer_labels") },
                },
              ],
              ports: [{ port: it.getString("port"), protocol: "TCP" }],
            },
          ],
        }),
      ],
      [
        BASELINE_BLOCKS.ingressFromDependent,
        (it) => ({
          podSelector: { matchLabels: it.getStringMap("pod_labels") },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": it.getString("peer_namespace") } },
                  podSelector: { matchLabels: it.getStringMap("peer_labels") },
                },
              ],
              ports: [{ port: it.getString("port"), protocol: "TCP" }],
            },
          ],
        }),
      ],
    ];
    for (const [block, spec] of policies) {
      render(block, (it) => new NetworkPolicyV1(this, nameOf(block), { forEach: it, dependsOn, metadata: metadata(it), spec: spec(it) }));
    }

    for (const block of [BASELINE_BLOCKS.admins, BASELINE_BLOCKS.developers, BASELINE_BLOCKS.viewers]) {
      render(
        block,
        (it) =>
          new RoleBindingV1(this, nameOf(block), {
            forEach: it,
            dependsOn,
            metadata: metadata(it),
            // Namespaced bindings to the platform's ClusterRoles: tenants never get cluster-wide rights.
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: it.getString("cluster_role") },
            subject: [{ kind: "Group", name: it.getString("group"), apiGroup: "rbac.authorization.k8s.io" }],
          }),
      );
    }
  }
}
