import { describe, expect, it } from "vitest";
import { Kepler } from "../../../constructs/add-ons/kepler";
import { synthConstructs } from "../../support/synth";

const registries = { images: "registry.north.govcloud.gov.vn", charts: "oci://registry.north.govcloud.gov.vn/charts" };

function build(): Kepler {
  let addOn: Kepler | undefined;
  synthConstructs((stack) => {
    addOn = new Kepler(stack, "kepler", { registries });
  });
  return addOn!;
}

describe("Kepler", () => {
  const addOn = build();
  const values = addOn.values as Record<string, any>;

  it("pins chart kepler 0.11.1 in the kepler namespace", () => {
    expect([addOn.chart, addOn.version, addOn.namespace]).toEqual(["kepler", "0.11.1", "kepler"]);
  });

  it("points the Kepler image at the mirror, pinned to the chart's appVersion, and sets no values the chart does not read", () => {
    expect(values.image).toEqual({ repository: "registry.north.govcloud.gov.vn/sustainable_computing_io/kepler", tag: "v0.11.1" });
    expect(values.daemonset.nvidia).toBeUndefined();
  });

  it("meters every node, with requests and limits", () => {
    expect(values.daemonset.tolerations).toEqual([{ operator: "Exists" }]);
    expect(values.daemonset.nodeSelector).toBeUndefined();
    expect(Object.keys(values.daemonset.resources).sort()).toEqual(["limits", "requests"]);
  });

  it("reads its node's kubelet and is scraped from monitoring", () => {
    expect(Kepler.NETWORK_ALLOWS.map((a) => a.name)).toEqual(["kubernetes-api-egress", "kubelet-egress", "metrics-ingress"]);
  });
});
