import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, EVERY_NODE_TOLERATIONS, labelValues, nodeAgentResources } from "../../estate/add-ons";
import { KUBERNETES_API_EGRESS, metricsIngress, type NetworkAllow } from "../add-on-network-policy";
import {
  type AddOnProps,
  HelmAddOn,
  mirrored,
  placementValues,
  resolveAddOnProps,
  restrictedContainerSecurityContext,
} from "../helm-add-on";

/** The object-storage plugin built for Velero 1.16 (the in-country stores are S3-compatible). */
const AWS_PLUGIN = "velero/velero-plugin-for-aws:v1.12.2";

/**
 * Volume snapshotter plugins by VolumeSnapshotLocation provider (upstream image paths, mirrored
 * in-country like every other image). The OpenStack plugin snapshots Cinder volumes.
 */
export const SNAPSHOT_PLUGINS: Readonly<Record<string, { readonly name: string; readonly image: string }>> = {
  "community.openstack.org/openstack": { name: "velero-plugin-for-openstack", image: "lirt/velero-plugin-for-openstack:v0.8.0" },
};

export interface VeleroProps extends AddOnProps {
  /**
   * Providers of the region's VolumeSnapshotLocations; each adds its plugin (SNAPSHOT_PLUGINS).
   * @default []
   */
  readonly snapshotProviders?: readonly string[];
  /**
   * The cluster's Kubernetes version (`v1.31.4`): the kubectl image of the chart's CRD jobs is
   * pinned to the matching tag (`1.31.4`).
   * @default - the chart's own choice at install time, the cluster's version: not pinned
   */
  readonly kubernetesVersion?: string;
}

/**
 * Backup and restore (vmware-tanzu/velero), with the node-agent for file-system backup of pod
 * volumes (kopia).
 *
 * The chart creates no backup or snapshot location (`backupsEnabled`/`snapshotsEnabled` false,
 * empty lists): the cross-region backup topology (estate/backup.ts) defines them and
 * constructs/backup-locations.ts creates them, each naming its credential Secret (`credential`).
 * No credentials in values either: `credentials.useSecret` is false.
 *
 * Images: `image.repository` (server and node-agent), `kubectl.image.repository` (the CRD upgrade
 * job) and the plugin init container each hold a full reference, set to the mirror's copy. The
 * kubectl tag follows the cluster's Kubernetes version (the chart would read it from the cluster
 * at install time, so the image would change with an upgrade nobody reviewed).
 */
export class Velero extends HelmAddOn {
  public static readonly CHART = "velero";
  /** 2025; Velero 1.16.2 with velero-plugin-for-aws 1.12.2. */
  public static readonly VERSION = "10.0.13";
  public static readonly NETWORK_ALLOWS: readonly NetworkAllow[] = [
    KUBERNETES_API_EGRESS,
    {
      name: "object-storage-egress",
      direction: "egress",
      // NetworkPolicy cannot name a host; the store is reached by its DNS name over HTTPS.
      peers: [{ kind: "anywhere" }],
      ports: [{ port: 443 }],
      reason: "backups go to the region's in-country S3-compatible object storage over HTTPS",
    },
    // Server and node-agent serve metrics on 8085.
    metricsIngress([8085]),
  ];

  public readonly networkAllows = Velero.NETWORK_ALLOWS;

  constructor(scope: Construct, id: string, props: VeleroProps) {
    const p = resolveAddOnProps(props);
    const snapshotPlugins = [...new Set(props.snapshotProviders ?? [])].sort().map((provider) => {
      const plugin = SNAPSHOT_PLUGINS[provider];
      if (plugin === undefined) throw new Error(`internal: no Velero plugin known for snapshot provider '${provider}'`);
      return plugin;
    });
    const placement = placementValues(p.placement);
    const container = restrictedContainerSecurityContext();
    super(scope, id, {
      releaseName: "velero",
      namespace: ADD_ON_REQUIREMENTS.velero.namespace,
      chart: Velero.CHART,
      version: props.version ?? Velero.VERSION,
      chartRegistry: p.chartRegistry,
      values: p.values,
      dependsOn: p.dependsOn,
      // The chart's labels values (ADD_ON_REQUIREMENTS.labelValuePaths, which the green policy reads too).
      commonLabelValues: (labels) => labelValues(ADD_ON_REQUIREMENTS.velero.labelValuePaths, labels),
      defaultValues: {
        image: { repository: mirrored(p.imagesHost, "velero/velero") },
        kubectl: {
          image: {
            repository: mirrored(p.imagesHost, "bitnami/kubectl"),
            ...(props.kubernetesVersion === undefined ? {} : { tag: props.kubernetesVersion.replace(/^v/, "") }),
          },
          containerSecurityContext: container,
          resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        },
        initContainers: [
          {
            name: "velero-plugin-for-aws",
            image: mirrored(p.imagesHost, AWS_PLUGIN),
            imagePullPolicy: "IfNotPresent",
            securityContext: container,
            volumeMounts: [{ mountPath: "/target", name: "plugins" }],
          },
          ...snapshotPlugins.map((plugin) => ({
            name: plugin.name,
            image: mirrored(p.imagesHost, plugin.image),
            imagePullPolicy: "IfNotPresent",
            securityContext: container,
            volumeMounts: [{ mountPath: "/target", name: "plugins" }],
          })),
        ],
        backupsEnabled: false,
        snapshotsEnabled: false,
        configuration: { backupStorageLocation: [], volumeSnapshotLocation: [], uploaderType: "kopia" },
        credentials: { useSecret: false },
        ...placement,
        priorityClassName: p.priorityClassName,
        podSecurityContext: {
          runAsNonRoot: true,
          runAsUser: 65532,
          runAsGroup: 65532,
          fsGroup: 65532,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containerSecurityContext: container,
        // Plugins talk to the server over Unix sockets in /tmp, which a read-only root
        // filesystem would refuse.
        extraVolumes: [{ name: "tmp", emptyDir: {} }],
        extraVolumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        // The node-agent reads every pod's volumes through hostPath as root: it keeps the chart's
        // security context and runs on every node that may hold a volume.
        deployNodeAgent: true,
        nodeAgent: {
          priorityClassName: p.priorityClassName,
          tolerations: EVERY_NODE_TOLERATIONS.map((t) => ({ ...t })),
          resources: nodeAgentResources("velero-node-agent"),
        },
        metrics: {
          enabled: true,
          serviceMonitor: { enabled: p.serviceMonitors },
          nodeAgentPodMonitor: { enabled: p.serviceMonitors },
        },
      },
    });
  }
}
