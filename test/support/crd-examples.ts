/**
 * Minimal but realistic custom resources that pass the real CRD schemas (see crd-validation.ts),
 * as documentation of the shapes govcloud's `kubernetes_manifest` objects must have.
 *
 * Names, CIDRs, flavors and images are illustrative. Versions: Cluster API v1beta2 (the storage
 * version; v1beta1 is deprecated), CAPO v1beta2 (storage; v1beta1 still served), Velero v1.
 *
 * v1beta2 at a glance:
 * - Every Cluster API reference is a *contract reference* `{ apiGroup, kind, name }` (all three
 *   required; no apiVersion, no namespace: the referenced object lives in the same namespace).
 * - KubeadmControlPlane: `spec.version` and `spec.machineTemplate.spec.infrastructureRef` are
 *   required (note the `.spec.` under machineTemplate); kubelet/api-server extra args are lists of
 *   `{ name, value }`, not maps.
 * - MachineDeployment: `spec.clusterName`, `spec.selector`, `spec.template` required; inside the
 *   template `spec.clusterName`, `spec.bootstrap` and `spec.infrastructureRef` are required.
 * - OpenStackMachineTemplate v1beta2: `flavor` and `image` are objects with exactly one of
 *   `id` / `filter` (image also `imageRef`); in v1beta1 `flavor` was a string.
 */

const CAPI = "cluster.x-k8s.io";
const CAPI_CONTROL_PLANE = "controlplane.cluster.x-k8s.io";
const CAPI_BOOTSTRAP = "bootstrap.cluster.x-k8s.io";
const CAPO = "infrastructure.cluster.x-k8s.io";

export const EXAMPLE_NAMESPACE = "capi-hanoi";
export const EXAMPLE_CLUSTER = "hanoi";
export const EXAMPLE_KUBERNETES_VERSION = "v1.33.4";

/** A generic JSON object as handed to `kubernetes_manifest`'s `manifest`. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<string, unknown>;

const clusterLabel = { "cluster.x-k8s.io/cluster-name": EXAMPLE_CLUSTER };

/** kubelet flags for an external OpenStack cloud-controller-manager (v1beta2: list of {name, value}). */
const kubeletExtraArgs = [
  { name: "cloud-provider", value: "external" },
  { name: "provider-id", value: "openstack:///'{{ instance_id }}'" },
];

export const cluster: Manifest = {
  apiVersion: `${CAPI}/v1beta2`,
  kind: "Cluster",
  metadata: { name: EXAMPLE_CLUSTER, namespace: EXAMPLE_NAMESPACE, labels: { ...clusterLabel } },
  spec: {
    clusterNetwork: {
      pods: { cidrBlocks: ["192.168.0.0/16"] },
      services: { cidrBlocks: ["10.96.0.0/12"] },
      serviceDomain: "cluster.local",
    },
    controlPlaneRef: { apiGroup: CAPI_CONTROL_PLANE, kind: "KubeadmControlPlane", name: `${EXAMPLE_CLUSTER}-control-plane` },
    infrastructureRef: { apiGroup: CAPO, kind: "OpenStackCluster", name: EXAMPLE_CLUSTER },
  },
};

export const kubeadmControlPlane: Manifest = {
  apiVersion: `${CAPI_CONTROL_PLANE}/v1beta2`,
  kind: "KubeadmControlPlane",
  metadata: { name: `${EXAMPLE_CLUSTER}-control-plane`, namespace: EXAMPLE_NAMESPACE, labels: { ...clusterLabel } },
  spec: {
    replicas: 3,
    version: EXAMPLE_KUBERNETES_VERSION,
    machineTemplate: {
      spec: {
        infrastructureRef: { apiGroup: CAPO, kind: "OpenStackMachineTemplate", name: `${EXAMPLE_CLUSTER}-control-plane` },
      },
    },
    kubeadmConfigSpec: {
      clusterConfiguration: {
        controllerManager: { extraArgs: [{ name: "cloud-provider", value: "external" }] },
      },
      initConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs } },
      joinConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs } },
    },
    rollout: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1 } } },
  },
};

export const machineDeployment: Manifest = {
  apiVersion: `${CAPI}/v1beta2`,
  kind: "MachineDeployment",
  metadata: { name: `${EXAMPLE_CLUSTER}-md-0`, namespace: EXAMPLE_NAMESPACE, labels: { ...clusterLabel } },
  spec: {
    clusterName: EXAMPLE_CLUSTER,
    replicas: 3,
    selector: { matchLabels: { ...clusterLabel, "cluster.x-k8s.io/deployment-name": `${EXAMPLE_CLUSTER}-md-0` } },
    template: {
      metadata: { labels: { ...clusterLabel, "cluster.x-k8s.io/deployment-name": `${EXAMPLE_CLUSTER}-md-0` } },
      spec: {
        clusterName: EXAMPLE_CLUSTER,
        version: EXAMPLE_KUBERNETES_VERSION,
        bootstrap: { configRef: { apiGroup: CAPI_BOOTSTRAP, kind: "KubeadmConfigTemplate", name: `${EXAMPLE_CLUSTER}-md-0` } },
        infrastructureRef: { apiGroup: CAPO, kind: "OpenStackMachineTemplate", name: `${EXAMPLE_CLUSTER}-md-0` },
      },
    },
    rollout: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
  },
};

export const kubeadmConfigTemplate: Manifest = {
  apiVersion: `${CAPI_BOOTSTRAP}/v1beta2`,
  kind: "KubeadmConfigTemplate",
  metadata: { name: `${EXAMPLE_CLUSTER}-md-0`, namespace: EXAMPLE_NAMESPACE },
  spec: {
    template: {
      spec: {
        joinConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs } },
      },
    },
  },
};

export const openStackCluster: Manifest = {
  apiVersion: `${CAPO}/v1beta2`,
  kind: "OpenStackCluster",
  metadata: { name: EXAMPLE_CLUSTER, namespace: EXAMPLE_NAMESPACE, labels: { ...clusterLabel } },
  spec: {
    // Secret `hanoi-cloud-config` (same namespace) with key `clouds.yaml`; cloudName is the entry in it.
    identityRef: { name: `${EXAMPLE_CLUSTER}-cloud-config`, cloudName: "openstack" },
    externalNetwork: { filter: { name: "public" } },
    managedSubnets: [{ cidr: "10.6.0.0/24", dnsNameservers: ["10.0.0.53"] }],
    managedSecurityGroups: { allowAllInClusterTraffic: true },
    apiServer: { managedLoadBalancer: { enabled: true } },
  },
};

export const openStackMachineTemplate: Manifest = {
  apiVersion: `${CAPO}/v1beta2`,
  kind: "OpenStackMachineTemplate",
  metadata: { name: `${EXAMPLE_CLUSTER}-md-0`, namespace: EXAMPLE_NAMESPACE },
  spec: {
    template: {
      spec: {
        flavor: { filter: { name: "m1.large" } },
        image: { filter: { name: `ubuntu-2404-kube-${EXAMPLE_KUBERNETES_VERSION}` } },
        sshKeyName: "govcloud-ops",
        rootVolume: { sizeGiB: 50, type: "ssd" },
        securityGroups: [{ filter: { name: "govcloud-nodes" } }],
      },
    },
  },
};

/** The same machine template in the older (still served) CAPO v1beta1 shape: flavor is a string. */
export const openStackMachineTemplateV1beta1: Manifest = {
  apiVersion: `${CAPO}/v1beta1`,
  kind: "OpenStackMachineTemplate",
  metadata: { name: `${EXAMPLE_CLUSTER}-md-0`, namespace: EXAMPLE_NAMESPACE },
  spec: {
    template: {
      spec: {
        flavor: "m1.large",
        image: { filter: { name: `ubuntu-2404-kube-${EXAMPLE_KUBERNETES_VERSION}` } },
        sshKeyName: "govcloud-ops",
      },
    },
  },
};

// --- Velero (velero.io/v1) -------------------------------------------------------------------

export const VELERO_NAMESPACE = "velero";

export const backupStorageLocation: Manifest = {
  apiVersion: "velero.io/v1",
  kind: "BackupStorageLocation",
  metadata: { name: "default", namespace: VELERO_NAMESPACE },
  spec: {
    provider: "aws", // S3-compatible object storage through velero-plugin-for-aws
    objectStorage: { bucket: "govcloud-backups", prefix: EXAMPLE_CLUSTER },
    // config is a map of strings only: booleans must be quoted.
    config: { region: "hanoi", s3Url: "https://s3.hanoi.example.internal", s3ForcePathStyle: "true" },
    // A SecretKeySelector: Secret `velero-s3-credentials` in the velero namespace, key `cloud`.
    credential: { name: "velero-s3-credentials", key: "cloud" },
    accessMode: "ReadWrite",
    default: true,
  },
};

export const volumeSnapshotLocation: Manifest = {
  apiVersion: "velero.io/v1",
  kind: "VolumeSnapshotLocation",
  metadata: { name: "default", namespace: VELERO_NAMESPACE },
  spec: {
    provider: "community.openstack.org/openstack",
    config: { method: "snapshot" },
    credential: { name: "velero-openstack-credentials", key: "cloud" },
  },
};

export const schedule: Manifest = {
  apiVersion: "velero.io/v1",
  kind: "Schedule",
  metadata: { name: "daily", namespace: VELERO_NAMESPACE },
  spec: {
    schedule: "0 1 * * *",
    useOwnerReferencesInBackup: false,
    template: {
      includedNamespaces: ["*"],
      storageLocation: "default",
      volumeSnapshotLocations: ["default"],
      snapshotVolumes: true,
      ttl: "720h0m0s",
    },
  },
};

export const restore: Manifest = {
  apiVersion: "velero.io/v1",
  kind: "Restore",
  metadata: { name: "restore-tenant-a", namespace: VELERO_NAMESPACE },
  spec: {
    backupName: "daily-20260101010000",
    includedNamespaces: ["tenant-a"],
    restorePVs: true,
    existingResourcePolicy: "none",
  },
};

export const backup: Manifest = {
  apiVersion: "velero.io/v1",
  kind: "Backup",
  metadata: { name: "pre-upgrade", namespace: VELERO_NAMESPACE },
  spec: {
    includedNamespaces: ["tenant-a"],
    storageLocation: "default",
    snapshotVolumes: true,
    ttl: "720h0m0s",
  },
};

/** Every valid example, keyed by a short name (the test suite checks that each one passes). */
export const crdExamples = {
  cluster,
  kubeadmControlPlane,
  machineDeployment,
  kubeadmConfigTemplate,
  openStackCluster,
  openStackMachineTemplate,
  openStackMachineTemplateV1beta1,
  backupStorageLocation,
  volumeSnapshotLocation,
  schedule,
  restore,
  backup,
} satisfies Record<string, Manifest>;
