/**
 * The Cluster API objects that declare one regional cluster: Cluster, KubeadmControlPlane, the
 * infrastructure provider's cluster and machine templates, and one MachineDeployment (with its
 * bootstrap and machine templates) per node pool. Plain data; `RegionalCluster` renders it.
 *
 * Shapes follow the v1beta2 APIs (the storage version of Cluster API and of its OpenStack
 * provider), checked in tests against the real CRDs.
 */
import { stringify } from "yaml";
import type { AuditLog, Infrastructure, NodePool, OpenStackInfrastructure, Region } from "../environments/schema";
import { LABELS, ownershipLabels } from "./labels";
import { sortedEntries } from "../core/compare";
import { type KubernetesObject, refTo } from "./kubernetes-object";

const CAPI = "cluster.x-k8s.io/v1beta2";
const CONTROL_PLANE = "controlplane.cluster.x-k8s.io/v1beta2";
const BOOTSTRAP = "bootstrap.cluster.x-k8s.io/v1beta2";

/** Nodes are initialised by the OpenStack cloud-controller-manager, not by the kubelet. */
const EXTERNAL_CLOUD_KUBELET_ARGS = [
  { name: "cloud-provider", value: "external" },
  { name: "provider-id", value: "openstack:///'{{ instance_id }}'" },
];

export interface RegionalClusterInput {
  readonly environment: string;
  readonly regionId: string;
  readonly region: Region;
  readonly infrastructure: Infrastructure;
  /** Namespace of the management cluster that holds the objects. */
  readonly namespace: string;
  /**
   * The in-country store the API servers send audit events to (`auditLog`).
   * @default - no audit logging
   */
  readonly auditLog?: AuditLog;
}

/** Where the API server's audit files live on control plane machines (and in its pod, mounted read-only). */
export const AUDIT_CONFIG_DIR = "/etc/kubernetes/audit";
export const AUDIT_POLICY_FILE = `${AUDIT_CONFIG_DIR}/policy.yaml`;
export const AUDIT_WEBHOOK_CONFIG_FILE = `${AUDIT_CONFIG_DIR}/webhook.kubeconfig`;
export const AUDIT_LOG_DIR = "/var/log/kubernetes/audit";

/** Annotation on the KubeadmControlPlane: how long the audit store keeps events, days. */
export const AUDIT_RETENTION_ANNOTATION = "govcloud.gov.vn/audit-log-retention-days";

/**
 * What the API server records: nothing for health probes; request metadata only for Secrets,
 * ConfigMaps and token reviews (their bodies are credentials); request bodies for every change;
 * metadata for the rest. The RequestReceived stage is left out: the same event follows at
 * ResponseComplete.
 */
const AUDIT_POLICY = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [
    { level: "None", nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version"] },
    {
      level: "Metadata",
      resources: [
        { group: "", resources: ["secrets", "configmaps"] },
        { group: "authentication.k8s.io", resources: ["tokenreviews"] },
      ],
    },
    { level: "Request", verbs: ["create", "update", "patch", "delete", "deletecollection"] },
    { level: "Metadata" },
  ],
};

/**
 * API-server audit logging for a KubeadmControlPlane: the policy and the webhook configuration
 * written to the control plane machines (`files`), mounted into the API server's static pod
 * (`extraVolumes`), and the flags that use them (`extraArgs`, v1beta2 name/value entries).
 * Events go to the in-country store through the audit webhook (batched, retried by the API
 * server) and to a local file the node keeps for a week, for when the store is unreachable.
 */
export function auditLogSettings(auditLog: AuditLog): { apiServer: Record<string, unknown>; files: Record<string, unknown>[] } {
  const webhook = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "audit-store", cluster: { server: auditLog.endpoint } }],
    // The store authenticates the API servers by their network; no credential is written here.
    users: [{ name: "kube-apiserver", user: {} }],
    contexts: [{ name: "audit-store", context: { cluster: "audit-store", user: "kube-apiserver" } }],
    "current-context": "audit-store",
  };
  const file = (path: string, content: unknown) => ({ path, owner: "root:root", permissions: "0600", content: stringify(content, { lineWidth: 0 }) });
  return {
    apiServer: {
      extraArgs: [
        { name: "audit-log-maxage", value: "7" },
        { name: "audit-log-path", value: `${AUDIT_LOG_DIR}/audit.log` },
        { name: "audit-policy-file", value: AUDIT_POLICY_FILE },
        { name: "audit-webhook-config-file", value: AUDIT_WEBHOOK_CONFIG_FILE },
      ],
      extraVolumes: [
        { name: "audit-config", hostPath: AUDIT_CONFIG_DIR, mountPath: AUDIT_CONFIG_DIR, readOnly: true, pathType: "DirectoryOrCreate" },
        { name: "audit-log", hostPath: AUDIT_LOG_DIR, mountPath: AUDIT_LOG_DIR, pathType: "DirectoryOrCreate" },
      ],
    },
    files: [file(AUDIT_POLICY_FILE, AUDIT_POLICY), file(AUDIT_WEBHOOK_CONFIG_FILE, webhook)],
  };
}

/** Everything one infrastructure provider contributes to a cluster. */
interface InfrastructureTemplates {
  cluster(name: string): KubernetesObject;
  machineTemplate(name: string, flavor: string, diskGiB: number): KubernetesObject;
}

/** The cluster's name in the management cluster: `<environment>-<region>`. */
export function clusterName(environment: string, regionId: string): string {
  return `${environment}-${regionId}`;
}

/**
 * All objects of one regional cluster, in a stable order. Returns no objects for clusters that
 * already exist (`infrastructure.provider: existing`).
 */
export function regionalClusterObjects(input: RegionalClusterInput): KubernetesObject[] {
  const infra = infrastructureTemplates(input);
  if (infra === undefined) return [];
  const { region, regionId, environment, namespace } = input;
  const name = clusterName(environment, regionId);
  const labels = { ...ownershipLabels(environment, regionId), "cluster.x-k8s.io/cluster-name": name };
  const meta = (objectName: string) => ({ name: objectName, namespace, labels });
  const controlPlane = region.cluster.controlPlane;
  if (controlPlane === undefined) {
    // The schema requires a control plane for provisioned infrastructure.
    throw new Error(`internal: region '${regionId}' has no control plane`);
  }

  const infraCluster = withMeta(infra.cluster(name), meta(name));
  const controlPlaneTemplate = withMeta(
    infra.machineTemplate(`${name}-control-plane`, controlPlane.flavor, controlPlane.diskGiB),
    meta(`${name}-control-plane`),
  );
  const audit = input.auditLog === undefined ? undefined : auditLogSettings(input.auditLog);
  const kubeadmControlPlane: KubernetesObject = {
    apiVersion: CONTROL_PLANE,
    kind: "KubeadmControlPlane",
    metadata: {
      ...meta(`${name}-control-plane`),
      ...(input.auditLog === undefined ? {} : { annotations: { [AUDIT_RETENTION_ANNOTATION]: String(input.auditLog.retentionDays) } }),
    },
    spec: {
      replicas: controlPlane.replicas,
      version: region.cluster.kubernetesVersion,
      machineTemplate: { spec: { infrastructureRef: refTo(controlPlaneTemplate) } },
      kubeadmConfigSpec: {
        clusterConfiguration: {
          // Air-gapped: control plane images come from the region's own mirror.
          imageRepository: `${region.registries.images}/kubernetes`,
          ...(audit === undefined ? {} : { apiServer: audit.apiServer }),
        },
        initConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs: EXTERNAL_CLOUD_KUBELET_ARGS } },
        joinConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs: EXTERNAL_CLOUD_KUBELET_ARGS } },
        ...(audit === undefined ? {} : { files: audit.files }),
      },
    },
  };
  const cluster: KubernetesObject = {
    apiVersion: CAPI,
    kind: "Cluster",
    metadata: meta(name),
    spec: {
      clusterNetwork: {
        pods: { cidrBlocks: [region.cluster.network.pods] },
        services: { cidrBlocks: [region.cluster.network.services] },
      },
      controlPlaneRef: refTo(kubeadmControlPlane),
      infrastructureRef: refTo(infraCluster),
    },
  };

  const pools = sortedEntries(region.cluster.nodePools).flatMap(([poolName, pool]) =>
    nodePoolObjects(name, poolName, pool, region, infra, meta),
  );
  return [cluster, infraCluster, kubeadmControlPlane, controlPlaneTemplate, ...pools];
}

function nodePoolObjects(
  cluster: string,
  poolName: string,
  pool: NodePool,
  region: Region,
  infra: InfrastructureTemplates,
  meta: (name: string) => KubernetesObject["metadata"],
): KubernetesObject[] {
  const name = `${cluster}-${poolName}`;
  if (pool.flavor === undefined) throw new Error(`internal: node pool '${poolName}' has no flavor`);
  const machineTemplate = withMeta(infra.machineTemplate(name, pool.flavor, pool.diskGiB), meta(name));
  const nodeLabels = { ...pool.labels, [LABELS.nodePool]: poolName, "node-role.govcloud.gov.vn/role": pool.role };
  const bootstrap: KubernetesObject = {
    apiVersion: BOOTSTRAP,
    kind: "KubeadmConfigTemplate",
    metadata: meta(name),
    spec: {
      template: {
        spec: {
          joinConfiguration: {
            nodeRegistration: {
              name: "{{ local_hostname }}",
              kubeletExtraArgs: [
                ...EXTERNAL_CLOUD_KUBELET_ARGS,
                { name: "node-labels", value: sortedEntries(nodeLabels).map(([k, v]) => `${k}=${v}`).join(",") },
              ],
              ...(pool.taints.length > 0
                ? { taints: pool.taints.map((t) => ({ key: t.key, effect: t.effect, ...(t.value ? { value: t.value } : {}) })) }
                : {}),
            },
          },
        },
      },
    },
  };
  const selector = { "cluster.x-k8s.io/cluster-name": cluster, [LABELS.nodePool]: poolName };
  const machineDeployment: KubernetesObject = {
    apiVersion: CAPI,
    kind: "MachineDeployment",
    metadata: meta(name),
    spec: {
      clusterName: cluster,
      replicas: pool.count,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector },
        spec: {
          clusterName: cluster,
          version: region.cluster.kubernetesVersion,
          bootstrap: { configRef: refTo(bootstrap) },
          infrastructureRef: refTo(machineTemplate),
        },
      },
    },
  };
  return [machineDeployment, bootstrap, machineTemplate];
}

function withMeta(object: KubernetesObject, metadata: KubernetesObject["metadata"]): KubernetesObject {
  return { ...object, metadata };
}

function infrastructureTemplates(input: RegionalClusterInput): InfrastructureTemplates | undefined {
  switch (input.infrastructure.provider) {
    case "openstack":
      return openStackTemplates(input.infrastructure, input.region);
    case "existing":
      return undefined;
  }
}

const OPENSTACK = "infrastructure.cluster.x-k8s.io/v1beta2";

/** Cluster API Provider OpenStack (CAPO): networks, load balancer and machine templates. */
function openStackTemplates(infra: OpenStackInfrastructure, region: Region): InfrastructureTemplates {
  const identityRef = { cloudName: infra.cloudName, name: infra.identitySecret, type: "Secret" };
  return {
    cluster: (name) => ({
      apiVersion: OPENSTACK,
      kind: "OpenStackCluster",
      metadata: { name },
      spec: {
        identityRef,
        externalNetwork: { filter: { name: infra.externalNetwork } },
        managedSubnets: [
          {
            cidr: region.cluster.network.nodes,
            ...(region.cluster.network.dnsServers.length > 0 ? { dnsNameservers: region.cluster.network.dnsServers } : {}),
          },
        ],
        apiServer: { managedLoadBalancer: { enabled: true } },
        managedSecurityGroups: { allowAllInClusterTraffic: false },
      },
    }),
    machineTemplate: (name, flavor, diskGiB) => ({
      apiVersion: OPENSTACK,
      kind: "OpenStackMachineTemplate",
      metadata: { name },
      spec: {
        template: {
          spec: {
            flavor: { filter: { name: flavor } },
            image: { filter: { name: infra.machineImage } },
            rootVolume: { sizeGiB: diskGiB },
            identityRef,
            ...(infra.sshKeyName === undefined ? {} : { sshKeyName: infra.sshKeyName }),
          },
        },
      },
    }),
  };
}
