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
import { forEachOf } from "./for-each";

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
    const each = (block: string) => {
      const instances = blocks.get(block);
      // Escaped and sorted: display names and group names are agency-written text.
      return instances === undefined || instances.size === 0 ? undefined : forEachOf(instances);
    };
    const nameOf = (block: string) => block.slice(block.indexOf(".") + 1);
    const named = <R extends TerraformResource>(block: string, resource: R): R => {
      // Readable, stable addresses: kubernetes_namespace_v1.tenant["<agency-id>"].
      resource.overrideLogicalId(nameOf(block));
      return resource;
    };
    const metadata = (it: TerraformIterator) => ({
      name: it.getString("name"),
      namespace: it.getString("namespace"),
      labels: it.getStringMap("labels"),
    });

    const nsIt = each(BASELINE_BLOCKS.namespace);
    if (nsIt === undefined) return;
    const namespaces = named(
      BASELINE_BLOCKS.namespace,
      new NamespaceV1(this, "namespace", {
        forEach: nsIt,
        metadata: { name: nsIt.getString("name"), labels: nsIt.getStringMap("labels"), annotations: nsIt.getStringMap("annotations") },
        // Deleting a tenant namespace deletes the agency's data with it.
        lifecycle: { preventDestroy: true },
      }),
    );
    this.namespaces = namespaces;
    const dependsOn = [namespaces];

    const quotaIt = each(BASELINE_BLOCKS.quota);
    if (quotaIt !== undefined) {
      named(BASELINE_BLOCKS.quota, new ResourceQuotaV1(this, "quota", { forEach: quotaIt, dependsOn, metadata: metadata(quotaIt), spec: { hard: quotaIt.getStringMap("hard") } }));
    }
    const limitsIt = each(BASELINE_BLOCKS.limitRange);
    if (limitsIt !== undefined) {
      named(
        BASELINE_BLOCKS.limitRange,
        new LimitRangeV1(this, "limit-range", {
          forEach: limitsIt,
          dependsOn,
          metadata: metadata(limitsIt),
          spec: {
            limit: [
              {
                type: "Container",
                default: limitsIt.getStringMap("default_limits"),
                defaultRequest: limitsIt.getStringMap("default_requests"),
                max: limitsIt.getStringMap("max"),
              },
            ],
          },
        }),
      );
    }
    const saIt = each(BASELINE_BLOCKS.defaultServiceAccount);
    if (saIt !== undefined) {
      named(
        BASELINE_BLOCKS.defaultServiceAccount,
        new DefaultServiceAccountV1(this, "default-service-account", {
          forEach: saIt,
          dependsOn,
          metadata: { namespace: saIt.getString("namespace") },
          automountServiceAccountToken: false,
        }),
      );
    }

    const policies: Array<[string, (it: TerraformIterator) => NetworkPolicyV1Spec]> = [
      [BASELINE_BLOCKS.denyAll, () => ({ podSelector: {}, policyTypes: ["Ingress", "Egress"] })],
      [
        BASELINE_BLOCKS.allowDns,
        () => ({
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
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
            },
          ],
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
      const it = each(block);
      if (it === undefined) continue;
      named(block, new NetworkPolicyV1(this, nameOf(block), { forEach: it, dependsOn, metadata: metadata(it), spec: spec(it) }));
    }

    for (const block of [BASELINE_BLOCKS.admins, BASELINE_BLOCKS.developers, BASELINE_BLOCKS.viewers]) {
      const it = each(block);
      if (it === undefined) continue;
      named(
        block,
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
