import { Construct } from "constructs";
import { PriorityClassV1 } from "@cdktf/provider-kubernetes/lib/priority-class-v1";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import type { Platform } from "../environments/schema";
import { sortedEntries } from "../core/compare";
import { PlatformNamespace } from "./platform-namespace";

export interface ClusterBaselineProps {
  /** Platform namespaces, priority classes and storage classes, from the environment. */
  readonly platform: Platform;
  /** Kubernetes version of the cluster (pins Pod Security Admission versions). */
  readonly kubernetesVersion: string;
  /** Labels for every object. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * What every regional cluster has before any add-on or tenant arrives: isolated platform
 * namespaces, the priority classes the scheduler works with, and the storage classes.
 */
export class ClusterBaseline extends Construct {
  public readonly namespaces: ReadonlyMap<string, PlatformNamespace>;
  public readonly priorityClasses: ReadonlyMap<string, PriorityClassV1>;
  public readonly storageClasses: ReadonlyMap<string, StorageClassV1>;

  constructor(scope: Construct, id: string, props: ClusterBaselineProps) {
    super(scope, id);
    const labels = { ...props.labels };

    this.namespaces = new Map(
      sortedEntries(props.platform.namespaces).map(([name, ns]) => [
        name,
        new PlatformNamespace(this, `namespace-${name}`, {
          name,
          kubernetesVersion: props.kubernetesVersion,
          labels,
          podSecurity: ns.podSecurity,
          exemptionReason: ns.exemptionReason,
        }),
      ]),
    );

    this.priorityClasses = new Map(
      sortedEntries(props.platform.priorityClasses).map(([name, pc]) => [
        name,
        new PriorityClassV1(this, `priority-class-${name}`, {
          metadata: { name, labels },
          value: pc.value,
          description: pc.description,
          preemptionPolicy: pc.preemption,
          globalDefault: false,
        }),
      ]),
    );

    this.storageClasses = new Map(
      sortedEntries(props.platform.storageClasses).map(([name, sc]) => [
        name,
        new StorageClassV1(this, `storage-class-${name}`, {
          metadata: {
            name,
            labels,
            annotations: { "storageclass.kubernetes.io/is-default-class": String(sc.isDefault) },
          },
          storageProvisioner: sc.provisioner,
          reclaimPolicy: sc.reclaimPolicy,
          volumeBindingMode: sc.volumeBindingMode,
          allowVolumeExpansion: sc.allowVolumeExpansion,
          ...(Object.keys(sc.parameters).length > 0 ? { parameters: { ...sc.parameters } } : {}),
        }),
      ]),
    );
  }
}
