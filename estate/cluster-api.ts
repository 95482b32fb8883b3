/**
 * The Cluster API objects that declare one regional cluster: Cluster, KubeadmControlPlane, the
 * infrastructure provider's cluster and machine templates, and one MachineDeployment (with its
 * bootstrap and machine templates) per node pool. Plain data; `RegionalCluster` renders it.
 *
 * Shapes follow the v1beta2 APIs (the storage version of Cluster API and of its OpenStack
 * provider), checked in tests against the real CRDs.
 */
import type { Infrastructure, NodePool, OpenStackInfrastructure, Region } from "../environments/schema";
import { LABELS, ownershipLabels, sortedEntries } from "../constructs/labels";
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
    infra.machineTemplate(`${name}-control-plane`, controlPlane.flavor, 100),
    meta(`${name}-control-plane`),
  );
  const kubeadmControlPlane: KubernetesObject = {
    apiVersion: CONTROL_PLANE,
    kind: "KubeadmControlPlane",
    metadata: meta(`${name}-control-plane`),
    spec: {
      replicas: controlPlane.replicas,
      version: region.cluster.kubernetesVersion,
      machineTemplate: { spec: { infrastructureRef: refTo(controlPlaneTemplate) } },
      kubeadmConfigSpec: {
        clusterConfiguration: {
          // Air-gapped: control plane images come from the region's own mirror.
          imageRepository: `${region.registries.images}/kubernetes`,
        },
        initConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs: EXTERNAL_CLOUD_KUBELET_ARGS } },
        joinConfiguration: { nodeRegistration: { name: "{{ local_hostname }}", kubeletExtraArgs: EXTERNAL_CLOUD_KUBELET_ARGS } },
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
