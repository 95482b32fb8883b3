/**
 * Chart values are what the charts read (issue 12, item 7): every values path of every
 * `helm_release` of every environment exists in the chart's defaults in ../shared/charts or is
 * documented there as a commented-out key (test/support/chart-values.ts defines both exactly),
 * and every image the release pulls comes from its region's in-country registry at a pinned tag
 * or digest. Checked over every release of national and dev, not a sample; the checker itself
 * is tested on the entries it must refuse.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizedOutput } from "../support/synthesized";
import { EnvironmentSchema } from "../../environments/schema";
import { imageProblem, imageReferences, loadChart, unknownPaths } from "../support/chart-values";
import { readStacks, REPO_ROOT } from "../support/synth";

type Json = Record<string, unknown>;

interface Release {
  readonly environment: string;
  readonly stack: string;
  readonly chart: string;
  readonly version: string;
  readonly registry: string;
  readonly values: Json;
}

const ENVIRONMENTS = ["national", "dev"];
const releases: Release[] = [];

beforeAll(() => {
  for (const environment of ENVIRONMENTS) {
    const env = EnvironmentSchema.parse(YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "environments", `${environment}.yaml`), "utf8")));
    const stacks = readStacks(synthesizedOutput(environment));
    for (const [stack, doc] of stacks) {
      for (const body of Object.values(doc.resource?.helm_release ?? {})) {
        const regionId = /^platform-([a-z0-9-]+)$/.exec(stack)?.[1];
        const region = regionId === undefined ? undefined : env.regions[regionId];
        if (region === undefined) throw new Error(`a helm_release outside a platform stack: ${stack}`);
        const values = body.values as string[];
        expect(values, `${stack} ${String(body.chart)}: one values document`).toHaveLength(1);
        releases.push({
          environment,
          stack,
          chart: body.chart as string,
          version: body.version as string,
          registry: region.registries.images,
          values: YAML.parse(values[0]!) as Json,
        });
      }
    }
  }
}, 120_000);

describe("helm_release values of every environment against the chart defaults", () => {
  it("finds the releases of every platform stack of national and dev", () => {
    const national = releases.filter((r) => r.environment === "national");
    const dev = releases.filter((r) => r.environment === "dev");
    expect(new Set(national.map((r) => r.chart))).toEqual(new Set(["cert-manager", "ingress-nginx", "kepler", "kyverno", "kube-prometheus-stack", "velero"]));
    expect(new Set(national.map((r) => r.stack))).toEqual(new Set(["platform-central", "platform-north", "platform-south"]));
    expect(new Set(dev.map((r) => r.chart))).toEqual(new Set(["cert-manager", "ingress-nginx", "kyverno", "velero"]));
  });

  it("sets no values path the chart does not have or document", () => {
    const unknown = releases.flatMap((r) => unknownPaths(loadChart(r.chart, r.version), r.values).map((p) => `${r.environment} ${r.stack} ${r.chart}: ${p}`));
    expect(unknown).toEqual([]);
  });

  it("pulls every image from the region's in-country registry at a pinned tag or digest", () => {
    const problems: string[] = [];
    for (const r of releases) {
      const images = imageReferences(loadChart(r.chart, r.version), r.values);
      expect(images.length, `${r.stack} ${r.chart}`).toBeGreaterThan(0);
      for (const image of images) {
        const problem = imageProblem(image, r.registry);
        if (problem !== undefined) problems.push(`${r.environment} ${r.stack} ${r.chart}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("runs Kepler at its chart's appVersion", () => {
    const kepler = loadChart("kepler", "0.11.1");
    expect(kepler.appVersion).toBe("v0.11.1");
    for (const r of releases.filter((x) => x.chart === "kepler")) {
      expect(imageReferences(kepler, r.values).map((i) => `${i.registry}/${i.repository}:${i.tag}`)).toEqual([`${r.registry}/sustainable_computing_io/kepler:v0.11.1`]);
    }
  });
});

describe("the chart-values checker refuses what it must", () => {
  const kepler = loadChart("kepler", "0.11.1");
  const kyverno = loadChart("kyverno", "3.5.1");
  const ingress = loadChart("ingress-nginx", "4.12.1");
  const kps = loadChart("kube-prometheus-stack", "72.6.2");
  const registry = "registry.north.govcloud.gov.vn";

  it("flags the keys no template of the pinned charts reads", () => {
    expect(unknownPaths(kepler, { daemonset: { nvidia: { nvmlInitImage: { repository: `${registry}/library/busybox` } } } })).toEqual([
      "daemonset.nvidia.nvmlInitImage.repository",
    ]);
    expect(unknownPaths(kyverno, { policyReportsCleanup: { image: { registry } }, cleanupJobs: { admissionReports: { image: { registry } } } })).toEqual([
      "policyReportsCleanup.image.registry",
      "cleanupJobs.admissionReports.image.registry",
    ]);
  });

  it("accepts a commented-out key of the parent's block, and only in order below it", () => {
    // kepler: `resources: {}` then `# limits:` / `#   cpu: 500m`; ingress-nginx: `##  limits:`.
    expect(unknownPaths(kepler, { daemonset: { resources: { limits: { cpu: "1" } } } })).toEqual([]);
    expect(unknownPaths(ingress, { controller: { resources: { limits: { cpu: "1", memory: "1Gi" } } } })).toEqual([]);
    expect(unknownPaths(ingress, { controller: { resourcez: { limits: { cpu: "1" } } } })).toEqual(["controller.resourcez.limits.cpu"]);
    // A commented-out key of another block does not document this one.
    expect(unknownPaths(kepler, { service: { limits: 1 } })).toEqual(["service.limits"]);
  });

  it("checks a subchart's values against the subchart, and Kubernetes objects against their fields", () => {
    expect(unknownPaths(kps, { grafana: { sidecar: { image: { tag: "1.30.0" } }, podLabels: { a: "b" }, notAGrafanaKey: 1 } })).toEqual(["grafana.notAGrafanaKey"]);
    expect(unknownPaths(kps, { prometheusOperator: { containerSecurityContext: { runAsNonRoot: true, runAsNonRot: true } } })).toEqual([
      "prometheusOperator.containerSecurityContext.runAsNonRot",
    ]);
  });

  it("refuses latest, a missing tag, and a public registry", () => {
    const [latest] = imageReferences(kepler, { image: { repository: `${registry}/sustainable_computing_io/kepler` } });
    expect(imageProblem(latest!, registry)).toBe(`image: ${registry}/sustainable_computing_io/kepler:latest is tagged latest`);
    const velero = loadChart("velero", "10.0.13");
    const kubectl = imageReferences(velero, { kubectl: { image: { repository: `${registry}/bitnami/kubectl` } } }).find((i) => i.path === "kubectl.image");
    expect(imageProblem(kubectl!, registry)).toBe(`kubectl.image: ${registry}/bitnami/kubectl has no tag or digest (the chart would choose one)`);
    const defaults = imageReferences(kyverno, {}).map((i) => imageProblem(i, registry));
    expect(defaults.length).toBeGreaterThan(0);
    for (const problem of defaults) expect(problem).toMatch(/is not pulled from the region's registry registry\.north\.govcloud\.gov\.vn$/);
  });
});
