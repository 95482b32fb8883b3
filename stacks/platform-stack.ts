import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import type { Environment } from "../environments/schema";
import { ClusterBaseline } from "../constructs/cluster-baseline";
import { ownershipLabels } from "../constructs/labels";
import { addStateBackend, type StateBackendContext } from "./state-backend";

export interface PlatformStackProps {
  readonly environment: Environment;
  /** Region id, a key of `environment.regions`. */
  readonly regionId: string;
  readonly backend: StateBackendContext;
}

/**
 * The cluster baseline of one region, applied to that region's cluster through its kube
 * context: platform namespaces, default-deny networking, priority and storage classes.
 */
export class PlatformStack extends TerraformStack {
  public readonly baseline: ClusterBaseline;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const env = props.environment;
    const region = env.regions[props.regionId];
    if (region === undefined) throw new Error(`internal: unknown region '${props.regionId}'`);
    addStateBackend(this, env.stateBackend, props.backend);

    // The kubeconfig file comes from KUBE_CONFIG_PATH at plan time, never from the output.
    new KubernetesProvider(this, "kubernetes", { configContext: region.kubeContext });
    new HelmProvider(this, "helm", { kubernetes: { configContext: region.kubeContext } });

    this.baseline = new ClusterBaseline(this, "baseline", {
      platform: env.platform,
      kubernetesVersion: region.cluster.kubernetesVersion,
      labels: ownershipLabels(env.name, props.regionId),
    });
  }
}
