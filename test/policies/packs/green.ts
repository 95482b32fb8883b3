/** green: every rule has a compliant and a non-compliant fixture. */
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { ADD_ONS, labelValues } from "../../../estate/add-ons";
import { regionGreenLabels, tenantGreenLabels } from "../../../estate/green-labels";
import type { TerraformJsonDocument } from "../../../policies/engine/expand";
import { check, plain, summary } from "../support";

const NORTH = regionGreenLabels("north", {
  site: "Khu Công nghệ cao Hòa Lạc",
  energy: { pue: 1.35, renewableShare: 0.3, gridIntensityGCO2ePerKWh: 659.2, source: "design targets" },
});
const AGENCY = tenantGreenLabels({ id: "agency-a" });
const PUE = "green.govcloud.gov.vn/pue";

describe("objects-carry-green-labels", () => {
  const rule = "objects-carry-green-labels";
  /** A tenant namespace, a Deployment in it (labels on the object and its pod template), and the Kepler release. */
  function estate(options: { templateLabels?: Record<string, string>; namespaceLabels?: Record<string, string>; keplerValues?: unknown } = {}): Record<string, TerraformJsonDocument> {
    const tenant = { ...NORTH, ...AGENCY };
    return {
      ...plain({
        kubernetes_namespace_v1: { tenant: { metadata: { name: "tenant-agency-a", labels: options.namespaceLabels ?? { "govcloud.gov.vn/tenant": "tenant-agency-a", ...tenant } } } },
        kubernetes_deployment_v1: {
          web: {
            metadata: { name: "web", namespace: "tenant-agency-a", labels: { app: "web", ...tenant } },
            spec: { selector: { match_labels: { app: "web" } }, template: { metadata: { labels: options.templateLabels ?? { app: "web", ...tenant } }, spec: { container: [{ name: "web", image: "x" }] } } },
          },
        },
        kubernetes_labels: { node: { api_version: "v1", kind: "Node", metadata: { name: "n1" }, labels: { x: "y" } } },
        helm_release: {
          kepler: {
            name: "kepler",
            chart: "kepler",
            values: [stringify(options.keplerValues ?? { image: { repository: "x" }, ...labelValues(ADD_ONS.kepler.labelValuePaths, NORTH) })],
          },
        },
      }),
    };
  }

  it("passes objects, templates and releases that carry their region's (and agency's) labels", async () => {
    expect(await check(rule, estate())).toEqual([]);
  });

  it("flags missing and invalid labels on objects and templates, naming the keys", async () => {
    const { [PUE]: _pue, ...withoutPue } = { ...NORTH, ...AGENCY };
    const findings = await check(rule, estate({ templateLabels: { app: "web", ...withoutPue }, namespaceLabels: { "govcloud.gov.vn/tenant": "tenant-agency-a", ...NORTH, [PUE]: "1.35 " } }));
    expect(summary(findings)).toEqual([
      "kubernetes_deployment_v1.web: the labels of the template at spec.template.metadata lack green.govcloud.gov.vn/pue",
      "kubernetes_namespace_v1.tenant: the object's labels lack green.govcloud.gov.vn/agency, green.govcloud.gov.vn/cost-centre",
      'kubernetes_namespace_v1.tenant: the object\'s labels set green.govcloud.gov.vn/pue to "1.35 ", which is not a valid label value',
    ]);
  });

  it("flags a release whose chart's labels values lack the labels, and a release whose chart is unknown", async () => {
    const docs = estate({ keplerValues: { labels: { app: "kepler" } } });
    (docs.platform!.resource!.helm_release as Record<string, unknown>).other = { name: "other", chart: "other", values: ["a: 1\n"] };
    expect(summary(await check(rule, docs))).toEqual([
      "helm_release.kepler: release kepler: the labels at labels in its values lack green.govcloud.gov.vn/region, green.govcloud.gov.vn/site, green.govcloud.gov.vn/renewable-share, green.govcloud.gov.vn/pue, green.govcloud.gov.vn/grid-intensity, green.govcloud.gov.vn/certification",
      "helm_release.other: release other: no values path is known that puts labels on the objects its chart renders; add the chart's labels values to the add-on (labelValuePaths of its estate/add-ons/ descriptor) or to this rule's helmLabelPaths",
    ]);
  });
});

describe("regions-meet-green-targets", () => {
  const rule = "regions-meet-green-targets";
  /** Objects of two regions; south's labels say PUE 1.55 and 15 % renewable. */
  const docs = (): Record<string, TerraformJsonDocument> => ({
    "platform-north": { resource: { kubernetes_namespace_v1: { a: { metadata: { name: "a", labels: NORTH } } } } },
    "platform-south": {
      resource: {
        kubernetes_namespace_v1: {
          a: { metadata: { name: "a", labels: { ...NORTH, "green.govcloud.gov.vn/region": "south", [PUE]: "1.55", "green.govcloud.gov.vn/renewable-share": "15" } } },
        },
      },
    },
  });
  const exemption = { region: "south", reason: "cooling retrofit until mid-2027", approvedBy: "MIC, decision 9/QĐ", expires: "2027-06-30" };

  it("passes regions within the targets, and a region with an unexpired exemption", async () => {
    expect(await check(rule, { "platform-north": docs()["platform-north"]! })).toEqual([]);
    expect(await check(rule, docs(), { config: { [rule]: { exemptions: [exemption] } }, now: new Date("2027-06-30T12:00:00+07:00") })).toEqual([]);
  });

  it("flags a region over the targets, by its labels without an environment, and once its exemption has expired", async () => {
    expect(summary(await check(rule, docs()))).toEqual([
      "kubernetes_namespace_v1.a: region south: energy.pue is 1.55, over the green target of at most 1.4 (green.targets.maxPue); improve the site, or add a dated exemption for region 'south' under green.exemptions (reason, approvedBy, expires) (read from the green labels of its objects)",
      "kubernetes_namespace_v1.a: region south: energy.renewableShare is 0.15, under the green target of at least 0.2 (green.targets.minRenewableShare); improve the site, or add a dated exemption for region 'south' under green.exemptions (reason, approvedBy, expires) (read from the green labels of its objects)",
    ]);
    const expired = await check(rule, docs(), { config: { [rule]: { exemptions: [exemption] } }, now: new Date("2027-07-01T00:00:00+07:00") });
    expect(expired.map((f) => [f.stack, f.message.replace(/^(region south: energy\.\w+).*(its exemption.*?2027-06-30).*$/, "$1 … $2")])).toEqual([
      ["platform-south", "region south: energy.pue … its exemption under green.exemptions expired on 2027-06-30"],
      ["platform-south", "region south: energy.renewableShare … its exemption under green.exemptions expired on 2027-06-30"],
    ]);
  });

  it("takes a region's figures from the environment when it gives them", async () => {
    const regions = { north: { pue: 1.45, renewableShare: 0.3 }, south: { pue: 1.3, renewableShare: 0.5 } };
    expect(summary(await check(rule, docs(), { config: { [rule]: { regions } } }))).toEqual([
      "kubernetes_namespace_v1.a: region north: energy.pue is 1.45, over the green target of at most 1.4 (green.targets.maxPue); improve the site, or add a dated exemption for region 'north' under green.exemptions (reason, approvedBy, expires)",
    ]);
  });
});
