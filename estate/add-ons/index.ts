/**
 * The registry of platform add-ons: the list of descriptors (one module each in this folder,
 * typed by AddOnDescriptor in ../add-on-descriptor.ts) and what is derived from it: the names,
 * the lookups, the installation order from the declared dependencies, the node agents.
 * Plus what the estate decides about add-ons for an environment: which a region installs, where
 * its pods run, what their network peers are and what is wrong with `platform.addOns`.
 * No cdktf here: constructs/platform-add-ons.ts renders the descriptors.
 */
import type { Cluster, Environment, Infrastructure, NodePool } from "../../environments/schema";
import { isPlainObject } from "../../core/plain-object";
import {
  type AddOnContext,
  type AddOnDescriptor,
  type ContainerResources,
  NODE_ROLE_LABEL,
  PLATFORM_PRIORITY_CLASS,
  POD_SECURITY_ORDER,
  type PodSecurityLevel,
  type Placement,
  type Toleration,
} from "../add-on-descriptor";
import type { MonitoredSchedule } from "../backup";
import { ADD_ON_DESCRIPTORS as DESCRIPTORS } from "./catalog";

export {
  type AddOnContext,
  type AddOnDescriptor,
  type ContainerResources,
  EVERY_NODE_TOLERATIONS,
  labelValues,
  NODE_ROLE_LABEL,
  PLATFORM_PRIORITY_CLASS,
  type Placement,
  type Toleration,
} from "../add-on-descriptor";

// Every platform add-on, in the order of its name: the generated catalog of this folder's
// modules (`npm run schemas` writes it, cli/catalogs.ts).

/** The name of a platform add-on, as used in `platform.addOns` and as the Helm release name. */
export type AddOnName = (typeof DESCRIPTORS)[number]["name"];

/** A dependency on an add-on that is not listed above does not compile. */
type DependencyName = (typeof DESCRIPTORS)[number]["dependencies"][number]["addOn"];
type Holds<T extends true> = T;
export type DependenciesAreListed = Holds<[Exclude<DependencyName, AddOnName>] extends [never] ? true : false>;

/** Every add-on's descriptor, by name. */
export const ADD_ONS: Readonly<Record<AddOnName, AddOnDescriptor>> = Object.fromEntries(DESCRIPTORS.map((d) => [d.name, d])) as unknown as Record<AddOnName, AddOnDescriptor>;

/** Every platform add-on, by the name used in `platform.addOns` and as the Helm release name. */
export const ADD_ON_NAMES: readonly AddOnName[] = DESCRIPTORS.map((d) => d.name);

export function isAddOnName(name: string): name is AddOnName {
  return (ADD_ON_NAMES as readonly string[]).includes(name);
}

/**
 * `names` ordered so that every add-on comes after the add-ons among `names` it declares a
 * dependency on, and otherwise in the order of `ADD_ON_NAMES`. A cycle is an internal error (the
 * descriptors' test rejects one).
 */
export function installationOrder(names: readonly AddOnName[]): AddOnName[] {
  const pending = ADD_ON_NAMES.filter((name) => names.includes(name));
  const ordered: AddOnName[] = [];
  while (pending.length > 0) {
    const next = pending.findIndex((name) => ADD_ONS[name].dependencies.every((d) => !(pending as readonly string[]).includes(d.addOn)));
    if (next < 0) throw new Error(`internal: the add-ons ${pending.join(", ")} depend on each other in a cycle`);
    ordered.push(...pending.splice(next, 1));
  }
  return ordered;
}

/** The add-ons among `installed` that `name` declares a dependency on, in declaration order. */
export function installedDependencies(name: AddOnName, installed: readonly AddOnName[]): AddOnName[] {
  return ADD_ONS[name].dependencies.map((d) => d.addOn).filter((d): d is AddOnName => (installed as readonly string[]).includes(d));
}

/**
 * What an add-on computes its values from, in one region. `serviceMonitors` is on when the
 * add-on declares a dependency on the monitoring add-on, which brings the Prometheus Operator
 * CRDs, and the environment installs it.
 */
export function addOnContext(options: {
  readonly addOn: AddOnName;
  readonly environment: Environment;
  readonly regionId: string;
  /** @default [] */
  readonly backupSchedules?: readonly MonitoredSchedule[];
}): AddOnContext {
  const { environment, regionId } = options;
  const region = environment.regions[regionId];
  if (region === undefined) throw new Error(`internal: unknown region '${regionId}'`);
  return {
    environment,
    regionId,
    registries: region.registries,
    placement: systemPlacement(region.cluster),
    priorityClassName: PLATFORM_PRIORITY_CLASS,
    serviceMonitors: installedDependencies(options.addOn, installedAddOns(environment.platform)).includes("monitoring"),
    backupSchedules: options.backupSchedules ?? [],
  };
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
 * The add-ons' node agents: DaemonSets that run on every node (tenant nodes included), with
 * their add-on and resources, from the descriptors' `nodeAgents`. The site energy model counts
 * their requests on tenant pools as the platform's share (estate/energy.ts).
 */
export const NODE_AGENTS: Readonly<Record<string, { readonly addOn: AddOnName; readonly resources: ContainerResources }>> = Object.fromEntries(
  DESCRIPTORS.flatMap((d) => Object.entries(d.nodeAgents).map(([agent, resources]) => [agent, { addOn: d.name, resources }])),
);

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
  readonly namespaces: Readonly<Record<string, { readonly podSecurity: PodSecurityLevel }>>;
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
    (name) => platform.addOns[name]?.enabled !== false && Object.hasOwn(platform.namespaces, ADD_ONS[name].namespace),
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
    const { namespace, credentialPaths } = ADD_ONS[name];
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
    const { namespace, podSecurity, podSecurityReason } = ADD_ONS[name];
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
