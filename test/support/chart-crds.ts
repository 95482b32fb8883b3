/**
 * Which CustomResourceDefinitions a `helm_release` installs, so that a test can tell whether a
 * stack uses a CRD that its own release brings (a new cluster could not plan it: the kubernetes
 * provider reads a `kubernetes_manifest`'s CRD at plan time, hashicorp/terraform-provider-kubernetes#1367).
 *
 * `../shared/charts` keeps values, schema and Chart.yaml of each pinned chart, not its templates
 * or its `crds/` folder, so the API groups are declared here and the switches are checked against
 * the chart data: each switch is a values key of the pinned chart (or the condition of its `crds`
 * subchart), and its default and the release's values decide whether the CRDs come with it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { REPO_ROOT, type TerraformJson } from "./synth";
import { manifestInstances } from "./manifests";

/** `CHARTS_DIR`, else `<repo root>/../shared/charts`. Always a path: a missing folder fails the tests. */
export function chartsDir(): string {
  const fromEnv = process.env.CHARTS_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== "" ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, "..", "shared", "charts");
}

export interface ChartCrds {
  /** API groups of the CRDs the chart installs. */
  readonly groups: readonly string[];
  /**
   * Values paths that turn the installation on (any one true is enough); empty when the chart
   * always installs them.
   */
  readonly switches: readonly string[];
  /** The chart's `crds` subchart, when that is how it ships them (its condition must be a switch). */
  readonly subchart?: string;
  /** A values key of the pinned chart that shows it ships CRDs, when `switches` is empty. */
  readonly evidence?: string;
}

/** Every chart govcloud installs, by chart name. A chart missing here fails the test. */
export const CHART_CRDS: Readonly<Record<string, ChartCrds>> = {
  // Velero's chart has the CRDs in its crds/ folder and its `upgradeCRDs` job applies them again.
  velero: { groups: ["velero.io"], switches: [], evidence: "upgradeCRDs" },
  "kube-prometheus-stack": { groups: ["monitoring.coreos.com"], switches: ["crds.enabled"], subchart: "crds" },
  kyverno: { groups: ["kyverno.io", "policies.kyverno.io", "reports.kyverno.io", "wgpolicyk8s.io"], switches: ["crds.install"], subchart: "crds" },
  "cert-manager": { groups: ["cert-manager.io", "acme.cert-manager.io"], switches: ["crds.enabled", "installCRDs"] },
  "ingress-nginx": { groups: [], switches: [] },
  kepler: { groups: [], switches: [] },
};

/**
 * API groups whose CRDs no helm_release of govcloud installs: Cluster API and its OpenStack
 * provider are installed on the management cluster by `clusterctl init` beforehand (README,
 * "Deploying").
 */
export const PREREQUISITE_GROUPS: readonly string[] = [
  "cluster.x-k8s.io",
  "bootstrap.cluster.x-k8s.io",
  "controlplane.cluster.x-k8s.io",
  "infrastructure.cluster.x-k8s.io",
];

interface ChartData {
  readonly values: unknown;
  readonly chart: { dependencies?: { name: string; condition?: string }[] };
}

const chartData = new Map<string, ChartData>();

/** values.yaml and Chart.yaml of a pinned chart (`<chart>-<version>` in the charts folder). */
export function readChart(chart: string, version: string): ChartData {
  const key = `${chart}-${version}`;
  let data = chartData.get(key);
  if (data === undefined) {
    const dir = path.join(chartsDir(), key);
    data = {
      values: YAML.parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8")),
      chart: YAML.parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as ChartData["chart"],
    };
    chartData.set(key, data);
  }
  return data;
}

export function valueAt(values: unknown, dotted: string): unknown {
  let at: unknown = values;
  for (const key of dotted.split(".")) {
    if (at === null || typeof at !== "object" || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Problems with the declaration of a chart against its pinned data (empty when it holds). */
export function checkDeclaration(chart: string, version: string): string[] {
  const declared = CHART_CRDS[chart];
  if (declared === undefined) return [`chart ${chart} is not in CHART_CRDS: declare which CRDs it installs`];
  const data = readChart(chart, version);
  const problems: string[] = [];
  for (const path of declared.switches) {
    if (typeof valueAt(data.values, path) !== "boolean") problems.push(`${chart}-${version}: values.yaml has no boolean '${path}'`);
  }
  if (declared.subchart !== undefined) {
    const dependency = data.chart.dependencies?.find((d) => d.name === declared.subchart);
    if (dependency === undefined) problems.push(`${chart}-${version}: Chart.yaml has no '${declared.subchart}' dependency`);
    else if (!declared.switches.includes(dependency.condition ?? "")) problems.push(`${chart}-${version}: the '${declared.subchart}' subchart's condition ${dependency.condition} is not a declared switch`);
  }
  if (declared.evidence !== undefined && valueAt(data.values, declared.evidence) === undefined) {
    problems.push(`${chart}-${version}: values.yaml has no '${declared.evidence}'`);
  }
  return problems;
}

interface HelmReleaseBody {
  readonly chart?: string;
  readonly version?: string;
  readonly values?: readonly string[];
}

/** The API groups of the CRDs a release installs, with its values over the chart's defaults. */
export function releaseCrdGroups(release: HelmReleaseBody): string[] {
  const chart = release.chart ?? "";
  const declared = CHART_CRDS[chart];
  if (declared === undefined) throw new Error(`chart ${chart} is not in CHART_CRDS`);
  if (declared.switches.length === 0) return [...declared.groups];
  const defaults = readChart(chart, release.version ?? "").values;
  const documents = (release.values ?? []).map((text) => YAML.parse(text) as unknown);
  const on = declared.switches.some((path) => {
    // Later values documents override earlier ones, and all of them the chart's defaults.
    for (const doc of [...documents].reverse()) {
      const value = valueAt(doc, path);
      if (value !== undefined) return value === true;
    }
    return valueAt(defaults, path) === true;
  });
  return on ? [...declared.groups] : [];
}

/**
 * Every `kubernetes_manifest` instance of a stack whose kind belongs to a CRD that a
 * `helm_release` of the same stack installs, as "<address> (<apiVersion> <kind>): CRD installed
 * by helm_release.<name> (<chart>)".
 */
export function selfInstalledCrdUses(doc: TerraformJson): string[] {
  const installers = new Map<string, string>();
  for (const [name, body] of Object.entries((doc.resource?.helm_release ?? {}) as Record<string, HelmReleaseBody>)) {
    for (const group of releaseCrdGroups(body)) installers.set(group, `helm_release.${name} (${body.chart})`);
  }
  const problems: string[] = [];
  for (const { address, manifest } of manifestInstances(doc)) {
    const { apiVersion, kind } = (manifest ?? {}) as { apiVersion?: unknown; kind?: unknown };
    if (typeof apiVersion !== "string") {
      problems.push(`${address}: apiVersion is not a literal string, so its CRD cannot be told`);
      continue;
    }
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    const installer = installers.get(group);
    if (installer !== undefined) problems.push(`${address} (${apiVersion} ${String(kind)}): CRD installed by ${installer} of the same stack`);
  }
  return problems;
}
