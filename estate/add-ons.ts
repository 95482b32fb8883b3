/**
 * The platform add-ons as plain data: which exist, where they live, what they need from the
 * environment and where their pods run. No cdktf here: the schema uses this module to reject
 * unknown add-on names, and the constructs under constructs/add-ons/ render it.
 */
import type { Cluster, Infrastructure, NodePool } from "../environments/schema";
import { isPlainObject } from "../core/plain-object";

/** Every platform add-on, by the name used in `platform.addOns` and as the Helm release name. */
export const ADD_ON_NAMES = ["cert-manager", "ingress-nginx", "kepler", "kyverno", "monitoring", "velero"] as const;

export type AddOnName = (typeof ADD_ON_NAMES)[number];

export function isAddOnName(name: string): name is AddOnName {
  return (ADD_ON_NAMES as readonly string[]).includes(name);
}

/** Pod Security Admission levels, least to most permissive. */
const POD_SECURITY_ORDER = ["restricted", "baseline", "privileged"] as const;
type PodSecurity = (typeof POD_SECURITY_ORDER)[number];

/** What an add-on needs from the cluster baseline. */
export interface AddOnRequirements {
  /** The platform namespace the release goes into; the baseline creates it (Helm never does). */
  readonly namespace: string;
  /** The least Pod Security level its namespace must enforce for its pods to be admitted. */
  readonly podSecurity: PodSecurity;
  /** Why it needs more than `restricted`, for the error message. */
  readonly podSecurityReason?: string;
  /** Value paths that would hold a credential; credentials live in Secrets created in-cluster, never in configuration or Terraform state. */
  readonly credentialPaths: readonly (readonly string[])[];
  /**
   * Value paths of the chart that take a map of labels for the objects it renders (the green
   * labels, docs/green-labels.md), from the chart's templates and values file; empty when the
   * chart has none.
   */
  readonly labelValuePaths: readonly (readonly string[])[];
}

export const ADD_ON_REQUIREMENTS: Readonly<Record<AddOnName, AddOnRequirements>> = {
  "cert-manager": {
    namespace: "cert-manager",
    podSecurity: "restricted",
    credentialPaths: [],
    // global.commonLabels: every object the chart renders, pods included (not what the controllers create at run time).
    labelValuePaths: [["global", "commonLabels"]],
  },
  "ingress-nginx": {
    namespace: "ingress-nginx",
    podSecurity: "restricted",
    credentialPaths: [],
    // commonLabels: every object the chart renders, through its ingress-nginx.labels helper.
    labelValuePaths: [["commonLabels"]],
  },
  kepler: {
    namespace: "kepler",
    podSecurity: "privileged",
    podSecurityReason: "Kepler runs a privileged container that reads RAPL and hwmon counters from the host",
    credentialPaths: [],
    // labels: every object the chart renders and the DaemonSet's pods.
    labelValuePaths: [["labels"]],
  },
  kyverno: {
    namespace: "kyverno",
    podSecurity: "restricted",
    credentialPaths: [],
    // customLabels: merged into kyverno.labels.common, on every object the chart renders.
    labelValuePaths: [["customLabels"]],
  },
  monitoring: {
    namespace: "monitoring",
    podSecurity: "privileged",
    podSecurityReason: "node-exporter uses the host network, PID namespace and hostPath mounts",
    credentialPaths: [["grafana", "adminPassword"], ["grafana", "admin", "password"]],
    // commonLabels covers this chart's own objects; the subcharts and the operator-made pods
    // each take their own key.
    labelValuePaths: [
      ["commonLabels"],
      ["prometheus", "prometheusSpec", "podMetadata", "labels"],
      ["alertmanager", "alertmanagerSpec", "podMetadata", "labels"],
      ["grafana", "extraLabels"],
      ["grafana", "podLabels"],
      ["kube-state-metrics", "customLabels"],
      ["prometheus-node-exporter", "commonLabels"],
    ],
  },
  velero: {
    namespace: "velero",
    podSecurity: "privileged",
    podSecurityReason: "the node-agent runs as root and reads pod volumes through hostPath for file-system backup",
    credentialPaths: [["credentials", "secretContents"]],
    // No chart-wide key: the server Deployment and node-agent DaemonSet, and their pods, each
    // take their own; the chart's other objects are left unlabelled (docs/green-labels.md).
    labelValuePaths: [["labels"], ["podLabels"], ["nodeAgent", "labels"], ["nodeAgent", "podLabels"]],
  },
};

/**
 * `labels` at each of `paths`, as a Helm values fragment: what a chart's labels values look
 * like for an add-on's {@link AddOnRequirements.labelValuePaths}.
 */
export function labelValues(paths: readonly (readonly string[])[], labels: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    let node = out;
    for (const step of path.slice(0, -1)) {
      const next = node[step];
      node = isPlainObject(next) ? next : (node[step] = {});
    }
    node[path[path.length - 1] as string] = { ...labels };
  }
  return out;
}

/** The PriorityClass every add-on pod runs at; the environment's baseline must declare it. */
export const PLATFORM_PRIORITY_CLASS = "govcloud-platform-critical";

/** The node label Cluster API puts on every machine with its pool's role (estate/cluster-api.ts). */
export const NODE_ROLE_LABEL = "node-role.govcloud.gov.vn/role";

/** A Kubernetes toleration as Helm values spell it. */
export interface Toleration {
  readonly key?: string;
  readonly operator: "Exists" | "Equal";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Where a platform pod is scheduled. */
export interface Placement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

/**
 * Controllers and webhooks of the add-ons run on the region's system nodes: selected by role and
 * tolerating exactly the taints the system pools carry (read from the pools, so a pool without
 * taints needs no toleration). A cluster without a system pool (a laptop) places them anywhere,
 * rather than leaving them Pending forever.
 */
export function systemPlacement(cluster: { readonly nodePools: Readonly<Record<string, Pick<NodePool, "role" | "taints"> & Partial<NodePool>>> }): Placement {
  const systemPools = Object.values(cluster.nodePools).filter((pool) => pool.role === "system");
  if (systemPools.length === 0) return { nodeSelector: {}, tolerations: [] };
  const tolerations = new Map<string, Toleration>();
  for (const taint of systemPools.flatMap((pool) => pool.taints)) {
    const toleration: Toleration =
      taint.value === undefined
        ? { key: taint.key, operator: "Exists", effect: taint.effect }
        : { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect };
    tolerations.set(JSON.stringify(toleration), toleration);
  }
  return {
    nodeSelector: { [NODE_ROLE_LABEL]: "system" },
    tolerations: [...tolerations.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t),
  };
}

/**
 * Node agents (node-exporter, Kepler, Velero's node-agent) must run on every node, GPU and
 * storage nodes included, or those nodes go unmetered and their volumes unbacked-up.
 */
export const EVERY_NODE_TOLERATIONS: readonly Toleration[] = [{ operator: "Exists" }];

/** Requests and limits of a container, as Helm values spell them. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * The add-ons' node agents: DaemonSets that run on every node (tenant nodes included, with
 * {@link EVERY_NODE_TOLERATIONS}), and their resources. One place for the add-ons, which set
 * these values, and the site energy model, which counts their requests on tenant pools as the
 * platform's share (estate/energy.ts).
 */
export const NODE_AGENTS = {
  kepler: { addOn: "kepler", resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } } },
  "prometheus-node-exporter": { addOn: "monitoring", resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } } },
  "velero-node-agent": { addOn: "velero", resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "2Gi" } } },
} as const satisfies Readonly<Record<string, { readonly addOn: AddOnName; readonly resources: ContainerResources }>>;

/** A copy of a node agent's resources, for Helm values (which the merge may change). */
export function nodeAgentResources(agent: keyof typeof NODE_AGENTS): { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } } {
  const { requests, limits } = NODE_AGENTS[agent].resources;
  return { requests: { ...requests }, limits: { ...limits } };
}

/** Address ranges in which the cluster's nodes (and so the API server and kubelets) live. */
export interface ClusterAddresses {
  /** CIDRs of the API server as pods reach it: its endpoints and the `kubernetes` Service. */
  readonly kubernetesApi: readonly string[];
  /** CIDRs of the nodes, for kubelet and host-network exporters. */
  readonly nodes: readonly string[];
}

/**
 * Provisioned clusters put every machine in the managed node subnet, so the API server's
 * endpoints are there and its Service is in the service range. Clusters that already exist (a
 * laptop's kind or k3d) use addresses the environment does not describe: anywhere, then.
 */
export function clusterAddresses(infrastructure: Pick<Infrastructure, "provider">, cluster: Pick<Cluster, "network">): ClusterAddresses {
  if (infrastructure.provider === "existing") return { kubernetesApi: ["0.0.0.0/0"], nodes: ["0.0.0.0/0"] };
  return { kubernetesApi: [cluster.network.nodes, cluster.network.services], nodes: [cluster.network.nodes] };
}

/** The parts of `platform` that decide the add-ons; structural so the schema can call this. */
export interface AddOnSettings {
  readonly namespaces: Readonly<Record<string, { readonly podSecurity: PodSecurity }>>;
  readonly priorityClasses: Readonly<Record<string, unknown>>;
  readonly addOns: Readonly<Record<string, { readonly enabled: boolean; readonly values: Readonly<Record<string, unknown>> }>>;
}

/**
 * The add-ons a region gets: those whose platform namespace the environment declares (it carries
 * the Pod Security level and the exemption reason the add-on needs) and that are not disabled.
 * A small environment leaves out, say, the `velero` namespace and so gets no Velero.
 */
export function installedAddOns(platform: Pick<AddOnSettings, "namespaces" | "addOns">): AddOnName[] {
  return ADD_ON_NAMES.filter(
    (name) => platform.addOns[name]?.enabled !== false && Object.hasOwn(platform.namespaces, ADD_ON_REQUIREMENTS[name].namespace),
  );
}

/** A problem in `platform.addOns` (or what the add-ons need from the rest of `platform`). */
export interface AddOnProblem {
  /** Path below `platform`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every problem with the add-on settings, all at once: unknown names, add-ons configured without
 * their namespace, namespaces too strict for their add-on, a missing priority class and
 * credentials written into values.
 */
export function addOnProblems(platform: AddOnSettings): AddOnProblem[] {
  const problems: AddOnProblem[] = [];
  for (const [name, override] of Object.entries(platform.addOns)) {
    if (!isAddOnName(name)) {
      problems.push({ path: ["addOns", name], message: `unknown add-on '${name}'; known add-ons: ${ADD_ON_NAMES.join(", ")}` });
      continue;
    }
    const { namespace, credentialPaths } = ADD_ON_REQUIREMENTS[name];
    if (override.enabled && !Object.hasOwn(platform.namespaces, namespace)) {
      problems.push({
        path: ["addOns", name],
        message: `needs the platform namespace '${namespace}': declare it under platform.namespaces, or set enabled: false`,
      });
    }
    for (const path of credentialPaths) {
      if (hasValueAt(override.values, path)) {
        problems.push({
          path: ["addOns", name, "values", ...path],
          message: "must not hold a credential: create a Secret in the cluster and reference it (for example credentials.existingSecret)",
        });
      }
    }
  }
  const installed = installedAddOns(platform);
  for (const name of installed) {
    const { namespace, podSecurity, podSecurityReason } = ADD_ON_REQUIREMENTS[name];
    const level = platform.namespaces[namespace]!.podSecurity;
    if (POD_SECURITY_ORDER.indexOf(level) < POD_SECURITY_ORDER.indexOf(podSecurity)) {
      problems.push({
        path: ["namespaces", namespace, "podSecurity"],
        message: `is '${level}' but add-on '${name}' needs '${podSecurity}' (${podSecurityReason ?? "its pods"}); raise it with an exemptionReason, or disable the add-on with platform.addOns.${name}.enabled: false`,
      });
    }
  }
  if (installed.length > 0 && !Object.hasOwn(platform.priorityClasses, PLATFORM_PRIORITY_CLASS)) {
    problems.push({
      path: ["priorityClasses"],
      message: `must declare '${PLATFORM_PRIORITY_CLASS}': the platform add-ons (${installed.join(", ")}) run at that priority`,
    });
  }
  return problems;
}

function hasValueAt(values: unknown, path: readonly string[]): boolean {
  let current = values;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return false;
    current = current[key];
  }
  if (current === null || current === undefined || current === "") return false;
  return !(isPlainObject(current) && Object.keys(current).length === 0);
}
