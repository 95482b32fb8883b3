/**
 * What a platform add-on is, as plain data: the {@link AddOnDescriptor} every module under
 * estate/add-ons/ exports, the {@link AddOnContext} its values are computed from, and the small
 * value helpers the descriptors share. No cdktf here: constructs/platform-add-ons.ts renders any
 * descriptor generically, the estate checks the environment against the descriptors, and the
 * policies read their exemptions and labels paths from them.
 */
import type { Environment } from "../environments/schema";
import { isPlainObject } from "../core/plain-object";
import type { MonitoredSchedule } from "./backup";
import type { Values } from "./deep-merge";
import type { DashboardSpec } from "./grafana-dashboards";
import type { NetworkAllow } from "./network-allow";

/** Pod Security Admission levels, least to most permissive. */
export const POD_SECURITY_ORDER = ["restricted", "baseline", "privileged"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_ORDER)[number];

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
 * A dependency of one add-on on another, declared by the dependent (as EKS Blueprints'
 * `@dependable` does): when both are installed, the dependent's release is created after the
 * other's. The installation order of the add-ons is derived from these declarations alone. An
 * environment that leaves the other add-on out installs the dependent without it (monitoring's
 * CRDs, for instance, only matter for ServiceMonitors, which are then off).
 */
export interface AddOnDependency<Name extends string = string> {
  /** The add-on depended on, by name. */
  readonly addOn: Name;
  /** Why, for reviewers. */
  readonly reason: string;
}

/** What an add-on's values are computed from: the region it is rendered for. */
export interface AddOnContext {
  /** The validated environment. */
  readonly environment: Environment;
  /** The region, a key of `environment.regions`. */
  readonly regionId: string;
  /** The region's in-country registries: images (host) and charts (oci:// URL). */
  readonly registries: { readonly images: string; readonly charts: string };
  /** Where controllers and webhooks run: the region's system nodes (`systemPlacement`). */
  readonly placement: Placement;
  /** PriorityClass of the add-on's pods. */
  readonly priorityClassName: string;
  /**
   * Whether Prometheus Operator's CRDs are there, so the add-on may create ServiceMonitors and
   * PodMonitors: the monitoring add-on is installed (the descriptor declares its dependency on it).
   */
  readonly serviceMonitors: boolean;
  /** The region's tenant Velero Schedules with their RPO, for the backup alerts. */
  readonly backupSchedules: readonly MonitoredSchedule[];
}

/** The Pod Security level an add-on needs: anything above `restricted` carries its reason. */
export type AddOnPodSecurity =
  | { readonly podSecurity: "restricted"; readonly podSecurityReason?: undefined }
  | { readonly podSecurity: "baseline" | "privileged"; readonly podSecurityReason: string };

/**
 * One platform add-on: one Helm chart installed in every region whose environment declares the
 * add-on's namespace, with everything about it in one place. Its module (estate/add-ons/<name>.ts)
 * exports it through {@link defineAddOn}; estate/add-ons/index.ts lists it.
 */
export type AddOnDescriptor<Name extends string = string, Dependency extends string = string> = AddOnPodSecurity & {
  /** The name used in `platform.addOns`, as the Helm release name and in construct ids. */
  readonly name: Name;
  /** Chart name in the region's chart registry. */
  readonly chart: string;
  /** The pinned, exact chart version; `platform.addOns.<name>.version` replaces it. */
  readonly version: string;
  /**
   * Image tags the add-on pins itself (upstream repository path -> tag), where the chart's own
   * default would float (`latest`) or an image is not the chart's; the values use exactly these.
   */
  readonly imageTags: Readonly<Record<string, string>>;
  /** The platform namespace the release goes into; the baseline creates it (Helm never does). */
  readonly namespace: string;
  /**
   * Value paths that would hold a credential; credentials live in Secrets created in-cluster,
   * never in configuration or Terraform state.
   */
  readonly credentialPaths: readonly (readonly string[])[];
  /**
   * Value paths of the chart that take a map of labels for the objects it renders (the green
   * labels, docs/green-labels.md), from the chart's templates and values file; empty when the
   * chart has none.
   */
  readonly labelValuePaths: readonly (readonly string[])[];
  /** The connections the add-on needs on top of its namespace's default-deny. */
  readonly networkAllows: readonly NetworkAllow[];
  /** The add-ons it needs first; see {@link AddOnDependency}. */
  readonly dependencies: readonly AddOnDependency<Dependency>[];
  /**
   * Values paths (`a.b[0].c`, `[*]` for any list index) at which the release may set
   * `privileged`, `hostNetwork`, `hostPID`, `hostIPC` or `allowPrivilegeEscalation`, each with
   * its reason; the kubernetes-security pack's helm-values-not-privileged rule reads them.
   */
  readonly privilegedValues: Readonly<Record<string, string>>;
  /**
   * DaemonSets of the add-on that run on every node, by name, with their resources: the values
   * use them, and the site energy model counts their requests on tenant pools (estate/energy.ts).
   */
  readonly nodeAgents: Readonly<Record<string, ContainerResources>>;
  /**
   * Seconds Helm waits for the release before it rolls back.
   * @default 600 (HelmAddOn's default)
   */
  readonly timeoutSeconds?: number;
  /**
   * Grafana dashboards the add-on ships, by ConfigMap name; each goes into the add-on's namespace
   * (the Grafana sidecar searches every namespace).
   * @default - none
   */
  readonly dashboards?: (context: AddOnContext) => Readonly<Record<string, DashboardSpec>>;
  /** The pinned default values for a region; the environment's values are deep-merged over them. A pure function. */
  readonly values: (context: AddOnContext) => Values;
};

/**
 * Declares an add-on, keeping the literal types of its name and dependencies, so that the
 * registry (estate/add-ons/index.ts) derives the name union from its list and rejects, at compile
 * time, a dependency on an add-on that is not in it.
 */
export function defineAddOn<const Name extends string, const Dependency extends string = never>(
  descriptor: AddOnDescriptor<Name, Dependency>,
): AddOnDescriptor<Name, Dependency> {
  return descriptor;
}

/**
 * `labels` at each of `paths`, as a Helm values fragment: what a chart's labels values look
 * like for an add-on's {@link AddOnDescriptor.labelValuePaths}.
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

/** Pod-level settings of the `restricted` Pod Security profile, for charts that take a pod securityContext. */
export function restrictedPodSecurityContext(): Values {
  return { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
}

/** Container-level settings of the `restricted` Pod Security profile, plus a read-only root filesystem. */
export function restrictedContainerSecurityContext(): Values {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
}

/** Node selector and tolerations as chart values. */
export function placementValues(placement: Placement): { nodeSelector: Values; tolerations: Values[] } {
  return { nodeSelector: { ...placement.nodeSelector }, tolerations: placement.tolerations.map((t) => ({ ...t })) };
}

/** {@link EVERY_NODE_TOLERATIONS} as chart values (a copy the merge may change). */
export function everyNodeTolerations(): Values[] {
  return EVERY_NODE_TOLERATIONS.map((t) => ({ ...t }));
}

/** A copy of container resources, for Helm values (which the merge may change). */
export function resourceValues(resources: ContainerResources): { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } } {
  return { requests: { ...resources.requests }, limits: { ...resources.limits } };
}

/**
 * `<registry host>/<upstream repository path>`: the in-country mirror keeps the upstream path, so
 * `registry.k8s.io/ingress-nginx/controller` is `registry.north.govcloud.gov.vn/ingress-nginx/controller`.
 */
export function mirrored(imagesHost: string, upstreamPath: string): string {
  return `${imagesHost}/${upstreamPath}`;
}
