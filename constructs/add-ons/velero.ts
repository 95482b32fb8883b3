import type { Construct } from "constructs";
import { ADD_ON_REQUIREMENTS, EVERY_NODE_TOLERATIONS } from "../../estate/add-ons";
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
 * Backup and restore (vmware-tanzu/velero), with the node-agent for file-system backup of pod
 * volumes (kopia).
 *
 * No backup or snapshot location yet: the cross-region backup topology defines them, and until
 * then the chart creates none (`backupsEnabled`/`snapshotsEnabled` false, empty lists). No
 * credentials in values either: `credentials.useSecret` is false, and a location, when added,
 * names a Secret created in the cluster (`credentials.existingSecret` or the location's
 * `credential`).
 *
 * Images: `image.repository` (server and node-agent), `kubectl.image.repository` (the CRD upgrade
 * job) and the plugin init container each hold a full reference, set to the mirror's copy.
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

  constructor(scope: Construct, id: string, props: AddOnProps) {
    const p = resolveAddOnProps(props);
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
      defaultValues: {
        image: { repository: mirrored(p.imagesHost, "velero/velero") },
        kubectl: {
          image: { repository: mirrored(p.imagesHost, "bitnami/kubectl") },
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
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "2Gi" } },
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
