import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HelmAddOn, type HelmAddOnProps } from "../../constructs/helm-add-on";
import { resourcesOf, synthConstructs } from "../support/synth";

const props: HelmAddOnProps = {
  releaseName: "ingress-nginx",
  namespace: "ingress-nginx",
  chart: "ingress-nginx",
  version: "4.12.1",
  chartRegistry: "oci://registry.north.govcloud.gov.vn/charts",
  defaultValues: { controller: { replicaCount: 2, service: { type: "LoadBalancer", externalTrafficPolicy: "Local" } }, z: 1, a: [3, 1, 2] },
};

function synth(overrides: Partial<HelmAddOnProps> = {}) {
  let addOn: HelmAddOn | undefined;
  const doc = synthConstructs((stack) => {
    addOn = new HelmAddOn(stack, "add-on", { ...props, ...overrides });
  });
  const releases = Object.values(resourcesOf(doc, "helm_release"));
  expect(releases).toHaveLength(1);
  return { release: releases[0]!, addOn: addOn! };
}

describe("HelmAddOn", () => {
  it("pulls the pinned chart from the region's OCI registry into an existing namespace, atomically", () => {
    const { release } = synth();
    expect(release).toMatchObject({
      name: "ingress-nginx",
      namespace: "ingress-nginx",
      repository: "oci://registry.north.govcloud.gov.vn/charts",
      chart: "ingress-nginx",
      version: "4.12.1",
      create_namespace: false,
      atomic: true,
      wait: true,
      wait_for_jobs: true,
      cleanup_on_fail: true,
      max_history: 5,
      timeout: 600,
    });
  });

  it("sets nothing the helm 3.0.2 schema lacks (timeouts, upgrade_install, take_ownership)", () => {
    const { release } = synth();
    for (const key of ["timeouts", "upgrade_install", "take_ownership"]) expect(release).not.toHaveProperty(key);
  });

  it("deep-merges the environment's values over the defaults and exposes the result", () => {
    const { addOn, release } = synth({ values: { controller: { replicaCount: 5, service: { type: "ClusterIP" } }, z: null, a: [9] } });
    expect(addOn.values).toEqual({
      a: [9],
      controller: { replicaCount: 5, service: { type: "ClusterIP", externalTrafficPolicy: "Local" } },
    });
    expect(parse((release.values as string[])[0]!)).toEqual(addOn.values);
  });

  it("writes one YAML document with keys sorted at every depth, the same bytes for the same values in any order", () => {
    const a = synth({ defaultValues: { b: { y: 1, x: 2 }, a: 1 } }).release.values as string[];
    const b = synth({ defaultValues: { a: 1, b: { x: 2, y: 1 } } }).release.values as string[];
    expect(a).toEqual(b);
    expect(a).toHaveLength(1);
    expect(a[0]).toBe("a: 1\nb:\n  x: 2\n  y: 1\n");
  });

  it("writes no YAML anchors even when the same object appears twice", () => {
    const shared = { key: "govcloud.gov.vn/system", operator: "Exists" };
    const values = synth({ defaultValues: { one: { tolerations: [shared] }, two: { tolerations: [shared] } } }).release.values as string[];
    expect(values[0]).not.toMatch(/[&*]a\d/);
  });

  it("drops a trailing slash of the registry URL", () => {
    expect(synth({ chartRegistry: "oci://registry.north.govcloud.gov.vn/charts/" }).release.repository).toBe(
      "oci://registry.north.govcloud.gov.vn/charts",
    );
  });

  it("accepts exact versions, with or without a leading v", () => {
    for (const version of ["4.12.1", "v1.18.2", "1.0.0-rc.1", "72.6.2+build.5"]) expect(HelmAddOn.validate({ ...props, version })).toEqual([]);
  });

  it("rejects ranges and partial versions", () => {
    for (const version of ["^4.12.1", "~4.12", "4.12", "4.x", ">=4.12.1", "*", "latest", "4.12.1 || 4.13.0", "04.12.1"]) {
      expect(HelmAddOn.validate({ ...props, version }), version).toEqual([
        `version '${version}' must be an exact semantic version such as 4.12.1, not a range`,
      ]);
    }
  });

  it("reports every problem at once, each saying how to fix it", () => {
    expect(() =>
      synth({
        releaseName: "Ingress_Nginx",
        namespace: "",
        chart: "ingress nginx",
        version: "latest",
        chartRegistry: "https://kubernetes.github.io/ingress-nginx",
        timeoutSeconds: 5,
      }),
    ).toThrow(
      [
        "HelmAddOn 'Ingress_Nginx' is invalid:",
        "  - releaseName 'Ingress_Nginx' must be a DNS-1123 label of at most 53 characters",
        "  - namespace '' must be a DNS-1123 label",
        "  - chart 'ingress nginx' must be a chart name such as ingress-nginx",
        "  - chartRegistry 'https://kubernetes.github.io/ingress-nginx' must be an oci:// URL of the in-country registry, such as oci://registry.north.govcloud.gov.vn/charts",
        "  - version 'latest' must be an exact semantic version such as 4.12.1, not a range",
        "  - timeoutSeconds 5 must be a whole number of seconds between 60 and 3600",
      ].join("\n"),
    );
  });

  it("rejects a release name longer than Helm's 53 characters", () => {
    expect(HelmAddOn.validate({ ...props, releaseName: "a".repeat(54) })).toHaveLength(1);
  });
});
