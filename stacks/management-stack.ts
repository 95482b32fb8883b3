import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import type { Environment } from "../environments/schema";
import { regionalClusterObjects } from "../estate/cluster-api";
import { ownershipLabels } from "../estate/labels";
import { sortedEntries } from "../core/compare";
import { GreenLabelsAspect } from "../constructs/green-labels-aspect";
import { PlatformNamespace } from "../constructs/platform-namespace";
import { managementRegionId, regionGreenLabels } from "../estate/green-labels";
import { RegionalCluster } from "../constructs/regional-cluster";
import { addStateBackend, type StateBackendContext } from "./state-backend";
import { writeWithStableJson } from "./stable-json-output";

export interface ManagementStackProps {
  readonly environment: Environment;
  readonly backend: StateBackendContext;
}

/**
 * The regional clusters as Cluster API objects, applied to the management cluster. Deployed
 * first: the platform stacks target the clusters it creates.
 */
export class ManagementStack extends TerraformStack {
  public readonly clusters: ReadonlyMap<string, RegionalCluster>;

  constructor(scope: Construct, id: string, props: ManagementStackProps) {
    super(scope, id);
    writeWithStableJson(this);
    const env = props.environment;
    addStateBackend(this, env.stateBackend, props.backend);
    new KubernetesProvider(this, "kubernetes", { configContext: env.managementCluster.kubeContext });
    // The management cluster's own objects carry its region's green labels; each regional
    // cluster's objects carry the labels of the region whose machines they declare (below).
    const managementRegion = managementRegionId(env);
    Aspects.of(this).add(new GreenLabelsAspect({ labels: regionGreenLabels(managementRegion, env.regions[managementRegion]!) }));

    const namespace = new PlatformNamespace(this, "clusters-namespace", {
      name: env.managementCluster.namespace,
      // The management cluster runs the newest version of the estate.
      kubernetesVersion: newestVersion(Object.values(env.regions).map((r) => r.cluster.kubernetesVersion)),
      labels: ownershipLabels(env.name),
    });

    this.clusters = new Map(
      sortedEntries(env.regions).map(([regionId, region]) => {
        const cluster = new RegionalCluster(this, `cluster-${regionId}`, {
          objects: regionalClusterObjects({
            environment: env.name,
            regionId,
            region,
            infrastructure: env.infrastructure,
            namespace: env.managementCluster.namespace,
            ...(env.auditLog === undefined ? {} : { auditLog: env.auditLog }),
          }),
          dependsOn: [namespace.namespace],
        });
        Aspects.of(cluster).add(new GreenLabelsAspect({ labels: regionGreenLabels(regionId, region) }));
        return [regionId, cluster];
      }),
    );
  }
}

function newestVersion(versions: string[]): string {
  const parse = (v: string) => v.slice(1).split(".").map(Number);
  return versions.reduce((a, b) => {
    const [pa, pb] = [parse(a), parse(b)];
    for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) > (pb[i] ?? 0) ? a : b;
    return a;
  });
}
