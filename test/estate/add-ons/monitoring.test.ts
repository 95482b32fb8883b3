import { describe, expect, it } from "vitest";
import { monitoring } from "../../../estate/add-ons/monitoring";
import { addOnValues } from "../../support/add-ons";

describe("monitoring", () => {
  const values = addOnValues("monitoring", { regionId: "south" });

  it("pins kube-prometheus-stack 72.6.2 in the monitoring namespace, with a longer timeout", () => {
    expect([monitoring.chart, monitoring.version, monitoring.namespace, monitoring.name]).toEqual(["kube-prometheus-stack", "72.6.2", "monitoring", "monitoring"]);
    expect(monitoring.timeoutSeconds).toBe(900);
  });

  it("redirects every image with global.imageRegistry and each subchart's image.registry", () => {
    expect(values.global.imageRegistry).toBe("registry.south.govcloud.gov.vn");
    for (const image of [
      values.grafana.image,
      values.grafana.sidecar.image,
      values.grafana.initChownData.image,
      values.grafana.downloadDashboardsImage,
      values["kube-state-metrics"].image,
      values["prometheus-node-exporter"].image,
    ]) {
      expect(image).toEqual({ registry: "registry.south.govcloud.gov.vn" });
    }
  });

  it("drops Grafana's well-known default password and its test pod", () => {
    expect(values.grafana.adminPassword).toBeNull();
    expect(values.grafana.testFramework).toEqual({ enabled: false });
  });

  it("makes Prometheus pick up every ServiceMonitor, PodMonitor, rule and probe of the cluster", () => {
    const spec = values.prometheus.prometheusSpec;
    for (const key of ["serviceMonitor", "podMonitor", "rule", "probe"]) expect(spec[`${key}SelectorNilUsesHelmValues`], key).toBe(false);
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("50Gi");
  });

  it("runs node-exporter on every node", () => {
    expect(values["prometheus-node-exporter"].tolerations).toEqual([{ operator: "Exists" }]);
  });

  it("scrapes every namespace and the nodes", () => {
    const scrape = monitoring.networkAllows.find((a) => a.name === "scrape-egress")!;
    expect(scrape).toMatchObject({ direction: "egress", peers: [{ kind: "all-namespaces" }] });
    expect(scrape.ports).toBeUndefined();
    const nodes = monitoring.networkAllows.find((a) => a.name === "nodes-egress")!;
    expect(nodes.ports?.map((p) => p.port)).toEqual(expect.arrayContaining([10250, 9100]));
  });
});
