/**
 * The green labels: where an object runs and how clean that datacenter's power is, under one
 * label prefix, on every Kubernetes object govcloud creates (constructs/green-labels-aspect.ts
 * puts them there). Plain data; see docs/green-labels.md for the keys and their formats.
 */
import type { Agency } from "../environments/agency-schema";
import type { Environment, Region } from "../environments/schema";
import { normalizeName } from "../environments/vietnamese";

/** The prefix of every green label (below the platform's reserved govcloud.gov.vn domain). */
export const GREEN_LABEL_PREFIX = "green.govcloud.gov.vn";

export const GREEN_LABELS = {
  /** Region id, e.g. `north`. */
  region: `${GREEN_LABEL_PREFIX}/region`,
  /** The datacenter site, as a label-safe slug of `regions.<id>.site`. */
  site: `${GREEN_LABEL_PREFIX}/site`,
  /** Renewable share of the site's electricity, whole percent: `30`. */
  renewableShare: `${GREEN_LABEL_PREFIX}/renewable-share`,
  /** Power usage effectiveness with two decimals: `1.35`. */
  pue: `${GREEN_LABEL_PREFIX}/pue`,
  /** Grid carbon intensity, whole gCO2e/kWh: `659`. */
  gridIntensity: `${GREEN_LABEL_PREFIX}/grid-intensity`,
  /** The site's green certification (`regions.<id>.greenCertification`), or `none`. */
  certification: `${GREEN_LABEL_PREFIX}/certification`,
  /** Tenant objects only: the agency id. */
  agency: `${GREEN_LABEL_PREFIX}/agency`,
  /** Tenant objects only: the agency's cost centre (`costCentre`, default its id). */
  costCentre: `${GREEN_LABEL_PREFIX}/cost-centre`,
} as const;

/** Keys every object carries. */
export const REGION_GREEN_LABEL_KEYS: readonly string[] = [
  GREEN_LABELS.region,
  GREEN_LABELS.site,
  GREEN_LABELS.renewableShare,
  GREEN_LABELS.pue,
  GREEN_LABELS.gridIntensity,
  GREEN_LABELS.certification,
];

/** Keys that tenant (agency) objects carry in addition. */
export const TENANT_GREEN_LABEL_KEYS: readonly string[] = [GREEN_LABELS.agency, GREEN_LABELS.costCentre];

/**
 * Resource types of the kubernetes provider that are not Kubernetes objects of their own: they
 * patch objects that something else owns, so they have no labels to set (docs/green-labels.md).
 */
export const UNLABELLED_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  "kubernetes_annotations",
  "kubernetes_labels",
  "kubernetes_env",
  "kubernetes_node_taint",
  "kubernetes_config_map_v1_data",
  "kubernetes_secret_v1_data",
]);

/**
 * Where `kubernetes_manifest` objects of each kind keep the metadata of the templates they stamp
 * out, which carry the labels too: pod and Job templates, and the machine
 * templates of Cluster API, whose labels Cluster API copies in place to the Machines it makes.
 */
export const MANIFEST_TEMPLATE_METADATA: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Deployment: [["spec", "template", "metadata"]],
  StatefulSet: [["spec", "template", "metadata"]],
  DaemonSet: [["spec", "template", "metadata"]],
  ReplicaSet: [["spec", "template", "metadata"]],
  ReplicationController: [["spec", "template", "metadata"]],
  Job: [["spec", "template", "metadata"]],
  CronJob: [
    ["spec", "jobTemplate", "metadata"],
    ["spec", "jobTemplate", "spec", "template", "metadata"],
  ],
  MachineDeployment: [["spec", "template", "metadata"]],
  MachineSet: [["spec", "template", "metadata"]],
  KubeadmControlPlane: [["spec", "machineTemplate", "metadata"]],
};

/** The value when a region declares no green certification. */
export const NO_CERTIFICATION = "none";

const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Whether a string is a valid Kubernetes label value (at most 63 characters, alphanumeric ends). */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** Whether a string is a valid Kubernetes label key (optional DNS prefix of at most 253, name of at most 63). */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash < 0 ? "" : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  return LABEL_KEY.test(key) && prefix.length <= 253 && name.length <= 63;
}

/**
 * A label-safe slug of a human name: no diacritics (đ is d), lowercase, runs of anything else
 * become one `-`, at most 63 characters. "Khu Công nghệ cao Hòa Lạc" is `khu-cong-nghe-cao-hoa-lac`.
 */
export function labelSlug(text: string): string {
  return normalizeName(text).replace(/ /g, "-").slice(0, 63).replace(/-+$/, "");
}

/** The green labels of one region's objects: region, site and the site's energy figures. */
export function regionGreenLabels(regionId: string, region: Pick<Region, "site" | "energy" | "greenCertification">): Record<string, string> {
  const { energy } = region;
  return {
    [GREEN_LABELS.region]: regionId,
    [GREEN_LABELS.site]: labelSlug(region.site) || regionId,
    [GREEN_LABELS.renewableShare]: String(Math.round(energy.renewableShare * 100)),
    [GREEN_LABELS.pue]: energy.pue.toFixed(2),
    [GREEN_LABELS.gridIntensity]: String(Math.round(energy.gridIntensityGCO2ePerKWh)),
    [GREEN_LABELS.certification]: region.greenCertification ?? NO_CERTIFICATION,
  };
}

/** The labels that attribute a tenant object to its agency. */
export function tenantGreenLabels(agency: Pick<Agency, "id" | "costCentre">): Record<string, string> {
  return { [GREEN_LABELS.agency]: agency.id, [GREEN_LABELS.costCentre]: agency.costCentre ?? agency.id };
}

/**
 * The region whose datacenter hosts the management cluster: `managementCluster.region`, else
 * the first region by id (an environment always has one).
 */
export function managementRegionId(env: Pick<Environment, "managementCluster" | "regions">): string {
  const configured = env.managementCluster.region;
  if (configured !== undefined) return configured;
  const first = Object.keys(env.regions).sort()[0];
  if (first === undefined) throw new Error("internal: an environment without regions");
  return first;
}

/**
 * Resource types that stamp out pod templates, and where the templates' metadata is, in
 * Terraform's block names: the green labels go there too (the aspect sets them, the green
 * policy checks them).
 */
export const TEMPLATE_METADATA_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = Object.fromEntries([
  ...[
    "kubernetes_deployment",
    "kubernetes_deployment_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
    "kubernetes_daemonset",
    "kubernetes_daemon_set_v1",
    "kubernetes_replication_controller",
    "kubernetes_replication_controller_v1",
    "kubernetes_job",
    "kubernetes_job_v1",
  ].map((type) => [type, [["spec", "template", "metadata"]]]),
  ...["kubernetes_cron_job", "kubernetes_cron_job_v1"].map((type) => [
    type,
    [
      ["spec", "job_template", "metadata"],
      ["spec", "job_template", "spec", "template", "metadata"],
    ],
  ]),
]);
