import {
  defineAddOn,
  everyNodeTolerations,
  mirrored,
  placementValues,
  resourceValues,
  restrictedContainerSecurityContext,
} from "../add-on-descriptor";
import { KUBERNETES_API_EGRESS, metricsIngress } from "../network-allow";

/** The object-storage plugin built for Velero 1.16 (the in-country stores are S3-compatible). */
const AWS_PLUGIN = "velero/velero-plugin-for-aws";
/** Tags of the plugin images, which the chart does not know (upstream path -> tag). */
const IMAGE_TAGS: Readonly<Record<string, string>> = { [AWS_PLUGIN]: "v1.12.2", "lirt/velero-plugin-for-openstack": "v0.8.0" };
const NODE_AGENT = { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "2Gi" } };

/**
 * Volume snapshotter plugins by VolumeSnapshotLocation provider (upstream image paths, mirrored
 * in-country like every other image, at the tag of {@link velero}'s `imageTags`). The OpenStack
 * plugin snapshots Cinder volumes.
 */
export const SNAPSHOT_PLUGINS: Readonly<Record<string, { readonly name: string; readonly image: string }>> = {
  "community.openstack.org/openstack": { name: "velero-plugin-for-openstack", image: "lirt/velero-plugin-for-openstack" },
};

/**
 * Backup and restore (vmware-tanzu/velero), with the node-agent for file-system backup of pod
 * volumes (kopia).
 *
 * The chart creates no backup or snapshot location (`backupsEnabled`/`snapshotsEnabled` false,
 * empty lists): the cross-region backup topology (estate/backup.ts) defines them and
 * constructs/backup-locations.ts creates them, each naming its credential Secret (`credential`).
 * No credentials in values either: `credentials.useSecret` is false. The region's volume
 * snapshot locations (`backup.regions.<region>.volumeSnapshots`) each add their provider's plugin
 * ({@link SNAPSHOT_PLUGINS}).
 *
 * Images: `image.repository` (server and node-agent), `kubectl.image.repository` (the CRD upgrade
 * job) and the plugin init containers each hold a full reference, set to the mirror's copy. The
 * kubectl tag follows the cluster's Kubernetes version (the chart would read it from the cluster
 * at install time, so the image would change with an upgrade nobody reviewed).
 */
export const velero = defineAddOn({
  name: "velero",
  chart: "velero",
  /** 2025; Velero 1.16.2 with velero-plugin-for-aws 1.12.2. */
  version: "10.0.13",
  imageTags: IMAGE_TAGS,
  namespace: "velero",
  podSecurity: "privileged",
  podSecurityReason: "the node-agent runs as root and reads pod volumes through hostPath for file-system backup",
  credentialPaths: [["credentials", "secretContents"]],
  // No chart-wide key: the server Deployment and node-agent DaemonSet, and their pods, each
  // take their own; the chart's other objects are left unlabelled (docs/green-labels.md).
  labelValuePaths: [["labels"], ["podLabels"], ["nodeAgent", "labels"], ["nodeAgent", "podLabels"]],
  networkAllows: [
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
  ],
  dependencies: [{ addOn: "monitoring", reason: "its ServiceMonitor and PodMonitor need the Prometheus Operator CRDs" }],
  privilegedValues: {
    "nodeAgent.privileged": "the node-agent reads every pod's volumes through hostPath for file-system backup (kopia)",
    "nodeAgent.containerSecurityContext.privileged": "the node-agent reads every pod's volumes through hostPath for file-system backup (kopia)",
  },
  nodeAgents: { "velero-node-agent": NODE_AGENT },
  values: (context) => {
    const images = context.registries.images;
    const image = (upstream: string): string => {
      const tag = IMAGE_TAGS[upstream];
      if (tag === undefined) throw new Error(`internal: no pinned tag for the Velero plugin image '${upstream}'`);
      return `${mirrored(images, upstream)}:${tag}`;
    };
    const providers = context.environment.backup?.regions[context.regionId]?.volumeSnapshots?.provider;
    const snapshotPlugins = (providers === undefined ? [] : [providers]).map((provider) => {
      const plugin = SNAPSHOT_PLUGINS[provider];
      if (plugin === undefined) throw new Error(`internal: no Velero plugin known for snapshot provider '${provider}'`);
      return plugin;
    });
    const kubernetesVersion = context.environment.regions[context.regionId]?.cluster.kubernetesVersion;
    const container = restrictedContainerSecurityContext();
    return {
      image: { repository: mirrored(images, "velero/velero") },
      kubectl: {
        image: {
          repository: mirrored(images, "bitnami/kubectl"),
          ...(kubernetesVersion === undefined ? {} : { tag: kubernetesVersion.replace(/^v/, "") }),
        },
        containerSecurityContext: container,
        resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
      },
      initContainers: [
        { name: "velero-plugin-for-aws", image: image(AWS_PLUGIN) },
        ...snapshotPlugins.map((plugin) => ({ name: plugin.name, image: image(plugin.image) })),
      ].map((plugin) => ({
        ...plugin,
        imagePullPolicy: "IfNotPresent",
        securityContext: container,
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
      })),
      backupsEnabled: false,
      snapshotsEnabled: false,
      configuration: { backupStorageLocation: [], volumeSnapshotLocation: [], uploaderType: "kopia" },
      credentials: { useSecret: false },
      ...placementValues(context.placement),
      priorityClassName: context.priorityClassName,
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
        priorityClassName: context.priorityClassName,
        tolerations: everyNodeTolerations(),
        resources: resourceValues(NODE_AGENT),
      },
      metrics: {
        enabled: true,
        serviceMonitor: { enabled: context.serviceMonitors },
        nodeAgentPodMonitor: { enabled: context.serviceMonitors },
      },
    };
  },
});
