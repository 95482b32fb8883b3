import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import type { KubernetesObject } from "../estate/kubernetes-object";

export interface RegionalClusterProps {
  /**
   * The Cluster API objects of the cluster, from `regionalClusterObjects`. Each becomes one
   * `kubernetes_manifest` whose address is derived from its kind and name, never its position.
   */
  readonly objects: readonly KubernetesObject[];
  /**
   * What must exist first, usually the namespace holding the objects.
   * @default []
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One regional Kubernetes cluster declared as Cluster API objects in the management cluster.
 */
export class RegionalCluster extends Construct {
  /** The manifests by `<Kind>/<name>`. */
  public readonly manifests: ReadonlyMap<string, Manifest>;

  constructor(scope: Construct, id: string, props: RegionalClusterProps) {
    super(scope, id);
    const manifests = new Map<string, Manifest>();
    for (const object of props.objects) {
      const key = `${object.kind}/${object.metadata.name}`;
      if (manifests.has(key)) throw new Error(`internal: duplicate cluster object ${key}`);
      manifests.set(
        key,
        new Manifest(this, `${kebab(object.kind)}-${object.metadata.name}`, {
          manifest: object as unknown as Record<string, unknown>,
          dependsOn: props.dependsOn ?? [],
        }),
      );
    }
    this.manifests = manifests;
  }
}

/** `KubeadmControlPlane` -> `kubeadm-control-plane`. */
function kebab(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}
