import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import type { Environment } from "../environments/schema";
import { ClusterBaseline } from "../constructs/cluster-baseline";
import { ownershipLabels } from "../constructs/labels";
import { PlatformAddOns } from "../constructs/platform-add-ons";
import { TenantClusterRoles } from "../constructs/tenant-cluster-roles";
import { PLATFORM_PRIORITY_CLASS } from "../estate/add-ons";
import { addStateBackend, type StateBackendContext } from "./state-backend";

export interface PlatformStackProps {
  readonly environment: Environment;
  /** Region id, a key of `environment.regions`. */
  readonly regionId: string;
  readonly backend: StateBackendContext;
}

/**
 * The platform of one region, applied to that region's cluster through its kube context: the
 * cluster baseline (platform namespaces, default-deny networking, priority and storage classes),
 * the roles tenants are bound to, and the platform add-ons as Helm releases.
 */
export class PlatformStack extends TerraformStack {
  public readonly baseline: ClusterBaseline;
  public readonly tenantRoles: TenantClusterRoles;
  public readonly addOns: PlatformAddOns;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const env = props.environment;
    const region = env.regions[props.regionId];
    if (region === undefined) throw new Error(`internal: unknown region '${props.regionId}'`);
    addStateBackend(this, env.stateBackend, props.backend);

    // The kubeconfig file comes from KUBE_CONFIG_PATH at plan time, never from the output.
    new KubernetesProvider(this, "kubernetes", { configContext: region.kubeContext });
    new HelmProvider(this, "helm", { kubernetes: { configContext: region.kubeContext } });

    const labels = ownershipLabels(env.name, props.regionId);
    this.baseline = new ClusterBaseline(this, "baseline", {
      platform: env.platform,
      kubernetesVersion: region.cluster.kubernetesVersion,
      labels,
    });

    this.tenantRoles = new TenantClusterRoles(this, "tenant-roles", { labels });

    this.addOns = new PlatformAddOns(this, "add-ons", {
      environment: env,
      regionId: props.regionId,
      namespaces: new Map([...this.baseline.namespaces].map(([name, ns]) => [name, ns.namespace])),
      // Add-on pods run at the platform priority class, and Prometheus claims a volume of the
      // default storage class.
      dependsOn: [
        ...[...this.baseline.priorityClasses].filter(([name]) => name === PLATFORM_PRIORITY_CLASS).map(([, pc]) => pc),
        ...[...this.baseline.storageClasses].filter(([name]) => env.platform.storageClasses[name]?.isDefault).map(([, sc]) => sc),
      ],
    });
  }
}
