import { describe, expect, it } from "vitest";
import { kepler } from "../../../estate/add-ons/kepler";
import { addOnValues } from "../../support/add-ons";

describe("kepler", () => {
  const values = addOnValues("kepler");

  it("pins chart kepler 0.11.1 in the kepler namespace", () => {
    expect([kepler.chart, kepler.version, kepler.namespace]).toEqual(["kepler", "0.11.1", "kepler"]);
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
    expect(kepler.networkAllows.map((a) => a.name)).toEqual(["kubernetes-api-egress", "kubelet-egress", "metrics-ingress"]);
  });
});
