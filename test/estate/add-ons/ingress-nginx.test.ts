import { describe, expect, it } from "vitest";
import { ingressNginx } from "../../../estate/add-ons/ingress-nginx";
import { NATIONAL } from "../../support/fixtures";
import { addOnValues } from "../../support/add-ons";

describe("ingress-nginx", () => {
  const values = addOnValues("ingress-nginx");
  const controller = values.controller;

  it("pins chart ingress-nginx 4.12.1 in the ingress-nginx namespace", () => {
    expect([ingressNginx.chart, ingressNginx.version, ingressNginx.namespace, ingressNginx.name]).toEqual(["ingress-nginx", "4.12.1", "ingress-nginx", "ingress-nginx"]);
  });

  it("takes every image from the region's registry through global.image.registry, sets no per-image registry", () => {
    expect(values.global).toEqual({ image: { registry: "registry.north.govcloud.gov.vn" } });
    expect(controller.image.registry).toBeUndefined();
    expect(controller.admissionWebhooks.patch.image).toBeUndefined();
  });

  it("serves the default IngressClass through a LoadBalancer Service that keeps client addresses", () => {
    expect(controller.ingressClassResource).toEqual({ name: "nginx", enabled: true, default: true });
    expect(controller.service).toEqual({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(controller.hostNetwork).toBeUndefined();
  });

  it("keeps admission webhooks and metrics on, and snippet annotations off", () => {
    expect(controller.admissionWebhooks).toMatchObject({ enabled: true, failurePolicy: "Fail" });
    expect(controller.metrics).toEqual({ enabled: true, serviceMonitor: { enabled: true } });
    expect(controller.allowSnippetAnnotations).toBe(false);
  });

  it("runs restricted, with requests and limits", () => {
    expect(controller.image).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } });
    expect(Object.keys(controller.resources).sort()).toEqual(["limits", "requests"]);
  });

  it("names its IngressClass after the environment's", () => {
    const environment = { ...NATIONAL, tenancy: { ...NATIONAL.tenancy, ingressClass: "govcloud" } };
    expect(addOnValues("ingress-nginx", { environment }).controller.ingressClassResource.name).toBe("govcloud");
  });

  it("lets clients in on 80 and 443 and reaches tenant namespaces", () => {
    const names = ingressNginx.networkAllows.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(["kubernetes-api-egress", "http-https-ingress", "tenant-backends-egress", "webhook-ingress"]));
    const http = ingressNginx.networkAllows.find((a) => a.name === "http-https-ingress")!;
    expect(http).toMatchObject({ direction: "ingress", peers: [{ kind: "anywhere" }], ports: [{ port: 80 }, { port: 443 }] });
  });
});
